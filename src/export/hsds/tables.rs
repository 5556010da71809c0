//! The HSDS tables of one site as the export builds and writes them: every
//! row a fixed list of cells in the order of its table's fields in
//! [`TABLES`]. The importer's [`Dataset`] keeps each row as a JSON object so
//! that fields it does not know survive reading; the export only writes
//! fields of the specification, and a cell per field costs a fraction of an
//! object per row at tens of thousands of rows.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::hsds::{Dataset, TABLES, Table};

/// One row: a cell per field of its table, `Null` where it has no value.
#[derive(Debug)]
pub struct Row {
    cells: Box<[Value]>,
}

impl Row {
    /// The row's id: every table's first field.
    pub fn id(&self) -> &str {
        self.cells[0].as_str().unwrap_or_default()
    }

    pub fn cell(&self, field: usize) -> &Value {
        &self.cells[field]
    }

    /// The cell as text, if it is text.
    pub fn text(&self, field: usize) -> Option<&str> {
        self.cells[field].as_str()
    }
}

/// Every HSDS table of a site, each indexed as in [`TABLES`] and sorted by
/// id once [`Tables::sort`] has run.
#[derive(Debug)]
pub struct Tables {
    tables: Vec<Vec<Row>>,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            tables: TABLES.iter().map(|_| Vec::new()).collect(),
        }
    }
}

/// The position of table `name` in [`TABLES`].
pub fn table_index(name: &str) -> Option<usize> {
    TABLES.iter().position(|t| t.name == name)
}

/// The position of `field` among the fields of `table`.
pub fn field_index(table: &Table, field: &str) -> Option<usize> {
    table.fields.iter().position(|f| *f == field)
}

impl Tables {
    /// Adds a row to `table`. Null values are left out, as
    /// [`Dataset::insert`] does; a row without an id is no row.
    pub fn insert<'a>(&mut self, table: &str, fields: impl IntoIterator<Item = (&'a str, Value)>) {
        let Some(index) = table_index(table) else {
            debug_assert!(false, "no HSDS table {table}");
            return;
        };
        let spec = &TABLES[index];
        let mut cells = vec![Value::Null; spec.fields.len()].into_boxed_slice();
        for (field, value) in fields {
            match field_index(spec, field) {
                Some(at) if !matches!(value, Value::Array(_) | Value::Object(_)) => {
                    cells[at] = value
                }
                _ => debug_assert!(false, "{table} has no scalar field {field}"),
            }
        }
        if cells[0].is_string() {
            self.tables[index].push(Row { cells });
        }
    }

    /// Sorts every table by id. Rows that share an id become one: the
    /// first row added keeps its values and gets those it lacked from the
    /// later ones, as in [`Dataset::insert`] (offers at the same place
    /// each add that location).
    pub fn sort(&mut self) {
        for rows in &mut self.tables {
            rows.sort_by(|a, b| a.id().cmp(b.id()));
            let mut merged: Vec<Row> = Vec::with_capacity(rows.len());
            for row in rows.drain(..) {
                match merged.last_mut() {
                    Some(last) if last.id() == row.id() => {
                        for (cell, value) in last.cells.iter_mut().zip(row.cells) {
                            if cell.is_null() {
                                *cell = value;
                            }
                        }
                    }
                    _ => merged.push(row),
                }
            }
            *rows = merged;
        }
    }

    /// The rows of the table at `index` in [`TABLES`].
    pub fn rows(&self, index: usize) -> &[Row] {
        &self.tables[index]
    }

    /// The row of the table at `index` with id `id`.
    pub fn get(&self, index: usize, id: &str) -> Option<&Row> {
        let rows = &self.tables[index];
        rows.binary_search_by(|r| r.id().cmp(id))
            .ok()
            .map(|at| &rows[at])
    }

    /// The same rows in the importer's model, each row an object of its
    /// values.
    pub fn to_dataset(&self) -> Dataset {
        let mut data = Dataset::default();
        for (table, rows) in TABLES.iter().zip(&self.tables) {
            for row in rows {
                let record: Map<String, Value> = table
                    .fields
                    .iter()
                    .zip(row.cells.iter())
                    .filter(|(_, value)| !value.is_null())
                    .map(|(field, value)| (field.to_string(), value.clone()))
                    .collect();
                data.insert(table.name, Value::Object(record));
            }
        }
        data
    }

    /// The table at `index` as CSV: every field of the specification as a
    /// column, in its order, so that the files fit any HSDS tabular tool.
    /// Text is trimmed.
    pub fn to_csv(&self, index: usize) -> Vec<u8> {
        let table = &TABLES[index];
        let rows = &self.tables[index];
        let mut writer = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 64));
        writer
            .write_record(table.fields)
            .expect("writing CSV to memory");
        for row in rows {
            for cell in &row.cells {
                writer
                    .write_field(csv_text(cell).as_bytes())
                    .expect("writing CSV to memory");
            }
            writer
                .write_record(None::<&[u8]>)
                .expect("writing CSV to memory");
        }
        writer.into_inner().expect("writing CSV to memory")
    }
}

/// A cell as a CSV field: text trimmed, a number as JSON writes it.
fn csv_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s.trim()),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Null | Value::Array(_) | Value::Object(_) => Cow::Borrowed(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_with_the_same_id_merge_and_the_first_values_win() {
        let mut tables = Tables::default();
        tables.insert(
            "location",
            [
                ("id", json!("b")),
                ("name", json!("Eerste")),
                ("latitude", Value::Null),
            ],
        );
        tables.insert("location", [("id", json!("a")), ("name", json!("Ander"))]);
        tables.insert(
            "location",
            [
                ("id", json!("b")),
                ("name", json!("Tweede")),
                ("latitude", json!(52.5)),
            ],
        );
        tables.insert("location", [("name", json!("Zonder id"))]);
        tables.sort();
        let location = table_index("location").unwrap();
        let ids: Vec<&str> = tables.rows(location).iter().map(Row::id).collect();
        assert_eq!(ids, ["a", "b"]);
        let b = tables.get(location, "b").unwrap();
        let name = field_index(&TABLES[location], "name").unwrap();
        let latitude = field_index(&TABLES[location], "latitude").unwrap();
        assert_eq!(b.cell(name), &json!("Eerste"));
        assert_eq!(b.cell(latitude), &json!(52.5));
    }

    #[test]
    fn csv_has_every_field_and_trims_text() {
        let mut tables = Tables::default();
        tables.insert(
            "cost_option",
            [
                ("id", json!("k")),
                ("option", json!("  Gratis ")),
                ("amount", json!(2.5)),
            ],
        );
        tables.sort();
        let csv = String::from_utf8(tables.to_csv(table_index("cost_option").unwrap())).unwrap();
        assert_eq!(
            csv,
            "id,service_id,valid_from,valid_to,option,currency,amount,amount_description\n\
             k,,,,Gratis,,2.5,\n"
        );
    }
}
