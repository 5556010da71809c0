//! Parity: the browser engine (zoeken.js, run in Node on the exported
//! files) plans and ranks every query exactly as tantivy does on the index
//! it was exported from.

use crate::search;

use serde_json::{Value as Json, json};
use sociale_kaart::search::query::{Match, Plan};
use sociale_kaart::search::{Filters, SearchIndex};

/// What parents and professionals type: whole sentences, single words,
/// synonyms, places, ages, typos, compounds and half-typed words.
const QUERIES: &[&str] = &[
    "scheiding",
    "echtscheiding",
    "uit elkaar",
    "mijn ouders gaan scheiden",
    "mijn zoon heeft geen vriendjes",
    "onze dochter van 6 slaapt slecht sinds de verhuizing",
    "gepest",
    "mijn kind wordt gepest op school",
    "scheidng",
    "opvoedng",
    "weerbaarheidstraining",
    "training",
    "jongerenwerker",
    "denekamp jongeren",
    "ootmarsum",
    "8 jaar pesten",
    "geldzorgen",
    "schulden en rekeningen",
    "alcohol drugs",
    "blowen",
    "autisme",
    "adhd druk gedrag",
    "huiselijk geweld",
    "veilig thuis",
    "zwanger",
    "baby consultatiebureau",
    "puber",
    "18 worden",
    "logeren",
    "steungezin",
    "jonge mantelzorgers",
    "rouw verdriet",
    "psycholoog",
    "thuiszitter schoolverzuim",
    "sport met een beperking",
    "voorlezen",
    "jeugdconsulent",
    "huisarts verwijzing",
    "schei",
    "opvoe",
    "kinderopvang",
    "echtscheidingsloket",
    "angst piekeren",
    "tubbergen sport",
    "mediation ouderschapsplan",
    "ik weet het niet meer",
    "bibliotheek",
    "ggd",
    "qqqqzzzz",
    "de het een",
];

const TOLERANCE: f32 = 1e-5;

fn how(m: Match) -> String {
    match m {
        Match::Exact => "exact".into(),
        Match::Prefix => "prefix".into(),
        Match::Compound => "compound".into(),
        Match::Typo(d) => format!("typo{d}"),
    }
}

fn plan_json(plan: &Plan) -> Json {
    json!({
        "terms": plan.terms.iter().map(|t| json!([t.term, t.boost, how(t.how)])).collect::<Vec<_>>(),
        "matchedThemes": plan.matched_themes,
        "relatedThemes": plan.related_themes,
        "municipalities": plan.municipalities,
        "villages": plan.villages,
        "age": plan.age,
        "words": plan.words,
    })
}

fn js_plan(answer: &Json) -> Json {
    let plan = &answer["plan"];
    json!({
        "terms": plan["terms"].as_array().unwrap().iter().map(|t| json!([t["term"], t["boost"].as_f64().unwrap() as f32, t["how"]])).collect::<Vec<_>>(),
        "matchedThemes": plan["matchedThemes"],
        "relatedThemes": plan["relatedThemes"],
        "municipalities": plan["municipalities"],
        "villages": plan["villages"],
        "age": plan["age"],
        "words": plan["words"],
    })
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// The same top ten, in the same order; documents whose tantivy scores tie
/// (to the last bits of an `f32` sum, which depend on addition order) may
/// trade places.
fn assert_same_ranking(index: &SearchIndex, query: &str, answer: &Json) {
    let rust = index.search(query, &Filters::default()).unwrap();
    assert_eq!(plan_json(&rust.plan), js_plan(answer), "plan of {query:?}");
    assert_eq!(
        answer["total"].as_u64().unwrap() as usize,
        rust.hits.len(),
        "number of results for {query:?}"
    );
    let js: Vec<(u32, f32)> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["doc"].as_u64().unwrap() as u32,
                h["score"].as_f64().unwrap() as f32,
            )
        })
        .collect();
    let top: Vec<(u32, f32)> = rust
        .hits
        .iter()
        .take(10)
        .map(|h| (h.doc, h.score))
        .collect();
    assert_eq!(js.len(), top.len(), "top of {query:?}");
    for (position, (&(rust_doc, rust_score), &(js_doc, js_score))) in
        top.iter().zip(&js).enumerate()
    {
        assert!(
            close(rust_score, js_score),
            "{query:?} #{}: tantivy {rust_score} vs browser {js_score}",
            position + 1
        );
        if rust_doc != js_doc {
            let tied = rust
                .hits
                .iter()
                .find(|h| h.doc == js_doc)
                .is_some_and(|h| close(h.score, rust_score));
            assert!(
                tied,
                "{query:?} #{}: tantivy ranks {} ({rust_score}), the browser {} ({js_score})",
                position + 1,
                index.docs[rust_doc as usize].slug,
                index.docs[js_doc as usize].slug
            );
        }
    }
}

#[test]
fn browser_engine_ranks_like_tantivy() {
    assert!(QUERIES.len() >= 30);
    let exported = search::example();
    let requests: Vec<Json> = QUERIES
        .iter()
        .map(|q| json!({ "search": q, "top": 10 }))
        .collect();
    let answers = search::node(exported.dir.path(), &Json::Array(requests));
    let mut with_results = 0;
    for (query, answer) in QUERIES.iter().zip(&answers) {
        assert_same_ranking(&exported.index, query, answer);
        if answer["total"].as_u64().unwrap() > 0 {
            with_results += 1;
        }
    }
    assert!(
        with_results >= QUERIES.len() - 1,
        "almost every query finds something"
    );
}

#[test]
fn browser_engine_ranks_like_tantivy_on_a_synthetic_site() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "synthetic_site", "--"])
        .arg(dir.path())
        .args(["300", "30"])
        .current_dir(search::repo())
        .status()
        .unwrap();
    assert!(status.success());
    let exported = search::exported(dir.path());
    let queries = [
        "scheiding ouders",
        "gepest",
        "weerbaarheid",
        "jongeren denekamp",
        "opvoe",
        "schulden",
        "training",
        "organisatie 12",
    ];
    let requests: Vec<Json> = queries
        .iter()
        .map(|q| json!({ "search": q, "top": 10 }))
        .collect();
    let answers = search::node(exported.dir.path(), &Json::Array(requests));
    for (query, answer) in queries.iter().zip(&answers) {
        assert_same_ranking(&exported.index, query, answer);
    }
}
