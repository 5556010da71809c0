//! Located, Dutch diagnostics for editors: every stage adds to one list, so a
//! single run reports every problem in every file.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };

    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with forward slashes.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The front matter key the problem is about, as a dotted path (`data[0].start`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, at: Position, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, at, message)
    }

    pub fn warning(file: &str, at: Position, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, at, message)
    }

    fn new(severity: Severity, file: &str, at: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.to_string(),
            line: at.line,
            column: at.column,
            key: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    /// One line per problem, the form used in pipes, CI logs and tests:
    /// `content/aanbod/x.md:3:1: fout: [titel] ... (tip: ...)`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = match self.severity {
            Severity::Error => "fout",
            Severity::Warning => "waarschuwing",
        };
        write!(f, "{}:{}:{}: {label}: ", self.file, self.line, self.column)?;
        if let Some(key) = &self.key {
            write!(f, "[{key}] ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " Tip: {hint}")?;
        }
        Ok(())
    }
}

/// All diagnostics of a run, in a stable order (file, line, column).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// The closing line: "3 fouten en 1 waarschuwing gevonden."
    pub fn summary(&self) -> String {
        let errors = self.error_count();
        let warnings = self.warning_count();
        let e = match errors {
            1 => "1 fout".to_string(),
            n => format!("{n} fouten"),
        };
        let w = match warnings {
            1 => "1 waarschuwing".to_string(),
            n => format!("{n} waarschuwingen"),
        };
        format!("{e} en {w} gevonden.")
    }

    /// Prints every diagnostic to stderr: with colours, source line and caret
    /// when stderr is a terminal, one plain line per problem otherwise.
    pub fn print(&self, site_root: &Path) {
        self.print_to(Stream::Stderr, site_root);
    }

    /// Prints every diagnostic to `stream`, grouped per file: in a terminal
    /// with a heading per file, colours, the source line and a caret; in a
    /// pipe or log one plain line per problem (the `Display` form).
    pub fn print_to(&self, stream: Stream, site_root: &Path) {
        if stream.is_rich() {
            self.print_rich(stream, site_root);
        } else {
            let text: String = self.items.iter().map(|d| format!("{d}\n")).collect();
            let _ = match stream {
                Stream::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
                Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
            };
        }
    }

    fn print_rich(&self, stream: Stream, site_root: &Path) {
        let writer = match stream {
            Stream::Stdout => termcolor::StandardStream::stdout(termcolor::ColorChoice::Auto),
            Stream::Stderr => termcolor::StandardStream::stderr(termcolor::ColorChoice::Auto),
        };
        let mut out = writer.lock();
        let config = term::Config::default();
        let mut files = SimpleFiles::new();
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &self.items {
            by_file.entry(&d.file).or_default().push(d);
        }
        for (file, diagnostics) in by_file {
            let source = std::fs::read(site_root.join(file)).ok().map(|text| {
                let text = String::from_utf8_lossy(&text).replace("\r\n", "\n");
                (files.add(file.to_string(), text.clone()), text)
            });
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let heading = [
                (errors, "fout", "fouten"),
                (diagnostics.len() - errors, "waarschuwing", "waarschuwingen"),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(", ");
            let _ = termcolor::WriteColor::set_color(
                &mut out,
                termcolor::ColorSpec::new()
                    .set_bold(true)
                    .set_underline(true),
            );
            let _ = write!(out, "{file}");
            let _ = termcolor::WriteColor::reset(&mut out);
            let _ = writeln!(out, " ({heading})");
            for d in diagnostics {
                let mut report = match d.severity {
                    Severity::Error => Report::error(),
                    Severity::Warning => Report::warning(),
                };
                let title = match &d.key {
                    Some(key) => format!("[{key}] {}", d.message),
                    None => d.message.clone(),
                };
                report = report.with_message(title);
                match &source {
                    Some((id, text)) => {
                        let offset = byte_offset(text, d.line, d.column);
                        // Underline to the end of a key (`titel: `) or of the line.
                        let rest = &text[offset..];
                        let length = [rest.find('\n'), rest.find(": ")]
                            .into_iter()
                            .flatten()
                            .min()
                            .unwrap_or(rest.len());
                        let end = (offset + length.max(1)).min(text.len());
                        report = report.with_labels(vec![Label::primary(*id, offset..end)]);
                    }
                    None => {
                        report =
                            report.with_notes(vec![format!("{}:{}:{}", d.file, d.line, d.column)]);
                    }
                }
                if let Some(hint) = &d.hint {
                    report = report.with_notes(vec![format!("tip: {hint}")]);
                }
                let _ = emit_in_dutch(&mut out, &config, &files, &report, d.severity);
            }
        }
    }
}

/// Emits a codespan report with its severity in Dutch: codespan-reporting
/// writes `error` and `warning` itself, so the report is rendered into a
/// buffer and the first such word, which starts the report, is replaced.
fn emit_in_dutch(
    out: &mut impl termcolor::WriteColor,
    config: &term::Config,
    files: &SimpleFiles<String, String>,
    report: &Report<usize>,
    severity: Severity,
) -> std::io::Result<()> {
    let mut buffer = if out.supports_color() {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    if term::emit_to_write_style(&mut buffer, config, files, report).is_err() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(buffer.as_slice());
    let (english, dutch) = match severity {
        Severity::Error => ("error", "fout"),
        Severity::Warning => ("warning", "waarschuwing"),
    };
    out.write_all(text.replacen(english, dutch, 1).as_bytes())
}

/// Where diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    /// True for a terminal that accepts colours (`NO_COLOR` unset).
    pub fn is_rich(self) -> bool {
        let terminal = match self {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(l.len().saturating_sub(1));
            return (offset + col).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// The path of `file` relative to `root`, with forward slashes, for messages.
pub fn display_path(root: &Path, file: &Path) -> String {
    let rel: PathBuf = file.strip_prefix(root).unwrap_or(file).to_path_buf();
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_reports_name_the_severity_in_dutch() {
        let mut files = SimpleFiles::new();
        let id = files.add("x.md".to_string(), "---\ntitel: a\n---\n".to_string());
        for (severity, report, dutch) in [
            (Severity::Error, Report::error(), "fout: [titel] Te kort."),
            (
                Severity::Warning,
                Report::warning(),
                "waarschuwing: [titel] Te kort.",
            ),
        ] {
            let report = report
                .with_message("[titel] Te kort.")
                .with_labels(vec![Label::primary(id, 4..9)]);
            let mut out = termcolor::Buffer::no_color();
            emit_in_dutch(
                &mut out,
                &term::Config::default(),
                &files,
                &report,
                severity,
            )
            .unwrap();
            let text = String::from_utf8(out.into_inner()).unwrap();
            assert!(text.starts_with(dutch), "{text}");
            assert!(text.contains("x.md:2:1"), "{text}");
            assert!(
                !text.contains("error") && !text.contains("warning"),
                "{text}"
            );
        }
    }
}
