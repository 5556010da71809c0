//! Lists for other sites to embed, without script: for every theme,
//! municipality, village and age group a page made to be framed
//! (`/embed/<soort>/<id>/`) and the same list as an HTML fragment for a
//! server-side include (`/embed/<soort>/<id>/fragment.html`). Links are
//! absolute and open in the top window, so the list works wherever it is
//! shown. The templates and stylesheet are built in; docs/embed.md tells
//! municipal sites how to use them.

use fnv::FnvHashMap as HashMap;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::model::{Aanbod, Site, offer_url};
use crate::render::{Sink, age_text, escape_html, minify_html};

const PAGE: &str = include_str!("embed/pagina.html");
const FRAGMENT: &str = include_str!("embed/fragment.html");
const STYLESHEET: &str = include_str!("embed/embed.css");

/// One embeddable list.
struct List<'a> {
    soort: &'static str,
    id: &'a str,
    titel: String,
    /// How the list's subject reads in "Alles over ...".
    naam: String,
    offers: Vec<&'a Aanbod>,
}

fn lists(site: &Site) -> Vec<List<'_>> {
    let c = &site.config;
    let mut lists = Vec::new();
    let mut members = Members::default();
    let list = |soort, id, titel, naam| List {
        soort,
        id,
        titel,
        naam,
        offers: Vec::new(),
    };
    for t in &c.themas {
        members.themas.entry(&t.id).or_default().push(lists.len());
        lists.push(list("themas", &t.id, t.naam.clone(), t.naam.to_lowercase()));
    }
    for g in &c.gemeenten {
        members
            .gemeenten
            .entry(&g.id)
            .or_default()
            .push(lists.len());
        lists.push(list(
            "gemeenten",
            &g.id,
            format!("Aanbod in de gemeente {}", g.naam),
            format!("de gemeente {}", g.naam),
        ));
        for k in &g.kernen {
            members.kernen.entry(&k.id).or_default().push(lists.len());
            members
                .kernen_of
                .entry(&g.id)
                .or_default()
                .push(lists.len());
            lists.push(list(
                "kernen",
                &k.id,
                format!("Aanbod in {}", k.naam),
                k.naam.clone(),
            ));
        }
    }
    for l in &c.leeftijdsgroepen {
        members.ages.push((lists.len(), l.van, l.tot));
        lists.push(list(
            "leeftijd",
            &l.id,
            format!("{} ({})", l.naam, age_text(l.van, l.tot)),
            l.naam.to_lowercase(),
        ));
    }
    members.fill(site, &mut lists);
    lists
}

/// Which lists an offer belongs on, by what it names: list positions by
/// theme, by municipality, by village, the village lists of each
/// municipality, and the age groups. One pass over the offers then fills
/// every list, rather than one pass per list.
#[derive(Default)]
struct Members<'a> {
    themas: HashMap<&'a str, Vec<usize>>,
    gemeenten: HashMap<&'a str, Vec<usize>>,
    kernen: HashMap<&'a str, Vec<usize>>,
    kernen_of: HashMap<&'a str, Vec<usize>>,
    ages: Vec<(usize, u32, u32)>,
}

impl<'a> Members<'a> {
    /// Puts every offer on its lists, in the site's order. An offer in a
    /// whole municipality is on the lists of all its villages, as
    /// `offered_in_kern` has it.
    fn fill(&self, site: &'a Site, lists: &mut [List<'a>]) {
        let mut on: Vec<usize> = Vec::new();
        for a in &site.aanbod {
            on.clear();
            let mut add = |by: &HashMap<&str, Vec<usize>>, id: &str| {
                on.extend(by.get(id).into_iter().flatten());
            };
            for t in &a.themas {
                add(&self.themas, t);
            }
            for g in &a.gemeenten {
                add(&self.gemeenten, g);
                if a.kernen.is_empty() {
                    add(&self.kernen_of, g);
                }
            }
            for k in &a.kernen {
                add(&self.kernen, k);
            }
            on.extend(
                self.ages
                    .iter()
                    .filter(|(_, van, tot)| a.overlaps_ages(*van, *tot))
                    .map(|(at, ..)| *at),
            );
            // An offer that names a theme twice is on its list once.
            on.sort_unstable();
            on.dedup();
            for at in &on {
                lists[*at].offers.push(a);
            }
        }
    }
}

/// An embedded list shows this many offers and links to the rest: a
/// municipality's page is no place for thousands of entries.
pub const EMBED_MAX: usize = 20;

/// Provider names by slug, the first provider of each slug.
fn provider_names(site: &Site) -> HashMap<&str, &str> {
    let mut names = HashMap::default();
    for p in &site.aanbieders {
        names
            .entry(p.source.slug.as_str())
            .or_insert(p.naam.as_str());
    }
    names
}

fn list_json(site: &Site, providers: &HashMap<&str, &str>, list: &List) -> Value {
    let c = &site.config;
    let items: Vec<Value> = list
        .offers
        .iter()
        .take(EMBED_MAX)
        .map(|a| {
            let providers: Vec<&str> = a
                .aanbieder
                .iter()
                .filter_map(|slug| providers.get(slug.as_str()).copied())
                .collect();
            json!({
                "titel": a.titel, "url": c.absolute_url(&offer_url(&a.source.slug)), "samenvatting": a.samenvatting,
                "aanbieders": providers.join(", "), "gratis": a.is_free(),
                "leeftijd": a.leeftijd.map(|l| age_text(l.van, l.tot)),
            })
        })
        .collect();
    json!({
        "soort": list.soort, "id": list.id, "titel": list.titel, "naam": list.naam,
        "url": c.absolute_url(&format!("/{}/{}/", list.soort, list.id)), "aanbod": items,
        "totaal": list.offers.len(),
    })
}

pub fn write(site: &Site, sink: &dyn Sink) -> anyhow::Result<()> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates([("fragment.html", FRAGMENT), ("pagina.html", PAGE)])
        .expect("built-in embed templates parse");
    sink.put("embed/embed.css".into(), STYLESHEET.into())?;
    let providers = provider_names(site);
    for list in lists(site) {
        let mut context = Context::new();
        context.insert("taal", &site.config.taal);
        context.insert("site_titel", &site.config.titel);
        context.insert("lijst", &list_json(site, &providers, &list));
        let dir = format!("embed/{}/{}", list.soort, list.id);
        let page = tera
            .render("pagina.html", &context)
            .expect("built-in embed page renders");
        sink.put(format!("{dir}/index.html"), minify_html(page.as_bytes()))?;
        let fragment = tera
            .render("fragment.html", &context)
            .expect("built-in embed fragment renders");
        sink.put(format!("{dir}/fragment.html"), fragment.into_bytes())?;
    }
    Ok(())
}
