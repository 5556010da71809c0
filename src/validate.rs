//! Stage 2, validate: checks the loaded files against the content contract
//! (`schema`), reports every problem with its file, line, column and key,
//! and turns what is valid into the typed `model::Site`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::load::{
    CURLY_QUOTES_HINT, Document, Kind, RawSite, SourceFile, ZERO_WIDTH, has_curly_quotes, is_slug,
    odd_space,
};
use crate::model::{
    Aanbieder, Aanbod, Aanmelden, DUTCH_MONTHS, Pagina, Site, SiteConfig, Source, Status,
};
use crate::schema::{self, Field, Type, Vocab};

/// URL paths that belong to the generator; a free page cannot use them.
pub const RESERVED_SLUGS: &[&str] = &[
    "aanbod",
    "aanbieders",
    "themas",
    "gemeenten",
    "kernen",
    "leeftijd",
    "wie-is-wie",
    "zoeken",
    "data",
    "zoekindex",
    "static",
    "css",
    "js",
    "img",
    "logos",
    "agenda",
    "feed",
    "embed",
    "404",
];

/// Validates a loaded site. Returns the site when there are no errors; the
/// diagnostics hold every error and warning either way.
pub fn validate(raw: &RawSite, today: NaiveDate) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let Some(config_doc) = &raw.config else {
        // Without site.yaml no id can be checked; report what we can.
        return (None, diagnostics);
    };
    let config = validate_config(config_doc, &mut diagnostics);
    let Some(config) = config else {
        return (None, diagnostics);
    };
    let vocabularies = Vocabularies::new(&config, &raw.files);

    // Each file is checked on its own, so the files are checked in parallel
    // and their reports gathered in file order.
    let checked: Vec<(Option<Entry>, Diagnostics)> = raw
        .files
        .par_iter()
        .map(|file| {
            let mut ds = Diagnostics::default();
            let entry = check_file(file, &config, today, &vocabularies, &mut ds);
            (entry, ds)
        })
        .collect();
    // Sized up front: an offer is large, and growing the lists by doubling
    // would copy them several times into fresh memory, on one thread.
    let count = |kind: Kind| raw.files.iter().filter(|f| f.kind == kind).count();
    let mut aanbieders = Vec::with_capacity(count(Kind::Aanbieder));
    let mut aanbod = Vec::with_capacity(count(Kind::Aanbod));
    let mut paginas = Vec::with_capacity(count(Kind::Pagina));
    for (entry, ds) in checked {
        match entry {
            Some(Entry::Aanbieder(a)) => aanbieders.push(a),
            Some(Entry::Aanbod(a)) => aanbod.push(a),
            Some(Entry::Pagina(p)) => paginas.push(p),
            None => {}
        }
        diagnostics.extend(ds);
    }
    check_duplicate_offers(&raw.files, &mut diagnostics);

    if diagnostics.has_errors() || raw.files.iter().any(|f| !f.valid_slug) {
        return (None, diagnostics);
    }
    aanbieders.sort_by(|a, b| a.source.slug.cmp(&b.source.slug));
    aanbod.sort_by(|a, b| a.source.slug.cmp(&b.source.slug));
    paginas.sort_by(|a, b| a.source.slug.cmp(&b.source.slug));
    let site = Site {
        root: raw.root.clone(),
        config,
        aanbieders,
        aanbod,
        paginas,
        today,
    };
    (Some(site), diagnostics)
}

/// A checked file's entry, on its way into its list of the site. Each moves
/// into its list right away, so boxing the larger variants would only add an
/// allocation per file.
#[allow(clippy::large_enum_variant)]
enum Entry {
    Aanbieder(Aanbieder),
    Aanbod(Aanbod),
    Pagina(Pagina),
}

/// Checks one content file; `None` when it has errors or is not published.
fn check_file(
    file: &SourceFile,
    config: &SiteConfig,
    today: NaiveDate,
    vocabularies: &Vocabularies,
    ds: &mut Diagnostics,
) -> Option<Entry> {
    match file.kind {
        Kind::Aanbieder => {
            let a = typed::<Aanbieder>(file, schema::AANBIEDER, vocabularies, ds)?;
            check_aanbieder(file, &a, config, today, ds);
            Some(Entry::Aanbieder(Aanbieder {
                source: source(file),
                ..a
            }))
        }
        Kind::Aanbod => {
            let a = typed::<Aanbod>(file, schema::AANBOD, vocabularies, ds)?;
            check_aanbod(file, &a, config, today, ds);
            (a.status != Status::Gestopt).then(|| {
                Entry::Aanbod(Aanbod {
                    source: source(file),
                    ..a
                })
            })
        }
        Kind::Pagina => {
            let p = typed::<Pagina>(file, schema::PAGINA, vocabularies, ds)?;
            if RESERVED_SLUGS.contains(&file.slug.as_str()) {
                ds.push(
                    Diagnostic::error(
                        &file.path,
                        Position::START,
                        format!(
                            "Het webadres /{}/ is al in gebruik door de sociale kaart zelf.",
                            file.slug
                        ),
                    )
                    .hint("Geef het bestand een andere naam, bijvoorbeeld met 'info-' ervoor."),
                );
            }
            Some(Entry::Pagina(Pagina {
                source: source(file),
                ..p
            }))
        }
    }
}

fn source(file: &SourceFile) -> Source {
    Source {
        slug: file.slug.clone(),
        path: file.path.clone(),
        body: file.body.clone(),
    }
}

fn validate_config(doc: &Document, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let file = crate::load::CONFIG_FILE;
    let empty = Vocabularies::default();
    let mut ds = Diagnostics::default();
    let mut checker = Checker {
        file,
        doc,
        vocab: &empty,
        diagnostics: &mut ds,
    };
    let normalized = checker.check(&doc.value, &Type::Object(schema::SITE), "");
    let config: Option<SiteConfig> = normalized.and_then(|v| convert(file, doc, v, &mut ds));
    if let Some(config) = &config {
        check_config_ids(doc, config, &mut ds);
    }
    let failed = ds.has_errors();
    diagnostics.extend(ds);
    if failed { None } else { config }
}

fn check_config_ids(doc: &Document, config: &SiteConfig, ds: &mut Diagnostics) {
    let file = crate::load::CONFIG_FILE;
    let mut check_list = |list: &str, ids: Vec<&str>| {
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            let path = format!("{list}[{i}].id");
            if !is_slug(id) {
                ds.push(
                    Diagnostic::error(file, doc.positions.value(&path), format!("De id '{id}' mag alleen kleine letters (a-z), cijfers en streepjes (-) bevatten."))
                        .key(&path)
                        .hint(format!("Gebruik bijvoorbeeld '{}'; de id komt in webadressen.", crate::load::suggest_slug(id))),
                );
            }
            if !seen.insert(*id) {
                ds.push(
                    Diagnostic::error(
                        file,
                        doc.positions.value(&path),
                        format!("De id '{id}' komt twee keer voor."),
                    )
                    .key(&path)
                    .hint("Elke id moet uniek zijn; geef een van de twee een andere id."),
                );
            }
        }
    };
    check_list(
        "gemeenten",
        config.gemeenten.iter().map(|g| g.id.as_str()).collect(),
    );
    check_list(
        "themas",
        config.themas.iter().map(|t| t.id.as_str()).collect(),
    );
    check_list(
        "doelgroepen",
        config.doelgroepen.iter().map(|t| t.id.as_str()).collect(),
    );
    check_list(
        "leeftijdsgroepen",
        config
            .leeftijdsgroepen
            .iter()
            .map(|t| t.id.as_str())
            .collect(),
    );
    check_list(
        "toegang",
        config.toegang.iter().map(|t| t.id.as_str()).collect(),
    );

    let mut kernen = HashSet::new();
    for (g, gemeente) in config.gemeenten.iter().enumerate() {
        for (k, kern) in gemeente.kernen.iter().enumerate() {
            let path = format!("gemeenten[{g}].kernen[{k}].id");
            if !is_slug(&kern.id) {
                ds.push(
                    Diagnostic::error(file, doc.positions.value(&path), format!("De id '{}' mag alleen kleine letters (a-z), cijfers en streepjes (-) bevatten.", kern.id))
                        .key(&path)
                        .hint(format!("Gebruik bijvoorbeeld '{}'.", crate::load::suggest_slug(&kern.id))),
                );
            }
            if !kernen.insert(kern.id.as_str()) {
                ds.push(
                    Diagnostic::error(file, doc.positions.value(&path), format!("De kern '{}' komt twee keer voor.", kern.id))
                        .key(&path)
                        .hint("Elke kern heeft een eigen webadres (/kernen/<id>/); maak de ids uniek, bijvoorbeeld met de gemeente erachter."),
                );
            }
        }
    }
    let theme_ids: Vec<&str> = config.themas.iter().map(|t| t.id.as_str()).collect();
    for (t, thema) in config.themas.iter().enumerate() {
        for (v, verwant) in thema.verwant.iter().enumerate() {
            if !theme_ids.contains(&verwant.as_str()) {
                let path = format!("themas[{t}].verwant[{v}]");
                ds.push(unknown_id(
                    file,
                    doc.positions.value(&path),
                    &path,
                    Vocab::Themas,
                    verwant,
                    &theme_ids,
                ));
            }
        }
    }
    for (i, groep) in config.leeftijdsgroepen.iter().enumerate() {
        if groep.van > groep.tot {
            let path = format!("leeftijdsgroepen[{i}].van");
            ds.push(
                Diagnostic::error(
                    file,
                    doc.positions.value(&path),
                    format!("'van' ({}) is groter dan 'tot' ({}).", groep.van, groep.tot),
                )
                .key(&path)
                .hint("Zet de laagste leeftijd bij 'van' en de hoogste bij 'tot'."),
            );
        }
    }
    if !is_slug(&config.thema) {
        ds.push(
            Diagnostic::error(
                file,
                doc.positions.value("thema"),
                format!(
                    "De themanaam '{}' mag alleen kleine letters, cijfers en streepjes bevatten.",
                    config.thema
                ),
            )
            .key("thema")
            .hint("Gebruik de naam van een map onder themes/, bijvoorbeeld 'default'."),
        );
    }
}

/// The ids that content files may refer to.
#[derive(Default)]
struct Vocabularies {
    lists: BTreeMap<&'static str, Vocabulary>,
}

/// The ids of one kind, in the order editors wrote them, and as a set:
/// every offer names a provider, and there may be thousands.
#[derive(Default)]
struct Vocabulary {
    ids: Vec<String>,
    known: HashSet<String>,
}

impl FromIterator<String> for Vocabulary {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Self {
        let ids: Vec<String> = ids.into_iter().collect();
        let known = ids.iter().cloned().collect();
        Vocabulary { ids, known }
    }
}

impl Vocabularies {
    fn new(config: &SiteConfig, files: &[SourceFile]) -> Self {
        let mut lists = BTreeMap::new();
        lists.insert(
            "themas",
            config.themas.iter().map(|t| t.id.clone()).collect(),
        );
        lists.insert(
            "gemeenten",
            config.gemeenten.iter().map(|t| t.id.clone()).collect(),
        );
        lists.insert(
            "kernen",
            config
                .gemeenten
                .iter()
                .flat_map(|g| g.kernen.iter().map(|k| k.id.clone()))
                .collect(),
        );
        lists.insert(
            "doelgroepen",
            config.doelgroepen.iter().map(|t| t.id.clone()).collect(),
        );
        lists.insert(
            "toegang",
            config.toegang.iter().map(|t| t.id.clone()).collect(),
        );
        lists.insert(
            "aanbieders",
            files
                .iter()
                .filter(|f| f.kind == Kind::Aanbieder)
                .map(|f| f.slug.clone())
                .collect(),
        );
        Vocabularies { lists }
    }

    fn ids(&self, vocab: Vocab) -> Option<&Vocabulary> {
        let key = match vocab {
            Vocab::Themas => "themas",
            Vocab::Gemeenten => "gemeenten",
            Vocab::Kernen => "kernen",
            Vocab::Doelgroepen => "doelgroepen",
            Vocab::Toegang => "toegang",
            Vocab::Aanbieders => "aanbieders",
        };
        self.lists.get(key)
    }
}

/// Checks a file's front matter against its field table, then converts it.
fn typed<T: DeserializeOwned>(
    file: &SourceFile,
    fields: &'static [Field],
    vocab: &Vocabularies,
    ds: &mut Diagnostics,
) -> Option<T> {
    let mut checker = Checker {
        file: &file.path,
        doc: &file.front,
        vocab,
        diagnostics: ds,
    };
    let normalized = checker.check(&file.front.value, &Type::Object(fields), "");
    if ds.has_errors() {
        return None;
    }
    convert(&file.path, &file.front, normalized?, ds)
}

fn convert<T: DeserializeOwned>(
    file: &str,
    doc: &Document,
    value: Value,
    ds: &mut Diagnostics,
) -> Option<T> {
    match serde_yaml::from_value(value) {
        Ok(v) => Some(v),
        Err(err) => {
            // The field tables should make this unreachable; report it rather than panic.
            let _ = doc;
            ds.push(Diagnostic::error(
                file,
                Position::START,
                format!("Deze gegevens kunnen niet worden gelezen: {err}"),
            ));
            None
        }
    }
}

/// Walks a YAML value along a `schema::Type`, reporting every mismatch and
/// returning the normalized value (single ids made lists, numbers made text).
struct Checker<'a> {
    file: &'a str,
    doc: &'a Document,
    vocab: &'a Vocabularies,
    diagnostics: &'a mut Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, path: &str, message: String, hint: Option<String>) {
        let at = self.doc.positions.value(path);
        self.report(Diagnostic::error(self.file, at, message), path, hint);
    }

    fn warning(&mut self, path: &str, message: String, hint: &str) {
        let at = self.doc.positions.value(path);
        self.report(
            Diagnostic::warning(self.file, at, message),
            path,
            Some(hint.into()),
        );
    }

    /// Adds a diagnostic located at `path`, naming it as its key.
    fn report(&mut self, mut d: Diagnostic, path: &str, hint: Option<String>) {
        if !path.is_empty() {
            d = d.key(path);
        }
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        self.diagnostics.push(d);
    }

    fn check(&mut self, value: &Value, ty: &Type, path: &str) -> Option<Value> {
        match ty {
            Type::Text => match scalar_text(value) {
                Some(text) => Some(Value::String(text)),
                None => self.wrong_type(value, path, "een tekst"),
            },
            Type::ShortText(max) => {
                let text = match scalar_text(value) {
                    Some(t) => t,
                    None => return self.wrong_type(value, path, "een tekst"),
                };
                let len = text.trim().chars().count();
                if len > *max {
                    self.error(
                        path,
                        format!("Deze tekst is {len} tekens lang; het maximum is {max}."),
                        Some(format!("Maak de tekst {} tekens korter. Meer uitleg kan in de tekst onder de gegevens.", len - max)),
                    );
                    return None;
                }
                Some(Value::String(text))
            }
            Type::Date => {
                let text = scalar_text(value).unwrap_or_default();
                match parse_date(&text) {
                    Ok(date) => Some(Value::String(date.format("%Y-%m-%d").to_string())),
                    Err(hint) => {
                        self.error(
                            path,
                            format!("'{}' is geen geldige datum.", display(value)),
                            Some(hint),
                        );
                        None
                    }
                }
            }
            Type::Time => {
                let text = scalar_text(value).unwrap_or_default();
                match parse_time(&text) {
                    Some(t) => Some(Value::String(t)),
                    None => {
                        self.error(
                            path,
                            format!("'{}' is geen geldige tijd.", display(value)),
                            Some("Schrijf een tijd als 09:00 of 17:30.".into()),
                        );
                        None
                    }
                }
            }
            Type::Email => {
                let text = scalar_text(value).unwrap_or_default();
                if is_email(&text) {
                    Some(Value::String(text))
                } else {
                    self.error(
                        path,
                        format!("'{}' is geen geldig e-mailadres.", display(value)),
                        Some(
                            "Schrijf een e-mailadres als naam@organisatie.nl, zonder spaties."
                                .into(),
                        ),
                    );
                    None
                }
            }
            Type::Url => {
                let text = scalar_text(value).unwrap_or_default();
                match check_url(&text) {
                    Ok(()) => Some(Value::String(text)),
                    Err(hint) => {
                        self.error(
                            path,
                            format!("'{}' is geen geldig webadres.", display(value)),
                            Some(hint),
                        );
                        None
                    }
                }
            }
            Type::Phone => {
                let text = scalar_text(value).unwrap_or_default();
                if is_dutch_phone(&text) {
                    Some(Value::String(text))
                } else {
                    self.error(
                        path,
                        format!("'{}' is geen geldig Nederlands telefoonnummer.", display(value)),
                        Some("Schrijf 10 cijfers die met 0 beginnen, bijvoorbeeld 0546 000 123, of +31 546 000 123. Ook 0800-, 0900- en 14-nummers mogen.".into()),
                    );
                    None
                }
            }
            Type::Integer { min, max } => match value.as_i64() {
                Some(n) if n >= *min && n <= *max => Some(Value::Number(n.into())),
                Some(n) => {
                    self.error(
                        path,
                        format!("{n} ligt niet tussen {min} en {max}."),
                        Some(format!("Vul een heel getal van {min} tot en met {max} in.")),
                    );
                    None
                }
                None => self.wrong_type(value, path, "een heel getal"),
            },
            Type::Number { min, max } => match value.as_f64() {
                Some(n) if n >= *min && n <= *max => Some(value.clone()),
                Some(n) => {
                    self.error(path, format!("{n} ligt niet tussen {min} en {max}."), Some(format!("Vul een getal van {min} tot en met {max} in, met een punt als decimaalteken.")));
                    None
                }
                None => self.wrong_type(value, path, "een getal (met een punt als decimaalteken)"),
            },
            Type::Bool => match value {
                Value::Bool(_) => Some(value.clone()),
                _ => self.wrong_type(value, path, "true of false"),
            },
            Type::Choice(words) => self.choice(value, words, path),
            Type::Choices(words) => self.one_or_many(value, path, |c, v, p| c.choice(v, words, p)),
            Type::Id(vocab) => self.id(value, *vocab, path),
            Type::Ids(vocab) => self.one_or_many(value, path, |c, v, p| c.id(v, *vocab, p)),
            Type::Texts => self.one_or_many(value, path, |c, v, p| c.check(v, &Type::Text, p)),
            Type::List(item) => match value {
                Value::Sequence(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    let mut ok = true;
                    for (i, v) in items.iter().enumerate() {
                        match self.check(v, item, &format!("{path}[{i}]")) {
                            Some(v) => out.push(v),
                            None => ok = false,
                        }
                    }
                    ok.then_some(Value::Sequence(out))
                }
                _ => self.wrong_type(value, path, "een lijst (regels die met '- ' beginnen)"),
            },
            Type::Object(fields) => self.object(value, fields, path),
            Type::TextOr(other) => match value {
                Value::String(_) => Some(value.clone()),
                _ => self.check(value, other, path),
            },
            Type::WordOr(word, other) => match value {
                Value::String(s) if s.trim() == *word => Some(Value::String(word.to_string())),
                Value::String(s) => {
                    self.error(path, format!("'{s}' is hier niet toegestaan."), Some(format!("Schrijf '{word}', of geef de onderdelen op (bijvoorbeeld 'bedrag' en 'per').")));
                    None
                }
                _ => self.check(value, other, path),
            },
            Type::File => {
                let text = scalar_text(value).unwrap_or_default();
                let safe = !text.is_empty()
                    && !text.starts_with('/')
                    && text
                        .split('/')
                        .all(|part| !part.is_empty() && part != ".." && part != ".")
                    && text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
                if safe {
                    Some(Value::String(text))
                } else {
                    self.error(path, format!("'{}' is geen geldig bestandspad.", display(value)), Some("Geef een pad binnen de map content/, bijvoorbeeld logos/organisatie.png, zonder '..' en zonder spaties.".into()));
                    None
                }
            }
        }
    }

    fn wrong_type(&mut self, value: &Value, path: &str, expected: &str) -> Option<Value> {
        let found = match value {
            Value::Null => "niets (leeg)",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "een getal",
            Value::String(_) => "een tekst",
            Value::Sequence(_) => "een lijst",
            Value::Mapping(_) => "een groep sleutels",
            Value::Tagged(_) => "een waarde met een tag (!)",
        };
        // `“Hulp: nu”` is a key and its value to YAML: curled quotes quote nothing.
        let line = self.doc.positions.value(path).line;
        let hint = if self.doc.positions.line(line).is_some_and(has_curly_quotes) {
            format!("Staan er krullende aanhalingstekens (“ ”) om de waarde? {CURLY_QUOTES_HINT}")
        } else {
            type_hint(expected)
        };
        self.error(
            path,
            format!("Hier hoort {expected}, maar er staat {found}."),
            Some(hint),
        );
        None
    }

    fn one_or_many(
        &mut self,
        value: &Value,
        path: &str,
        mut item: impl FnMut(&mut Self, &Value, &str) -> Option<Value>,
    ) -> Option<Value> {
        match value {
            Value::Sequence(items) if items.is_empty() => {
                self.error(
                    path,
                    "Deze lijst is leeg.".into(),
                    Some("Vul minstens één waarde in, of haal de sleutel weg.".into()),
                );
                None
            }
            Value::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, v) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    // A value named twice counts once: everything built
                    // from the model (theme lists, related offers, exports)
                    // then sees each value once.
                    if is_scalar(v) && items[..i].contains(v) {
                        self.warning(
                            &item_path,
                            format!("'{}' staat twee keer in deze lijst.", display(v)),
                            "Haal de tweede weg: één keer is genoeg.",
                        );
                        continue;
                    }
                    match item(self, v, &item_path) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(Value::Sequence(out))
            }
            Value::Mapping(_) | Value::Null => {
                self.wrong_type(value, path, "één waarde of een lijst")
            }
            _ => item(self, value, path).map(|v| Value::Sequence(vec![v])),
        }
    }

    fn choice(&mut self, value: &Value, words: &[&str], path: &str) -> Option<Value> {
        let text = scalar_text(value).unwrap_or_default();
        if words.contains(&text.as_str()) {
            return Some(Value::String(text));
        }
        let nearest = nearest(&text, words.iter().copied());
        let mut hint = format!("Kies uit: {}.", words.join(", "));
        if let Some(n) = nearest {
            hint = format!("Bedoel je '{n}'? {hint}");
        }
        self.error(
            path,
            format!("'{}' is geen geldige waarde.", display(value)),
            Some(hint),
        );
        None
    }

    fn id(&mut self, value: &Value, vocab: Vocab, path: &str) -> Option<Value> {
        let text = scalar_text(value).unwrap_or_default();
        let Some(vocabulary) = self.vocab.ids(vocab) else {
            return Some(Value::String(text));
        };
        if vocabulary.known.contains(&text) {
            return Some(Value::String(text));
        }
        let ids: Vec<&str> = vocabulary.ids.iter().map(String::as_str).collect();
        let at = self.doc.positions.value(path);
        self.diagnostics.push(unknown_id(
            self.file,
            at,
            path,
            vocab,
            &display(value),
            &ids,
        ));
        None
    }

    fn object(&mut self, value: &Value, fields: &'static [Field], path: &str) -> Option<Value> {
        let Value::Mapping(map) = value else {
            return self.wrong_type(
                value,
                path,
                "een groep sleutels (regels als 'sleutel: waarde')",
            );
        };
        let mut out = Mapping::new();
        let mut ok = true;
        for (key, v) in map {
            let Some(key) = key.as_str() else {
                let p = path.to_string();
                self.error(
                    &p,
                    format!("De sleutel '{}' is geen tekst.", display(key)),
                    Some("Sleutels zijn woorden zoals 'titel' of 'samenvatting'.".into()),
                );
                ok = false;
                continue;
            };
            let child = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            match fields.iter().find(|f| f.key == key) {
                Some(field) => {
                    if v.is_null() {
                        // `sleutel:` with nothing after it counts as absent;
                        // a required key is then reported once, as missing.
                        continue;
                    }
                    match self.check(v, &field.ty, &child) {
                        Some(v) => {
                            out.insert(Value::String(key.to_string()), v);
                        }
                        None => ok = false,
                    }
                }
                None => {
                    ok = false;
                    let at = self.doc.positions.key(&child);
                    let (message, hint) = unknown_key(key, fields);
                    self.diagnostics.push(
                        Diagnostic::error(self.file, at, message)
                            .key(child)
                            .hint(hint),
                    );
                }
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            let present = map.get(field.key).is_some_and(|v| !v.is_null());
            if !present {
                ok = false;
                let child = if path.is_empty() {
                    field.key.to_string()
                } else {
                    format!("{path}.{}", field.key)
                };
                let at = if map.contains_key(field.key) {
                    self.doc.positions.key(&child)
                } else if path.is_empty() {
                    Position::START
                } else {
                    self.doc.positions.key(path)
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        self.file,
                        at,
                        format!(
                            "De verplichte sleutel '{}' ontbreekt of is leeg.",
                            field.key
                        ),
                    )
                    .key(child)
                    .hint(format!("Voeg toe: {}: ...  ({})", field.key, field.doc)),
                );
            }
        }
        ok.then_some(Value::Mapping(out))
    }
}

fn type_hint(expected: &str) -> String {
    match expected {
        "een tekst" => "Schrijf de tekst achter de dubbele punt, op dezelfde regel.".into(),
        "een heel getal" => "Schrijf alleen cijfers, bijvoorbeeld 12.".into(),
        "true of false" => "Schrijf true (ja) of false (nee).".into(),
        e if e.starts_with("een lijst") => "Zet elke waarde op een eigen regel die begint met '- ', ingesprongen onder de sleutel.".into(),
        e if e.starts_with("een groep") => "Zet de onderdelen op eigen regels onder de sleutel, twee spaties ingesprongen, als 'van: 4'.".into(),
        _ => format!("Vul hier {expected} in."),
    }
}

fn unknown_id(
    file: &str,
    at: Position,
    path: &str,
    vocab: Vocab,
    value: &str,
    ids: &[&str],
) -> Diagnostic {
    let mut hint = match nearest(value, ids.iter().copied()) {
        Some(n) => format!("Bedoel je '{n}'? "),
        None => String::new(),
    };
    let mut listed: Vec<&str> = ids.to_vec();
    listed.sort_unstable();
    if listed.len() > 40 {
        hint.push_str(&format!(
            "Zie {} voor alle {} mogelijke waarden.",
            vocab.source(),
            listed.len()
        ));
    } else {
        hint.push_str(&format!(
            "Mogelijke waarden ({}): {}.",
            vocab.source(),
            listed.join(", ")
        ));
    }
    Diagnostic::error(
        file,
        at,
        format!("'{value}' is geen {}.", vocab.known_label()),
    )
    .key(path)
    .hint(hint)
}

/// The closest candidate to a misspelt word, if one is close enough.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The message and hint for a key that `fields` does not have.
fn unknown_key(key: &str, fields: &[Field]) -> (String, String) {
    if let Some(name) = key.chars().find_map(odd_space) {
        // Pasted text: a hard space in the indentation makes the rest of
        // the line a key of its own.
        let visible = key.trim_matches(|c: char| c == ' ' || odd_space(c).is_some());
        return (
            format!(
                "In of voor de sleutel '{visible}' staat een {name}: een teken dat op een spatie lijkt, maar voor YAML geen spatie is."
            ),
            format!(
                "Typ de spaties aan het begin van de regel opnieuw, en vervang de {name} door een gewone spatie of haal hem weg. Zulke tekens komen vaak mee met tekst uit Word of een website."
            ),
        );
    }
    let hint = match nearest(key, fields.iter().map(|f| f.key)) {
        Some(n) => format!("Bedoel je '{n}'?"),
        None => format!(
            "Toegestane sleutels hier: {}.",
            fields.iter().map(|f| f.key).collect::<Vec<_>>().join(", ")
        ),
    };
    (format!("De sleutel '{key}' is onbekend."), hint)
}

/// A value as text, trimmed, and without the zero-width characters that a
/// paste can leave: nobody sees them, yet they would make an id unknown and
/// split a word in two for search.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_ascii() && s.contains(ZERO_WIDTH) => {
            Some(s.replace(ZERO_WIDTH, "").trim().to_string())
        }
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A text, number or true/false: what a list of ids or words holds.
fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// A value as a message quotes it. Characters that look like a space, or
/// like nothing, are named: "'opvoe den' is geen thema" does not tell an
/// editor that the space in it is a hard one that a paste left.
fn display(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    if !text.chars().any(|c| odd_space(c).is_some()) {
        return text;
    }
    text.chars()
        .map(|c| match odd_space(c) {
            Some(name) => format!("<{name}>"),
            None => c.to_string(),
        })
        .collect()
}

/// Parses `2026-05-14`; explains other forms.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let example = "Schrijf een datum als jaar-maand-dag, bijvoorbeeld 2026-05-14.";
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        if parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2 && text.contains('-') {
            return NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("Die dag bestaat niet. {example}"));
        }
        if parts[2].len() == 4 {
            return Err(format!(
                "Schrijf het jaar vooraan: {}-{:0>2}-{:0>2}.",
                parts[2], parts[1], parts[0]
            ));
        }
    }
    if let Some((year, month, day)) = written_date(text) {
        return Err(match NaiveDate::from_ymd_opt(year, month, day) {
            Some(date) => format!("Schrijf de datum in cijfers, met het jaar vooraan: {date}."),
            None => format!("Die dag bestaat niet. {example}"),
        });
    }
    Err(example.to_string())
}

/// A date as people write it: "1 oktober 2026", "ma 1 okt. 2026", "1 mrt 2027".
fn written_date(text: &str) -> Option<(i32, u32, u32)> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.']).to_lowercase())
        .collect();
    // A weekday in front ("maandag 1 oktober 2026") changes nothing.
    let [.., day, month, year] = words.as_slice() else {
        return None;
    };
    if words.len() > 4 {
        return None;
    }
    let month = DUTCH_MONTHS.iter().position(|name| {
        name == month
            || (month.len() >= 3 && name.starts_with(month.as_str()))
            || (month == "mrt" && *name == "maart")
    })?;
    let year: i32 = year.parse().ok().filter(|y| (1000..=9999).contains(y))?;
    Some((year, month as u32 + 1, day.parse().ok()?))
}

fn parse_time(text: &str) -> Option<String> {
    let (h, m) = text.split_once([':', '.'])?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h < 24 && m < 60 && text.len() <= 5).then(|| format!("{h:02}:{m:02}"))
}

pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && text.chars().all(|c| {
            !c.is_whitespace() && !c.is_control() && c != ',' && c != ';' && c != '<' && c != '>'
        })
}

fn check_url(text: &str) -> Result<(), String> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return Err(format!(
            "Begin het webadres met https://, bijvoorbeeld https://{}.",
            text.trim_start_matches("www.").trim_start_matches('/')
        ));
    }
    match url::Url::parse(text) {
        Ok(u)
            if u.host_str()
                .is_some_and(|h| h.contains('.') || h == "localhost")
                && !text.contains(' ') =>
        {
            Ok(())
        }
        _ => Err(
            "Controleer het webadres: geen spaties, en een domeinnaam zoals voorbeeld.nl.".into(),
        ),
    }
}

/// Dutch numbers: 10 digits from 0, `+31`/`0031` and 9 digits, 0800/0900
/// service numbers, and municipal `14 0xx(x)` numbers.
pub fn is_dutch_phone(text: &str) -> bool {
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || " -()+.".contains(c))
    {
        return false;
    }
    let plus = text.trim_start().starts_with('+');
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if plus {
        return digits.starts_with("31") && digits.len() == 11 && !digits[2..].starts_with('0');
    }
    if let Some(rest) = digits.strip_prefix("0031") {
        return rest.len() == 9 && !rest.starts_with('0');
    }
    if digits.starts_with("0800") || digits.starts_with("090") {
        return (8..=11).contains(&digits.len());
    }
    if digits.starts_with("14") {
        return (5..=6).contains(&digits.len());
    }
    digits.starts_with('0') && digits.len() == 10
}

fn stale_warning(
    file: &str,
    positions: &crate::load::Positions,
    date: NaiveDate,
    today: NaiveDate,
    max_dagen: u32,
) -> Option<Diagnostic> {
    let days = (today - date).num_days();
    let at = || positions.value("laatst_gecontroleerd");
    if days > i64::from(max_dagen) {
        Some(
            Diagnostic::warning(file, at(), format!("Dit item is {days} dagen niet gecontroleerd (de grens is {max_dagen} dagen)."))
                .key("laatst_gecontroleerd")
                .hint("Controleer of alles nog klopt en zet de datum van vandaag bij laatst_gecontroleerd."),
        )
    } else if days < 0 {
        Some(
            Diagnostic::warning(
                file,
                at(),
                format!("Deze datum ligt {} dagen in de toekomst.", -days),
            )
            .key("laatst_gecontroleerd")
            .hint("Vul de datum in waarop de gegevens echt zijn gecontroleerd."),
        )
    } else {
        None
    }
}

fn check_aanbieder(
    file: &SourceFile,
    a: &Aanbieder,
    config: &SiteConfig,
    today: NaiveDate,
    ds: &mut Diagnostics,
) {
    let pos = &file.front.positions;
    if a.telefoon.is_none() && a.email.is_none() && a.website.is_none() {
        ds.push(
            Diagnostic::error(
                &file.path,
                Position::START,
                "Er is geen manier om contact op te nemen.",
            )
            .key("telefoon")
            .hint("Vul minstens één van 'telefoon', 'email' of 'website' in."),
        );
    }
    if let Some(d) = stale_warning(
        &file.path,
        pos,
        a.laatst_gecontroleerd,
        today,
        config.controle.max_dagen,
    ) {
        ds.push(d);
    }
}

fn check_aanbod(
    file: &SourceFile,
    a: &Aanbod,
    config: &SiteConfig,
    today: NaiveDate,
    ds: &mut Diagnostics,
) {
    let pos = &file.front.positions;
    let path = file.path.as_str();
    if let Some(l) = a.leeftijd
        && l.van > l.tot
    {
        ds.push(
            Diagnostic::error(
                path,
                pos.value("leeftijd.van"),
                format!("'van' ({}) is groter dan 'tot' ({}).", l.van, l.tot),
            )
            .key("leeftijd.van")
            .hint("Zet de jongste leeftijd bij 'van' en de oudste bij 'tot'."),
        );
    }
    for (i, kern) in a.kernen.iter().enumerate() {
        if let Some((gemeente, _)) = config.kern(kern)
            && !a.gemeenten.contains(&gemeente.id)
        {
            let key = format!("kernen[{i}]");
            ds.push(
                Diagnostic::error(path, pos.value(&key), format!("De kern '{kern}' hoort bij de gemeente '{}', maar die staat niet bij 'gemeenten'.", gemeente.id))
                    .key(key)
                    .hint(format!("Voeg '{}' toe aan 'gemeenten', of kies een andere kern.", gemeente.id)),
            );
        }
    }
    for (i, run) in a.data.iter().enumerate() {
        if let Some(eind) = run.eind
            && eind < run.start
        {
            let key = format!("data[{i}].eind");
            ds.push(
                Diagnostic::error(
                    path,
                    pos.value(&key),
                    "De einddatum ligt vóór de startdatum.",
                )
                .key(key)
                .hint("Controleer 'start' en 'eind'."),
            );
        }
        if let Some(deadline) = run.aanmelden_voor
            && deadline > run.last_day()
        {
            let key = format!("data[{i}].aanmelden_voor");
            ds.push(
                Diagnostic::error(
                    path,
                    pos.value(&key),
                    "De uiterste aanmelddatum ligt na het einde.",
                )
                .key(key)
                .hint("Aanmelden moet vóór of op de laatste dag kunnen."),
            );
        }
    }
    // A stopped offer is not published, so its age does not matter.
    if a.status != Status::Gestopt
        && let Some(d) = stale_warning(
            path,
            pos,
            a.laatst_gecontroleerd,
            today,
            config.controle.max_dagen,
        )
    {
        ds.push(d);
    }
    if !a.data.is_empty()
        && a.data.iter().all(|run| run.last_day() < today)
        && a.status != Status::Gestopt
    {
        ds.push(
            Diagnostic::warning(path, pos.key("data"), "Alle data van dit aanbod zijn voorbij.")
                .key("data")
                .hint("Zet nieuwe data erbij, haal de oude weg, of zet status op 'gepauzeerd' of 'gestopt'."),
        );
    }
    let can_sign_up = match &a.aanmelden {
        Some(Aanmelden::Tekst(t)) => !t.trim().is_empty(),
        Some(Aanmelden::Details(d)) => {
            d.tekst.is_some()
                || d.telefoon.is_some()
                || d.email.is_some()
                || d.url.is_some()
                || d.via.is_some()
        }
        None => false,
    };
    let has_contact = a
        .contact
        .as_ref()
        .is_some_and(|c| c.telefoon.is_some() || c.email.is_some());
    if !can_sign_up && !has_contact && a.status != Status::Gestopt {
        ds.push(
            Diagnostic::warning(path, Position::START, "Ouders zien niet hoe ze zich kunnen aanmelden of contact kunnen opnemen.")
                .key("aanmelden")
                .hint("Vul 'aanmelden' in (tekst, telefoon, email, url of via) of 'contact' met een telefoonnummer of e-mailadres."),
        );
    }
}

/// The seeds warn against "dubbelingen": the same offer entered twice.
fn check_duplicate_offers(files: &[SourceFile], ds: &mut Diagnostics) {
    let mut by_title: BTreeMap<String, Vec<&SourceFile>> = BTreeMap::new();
    for file in files.iter().filter(|f| f.kind == Kind::Aanbod) {
        if let Some(title) = file.front.value.get("titel").and_then(Value::as_str) {
            let key: String = title
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            by_title.entry(key).or_default().push(file);
        }
    }
    for group in by_title.values().filter(|g| g.len() > 1) {
        let names: BTreeSet<&str> = group.iter().map(|f| f.path.as_str()).collect();
        for file in group.iter().skip(1) {
            let others: Vec<&str> = names.iter().copied().filter(|n| *n != file.path).collect();
            ds.push(
                Diagnostic::warning(&file.path, file.front.positions.value("titel"), format!("Er is al aanbod met dezelfde titel: {}.", others.join(", ")))
                    .key("titel")
                    .hint("Is dit dubbel ingevoerd? Voeg de bestanden samen, of maak de titels duidelijk verschillend."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        for ok in [
            "0546 000 123",
            "0546-000123",
            "+31 546 000 123",
            "088 000 1234",
            "0800-1234",
            "14 0546",
            "06 12345678",
        ] {
            assert!(is_dutch_phone(ok), "{ok}");
        }
        for bad in [
            "12345",
            "0546 000 12",
            "+49 30 123456",
            "bel ons",
            "0546 000 1234 5",
        ] {
            assert!(!is_dutch_phone(bad), "{bad}");
        }
    }

    #[test]
    fn zero_width_characters_from_a_paste_are_left_out_of_values() {
        let value = Value::String(" Opvoed\u{200b}spreekuur\u{feff} ".into());
        assert_eq!(scalar_text(&value).as_deref(), Some("Opvoedspreekuur"));
        let joined = Value::String("👩\u{200d}👧".into());
        assert_eq!(scalar_text(&joined).as_deref(), Some("👩\u{200d}👧"));
    }

    #[test]
    fn dates_explain_the_expected_form() {
        assert!(parse_date("2026-05-14").is_ok());
        assert!(
            parse_date("2026-02-30")
                .unwrap_err()
                .contains("bestaat niet")
        );
        assert!(parse_date("14-05-2026").unwrap_err().contains("2026-05-14"));
        for written in [
            "1 oktober 2026",
            "maandag 1 okt. 2026",
            "1 Okt 2026",
            "01 oktober, 2026",
        ] {
            assert!(
                parse_date(written).unwrap_err().ends_with(": 2026-10-01."),
                "{written}"
            );
        }
        assert!(
            parse_date("1 mrt 2027")
                .unwrap_err()
                .ends_with(": 2027-03-01.")
        );
        assert!(
            parse_date("31 februari 2027")
                .unwrap_err()
                .contains("bestaat niet")
        );
        for not_a_date in [
            "1 ok 2026",
            "oktober 2026",
            "1 oktober 26",
            "de 1 oktober 2026 ook",
        ] {
            assert_eq!(
                parse_date(not_a_date).unwrap_err(),
                "Schrijf een datum als jaar-maand-dag, bijvoorbeeld 2026-05-14.",
                "{not_a_date}"
            );
        }
    }

    #[test]
    fn nearest_finds_misspellings() {
        let keys = ["titel", "samenvatting", "themas"];
        assert_eq!(
            nearest("samenvating", keys.iter().copied()),
            Some("samenvatting")
        );
        assert_eq!(nearest("thema", keys.iter().copied()), Some("themas"));
        assert_eq!(nearest("xyz", keys.iter().copied()), None);
    }
}
