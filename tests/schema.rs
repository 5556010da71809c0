//! `sociale-kaart schema` prints JSON Schemas that an editor can use: every
//! example file validates against them, and typical mistakes do not.

use crate::common::{SiteTest, repo};
use serde_json::Value;

fn schema(kind: &str) -> Value {
    let site = SiteTest::from_fixture("minimaal");
    let run = site.run(&["schema", kind]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("schema is JSON")
}

fn front_matter(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml = text
        .strip_prefix("---\n")
        .unwrap()
        .split("\n---\n")
        .next()
        .unwrap();
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn every_example_file_validates_against_its_schema() {
    for (kind, folder) in [
        ("aanbod", "content/aanbod"),
        ("aanbieder", "content/aanbieders"),
        ("pagina", "content/paginas"),
    ] {
        let validator = jsonschema::validator_for(&schema(kind)).expect("a valid JSON Schema");
        let mut count = 0;
        for entry in std::fs::read_dir(repo().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let data = front_matter(&path);
            let errors: Vec<String> = validator
                .iter_errors(&data)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            count += 1;
        }
        assert!(count > 0, "{folder} has files");
    }
    let site: Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("site.yaml")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema("site")).unwrap();
    assert!(validator.is_valid(&site), "site.yaml validates");
}

#[test]
fn the_schema_rejects_typical_mistakes_and_documents_keys_in_dutch() {
    let aanbod = schema("aanbod");
    let validator = jsonschema::validator_for(&aanbod).unwrap();
    let valid = serde_json::json!({
        "titel": "Opvoedspreekuur", "aanbieder": "schakel", "samenvatting": "Kort.",
        "themas": ["opvoeden"], "doelgroep": "ouders", "gemeenten": ["dinkelland"],
        "toegang": "vrij", "laatst_gecontroleerd": "2026-06-01", "kosten": "gratis",
    });
    assert!(validator.is_valid(&valid));
    for (key, bad) in [
        ("samenvating", serde_json::json!("typo")),
        ("samenvatting", serde_json::json!("x".repeat(201))),
        ("status", serde_json::json!("gestop")),
        ("kosten", serde_json::json!("goedkoop")),
        ("laatst_gecontroleerd", serde_json::json!("14-05-2026")),
        ("leeftijd", serde_json::json!({"van": "vier", "tot": 12})),
    ] {
        let mut data = valid.clone();
        data[key] = bad;
        assert!(!validator.is_valid(&data), "{key} should be rejected");
    }
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("toegang");
    assert!(!validator.is_valid(&missing));
    let doc = aanbod["properties"]["samenvatting"]["description"]
        .as_str()
        .unwrap();
    assert!(doc.contains("hoogstens 200 tekens"), "{doc}");
}

#[test]
fn an_unknown_schema_is_a_usage_error() {
    let site = SiteTest::from_fixture("minimaal");
    let run = site.run(&["schema", "onzin"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("onbekend schema"), "{}", run.stderr);
}
