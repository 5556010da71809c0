//! The example site builds, every page type renders the right content, and
//! the example content covers what the content model asks of it. The typed
//! site from the library is the oracle for what each page must list.

use crate::common;

use std::collections::BTreeSet;

use crate::common::{SiteTest, page_text, select_text, snapshot};
use sociale_kaart::model::{Kosten, Site, Status};
use sociale_kaart::pipeline;

fn example_site() -> Site {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (site, diagnostics) = pipeline::load_site(&common::repo(), today);
    assert!(
        !diagnostics.has_errors(),
        "{:?}",
        diagnostics.iter().collect::<Vec<_>>()
    );
    site.expect("example site validates")
}

fn built_example() -> SiteTest {
    let site = SiteTest::example();
    let run = site.build_ok();
    assert!(run.stderr.contains("Klaar:"), "{}", run.stderr);
    site
}

/// Offer titles linked from a page's main content.
fn listed_offers(html: &str) -> BTreeSet<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("main a[href^='/aanbod/']").unwrap();
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.len() > "/aanbod/".len())
        .map(|h| {
            h.trim_start_matches("/aanbod/")
                .trim_end_matches('/')
                .to_string()
        })
        .collect()
}

/// Offers listed on a paginated list, following the "next" links.
fn listed_on_all_pages(built: &SiteTest, url: &str) -> BTreeSet<String> {
    let mut listed = BTreeSet::new();
    let mut next = Some(url.to_string());
    let mut pages = 0;
    while let Some(url) = next {
        let html = built.page(&url);
        listed.extend(listed_offers(&html));
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("a[rel=next]").unwrap();
        next = doc
            .select(&sel)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(String::from);
        pages += 1;
        assert!(pages < 100, "pagination of {url} does not end");
    }
    listed
}

#[test]
fn example_content_covers_the_content_model() {
    let site = example_site();
    assert!(
        site.aanbieders.len() >= 15,
        "{} providers",
        site.aanbieders.len()
    );
    assert!(site.aanbod.len() >= 40, "{} offers", site.aanbod.len());
    let c = &site.config;
    for t in &c.themas {
        assert!(
            site.aanbod.iter().any(|a| a.themas.contains(&t.id)),
            "theme {} unused",
            t.id
        );
    }
    for l in &c.leeftijdsgroepen {
        assert!(
            site.aanbod
                .iter()
                .any(|a| a.leeftijd.is_some_and(|r| r.van <= l.tot && l.van <= r.tot)),
            "age group {} uncovered",
            l.id
        );
    }
    for t in &c.toegang {
        assert!(
            site.aanbod.iter().any(|a| a.toegang == t.id),
            "access {} unused",
            t.id
        );
    }
    for d in &c.doelgroepen {
        assert!(
            site.aanbod.iter().any(|a| a.doelgroep.contains(&d.id)),
            "audience {} unused",
            d.id
        );
    }
    assert!(
        site.aanbod
            .iter()
            .any(|a| matches!(a.kosten, Some(Kosten::Gratis(_))))
    );
    assert!(
        site.aanbod
            .iter()
            .any(|a| matches!(a.kosten, Some(Kosten::Bedrag(_))))
    );
    assert!(
        site.aanbod
            .iter()
            .any(|a| a.data.iter().any(|d| d.start > site.today)),
        "a future run"
    );
    assert!(
        site.aanbod
            .iter()
            .any(|a| a.data.iter().any(|d| d.last_day() < site.today)),
        "a past run"
    );
    assert!(site.aanbod.iter().any(|a| a.status == Status::Gepland));
    assert!(
        c.gemeenten
            .iter()
            .flat_map(|g| &g.kernen)
            .all(|k| k.lat.is_some() && k.lon.is_some())
    );
    let gestopt = std::fs::read_dir(common::repo().join("content/aanbod"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .any(|text| text.contains("\nstatus: gestopt"));
    assert!(gestopt, "a gestopt entry exists in the content");
    assert!(c.voorbeeldinhoud);
}

#[test]
fn example_content_has_no_real_contact_details() {
    for entry in walkdir::WalkDir::new(common::repo().join("content")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for word in text.split(|c: char| c.is_whitespace() || "<>()[],\"'".contains(c)) {
            if let Some((_, domain)) = word.split_once('@') {
                let domain = domain.trim_end_matches(['.', ':', ';']);
                assert!(
                    domain == "example.org" || domain.ends_with(".example.org"),
                    "{}: e-mail outside example.org: {word}",
                    entry.path().display()
                );
            }
            if word.starts_with("https://") || word.starts_with("http://") {
                let host = word.split('/').nth(2).unwrap_or_default();
                assert!(
                    host == "example.org" || host.ends_with(".example.org"),
                    "{}: {word}",
                    entry.path().display()
                );
            }
        }
    }
}

#[test]
fn every_page_type_renders_the_right_content() {
    let site = example_site();
    let built = built_example();

    let home = built.page("/");
    assert_eq!(select_text(&home, "h1").len(), 1);
    assert!(
        page_text(&home).to_lowercase().contains("voorbeeld"),
        "the site says it holds example content"
    );
    for t in &site.config.themas {
        assert!(
            home.contains(&format!("href=\"/themas/{}/\"", t.id))
                || home.contains(&format!("href=/themas/{}/", t.id)),
            "home links theme {}",
            t.id
        );
    }
    for l in &site.config.leeftijdsgroepen {
        assert!(
            home.contains(&format!("/leeftijd/{}/", l.id)),
            "home links age group {}",
            l.id
        );
    }
    assert!(
        home.contains("action=/zoeken/") || home.contains("action=\"/zoeken/\""),
        "home has a search form"
    );

    for a in &site.aanbod {
        let page = built.page(&format!("/aanbod/{}/", a.source.slug));
        assert_eq!(
            select_text(&page, "h1"),
            vec![a.titel.clone()],
            "h1 of {}",
            a.source.slug
        );
        let text = page_text(&page);
        assert!(
            text.contains(&a.samenvatting),
            "summary of {}",
            a.source.slug
        );
        for slug in &a.aanbieder {
            let provider = site
                .aanbieders
                .iter()
                .find(|p| &p.source.slug == slug)
                .unwrap();
            assert!(
                text.contains(&provider.naam),
                "provider name on {}",
                a.source.slug
            );
        }
        let access = sociale_kaart::render::access_sentence(&site, a);
        assert!(
            text.contains(&access),
            "access route '{access}' on {}",
            a.source.slug
        );
        if let Some(l) = a.leeftijd {
            assert!(
                text.contains(&format!("{} tot en met {} jaar", l.van, l.tot)),
                "age on {}",
                a.source.slug
            );
        }
        if a.is_free() {
            assert!(text.contains("Gratis"), "free on {}", a.source.slug);
        }
        assert!(
            text.contains(&sociale_kaart::render::dutch_date(a.laatst_gecontroleerd)),
            "last checked on {}",
            a.source.slug
        );
        if a.status == Status::Gepland {
            assert!(
                text.contains("Nog niet beschikbaar"),
                "gepland marked on {}",
                a.source.slug
            );
        }
    }
    assert!(
        !built.public().join("aanbod/").read_dir().unwrap().any(|e| {
            let name = e.unwrap().file_name();
            std::fs::read_to_string(
                common::repo()
                    .join("content/aanbod")
                    .join(format!("{}.md", name.to_string_lossy())),
            )
            .is_ok_and(|t| t.contains("\nstatus: gestopt"))
        }),
        "gestopt offers are not published"
    );

    for p in &site.aanbieders {
        let page = built.page(&format!("/aanbieders/{}/", p.source.slug));
        assert_eq!(select_text(&page, "h1"), vec![p.naam.clone()]);
        let expected: BTreeSet<String> = site
            .aanbod
            .iter()
            .filter(|a| a.aanbieder.contains(&p.source.slug))
            .map(|a| a.source.slug.clone())
            .collect();
        let listed = listed_offers(&page);
        assert!(
            expected.is_subset(&listed),
            "offers of {}: {expected:?} vs {listed:?}",
            p.source.slug
        );
        for person in &p.contactpersonen {
            if let Some(naam) = &person.naam {
                assert!(
                    page_text(&page).contains(naam.as_str()),
                    "contact {naam} on {}",
                    p.source.slug
                );
            }
        }
    }

    for t in &site.config.themas {
        let expected: BTreeSet<String> = site
            .aanbod
            .iter()
            .filter(|a| a.themas.contains(&t.id))
            .map(|a| a.source.slug.clone())
            .collect();
        assert_eq!(
            listed_on_all_pages(&built, &format!("/themas/{}/", t.id)),
            expected,
            "theme {}",
            t.id
        );
    }
    for g in &site.config.gemeenten {
        let expected: BTreeSet<String> = site
            .aanbod
            .iter()
            .filter(|a| a.gemeenten.contains(&g.id))
            .map(|a| a.source.slug.clone())
            .collect();
        assert_eq!(
            listed_on_all_pages(&built, &format!("/gemeenten/{}/", g.id)),
            expected,
            "municipality {}",
            g.id
        );
        for k in &g.kernen {
            let expected: BTreeSet<String> = site
                .aanbod
                .iter()
                .filter(|a| sociale_kaart::render::offered_in_kern(a, &g.id, &k.id))
                .map(|a| a.source.slug.clone())
                .collect();
            assert_eq!(
                listed_on_all_pages(&built, &format!("/kernen/{}/", k.id)),
                expected,
                "village {}",
                k.id
            );
        }
    }
    for l in &site.config.leeftijdsgroepen {
        let expected: BTreeSet<String> = site
            .aanbod
            .iter()
            .filter(|a| a.overlaps_ages(l.van, l.tot))
            .map(|a| a.source.slug.clone())
            .collect();
        assert_eq!(
            listed_on_all_pages(&built, &format!("/leeftijd/{}/", l.id)),
            expected,
            "age group {}",
            l.id
        );
    }
    for overview in [
        "/themas/",
        "/gemeenten/",
        "/kernen/",
        "/leeftijd/",
        "/aanbieders/",
    ] {
        assert_eq!(
            select_text(&built.page(overview), "h1").len(),
            1,
            "{overview}"
        );
    }

    let az = built.page("/aanbod/");
    let all: BTreeSet<String> = site.aanbod.iter().map(|a| a.source.slug.clone()).collect();
    assert_eq!(listed_offers(&az), all, "A-Z lists every published offer");

    let who = page_text(&built.page("/wie-is-wie/"));
    for p in site
        .aanbieders
        .iter()
        .filter(|p| !p.contactpersonen.is_empty())
    {
        assert!(who.contains(&p.naam), "wie is wie lists {}", p.naam);
        for person in &p.contactpersonen {
            if let Some(rol) = &person.rol {
                assert!(
                    who.to_lowercase().contains(&rol.to_lowercase()),
                    "role {rol}"
                );
            }
        }
    }

    for page in &site.paginas {
        let html = built.page(&format!("/{}/", page.source.slug));
        assert_eq!(select_text(&html, "h1"), vec![page.titel.clone()]);
    }
    assert!(built.page("/404.html").contains("niet gevonden"));
    let sitemap = built.page("/sitemap.xml");
    for a in &site.aanbod {
        assert!(sitemap.contains(&format!(
            "https://sociale-kaart.example.org/aanbod/{}/",
            a.source.slug
        )));
    }
    assert!(
        built
            .page("/robots.txt")
            .contains("Sitemap: https://sociale-kaart.example.org/sitemap.xml")
    );
}

#[test]
fn pages_are_minified() {
    let built = built_example();
    for url in [
        "/",
        "/aanbod/kies-voor-het-kind/",
        "/themas/scheiding/",
        "/wie-is-wie/",
    ] {
        let page = built.page(url);
        assert!(
            !page.contains("\n  ") && !page.contains("\n\n"),
            "{url} is not minified"
        );
        assert!(!page.contains("&#x2F;"), "{url} escapes slashes");
    }
}

#[test]
fn an_offer_naming_a_theme_twice_shares_it_once() {
    let site = SiteTest::from_fixture("minimaal");
    let offer = site.read("content/aanbod/opvoedspreekuur.md");
    let with_themes = |title: &str, themes: &str| {
        offer
            .replace("titel: Opvoedspreekuur", &format!("titel: {title}"))
            .replace("themas: [opvoeden]", &format!("themas: [{themes}]"))
    };
    // "a-dubbel" comes first in slug order and names "opvoeden" twice: it
    // shares that one theme with "c-beide", and "d-scheiding" shares two.
    site.write(
        "content/aanbod/a-dubbel.md",
        with_themes("Dubbel", "opvoeden, opvoeden"),
    );
    site.write(
        "content/aanbod/c-beide.md",
        with_themes("Beide", "opvoeden, scheiding"),
    );
    site.write(
        "content/aanbod/d-scheiding.md",
        with_themes("Scheiding", "scheiding, opvoeden"),
    );
    site.build_ok();
    let listed: Vec<String> = select_text(&site.page("/themas/opvoeden/"), "main .kaart__titel");
    assert_eq!(
        listed.iter().filter(|t| *t == "Dubbel").count(),
        1,
        "{listed:?}"
    );
    // For "c-beide", "d-scheiding" shares two themes and comes first; the
    // offer that names "opvoeden" twice shares only one.
    let related = select_text(&site.page("/aanbod/c-beide/"), ".blok .kaart__titel");
    assert_eq!(
        related.first().map(String::as_str),
        Some("Scheiding"),
        "{related:?}"
    );
    assert_eq!(
        related.get(1).map(String::as_str),
        Some("Dubbel"),
        "{related:?}"
    );
}

#[test]
fn long_lists_are_split_into_linked_pages() {
    let site = SiteTest::from_fixture("minimaal");
    let offer = site.read("content/aanbod/opvoedspreekuur.md");
    // Seven pages: enough for the first page to leave numbers out.
    let count = sociale_kaart::render::LIST_PAGE_SIZE * 6 + 3;
    for i in 0..count {
        site.write(
            &format!("content/aanbod/extra-{i:03}.md"),
            offer.replace("titel: Opvoedspreekuur", &format!("titel: Extra {i:03}")),
        );
    }
    site.build_ok();
    let first = site.page("/themas/opvoeden/");
    assert!(
        page_text(&first).contains(&format!("{} keer aanbod, pagina 1 van 7", count + 1)),
        "{}",
        page_text(&first)
    );
    assert_eq!(
        listed_offers(&first).len(),
        sociale_kaart::render::LIST_PAGE_SIZE
    );
    // Page 1 links to 1, 2, 3 and 7, with one gap; page 4 to every page.
    assert_eq!(
        select_text(&first, ".paginering__lijst a:not([rel])"),
        ["Pagina 1", "Pagina 2", "Pagina 3", "Pagina 7"]
    );
    assert_eq!(
        select_text(&first, ".paginering__gat[aria-hidden=true]"),
        ["…"]
    );
    let fourth = site.page("/themas/opvoeden/4/");
    assert_eq!(
        select_text(&fourth, ".paginering__lijst a:not([rel])").len(),
        7
    );
    assert!(select_text(&fourth, ".paginering__gat").is_empty());
    let last = site.page("/themas/opvoeden/7/");
    assert_eq!(
        listed_offers(&last).len(),
        count + 1 - 6 * sociale_kaart::render::LIST_PAGE_SIZE
    );
    assert_eq!(
        listed_on_all_pages(&site, "/themas/opvoeden/").len(),
        count + 1
    );
    assert_eq!(select_text(&last, "h1").len(), 1);
    assert!(site.page("/sitemap.xml").contains("/themas/opvoeden/7/"));
}

#[test]
fn the_same_input_builds_byte_identical_output() {
    let site = SiteTest::example();
    let first = site.path().join("eerste");
    let second = site.path().join("tweede");
    let run = common::run_in(site.path(), &["build", "--output", first.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sociale-kaart"))
        .args(["build", "--output", second.to_str().unwrap()])
        .current_dir(site.path())
        .env("SOURCE_DATE_EPOCH", common::TODAY_EPOCH)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_same_files(&first, &second, "between builds");
}

/// Asserts that two folders hold the same files, byte for byte; `what`
/// ends the message naming a file that differs.
fn assert_same_files(a: &std::path::Path, b: &std::path::Path, what: &str) {
    let a = snapshot(a);
    let b = snapshot(b);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs {what}");
    }
}

/// The inode of every file under `dir`: a file that publishing replaced
/// gets a new one.
fn inodes(dir: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

#[test]
fn a_rebuild_replaces_only_what_changed_and_equals_a_fresh_build() {
    let site = built_example();
    let before = inodes(&site.public());
    let edited = "content/aanbod/buurtbemiddeling.md";
    site.write(edited, site.read(edited) + "\nDeze zin is nieuw.\n");
    let added = "content/aanbod/buurtbemiddeling-kopie.md";
    site.write(added, site.read(edited));
    let run = site.build_ok();
    let after = inodes(&site.public());

    let replaced: Vec<_> = before
        .iter()
        .filter(|(path, inode)| after.get(*path).is_some_and(|now| now != *inode))
        .collect();
    let new = after
        .keys()
        .filter(|path| !before.contains_key(*path))
        .count();
    assert!(
        replaced
            .iter()
            .any(|(path, _)| *path == "aanbod/buurtbemiddeling/index.html")
    );
    assert!(after.contains_key("aanbod/buurtbemiddeling-kopie/index.html"));
    assert!(
        replaced.len() < before.len() / 2,
        "most files are unchanged, yet {} of {} were replaced",
        replaced.len(),
        before.len()
    );
    for kept in ["css/site.css", "over/index.html", "privacy/index.html"] {
        assert_eq!(before[kept], after[kept], "{kept} was replaced");
    }
    let reported = format!("{} nieuw of gewijzigd", replaced.len() + new);
    assert!(
        run.stderr.contains(&reported),
        "expected '{reported}' in {}",
        run.stderr
    );

    // Removing the copy again removes its page and folder.
    std::fs::remove_file(site.path().join(added)).unwrap();
    let run = site.build_ok();
    assert!(run.stderr.contains(" verwijderd"), "{}", run.stderr);
    assert!(!site.public().join("aanbod/buurtbemiddeling-kopie").exists());

    let fresh = site.path().join("vers");
    let run = site.run(&["build", "--output", fresh.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_same_files(&site.public(), &fresh, "from a fresh build");
}

#[test]
fn site_templates_override_the_theme_and_the_builtin_theme_needs_no_folder() {
    let site = SiteTest::from_fixture("minimaal");
    assert!(!site.path().join("themes").exists());
    site.build_ok();
    assert!(site.page("/404.html").contains("niet gevonden"));

    site.write("templates/404.html", "{% extends \"base.html\" %}{% block inhoud %}<h1>Eigen foutpagina van {{ site.titel }}</h1>{% endblock %}");
    site.build_ok();
    assert!(
        site.page("/404.html")
            .contains("Eigen foutpagina van Minimale sociale kaart")
    );
    assert!(
        select_text(&site.page("/"), "h1").len() == 1,
        "other pages still come from the theme"
    );
}

#[test]
fn a_named_theme_replaces_the_builtin_file_by_file() {
    let site = SiteTest::from_fixture("minimaal");
    let config = site.read("site.yaml") + "thema: eigen\n";
    site.write("site.yaml", config);
    site.write("themes/eigen/static/css/extra.css", "p { color: green; }");
    site.write("themes/eigen/templates/pagina.html", "<!doctype html><html lang=nl><title>{{ pagina.titel }}</title><h1>Eigen: {{ pagina.titel }}</h1>{{ inhoud | safe }}");
    site.build_ok();
    assert!(site.page("/over/").contains("Eigen: Over deze kaart"));
    assert_eq!(site.page("/css/extra.css"), "p{color:green}");
    assert!(page_text(&site.page("/aanbod/opvoedspreekuur/")).contains("Opvoedspreekuur"));
}

#[test]
fn a_template_error_names_the_template() {
    let site = SiteTest::from_fixture("minimaal");
    site.write("templates/pagina.html", "<h1>{{ pagina.titel </h1>\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/pagina.html:1:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Fout in sjabloon"), "{}", run.stderr);
}

#[test]
fn a_template_failing_halfway_leaves_the_published_site_as_it_was() {
    // Pages are written while others are still rendering: an error in one
    // page must still leave public/ untouched and no half-written folder.
    let site = SiteTest::example();
    site.build_ok();
    let before = snapshot(&site.public());
    let template =
        std::fs::read_to_string(common::repo().join("themes/default/templates/aanbod.html"))
            .unwrap();
    let broken = template.replace(
        "{{ aanbod.titel }}",
        "{% if aanbod.slug is starting_with(pat=\"z\") %}{{ bestaat.niet }}{% endif %}{{ aanbod.titel }}",
    );
    site.write("templates/aanbod.html", &broken);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Pages render from minified templates; the report still names the
    // line and column in the editor's own file.
    let (line, text) = (1..)
        .zip(broken.lines())
        .find(|(_, text)| text.contains("bestaat.niet"))
        .unwrap();
    let column = text.find("bestaat").unwrap() + 1;
    assert!(
        run.stderr
            .contains(&format!("templates/aanbod.html:{line}:{column}: fout")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("/aanbod/z"), "{}", run.stderr);
    assert_eq!(snapshot(&site.public()), before, "public/ changed");
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".sociale-kaart-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn one_card_template_shapes_every_list_of_offers() {
    let site = SiteTest::example();
    site.write(
        "templates/kaart.html",
        "<li class=\"eigen-kaart\"><h{{ kop }}>{{ aanbod.titel }}</h{{ kop }}></li>\n",
    );
    site.build_ok();
    let content = example_site();
    let offer = content
        .aanbod
        .iter()
        .find(|a| a.status != Status::Gestopt && !a.themas.is_empty())
        .unwrap();
    let theme = &offer.themas[0];
    let provider = &offer.aanbieder[0];
    // Lists put cards under the page's h1, provider and offer pages under an h2.
    for (url, level) in [
        (format!("/themas/{theme}/"), "h2"),
        (format!("/aanbieders/{provider}/"), "h3"),
        (format!("/aanbod/{}/", offer.source.slug), "h3"),
    ] {
        let cards = select_text(&site.page(&url), &format!(".eigen-kaart > {level}"));
        assert!(!cards.is_empty(), "{url} shows no card with an {level}");
        assert!(
            select_text(&site.page(&url), ".kaart").is_empty(),
            "{url} still shows a built-in card"
        );
    }
    let listed = select_text(
        &site.page(&format!("/aanbieders/{provider}/")),
        ".eigen-kaart",
    );
    assert!(listed.contains(&offer.titel), "{listed:?}");

    site.write(
        "templates/kaart.html",
        "<li>{{ aanbod.bestaat_niet }}</li>\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("templates/kaart.html").count(),
        1,
        "one report for a card template that fails every card: {}",
        run.stderr
    );
}
