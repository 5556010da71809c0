//! The preview's builder: watches the site's sources, sorts each batch of
//! changes by what it touches (Zola's `ChangeKind`), rebuilds into memory
//! and publishes the result as a new [`Snapshot`] for the web server.
//! Only changed content files are read again, and after a content change
//! pages are rendered as the browser asks for them.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{
    EventKind, RecursiveMode, event::AccessKind, event::AccessMode, event::MetadataKind,
    event::ModifyKind,
};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tokio::sync::watch;

use super::snapshot::{Complete, Snapshot};
use crate::diagnostics::{Diagnostics, Severity};
use crate::load::{CONFIG_FILE, FileCache};
use crate::model::Site;
use crate::pipeline;
use crate::render::{Theme, xml_escape};

/// Long enough to fold an editor's save (write, rename, chmod) into one
/// rebuild, short enough that the page follows the typing.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How long the builds must stop before the complete build starts, so that
/// it does not compete with the next save for the processor.
const SETTLE: Duration = Duration::from_millis(250);

/// The folders under the site root that the preview watches, recursively.
const WATCHED_FOLDERS: [&str; 3] = ["content", "templates", "themes"];

/// What a batch of changes touched; a higher kind needs more rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ChangeKind {
    /// A content file: the theme stays loaded and pages are rendered on
    /// demand until the complete build is ready.
    Content,
    /// A template or static file of a theme: rebuilt completely, so that
    /// styles and scripts are never stale.
    Theme,
    /// `site.yaml`, which may also switch to another theme.
    Config,
}

/// What the builder thread and the background renders share.
struct Shared {
    root: PathBuf,
    /// Start time of this `serve`, so that build ids differ across restarts.
    session: u128,
    builds: Arc<watch::Sender<Arc<Snapshot>>>,
    state: Mutex<State>,
}

struct State {
    /// Builds published so far; the newest build has this number.
    generation: u64,
    last_complete: Complete,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Publishes the snapshot `make` builds for the next build id.
    fn publish(
        &self,
        state: &mut State,
        make: impl FnOnce(String, &Complete) -> Snapshot,
    ) -> Arc<Snapshot> {
        state.generation += 1;
        let id = format!("{}-{}", self.session, state.generation);
        let snapshot = Arc::new(make(id, &state.last_complete));
        self.builds.send_replace(snapshot.clone());
        snapshot
    }

    fn publish_broken(&self, state: &mut State, diagnostics: &Diagnostics) {
        self.publish(state, |id, last| {
            let page = error_page(&self.root, diagnostics, &id);
            Snapshot::broken(id, self.root.clone(), last.clone(), page)
        });
    }
}

pub(super) struct Rebuilder {
    shared: Arc<Shared>,
    /// The loaded theme and its name, kept between content-only changes.
    theme: Option<(String, Arc<Theme>)>,
    /// Parsed content files, so that a change re-reads only its own file.
    files: FileCache,
}

impl Rebuilder {
    pub fn new(root: PathBuf, builds: Arc<watch::Sender<Arc<Snapshot>>>) -> Self {
        let session = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let state = State {
            generation: 0,
            last_complete: Complete::default(),
        };
        Rebuilder {
            shared: Arc::new(Shared {
                root,
                session,
                builds,
                state: Mutex::new(state),
            }),
            theme: None,
            files: FileCache::default(),
        }
    }

    /// Builds the site once, then rebuilds it on every change in a thread
    /// of its own, publishing each build.
    pub fn start(mut self) -> Result<()> {
        let root = self.shared.root.clone();
        self.rebuild(ChangeKind::Config, &[]);

        let (sender, events) = mpsc::channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(DEBOUNCE, None, sender)
            .context("kan wijzigingen in de map niet volgen")?;
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("kan de map {} niet volgen", root.display()))?;
        for folder in WATCHED_FOLDERS {
            let path = root.join(folder);
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
                    // The debouncer times each event on its own, so on a
                    // busy machine one save can arrive in two batches; wait
                    // for a quiet moment to build the save once, complete.
                    let mut batches = vec![batch];
                    while let Ok(more) = events.recv_timeout(DEBOUNCE) {
                        batches.push(more);
                    }
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
                                if let Some((k, rel)) = classify(&root, path) {
                                    kind = kind.max(Some(k));
                                    changed.insert(rel);
                                    self.files.forget(path);
                                }
                                if path.parent() == Some(root.as_path())
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
                    if let Some(kind) = kind {
                        let changed: Vec<String> = changed.into_iter().collect();
                        self.rebuild(kind, &changed);
                    }
                }
            })
            .context("kan de voorvertoning niet starten")?;
        Ok(())
    }

    /// Rebuilds after a change of `kind`, publishes the result and tells
    /// the editor in the terminal.
    fn rebuild(&mut self, kind: ChangeKind, changed: &[String]) {
        let started = Instant::now();
        let shared = self.shared.clone();
        if kind >= ChangeKind::Theme {
            self.theme = None;
        }
        let reuse_theme = self.theme.is_some();
        let (site, mut diagnostics) =
            pipeline::load_site_cached(&shared.root, pipeline::today(), &mut self.files);
        let theme = site.as_ref().map(|site| self.theme(&site.config.thema));
        let (site, theme) = match (site, theme) {
            (Some(site), Some(Ok(theme))) => (site, theme),
            (_, theme) => {
                if let Some(Err(more)) = theme {
                    diagnostics.extend(more);
                }
                let diagnostics = diagnostics.sorted();
                shared.publish_broken(&mut shared.state(), &diagnostics);
                report(&shared.root, &diagnostics, true, started.elapsed(), changed);
                return;
            }
        };
        if reuse_theme {
            // Content only: publish now, render pages as they are asked for,
            // and complete the build in the background.
            let site = Arc::new(site);
            let (generation, snapshot) = {
                let mut state = shared.state();
                let snapshot = shared.publish(&mut state, |id, last| {
                    Snapshot::on_demand(
                        id,
                        shared.root.clone(),
                        last.clone(),
                        site.clone(),
                        theme.clone(),
                    )
                });
                (state.generation, snapshot)
            };
            report(
                &shared.root,
                &diagnostics,
                false,
                started.elapsed(),
                changed,
            );
            complete_later(shared, generation, snapshot, site, theme);
            return;
        }
        let rendered = pipeline::render_with_theme(&site, &theme);
        let mut state = shared.state();
        match rendered {
            Ok(output) => {
                let complete = Complete::new(output);
                state.last_complete = complete.clone();
                shared.publish(&mut state, |id, _| {
                    Snapshot::complete(id, shared.root.clone(), complete)
                });
                drop(state);
                report(
                    &shared.root,
                    &diagnostics,
                    false,
                    started.elapsed(),
                    changed,
                );
            }
            Err(more) => {
                diagnostics.extend(more);
                let diagnostics = diagnostics.sorted();
                shared.publish_broken(&mut state, &diagnostics);
                drop(state);
                report(&shared.root, &diagnostics, true, started.elapsed(), changed);
            }
        }
    }

    /// The theme `name`, loaded once and kept until a theme or config change.
    fn theme(&mut self, name: &str) -> Result<Arc<Theme>, Diagnostics> {
        if let Some((loaded, theme)) = &self.theme
            && loaded == name
        {
            return Ok(theme.clone());
        }
        let theme = Arc::new(Theme::load(&self.shared.root, name)?);
        self.theme = Some((name.to_string(), theme.clone()));
        Ok(theme)
    }
}

/// Waits for a burst of saves to settle, then makes the complete build of
/// `snapshot` (search index, open data, every page) unless a newer build
/// came in the meantime. A page that does not render shows up here.
fn complete_later(
    shared: Arc<Shared>,
    generation: u64,
    snapshot: Arc<Snapshot>,
    site: Arc<Site>,
    theme: Arc<Theme>,
) {
    let spawned = std::thread::Builder::new()
        .name("voorvertoning-compleet".into())
        .spawn(move || {
            std::thread::sleep(SETTLE);
            if shared.state().generation != generation {
                return;
            }
            let started = Instant::now();
            let rendered = pipeline::render_with_theme(&site, &theme);
            let mut state = shared.state();
            if state.generation != generation {
                return;
            }
            match rendered {
                Ok(output) => {
                    let complete = Complete::new(output);
                    snapshot.set_complete(complete.clone());
                    state.last_complete = complete;
                    drop(state);
                    say(&format!(
                        "[{}] alle pagina's, de zoekindex en de open data bijgewerkt in {} ms.",
                        chrono::Local::now().format("%H:%M:%S"),
                        started.elapsed().as_millis()
                    ));
                }
                Err(diagnostics) => {
                    let diagnostics = diagnostics.sorted();
                    shared.publish_broken(&mut state, &diagnostics);
                    drop(state);
                    report(&shared.root, &diagnostics, true, started.elapsed(), &[]);
                }
            }
        });
    if let Err(err) = spawned {
        say(&format!(
            "waarschuwing: kan de site niet op de achtergrond afmaken: {err}"
        ));
    }
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
pub(super) fn error_page(root: &Path, diagnostics: &Diagnostics, build_id: &str) -> String {
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
