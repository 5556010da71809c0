//! The default theme: a house style is one tokens file, every page is
//! CSP-clean (no inline script or style), and the security headers ship.

use crate::common;

use crate::common::{SiteTest, select_text};

/// The example site, switched to the theme `name` (which the test then writes).
fn example_with_theme(name: &str) -> SiteTest {
    let site = SiteTest::example();
    let config = site
        .read("site.yaml")
        .replace("thema: default", &format!("thema: {name}"));
    assert!(
        config.contains(&format!("thema: {name}")),
        "the example site names its theme"
    );
    site.write("site.yaml", config);
    site
}

#[test]
fn a_theme_with_only_a_tokens_file_changes_the_house_style() {
    let site = example_with_theme("huisstijl");
    site.write(
        "themes/huisstijl/static/css/tokens.css",
        ":root {\n  --sk-brand-color-1: #8a1538;\n}\n",
    );
    site.write(
        "themes/huisstijl/static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>",
    );
    site.build_ok();

    assert_eq!(
        site.page("/css/tokens.css"),
        ":root{--sk-brand-color-1:#8a1538}"
    );
    assert!(site.page("/img/logo.svg").contains("viewBox=\"0 0 1 1\""));
    let layout = site.page("/css/site.css");
    assert!(
        layout.contains("var(--sk-brand-color-1)"),
        "the layout reads the tokens"
    );
    let home = site.page("/");
    assert_eq!(
        select_text(&home, "h1").len(),
        1,
        "pages still come from the default templates"
    );
    assert!(home.contains("/css/tokens.css"));
}

#[test]
fn the_layout_stylesheets_take_every_colour_from_the_tokens() {
    let theme = common::repo().join("themes/default/static/css");
    let tokens = std::fs::read_to_string(theme.join("tokens.css")).unwrap();
    assert!(
        tokens.contains("--sk-brand-color-1")
            && tokens.contains("--sk-font-family")
            && tokens.contains("--sk-logo-image")
    );
    let layout = std::fs::read_to_string(theme.join("site.css")).unwrap();
    let colours: Vec<&str> = layout
        .lines()
        .filter(|line| !line.trim_start().starts_with("/*") && !line.trim_start().starts_with('*'))
        .filter(|line| line.contains('#') || line.contains("rgb(") || line.contains("hsl("))
        .collect();
    assert_eq!(
        colours,
        Vec::<&str>::new(),
        "site.css must use tokens, not colour values"
    );
}

#[test]
fn no_page_has_inline_script_or_style_and_the_headers_ship() {
    let site = SiteTest::example();
    site.build_ok();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.path().display();
        assert!(select_text(&html, "style").is_empty(), "{name}: <style>");
        assert!(
            select_text(&html, "[style]").is_empty(),
            "{name}: style=\"\""
        );
        let inline_scripts = select_text(
            &html,
            r#"script:not([src]):not([type="application/ld+json"])"#,
        );
        assert!(
            inline_scripts.is_empty(),
            "{name}: inline script {inline_scripts:?}"
        );
        let handlers = [
            "onclick=",
            "onload=",
            "onerror=",
            "onsubmit=",
            "javascript:",
        ];
        for handler in handlers {
            assert!(!html.to_lowercase().contains(handler), "{name}: {handler}");
        }
        pages += 1;
    }
    assert!(pages > 100, "{pages} pages checked");

    let headers = site.page("/_headers");
    for expected in [
        "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'",
        "Referrer-Policy: no-referrer",
        "X-Content-Type-Options: nosniff",
        "Permissions-Policy: ",
    ] {
        assert!(headers.contains(expected), "_headers lacks {expected}");
    }
    assert!(!headers.contains("unsafe-inline"));
}

#[test]
fn a_theme_file_on_the_path_of_a_page_stops_the_build_the_preview_and_the_checks_alike() {
    let site = example_with_theme("eigen");
    site.write("themes/eigen/static/over/index.html", "<p>Oude pagina</p>");

    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("twee bestanden van de site krijgen hetzelfde pad over/index.html"),
        "{}",
        run.stderr
    );
    assert!(!site.public().exists(), "a failed build publishes nothing");

    // The live preview and the checks render into memory: the same error,
    // not one copy silently winning.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (loaded, diagnostics) = sociale_kaart::pipeline::load_site(site.path(), today);
    assert!(!diagnostics.has_errors());
    let loaded = loaded.expect("the site loads");
    let theme = sociale_kaart::render::Theme::load(site.path(), &loaded.config.thema)
        .expect("the theme loads");
    let rendered = sociale_kaart::pipeline::render_with_theme(&loaded, &theme);
    let Err(diagnostics) = rendered else {
        panic!("rendering into memory must fail too");
    };
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("hetzelfde pad over/index.html"),
        "{messages:?}"
    );
    let checked = site.run(&["check"]);
    assert_eq!(checked.code, 1, "{}", checked.stdout);
    assert!(
        checked
            .stdout
            .contains("twee bestanden van de site krijgen hetzelfde pad over/index.html"),
        "{}",
        checked.stdout
    );
}
