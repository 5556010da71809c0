//! schema.org structured data (JSON-LD) for search engines and other
//! directories: offers as `Service`, dated runs as `Event`, providers as
//! `Organization` with `ContactPoint`s, villages as `Place`, the site as
//! `WebSite` with a `SearchAction`. Built here as serde_json values so that
//! templates only print a finished, escaped string.

use serde_json::{Map, Value as Json, json};

use crate::model::{
    Aanbieder, Aanbod, Adres, Contact, Gemeente, Kern, Kosten, Locatie, Openingstijden, Site,
};
use crate::render::{offer_url, provider_url};

const CONTEXT: &str = "https://schema.org";

/// Serializes a JSON-LD value for a `<script type="application/ld+json">`
/// element. `<` only occurs inside JSON strings, where `\u003c` means the
/// same, so no text from content can close the script element.
pub fn to_script(value: &Json) -> String {
    serde_json::to_string(value)
        .expect("JSON values always serialize")
        .replace('<', "\\u003c")
}

/// `@id` of an entity: its page URL with a fragment naming the type.
fn id(site: &Site, path: &str, kind: &str) -> String {
    format!("{}#{kind}", site.config.absolute_url(path))
}

/// Inserts `key` only when the value is present and non-empty.
fn put(map: &mut Map<String, Json>, key: &str, value: impl Into<Json>) {
    let value = value.into();
    let empty = match &value {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        _ => false,
    };
    if !empty {
        map.insert(key.to_string(), value);
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

fn postal_address(
    straat: &Option<String>,
    postcode: &Option<String>,
    plaats: &Option<String>,
) -> Option<Json> {
    if straat.is_none() && postcode.is_none() && plaats.is_none() {
        return None;
    }
    let mut address = Map::new();
    address.insert("@type".into(), "PostalAddress".into());
    put(&mut address, "streetAddress", straat.clone());
    put(&mut address, "postalCode", postcode.clone());
    put(&mut address, "addressLocality", plaats.clone());
    address.insert("addressCountry".into(), "NL".into());
    Some(Json::Object(address))
}

fn geo(lat: Option<f64>, lon: Option<f64>) -> Option<Json> {
    match (lat, lon) {
        (Some(latitude), Some(longitude)) => {
            Some(json!({ "@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude }))
        }
        _ => None,
    }
}

/// A municipality as the area an offer or provider serves.
pub fn administrative_area(site: &Site, gemeente: &Gemeente) -> Json {
    json!({
        "@type": "AdministrativeArea",
        "@id": id(site, &format!("/gemeenten/{}/", gemeente.id), "gemeente"),
        "name": gemeente.naam,
        "url": site.config.absolute_url(&format!("/gemeenten/{}/", gemeente.id)),
    })
}

/// A village, with its coordinates and municipality.
pub fn place(site: &Site, gemeente: &Gemeente, kern: &Kern) -> Json {
    let path = format!("/kernen/{}/", kern.id);
    let mut place = Map::new();
    place.insert("@context".into(), CONTEXT.into());
    place.insert("@type".into(), "Place".into());
    place.insert("@id".into(), id(site, &path, "plaats").into());
    place.insert("name".into(), kern.naam.clone().into());
    place.insert("url".into(), site.config.absolute_url(&path).into());
    put(&mut place, "geo", geo(kern.lat, kern.lon));
    place.insert(
        "address".into(),
        json!({ "@type": "PostalAddress", "addressLocality": kern.naam, "addressRegion": "Overijssel", "addressCountry": "NL" }),
    );
    place.insert(
        "containedInPlace".into(),
        administrative_area(site, gemeente),
    );
    Json::Object(place)
}

fn contact_point(contact: &Contact) -> Option<Json> {
    if contact.telefoon.is_none() && contact.email.is_none() {
        return None;
    }
    let mut point = Map::new();
    point.insert("@type".into(), "ContactPoint".into());
    put(&mut point, "name", contact.naam.clone());
    put(
        &mut point,
        "contactType",
        contact.rol.clone().or_else(|| contact.naam.clone()),
    );
    put(
        &mut point,
        "telephone",
        contact.telefoon.as_deref().map(international_phone),
    );
    put(&mut point, "email", contact.email.clone());
    point.insert("availableLanguage".into(), "nl".into());
    Some(Json::Object(point))
}

/// A provider, with its general contact point and its contact persons.
pub fn organization(site: &Site, p: &Aanbieder) -> Json {
    let path = provider_url(&p.source.slug);
    let mut org = Map::new();
    org.insert("@context".into(), CONTEXT.into());
    org.insert("@type".into(), "Organization".into());
    org.insert("@id".into(), id(site, &path, "organisatie").into());
    org.insert("name".into(), p.naam.clone().into());
    org.insert("description".into(), p.samenvatting.clone().into());
    org.insert("url".into(), site.config.absolute_url(&path).into());
    put(&mut org, "sameAs", p.website.clone());
    put(
        &mut org,
        "telephone",
        p.telefoon.as_deref().map(international_phone),
    );
    put(&mut org, "email", p.email.clone());
    put(
        &mut org,
        "logo",
        p.logo
            .as_ref()
            .map(|l| site.config.absolute_url(&format!("/{l}"))),
    );
    if let Some(Adres {
        straat,
        postcode,
        plaats,
        lat,
        lon,
    }) = &p.adres
    {
        put(
            &mut org,
            "address",
            postal_address(straat, postcode, plaats),
        );
        put(
            &mut org,
            "location",
            geo(*lat, *lon).map(|g| json!({ "@type": "Place", "geo": g })),
        );
    }
    let general = Contact {
        naam: None,
        rol: Some("algemeen".into()),
        telefoon: p.telefoon.clone(),
        email: p.email.clone(),
    };
    let mut points: Vec<Json> = contact_point(&general).into_iter().collect();
    if let Some(Json::Object(first)) = points.first_mut() {
        put(first, "hoursAvailable", opening_hours(p));
    }
    points.extend(p.contactpersonen.iter().filter_map(contact_point));
    put(&mut org, "contactPoint", points);
    let areas: Vec<Json> = p
        .gemeenten
        .iter()
        .filter_map(|g| site.config.gemeente(g))
        .map(|g| administrative_area(site, g))
        .collect();
    put(&mut org, "areaServed", areas);
    Json::Object(org)
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

fn opening_hours(p: &Aanbieder) -> Vec<Json> {
    let Some(Openingstijden::Tijden(times)) = &p.openingstijden else {
        return Vec::new();
    };
    times
        .iter()
        .filter_map(|t| {
            let days = days_of_week(&t.dagen)?;
            let mut spec = Map::new();
            spec.insert("@type".into(), "OpeningHoursSpecification".into());
            spec.insert(
                "dayOfWeek".into(),
                days.iter()
                    .map(|d| format!("https://schema.org/{d}"))
                    .collect::<Vec<_>>()
                    .into(),
            );
            put(&mut spec, "opens", t.van.clone());
            put(&mut spec, "closes", t.tot.clone());
            Some(Json::Object(spec))
        })
        .collect()
}

fn location_place(l: &Locatie) -> Json {
    let mut place = Map::new();
    place.insert("@type".into(), "Place".into());
    place.insert("name".into(), l.naam.clone().into());
    put(
        &mut place,
        "address",
        postal_address(&l.straat, &l.postcode, &l.plaats),
    );
    put(&mut place, "geo", geo(l.lat, l.lon));
    Json::Object(place)
}

fn areas_served(site: &Site, a: &Aanbod) -> Vec<Json> {
    if a.kernen.is_empty() {
        a.gemeenten
            .iter()
            .filter_map(|g| site.config.gemeente(g))
            .map(|g| administrative_area(site, g))
            .collect()
    } else {
        a.kernen
            .iter()
            .filter_map(|k| site.config.kern(k))
            .map(|(g, k)| {
                let mut place = place(site, g, k);
                if let Json::Object(map) = &mut place {
                    map.remove("@context");
                }
                place
            })
            .collect()
    }
}

/// An offer as `Service`, followed by one `Event` per dated run: a
/// `@graph` for the offer page.
pub fn offer_graph(site: &Site, a: &Aanbod) -> Json {
    let path = offer_url(&a.source.slug);
    let url = site.config.absolute_url(&path);
    let providers: Vec<&Aanbieder> = a
        .aanbieder
        .iter()
        .filter_map(|slug| site.aanbieder(slug))
        .collect();
    let provider_refs: Vec<Json> = providers
        .iter()
        .map(|p| json!({ "@type": "Organization", "@id": id(site, &provider_url(&p.source.slug), "organisatie"), "name": p.naam }))
        .collect();
    let mut service = Map::new();
    service.insert("@type".into(), "Service".into());
    service.insert("@id".into(), id(site, &path, "aanbod").into());
    service.insert("name".into(), a.titel.clone().into());
    service.insert("description".into(), a.samenvatting.clone().into());
    service.insert("url".into(), url.clone().into());
    put(
        &mut service,
        "provider",
        single_or_list(provider_refs.clone()),
    );
    put(
        &mut service,
        "areaServed",
        single_or_list(areas_served(site, a)),
    );
    let themes: Vec<Json> = a
        .themas
        .iter()
        .filter_map(|t| site.config.thema(t))
        .map(|t| Json::String(t.naam.clone()))
        .collect();
    put(&mut service, "serviceType", single_or_list(themes));
    let mut audience = Map::new();
    audience.insert("@type".into(), "PeopleAudience".into());
    let audience_names: Vec<String> = a
        .doelgroep
        .iter()
        .filter_map(|d| site.config.doelgroep(d))
        .map(|d| d.naam.clone())
        .collect();
    put(&mut audience, "audienceType", audience_names.join(", "));
    if let Some(l) = a.leeftijd {
        audience.insert("suggestedMinAge".into(), l.van.into());
        audience.insert("suggestedMaxAge".into(), l.tot.into());
    }
    service.insert("audience".into(), Json::Object(audience));
    let hours: Vec<Json> = providers.iter().flat_map(|p| opening_hours(p)).collect();
    put(&mut service, "hoursAvailable", hours);
    if let Some(offer) = price_offer(&a.kosten) {
        service.insert("offers".into(), offer);
    }
    let mut channel = Map::new();
    channel.insert("@type".into(), "ServiceChannel".into());
    let contact = a.contact.as_ref();
    put(&mut channel, "servicePhone", contact.and_then(|c| c.telefoon.as_deref()).map(|t| {
        json!({ "@type": "ContactPoint", "telephone": international_phone(t), "contactType": "aanmelden en vragen" })
    }));
    if let Some(crate::model::Aanmelden::Details(d)) = &a.aanmelden {
        put(&mut channel, "serviceUrl", d.url.clone());
    }
    put(
        &mut channel,
        "servicePlace",
        single_or_list(a.locaties.iter().map(location_place).collect()),
    );
    if channel.len() > 1 {
        service.insert("availableChannel".into(), Json::Object(channel));
    }
    put(
        &mut service,
        "termsOfService",
        site.config
            .toegang(&a.toegang)
            .map(|t| t.uitleg.clone().unwrap_or_else(|| t.naam.clone())),
    );

    let mut graph = vec![Json::Object(service)];
    for (n, run) in a.data.iter().enumerate() {
        let mut event = Map::new();
        event.insert("@type".into(), "Event".into());
        event.insert("@id".into(), format!("{url}#datum-{}", n + 1).into());
        event.insert("name".into(), a.titel.clone().into());
        event.insert(
            "description".into(),
            run.omschrijving
                .clone()
                .unwrap_or_else(|| a.samenvatting.clone())
                .into(),
        );
        event.insert("url".into(), url.clone().into());
        event.insert("startDate".into(), run.start.to_string().into());
        event.insert("endDate".into(), run.last_day().to_string().into());
        event.insert(
            "eventStatus".into(),
            "https://schema.org/EventScheduled".into(),
        );
        event.insert(
            "eventAttendanceMode".into(),
            "https://schema.org/OfflineEventAttendanceMode".into(),
        );
        let location = a
            .locaties
            .first()
            .map(location_place)
            .or_else(|| areas_served(site, a).into_iter().next());
        put(&mut event, "location", location);
        put(
            &mut event,
            "organizer",
            single_or_list(provider_refs.clone()),
        );
        event.insert("about".into(), json!({ "@id": id(site, &path, "aanbod") }));
        if let Some(Json::Object(mut offer)) = price_offer(&a.kosten) {
            offer.insert("url".into(), url.clone().into());
            put(
                &mut offer,
                "validThrough",
                run.aanmelden_voor.map(|d| d.to_string()),
            );
            event.insert("offers".into(), Json::Object(offer));
        }
        graph.push(Json::Object(event));
    }
    json!({ "@context": CONTEXT, "@graph": graph })
}

fn single_or_list(mut items: Vec<Json>) -> Json {
    match items.len() {
        0 => Json::Null,
        1 => items.remove(0),
        _ => Json::Array(items),
    }
}

fn price_offer(kosten: &Option<Kosten>) -> Option<Json> {
    match kosten {
        Some(Kosten::Gratis(_)) => {
            Some(json!({ "@type": "Offer", "price": 0, "priceCurrency": "EUR" }))
        }
        Some(Kosten::Bedrag(k)) => {
            let mut offer = Map::new();
            offer.insert("@type".into(), "Offer".into());
            if let Some(amount) = k.bedrag {
                offer.insert("price".into(), amount.into());
                offer.insert("priceCurrency".into(), "EUR".into());
            }
            put(&mut offer, "description", k.toelichting.clone());
            Some(Json::Object(offer))
        }
        None => None,
    }
}

/// The site as `WebSite` with its search page as a `SearchAction`.
pub fn website(site: &Site) -> Json {
    let c = &site.config;
    let mut web = Map::new();
    web.insert("@context".into(), CONTEXT.into());
    web.insert("@type".into(), "WebSite".into());
    web.insert("@id".into(), id(site, "/", "website").into());
    web.insert("name".into(), c.titel.clone().into());
    put(&mut web, "description", c.omschrijving.clone());
    web.insert("url".into(), c.absolute_url("/").into());
    web.insert("inLanguage".into(), c.taal.clone().into());
    put(
        &mut web,
        "publisher",
        c.organisatie.as_ref().map(|o| {
            let mut org = Map::new();
            org.insert("@type".into(), "GovernmentOrganization".into());
            org.insert("name".into(), o.naam.clone().into());
            put(&mut org, "url", o.website.clone());
            Json::Object(org)
        }),
    );
    web.insert(
        "potentialAction".into(),
        json!({
            "@type": "SearchAction",
            "target": { "@type": "EntryPoint", "urlTemplate": format!("{}?q={{zoekterm}}", c.absolute_url("/zoeken/")) },
            "query-input": "required name=zoekterm",
        }),
    );
    Json::Object(web)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn script_text_cannot_close_the_element() {
        let text = to_script(&json!({ "name": "</script><script>alert(1)</script>" }));
        assert!(!text.contains('<'), "{text}");
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
