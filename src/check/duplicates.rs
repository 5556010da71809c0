//! Likely duplicate offers: the same offer entered twice under different
//! file names, found by comparing titles and summaries, and joined into
//! groups.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rapidfuzz::distance::levenshtein;
use rayon::prelude::*;
use serde_yaml::Value;
use unicode_normalization::UnicodeNormalization;

use super::{Duplicate, DuplicateGroup};
use crate::load::{Kind, RawSite, SourceFile};

/// Lower case, accents folded, punctuation made spaces.
fn normalize(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A normalized title or summary, prepared once: on a large site each one
/// is compared with hundreds of others.
struct Text {
    /// Split into words to pick the offers worth comparing.
    normalized: String,
    /// The same characters, for the Levenshtein distance: decoding them
    /// again for every comparison took longer than the comparison.
    chars: Vec<char>,
    /// The text without spaces, for the Sørensen-Dice coefficient.
    compact: Vec<char>,
    /// The pairs of adjacent characters of `compact`, sorted.
    bigrams: Vec<(char, char)>,
}

impl Text {
    fn new(text: &str) -> Text {
        let normalized = normalize(text);
        let compact: Vec<char> = normalized.chars().filter(|c| *c != ' ').collect();
        let mut bigrams: Vec<(char, char)> = compact.windows(2).map(|w| (w[0], w[1])).collect();
        bigrams.sort_unstable();
        Text {
            chars: normalized.chars().collect(),
            normalized,
            compact,
            bigrams,
        }
    }

    /// How alike two texts are, from 0 to 1: the normalized Levenshtein
    /// similarity or the Sørensen-Dice coefficient of their character
    /// pairs, whichever is higher. `None` when that is below `at_least`,
    /// which spares computing the Levenshtein distance in full.
    fn similarity(&self, other: &Text, at_least: f64) -> Option<f64> {
        let dice = self.dice(other);
        // Only a Levenshtein similarity above both the bar and the Dice
        // coefficient changes the answer.
        let cutoff = levenshtein::Args::default().score_cutoff(dice.max(at_least));
        let edits = levenshtein::normalized_similarity_with_args(
            self.chars.iter().copied(),
            other.chars.iter().copied(),
            &cutoff,
        );
        edits.or((dice >= at_least).then_some(dice))
    }

    fn dice(&self, other: &Text) -> f64 {
        if self.compact == other.compact {
            return 1.0;
        }
        if self.bigrams.is_empty() || other.bigrams.is_empty() {
            return 0.0;
        }
        let (mut a, mut b) = (
            self.bigrams.iter().peekable(),
            other.bigrams.iter().peekable(),
        );
        let mut shared = 0;
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => drop(a.next()),
                std::cmp::Ordering::Greater => drop(b.next()),
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    a.next();
                    b.next();
                }
            }
        }
        (2 * shared) as f64 / (self.bigrams.len() + other.bigrams.len()) as f64
    }
}

/// Words too common in titles to pair offers on.
const COMMON_WORDS: &[&str] = &[
    "voor", "van", "het", "de", "een", "en", "met", "bij", "in", "op", "aan", "naar", "over", "je",
    "jouw", "ouders", "kinderen", "jongeren",
];

/// Offers whose titles and summaries are nearly the same: the same offer
/// entered twice under different file names. Offers in different
/// municipalities are not compared, since the same kind of help may
/// rightly have an entry per municipality.
pub(super) fn likely_duplicates(raw: &RawSite) -> Vec<Duplicate> {
    struct Offer<'a> {
        file: &'a SourceFile,
        /// The title as written, for the report.
        shown: String,
        title: Text,
        summary: Text,
        municipalities: BTreeSet<String>,
    }
    let strings = |v: Option<&Value>| -> BTreeSet<String> {
        match v {
            Some(Value::String(s)) => [s.clone()].into(),
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => BTreeSet::new(),
        }
    };
    let offers: Vec<Offer> = raw
        .files
        .par_iter()
        .filter(|f| {
            f.kind == Kind::Aanbod
                && f.front.value.get("status").and_then(Value::as_str) != Some("gestopt")
        })
        .filter_map(|f| {
            let text = |key| f.front.value.get(key).and_then(Value::as_str);
            let title = text("titel")?;
            Some(Offer {
                file: f,
                shown: title.trim().to_string(),
                title: Text::new(title),
                summary: Text::new(text("samenvatting").unwrap_or_default()),
                municipalities: strings(f.front.value.get("gemeenten")),
            })
        })
        .collect();
    // Only offers that share a title word are compared, so the work grows
    // with the number of similar offers, not with the square of all offers.
    let mut by_word: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, offer) in offers.iter().enumerate() {
        let words: BTreeSet<&str> = offer
            .title
            .normalized
            .split(' ')
            .filter(|w| w.len() >= 3 && !COMMON_WORDS.contains(w))
            .collect();
        for word in words {
            by_word.entry(word).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for ids in by_word.values().filter(|ids| ids.len() <= 200) {
        for (n, &a) in ids.iter().enumerate() {
            for &b in &ids[n + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut duplicates: Vec<Duplicate> = pairs
        .into_par_iter()
        .filter_map(|(a, b)| {
            let (a, b) = (&offers[a], &offers[b]);
            if !a.municipalities.is_empty()
                && !b.municipalities.is_empty()
                && a.municipalities.is_disjoint(&b.municipalities)
            {
                return None;
            }
            let titles = a.title.similarity(&b.title, 0.8)?;
            // Nearly the same titles make a pair whatever the summaries
            // say; less alike titles need alike summaries.
            let summaries_needed = match titles {
                t if t >= 0.95 => 0.0,
                t if t >= 0.85 => 0.6,
                _ => 0.85,
            };
            let summaries = a.summary.similarity(&b.summary, summaries_needed)?;
            Some(Duplicate {
                files: [a.file.path.clone(), b.file.path.clone()],
                titles: [a.shown.clone(), b.shown.clone()],
                title_similarity: round(titles),
                summary_similarity: round(summaries),
            })
        })
        .collect();
    duplicates.sort_unstable_by(|x, y| x.files.cmp(&y.files));
    duplicates
}

/// Joins the pairs into groups: two offers are in one group when a chain
/// of likely pairs connects them.
pub(super) fn group_duplicates(duplicates: &[Duplicate]) -> Vec<DuplicateGroup> {
    let mut titles: BTreeMap<&str, &str> = BTreeMap::new();
    for d in duplicates {
        for (file, title) in d.files.iter().zip(&d.titles) {
            titles.insert(file, title);
        }
    }
    let index: HashMap<&str, usize> = titles.keys().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut parent: Vec<usize> = (0..titles.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for d in duplicates {
        let a = root(&mut parent, index[d.files[0].as_str()]);
        let b = root(&mut parent, index[d.files[1].as_str()]);
        // The smaller index becomes the root, so that a group is named by
        // its first file whatever order the pairs came in.
        parent[a.max(b)] = a.min(b);
    }
    let mut groups: BTreeMap<usize, DuplicateGroup> = BTreeMap::new();
    for (i, (file, title)) in titles.into_iter().enumerate() {
        let group = groups
            .entry(root(&mut parent, i))
            .or_insert_with(|| DuplicateGroup {
                files: Vec::new(),
                titles: Vec::new(),
            });
        group.files.push(file.to_string());
        group.titles.push(title.to_string());
    }
    groups.into_values().collect()
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `similarity` computes, the slow and plain way.
    fn reference(a: &str, b: &str) -> f64 {
        let (a, b) = (normalize(a), normalize(b));
        strsim::normalized_levenshtein(&a, &b).max(strsim::sorensen_dice(&a, &b))
    }

    /// Texts from a few words, and variants of them with letters changed,
    /// added and removed: pairs from nearly the same to nothing alike.
    fn texts() -> Vec<String> {
        let words = [
            "zwemles", "voor", "kinderen", "opvoeden", "samen", "a", "groep", "2027",
        ];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut texts = vec![String::new(), "x".to_string()];
        for _ in 0..60 {
            let base: Vec<&str> = (0..1 + next(6)).map(|_| words[next(words.len())]).collect();
            let base = base.join(" ");
            let mut variant: Vec<char> = base.chars().collect();
            for _ in 0..next(4) {
                let at = next(variant.len() + 1);
                match next(3) {
                    0 if at < variant.len() => drop(variant.remove(at)),
                    1 if at < variant.len() => variant[at] = 'e',
                    _ => variant.insert(at, 'k'),
                }
            }
            texts.push(base);
            texts.push(variant.into_iter().collect());
        }
        texts
    }

    #[test]
    fn similarity_is_the_higher_of_levenshtein_and_dice_when_it_reaches_the_bar() {
        let texts = texts();
        let prepared: Vec<Text> = texts.iter().map(|t| Text::new(t)).collect();
        let mut reached = [0; 5];
        for (i, a) in texts.iter().enumerate() {
            for (j, b) in texts.iter().enumerate() {
                let expected = reference(a, b);
                for (n, bar) in [0.0, 0.6, 0.8, 0.85, 0.95].into_iter().enumerate() {
                    let found = prepared[i].similarity(&prepared[j], bar);
                    assert_eq!(
                        found,
                        (expected >= bar).then_some(expected),
                        "{a:?} {b:?} {bar}"
                    );
                    reached[n] += usize::from(found.is_some());
                }
            }
        }
        // Every pair reaches 0; the texts give pairs on both sides of every
        // other bar, besides each text paired with itself.
        let pairs = texts.len() * texts.len();
        assert_eq!(reached[0], pairs);
        assert!(
            reached[1..].iter().all(|&n| n > texts.len() && n < pairs),
            "{reached:?}"
        );
    }

    #[test]
    fn a_pair_exactly_at_the_bar_reaches_it() {
        // One edit in five letters: 0.8.
        let (a, b) = (Text::new("abcde"), Text::new("abcdf"));
        assert_eq!(a.similarity(&b, 0.8), Some(0.8));
        assert_eq!(a.similarity(&b, 0.81), None);
    }

    #[test]
    fn dice_counts_characters_not_bytes() {
        // Two pairs each, one shared; strsim divided by the length in
        // bytes, which counted the two-byte ø twice.
        assert_eq!(Text::new("løp").dice(&Text::new("løk")), 0.5);
        assert_eq!(Text::new("Løp!").dice(&Text::new("l ø p")), 1.0);
    }

    #[test]
    fn pairs_join_into_groups_through_a_shared_offer_in_any_order() {
        let pair = |a: &str, b: &str| Duplicate {
            files: [a.to_string(), b.to_string()],
            titles: [a.to_uppercase(), b.to_uppercase()],
            title_similarity: 1.0,
            summary_similarity: 1.0,
        };
        // d is like b and b like a, though a and d are not alike: one group.
        let mut pairs = vec![
            pair("d", "e"),
            pair("a", "b"),
            pair("c", "f"),
            pair("b", "d"),
        ];
        for _ in 0..pairs.len() {
            let groups = group_duplicates(&pairs);
            let files: Vec<&[String]> = groups.iter().map(|g| g.files.as_slice()).collect();
            assert_eq!(files, [&["a", "b", "d", "e"][..], &["c", "f"][..]]);
            assert_eq!(groups[0].titles, ["A", "B", "D", "E"]);
            assert_eq!(groups[1].titles, ["C", "F"]);
            pairs.rotate_left(1);
        }
    }

    #[test]
    fn normalizing_folds_case_accents_and_punctuation() {
        assert_eq!(
            normalize("Cursus: Één  ouder-kind!"),
            "cursus een ouder kind"
        );
    }
}
