//! `/data/aanbod.json`, `/data/aanbieders.json`, their published JSON
//! Schemas and the CSV versions, for the example site.

use crate::common;

use serde_json::{Value, json};

use crate::common::{exported_example as example, json_file};

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .offline()
        .build(schema)
        .expect("the published schema compiles")
}

#[test]
fn data_files_validate_against_their_published_schemas() {
    let (_, output) = example();
    for name in ["aanbod", "aanbieders"] {
        let schema = json_file(&output, &format!("data/{name}.schema.json"));
        assert_eq!(
            schema["$id"],
            json!(format!(
                "https://sociale-kaart.example.org/data/{name}.schema.json"
            ))
        );
        let data = json_file(&output, &format!("data/{name}.json"));
        let errors: Vec<String> = validator(&schema)
            .iter_errors(&data)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn data_files_are_compact_and_schemas_are_indented() {
    let (_, output) = example();
    let text = |path: &str| String::from_utf8(output.files[path].clone()).unwrap();
    for name in ["aanbod", "aanbieders"] {
        let data = text(&format!("data/{name}.json"));
        assert!(data.ends_with("}\n") && data.len() > 1000, "{name}");
        assert_eq!(data.lines().count(), 1, "{name}.json is one line");
        let schema = text(&format!("data/{name}.schema.json"));
        assert!(schema.contains("\n  \"$id\": "), "{name}.schema.json");
    }
}

#[test]
fn the_schema_rejects_broken_data() {
    let (_, output) = example();
    let validator = validator(&json_file(&output, "data/aanbod.schema.json"));
    let mut data = json_file(&output, "data/aanbod.json");
    data["aanbod"][0].as_object_mut().unwrap().remove("titel");
    data["aanbod"][1]["status"] = json!("gestopt");
    data["aanbod"][2]["laatst_gecontroleerd"] = json!("gisteren");
    let errors: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/aanbod/0") && e.contains("titel")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("/aanbod/1/status")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/aanbod/2/laatst_gecontroleerd")),
        "{errors:#?}"
    );
}

#[test]
fn ids_are_slugs_and_urls_are_the_public_pages() {
    let (site, output) = example();
    let data = json_file(&output, "data/aanbod.json");
    assert_eq!(data["versie"], json!(1));
    let items = data["aanbod"].as_array().unwrap();
    assert_eq!(items.len(), site.aanbod.len());
    for (item, a) in items.iter().zip(&site.aanbod) {
        assert_eq!(item["id"], json!(a.source.slug));
        assert_eq!(
            item["url"],
            json!(format!(
                "https://sociale-kaart.example.org/aanbod/{}/",
                a.source.slug
            ))
        );
        assert_eq!(item["themas"].as_array().unwrap().len(), a.themas.len());
        assert_eq!(item["aanbieders"][0]["id"], json!(a.aanbieder[0]));
    }
    let newest = site
        .aanbod
        .iter()
        .map(|a| a.laatst_gecontroleerd)
        .max()
        .unwrap();
    assert_eq!(data["bijgewerkt"], json!(newest.to_string()));
    let providers = json_file(&output, "data/aanbieders.json");
    let providers = providers["aanbieders"].as_array().unwrap();
    assert_eq!(providers.len(), site.aanbieders.len());
    for (item, p) in providers.iter().zip(&site.aanbieders) {
        assert_eq!(item["id"], json!(p.source.slug));
        let offers: Vec<&str> = site
            .aanbod
            .iter()
            .filter(|a| a.aanbieder.contains(&p.source.slug))
            .map(|a| a.source.slug.as_str())
            .collect();
        assert_eq!(item["aanbod"], json!(offers), "{}", p.source.slug);
    }
}

#[test]
fn csv_has_a_header_and_joins_lists_with_semicolons() {
    let (site, output) = example();
    let bytes = &output.files["data/aanbod.csv"];
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(
        text.starts_with("id,url,hsds_id,titel,samenvatting,"),
        "{}",
        &text[..80]
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), site.aanbod.len());
    for (row, a) in rows.iter().zip(&site.aanbod) {
        assert_eq!(&row[column("id")], a.source.slug);
        assert_eq!(&row[column("themas")], a.themas.join(";"));
        assert_eq!(&row[column("gemeenten")], a.gemeenten.join(";"));
        assert_eq!(
            &row[column("laatst_gecontroleerd")],
            a.laatst_gecontroleerd.to_string()
        );
        assert_eq!(&row[column("beschrijving")], a.source.body.trim());
    }
    let mut reader = csv::Reader::from_reader(output.files["data/aanbieders.csv"].as_slice());
    assert_eq!(reader.records().count(), site.aanbieders.len());
}

#[test]
fn a_build_publishes_the_exports() {
    let site = common::SiteTest::example();
    site.build_ok();
    for path in [
        "data/aanbod.json",
        "data/aanbod.schema.json",
        "data/aanbod.csv",
        "data/aanbieders.json",
        "data/aanbieders.schema.json",
        "data/aanbieders.csv",
        "data/hsds/index.json",
        "data/hsds/services.json",
        "data/hsds/tabular/datapackage.json",
        "feed.xml",
        "agenda.ics",
        "embed/embed.css",
        "embed/themas/scheiding/index.html",
        "embed/themas/scheiding/fragment.html",
    ] {
        assert!(
            site.public().join(path).is_file(),
            "{path} was not published"
        );
    }
    let home = scraper::Html::parse_document(&site.page("/"));
    let feed =
        scraper::Selector::parse("link[rel=alternate][type='application/atom+xml']").unwrap();
    assert_eq!(
        home.select(&feed)
            .filter_map(|l| l.value().attr("href"))
            .collect::<Vec<_>>(),
        ["/feed.xml"]
    );
    let offer = scraper::Html::parse_document(&site.page("/aanbod/cursus-positief-opvoeden/"));
    let agenda =
        scraper::Selector::parse("a[href='/aanbod/cursus-positief-opvoeden/agenda.ics']").unwrap();
    let links: Vec<String> = offer.select(&agenda).map(|a| a.text().collect()).collect();
    assert_eq!(links, ["Zet in je agenda"]);
    assert!(
        site.public()
            .join("aanbod/cursus-positief-opvoeden/agenda.ics")
            .is_file()
    );
}
