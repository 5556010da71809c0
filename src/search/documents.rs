//! What is indexed: one search document per published offer and per
//! provider, with the text of each weighted field, the facet values and the
//! few words a result shows.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use crate::model::{Aanbieder, Aanbod, Aanmelden, Site, Status, offer_url, provider_url};
use crate::render::{markdown_to_text, sort_key};

/// A text field of the index and its weight in the ranking.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub name: &'static str,
    pub weight: f32,
}

/// The weighted text fields, in the order of [`SearchDoc::text`]. A term
/// found in a field scores that field's BM25 times its weight.
pub const TEXT_FIELDS: [TextField; 7] = [
    TextField {
        name: "titel",
        weight: 3.0,
    },
    TextField {
        name: "trefwoorden",
        weight: 3.0,
    },
    TextField {
        name: "themas",
        weight: 2.0,
    },
    TextField {
        name: "samenvatting",
        weight: 1.5,
    },
    TextField {
        name: "inhoud",
        weight: 1.0,
    },
    TextField {
        name: "aanbieder",
        weight: 0.8,
    },
    TextField {
        name: "plaatsen",
        weight: 0.6,
    },
];

/// The keyword field of theme ids, which a query's related themes boost.
pub const THEME_FIELD: TextField = TextField {
    name: "thema",
    weight: 1.0,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Aanbod,
    Aanbieder,
}

/// Facet values as indexes into the site's lists (`themas`, `gemeenten`,
/// the villages of all municipalities in order, `doelgroepen`, `toegang`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub themas: Vec<u16>,
    pub gemeenten: Vec<u16>,
    /// Villages named explicitly; empty means every village of `gemeenten`.
    pub kernen: Vec<u16>,
    pub doelgroepen: Vec<u16>,
    pub toegang: Option<u16>,
    pub gratis: bool,
    /// Inclusive age range in years; `None` means every age.
    pub leeftijd: Option<(u32, u32)>,
}

#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub kind: Kind,
    pub slug: String,
    pub url: String,
    pub title: String,
    /// The provider names of an offer, for the result line.
    pub provider: String,
    pub summary: String,
    /// `gepland` or `gepauzeerd`; `None` for an active offer or a provider.
    pub status: Option<&'static str>,
    /// Text of each of [`TEXT_FIELDS`].
    pub text: [String; TEXT_FIELDS.len()],
    /// Theme ids, for [`THEME_FIELD`].
    pub theme_ids: Vec<String>,
    pub facets: Facets,
}

/// The villages of every municipality, in site order: the index space of
/// [`Facets::kernen`].
pub fn all_villages(site: &Site) -> Vec<(usize, &crate::model::Kern)> {
    site.config
        .gemeenten
        .iter()
        .enumerate()
        .flat_map(|(g, gemeente)| gemeente.kernen.iter().map(move |k| (g, k)))
        .collect()
}

fn position<T>(list: &[T], found: impl Fn(&T) -> bool) -> Option<u16> {
    list.iter().position(found).map(|i| i as u16)
}

/// Every published offer (by title) and then every provider (by name): the
/// document numbers of the index, so that browsing lists them A to Z.
pub fn documents(site: &Site) -> Vec<SearchDoc> {
    let mut offers: Vec<&Aanbod> = site.aanbod.iter().collect();
    offers.sort_by_cached_key(|a| (sort_key(&a.titel), a.source.slug.clone()));
    let mut providers: Vec<&Aanbieder> = site.aanbieders.iter().collect();
    providers.sort_by_cached_key(|p| (sort_key(&p.naam), p.source.slug.clone()));
    let villages = all_villages(site);
    let by_slug: HashMap<&str, &Aanbieder> = site
        .aanbieders
        .iter()
        .map(|p| (p.source.slug.as_str(), p))
        .collect();
    let mut offers_of: HashMap<&str, Vec<&Aanbod>> = HashMap::new();
    for a in &site.aanbod {
        for slug in &a.aanbieder {
            offers_of.entry(slug.as_str()).or_default().push(a);
        }
    }
    let mut docs: Vec<SearchDoc> = offers
        .par_iter()
        .map(|a| offer_doc(site, &villages, &by_slug, a))
        .collect();
    docs.par_extend(providers.par_iter().map(|p| {
        provider_doc(
            site,
            offers_of
                .get(p.source.slug.as_str())
                .map_or(&[], Vec::as_slice),
            p,
        )
    }));
    docs
}

fn join<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for part in parts {
        if part.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str(" . ");
        }
        text.push_str(part);
    }
    text
}

fn offer_doc(
    site: &Site,
    villages: &[(usize, &crate::model::Kern)],
    by_slug: &HashMap<&str, &Aanbieder>,
    a: &Aanbod,
) -> SearchDoc {
    let c = &site.config;
    let themes: Vec<&crate::model::Thema> = a.themas.iter().filter_map(|id| c.thema(id)).collect();
    let theme_text = join(themes.iter().flat_map(|t| {
        std::iter::once(t.naam.as_str()).chain(t.synoniemen.iter().map(String::as_str))
    }));
    let providers: Vec<&Aanbieder> = a
        .aanbieder
        .iter()
        .filter_map(|slug| by_slug.get(slug.as_str()).copied())
        .collect();
    let provider_names = providers
        .iter()
        .map(|p| p.naam.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut keywords: Vec<&str> = a.trefwoorden.iter().map(String::as_str).collect();
    keywords.extend(a.vorm.iter().map(String::as_str));
    keywords.extend(a.talen.iter().map(String::as_str));
    if a.is_free() {
        keywords.push("gratis");
    }
    let mut places: Vec<&str> = a
        .gemeenten
        .iter()
        .filter_map(|id| c.gemeente(id))
        .map(|g| g.naam.as_str())
        .collect();
    places.extend(
        a.kernen
            .iter()
            .filter_map(|id| c.kern(id))
            .map(|(_, k)| k.naam.as_str()),
    );
    for l in &a.locaties {
        places.push(&l.naam);
        places.extend(l.plaats.as_deref());
    }
    let mut body = markdown_to_text(&a.source.body);
    for d in &a.data {
        if let Some(o) = &d.omschrijving {
            body.push_str(" . ");
            body.push_str(o);
        }
    }
    if let Some(Aanmelden::Tekst(t))
    | Some(Aanmelden::Details(crate::model::AanmeldDetails { tekst: Some(t), .. })) =
        &a.aanmelden
    {
        body.push_str(" . ");
        body.push_str(t);
    }
    let facets = Facets {
        themas: a
            .themas
            .iter()
            .filter_map(|id| position(&c.themas, |t| &t.id == id))
            .collect(),
        gemeenten: a
            .gemeenten
            .iter()
            .filter_map(|id| position(&c.gemeenten, |g| &g.id == id))
            .collect(),
        kernen: a
            .kernen
            .iter()
            .filter_map(|id| position(villages, |(_, k)| &k.id == id))
            .collect(),
        doelgroepen: a
            .doelgroep
            .iter()
            .filter_map(|id| position(&c.doelgroepen, |d| &d.id == id))
            .collect(),
        toegang: position(&c.toegang, |t| t.id == a.toegang),
        gratis: a.is_free(),
        leeftijd: a.leeftijd.map(|l| (l.van, l.tot)),
    };
    SearchDoc {
        kind: Kind::Aanbod,
        slug: a.source.slug.clone(),
        url: offer_url(&a.source.slug),
        title: a.titel.clone(),
        provider: provider_names.clone(),
        summary: a.samenvatting.clone(),
        status: match a.status {
            Status::Gepland => Some("gepland"),
            Status::Gepauzeerd => Some("gepauzeerd"),
            Status::Actief | Status::Gestopt => None,
        },
        text: [
            a.titel.clone(),
            join(keywords),
            theme_text,
            a.samenvatting.clone(),
            body,
            provider_names,
            join(places),
        ],
        theme_ids: a.themas.clone(),
        facets,
    }
}

fn provider_doc(site: &Site, offers: &[&Aanbod], p: &Aanbieder) -> SearchDoc {
    let c = &site.config;
    let themes: BTreeSet<u16> = offers
        .iter()
        .flat_map(|a| a.themas.iter())
        .filter_map(|id| position(&c.themas, |t| &t.id == id))
        .collect();
    let gemeenten: BTreeSet<u16> = p
        .gemeenten
        .iter()
        .chain(offers.iter().flat_map(|a| a.gemeenten.iter()))
        .filter_map(|id| position(&c.gemeenten, |g| &g.id == id))
        .collect();
    let mut keywords: Vec<&str> = vec![p.soort.as_str()];
    keywords.extend(p.contactpersonen.iter().filter_map(|c| c.rol.as_deref()));
    let mut places: Vec<&str> = p
        .gemeenten
        .iter()
        .filter_map(|id| c.gemeente(id))
        .map(|g| g.naam.as_str())
        .collect();
    if let Some(adres) = &p.adres {
        places.extend(adres.plaats.as_deref());
    }
    SearchDoc {
        kind: Kind::Aanbieder,
        slug: p.source.slug.clone(),
        url: provider_url(&p.source.slug),
        title: p.naam.clone(),
        provider: String::new(),
        summary: p.samenvatting.clone(),
        status: None,
        text: [
            p.naam.clone(),
            join(keywords),
            String::new(),
            p.samenvatting.clone(),
            markdown_to_text(&p.source.body),
            String::new(),
            join(places),
        ],
        theme_ids: Vec::new(),
        facets: Facets {
            themas: themes.into_iter().collect(),
            gemeenten: gemeenten.into_iter().collect(),
            ..Facets::default()
        },
    }
}
