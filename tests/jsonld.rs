//! schema.org JSON-LD on the built example site: it parses, and every type
//! carries the properties search engines and directories need.

use crate::common::{SiteTest, select_text};
use serde_json::Value as Json;

struct Built {
    site: SiteTest,
}

impl Built {
    fn new() -> Self {
        let site = SiteTest::example();
        site.build_ok();
        Built { site }
    }

    /// The JSON-LD blocks of a page, parsed.
    fn jsonld(&self, url: &str) -> Vec<Json> {
        select_text(
            &self.site.page(url),
            r#"script[type="application/ld+json"]"#,
        )
        .iter()
        .map(|text| {
            serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{url}: JSON-LD does not parse: {e}\n{text}"))
        })
        .collect()
    }

    fn single(&self, url: &str) -> Json {
        let mut blocks = self.jsonld(url);
        assert_eq!(blocks.len(), 1, "{url}: one JSON-LD block");
        blocks.remove(0)
    }
}

fn text<'a>(value: &'a Json, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing text '{key}' in {value:#}"))
}

fn as_list(value: &Json) -> Vec<&Json> {
    match value {
        Json::Array(items) => items.iter().collect(),
        Json::Null => Vec::new(),
        other => vec![other],
    }
}

#[test]
fn structured_data_of_every_page_type() {
    let built = Built::new();

    // An offer: a Service with provider, area, audience, and one Event per run.
    let offer = built.single("/aanbod/training-ik-durf/");
    assert_eq!(offer["@context"], "https://schema.org");
    let graph = offer["@graph"].as_array().expect("@graph");
    let service = &graph[0];
    assert_eq!(service["@type"], "Service");
    assert_eq!(
        text(service, "url"),
        "https://sociale-kaart.example.org/aanbod/training-ik-durf/"
    );
    assert!(text(service, "name").starts_with("Training Ik durf!"));
    assert!(!text(service, "description").is_empty());
    let provider = &service["provider"];
    assert_eq!(provider["@type"], "Organization");
    assert_eq!(
        text(provider, "@id"),
        "https://sociale-kaart.example.org/aanbieders/schoolmaatschappelijk-werk/#organisatie"
    );
    let areas: Vec<&str> = as_list(&service["areaServed"])
        .iter()
        .map(|a| text(a, "name"))
        .collect();
    assert_eq!(areas, ["Dinkelland", "Tubbergen"]);
    assert_eq!(service["audience"]["@type"], "PeopleAudience");
    assert_eq!(service["audience"]["suggestedMinAge"], 10);
    assert_eq!(service["audience"]["suggestedMaxAge"], 12);
    assert_eq!(service["offers"]["priceCurrency"], "EUR");
    let events: Vec<&Json> = graph.iter().filter(|n| n["@type"] == "Event").collect();
    assert_eq!(events.len(), 2, "one Event per dated run");
    for event in &events {
        for key in ["name", "startDate", "endDate", "url", "eventStatus"] {
            text(event, key);
        }
        assert!(
            event["location"].is_object(),
            "an Event needs a location: {event:#}"
        );
        assert_eq!(event["about"]["@id"], service["@id"]);
    }
    assert_eq!(text(events[0], "startDate"), "2026-03-04");

    // A free offer gets a zero price; opening hours come from the provider.
    let free = built.single("/aanbod/schakel-toegang/");
    let service = &free["@graph"][0];
    assert_eq!(service["offers"]["price"], 0);
    let hours = as_list(&service["hoursAvailable"]);
    assert!(!hours.is_empty(), "Schakel has opening hours: {service:#}");
    assert_eq!(hours[0]["@type"], "OpeningHoursSpecification");
    assert_eq!(hours[0]["dayOfWeek"][0], "https://schema.org/Monday");
    assert_eq!(hours[0]["opens"], "08:30");

    // A provider: an Organization with contact points for its persons.
    let org = built.single("/aanbieders/schakel/");
    assert_eq!(org["@type"], "Organization");
    assert_eq!(text(&org, "name"), "Schakel");
    assert_eq!(
        text(&org, "url"),
        "https://sociale-kaart.example.org/aanbieders/schakel/"
    );
    assert_eq!(text(&org, "telephone"), "+31541000200");
    assert_eq!(org["address"]["@type"], "PostalAddress");
    assert_eq!(org["address"]["addressLocality"], "Denekamp");
    let points = as_list(&org["contactPoint"]);
    assert!(
        points.len() >= 3,
        "general contact plus contact persons: {org:#}"
    );
    for point in points {
        assert_eq!(point["@type"], "ContactPoint");
        text(point, "contactType");
        assert!(
            point["telephone"].is_string() || point["email"].is_string(),
            "{point:#}"
        );
    }

    // A village: a Place with coordinates inside its municipality.
    let place = built.single("/kernen/denekamp/");
    assert_eq!(place["@type"], "Place");
    assert_eq!(text(&place, "name"), "Denekamp");
    assert_eq!(place["geo"]["@type"], "GeoCoordinates");
    assert!(
        place["geo"]["latitude"]
            .as_f64()
            .is_some_and(|l| (52.0..53.0).contains(&l))
    );
    assert_eq!(place["containedInPlace"]["name"], "Dinkelland");

    // The home page: a WebSite whose search action points at /zoeken/.
    let home = built.single("/");
    assert_eq!(home["@type"], "WebSite");
    let target = text(&home["potentialAction"]["target"], "urlTemplate");
    assert_eq!(
        target,
        "https://sociale-kaart.example.org/zoeken/?q={zoekterm}"
    );
    assert_eq!(
        home["potentialAction"]["query-input"],
        "required name=zoekterm"
    );
}

#[test]
fn every_offer_and_provider_page_has_valid_structured_data() {
    let built = Built::new();
    for (folder, kind) in [("aanbod", "Service"), ("aanbieders", "Organization")] {
        let dir = built.site.public().join(folder);
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if !entry.file_type().unwrap().is_dir() {
                continue;
            }
            let url = format!("/{folder}/{}/", entry.file_name().to_string_lossy());
            let block = built.single(&url);
            let node = if kind == "Service" {
                &block["@graph"][0]
            } else {
                &block
            };
            assert_eq!(node["@type"], kind, "{url}");
            assert!(text(node, "url").ends_with(&url), "{url}");
            text(node, "name");
            if kind == "Service" {
                assert!(
                    node["provider"].is_object() || node["provider"].is_array(),
                    "{url}: provider"
                );
                assert!(
                    !as_list(&node["areaServed"]).is_empty(),
                    "{url}: areaServed"
                );
            }
            checked += 1;
        }
        assert!(checked >= 15, "{folder}: {checked} pages");
    }
}

#[test]
fn content_cannot_break_out_of_the_script_element() {
    let site = SiteTest::example();
    let path = site.path().join("content/aanbod/training-ik-durf.md");
    let original = std::fs::read_to_string(&path).unwrap();
    site.write(
        "content/aanbod/training-ik-durf.md",
        original.replacen(
            "samenvatting: In zes",
            "samenvatting: </script><script>alert(1)</script> In zes",
            1,
        ),
    );
    site.build_ok();
    let html = site.page("/aanbod/training-ik-durf/");
    let scripts = select_text(&html, "script");
    let executable = select_text(&html, r#"script:not([type="application/ld+json"])"#);
    assert_eq!(
        scripts.len(),
        executable.len() + 1,
        "one JSON-LD block: {scripts:?}"
    );
    assert!(
        executable.iter().all(|s| !s.contains("alert(1)")),
        "injected script element: {executable:?}"
    );
    let block = select_text(&html, r#"script[type="application/ld+json"]"#);
    let value: Json = serde_json::from_str(&block[0]).unwrap();
    assert!(
        text(&value["@graph"][0], "description").starts_with("</script><script>alert(1)</script>")
    );
}

/// Every JSON-LD block on the site is written in one canonical form: keys
/// in byte order at every level, no spaces, and `<` escaped. The same data
/// then always gives the same bytes, however the block was put together.
#[test]
fn every_block_is_in_canonical_form() {
    let built = Built::new();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(built.site.public()) {
        let entry = entry.unwrap();
        if entry.file_name() != "index.html" {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        for block in select_text(&html, r#"script[type="application/ld+json"]"#) {
            let value: Json = serde_json::from_str(&block).unwrap();
            let canonical = serde_json::to_string(&value)
                .unwrap()
                .replace('<', "\\u003c");
            assert_eq!(block, canonical, "{}", entry.path().display());
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} JSON-LD blocks");
}
