//! Helpers for the search tests: the example site's index, exported to a
//! temporary folder, and the browser engine run on it in Node.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value as Json;
use sociale_kaart::search::{SearchIndex, export};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// 2026-11-23, the day the browser tests build the site on.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

pub fn site(root: &Path) -> sociale_kaart::model::Site {
    let (site, diagnostics) = sociale_kaart::pipeline::load_site(root, today());
    site.unwrap_or_else(|| {
        panic!(
            "the site at {} does not load: {diagnostics:?}",
            root.display()
        )
    })
}

/// The index of a site and its static export in a temporary folder.
pub struct Exported {
    pub index: SearchIndex,
    pub dir: tempfile::TempDir,
}

pub fn exported(root: &Path) -> Exported {
    let index = SearchIndex::build(&site(root)).expect("index builds");
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in export::export(&index).expect("index exports") {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    Exported { index, dir }
}

pub fn example() -> Exported {
    exported(&repo())
}

/// Runs requests through the browser engine in Node (see engine.mjs).
pub fn node(site_dir: &Path, requests: &Json) -> Vec<Json> {
    let mut child = Command::new("node")
        .arg(repo().join("tests/search/engine.mjs"))
        .arg(site_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (install Node.js)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(requests.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the engine failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<Json>>(&output.stdout).expect("the engine answers JSON")
}
