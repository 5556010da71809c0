//! `sociale-kaart import --hsds <bestand|map>`: turns an Open Referral HSDS
//! dataset into content files, so that a region's existing directory
//! becomes a sociale kaart. It reads nested HSDS JSON (one file, or a
//! folder such as this site's own `/data/hsds/`) or a tabular data package
//! of CSV files.
//!
//! What HSDS does not say, or says in words the site does not know (a
//! theme or municipality missing from site.yaml), is never dropped or
//! guessed: the file gets a `# TODO redactie:` comment above the key, and
//! the key either holds the unknown value or is left out, so that
//! `sociale-kaart check` fails on exactly that spot until an editor has
//! decided. The mapping is the reverse of `export::hsds`; docs/hsds.md has
//! both directions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_yaml::{Mapping, Value as Yaml};

use crate::export::hsds::{
    AANMELD_URL_LABEL, AANMELDEN_VOOR, TAXONOMY_DOELGROEP, TAXONOMY_GEBIED, TAXONOMY_SOORT,
    TAXONOMY_THEMA, TAXONOMY_TOEGANG, TAXONOMY_VELD, TAXONOMY_VORM, VELD_AANMELDEN_VIA,
    VELD_MEDEAANBIEDER, VELD_TREFWOORD, language_code,
};
use crate::hsds::{Dataset, Record, number, text};
use crate::load::suggest_slug;
use crate::model::SiteConfig;
use crate::schema::{OFFER_SUMMARY_MAX, PROVIDER_SUMMARY_MAX, VORMEN};

/// The start of every marker an editor has to resolve.
pub const TODO: &str = "# TODO redactie:";

/// Reads an HSDS dataset: a JSON file, a folder with a tabular data package
/// (CSV files), or a folder of JSON files.
pub fn read(source: &Path) -> Result<Dataset> {
    if source.is_dir() {
        let has_csv = std::fs::read_dir(source)
            .with_context(|| format!("kan de map {} niet lezen", source.display()))?
            .filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == "csv"));
        if has_csv {
            return Dataset::from_tabular_dir(source);
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(source)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!(
                "in {} staan geen HSDS-bestanden (.json, of .csv met datapackage.json)",
                source.display()
            );
        }
        let mut data = Dataset::default();
        for file in files {
            add_json_file(&mut data, &file)?;
        }
        Ok(data)
    } else {
        let mut data = Dataset::default();
        add_json_file(&mut data, source)?;
        Ok(data)
    }
}

fn add_json_file(data: &mut Dataset, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("kan {} niet lezen", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: dit is geen geldige JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    data.add_json(&value, &name)
        .with_context(|| path.display().to_string())
}

/// One content file the import writes.
#[derive(Debug, Clone)]
pub struct ImportedFile {
    /// Relative to the site root, e.g. `content/aanbod/x.md`.
    pub path: String,
    pub text: String,
    /// The markers in this file, with the line of each.
    pub todos: Vec<(usize, String)>,
}

/// Everything an import would write.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<ImportedFile>,
}

impl Plan {
    pub fn todo_count(&self) -> usize {
        self.files.iter().map(|f| f.todos.len()).sum()
    }
}

/// Front matter written line by line, so that comments sit above the key
/// they are about and their line numbers are known.
#[derive(Default)]
struct FrontMatter {
    lines: Vec<String>,
    todos: Vec<(usize, String)>,
}

impl FrontMatter {
    fn comment(&mut self, text: &str) {
        self.lines.push(format!("# {text}"));
    }

    fn todo(&mut self, text: &str) {
        // Line 1 is the opening `---`.
        self.todos.push((self.lines.len() + 2, text.to_string()));
        self.lines.push(format!("{TODO} {text}"));
    }

    fn field(&mut self, key: &str, value: impl Serialize) {
        let mut mapping = Mapping::new();
        mapping.insert(
            Yaml::String(key.into()),
            serde_yaml::to_value(value).expect("plain values serialize"),
        );
        let yaml = serde_yaml::to_string(&mapping).expect("plain values serialize");
        self.lines
            .extend(yaml.trim_end().lines().map(str::to_string));
    }

    /// A required key HSDS has no value for: left out, so validation
    /// reports it, with the marker saying why.
    fn missing(&mut self, key: &str, todo: &str) {
        self.todo(todo);
        self.lines.push(format!("# {key}:"));
    }

    fn finish(self, path: String, body: &str) -> ImportedFile {
        let mut text = String::from("---\n");
        for line in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("---\n");
        let body = body.trim();
        if !body.is_empty() {
            text.push_str(body);
            text.push('\n');
        }
        ImportedFile {
            path,
            text,
            todos: self.todos,
        }
    }
}

fn normalize(text: &str) -> String {
    crate::render::sort_key(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits an HSDS description into `samenvatting` and body: the first
/// paragraph is the summary when it is short enough, as in this site's own
/// export; otherwise the first sentence.
fn split_description(description: &str, max: usize) -> (String, String) {
    let description = description.trim().replace("\r\n", "\n");
    let (first, rest) = match description.split_once("\n\n") {
        Some((first, rest)) => (first.trim().to_string(), rest.trim().to_string()),
        None => (description.clone(), String::new()),
    };
    if first.chars().count() <= max {
        return (first, rest);
    }
    let sentence_end = first.find(". ").map(|i| i + 1);
    match sentence_end {
        Some(end) if first[..end].chars().count() <= max => (first[..end].to_string(), description),
        _ => (first, description),
    }
}

struct Importer<'a> {
    data: &'a Dataset,
    config: &'a SiteConfig,
    /// The site being imported into, to see which files it has.
    root: &'a Path,
    basis_url: String,
    /// HSDS organization id → the slug it gets.
    organizations: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

/// Plans the content files for `data` in the site whose settings are
/// `config`, at `root`. Slugs come from this site's own URLs when the data
/// was exported by it, else from the names.
pub fn plan(data: &Dataset, config: &SiteConfig, root: &Path) -> Plan {
    let mut importer = Importer {
        data,
        config,
        root,
        basis_url: config.basis_url.trim_end_matches('/').to_string(),
        organizations: BTreeMap::new(),
        used: BTreeSet::new(),
    };
    let mut rows: Vec<&Record> = data.rows("organization").collect();
    rows.sort_by_key(|r| (text(r, "name").map(|n| normalize(&n)), text(r, "id")));
    for row in &rows {
        let id = text(row, "id").unwrap_or_default();
        let slug = importer.slug(
            "aanbieders",
            row.get("uri").and_then(|v| v.as_str()),
            &text(row, "name").unwrap_or_default(),
        );
        importer.organizations.insert(id, slug);
    }
    let mut plan = Plan::default();
    for row in rows {
        plan.files.push(importer.organization(row));
    }
    importer.used.clear();
    let mut services: Vec<&Record> = data.rows("service").collect();
    services.sort_by_key(|r| (text(r, "name").map(|n| normalize(&n)), text(r, "id")));
    for row in services {
        plan.files.push(importer.service(row));
    }
    plan
}

impl Importer<'_> {
    /// The slug: from this site's own URL (`<basis_url>/<folder>/<slug>/`)
    /// when the data came from it, else from the name; unique per folder.
    fn slug(&mut self, folder: &str, url: Option<&str>, name: &str) -> String {
        let own = url
            .and_then(|u| u.strip_prefix(&format!("{}/{folder}/", self.basis_url)))
            .map(|rest| rest.trim_end_matches('/'))
            .filter(|s| crate::load::is_slug(s));
        let base = own.map(str::to_string).unwrap_or_else(|| short_slug(name));
        let mut slug = base.clone();
        let mut n = 2;
        while !self.used.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }

    /// Terms linked to `id` through attributes: (term, taxonomy code, value).
    fn terms(&self, id: &str) -> Vec<(&Record, String, Option<String>)> {
        self.data
            .linked("attribute", "link_id", id)
            .filter_map(|a| {
                let term = self
                    .data
                    .get("taxonomy_term", &text(a, "taxonomy_term_id")?)?;
                let taxonomy = text(term, "taxonomy")
                    .or_else(|| {
                        text(term, "taxonomy_id")
                            .and_then(|t| self.data.get("taxonomy", &t))
                            .and_then(|t| text(t, "name"))
                    })
                    .unwrap_or_default();
                Some((term, taxonomy, text(a, "value")))
            })
            .collect()
    }

    fn own_codes(&self, id: &str, taxonomy: &str) -> Vec<String> {
        self.terms(id)
            .into_iter()
            .filter(|(_, t, _)| t == taxonomy)
            .filter_map(|(term, _, _)| text(term, "code"))
            .collect()
    }

    fn field_values(&self, id: &str, field: &str) -> Vec<String> {
        self.terms(id)
            .into_iter()
            .filter(|(term, t, _)| {
                t == TAXONOMY_VELD && text(term, "code").as_deref() == Some(field)
            })
            .filter_map(|(_, _, value)| value)
            .collect()
    }

    fn verified_date(&self, id: &str) -> Option<String> {
        self.data
            .linked("metadata", "resource_id", id)
            .filter_map(|m| text(m, "last_action_date"))
            .filter_map(|d| date_part(&d))
            .max()
    }

    fn phones(&self, field: &'static str, id: &str) -> Vec<String> {
        self.data
            .linked("phone", field, id)
            .filter(|p| text(p, "contact_id").is_none() || field == "contact_id")
            .filter_map(|p| text(p, "number").map(|n| clean_phone(&n)))
            .collect()
    }

    fn contact(&self, row: &Record) -> BTreeMap<&'static str, String> {
        let mut contact = BTreeMap::new();
        if let Some(name) = text(row, "name") {
            contact.insert("naam", name);
        }
        if let Some(title) = text(row, "title").or_else(|| text(row, "department")) {
            contact.insert("rol", title);
        }
        if let Some(phone) = self
            .phones("contact_id", &text(row, "id").unwrap_or_default())
            .into_iter()
            .next()
        {
            contact.insert("telefoon", phone);
        }
        if let Some(email) = text(row, "email") {
            contact.insert("email", email);
        }
        contact
    }

    fn address(&self, location: &Record) -> BTreeMap<&'static str, Yaml> {
        let mut out = BTreeMap::new();
        let id = text(location, "id").unwrap_or_default();
        if let Some(address) = self.data.linked("address", "location_id", &id).next() {
            let street = [text(address, "address_1"), text(address, "address_2")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            if !street.is_empty() {
                out.insert("straat", Yaml::String(street));
            }
            if let Some(p) = text(address, "postal_code") {
                out.insert("postcode", Yaml::String(p));
            }
            if let Some(c) = text(address, "city") {
                out.insert("plaats", Yaml::String(c));
            }
        }
        if let (Some(lat), Some(lon)) =
            (number(location, "latitude"), number(location, "longitude"))
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            out.insert("lat", Yaml::Number(lat.into()));
            out.insert("lon", Yaml::Number(lon.into()));
        }
        out
    }

    fn organization(&self, row: &Record) -> ImportedFile {
        let id = text(row, "id").unwrap_or_default();
        let slug = self.organizations[&id].clone();
        let mut fm = FrontMatter::default();
        fm.comment(&format!("Geïmporteerd uit HSDS: organization {id}"));
        let name = text(row, "name");
        match &name {
            Some(n) => fm.field("naam", n),
            None => fm.missing(
                "naam",
                "de HSDS-gegevens hebben geen naam voor deze organisatie. Vul 'naam' in.",
            ),
        }
        let soort = self.own_codes(&id, TAXONOMY_SOORT).into_iter().next();
        match soort {
            Some(s) => fm.field("soort", s),
            None => fm.missing("soort", "HSDS zegt niet wat voor organisatie dit is. Vul 'soort' in, bijvoorbeeld welzijn, gemeente of zorgaanbieder."),
        }
        let (summary, body) = split_description(
            &text(row, "description").unwrap_or_default(),
            PROVIDER_SUMMARY_MAX,
        );
        if summary.is_empty() {
            fm.missing("samenvatting", "de HSDS-gegevens hebben geen beschrijving. Schrijf een samenvatting van een of twee zinnen.");
        } else {
            if summary.chars().count() > PROVIDER_SUMMARY_MAX {
                fm.todo(&format!("de beschrijving uit HSDS is langer dan {PROVIDER_SUMMARY_MAX} tekens. Maak er een korte samenvatting van."));
            }
            fm.field("samenvatting", &summary);
        }
        match self.verified_date(&id) {
            Some(d) => fm.field("laatst_gecontroleerd", d),
            None => fm.missing("laatst_gecontroleerd", "HSDS zegt niet wanneer deze gegevens zijn gecontroleerd. Controleer ze en vul de datum van vandaag in."),
        }
        let phones = self.phones("organization_id", &id);
        if let Some(phone) = phones.first() {
            fm.field("telefoon", phone);
        }
        if phones.len() > 1 {
            fm.comment(&format!(
                "Let op (import): nog meer telefoonnummers in HSDS: {}",
                phones[1..].join(", ")
            ));
        }
        if let Some(email) = text(row, "email") {
            fm.field("email", email);
        }
        let own_page = format!("{}/aanbieders/", self.basis_url);
        let website =
            text(row, "website").or_else(|| text(row, "uri").filter(|u| !u.starts_with(&own_page)));
        if let Some(website) = website {
            fm.field("website", website);
        }
        let locations: Vec<&Record> = self
            .data
            .linked("location", "organization_id", &id)
            .collect();
        if let Some(location) = locations.iter().find(|l| !self.address(l).is_empty()) {
            fm.field("adres", self.address(location));
        }
        let gemeenten: Vec<String> = self
            .own_codes(&id, TAXONOMY_GEBIED)
            .into_iter()
            .filter(|g| self.config.gemeente(g).is_some())
            .collect();
        if !gemeenten.is_empty() {
            fm.field("gemeenten", gemeenten);
        }
        let schedules: Vec<&Record> = locations
            .iter()
            .flat_map(|l| {
                self.data.linked(
                    "schedule",
                    "location_id",
                    l.get("id").and_then(|v| v.as_str()).unwrap_or_default(),
                )
            })
            .collect();
        self.opening_hours(&mut fm, &schedules);
        let contacts: Vec<BTreeMap<&str, String>> = self
            .data
            .linked("contact", "organization_id", &id)
            .filter(|c| text(c, "service_id").is_none())
            .map(|c| self.contact(c))
            .filter(|c| !c.is_empty())
            .collect();
        if !contacts.is_empty() {
            fm.field("contactpersonen", contacts);
        }
        if let Some(logo) = text(row, "logo") {
            match logo.strip_prefix(&format!("{}/", self.basis_url)) {
                Some(path) => {
                    if !self.root.join("content").join(path).is_file() {
                        fm.todo(&format!("het logo staat op {logo}; zet dat bestand in content/{path}."));
                    }
                    fm.field("logo", path);
                }
                None => fm.comment(&format!("Let op (import): het logo staat op {logo}; zet het bestand in content/logos/ en vul 'logo' in.")),
            }
        }
        self.unmapped(&mut fm, "organization", row, UNMAPPED_ORGANIZATION);
        fm.finish(format!("content/aanbieders/{slug}.md"), &body)
    }

    fn opening_hours(&self, fm: &mut FrontMatter, schedules: &[&Record]) {
        let mut tijden = Vec::new();
        let mut texts = Vec::new();
        for s in schedules {
            let (van, tot) = (
                text(s, "opens_at").map(|t| hh_mm(&t)),
                text(s, "closes_at").map(|t| hh_mm(&t)),
            );
            let dagen = text(s, "description").or_else(|| text(s, "byday").map(|d| dutch_days(&d)));
            match (dagen, van.is_some() || tot.is_some()) {
                (Some(dagen), true) => {
                    let mut t = BTreeMap::new();
                    t.insert("dagen", Yaml::String(dagen));
                    if let Some(van) = van {
                        t.insert("van", Yaml::String(van));
                    }
                    if let Some(tot) = tot {
                        t.insert("tot", Yaml::String(tot));
                    }
                    tijden.push(t);
                }
                (Some(dagen), false) => texts.push(dagen),
                (None, _) => {}
            }
        }
        match (tijden.is_empty(), texts.len()) {
            (false, _) => {
                if !texts.is_empty() {
                    fm.comment(&format!(
                        "Let op (import): nog meer openingstijden in HSDS: {}",
                        texts.join(" / ")
                    ));
                }
                fm.field("openingstijden", tijden);
            }
            (true, 0) => {}
            (true, _) => fm.field("openingstijden", texts.join(" ")),
        }
    }

    /// Theme ids for the terms of a service; unknown terms keep a slug of
    /// their name and get a marker.
    fn themes(&self, fm: &mut FrontMatter, id: &str) {
        let c = self.config;
        let mut themes: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for (term, taxonomy, _) in self.terms(id) {
            if taxonomy.starts_with("sociale-kaart:") && taxonomy != TAXONOMY_THEMA {
                continue;
            }
            let code = text(term, "code").unwrap_or_default();
            let name = text(term, "name").unwrap_or_else(|| code.clone());
            let wanted = [normalize(&code), normalize(&name)];
            let found = c.themas.iter().find(|t| {
                wanted.iter().any(|w| {
                    !w.is_empty()
                        && (normalize(&t.id) == *w
                            || normalize(&t.naam) == *w
                            || t.synoniemen.iter().any(|s| normalize(s) == *w))
                })
            });
            let theme = match found {
                Some(t) => t.id.clone(),
                None => {
                    let slug = short_slug(if taxonomy == TAXONOMY_THEMA {
                        &code
                    } else {
                        &name
                    });
                    let from = if taxonomy.is_empty() {
                        String::new()
                    } else {
                        format!(" (uit de taxonomie '{taxonomy}')")
                    };
                    unknown.push(format!(
                        "het thema '{name}'{from} staat niet in site.yaml als '{slug}'"
                    ));
                    slug
                }
            };
            if !themes.contains(&theme) {
                themes.push(theme);
            }
        }
        if themes.is_empty() {
            fm.missing(
                "themas",
                &format!(
                    "HSDS noemt geen thema. Kies een of meer thema's uit site.yaml: {}.",
                    ids(c.themas.iter().map(|t| &t.id))
                ),
            );
            return;
        }
        let order: Vec<&str> = c.themas.iter().map(|t| t.id.as_str()).collect();
        sort_by_order(&mut themes, &order);
        for u in unknown {
            fm.todo(&format!(
                "{u}. Kies een bestaand thema ({}) of voeg het thema toe aan site.yaml.",
                ids(c.themas.iter().map(|t| &t.id))
            ));
        }
        fm.field("themas", themes);
    }

    /// Municipalities and villages: this site's own area terms, else the
    /// service areas' names, else the cities of the service's locations.
    fn areas(&self, fm: &mut FrontMatter, id: &str) {
        let c = self.config;
        let mut names: Vec<(String, &str, AreaKind)> = Vec::new();
        for (term, taxonomy, _) in self.terms(id) {
            if taxonomy != TAXONOMY_GEBIED {
                continue;
            }
            let is_kern = text(term, "parent_id").is_some()
                || text(term, "term_uri").is_some_and(|u| u.contains("/kernen/"));
            let kind = if is_kern {
                AreaKind::Kern
            } else {
                AreaKind::Gemeente
            };
            names.push((text(term, "code").unwrap_or_default(), "gebied", kind));
        }
        if names.is_empty() {
            for area in self.data.linked("service_area", "service_id", id) {
                let own = text(area, "uri").and_then(|u| {
                    let rest = u.strip_prefix(&format!("{}/", self.basis_url))?.to_string();
                    let mut parts = rest.split('/');
                    let kind = match parts.next()? {
                        "kernen" => AreaKind::Kern,
                        _ => AreaKind::Gemeente,
                    };
                    Some((parts.next()?.to_string(), kind))
                });
                match own {
                    Some((code, kind)) => names.push((code, "werkgebied", kind)),
                    None => names
                        .extend(text(area, "name").map(|n| (n, "werkgebied", AreaKind::Either))),
                }
            }
        }
        if names.is_empty() {
            for sal in self.data.linked("service_at_location", "service_id", id) {
                let location = text(sal, "location_id").unwrap_or_default();
                for address in self.data.linked("address", "location_id", &location) {
                    names.extend(
                        text(address, "city")
                            .map(|city| (city, "plaats van een locatie", AreaKind::City)),
                    );
                }
            }
        }
        let mut gemeenten: Vec<String> = Vec::new();
        let mut kernen: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for (name, source, kind) in names {
            let wanted = normalize(&name);
            let gemeente = c
                .gemeenten
                .iter()
                .find(|g| normalize(&g.id) == wanted || normalize(&g.naam) == wanted);
            let kern = c.gemeenten.iter().find_map(|g| {
                g.kernen
                    .iter()
                    .find(|k| normalize(&k.id) == wanted || normalize(&k.naam) == wanted)
                    .map(|k| (g, k))
            });
            let (g, k) = match (kind, gemeente, kern) {
                (AreaKind::Gemeente | AreaKind::Either | AreaKind::City, Some(g), _) => {
                    (g.id.clone(), None)
                }
                (AreaKind::Kern | AreaKind::Either, _, Some((g, k))) => {
                    (g.id.clone(), Some(k.id.clone()))
                }
                (AreaKind::City, None, Some((g, _))) => (g.id.clone(), None),
                _ => {
                    let slug = short_slug(&name);
                    if !gemeenten.contains(&slug) {
                        unknown.push(format!("de gemeente '{name}' ({source} in HSDS) staat niet in site.yaml als '{slug}'"));
                    }
                    (slug, None)
                }
            };
            if !gemeenten.contains(&g) {
                gemeenten.push(g);
            }
            if let Some(k) = k.filter(|k| !kernen.contains(k)) {
                kernen.push(k);
            }
        }
        let order: Vec<&str> = c.gemeenten.iter().map(|g| g.id.as_str()).collect();
        sort_by_order(&mut gemeenten, &order);
        let order: Vec<&str> = c
            .gemeenten
            .iter()
            .flat_map(|g| g.kernen.iter().map(|k| k.id.as_str()))
            .collect();
        sort_by_order(&mut kernen, &order);
        if gemeenten.is_empty() {
            fm.missing(
                "gemeenten",
                &format!("HSDS noemt geen werkgebied of plaats. Kies een of meer gemeenten uit site.yaml: {}.", ids(c.gemeenten.iter().map(|g| &g.id))),
            );
        } else {
            for message in unknown {
                fm.todo(&format!(
                    "{message}. Kies een bestaande gemeente ({}) of voeg haar toe aan site.yaml.",
                    ids(c.gemeenten.iter().map(|g| &g.id))
                ));
            }
            fm.field("gemeenten", gemeenten);
        }
        if !kernen.is_empty() {
            fm.field("kernen", kernen);
        }
    }

    fn service(&mut self, row: &Record) -> ImportedFile {
        let c = self.config;
        let id = text(row, "id").unwrap_or_default();
        let name = text(row, "name").unwrap_or_default();
        let slug = self.slug("aanbod", row.get("url").and_then(|v| v.as_str()), &name);
        let mut fm = FrontMatter::default();
        fm.comment(&format!("Geïmporteerd uit HSDS: service {id}"));
        if name.is_empty() {
            fm.missing(
                "titel",
                "de HSDS-gegevens hebben geen naam voor deze dienst. Vul 'titel' in.",
            );
        } else {
            fm.field("titel", &name);
        }
        let primary = text(row, "organization_id");
        let mut providers: Vec<String> = primary
            .iter()
            .filter_map(|org| self.organizations.get(org).cloned())
            .collect();
        for other in self.field_values(&id, VELD_MEDEAANBIEDER) {
            if let Some(slug) = self.organizations.get(&other)
                && !providers.contains(slug)
            {
                providers.push(slug.clone());
            }
        }
        match primary {
            // Without its main provider the offer is not complete, whatever else is known.
            Some(org) if !self.organizations.contains_key(&org) => {
                let also = if providers.is_empty() {
                    String::new()
                } else {
                    format!(" Samen met: {}.", providers.join(", "))
                };
                fm.missing(
                    "aanbieder",
                    &format!("de organisatie {org} staat niet in de HSDS-gegevens.{also} Vul de bestandsnaam van de aanbieder in (uit content/aanbieders/)."),
                );
            }
            _ if providers.is_empty() => {
                fm.missing("aanbieder", "HSDS noemt geen organisatie voor deze dienst. Vul de bestandsnaam van de aanbieder in.");
            }
            _ => fm.field(
                "aanbieder",
                if providers.len() == 1 {
                    Yaml::String(providers[0].clone())
                } else {
                    serde_yaml::to_value(&providers).expect("strings")
                },
            ),
        }
        let (summary, body) = split_description(
            &text(row, "description").unwrap_or_default(),
            OFFER_SUMMARY_MAX,
        );
        if summary.is_empty() {
            fm.missing("samenvatting", "de HSDS-gegevens hebben geen beschrijving. Schrijf één zin van hoogstens 200 tekens.");
        } else {
            if summary.chars().count() > OFFER_SUMMARY_MAX {
                fm.todo(&format!("de beschrijving uit HSDS is langer dan {OFFER_SUMMARY_MAX} tekens. Maak er één korte zin van."));
            }
            fm.field("samenvatting", &summary);
        }
        self.themes(&mut fm, &id);
        let mut doelgroepen = self.own_codes(&id, TAXONOMY_DOELGROEP);
        sort_by_order(
            &mut doelgroepen,
            &c.doelgroepen
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>(),
        );
        if doelgroepen.is_empty() {
            let hint = text(row, "eligibility_description")
                .map(|e| format!(" HSDS zegt: \"{e}\"."))
                .unwrap_or_default();
            fm.missing(
                "doelgroep",
                &format!(
                    "voor wie is dit?{hint} Kies een of meer doelgroepen uit site.yaml: {}.",
                    ids(c.doelgroepen.iter().map(|d| &d.id))
                ),
            );
        } else {
            for d in doelgroepen.iter().filter(|d| c.doelgroep(d).is_none()) {
                fm.todo(&format!(
                    "de doelgroep '{d}' staat niet in site.yaml. Kies uit: {}.",
                    ids(c.doelgroepen.iter().map(|d| &d.id))
                ));
            }
            fm.field("doelgroep", &doelgroepen);
        }
        self.areas(&mut fm, &id);
        let toegang = self.own_codes(&id, TAXONOMY_TOEGANG).into_iter().next();
        match &toegang {
            Some(t) => {
                if c.toegang(t).is_none() {
                    fm.todo(&format!(
                        "de toegang '{t}' staat niet in site.yaml. Kies uit: {}.",
                        ids(c.toegang.iter().map(|t| &t.id))
                    ));
                }
                fm.field("toegang", t);
            }
            None => {
                let hint = text(row, "application_process")
                    .map(|e| format!(" HSDS zegt: \"{e}\"."))
                    .unwrap_or_default();
                fm.missing(
                    "toegang",
                    &format!(
                        "hoe kom je erin?{hint} Kies één toegang uit site.yaml: {}.",
                        ids(c.toegang.iter().map(|t| &t.id))
                    ),
                );
            }
        }
        let checked = text(row, "assured_date")
            .and_then(|d| date_part(&d))
            .or_else(|| self.verified_date(&id))
            .or_else(|| text(row, "last_modified").and_then(|d| date_part(&d)));
        match checked {
            Some(d) => fm.field("laatst_gecontroleerd", d),
            None => fm.missing("laatst_gecontroleerd", "HSDS zegt niet wanneer deze gegevens zijn gecontroleerd. Controleer ze en vul de datum van vandaag in."),
        }
        let (min, max) = (number(row, "minimum_age"), number(row, "maximum_age"));
        if min.is_some() || max.is_some() {
            let mut leeftijd = BTreeMap::new();
            leeftijd.insert("van", min.unwrap_or(0.0).round().clamp(0.0, 120.0) as u32);
            leeftijd.insert("tot", max.unwrap_or(120.0).round().clamp(0.0, 120.0) as u32);
            fm.field("leeftijd", leeftijd);
        }
        let mut vormen: Vec<String> = self
            .own_codes(&id, TAXONOMY_VORM)
            .into_iter()
            .filter(|v| VORMEN.contains(&v.as_str()))
            .collect();
        sort_by_order(&mut vormen, VORMEN);
        if !vormen.is_empty() {
            fm.field("vorm", vormen);
        }
        self.costs(&mut fm, &id, row);
        self.sign_up(&mut fm, &id, row, toegang.as_deref());
        let contacts: Vec<BTreeMap<&str, String>> = self
            .data
            .linked("contact", "service_id", &id)
            .map(|c| self.contact(c))
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(first) = contacts.first() {
            fm.field("contact", first);
        }
        if contacts.len() > 1 {
            let rest: Vec<String> = contacts[1..]
                .iter()
                .map(|c| c.values().cloned().collect::<Vec<_>>().join(", "))
                .collect();
            fm.comment(&format!(
                "Let op (import): nog meer contacten in HSDS: {}",
                rest.join(" / ")
            ));
        }
        self.locations(&mut fm, &id);
        self.runs(&mut fm, &id);
        if let Some(accreditations) = text(row, "accreditations") {
            let parts: Vec<&str> = accreditations
                .split("; ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let mut erkenning = BTreeMap::new();
            let (urls, words): (Vec<&str>, Vec<&str>) = parts
                .iter()
                .partition(|p| p.starts_with("http://") || p.starts_with("https://"));
            erkenning.insert(
                "niveau",
                words
                    .first()
                    .map_or(accreditations.clone(), |w| w.to_string()),
            );
            if words.len() > 1 {
                erkenning.insert("bron", words[1..].join("; "));
            }
            if let Some(url) = urls.first() {
                erkenning.insert("url", url.to_string());
            }
            fm.field("erkenning", erkenning);
        }
        let trefwoorden = self.field_values(&id, VELD_TREFWOORD);
        if !trefwoorden.is_empty() {
            fm.field("trefwoorden", trefwoorden);
        }
        let talen: Vec<String> = self
            .data
            .linked("language", "service_id", &id)
            .filter_map(|l| {
                text(l, "code").or_else(|| {
                    text(l, "name").map(|n| language_code(&n).map_or(n, str::to_string))
                })
            })
            .collect();
        if !talen.is_empty() {
            fm.field("talen", talen);
        }
        match text(row, "status").as_deref() {
            Some("inactive") => fm.field("status", "gepland"),
            Some("temporarily closed") => fm.field("status", "gepauzeerd"),
            Some("defunct") => fm.field("status", "gestopt"),
            _ => {}
        }
        if let Some(owner) = text(row, "assurer_email") {
            fm.field("eigenaar", owner);
        }
        self.unmapped(&mut fm, "service", row, UNMAPPED_SERVICE);
        fm.finish(format!("content/aanbod/{slug}.md"), &body)
    }

    /// One comment naming what HSDS has here that the content model has
    /// no key for, so that an editor sees what was left behind.
    fn unmapped(&self, fm: &mut FrontMatter, table: &str, row: &Record, fields: &[&str]) {
        let id = text(row, "id").unwrap_or_default();
        let fk = format!("{table}_id");
        let mut left: Vec<String> = fields
            .iter()
            .filter_map(|f| text(row, f).map(|v| format!("{f}: \"{}\"", shorten(&v))))
            .collect();
        for child in UNMAPPED_TABLES {
            let count = self
                .data
                .rows(child)
                .filter(|r| text(r, &fk).as_deref() == Some(id.as_str()))
                .count();
            if count > 0 {
                left.push(format!("{child} ({count})"));
            }
        }
        if let Some(program) = text(row, "program_id")
            .and_then(|p| self.data.get("program", &p))
            .and_then(|p| text(p, "name"))
        {
            left.push(format!("program: \"{}\"", shorten(&program)));
        }
        if !left.is_empty() {
            fm.comment(&format!(
                "Let op (import): niet overgenomen uit HSDS: {}",
                left.join("; ")
            ));
        }
    }

    fn costs(&self, fm: &mut FrontMatter, id: &str, row: &Record) {
        let options: Vec<&Record> = self.data.linked("cost_option", "service_id", id).collect();
        match options.first() {
            Some(first) if options.len() == 1 && number(first, "amount") == Some(0.0) => {
                fm.field("kosten", "gratis")
            }
            Some(first) => {
                let mut kosten = BTreeMap::new();
                if let Some(amount) = number(first, "amount") {
                    let amount = if amount.fract() == 0.0 {
                        Yaml::Number((amount as i64).into())
                    } else {
                        Yaml::Number(amount.into())
                    };
                    kosten.insert("bedrag", amount);
                }
                if let Some(per) = text(first, "amount_description") {
                    kosten.insert(
                        "per",
                        Yaml::String(per.strip_prefix("per ").unwrap_or(&per).to_string()),
                    );
                }
                if let Some(option) = text(first, "option") {
                    kosten.insert("toelichting", Yaml::String(option));
                }
                if let Some(currency) =
                    text(first, "currency").filter(|c| !c.eq_ignore_ascii_case("EUR"))
                {
                    fm.comment(&format!(
                        "Let op (import): het bedrag is in {currency}, niet in euro."
                    ));
                }
                if options.len() > 1 {
                    fm.comment(&format!(
                        "Let op (import): HSDS heeft {} prijzen; alleen de eerste staat hieronder.",
                        options.len()
                    ));
                }
                fm.field("kosten", kosten);
            }
            None => {
                if let Some(fees) = text(row, "fees_description") {
                    let mut kosten = BTreeMap::new();
                    kosten.insert("toelichting", fees);
                    fm.field("kosten", kosten);
                }
            }
        }
    }

    fn sign_up(&self, fm: &mut FrontMatter, id: &str, row: &Record, toegang: Option<&str>) {
        let mut aanmelden = BTreeMap::new();
        let access_text = toegang
            .and_then(|t| self.config.toegang(t))
            .map(|t| t.uitleg.clone().unwrap_or_else(|| t.naam.clone()));
        if let Some(process) =
            text(row, "application_process").filter(|p| Some(p) != access_text.as_ref())
        {
            aanmelden.insert("tekst", process);
        }
        let phones: Vec<&Record> = self
            .data
            .linked("phone", "service_id", id)
            .filter(|p| text(p, "contact_id").is_none())
            .collect();
        let chosen = phones
            .iter()
            .find(|p| text(p, "description").as_deref() == Some(AANMELD_URL_LABEL))
            .or(phones.first());
        if let Some(phone) = chosen {
            aanmelden.insert(
                "telefoon",
                text(phone, "number")
                    .map(|n| clean_phone(&n))
                    .unwrap_or_default(),
            );
            let others: Vec<String> = phones
                .iter()
                .filter(|p| text(p, "id") != text(phone, "id"))
                .filter_map(|p| text(p, "number").map(|n| clean_phone(&n)))
                .collect();
            if !others.is_empty() {
                fm.comment(&format!(
                    "Let op (import): nog meer telefoonnummers in HSDS: {}",
                    others.join(", ")
                ));
            }
        }
        if let Some(email) = text(row, "email") {
            aanmelden.insert("email", email);
        }
        let urls: Vec<&Record> = self.data.linked("url", "service_id", id).collect();
        let own_page = format!("{}/aanbod/", self.basis_url);
        let url = urls
            .iter()
            .find(|u| text(u, "label").as_deref() == Some(AANMELD_URL_LABEL))
            .and_then(|u| text(u, "url"))
            .or_else(|| text(row, "url").filter(|u| !u.starts_with(&own_page)));
        if let Some(url) = url {
            aanmelden.insert("url", url);
        }
        if let Some(via) = self
            .field_values(id, VELD_AANMELDEN_VIA)
            .iter()
            .find_map(|org| self.organizations.get(org))
        {
            aanmelden.insert("via", via.clone());
        }
        aanmelden.retain(|_, v| !v.is_empty());
        if !aanmelden.is_empty() {
            fm.field("aanmelden", aanmelden);
        }
    }

    fn locations(&self, fm: &mut FrontMatter, id: &str) {
        let mut locaties = Vec::new();
        for sal in self.data.linked("service_at_location", "service_id", id) {
            let Some(location) =
                text(sal, "location_id").and_then(|l| self.data.get("location", &l))
            else {
                continue;
            };
            let mut locatie: BTreeMap<&str, Yaml> = BTreeMap::new();
            let address = self.address(location);
            let naam = text(location, "name")
                .or_else(|| {
                    address
                        .get("straat")
                        .and_then(|s| s.as_str().map(str::to_string))
                })
                .or_else(|| {
                    address
                        .get("plaats")
                        .and_then(|s| s.as_str().map(str::to_string))
                })
                .unwrap_or_else(|| "Locatie".into());
            locatie.insert("naam", Yaml::String(naam));
            locatie.extend(address);
            locaties.push(locatie);
        }
        locaties.sort_by_key(|l| serde_yaml::to_string(l).unwrap_or_default());
        if !locaties.is_empty() {
            fm.field("locaties", locaties);
        }
    }

    /// Dated runs: schedules with dates and no recurrence. A recurring
    /// schedule (opening hours of the service) has no key in an offer and
    /// is noted for the editor.
    fn runs(&self, fm: &mut FrontMatter, id: &str) {
        let mut data = Vec::new();
        for s in self.data.linked("schedule", "service_id", id) {
            let start = text(s, "dtstart")
                .or_else(|| text(s, "valid_from"))
                .and_then(|d| date_part(&d));
            let recurring = text(s, "freq").is_some() || text(s, "byday").is_some();
            match start {
                Some(start) if !recurring => {
                    let mut run: BTreeMap<&str, String> = BTreeMap::new();
                    let end = text(s, "until")
                        .or_else(|| text(s, "valid_to"))
                        .and_then(|d| date_part(&d))
                        .filter(|e| *e != start);
                    if let Some(end) = end {
                        run.insert("eind", end);
                    }
                    if let Some(deadline) = text(s, "notes").and_then(|n| {
                        n.strip_prefix(AANMELDEN_VOOR)
                            .and_then(|d| date_part(d.trim()))
                    }) {
                        run.insert("aanmelden_voor", deadline);
                    }
                    if let Some(description) = text(s, "description") {
                        run.insert("omschrijving", description);
                    }
                    run.insert("start", start);
                    data.push(run);
                }
                _ => {
                    let description = text(s, "description").unwrap_or_else(|| {
                        text(s, "byday").map(|d| dutch_days(&d)).unwrap_or_default()
                    });
                    let times = [
                        text(s, "opens_at").map(|t| hh_mm(&t)),
                        text(s, "closes_at").map(|t| hh_mm(&t)),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("-");
                    fm.comment(format!("Let op (import): tijden van deze dienst in HSDS (geen veld in de sociale kaart): {description} {times}").trim());
                }
            }
        }
        data.sort_by(|a, b| a["start"].cmp(&b["start"]));
        if !data.is_empty() {
            fm.field("data", data);
        }
    }
}

/// A slug of at most 60 characters, cut at a dash.
fn short_slug(name: &str) -> String {
    let slug = suggest_slug(name);
    if slug.len() <= 60 {
        return slug;
    }
    let cut = slug[..60].rfind('-').unwrap_or(60);
    slug[..cut].to_string()
}

/// Organization fields without a key in the content model.
const UNMAPPED_ORGANIZATION: &[&str] = &[
    "alternate_name",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
];

/// Service fields without a key in the content model.
const UNMAPPED_SERVICE: &[&str] = &[
    "alternate_name",
    "interpretation_services",
    "wait_time",
    "fees",
    "licenses",
    "alert",
];

/// Tables linked to an organization or service that the content model has no place for.
const UNMAPPED_TABLES: &[&str] = &[
    "funding",
    "program",
    "required_document",
    "service_capacity",
    "organization_identifier",
];

/// At most 80 characters of a value, for a comment.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 80 {
        one_line
    } else {
        format!("{}…", one_line.chars().take(79).collect::<String>())
    }
}

/// What an area name from HSDS may be.
#[derive(Clone, Copy)]
enum AreaKind {
    Gemeente,
    Kern,
    /// A service area by name: a municipality, else a village.
    Either,
    /// A location's city: its municipality; the offer is not limited to it.
    City,
}

/// Known values in the order of `order` (site.yaml's), unknown ones last.
fn sort_by_order(values: &mut [String], order: &[&str]) {
    values.sort_by_key(|v| order.iter().position(|o| o == v).unwrap_or(order.len()));
}

fn ids<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    ids.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// `2026-05-12` from a date or date-time.
fn date_part(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|d| d.to_string())
}

/// `09:00` from `09:00`, `09:00:00` or `09:00+01:00`.
fn hh_mm(time: &str) -> String {
    time.get(..5)
        .filter(|t| t.as_bytes().get(2) == Some(&b':'))
        .unwrap_or(time)
        .to_string()
}

/// Phone numbers in the HSDS example CSV carry literal quotes.
fn clean_phone(number: &str) -> String {
    number.trim().trim_matches('"').trim().to_string()
}

/// `MO,TU,WE` → "maandag, dinsdag, woensdag".
fn dutch_days(byday: &str) -> String {
    const DAYS: [(&str, &str); 7] = [
        ("MO", "maandag"),
        ("TU", "dinsdag"),
        ("WE", "woensdag"),
        ("TH", "donderdag"),
        ("FR", "vrijdag"),
        ("SA", "zaterdag"),
        ("SU", "zondag"),
    ];
    byday
        .split(',')
        .map(|d| {
            let d = d.trim();
            DAYS.iter()
                .find(|(code, _)| d.ends_with(code))
                .map_or(d.to_string(), |(_, name)| name.to_string())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the planned files under `root`. Refuses, writing nothing, when
/// one of them exists and `overwrite` is false.
pub fn write(plan: &Plan, root: &Path, overwrite: bool) -> Result<()> {
    if !overwrite {
        let existing: Vec<&str> = plan
            .files
            .iter()
            .filter(|f| root.join(&f.path).exists())
            .map(|f| f.path.as_str())
            .collect();
        if !existing.is_empty() {
            bail!(
                "{} bestand(en) bestaan al en worden niet overschreven: {}. Gebruik --overwrite om ze te vervangen.",
                existing.len(),
                existing.join(", ")
            );
        }
    }
    for file in &plan.files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("kan de map {} niet maken", parent.display()))?;
        }
        std::fs::write(&path, &file.text)
            .with_context(|| format!("kan {} niet schrijven", path.display()))?;
    }
    Ok(())
}

/// Reads `site.yaml` for its vocabularies.
pub fn site_config(root: &Path) -> Result<SiteConfig> {
    let path = root.join(crate::load::CONFIG_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("kan {} niet lezen", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} bevat fouten ({e}). Los die eerst op; 'sociale-kaart check' wijst ze aan.",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_splits_into_summary_and_body() {
        assert_eq!(
            split_description("Kort.\n\nLang verhaal.", 200),
            ("Kort.".into(), "Lang verhaal.".into())
        );
        let long = format!("{}. Tweede zin.", "a".repeat(50));
        assert_eq!(
            split_description(&long, 60),
            (format!("{}.", "a".repeat(50)), long.clone())
        );
        let (summary, _) = split_description(&"b".repeat(300), 200);
        assert_eq!(
            summary.len(),
            300,
            "too long stays too long, for the editor to shorten"
        );
    }

    #[test]
    fn times_and_days_read_back() {
        assert_eq!(hh_mm("10:00:00"), "10:00");
        assert_eq!(hh_mm("9u"), "9u");
        assert_eq!(dutch_days("TH,FR"), "donderdag, vrijdag");
        assert_eq!(
            date_part("2023-03-15T10:30:45.123Z").as_deref(),
            Some("2023-03-15")
        );
        assert_eq!(clean_phone("\"+44 1234 234567\""), "+44 1234 234567");
    }
}
