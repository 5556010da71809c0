//! The official HSDS 3.1 JSON schemas from `../shared/hsds-3.1/schema/`,
//! with every `$ref` resolved from that folder: validation never touches
//! the network.

use std::path::{Path, PathBuf};

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

/// Where CI and developers keep the HSDS files, beside the repository.
pub fn hsds_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/hsds-3.1"))
}

const BASE: &str = "https://hsds.invalid/schema/";

/// Serves `https://hsds.invalid/schema/<file>` from the local schema folder
/// and refuses everything else.
struct LocalSchemas {
    dir: PathBuf,
}

impl Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let Some(rel) = uri.strip_prefix(BASE) else {
            return Err(format!("schema outside the local HSDS folder: {uri}").into());
        };
        // compiled/tabular.json names the table schemas as siblings
        // ("accessibility.json"), but they live one folder up.
        let path = self.dir.join(rel);
        let path = if path.is_file() {
            path
        } else {
            self.dir
                .join(Path::new(rel).file_name().unwrap_or_default())
        };
        let text = std::fs::read_to_string(path)?;
        Ok(serde_json::from_str(&text)?)
    }
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A validator for one schema file, e.g. `service.json` or `compiled/tabular.json`.
pub fn validator(schema: &str) -> Validator {
    let dir = hsds_dir().join("schema");
    let contents = read_json(&dir.join(schema));
    jsonschema::options()
        .with_base_uri(format!("{BASE}{schema}"))
        .with_retriever(LocalSchemas { dir })
        .should_validate_formats(true)
        .build(&contents)
        .unwrap_or_else(|e| panic!("{schema}: {e}"))
}

/// Every error of `instance` against `validator`, as `path: message` lines.
pub fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
