//! schema.org structured data (JSON-LD) for search engines and other
//! directories: offers as `Service`, dated runs as `Event`, providers as
//! `Organization` with `ContactPoint`s, villages as `Place`, the site as
//! `WebSite` with a `SearchAction`. Built here as typed values that borrow
//! from the site, so that templates only print a finished, escaped string.
//!
//! The fields of every type are declared in byte order of their JSON keys,
//! and so serialize in the same order as a sorted JSON object would: the
//! output does not depend on how the values are built, and a test holds the
//! order to that. A type whose first key is `@type` names its schema.org
//! type as a serde tag; one with `@context` or `@id` first keeps a `kind`
//! field, since a tag is always written first.

use fnv::FnvHashMap as HashMap;
use serde::{Serialize, Serializer};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use crate::model::{
    Aanbieder, Aanbod, Aanmelden, Adres, Contact, Gemeente, Kern, Kosten, Locatie, Openingstijden,
    Site, offer_url, provider_url,
};

const CONTEXT: &str = "https://schema.org";

/// Serializes a JSON-LD value for a `<script type="application/ld+json">`
/// element. `<` only occurs inside JSON strings, where `\u003c` means the
/// same, so no text from content can close the script element.
pub fn to_script(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).expect("JSON-LD values always serialize");
    if text.contains('<') {
        text.replace('<', "\\u003c")
    } else {
        text
    }
}

/// `@id` of an entity: its page URL with a fragment naming the type.
fn id(site: &Site, path: &str, kind: &str) -> String {
    format!("{}#{kind}", site.config.absolute_url(path))
}

/// A text that is left out when absent or empty.
fn blank(text: &Option<&str>) -> bool {
    text.is_none_or(str::is_empty)
}

fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|t| !t.is_empty())
}

/// Items that are left out when there are none, written as one value when
/// there is one, and as a list otherwise.
struct OneOrMore<T>(Vec<T>);

impl<T> OneOrMore<T> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for OneOrMore<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(serializer),
            many => many.serialize(serializer),
        }
    }
}

/// A Dutch phone number in international form, `+31 541 000 200`.
fn international_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with('+') {
        format!("+{digits}")
    } else if let Some(international) = digits.strip_prefix("00") {
        format!("+{international}")
    } else {
        format!("+31{}", digits.strip_prefix('0').unwrap_or(&digits))
    }
}

#[derive(Serialize, Clone)]
#[serde(tag = "@type", rename = "PostalAddress", rename_all = "camelCase")]
struct PostalAddress<'a> {
    address_country: &'static str,
    #[serde(skip_serializing_if = "blank")]
    address_locality: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address_region: Option<&'static str>,
    #[serde(skip_serializing_if = "blank")]
    postal_code: Option<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    street_address: Option<&'a str>,
}

fn postal_address<'a>(
    straat: &'a Option<String>,
    postcode: &'a Option<String>,
    plaats: &'a Option<String>,
) -> Option<PostalAddress<'a>> {
    if straat.is_none() && postcode.is_none() && plaats.is_none() {
        return None;
    }
    Some(PostalAddress {
        address_country: "NL",
        address_locality: text(plaats),
        address_region: None,
        postal_code: text(postcode),
        street_address: text(straat),
    })
}

#[derive(Serialize, Clone)]
#[serde(tag = "@type", rename = "GeoCoordinates")]
struct Geo {
    latitude: f64,
    longitude: f64,
}

fn geo(lat: Option<f64>, lon: Option<f64>) -> Option<Geo> {
    Some(Geo {
        latitude: lat?,
        longitude: lon?,
    })
}

/// A municipality as the area an offer or provider serves.
#[derive(Serialize, Clone)]
pub struct AdministrativeArea<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

pub fn administrative_area<'a>(site: &Site, gemeente: &'a Gemeente) -> AdministrativeArea<'a> {
    let path = format!("/gemeenten/{}/", gemeente.id);
    AdministrativeArea {
        id: id(site, &path, "gemeente"),
        kind: "AdministrativeArea",
        name: &gemeente.naam,
        url: site.config.absolute_url(&path),
    }
}

/// A place: a village, a provider's location or an offer's venue. Only a
/// village stands alone on its page, with a `@context`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Place<'a> {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    context: Option<&'static str>,
    #[serde(rename = "@id", skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<PostalAddress<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contained_in_place: Option<AdministrativeArea<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo: Option<Geo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// A village, with its coordinates and municipality.
pub fn place<'a>(site: &Site, gemeente: &'a Gemeente, kern: &'a Kern) -> Place<'a> {
    let path = format!("/kernen/{}/", kern.id);
    Place {
        context: Some(CONTEXT),
        id: Some(id(site, &path, "plaats")),
        kind: "Place",
        address: Some(PostalAddress {
            address_country: "NL",
            address_locality: Some(&kern.naam),
            address_region: Some("Overijssel"),
            postal_code: None,
            street_address: None,
        }),
        contained_in_place: Some(administrative_area(site, gemeente)),
        geo: geo(kern.lat, kern.lon),
        name: Some(&kern.naam),
        url: Some(site.config.absolute_url(&path)),
    }
}

fn location_place(l: &Locatie) -> Place<'_> {
    Place {
        context: None,
        id: None,
        kind: "Place",
        address: postal_address(&l.straat, &l.postcode, &l.plaats),
        contained_in_place: None,
        geo: geo(l.lat, l.lon),
        name: Some(&l.naam),
        url: None,
    }
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "ContactPoint", rename_all = "camelCase")]
struct ContactPoint<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    available_language: Option<&'static str>,
    #[serde(skip_serializing_if = "blank")]
    contact_type: Option<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hours_available: Vec<OpeningHours<'a>>,
    #[serde(skip_serializing_if = "blank")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
}

fn contact_point<'a>(
    naam: Option<&'a str>,
    rol: Option<&'a str>,
    telefoon: Option<&str>,
    email: Option<&'a str>,
) -> Option<ContactPoint<'a>> {
    if telefoon.is_none() && email.is_none() {
        return None;
    }
    Some(ContactPoint {
        available_language: Some("nl"),
        contact_type: rol.or(naam),
        email,
        hours_available: Vec::new(),
        name: naam,
        telephone: telefoon.map(international_phone).filter(|t| !t.is_empty()),
    })
}

fn person(contact: &Contact) -> Option<ContactPoint<'_>> {
    contact_point(
        contact.naam.as_deref(),
        contact.rol.as_deref(),
        contact.telefoon.as_deref(),
        contact.email.as_deref(),
    )
}

#[derive(Serialize)]
#[serde(
    tag = "@type",
    rename = "OpeningHoursSpecification",
    rename_all = "camelCase"
)]
struct OpeningHours<'a> {
    #[serde(skip_serializing_if = "blank")]
    closes: Option<&'a str>,
    day_of_week: Vec<String>,
    #[serde(skip_serializing_if = "blank")]
    opens: Option<&'a str>,
}

const DAYS: [(&str, &str); 7] = [
    ("maandag", "Monday"),
    ("dinsdag", "Tuesday"),
    ("woensdag", "Wednesday"),
    ("donderdag", "Thursday"),
    ("vrijdag", "Friday"),
    ("zaterdag", "Saturday"),
    ("zondag", "Sunday"),
];

/// schema.org days for Dutch day expressions: "maandag t/m vrijdag",
/// "dinsdag en donderdag", "woensdag". `None` for anything else, so that
/// free text never turns into wrong hours.
fn days_of_week(text: &str) -> Option<Vec<&'static str>> {
    let index = |word: &str| DAYS.iter().position(|(nl, _)| *nl == word.trim());
    let text = text.trim().to_lowercase();
    for range in [" t/m ", " tot en met ", " - "] {
        if let Some((from, to)) = text.split_once(range) {
            let (from, to) = (index(from)?, index(to)?);
            return (from <= to).then(|| DAYS[from..=to].iter().map(|(_, en)| *en).collect());
        }
    }
    text.split([',', ' '])
        .filter(|w| !w.is_empty() && *w != "en")
        .map(|w| index(w).map(|i| DAYS[i].1))
        .collect()
}

fn opening_hours(p: &Aanbieder) -> Vec<OpeningHours<'_>> {
    let Some(Openingstijden::Tijden(times)) = &p.openingstijden else {
        return Vec::new();
    };
    times
        .iter()
        .filter_map(|t| {
            let days = days_of_week(&t.dagen)?;
            Some(OpeningHours {
                closes: t.tot.as_deref(),
                day_of_week: days
                    .iter()
                    .map(|d| format!("https://schema.org/{d}"))
                    .collect(),
                opens: t.van.as_deref(),
            })
        })
        .collect()
}

/// A provider, with its general contact point and its contact persons.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<PostalAddress<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    area_served: Vec<AdministrativeArea<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contact_point: Vec<ContactPoint<'a>>,
    description: &'a str,
    #[serde(skip_serializing_if = "blank")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Place<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
    name: &'a str,
    #[serde(skip_serializing_if = "blank")]
    same_as: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
    url: String,
}

pub fn organization<'a>(site: &'a Site, p: &'a Aanbieder) -> Organization<'a> {
    let path = provider_url(&p.source.slug);
    let (address, location) = match &p.adres {
        Some(Adres {
            straat,
            postcode,
            plaats,
            lat,
            lon,
        }) => (
            postal_address(straat, postcode, plaats),
            geo(*lat, *lon).map(|g| Place {
                context: None,
                id: None,
                kind: "Place",
                address: None,
                contained_in_place: None,
                geo: Some(g),
                name: None,
                url: None,
            }),
        ),
        None => (None, None),
    };
    let general = contact_point(
        None,
        Some("algemeen"),
        p.telefoon.as_deref(),
        p.email.as_deref(),
    )
    .map(|point| ContactPoint {
        hours_available: opening_hours(p),
        ..point
    });
    Organization {
        context: CONTEXT,
        id: id(site, &path, "organisatie"),
        kind: "Organization",
        address,
        area_served: p
            .gemeenten
            .iter()
            .filter_map(|g| site.config.gemeente(g))
            .map(|g| administrative_area(site, g))
            .collect(),
        contact_point: general
            .into_iter()
            .chain(p.contactpersonen.iter().filter_map(person))
            .collect(),
        description: &p.samenvatting,
        email: p.email.as_deref(),
        location,
        logo: p
            .logo
            .as_ref()
            .map(|l| site.config.absolute_url(&format!("/{l}"))),
        name: &p.naam,
        same_as: p.website.as_deref(),
        telephone: p.telefoon.as_deref().map(international_phone),
        url: site.config.absolute_url(&path),
    }
}

/// Where an offer is: its villages, or else its municipalities, as
/// [`Areas`] wrote them; or the venue of its dated runs.
#[derive(Serialize, Clone)]
#[serde(untagged)]
enum Area<'a> {
    Served(&'a RawValue),
    Place(Box<Place<'a>>),
}

fn raw_json(value: &impl Serialize) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).expect("JSON-LD values always serialize")
}

/// Every village (as a `Place`) and municipality (as an
/// `AdministrativeArea`) that offers serve, serialized once for the site:
/// each offer page names one or more of them.
pub struct Areas {
    kernen: HashMap<String, Box<RawValue>>,
    gemeenten: HashMap<String, Box<RawValue>>,
}

impl Areas {
    pub fn new(site: &Site) -> Areas {
        let mut areas = Areas {
            kernen: HashMap::default(),
            gemeenten: HashMap::default(),
        };
        for g in &site.config.gemeenten {
            areas
                .gemeenten
                .entry(g.id.clone())
                .or_insert_with(|| raw_json(&administrative_area(site, g)));
            for k in &g.kernen {
                // A village id names the first village with it, as
                // `SiteConfig::kern` finds it.
                areas.kernen.entry(k.id.clone()).or_insert_with(|| {
                    raw_json(&Place {
                        context: None,
                        ..place(site, g, k)
                    })
                });
            }
        }
        areas
    }
}

fn areas_served<'a>(areas: &'a Areas, a: &Aanbod) -> Vec<Area<'a>> {
    let (ids, served) = if a.kernen.is_empty() {
        (&a.gemeenten, &areas.gemeenten)
    } else {
        (&a.kernen, &areas.kernen)
    };
    ids.iter()
        .filter_map(|id| served.get(id))
        .map(|json| Area::Served(json))
        .collect()
}

#[derive(Serialize, Clone)]
struct OrganizationRef<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "PeopleAudience", rename_all = "camelCase")]
struct Audience {
    #[serde(skip_serializing_if = "String::is_empty")]
    audience_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_max_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_min_age: Option<u32>,
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "ServiceChannel", rename_all = "camelCase")]
struct ServiceChannel<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    service_phone: Option<ContactPoint<'a>>,
    #[serde(skip_serializing_if = "OneOrMore::is_empty")]
    service_place: OneOrMore<Place<'a>>,
    #[serde(skip_serializing_if = "blank")]
    service_url: Option<&'a str>,
}

impl ServiceChannel<'_> {
    fn is_empty(&self) -> bool {
        self.service_phone.is_none() && self.service_place.is_empty() && blank(&self.service_url)
    }
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "Offer", rename_all = "camelCase")]
struct Offer<'a> {
    #[serde(skip_serializing_if = "blank")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price_currency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_through: Option<String>,
}

fn price_offer(kosten: &Option<Kosten>) -> Option<Offer<'_>> {
    let offer = |description, price: Option<Json>| Offer {
        description,
        price_currency: price.as_ref().map(|_| "EUR"),
        price,
        url: None,
        valid_through: None,
    };
    match kosten.as_ref()? {
        Kosten::Gratis(_) => Some(offer(None, Some(0.into()))),
        Kosten::Bedrag(k) => Some(offer(k.toelichting.as_deref(), k.bedrag.map(Json::from))),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Service<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "OneOrMore::is_empty")]
    area_served: OneOrMore<Area<'a>>,
    audience: Audience,
    #[serde(skip_serializing_if = "ServiceChannel::is_empty")]
    available_channel: ServiceChannel<'a>,
    description: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hours_available: Vec<OpeningHours<'a>>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    offers: Option<Offer<'a>>,
    #[serde(skip_serializing_if = "OneOrMore::is_empty")]
    provider: OneOrMore<OrganizationRef<'a>>,
    #[serde(skip_serializing_if = "OneOrMore::is_empty")]
    service_type: OneOrMore<&'a str>,
    #[serde(skip_serializing_if = "blank")]
    terms_of_service: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct About {
    #[serde(rename = "@id")]
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    about: About,
    description: &'a str,
    end_date: String,
    event_attendance_mode: &'static str,
    event_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Area<'a>>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    offers: Option<Offer<'a>>,
    #[serde(skip_serializing_if = "OneOrMore::is_empty")]
    organizer: OneOrMore<OrganizationRef<'a>>,
    start_date: String,
    url: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Service(Box<Service<'a>>),
    Event(Box<Event<'a>>),
}

/// An offer as `Service`, followed by one `Event` per dated run: the
/// `@graph` of an offer page.
#[derive(Serialize)]
pub struct OfferGraph<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

pub fn offer_graph<'a>(site: &'a Site, areas: &'a Areas, a: &'a Aanbod) -> OfferGraph<'a> {
    let path = offer_url(&a.source.slug);
    let url = site.config.absolute_url(&path);
    let providers: Vec<&Aanbieder> = a
        .aanbieder
        .iter()
        .filter_map(|slug| site.aanbieder(slug))
        .collect();
    let provider_refs: Vec<OrganizationRef> = providers
        .iter()
        .map(|p| OrganizationRef {
            id: id(site, &provider_url(&p.source.slug), "organisatie"),
            kind: "Organization",
            name: &p.naam,
        })
        .collect();
    let audience_names: Vec<&str> = a
        .doelgroep
        .iter()
        .filter_map(|d| site.config.doelgroep(d))
        .map(|d| d.naam.as_str())
        .collect();
    let contact_phone = a.contact.as_ref().and_then(|c| c.telefoon.as_deref());
    let service_id = id(site, &path, "aanbod");
    let areas = areas_served(areas, a);
    // A dated run takes place at the offer's first venue, or else in the
    // first area it serves.
    let run_location = match a.locaties.first() {
        Some(l) => Some(Area::Place(Box::new(location_place(l)))),
        None => areas.first().cloned(),
    };
    let service = Service {
        id: service_id.clone(),
        kind: "Service",
        area_served: OneOrMore(areas),
        audience: Audience {
            audience_type: audience_names.join(", "),
            suggested_max_age: a.leeftijd.map(|l| l.tot),
            suggested_min_age: a.leeftijd.map(|l| l.van),
        },
        available_channel: ServiceChannel {
            service_phone: contact_phone.map(|t| ContactPoint {
                available_language: None,
                contact_type: Some("aanmelden en vragen"),
                email: None,
                hours_available: Vec::new(),
                name: None,
                telephone: Some(international_phone(t)),
            }),
            service_place: OneOrMore(a.locaties.iter().map(location_place).collect()),
            service_url: match &a.aanmelden {
                Some(Aanmelden::Details(d)) => d.url.as_deref(),
                _ => None,
            },
        },
        description: &a.samenvatting,
        hours_available: providers.iter().flat_map(|p| opening_hours(p)).collect(),
        name: &a.titel,
        offers: price_offer(&a.kosten),
        provider: OneOrMore(provider_refs.clone()),
        service_type: OneOrMore(
            a.themas
                .iter()
                .filter_map(|t| site.config.thema(t))
                .map(|t| t.naam.as_str())
                .collect(),
        ),
        terms_of_service: site
            .config
            .toegang(&a.toegang)
            .map(|t| t.uitleg.as_deref().unwrap_or(&t.naam)),
        url: url.clone(),
    };
    let mut graph = vec![Node::Service(Box::new(service))];
    for (n, run) in a.data.iter().enumerate() {
        graph.push(Node::Event(Box::new(Event {
            id: format!("{url}#datum-{}", n + 1),
            kind: "Event",
            about: About {
                id: service_id.clone(),
            },
            description: run.omschrijving.as_deref().unwrap_or(&a.samenvatting),
            end_date: run.last_day().to_string(),
            event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
            event_status: "https://schema.org/EventScheduled",
            location: run_location.clone(),
            name: &a.titel,
            offers: price_offer(&a.kosten).map(|offer| Offer {
                url: Some(url.clone()),
                valid_through: run.aanmelden_voor.map(|d| d.to_string()),
                ..offer
            }),
            organizer: OneOrMore(provider_refs.clone()),
            start_date: run.start.to_string(),
            url: url.clone(),
        })));
    }
    OfferGraph {
        context: CONTEXT,
        graph,
    }
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "GovernmentOrganization")]
struct Publisher<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "blank")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "EntryPoint", rename_all = "camelCase")]
struct EntryPoint {
    url_template: String,
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "SearchAction", rename_all = "camelCase")]
struct SearchAction {
    #[serde(rename = "query-input")]
    query_input: &'static str,
    target: EntryPoint,
}

/// The site as `WebSite` with its search page as a `SearchAction`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebSite<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "blank")]
    description: Option<&'a str>,
    in_language: &'a str,
    name: &'a str,
    potential_action: SearchAction,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Publisher<'a>>,
    url: String,
}

pub fn website(site: &Site) -> WebSite<'_> {
    let c = &site.config;
    WebSite {
        context: CONTEXT,
        id: id(site, "/", "website"),
        kind: "WebSite",
        description: c.omschrijving.as_deref(),
        in_language: &c.taal,
        name: &c.titel,
        potential_action: SearchAction {
            query_input: "required name=zoekterm",
            target: EntryPoint {
                url_template: format!("{}?q={{zoekterm}}", c.absolute_url("/zoeken/")),
            },
        },
        publisher: c.organisatie.as_ref().map(|o| Publisher {
            name: &o.naam,
            url: o.website.as_deref(),
        }),
        url: c.absolute_url("/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phone_numbers_become_international() {
        assert_eq!(international_phone("0541 000 200"), "+31541000200");
        assert_eq!(international_phone("+31 6 00000000"), "+31600000000");
        assert_eq!(international_phone("0031 541 000200"), "+31541000200");
    }

    #[test]
    fn dutch_day_ranges_are_read() {
        assert_eq!(
            days_of_week("maandag t/m vrijdag").unwrap(),
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
        );
        assert_eq!(
            days_of_week("dinsdag en donderdag").unwrap(),
            ["Tuesday", "Thursday"]
        );
        assert_eq!(days_of_week("Woensdag").unwrap(), ["Wednesday"]);
        assert_eq!(days_of_week("na afspraak"), None);
        assert_eq!(days_of_week("vrijdag t/m maandag"), None);
    }

    #[test]
    fn one_item_is_written_alone_and_more_as_a_list() {
        assert_eq!(to_script(&OneOrMore(vec!["a"])), r#""a""#);
        assert_eq!(to_script(&OneOrMore(vec!["a", "b"])), r#"["a","b"]"#);
        assert!(OneOrMore::<&str>(Vec::new()).is_empty());
    }

    #[test]
    fn script_text_cannot_close_the_element() {
        let text = to_script(&json!({ "name": "</script><script>alert(1)</script>" }));
        assert!(!text.contains('<'), "{text}");
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
