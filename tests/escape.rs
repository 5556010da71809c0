//! No input (slug, path, link, template name, theme name, logo) can make the
//! generator read or write outside the site.

use crate::common::{SiteTest, snapshot};

fn offer_with(extra: &str, body: &str) -> String {
    format!(
        "---\ntitel: Uitbraak\naanbieder: schakel\nsamenvatting: Probeert de map uit te komen.\nthemas: opvoeden\ndoelgroep: ouders\ngemeenten: dinkelland\ntoegang: vrij\nlaatst_gecontroleerd: 2026-06-01\naanmelden: Bel.\n{extra}---\n{body}\n"
    )
}

/// A secret file next to the site folder that nothing may read.
fn secret_beside(site: &SiteTest) -> std::path::PathBuf {
    let secret = site
        .path()
        .parent()
        .unwrap()
        .join(format!("geheim-{}.txt", std::process::id()));
    std::fs::write(&secret, "GEHEIM-WACHTWOORD").unwrap();
    secret
}

#[cfg(unix)]
#[test]
fn symlinked_content_and_templates_are_refused() {
    let site = SiteTest::from_fixture("minimaal");
    let secret = secret_beside(&site);
    std::os::unix::fs::symlink(&secret, site.path().join("content/aanbod/geheim.md")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/aanbod/geheim.md:1:1: fout: Dit is een snelkoppeling"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("GEHEIM"));
    std::fs::remove_file(site.path().join("content/aanbod/geheim.md")).unwrap();

    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(&secret, site.path().join("templates/pagina.html")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("templates/pagina.html:1:1: fout: Snelkoppelingen"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("GEHEIM"));
    assert!(!site.public().exists());
    std::fs::remove_file(secret).unwrap();
}

#[test]
fn a_theme_name_cannot_leave_the_themes_folder() {
    let site = SiteTest::from_fixture("minimaal");
    for name in ["../../etc", "/etc", "..", "eigen/../../x"] {
        let config = site
            .read("site.yaml")
            .lines()
            .filter(|l| !l.starts_with("thema:"))
            .collect::<Vec<_>>()
            .join("\n");
        site.write("site.yaml", format!("{config}\nthema: \"{name}\"\n"));
        let run = site.build();
        assert_eq!(run.code, 1, "theme {name}: {}", run.stderr);
        assert!(
            run.stderr.contains("[thema]"),
            "theme {name}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_logo_path_cannot_leave_the_content_folder() {
    let site = SiteTest::from_fixture("minimaal");
    let secret = secret_beside(&site);
    let name = secret.file_name().unwrap().to_string_lossy().into_owned();
    for logo in [
        format!("../../{name}"),
        format!("/{name}"),
        "logos/../../x.png".to_string(),
        secret.display().to_string(),
    ] {
        let provider = site.read("content/aanbieders/schakel.md").replacen(
            "---\n",
            &format!("---\nlogo: \"{logo}\"\n"),
            1,
        );
        site.write("content/aanbieders/uitbraak.md", provider);
        let run = site.build();
        assert_eq!(run.code, 1, "logo {logo}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("content/aanbieders/uitbraak.md:2:7: fout: [logo]"),
            "logo {logo}: {}",
            run.stderr
        );
        assert!(!site.public().exists());
    }
    std::fs::remove_file(secret).unwrap();
}

#[test]
fn references_cannot_name_paths() {
    let site = SiteTest::from_fixture("minimaal");
    site.write(
        "content/aanbod/uitbraak.md",
        offer_with("", "")
            .replace("aanbieder: schakel", "aanbieder: ../aanbieders/schakel")
            .replace("themas: opvoeden", "themas: ../../etc"),
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("[aanbieder] '../aanbieders/schakel' is geen bekende aanbieder."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("[themas] '../../etc' is geen bekend thema."),
        "{}",
        run.stderr
    );
}

#[test]
fn markdown_cannot_inject_script_or_javascript_links() {
    let site = SiteTest::from_fixture("minimaal");
    let body = "<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[klik](javascript:alert(1)) [ook](JaVaScRiPt:alert(2)) <a href=\"javascript:alert(3)\">a</a>\n\n<iframe src=\"https://evil.example.org\"></iframe>";
    site.write("content/aanbod/uitbraak.md", offer_with("", body));
    site.build_ok();
    let page = site.page("/aanbod/uitbraak/").to_lowercase();
    assert!(!page.contains("alert("), "script survived");
    assert!(!page.contains("javascript:"), "javascript: link survived");
    assert!(!page.contains("onerror"), "event handler survived");
    assert!(!page.contains("<iframe"), "iframe survived");
}

#[test]
fn the_output_folder_is_written_only_where_asked() {
    let site = SiteTest::from_fixture("minimaal");
    let outside = site.path().parent().unwrap();
    let before: Vec<_> = std::fs::read_dir(outside)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    site.build_ok();
    let after: Vec<_> = std::fs::read_dir(outside)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    let mut new: Vec<_> = after.iter().filter(|n| !before.contains(n)).collect();
    new.retain(|n| n.to_string_lossy().starts_with(".sociale-kaart"));
    assert!(new.is_empty(), "files written beside the site: {new:?}");
    let files = snapshot(&site.public());
    assert!(files.keys().all(|k| !k.contains("..")));
    assert!(files.contains_key("index.html"));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_planted_in_public_is_not_followed_by_a_rebuild() {
    let site = SiteTest::from_fixture("minimaal");
    site.build_ok();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("index.html"), "buiten de site").unwrap();
    let aanbod = site.public().join("aanbod");
    std::fs::remove_dir_all(&aanbod).unwrap();
    std::os::unix::fs::symlink(outside.path(), &aanbod).unwrap();
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(outside.path().join("index.html")).unwrap(),
        "buiten de site"
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    assert!(std::fs::symlink_metadata(&aanbod).unwrap().is_dir());
    assert!(site.page("/aanbod/").contains("<h1"));
}

#[test]
fn a_build_into_a_folder_of_other_files_is_refused_and_the_files_stay() {
    let site = SiteTest::from_fixture("minimaal");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("jaarverslag.txt"), "niet weggooien").unwrap();
    let run = site.run(&["build", "--output", elsewhere.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("geen website die sociale-kaart heeft gemaakt"),
        "{}",
        run.stderr
    );
    let left: Vec<_> = std::fs::read_dir(elsewhere.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["jaarverslag.txt"]);
}
