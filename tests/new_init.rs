//! `sociale-kaart init` makes a site that builds strictly; `sociale-kaart
//! new` writes templates that, once filled in, build too, and refuses what
//! it must not do.

use crate::common::{Run, run_in, snapshot};

/// A site made by `init` in a temporary folder.
fn initialized() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["init", "kaart"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = dir.path().join("kaart");
    (dir, site)
}

fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for (key, value) in values {
        let empty = format!("\n{key}:\n");
        assert!(
            text.contains(&empty),
            "template has no empty '{key}:' line:\n{text}"
        );
        text = text.replacen(&empty, &format!("\n{key}: {value}\n"), 1);
    }
    text
}

fn errors(run: &Run) -> Vec<String> {
    run.diagnostics().into_iter().map(str::to_string).collect()
}

#[test]
fn init_makes_a_site_that_builds_strictly() {
    let (_dir, site) = initialized();
    for file in [
        "site.yaml",
        "content/aanbieders/welzijn-voorbeeld.md",
        "content/aanbod/opvoedspreekuur.md",
        "content/paginas/over.md",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    let build = run_in(&site, &["build", "--strict"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.diagnostics().is_empty(), "{}", build.stderr);
    // In a pipe there is no progress bar, only the closing line.
    assert!(
        !build.stderr.contains('\r') && !build.stderr.contains("bouwen"),
        "{:?}",
        build.stderr
    );
    let offer =
        std::fs::read_to_string(site.join("public/aanbod/opvoedspreekuur/index.html")).unwrap();
    assert!(offer.contains("Opvoedspreekuur"));
    assert!(
        !offer.contains("__sociale-kaart"),
        "the reload script is for the preview only"
    );
    assert!(
        site.join("public/aanbieders/welzijn-voorbeeld/index.html")
            .is_file()
    );
    assert!(site.join("public/over/index.html").is_file());
    let check = run_in(&site, &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notities.txt"), "van mij").unwrap();
    let before = snapshot(dir.path());
    let run = run_in(dir.path(), &["init", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is niet leeg"), "{}", run.stderr);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn init_accepts_a_folder_with_only_hidden_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let run = run_in(dir.path(), &["init", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("site.yaml").is_file());
}

#[test]
fn a_new_offer_lists_what_to_fill_in_and_builds_once_filled() {
    let (_dir, site) = initialized();
    let run = run_in(&site, &["new", "aanbod", "zwemles-voor-iedereen"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = site.join("content/aanbod/zwemles-voor-iedereen.md");
    let text = std::fs::read_to_string(&path).unwrap();
    // The site's own ids are listed where they are needed.
    assert!(
        text.contains("# Mogelijke waarden: opvoeden, scheiding, vrije-tijd."),
        "{text}"
    );
    assert!(
        text.contains("# Mogelijke waarden: welzijn-voorbeeld."),
        "{text}"
    );
    assert!(text.contains("laatst_gecontroleerd: 2026-11-23"), "{text}");

    // Left as it is, the build names each required key once, at its line.
    let build = run_in(&site, &["build"]);
    assert_eq!(build.code, 1);
    let required = [
        "titel",
        "aanbieder",
        "samenvatting",
        "themas",
        "doelgroep",
        "gemeenten",
        "toegang",
    ];
    let errors = errors(&build);
    assert_eq!(errors.len(), required.len(), "{}", build.stderr);
    for key in required {
        let line = text.lines().position(|l| l == format!("{key}:")).unwrap() + 1;
        let expected = format!(
            "content/aanbod/zwemles-voor-iedereen.md:{line}:1: fout: [{key}] De verplichte sleutel '{key}' ontbreekt of is leeg."
        );
        assert!(
            errors.iter().any(|e| e.starts_with(&expected)),
            "{expected}\n{}",
            build.stderr
        );
    }

    let filled = fill(
        &text,
        &[
            ("titel", "Zwemles voor iedereen"),
            ("aanbieder", "welzijn-voorbeeld"),
            (
                "samenvatting",
                "Zwemles in kleine groepen voor kinderen die nog geen diploma hebben.",
            ),
            ("themas", "[vrije-tijd]"),
            ("doelgroep", "kinderen"),
            ("gemeenten", "[voorbeeld]"),
            ("toegang", "vrij"),
        ],
    )
    .replacen("# aanmelden:\n", "aanmelden:\n", 1)
    .replacen("#   telefoon:\n", "  telefoon: 0100 000 000\n", 1);
    std::fs::write(&path, filled).unwrap();
    let build = run_in(&site, &["build", "--strict"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = std::fs::read_to_string(site.join("public/aanbod/zwemles-voor-iedereen/index.html"))
        .unwrap();
    assert!(page.contains("Zwemles voor iedereen"));
    // The body placeholder is a comment and does not reach the page.
    assert!(!page.contains("Schrijf hier"), "{page}");
}

#[test]
fn a_new_provider_and_page_build_once_filled() {
    let (_dir, site) = initialized();
    assert_eq!(run_in(&site, &["new", "aanbieder", "sportclub"]).code, 0);
    assert_eq!(
        run_in(&site, &["new", "pagina", "veelgestelde-vragen"]).code,
        0
    );
    let provider = site.join("content/aanbieders/sportclub.md");
    let text = std::fs::read_to_string(&provider).unwrap();
    let filled = fill(
        &text,
        &[
            ("naam", "Sportclub Voorbeeld"),
            ("soort", "vrijwilligers"),
            ("samenvatting", "Een sportclub voor kinderen en jongeren."),
        ],
    )
    .replacen("# email:\n", "email: info@sportclub.example.org\n", 1);
    std::fs::write(&provider, filled).unwrap();
    let page = site.join("content/paginas/veelgestelde-vragen.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, fill(&text, &[("titel", "Veelgestelde vragen")])).unwrap();

    let build = run_in(&site, &["build", "--strict"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        site.join("public/aanbieders/sportclub/index.html")
            .is_file()
    );
    assert!(site.join("public/veelgestelde-vragen/index.html").is_file());
}

#[test]
fn new_refuses_to_overwrite_and_bad_names() {
    let (_dir, site) = initialized();
    let before = snapshot(&site);
    let run = run_in(&site, &["new", "aanbod", "opvoedspreekuur"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bestaat al en wordt niet overschreven"),
        "{}",
        run.stderr
    );

    let run = run_in(&site, &["new", "aanbod", "Zwemles Voor Iedereen"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Bijvoorbeeld: zwemles-voor-iedereen"),
        "{}",
        run.stderr
    );

    let run = run_in(&site, &["new", "pagina", "zoeken"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/zoeken/ is al in gebruik"),
        "{}",
        run.stderr
    );

    for bad in ["../buiten", "a/b", "/tmp/x"] {
        let run = run_in(&site, &["new", "aanbod", bad]);
        assert_eq!(run.code, 2, "{bad}");
    }
    assert_eq!(snapshot(&site), before, "nothing may be written or changed");
}

#[test]
fn new_needs_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["new", "aanbod", "x"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("geen site.yaml"), "{}", run.stderr);
}
