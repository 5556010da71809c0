//! What search does with typos, half-typed words, synonyms, places, ages
//! and filters, in tantivy and in the browser engine.

use crate::search;

use std::sync::OnceLock;

use serde_json::{Value as Json, json};
use sociale_kaart::search::documents::Kind;
use sociale_kaart::search::query::{Facet, Match, edit_distance};
use sociale_kaart::search::{Filters, Results, SearchIndex};

fn example() -> &'static search::Exported {
    static EXAMPLE: OnceLock<search::Exported> = OnceLock::new();
    EXAMPLE.get_or_init(search::example)
}

fn index() -> &'static SearchIndex {
    &example().index
}

fn run(query: &str) -> Results {
    index().search(query, &Filters::default()).unwrap()
}

fn theme(id: &str) -> u16 {
    index()
        .themes
        .iter()
        .position(|t| t.id == id)
        .unwrap_or_else(|| panic!("theme {id}")) as u16
}

fn village(id: &str) -> usize {
    index().villages.iter().position(|v| v.id == id).unwrap()
}

fn has_theme(doc: u32, id: &str) -> bool {
    index().docs[doc as usize]
        .facets
        .themas
        .contains(&theme(id))
}

fn slugs(results: &Results, n: usize) -> Vec<&'static str> {
    results
        .hits
        .iter()
        .take(n)
        .map(|h| index().docs[h.doc as usize].slug.as_str())
        .collect()
}

fn typos(results: &Results) -> Vec<(&str, u8)> {
    results
        .plan
        .terms
        .iter()
        .filter_map(|t| match t.how {
            Match::Typo(d) => Some((t.term.as_str(), d)),
            _ => None,
        })
        .collect()
}

fn browser(requests: Json) -> Vec<Json> {
    search::node(example().dir.path(), &requests)
}

#[test]
fn a_typo_finds_the_word_meant() {
    let results = run("scheidng");
    assert!(!typos(&results).is_empty(), "{:?}", results.plan);
    for hit in results.hits.iter().take(3) {
        assert!(has_theme(hit.doc, "scheiding"), "{:?}", slugs(&results, 3));
    }
    // One edit from four letters, two from eight; a three-letter word is never corrected.
    let one = run("autisne");
    assert_eq!(typos(&one).first().map(|t| t.1), Some(1), "{:?}", one.plan);
    assert!(
        typos(&run("autsne")).is_empty(),
        "6 letters, 2 edits: too far"
    );
    assert!(typos(&run("ggf")).is_empty());
    let two = run("opvoedng");
    assert!(typos(&two).iter().any(|&(_, d)| d <= 2), "{:?}", two.plan);
    for word in ["scheidng", "autisne", "opvoedng", "gepst", "weerbarheid"] {
        let results = run(word);
        let stem = sociale_kaart::search::analyzer::stem(word);
        for (term, distance) in typos(&results) {
            assert_eq!(edit_distance(&stem, term), distance as usize);
            assert!(distance <= if word.chars().count() >= 8 { 2 } else { 1 });
        }
    }
}

#[test]
fn exact_words_are_never_corrected() {
    for query in [
        "pesten",
        "scheiding",
        "autisme",
        "mijn kind wordt gepest",
        "geldzorgen schulden",
    ] {
        let results = run(&format!("{query} "));
        assert!(typos(&results).is_empty(), "{query}: {:?}", results.plan);
        assert!(
            results.plan.terms.iter().all(|t| t.how == Match::Exact),
            "{query}: {:?}",
            results.plan
        );
    }
    // A known word next to a misspelt one: the known one stays as typed.
    let results = run("pesten scheidng");
    let exact: Vec<&str> = results
        .plan
        .terms
        .iter()
        .filter(|t| t.how == Match::Exact)
        .map(|t| t.term.as_str())
        .collect();
    assert_eq!(exact, ["pest"]);
}

#[test]
fn the_word_being_typed_matches_as_a_prefix() {
    let typing = run("schei");
    assert!(
        typing
            .plan
            .terms
            .iter()
            .any(|t| t.how == Match::Prefix && t.term.starts_with("scheid")),
        "{:?}",
        typing.plan
    );
    assert!(
        has_theme(typing.hits[0].doc, "scheiding"),
        "{:?}",
        slugs(&typing, 3)
    );
    // A space ends the word: no prefix any more.
    let done = run("schei ");
    assert!(
        done.plan.terms.iter().all(|t| t.how != Match::Prefix),
        "{:?}",
        done.plan
    );
    // Two letters are too few to expand.
    assert!(run("sc").plan.terms.is_empty());
    // Only the last word is a prefix.
    let sentence = run("scheid kind");
    assert!(
        sentence
            .plan
            .terms
            .iter()
            .filter(|t| t.how == Match::Prefix)
            .all(|t| t.word == "kind"),
        "{:?}",
        sentence.plan
    );
}

#[test]
fn compounds_are_found_from_their_parts() {
    // Indexed compounds are split: "training" finds every document that
    // only has it inside a longer word, such as "weerbaarheidstraining".
    use sociale_kaart::search::analyzer::{fold, words};
    let training = run("training ");
    let mut only_in_compounds = 0;
    for (number, doc) in index().docs.iter().enumerate() {
        let text = fold(&doc.text.join(" ")).into_owned();
        let all: Vec<&str> = words(&text).collect();
        let compound = all.iter().any(|w| w.len() > 8 && w.ends_with("training"));
        let alone = all.iter().any(|w| *w == "training" || *w == "trainingen");
        if compound && !alone {
            only_in_compounds += 1;
            assert!(
                training.hits.iter().any(|h| h.doc == number as u32),
                "{} has a ...training compound",
                doc.slug
            );
        }
    }
    assert!(only_in_compounds > 0, "the example site has such documents");
    // A compound the site never uses is split into parts it does use.
    let loket = run("echtscheidingsloket ");
    let parts: Vec<&str> = loket
        .plan
        .terms
        .iter()
        .filter(|t| t.how == Match::Compound)
        .map(|t| t.term.as_str())
        .collect();
    assert_eq!(parts.len(), 2, "{:?}", loket.plan);
    assert!(!loket.hits.is_empty());
}

#[test]
fn synonyms_and_related_themes_find_the_right_offers() {
    for query in ["echtscheiding", "uit elkaar", "mijn ouders gaan uit elkaar"] {
        let results = run(query);
        assert!(
            results
                .plan
                .matched_themes
                .contains(&(theme("scheiding") as usize)),
            "{query}: {:?}",
            results.plan
        );
        for hit in results.hits.iter().take(3) {
            assert!(
                has_theme(hit.doc, "scheiding") || has_theme(hit.doc, "omgang"),
                "{query}: {:?}",
                slugs(&results, 3)
            );
        }
    }
    let gepest = run("gepest");
    for related in ["weerbaarheid", "sociale-vaardigheden"] {
        assert!(
            gepest
                .plan
                .related_themes
                .contains(&(theme(related) as usize))
        );
        assert!(
            gepest.hits.iter().any(|h| has_theme(h.doc, related)),
            "gepest finds {related} offers"
        );
    }
}

#[test]
fn a_place_or_an_age_in_the_query_becomes_a_filter() {
    let denekamp = run("jongeren denekamp");
    assert_eq!(denekamp.plan.villages, [village("denekamp")]);
    assert!(
        denekamp
            .plan
            .terms
            .iter()
            .all(|t| !t.term.starts_with("denekamp"))
    );
    assert!(!denekamp.hits.is_empty());
    let in_denekamp = Filters {
        kernen: vec![village("denekamp") as u16],
        ..Filters::default()
    };
    assert_eq!(
        denekamp.hits,
        index().search("jongeren ", &in_denekamp).unwrap().hits
    );

    let tubbergen = run("tubbergen sport");
    assert_eq!(
        tubbergen.plan.municipalities.len(),
        1,
        "a municipality wins over its village of the same name"
    );
    assert!(tubbergen.plan.villages.is_empty());

    let noord = run("noord deurningen");
    assert_eq!(
        noord.plan.villages,
        [village("noord-deurningen")],
        "two-word names"
    );

    let eight = run("8 jaar pesten");
    assert_eq!(eight.plan.age, Some(8));
    for hit in &eight.hits {
        let doc = &index().docs[hit.doc as usize];
        assert_eq!(doc.kind, Kind::Aanbod);
        assert!(
            doc.facets
                .leeftijd
                .is_none_or(|(van, tot)| van <= 8 && 8 <= tot),
            "{}",
            doc.slug
        );
    }
}

#[test]
fn filters_narrow_and_counts_stay_live() {
    let scheiding = theme("scheiding");
    let query = "ouders kinderen ";
    let all = run(query);
    let filters = Filters {
        themas: vec![scheiding],
        ..Filters::default()
    };
    let narrowed = index().search(query, &filters).unwrap();
    assert!(!narrowed.hits.is_empty() && narrowed.hits.len() < all.hits.len());
    assert!(narrowed.hits.iter().all(|h| has_theme(h.doc, "scheiding")));
    // Ranking order is kept.
    let kept: Vec<u32> = all
        .hits
        .iter()
        .filter(|h| has_theme(h.doc, "scheiding"))
        .map(|h| h.doc)
        .collect();
    assert_eq!(
        narrowed.hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
        kept
    );
    // A theme's count is what choosing it (alone) would show, also while another theme is chosen.
    for (t, count) in narrowed.counts.thema.iter().enumerate() {
        let alone = Filters {
            themas: vec![t as u16],
            ..Filters::default()
        };
        assert_eq!(
            *count as usize,
            index().search(query, &alone).unwrap().hits.len(),
            "theme {}",
            index().themes[t].id
        );
    }
    // Age: every offer whose range includes it; providers drop out.
    let six = index()
        .search(
            "",
            &Filters {
                leeftijd: Some(6),
                ..Filters::default()
            },
        )
        .unwrap();
    assert!(!six.hits.is_empty());
    for hit in &six.hits {
        let doc = &index().docs[hit.doc as usize];
        assert_eq!(doc.kind, Kind::Aanbod);
        assert!(
            doc.facets
                .leeftijd
                .is_none_or(|(van, tot)| van <= 6 && 6 <= tot)
        );
    }
    assert_eq!(
        all.counts.leeftijd[6] as usize,
        index()
            .search(
                query,
                &Filters {
                    leeftijd: Some(6),
                    ..Filters::default()
                }
            )
            .unwrap()
            .hits
            .len()
    );
    // Free offers only.
    let free = index()
        .search(
            query,
            &Filters {
                gratis: true,
                ..Filters::default()
            },
        )
        .unwrap();
    assert_eq!(free.hits.len(), all.counts.gratis as usize);
    assert!(
        free.hits
            .iter()
            .all(|h| index().docs[h.doc as usize].facets.gratis)
    );
    assert_eq!(Facet::ALL.len(), 8);
}

#[test]
fn an_empty_query_with_filters_browses_a_to_z() {
    let filters = Filters {
        themas: vec![theme("scheiding")],
        ..Filters::default()
    };
    let results = index().search("", &filters).unwrap();
    assert!(results.plan.browses());
    assert!(results.hits.len() >= 3);
    assert!(
        results.hits.windows(2).all(|w| w[0].doc < w[1].doc),
        "document order is A to Z"
    );
    assert!(results.hits.iter().all(|h| h.score == 0.0));
    // Only a place, or only stop words: browse too.
    assert!(run("denekamp").plan.browses());
    assert_eq!(run("de het een ").hits.len(), index().docs.len());
    // Words that match nothing find nothing.
    let nothing = run("qqqqzzzz");
    assert!(!nothing.plan.browses());
    assert!(nothing.hits.is_empty());
}

#[test]
fn the_browser_filters_and_counts_like_rust() {
    let village = village("denekamp") as u16;
    let cases: Vec<(&str, Filters, Json)> = vec![
        (
            "",
            Filters {
                themas: vec![theme("scheiding")],
                ..Filters::default()
            },
            json!({ "themas": [theme("scheiding")] }),
        ),
        (
            "ouders ",
            Filters {
                themas: vec![theme("scheiding"), theme("opvoedondersteuning")],
                ..Filters::default()
            },
            json!({ "themas": [theme("scheiding"), theme("opvoedondersteuning")] }),
        ),
        (
            "jongeren",
            Filters {
                kernen: vec![village],
                leeftijd: Some(14),
                ..Filters::default()
            },
            json!({ "kernen": [village], "leeftijd": 14 }),
        ),
        (
            "hulp ",
            Filters {
                gratis: true,
                doelgroepen: vec![0],
                toegang: vec![0],
                ..Filters::default()
            },
            json!({ "gratis": true, "doelgroepen": [0], "toegang": [0] }),
        ),
        (
            "",
            Filters {
                soort: vec![Kind::Aanbieder],
                gemeenten: vec![1],
                ..Filters::default()
            },
            json!({ "soort": [1], "gemeenten": [1] }),
        ),
        ("gepest 8 jaar ootmarsum", Filters::default(), json!({})),
    ];
    let requests: Vec<Json> = cases
        .iter()
        .map(|(q, _, f)| json!({ "search": q, "filters": f, "top": 1000 }))
        .collect();
    let answers = browser(Json::Array(requests));
    for ((query, filters, _), answer) in cases.iter().zip(&answers) {
        let rust = index().search(query, filters).unwrap();
        let js_docs: Vec<u64> = answer["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["doc"].as_u64().unwrap())
            .collect();
        let rust_docs: Vec<u64> = rust.hits.iter().map(|h| u64::from(h.doc)).collect();
        let mut sorted_js = js_docs.clone();
        let mut sorted_rust = rust_docs.clone();
        sorted_js.sort_unstable();
        sorted_rust.sort_unstable();
        assert_eq!(sorted_js, sorted_rust, "results of {query:?} {filters:?}");
        let counts = &answer["counts"];
        let c = &rust.counts;
        for (name, rust_counts) in [
            ("soort", &c.soort),
            ("thema", &c.thema),
            ("gemeente", &c.gemeente),
            ("kern", &c.kern),
            ("leeftijd", &c.leeftijd),
            ("doelgroep", &c.doelgroep),
            ("toegang", &c.toegang),
        ] {
            let js: Vec<u32> = counts[name]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            assert_eq!(&js, rust_counts, "{name} counts of {query:?} {filters:?}");
        }
        assert_eq!(counts["gratis"].as_u64().unwrap() as u32, c.gratis);
    }
}

#[test]
fn no_results_tells_which_filter_to_drop() {
    // The browser counts, per facet, the results that only that facet keeps out.
    let scheiding = theme("scheiding");
    let answers =
        browser(json!([{ "search": "voorlezen ", "filters": { "themas": [scheiding] } }]));
    let answer = &answers[0];
    assert_eq!(answer["total"], 0);
    let without_theme = answer["without"][1].as_u64().unwrap();
    assert_eq!(without_theme as usize, run("voorlezen ").hits.len());
    assert!(without_theme > 0);
}
