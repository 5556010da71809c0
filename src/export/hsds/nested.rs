//! The HSDS API's nested JSON, written straight from [`Tables`]: views over
//! borrowed rows that serialize as the nested objects would, with no copy
//! of a row. A service of the `services` endpoint holds its lists (phones,
//! schedules, ...), its attributes with their taxonomy terms, its metadata
//! and its organization's own fields, as in the specification's
//! `*_full.json` examples.
//!
//! Keys come out sorted, as a `serde_json::Map` (a `BTreeMap` here) would
//! write them, so the files read the same as a serialized `Value` would.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use fnv::FnvHashMap;

use super::tables::{Row, Tables, field_index, table_index};
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

/// Writes nested HSDS JSON from [`Tables`].
pub struct Nester<'a> {
    tables: &'a Tables,
    links: Vec<Link<'a>>,
    /// Per table: the keys of its nested object, sorted.
    nested: Vec<Vec<(&'static str, Entry)>>,
    /// Per table: its fields, sorted.
    plain: Vec<Vec<(&'static str, Entry)>>,
    attribute: Vec<(&'static str, Entry)>,
    term: Vec<(&'static str, Entry)>,
}

fn index(name: &str) -> usize {
    table_index(name).expect("a table of the specification")
}

fn field(table: usize, name: &str) -> usize {
    field_index(&TABLES[table], name).expect("a field of the specification")
}

/// The fields of `table` and `extra`, sorted by key.
fn keys(table: usize, extra: Vec<(&'static str, Entry)>) -> Vec<(&'static str, Entry)> {
    let mut keys: Vec<(&'static str, Entry)> = TABLES[table]
        .fields
        .iter()
        .enumerate()
        .map(|(at, name)| (*name, Entry::Field(at)))
        .chain(extra)
        .collect();
    keys.sort_by_key(|(key, _)| *key);
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

    fn keys(&self, shape: Shape) -> &[(&'static str, Entry)] {
        match shape {
            Shape::Nested(table) => &self.nested[table],
            Shape::Plain(table) => &self.plain[table],
            Shape::Attribute => &self.attribute,
            Shape::Term => &self.term,
        }
    }

    /// Every row of `table` as `shape`, as one page of the API's list
    /// endpoint, in compact JSON with a final newline.
    pub fn page(&self, table: usize, shape: Shape) -> Vec<u8> {
        let rows = self.tables.rows(table);
        let page = Page {
            contents: Items {
                nester: self,
                rows: rows.clone(),
                shape,
                path: 1 << table,
            },
            empty: rows.len() == 0,
            first_page: true,
            last_page: true,
            page_number: 1,
            size: rows.len(),
            total_items: rows.len(),
            total_pages: 1,
        };
        let mut bytes = Vec::new();
        serde_json::to_writer(&mut bytes, &page).expect("HSDS JSON serializes");
        bytes.push(b'\n');
        bytes
    }
}

/// A page of a list endpoint holding all items at once; fields in the
/// order of their names.
#[derive(Serialize)]
struct Page<T> {
    contents: T,
    empty: bool,
    first_page: bool,
    last_page: bool,
    page_number: u32,
    size: usize,
    total_items: usize,
    total_pages: u32,
}

/// Rows written as `shape` each, with the tables `path` marks (a bit per
/// index in [`TABLES`]) already on the way down.
struct Items<'n, 'a, R> {
    nester: &'n Nester<'a>,
    rows: R,
    shape: Shape,
    path: u32,
}

impl<'a, R> Serialize for Items<'_, 'a, R>
where
    R: ExactSizeIterator<Item = Row<'a>> + Clone,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rows = self.rows.clone();
        let mut seq = serializer.serialize_seq(Some(rows.len()))?;
        for row in rows {
            seq.serialize_element(&Object {
                nester: self.nester,
                row,
                shape: self.shape,
                path: self.path,
            })?;
        }
        seq.end()
    }
}

/// One row written as `shape`.
struct Object<'n, 'a> {
    nester: &'n Nester<'a>,
    row: Row<'a>,
    shape: Shape,
    path: u32,
}

impl Serialize for Object<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let nester = self.nester;
        let mut map = serializer.serialize_map(None)?;
        for (key, entry) in nester.keys(self.shape) {
            match *entry {
                Entry::Field(at) => {
                    if let Some(value) = self.row.get(at) {
                        map.serialize_entry(key, &value)?;
                    }
                }
                Entry::Nested { child, link } => {
                    if self.path & (1 << child) != 0 {
                        continue;
                    }
                    let rows = nester.linked(link, self.row.id());
                    if rows.len() > 0 {
                        map.serialize_entry(
                            key,
                            &Items {
                                nester,
                                rows,
                                shape: Shape::Nested(child),
                                path: self.path | (1 << child),
                            },
                        )?;
                    }
                }
                Entry::Linked { link, item } => {
                    let rows = nester.linked(link, self.row.id());
                    if rows.len() > 0 {
                        map.serialize_entry(
                            key,
                            &Items {
                                nester,
                                rows,
                                shape: item,
                                path: self.path,
                            },
                        )?;
                    }
                }
                Entry::Object { table, via, nested } => {
                    if nested && self.path & (1 << table) != 0 {
                        continue;
                    }
                    let Some(row) = self
                        .row
                        .text(via)
                        .and_then(|id| nester.tables.get(table, id))
                    else {
                        continue;
                    };
                    let (shape, path) = if nested {
                        (Shape::Nested(table), self.path | (1 << table))
                    } else {
                        (Shape::Plain(table), self.path)
                    };
                    map.serialize_entry(
                        key,
                        &Object {
                            nester,
                            row,
                            shape,
                            path,
                        },
                    )?;
                }
            }
        }
        map.end()
    }
}
