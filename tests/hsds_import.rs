//! `import --hsds`: the specification's own example data (JSON and CSV)
//! becomes content files with markers for what the site does not know, and
//! the site's own export comes back as the same services.

use crate::common;
use crate::hsds_schema;

use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;
use sociale_kaart::export;
use sociale_kaart::import_hsds::{self, TODO};
use sociale_kaart::pipeline;
use sociale_kaart::render::Output;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn export_of(root: &Path) -> Output {
    let (site, diagnostics) = pipeline::load_site(root, today());
    let site = site.unwrap_or_else(|| panic!("the site has errors: {:#?}", diagnostics.into_vec()));
    Output::collect(|sink| export::build(&site, sink)).expect("the exports build")
}

/// An empty site with the example's site.yaml.
fn empty_site() -> common::SiteTest {
    let site = common::SiteTest {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::copy(
        common::repo().join("site.yaml"),
        site.path().join("site.yaml"),
    )
    .unwrap();
    site
}

fn import(site: &common::SiteTest, source: &Path) -> import_hsds::Plan {
    let data = import_hsds::read(source).unwrap_or_else(|e| panic!("{}: {e:#}", source.display()));
    let config = import_hsds::site_config(site.path()).unwrap();
    let plan = import_hsds::plan(&data, &config, site.path());
    import_hsds::write(&plan, site.path(), false).unwrap();
    plan
}

fn json(output: &Output, path: &str) -> Value {
    serde_json::from_slice(&output.files[path]).unwrap()
}

#[test]
fn export_import_export_gives_the_same_services() {
    let first = export_of(&common::repo());
    let exported = tempfile::tempdir().unwrap();
    for (path, bytes) in &first.files {
        if let Some(file) = path.strip_prefix("data/hsds/").filter(|f| !f.contains('/')) {
            std::fs::write(exported.path().join(file), bytes).unwrap();
        }
    }
    let site = empty_site();
    let plan = import(&site, exported.path());
    let markers: Vec<String> = plan
        .files
        .iter()
        .flat_map(|f| {
            f.todos
                .iter()
                .map(move |(line, t)| format!("{}:{line}: {t}", f.path))
        })
        .collect();
    assert!(
        markers.is_empty(),
        "the site's own export needs no editor: {markers:#?}"
    );
    let second = export_of(site.path());
    for endpoint in [
        "services",
        "organizations",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
    ] {
        let path = format!("data/hsds/{endpoint}.json");
        let (before, after) = (json(&first, &path), json(&second, &path));
        let (before, after) = (
            before["contents"].as_array().unwrap(),
            after["contents"].as_array().unwrap(),
        );
        assert_eq!(before.len(), after.len(), "{endpoint}: count");
        for (b, a) in before.iter().zip(after) {
            let changed = differences(b, a, "");
            assert!(
                changed.is_empty(),
                "{endpoint}: {} changed in the round trip: {changed:#?}",
                b["name"]
            );
        }
    }
    let (before, after) = (
        json(&first, "data/aanbod.json"),
        json(&second, "data/aanbod.json"),
    );
    for (b, a) in before["aanbod"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["aanbod"].as_array().unwrap())
    {
        for key in [
            "id",
            "titel",
            "samenvatting",
            "beschrijving",
            "toegang",
            "leeftijd",
            "kosten",
            "aanmelden",
            "contact",
            "data",
            "erkenning",
            "status",
            "laatst_gecontroleerd",
        ] {
            assert_eq!(b[key], a[key], "{}: {key}", b["id"]);
        }
    }
}

/// Paths where two JSON values differ, with both values.
fn differences(before: &Value, after: &Value, path: &str) -> Vec<String> {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            keys.into_iter()
                .flat_map(|k| {
                    differences(
                        b.get(k).unwrap_or(&Value::Null),
                        a.get(k).unwrap_or(&Value::Null),
                        &format!("{path}/{k}"),
                    )
                })
                .collect()
        }
        (Value::Array(b), Value::Array(a)) if b.len() == a.len() => b
            .iter()
            .zip(a)
            .enumerate()
            .flat_map(|(i, (b, a))| differences(b, a, &format!("{path}/{i}")))
            .collect(),
        _ if before == after => Vec::new(),
        _ => vec![format!("{path}: {before} → {after}")],
    }
}

/// Imports `source` into an empty site and returns the plan and the
/// diagnostics of loading the result.
fn import_example(source: &Path) -> (common::SiteTest, import_hsds::Plan, Vec<String>) {
    let site = empty_site();
    let plan = import(&site, source);
    let (_, diagnostics) = pipeline::load_site(site.path(), today());
    let diagnostics = diagnostics.iter().map(|d| format!("{d:?}")).collect();
    (site, plan, diagnostics)
}

fn assert_example_service(
    site: &common::SiteTest,
    plan: &import_hsds::Plan,
    diagnostics: &[String],
) {
    let service = plan
        .files
        .iter()
        .find(|f| f.path == "content/aanbod/community-counselling.md")
        .expect("the example service is imported");
    let text = site.read(&service.path);
    assert!(text.contains("titel: Community Counselling"), "{text}");
    assert!(
        text.contains("aanbieder: example-organization-inc"),
        "{text}"
    );
    assert!(text.contains("leeftijd:\n  tot: 100\n  van: 12"), "{text}");
    assert!(
        text.contains("\nthemas:") || text.contains("# themas:"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{TODO} voor wie is dit? HSDS zegt: \"This service is intended for all people aged 12"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("{TODO} hoe kom je erin?")), "{text}");
    assert!(
        service.todos.iter().all(|(line, t)| text
            .lines()
            .nth(line - 1)
            .is_some_and(|l| l.ends_with(t.as_str()))),
        "marker lines are wrong"
    );
    let here = |key: &str| {
        diagnostics
            .iter()
            .any(|d| d.contains("community-counselling.md") && d.contains(&format!("Some(\"{key}")))
    };
    for key in ["themas", "gemeenten", "doelgroep", "toegang"] {
        assert!(
            here(key),
            "no validation error for '{key}': {diagnostics:#?}"
        );
    }
    let provider = site.read("content/aanbieders/example-organization-inc.md");
    assert!(
        provider.contains("naam: Example Organization Inc."),
        "{provider}"
    );
    assert!(
        provider.contains(&format!(
            "{TODO} HSDS zegt niet wat voor organisatie dit is"
        )),
        "{provider}"
    );
}

#[test]
fn the_specifications_json_examples_import_with_markers() {
    let dir = hsds_schema::hsds_dir().join("examples");
    let (site, plan, diagnostics) = import_example(&dir);
    assert_example_service(&site, &plan, &diagnostics);
    let text = site.read("content/aanbod/community-counselling.md");
    // The example's taxonomy term is called "name": not a theme of this site.
    assert!(text.contains(&format!("{TODO} het thema 'name'")), "{text}");
    assert!(
        text.contains("themas:\n- name"),
        "the unknown theme is kept, not dropped: {text}"
    );
    // service_areas in the JSON example name an area the site does not know.
    assert!(
        text.contains(&format!(
            "{TODO} de gemeente 'The service is available to all residents"
        )),
        "{text}"
    );
}

#[test]
fn the_specifications_csv_package_imports_with_markers() {
    let dir = hsds_schema::hsds_dir().join("examples/csv");
    let (site, plan, diagnostics) = import_example(&dir);
    assert_example_service(&site, &plan, &diagnostics);
    let text = site.read("content/aanbod/community-counselling.md");
    // The CSV example links its one attribute to no service.
    assert!(
        text.contains(&format!("{TODO} HSDS noemt geen thema.")),
        "{text}"
    );
    assert!(
        text.contains("telefoon: +44 1234 234567"),
        "quotes around the example's phone are gone: {text}"
    );
    assert!(
        text.contains(
            "kosten:\n  bedrag: 35\n  per: 1 hour session\n  toelichting: Under 18s and Over 60s"
        ),
        "{text}"
    );
}

#[test]
fn a_single_service_file_imports_and_existing_files_are_kept() {
    let site = empty_site();
    let source = hsds_schema::hsds_dir().join("examples/service_full.json");
    let plan = import(&site, &source);
    assert!(
        plan.files
            .iter()
            .any(|f| f.path == "content/aanbod/community-counselling.md")
    );
    let data = import_hsds::read(&source).unwrap();
    let config = import_hsds::site_config(site.path()).unwrap();
    let again = import_hsds::plan(&data, &config, site.path());
    let err = import_hsds::write(&again, site.path(), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bestaan al") && err.contains("--overwrite"),
        "{err}"
    );
    import_hsds::write(&again, site.path(), true).unwrap();
}

#[test]
fn broken_input_gets_a_dutch_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("services.json");
    std::fs::write(&file, "{\"contents\": [").unwrap();
    let err = format!("{:#}", import_hsds::read(&file).unwrap_err());
    assert!(
        err.contains("services.json:1:") && err.contains("geen geldige JSON"),
        "{err}"
    );
    let err = format!(
        "{:#}",
        import_hsds::read(dir.path().join("leeg").as_path()).unwrap_err()
    );
    assert!(err.contains("kan") && err.contains("niet lezen"), "{err}");
}

#[test]
fn the_cli_reports_every_marker_and_check_names_them() {
    let site = empty_site();
    let source = hsds_schema::hsds_dir().join("examples/csv");
    let run = site.run(&["import", "--hsds", source.to_str().unwrap()]);
    assert_eq!(
        run.code, 1,
        "markers left for the editor give exit code 1:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/aanbod/community-counselling.md:6: te doen: HSDS noemt geen thema."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 aanbieders en 1 aanbod uit"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("punten voor de redactie: zoek '# TODO redactie:'"),
        "{}",
        run.stderr
    );
    let check = site.build();
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains("community-counselling.md:12:3: fout: [gemeenten[0]]"),
        "{}",
        check.stderr
    );
    let again = site.run(&["import", "--hsds", source.to_str().unwrap()]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("bestaan al en worden niet overschreven"),
        "{}",
        again.stderr
    );
    let missing = site.run(&["import", "--hsds", "bestaat-niet.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("fout: kan bestaat-niet.json niet lezen"),
        "{}",
        missing.stderr
    );
}
