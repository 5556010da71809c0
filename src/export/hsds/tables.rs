//! The HSDS tables of one site as the export builds and writes them: every
//! row a fixed list of cells in the order of its table's fields in
//! [`TABLES`], the text of all cells of a table in a few large buffers. The
//! importer's [`Dataset`] keeps each row as a JSON object so that fields it
//! does not know survive reading; the export only writes fields of the
//! specification, and at tens of thousands of rows an object (and a string)
//! per value costs more time to make and to free than writing the files.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::Write;

use serde_json::{Map, Number, Value};

use crate::hsds::{Dataset, TABLES, Table};

/// One cell: a range of one of its table's text chunks, holding text or
/// (flagged in `chunk`) a number as JSON writes it, or nothing. Twelve
/// bytes: the attribute table alone has seven cells for each of tens of
/// thousands of rows.
#[derive(Debug, Clone, Copy)]
struct Cell {
    chunk: u32,
    start: u32,
    end: u32,
}

/// `Cell::chunk` of an empty cell.
const EMPTY: u32 = u32::MAX;
/// The bit of `Cell::chunk` that marks a number.
const NUMBER: u32 = 1 << 31;

impl Cell {
    const EMPTY: Cell = Cell {
        chunk: EMPTY,
        start: 0,
        end: 0,
    };

    fn is_empty(self) -> bool {
        self.chunk == EMPTY
    }

    /// Whether the cell holds text (not a number, and not nothing).
    fn is_text(self) -> bool {
        self.chunk & NUMBER == 0
    }
}

/// The value of a cell, as JSON would have it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    Text(&'a str),
    /// A number, as JSON writes it.
    Number(&'a str),
}

impl<'a> Scalar<'a> {
    pub fn to_value(self) -> Value {
        match self {
            Scalar::Text(text) => Value::String(text.to_string()),
            Scalar::Number(n) => n.parse().map_or(Value::Null, Value::Number),
        }
    }

    /// The value as a CSV field: text trimmed, a number as JSON writes it.
    fn csv_text(self) -> Cow<'a, str> {
        match self {
            Scalar::Text(text) => Cow::Borrowed(text.trim()),
            Scalar::Number(n) => Cow::Borrowed(n),
        }
    }
}

/// A value for a cell, converted as `json!` converts it: text, a number,
/// or nothing for `None` and for a number JSON cannot hold.
#[derive(Debug)]
pub enum Input<'v> {
    Empty,
    Text(&'v str),
    Number(Number),
}

/// What the export puts in cells.
pub trait CellValue {
    fn cell(&self) -> Input<'_>;
}

impl CellValue for str {
    fn cell(&self) -> Input<'_> {
        Input::Text(self)
    }
}

impl CellValue for String {
    fn cell(&self) -> Input<'_> {
        Input::Text(self)
    }
}

impl CellValue for Number {
    fn cell(&self) -> Input<'_> {
        Input::Number(self.clone())
    }
}

impl CellValue for u32 {
    fn cell(&self) -> Input<'_> {
        Input::Number(Number::from(*self))
    }
}

impl CellValue for f64 {
    fn cell(&self) -> Input<'_> {
        Number::from_f64(*self).map_or(Input::Empty, Input::Number)
    }
}

impl<T: CellValue + ?Sized> CellValue for &T {
    fn cell(&self) -> Input<'_> {
        (**self).cell()
    }
}

impl<T: CellValue> CellValue for Option<T> {
    fn cell(&self) -> Input<'_> {
        self.as_ref().map_or(Input::Empty, CellValue::cell)
    }
}

/// The fields of a row for [`Tables::insert`], written like a `json!`
/// object: `row!({ "id": id, "name": p.naam, field: owner })`, keys as
/// literals or variables.
macro_rules! row {
    ({ $($key:tt : $value:expr),* $(,)? }) => {
        [$(($key, $crate::export::hsds::tables::CellValue::cell(&$value))),*]
    };
}
pub(crate) use row;

/// The cells of one table and the text they point into. Neither ever
/// moves: cells are kept in blocks of [`ROWS_PER_BLOCK`] rows and text in
/// chunks, so a table of tens of megabytes grows by adding a block or a
/// chunk, not by copying everything into a buffer twice as large. Sorting
/// only orders row numbers.
#[derive(Debug)]
struct Rows {
    width: usize,
    blocks: Vec<Vec<Cell>>,
    /// Rows added, including those that [`Rows::sort`] merged away.
    added: usize,
    /// Once sorted: the row numbers of the kept rows, in id order.
    order: Vec<u32>,
    chunks: Vec<String>,
}

const ROWS_PER_BLOCK: usize = 1024;

/// The first text chunk of a table; each next one is twice as large, up
/// to [`MAX_CHUNK`], so small tables stay small.
const FIRST_CHUNK: usize = 4 << 10;
const MAX_CHUNK: usize = 1 << 20;

impl Rows {
    fn new(width: usize) -> Self {
        Rows {
            width,
            blocks: Vec::new(),
            added: 0,
            order: Vec::new(),
            chunks: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    /// The cells of the row added as number `number`.
    fn cells(&self, number: usize) -> &[Cell] {
        let at = (number % ROWS_PER_BLOCK) * self.width;
        &self.blocks[number / ROWS_PER_BLOCK][at..at + self.width]
    }

    fn cells_mut(&mut self, number: usize) -> &mut [Cell] {
        let at = (number % ROWS_PER_BLOCK) * self.width;
        &mut self.blocks[number / ROWS_PER_BLOCK][at..at + self.width]
    }

    /// The row at `at` in id order.
    fn row(&self, at: usize) -> Row<'_> {
        self.added_row(self.order[at] as usize)
    }

    fn added_row(&self, number: usize) -> Row<'_> {
        Row {
            cells: self.cells(number),
            chunks: &self.chunks,
        }
    }

    /// Adds a row of empty cells and returns its number.
    fn push_row(&mut self) -> usize {
        if self.added.is_multiple_of(ROWS_PER_BLOCK) {
            self.blocks
                .push(Vec::with_capacity(ROWS_PER_BLOCK * self.width));
        }
        let block = self.blocks.last_mut().expect("a block was just added");
        block.resize(block.len() + self.width, Cell::EMPTY);
        self.added += 1;
        self.added - 1
    }

    /// Removes the row added last.
    fn pop_row(&mut self) {
        let width = self.width;
        let block = self.blocks.last_mut().expect("a row to remove");
        block.truncate(block.len() - width);
        if block.is_empty() {
            self.blocks.pop();
        }
        self.added -= 1;
    }

    fn push_text(&mut self, text: &str, flag: u32) -> Cell {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= text.len());
        if !fits {
            let next = self
                .chunks
                .last()
                .map_or(FIRST_CHUNK, |c| (c.capacity() * 2).min(MAX_CHUNK));
            self.chunks
                .push(String::with_capacity(next.max(text.len())));
        }
        let chunk = self.chunks.len() - 1;
        let buffer = &mut self.chunks[chunk];
        let start = buffer.len();
        buffer.push_str(text);
        let offset = |at: usize| u32::try_from(at).expect("a text chunk under 2 GB");
        Cell {
            chunk: offset(chunk) | flag,
            start: offset(start),
            end: offset(buffer.len()),
        }
    }

    /// Puts the rows in id order and merges the rows that share an id.
    fn sort(&mut self) {
        let id = |number: u32| self.added_row(number as usize).id();
        // The first 16 bytes as a number order as the bytes do, which
        // spares comparing most ids (UUIDs) in full.
        let mut order: Vec<(u128, u32)> = (0..self.added as u32)
            .map(|number| (prefix(id(number)), number))
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| id(a.1).cmp(id(b.1)))
                .then(a.1.cmp(&b.1))
        });
        let mut kept: Vec<u32> = Vec::with_capacity(order.len());
        let mut fills: Vec<(usize, usize)> = Vec::new();
        let mut last = None;
        for (key, number) in order {
            match last {
                Some((last_key, first)) if last_key == key && id(first) == id(number) => {
                    fills.push((first as usize, number as usize))
                }
                _ => {
                    kept.push(number);
                    last = Some((key, number));
                }
            }
        }
        for (first, later) in fills {
            for field in 0..self.width {
                let from = self.cells(later)[field];
                let into = &mut self.cells_mut(first)[field];
                if into.is_empty() {
                    *into = from;
                }
            }
        }
        self.order = kept;
    }
}

fn prefix(id: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = id.len().min(16);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// One row of a table.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    cells: &'a [Cell],
    chunks: &'a [String],
}

impl<'a> Row<'a> {
    /// The row's id: every table's first field.
    pub fn id(&self) -> &'a str {
        self.text(0).unwrap_or_default()
    }

    /// The value of the field at `field` in its table's fields.
    pub fn get(&self, field: usize) -> Option<Scalar<'a>> {
        let cell = self.cells[field];
        if cell.is_empty() {
            None
        } else if cell.chunk & NUMBER != 0 {
            Some(Scalar::Number(self.slice(cell.chunk & !NUMBER, cell)))
        } else {
            Some(Scalar::Text(self.slice(cell.chunk, cell)))
        }
    }

    /// The field's value, if it is text.
    pub fn text(&self, field: usize) -> Option<&'a str> {
        let cell = self.cells[field];
        cell.is_text().then(|| self.slice(cell.chunk, cell))
    }

    fn slice(&self, chunk: u32, cell: Cell) -> &'a str {
        &self.chunks[chunk as usize][cell.start as usize..cell.end as usize]
    }
}

/// Every HSDS table of a site, each at its index in [`TABLES`] and sorted
/// by id once [`Tables::sort`] has run.
#[derive(Debug)]
pub struct Tables {
    tables: Vec<Rows>,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            tables: TABLES.iter().map(|t| Rows::new(t.fields.len())).collect(),
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
    /// Adds a row to `table`; a row without an id is no row.
    pub fn insert<'v>(
        &mut self,
        table: &str,
        fields: impl IntoIterator<Item = (&'v str, Input<'v>)>,
    ) {
        let Some(index) = table_index(table) else {
            debug_assert!(false, "no HSDS table {table}");
            return;
        };
        let spec = &TABLES[index];
        let rows = &mut self.tables[index];
        let text = (rows.chunks.len(), rows.chunks.last().map_or(0, String::len));
        let number = rows.push_row();
        let mut has_id = false;
        for (field, value) in fields {
            let Some(at) = field_index(spec, field) else {
                debug_assert!(false, "{table} has no field {field}");
                continue;
            };
            let cell = match value {
                Input::Empty => Cell::EMPTY,
                Input::Text(s) => rows.push_text(s, 0),
                Input::Number(n) => rows.push_text(&n.to_string(), NUMBER),
            };
            has_id |= at == 0 && cell.is_text();
            rows.cells_mut(number)[at] = cell;
        }
        if !has_id {
            rows.pop_row();
            let (chunks, len) = text;
            rows.chunks.truncate(chunks);
            if let Some(last) = rows.chunks.last_mut() {
                last.truncate(len);
            }
        }
    }

    /// Sorts every table by id. Rows that share an id become one: the
    /// first row added keeps its values and gets those it lacked from the
    /// later ones, as in [`Dataset::insert`] (offers at the same place
    /// each add that location).
    pub fn sort(&mut self) {
        for rows in &mut self.tables {
            rows.sort();
        }
    }

    /// The rows of the table at `index` in [`TABLES`], in id order.
    pub fn rows(&self, index: usize) -> impl ExactSizeIterator<Item = Row<'_>> + Clone {
        let rows = &self.tables[index];
        (0..rows.len()).map(|at| rows.row(at))
    }

    /// The row at `at` in id order of the table at `index`.
    pub fn row(&self, index: usize, at: u32) -> Row<'_> {
        self.tables[index].row(at as usize)
    }

    /// Where in id order the table at `index` has the row with id `id`.
    pub fn position(&self, index: usize, id: &str) -> Option<u32> {
        let rows = &self.tables[index];
        let (mut low, mut high) = (0, rows.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match rows.row(middle).id().cmp(id) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return u32::try_from(middle).ok(),
            }
        }
        None
    }

    /// The same rows in the importer's model, each row an object of its
    /// values.
    pub fn to_dataset(&self) -> Dataset {
        let mut data = Dataset::default();
        for (index, table) in TABLES.iter().enumerate() {
            for row in self.rows(index) {
                let record: Map<String, Value> = table
                    .fields
                    .iter()
                    .enumerate()
                    .filter_map(|(at, field)| Some((field.to_string(), row.get(at)?.to_value())))
                    .collect();
                data.insert(table.name, Value::Object(record));
            }
        }
        data
    }

    /// The table at `index` as CSV: every field of the specification as a
    /// column, in its order, so that the files fit any HSDS tabular tool.
    /// Text is trimmed.
    pub fn write_csv(&self, out: &mut dyn Write, index: usize) -> std::io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(TABLES[index].fields)?;
        for row in self.rows(index) {
            for at in 0..self.tables[index].width {
                let field = row.get(at).map_or(Cow::Borrowed(""), Scalar::csv_text);
                writer.write_field(field.as_bytes())?;
            }
            writer.write_record(None::<&[u8]>)?;
        }
        writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_with_the_same_id_merge_and_the_first_values_win() {
        let mut tables = Tables::default();
        let no_latitude: Option<f64> = None;
        tables.insert(
            "location",
            row!({ "id": "b", "name": "Eerste", "latitude": no_latitude }),
        );
        tables.insert("location", row!({ "id": "a", "name": "Ander" }));
        tables.insert(
            "location",
            row!({ "id": "b", "name": "Tweede", "latitude": 52.5 }),
        );
        tables.insert("location", row!({ "name": "Zonder id" }));
        tables.sort();
        let location = table_index("location").unwrap();
        let ids: Vec<&str> = tables.rows(location).map(|r| r.id()).collect();
        assert_eq!(ids, ["a", "b"]);
        let b = tables.row(location, tables.position(location, "b").unwrap());
        let name = field_index(&TABLES[location], "name").unwrap();
        let latitude = field_index(&TABLES[location], "latitude").unwrap();
        assert_eq!(b.get(name), Some(Scalar::Text("Eerste")));
        assert_eq!(b.get(latitude).map(Scalar::to_value), Some(json!(52.5)));
        assert!(tables.position(location, "c").is_none());
    }

    #[test]
    fn text_keeps_its_cells_across_many_chunks() {
        let mut tables = Tables::default();
        let long = "x".repeat(MAX_CHUNK + 1);
        for i in (0..5000).rev() {
            let name = format!("naam {i} {}", "y".repeat(i % 700));
            tables.insert("location", row!({ "id": format!("{i:05}"), "name": name }));
            // Rows without an id are dropped, with the text they added.
            tables.insert("location", row!({ "name": long.as_str() }));
        }
        tables.insert("location", row!({ "id": "lang", "name": long.as_str() }));
        tables.sort();
        let location = table_index("location").unwrap();
        let name = field_index(&TABLES[location], "name").unwrap();
        assert_eq!(tables.rows(location).len(), 5001);
        for (i, row) in tables.rows(location).take(5000).enumerate() {
            assert_eq!(row.id(), format!("{i:05}"));
            let expected = format!("naam {i} {}", "y".repeat(i % 700));
            assert_eq!(row.text(name), Some(expected.as_str()));
        }
        let last = tables.row(location, 5000);
        assert_eq!(last.text(name), Some(long.as_str()));
        let rows = &tables.tables[location];
        let stored: usize = rows.chunks.iter().map(String::len).sum();
        let kept: usize = (0..5000)
            .map(|i| format!("{i:05}naam {i} ").len() + i % 700)
            .sum();
        assert_eq!(stored, kept + "lang".len() + long.len());
    }

    #[test]
    fn values_convert_as_json_does() {
        let mut tables = Tables::default();
        tables.insert(
            "service",
            row!({ "id": "s", "minimum_age": 4u32, "maximum_age": f64::NAN, "name": Some("Naam") }),
        );
        tables.sort();
        let service = table_index("service").unwrap();
        let data = tables.to_dataset();
        let row = data.rows("service").next().unwrap();
        assert_eq!(
            Value::Object(row.clone()),
            json!({ "id": "s", "minimum_age": 4, "name": "Naam" })
        );
        assert_eq!(tables.rows(service).len(), 1);
    }

    #[test]
    fn csv_has_every_field_and_trims_text() {
        let mut tables = Tables::default();
        tables.insert(
            "cost_option",
            row!({ "id": "k", "option": "  Gratis ", "amount": 2.5 }),
        );
        tables.sort();
        let mut csv = Vec::new();
        tables
            .write_csv(&mut csv, table_index("cost_option").unwrap())
            .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(
            csv,
            "id,service_id,valid_from,valid_to,option,currency,amount,amount_description\n\
             k,,,,Gratis,,2.5,\n"
        );
    }
}
