//! Stage 1, load: finds the site's files with walkdir, decodes them, splits
//! front matter from body and parses the YAML with serde_yaml. Every value
//! keeps its line and column, so later stages can point editors at it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_yaml::Value;
use walkdir::WalkDir;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, display_path};

/// The three kinds of content file, each in its own folder under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Aanbieder,
    Aanbod,
    Pagina,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Aanbieder, Kind::Aanbod, Kind::Pagina];

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Aanbieder => "content/aanbieders",
            Kind::Aanbod => "content/aanbod",
            Kind::Pagina => "content/paginas",
        }
    }
}

/// A parsed YAML document with the position of every key and value.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub value: Value,
    pub positions: Positions,
}

/// One content file: front matter and Markdown body.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: Kind,
    /// Path relative to the site root, with forward slashes.
    pub path: String,
    /// The file name without `.md`; the entry's URL slug.
    pub slug: String,
    /// False when the file name is not a valid slug (already reported).
    pub valid_slug: bool,
    pub front: Document,
    pub body: String,
    /// The file line the body starts on, counted from 1.
    pub body_line: usize,
}

impl SourceFile {
    /// Splits a content file's text into front matter and body and parses
    /// the front matter: how the loader reads a file, and how the importer
    /// reads back a file it is about to write.
    pub fn parse(kind: Kind, path: String, slug: String, text: &str) -> Result<Self, Diagnostic> {
        let (yaml, yaml_line, body) = split_front_matter(&path, text)?;
        let front = parse_yaml(&path, yaml, yaml_line)?;
        let body_line = text[..text.len() - body.len()].matches('\n').count() + 1;
        Ok(SourceFile {
            kind,
            valid_slug: is_slug(&slug),
            path,
            slug,
            front,
            body: body.to_string(),
            body_line,
        })
    }
}

/// Everything read from disk, before validation.
#[derive(Debug, Default)]
pub struct RawSite {
    pub root: PathBuf,
    /// `site.yaml`, or `None` when it is missing or unreadable (reported).
    pub config: Option<Document>,
    pub files: Vec<SourceFile>,
}

pub const CONFIG_FILE: &str = "site.yaml";

/// Parsed content files, reused while a file keeps its size and
/// modification time: `serve` re-reads only the files that changed.
#[derive(Debug, Default)]
pub struct FileCache {
    files: HashMap<PathBuf, (FileStamp, Result<SourceFile, Vec<Diagnostic>>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileCache {
    /// Drops a file, so that it is read again even if its stamp is unchanged
    /// (file systems with coarse modification times).
    pub fn forget(&mut self, path: &Path) {
        self.files.remove(path);
    }
}

/// Files that are not in the page cache (a fresh clone, a first build)
/// come from disk one small read at a time. With as many threads as cores
/// the disk gets two requests at once and the cores wait; more threads keep
/// more reads in flight while the others parse.
const READERS: usize = 16;

fn in_reader_pool<T: Send>(read: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(READERS).build() {
        Ok(pool) => pool.install(read),
        Err(_) => read(),
    }
}

/// Reads `site.yaml` and every content file under `root`.
pub fn load(root: &Path) -> (RawSite, Diagnostics) {
    // No cache: a one-off build keeps each parsed file once, without the
    // stamps and clones that `load_cached` needs between rebuilds.
    let mut diagnostics = Diagnostics::default();
    let config = load_config(root, &mut diagnostics);
    let paths = all_content_paths(root, &mut diagnostics);
    let results: Vec<Result<SourceFile, Vec<Diagnostic>>> = in_reader_pool(|| {
        paths
            .par_iter()
            .map(|(kind, path)| load_content_file(root, *kind, path))
            .collect()
    });
    let mut files = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(ds) => ds.into_iter().for_each(|d| diagnostics.push(d)),
        }
    }
    finish(root, config, files, diagnostics)
}

fn load_config(root: &Path, diagnostics: &mut Diagnostics) -> Option<Document> {
    match read_text(root, &root.join(CONFIG_FILE))
        .and_then(|text| parse_yaml(CONFIG_FILE, &text, 1))
    {
        Ok(doc) => Some(doc),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}

fn all_content_paths(root: &Path, diagnostics: &mut Diagnostics) -> Vec<(Kind, PathBuf)> {
    let mut paths = Vec::new();
    for kind in Kind::ALL {
        paths.extend(
            content_paths(root, kind, diagnostics)
                .into_iter()
                .map(|p| (kind, p)),
        );
    }
    paths
}

/// Reports misnamed files (their content was still checked) and assembles the site.
fn finish(
    root: &Path,
    config: Option<Document>,
    files: Vec<SourceFile>,
    mut diagnostics: Diagnostics,
) -> (RawSite, Diagnostics) {
    for file in &files {
        if !file.valid_slug {
            diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    Position::START,
                    format!(
                        "De bestandsnaam '{}.md' mag alleen kleine letters (a-z), cijfers en streepjes (-) bevatten.",
                        file.slug
                    ),
                )
                .hint(format!(
                    "Hernoem het bestand naar '{}.md'; de bestandsnaam wordt het webadres.",
                    suggest_slug(&file.slug)
                )),
            );
        }
    }
    (
        RawSite {
            root: root.to_path_buf(),
            config,
            files,
        },
        diagnostics,
    )
}

/// `load`, taking unchanged content files from `cache` and updating it.
pub fn load_cached(root: &Path, cache: &mut FileCache) -> (RawSite, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let config = load_config(root, &mut diagnostics);
    let paths = all_content_paths(root, &mut diagnostics);
    let stamps: Vec<Option<FileStamp>> = paths
        .iter()
        .map(|(_, path)| {
            let meta = std::fs::symlink_metadata(path).ok()?;
            Some(FileStamp {
                len: meta.len(),
                modified: meta.modified().ok(),
            })
        })
        .collect();
    let fresh: Vec<Option<Result<SourceFile, Vec<Diagnostic>>>> = in_reader_pool(|| {
        paths
            .par_iter()
            .zip(&stamps)
            .map(
                |((kind, path), stamp)| match (stamp, cache.files.get(path)) {
                    (Some(stamp), Some((cached, _))) if cached == stamp => None,
                    _ => Some(load_content_file(root, *kind, path)),
                },
            )
            .collect()
    });
    let mut kept = HashMap::with_capacity(paths.len());
    let mut files = Vec::with_capacity(paths.len());
    for (((_, path), stamp), fresh) in paths.into_iter().zip(stamps).zip(fresh) {
        let result = match fresh {
            Some(result) => result,
            None => cache
                .files
                .remove(&path)
                .map(|(_, result)| result)
                .expect("a cached file"),
        };
        match &result {
            Ok(file) => files.push(file.clone()),
            Err(ds) => ds.iter().for_each(|d| diagnostics.push(d.clone())),
        }
        if let Some(stamp) = stamp {
            kept.insert(path, (stamp, result));
        }
    }
    cache.files = kept;
    finish(root, config, files, diagnostics)
}

/// The `.md` files of one content folder, sorted; other files are reported.
fn content_paths(root: &Path, kind: Kind, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let dir = root.join(kind.folder());
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut paths = Vec::new();
    for entry in WalkDir::new(&dir)
        .min_depth(1)
        .sort_by_file_name()
        .follow_links(false)
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&dir).to_path_buf();
                diagnostics.push(Diagnostic::error(
                    &display_path(root, &path),
                    Position::START,
                    format!("Kan dit bestand of deze map niet lezen: {err}"),
                ));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        // The path as editors see it, only for a message: most files get none.
        let rel = || display_path(root, entry.path());
        if entry.file_type().is_symlink() {
            diagnostics.push(
                Diagnostic::error(
                    &rel(),
                    Position::START,
                    "Dit is een snelkoppeling (symbolische link); die worden niet gevolgd.",
                )
                .hint("Zet het echte bestand in deze map."),
            );
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.depth() > 1 {
            diagnostics.push(
                Diagnostic::error(
                    &rel(),
                    Position::START,
                    "Dit bestand staat in een submap en wordt niet gelezen.",
                )
                .hint(format!("Zet het direct in de map {}/.", kind.folder())),
            );
            continue;
        }
        if !name.ends_with(".md") {
            diagnostics.push(
                Diagnostic::error(
                    &rel(),
                    Position::START,
                    "Alleen bestanden met de extensie .md worden gelezen.",
                )
                .hint(
                    "Geef het bestand de extensie .md (kleine letters), of haal het uit deze map.",
                ),
            );
            continue;
        }
        paths.push(entry.into_path());
    }
    paths
}

fn load_content_file(root: &Path, kind: Kind, path: &Path) -> Result<SourceFile, Vec<Diagnostic>> {
    let rel = display_path(root, path);
    let text = read_text(root, path).map_err(|d| vec![d])?;
    let slug = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    SourceFile::parse(kind, rel, slug, &text).map_err(|d| vec![d])
}

/// A slug is what a file name may be: `a-z`, `0-9` and `-`, not empty.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Turns any name into a valid slug: "Café Één!" becomes "cafe-een".
pub fn suggest_slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut slug = String::new();
    for c in name.nfd().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '.') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "naam".to_string()
    } else {
        slug
    }
}

/// Reads a file as UTF-8 text, without byte-order mark and with `\n` line ends.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let rel = display_path(root, path);
    let meta = std::fs::symlink_metadata(path).map_err(|err| {
        let message = if err.kind() == std::io::ErrorKind::NotFound {
            "Dit bestand ontbreekt.".to_string()
        } else {
            format!("Kan dit bestand niet lezen: {err}")
        };
        Diagnostic::error(&rel, Position::START, message)
    })?;
    if meta.file_type().is_symlink() {
        return Err(Diagnostic::error(
            &rel,
            Position::START,
            "Dit is een snelkoppeling (symbolische link); die worden niet gevolgd.",
        ));
    }
    let bytes = std::fs::read(path).map_err(|err| {
        Diagnostic::error(
            &rel,
            Position::START,
            format!("Kan dit bestand niet lezen: {err}"),
        )
    })?;
    decode(&rel, bytes)
}

/// Decodes file bytes: UTF-8 only, BOM dropped, CRLF turned into LF.
pub fn decode(rel: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.as_bytes();
            let valid = err.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(Diagnostic::error(
                rel,
                Position::new(line, column),
                "Dit bestand is geen UTF-8-tekst (er staat een teken in dat niet gelezen kan worden).",
            )
            .hint("Sla het bestand op als 'UTF-8' (in Kladblok: Opslaan als, Codering: UTF-8)."));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// Splits `---` front matter from the body. Returns the YAML, the file line
/// its first line is on, and the body.
pub fn split_front_matter<'a>(
    rel: &str,
    text: &'a str,
) -> Result<(&'a str, usize, &'a str), Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(rel, Position::START, "Dit bestand is leeg.").hint(
            "Begin met een regel '---', dan de gegevens (zoals 'titel: ...'), dan weer '---' en daarna de tekst. Met 'sociale-kaart new' krijg je een voorbeeld.",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        let (message, hint) = if looks_like_fence(first) {
            (
                format!(
                    "De eerste regel moet drie gewone streepjes zijn ('---'), maar er staat '{}'.",
                    first.trim_end()
                ),
                FENCE_HINT,
            )
        } else if first.trim().is_empty() && text.trim_start().starts_with("---") {
            (
                "Boven de eerste regel '---' staan lege regels.".to_string(),
                "Haal de lege regels weg: '---' moet op de allereerste regel staan.",
            )
        } else {
            (
                "Het bestand begint niet met '---': de gegevens bovenaan (front matter) ontbreken."
                    .to_string(),
                "Zet op de eerste regel alleen '---', daaronder de gegevens en sluit af met nog een regel '---'.",
            )
        };
        return Err(Diagnostic::error(rel, Position::START, message).hint(hint));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut near_miss = None;
    for (number, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            let body = &text[offset + line.len()..];
            return Ok((yaml, 2, body));
        }
        if near_miss.is_none() && looks_like_fence(line) {
            near_miss = Some(number + 2);
        }
        offset += line.len();
    }
    Err(match near_miss {
        Some(line) => Diagnostic::error(
            rel,
            Position::new(line, 1),
            "Deze regel lijkt het einde van de gegevens bovenaan, maar is niet precies drie gewone streepjes ('---').",
        )
        .hint(FENCE_HINT),
        None => Diagnostic::error(
            rel,
            Position::START,
            "De gegevens bovenaan (front matter) worden niet afgesloten met een regel '---'.",
        )
        .hint("Zet na de laatste gegevensregel een regel met alleen '---'."),
    })
}

const FENCE_HINT: &str = "Typ drie gewone streepjes: ---. Word en Outlook maken van streepjes soms een lang streepje (— of –).";

/// A line of dashes that is not `---`: too many or too few, or dashes
/// that Word or Outlook joined into a long one.
fn looks_like_fence(line: &str) -> bool {
    let line = line.trim_end();
    line != "---"
        && !line.is_empty()
        && line
            .chars()
            .all(|c| matches!(c, '-' | '—' | '–' | '‒' | '―'))
}

/// Parses YAML that starts on `first_line` of file `rel`.
pub fn parse_yaml(rel: &str, yaml: &str, first_line: usize) -> Result<Document, Diagnostic> {
    let value: Value = match serde_yaml::from_str(yaml) {
        Ok(value) => value,
        Err(err) => return Err(yaml_error(rel, yaml, first_line, &err)),
    };
    Ok(Document {
        value: if value.is_null() {
            Value::Mapping(Default::default())
        } else {
            value
        },
        positions: Positions::new(yaml, first_line),
    })
}

/// A YAML syntax error as an editor can act on it: what is wrong in plain
/// Dutch, how to fix it, and where, which is not always where the parser
/// stopped (it notices an unclosed list or a missing colon a line later).
fn yaml_error(rel: &str, yaml: &str, first_line: usize, err: &serde_yaml::Error) -> Diagnostic {
    let raw = err.to_string();
    // Line and column within `yaml`, both from 1.
    let reported = duplicate_key_line(&raw, yaml)
        .map(|line| (line, 1))
        .or_else(|| err.location().map(|l| (l.line(), l.column())))
        .unwrap_or((1, 1));
    let explained = explain_yaml_error(&raw, yaml, reported.0);
    let (line, column) = explained.at.unwrap_or(reported);
    Diagnostic::error(
        rel,
        Position::new(first_line + line - 1, column),
        format!("{} (YAML: {})", explained.message, first_sentence(&raw)),
    )
    .hint(explained.hint)
}

/// serde_yaml locates a duplicate key at its mapping; editors need the
/// line of the second occurrence.
fn duplicate_key_line(raw: &str, yaml: &str) -> Option<usize> {
    let key = raw
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?;
    yaml.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .nth(1)
        .map(|(i, _)| i + 1)
}

/// What an editor reads about a YAML error, and where, when that is not
/// where the parser reported it.
struct Explanation {
    message: &'static str,
    hint: String,
    at: Option<(usize, usize)>,
}

/// The hint for quotes that Word, e-mail and websites curl.
pub const CURLY_QUOTES_HINT: &str = "Vervang ze door rechte aanhalingstekens (\"), bijvoorbeeld: titel: \"Hulp: zo werkt het\". Krullende aanhalingstekens komen vaak mee met tekst uit Word, een e-mail of een website.";

/// Curly double quotes, and the left single one: the right single one is
/// also the apostrophe of "baby’s", which is fine.
const CURLY_QUOTES: [char; 5] = ['“', '”', '„', '‟', '‘'];

pub fn has_curly_quotes(line: &str) -> bool {
    line.contains(CURLY_QUOTES)
}

/// Zero-width space, word joiner and a byte-order mark inside the text:
/// pasted, never seen, and never meant. Zero-width (non-)joiners are not
/// here: emoji and some scripts need them.
pub const ZERO_WIDTH: [char; 3] = ['\u{200b}', '\u{2060}', '\u{feff}'];

/// The name of a character that looks like a space, or like nothing, but
/// is not the space that YAML separates and indents with.
pub fn odd_space(c: char) -> Option<&'static str> {
    match c {
        '\u{a0}' | '\u{2007}' | '\u{202f}' => Some("harde spatie"),
        '\u{200c}' | '\u{200d}' => Some("onzichtbaar teken"),
        c if ZERO_WIDTH.contains(&c) => Some("onzichtbaar teken"),
        '\t' | '\n' | '\r' | ' ' => None,
        c if c.is_whitespace() => Some("bijzondere spatie"),
        _ => None,
    }
}

/// The column (from 1) and name of an odd space where YAML needs a real
/// one: in the indentation, or right after a `:` or a list's `-`.
fn misplaced_space(line: &str) -> Option<(usize, &'static str)> {
    let chars: Vec<char> = line.chars().collect();
    let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
    let after_indicator = |at: usize| at > 0 && matches!(chars[at - 1], ':' | '-');
    chars.iter().enumerate().find_map(|(at, &c)| {
        let name = odd_space(c)?;
        (at < indent || after_indicator(at)).then_some((at + 1, name))
    })
}

fn explain_yaml_error(raw: &str, yaml: &str, line: usize) -> Explanation {
    let lines: Vec<&str> = yaml.lines().collect();
    let text = |n: usize| n.checked_sub(1).and_then(|i| lines.get(i)).copied();
    // The line reported, and the one before it: an unclosed list or quote,
    // or a missing colon, is noticed only on the next line.
    let near: Vec<usize> = [line.saturating_sub(1), line]
        .into_iter()
        .filter(|&n| n >= 1 && text(n).is_some())
        .collect();
    let explain = |message: &'static str, hint: &str| Explanation {
        message,
        hint: hint.to_string(),
        at: None,
    };
    let colon = "Staat er een dubbele punt (:) of # in een waarde? Zet de hele waarde dan tussen aanhalingstekens, bijvoorbeeld: titel: \"Hulp: zo werkt het\".";

    if raw.contains("control characters are not allowed") {
        return Explanation {
            at: control_character(yaml),
            ..explain(
                "Er staat een onzichtbaar stuurteken in de gegevens, vaak meegekopieerd uit een ander programma.",
                "Typ de tekst rond deze plek opnieuw, of plak hem eerst in een eenvoudige teksteditor zoals Kladblok.",
            )
        };
    }
    if raw.contains("repetition limit exceeded") {
        return explain(
            "De verwijzingen met & en * maken de gegevens veel te groot.",
            "Schrijf de waarden gewoon uit, zonder & en *.",
        );
    }
    if raw.contains("recursion limit exceeded") {
        return explain(
            "De gegevens zijn te diep in elkaar gezet: te veel [ of { binnen elkaar.",
            "Een lijst van woorden heeft maar één paar rechte haken nodig, bijvoorbeeld: themas: [pesten, scheiding].",
        );
    }
    if raw.contains("duplicate entry") {
        return explain(
            "Dezelfde sleutel staat twee keer in dit bestand.",
            "Haal een van de twee regels weg, of voeg ze samen.",
        );
    }
    if let Some(n) = near
        .iter()
        .copied()
        .find(|&n| text(n).is_some_and(has_curly_quotes))
    {
        let column = text(n)
            .and_then(|t| t.chars().position(|c| CURLY_QUOTES.contains(&c)))
            .map_or(1, |at| at + 1);
        return Explanation {
            at: Some((n, column)),
            ..explain(
                "Hier staan krullende aanhalingstekens (“ ”). Voor YAML zijn dat gewone letters, geen aanhalingstekens.",
                CURLY_QUOTES_HINT,
            )
        };
    }
    if let Some((n, (column, name))) = near
        .iter()
        .find_map(|&n| text(n).and_then(misplaced_space).map(|found| (n, found)))
    {
        return Explanation {
            message: "Hier staat een teken dat op een spatie lijkt, maar voor YAML geen spatie is.",
            hint: format!(
                "Vervang de {name} door een gewone spatie, of haal hem weg. Zulke tekens komen vaak mee met tekst uit Word of een website."
            ),
            at: Some((n, column)),
        };
    }
    if raw.contains("found unknown escape character") {
        return explain(
            "Tussen dubbele aanhalingstekens heeft een backslash (\\) een speciale betekenis.",
            "Zet de waarde tussen enkele aanhalingstekens ('...'), of schrijf twee backslashes (\\\\).",
        );
    }
    if raw.contains("unknown anchor")
        || raw.contains("did not find expected alphabetic or numeric character")
    {
        return explain(
            "Een waarde die begint met * of & leest YAML als een verwijzing naar een andere waarde.",
            "Zet de hele waarde tussen aanhalingstekens, bijvoorbeeld: titel: \"*Nieuw* Sporten in de buurt\".",
        );
    }
    if raw.contains("did not find expected ',' or ']'") {
        return Explanation {
            at: unclosed(&lines, &near, '[', ']'),
            ..explain(
                "Een lijst tussen [ en ] is niet goed afgesloten, of er staat iets in dat er niet in hoort.",
                "Zet komma's tussen de waarden en sluit de lijst op dezelfde regel af met ]. Staat er een aanhalingsteken in een waarde? Zet er dan de andere soort omheen, bijvoorbeeld: 'Hulp \"thuis\"'.",
            )
        };
    }
    if raw.contains("did not find expected ',' or '}'") {
        return Explanation {
            at: unclosed(&lines, &near, '{', '}'),
            ..explain(
                "Een groep tussen { en } is niet goed afgesloten, of er staat iets in dat er niet in hoort.",
                "Zet komma's tussen de onderdelen en sluit de groep op dezelfde regel af met }, bijvoorbeeld: leeftijd: {van: 4, tot: 12}.",
            )
        };
    }
    let no_colon = raw.contains("could not find expected ':'");
    if no_colon || raw.contains("mapping values are not allowed") {
        let missing = "Schrijf een dubbele punt en een spatie achter de sleutel, bijvoorbeeld: trefwoorden: hulp.";
        if let Some(previous) = missing_colon_before(&lines, line) {
            return Explanation {
                at: Some((previous, 1)),
                ..explain(
                    "Op deze regel mist de dubbele punt (:) achter de sleutel.",
                    missing,
                )
            };
        }
        if no_colon {
            return explain(
                "Hier mist een dubbele punt (:) achter een sleutel.",
                missing,
            );
        }
        return explain(
            "Er staat een dubbele punt (:) op een plek waar dat niet mag.",
            colon,
        );
    }
    if raw.contains("did not find expected key") || raw.contains("did not find expected '-'") {
        return explain(
            "De inspringing klopt niet: een regel staat verder of minder ver naar rechts dan verwacht.",
            "Gebruik spaties (geen tabs) en laat regels die bij elkaar horen op dezelfde plek beginnen.",
        );
    }
    if raw.contains("found character that cannot start any token") {
        return explain(
            "Er staat een teken dat hier niet mag (bijvoorbeeld een tab, @ of `).",
            "Vervang tabs door spaties en zet waarden met bijzondere tekens tussen aanhalingstekens.",
        );
    }
    if raw.contains("found unexpected end of stream")
        || raw.contains("unclosed quote")
        || raw.contains("while scanning a quoted scalar")
    {
        return explain(
            "Er mist een afsluitend aanhalingsteken.",
            "Zet aan het einde van de waarde hetzelfde aanhalingsteken (\" of ') als aan het begin.",
        );
    }
    if raw.contains("block sequence entries are not allowed") {
        return explain(
            "Een lijst (regels met '-') staat op een plek waar dat niet mag.",
            "Zet de lijst op een nieuwe regel onder de sleutel, ingesprongen met twee spaties.",
        );
    }
    if raw.contains("tab") {
        return explain(
            "Er staat een tab in de inspringing.",
            "Gebruik alleen spaties om in te springen.",
        );
    }
    explain("De gegevens bovenaan zijn geen geldige YAML.", colon)
}

/// The line before `line` when it is a key without its colon: a line of
/// plain words at the same indentation as `line`, which starts a key. The
/// parser then reads both lines as one key and stops at the second colon.
fn missing_colon_before(lines: &[&str], line: usize) -> Option<usize> {
    let previous = line.checked_sub(1).filter(|&n| n >= 1)?;
    let (before, at) = (lines.get(previous - 1)?, lines.get(line - 1)?);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let starts_key = at.trim_start().split_once(':').is_some_and(|(key, _)| {
        !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_')
    });
    let plain = |l: &str| {
        let l = l.trim();
        !l.is_empty() && !l.contains(':') && !l.starts_with(['#', '-', '[', '{', '"', '\''])
    };
    (starts_key && plain(before) && indent(before) == indent(at)).then_some(previous)
}

/// Where a list or group opens that its line does not close: the parser
/// notices only on a later line.
fn unclosed(lines: &[&str], near: &[usize], open: char, close: char) -> Option<(usize, usize)> {
    near.iter().find_map(|&n| {
        let line = lines.get(n.checked_sub(1)?)?;
        let count = |c: char| line.chars().filter(|&x| x == c).count();
        (count(open) > count(close))
            .then(|| line.chars().position(|c| c == open))
            .flatten()
            .map(|at| (n, at + 1))
    })
}

/// Where the first control character that YAML refuses is: line and column.
fn control_character(yaml: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        line.chars()
            .position(|c| c.is_control() && c != '\t')
            .map(|at| (i + 1, at + 1))
    })
}

fn first_sentence(raw: &str) -> &str {
    raw.split(" at line ").next().unwrap_or(raw)
}

/// Where a key and its value are in the file.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub key: Position,
    pub value: Position,
}

/// Key paths (`titel`, `data[0].start`, `leeftijd.van`) to their locations.
/// Worked out on first use: most files never need a position, so their YAML
/// is not parsed a second time.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    yaml: std::sync::Arc<str>,
    first_line: usize,
    map: std::sync::OnceLock<HashMap<String, Location>>,
}

impl Positions {
    fn new(yaml: &str, first_line: usize) -> Self {
        Positions {
            yaml: yaml.into(),
            first_line,
            map: std::sync::OnceLock::new(),
        }
    }

    /// The text of line `line` of the file, when it is one of these lines.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.yaml.lines().nth(line.checked_sub(self.first_line)?)
    }

    /// The position of a key, or of its nearest recorded parent.
    pub fn key(&self, path: &str) -> Position {
        self.find(path).map_or(Position::START, |l| l.key)
    }

    /// The position of a value, or of its nearest recorded parent.
    pub fn value(&self, path: &str) -> Position {
        self.find(path).map_or(Position::START, |l| l.value)
    }

    fn find(&self, path: &str) -> Option<&Location> {
        let map = self.map.get_or_init(|| {
            let mut recorder = PositionRecorder::new(self.first_line);
            // serde_yaml accepted the text; this pass only records positions.
            let _ = Parser::new_from_str(&self.yaml).load(&mut recorder, false);
            recorder.positions
        });
        let mut path = path;
        loop {
            if let Some(l) = map.get(path) {
                return Some(l);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, Position)>,
    },
    Seq {
        path: String,
        index: usize,
    },
}

/// Walks yaml-rust2's marked events and records each node's position.
struct PositionRecorder {
    first_line: usize,
    stack: Vec<Frame>,
    positions: HashMap<String, Location>,
}

impl PositionRecorder {
    fn new(first_line: usize) -> Self {
        PositionRecorder {
            first_line,
            stack: Vec::new(),
            positions: HashMap::new(),
        }
    }

    fn position(&self, mark: Marker) -> Position {
        Position::new(self.first_line + mark.line() - 1, mark.col() + 1)
    }

    /// Called for every node; returns the path of the node when it is a value.
    fn node(&mut self, scalar: Option<&str>, at: Position) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, index }) => {
                let p = format!("{path}[{index}]");
                *index += 1;
                self.positions
                    .insert(p.clone(), Location { key: at, value: at });
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    *key = Some((scalar.unwrap_or("?").to_string(), at));
                    None
                }
                Some((name, key_at)) => {
                    let p = if path.is_empty() {
                        name
                    } else {
                        format!("{path}.{name}")
                    };
                    self.positions.insert(
                        p.clone(),
                        Location {
                            key: key_at,
                            value: at,
                        },
                    );
                    Some(p)
                }
            },
        }
    }
}

impl MarkedEventReceiver for PositionRecorder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = self.position(mark);
        match event {
            Event::Scalar(value, ..) => {
                self.node(Some(&value), at);
            }
            Event::Alias(_) => {
                self.node(None, at);
            }
            Event::MappingStart(..) => {
                let path = self.node(None, at).unwrap_or_default();
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.node(None, at).unwrap_or_default();
                self.stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_keys_and_values() {
        let doc = parse_yaml(
            "x.md",
            "titel: Hallo\nleeftijd:\n  van: 4\ndata:\n  - start: 2027-01-01\n",
            2,
        )
        .unwrap();
        assert_eq!(doc.positions.key("titel"), Position::new(2, 1));
        assert_eq!(doc.positions.value("titel"), Position::new(2, 8));
        assert_eq!(doc.positions.key("leeftijd.van"), Position::new(4, 3));
        assert_eq!(doc.positions.key("data[0].start"), Position::new(6, 5));
        assert_eq!(doc.positions.key("data[0].onbekend").line, 6);
    }

    #[test]
    fn yaml_errors_are_located_in_the_file() {
        let err = parse_yaml("x.md", "titel: a\nsamenvatting: b: c\n", 2).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("dubbele punt"), "{}", err.message);
    }

    #[test]
    fn pasted_characters_are_blamed_only_where_they_break_yaml() {
        // A hard space inside a value and an apostrophe are fine...
        assert!(parse_yaml("x.md", "titel: baby’s 0546\u{a0}000\n", 2).is_ok());
        // ...and beside another mistake they are not what gets the blame.
        for yaml in ["titel: baby’s: fijn\n", "titel: 0546\u{a0}000: x\n"] {
            let err = parse_yaml("x.md", yaml, 2).unwrap_err();
            assert!(
                err.message.starts_with("Er staat een dubbele punt (:)"),
                "{yaml}: {}",
                err.message
            );
        }
        let parsed = parse_yaml("x.md", "titel: a\nleeftijd:\n\u{2007}\u{2007}van: 4\n", 2);
        assert!(
            parsed.is_ok(),
            "a hard space in the indentation is a key to YAML"
        );
        let err = parse_yaml("x.md", "titel:\u{202f}a\nsamenvatting: b\n", 2).unwrap_err();
        assert_eq!((err.line, err.column), (2, 7));
        assert!(err.hint.as_deref().unwrap().contains("harde spatie"));
    }

    #[test]
    fn a_missing_colon_is_blamed_on_its_line_not_on_a_value_that_goes_on() {
        let err = parse_yaml("x.md", "titel: a\ntoegang vrij\nsamenvatting: b\n", 2).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(
            err.message
                .starts_with("Op deze regel mist de dubbele punt")
        );
        let continued = "samenvatting: Een lange zin\n  die doorloopt\n  en nog: iets\n";
        let err = parse_yaml("x.md", continued, 2).unwrap_err();
        assert_eq!(err.line, 4);
        assert!(
            err.message.starts_with("Er staat een dubbele punt (:)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_unclosed_list_is_located_where_it_opens() {
        let err = parse_yaml(
            "x.md",
            "titel: a\nthemas: [pesten, school\ntoegang: vrij\n",
            2,
        )
        .unwrap_err();
        assert_eq!((err.line, err.column), (3, 9));
        let err = parse_yaml("x.md", "leeftijd: {van: 4\ntoegang: vrij\n", 2).unwrap_err();
        assert_eq!((err.line, err.column), (2, 11));
        assert!(err.message.starts_with("Een groep tussen {"));
    }

    #[test]
    fn front_matter_is_split_and_bom_and_crlf_are_accepted() {
        let text = decode(
            "x.md",
            b"\xef\xbb\xbf---\r\ntitel: a\r\n---\r\nTekst\r\n".to_vec(),
        )
        .unwrap();
        let (yaml, line, body) = split_front_matter("x.md", &text).unwrap();
        assert_eq!(yaml, "titel: a\n");
        assert_eq!(line, 2);
        assert_eq!(body, "Tekst\n");
    }

    #[test]
    fn a_parsed_file_knows_the_line_its_body_starts_on() {
        let parse =
            |text: &str| SourceFile::parse(Kind::Pagina, "x.md".into(), "x".into(), text).unwrap();
        assert_eq!(parse("---\ntitel: a\n---\nTekst\n").body_line, 4);
        let file = parse("---\ntitel: a\nsamenvatting: b\n---\n\n\nTekst\n");
        assert_eq!(file.body_line, 5);
        assert_eq!(file.body, "\n\nTekst\n");
        // A file that ends at its closing line has an empty body after it.
        assert_eq!(parse("---\ntitel: a\n---").body_line, 3);
    }

    #[test]
    fn the_cache_rereads_only_changed_or_forgotten_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(CONFIG_FILE), "titel: x\n").unwrap();
        std::fs::create_dir_all(root.join("content/paginas")).unwrap();
        let page = root.join("content/paginas/over.md");
        let title = |raw: &RawSite| {
            raw.files[0].front.value["titel"]
                .as_str()
                .unwrap()
                .to_string()
        };
        std::fs::write(&page, "---\ntitel: A\n---\n").unwrap();
        let mut cache = FileCache::default();
        assert_eq!(title(&load_cached(root, &mut cache).0), "A");

        // Same size and modification time: taken from the cache.
        let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
        std::fs::write(&page, "---\ntitel: B\n---\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&page)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert_eq!(title(&load_cached(root, &mut cache).0), "A");
        cache.forget(&page);
        assert_eq!(title(&load_cached(root, &mut cache).0), "B");

        std::fs::write(&page, "---\ntitel: Langer\n---\n").unwrap();
        assert_eq!(title(&load_cached(root, &mut cache).0), "Langer");
        std::fs::remove_file(&page).unwrap();
        assert!(load_cached(root, &mut cache).0.files.is_empty());
        assert!(cache.files.is_empty());
    }

    #[test]
    fn slugs_are_suggested() {
        assert_eq!(suggest_slug("Café Één_Twee"), "cafe-een-twee");
        assert!(is_slug("kies-voor-het-kind-2"));
        assert!(!is_slug("Kies"));
    }
}
