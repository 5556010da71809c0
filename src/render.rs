//! Stage 3, render: turns the validated site into pages with tera. The
//! default theme is compiled into the binary; a site's `themes/<naam>/` and
//! `templates/` replace it file by file. Each page goes to a [`Sink`] as
//! soon as it is made: the staging folder of `write` in a build, memory for
//! the live preview and the checks.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, btree_map};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use chrono::{Datelike, NaiveDate};
use include_dir::{Dir, include_dir};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde_json::{Value as Json, json};
use tera::{Context, Tera, Value};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, display_path};
use crate::jsonld;
use crate::model::{
    Aanbieder, Aanbod, Aanmelden, DUTCH_MONTHS, Kosten, Openingstijden, Site, Status, offer_url,
    pagina_url, provider_url,
};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The rendered site: relative output path to file contents.
#[derive(Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    /// Runs `make` with an in-memory sink and returns what it wrote.
    pub fn collect<E>(make: impl FnOnce(&dyn Sink) -> Result<(), E>) -> Result<Output, E> {
        let sink = Mutex::new(Output::default());
        make(&sink)?;
        Ok(sink.into_inner().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Templates and static files, after the site → theme → built-in lookup.
pub struct Theme {
    templates: BTreeMap<String, (String, String)>,
    statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Loads theme `name`: the built-in default, replaced file by file by
    /// `themes/<name>/` and then by the site's `templates/`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let mut theme = Theme {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
        };
        let mut diagnostics = Diagnostics::default();
        collect_embedded(&DEFAULT_THEME, &mut theme);
        let theme_dir = root.join("themes").join(name);
        if name != "default" && !theme_dir.is_dir() {
            diagnostics.push(
                Diagnostic::error(
                    crate::load::CONFIG_FILE,
                    Position::START,
                    format!("Het thema '{name}' bestaat niet: de map themes/{name}/ ontbreekt."),
                )
                .key("thema")
                .hint("Maak die map aan, of haal 'thema' weg om het standaardthema te gebruiken."),
            );
            return Err(diagnostics);
        }
        theme.overlay(root, &theme_dir.join("templates"), true, &mut diagnostics);
        theme.overlay(root, &theme_dir.join("static"), false, &mut diagnostics);
        theme.overlay(root, &root.join("templates"), true, &mut diagnostics);
        if diagnostics.has_errors() {
            Err(diagnostics)
        } else {
            Ok(theme)
        }
    }

    fn overlay(&mut self, root: &Path, dir: &Path, templates: bool, diagnostics: &mut Diagnostics) {
        if !dir.is_dir() {
            return;
        }
        for entry in WalkDir::new(dir)
            .min_depth(1)
            .sort_by_file_name()
            .follow_links(false)
        {
            let Ok(entry) = entry else { continue };
            let rel_display = display_path(root, entry.path());
            if entry.file_type().is_symlink() {
                diagnostics.push(Diagnostic::error(
                    &rel_display,
                    Position::START,
                    "Snelkoppelingen (symbolische links) worden niet gevolgd.",
                ));
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let name = display_path(dir, entry.path());
            if name.split('/').any(|p| p.starts_with('.')) {
                continue;
            }
            match std::fs::read(entry.path()) {
                Ok(bytes) if templates => match crate::load::decode(&rel_display, bytes) {
                    Ok(text) => {
                        self.templates.insert(name, (rel_display, text));
                    }
                    Err(d) => diagnostics.push(d),
                },
                Ok(bytes) => {
                    self.statics.insert(name, bytes);
                }
                Err(err) => diagnostics.push(Diagnostic::error(
                    &rel_display,
                    Position::START,
                    format!("Kan dit bestand niet lezen: {err}"),
                )),
            }
        }
    }

    /// Parses the templates twice: as the editor wrote them, so that errors
    /// point at the editor's lines, and minified, so that pages come out
    /// minified without minifying every page again.
    fn templates(&self) -> Result<Templates, Diagnostics> {
        let source = parse_templates(
            self.templates
                .iter()
                .map(|(name, (_, text))| (name.as_str(), Cow::Borrowed(text.as_str()))),
        )
        .map_err(|err| {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(
                self.template_diagnostic(&err, "Fout in sjabloon: ")
                    .hint("Controleer de tera-codes ({{ }} en {% %}) rond deze plek."),
            );
            diagnostics
        })?;
        let compact = parse_templates(self.templates.iter().map(|(name, (_, text))| {
            let text = if name.ends_with(".html") {
                Cow::Owned(minify_template(text))
            } else {
                Cow::Borrowed(text.as_str())
            };
            (name.as_str(), text)
        }))
        .unwrap_or_else(|_| source.clone());
        Ok(Templates { compact, source })
    }

    /// A diagnostic at the place in the template file that `err` points
    /// at, or at the start of the file tera names.
    fn template_diagnostic(&self, err: &tera::Error, prefix: &str) -> Diagnostic {
        let report = match err.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                Some(report)
            }
            _ => None,
        };
        let message = match report {
            Some(report) => report.message().to_string(),
            None => error_chain(err),
        };
        let template = report.map(|r| r.filename()).filter(|f| !f.is_empty());
        let file = template
            .and_then(|name| self.templates.get(name))
            .or_else(|| {
                self.templates
                    .iter()
                    .find(|(name, _)| message.contains(name.as_str()))
                    .map(|(_, t)| t)
            })
            .map(|(file, _)| file.clone())
            .unwrap_or_else(|| "templates".into());
        let at = report.map_or(Position::START, |r| {
            Position::new(r.span().start_line, r.span().start_col + 1)
        });
        Diagnostic::error(&file, at, format!("{prefix}{message}"))
    }

    pub fn template_names(&self) -> impl Iterator<Item = &str> {
        self.templates.keys().map(String::as_str)
    }
}

fn parse_templates<'t>(
    templates: impl Iterator<Item = (&'t str, Cow<'t, str>)>,
) -> tera::TeraResult<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml", ".svg"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("datum", datum_filter);
    let templates: Vec<(&str, Cow<str>)> = templates.collect();
    tera.add_raw_templates(templates.iter().map(|(n, t)| (*n, t.as_ref())))?;
    Ok(tera)
}

/// A theme's templates, parsed.
struct Templates {
    /// Minified: what pages render from.
    compact: Tera,
    /// As the editor wrote them: only to locate an error.
    source: Tera,
}

impl Templates {
    /// Renders `template` for the page at `url`. On an error the page
    /// renders again from the editor's own text, so that the report names
    /// the line in their file rather than in the minified copy.
    fn render(
        &self,
        theme: &Theme,
        template: &str,
        url: &str,
        context: &Context,
    ) -> Result<String, Diagnostic> {
        self.compact
            .render(template, context)
            .map_err(|compact_err| {
                let err = self
                    .source
                    .render(template, context)
                    .err()
                    .unwrap_or(compact_err);
                theme
                    .template_diagnostic(&err, &format!("Fout bij het maken van {url}: "))
                    .hint("Controleer het sjabloon; gebruik alleen variabelen die bestaan.")
            })
    }
}

fn collect_embedded(dir: &Dir<'static>, theme: &mut Theme) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            theme.templates.insert(
                name.to_string(),
                (format!("(ingebouwd thema) {path}"), text),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            theme
                .statics
                .insert(name.to_string(), file.contents().to_vec());
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, theme);
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// "3 februari 2027".
pub fn dutch_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        DUTCH_MONTHS[date.month0() as usize],
        date.year()
    )
}

fn datum_filter(value: &str, _: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|e| {
        tera::Error::message(format!("datum verwacht een datum als 2027-02-03: {e}"))
    })?;
    Ok(dutch_date(date))
}

/// Renders Markdown to safe HTML: raw HTML is sanitized, link targets are
/// limited to safe schemes, and headings start at h2 (the page has the h1).
pub fn markdown_to_html(markdown: &str) -> String {
    let mut has_raw_html = false;
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Html(html) | Event::InlineHtml(html) => {
            has_raw_html = true;
            Event::Html(html)
        }
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    if has_raw_html { sanitize(&html) } else { html }
}

fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None)
        .clean(html)
        .to_string()
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '?', '#']));
    match scheme {
        None | Some("http" | "https" | "mailto" | "tel") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

/// Plain text of Markdown, for search and descriptions.
pub fn markdown_to_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !text.ends_with(' ') => {
                text.push(' ')
            }
            _ => {}
        }
    }
    text.trim().to_string()
}

/// The sentence an offer page shows for its access route.
pub fn access_sentence(site: &Site, aanbod: &Aanbod) -> String {
    if let Some(Aanmelden::Details(d)) = &aanbod.aanmelden
        && let Some(via) = &d.via
        && let Some(p) = site.aanbieder(via)
    {
        return format!("Aanmelden via {}", p.naam);
    }
    match site.config.toegang(&aanbod.toegang) {
        Some(t) => t.uitleg.clone().unwrap_or_else(|| t.naam.clone()),
        None => aanbod.toegang.clone(),
    }
}

/// How an offer is given, in plain words, for each id of `schema::VORMEN`.
pub fn form_text(vorm: &str) -> &'static str {
    match vorm {
        "groep" => "In een groep",
        "individueel" => "Alleen, met een hulpverlener",
        "gezin" => "Met het hele gezin",
        "online" => "Online",
        "telefonisch" => "Via de telefoon",
        "inloop" => "Binnenlopen zonder afspraak",
        _ => "",
    }
}

pub fn age_text(van: u32, tot: u32) -> String {
    if van == 0 && tot >= 99 {
        "alle leeftijden".into()
    } else {
        format!("{van} tot en met {tot} jaar")
    }
}

pub fn cost_text(kosten: &Option<Kosten>) -> Option<String> {
    match kosten {
        None => None,
        Some(Kosten::Gratis(_)) => Some("Gratis".into()),
        Some(Kosten::Bedrag(k)) => {
            let mut text = match k.bedrag {
                Some(b) if b.fract() == 0.0 => format!("€ {b:.0}"),
                Some(b) => format!("€ {}", format!("{b:.2}").replace('.', ",")),
                None => String::new(),
            };
            if let Some(per) = &k.per {
                text.push_str(&format!(" per {per}"));
            }
            if let Some(t) = &k.toelichting {
                if !text.is_empty() {
                    text.push_str(". ");
                }
                text.push_str(t);
            }
            Some(text.trim().to_string())
        }
    }
}

/// `tel:` target for a phone number.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// A `mailto:` link that lets a visitor send a page to someone else: no
/// address, so the visitor chooses the recipient in their own mail program.
pub fn share_mailto(title: &str, summary: &str, url: &str) -> String {
    let encode = |text| percent_encoding::utf8_percent_encode(text, MAILTO_KEPT);
    format!(
        "mailto:?subject={}&body={}{}{}",
        encode(title),
        encode(summary),
        encode("\n\n"),
        encode(url)
    )
}

/// What a `mailto:` header value keeps as it is: letters, digits and
/// `*-._`, as form encoding keeps them; everything else, a space too, is
/// percent-encoded (RFC 6068 wants `%20` for a space, not `+`).
const MAILTO_KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// One offer as lists show it: its data, and its HTML as the theme's
/// `kaart.html` renders it, once for each heading level. Lists, provider
/// pages and "ook interessant" show some 100,000 cards on a site of 10,000
/// offers; rendering each card once keeps that from dominating a build.
struct Card {
    data: Value,
    /// The offer's providers, as `data` holds them.
    providers: Value,
    /// The card under the page's h1 (`kop` 2) and under an h2 (`kop` 3).
    html: [Value; 2],
}

impl Card {
    fn html(&self, kop: u8) -> Value {
        self.html[usize::from(kop == 3)].clone()
    }
}

/// A template map, written like an object of `json!`:
/// `map! { "titel": a.titel.as_str(), "gratis": a.is_free() }`, each value
/// anything serde serializes, a [`Value`] included. Pages get their
/// variables as template values straight away: a JSON tree per page,
/// converted and thrown away, cost more than rendering the page. Long
/// strings and lists in a [`Value`] are shared, so cards and summaries are
/// made once and reused. The map is made as tera serializes a struct: one
/// insert per key, where building a map and converting it inserts twice.
macro_rules! map {
    ($($key:literal : $value:expr),* $(,)?) => {
        Value::from_serializable(&TemplateMap(map!(@fields $($key : $value),*)))
    };
    (@fields) => { () };
    (@fields $key:literal : $value:expr $(, $rest_key:literal : $rest_value:expr)*) => {
        ($key, $value, map!(@fields $($rest_key : $rest_value),*))
    };
}

/// The keys and values of a [`map!`], as nested triples: a key, its value
/// and the rest.
trait Fields {
    const LEN: usize;
    fn serialize_into<S: serde::ser::SerializeStruct>(&self, map: &mut S) -> Result<(), S::Error>;
}

impl Fields for () {
    const LEN: usize = 0;
    fn serialize_into<S: serde::ser::SerializeStruct>(&self, _: &mut S) -> Result<(), S::Error> {
        Ok(())
    }
}

impl<V: serde::Serialize, R: Fields> Fields for (&'static str, V, R) {
    const LEN: usize = 1 + R::LEN;
    fn serialize_into<S: serde::ser::SerializeStruct>(&self, map: &mut S) -> Result<(), S::Error> {
        map.serialize_field(self.0, &self.1)?;
        self.2.serialize_into(map)
    }
}

struct TemplateMap<F>(F);

impl<F: Fields> serde::Serialize for TemplateMap<F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut map = serializer.serialize_struct("map", F::LEN)?;
        self.0.serialize_into(&mut map)?;
        map.end()
    }
}

/// A template value of anything serde serializes: for the few structs of
/// the model that pages show as they are.
fn serialized<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    Value::from_serializable(value)
}

fn status_text(status: Status) -> &'static str {
    match status {
        Status::Actief => "actief",
        Status::Gepland => "gepland",
        Status::Gepauzeerd => "gepauzeerd",
        Status::Gestopt => "gestopt",
    }
}

/// Precomputed views and lookups, shared by all pages.
struct Views<'a> {
    /// Every page's context starts as this one: the `site` variable.
    base: Context,
    /// Each offer's card, in the order of `site.aanbod` (slug order).
    cards: Vec<Card>,
    /// Each offer's place in `site.aanbod`, by slug.
    positions: HashMap<&'a str, usize>,
    /// Offers by provider slug, in slug order.
    offers_by_provider: HashMap<&'a str, Vec<&'a Aanbod>>,
    /// Each provider's summary, by slug.
    provider_summaries: HashMap<&'a str, Value>,
    /// The places in `site.aanbod` of the offers of each theme, in order.
    positions_by_theme: HashMap<&'a str, Vec<u32>>,
    /// The villages and municipalities offers serve, as JSON-LD.
    areas: jsonld::Areas,
}

impl<'a> Views<'a> {
    fn new(site: &'a Site, theme: &Theme, templates: &Templates) -> Result<Self, Diagnostics> {
        missing_templates(site, theme, [CARD_TEMPLATE].into_iter())?;
        let mut offers_by_provider: HashMap<&str, Vec<&Aanbod>> = HashMap::new();
        let mut positions_by_theme: HashMap<&str, Vec<u32>> = HashMap::new();
        for (position, a) in (0u32..).zip(&site.aanbod) {
            for p in &a.aanbieder {
                offers_by_provider.entry(p).or_default().push(a);
            }
            for t in &a.themas {
                positions_by_theme.entry(t).or_default().push(position);
            }
        }
        let mut base = Context::new();
        base.insert("site", &site_json(site));
        let provider_summaries: HashMap<&str, Value> = site
            .aanbieders
            .iter()
            .map(|p| (p.source.slug.as_str(), provider_summary(p)))
            .collect();
        let cards: Vec<Result<Card, Diagnostic>> = site
            .aanbod
            .par_iter()
            .map_init(
                || base.clone(),
                |context, a| {
                    let (data, providers) = card(site, a);
                    context.insert_value("aanbod", data.clone());
                    let mut html = [Value::none(), Value::none()];
                    for (slot, kop) in html.iter_mut().zip([2, 3]) {
                        context.insert_value("kop", Value::from(kop));
                        let rendered = templates.render(
                            theme,
                            CARD_TEMPLATE,
                            &offer_url(&a.source.slug),
                            context,
                        )?;
                        *slot = Value::from(rendered);
                    }
                    Ok(Card {
                        data,
                        providers,
                        html,
                    })
                },
            )
            .collect();
        let mut diagnostics = Diagnostics::default();
        let mut rendered = Vec::with_capacity(cards.len());
        for card in cards {
            match card {
                Ok(card) => rendered.push(card),
                // A broken card template fails every card alike: one report is enough.
                Err(diagnostic) if !diagnostics.has_errors() => diagnostics.push(diagnostic),
                Err(_) => {}
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        Ok(Views {
            base,
            cards: rendered,
            positions: (site.aanbod.iter().enumerate())
                .map(|(position, a)| (a.source.slug.as_str(), position))
                .collect(),
            offers_by_provider,
            provider_summaries,
            positions_by_theme,
            areas: jsonld::Areas::new(site),
        })
    }

    /// The summaries of the providers with these slugs that exist.
    fn providers(&self, slugs: &[String]) -> Vec<Value> {
        slugs
            .iter()
            .filter_map(|slug| self.provider_summaries.get(slug.as_str()).cloned())
            .collect()
    }

    fn card(&self, a: &Aanbod) -> &Card {
        &self.cards[self.positions[a.source.slug.as_str()]]
    }

    /// Up to four offers sharing the most themes with `a`, as cards under
    /// an h2; ties go to the first in slug order. Only the first candidates
    /// of each theme are scored, so large sites stay linear.
    fn related(&self, a: &Aanbod) -> Vec<Value> {
        const CANDIDATES_PER_THEME: usize = 64;
        const RELATED: usize = 4;
        let own = self.positions[a.source.slug.as_str()] as u32;
        // Checking keeps each theme of an offer once, so the lists hold no
        // position twice.
        let themes: Vec<&[u32]> = a
            .themas
            .iter()
            .filter_map(|theme| self.positions_by_theme.get(theme.as_str()))
            .map(Vec::as_slice)
            .collect();
        most_shared(&themes, own, CANDIDATES_PER_THEME, RELATED)
            .into_iter()
            .map(|position| self.cards[position as usize].html(3))
            .collect()
    }
}

/// The `n` positions that the most of `lists` hold, ties going to the
/// lowest. Each list is ascending without repeats, and only its first
/// `per_list` positions other than `own` count. Walking all lists at once,
/// lowest position first, meets each position once with the number of
/// lists that hold it, and in the order that breaks ties: no sorting.
fn most_shared(lists: &[&[u32]], own: u32, per_list: usize, n: usize) -> Vec<u32> {
    let mut lists: Vec<_> = lists
        .iter()
        .map(|list| {
            list.iter()
                .copied()
                .filter(move |&p| p != own)
                .take(per_list)
                .peekable()
        })
        .collect();
    let mut best: Vec<(usize, u32)> = Vec::with_capacity(n + 1);
    while let Some(position) = lists.iter_mut().filter_map(|l| l.peek().copied()).min() {
        let shared = lists
            .iter_mut()
            .filter_map(|l| l.next_if_eq(&position))
            .count();
        if best.len() < n || best.last().is_some_and(|&(most, _)| shared > most) {
            let at = best.partition_point(|&(s, _)| s >= shared);
            best.insert(at, (shared, position));
            best.truncate(n);
        }
    }
    best.into_iter().map(|(_, position)| position).collect()
}

/// The template of one offer's card in lists.
const CARD_TEMPLATE: &str = "kaart.html";

fn contact_json(c: &crate::model::Contact) -> Value {
    map! {
        "naam": c.naam.as_deref(), "rol": c.rol.as_deref(), "telefoon": c.telefoon.as_deref(),
        "email": c.email.as_deref(), "tel_href": c.telefoon.as_deref().map(tel_href),
    }
}

fn age_json(leeftijd: Option<crate::model::Leeftijd>) -> Value {
    Value::from(
        leeftijd.map(|l| map! { "van": l.van, "tot": l.tot, "tekst": age_text(l.van, l.tot) }),
    )
}

/// An offer's card data, and its providers as the data holds them.
fn card(site: &Site, a: &Aanbod) -> (Value, Value) {
    let providers: Vec<Value> = a
        .aanbieder
        .iter()
        .filter_map(|slug| site.aanbieder(slug))
        .map(|p| map! { "naam": p.naam.as_str(), "url": provider_url(&p.source.slug) })
        .collect();
    let providers = Value::from(providers);
    let toegang = site.config.toegang(&a.toegang);
    let data = map! {
        "slug": a.source.slug.as_str(),
        "url": offer_url(&a.source.slug),
        "titel": a.titel.as_str(),
        "samenvatting": a.samenvatting.as_str(),
        "aanbieders": providers.clone(),
        "gratis": a.is_free(),
        "kosten": cost_text(&a.kosten),
        "toegang": map! { "id": a.toegang.as_str(), "naam": toegang.map(|t| t.naam.as_str()) },
        "zelf_aanmelden": site.config.toegang.first().is_some_and(|t| t.id == a.toegang),
        "leeftijd": age_json(a.leeftijd),
        "status": status_text(a.status),
        "gepland": a.status == Status::Gepland,
        "gepauzeerd": a.status == Status::Gepauzeerd,
    };
    (data, providers)
}

fn site_json(site: &Site) -> Json {
    let c = &site.config;
    let count = |f: &dyn Fn(&Aanbod) -> bool| site.aanbod.iter().filter(|a| f(a)).count();
    let themas: Vec<Json> = c
        .themas
        .iter()
        .map(|t| json!({ "id": t.id, "naam": t.naam, "omschrijving": t.omschrijving, "url": format!("/themas/{}/", t.id),
            "aantal": count(&|a| a.themas.contains(&t.id)) }))
        .collect();
    let gemeenten: Vec<Json> = c
        .gemeenten
        .iter()
        .map(|g| {
            let kernen: Vec<Json> = g
                .kernen
                .iter()
                .map(|k| json!({ "id": k.id, "naam": k.naam, "url": format!("/kernen/{}/", k.id),
                    "aantal": count(&|a| offered_in_kern(a, &g.id, &k.id)) }))
                .collect();
            json!({ "id": g.id, "naam": g.naam, "url": format!("/gemeenten/{}/", g.id), "kernen": kernen,
                "aantal": count(&|a| a.gemeenten.contains(&g.id)) })
        })
        .collect();
    let leeftijdsgroepen: Vec<Json> = c
        .leeftijdsgroepen
        .iter()
        .map(|l| json!({ "id": l.id, "naam": l.naam, "van": l.van, "tot": l.tot, "tekst": age_text(l.van, l.tot),
            "url": format!("/leeftijd/{}/", l.id), "aantal": count(&|a| a.overlaps_ages(l.van, l.tot)) }))
        .collect();
    let mut paginas: Vec<&crate::model::Pagina> = site.paginas.iter().collect();
    paginas.sort_by_key(|p| (p.volgorde.unwrap_or(0), p.source.slug.clone()));
    let paginas: Vec<Json> = paginas
        .iter()
        .map(|p| json!({ "slug": p.source.slug, "titel": p.titel, "url": pagina_url(&p.source.slug) }))
        .collect();
    json!({
        "titel": c.titel,
        "omschrijving": c.omschrijving,
        "basis_url": c.basis_url.trim_end_matches('/'),
        "taal": c.taal,
        "voorbeeldinhoud": c.voorbeeldinhoud,
        "organisatie": c.organisatie,
        "themas": themas,
        "gemeenten": gemeenten,
        "leeftijdsgroepen": leeftijdsgroepen,
        "doelgroepen": c.doelgroepen,
        "toegang": c.toegang,
        "paginas": paginas,
        "aantal_aanbod": site.aanbod.len(),
        "aantal_aanbieders": site.aanbieders.len(),
        "vandaag": site.today.format("%Y-%m-%d").to_string(),
    })
}

/// An offer is in a village when it names it, or names no villages at all
/// but is offered in the village's municipality.
pub fn offered_in_kern(a: &Aanbod, gemeente: &str, kern: &str) -> bool {
    if a.kernen.is_empty() {
        a.gemeenten.iter().any(|g| g == gemeente)
    } else {
        a.kernen.iter().any(|k| k == kern)
    }
}

fn offer_json<'s>(site: &'s Site, a: &Aanbod, views: &Views) -> Value {
    let c = &site.config;
    let named = |ids: &[String], f: &dyn Fn(&str) -> Option<(&'s str, String)>| -> Vec<Value> {
        ids.iter()
            .filter_map(|id| f(id))
            .map(|(naam, url)| map! { "naam": naam, "url": url })
            .collect()
    };
    let aanmelden = match &a.aanmelden {
        None => Value::none(),
        Some(Aanmelden::Tekst(t)) => map! { "tekst": t.as_str() },
        Some(Aanmelden::Details(d)) => {
            let via = d
                .via
                .as_ref()
                .and_then(|slug| views.provider_summaries.get(slug.as_str()).cloned());
            map! {
                "tekst": d.tekst.as_deref(), "telefoon": d.telefoon.as_deref(),
                "tel_href": d.telefoon.as_deref().map(tel_href), "email": d.email.as_deref(),
                "url": d.url.as_deref(), "via": via,
            }
        }
    };
    let data: Vec<Value> = a
        .data
        .iter()
        .map(|d| {
            map! {
                "start": d.start.to_string(), "eind": d.eind.map(|e| e.to_string()),
                "start_tekst": dutch_date(d.start), "eind_tekst": d.eind.map(dutch_date),
                "aanmelden_voor": d.aanmelden_voor.map(|e| e.to_string()),
                "aanmelden_voor_tekst": d.aanmelden_voor.map(dutch_date),
                "omschrijving": d.omschrijving.as_deref(),
                "voorbij": d.last_day() < site.today,
            }
        })
        .collect();
    let stale = (site.today - a.laatst_gecontroleerd).num_days() > i64::from(c.controle.max_dagen);
    let strings =
        |list: &[String]| -> Vec<Value> { list.iter().map(|s| Value::from(s.as_str())).collect() };
    map! {
        "card": views.card(a).data.clone(),
        "slug": a.source.slug.as_str(),
        "url": offer_url(&a.source.slug),
        "titel": a.titel.as_str(),
        "samenvatting": a.samenvatting.as_str(),
        "inhoud": markdown_to_html(&a.source.body),
        "aanbieders": views.providers(&a.aanbieder),
        "themas": named(&a.themas, &|id| c.thema(id).map(|t| (t.naam.as_str(), format!("/themas/{id}/")))),
        "doelgroepen": named(&a.doelgroep, &|id| c.doelgroep(id).map(|t| (t.naam.as_str(), String::new()))),
        "gemeenten": named(&a.gemeenten, &|id| c.gemeente(id).map(|t| (t.naam.as_str(), format!("/gemeenten/{id}/")))),
        "kernen": named(&a.kernen, &|id| c.kern(id).map(|(_, k)| (k.naam.as_str(), format!("/kernen/{id}/")))),
        "toegang": c.toegang(&a.toegang).map(serialized),
        "toegang_zin": access_sentence(site, a),
        "leeftijd": age_json(a.leeftijd),
        "vorm": strings(&a.vorm),
        "vormen": a.vorm.iter().map(|v| map! { "id": v.as_str(), "tekst": form_text(v) }).collect::<Vec<_>>(),
        "gratis": a.is_free(),
        "kosten": cost_text(&a.kosten),
        "aanmelden": aanmelden,
        "contact": a.contact.as_ref().map(contact_json),
        "locaties": serialized(&a.locaties),
        "data": data,
        "erkenning": a.erkenning.as_ref().map(serialized),
        "trefwoorden": strings(&a.trefwoorden),
        "talen": strings(&a.talen),
        "status": status_text(a.status),
        "laatst_gecontroleerd": a.laatst_gecontroleerd.to_string(),
        "laatst_gecontroleerd_tekst": dutch_date(a.laatst_gecontroleerd),
        "verouderd": stale,
        "gerelateerd": views.related(a),
        "deel_mailto": share_mailto(&a.titel, &a.samenvatting, &site.config.absolute_url(&offer_url(&a.source.slug))),
    }
}

fn provider_summary(p: &Aanbieder) -> Value {
    map! {
        "slug": p.source.slug.as_str(), "naam": p.naam.as_str(), "url": provider_url(&p.source.slug),
        "samenvatting": p.samenvatting.as_str(), "telefoon": p.telefoon.as_deref(),
        "tel_href": p.telefoon.as_deref().map(tel_href), "email": p.email.as_deref(), "website": p.website.as_deref(),
    }
}

fn provider_json(site: &Site, p: &Aanbieder, views: &Views) -> Value {
    let c = &site.config;
    let cards: Vec<Value> = views
        .offers_by_provider
        .get(p.source.slug.as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|a| views.card(a).html(3))
        .collect();
    let openingstijden = match &p.openingstijden {
        None => Value::none(),
        Some(Openingstijden::Tekst(t)) => map! { "tekst": t.as_str() },
        Some(Openingstijden::Tijden(list)) => map! { "tijden": serialized(list) },
    };
    let gemeenten: Vec<Value> = p
        .gemeenten
        .iter()
        .filter_map(|id| c.gemeente(id))
        .map(|g| map! { "naam": g.naam.as_str(), "url": format!("/gemeenten/{}/", g.id) })
        .collect();
    map! {
        "slug": p.source.slug.as_str(),
        "url": provider_url(&p.source.slug),
        "naam": p.naam.as_str(),
        "soort": p.soort.as_str(),
        "samenvatting": p.samenvatting.as_str(),
        "inhoud": markdown_to_html(&p.source.body),
        "telefoon": p.telefoon.as_deref(),
        "tel_href": p.telefoon.as_deref().map(tel_href),
        "email": p.email.as_deref(),
        "website": p.website.as_deref(),
        "adres": p.adres.as_ref().map(serialized),
        "gemeenten": gemeenten,
        "openingstijden": openingstijden,
        "contactpersonen": p.contactpersonen.iter().map(contact_json).collect::<Vec<_>>(),
        "logo": p.logo.as_ref().map(|l| format!("/{l}")),
        "laatst_gecontroleerd": p.laatst_gecontroleerd.to_string(),
        "laatst_gecontroleerd_tekst": dutch_date(p.laatst_gecontroleerd),
        "kaarten": cards,
    }
}

/// Page-specific variables, computed by the worker that renders the page,
/// so that no more than a page's worth of data per thread is alive at once.
type Vars<'a> = Box<dyn Fn() -> Vec<(&'static str, Value)> + Send + Sync + 'a>;

fn vars<'a>(f: impl Fn() -> Vec<(&'static str, Value)> + Send + Sync + 'a) -> Vars<'a> {
    Box::new(f)
}

/// One page to render: template, output path and page-specific variables.
struct Page<'a> {
    template: &'static str,
    /// URL path, e.g. `/aanbod/x/`.
    url: String,
    title: String,
    description: String,
    vars: Vars<'a>,
}

impl Page<'_> {
    fn output_path(&self) -> String {
        if self.url.ends_with('/') {
            format!("{}index.html", &self.url[1..])
        } else {
            self.url[1..].to_string()
        }
    }
}

/// Offers per page of a theme, municipality, village or age-group list.
pub const LIST_PAGE_SIZE: usize = 50;

/// Where rendered files go: memory for the live preview and the checks,
/// the staging folder for a build. Called from several threads at once.
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> anyhow::Result<()>;

    /// Writes a file piece by piece through `write`, so that a large export
    /// need not be in memory whole. By default the pieces are collected
    /// and `put`.
    fn stream(
        &self,
        path: String,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

impl Sink for Mutex<Output> {
    fn put(&self, path: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        let mut output = self.lock().unwrap_or_else(PoisonError::into_inner);
        match output.files.entry(path) {
            btree_map::Entry::Vacant(slot) => {
                slot.insert(bytes);
                Ok(())
            }
            btree_map::Entry::Occupied(taken) => Err(made_twice(taken.key())),
        }
    }
}

/// Why a build stops when it makes one path twice: which copy would win
/// depends on thread timing, so neither may.
pub fn made_twice(path: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "twee bestanden van de site krijgen hetzelfde pad {path}. Staat er in static/ van het \
         thema een bestand met die naam? Geef het een andere naam."
    )
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// A template is missing or failed: the theme needs fixing.
    Content(Diagnostics),
    /// The sink could not take a file.
    Io(anyhow::Error),
}

/// Renders every page of the site and the theme's static files into
/// `sink`, each page as soon as it is made, so that a large site never is
/// in memory whole. Every template error is reported, not just the first.
pub fn render_to(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<(), RenderError> {
    let templates = theme.templates().map_err(RenderError::Content)?;
    let views = Views::new(site, theme, &templates).map_err(RenderError::Content)?;
    let mut pages = pages(site, &views);
    missing_templates(site, theme, pages.iter().map(|p| p.template))
        .map_err(RenderError::Content)?;
    // The other files go out before the pages, on one worker while the
    // other starts on the search index: after the pages, they would keep
    // one worker busy while the other had nothing left to do.
    let logo_problems = other_files(site, theme, &pages, sink)?;
    // The largest pages go first: started last, one of them would keep a
    // worker busy after the others have run out of pages.
    pages.sort_by_key(|p| !WHOLE_SITE_LISTS.contains(&p.template));
    let failures = Mutex::new(Diagnostics::default());
    pages
        .par_iter()
        .with_max_len(PAGES_PER_TASK)
        .try_for_each_init(
            || views.base.clone(),
            |context, page| match render_one(site, theme, &templates, context, page) {
                Ok((path, bytes)) => sink.put(path, bytes),
                Err(diagnostic) => {
                    failures
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(diagnostic);
                    Ok(())
                }
            },
        )
        .map_err(RenderError::Io)?;
    let failures = failures
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if failures.has_errors() {
        return Err(RenderError::Content(failures.sorted()));
    }
    if logo_problems.has_errors() {
        return Err(RenderError::Content(logo_problems));
    }
    Ok(())
}

/// Writes the theme's static files, the providers' logos, `sitemap.xml`
/// and `robots.txt`. Returns what is wrong with the logos.
fn other_files(
    site: &Site,
    theme: &Theme,
    pages: &[Page],
    sink: &dyn Sink,
) -> Result<Diagnostics, RenderError> {
    let mut diagnostics = Diagnostics::default();
    let mut paths: Vec<String> = pages.iter().map(Page::output_path).collect();
    for (name, bytes) in &theme.statics {
        let bytes = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("css") => minify_asset(bytes, "style"),
            Some("js") => minify_asset(bytes, "script"),
            _ => bytes.clone(),
        };
        paths.push(name.clone());
        sink.put(name.clone(), bytes).map_err(RenderError::Io)?;
    }
    for (path, bytes) in logos(site, &mut diagnostics) {
        paths.push(path.clone());
        sink.put(path, bytes).map_err(RenderError::Io)?;
    }
    paths.sort_unstable();
    paths.dedup();
    sink.put("sitemap.xml".into(), sitemap(site, &paths).into_bytes())
        .map_err(RenderError::Io)?;
    sink.put(
        "robots.txt".into(),
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site.config.absolute_url("/sitemap.xml")
        )
        .into_bytes(),
    )
    .map_err(RenderError::Io)?;
    Ok(diagnostics)
}

/// Renders the one page with output path `path` (`aanbod/x/index.html`),
/// or `None` when the site has no such page: the live preview renders a
/// changed site page by page, as the browser asks for them.
pub fn render_page(site: &Site, theme: &Theme, path: &str) -> Result<Option<Vec<u8>>, Diagnostics> {
    let templates = theme.templates()?;
    let views = Views::new(site, theme, &templates)?;
    let pages = pages(site, &views);
    let Some(page) = pages.iter().find(|p| p.output_path() == path) else {
        return Ok(None);
    };
    match render_one(site, theme, &templates, &mut views.base.clone(), page) {
        Ok((_, html)) => Ok(Some(html)),
        Err(d) => {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(d);
            Err(diagnostics)
        }
    }
}

/// Reports the templates that the pages need and the theme lacks.
fn missing_templates<'t>(
    site: &Site,
    theme: &Theme,
    templates: impl Iterator<Item = &'t str>,
) -> Result<(), Diagnostics> {
    let mut missing: Vec<&str> = templates
        .filter(|t| !theme.templates.contains_key(*t))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return Ok(());
    }
    let mut diagnostics = Diagnostics::default();
    for template in missing {
        diagnostics.push(
            Diagnostic::error(&format!("templates/{template}"), Position::START, format!("Het sjabloon '{template}' ontbreekt in het thema '{}'.", site.config.thema))
                .hint("Zet het sjabloon in themes/<naam>/templates/ of in templates/, of gebruik het standaardthema."),
        );
    }
    Err(diagnostics.sorted())
}

/// Renders one page with `context`, which holds the `site` variable and
/// is left as it was found, so that a worker reuses one context for all
/// its pages instead of copying `site` for each.
fn render_one(
    site: &Site,
    theme: &Theme,
    templates: &Templates,
    context: &mut Context,
    page: &Page,
) -> Result<(String, Vec<u8>), Diagnostic> {
    context.insert_value(
        "pagina",
        map! {
            "titel": page.title.as_str(), "beschrijving": page.description.as_str(), "url": page.url.as_str(),
            "canonical": site.config.absolute_url(&page.url), "template": page.template,
        },
    );
    let keys: Vec<&'static str> = (page.vars)()
        .into_iter()
        .map(|(key, value)| {
            context.insert_value(key, value);
            key
        })
        .collect();
    let html = templates.render(theme, page.template, &page.url, context);
    context.remove("pagina");
    for key in keys {
        context.remove(key);
    }
    Ok((page.output_path(), html?.into_bytes()))
}

/// The providers' logo files, to be copied as they are.
fn logos(site: &Site, diagnostics: &mut Diagnostics) -> Vec<(String, Vec<u8>)> {
    let mut logos = Vec::new();
    for p in &site.aanbieders {
        let Some(logo) = &p.logo else { continue };
        let path = site.root.join("content").join(logo);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => match std::fs::read(&path) {
                Ok(bytes) => logos.push((logo.clone(), bytes)),
                Err(err) => diagnostics.push(
                    Diagnostic::error(
                        &p.source.path,
                        Position::START,
                        format!("Kan het logo niet lezen: {err}"),
                    )
                    .key("logo"),
                ),
            },
            _ => diagnostics.push(
                Diagnostic::error(
                    &p.source.path,
                    Position::START,
                    format!("Het logo content/{logo} bestaat niet."),
                )
                .key("logo")
                .hint("Zet de afbeelding in de map content/ of haal 'logo' weg."),
            ),
        }
    }
    logos
}

/// What a list page is about; shared by all pages of one list.
struct ListHead {
    soort: &'static str,
    titel: String,
    omschrijving: Option<String>,
    description: String,
    overzicht: (&'static str, &'static str),
    extra: Value,
    jsonld: Option<String>,
}

/// The page numbers a list page links to: the first, the last, and two on
/// either side of `current`; `None` where two or more are left out. A list of
/// a hundred pages gets a row of links that fits on a phone, and making it
/// takes the same time on every page.
fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 2;
    let near = |n: usize| n == 1 || n == total || n.abs_diff(current) <= AROUND;
    let mut window = Vec::new();
    for n in 1..=total {
        // A gap of one number would hide nothing: show the number.
        let lone = n > 1 && near(n - 1) && near(n + 1);
        if near(n) || lone {
            window.push(Some(n));
        } else if window.last().is_some_and(Option::is_some) {
            window.push(None);
        }
    }
    window
}

/// Adds the pages of one list: `/themas/x/`, then `/themas/x/2/`, ...
fn push_list<'a>(
    pages: &mut Vec<Page<'a>>,
    views: &'a Views<'a>,
    url: String,
    head: ListHead,
    offers: Vec<&'a Aanbod>,
) {
    let head = std::sync::Arc::new(head);
    let offers = std::sync::Arc::new(offers);
    let page_count = offers.len().div_ceil(LIST_PAGE_SIZE).max(1);
    let page_url = move |n: usize| {
        if n == 1 {
            url.clone()
        } else {
            format!("{url}{n}/")
        }
    };
    let page_url = std::sync::Arc::new(page_url);
    for number in 1..=page_count {
        let head = head.clone();
        let offers = offers.clone();
        let list_url = page_url.clone();
        let title = if number == 1 {
            head.titel.clone()
        } else {
            format!("{} (pagina {number} van {page_count})", head.titel)
        };
        pages.push(Page {
            template: "lijst.html",
            url: page_url(number),
            title,
            description: head.description.clone(),
            vars: vars(move || {
                let slice = offers.iter().skip((number - 1) * LIST_PAGE_SIZE).take(LIST_PAGE_SIZE);
                let cards: Vec<Value> = slice.map(|a| views.card(a).html(2)).collect();
                let paginering = (page_count > 1).then(|| {
                    let numbers: Vec<Value> = page_window(number, page_count)
                        .into_iter()
                        .map(|n| match n {
                            Some(n) => map! { "nummer": n, "url": list_url(n), "huidig": n == number },
                            None => map! { "gat": true },
                        })
                        .collect();
                    map! {
                        "huidige": number, "totaal": page_count, "paginas": numbers,
                        "vorige": (number > 1).then(|| list_url(number - 1)),
                        "volgende": (number < page_count).then(|| list_url(number + 1)),
                    }
                });
                let mut vars = vec![(
                    "lijst",
                    map! {
                        "soort": head.soort, "titel": head.titel.as_str(), "omschrijving": head.omschrijving.as_deref(),
                        "kaarten": cards, "totaal": offers.len(), "paginering": paginering,
                        "overzicht": map! { "titel": head.overzicht.0, "url": head.overzicht.1 }, "extra": head.extra.clone(),
                    },
                )];
                if let Some(script) = &head.jsonld {
                    vars.push(("jsonld", Value::from(script.as_str())));
                }
                vars
            }),
        });
    }
}

fn pages<'a>(site: &'a Site, views: &'a Views<'a>) -> Vec<Page<'a>> {
    let c = &site.config;
    let offers_where = |f: &dyn Fn(&Aanbod) -> bool| -> Vec<&'a Aanbod> {
        site.aanbod.iter().filter(|a| f(a)).collect()
    };
    let mut pages = Vec::new();

    pages.push(Page {
        template: "index.html",
        url: "/".into(),
        title: c.titel.clone(),
        description: c.omschrijving.clone().unwrap_or_default(),
        vars: vars(move || {
            let mut upcoming: Vec<(NaiveDate, &Aanbod, &crate::model::Datum)> = site
                .aanbod
                .iter()
                .flat_map(|a| {
                    a.data
                        .iter()
                        .filter(|d| d.last_day() >= site.today)
                        .map(move |d| (d.start, a, d))
                })
                .collect();
            upcoming.sort_by(|x, y| (x.0, &x.1.source.slug).cmp(&(y.0, &y.1.source.slug)));
            let upcoming: Vec<Value> = upcoming
                .into_iter()
                .take(6)
                .map(|(start, a, d)| {
                    map! { "aanbod": views.card(a).data.clone(), "start": start.to_string(),
                    "start_tekst": dutch_date(start), "omschrijving": d.omschrijving.as_deref() }
                })
                .collect();
            vec![
                ("aankomend", Value::from(upcoming)),
                (
                    "jsonld",
                    Value::from(jsonld::to_script(&jsonld::website(site))),
                ),
            ]
        }),
    });

    for a in &site.aanbod {
        pages.push(Page {
            template: "aanbod.html",
            url: offer_url(&a.source.slug),
            title: a.titel.clone(),
            description: a.samenvatting.clone(),
            vars: vars(move || {
                vec![
                    ("aanbod", offer_json(site, a, views)),
                    (
                        "jsonld",
                        Value::from(jsonld::to_script(&jsonld::offer_graph(
                            site,
                            &views.areas,
                            a,
                        ))),
                    ),
                ]
            }),
        });
    }
    for p in &site.aanbieders {
        pages.push(Page {
            template: "aanbieder.html",
            url: provider_url(&p.source.slug),
            title: p.naam.clone(),
            description: p.samenvatting.clone(),
            vars: vars(move || {
                vec![
                    ("aanbieder", provider_json(site, p, views)),
                    (
                        "jsonld",
                        Value::from(jsonld::to_script(&jsonld::organization(site, p))),
                    ),
                ]
            }),
        });
    }

    for t in &c.themas {
        let related: Vec<Value> = t
            .verwant
            .iter()
            .filter_map(|id| c.thema(id))
            .map(|r| map! { "naam": r.naam.as_str(), "url": format!("/themas/{}/", r.id) })
            .collect();
        let offers = views
            .positions_by_theme
            .get(t.id.as_str())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&position| &site.aanbod[position as usize])
            .collect();
        let head = ListHead {
            soort: "thema",
            titel: t.naam.clone(),
            omschrijving: t.omschrijving.clone(),
            description: t
                .omschrijving
                .clone()
                .unwrap_or_else(|| format!("Aanbod over {}", t.naam.to_lowercase())),
            overzicht: ("Alle thema's", "/themas/"),
            extra: map! { "verwant": related },
            jsonld: None,
        };
        push_list(
            &mut pages,
            views,
            format!("/themas/{}/", t.id),
            head,
            offers,
        );
    }
    for g in &c.gemeenten {
        let kernen: Vec<Value> = g
            .kernen
            .iter()
            .map(|k| map! { "naam": k.naam.as_str(), "url": format!("/kernen/{}/", k.id) })
            .collect();
        let head = ListHead {
            soort: "gemeente",
            titel: format!("Gemeente {}", g.naam),
            omschrijving: None,
            description: format!(
                "Hulp en activiteiten voor kinderen, jongeren en gezinnen in {}.",
                g.naam
            ),
            overzicht: ("Alle gemeenten", "/gemeenten/"),
            extra: map! { "kernen": kernen },
            jsonld: None,
        };
        push_list(
            &mut pages,
            views,
            format!("/gemeenten/{}/", g.id),
            head,
            offers_where(&|a| a.gemeenten.contains(&g.id)),
        );
        for k in &g.kernen {
            let head = ListHead {
                soort: "kern",
                titel: k.naam.clone(),
                omschrijving: Some(format!("Kern in de gemeente {}.", g.naam)),
                description: format!(
                    "Hulp en activiteiten voor kinderen, jongeren en gezinnen in {}.",
                    k.naam
                ),
                overzicht: ("Alle kernen", "/kernen/"),
                extra: map! {
                    "gemeente": map! { "naam": g.naam.as_str(), "url": format!("/gemeenten/{}/", g.id) },
                    "lat": k.lat, "lon": k.lon,
                },
                jsonld: Some(jsonld::to_script(&jsonld::place(site, g, k))),
            };
            push_list(
                &mut pages,
                views,
                format!("/kernen/{}/", k.id),
                head,
                offers_where(&|a| offered_in_kern(a, &g.id, &k.id)),
            );
        }
    }
    for l in &c.leeftijdsgroepen {
        let titel = format!("{} ({})", l.naam, age_text(l.van, l.tot));
        let head = ListHead {
            soort: "leeftijd",
            titel: titel.clone(),
            omschrijving: None,
            description: format!(
                "Aanbod voor {} van {}.",
                l.naam.to_lowercase(),
                age_text(l.van, l.tot)
            ),
            overzicht: ("Alle leeftijden", "/leeftijd/"),
            extra: Value::none(),
            jsonld: None,
        };
        push_list(
            &mut pages,
            views,
            format!("/leeftijd/{}/", l.id),
            head,
            offers_where(&|a| a.overlaps_ages(l.van, l.tot)),
        );
    }
    for (soort, url, title) in [
        ("themas", "/themas/", "Thema's"),
        ("gemeenten", "/gemeenten/", "Gemeenten"),
        ("kernen", "/kernen/", "Kernen (dorpen)"),
        ("leeftijd", "/leeftijd/", "Leeftijden"),
    ] {
        pages.push(Page {
            template: "overzicht.html",
            url: url.into(),
            title: title.into(),
            description: format!("{title} in de sociale kaart."),
            vars: vars(move || vec![("overzicht", map! { "soort": soort })]),
        });
    }

    pages.push(Page {
        template: "aanbod-az.html",
        url: "/aanbod/".into(),
        title: "Alle aanbod van A tot Z".into(),
        description: format!(
            "Alle {} vormen van hulp en ondersteuning op een rij.",
            site.aanbod.len()
        ),
        vars: vars(move || {
            let mut sorted: Vec<(String, &Aanbod)> = site
                .aanbod
                .iter()
                .map(|a| (sort_key(&a.titel), a))
                .collect();
            sorted.sort_by(|x, y| (&x.0, &x.1.source.slug).cmp(&(&y.0, &y.1.source.slug)));
            let mut az: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for (key, a) in sorted {
                let letter = key
                    .chars()
                    .next()
                    .filter(char::is_ascii_alphabetic)
                    .map_or("#".to_string(), |c| c.to_ascii_uppercase().to_string());
                az.entry(letter).or_default().push(map! {
                    "titel": a.titel.as_str(), "url": offer_url(&a.source.slug),
                    "aanbieders": views.card(a).providers.clone(),
                    "gepland": a.status == Status::Gepland, "gepauzeerd": a.status == Status::Gepauzeerd,
                });
            }
            let groups: Vec<Value> = az
                .into_iter()
                .map(|(letter, items)| map! { "letter": letter, "aanbod": items })
                .collect();
            vec![("groepen", Value::from(groups))]
        }),
    });

    let mut providers: Vec<&Aanbieder> = site.aanbieders.iter().collect();
    providers.sort_by_cached_key(|p| (sort_key(&p.naam), p.source.slug.clone()));
    let providers = std::sync::Arc::new(providers);
    let sorted_providers = providers.clone();
    pages.push(Page {
        template: "aanbieders.html",
        url: "/aanbieders/".into(),
        title: "Aanbieders".into(),
        description: "Alle organisaties in de sociale kaart.".into(),
        vars: vars(move || {
            vec![(
                "aanbieders",
                Value::from(
                    sorted_providers
                        .iter()
                        .map(|p| views.provider_summaries[p.source.slug.as_str()].clone())
                        .collect::<Vec<_>>(),
                ),
            )]
        }),
    });
    pages.push(Page {
        template: "wie-is-wie.html",
        url: "/wie-is-wie/".into(),
        title: "Wie is wie".into(),
        description: "Contactpersonen per organisatie en rol, voor professionals.".into(),
        vars: vars(move || {
            let who: Vec<Value> = providers
                .iter()
                .filter(|p| !p.contactpersonen.is_empty())
                .map(|p| {
                    let mut by_role: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                    for person in &p.contactpersonen {
                        by_role
                            .entry(person.rol.clone().unwrap_or_else(|| "Contact".into()))
                            .or_default()
                            .push(contact_json(person));
                    }
                    let roles: Vec<Value> = by_role
                        .into_iter()
                        .map(|(rol, mensen)| map! { "rol": rol, "personen": mensen })
                        .collect();
                    map! {
                        "aanbieder": views.provider_summaries[p.source.slug.as_str()].clone(),
                        "soort": p.soort.as_str(), "rollen": roles,
                    }
                })
                .collect();
            vec![("organisaties", Value::from(who))]
        }),
    });

    pages.push(Page {
        template: "zoeken.html",
        url: "/zoeken/".into(),
        title: "Zoeken".into(),
        description: "Zoek hulp en activiteiten voor kinderen, jongeren en gezinnen.".into(),
        vars: vars(Vec::new),
    });
    for p in &site.paginas {
        pages.push(Page {
            template: "pagina.html",
            url: pagina_url(&p.source.slug),
            title: p.titel.clone(),
            description: p.samenvatting.clone().unwrap_or_default(),
            vars: vars(move || vec![("inhoud", Value::from(markdown_to_html(&p.source.body)))]),
        });
    }
    pages.push(Page {
        template: "404.html",
        url: "/404.html".into(),
        title: "Pagina niet gevonden".into(),
        description: String::new(),
        vars: vars(Vec::new),
    });
    pages
}

/// Rayon splits a list into a few long runs, one per worker, and a worker
/// cannot take over part of another's run. The worker that made the search
/// index and the exports joins in late and would find nothing left to take;
/// short runs leave it work.
const PAGES_PER_TASK: usize = 64;

/// The templates of the pages that list every offer or provider: the
/// largest pages of a site by far.
const WHOLE_SITE_LISTS: [&str; 3] = ["aanbod-az.html", "aanbieders.html", "wie-is-wie.html"];

/// Sorting key that ignores case, accents and a leading quote.
pub fn sort_key(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn sitemap(site: &Site, paths: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        let Some(dir) = path.strip_suffix("index.html") else {
            continue;
        };
        let url = site.config.absolute_url(&format!("/{dir}"));
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", xml_escape(&url)));
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::new()
    }
}

/// Escapes what HTML requires, quotes of both kinds included, so that a
/// theme may quote its attributes either way.
pub(crate) fn escape_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    let mut copied = 0;
    // Every character that needs escaping is ASCII, so the slices between
    // them always fall on character boundaries. A table lookup per byte
    // finds them: pages print some 50 MB of text through here.
    while let Some(found) = bytes[copied..]
        .iter()
        .position(|&b| ESCAPED[usize::from(b)])
    {
        let at = copied + found;
        let entity: &[u8] = match bytes[at] {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            _ => b"&#39;",
        };
        out.write_all(&bytes[copied..at])?;
        out.write_all(entity)?;
        copied = at + 1;
    }
    out.write_all(&bytes[copied..])
}

/// The bytes [`escape_html`] replaces.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// Minifies a tera template's HTML, leaving `{{ }}`, `{% %}` and `{# #}` as they are.
fn minify_template(source: &str) -> String {
    let cfg = minify_html::Cfg {
        preserve_brace_template_syntax: true,
        ..minify_html::Cfg::new()
    };
    String::from_utf8(minify_html::minify(source.as_bytes(), &cfg))
        .unwrap_or_else(|_| source.to_string())
}

pub fn minify_html(html: &[u8]) -> Vec<u8> {
    minify_html::minify(html, &html_cfg())
}

/// Minifies a stylesheet or script by minifying it as the content of a
/// `<style>` or `<script>` element.
fn minify_asset(bytes: &[u8], element: &str) -> Vec<u8> {
    let mut wrapped = format!("<{element}>").into_bytes();
    wrapped.extend_from_slice(bytes);
    wrapped.extend_from_slice(format!("</{element}>").as_bytes());
    let minified = minify_html::minify(&wrapped, &html_cfg());
    let open = format!("<{element}>");
    let close = format!("</{element}>");
    let text = String::from_utf8_lossy(&minified);
    match (text.find(&open), text.rfind(&close)) {
        (Some(start), Some(end)) if start + open.len() <= end => {
            text[start + open.len()..end].as_bytes().to_vec()
        }
        _ => bytes.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_sanitized() {
        let html = markdown_to_html(
            "# Kop\n\n<script>alert(1)</script><a href=\"javascript:x\" onclick=\"y\">a</a>\n\n[b](javascript:alert(1)) [c](/aanbod/x/)",
        );
        assert!(html.contains("<h2>Kop</h2>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(html.contains("href=\"/aanbod/x/\""), "{html}");
    }

    #[test]
    fn the_builtin_templates_stay_parseable_when_minified() {
        let mut theme = Theme {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
        };
        collect_embedded(&DEFAULT_THEME, &mut theme);
        let minified: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(name, (_, text))| (name.clone(), minify_template(text)))
            .collect();
        parse_templates(
            minified
                .iter()
                .map(|(n, t)| (n.as_str(), Cow::Borrowed(t.as_str()))),
        )
        .unwrap_or_else(|e| panic!("{}", error_chain(&e)));
        for (name, text) in &minified {
            assert!(
                text.len() < theme.templates[name].1.len(),
                "{name} got smaller"
            );
        }
    }

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        escape_html(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn share_links_encode_as_form_encoding_with_spaces_as_percent_20() {
        let (title, summary, url) = (
            "Praat & doe: 50% korting? Ja+nee",
            "Voor ouders/verzorgers.\r\nÉén keer* per week ~ (gratis)!",
            "https://example.org/aanbod/x-y_z/?a=b#c",
        );
        let form = |text: &str| {
            url::form_urlencoded::byte_serialize(text.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        };
        assert_eq!(
            share_mailto(title, summary, url),
            format!(
                "mailto:?subject={}&body={}",
                form(title),
                form(&format!("{summary}\n\n{url}"))
            )
        );
    }

    #[test]
    fn html_is_escaped_around_multibyte_text() {
        assert_eq!(
            escaped(r#"Café "Één" & <b>'s</b> / ok"#),
            "Café &quot;Één&quot; &amp; &lt;b&gt;&#39;s&lt;/b&gt; / ok"
        );
        assert_eq!(escaped("geen tekens"), "geen tekens");
        assert_eq!(escaped("&"), "&amp;");
        assert_eq!(escaped(""), "");
    }

    #[test]
    fn related_offers_share_the_most_themes_and_ties_go_to_the_first() {
        // A reference that counts every position and sorts: what the walk
        // over the lists must match.
        fn counted(lists: &[&[u32]], own: u32, per_list: usize, n: usize) -> Vec<u32> {
            let mut counts = std::collections::BTreeMap::new();
            for list in lists {
                for p in list.iter().filter(|&&p| p != own).take(per_list) {
                    *counts.entry(*p).or_insert(0) += 1;
                }
            }
            let mut ranked: Vec<(i32, u32)> = counts.into_iter().map(|(p, c)| (-c, p)).collect();
            ranked.sort_unstable();
            ranked.into_iter().take(n).map(|(_, p)| p).collect()
        }
        assert_eq!(
            most_shared(&[&[1, 5, 9], &[2, 5, 7], &[5, 7]], 0, 64, 4),
            [5, 7, 1, 2]
        );
        assert_eq!(most_shared(&[&[1, 2, 3]], 2, 64, 4), [1, 3]);
        assert_eq!(most_shared(&[&[1, 2, 3], &[4]], 1, 2, 4), [2, 3, 4]);
        assert!(most_shared(&[], 0, 64, 4).is_empty());
        // Pseudo-random lists, from a fixed seed.
        let mut seed = 0x2545_f491_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..500 {
            let lists: Vec<Vec<u32>> = (0..next() % 5)
                .map(|_| {
                    let mut list: Vec<u32> = (0..next() % 40).map(|_| next() % 60).collect();
                    list.sort_unstable();
                    list.dedup();
                    list
                })
                .collect();
            let lists: Vec<&[u32]> = lists.iter().map(Vec::as_slice).collect();
            let (own, per_list) = (next() % 60, 1 + next() as usize % 30);
            assert_eq!(
                most_shared(&lists, own, per_list, 4),
                counted(&lists, own, per_list, 4)
            );
        }
    }

    #[test]
    fn long_lists_link_to_the_ends_and_the_pages_nearby() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(
            page_window(1, 5),
            (1..=5).map(Some).collect::<Vec<_>>(),
            "short lists show every number"
        );
        assert_eq!(
            page_window(6, 12),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(
            page_window(12, 12),
            vec![Some(1), None, Some(10), Some(11), Some(12)]
        );
        assert_eq!(
            page_window(4, 12),
            vec![
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                None,
                Some(12)
            ]
        );
    }

    #[test]
    fn every_form_of_offer_has_words() {
        for vorm in crate::schema::VORMEN {
            assert!(!form_text(vorm).is_empty(), "{vorm}");
        }
    }

    #[test]
    fn dates_are_dutch() {
        assert_eq!(
            dutch_date(NaiveDate::from_ymd_opt(2027, 2, 3).unwrap()),
            "3 februari 2027"
        );
    }

    #[test]
    fn assets_are_minified() {
        let css = minify_asset(b"body {\n  color: red;\n}\n", "style");
        assert_eq!(String::from_utf8(css).unwrap(), "body{color:red}");
    }
}
