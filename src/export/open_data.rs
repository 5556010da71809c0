//! The site's own open data format: `/data/aanbod.json` and
//! `/data/aanbieders.json`, their JSON Schemas (generated from the structs
//! below, so data and schema cannot drift apart) and the same records as CSV.
//!
//! Keys are Dutch, as in the content files. Ids are the slugs, which are
//! also the last part of each entry's public URL; both are stable.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use super::hsds::Ids;
use crate::model::{
    Aanbieder, Aanbod, Aanmelden, Kosten, Openingstijden, Site, Status, offer_url, provider_url,
};
use crate::render::{Sink, cost_text};

/// The version of this format; it goes up only when a key changes meaning
/// or disappears (new keys may be added without a new version).
pub const FORMAT_VERSION: u32 = 1;

/// `/data/aanbod.json`: alle aanbod van de sociale kaart.
#[derive(Serialize, JsonSchema)]
pub struct AanbodBestand<'a> {
    /// Versie van dit formaat; gaat alleen omhoog als een sleutel verdwijnt of iets anders gaat betekenen.
    pub versie: u32,
    /// Naam van de sociale kaart.
    pub titel: &'a str,
    /// Webadres van de sociale kaart.
    #[schemars(extend("format" = "uri"))]
    pub bron: String,
    /// De jongste datum `laatst_gecontroleerd` van alle items.
    #[schemars(extend("format" = "date"))]
    pub bijgewerkt: Option<String>,
    pub aanbod: Vec<AanbodItem<'a>>,
}

/// `/data/aanbieders.json`: alle aanbieders van de sociale kaart.
#[derive(Serialize, JsonSchema)]
pub struct AanbiedersBestand<'a> {
    /// Versie van dit formaat; gaat alleen omhoog als een sleutel verdwijnt of iets anders gaat betekenen.
    pub versie: u32,
    /// Naam van de sociale kaart.
    pub titel: &'a str,
    /// Webadres van de sociale kaart.
    #[schemars(extend("format" = "uri"))]
    pub bron: String,
    /// De jongste datum `laatst_gecontroleerd` van alle items.
    #[schemars(extend("format" = "date"))]
    pub bijgewerkt: Option<String>,
    pub aanbieders: Vec<AanbiederItem<'a>>,
}

/// Een id met de naam erbij, en het webadres als dat bestaat.
#[derive(Serialize, JsonSchema)]
pub struct Verwijzing<'a> {
    /// Vaste id (kleine letters, cijfers en streepjes).
    pub id: &'a str,
    pub naam: &'a str,
    /// Webadres van de pagina, als die er is.
    #[schemars(extend("format" = "uri"))]
    pub url: Option<String>,
}

/// Eén aanbod: hulp, steun of een activiteit.
#[derive(Serialize, JsonSchema)]
pub struct AanbodItem<'a> {
    /// Vaste id: de slug, ook het laatste deel van het webadres.
    pub id: &'a str,
    /// Vast webadres van de pagina.
    #[schemars(extend("format" = "uri"))]
    pub url: String,
    /// Id van dezelfde dienst in de HSDS-export (/data/hsds/).
    #[schemars(extend("format" = "uuid"))]
    pub hsds_id: String,
    pub titel: &'a str,
    /// Eén zin van hoogstens 200 tekens.
    pub samenvatting: &'a str,
    /// De volledige tekst, in Markdown.
    pub beschrijving: &'a str,
    /// De aanbieder(s); de eerste is de hoofdaanbieder.
    pub aanbieders: Vec<Verwijzing<'a>>,
    pub themas: Vec<Verwijzing<'a>>,
    pub doelgroepen: Vec<Verwijzing<'a>>,
    pub gemeenten: Vec<Verwijzing<'a>>,
    /// Alleen gevuld als het aanbod maar in sommige kernen (dorpen) is.
    pub kernen: Vec<Verwijzing<'a>>,
    /// Hoe je erin komt.
    pub toegang: Toegang<'a>,
    /// Leeftijd in jaren, van en tot en met.
    pub leeftijd: Option<Leeftijd>,
    /// groep, individueel, gezin, online, telefonisch, inloop.
    pub vorm: &'a [String],
    pub kosten: Option<KostenItem<'a>>,
    pub aanmelden: Option<AanmeldenItem<'a>>,
    pub contact: Option<ContactItem<'a>>,
    pub locaties: Vec<LocatieItem<'a>>,
    /// Data van trainingen of groepen.
    pub data: Vec<DatumItem<'a>>,
    pub erkenning: Option<ErkenningItem<'a>>,
    /// Woorden waarop mensen zoeken die niet in de tekst staan.
    pub trefwoorden: &'a [String],
    /// Talen (ISO 639-1-codes zoals nl, en).
    pub talen: &'a [String],
    pub status: StatusItem,
    /// De datum waarop iemand heeft gecontroleerd dat alles klopt.
    #[schemars(extend("format" = "date"))]
    pub laatst_gecontroleerd: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusItem {
    Actief,
    Gepland,
    Gepauzeerd,
}

#[derive(Serialize, JsonSchema)]
pub struct Toegang<'a> {
    pub id: &'a str,
    pub naam: &'a str,
    /// In gewone woorden: hoe kom je erin?
    pub uitleg: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
pub struct Leeftijd {
    pub van: u32,
    pub tot: u32,
}

#[derive(Serialize, JsonSchema)]
pub struct KostenItem<'a> {
    pub gratis: bool,
    /// Bedrag in euro.
    pub bedrag: Option<f64>,
    pub per: Option<&'a str>,
    pub toelichting: Option<&'a str>,
    /// De kosten in één zin, zoals de site ze toont.
    pub tekst: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct AanmeldenItem<'a> {
    pub tekst: Option<&'a str>,
    pub telefoon: Option<&'a str>,
    pub email: Option<&'a str>,
    #[schemars(extend("format" = "uri"))]
    pub url: Option<&'a str>,
    /// De aanbieder waar je je aanmeldt, als dat een andere is.
    pub via: Option<Verwijzing<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct ContactItem<'a> {
    /// Naam of functie.
    pub naam: Option<&'a str>,
    pub rol: Option<&'a str>,
    pub telefoon: Option<&'a str>,
    pub email: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
pub struct LocatieItem<'a> {
    pub naam: Option<&'a str>,
    pub straat: Option<&'a str>,
    pub postcode: Option<&'a str>,
    pub plaats: Option<&'a str>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
pub struct DatumItem<'a> {
    #[schemars(extend("format" = "date"))]
    pub start: String,
    /// Laatste dag; leeg als het één dag is.
    #[schemars(extend("format" = "date"))]
    pub eind: Option<String>,
    /// Uiterste datum om je aan te melden.
    #[schemars(extend("format" = "date"))]
    pub aanmelden_voor: Option<String>,
    pub omschrijving: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
pub struct ErkenningItem<'a> {
    /// Bijvoorbeeld 'effectief volgens goede aanwijzingen'.
    pub niveau: &'a str,
    pub bron: Option<&'a str>,
    #[schemars(extend("format" = "uri"))]
    pub url: Option<&'a str>,
}

/// Eén aanbieder: een organisatie.
#[derive(Serialize, JsonSchema)]
pub struct AanbiederItem<'a> {
    /// Vaste id: de slug, ook het laatste deel van het webadres.
    pub id: &'a str,
    #[schemars(extend("format" = "uri"))]
    pub url: String,
    /// Id van dezelfde organisatie in de HSDS-export (/data/hsds/).
    #[schemars(extend("format" = "uuid"))]
    pub hsds_id: String,
    pub naam: &'a str,
    /// Wat voor organisatie: welzijn, gemeente, zorgaanbieder, ...
    pub soort: &'a str,
    pub samenvatting: &'a str,
    /// De volledige tekst, in Markdown.
    pub beschrijving: &'a str,
    pub telefoon: Option<&'a str>,
    pub email: Option<&'a str>,
    #[schemars(extend("format" = "uri"))]
    pub website: Option<&'a str>,
    pub adres: Option<LocatieItem<'a>>,
    pub gemeenten: Vec<Verwijzing<'a>>,
    pub openingstijden: Option<OpeningstijdenItem<'a>>,
    /// Contactpersonen voor professionals, met naam of functie.
    pub contactpersonen: Vec<ContactItem<'a>>,
    /// Webadres van het logo.
    #[schemars(extend("format" = "uri"))]
    pub logo: Option<String>,
    /// Ids van het aanbod van deze aanbieder.
    pub aanbod: Vec<&'a str>,
    #[schemars(extend("format" = "date"))]
    pub laatst_gecontroleerd: String,
}

#[derive(Serialize, JsonSchema)]
pub struct OpeningstijdenItem<'a> {
    /// Openingstijden als tekst, als ze niet per dag zijn opgegeven.
    pub tekst: Option<&'a str>,
    pub tijden: Vec<OpeningstijdItem<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct OpeningstijdItem<'a> {
    pub dagen: &'a str,
    pub van: Option<&'a str>,
    pub tot: Option<&'a str>,
}

fn newest(dates: impl Iterator<Item = NaiveDate>) -> Option<String> {
    dates.max().map(|d| d.to_string())
}

/// The providers by slug (the first, should two share one), the slugs of
/// each provider's offers in the site's order, and the names of themes,
/// audiences, municipalities and villages by id: each item needs them, and
/// a site of 10,000 offers should not search its lists for every one.
struct Index<'a> {
    ids: Ids,
    providers: HashMap<&'a str, &'a Aanbieder>,
    offers: HashMap<&'a str, Vec<&'a str>>,
    themas: HashMap<&'a str, &'a str>,
    doelgroepen: HashMap<&'a str, &'a str>,
    gemeenten: HashMap<&'a str, &'a str>,
    kernen: HashMap<&'a str, &'a str>,
}

/// Names by id, the first of each id as the site's lookups find it.
fn names<'a>(items: impl Iterator<Item = (&'a String, &'a String)>) -> HashMap<&'a str, &'a str> {
    let mut names = HashMap::new();
    for (id, naam) in items {
        names.entry(id.as_str()).or_insert(naam.as_str());
    }
    names
}

impl<'a> Index<'a> {
    fn new(site: &'a Site) -> Index<'a> {
        let mut providers = HashMap::new();
        for p in &site.aanbieders {
            providers.entry(p.source.slug.as_str()).or_insert(p);
        }
        let mut offers: HashMap<&str, Vec<&str>> = HashMap::new();
        for a in &site.aanbod {
            for (at, provider) in a.aanbieder.iter().enumerate() {
                if !a.aanbieder[..at].contains(provider) {
                    offers
                        .entry(provider.as_str())
                        .or_default()
                        .push(&a.source.slug);
                }
            }
        }
        let c = &site.config;
        Index {
            ids: Ids::new(&c.basis_url),
            providers,
            offers,
            themas: names(c.themas.iter().map(|t| (&t.id, &t.naam))),
            doelgroepen: names(c.doelgroepen.iter().map(|d| (&d.id, &d.naam))),
            gemeenten: names(c.gemeenten.iter().map(|g| (&g.id, &g.naam))),
            kernen: names(
                c.gemeenten
                    .iter()
                    .flat_map(|g| g.kernen.iter().map(|k| (&k.id, &k.naam))),
            ),
        }
    }
}

pub fn aanbod_bestand(site: &Site) -> AanbodBestand<'_> {
    let index = Index::new(site);
    AanbodBestand {
        versie: FORMAT_VERSION,
        titel: &site.config.titel,
        bron: site.config.absolute_url("/"),
        bijgewerkt: newest(site.aanbod.iter().map(|a| a.laatst_gecontroleerd)),
        aanbod: site
            .aanbod
            .iter()
            .map(|a| aanbod_item(site, &index, a))
            .collect(),
    }
}

pub fn aanbieders_bestand(site: &Site) -> AanbiedersBestand<'_> {
    let index = Index::new(site);
    AanbiedersBestand {
        versie: FORMAT_VERSION,
        titel: &site.config.titel,
        bron: site.config.absolute_url("/"),
        bijgewerkt: newest(site.aanbieders.iter().map(|p| p.laatst_gecontroleerd)),
        aanbieders: site
            .aanbieders
            .iter()
            .map(|p| aanbieder_item(site, &index, p))
            .collect(),
    }
}

fn provider_ref<'a>(site: &Site, index: &Index<'a>, slug: &'a str) -> Verwijzing<'a> {
    Verwijzing {
        id: slug,
        naam: index.providers.get(slug).map_or(slug, |p| p.naam.as_str()),
        url: Some(site.config.absolute_url(&provider_url(slug))),
    }
}

fn refs<'a>(
    ids: &'a [String],
    lookup: impl Fn(&str) -> Option<(&'a str, Option<String>)>,
) -> Vec<Verwijzing<'a>> {
    ids.iter()
        .filter_map(|id| lookup(id).map(|(naam, url)| Verwijzing { id, naam, url }))
        .collect()
}

fn contact_item(c: &crate::model::Contact) -> ContactItem<'_> {
    ContactItem {
        naam: c.naam.as_deref(),
        rol: c.rol.as_deref(),
        telefoon: c.telefoon.as_deref(),
        email: c.email.as_deref(),
    }
}

fn aanbod_item<'a>(site: &'a Site, index: &Index<'a>, a: &'a Aanbod) -> AanbodItem<'a> {
    let c = &site.config;
    let url = |path: String| Some(c.absolute_url(&path));
    let toegang = c.toegang(&a.toegang);
    AanbodItem {
        id: &a.source.slug,
        url: c.absolute_url(&offer_url(&a.source.slug)),
        hsds_id: index.ids.service(&a.source.slug),
        titel: &a.titel,
        samenvatting: &a.samenvatting,
        beschrijving: a.source.body.trim(),
        aanbieders: a
            .aanbieder
            .iter()
            .map(|slug| provider_ref(site, index, slug))
            .collect(),
        themas: refs(&a.themas, |id| {
            let naam = index.themas.get(id)?;
            Some((*naam, url(format!("/themas/{id}/"))))
        }),
        doelgroepen: refs(&a.doelgroep, |id| Some((*index.doelgroepen.get(id)?, None))),
        gemeenten: refs(&a.gemeenten, |id| {
            let naam = index.gemeenten.get(id)?;
            Some((*naam, url(format!("/gemeenten/{id}/"))))
        }),
        kernen: refs(&a.kernen, |id| {
            let naam = index.kernen.get(id)?;
            Some((*naam, url(format!("/kernen/{id}/"))))
        }),
        toegang: Toegang {
            id: &a.toegang,
            naam: toegang.map_or(a.toegang.as_str(), |t| t.naam.as_str()),
            uitleg: toegang.and_then(|t| t.uitleg.as_deref()),
        },
        leeftijd: a.leeftijd.map(|l| Leeftijd {
            van: l.van,
            tot: l.tot,
        }),
        vorm: &a.vorm,
        kosten: a.kosten.as_ref().map(|k| match k {
            Kosten::Gratis(_) => KostenItem {
                gratis: true,
                bedrag: None,
                per: None,
                toelichting: None,
                tekst: cost_text(&a.kosten),
            },
            Kosten::Bedrag(d) => KostenItem {
                gratis: false,
                bedrag: d.bedrag,
                per: d.per.as_deref(),
                toelichting: d.toelichting.as_deref(),
                tekst: cost_text(&a.kosten),
            },
        }),
        aanmelden: a.aanmelden.as_ref().map(|m| match m {
            Aanmelden::Tekst(t) => AanmeldenItem {
                tekst: Some(t),
                telefoon: None,
                email: None,
                url: None,
                via: None,
            },
            Aanmelden::Details(d) => AanmeldenItem {
                tekst: d.tekst.as_deref(),
                telefoon: d.telefoon.as_deref(),
                email: d.email.as_deref(),
                url: d.url.as_deref(),
                via: d.via.as_deref().map(|slug| provider_ref(site, index, slug)),
            },
        }),
        contact: a.contact.as_ref().map(contact_item),
        locaties: a
            .locaties
            .iter()
            .map(|l| LocatieItem {
                naam: Some(&l.naam),
                straat: l.straat.as_deref(),
                postcode: l.postcode.as_deref(),
                plaats: l.plaats.as_deref(),
                lat: l.lat,
                lon: l.lon,
            })
            .collect(),
        data: a
            .data
            .iter()
            .map(|d| DatumItem {
                start: d.start.to_string(),
                eind: d.eind.map(|e| e.to_string()),
                aanmelden_voor: d.aanmelden_voor.map(|e| e.to_string()),
                omschrijving: d.omschrijving.as_deref(),
            })
            .collect(),
        erkenning: a.erkenning.as_ref().map(|e| ErkenningItem {
            niveau: &e.niveau,
            bron: e.bron.as_deref(),
            url: e.url.as_deref(),
        }),
        trefwoorden: &a.trefwoorden,
        talen: &a.talen,
        status: match a.status {
            Status::Gepland => StatusItem::Gepland,
            Status::Gepauzeerd => StatusItem::Gepauzeerd,
            Status::Actief | Status::Gestopt => StatusItem::Actief,
        },
        laatst_gecontroleerd: a.laatst_gecontroleerd.to_string(),
    }
}

fn aanbieder_item<'a>(site: &'a Site, index: &Index<'a>, p: &'a Aanbieder) -> AanbiederItem<'a> {
    let c = &site.config;
    AanbiederItem {
        id: &p.source.slug,
        url: c.absolute_url(&provider_url(&p.source.slug)),
        hsds_id: index.ids.organization(&p.source.slug),
        naam: &p.naam,
        soort: &p.soort,
        samenvatting: &p.samenvatting,
        beschrijving: p.source.body.trim(),
        telefoon: p.telefoon.as_deref(),
        email: p.email.as_deref(),
        website: p.website.as_deref(),
        adres: p.adres.as_ref().map(|a| LocatieItem {
            naam: None,
            straat: a.straat.as_deref(),
            postcode: a.postcode.as_deref(),
            plaats: a.plaats.as_deref(),
            lat: a.lat,
            lon: a.lon,
        }),
        gemeenten: refs(&p.gemeenten, |id| {
            let naam = index.gemeenten.get(id)?;
            Some((*naam, Some(c.absolute_url(&format!("/gemeenten/{id}/")))))
        }),
        openingstijden: p.openingstijden.as_ref().map(|o| match o {
            Openingstijden::Tekst(t) => OpeningstijdenItem {
                tekst: Some(t),
                tijden: Vec::new(),
            },
            Openingstijden::Tijden(list) => OpeningstijdenItem {
                tekst: None,
                tijden: list
                    .iter()
                    .map(|t| OpeningstijdItem {
                        dagen: &t.dagen,
                        van: t.van.as_deref(),
                        tot: t.tot.as_deref(),
                    })
                    .collect(),
            },
        }),
        contactpersonen: p.contactpersonen.iter().map(contact_item).collect(),
        logo: p.logo.as_ref().map(|l| c.absolute_url(&format!("/{l}"))),
        aanbod: index
            .offers
            .get(p.source.slug.as_str())
            .cloned()
            .unwrap_or_default(),
        laatst_gecontroleerd: p.laatst_gecontroleerd.to_string(),
    }
}

/// A column of `/data/aanbod.csv`: its header and how to fill it.
type AanbodColumn = (
    &'static str,
    for<'r, 'a> fn(&'r AanbodItem<'a>) -> Cow<'r, str>,
);

/// A column of `/data/aanbieders.csv`: its header and how to fill it.
type AanbiederColumn = (
    &'static str,
    for<'r, 'a> fn(&'r AanbiederItem<'a>) -> Cow<'r, str>,
);

fn join<'a>(values: impl IntoIterator<Item = &'a str>) -> Cow<'a, str> {
    Cow::Owned(values.into_iter().collect::<Vec<_>>().join(";"))
}

fn ids_of<'r>(refs: &'r [Verwijzing]) -> Cow<'r, str> {
    join(refs.iter().map(|r| r.id))
}

fn names_of<'r>(refs: &'r [Verwijzing]) -> Cow<'r, str> {
    join(refs.iter().map(|r| r.naam))
}

fn text(value: Option<&str>) -> Cow<'_, str> {
    Cow::Borrowed(value.unwrap_or_default())
}

fn number<T: ToString>(value: Option<T>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string()))
}

/// The columns of `/data/aanbod.csv`; lists are joined with `;`.
pub const AANBOD_COLUMNS: &[AanbodColumn] = &[
    ("id", |a| Cow::Borrowed(a.id)),
    ("url", |a| Cow::Borrowed(&a.url)),
    ("hsds_id", |a| Cow::Borrowed(&a.hsds_id)),
    ("titel", |a| Cow::Borrowed(a.titel)),
    ("samenvatting", |a| Cow::Borrowed(a.samenvatting)),
    ("aanbieders", |a| ids_of(&a.aanbieders)),
    ("aanbieder_namen", |a| names_of(&a.aanbieders)),
    ("themas", |a| ids_of(&a.themas)),
    ("thema_namen", |a| names_of(&a.themas)),
    ("doelgroepen", |a| ids_of(&a.doelgroepen)),
    ("gemeenten", |a| ids_of(&a.gemeenten)),
    ("kernen", |a| ids_of(&a.kernen)),
    ("toegang", |a| Cow::Borrowed(a.toegang.id)),
    ("leeftijd_van", |a| {
        number(a.leeftijd.as_ref().map(|l| l.van))
    }),
    ("leeftijd_tot", |a| {
        number(a.leeftijd.as_ref().map(|l| l.tot))
    }),
    ("vorm", |a| join(a.vorm.iter().map(String::as_str))),
    ("gratis", |a| {
        Cow::Borrowed(if a.kosten.as_ref().is_some_and(|k| k.gratis) {
            "ja"
        } else {
            "nee"
        })
    }),
    ("kosten", |a| {
        text(a.kosten.as_ref().and_then(|k| k.tekst.as_deref()))
    }),
    ("kosten_bedrag", |a| {
        number(a.kosten.as_ref().and_then(|k| k.bedrag))
    }),
    ("aanmelden_tekst", |a| {
        text(a.aanmelden.as_ref().and_then(|m| m.tekst))
    }),
    ("aanmelden_telefoon", |a| {
        text(a.aanmelden.as_ref().and_then(|m| m.telefoon))
    }),
    ("aanmelden_email", |a| {
        text(a.aanmelden.as_ref().and_then(|m| m.email))
    }),
    ("aanmelden_url", |a| {
        text(a.aanmelden.as_ref().and_then(|m| m.url))
    }),
    ("aanmelden_via", |a| {
        text(
            a.aanmelden
                .as_ref()
                .and_then(|m| m.via.as_ref().map(|v| v.id)),
        )
    }),
    ("contact_naam", |a| {
        text(a.contact.as_ref().and_then(|c| c.naam))
    }),
    ("contact_rol", |a| {
        text(a.contact.as_ref().and_then(|c| c.rol))
    }),
    ("contact_telefoon", |a| {
        text(a.contact.as_ref().and_then(|c| c.telefoon))
    }),
    ("contact_email", |a| {
        text(a.contact.as_ref().and_then(|c| c.email))
    }),
    ("locaties", |a| {
        join(a.locaties.iter().filter_map(|l| l.naam))
    }),
    ("data", |a| {
        let runs: Vec<String> = a
            .data
            .iter()
            .map(|d| match &d.eind {
                Some(eind) => format!("{}/{eind}", d.start),
                None => d.start.clone(),
            })
            .collect();
        Cow::Owned(runs.join(";"))
    }),
    ("erkenning", |a| {
        text(a.erkenning.as_ref().map(|e| e.niveau))
    }),
    ("trefwoorden", |a| {
        join(a.trefwoorden.iter().map(String::as_str))
    }),
    ("talen", |a| join(a.talen.iter().map(String::as_str))),
    ("status", |a| {
        Cow::Owned(
            serde_json::to_value(&a.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        )
    }),
    ("laatst_gecontroleerd", |a| {
        Cow::Borrowed(&a.laatst_gecontroleerd)
    }),
    ("beschrijving", |a| Cow::Borrowed(a.beschrijving)),
];

/// The columns of `/data/aanbieders.csv`; lists are joined with `;`.
pub const AANBIEDERS_COLUMNS: &[AanbiederColumn] = &[
    ("id", |p| Cow::Borrowed(p.id)),
    ("url", |p| Cow::Borrowed(&p.url)),
    ("hsds_id", |p| Cow::Borrowed(&p.hsds_id)),
    ("naam", |p| Cow::Borrowed(p.naam)),
    ("soort", |p| Cow::Borrowed(p.soort)),
    ("samenvatting", |p| Cow::Borrowed(p.samenvatting)),
    ("telefoon", |p| text(p.telefoon)),
    ("email", |p| text(p.email)),
    ("website", |p| text(p.website)),
    ("straat", |p| text(p.adres.as_ref().and_then(|a| a.straat))),
    ("postcode", |p| {
        text(p.adres.as_ref().and_then(|a| a.postcode))
    }),
    ("plaats", |p| text(p.adres.as_ref().and_then(|a| a.plaats))),
    ("lat", |p| number(p.adres.as_ref().and_then(|a| a.lat))),
    ("lon", |p| number(p.adres.as_ref().and_then(|a| a.lon))),
    ("gemeenten", |p| ids_of(&p.gemeenten)),
    ("aanbod", |p| join(p.aanbod.iter().copied())),
    ("laatst_gecontroleerd", |p| {
        Cow::Borrowed(&p.laatst_gecontroleerd)
    }),
    ("beschrijving", |p| Cow::Borrowed(p.beschrijving)),
];

/// A column of a CSV file of `T`s: its header and how to fill it.
type Column<T> = (&'static str, fn(&T) -> Cow<'_, str>);

fn csv<T>(out: &mut dyn Write, columns: &[Column<T>], items: &[T]) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(columns.iter().map(|(name, _)| *name))?;
    for item in items {
        for (_, value) in columns {
            writer.write_field(value(item).as_bytes())?;
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()
}

/// Pretty JSON with a final newline, for the schemas: small files that
/// people read.
fn pretty_json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("writing JSON to memory");
    bytes.push(b'\n');
    bytes
}

/// Compact JSON with a final newline, for the data: files of megabytes that
/// programs read (pretty, the offers of a large site take a third more
/// room, and a browser's JSON viewer indents them anyway). The serializer
/// writes a few bytes at a time, so it writes into a buffer of its own
/// rather than through `out`.
fn write_json(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer(&mut buffered, value)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// A JSON Schema with its own address as `$id`.
fn schema<T: JsonSchema>(site: &Site, path: &str) -> Vec<u8> {
    let mut schema = serde_json::to_value(schemars::schema_for!(T)).expect("schema serializes");
    schema["$id"] = serde_json::Value::String(site.config.absolute_url(path));
    pretty_json(&schema)
}

pub fn write(site: &Site, sink: &dyn Sink) -> anyhow::Result<()> {
    let aanbod = aanbod_bestand(site);
    let aanbieders = aanbieders_bestand(site);
    sink.stream("data/aanbod.json".into(), &mut |out| {
        write_json(out, &aanbod)
    })?;
    sink.stream("data/aanbieders.json".into(), &mut |out| {
        write_json(out, &aanbieders)
    })?;
    sink.put(
        "data/aanbod.schema.json".into(),
        schema::<AanbodBestand>(site, "/data/aanbod.schema.json"),
    )?;
    sink.put(
        "data/aanbieders.schema.json".into(),
        schema::<AanbiedersBestand>(site, "/data/aanbieders.schema.json"),
    )?;
    sink.stream("data/aanbod.csv".into(), &mut |out| {
        csv(out, AANBOD_COLUMNS, &aanbod.aanbod)
    })?;
    sink.stream("data/aanbieders.csv".into(), &mut |out| {
        csv(out, AANBIEDERS_COLUMNS, &aanbieders.aanbieders)
    })
}
