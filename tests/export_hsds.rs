//! The HSDS 3.1 export of the example site, validated against the official
//! JSON schemas in ../shared/hsds-3.1/schema/.

use crate::hsds_schema;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use sociale_kaart::export::hsds::Ids;
use sociale_kaart::hsds::{Dataset, TABLES};
use sociale_kaart::render::Output;

use crate::common::{exported_example as example, json_file};

const ENDPOINTS: &[(&str, &str)] = &[
    ("services", "service.json"),
    ("organizations", "organization.json"),
    ("service_at_locations", "service_at_location.json"),
    ("taxonomies", "taxonomy.json"),
    ("taxonomy_terms", "taxonomy_term.json"),
];

#[test]
fn every_endpoint_validates_against_the_official_schema() {
    let (_, output) = example();
    assert!(
        !output
            .files
            .keys()
            .any(|k| k.starts_with("data/hsds/services/")),
        "one file per endpoint list, no per-item files"
    );
    for (endpoint, schema) in ENDPOINTS {
        let validator = hsds_schema::validator(schema);
        let page = json_file(&output, &format!("data/hsds/{endpoint}.json"));
        let contents = page["contents"]
            .as_array()
            .unwrap_or_else(|| panic!("{endpoint}: no contents"));
        assert!(!contents.is_empty(), "{endpoint} is empty");
        assert_eq!(page["total_items"], json!(contents.len()), "{endpoint}");
        assert_eq!(page["total_pages"], json!(1));
        assert_eq!(page["last_page"], json!(true));
        for item in contents {
            let errors = hsds_schema::errors(&validator, item);
            assert!(errors.is_empty(), "{endpoint} {}: {errors:#?}", item["id"]);
        }
    }
}

#[test]
fn the_validator_rejects_a_broken_service() {
    let (_, output) = example();
    let validator = hsds_schema::validator("service.json");
    let mut service = json_file(&output, "data/hsds/services.json")["contents"][0].clone();
    service.as_object_mut().unwrap().remove("status");
    service["id"] = json!("geen-uuid");
    service["service_at_locations"] = json!([{ "id": "ook-geen-uuid" }]);
    let errors = hsds_schema::errors(&validator, &service);
    assert!(errors.iter().any(|e| e.contains("status")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("geen-uuid")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("ook-geen-uuid")),
        "{errors:#?}"
    );
}

#[test]
fn the_tabular_package_validates_and_reads_back() {
    let (_, output) = example();
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in &output.files {
        if let Some(file) = path.strip_prefix("data/hsds/tabular/") {
            std::fs::write(dir.path().join(file), bytes).unwrap();
        }
    }
    let package = hsds_schema::read_json(&dir.path().join("datapackage.json"));
    let resources = package["resources"].as_array().unwrap();
    for wanted in [
        "organization",
        "service",
        "location",
        "address",
        "service_at_location",
        "contact",
        "phone",
        "schedule",
        "cost_option",
        "taxonomy",
        "taxonomy_term",
        "attribute",
    ] {
        assert!(
            resources.iter().any(|r| r["name"] == wanted),
            "no {wanted} in datapackage.json"
        );
    }
    for resource in resources {
        let table = TABLES.iter().find(|t| t.name == resource["name"]).unwrap();
        let csv = std::fs::read_to_string(dir.path().join(table.file)).unwrap();
        assert_eq!(
            csv.lines().next().unwrap(),
            table.fields.join(","),
            "{} header",
            table.file
        );
    }
    let data = Dataset::from_tabular_dir(dir.path()).unwrap();
    // An empty CSV cell is an empty text: put those back for the fields the
    // schema requires, which reading left out.
    let schema =
        hsds_schema::read_json(&hsds_schema::hsds_dir().join("schema/compiled/tabular.json"));
    let tables: serde_json::Map<String, Value> = data
        .table_names()
        .filter(|name| *name != "url")
        .map(|name| {
            let required = schema["properties"][name]["items"]["required"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let rows = data
                .rows(name)
                .map(|row| {
                    let mut row = row.clone();
                    for field in required.iter().filter_map(Value::as_str) {
                        row.entry(field).or_insert(json!(""));
                    }
                    Value::Object(row)
                })
                .collect();
            (name.to_string(), Value::Array(rows))
        })
        .collect();
    let validator = hsds_schema::validator("compiled/tabular.json");
    let errors = hsds_schema::errors(&validator, &Value::Object(tables));
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn every_offer_and_provider_is_mapped() {
    let (site, output) = example();
    let ids = Ids::new(&site.config.basis_url);
    let services = json_file(&output, "data/hsds/services.json");
    let services: BTreeMap<&str, &Value> = services["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s))
        .collect();
    assert_eq!(services.len(), site.aanbod.len());
    for a in &site.aanbod {
        let s = services[ids.service(&a.source.slug).as_str()];
        assert_eq!(s["name"], json!(a.titel));
        assert_eq!(
            s["url"],
            json!(
                site.config
                    .absolute_url(&format!("/aanbod/{}/", a.source.slug))
            )
        );
        assert_eq!(
            s["organization"]["id"],
            json!(ids.organization(&a.aanbieder[0]))
        );
        assert_eq!(s["assured_date"], json!(a.laatst_gecontroleerd.to_string()));
        assert!(
            s["description"]
                .as_str()
                .unwrap()
                .starts_with(&a.samenvatting)
        );
        let terms = |taxonomy: &str| -> BTreeSet<String> {
            s["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|at| at["taxonomy_term"]["taxonomy"] == json!(taxonomy))
                .map(|at| at["taxonomy_term"]["code"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            terms("sociale-kaart:thema"),
            a.themas.iter().cloned().collect::<BTreeSet<_>>(),
            "{}",
            a.source.slug
        );
        assert_eq!(
            terms("sociale-kaart:doelgroep"),
            a.doelgroep.iter().cloned().collect::<BTreeSet<_>>(),
            "{}",
            a.source.slug
        );
        assert_eq!(
            terms("sociale-kaart:toegang"),
            BTreeSet::from([a.toegang.clone()]),
            "{}",
            a.source.slug
        );
        let areas: Vec<&str> = s["service_areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|sa| sa["uri"].as_str().unwrap())
            .collect();
        for g in &a.gemeenten {
            assert!(
                areas
                    .iter()
                    .any(|u| u.ends_with(&format!("/gemeenten/{g}/"))),
                "{}: {g}",
                a.source.slug
            );
        }
        if let Some(l) = a.leeftijd {
            assert_eq!(s["minimum_age"], json!(l.van));
            assert_eq!(s["maximum_age"], json!(l.tot));
        }
        let schedules = s
            .get("schedules")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        assert_eq!(schedules, a.data.len(), "{}", a.source.slug);
        let locations = s
            .get("service_at_locations")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        assert_eq!(locations, a.locaties.len(), "{}", a.source.slug);
    }
    let organizations = json_file(&output, "data/hsds/organizations.json");
    assert_eq!(
        organizations["contents"].as_array().unwrap().len(),
        site.aanbieders.len()
    );
    let terms = json_file(&output, "data/hsds/taxonomy_terms.json");
    let themes: BTreeSet<&str> = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["taxonomy"] == "sociale-kaart:thema")
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        themes,
        site.config
            .themas
            .iter()
            .map(|t| t.id.as_str())
            .collect::<BTreeSet<_>>()
    );
}

#[test]
fn ids_are_unique_and_the_same_on_every_build() {
    let (_, first) = example();
    let (_, second) = example();
    let hsds = |o: &Output| -> BTreeMap<String, Vec<u8>> {
        o.files
            .iter()
            .filter(|(p, _)| p.starts_with("data/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    assert!(
        hsds(&first) == hsds(&second),
        "two exports of the same site differ"
    );
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in &first.files {
        if let Some(file) = path.strip_prefix("data/hsds/tabular/") {
            std::fs::write(dir.path().join(file), bytes).unwrap();
        }
    }
    let data = Dataset::from_tabular_dir(dir.path()).unwrap();
    let mut seen = BTreeSet::new();
    for table in data.table_names() {
        for row in data.rows(table) {
            let id = row["id"].as_str().unwrap();
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{table}: {id}");
            assert!(
                seen.insert(id.to_string()),
                "{table}: id {id} is used twice"
            );
        }
    }
}

/// The export writes its nested endpoints and CSV files straight from its
/// rows. Here they are made again the plain way, from the same rows in the
/// importer's model: nested as `serde_json` values (whose maps sort their
/// keys) and serialized, and written as CSV field by field. The bytes
/// must be the same.
#[test]
fn endpoints_and_tables_equal_those_made_from_json_values() {
    let (site, output) = example();
    let data = sociale_kaart::export::hsds::tables(&site).to_dataset();
    for (endpoint, table) in [
        ("services", "service"),
        ("organizations", "organization"),
        ("service_at_locations", "service_at_location"),
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
    ] {
        let items: Vec<Value> = data
            .rows(table)
            .map(|row| {
                if table == "taxonomy_term" {
                    term_with_taxonomy(&data, row)
                } else {
                    nest(&data, table, row, &mut vec![table])
                }
            })
            .collect();
        assert!(!items.is_empty(), "{endpoint}: the example has none");
        let mut expected = serde_json::to_vec(&json!({
            "total_items": items.len(), "total_pages": 1, "page_number": 1, "size": items.len(),
            "first_page": true, "last_page": true, "empty": items.is_empty(), "contents": items,
        }))
        .unwrap();
        expected.push(b'\n');
        let path = format!("data/hsds/{endpoint}.json");
        same_bytes(&path, &output.files[&path], &expected);
    }
    let mut tables = 0;
    for table in TABLES {
        let path = format!("data/hsds/tabular/{}", table.file);
        if data.rows(table.name).next().is_none() {
            assert!(!output.files.contains_key(&path), "{path} without rows");
            continue;
        }
        tables += 1;
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(table.fields).unwrap();
        for row in data.rows(table.name) {
            writer
                .write_record(
                    table
                        .fields
                        .iter()
                        .map(|f| sociale_kaart::hsds::text(row, f).unwrap_or_default()),
                )
                .unwrap();
        }
        same_bytes(&path, &output.files[&path], &writer.into_inner().unwrap());
    }
    assert!(tables >= 12, "only {tables} tables");
}

fn same_bytes(path: &str, written: &[u8], expected: &[u8]) {
    if written != expected {
        let at = written
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(written.len().min(expected.len()));
        let around = |bytes: &[u8]| {
            String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())])
                .into_owned()
        };
        panic!(
            "{path} differs at byte {at}:\nwritten:  {}\nexpected: {}",
            around(written),
            around(expected)
        );
    }
}

/// One row with its lists and objects, as in the specification's
/// `*_full.json` examples; `path` holds the tables on the way down.
fn nest(
    data: &Dataset,
    table: &str,
    row: &serde_json::Map<String, Value>,
    path: &mut Vec<&'static str>,
) -> Value {
    use sociale_kaart::hsds::{ANNOTATED, NESTED_LISTS};
    let mut out = row.clone();
    let id = row["id"].as_str().unwrap();
    for (parent, field, child, link) in NESTED_LISTS {
        if *parent != table || path.contains(child) {
            continue;
        }
        path.push(child);
        let items: Vec<Value> = data
            .linked(child, link, id)
            .map(|r| nest(data, child, r, path))
            .collect();
        path.pop();
        if !items.is_empty() {
            out.insert(field.to_string(), Value::Array(items));
        }
    }
    if ANNOTATED.contains(&table) {
        let attributes: Vec<Value> = data
            .linked("attribute", "link_id", id)
            .map(|a| {
                let mut a = a.clone();
                let term = a["taxonomy_term_id"].as_str().unwrap();
                if let Some(term) = data.get("taxonomy_term", term) {
                    a.insert("taxonomy_term".into(), Value::Object(term.clone()));
                }
                Value::Object(a)
            })
            .collect();
        if !attributes.is_empty() {
            out.insert("attributes".into(), Value::Array(attributes));
        }
        let metadata: Vec<Value> = data
            .linked("metadata", "resource_id", id)
            .map(|m| Value::Object(m.clone()))
            .collect();
        if !metadata.is_empty() {
            out.insert("metadata".into(), Value::Array(metadata));
        }
    }
    if table == "service"
        && let Some(organization) = row
            .get("organization_id")
            .and_then(Value::as_str)
            .and_then(|o| data.get("organization", o))
    {
        out.insert("organization".into(), Value::Object(organization.clone()));
    }
    if table == "service_at_location"
        && !path.contains(&"location")
        && let Some(location) = row
            .get("location_id")
            .and_then(Value::as_str)
            .and_then(|l| data.get("location", l))
    {
        path.push("location");
        let nested = nest(data, "location", location, path);
        path.pop();
        out.insert("location".into(), nested);
    }
    Value::Object(out)
}

fn term_with_taxonomy(data: &Dataset, term: &serde_json::Map<String, Value>) -> Value {
    let mut term = term.clone();
    if let Some(taxonomy) = term
        .get("taxonomy_id")
        .and_then(Value::as_str)
        .and_then(|t| data.get("taxonomy", t))
    {
        term.insert("taxonomy_detail".into(), Value::Object(taxonomy.clone()));
    }
    Value::Object(term)
}
