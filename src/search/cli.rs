//! `sociale-kaart search`: the site's own search from the command line, so
//! that an editor can see whether parents will find an entry.

use std::io::Write;

use super::documents::Kind;
use super::query::{Match, Plan};
use super::{Filters, SearchIndex};
use crate::model::Site;

/// What to search for, with filters given by id as in the search page's URL.
#[derive(Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub count: usize,
    pub explain: bool,
    pub themes: Vec<String>,
    pub municipalities: Vec<String>,
    pub villages: Vec<String>,
    pub audiences: Vec<String>,
    pub access: Vec<String>,
    pub age: Option<u32>,
    pub free: bool,
}

fn ids_to_indexes(kind: &str, given: &[String], known: &[&str]) -> Result<Vec<u16>, String> {
    given
        .iter()
        .map(|id| {
            known
                .iter()
                .position(|k| k == id)
                .map(|i| i as u16)
                .ok_or_else(|| format!("onbekende {kind} '{id}'. Kies uit: {}.", known.join(", ")))
        })
        .collect()
}

/// Searches a validated site and writes the results to `out`. The error is
/// a usage error for the editor (exit code 2): a filter names something
/// that does not exist, or indexing or writing failed.
pub fn run(site: &Site, request: &SearchRequest, out: &mut dyn Write) -> Result<(), String> {
    let index = SearchIndex::build(site)
        .map_err(|err| format!("de zoekindex kon niet worden gemaakt: {err:#}"))?;
    let themes: Vec<&str> = index.themes.iter().map(|t| t.id.as_str()).collect();
    let municipalities: Vec<&str> = index.municipalities.iter().map(|p| p.id.as_str()).collect();
    let villages: Vec<&str> = index.villages.iter().map(|p| p.id.as_str()).collect();
    let audiences: Vec<&str> = index.audiences.iter().map(|(id, _)| id.as_str()).collect();
    let access: Vec<&str> = index.access.iter().map(|(id, _)| id.as_str()).collect();
    let filters = Filters {
        themas: ids_to_indexes("thema", &request.themes, &themes)?,
        gemeenten: ids_to_indexes("gemeente", &request.municipalities, &municipalities)?,
        kernen: ids_to_indexes("kern", &request.villages, &villages)?,
        doelgroepen: ids_to_indexes("doelgroep", &request.audiences, &audiences)?,
        toegang: ids_to_indexes("toegang", &request.access, &access)?,
        leeftijd: request.age,
        gratis: request.free,
        soort: Vec::new(),
    };
    let results = index
        .search(&request.query, &filters)
        .map_err(|err| format!("zoeken mislukte: {err:#}"))?;
    write_results(&index, request, &results, out)
        .map_err(|err| format!("kan niet schrijven: {err}"))
}

fn score_text(score: f32) -> String {
    format!("{score:.2}").replace('.', ",")
}

fn write_results(
    index: &SearchIndex,
    request: &SearchRequest,
    results: &super::Results,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if request.explain {
        write_plan(index, &results.plan, out)?;
    }
    let total = results.hits.len();
    let query = request.query.trim();
    match (total, query.is_empty()) {
        (0, false) => writeln!(out, "Niets gevonden voor \"{query}\".")?,
        (0, true) => writeln!(out, "Niets gevonden met deze filters.")?,
        (1, _) => writeln!(out, "1 resultaat:")?,
        (n, _) => writeln!(
            out,
            "{n} resultaten{}:",
            if n > request.count {
                format!(", de eerste {}", request.count)
            } else {
                String::new()
            }
        )?,
    }
    if total == 0 {
        return Ok(());
    }
    let shown: Vec<_> = results.hits.iter().take(request.count).collect();
    let title_width = shown
        .iter()
        .map(|h| index.docs[h.doc as usize].title.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 60);
    writeln!(
        out,
        "{:>3}  {:>6}  {:<title_width$}  Adres",
        "Nr", "Score", "Titel"
    )?;
    for (rank, hit) in shown.iter().enumerate() {
        let doc = &index.docs[hit.doc as usize];
        let title: String = if doc.title.chars().count() > title_width {
            doc.title
                .chars()
                .take(title_width - 1)
                .chain(['…'])
                .collect()
        } else {
            doc.title.clone()
        };
        let path = match doc.kind {
            Kind::Aanbod => format!("aanbod/{}", doc.slug),
            Kind::Aanbieder => format!("aanbieders/{}", doc.slug),
        };
        let score = if results.plan.browses() {
            "-".to_string()
        } else {
            score_text(hit.score)
        };
        writeln!(
            out,
            "{:>3}  {:>6}  {:<title_width$}  {path}",
            rank + 1,
            score,
            title
        )?;
    }
    Ok(())
}

fn write_plan(index: &SearchIndex, plan: &Plan, out: &mut dyn Write) -> std::io::Result<()> {
    if plan.browses() {
        writeln!(
            out,
            "Zoektermen: geen (alles wat bij de filters past, van A tot Z)"
        )?;
    } else if plan.terms.is_empty() {
        writeln!(
            out,
            "Zoektermen: geen; deze woorden komen op de site niet voor"
        )?;
    } else {
        writeln!(out, "Zoektermen (woordstam, gewicht):")?;
        for term in &plan.terms {
            let how = match term.how {
                Match::Exact => "zoals getypt".to_string(),
                Match::Prefix => format!("begint met '{}'", term.word),
                Match::Compound => format!("deel van '{}'", term.word),
                Match::Typo(n) => format!(
                    "verbeterd uit '{}' ({n} {})",
                    term.word,
                    if n == 1 { "tikfout" } else { "tikfouten" }
                ),
            };
            writeln!(out, "  {:<24} {}  {how}", term.term, score_text(term.boost))?;
        }
    }
    let names = |list: &[usize], f: &dyn Fn(usize) -> String| {
        list.iter().map(|&i| f(i)).collect::<Vec<_>>().join(", ")
    };
    if !plan.matched_themes.is_empty() {
        writeln!(
            out,
            "Thema's in de zoekvraag: {}",
            names(&plan.matched_themes, &|i| index.themes[i].name.clone())
        )?;
    }
    if !plan.related_themes.is_empty() {
        writeln!(
            out,
            "Verwante thema's tellen mee: {}",
            names(&plan.related_themes, &|i| index.themes[i].name.clone())
        )?;
    }
    if !plan.municipalities.is_empty() || !plan.villages.is_empty() {
        let mut places: Vec<String> = plan
            .municipalities
            .iter()
            .map(|&i| format!("gemeente {}", index.municipalities[i].name))
            .collect();
        places.extend(
            plan.villages
                .iter()
                .map(|&i| index.villages[i].name.clone()),
        );
        writeln!(out, "Plaats uit de zoekvraag: {}", places.join(", "))?;
    }
    if let Some(age) = plan.age {
        writeln!(out, "Leeftijd uit de zoekvraag: {age} jaar")?;
    }
    writeln!(out)
}
