//! The Dutch analyzer: the browser's port equals the Rust one word for word,
//! and stemming keeps unrelated words apart.
//!
//! To check the stemmer port against a large Dutch word list as well, point
//! `SOCIALE_KAART_WOORDENLIJST` at one (one word per line), e.g. Debian's
//! `wdutch`: `SOCIALE_KAART_WOORDENLIJST=/usr/share/dict/nederlands cargo
//! test --test search_analyzer`.

use crate::search;

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};
use sociale_kaart::search::analyzer::{fold, is_stop_word, phrase_terms, stem, words};
use walkdir::WalkDir;

/// Words that exercise every step of the Snowball Dutch stemmer and the
/// additions: regions, -heden, -en/-ene after gem, -s/-se after j, -heid
/// after c, -end/-ing/-ig/-lijk/-baar/-bar, undoubling, i and y between
/// vowels, diminutives.
const EDGE_WORDS: &[&str] = &[
    "a",
    "ab",
    "abc",
    "y",
    "yoga",
    "ayuda",
    "baaien",
    "kieien",
    "mogelijkheden",
    "gemene",
    "geheimen",
    "gemen",
    "lijsje",
    "huisjes",
    "meisjes",
    "vriendjes",
    "kindjes",
    "boompjes",
    "scheiding",
    "scheidingen",
    "vrijheid",
    "mogelijkheid",
    "lichtheid",
    "schaapachtig",
    "begeleiding",
    "lezend",
    "vriendelijk",
    "lieflijke",
    "draagbaar",
    "eetbaarheid",
    "wonderbare",
    "tastbare",
    "opvoedkundig",
    "koninklijk",
    "leerlingen",
    "uitgebreide",
    "maan",
    "manen",
    "zoon",
    "zonen",
    "kinderen",
    "gezinnen",
    "lessen",
    "bakken",
    "bedden",
    "katten",
    "gevoelig",
    "ijverig",
    "ijskoud",
    "twintigste",
    "18",
    "2027",
    "a1",
    "b2b",
    "zeeën",
    "coöperatie",
    "ideeën",
    "café",
    "heden",
    "ene",
    "se",
    "s",
    "jes",
    "aajes",
    "baby",
    "babys",
    "hobby",
    "hobbys",
    "dyslexie",
    "toiletten",
    "tieners",
    "jongeren",
    "jongere",
];

fn example_vocabulary() -> BTreeSet<String> {
    let mut vocabulary = BTreeSet::new();
    let root = search::repo();
    let files = WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .chain([root.join("site.yaml")])
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "yaml"));
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let folded = fold(&text);
        vocabulary.extend(words(&folded).map(String::from));
    }
    vocabulary.extend(EDGE_WORDS.iter().map(|w| w.to_string()));
    if let Ok(list) = std::env::var("SOCIALE_KAART_WOORDENLIJST") {
        let text = std::fs::read(&list).unwrap_or_else(|e| panic!("{list}: {e}"));
        let folded = fold(&String::from_utf8_lossy(&text)).into_owned();
        vocabulary.extend(words(&folded).map(String::from));
    }
    vocabulary
}

#[test]
fn browser_stems_every_word_like_rust() {
    let vocabulary: Vec<String> = example_vocabulary().into_iter().collect();
    assert!(
        vocabulary.len() > 2000,
        "the example content has a real vocabulary"
    );
    let answers = search::node(&search::repo(), &json!([{ "stem": vocabulary }]));
    let js = answers[0]["stems"].as_array().unwrap();
    let differences: Vec<String> = vocabulary
        .iter()
        .zip(js)
        .filter(|(word, js_stem)| stem(word) != js_stem.as_str().unwrap())
        .take(20)
        .map(|(word, js_stem)| format!("{word}: rust {} js {js_stem}", stem(word)))
        .collect();
    assert!(
        differences.is_empty(),
        "stems differ:\n{}",
        differences.join("\n")
    );
}

#[test]
fn browser_splits_text_into_words_like_rust() {
    let texts = [
        "Coördinatie van zorg: één gezin, één plan!",
        "ib'er, ex-partner, 18-/18+, baby's en m'n kind",
        "ĳsbaan Ĳmuiden straße ÆØÅ café naïef",
        "Ḱ Ǆ ﬁets ½ ² ① Ⅻ",
        "tab\tnieuwe\nregel—streep–kort 'aanhalingstekens' «citaat»",
        "ЖЁЛТЫЙ Ελληνικά العربية 中文",
        "eenheeelllllaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaangwoord kort",
        "geplakt: opvoed\u{ad}spreek\u{200b}uur, jeugd\u{2060}zorg\u{feff} en 0546\u{a0}000",
    ];
    let requests: Vec<Json> = texts.iter().map(|t| json!({ "analyze": t })).collect();
    let answers = search::node(&search::repo(), &Json::Array(requests));
    for (text, answer) in texts.iter().zip(&answers) {
        let folded = fold(text);
        let rust: Vec<&str> = words(&folded).collect();
        let js: Vec<&str> = answer["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert_eq!(rust, js, "words of {text:?}");
    }
    let pasted = fold(texts[texts.len() - 1]);
    assert!(words(&pasted).any(|w| w == "opvoedspreekuur"));
    assert!(words(&pasted).any(|w| w == "jeugdzorg"));
}

#[test]
fn stemming_keeps_unrelated_words_apart() {
    for (a, b) in [
        ("gezin", "zin"),
        ("gezinnen", "zinnen"),
        ("begeleiding", "beleid"),
        ("begeleider", "beleid"),
        ("gemeente", "meen"),
        ("gemeenten", "menen"),
        ("weerbaarheid", "weer"),
        ("opvoeding", "voeding"),
        ("gesprek", "sprek"),
        ("behandeling", "handel"),
    ] {
        assert_ne!(stem(a), stem(b), "{a} and {b}");
    }
    for (a, b) in [
        ("gezinnen", "gezin"),
        ("ouders", "ouder"),
        ("trainingen", "training"),
        ("vriendjes", "vriend"),
        ("problemen", "probleem"),
    ] {
        assert_eq!(stem(a), stem(b), "{a} and {b}");
    }
    // And the browser agrees.
    let answers = search::node(
        &search::repo(),
        &json!([{ "stem": ["gezin", "zin", "begeleiding", "beleid", "gemeente", "meen"] }]),
    );
    let js = answers[0]["stems"].as_array().unwrap();
    assert_ne!(js[0], js[1]);
    assert_ne!(js[2], js[3]);
    assert_ne!(js[4], js[5]);
}

#[test]
fn filler_words_carry_no_weight() {
    for word in [
        "de", "het", "een", "mijn", "onze", "van", "sinds", "heeft", "geen", "wordt",
    ] {
        assert!(is_stop_word(word), "{word}");
    }
    for word in ["kind", "nee", "elkaar", "hulp", "thuis", "school"] {
        assert!(!is_stop_word(word), "{word}");
    }
    assert_eq!(
        phrase_terms("onze dochter van 6 slaapt slecht sinds de verhuizing"),
        ["dochter", "6", "slaapt", "slecht", "verhuiz"]
    );
}
