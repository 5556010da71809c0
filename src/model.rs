//! The validated site: what every stage after validation works on. Built only
//! by `validate`, so whoever holds a `Site` may rely on every reference in it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The months as pages write dates ("3 februari 2027") and as editors
/// sometimes type them.
pub const DUTCH_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// The address of an offer's page, as the content model gives it.
pub fn offer_url(slug: &str) -> String {
    format!("/aanbod/{slug}/")
}

/// The address of a provider's page, as the content model gives it.
pub fn provider_url(slug: &str) -> String {
    format!("/aanbieders/{slug}/")
}

/// The address of a free page, as the content model gives it.
pub fn pagina_url(slug: &str) -> String {
    format!("/{slug}/")
}

#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// The folder the site was loaded from.
    #[serde(skip)]
    pub root: std::path::PathBuf,
    pub config: SiteConfig,
    /// Sorted by slug.
    pub aanbieders: Vec<Aanbieder>,
    /// Sorted by slug; `gestopt` offers are not in here.
    pub aanbod: Vec<Aanbod>,
    /// Sorted by slug.
    pub paginas: Vec<Pagina>,
    /// The day the build counts as "today" (stale entries, past runs).
    pub today: NaiveDate,
}

impl Site {
    /// The provider with this slug.
    pub fn aanbieder(&self, slug: &str) -> Option<&Aanbieder> {
        self.aanbieders
            .binary_search_by(|p| p.source.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.aanbieders[i])
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteConfig {
    pub titel: String,
    #[serde(default)]
    pub omschrijving: Option<String>,
    pub basis_url: String,
    #[serde(default = "default_taal")]
    pub taal: String,
    #[serde(default = "default_thema")]
    pub thema: String,
    #[serde(default)]
    pub voorbeeldinhoud: bool,
    #[serde(default)]
    pub organisatie: Option<Organisatie>,
    pub gemeenten: Vec<Gemeente>,
    pub themas: Vec<Thema>,
    pub doelgroepen: Vec<Doelgroep>,
    pub leeftijdsgroepen: Vec<Leeftijdsgroep>,
    pub toegang: Vec<Toegang>,
    #[serde(default)]
    pub controle: Controle,
}

fn default_taal() -> String {
    "nl".into()
}

fn default_thema() -> String {
    "default".into()
}

impl SiteConfig {
    pub fn thema(&self, id: &str) -> Option<&Thema> {
        self.themas.iter().find(|t| t.id == id)
    }

    pub fn gemeente(&self, id: &str) -> Option<&Gemeente> {
        self.gemeenten.iter().find(|g| g.id == id)
    }

    /// A village and the municipality it belongs to.
    pub fn kern(&self, id: &str) -> Option<(&Gemeente, &Kern)> {
        self.gemeenten
            .iter()
            .find_map(|g| g.kernen.iter().find(|k| k.id == id).map(|k| (g, k)))
    }

    pub fn doelgroep(&self, id: &str) -> Option<&Doelgroep> {
        self.doelgroepen.iter().find(|d| d.id == id)
    }

    pub fn toegang(&self, id: &str) -> Option<&Toegang> {
        self.toegang.iter().find(|t| t.id == id)
    }

    /// The public URL of a site path (`/aanbod/x/`), for canonical links and feeds.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.basis_url.trim_end_matches('/'), path)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organisatie {
    pub naam: String,
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gemeente {
    pub id: String,
    pub naam: String,
    #[serde(default)]
    pub kernen: Vec<Kern>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Kern {
    pub id: String,
    pub naam: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Thema {
    pub id: String,
    pub naam: String,
    #[serde(default)]
    pub omschrijving: Option<String>,
    #[serde(default)]
    pub synoniemen: Vec<String>,
    #[serde(default)]
    pub verwant: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Doelgroep {
    pub id: String,
    pub naam: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Leeftijdsgroep {
    pub id: String,
    pub naam: String,
    pub van: u32,
    pub tot: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Toegang {
    pub id: String,
    pub naam: String,
    #[serde(default)]
    pub uitleg: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Controle {
    pub max_dagen: u32,
}

impl Default for Controle {
    fn default() -> Self {
        Controle { max_dagen: 365 }
    }
}

/// Where an entry came from.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Source {
    pub slug: String,
    /// Path relative to the site root.
    pub path: String,
    /// The Markdown body.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Aanbieder {
    #[serde(skip_deserializing)]
    pub source: Source,
    pub naam: String,
    pub soort: String,
    pub samenvatting: String,
    pub laatst_gecontroleerd: NaiveDate,
    #[serde(default)]
    pub telefoon: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub adres: Option<Adres>,
    #[serde(default)]
    pub gemeenten: Vec<String>,
    #[serde(default)]
    pub openingstijden: Option<Openingstijden>,
    #[serde(default)]
    pub contactpersonen: Vec<Contact>,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub eigenaar: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Adres {
    #[serde(default)]
    pub straat: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub plaats: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Openingstijden {
    Tekst(String),
    Tijden(Vec<Openingstijd>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Openingstijd {
    pub dagen: String,
    #[serde(default)]
    pub van: Option<String>,
    #[serde(default)]
    pub tot: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Contact {
    #[serde(default)]
    pub naam: Option<String>,
    #[serde(default)]
    pub rol: Option<String>,
    #[serde(default)]
    pub telefoon: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Actief,
    Gepland,
    Gepauzeerd,
    Gestopt,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Aanbod {
    #[serde(skip_deserializing)]
    pub source: Source,
    pub titel: String,
    pub aanbieder: Vec<String>,
    pub samenvatting: String,
    pub themas: Vec<String>,
    pub doelgroep: Vec<String>,
    pub gemeenten: Vec<String>,
    pub toegang: String,
    pub laatst_gecontroleerd: NaiveDate,
    #[serde(default)]
    pub leeftijd: Option<Leeftijd>,
    #[serde(default)]
    pub kernen: Vec<String>,
    #[serde(default)]
    pub vorm: Vec<String>,
    #[serde(default)]
    pub kosten: Option<Kosten>,
    #[serde(default)]
    pub aanmelden: Option<Aanmelden>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub locaties: Vec<Locatie>,
    #[serde(default)]
    pub data: Vec<Datum>,
    #[serde(default)]
    pub erkenning: Option<Erkenning>,
    #[serde(default)]
    pub trefwoorden: Vec<String>,
    #[serde(default)]
    pub talen: Vec<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub eigenaar: Option<String>,
}

impl Aanbod {
    pub fn is_free(&self) -> bool {
        matches!(self.kosten, Some(Kosten::Gratis(_)))
    }

    /// True when a child of `age` years falls inside the offer's age range;
    /// an offer without a range is for every age.
    pub fn fits_age(&self, age: u32) -> bool {
        self.leeftijd
            .as_ref()
            .is_none_or(|l| l.van <= age && age <= l.tot)
    }

    /// True when the offer's age range overlaps `van..=tot`.
    pub fn overlaps_ages(&self, van: u32, tot: u32) -> bool {
        self.leeftijd
            .as_ref()
            .is_none_or(|l| l.van <= tot && van <= l.tot)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Leeftijd {
    pub van: u32,
    pub tot: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Kosten {
    /// Always the word `gratis` (validated).
    Gratis(String),
    Bedrag(KostenDetail),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KostenDetail {
    #[serde(default)]
    pub bedrag: Option<f64>,
    #[serde(default)]
    pub per: Option<String>,
    #[serde(default)]
    pub toelichting: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Aanmelden {
    Tekst(String),
    Details(AanmeldDetails),
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct AanmeldDetails {
    #[serde(default)]
    pub tekst: Option<String>,
    #[serde(default)]
    pub telefoon: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub via: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Locatie {
    pub naam: String,
    #[serde(default)]
    pub straat: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub plaats: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Datum {
    pub start: NaiveDate,
    #[serde(default)]
    pub eind: Option<NaiveDate>,
    #[serde(default)]
    pub aanmelden_voor: Option<NaiveDate>,
    #[serde(default)]
    pub omschrijving: Option<String>,
}

impl Datum {
    /// The last day of the run.
    pub fn last_day(&self) -> NaiveDate {
        self.eind.unwrap_or(self.start)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Erkenning {
    pub niveau: String,
    #[serde(default)]
    pub bron: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pagina {
    #[serde(skip_deserializing)]
    pub source: Source,
    pub titel: String,
    #[serde(default)]
    pub samenvatting: Option<String>,
    #[serde(default)]
    pub volgorde: Option<i64>,
}
