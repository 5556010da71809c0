//! The preview's builder: watches the site's sources, sorts each batch of
//! changes by what it touches (Zola's `ChangeKind`), rebuilds into memory
//! and publishes the result as a new [`Snapshot`] for the web server.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{
    EventKind, RecursiveMode, event::AccessKind, event::AccessMode, event::MetadataKind,
    event::ModifyKind,
};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tokio::sync::watch;

use super::headers::HeaderRules;
use crate::diagnostics::{Diagnostics, Severity};
use crate::load::CONFIG_FILE;
use crate::pipeline;
use crate::render::{Output, Theme, xml_escape};

/// Long enough to fold an editor's save (write, rename, chmod) into one
/// rebuild, short enough that the page follows the typing.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// The folders under the site root that the preview watches, recursively.
const WATCHED_FOLDERS: [&str; 3] = ["content", "templates", "themes"];

/// One build as the web server sees it.
pub struct Snapshot {
    /// Different for every build, also across restarts of `serve`.
    pub build_id: String,
    /// The last output that built. While the site is broken it stays, so
    /// that the error page's neighbours (styles, images) still load.
    pub output: Arc<Output>,
    /// The headers from the output's `_headers` file.
    pub headers: Arc<HeaderRules>,
    /// The page of diagnostics, while the last build failed.
    pub error_page: Option<String>,
}

impl Snapshot {
    pub fn empty() -> Self {
        Snapshot {
            build_id: String::new(),
            output: Arc::new(Output::default()),
            headers: Arc::new(HeaderRules::default()),
            error_page: None,
        }
    }
}

/// What a batch of changes touched; a higher kind needs more rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ChangeKind {
    /// A content file: the theme stays loaded.
    Content,
    /// A template or static file of a theme.
    Theme,
    /// `site.yaml`, which may also switch to another theme.
    Config,
}

pub(super) struct Rebuilder {
    root: PathBuf,
    /// The loaded theme and its name, kept between content-only changes.
    theme: Option<(String, Theme)>,
    /// Start time of this `serve`, so that build ids differ across restarts.
    session: u128,
    builds_done: u64,
    last_good: Arc<Output>,
    last_headers: Arc<HeaderRules>,
}

impl Rebuilder {
    pub fn new(root: PathBuf) -> Self {
        let session = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        Rebuilder {
            root,
            theme: None,
            session,
            builds_done: 0,
            last_good: Arc::new(Output::default()),
            last_headers: Arc::new(HeaderRules::default()),
        }
    }

    /// Builds the site once, then rebuilds it on every change in a thread
    /// of its own, publishing each build on `builds`.
    pub fn start(mut self, builds: Arc<watch::Sender<Arc<Snapshot>>>) -> Result<()> {
        let started = Instant::now();
        let first = self.rebuild(ChangeKind::Config);
        let failed = first.snapshot.error_page.is_some();
        builds.send_replace(Arc::new(first.snapshot));
        report(
            &self.root,
            &first.diagnostics,
            failed,
            started.elapsed(),
            &[],
        );

        let (sender, events) = mpsc::channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(DEBOUNCE, None, sender)
            .context("kan wijzigingen in de map niet volgen")?;
        debouncer
            .watch(&self.root, RecursiveMode::NonRecursive)
            .with_context(|| format!("kan de map {} niet volgen", self.root.display()))?;
        for folder in WATCHED_FOLDERS {
            let path = self.root.join(folder);
            if path.is_dir() {
                debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .with_context(|| format!("kan de map {} niet volgen", path.display()))?;
            }
        }
        std::thread::Builder::new()
            .name("voorvertoning".into())
            .spawn(move || {
                // The debouncer lives as long as this thread: it owns the sender.
                let mut debouncer = debouncer;
                while let Ok(batch) = events.recv() {
                    let mut batches = vec![batch];
                    batches.extend(events.try_iter());
                    let started = Instant::now();
                    let mut kind = None;
                    let mut changed = BTreeSet::new();
                    for batch in batches {
                        let batch = match batch {
                            Ok(batch) => batch,
                            Err(errors) => {
                                for err in errors {
                                    say(&format!(
                                        "waarschuwing: wijzigingen volgen lukt niet helemaal: {err}"
                                    ));
                                }
                                continue;
                            }
                        };
                        for event in batch {
                            if !is_change(&event.kind) {
                                continue;
                            }
                            for path in &event.paths {
                                if let Some((k, rel)) = classify(&self.root, path) {
                                    kind = kind.max(Some(k));
                                    changed.insert(rel);
                                }
                                if path.parent() == Some(self.root.as_path())
                                    && path
                                        .file_name()
                                        .is_some_and(|n| WATCHED_FOLDERS.iter().any(|f| n == *f))
                                    && path.is_dir()
                                {
                                    // A folder created after the start, e.g. templates/.
                                    let _ = debouncer.watch(path, RecursiveMode::Recursive);
                                }
                            }
                        }
                    }
                    let Some(kind) = kind else { continue };
                    let build = self.rebuild(kind);
                    let changed: Vec<String> = changed.into_iter().collect();
                    // Publish first: the page should not wait for the terminal.
                    let failed = build.snapshot.error_page.is_some();
                    builds.send_replace(Arc::new(build.snapshot));
                    report(
                        &self.root,
                        &build.diagnostics,
                        failed,
                        started.elapsed(),
                        &changed,
                    );
                }
            })
            .context("kan de voorvertoning niet starten")?;
        Ok(())
    }

    fn rebuild(&mut self, kind: ChangeKind) -> Build {
        if kind >= ChangeKind::Theme {
            self.theme = None;
        }
        self.builds_done += 1;
        let build_id = format!("{}-{}", self.session, self.builds_done);
        match self.render() {
            Ok((output, diagnostics)) => {
                let headers = output
                    .files
                    .get("_headers")
                    .map(|bytes| HeaderRules::parse(&String::from_utf8_lossy(bytes)))
                    .unwrap_or_default();
                self.last_good = Arc::new(output);
                self.last_headers = Arc::new(headers);
                Build {
                    snapshot: Snapshot {
                        build_id,
                        output: self.last_good.clone(),
                        headers: self.last_headers.clone(),
                        error_page: None,
                    },
                    diagnostics,
                }
            }
            Err(diagnostics) => Build {
                snapshot: Snapshot {
                    error_page: Some(error_page(&self.root, &diagnostics, &build_id)),
                    build_id,
                    output: self.last_good.clone(),
                    headers: self.last_headers.clone(),
                },
                diagnostics,
            },
        }
    }

    /// Loads, validates and renders; the diagnostics hold every problem.
    fn render(&mut self) -> Result<(Output, Diagnostics), Diagnostics> {
        let (site, mut diagnostics) = pipeline::load_site(&self.root, pipeline::today());
        let Some(site) = site else {
            return Err(diagnostics);
        };
        if self
            .theme
            .as_ref()
            .is_some_and(|(name, _)| *name != site.config.thema)
        {
            self.theme = None;
        }
        let theme = match self.theme.take() {
            Some((_, theme)) => theme,
            None => match Theme::load(&self.root, &site.config.thema) {
                Ok(theme) => theme,
                Err(more) => {
                    diagnostics.extend(more);
                    return Err(diagnostics.sorted());
                }
            },
        };
        let rendered = pipeline::render_with_theme(&site, &theme);
        self.theme = Some((site.config.thema.clone(), theme));
        match rendered {
            Ok(output) => Ok((output, diagnostics)),
            Err(more) => {
                diagnostics.extend(more);
                Err(diagnostics.sorted())
            }
        }
    }
}

struct Build {
    snapshot: Snapshot,
    diagnostics: Diagnostics,
}

/// Reading a file (which the build itself does) is not a change.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The kind of change and the path relative to the root, for files that
/// are part of the site; `None` for editor swap files, `public/` and the like.
fn classify(root: &Path, path: &Path) -> Option<(ChangeKind, String)> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_string_lossy();
    let is_scratch = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    if is_scratch {
        return None;
    }
    let rel_text = rel.to_string_lossy().replace('\\', "/");
    let kind = match rel.components().next()?.as_os_str().to_str()? {
        CONFIG_FILE if rel.components().count() == 1 => ChangeKind::Config,
        "content" => ChangeKind::Content,
        "templates" | "themes" => ChangeKind::Theme,
        _ => return None,
    };
    Some((kind, rel_text))
}

/// Tells the editor in the terminal what happened.
fn report(
    root: &Path,
    diagnostics: &Diagnostics,
    failed: bool,
    took: Duration,
    changed: &[String],
) {
    let time = chrono::Local::now().format("%H:%M:%S");
    let what = match changed {
        [] => String::new(),
        [one] => format!("{one} gewijzigd; "),
        [first, rest @ ..] => format!("{first} en {} andere bestanden gewijzigd; ", rest.len()),
    };
    diagnostics.print(root);
    let ms = took.as_millis();
    let summary = diagnostics.summary();
    say(&if failed {
        format!("[{time}] {what}{summary} De browser toont de fouten tot ze zijn verbeterd.")
    } else if diagnostics.is_empty() {
        format!("[{time}] {what}bijgewerkt in {ms} ms.")
    } else {
        format!(
            "[{time}] {what}bijgewerkt in {ms} ms, {}",
            summary.to_lowercase()
        )
    });
}

/// A line for the editor on stderr. A closed stderr (the terminal went
/// away) must not stop the preview, so write errors are ignored.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The page every page request gets while the site does not build: the
/// diagnostics per file, each with the source line and a caret under the
/// problem. Plain HTML with an external stylesheet and script, so the
/// site's Content-Security-Policy holds.
fn error_page(root: &Path, diagnostics: &Diagnostics, build_id: &str) -> String {
    let mut sources: BTreeMap<&str, Option<String>> = BTreeMap::new();
    let mut errors = String::new();
    let mut warnings = String::new();
    let mut files_with_errors = BTreeMap::new();
    for severity in [Severity::Error, Severity::Warning] {
        let mut by_file: BTreeMap<&str, Vec<&crate::diagnostics::Diagnostic>> = BTreeMap::new();
        for d in diagnostics.iter().filter(|d| d.severity == severity) {
            by_file.entry(d.file.as_str()).or_default().push(d);
        }
        let out = if severity == Severity::Error {
            &mut errors
        } else {
            &mut warnings
        };
        for (file, items) in by_file {
            if severity == Severity::Error {
                files_with_errors.insert(file, ());
            }
            let source = sources.entry(file).or_insert_with(|| {
                std::fs::read(root.join(file))
                    .ok()
                    .map(|bytes| String::from_utf8_lossy(&bytes).replace("\r\n", "\n"))
            });
            out.push_str(&format!(
                "<section><h3><code>{}</code></h3><ol>",
                xml_escape(file)
            ));
            for d in items {
                out.push_str(&format!(
                    "<li class=\"{}\"><p class=\"plek\">Regel {}, kolom {}",
                    if severity == Severity::Error {
                        "fout"
                    } else {
                        "waarschuwing"
                    },
                    d.line,
                    d.column
                ));
                if let Some(key) = &d.key {
                    out.push_str(&format!(", bij <code>{}</code>", xml_escape(key)));
                }
                out.push_str(&format!(
                    "</p><p class=\"melding\">{}</p>",
                    xml_escape(&d.message)
                ));
                if let Some(hint) = &d.hint {
                    out.push_str(&format!("<p class=\"tip\">Tip: {}</p>", xml_escape(hint)));
                }
                if let Some(excerpt) = source.as_deref().and_then(|s| excerpt(s, d.line, d.column))
                {
                    out.push_str(&format!("<pre><code>{}</code></pre>", xml_escape(&excerpt)));
                }
                out.push_str("</li>");
            }
            out.push_str("</ol></section>");
        }
    }
    let mut body = format!("<h2>Fouten</h2>{errors}");
    if !warnings.is_empty() {
        body.push_str(&format!(
            "<h2>Waarschuwingen</h2><p>Deze houden het bijwerken niet tegen, maar kijk er wel naar.</p>{warnings}"
        ));
    }
    format!(
        "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>De sociale kaart kan niet worden bijgewerkt</title>\
         <link rel=\"icon\" href=\"/__sociale-kaart/icon.svg\">\
         <link rel=\"stylesheet\" href=\"/__sociale-kaart/preview.css\"></head>\
         <body><main class=\"sk-fouten\"><h1>De sociale kaart kan niet worden bijgewerkt</h1>\
         <p class=\"samenvatting\">{} Verbeter {} en sla op: deze pagina laadt dan vanzelf opnieuw.</p>{body}</main>{}</body></html>",
        xml_escape(&diagnostics.summary()),
        if files_with_errors.len() == 1 {
            "het bestand hieronder"
        } else {
            "de bestanden hieronder"
        },
        super::reload_tag(build_id),
    )
}

/// The line before the problem, its line and a caret under its column.
fn excerpt(source: &str, line: usize, column: usize) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let text = lines.get(line.checked_sub(1)?)?;
    let width = line.to_string().len();
    let mut out = String::new();
    if line >= 2 {
        out.push_str(&format!("{:>width$} | {}\n", line - 1, lines[line - 2]));
    }
    out.push_str(&format!("{line:>width$} | {text}\n"));
    out.push_str(&format!(
        "{:>width$} | {}^",
        "",
        " ".repeat(column.saturating_sub(1))
    ));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_sorted_by_what_they_touch() {
        let root = Path::new("/site");
        let kind = |p: &str| classify(root, &root.join(p)).map(|(k, _)| k);
        assert_eq!(kind("content/aanbod/x.md"), Some(ChangeKind::Content));
        assert_eq!(kind("site.yaml"), Some(ChangeKind::Config));
        assert_eq!(kind("templates/aanbod.html"), Some(ChangeKind::Theme));
        assert_eq!(
            kind("themes/default/static/css/site.css"),
            Some(ChangeKind::Theme)
        );
        assert_eq!(kind("public/index.html"), None);
        assert_eq!(kind("content/aanbod/.x.md.swp"), None);
        assert_eq!(kind("content/aanbod/x.md~"), None);
        assert_eq!(kind("content/site.yaml"), Some(ChangeKind::Content));
    }

    #[test]
    fn excerpts_point_at_the_column() {
        let text = "---\ntitel: a\nthemas: [sport]\n---\n";
        assert_eq!(
            excerpt(text, 3, 10).unwrap(),
            "2 | titel: a\n3 | themas: [sport]\n  |          ^"
        );
        assert_eq!(excerpt(text, 9, 1), None);
    }
}
