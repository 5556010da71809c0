//! The driver: runs the stages in order (load → validate → render → index →
//! write) and times each one. Data flows one way; no stage calls back.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::NaiveDate;

use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::render::{Output, Sink, Theme};
use crate::{export, load, render, search, validate, write};

pub struct BuildOptions {
    /// Treat warnings as errors.
    pub strict: bool,
    /// Where the site is written; `public/` under the site by default.
    pub output: PathBuf,
    pub today: NaiveDate,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    /// Wall time of each stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
    pub files: usize,
    pub bytes: usize,
    /// What publishing changed in the output folder.
    pub published: write::Published,
}

#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (or warnings, with `--strict`): exit code 1.
    Content(Diagnostics),
    /// Reading or writing failed: exit code 2.
    Io(anyhow::Error),
}

/// "Today" for stale checks and past runs: `SOURCE_DATE_EPOCH` when set, so
/// that builds can be reproduced on another day, else the local date.
pub fn today() -> NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|dt| dt.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

struct Timer<'a> {
    timings: Vec<(&'static str, Duration)>,
    last: Instant,
    /// Told each finished stage, for a progress bar.
    on_stage: &'a mut dyn FnMut(&'static str),
}

impl<'a> Timer<'a> {
    fn new(on_stage: &'a mut dyn FnMut(&'static str)) -> Self {
        Timer {
            timings: Vec::new(),
            last: Instant::now(),
            on_stage,
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, now - self.last));
        self.last = now;
        (self.on_stage)(stage);
    }

    /// Records a stage that ran alongside another, with its own duration.
    fn note(&mut self, stage: &'static str, duration: Duration) {
        self.timings.push((stage, duration));
        (self.on_stage)(stage);
    }
}

/// Loads and validates a site: what `check`, `search` and `serve` start from.
pub fn load_site(root: &Path, today: NaiveDate) -> (Option<Site>, Diagnostics) {
    load_site_cached(root, today, &mut load::FileCache::default())
}

/// `load_site`, re-reading only the content files not in `cache`.
pub fn load_site_cached(
    root: &Path,
    today: NaiveDate,
    cache: &mut load::FileCache,
) -> (Option<Site>, Diagnostics) {
    let (raw, mut diagnostics) = load::load_cached(root, cache);
    let (site, more) = validate::validate(&raw, today);
    diagnostics.extend(more);
    let site = if diagnostics.has_errors() { None } else { site };
    (site, diagnostics.sorted())
}

/// Renders a validated site into `sink`: pages, static files, search
/// index and exports.
pub fn render_site(site: &Site, sink: &dyn Sink) -> Result<(), Diagnostics> {
    let theme = Theme::load(&site.root, &site.config.thema)?;
    render_into(site, &theme, sink)
}

/// Renders a validated site into memory with a loaded theme: `serve` keeps
/// the theme between changes that touch only content.
pub fn render_with_theme(site: &Site, theme: &Theme) -> Result<Output, Diagnostics> {
    Output::collect(|sink| render_into(site, theme, sink))
}

fn render_into(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<(), Diagnostics> {
    make_files(site, theme, sink)
        .map(drop)
        .map_err(|err| match err {
            BuildError::Content(diagnostics) => diagnostics,
            BuildError::Io(err) => {
                let mut diagnostics = Diagnostics::default();
                diagnostics.push(crate::diagnostics::Diagnostic::error(
                    crate::load::CONFIG_FILE,
                    crate::diagnostics::Position::START,
                    format!("De site kon niet worden gemaakt: {err:#}"),
                ));
                diagnostics
            }
        })
}

/// Renders the pages, the search index and the exports into `sink`. The
/// index and the exports are made beside the pages, and every file goes to
/// the sink as soon as it is made: a large site never is in memory whole.
/// Returns how long the index and the exports took.
fn make_files(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<(Duration, Duration), BuildError> {
    let (rendered, rest) = rayon::join(
        || render::render_to(site, theme, sink),
        || -> anyhow::Result<(Duration, Duration)> {
            let started = Instant::now();
            search::build(site, sink).context("De zoekindex kon niet worden gemaakt")?;
            let indexed = Instant::now();
            export::build(site, sink)?;
            Ok((indexed - started, indexed.elapsed()))
        },
    );
    rendered.map_err(|err| match err {
        render::RenderError::Content(diagnostics) => BuildError::Content(diagnostics),
        render::RenderError::Io(err) => BuildError::Io(err),
    })?;
    rest.map_err(BuildError::Io)
}

/// Frees `value` on a rayon worker: freeing the parsed files or the model
/// of a large site takes a while, and the build need not wait for it.
fn free_aside<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

/// Builds the site at `root` into `options.output`.
pub fn build(root: &Path, options: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_with_progress(root, options, &mut |_| {})
}

/// `build`, telling `on_stage` the name of each stage as it finishes.
pub fn build_with_progress(
    root: &Path,
    options: &BuildOptions,
    on_stage: &mut dyn FnMut(&'static str),
) -> Result<BuildReport, BuildError> {
    let mut timer = Timer::new(on_stage);
    let (raw, mut diagnostics) = load::load(root);
    timer.lap("inlezen");
    let (site, more) = validate::validate(&raw, options.today);
    diagnostics.extend(more);
    let diagnostics = diagnostics.sorted();
    timer.lap("controleren");
    let blocked = diagnostics.has_errors() || (options.strict && !diagnostics.is_empty());
    let site = match site {
        Some(site) if !blocked => site,
        _ => return Err(BuildError::Content(diagnostics)),
    };
    // The parsed YAML is freed beside the rendering rather than before it.
    free_aside(raw);
    let theme = Theme::load(root, &site.config.thema).map_err(BuildError::Content)?;
    write::refuse_foreign(&options.output).map_err(BuildError::Io)?;
    let staging = write::Staging::new(&options.output).map_err(BuildError::Io)?;
    let (search_time, export_time) = make_files(&site, &theme, &staging)?;
    // The model is freed beside publishing; a build that ends first does
    // not wait for it.
    free_aside(site);
    timer.note("zoekindex (tegelijk)", search_time);
    timer.note("open data (tegelijk)", export_time);
    timer.lap("pagina's, zoekindex en open data");
    let (files, bytes) = staging.written();
    let published = staging.publish().map_err(BuildError::Io)?;
    timer.lap("publiceren");
    Ok(BuildReport {
        diagnostics,
        timings: timer.timings,
        files,
        bytes,
        published,
    })
}
