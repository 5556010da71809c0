//! The Dutch analyzer: how text becomes index terms.
//!
//! The browser script (`themes/default/static/js/zoeken.js`) implements the
//! query side of exactly these rules, and the stop words travel to it in the
//! index's `meta.json`, so that the two cannot drift apart:
//!
//! 1. **Fold**: Unicode NFKD, drop every combining mark and the invisible
//!    characters that pasted text hides inside words ([`is_invisible`]: soft
//!    hyphen, zero-width space, word joiner, byte-order mark), lower-case
//!    ("Coördinatie" → "coordinatie", "ĳ" → "ij", "opvoed\u{ad}spreekuur"
//!    → "opvoedspreekuur").
//! 2. **Split** into words: maximal runs of alphabetic or numeric characters
//!    (Rust's `char::is_alphanumeric`, JavaScript's `[\p{Alphabetic}\p{N}]`);
//!    words longer than [`MAX_WORD_CHARS`] are dropped.
//! 3. **Stop words** ([`STOP_WORDS`]) carry no meaning and are dropped.
//! 4. **Stem** with the Snowball Dutch stemmer (the original algorithm, as in
//!    the `rust-stemmers` crate). Only ASCII words are stemmed; a word with
//!    any other letter is kept as it is. This stemmer strips suffixes only
//!    and never a `ge-` or `be-` prefix, so "gezin" stays apart from "zin",
//!    "begeleiding" from "beleid" and "gemeente" from "meen".
//! 5. **Compounds** are split against the site's own vocabulary, see
//!    [`Decompounder`]: "weerbaarheidstraining" is also indexed as
//!    "weerbaarheid" and "training".

use std::borrow::Cow;
use std::sync::LazyLock;

use fnv::FnvHashSet;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::load::ZERO_WIDTH;

/// Longer "words" are codes or garbage, not something anyone types.
pub const MAX_WORD_CHARS: usize = 40;

/// Only words of at least this many characters are split into parts.
pub const MIN_COMPOUND_CHARS: usize = 8;

/// Each part of a split compound has at least this many characters.
pub const MIN_PART_CHARS: usize = 4;

/// Dutch function words: articles, pronouns, prepositions, conjunctions,
/// auxiliary verbs and filler adverbs, as folded words, sorted. Words that
/// carry meaning in this domain stay out, even when common: "nee" (as in
/// "nee zeggen"), "elkaar" ("uit elkaar"), "kind", "hulp", "thuis".
/// Single letters are the remains of "'t", "'n", "m'n", "z'n" and "baby's".
pub const STOP_WORDS: &[&str] = &[
    "aan", "achter", "al", "alle", "alleen", "alles", "als", "altijd", "ander", "andere", "anders",
    "ben", "bent", "bij", "binnen", "boven", "buiten", "daar", "daarna", "daarom", "dan", "dat",
    "de", "deed", "deze", "die", "dit", "doch", "doe", "doen", "doet", "door", "dus", "echter",
    "een", "eens", "en", "er", "erg", "even", "ge", "geen", "geweest", "had", "hadden", "heb",
    "hebben", "hebt", "heeft", "hem", "hen", "het", "hier", "hij", "hoe", "hoewel", "hun", "ik",
    "in", "is", "ja", "je", "jij", "jou", "jouw", "jullie", "kan", "kon", "konden", "kunnen",
    "kunt", "m", "maar", "mag", "me", "meer", "men", "met", "mij", "mijn", "moest", "moet",
    "moeten", "mogen", "n", "na", "naar", "naast", "niet", "niets", "noch", "nog", "nu", "of",
    "om", "omdat", "ons", "onze", "ook", "op", "over", "per", "reeds", "s", "sinds", "t", "te",
    "tegen", "toch", "toen", "tot", "tussen", "u", "uit", "uw", "van", "veel", "voor", "waar",
    "waarom", "wanneer", "want", "waren", "was", "wat", "we", "wel", "welk", "welke", "werd",
    "werden", "wie", "wij", "wil", "wilde", "wilt", "word", "worden", "wordt", "z", "zal", "ze",
    "zei", "zelf", "zich", "zichzelf", "zij", "zijn", "zo", "zodat", "zonder", "zou", "zouden",
    "zullen",
];

static STOP_SET: LazyLock<FnvHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Dutch));

/// Whether `c` would split a word in two for [`words`] while nobody sees
/// it: a soft hyphen, or one of the zero-width characters that come with
/// text pasted from websites and word processors.
pub fn is_invisible(c: char) -> bool {
    c == '\u{ad}' || ZERO_WIDTH.contains(&c)
}

/// Step 1: NFKD, without combining marks and [`is_invisible`] characters,
/// lower case.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else {
        Cow::Owned(fold_char_by_char(text).unwrap_or_else(|| fold_whole(text)))
    }
}

/// [`fold`] one character at a time, which gives the same text as folding
/// the whole: canonical reordering in NFKD only moves combining marks,
/// which are all dropped, and lower case depends on the context only for
/// a capital sigma, for which this gives up (`None`). Most site text is
/// ASCII with the odd "ë" or "é", and this spares decomposing all of it.
fn fold_char_by_char(text: &str) -> Option<String> {
    let mut folded = String::with_capacity(text.len());
    let mut sigma = false;
    for c in text.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        unicode_normalization::char::decompose_compatible(c, |d| {
            if d == 'Σ' {
                sigma = true;
            } else if !is_combining_mark(d) {
                folded.extend(d.to_lowercase());
            }
        });
    }
    (!sigma).then_some(folded)
}

fn fold_whole(text: &str) -> String {
    let stripped: String = text
        .chars()
        .filter(|&c| !is_invisible(c))
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    stripped.to_lowercase()
}

/// Step 2: the words of folded text.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| {
        !w.is_empty() && (w.len() <= MAX_WORD_CHARS || w.chars().count() <= MAX_WORD_CHARS)
    })
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_SET.contains(word)
}

/// Step 4: the stem of a folded word: Snowball Dutch, with three
/// conservative additions for what it leaves apart that parents type:
/// a diminutive plural "-jes" loses its "s" first ("vriendjes" → "vriendje"),
/// and afterwards a final "j" after a consonant goes ("vriendj" → "vriend")
/// and a final double consonant is halved ("gezinn" → "gezin", as in
/// "gezinnen"). Dutch words do not end in either, so nothing else merges.
pub fn stem(word: &str) -> Cow<'_, str> {
    if !word.is_ascii() {
        return Cow::Borrowed(word);
    }
    let input = match word.strip_suffix("jes") {
        Some(rest) if rest.len() >= 2 => &word[..word.len() - 1],
        _ => word,
    };
    let mut stem = STEMMER.stem(input).into_owned();
    let is_consonant = |b: u8| b.is_ascii_lowercase() && !b"aeiouy".contains(&b);
    let bytes = stem.as_bytes();
    let n = bytes.len();
    if n >= 4 && bytes[n - 1] == b'j' && is_consonant(bytes[n - 2]) {
        stem.pop();
    }
    let bytes = stem.as_bytes();
    let n = bytes.len();
    if n >= 4 && bytes[n - 1] == bytes[n - 2] && is_consonant(bytes[n - 1]) {
        stem.pop();
    }
    if stem == word {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(stem)
    }
}

/// The terms of a short text without compound splitting: how names of
/// themes and places are matched against a query.
pub fn phrase_terms(text: &str) -> Vec<String> {
    let folded = fold(text);
    words(&folded)
        .filter(|w| !is_stop_word(w))
        .map(|w| stem(w).into_owned())
        .collect()
}

/// Splits compound words against a set of known stems (step 5).
///
/// A word of at least [`MIN_COMPOUND_CHARS`] characters is split into a head
/// and a tail of at least [`MIN_PART_CHARS`] characters each when the stems
/// of both are known; a linking `s` between them may be dropped
/// ("weerbaarheid-s-training"). The longest known head wins, and both parts
/// are split again. At index time the known stems are those of every word
/// that occurs on its own anywhere in the site or in a theme's name or
/// synonyms; at query time they are the index's own terms (see
/// [`crate::search::query`]).
pub struct Decompounder<F: Fn(&str) -> bool> {
    pub known: F,
}

impl<F: Fn(&str) -> bool> Decompounder<F> {
    /// The head and tail of `word`, or `None` when it is not a compound of
    /// known parts. Only ASCII words are split.
    pub fn split_once<'w>(&self, word: &'w str) -> Option<(&'w str, &'w str)> {
        if !word.is_ascii() || word.len() < MIN_COMPOUND_CHARS {
            return None;
        }
        for cut in (MIN_PART_CHARS..=word.len() - MIN_PART_CHARS).rev() {
            let (head, tail) = word.split_at(cut);
            if !(self.known)(&stem(head)) {
                continue;
            }
            if (self.known)(&stem(tail)) {
                return Some((head, tail));
            }
            if let Some(rest) = tail.strip_prefix('s')
                && rest.len() >= MIN_PART_CHARS
                && (self.known)(&stem(rest))
            {
                return Some((head, rest));
            }
        }
        None
    }

    /// The stems of every part of `word`, split recursively, without the
    /// stem of the word itself.
    pub fn parts(&self, word: &str) -> Vec<String> {
        let mut parts = Vec::new();
        self.collect_parts(word, &mut parts);
        let whole = stem(word);
        parts.retain(|p| p != whole.as_ref());
        parts
    }

    fn collect_parts(&self, word: &str, parts: &mut Vec<String>) {
        if let Some((head, tail)) = self.split_once(word) {
            for part in [head, tail] {
                let stemmed = stem(part).into_owned();
                if !parts.contains(&stemmed) {
                    parts.push(stemmed);
                }
                self.collect_parts(part, parts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn terms(text: &str) -> Vec<String> {
        phrase_terms(text)
    }

    #[test]
    fn stop_words_are_sorted_unique_and_folded() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
        for w in STOP_WORDS {
            assert_eq!(fold(w), *w);
        }
    }

    #[test]
    fn folding_by_character_is_folding_the_whole_text() {
        // Every character, between letters and after combining marks, so
        // that decomposition, reordering and lower case meet context.
        let mut checked = 0;
        for c in (0..=0x2FFFFu32).filter_map(char::from_u32) {
            let text = format!("Ab{c}\u{301}\u{327}{c}Σ x{c}\u{308}ÉΣ");
            assert_eq!(fold(&text), fold_whole(&text), "{c:?} ({:X})", c as u32);
            let text = format!("Ab{c}\u{301}\u{327}{c} x{c}\u{308}É");
            if let Some(folded) = fold_char_by_char(&text) {
                assert_eq!(folded, fold_whole(&text), "{c:?} ({:X})", c as u32);
                checked += 1;
            }
        }
        assert!(
            checked > 190_000,
            "only {checked} characters took the fast way"
        );
    }

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("Coördinatie Één"), "coordinatie een");
        assert_eq!(fold("ĳsbaan"), "ijsbaan");
        assert_eq!(
            fold("Opvoed\u{ad}spreek\u{200b}uur\u{2060}\u{feff}"),
            "opvoedspreekuur"
        );
        assert_eq!(
            words("ib'er, ex-partner 18+").collect::<Vec<_>>(),
            ["ib", "er", "ex", "partner", "18"]
        );
    }

    #[test]
    fn unrelated_words_keep_apart() {
        for (a, b) in [
            ("gezin", "zin"),
            ("begeleiding", "beleid"),
            ("gemeente", "meen"),
            ("weerbaarheid", "weer"),
            ("opvoeding", "voeding"),
        ] {
            assert_ne!(stem(a), stem(b), "{a} and {b} must not share a stem");
        }
    }

    #[test]
    fn inflections_share_a_stem() {
        for (a, b) in [
            ("gezinnen", "gezin"),
            ("ouders", "ouder"),
            ("scheiding", "scheidingen"),
            ("trainingen", "training"),
            ("gepeste", "gepest"),
            ("vriendjes", "vriend"),
            ("vriendje", "vriend"),
            ("lessen", "les"),
            ("problemen", "probleem"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} and {b} should share a stem");
        }
    }

    #[test]
    fn filler_words_are_dropped() {
        assert_eq!(
            terms("Mijn zoon heeft geen vriendjes"),
            ["zoon", "vriendjes"].map(|w| stem(w).into_owned())
        );
        assert_eq!(
            terms("onze dochter van 6 slaapt slecht sinds de verhuizing").len(),
            5
        );
    }

    #[test]
    fn compounds_split_into_known_parts() {
        let known: HashSet<String> = [
            "weerbaarheid",
            "training",
            "echtscheiding",
            "loket",
            "jongeren",
            "werk",
            "scheiding",
            "echt",
        ]
        .iter()
        .map(|w| stem(w).into_owned())
        .collect();
        let splitter = Decompounder {
            known: |s: &str| known.contains(s),
        };
        let sorted = |word: &str| {
            let mut parts = splitter.parts(word);
            parts.sort();
            parts
        };
        let stems = |words: &[&str]| {
            let mut stems: Vec<String> = words.iter().map(|w| stem(w).into_owned()).collect();
            stems.sort();
            stems
        };
        assert_eq!(
            sorted("weerbaarheidstraining"),
            stems(&["weerbaarheid", "training"])
        );
        assert_eq!(
            sorted("echtscheidingsloket"),
            stems(&["echtscheiding", "loket", "echt", "scheiding"])
        );
        assert_eq!(sorted("jongerenwerk"), stems(&["jongeren", "werk"]));
        assert!(splitter.parts("begeleiding").is_empty());
        assert!(splitter.parts("gemeente").is_empty());
    }
}
