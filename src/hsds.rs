//! Open Referral HSDS 3.1: the specification's tables and the shape of its
//! nested JSON, which both the export (`export::hsds`) and the import
//! (`import_hsds`) follow, and [`Dataset`], the import's model of HSDS data.
//!
//! HSDS comes in two serialisations: the API's nested JSON (a service holds
//! its phones, its locations, its organization, ...) and a tabular data
//! package of CSV files that link rows by id. A [`Dataset`] is the tabular
//! form in memory; [`Dataset::add_json`] / [`Dataset::from_tabular_dir`]
//! flatten either serialisation into it. Records are kept as JSON objects
//! rather than typed structs so that fields this project does not map
//! survive reading. The export, which writes only fields of the
//! specification, keeps a cell per field instead (`export::hsds::Tables`)
//! and can give its rows as a [`Dataset`].

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

/// The HSDS version written into exports.
pub const VERSION: &str = "3.1";

/// One HSDS table: its name, its file in a tabular data package, its scalar
/// fields in the specification's order and which of them are numbers.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub file: &'static str,
    pub fields: &'static [&'static str],
    pub numbers: &'static [&'static str],
}

/// Every HSDS 3.1 table, in the order of the specification's data package.
pub const TABLES: &[Table] = &[
    Table {
        name: "organization",
        file: "organizations.csv",
        fields: &[
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        ],
        numbers: &["year_incorporated"],
    },
    Table {
        name: "program",
        file: "programs.csv",
        fields: &[
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
        ],
        numbers: &[],
    },
    Table {
        name: "service",
        file: "services.csv",
        fields: &[
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "wait_time",
            "fees",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "licenses",
            "alert",
            "last_modified",
        ],
        numbers: &["minimum_age", "maximum_age"],
    },
    Table {
        name: "attribute",
        file: "attributes.csv",
        fields: &[
            "id",
            "link_id",
            "taxonomy_term_id",
            "link_type",
            "link_entity",
            "value",
            "label",
        ],
        numbers: &[],
    },
    Table {
        name: "service_at_location",
        file: "service_at_location.csv",
        fields: &["id", "service_id", "location_id", "description"],
        numbers: &[],
    },
    Table {
        name: "location",
        file: "locations.csv",
        fields: &[
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ],
        numbers: &["latitude", "longitude"],
    },
    Table {
        name: "phone",
        file: "phones.csv",
        fields: &[
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ],
        numbers: &["extension"],
    },
    Table {
        name: "contact",
        file: "contacts.csv",
        fields: &[
            "id",
            "organization_id",
            "service_id",
            "service_at_location_id",
            "location_id",
            "name",
            "title",
            "department",
            "email",
        ],
        numbers: &[],
    },
    Table {
        name: "address",
        file: "addresses.csv",
        fields: &[
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
        numbers: &[],
    },
    Table {
        name: "schedule",
        file: "schedules.csv",
        fields: &[
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ],
        numbers: &["timezone", "count", "interval"],
    },
    Table {
        name: "funding",
        file: "funding.csv",
        fields: &["id", "organization_id", "service_id", "source"],
        numbers: &[],
    },
    Table {
        name: "service_area",
        file: "service_areas.csv",
        fields: &[
            "id",
            "service_id",
            "service_at_location_id",
            "name",
            "description",
            "extent",
            "extent_type",
            "uri",
        ],
        numbers: &[],
    },
    Table {
        name: "required_document",
        file: "required_documents.csv",
        fields: &["id", "service_id", "document", "uri"],
        numbers: &[],
    },
    Table {
        name: "language",
        file: "languages.csv",
        fields: &[
            "id",
            "service_id",
            "location_id",
            "phone_id",
            "name",
            "code",
            "note",
        ],
        numbers: &[],
    },
    Table {
        name: "accessibility",
        file: "accessibility.csv",
        fields: &["id", "location_id", "description", "details", "url"],
        numbers: &[],
    },
    Table {
        name: "taxonomy_term",
        file: "taxonomy_terms.csv",
        fields: &[
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ],
        numbers: &[],
    },
    Table {
        name: "metadata",
        file: "metadata.csv",
        fields: &[
            "id",
            "resource_id",
            "resource_type",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ],
        numbers: &[],
    },
    Table {
        name: "meta_table_description",
        file: "meta_table_descriptions.csv",
        fields: &["id", "name", "language", "character_set"],
        numbers: &[],
    },
    Table {
        name: "cost_option",
        file: "cost_options.csv",
        fields: &[
            "id",
            "service_id",
            "valid_from",
            "valid_to",
            "option",
            "currency",
            "amount",
            "amount_description",
        ],
        numbers: &["amount"],
    },
    Table {
        name: "organization_identifier",
        file: "organization_identifiers.csv",
        fields: &[
            "id",
            "organization_id",
            "identifier_scheme",
            "identifier_type",
            "identifier",
        ],
        numbers: &[],
    },
    Table {
        name: "taxonomy",
        file: "taxonomies.csv",
        fields: &["id", "name", "description", "uri", "version"],
        numbers: &[],
    },
    Table {
        name: "service_capacity",
        file: "service_capacity.csv",
        fields: &[
            "id",
            "service_id",
            "unit_id",
            "available",
            "maximum",
            "description",
            "updated",
        ],
        numbers: &["available", "maximum"],
    },
    Table {
        name: "unit",
        file: "units.csv",
        fields: &["id", "name", "scheme", "identifier", "uri"],
        numbers: &[],
    },
    Table {
        name: "url",
        file: "url.csv",
        fields: &["id", "label", "url", "organization_id", "service_id"],
        numbers: &[],
    },
];

/// One row of a table: scalar fields only, linked to other rows by id.
pub type Record = Map<String, Value>;

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// List fields of nested HSDS JSON and the table their items belong to.
const CHILD_LISTS: &[(&str, &str)] = &[
    ("phones", "phone"),
    ("schedules", "schedule"),
    ("service_areas", "service_area"),
    ("service_at_locations", "service_at_location"),
    ("languages", "language"),
    ("funding", "funding"),
    ("cost_options", "cost_option"),
    ("required_documents", "required_document"),
    ("contacts", "contact"),
    ("capacities", "service_capacity"),
    ("attributes", "attribute"),
    ("metadata", "metadata"),
    ("additional_urls", "url"),
    ("additional_websites", "url"),
    ("locations", "location"),
    ("addresses", "address"),
    ("accessibility", "accessibility"),
    ("programs", "program"),
    ("organization_identifiers", "organization_identifier"),
    ("services", "service"),
];

/// Object fields of nested HSDS JSON: the object's table and the field of the
/// holder that carries the object's id.
const CHILD_OBJECTS: &[(&str, &str, &str)] = &[
    ("organization", "organization", "organization_id"),
    ("location", "location", "location_id"),
    ("taxonomy_term", "taxonomy_term", "taxonomy_term_id"),
    ("taxonomy_detail", "taxonomy", "taxonomy_id"),
    ("program", "program", "program_id"),
    ("unit", "unit", "unit_id"),
];

/// The lists of the API's nested shape: parent table, list field, child
/// table and the child's field that holds the parent's id.
pub const NESTED_LISTS: &[(&str, &str, &str, &str)] = &[
    (
        "organization",
        "additional_websites",
        "url",
        "organization_id",
    ),
    ("organization", "contacts", "contact", "organization_id"),
    ("organization", "phones", "phone", "organization_id"),
    ("organization", "locations", "location", "organization_id"),
    ("service", "additional_urls", "url", "service_id"),
    ("service", "phones", "phone", "service_id"),
    ("service", "schedules", "schedule", "service_id"),
    ("service", "service_areas", "service_area", "service_id"),
    (
        "service",
        "service_at_locations",
        "service_at_location",
        "service_id",
    ),
    ("service", "languages", "language", "service_id"),
    ("service", "cost_options", "cost_option", "service_id"),
    ("service", "contacts", "contact", "service_id"),
    (
        "service_at_location",
        "contacts",
        "contact",
        "service_at_location_id",
    ),
    (
        "service_at_location",
        "phones",
        "phone",
        "service_at_location_id",
    ),
    (
        "service_at_location",
        "schedules",
        "schedule",
        "service_at_location_id",
    ),
    (
        "service_at_location",
        "service_areas",
        "service_area",
        "service_at_location_id",
    ),
    ("location", "addresses", "address", "location_id"),
    ("location", "contacts", "contact", "location_id"),
    ("location", "phones", "phone", "location_id"),
    ("location", "schedules", "schedule", "location_id"),
    ("location", "languages", "language", "location_id"),
    ("location", "accessibility", "accessibility", "location_id"),
    ("contact", "phones", "phone", "contact_id"),
    ("phone", "languages", "language", "phone_id"),
];

/// Tables whose rows carry `attributes` and `metadata` when nested.
pub const ANNOTATED: &[&str] = &[
    "organization",
    "service",
    "service_at_location",
    "location",
    "contact",
    "phone",
];

/// HSDS data as tables of records, each table sorted by id.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Dataset {
    tables: BTreeMap<String, BTreeMap<String, Record>>,
}

impl Dataset {
    /// Adds a row. Null values are left out; a row whose id is
    /// already present fills in the fields the earlier copy lacked, because
    /// nested JSON repeats one entity in several places.
    pub fn insert(&mut self, table: &str, record: Value) {
        let Value::Object(fields) = record else {
            return;
        };
        let mut clean = Record::new();
        for (key, value) in fields {
            if !matches!(value, Value::Null | Value::Array(_) | Value::Object(_)) {
                clean.insert(key, value);
            }
        }
        let Some(id) = clean.get("id").and_then(Value::as_str).map(str::to_string) else {
            return;
        };
        let rows = self.tables.entry(table.to_string()).or_default();
        match rows.get_mut(&id) {
            Some(existing) => {
                for (key, value) in clean {
                    existing.entry(key).or_insert(value);
                }
            }
            None => {
                rows.insert(id, clean);
            }
        }
    }

    /// The rows of a table, sorted by id.
    pub fn rows(&self, table: &str) -> impl Iterator<Item = &Record> {
        self.tables
            .get(table)
            .into_iter()
            .flat_map(|rows| rows.values())
    }

    pub fn get(&self, table: &str, id: &str) -> Option<&Record> {
        self.tables.get(table)?.get(id)
    }

    /// The rows of `table` whose `field` is `id`.
    pub fn linked<'a>(
        &'a self,
        table: &str,
        field: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Record> {
        self.rows(table)
            .filter(move |r| r.get(field).and_then(Value::as_str) == Some(id))
    }

    /// Names of the tables that have rows.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables
            .iter()
            .filter(|(_, rows)| !rows.is_empty())
            .map(|(name, _)| name.as_str())
    }

    /// Reads nested or tabular HSDS JSON. `name` is the file name without
    /// extension; it tells which entity a bare object or list holds
    /// (`service_full`, `organizations`, ...), as the files carry no type.
    pub fn add_json(&mut self, value: &Value, name: &str) -> Result<()> {
        match value {
            Value::Object(obj) if obj.keys().any(|k| k.ends_with(".csv")) => {
                for (file, rows) in obj {
                    let Some(table) = TABLES.iter().find(|t| t.file == file) else {
                        continue;
                    };
                    for row in rows.as_array().into_iter().flatten() {
                        self.insert(table.name, coerce_numbers(table, row.clone()));
                    }
                }
            }
            Value::Object(obj)
                if obj.contains_key("openapi_url")
                    || (obj.contains_key("version")
                        && obj.len() <= 3
                        && !obj.contains_key("id")) => {}
            Value::Object(obj) if obj.get("contents").is_some_and(Value::is_array) => {
                for item in obj["contents"].as_array().into_iter().flatten() {
                    let table = entity_table(name, item).with_context(|| {
                        format!("kan niet zien wat voor HSDS-gegevens '{name}' bevat")
                    })?;
                    self.flatten(table, item, None);
                }
            }
            Value::Array(items) => {
                for item in items {
                    let table = entity_table(name, item).with_context(|| {
                        format!("kan niet zien wat voor HSDS-gegevens '{name}' bevat")
                    })?;
                    self.flatten(table, item, None);
                }
            }
            Value::Object(_) => {
                let table = entity_table(name, value).with_context(|| {
                    format!("kan niet zien wat voor HSDS-gegevens '{name}' bevat")
                })?;
                self.flatten(table, value, None);
            }
            _ => bail!("'{name}' bevat geen HSDS-object of -lijst"),
        }
        Ok(())
    }

    /// Splits one nested entity into rows, filling in the links that
    /// nesting implies (a phone inside a service gets its `service_id`).
    fn flatten(
        &mut self,
        table: &'static str,
        value: &Value,
        parent: Option<(&str, &str)>,
    ) -> Option<String> {
        let Value::Object(obj) = value else {
            return None;
        };
        let mut row = Record::new();
        for (key, v) in obj {
            if !matches!(v, Value::Array(_) | Value::Object(_)) {
                row.insert(key.clone(), v.clone());
            }
        }
        let id = match row.get("id").and_then(scalar_string) {
            Some(id) => id,
            None => uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_OID,
                format!("{table}:{value}").as_bytes(),
            )
            .to_string(),
        };
        row.insert("id".into(), Value::String(id.clone()));
        if let Some((parent_table, parent_id)) = parent {
            let links: Vec<(String, String)> = match table {
                "attribute" => vec![
                    ("link_id".into(), parent_id.into()),
                    ("link_entity".into(), parent_table.into()),
                ],
                "metadata" => vec![
                    ("resource_id".into(), parent_id.into()),
                    ("resource_type".into(), parent_table.into()),
                ],
                _ => vec![(format!("{parent_table}_id"), parent_id.into())],
            };
            for (field, value) in links {
                let known = table_fields(table).contains(&field.as_str());
                if known && !row.contains_key(&field) {
                    row.insert(field, Value::String(value));
                }
            }
        }
        for (key, v) in obj {
            match v {
                Value::Array(items) => {
                    if let Some((_, child)) = CHILD_LISTS.iter().find(|(field, _)| field == key) {
                        for item in items {
                            self.flatten(child, item, Some((table, &id)));
                        }
                    }
                }
                Value::Object(_) => {
                    if let Some((_, child, fk)) =
                        CHILD_OBJECTS.iter().find(|(field, _, _)| field == key)
                        && let Some(child_id) = self.flatten(child, v, None)
                    {
                        row.entry(fk.to_string()).or_insert(Value::String(child_id));
                    }
                }
                _ => {}
            }
        }
        if let Some(t) = self::table(table) {
            row = coerce_numbers(t, Value::Object(row))
                .as_object()
                .cloned()
                .unwrap_or_default();
        }
        self.insert(table, Value::Object(row));
        Some(id)
    }

    /// Reads a tabular data package: a folder of CSV files named as in the
    /// specification, or as `datapackage.json` lists them.
    pub fn from_tabular_dir(dir: &Path) -> Result<Dataset> {
        let mut paths: BTreeMap<&'static str, std::path::PathBuf> =
            TABLES.iter().map(|t| (t.name, dir.join(t.file))).collect();
        let package = dir.join("datapackage.json");
        if let Ok(text) = std::fs::read_to_string(&package)
            && let Ok(package) = serde_json::from_str::<Value>(&text)
        {
            for resource in package
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = resource.get("name").and_then(Value::as_str);
                let path = resource.get("path").and_then(Value::as_str);
                if let (Some(table), Some(path)) = (name.and_then(self::table), path) {
                    paths.insert(table.name, dir.join(path));
                }
            }
        }
        let mut dataset = Dataset::default();
        let mut found = 0;
        for (name, path) in paths {
            if !path.is_file() {
                continue;
            }
            found += 1;
            let table = self::table(name).expect("known table");
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_path(&path)
                .with_context(|| format!("kan {} niet lezen", path.display()))?;
            let headers: Vec<String> = reader
                .headers()
                .with_context(|| format!("kan de kopregel van {} niet lezen", path.display()))?
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect();
            for (line, row) in reader.records().enumerate() {
                let row = row.with_context(|| {
                    format!("{}: regel {} is geen geldige CSV", path.display(), line + 2)
                })?;
                let record: Record = headers
                    .iter()
                    .zip(row.iter())
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(h, v)| (h.clone(), Value::String(v.to_string())))
                    .collect();
                dataset.insert(name, coerce_numbers(table, Value::Object(record)));
            }
        }
        if found == 0 {
            bail!(
                "in {} staan geen HSDS-tabellen (zoals organizations.csv en services.csv)",
                dir.display()
            );
        }
        Ok(dataset)
    }
}

fn table_fields(table: &str) -> &'static [&'static str] {
    self::table(table).map_or(&[], |t| t.fields)
}

/// Which table a bare entity belongs to: by its file name when that says
/// it, else by the fields only that entity has.
fn entity_table(name: &str, item: &Value) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    let by_name = [
        ("service_at_location", "service_at_location"),
        ("service", "service"),
        ("organization", "organization"),
        ("taxonomy_term", "taxonomy_term"),
        ("taxonom", "taxonomy"),
        ("location", "location"),
    ];
    if let Some((_, table)) = by_name.iter().find(|(prefix, _)| name.starts_with(prefix)) {
        return Some(table);
    }
    let obj = item.as_object()?;
    let has = |key: &str| obj.contains_key(key);
    if has("status") || has("service_at_locations") || has("eligibility_description") {
        Some("service")
    } else if has("service_id") && has("location_id") {
        Some("service_at_location")
    } else if has("location_type") {
        Some("location")
    } else if has("code") || has("taxonomy_id") || has("term_uri") || has("parent_id") {
        Some("taxonomy_term")
    } else if has("version") {
        Some("taxonomy")
    } else if has("name") {
        Some("organization")
    } else {
        None
    }
}

/// Turns the number fields of a row read from text into JSON numbers;
/// text that is no number stays text, for the importer to report.
fn coerce_numbers(table: &Table, row: Value) -> Value {
    let Value::Object(mut obj) = row else {
        return row;
    };
    for field in table.numbers {
        if let Some(Value::String(text)) = obj.get(*field)
            && let Ok(n) = text.trim().parse::<f64>()
            && let Some(number) = serde_json::Number::from_f64(n)
        {
            let value = if n.fract() == 0.0 && n.abs() < 1e15 {
                json!(n as i64)
            } else {
                Value::Number(number)
            };
            obj.insert((*field).to_string(), value);
        }
    }
    Value::Object(obj)
}

fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A text field of a row, trimmed; numbers are given as text.
pub fn text(row: &Record, field: &str) -> Option<String> {
    row.get(field).and_then(scalar_string)
}

/// A number field of a row, also when it was written as text.
pub fn number(row: &Record, field: &str) -> Option<f64> {
    match row.get(field)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
