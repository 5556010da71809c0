//! The static index in public/ and the `search` command.

use crate::search;

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value as Json;
use sociale_kaart::search::{FORMAT, FORMAT_VERSION, export};

fn meta(dir: &std::path::Path) -> Json {
    serde_json::from_slice(&std::fs::read(dir.join("zoekindex/meta.json")).unwrap()).unwrap()
}

#[test]
fn the_export_is_versioned_complete_and_content_addressed() {
    let exported = search::example();
    let dir = exported.dir.path();
    let meta = meta(dir);
    assert_eq!(meta["format"], FORMAT);
    assert_eq!(meta["version"], FORMAT_VERSION);
    assert_eq!(
        meta["documents"].as_u64().unwrap() as usize,
        exported.index.docs.len()
    );
    let mut referenced: BTreeSet<String> = BTreeSet::new();
    referenced.extend(
        meta["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[1].as_str().unwrap().to_string()),
    );
    referenced.extend(
        meta["vocabulary"]
            .as_object()
            .unwrap()
            .values()
            .map(|f| f.as_str().unwrap().to_string()),
    );
    let prefix = meta["docs"]["prefix"].as_str().unwrap();
    referenced
        .extend((0..meta["docs"]["count"].as_u64().unwrap()).map(|n| format!("{prefix}{n}.json")));
    referenced.insert(meta["facets"].as_str().unwrap().to_string());
    referenced.insert(meta["theme_postings"].as_str().unwrap().to_string());
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir.join("zoekindex"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "meta.json")
        .collect();
    assert_eq!(
        referenced, on_disk,
        "every file is referenced, every reference exists"
    );
    for name in &on_disk {
        let (kind, rest) = name.split_once('-').unwrap();
        assert!(["t", "w", "d", "f", "h"].contains(&kind), "{name}");
        let hash = rest.split(['.', '-']).next().unwrap();
        assert!(
            hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name} is named after its content"
        );
    }
    // Term chunks are gzip and sorted; the first starts at "".
    let chunks = meta["terms"].as_array().unwrap();
    assert_eq!(chunks[0][0], "");
    let firsts: Vec<&str> = chunks.iter().map(|c| c[0].as_str().unwrap()).collect();
    assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    for chunk in chunks {
        let bytes = std::fs::read(dir.join("zoekindex").join(chunk[1].as_str().unwrap())).unwrap();
        assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip");
    }
    // Stop words and synonyms travel with the index.
    assert!(
        meta["analyzer"]["stop_words"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "de")
    );
    let scheiding = meta["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "scheiding")
        .unwrap();
    assert!(
        scheiding["phrases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == &serde_json::json!(["echtscheid"]))
    );
}

#[test]
fn tantivy_indexes_the_words_found_up_front_without_analysing_again() {
    let index = sociale_kaart::search::SearchIndex::build(&search::site(&search::repo())).unwrap();
    assert!(index.doc_count() > 50);
    assert_eq!(index.texts_analysed_again(), 0);
}

#[test]
fn the_export_is_deterministic() {
    let site = search::site(&search::repo());
    let first = export::export(&sociale_kaart::search::SearchIndex::build(&site).unwrap()).unwrap();
    let second =
        export::export(&sociale_kaart::search::SearchIndex::build(&site).unwrap()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn a_large_site_is_split_so_a_query_loads_little() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "synthetic_site", "--"])
        .arg(dir.path())
        .args(["1000", "100"])
        .current_dir(search::repo())
        .status()
        .unwrap();
    assert!(status.success());
    let exported = search::exported(dir.path());
    let meta = meta(exported.dir.path());
    let size = |name: &str| {
        std::fs::metadata(exported.dir.path().join("zoekindex").join(name))
            .unwrap()
            .len()
    };
    let chunks = meta["terms"].as_array().unwrap();
    assert!(chunks.len() > 10, "{} term chunks", chunks.len());
    let total: u64 = chunks.iter().map(|c| size(c[1].as_str().unwrap())).sum();
    let largest = chunks
        .iter()
        .map(|c| size(c[1].as_str().unwrap()))
        .max()
        .unwrap();
    assert!(
        largest * 5 < total,
        "no chunk holds a fifth of the terms ({largest} of {total} bytes)"
    );
    assert!(meta["docs"]["count"].as_u64().unwrap() > 10);
    // Built a second time: still the same bytes.
    let again = export::export(
        &sociale_kaart::search::SearchIndex::build(&search::site(dir.path())).unwrap(),
    )
    .unwrap();
    assert_eq!(export::export(&exported.index).unwrap(), again);
}

#[test]
fn the_build_writes_the_index_into_public() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_sociale-kaart"))
        .args(["build", "--output"])
        .arg(&public)
        .current_dir(search::repo())
        .env("SOURCE_DATE_EPOCH", "1795392000")
        .status()
        .unwrap();
    assert!(status.success());
    let meta = meta(&public);
    assert_eq!(meta["format"], FORMAT);
    assert!(
        public
            .join("zoekindex")
            .join(meta["facets"].as_str().unwrap())
            .is_file()
    );
    assert!(public.join("js/zoeken.js").is_file());
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sociale-kaart"))
        .args(args)
        .current_dir(search::repo())
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_search_command_answers_from_the_same_index() {
    let (code, stdout, _) = cli(&["search", "echtscheiding", "-n", "3"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].ends_with("resultaten, de eerste 3:"), "{stdout}");
    assert!(
        lines[1].contains("Nr")
            && lines[1].contains("Score")
            && lines[1].contains("Titel")
            && lines[1].contains("Adres")
    );
    assert_eq!(lines.len(), 5, "{stdout}");
    // The same ranking as the library, with Dutch decimal commas.
    let index = search::example().index;
    let hits = index
        .search("echtscheiding", &Default::default())
        .unwrap()
        .hits;
    for (line, hit) in lines[2..].iter().zip(&hits) {
        let doc = &index.docs[hit.doc as usize];
        assert!(line.contains(&doc.slug), "{line}");
        assert!(
            line.contains(&format!("{:.2}", hit.score).replace('.', ",")),
            "{line}"
        );
    }

    let (code, stdout, _) = cli(&["search", "mijn kind wordt gepest in denekamp", "--uitleg"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Zoektermen"), "{stdout}");
    assert!(
        stdout.contains("Plaats uit de zoekvraag: Denekamp"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Verwante thema's tellen mee:") && stdout.contains("Weerbaarheid"),
        "{stdout}"
    );

    let (code, stdout, _) = cli(&["search", "qqqqzzzz"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.trim(), "Niets gevonden voor \"qqqqzzzz\".");

    let (code, _, stderr) = cli(&["search", "x", "--thema", "onbekend"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("onbekende thema 'onbekend'") && stderr.contains("scheiding"),
        "{stderr}"
    );

    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = cli(&["--site", empty.path().to_str().unwrap(), "search", "x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("site.yaml"), "{stderr}");
}

#[test]
fn the_search_command_refuses_a_broken_site() {
    let broken = tempfile::tempdir().unwrap();
    std::fs::copy(
        search::repo().join("site.yaml"),
        broken.path().join("site.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(broken.path().join("content/aanbod")).unwrap();
    std::fs::write(
        broken.path().join("content/aanbod/kapot.md"),
        "---\ntitel: [\n---\n",
    )
    .unwrap();
    let (code, stdout, stderr) = cli(&["--site", broken.path().to_str().unwrap(), "search", "x"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("kapot.md"), "{stderr}");
}
