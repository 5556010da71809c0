//! Helpers shared by the integration tests: fixture sites copied into a
//! temporary folder, the real binary run on them, and output snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-11-23, so that stale checks and past runs do not depend on the day.
pub const TODAY_EPOCH: &str = "1795392000";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A site in a temporary folder that the test may change freely.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The plain diagnostic lines (`file:line:col: fout: ...`).
    pub fn diagnostics(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": fout: ") || l.contains(": waarschuwing: "))
            .collect()
    }
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> Self {
        Self::from_dir(&fixture(name))
    }

    /// A copy of the example site at the repository root (without public/).
    pub fn example() -> Self {
        let test = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::copy(repo().join("site.yaml"), test.path().join("site.yaml")).unwrap();
        copy_dir(&repo().join("content"), &test.path().join("content"));
        test
    }

    pub fn from_dir(source: &Path) -> Self {
        let test = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(source, test.path());
        test
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `sociale-kaart <args>` with this site as working folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Builds and panics with the diagnostics when the build fails.
    pub fn build_ok(&self) -> Run {
        let run = self.build();
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    /// The rendered page at a URL path such as `/aanbod/x/`.
    pub fn page(&self, url: &str) -> String {
        let rel = if url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url.to_string()
        };
        std::fs::read_to_string(self.public().join(rel.trim_start_matches('/')))
            .unwrap_or_else(|e| panic!("page {url}: {e}"))
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_sociale-kaart"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run sociale-kaart");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.starts_with("public") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// Text of the elements matching `selector`.
pub fn select_text(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Whole visible text of a page, whitespace collapsed.
pub fn page_text(html: &str) -> String {
    select_text(html, "body").join(" ")
}

/// The example site at the repository root, validated as of [`TODAY_EPOCH`].
pub fn example_site() -> sociale_kaart::model::Site {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (site, diagnostics) = sociale_kaart::pipeline::load_site(&repo(), today);
    site.unwrap_or_else(|| panic!("the example site has errors: {:?}", diagnostics.into_vec()))
}

/// The example site and its exports (open data, HSDS, feeds, embeds), in memory.
pub fn exported_example() -> (sociale_kaart::model::Site, sociale_kaart::render::Output) {
    let site = example_site();
    let output =
        sociale_kaart::render::Output::collect(|sink| sociale_kaart::export::build(&site, sink))
            .expect("the exports build");
    (site, output)
}

/// A JSON file of an in-memory output.
pub fn json_file(output: &sociale_kaart::render::Output, path: &str) -> serde_json::Value {
    let bytes = output
        .files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is missing"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}
