//! The site's own open data format: `/data/aanbod.json` and
//! `/data/aanbieders.json`, their JSON Schemas (generated from the structs
//! below, so data and schema cannot drift apart) and the same records as CSV.
//!
//! Keys are Dutch, as in the content files. Ids are the slugs, which are
//! also the last part of each entry's public URL; both are stable.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use super::hsds::Ids;
use crate::model::{Aanbieder, Aanbod, Aanmelden, Kosten, Openingstijden, Site, Status};
use crate::render::{Output, cost_text, offer_url, provider_url};

/// The version of this format; it goes up only when a key changes meaning
/// or disappears (new keys may be added without a new version).
pub const FORMAT_VERSION: u32 = 1;

/// `/data/aanbod.json`: alle aanbod van de sociale kaart.
#[derive(Serialize, JsonSchema)]
pub struct AanbodBestand {
    /// Versie van dit formaat; gaat alleen omhoog als een sleutel verdwijnt of iets anders gaat betekenen.
    pub versie: u32,
    /// Naam van de sociale kaart.
    pub titel: String,
    /// Webadres van de sociale kaart.
    #[schemars(extend("format" = "uri"))]
    pub bron: String,
    /// De jongste datum `laatst_gecontroleerd` van alle items.
    #[schemars(extend("format" = "date"))]
    pub bijgewerkt: Option<String>,
    pub aanbod: Vec<AanbodItem>,
}

/// `/data/aanbieders.json`: alle aanbieders van de sociale kaart.
#[derive(Serialize, JsonSchema)]
pub struct AanbiedersBestand {
    /// Versie van dit formaat; gaat alleen omhoog als een sleutel verdwijnt of iets anders gaat betekenen.
    pub versie: u32,
    /// Naam van de sociale kaart.
    pub titel: String,
    /// Webadres van de sociale kaart.
    #[schemars(extend("format" = "uri"))]
    pub bron: String,
    /// De jongste datum `laatst_gecontroleerd` van alle items.
    #[schemars(extend("format" = "date"))]
    pub bijgewerkt: Option<String>,
    pub aanbieders: Vec<AanbiederItem>,
}

/// Een id met de naam erbij, en het webadres als dat bestaat.
#[derive(Serialize, JsonSchema)]
pub struct Verwijzing {
    /// Vaste id (kleine letters, cijfers en streepjes).
    pub id: String,
    pub naam: String,
    /// Webadres van de pagina, als die er is.
    #[schemars(extend("format" = "uri"))]
    pub url: Option<String>,
}

/// Eén aanbod: hulp, steun of een activiteit.
#[derive(Serialize, JsonSchema)]
pub struct AanbodItem {
    /// Vaste id: de slug, ook het laatste deel van het webadres.
    pub id: String,
    /// Vast webadres van de pagina.
    #[schemars(extend("format" = "uri"))]
    pub url: String,
    /// Id van dezelfde dienst in de HSDS-export (/data/hsds/).
    #[schemars(extend("format" = "uuid"))]
    pub hsds_id: String,
    pub titel: String,
    /// Eén zin van hoogstens 200 tekens.
    pub samenvatting: String,
    /// De volledige tekst, in Markdown.
    pub beschrijving: String,
    /// De aanbieder(s); de eerste is de hoofdaanbieder.
    pub aanbieders: Vec<Verwijzing>,
    pub themas: Vec<Verwijzing>,
    pub doelgroepen: Vec<Verwijzing>,
    pub gemeenten: Vec<Verwijzing>,
    /// Alleen gevuld als het aanbod maar in sommige kernen (dorpen) is.
    pub kernen: Vec<Verwijzing>,
    /// Hoe je erin komt.
    pub toegang: Toegang,
    /// Leeftijd in jaren, van en tot en met.
    pub leeftijd: Option<Leeftijd>,
    /// groep, individueel, gezin, online, telefonisch, inloop.
    pub vorm: Vec<String>,
    pub kosten: Option<KostenItem>,
    pub aanmelden: Option<AanmeldenItem>,
    pub contact: Option<ContactItem>,
    pub locaties: Vec<LocatieItem>,
    /// Data van trainingen of groepen.
    pub data: Vec<DatumItem>,
    pub erkenning: Option<ErkenningItem>,
    /// Woorden waarop mensen zoeken die niet in de tekst staan.
    pub trefwoorden: Vec<String>,
    /// Talen (ISO 639-1-codes zoals nl, en).
    pub talen: Vec<String>,
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
pub struct Toegang {
    pub id: String,
    pub naam: String,
    /// In gewone woorden: hoe kom je erin?
    pub uitleg: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct Leeftijd {
    pub van: u32,
    pub tot: u32,
}

#[derive(Serialize, JsonSchema)]
pub struct KostenItem {
    pub gratis: bool,
    /// Bedrag in euro.
    pub bedrag: Option<f64>,
    pub per: Option<String>,
    pub toelichting: Option<String>,
    /// De kosten in één zin, zoals de site ze toont.
    pub tekst: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct AanmeldenItem {
    pub tekst: Option<String>,
    pub telefoon: Option<String>,
    pub email: Option<String>,
    #[schemars(extend("format" = "uri"))]
    pub url: Option<String>,
    /// De aanbieder waar je je aanmeldt, als dat een andere is.
    pub via: Option<Verwijzing>,
}

#[derive(Serialize, JsonSchema)]
pub struct ContactItem {
    /// Naam of functie.
    pub naam: Option<String>,
    pub rol: Option<String>,
    pub telefoon: Option<String>,
    pub email: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct LocatieItem {
    pub naam: Option<String>,
    pub straat: Option<String>,
    pub postcode: Option<String>,
    pub plaats: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
pub struct DatumItem {
    #[schemars(extend("format" = "date"))]
    pub start: String,
    /// Laatste dag; leeg als het één dag is.
    #[schemars(extend("format" = "date"))]
    pub eind: Option<String>,
    /// Uiterste datum om je aan te melden.
    #[schemars(extend("format" = "date"))]
    pub aanmelden_voor: Option<String>,
    pub omschrijving: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct ErkenningItem {
    /// Bijvoorbeeld 'effectief volgens goede aanwijzingen'.
    pub niveau: String,
    pub bron: Option<String>,
    #[schemars(extend("format" = "uri"))]
    pub url: Option<String>,
}

/// Eén aanbieder: een organisatie.
#[derive(Serialize, JsonSchema)]
pub struct AanbiederItem {
    /// Vaste id: de slug, ook het laatste deel van het webadres.
    pub id: String,
    #[schemars(extend("format" = "uri"))]
    pub url: String,
    /// Id van dezelfde organisatie in de HSDS-export (/data/hsds/).
    #[schemars(extend("format" = "uuid"))]
    pub hsds_id: String,
    pub naam: String,
    /// Wat voor organisatie: welzijn, gemeente, zorgaanbieder, ...
    pub soort: String,
    pub samenvatting: String,
    /// De volledige tekst, in Markdown.
    pub beschrijving: String,
    pub telefoon: Option<String>,
    pub email: Option<String>,
    #[schemars(extend("format" = "uri"))]
    pub website: Option<String>,
    pub adres: Option<LocatieItem>,
    pub gemeenten: Vec<Verwijzing>,
    pub openingstijden: Option<OpeningstijdenItem>,
    /// Contactpersonen voor professionals, met naam of functie.
    pub contactpersonen: Vec<ContactItem>,
    /// Webadres van het logo.
    #[schemars(extend("format" = "uri"))]
    pub logo: Option<String>,
    /// Ids van het aanbod van deze aanbieder.
    pub aanbod: Vec<String>,
    #[schemars(extend("format" = "date"))]
    pub laatst_gecontroleerd: String,
}

#[derive(Serialize, JsonSchema)]
pub struct OpeningstijdenItem {
    /// Openingstijden als tekst, als ze niet per dag zijn opgegeven.
    pub tekst: Option<String>,
    pub tijden: Vec<OpeningstijdItem>,
}

#[derive(Serialize, JsonSchema)]
pub struct OpeningstijdItem {
    pub dagen: String,
    pub van: Option<String>,
    pub tot: Option<String>,
}

fn newest(dates: impl Iterator<Item = NaiveDate>) -> Option<String> {
    dates.max().map(|d| d.to_string())
}

pub fn aanbod_bestand(site: &Site) -> AanbodBestand {
    let ids = Ids::new(&site.config.basis_url);
    AanbodBestand {
        versie: FORMAT_VERSION,
        titel: site.config.titel.clone(),
        bron: site.config.absolute_url("/"),
        bijgewerkt: newest(site.aanbod.iter().map(|a| a.laatst_gecontroleerd)),
        aanbod: site
            .aanbod
            .iter()
            .map(|a| aanbod_item(site, &ids, a))
            .collect(),
    }
}

pub fn aanbieders_bestand(site: &Site) -> AanbiedersBestand {
    let ids = Ids::new(&site.config.basis_url);
    AanbiedersBestand {
        versie: FORMAT_VERSION,
        titel: site.config.titel.clone(),
        bron: site.config.absolute_url("/"),
        bijgewerkt: newest(site.aanbieders.iter().map(|p| p.laatst_gecontroleerd)),
        aanbieders: site
            .aanbieders
            .iter()
            .map(|p| aanbieder_item(site, &ids, p))
            .collect(),
    }
}

fn provider_ref(site: &Site, slug: &str) -> Verwijzing {
    let naam = site
        .aanbieders
        .iter()
        .find(|p| p.source.slug == slug)
        .map_or_else(|| slug.to_string(), |p| p.naam.clone());
    Verwijzing {
        id: slug.to_string(),
        naam,
        url: Some(site.config.absolute_url(&provider_url(slug))),
    }
}

fn refs(
    ids: &[String],
    lookup: impl Fn(&str) -> Option<(String, Option<String>)>,
) -> Vec<Verwijzing> {
    ids.iter()
        .filter_map(|id| {
            lookup(id).map(|(naam, url)| Verwijzing {
                id: id.clone(),
                naam,
                url,
            })
        })
        .collect()
}

fn contact_item(c: &crate::model::Contact) -> ContactItem {
    ContactItem {
        naam: c.naam.clone(),
        rol: c.rol.clone(),
        telefoon: c.telefoon.clone(),
        email: c.email.clone(),
    }
}

fn aanbod_item(site: &Site, ids: &Ids, a: &Aanbod) -> AanbodItem {
    let c = &site.config;
    let url = |path: String| Some(c.absolute_url(&path));
    let toegang = c.toegang(&a.toegang);
    AanbodItem {
        id: a.source.slug.clone(),
        url: c.absolute_url(&offer_url(&a.source.slug)),
        hsds_id: ids.service(&a.source.slug),
        titel: a.titel.clone(),
        samenvatting: a.samenvatting.clone(),
        beschrijving: a.source.body.trim().to_string(),
        aanbieders: a
            .aanbieder
            .iter()
            .map(|slug| provider_ref(site, slug))
            .collect(),
        themas: refs(&a.themas, |id| {
            c.thema(id)
                .map(|t| (t.naam.clone(), url(format!("/themas/{id}/"))))
        }),
        doelgroepen: refs(&a.doelgroep, |id| {
            c.doelgroep(id).map(|d| (d.naam.clone(), None))
        }),
        gemeenten: refs(&a.gemeenten, |id| {
            c.gemeente(id)
                .map(|g| (g.naam.clone(), url(format!("/gemeenten/{id}/"))))
        }),
        kernen: refs(&a.kernen, |id| {
            c.kern(id)
                .map(|(_, k)| (k.naam.clone(), url(format!("/kernen/{id}/"))))
        }),
        toegang: Toegang {
            id: a.toegang.clone(),
            naam: toegang.map_or_else(|| a.toegang.clone(), |t| t.naam.clone()),
            uitleg: toegang.and_then(|t| t.uitleg.clone()),
        },
        leeftijd: a.leeftijd.map(|l| Leeftijd {
            van: l.van,
            tot: l.tot,
        }),
        vorm: a.vorm.clone(),
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
                per: d.per.clone(),
                toelichting: d.toelichting.clone(),
                tekst: cost_text(&a.kosten),
            },
        }),
        aanmelden: a.aanmelden.as_ref().map(|m| match m {
            Aanmelden::Tekst(t) => AanmeldenItem {
                tekst: Some(t.clone()),
                telefoon: None,
                email: None,
                url: None,
                via: None,
            },
            Aanmelden::Details(d) => AanmeldenItem {
                tekst: d.tekst.clone(),
                telefoon: d.telefoon.clone(),
                email: d.email.clone(),
                url: d.url.clone(),
                via: d.via.as_deref().map(|slug| provider_ref(site, slug)),
            },
        }),
        contact: a.contact.as_ref().map(contact_item),
        locaties: a
            .locaties
            .iter()
            .map(|l| LocatieItem {
                naam: Some(l.naam.clone()),
                straat: l.straat.clone(),
                postcode: l.postcode.clone(),
                plaats: l.plaats.clone(),
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
                omschrijving: d.omschrijving.clone(),
            })
            .collect(),
        erkenning: a.erkenning.as_ref().map(|e| ErkenningItem {
            niveau: e.niveau.clone(),
            bron: e.bron.clone(),
            url: e.url.clone(),
        }),
        trefwoorden: a.trefwoorden.clone(),
        talen: a.talen.clone(),
        status: match a.status {
            Status::Gepland => StatusItem::Gepland,
            Status::Gepauzeerd => StatusItem::Gepauzeerd,
            Status::Actief | Status::Gestopt => StatusItem::Actief,
        },
        laatst_gecontroleerd: a.laatst_gecontroleerd.to_string(),
    }
}

fn aanbieder_item(site: &Site, ids: &Ids, p: &Aanbieder) -> AanbiederItem {
    let c = &site.config;
    AanbiederItem {
        id: p.source.slug.clone(),
        url: c.absolute_url(&provider_url(&p.source.slug)),
        hsds_id: ids.organization(&p.source.slug),
        naam: p.naam.clone(),
        soort: p.soort.clone(),
        samenvatting: p.samenvatting.clone(),
        beschrijving: p.source.body.trim().to_string(),
        telefoon: p.telefoon.clone(),
        email: p.email.clone(),
        website: p.website.clone(),
        adres: p.adres.as_ref().map(|a| LocatieItem {
            naam: None,
            straat: a.straat.clone(),
            postcode: a.postcode.clone(),
            plaats: a.plaats.clone(),
            lat: a.lat,
            lon: a.lon,
        }),
        gemeenten: refs(&p.gemeenten, |id| {
            c.gemeente(id).map(|g| {
                (
                    g.naam.clone(),
                    Some(c.absolute_url(&format!("/gemeenten/{id}/"))),
                )
            })
        }),
        openingstijden: p.openingstijden.as_ref().map(|o| match o {
            Openingstijden::Tekst(t) => OpeningstijdenItem {
                tekst: Some(t.clone()),
                tijden: Vec::new(),
            },
            Openingstijden::Tijden(list) => OpeningstijdenItem {
                tekst: None,
                tijden: list
                    .iter()
                    .map(|t| OpeningstijdItem {
                        dagen: t.dagen.clone(),
                        van: t.van.clone(),
                        tot: t.tot.clone(),
                    })
                    .collect(),
            },
        }),
        contactpersonen: p.contactpersonen.iter().map(contact_item).collect(),
        logo: p.logo.as_ref().map(|l| c.absolute_url(&format!("/{l}"))),
        aanbod: site
            .aanbod
            .iter()
            .filter(|a| a.aanbieder.contains(&p.source.slug))
            .map(|a| a.source.slug.clone())
            .collect(),
        laatst_gecontroleerd: p.laatst_gecontroleerd.to_string(),
    }
}

/// A column of a CSV export: its header and how to fill it.
type Column<T> = (&'static str, fn(&T) -> String);

fn join<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values.into_iter().collect::<Vec<_>>().join(";")
}

fn ids_of(refs: &[Verwijzing]) -> String {
    join(refs.iter().map(|r| r.id.as_str()))
}

fn names_of(refs: &[Verwijzing]) -> String {
    join(refs.iter().map(|r| r.naam.as_str()))
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// The columns of `/data/aanbod.csv`; lists are joined with `;`.
pub const AANBOD_COLUMNS: &[Column<AanbodItem>] = &[
    ("id", |a| a.id.clone()),
    ("url", |a| a.url.clone()),
    ("hsds_id", |a| a.hsds_id.clone()),
    ("titel", |a| a.titel.clone()),
    ("samenvatting", |a| a.samenvatting.clone()),
    ("aanbieders", |a| ids_of(&a.aanbieders)),
    ("aanbieder_namen", |a| names_of(&a.aanbieders)),
    ("themas", |a| ids_of(&a.themas)),
    ("thema_namen", |a| names_of(&a.themas)),
    ("doelgroepen", |a| ids_of(&a.doelgroepen)),
    ("gemeenten", |a| ids_of(&a.gemeenten)),
    ("kernen", |a| ids_of(&a.kernen)),
    ("toegang", |a| a.toegang.id.clone()),
    ("leeftijd_van", |a| opt(&a.leeftijd.as_ref().map(|l| l.van))),
    ("leeftijd_tot", |a| opt(&a.leeftijd.as_ref().map(|l| l.tot))),
    ("vorm", |a| join(a.vorm.iter().map(String::as_str))),
    ("gratis", |a| {
        if a.kosten.as_ref().is_some_and(|k| k.gratis) {
            "ja".into()
        } else {
            "nee".into()
        }
    }),
    ("kosten", |a| {
        opt(&a.kosten.as_ref().and_then(|k| k.tekst.clone()))
    }),
    ("kosten_bedrag", |a| {
        opt(&a.kosten.as_ref().and_then(|k| k.bedrag))
    }),
    ("aanmelden_tekst", |a| {
        opt(&a.aanmelden.as_ref().and_then(|m| m.tekst.clone()))
    }),
    ("aanmelden_telefoon", |a| {
        opt(&a.aanmelden.as_ref().and_then(|m| m.telefoon.clone()))
    }),
    ("aanmelden_email", |a| {
        opt(&a.aanmelden.as_ref().and_then(|m| m.email.clone()))
    }),
    ("aanmelden_url", |a| {
        opt(&a.aanmelden.as_ref().and_then(|m| m.url.clone()))
    }),
    ("aanmelden_via", |a| {
        opt(&a
            .aanmelden
            .as_ref()
            .and_then(|m| m.via.as_ref().map(|v| v.id.clone())))
    }),
    ("contact_naam", |a| {
        opt(&a.contact.as_ref().and_then(|c| c.naam.clone()))
    }),
    ("contact_rol", |a| {
        opt(&a.contact.as_ref().and_then(|c| c.rol.clone()))
    }),
    ("contact_telefoon", |a| {
        opt(&a.contact.as_ref().and_then(|c| c.telefoon.clone()))
    }),
    ("contact_email", |a| {
        opt(&a.contact.as_ref().and_then(|c| c.email.clone()))
    }),
    ("locaties", |a| {
        join(a.locaties.iter().filter_map(|l| l.naam.as_deref()))
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
        runs.join(";")
    }),
    ("erkenning", |a| {
        opt(&a.erkenning.as_ref().map(|e| e.niveau.clone()))
    }),
    ("trefwoorden", |a| {
        join(a.trefwoorden.iter().map(String::as_str))
    }),
    ("talen", |a| join(a.talen.iter().map(String::as_str))),
    ("status", |a| {
        serde_json::to_value(&a.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }),
    ("laatst_gecontroleerd", |a| a.laatst_gecontroleerd.clone()),
    ("beschrijving", |a| a.beschrijving.clone()),
];

/// The columns of `/data/aanbieders.csv`; lists are joined with `;`.
pub const AANBIEDERS_COLUMNS: &[Column<AanbiederItem>] = &[
    ("id", |p| p.id.clone()),
    ("url", |p| p.url.clone()),
    ("hsds_id", |p| p.hsds_id.clone()),
    ("naam", |p| p.naam.clone()),
    ("soort", |p| p.soort.clone()),
    ("samenvatting", |p| p.samenvatting.clone()),
    ("telefoon", |p| opt(&p.telefoon)),
    ("email", |p| opt(&p.email)),
    ("website", |p| opt(&p.website)),
    ("straat", |p| {
        opt(&p.adres.as_ref().and_then(|a| a.straat.clone()))
    }),
    ("postcode", |p| {
        opt(&p.adres.as_ref().and_then(|a| a.postcode.clone()))
    }),
    ("plaats", |p| {
        opt(&p.adres.as_ref().and_then(|a| a.plaats.clone()))
    }),
    ("lat", |p| opt(&p.adres.as_ref().and_then(|a| a.lat))),
    ("lon", |p| opt(&p.adres.as_ref().and_then(|a| a.lon))),
    ("gemeenten", |p| ids_of(&p.gemeenten)),
    ("aanbod", |p| join(p.aanbod.iter().map(String::as_str))),
    ("laatst_gecontroleerd", |p| p.laatst_gecontroleerd.clone()),
    ("beschrijving", |p| p.beschrijving.clone()),
];

fn csv<T>(columns: &[Column<T>], items: &[T]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(columns.iter().map(|(name, _)| *name))
        .expect("writing CSV to memory");
    for item in items {
        writer
            .write_record(columns.iter().map(|(_, value)| value(item)))
            .expect("writing CSV to memory");
    }
    writer.into_inner().expect("writing CSV to memory")
}

fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("open data serializes");
    bytes.push(b'\n');
    bytes
}

/// A JSON Schema with its own address as `$id`.
fn schema<T: JsonSchema>(site: &Site, path: &str) -> Vec<u8> {
    let mut schema = serde_json::to_value(schemars::schema_for!(T)).expect("schema serializes");
    schema["$id"] = serde_json::Value::String(site.config.absolute_url(path));
    json_bytes(&schema)
}

pub fn write(site: &Site, output: &mut Output) {
    let aanbod = aanbod_bestand(site);
    let aanbieders = aanbieders_bestand(site);
    output.add("data/aanbod.json", json_bytes(&aanbod));
    output.add("data/aanbieders.json", json_bytes(&aanbieders));
    output.add(
        "data/aanbod.schema.json",
        schema::<AanbodBestand>(site, "/data/aanbod.schema.json"),
    );
    output.add(
        "data/aanbieders.schema.json",
        schema::<AanbiedersBestand>(site, "/data/aanbieders.schema.json"),
    );
    output.add("data/aanbod.csv", csv(AANBOD_COLUMNS, &aanbod.aanbod));
    output.add(
        "data/aanbieders.csv",
        csv(AANBIEDERS_COLUMNS, &aanbieders.aanbieders),
    );
}
