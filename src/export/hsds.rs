//! The site as Open Referral HSDS 3.1: providers become organizations,
//! offers become services, and the site's vocabularies (themes, audiences,
//! access routes, forms, areas) become taxonomies whose terms are linked
//! through attributes. docs/hsds.md lists the mapping field by field.
//!
//! Every id is a UUID v5 in the site's namespace (itself the v5 of
//! `basis_url` in the URL namespace) of a path such as `aanbod/<slug>`, so
//! ids stay the same from build to build for as long as slugs do.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::ops::Deref;

use fnv::FnvHashMap;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use uuid::Uuid;
use uuid::fmt::Hyphenated;

mod nested;
mod tables;

use nested::{Nester, Shape};
pub use tables::Tables;
use tables::{CellValue, Input, row, table_index};

use crate::hsds::{self, TABLES};
use crate::model::{
    Aanbieder, Aanbod, Aanmelden, Kosten, Openingstijden, Site, Status, offer_url, provider_url,
};
use crate::render::{Sink, age_text};

/// Codes in the `taxonomy` field of the terms this export writes; the
/// importer recognises the site's own vocabularies by them.
pub const TAXONOMY_THEMA: &str = "sociale-kaart:thema";
pub const TAXONOMY_DOELGROEP: &str = "sociale-kaart:doelgroep";
pub const TAXONOMY_TOEGANG: &str = "sociale-kaart:toegang";
pub const TAXONOMY_VORM: &str = "sociale-kaart:vorm";
pub const TAXONOMY_GEBIED: &str = "sociale-kaart:gebied";
pub const TAXONOMY_SOORT: &str = "sociale-kaart:soort";
/// Fields without an HSDS counterpart, carried as attribute values.
pub const TAXONOMY_VELD: &str = "sociale-kaart:veld";

/// Codes of the terms in [`TAXONOMY_VELD`].
pub const VELD_TREFWOORD: &str = "trefwoord";
pub const VELD_MEDEAANBIEDER: &str = "medeaanbieder";
pub const VELD_AANMELDEN_VIA: &str = "aanmelden-via";

/// The note on a schedule that carries a run's registration deadline.
pub const AANMELDEN_VOOR: &str = "Aanmelden voor";

/// The label of the additional URL that carries `aanmelden.url`.
pub const AANMELD_URL_LABEL: &str = "Aanmelden";

/// Deterministic ids for one site.
pub struct Ids {
    namespace: Uuid,
}

impl Ids {
    pub fn new(basis_url: &str) -> Ids {
        Ids {
            namespace: Uuid::new_v5(
                &Uuid::NAMESPACE_URL,
                basis_url.trim_end_matches('/').as_bytes(),
            ),
        }
    }

    /// The id of the thing at `path`, e.g. `aanbod/<slug>` or `aanbod/<slug>/telefoon`.
    pub fn of(&self, path: &str) -> String {
        self.text(path).to_string()
    }

    /// [`Ids::of`] without allocating: the export makes one for every row.
    pub fn text(&self, path: &str) -> IdText {
        let mut text = [0; Hyphenated::LENGTH];
        self.v5(path).hyphenated().encode_lower(&mut text);
        IdText(text)
    }

    /// What `Uuid::new_v5` makes, hashed by the `sha1` crate, which uses the
    /// processor's SHA instructions where it has them: a site of ten
    /// thousand offers needs over a hundred thousand ids.
    fn v5(&self, path: &str) -> Uuid {
        let digest = Sha1::new()
            .chain_update(self.namespace.as_bytes())
            .chain_update(path.as_bytes())
            .finalize();
        let mut bytes = [0; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_sha1_bytes(bytes).into_uuid()
    }

    pub fn service(&self, slug: &str) -> String {
        self.of(&format!("aanbod/{slug}"))
    }

    pub fn organization(&self, slug: &str) -> String {
        self.of(&format!("aanbieders/{slug}"))
    }
}

/// An id as text, as [`Ids::of`] writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdText([u8; Hyphenated::LENGTH]);

impl Deref for IdText {
    type Target = str;

    fn deref(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for IdText {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self)
    }
}

impl CellValue for IdText {
    fn cell(&self) -> Input<'_> {
        Input::Text(self)
    }
}

/// Language names for the ISO 639-1 codes editors use in `talen`.
const LANGUAGES: &[(&str, &str)] = &[
    ("ar", "Arabisch"),
    ("de", "Duits"),
    ("en", "Engels"),
    ("es", "Spaans"),
    ("fa", "Perzisch"),
    ("fr", "Frans"),
    ("fy", "Fries"),
    ("nl", "Nederlands"),
    ("pl", "Pools"),
    ("ro", "Roemeens"),
    ("so", "Somalisch"),
    ("ti", "Tigrinya"),
    ("tr", "Turks"),
    ("uk", "Oekraïens"),
];

pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

pub fn language_code(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_lowercase();
    LANGUAGES
        .iter()
        .find(|(c, n)| *c == lower || n.to_lowercase() == lower)
        .map(|(c, _)| *c)
}

/// Maps the site onto HSDS tables.
pub fn tables(site: &Site) -> Tables {
    let mut builder = Builder {
        site,
        ids: Ids::new(&site.config.basis_url),
        data: Tables::default(),
        term_ids: FnvHashMap::default(),
        path: RefCell::new(String::new()),
    };
    builder.taxonomies();
    for p in &site.aanbieders {
        builder.organization(p);
    }
    for a in &site.aanbod {
        builder.service(a);
    }
    builder.data.sort();
    builder.data
}

/// Writes `data/hsds/`: the API's endpoints as static files (lists holding
/// every item on one page) and the same data as a tabular data package
/// under `data/hsds/tabular/`.
pub fn write(site: &Site, tables: &Tables, sink: &dyn Sink) -> anyhow::Result<()> {
    sink.put(
        "data/hsds/index.json".into(),
        compact(&json!({
            "version": hsds::VERSION,
            "title": site.config.titel,
            "url": site.config.absolute_url("/data/hsds/"),
        })),
    )?;
    // The endpoints and the tables need only the rows, so a free core can
    // write one while the other is written.
    let (endpoints, tabular) =
        rayon::join(|| endpoints(tables, sink), || tabular(site, tables, sink));
    endpoints.and(tabular)
}

/// The API's list endpoints. One file per list, not per item: a site of
/// 10,000 offers would otherwise write another 10,000 files that repeat
/// the lists.
fn endpoints(tables: &Tables, sink: &dyn Sink) -> anyhow::Result<()> {
    let nester = Nester::new(tables);
    for (endpoint, table) in [
        ("services", "service"),
        ("organizations", "organization"),
        ("service_at_locations", "service_at_location"),
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
    ] {
        let index = table_index(table).expect("a table of the specification");
        let shape = if table == "taxonomy_term" {
            Shape::Term
        } else {
            Shape::Nested(index)
        };
        sink.stream(format!("data/hsds/{endpoint}.json"), &mut |out| {
            nester.page(out, index, shape)
        })?;
    }
    Ok(())
}

/// The tabular data package: a CSV file per table that has rows.
fn tabular(site: &Site, tables: &Tables, sink: &dyn Sink) -> anyhow::Result<()> {
    let mut resources = Vec::new();
    for (index, table) in TABLES.iter().enumerate() {
        if tables.rows(index).len() == 0 {
            continue;
        }
        sink.stream(format!("data/hsds/tabular/{}", table.file), &mut |out| {
            tables.write_csv(out, index)
        })?;
        let fields: Vec<Value> = table
            .fields
            .iter()
            .map(|f| json!({ "name": f, "type": if table.numbers.contains(f) { "number" } else { "string" } }))
            .collect();
        resources.push(json!({
            "name": table.name, "path": table.file, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": { "fields": fields, "primaryKey": "id" },
        }));
    }
    sink.put(
        "data/hsds/tabular/datapackage.json".into(),
        compact(&json!({
            "name": "sociale-kaart-hsds",
            "title": site.config.titel,
            "profile": "tabular-data-package",
            "version": hsds::VERSION,
            "resources": resources,
        })),
    )
}

fn compact(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}

/// `samenvatting`, a blank line and the body: HSDS has one description.
pub fn description(summary: &str, body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        summary.to_string()
    } else {
        format!("{summary}\n\n{body}")
    }
}

/// `niveau; bron; url`, the one-line form of an `erkenning`.
pub fn accreditation_text(e: &crate::model::Erkenning) -> String {
    [Some(e.niveau.as_str()), e.bron.as_deref(), e.url.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn status_code(status: Status) -> &'static str {
    match status {
        Status::Actief => "active",
        Status::Gepland => "inactive",
        Status::Gepauzeerd => "temporarily closed",
        Status::Gestopt => "defunct",
    }
}

/// Days of a Dutch `dagen` text as iCalendar BYDAY codes: "maandag t/m
/// vrijdag" → `MO,TU,WE,TH,FR`. `None` when the text says more than days.
pub fn byday(dagen: &str) -> Option<String> {
    const DAYS: [(&str, &str, &str); 7] = [
        ("maandag", "ma", "MO"),
        ("dinsdag", "di", "TU"),
        ("woensdag", "wo", "WE"),
        ("donderdag", "do", "TH"),
        ("vrijdag", "vr", "FR"),
        ("zaterdag", "za", "SA"),
        ("zondag", "zo", "SU"),
    ];
    let day = |word: &str| {
        DAYS.iter().position(|(long, short, _)| {
            word == *long || word == *short || word == format!("{short}.")
        })
    };
    let lower = dagen
        .to_lowercase()
        .replace("tot en met", " t/m ")
        .replace(',', " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut days = BTreeSet::new();
    let mut i = 0;
    while i < words.len() {
        let first = day(words[i])?;
        if i + 2 < words.len() && matches!(words[i + 1], "t/m" | "-" | "tot") {
            let last = day(words[i + 2])?;
            if last < first {
                return None;
            }
            days.extend(first..=last);
            i += 3;
        } else {
            days.insert(first);
            i += 1;
        }
        if i < words.len() && words[i] == "en" {
            i += 1;
        }
    }
    if days.is_empty() {
        return None;
    }
    Some(
        days.into_iter()
            .map(|d| DAYS[d].2)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Id parts for list items that depend on what the item says, not on
/// where it stands, so that the order of a list never changes ids.
#[derive(Default)]
struct Keys {
    used: BTreeSet<String>,
}

impl Keys {
    fn key(&mut self, text: &str) -> String {
        let base = crate::load::suggest_slug(text);
        let mut key = base.clone();
        let mut n = 2;
        while !self.used.insert(key.clone()) {
            key = format!("{base}-{n}");
            n += 1;
        }
        key
    }
}

/// The key of an area term: `gemeenten/<id>` or `kernen/<id>`.
fn area_key(kind: &str, id: &str) -> String {
    format!("{kind}/{id}")
}

struct Builder<'a> {
    site: &'a Site,
    ids: Ids,
    data: Tables,
    /// Term ids by their path: every offer links to several terms.
    term_ids: FnvHashMap<String, IdText>,
    /// Where paths for ids are written, to make them without allocating.
    path: RefCell<String>,
}

impl Builder<'_> {
    fn url(&self, path: &str) -> String {
        self.site.config.absolute_url(path)
    }

    /// The id of the thing at the path `path` writes.
    fn id(&self, path: fmt::Arguments) -> IdText {
        let Ok(mut text) = self.path.try_borrow_mut() else {
            return self.ids.text(&path.to_string());
        };
        text.clear();
        text.write_fmt(path).expect("writing to a string");
        self.ids.text(&text)
    }

    fn taxonomy(
        &mut self,
        code: &str,
        name: &str,
        description: &str,
        uri: Option<String>,
    ) -> IdText {
        let id = self.id(format_args!("taxonomieen/{code}"));
        self.data.insert("taxonomy", row!({ "id": id, "name": name, "description": description, "uri": uri, "version": code }));
        id
    }

    fn term(
        &mut self,
        taxonomy: (&str, &str),
        code: &str,
        name: &str,
        description: Option<&str>,
        uri: Option<String>,
        parent: Option<IdText>,
    ) {
        let (taxonomy_code, taxonomy_id) = taxonomy;
        let id = self.term_id(taxonomy_code, code);
        self.data.insert(
            "taxonomy_term",
            row!({
                "id": id, "code": code, "name": name,
                "description": description.unwrap_or(name), "parent_id": parent,
                "taxonomy": taxonomy_code, "taxonomy_id": taxonomy_id, "language": "nl", "term_uri": uri,
            }),
        );
    }

    /// A municipality or village: a village and a municipality may share
    /// an id (Tubbergen is both), so their term ids include the kind.
    fn area_term(
        &mut self,
        taxonomy_id: &str,
        kind: &str,
        id: &str,
        naam: &str,
        parent: Option<IdText>,
    ) {
        let term = self.term_id(TAXONOMY_GEBIED, &area_key(kind, id));
        self.data.insert(
            "taxonomy_term",
            row!({
                "id": term, "code": id, "name": naam,
                "description": naam, "parent_id": parent, "taxonomy": TAXONOMY_GEBIED,
                "taxonomy_id": taxonomy_id, "language": "nl", "term_uri": self.url(&format!("/{kind}/{id}/")),
            }),
        );
    }

    fn term_id(&mut self, taxonomy: &str, code: &str) -> IdText {
        let path = self.path.get_mut();
        path.clear();
        write!(path, "taxonomieen/{taxonomy}/{code}").expect("writing to a string");
        if let Some(id) = self.term_ids.get(path.as_str()) {
            return *id;
        }
        let id = self.ids.text(path);
        self.term_ids.insert(path.clone(), id);
        id
    }

    /// Links `entity` (an organization or service) to a term.
    fn attribute(&mut self, entity: (&str, &str), taxonomy: &str, code: &str, value: Option<&str>) {
        let (table, id) = entity;
        let term = self.term_id(taxonomy, code);
        let (slash, value_key) = value.map_or(("", ""), |v| ("/", v));
        self.data.insert(
            "attribute",
            row!({
                "id": self.id(format_args!("attributen/{id}/{taxonomy}/{code}{slash}{value_key}")),
                "link_id": id, "link_entity": table, "taxonomy_term_id": term, "value": value,
            }),
        );
    }

    fn taxonomies(&mut self) {
        let c = &self.site.config;
        let site = c.titel.clone();
        let t = self.taxonomy(
            TAXONOMY_THEMA,
            &format!("Thema's van {site}"),
            "Waar een vraag over gaat; elk thema heeft een eigen pagina.",
            Some(self.url("/themas/")),
        );
        for thema in &c.themas {
            let uri = self.url(&format!("/themas/{}/", thema.id));
            self.term(
                (TAXONOMY_THEMA, &t),
                &thema.id,
                &thema.naam,
                thema.omschrijving.as_deref(),
                Some(uri),
                None,
            );
        }
        let t = self.taxonomy(
            TAXONOMY_DOELGROEP,
            &format!("Doelgroepen van {site}"),
            "Voor wie het aanbod is.",
            None,
        );
        for d in &c.doelgroepen {
            self.term((TAXONOMY_DOELGROEP, &t), &d.id, &d.naam, None, None, None);
        }
        let t = self.taxonomy(
            TAXONOMY_TOEGANG,
            &format!("Toegang in {site}"),
            "Hoe je bij het aanbod komt, van laagdrempelig naar zwaar.",
            None,
        );
        for d in &c.toegang {
            self.term(
                (TAXONOMY_TOEGANG, &t),
                &d.id,
                &d.naam,
                d.uitleg.as_deref(),
                None,
                None,
            );
        }
        let t = self.taxonomy(
            TAXONOMY_VORM,
            "Vorm van het aanbod",
            "Groep, individueel, gezin, online, telefonisch of inloop.",
            None,
        );
        for vorm in crate::schema::VORMEN {
            self.term((TAXONOMY_VORM, &t), vorm, vorm, None, None, None);
        }
        let t = self.taxonomy(
            TAXONOMY_GEBIED,
            &format!("Gemeenten en kernen van {site}"),
            "Gemeenten en hun kernen (dorpen).",
            Some(self.url("/gemeenten/")),
        );
        for g in &c.gemeenten {
            self.area_term(&t, "gemeenten", &g.id, &g.naam, None);
            let parent = self.term_id(TAXONOMY_GEBIED, &area_key("gemeenten", &g.id));
            for k in &g.kernen {
                self.area_term(&t, "kernen", &k.id, &k.naam, Some(parent));
            }
        }
        let soorten: BTreeSet<&str> = self
            .site
            .aanbieders
            .iter()
            .map(|p| p.soort.as_str())
            .collect();
        let t = self.taxonomy(
            TAXONOMY_SOORT,
            "Soort aanbieder",
            "Wat voor organisatie een aanbieder is.",
            None,
        );
        for soort in soorten {
            self.term((TAXONOMY_SOORT, &t), soort, soort, None, None, None);
        }
        let t = self.taxonomy(
            TAXONOMY_VELD,
            "Velden van de sociale kaart",
            "Gegevens zonder eigen HSDS-veld; de waarde staat in het attribuut.",
            None,
        );
        self.term(
            (TAXONOMY_VELD, &t),
            VELD_TREFWOORD,
            "Trefwoord",
            Some("Een woord waarop ouders zoeken dat niet in de tekst staat."),
            None,
            None,
        );
        self.term(
            (TAXONOMY_VELD, &t),
            VELD_MEDEAANBIEDER,
            "Medeaanbieder",
            Some("Nog een organisatie die dit aanbod samen biedt; de waarde is haar HSDS-id."),
            None,
            None,
        );
        self.term(
            (TAXONOMY_VELD, &t),
            VELD_AANMELDEN_VIA,
            "Aanmelden via",
            Some("De organisatie waar je je aanmeldt; de waarde is haar HSDS-id."),
            None,
            None,
        );
    }

    fn phone(&mut self, path: &str, link: (&str, &str), number: &str, description: Option<&str>) {
        let (field, id) = link;
        self.data.insert(
            "phone",
            row!({ "id": self.ids.text(path), "number": number, "type": "voice", "description": description, field: id }),
        );
    }

    fn contact(&mut self, path: &str, link: (&str, &str), c: &crate::model::Contact) {
        let (field, owner) = link;
        let id = self.ids.text(path);
        self.data.insert(
            "contact",
            row!({ "id": id, "name": c.naam, "title": c.rol, "email": c.email, field: owner }),
        );
        if let Some(tel) = &c.telefoon {
            self.phone(&format!("{path}/telefoon"), ("contact_id", &id), tel, None);
        }
    }

    /// Records that the editors confirmed the entry on `date`. Who keeps an
    /// entry current (`eigenaar`) is internal: the site does not show it,
    /// so the export does not publish it either.
    fn verified(&mut self, path: &str, resource: (&str, &str), date: chrono::NaiveDate) {
        let (table, id) = resource;
        self.data.insert(
            "metadata",
            row!({
                "id": self.id(format_args!("{path}/gecontroleerd")), "resource_id": id, "resource_type": table,
                "last_action_date": date.to_string(), "last_action_type": "verified",
                "field_name": "laatst_gecontroleerd", "previous_value": "", "replacement_value": date.to_string(),
                "updated_by": "redactie",
            }),
        );
    }

    fn organization(&mut self, p: &Aanbieder) {
        let slug = &p.source.slug;
        let path = format!("aanbieders/{slug}");
        let id = self.ids.organization(slug);
        self.data.insert(
            "organization",
            row!({
                "id": id, "name": p.naam, "description": description(&p.samenvatting, &p.source.body),
                "email": p.email, "website": p.website, "uri": self.url(&provider_url(slug)),
                "logo": p.logo.as_ref().map(|l| self.url(&format!("/{l}"))),
            }),
        );
        if let Some(tel) = &p.telefoon {
            self.phone(
                &format!("{path}/telefoon"),
                ("organization_id", &id),
                tel,
                None,
            );
        }
        let mut keys = Keys::default();
        for c in &p.contactpersonen {
            let key = keys.key(
                [&c.naam, &c.rol, &c.email]
                    .into_iter()
                    .flatten()
                    .next()
                    .map_or("", String::as_str),
            );
            self.contact(
                &format!("{path}/contactpersonen/{key}"),
                ("organization_id", &id),
                c,
            );
        }
        if p.adres.is_some() || p.openingstijden.is_some() {
            let location = self.id(format_args!("{path}/adres"));
            let adres = p.adres.clone().unwrap_or_default();
            self.data.insert(
                "location",
                row!({
                    "id": location, "organization_id": id, "name": p.naam,
                    "location_type": if p.adres.is_some() { "physical" } else { "virtual" },
                    "latitude": adres.lat, "longitude": adres.lon,
                }),
            );
            self.address(
                &format!("{path}/adres/adres"),
                &location,
                adres.straat.as_deref(),
                adres.postcode.as_deref(),
                adres.plaats.as_deref(),
            );
            match &p.openingstijden {
                Some(Openingstijden::Tekst(text)) => {
                    self.data.insert("schedule", row!({ "id": self.id(format_args!("{path}/openingstijden")), "location_id": location, "description": text }));
                }
                Some(Openingstijden::Tijden(tijden)) => {
                    let mut keys = Keys::default();
                    for t in tijden {
                        let key = keys.key(&t.dagen);
                        let days = byday(&t.dagen);
                        self.data.insert(
                            "schedule",
                            row!({
                                "id": self.id(format_args!("{path}/openingstijden/{key}")), "location_id": location,
                                "freq": days.as_ref().map(|_| "WEEKLY"), "byday": days,
                                "opens_at": t.van, "closes_at": t.tot, "description": t.dagen,
                            }),
                        );
                    }
                }
                None => {}
            }
        }
        self.attribute(("organization", &id), TAXONOMY_SOORT, &p.soort, None);
        for g in &p.gemeenten {
            self.attribute(
                ("organization", &id),
                TAXONOMY_GEBIED,
                &area_key("gemeenten", g),
                None,
            );
        }
        self.verified(&path, ("organization", &id), p.laatst_gecontroleerd);
    }

    /// An address, when there is at least a street or a place: HSDS
    /// requires street, city, province and postal code on every address.
    fn address(
        &mut self,
        path: &str,
        location: &str,
        straat: Option<&str>,
        postcode: Option<&str>,
        plaats: Option<&str>,
    ) {
        if straat.is_none() && plaats.is_none() {
            return;
        }
        self.data.insert(
            "address",
            row!({
                "id": self.ids.text(path), "location_id": location, "address_1": straat.unwrap_or(""),
                "city": plaats.unwrap_or(""), "state_province": "", "postal_code": postcode.unwrap_or(""),
                "country": "NL", "address_type": "physical",
            }),
        );
    }

    fn service(&mut self, a: &Aanbod) {
        let c = &self.site.config;
        let slug = &a.source.slug;
        let path = format!("aanbod/{slug}");
        let id = self.ids.service(slug);
        let aanmelden_tekst = match &a.aanmelden {
            Some(Aanmelden::Tekst(t)) => Some(t.clone()),
            Some(Aanmelden::Details(d)) => d.tekst.clone(),
            None => None,
        };
        let toegang = c.toegang(&a.toegang);
        let application_process = aanmelden_tekst
            .or_else(|| toegang.map(|t| t.uitleg.clone().unwrap_or_else(|| t.naam.clone())));
        // In site.yaml's order, so that the text does not depend on the order in the file.
        let doelgroepen: Vec<&str> = c
            .doelgroepen
            .iter()
            .filter(|d| a.doelgroep.contains(&d.id))
            .map(|d| d.naam.as_str())
            .collect();
        let mut eligibility = format!("Voor: {}.", doelgroepen.join(", "));
        if let Some(l) = a.leeftijd {
            eligibility.push_str(&format!(" Leeftijd: {}.", age_text(l.van, l.tot)));
        }
        let details = match &a.aanmelden {
            Some(Aanmelden::Details(d)) => Some(d.clone()),
            _ => None,
        };
        self.data.insert(
            "service",
            row!({
                "id": id,
                "organization_id": a.aanbieder.first().map(|p| self.ids.organization(p)),
                "name": a.titel,
                "description": description(&a.samenvatting, &a.source.body),
                "url": self.url(&offer_url(slug)),
                "email": details.as_ref().and_then(|d| d.email.clone()),
                "status": status_code(a.status),
                "application_process": application_process,
                "fees_description": crate::render::cost_text(&a.kosten),
                "accreditations": a.erkenning.as_ref().map(accreditation_text),
                "eligibility_description": eligibility,
                "minimum_age": a.leeftijd.map(|l| l.van),
                "maximum_age": a.leeftijd.map(|l| l.tot),
                "assured_date": a.laatst_gecontroleerd.to_string(),
                "last_modified": format!("{}T00:00:00Z", a.laatst_gecontroleerd),
            }),
        );
        if let Some(d) = &details {
            if let Some(tel) = &d.telefoon {
                self.phone(
                    &format!("{path}/aanmelden/telefoon"),
                    ("service_id", &id),
                    tel,
                    Some(AANMELD_URL_LABEL),
                );
            }
            if let Some(url) = &d.url {
                self.data.insert(
                    "url",
                    row!({ "id": self.id(format_args!("{path}/aanmelden/url")), "service_id": id, "label": AANMELD_URL_LABEL, "url": url }),
                );
            }
            if let Some(via) = &d.via {
                let value = self.ids.organization(via);
                self.attribute(
                    ("service", &id),
                    TAXONOMY_VELD,
                    VELD_AANMELDEN_VIA,
                    Some(&value),
                );
            }
        }
        if let Some(contact) = &a.contact {
            self.contact(&format!("{path}/contact"), ("service_id", &id), contact);
        }
        self.cost(&path, &id, &a.kosten);
        let mut seen_starts: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
        for run in &a.data {
            let n = seen_starts.entry(run.start).or_default();
            *n += 1;
            let suffix = if *n > 1 {
                format!("-{n}")
            } else {
                String::new()
            };
            self.data.insert(
                "schedule",
                row!({
                    "id": self.id(format_args!("{path}/data/{}{suffix}", run.start)), "service_id": id,
                    "valid_from": run.start.to_string(), "valid_to": run.last_day().to_string(),
                    "dtstart": run.start.to_string(), "until": run.eind.map(|e| e.to_string()),
                    "description": run.omschrijving,
                    "notes": run.aanmelden_voor.map(|d| format!("{AANMELDEN_VOOR} {d}")),
                }),
            );
        }
        for g in &a.gemeenten {
            if let Some(gemeente) = c.gemeente(g) {
                self.data.insert(
                    "service_area",
                    row!({ "id": self.id(format_args!("{path}/gebied/{g}")), "service_id": id, "name": gemeente.naam,
                        "description": format!("Gemeente {}", gemeente.naam), "uri": self.url(&format!("/gemeenten/{g}/")) }),
                );
            }
        }
        for k in &a.kernen {
            if let Some((gemeente, kern)) = c.kern(k) {
                self.data.insert(
                    "service_area",
                    row!({ "id": self.id(format_args!("{path}/gebied/{k}")), "service_id": id, "name": kern.naam,
                        "description": format!("Kern {} in de gemeente {}", kern.naam, gemeente.naam), "uri": self.url(&format!("/kernen/{k}/")) }),
                );
            }
        }
        for l in &a.locaties {
            let key = [
                Some(l.naam.as_str()),
                l.straat.as_deref(),
                l.postcode.as_deref(),
                l.plaats.as_deref(),
            ]
            .map(|part| part.unwrap_or("").trim().to_lowercase())
            .join("|");
            let location = self.id(format_args!("locaties/{key}"));
            self.data.insert(
                "location",
                row!({ "id": location, "name": l.naam, "location_type": "physical", "latitude": l.lat, "longitude": l.lon }),
            );
            self.address(
                &format!("locaties/{key}/adres"),
                &location,
                l.straat.as_deref(),
                l.postcode.as_deref(),
                l.plaats.as_deref(),
            );
            self.data.insert(
                "service_at_location",
                row!({ "id": self.id(format_args!("{path}/locaties/{location}")), "service_id": id, "location_id": location }),
            );
        }
        for taal in &a.talen {
            let code = language_code(taal);
            self.data.insert(
                "language",
                row!({ "id": self.id(format_args!("{path}/talen/{taal}")), "service_id": id,
                    "name": code.and_then(language_name).unwrap_or(taal), "code": code }),
            );
        }
        let service = ("service", id.as_str());
        for t in &a.themas {
            self.attribute(service, TAXONOMY_THEMA, t, None);
        }
        for d in &a.doelgroep {
            self.attribute(service, TAXONOMY_DOELGROEP, d, None);
        }
        self.attribute(service, TAXONOMY_TOEGANG, &a.toegang, None);
        for v in &a.vorm {
            self.attribute(service, TAXONOMY_VORM, v, None);
        }
        for g in &a.gemeenten {
            self.attribute(service, TAXONOMY_GEBIED, &area_key("gemeenten", g), None);
        }
        for k in &a.kernen {
            self.attribute(service, TAXONOMY_GEBIED, &area_key("kernen", k), None);
        }
        for w in &a.trefwoorden {
            self.attribute(service, TAXONOMY_VELD, VELD_TREFWOORD, Some(w));
        }
        for other in a.aanbieder.iter().skip(1) {
            let value = self.ids.organization(other);
            self.attribute(service, TAXONOMY_VELD, VELD_MEDEAANBIEDER, Some(&value));
        }
        self.verified(&path, service, a.laatst_gecontroleerd);
    }

    fn cost(&mut self, path: &str, service: &str, kosten: &Option<Kosten>) {
        let (option, amount, amount_description) = match kosten {
            None => return,
            Some(Kosten::Gratis(_)) => (Some("Gratis"), Some(serde_json::Number::from(0)), None),
            Some(Kosten::Bedrag(k)) => (
                k.toelichting.as_deref(),
                k.bedrag.and_then(serde_json::Number::from_f64),
                k.per.as_ref().map(|per| format!("per {per}")),
            ),
        };
        self.data.insert(
            "cost_option",
            row!({
                "id": self.id(format_args!("{path}/kosten")), "service_id": service, "option": option,
                "amount": amount, "currency": "EUR", "amount_description": amount_description,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_days_become_byday_codes() {
        assert_eq!(
            byday("maandag t/m vrijdag").as_deref(),
            Some("MO,TU,WE,TH,FR")
        );
        assert_eq!(
            byday("maandag tot en met donderdag").as_deref(),
            Some("MO,TU,WE,TH")
        );
        assert_eq!(byday("dinsdag en donderdag").as_deref(), Some("TU,TH"));
        assert_eq!(byday("ma, wo, vr").as_deref(), Some("MO,WE,FR"));
        assert_eq!(byday("elke eerste maandag van de maand"), None);
        assert_eq!(byday("vrijdag t/m maandag"), None);
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let ids = Ids::new("https://example.org/");
        assert_eq!(
            ids.service("a"),
            Ids::new("https://example.org").service("a")
        );
        assert_ne!(ids.service("a"), ids.organization("a"));
        let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://example.org");
        assert_eq!(
            ids.service("a"),
            Uuid::new_v5(&namespace, b"aanbod/a").to_string()
        );
        assert_eq!(&*ids.text("aanbod/a"), ids.service("a"));
        for path in ["", "aanbieders/b", "aanbod/één/telefoon", &"x".repeat(200)] {
            assert_eq!(ids.v5(path), Uuid::new_v5(&namespace, path.as_bytes()));
        }
        assert_ne!(
            ids.service("a"),
            Ids::new("https://example.com").service("a")
        );
    }
}
