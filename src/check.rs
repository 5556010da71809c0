//! `sociale-kaart check`: everything a build validates, plus what keeps a
//! sociale kaart trustworthy over time, without writing anything:
//! internal links and anchors (resolved against the site rendered in
//! memory), stale entries with their owner, likely duplicate offers, and
//! with `--extern` the external addresses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::NaiveDate;
use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;
use serde::Serialize;
use serde_yaml::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, Stream};
use crate::load::{self, Kind, RawSite, SourceFile};
use crate::model::Site;
use crate::render::{Output, Sink};
use crate::{pipeline, validate};

mod duplicates;
use duplicates::{group_duplicates, likely_duplicates};

pub struct CheckOptions {
    pub root: PathBuf,
    pub today: NaiveDate,
    /// Also fetch every external address.
    pub external: bool,
    /// How long one external address may take.
    pub timeout: Duration,
}

/// Everything `check` found. Diagnostics hold the errors and warnings
/// with a place in a file; stale entries and duplicates are listed apart.
#[derive(Debug, Default, Serialize)]
pub struct CheckReport {
    #[serde(serialize_with = "serialize_diagnostics")]
    pub diagnostics: Diagnostics,
    /// Entries not checked for more than `controle.max_dagen`, oldest first.
    pub stale: Vec<StaleEntry>,
    /// `controle.max_dagen`: after how many days an entry is stale.
    pub stale_after_days: i64,
    /// Every pair of offers that look alike.
    pub duplicates: Vec<Duplicate>,
    /// The same pairs joined into groups: offers that look alike, directly
    /// or through another, listed once. An offer entered five times is one
    /// group rather than ten pairs.
    pub duplicate_groups: Vec<DuplicateGroup>,
    pub links: LinkCounts,
}

#[derive(Debug, Default, Serialize)]
pub struct LinkCounts {
    /// Internal links and anchors checked.
    pub internal: usize,
    /// Distinct external addresses fetched (0 without `--extern`).
    pub external: usize,
    /// True when the site has errors, so it could not be rendered to
    /// resolve links against.
    pub skipped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaleEntry {
    pub file: String,
    pub title: String,
    pub last_checked: NaiveDate,
    pub days: i64,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub files: [String; 2],
    pub titles: [String; 2],
    /// Similarity of the titles and of the summaries, 0 to 1.
    pub title_similarity: f64,
    pub summary_similarity: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DuplicateGroup {
    /// In path order, with the title of each.
    pub files: Vec<String>,
    pub titles: Vec<String>,
}

fn serialize_diagnostics<S: serde::Serializer>(d: &Diagnostics, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(d.iter())
}

impl CheckReport {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }

    /// The report for CI: counts first, then every finding.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).expect("report is JSON");
        let map = value.as_object_mut().expect("report is an object");
        map.insert("ok".into(), (!self.has_errors()).into());
        map.insert("errors".into(), self.diagnostics.error_count().into());
        map.insert("warnings".into(), self.diagnostics.warning_count().into());
        value
    }

    /// Warnings already listed under stale entries, so that human output
    /// does not show them twice.
    pub fn is_listed_as_stale(&self, d: &Diagnostic) -> bool {
        !d.is_error()
            && d.key.as_deref() == Some("laatst_gecontroleerd")
            && self.stale.iter().any(|s| s.file == d.file)
    }
}

/// Prints the report for people, all on stdout so that it can be saved:
/// the diagnostics grouped per file, stale entries, likely duplicates,
/// what was checked, and a summary line.
pub fn print_human(report: &CheckReport, root: &Path) {
    let mut shown = Diagnostics::default();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| !report.is_listed_as_stale(d))
    {
        shown.push(d.clone());
    }
    shown.print_to(Stream::Stdout, root);
    let mut text = String::new();
    if !report.stale.is_empty() {
        text.push_str(&format!(
            "\nVerouderd: {} niet gecontroleerd in de laatste {} dagen (oudste eerst):\n",
            count(report.stale.len(), "item", "items"),
            report.stale_after_days
        ));
        for s in &report.stale {
            text.push_str(&format!(
                "  {}  {:>5} dagen  {}  \"{}\"  eigenaar: {}\n",
                s.last_checked,
                s.days,
                s.file,
                s.title,
                s.owner.as_deref().unwrap_or("onbekend (vul 'eigenaar' in)")
            ));
        }
        text.push_str("  Tip: controleer of alles nog klopt en zet de datum van vandaag bij laatst_gecontroleerd.\n");
    }
    if !report.duplicate_groups.is_empty() {
        text.push_str(&format!(
            "\nMogelijke dubbelingen ({}):\n",
            report.duplicate_groups.len()
        ));
        for group in &report.duplicate_groups {
            push_duplicate_group(&mut text, group, &report.duplicates);
        }
        text.push_str(
            "  Tip: is het hetzelfde aanbod? Voeg de bestanden samen en haal er één weg.\n",
        );
    }
    text.push('\n');
    if report.links.skipped {
        text.push_str("Links zijn niet gecontroleerd: verbeter eerst de fouten.\n");
    } else {
        text.push_str(&format!(
            "{} gecontroleerd",
            count(report.links.internal, "interne link", "interne links")
        ));
        if report.links.external > 0 {
            text.push_str(&format!(
                ", {}.\n",
                count(report.links.external, "extern adres", "externe adressen")
            ));
        } else {
            text.push_str("; externe adressen niet (gebruik --extern).\n");
        }
    }
    text.push_str(&format!(
        "Gevonden: {}, {}, {} en {}.\n",
        count(shown.error_count(), "fout", "fouten"),
        count(shown.warning_count(), "waarschuwing", "waarschuwingen"),
        count(report.stale.len(), "verouderd item", "verouderde items"),
        count(
            report.duplicate_groups.len(),
            "mogelijke dubbeling",
            "mogelijke dubbelingen"
        ),
    ));
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// How many offers of one group are listed; the JSON report has them all.
const GROUP_LISTED: usize = 25;

/// Two offers as a pair, with how alike they are; more as a list.
fn push_duplicate_group(text: &mut String, group: &DuplicateGroup, pairs: &[Duplicate]) {
    if let [a, b] = group.files.as_slice() {
        // The pairs are sorted by their files, as a group's files are.
        let found =
            pairs.binary_search_by(|d| [d.files[0].as_str(), d.files[1].as_str()].cmp(&[a, b]));
        if let Ok(d) = found.map(|at| &pairs[at]) {
            text.push_str(&format!(
                "  {} en {}\n    \"{}\" en \"{}\": titels {:.0}% en samenvattingen {:.0}% gelijk.\n",
                d.files[0],
                d.files[1],
                d.titles[0],
                d.titles[1],
                d.title_similarity * 100.0,
                d.summary_similarity * 100.0
            ));
            return;
        }
    }
    text.push_str(&format!(
        "  Deze {} items lijken op elkaar:\n",
        group.files.len()
    ));
    for (file, title) in group.files.iter().zip(&group.titles).take(GROUP_LISTED) {
        text.push_str(&format!("    {file}  \"{title}\"\n"));
    }
    if group.files.len() > GROUP_LISTED {
        text.push_str(&format!(
            "    en nog {} (alle bestanden staan in --format json)\n",
            count(group.files.len() - GROUP_LISTED, "item", "items")
        ));
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Runs every check on the site at `options.root`.
pub fn check(options: &CheckOptions) -> CheckReport {
    let (raw, mut diagnostics) = load::load(&options.root);
    let (site, more) = validate::validate(&raw, options.today);
    diagnostics.extend(more);
    let stale_after_days = raw
        .config
        .as_ref()
        .and_then(|c| c.value.get("controle")?.get("max_dagen")?.as_i64())
        .unwrap_or(365);
    let duplicates = likely_duplicates(&raw);
    let mut report = CheckReport {
        stale: stale_entries(&raw, options.today, stale_after_days),
        stale_after_days,
        duplicate_groups: group_duplicates(&duplicates),
        duplicates,
        ..CheckReport::default()
    };
    let site = match site {
        Some(site) if !diagnostics.has_errors() => site,
        _ => {
            report.links.skipped = true;
            report.diagnostics = diagnostics.sorted();
            return report;
        }
    };
    let located: Vec<(Found, Target)> = all_links(&site, &raw)
        .into_iter()
        .map(|(link, page_url)| {
            let target = locate(&site.config.basis_url, &link.target, &page_url);
            (link, target)
        })
        .collect();
    let rendered = Rendered {
        anchored: anchored_pages(&located),
        output: Mutex::default(),
    };
    let output = match pipeline::render_site(&site, &rendered) {
        Ok(()) => {
            let output = rendered.output.into_inner();
            output.unwrap_or_else(PoisonError::into_inner).files
        }
        Err(more) => {
            diagnostics.extend(more);
            report.links.skipped = true;
            report.diagnostics = diagnostics.sorted();
            return report;
        }
    };
    let mut links = LinkChecker::new(&site, &raw, &output);
    let external = links.check_all(located, &mut diagnostics);
    report.links.internal = links.checked;
    if options.external {
        report.links.external = external.len();
        check_external(external, options.timeout, &mut diagnostics);
    }
    report.diagnostics = diagnostics.sorted();
    report
}

/// The rendered site as links need it: every path, and the bytes of only
/// the pages that an anchor points into. The rest of a large site (pages,
/// search index, exports) would take hundreds of megabytes.
struct Rendered {
    /// The output paths whose ids are needed.
    anchored: BTreeSet<String>,
    output: Mutex<Output>,
}

impl Sink for Rendered {
    fn put(&self, path: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        let kept = if self.anchored.contains(&path) {
            bytes
        } else {
            Vec::new()
        };
        self.output.put(path, kept)
    }

    fn stream(
        &self,
        path: String,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        let mut bytes = Vec::new();
        if self.anchored.contains(&path) {
            write(&mut bytes)?;
        } else {
            write(&mut std::io::sink())?;
        }
        self.put(path, bytes)
    }
}

/// A link found in a file: where, and what it points at.
struct Found<'a> {
    file: &'a str,
    at: Position,
    key: Option<String>,
    target: String,
}

struct LinkChecker<'a> {
    site: &'a Site,
    /// Every path of the rendered site; the bytes of the anchored pages.
    output: &'a BTreeMap<String, Vec<u8>>,
    /// Offers that exist but are not published (`status: gestopt`).
    stopped: BTreeSet<&'a str>,
    /// The ids on each rendered page that an anchor has pointed at.
    anchors: HashMap<String, BTreeSet<String>>,
    checked: usize,
}

/// Who refers to one external address.
type ExternalLinks = BTreeMap<String, Vec<(String, Position, Option<String>)>>;

impl<'a> LinkChecker<'a> {
    fn new(site: &'a Site, raw: &'a RawSite, output: &'a BTreeMap<String, Vec<u8>>) -> Self {
        let published: BTreeSet<&str> =
            site.aanbod.iter().map(|a| a.source.slug.as_str()).collect();
        LinkChecker {
            site,
            output,
            stopped: raw
                .files
                .iter()
                .filter(|f| f.kind == Kind::Aanbod && !published.contains(f.slug.as_str()))
                .map(|f| f.slug.as_str())
                .collect(),
            anchors: HashMap::new(),
            checked: 0,
        }
    }

    /// Checks every link found; returns the external ones.
    fn check_all(
        &mut self,
        located: Vec<(Found<'a>, Target)>,
        diagnostics: &mut Diagnostics,
    ) -> ExternalLinks {
        let mut external = ExternalLinks::new();
        for (link, target) in located {
            match self.resolve(target) {
                Resolved::Fine => {}
                Resolved::External(url) => {
                    external.entry(url).or_default().push((
                        link.file.to_string(),
                        link.at,
                        link.key.clone(),
                    ));
                }
                Resolved::Broken(message, hint) => {
                    let mut d = Diagnostic::error(link.file, link.at, message);
                    if let Some(key) = link.key {
                        d = d.key(key);
                    }
                    if let Some(hint) = hint {
                        d = d.hint(hint);
                    }
                    diagnostics.push(d);
                }
            }
        }
        external
    }

    fn resolve(&mut self, target: Target) -> Resolved {
        let Local {
            target,
            path,
            key,
            anchor,
        } = match target {
            Target::Outside(resolved) => return resolved,
            Target::Inside(located) => {
                self.checked += 1;
                match located {
                    Ok(local) => local,
                    Err(broken) => return broken,
                }
            }
        };
        let key = if self.output.contains_key(&key) {
            key
        } else if !path.ends_with('/') && self.output.contains_key(&format!("{key}/index.html")) {
            format!("{key}/index.html")
        } else {
            let what = if path.rsplit('/').next().unwrap_or_default().contains('.')
                && !path.ends_with(".md")
            {
                "dat bestand"
            } else {
                "die pagina"
            };
            return Resolved::Broken(
                format!("De link naar '{target}' werkt niet: {what} bestaat niet."),
                Some(self.page_hint(&path)),
            );
        };
        match anchor {
            Some(anchor) => {
                let ids = self
                    .anchors
                    .entry(key.clone())
                    .or_insert_with(|| ids_in(&self.output[&key]));
                if ids.contains(&anchor) {
                    Resolved::Fine
                } else {
                    let hint = match validate::nearest(&anchor, ids.iter().map(String::as_str)) {
                        Some(near) => format!("Bedoel je '#{near}'?"),
                        None if ids.is_empty() => {
                            "Die pagina heeft geen ankers; link naar de pagina zelf.".to_string()
                        }
                        None => format!(
                            "Ankers op die pagina: {}.",
                            ids.iter()
                                .map(|i| format!("#{i}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    Resolved::Broken(
                        format!("Het anker '#{anchor}' bestaat niet op {path}."),
                        Some(hint),
                    )
                }
            }
            None => Resolved::Fine,
        }
    }

    /// How to fix a link to a page that does not exist.
    fn page_hint(&self, path: &str) -> String {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let last = segments.last().copied().unwrap_or_default();
        if let Some(slug) = last.strip_suffix(".md") {
            let url = if self.site.aanbod.iter().any(|a| a.source.slug == slug) {
                Some(crate::model::offer_url(slug))
            } else if self.site.aanbieders.iter().any(|p| p.source.slug == slug) {
                Some(crate::model::provider_url(slug))
            } else if self.site.paginas.iter().any(|p| p.source.slug == slug) {
                Some(crate::model::pagina_url(slug))
            } else {
                None
            };
            return match url {
                Some(url) => format!("Link naar het webadres, niet naar het bestand: gebruik {url}"),
                None => "Link naar het webadres van een pagina, bijvoorbeeld /aanbod/naam/, niet naar een bestand.".into(),
            };
        }
        if segments.first() == Some(&"aanbod") && self.stopped.contains(last) {
            return format!(
                "Het aanbod '{last}' staat op 'gestopt' en wordt niet gepubliceerd; haal de link weg."
            );
        }
        let pages = self
            .output
            .keys()
            .filter_map(|k| k.strip_suffix("index.html"))
            .map(|dir| format!("/{dir}"));
        let pages: Vec<String> = pages.collect();
        if let Some(near) = validate::nearest(path, pages.iter().map(String::as_str)) {
            return format!("Bedoel je '{near}'?");
        }
        if last.contains('.') {
            return "Controleer het adres. Een bestand staat op de site als het in de map static/ van het thema staat.".into();
        }
        // The other pages of the same section, e.g. every /themas/<id>/.
        let section = segments.first().copied().unwrap_or_default();
        let siblings: Vec<&str> = pages
            .iter()
            .map(String::as_str)
            .filter(|p| {
                !section.is_empty()
                    && p.starts_with(&format!("/{section}/"))
                    && p.matches('/').count() == 3
            })
            .collect();
        match siblings.len() {
            0 => "Controleer het adres; de pagina van aanbod heet bijvoorbeeld /aanbod/<bestandsnaam>/.".into(),
            1..=15 => format!("Bestaande pagina's hier: {}.", siblings.join(", ")),
            _ => format!("Zie /{section}/ voor alle pagina's."),
        }
    }
}

/// Every link in the site's files, with the URL of the page it is on.
fn all_links<'a>(site: &'a Site, raw: &'a RawSite) -> Vec<(Found<'a>, String)> {
    let files: HashMap<&str, &SourceFile> =
        raw.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let offers = site
        .aanbod
        .iter()
        .map(|a| (&a.source, crate::model::offer_url(&a.source.slug)));
    let providers = site
        .aanbieders
        .iter()
        .map(|p| (&p.source, crate::model::provider_url(&p.source.slug)));
    let pages = site
        .paginas
        .iter()
        .map(|p| (&p.source, crate::model::pagina_url(&p.source.slug)));
    let mut links = Vec::new();
    for (source, page_url) in offers.chain(providers).chain(pages) {
        let Some(file) = files.get(source.path.as_str()) else {
            continue;
        };
        let mut found = body_links(file);
        found.extend(front_matter_links(file));
        links.extend(found.into_iter().map(|link| (link, page_url.clone())));
    }
    links
}

/// Addresses in the front matter: website, sign-up form, recognition.
fn front_matter_links(file: &SourceFile) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    for key in ["website", "aanmelden.url", "erkenning.url"] {
        let mut value = &file.front.value;
        for part in key.split('.') {
            value = value.get(part).unwrap_or(&Value::Null);
        }
        if let Some(url) = value.as_str() {
            found.push(Found {
                file: &file.path,
                at: file.front.positions.value(key),
                key: Some(key.to_string()),
                target: url.trim().to_string(),
            });
        }
    }
    found
}

/// Where a link points, as far as that is known before the site is rendered.
enum Target {
    /// `mailto:`, `tel:`, another site, or a link that cannot work anywhere.
    Outside(Resolved),
    /// This site: the output path to look for, or why there is none.
    Inside(Result<Local, Resolved>),
}

struct Local {
    /// The link as written, without this site's own address.
    target: String,
    /// The URL path, e.g. `/aanbod/x/`.
    path: String,
    /// The output path, e.g. `aanbod/x/index.html`.
    key: String,
    anchor: Option<String>,
}

fn locate(basis_url: &str, target: &str, page_url: &str) -> Target {
    let outside =
        |message: String, hint: Option<String>| Target::Outside(Resolved::Broken(message, hint));
    let target = target.trim();
    if target.is_empty() {
        return outside(
            "Deze link heeft geen adres.".into(),
            Some("Zet het adres tussen de haakjes: [tekst](/aanbod/naam/).".into()),
        );
    }
    let lower = target.to_ascii_lowercase();
    if lower.starts_with("mailto:") || lower.starts_with("tel:") {
        return Target::Outside(Resolved::Fine);
    }
    let base_url = basis_url.trim_end_matches('/');
    let own = target
        .strip_prefix(base_url)
        .filter(|rest| rest.is_empty() || rest.starts_with(['/', '#', '?']));
    let target = match own {
        Some("") => "/",
        Some(rest) => rest,
        None => target,
    };
    if own.is_none() && (lower.starts_with("http://") || lower.starts_with("https://")) {
        return Target::Outside(Resolved::External(target.to_string()));
    }
    if let Some(rest) = target.strip_prefix("//") {
        return Target::Outside(Resolved::External(format!("https://{rest}")));
    }
    let scheme = (own.is_none())
        .then_some(lower.as_str())
        .and_then(|lower| lower.split_once(':'))
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '?', '#']));
    if let Some(scheme) = scheme {
        return outside(
            format!("Een link die met '{scheme}:' begint, wordt niet getoond."),
            Some("Gebruik een webadres (https://...), een pad op deze site (/aanbod/naam/), mailto: of tel:.".into()),
        );
    }
    if own.is_none() && lower.starts_with("www.") {
        return outside(
            format!("De link naar '{target}' mist 'https://' aan het begin."),
            Some(format!(
                "Schrijf het webadres helemaal: https://{target}. Zonder https:// zoekt de browser het op deze site."
            )),
        );
    }
    if own.is_none() && validate::is_email(target) {
        return outside(
            format!("De link naar '{target}' is een e-mailadres zonder 'mailto:'."),
            Some(format!("Schrijf mailto: ervoor: [tekst](mailto:{target}).")),
        );
    }
    let base = url::Url::parse("http://sociale-kaart.invalid").expect("valid base");
    let Ok(resolved) = base.join(page_url).and_then(|page| page.join(target)) else {
        return Target::Inside(Err(Resolved::Broken(
            format!("'{target}' is geen geldig adres."),
            None,
        )));
    };
    let path = resolved.path().to_string();
    let anchor = resolved
        .fragment()
        .map(|f| {
            percent_encoding::percent_decode_str(f)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|f| !f.is_empty());
    let Some(key) = crate::serve::output_key(&path) else {
        return Target::Inside(Err(Resolved::Broken(
            format!("De link naar '{target}' gaat buiten de site."),
            None,
        )));
    };
    Target::Inside(Ok(Local {
        target: target.to_string(),
        path,
        key,
        anchor,
    }))
}

/// The output paths that anchors among `located` may point into: a link to
/// `/x` may land on `x` or on `x/index.html`.
fn anchored_pages(located: &[(Found, Target)]) -> BTreeSet<String> {
    let mut pages = BTreeSet::new();
    for (_, target) in located {
        if let Target::Inside(Ok(Local {
            key,
            anchor: Some(_),
            ..
        })) = target
        {
            pages.insert(format!("{key}/index.html"));
            pages.insert(key.clone());
        }
    }
    pages
}

enum Resolved {
    Fine,
    External(String),
    Broken(String, Option<String>),
}

/// The ids of a rendered page, the targets of `#anchor` links.
fn ids_in(html: &[u8]) -> BTreeSet<String> {
    let document = scraper::Html::parse_document(&String::from_utf8_lossy(html));
    let selector = scraper::Selector::parse("[id], a[name]").expect("valid selector");
    document
        .select(&selector)
        .flat_map(|e| [e.value().attr("id"), e.value().attr("name")])
        .flatten()
        .map(str::to_string)
        .collect()
}

/// Links and images in a file's Markdown body, with their place in the file.
fn body_links(file: &SourceFile) -> Vec<Found<'_>> {
    let body = &file.body;
    let mut found = Vec::new();
    for (event, range) in
        Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
    {
        let targets: Vec<String> = match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => vec![dest_url.to_string()],
            // Raw HTML keeps its links after sanitizing, so they count too.
            Event::Html(html) | Event::InlineHtml(html) => html_links(&html),
            _ => continue,
        };
        let before = &body[..range.start];
        let line = file.body_line + before.matches('\n').count();
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        found.extend(targets.into_iter().map(|target| Found {
            file: &file.path,
            at: Position::new(line, column),
            key: None,
            target,
        }));
    }
    found
}

/// The `href` of links and `src` of images in a piece of raw HTML.
fn html_links(html: &str) -> Vec<String> {
    let fragment = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse("a[href], img[src]").expect("valid selector");
    fragment
        .select(&selector)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("src")))
        .map(str::to_string)
        .collect()
}

/// Fetches every external address, several at a time, and reports the
/// ones that do not answer. A missing page (404, 410) or an unknown host
/// is an error; other failures may pass, so they are warnings.
fn check_external(links: ExternalLinks, timeout: Duration, diagnostics: &mut Diagnostics) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "sociale-kaart-linkcontrole/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .into();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(16).build();
    let fetch = |url: &String| (url.clone(), fetch_status(&agent, url, timeout));
    let results: Vec<(String, Option<(bool, String)>)> = match pool {
        Ok(pool) => pool.install(|| {
            links
                .keys()
                .collect::<Vec<_>>()
                .par_iter()
                .map(|u| fetch(u))
                .collect()
        }),
        Err(_) => links.keys().map(fetch).collect(),
    };
    for (url, problem) in results {
        let Some((is_error, message)) = problem else {
            continue;
        };
        for (file, at, key) in &links[&url] {
            let mut d = if is_error {
                Diagnostic::error(file, *at, format!("Het webadres {url} {message}"))
            } else {
                Diagnostic::warning(file, *at, format!("Het webadres {url} {message}"))
            };
            d = d.hint(
                "Open het adres in een browser; zoek het nieuwe adres op of haal de link weg.",
            );
            if let Some(key) = key {
                d = d.key(key.clone());
            }
            diagnostics.push(d);
        }
    }
}

/// `None` when the address works; else whether it is an error, and why.
fn fetch_status(agent: &ureq::Agent, url: &str, timeout: Duration) -> Option<(bool, String)> {
    let mut response = agent.head(url).call();
    // Some servers do not answer HEAD; ask for the page itself.
    if matches!(&response, Ok(r) if matches!(r.status().as_u16(), 403 | 405 | 501)) {
        response = agent.get(url).call();
    }
    match response {
        Ok(r) => match r.status().as_u16() {
            200..=399 => None,
            code @ (404 | 410) => Some((true, format!("bestaat niet (meer) (HTTP {code})."))),
            code => Some((false, format!("geeft een foutcode (HTTP {code})."))),
        },
        Err(ureq::Error::HostNotFound) => {
            Some((true, "bestaat niet: de server is onbekend.".into()))
        }
        Err(ureq::Error::Timeout(_)) => {
            let seconds = timeout.as_secs().max(1);
            let unit = if seconds == 1 { "seconde" } else { "seconden" };
            Some((false, format!("antwoordt niet binnen {seconds} {unit}.")))
        }
        Err(err) => Some((false, format!("is niet bereikbaar ({err})."))),
    }
}

/// Entries whose `laatst_gecontroleerd` is older than `controle.max_dagen`,
/// read from the raw files so the list is complete even when some files
/// have errors.
fn stale_entries(raw: &RawSite, today: NaiveDate, max_days: i64) -> Vec<StaleEntry> {
    let text = |file: &SourceFile, key: &str| {
        file.front
            .value
            .get(key)
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
    };
    let mut stale: Vec<StaleEntry> = raw
        .files
        .iter()
        .filter(|f| f.kind != Kind::Pagina && text(f, "status").as_deref() != Some("gestopt"))
        .filter_map(|f| {
            let date = validate::parse_date(&text(f, "laatst_gecontroleerd")?).ok()?;
            let days = (today - date).num_days();
            (days > max_days).then(|| StaleEntry {
                file: f.path.clone(),
                title: text(f, "titel")
                    .or_else(|| text(f, "naam"))
                    .unwrap_or_else(|| f.slug.clone()),
                last_checked: date,
                days,
                owner: text(f, "eigenaar"),
            })
        })
        .collect();
    stale.sort_by(|a, b| (a.last_checked, &a.file).cmp(&(b.last_checked, &b.file)));
    stale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_group_lists_its_first_files_and_counts_the_rest() {
        let files: Vec<String> = (10..40)
            .map(|n| format!("content/aanbod/kopie-{n}.md"))
            .collect();
        let group = DuplicateGroup {
            titles: files.iter().map(|f| f.to_uppercase()).collect(),
            files,
        };
        let mut text = String::new();
        push_duplicate_group(&mut text, &group, &[]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "  Deze 30 items lijken op elkaar:");
        assert_eq!(lines.len(), 1 + GROUP_LISTED + 1, "{text}");
        assert_eq!(
            lines[1],
            "    content/aanbod/kopie-10.md  \"CONTENT/AANBOD/KOPIE-10.MD\""
        );
        assert!(lines[GROUP_LISTED].contains("kopie-34.md"), "{text}");
        assert_eq!(
            lines[GROUP_LISTED + 1],
            "    en nog 5 items (alle bestanden staan in --format json)"
        );
    }

    #[test]
    fn raw_html_links_are_found() {
        assert_eq!(
            html_links("<a href=\"/aanbod/x/\">x</a> <img src=/img/y.png alt=\"\">"),
            ["/aanbod/x/", "/img/y.png"]
        );
        assert!(html_links("<p>geen link</p>").is_empty());
    }

    #[test]
    fn ids_are_read_from_rendered_html() {
        let ids = ids_in(b"<h2 id=aanmelden>A</h2><a name=oud></a><p id=\"x y\">");
        assert_eq!(
            ids.into_iter().collect::<Vec<_>>(),
            ["aanmelden", "oud", "x y"]
        );
    }
}
