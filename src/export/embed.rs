//! Lists for other sites to embed, without script: for every theme,
//! municipality, village and age group a page made to be framed
//! (`/embed/<soort>/<id>/`) and the same list as an HTML fragment for a
//! server-side include (`/embed/<soort>/<id>/fragment.html`). Links are
//! absolute and open in the top window, so the list works wherever it is
//! shown. The templates and stylesheet are built in; docs/embed.md tells
//! municipal sites how to use them.

use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::model::{Aanbod, Site};
use crate::render::{Output, age_text, minify_html, offer_url, offered_in_kern};

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
    let offers =
        |f: &dyn Fn(&Aanbod) -> bool| site.aanbod.iter().filter(|a| f(a)).collect::<Vec<_>>();
    let mut lists = Vec::new();
    for t in &c.themas {
        lists.push(List {
            soort: "themas",
            id: &t.id,
            titel: t.naam.clone(),
            naam: t.naam.to_lowercase(),
            offers: offers(&|a| a.themas.contains(&t.id)),
        });
    }
    for g in &c.gemeenten {
        lists.push(List {
            soort: "gemeenten",
            id: &g.id,
            titel: format!("Aanbod in de gemeente {}", g.naam),
            naam: format!("de gemeente {}", g.naam),
            offers: offers(&|a| a.gemeenten.contains(&g.id)),
        });
        for k in &g.kernen {
            lists.push(List {
                soort: "kernen",
                id: &k.id,
                titel: format!("Aanbod in {}", k.naam),
                naam: k.naam.clone(),
                offers: offers(&|a| offered_in_kern(a, &g.id, &k.id)),
            });
        }
    }
    for l in &c.leeftijdsgroepen {
        lists.push(List {
            soort: "leeftijd",
            id: &l.id,
            titel: format!("{} ({})", l.naam, age_text(l.van, l.tot)),
            naam: l.naam.to_lowercase(),
            offers: offers(&|a| a.overlaps_ages(l.van, l.tot)),
        });
    }
    lists
}

/// An embedded list shows this many offers and links to the rest: a
/// municipality's page is no place for thousands of entries.
pub const EMBED_MAX: usize = 20;

fn list_json(site: &Site, list: &List) -> Value {
    let c = &site.config;
    let items: Vec<Value> = list
        .offers
        .iter()
        .take(EMBED_MAX)
        .map(|a| {
            let providers: Vec<&str> = a
                .aanbieder
                .iter()
                .filter_map(|slug| site.aanbieder(slug))
                .map(|p| p.naam.as_str())
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

pub fn write(site: &Site, output: &mut Output) {
    let mut tera = Tera::default();
    tera.add_raw_templates(vec![("fragment.html", FRAGMENT), ("pagina.html", PAGE)])
        .expect("built-in embed templates parse");
    tera.autoescape_on(vec![".html"]);
    output.add("embed/embed.css", STYLESHEET);
    for list in lists(site) {
        let mut context = Context::new();
        context.insert("taal", &site.config.taal);
        context.insert("site_titel", &site.config.titel);
        context.insert("lijst", &list_json(site, &list));
        let dir = format!("embed/{}/{}", list.soort, list.id);
        let page = tera
            .render("pagina.html", &context)
            .expect("built-in embed page renders");
        output.add(format!("{dir}/index.html"), minify_html(page.as_bytes()));
        let fragment = tera
            .render("fragment.html", &context)
            .expect("built-in embed fragment renders");
        output.add(format!("{dir}/fragment.html"), fragment);
    }
}
