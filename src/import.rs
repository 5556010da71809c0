//! `sociale-kaart import`: turns a spreadsheet an editor keeps (CSV or
//! Excel) into content files, one per row. Column headers are the keys of
//! the field tables in [`crate::schema`]; a group's parts get the group's
//! name in front (`leeftijd_van`, `aanmelden_telefoon`), and a cell with
//! several values separates them with `;`. For a list of groups (`data`,
//! `locaties`) the n-th values of its columns make the n-th item.
//!
//! Every generated file is parsed and validated exactly like a file on
//! disk, together with the rest of the site, and each problem is reported
//! by row and column. Nothing is written unless every row is valid.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};
use unicode_normalization::UnicodeNormalization;

use crate::diagnostics::Severity;
use crate::load::{self, Kind, SourceFile, is_slug, suggest_slug};
use crate::schema::{self, Field, Type};
use crate::validate;

/// The column with the file name (slug); derived from the title or name
/// when absent.
pub const SLUG_COLUMN: &str = "bestandsnaam";
/// The column with the Markdown text below the front matter.
pub const BODY_COLUMN: &str = "tekst";

/// A problem with the input file as a whole: nothing could be planned.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

/// One problem in one row (and column) of the spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row number as the spreadsheet program shows it (header is row 1).
    pub row: usize,
    /// The column header, as written in the file when it has the column.
    pub column: Option<String>,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for RowProblem {
    /// `rij 4, kolom 'themas': fout: ... Tip: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rij {}", self.row)?;
        if let Some(column) = &self.column {
            write!(f, ", kolom '{column}'")?;
        }
        let label = match self.severity {
            Severity::Error => "fout",
            Severity::Warning => "waarschuwing",
        };
        write!(f, ": {label}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " Tip: {hint}")?;
        }
        Ok(())
    }
}

/// A content file an import would write.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    pub row: usize,
    /// Relative to the site root, e.g. `content/aanbod/x.md`.
    pub path: String,
    pub text: String,
    /// True when a file with this name exists (and `overwrite` was given).
    pub replaces: bool,
}

/// What an import would do, and every problem found on the way.
#[derive(Debug)]
pub struct ImportPlan {
    pub kind: Kind,
    pub files: Vec<PlannedFile>,
    pub problems: Vec<RowProblem>,
}

impl ImportPlan {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

pub struct ImportOptions {
    pub root: PathBuf,
    pub file: PathBuf,
    /// Aanbod or Aanbieder; guessed from the columns when `None`.
    pub kind: Option<Kind>,
    /// Replace existing files with the same name.
    pub overwrite: bool,
    pub today: NaiveDate,
}

/// One spreadsheet column and where its value goes in the front matter.
#[derive(Debug, Clone)]
pub struct Column {
    /// The header, e.g. `leeftijd_van`.
    pub name: String,
    pub doc: &'static str,
    /// Required by the field table (for a part: required within its group).
    pub required: bool,
    target: Target,
}

#[derive(Debug, Clone)]
enum Target {
    /// A top-level key.
    Key(&'static Field),
    /// A part of a group: `leeftijd.van`.
    Part(&'static Field, &'static Field),
    /// A part of every item of a list of groups: `data[n].start`.
    ItemPart(&'static Field, &'static Field),
    Slug,
    Body,
}

/// The columns for a kind of file, in the order of its field table, with
/// the file name first and the text last.
pub fn columns(kind: Kind) -> Vec<Column> {
    let fields = fields_of(kind);
    let mut columns = vec![Column {
        name: SLUG_COLUMN.into(),
        doc: "De bestandsnaam zonder .md, die ook het webadres wordt. Leeg: gemaakt van de titel of naam.",
        required: false,
        target: Target::Slug,
    }];
    for field in fields {
        let own = Column {
            name: field.key.into(),
            doc: field.doc,
            required: field.required,
            target: Target::Key(field),
        };
        match &field.ty {
            Type::Object(parts) | Type::TextOr(Type::Object(parts)) => {
                columns.extend(parts.iter().map(|p| part_column(field, p, false)));
            }
            Type::WordOr(_, Type::Object(parts)) => {
                columns.push(own);
                columns.extend(parts.iter().map(|p| part_column(field, p, false)));
            }
            Type::List(Type::Object(parts)) => {
                columns.extend(parts.iter().map(|p| part_column(field, p, true)));
            }
            Type::TextOr(Type::List(Type::Object(parts))) => {
                columns.push(own);
                columns.extend(parts.iter().map(|p| part_column(field, p, true)));
            }
            _ => columns.push(own),
        }
    }
    columns.push(Column {
        name: BODY_COLUMN.into(),
        doc: "De tekst van de pagina (Markdown). Een kopje maak je met ## ervoor.",
        required: false,
        target: Target::Body,
    });
    columns
}

fn part_column(group: &'static Field, part: &'static Field, list: bool) -> Column {
    Column {
        name: format!("{}_{}", group.key, part.key),
        doc: part.doc,
        required: group.required && part.required,
        target: if list {
            Target::ItemPart(group, part)
        } else {
            Target::Part(group, part)
        },
    }
}

fn fields_of(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Aanbod => schema::AANBOD,
        Kind::Aanbieder => schema::AANBIEDER,
        Kind::Pagina => schema::PAGINA,
    }
}

/// A header as a column name: lower case, no accents or apostrophes,
/// spaces, dots and dashes made `_`. "Thema's" is `themas`, "Leeftijd van"
/// is `leeftijd_van`.
pub fn normalize_header(header: &str) -> String {
    let mut name = String::new();
    for c in header.trim().nfd().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if matches!(c, ' ' | '.' | '-' | '_' | '/') && !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_matches('_').to_string()
}

/// A cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl Cell {
    fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{n:.0}")),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Cell::Bool(b) => Some(if *b { "ja" } else { "nee" }.to_string()),
            Cell::Error(e) => Some(e.clone()),
        }
    }
}

/// The rows of the first sheet (XLSX) or of the file (CSV): the header
/// first. Problems with the file itself are errors for the editor.
pub fn read_rows(path: &Path) -> Result<Vec<Vec<Cell>>, ImportError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv" | "txt") => read_csv(path),
        Some("xlsx" | "xlsm" | "xls" | "ods") => read_workbook(path),
        _ => Err(ImportError(format!(
            "{} is geen CSV- of Excel-bestand. Gebruik een bestand dat eindigt op .csv of .xlsx.",
            path.display()
        ))),
    }
}

fn read_csv(path: &Path) -> Result<Vec<Vec<Cell>>, ImportError> {
    let bytes = std::fs::read(path)
        .map_err(|err| ImportError(format!("kan {} niet lezen: {err}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        ImportError(format!(
            "{} is geen UTF-8-tekst. Sla het in Excel op als 'CSV UTF-8 (door komma's gescheiden)'.",
            path.display()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Dutch spreadsheet programs separate with ';', others with ','.
    let header = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b';'))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record
            .map_err(|err| ImportError(format!("{}: rij {}: {err}", path.display(), i + 1)))?;
        rows.push(
            record
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.replace("\r\n", "\n"))
                    }
                })
                .collect(),
        );
    }
    Ok(rows)
}

fn read_workbook(path: &Path) -> Result<Vec<Vec<Cell>>, ImportError> {
    use calamine::{Data, DataType, Reader};
    let mut workbook = calamine::open_workbook_auto(path).map_err(|err| {
        ImportError(format!(
            "kan {} niet openen als spreadsheet: {err}",
            path.display()
        ))
    })?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError(format!("{} heeft geen werkblad.", path.display())))?
        .map_err(|err| {
            ImportError(format!(
                "kan het eerste werkblad van {} niet lezen: {err}",
                path.display()
            ))
        })?;
    let cell = |data: &Data| match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.replace("\r\n", "\n")),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) => match data.as_date() {
            Some(date) => Cell::Date(date),
            None => Cell::Text(data.to_string()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("#{e:?}")),
    };
    // Rows are counted from the sheet's first row, also when it starts lower.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); first_row];
    rows.extend(range.rows().map(|r| r.iter().map(cell).collect()));
    Ok(rows)
}

/// Reads the spreadsheet and plans one file per row; the plan holds every
/// problem, row by row.
pub fn plan(options: &ImportOptions) -> Result<ImportPlan, ImportError> {
    let rows = read_rows(&options.file)?;
    let Some(header_index) = rows
        .iter()
        .position(|r| r.iter().any(|c| *c != Cell::Empty))
    else {
        return Err(ImportError(format!("{} is leeg.", options.file.display())));
    };
    let headers: Vec<String> = rows[header_index]
        .iter()
        .map(|c| c.text().unwrap_or_default())
        .collect();
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let kind = match options.kind {
        Some(kind) => kind,
        None if normalized.iter().any(|h| h == "titel") => Kind::Aanbod,
        None if normalized.iter().any(|h| h == "naam")
            && normalized.iter().any(|h| h == "soort") =>
        {
            Kind::Aanbieder
        }
        None => {
            return Err(ImportError(
                "Uit de kolommen blijkt niet of dit aanbod of aanbieders zijn (aanbod heeft een kolom 'titel', aanbieders 'naam' en 'soort'). Geef het aan met --soort aanbod of --soort aanbieder.".into(),
            ));
        }
    };
    let all_columns = columns(kind);
    let header_row = header_index + 1;
    let mut problems = Vec::new();
    // Column index in the file → column.
    let mut used: Vec<(usize, &Column)> = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, (header, name)) in headers.iter().zip(&normalized).enumerate() {
        if name.is_empty() {
            continue;
        }
        match all_columns.iter().find(|c| c.name == *name) {
            Some(column) => {
                if let Some(first) = seen.insert(&column.name, index) {
                    problems.push(RowProblem {
                        row: header_row,
                        column: Some(header.clone()),
                        severity: Severity::Error,
                        message: format!("Deze kolom staat er twee keer in (ook kolom {}).", first + 1),
                        hint: Some("Haal een van de twee kolommen weg.".into()),
                    });
                }
                used.push((index, column));
            }
            None => problems.push(RowProblem {
                row: header_row,
                column: Some(header.clone()),
                severity: Severity::Error,
                message: "Deze kolom is onbekend.".into(),
                hint: Some(match validate::nearest(name, all_columns.iter().map(|c| c.name.as_str())) {
                    Some(near) => format!("Bedoel je '{near}'? Alle kolommen staan in het sjabloon: sociale-kaart import --template sjabloon.xlsx"),
                    None => "Alle kolommen staan in het sjabloon: sociale-kaart import --template sjabloon.xlsx".into(),
                }),
            }),
        }
    }
    if !problems.is_empty() {
        return Ok(ImportPlan {
            kind,
            files: Vec::new(),
            problems,
        });
    }
    let header_of: BTreeMap<&str, &str> = used
        .iter()
        .map(|(i, c)| (c.name.as_str(), headers[*i].as_str()))
        .collect();

    let (mut raw, _) = load::load(&options.root);
    let mut rows_by_path: BTreeMap<String, usize> = BTreeMap::new();
    let mut files = Vec::new();
    for (index, row) in rows.iter().enumerate().skip(header_index + 1) {
        let number = index + 1;
        if row.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        let mut row_problems = Vec::new();
        let entry = build_entry(kind, &used, row, number, &header_of, &mut row_problems);
        let slug = match entry.slug {
            Some(slug) => slug,
            None => {
                problems.extend(row_problems);
                continue;
            }
        };
        let path = format!("{}/{slug}.md", kind.folder());
        if let Some(first) = rows_by_path.insert(path.clone(), number) {
            row_problems.push(RowProblem {
                row: number,
                column: Some(
                    header_of
                        .get(SLUG_COLUMN)
                        .copied()
                        .unwrap_or(SLUG_COLUMN)
                        .to_string(),
                ),
                severity: Severity::Error,
                message: format!("Rij {first} krijgt dezelfde bestandsnaam: {path}."),
                hint: Some(format!(
                    "Geef een van beide rijen een eigen '{SLUG_COLUMN}'."
                )),
            });
        }
        let exists = std::fs::symlink_metadata(options.root.join(&path)).is_ok();
        if exists && !options.overwrite {
            row_problems.push(RowProblem {
                row: number,
                column: None,
                severity: Severity::Error,
                message: format!("{path} bestaat al en wordt niet overschreven."),
                hint: Some(format!("Gebruik --overwrite om het te vervangen, of geef de rij een andere '{SLUG_COLUMN}'.")),
            });
        }
        let text = file_text(&entry.front, &entry.body);
        // Read back exactly as a file on disk is read.
        match SourceFile::parse(kind, path.clone(), slug.clone(), &text) {
            Ok(source) => {
                raw.files.retain(|f| f.path != path);
                raw.files.push(source);
            }
            Err(d) => row_problems.push(RowProblem {
                row: number,
                column: None,
                severity: Severity::Error,
                message: d.message,
                hint: d.hint,
            }),
        }
        problems.extend(row_problems);
        files.push(PlannedFile {
            row: number,
            path,
            text,
            replaces: exists,
        });
    }
    raw.files
        .sort_by(|a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
    let (_, diagnostics) = validate::validate(&raw, options.today);
    let config_errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.file == load::CONFIG_FILE && d.is_error())
        .map(ToString::to_string)
        .collect();
    if raw.config.is_none() || !config_errors.is_empty() {
        return Err(ImportError(format!(
            "site.yaml ontbreekt of heeft fouten; los die eerst op (sociale-kaart check).\n{}",
            config_errors.join("\n")
        )));
    }
    for d in diagnostics.iter() {
        let Some(&row) = rows_by_path.get(&d.file) else {
            continue;
        };
        let (column, message, hint) = explain_for_row(d, &header_of, kind);
        problems.push(RowProblem {
            row,
            column,
            severity: d.severity,
            message,
            hint,
        });
    }
    problems.sort_by(|a, b| {
        (a.row, a.severity, &a.column, &a.message).cmp(&(b.row, b.severity, &b.column, &b.message))
    });
    problems.dedup();
    files.sort_by_key(|f| f.row);
    Ok(ImportPlan {
        kind,
        files,
        problems,
    })
}

struct Entry {
    slug: Option<String>,
    front: Mapping,
    body: String,
}

/// The front matter of one row, built from its cells by column type.
fn build_entry(
    kind: Kind,
    used: &[(usize, &Column)],
    row: &[Cell],
    number: usize,
    header_of: &BTreeMap<&str, &str>,
    problems: &mut Vec<RowProblem>,
) -> Entry {
    let mut slug = None;
    let mut body = String::new();
    let mut keys: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut groups: BTreeMap<&'static str, Mapping> = BTreeMap::new();
    let mut items: BTreeMap<&'static str, Vec<Mapping>> = BTreeMap::new();
    for (index, column) in used {
        let cell = row.get(*index).unwrap_or(&Cell::Empty);
        if let Cell::Error(e) = cell {
            problems.push(RowProblem {
                row: number,
                column: Some(header_of[column.name.as_str()].to_string()),
                severity: Severity::Error,
                message: format!("In deze cel staat een formulefout ({e})."),
                hint: Some("Vul een waarde in of maak de cel leeg.".into()),
            });
            continue;
        }
        let Some(mut text) = cell.text() else {
            continue;
        };
        let ty = match &column.target {
            Target::Key(field) | Target::Part(_, field) | Target::ItemPart(_, field) => {
                Some(&field.ty)
            }
            Target::Slug | Target::Body => None,
        };
        if let (Some(Type::Phone), Cell::Number(_)) = (ty, cell)
            && text.len() == 9
        {
            // A phone number stored as a number loses its leading 0.
            text = format!("0{text}");
            problems.push(RowProblem {
                row: number,
                column: Some(header_of[column.name.as_str()].to_string()),
                severity: Severity::Warning,
                message: format!("Het telefoonnummer stond als getal in de cel; de 0 vooraan is teruggezet: {text}."),
                hint: Some("Maak de kolom in Excel van het type 'Tekst', dan blijft de 0 staan.".into()),
            });
        }
        match &column.target {
            Target::Slug => slug = Some(text),
            Target::Body => body = text,
            Target::Key(field) => {
                keys.insert(field.key, value(&field.ty, cell, &text));
            }
            Target::Part(group, part) => {
                groups
                    .entry(group.key)
                    .or_default()
                    .insert(part.key.into(), value(&part.ty, cell, &text));
            }
            Target::ItemPart(group, part) => {
                let list = items.entry(group.key).or_default();
                for (i, piece) in text.split(';').map(str::trim).enumerate() {
                    if list.len() <= i {
                        list.push(Mapping::new());
                    }
                    if !piece.is_empty() {
                        list[i].insert(
                            part.key.into(),
                            value(&part.ty, &Cell::Text(piece.into()), piece),
                        );
                    }
                }
            }
        }
    }
    let mut front = Mapping::new();
    for field in fields_of(kind) {
        let own = keys.remove(field.key);
        let group = groups.remove(field.key).map(Value::Mapping);
        let list = items
            .remove(field.key)
            .map(|l| Value::Sequence(l.into_iter().map(Value::Mapping).collect()));
        let nested = group.or(list);
        let value = match (own, nested) {
            (Some(_), Some(_)) => {
                problems.push(RowProblem {
                    row: number,
                    column: Some(header_of.get(field.key).copied().unwrap_or(field.key).to_string()),
                    severity: Severity::Error,
                    message: format!("Vul kolom '{}' of de kolommen '{}_...' in, niet allebei.", field.key, field.key),
                    hint: Some(format!("Bijvoorbeeld bij kosten: 'gratis' in kolom '{}', of een bedrag in '{}_bedrag'.", field.key, field.key)),
                });
                continue;
            }
            (Some(v), None) | (None, Some(v)) => v,
            (None, None) => continue,
        };
        front.insert(field.key.into(), value);
    }
    let title_key = if kind == Kind::Aanbieder {
        "naam"
    } else {
        "titel"
    };
    let slug = match slug {
        Some(s) if is_slug(&s) => Some(s),
        Some(s) => {
            problems.push(RowProblem {
                row: number,
                column: Some(header_of.get(SLUG_COLUMN).copied().unwrap_or(SLUG_COLUMN).to_string()),
                severity: Severity::Error,
                message: format!("'{s}' kan geen bestandsnaam zijn: gebruik alleen kleine letters (a-z), cijfers en streepjes (-)."),
                hint: Some(format!("Bijvoorbeeld: {}", suggest_slug(&s))),
            });
            None
        }
        None => match front.get(title_key).and_then(Value::as_str) {
            Some(title) => Some(suggest_slug(title)),
            None => {
                problems.push(RowProblem {
                    row: number,
                    column: Some(header_of.get(title_key).copied().unwrap_or(title_key).to_string()),
                    severity: Severity::Error,
                    message: format!("Deze rij heeft geen '{title_key}' (en geen '{SLUG_COLUMN}'), dus er kan geen bestand van worden gemaakt."),
                    hint: Some(format!("Vul '{title_key}' in.")),
                });
                None
            }
        },
    };
    Entry { slug, front, body }
}

/// A cell as a YAML value of the column's type. What cannot be converted
/// stays text, so that validation explains what is wrong with it.
fn value(ty: &Type, cell: &Cell, text: &str) -> Value {
    let list = |text: &str| {
        Value::Sequence(
            text.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.into()))
                .collect(),
        )
    };
    match ty {
        Type::Ids(_) | Type::Texts | Type::Choices(_) => list(text),
        Type::Integer { .. } => match cell {
            Cell::Number(n) if n.fract() == 0.0 => Value::Number((*n as i64).into()),
            _ => text
                .parse::<i64>()
                .map_or_else(|_| Value::String(text.into()), |n| Value::Number(n.into())),
        },
        Type::Number { .. } => match cell {
            Cell::Number(n) => Value::Number((*n).into()),
            _ => text
                .replace(',', ".")
                .parse::<f64>()
                .map_or_else(|_| Value::String(text.into()), |n| Value::Number(n.into())),
        },
        Type::Bool => match text.to_lowercase().as_str() {
            "ja" | "true" | "waar" | "1" => Value::Bool(true),
            "nee" | "false" | "onwaar" | "0" => Value::Bool(false),
            _ => Value::String(text.into()),
        },
        _ => Value::String(text.into()),
    }
}

fn file_text(front: &Mapping, body: &str) -> String {
    let yaml = if front.is_empty() {
        String::new()
    } else {
        serde_yaml::to_string(front).unwrap_or_default()
    };
    let body = body.replace("\r\n", "\n");
    let body = body.trim_end();
    if body.is_empty() {
        format!("---\n{yaml}---\n")
    } else {
        format!("---\n{yaml}---\n{body}\n")
    }
}

/// A diagnostic about a generated file, in the words of a spreadsheet: the
/// column instead of the key, and a fix that names the column.
fn explain_for_row(
    d: &crate::diagnostics::Diagnostic,
    header_of: &BTreeMap<&str, &str>,
    kind: Kind,
) -> (Option<String>, String, Option<String>) {
    let Some(key) = &d.key else {
        return (None, d.message.clone(), d.hint.clone());
    };
    // `data[1].start` is column `data_start`; `themas[2]` is `themas`.
    let mut name = String::new();
    let mut skipping = false;
    for c in key.chars() {
        match c {
            '[' => skipping = true,
            ']' => skipping = false,
            '.' if !skipping => name.push('_'),
            c if !skipping => name.push(c),
            _ => {}
        }
    }
    let columns = columns(kind);
    let column = match header_of.get(name.as_str()) {
        Some(header) => header.to_string(),
        None => columns
            .iter()
            .find(|c| c.name == name)
            .map_or_else(|| format!("{name}_..."), |c| c.name.clone()),
    };
    if d.message.starts_with("De verplichte sleutel") {
        let doc = columns
            .iter()
            .find(|c| c.name == name)
            .map_or("", |c| c.doc);
        let hint = if header_of.contains_key(name.as_str()) {
            format!("Vul deze cel in: {doc}")
        } else {
            format!("Voeg een kolom '{name}' toe en vul die in: {doc}")
        };
        return (
            Some(column),
            "Deze waarde is verplicht, maar ontbreekt.".into(),
            Some(hint),
        );
    }
    (Some(column), d.message.clone(), d.hint.clone())
}

/// Writes every planned file. Refuses to replace a file unless
/// `overwrite`; `create_new` also guards against files that appeared
/// since the plan was made.
pub fn write(plan: &ImportPlan, root: &Path, overwrite: bool) -> std::io::Result<usize> {
    std::fs::create_dir_all(root.join(plan.kind.folder()))?;
    for file in &plan.files {
        let path = root.join(&file.path);
        if overwrite {
            std::fs::write(&path, &file.text)?;
        } else {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            std::io::Write::write_all(&mut out, file.text.as_bytes())?;
        }
    }
    Ok(plan.files.len())
}

/// Writes an empty spreadsheet with the columns for `kind`: an `.xlsx`
/// with a note on every header and a sheet `uitleg`, or a `.csv`
/// (separated by `;` as Dutch Excel expects, with a byte-order mark so
/// Excel reads it as UTF-8).
pub fn write_template(path: &Path, kind: Kind, overwrite: bool) -> Result<(), ImportError> {
    if !overwrite && std::fs::symlink_metadata(path).is_ok() {
        return Err(ImportError(format!(
            "{} bestaat al en wordt niet overschreven (gebruik --overwrite).",
            path.display()
        )));
    }
    let columns = columns(kind);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let result = match extension.as_deref() {
        Some("csv") => {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(vec![0xEF, 0xBB, 0xBF]);
            writer
                .write_record(columns.iter().map(|c| c.name.as_str()))
                .map_err(|e| e.to_string())
                .and_then(|()| writer.into_inner().map_err(|e| e.to_string()))
                .and_then(|bytes| std::fs::write(path, bytes).map_err(|e| e.to_string()))
        }
        Some("xlsx") => xlsx_template(path, kind, &columns).map_err(|e| e.to_string()),
        _ => {
            return Err(ImportError(format!(
                "Het sjabloon moet eindigen op .xlsx of .csv, niet {}.",
                path.display()
            )));
        }
    };
    result.map_err(|err| ImportError(format!("kan {} niet schrijven: {err}", path.display())))
}

fn xlsx_template(
    path: &Path,
    kind: Kind,
    columns: &[Column],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Note, Workbook};
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color(0xDDEBF7);
    let required = Format::new().set_bold().set_background_color(0xFCE4D6);
    let sheet = workbook.add_worksheet();
    sheet.set_name(if kind == Kind::Aanbieder {
        "aanbieders"
    } else {
        "aanbod"
    })?;
    for (i, column) in columns.iter().enumerate() {
        let col = i as u16;
        let format = if column.required { &required } else { &header };
        sheet.write_string_with_format(0, col, &column.name, format)?;
        let note = Note::new(format!(
            "{}{}",
            column.doc,
            if column.required { " (verplicht)" } else { "" }
        ))
        .set_author("sociale-kaart");
        sheet.insert_note(0, col, &note)?;
        sheet.set_column_width(col, (column.name.chars().count() as f64 + 4.0).max(14.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;

    let explanation = workbook.add_worksheet();
    explanation.set_name("uitleg")?;
    let wrap = Format::new().set_text_wrap();
    for (col, title) in ["kolom", "verplicht", "uitleg"].into_iter().enumerate() {
        explanation.write_string_with_format(0, col as u16, title, &header)?;
    }
    for (i, column) in columns.iter().enumerate() {
        let row = i as u32 + 1;
        explanation.write_string(row, 0, &column.name)?;
        explanation.write_string(row, 1, if column.required { "ja" } else { "" })?;
        explanation.write_string_with_format(row, 2, column.doc, &wrap)?;
    }
    let note_row = columns.len() as u32 + 2;
    explanation.write_string(
        note_row,
        0,
        "Meer waarden in één cel scheid je met een puntkomma (;), bijvoorbeeld: scheiding; opvoeden",
    )?;
    explanation.set_column_width(0, 26)?;
    explanation.set_column_width(1, 10)?;
    explanation.set_column_width(2, 90)?;
    workbook.save(path)
}

/// The column table as Markdown, for the editors' guide.
pub fn columns_markdown(kind: Kind) -> String {
    let mut out = String::from("| kolom | verplicht | uitleg |\n|---|---|---|\n");
    for column in columns(kind) {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            column.name,
            if column.required { "ja" } else { "" },
            column.doc.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_normalized() {
        assert_eq!(normalize_header(" Thema's "), "themas");
        assert_eq!(normalize_header("Leeftijd van"), "leeftijd_van");
        assert_eq!(
            normalize_header("Aanmelden - telefoon"),
            "aanmelden_telefoon"
        );
        assert_eq!(
            normalize_header("laatst.gecontroleerd"),
            "laatst_gecontroleerd"
        );
    }

    fn column_names(kind: Kind) -> std::collections::BTreeSet<String> {
        columns(kind).into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn columns_follow_the_field_tables() {
        let names = column_names(Kind::Aanbod);
        for name in [
            "titel",
            "themas",
            "leeftijd_van",
            "leeftijd_tot",
            "kosten",
            "kosten_bedrag",
            "aanmelden_telefoon",
            "data_start",
            "locaties_naam",
            "bestandsnaam",
            "tekst",
        ] {
            assert!(names.contains(name), "{name}");
        }
        assert!(!names.contains("leeftijd"));
        assert!(column_names(Kind::Aanbieder).contains("contactpersonen_email"));
    }

    #[test]
    fn cells_become_values_of_the_column_type() {
        assert_eq!(
            value(&Type::Texts, &Cell::Empty, "a; b ;;c"),
            serde_yaml::from_str::<Value>("[a, b, c]").unwrap()
        );
        assert_eq!(
            value(&Type::Number { min: 0.0, max: 9.0 }, &Cell::Empty, "12,50"),
            Value::Number(12.5.into())
        );
        assert_eq!(
            value(&Type::Integer { min: 0, max: 9 }, &Cell::Number(4.0), "4"),
            Value::Number(4.into())
        );
        assert_eq!(
            value(&Type::Integer { min: 0, max: 9 }, &Cell::Empty, "vier"),
            Value::String("vier".into())
        );
        assert_eq!(
            Cell::Date(NaiveDate::from_ymd_opt(2027, 1, 5).unwrap())
                .text()
                .unwrap(),
            "2027-01-05"
        );
    }
}
