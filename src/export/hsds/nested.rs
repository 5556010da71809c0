//! The HSDS API's nested JSON, written straight from [`Tables`] with no
//! copy of a row. A service of the `services` endpoint holds its lists
//! (phones, schedules, ...), its attributes with their taxonomy terms, its
//! metadata and its organization's own fields, as in the specification's
//! `*_full.json` examples. The rows that many objects hold (organizations,
//! taxonomy terms, taxonomies) are written once and copied where they
//! appear.
//!
//! Keys come out sorted, as a `serde_json::Map` (a `BTreeMap` here) would
//! write them, so the files read the same as a serialized `Value` would.

use std::io::Write;

use fnv::FnvHashMap;

use super::tables::{Row, Scalar, Tables, field_index, table_index};
use crate::hsds::{ANNOTATED, NESTED_LISTS, TABLES};

/// What a key of a nested object holds.
#[derive(Debug, Clone, Copy)]
enum Entry {
    /// The row's own field at this position.
    Field(usize),
    /// The rows of `child` that `link` ties to this row, each nested; left
    /// out when `child` is already on the way down, so nesting ends.
    Nested { child: usize, link: usize },
    /// The rows that `link` ties to this row, each written as `item`.
    Linked { link: usize, item: Shape },
    /// The row of `table` whose id is in the field `via`: nested (and left
    /// out when `table` is on the way down) or with its own fields only.
    Object {
        table: usize,
        via: usize,
        nested: bool,
    },
}

/// Which keys an object has.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A row with everything nested in it.
    Nested(usize),
    /// A row's own fields only.
    Plain(usize),
    /// An attribute with its taxonomy term.
    Attribute,
    /// A taxonomy term with its taxonomy as `taxonomy_detail`.
    Term,
}

/// A child table, its link field, and its rows (in id order) by the value
/// of that field.
type Link<'a> = (usize, usize, FnvHashMap<&'a str, Vec<u32>>);

/// One key of an object: its name, `"name":` as JSON, and what it holds.
struct Key {
    name: &'static str,
    json: Vec<u8>,
    entry: Entry,
}

/// Writes nested HSDS JSON from [`Tables`].
pub struct Nester<'a> {
    tables: &'a Tables,
    links: Vec<Link<'a>>,
    /// Per table: the keys of its nested object, sorted.
    nested: Vec<Vec<Key>>,
    /// Per table: its fields, sorted.
    plain: Vec<Vec<Key>>,
    attribute: Vec<Key>,
    term: Vec<Key>,
    /// Per table: its rows with their own fields only, written, for the
    /// tables whose rows objects hold (empty for the others).
    written: Vec<Vec<Vec<u8>>>,
}

fn index(name: &str) -> usize {
    table_index(name).expect("a table of the specification")
}

fn field(table: usize, name: &str) -> usize {
    field_index(&TABLES[table], name).expect("a field of the specification")
}

/// The fields of `table` and `extra`, sorted by name.
fn keys(table: usize, extra: Vec<(&'static str, Entry)>) -> Vec<Key> {
    let mut keys: Vec<Key> = TABLES[table]
        .fields
        .iter()
        .enumerate()
        .map(|(at, name)| (*name, Entry::Field(at)))
        .chain(extra)
        .map(|(name, entry)| {
            let mut json = serde_json::to_vec(name).expect("a key serializes");
            json.push(b':');
            Key { name, json, entry }
        })
        .collect();
    keys.sort_by_key(|key| key.name);
    keys
}

impl<'a> Nester<'a> {
    pub fn new(tables: &'a Tables) -> Nester<'a> {
        let mut nester = Nester {
            tables,
            links: Vec::new(),
            nested: Vec::new(),
            plain: Vec::new(),
            attribute: Vec::new(),
            term: Vec::new(),
            written: Vec::new(),
        };
        let attribute = index("attribute");
        let metadata = index("metadata");
        let service = index("service");
        let organization = index("organization");
        let service_at_location = index("service_at_location");
        let location = index("location");
        let taxonomy_term = index("taxonomy_term");
        let taxonomy = index("taxonomy");
        for (table, spec) in TABLES.iter().enumerate() {
            let mut extra = Vec::new();
            for (_, key, child, link_field) in NESTED_LISTS
                .iter()
                .filter(|(parent, ..)| *parent == spec.name)
            {
                let child = index(child);
                let link = nester.link(child, field(child, link_field));
                extra.push((*key, Entry::Nested { child, link }));
            }
            if ANNOTATED.contains(&spec.name) {
                let link = nester.link(attribute, field(attribute, "link_id"));
                extra.push((
                    "attributes",
                    Entry::Linked {
                        link,
                        item: Shape::Attribute,
                    },
                ));
                let link = nester.link(metadata, field(metadata, "resource_id"));
                extra.push((
                    "metadata",
                    Entry::Linked {
                        link,
                        item: Shape::Plain(metadata),
                    },
                ));
            }
            if table == service {
                extra.push((
                    "organization",
                    Entry::Object {
                        table: organization,
                        via: field(service, "organization_id"),
                        nested: false,
                    },
                ));
            }
            if table == service_at_location {
                extra.push((
                    "location",
                    Entry::Object {
                        table: location,
                        via: field(service_at_location, "location_id"),
                        nested: true,
                    },
                ));
            }
            nester.nested.push(keys(table, extra));
            nester.plain.push(keys(table, Vec::new()));
        }
        nester.attribute = keys(
            attribute,
            vec![(
                "taxonomy_term",
                Entry::Object {
                    table: taxonomy_term,
                    via: field(attribute, "taxonomy_term_id"),
                    nested: false,
                },
            )],
        );
        nester.term = keys(
            taxonomy_term,
            vec![(
                "taxonomy_detail",
                Entry::Object {
                    table: taxonomy,
                    via: field(taxonomy_term, "taxonomy_id"),
                    nested: false,
                },
            )],
        );
        nester.written = TABLES
            .iter()
            .enumerate()
            .map(|(table, _)| {
                if [organization, taxonomy_term, taxonomy].contains(&table) {
                    nester
                        .tables
                        .rows(table)
                        .map(|row| {
                            let mut json = Vec::new();
                            nester.object(&mut json, row, Shape::Plain(table), 0);
                            json
                        })
                        .collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        nester
    }

    /// The index of the link from `child` rows through their `field`,
    /// made on first use.
    fn link(&mut self, child: usize, field: usize) -> usize {
        if let Some(at) = self
            .links
            .iter()
            .position(|(t, f, _)| (*t, *f) == (child, field))
        {
            return at;
        }
        let mut by_value: FnvHashMap<&'a str, Vec<u32>> = FnvHashMap::default();
        for (row, at) in self.tables.rows(child).zip(0..) {
            if let Some(value) = row.text(field) {
                by_value.entry(value).or_default().push(at);
            }
        }
        self.links.push((child, field, by_value));
        self.links.len() - 1
    }

    /// The rows that `link` ties to `id`, in id order.
    fn linked(&self, link: usize, id: &str) -> impl ExactSizeIterator<Item = Row<'a>> + Clone + '_ {
        let (child, _, by_value) = &self.links[link];
        let tables = self.tables;
        by_value
            .get(id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(move |at| tables.row(*child, *at))
    }

    fn keys(&self, shape: Shape) -> &[Key] {
        match shape {
            Shape::Nested(table) => &self.nested[table],
            Shape::Plain(table) => &self.plain[table],
            Shape::Attribute => &self.attribute,
            Shape::Term => &self.term,
        }
    }

    /// Every row of `table` as `shape`, as one page of the API's list
    /// endpoint, in compact JSON with a final newline.
    pub fn page(&self, out: &mut dyn Write, table: usize, shape: Shape) -> std::io::Result<()> {
        // Written into a buffer that goes out item by item: the services
        // endpoint of a large site is tens of megabytes.
        const FLUSH_AT: usize = 1 << 18;
        let rows = self.tables.rows(table);
        let size = rows.len();
        let mut json = Vec::with_capacity(FLUSH_AT * 2);
        json.extend_from_slice(b"{\"contents\":[");
        for (at, row) in rows.enumerate() {
            if at > 0 {
                json.push(b',');
            }
            self.object(&mut json, row, shape, 1 << table);
            if json.len() >= FLUSH_AT {
                out.write_all(&json)?;
                json.clear();
            }
        }
        json.push(b']');
        writeln!(
            json,
            ",\"empty\":{},\"first_page\":true,\"last_page\":true,\"page_number\":1,\
             \"size\":{size},\"total_items\":{size},\"total_pages\":1}}",
            size == 0
        )?;
        out.write_all(&json)
    }

    /// `rows` as a list of objects of `shape`, with the tables `path`
    /// marks (a bit per index in [`TABLES`]) already on the way down.
    fn items(
        &self,
        json: &mut Vec<u8>,
        rows: impl Iterator<Item = Row<'a>> + Clone,
        shape: Shape,
        path: u32,
    ) {
        // A row's children lie all over their tables (which are in id
        // order). Reading every child's id before writing any lets the
        // memory of all of them load at once rather than one by one.
        std::hint::black_box(rows.clone().fold(0, |n, row| n ^ row.id().len()));
        json.push(b'[');
        for (at, row) in rows.enumerate() {
            if at > 0 {
                json.push(b',');
            }
            self.object(json, row, shape, path);
        }
        json.push(b']');
    }

    /// One row as an object of `shape`.
    fn object(&self, json: &mut Vec<u8>, row: Row<'a>, shape: Shape, path: u32) {
        json.push(b'{');
        let mut first = true;
        let mut key = |json: &mut Vec<u8>, key: &Key| {
            if !std::mem::take(&mut first) {
                json.push(b',');
            }
            json.extend_from_slice(&key.json);
        };
        for k in self.keys(shape) {
            match k.entry {
                Entry::Field(at) => {
                    if let Some(value) = row.get(at) {
                        key(json, k);
                        scalar(json, value);
                    }
                }
                Entry::Nested { child, link } => {
                    if path & (1 << child) != 0 {
                        continue;
                    }
                    let rows = self.linked(link, row.id());
                    if rows.len() > 0 {
                        key(json, k);
                        self.items(json, rows, Shape::Nested(child), path | (1 << child));
                    }
                }
                Entry::Linked { link, item } => {
                    let rows = self.linked(link, row.id());
                    if rows.len() > 0 {
                        key(json, k);
                        self.items(json, rows, item, path);
                    }
                }
                Entry::Object { table, via, nested } => {
                    if nested && path & (1 << table) != 0 {
                        continue;
                    }
                    let Some(at) = row.text(via).and_then(|id| self.tables.position(table, id))
                    else {
                        continue;
                    };
                    key(json, k);
                    if nested {
                        let row = self.tables.row(table, at);
                        self.object(json, row, Shape::Nested(table), path | (1 << table));
                    } else if let Some(written) = self
                        .written
                        .get(table)
                        .and_then(|rows| rows.get(at as usize))
                    {
                        json.extend_from_slice(written);
                    } else {
                        self.object(json, self.tables.row(table, at), Shape::Plain(table), path);
                    }
                }
            }
        }
        json.push(b'}');
    }
}

/// A value as JSON writes it.
fn scalar(json: &mut Vec<u8>, value: Scalar) {
    match value {
        Scalar::Text(text) => serde_json::to_writer(json, text).expect("writing JSON to memory"),
        Scalar::Number(n) => json.extend_from_slice(n.as_bytes()),
    }
}
