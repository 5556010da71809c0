//! The embeddable lists: `/embed/<soort>/<id>/` pages to frame and their
//! `fragment.html`, script-free and with absolute links.

use crate::common;

use chrono::NaiveDate;
use scraper::{Html, Selector};
use sociale_kaart::export;
use sociale_kaart::model::Site;
use sociale_kaart::pipeline;
use sociale_kaart::render::Output;

fn export_of(root: &std::path::Path) -> (Site, Output) {
    let (site, diagnostics) =
        pipeline::load_site(root, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let site = site.unwrap_or_else(|| panic!("the site has errors: {:?}", diagnostics.into_vec()));
    let output = Output::collect(|sink| export::build(&site, sink)).expect("the exports build");
    (site, output)
}

fn html(output: &Output, path: &str) -> String {
    String::from_utf8(
        output
            .files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing"))
            .clone(),
    )
    .unwrap()
}

fn select(doc: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    doc.select(&selector).map(|e| e.html()).collect()
}

fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    doc.select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

#[test]
fn every_theme_village_and_age_group_has_a_framable_list() {
    let root = common::repo();
    let (site, output) = export_of(&root);
    let c = &site.config;
    let mut lists: Vec<(String, Vec<&str>)> = Vec::new();
    for t in &c.themas {
        lists.push((
            format!("themas/{}", t.id),
            site.aanbod
                .iter()
                .filter(|a| a.themas.contains(&t.id))
                .map(|a| a.source.slug.as_str())
                .collect(),
        ));
    }
    for l in &c.leeftijdsgroepen {
        lists.push((
            format!("leeftijd/{}", l.id),
            site.aanbod
                .iter()
                .filter(|a| a.overlaps_ages(l.van, l.tot))
                .map(|a| a.source.slug.as_str())
                .collect(),
        ));
    }
    for g in &c.gemeenten {
        for k in &g.kernen {
            assert!(
                output
                    .files
                    .contains_key(&format!("embed/kernen/{}/index.html", k.id)),
                "no list for {}",
                k.id
            );
        }
    }
    assert!(
        lists
            .iter()
            .any(|(_, slugs)| slugs.len() > sociale_kaart::export::embed::EMBED_MAX),
        "the example has a list long enough to be cut short"
    );
    for (dir, slugs) in lists {
        if slugs.len() > sociale_kaart::export::embed::EMBED_MAX {
            let fragment = html(&output, &format!("embed/{dir}/fragment.html"));
            assert!(
                fragment.contains(&format!("Bekijk alle {} keer aanbod", slugs.len())),
                "{dir}"
            );
        }
        let page = Html::parse_document(&html(&output, &format!("embed/{dir}/index.html")));
        let fragment = Html::parse_fragment(&html(&output, &format!("embed/{dir}/fragment.html")));
        for doc in [&page, &fragment] {
            assert!(
                select(doc, "script, style, [style]").is_empty(),
                "{dir}: script or inline style"
            );
            let links = attrs(doc, ".sk-titel", "href");
            let expected: Vec<String> = slugs
                .iter()
                .take(sociale_kaart::export::embed::EMBED_MAX)
                .map(|s| format!("{}/aanbod/{s}/", c.basis_url.trim_end_matches('/')))
                .collect();
            assert_eq!(links, expected, "{dir}");
            assert_eq!(
                attrs(doc, ".sk-meer a", "href"),
                vec![format!("{}/{dir}/", c.basis_url.trim_end_matches('/'))]
            );
        }
        assert_eq!(attrs(&page, "html", "lang"), vec!["nl".to_string()]);
        assert_eq!(attrs(&page, "base", "target"), vec!["_top".to_string()]);
        assert_eq!(
            attrs(&page, "link[rel=stylesheet]", "href"),
            vec!["/embed/embed.css".to_string()]
        );
        assert_eq!(
            attrs(&page, "meta[name=robots]", "content"),
            vec!["noindex".to_string()]
        );
        assert_eq!(
            select(&page, "h1").len(),
            1,
            "{dir}: the framed page has one h1"
        );
        assert_eq!(
            select(&fragment, "h2").len(),
            1,
            "{dir}: the fragment starts at h2"
        );
        let fragment_html = html(&output, &format!("embed/{dir}/fragment.html"));
        for tag in ["<html", "<head", "<body", "<link"] {
            assert!(
                !fragment_html.contains(tag),
                "{dir}: the fragment has {tag}"
            );
        }
    }
}

#[test]
fn text_in_embedded_lists_is_escaped() {
    let site = common::SiteTest::from_fixture("minimaal");
    let offer = site.read("content/aanbod/opvoedspreekuur.md").replace(
        "titel: Opvoedspreekuur",
        "titel: \"Spreekuur <b>opvoeden</b> & meer\"",
    );
    site.write("content/aanbod/opvoedspreekuur.md", offer);
    let (_, output) = export_of(site.path());
    let fragment = html(&output, "embed/kernen/denekamp/fragment.html");
    assert!(
        fragment.contains("Spreekuur &lt;b&gt;opvoeden&lt;/b&gt; &amp; meer"),
        "{fragment}"
    );
    assert!(!fragment.contains("<b>"), "{fragment}");
}
