//! From what someone typed to ranked, filtered results.
//!
//! The browser script follows the same steps on the exported index, and the
//! parity tests hold the two to the same top ten. A query becomes a *plan*:
//!
//! 1. The query is folded and split into words like any text
//!    ([`super::analyzer`]). The last word is being typed (a *prefix*) unless
//!    the query ends in a space or punctuation.
//! 2. **Age**: a number followed by "jaar", "jarig" or "jarige" ("8 jaar")
//!    sets the age filter; both words leave the query.
//! 3. **Places**: the name of a municipality or village, as stemmed words,
//!    sets that place as a filter and leaves the query ("denekamp"). Longer
//!    names are matched first; a municipality wins over a village of the
//!    same name.
//! 4. **Themes**: a theme's name or one of its synonyms in the query
//!    (e.g. "gepest", or "uit elkaar" which is "elkaar" once stop words are
//!    gone) makes the theme *matched*. Its related themes (`verwant`) are
//!    boosted through the theme field with [`RELATED_THEME_BOOST`]; the
//!    matched theme itself is found through its synonyms in the `themas`
//!    text field.
//! 5. **Terms**, for every word left that is not a stop word:
//!    - its stem, if the index has it ([`EXACT_BOOST`]);
//!    - for the prefix of at least [`PREFIX_MIN_CHARS`] characters, the
//!      [`PREFIX_MAX_TERMS`] index terms that start with it and occur in the
//!      most documents ([`PREFIX_BOOST`]); a stop word as prefix gets only
//!      these;
//!    - when neither is found: the parts of a compound split against the
//!      index's terms ([`COMPOUND_BOOST`]), and otherwise the
//!      [`TYPO_MAX_TERMS`] nearest terms with the same first letter within
//!      one edit for words of [`TYPO1_MIN_CHARS`] or more letters and two
//!      edits from [`TYPO2_MIN_CHARS`] letters (optimal string alignment
//!      distance between stems; [`TYPO1_BOOST`], [`TYPO2_BOOST`]). A word
//!      the index knows is never "corrected", so exact matches always rank
//!      above corrected ones.
//!
//!    A term planned twice keeps its highest boost.
//!
//! Scoring is tantivy's BM25 (k1 = 1.2, b = 0.75) summed over the plan's
//! terms and the text fields, each field's score times the field weight and
//! the term's boost: a document matching more of the words, or rarer words,
//! ranks higher, and no word is required. A term's idf counts the documents
//! that have it in any text field ([`SiteStatistics`]), so a word that is
//! everywhere weighs little wherever it stands. Ties go to the lower document
//! number, which is alphabetical. A query with no word left to search for
//! (empty, or only a place, an age or stop words) *browses*: every document
//! that passes the filters, A to Z. Words that match nothing find nothing.

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::analyzer::{self, Decompounder};
use super::documents::{Kind, SearchDoc, TEXT_FIELDS, THEME_FIELD};
use super::index::SearchIndex;

pub const EXACT_BOOST: f32 = 1.0;
pub const PREFIX_BOOST: f32 = 0.7;
pub const COMPOUND_BOOST: f32 = 0.7;
pub const TYPO1_BOOST: f32 = 0.6;
pub const TYPO2_BOOST: f32 = 0.4;
pub const RELATED_THEME_BOOST: f32 = 0.5;
pub const PREFIX_MIN_CHARS: usize = 3;
pub const PREFIX_MAX_TERMS: usize = 10;
pub const TYPO1_MIN_CHARS: usize = 4;
pub const TYPO2_MIN_CHARS: usize = 8;
pub const TYPO_MAX_TERMS: usize = 5;
pub const AGE_WORDS: [&str; 3] = ["jaar", "jarig", "jarige"];

/// How a planned term was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Exact,
    Prefix,
    Compound,
    /// Corrected with this many edits.
    Typo(u8),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTerm {
    pub term: String,
    pub boost: f32,
    pub how: Match,
    /// The query word it came from.
    pub word: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Sorted by term.
    pub terms: Vec<PlannedTerm>,
    /// Themes named in the query (indexes into the site's themes).
    pub matched_themes: Vec<usize>,
    /// Related themes of the matched themes, boosted.
    pub related_themes: Vec<usize>,
    pub municipalities: Vec<usize>,
    pub villages: Vec<usize>,
    pub age: Option<u32>,
    /// Words left to search for once stop words, places and age are gone.
    pub words: usize,
}

impl Plan {
    /// True when the query has nothing to search for (it is empty, or only
    /// names a place, an age or stop words): it browses the filters.
    pub fn browses(&self) -> bool {
        self.terms.is_empty() && self.related_themes.is_empty() && self.words == 0
    }

    /// True when there is something to rank by.
    pub fn ranks(&self) -> bool {
        !self.terms.is_empty() || !self.related_themes.is_empty()
    }
}

struct Word {
    text: String,
    stop: bool,
    stem: String,
    used: bool,
}

/// Orders strings as JavaScript's `<` does (by UTF-16 code units), so that
/// both engines break ties between terms the same way.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Optimal string alignment distance (Levenshtein plus adjacent
/// transpositions), in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Finds `phrase` as consecutive entries of `sequence` (indexes into
/// `words`) none of which is used yet; returns the window.
fn find_phrase(words: &[Word], sequence: &[usize], phrase: &[String]) -> Option<Vec<usize>> {
    if phrase.is_empty() || phrase.len() > sequence.len() {
        return None;
    }
    sequence
        .windows(phrase.len())
        .find(|window| {
            window
                .iter()
                .zip(phrase)
                .all(|(&i, p)| !words[i].used && &words[i].stem == p)
        })
        .map(<[usize]>::to_vec)
}

impl SearchIndex {
    /// Turns a query into a plan (see the module documentation).
    pub fn plan(&self, query: &str) -> Plan {
        let folded = analyzer::fold(query);
        let prefix_mode = folded.chars().last().is_some_and(char::is_alphanumeric);
        let mut words: Vec<Word> = analyzer::words(&folded)
            .map(|w| Word {
                text: w.to_string(),
                stop: analyzer::is_stop_word(w),
                stem: analyzer::stem(w).into_owned(),
                used: false,
            })
            .collect();
        let mut plan = Plan::default();

        for i in 0..words.len().saturating_sub(1) {
            let is_age_word = AGE_WORDS.contains(&words[i + 1].text.as_str());
            if plan.age.is_none()
                && is_age_word
                && words[i].text.len() <= 2
                && words[i].text.bytes().all(|b| b.is_ascii_digit())
            {
                plan.age = words[i].text.parse().ok();
                words[i].used = true;
                words[i + 1].used = true;
            }
        }

        let sequence: Vec<usize> = (0..words.len()).filter(|&i| !words[i].stop).collect();
        let mut places: Vec<(bool, usize, &Vec<String>)> = self
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, p)| (false, i, &p.phrase))
            .chain(
                self.villages
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (true, i, &p.phrase)),
            )
            .collect();
        places.sort_by(|a, b| {
            b.2.len()
                .cmp(&a.2.len())
                .then(a.0.cmp(&b.0))
                .then(a.1.cmp(&b.1))
        });
        for (is_village, index, phrase) in places {
            while let Some(window) = find_phrase(&words, &sequence, phrase) {
                for i in window {
                    words[i].used = true;
                }
                let list = if is_village {
                    &mut plan.villages
                } else {
                    &mut plan.municipalities
                };
                if !list.contains(&index) {
                    list.push(index);
                }
            }
        }
        plan.municipalities.sort_unstable();
        plan.villages.sort_unstable();

        let open: Vec<usize> = sequence
            .iter()
            .copied()
            .filter(|&i| !words[i].used)
            .collect();
        plan.words = open.len();
        for (index, theme) in self.themes.iter().enumerate() {
            if theme
                .phrases
                .iter()
                .any(|phrase| find_phrase(&words, &open, phrase).is_some())
            {
                plan.matched_themes.push(index);
            }
        }
        let mut related: Vec<usize> = plan
            .matched_themes
            .iter()
            .flat_map(|&t| self.themes[t].related.iter().copied())
            .filter(|r| !plan.matched_themes.contains(r))
            .collect();
        related.sort_unstable();
        related.dedup();
        plan.related_themes = related;

        let mut terms: BTreeMap<String, PlannedTerm> = BTreeMap::new();
        let mut add = |term: &str, boost: f32, how: Match, word: &str| {
            let entry = terms
                .entry(term.to_string())
                .or_insert_with(|| PlannedTerm {
                    term: term.to_string(),
                    boost,
                    how,
                    word: word.to_string(),
                });
            if boost > entry.boost {
                *entry = PlannedTerm {
                    term: term.to_string(),
                    boost,
                    how,
                    word: word.to_string(),
                };
            }
        };
        let last = words.len().checked_sub(1);
        for (i, word) in words.iter().enumerate() {
            if word.used {
                continue;
            }
            let prefix =
                prefix_mode && Some(i) == last && word.text.chars().count() >= PREFIX_MIN_CHARS;
            let exact = !word.stop && self.vocabulary.contains_key(&word.stem);
            if exact {
                add(&word.stem, EXACT_BOOST, Match::Exact, &word.text);
            }
            let mut expanded = false;
            if prefix {
                for term in self.prefixed(&word.text, &word.stem) {
                    add(term, PREFIX_BOOST, Match::Prefix, &word.text);
                    expanded = true;
                }
            }
            if word.stop || exact || expanded {
                continue;
            }
            let vocabulary = &self.vocabulary;
            let splitter = Decompounder {
                known: |s: &str| vocabulary.contains_key(s),
            };
            if let Some((head, tail)) = splitter.split_once(&word.text) {
                for part in [head, tail] {
                    add(
                        &analyzer::stem(part),
                        COMPOUND_BOOST,
                        Match::Compound,
                        &word.text,
                    );
                }
                continue;
            }
            for (term, distance) in self.corrections(&word.text, &word.stem) {
                let boost = if distance == 1 {
                    TYPO1_BOOST
                } else {
                    TYPO2_BOOST
                };
                add(term, boost, Match::Typo(distance as u8), &word.text);
            }
        }
        plan.terms = terms.into_values().collect();
        plan.terms.sort_by(|a, b| js_cmp(&a.term, &b.term));
        plan
    }

    /// The most frequent terms that start with `prefix`, other than `stem`.
    fn prefixed(&self, prefix: &str, stem: &str) -> Vec<&str> {
        let mut found: Vec<(&str, u32)> = self
            .vocabulary
            .range(prefix.to_string()..)
            .take_while(|(term, _)| term.starts_with(prefix))
            .filter(|(term, _)| term.as_str() != stem)
            .map(|(term, df)| (term.as_str(), *df))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| js_cmp(a.0, b.0)));
        found
            .into_iter()
            .take(PREFIX_MAX_TERMS)
            .map(|(term, _)| term)
            .collect()
    }

    /// The nearest terms within the typo budget of `word` (see the module
    /// documentation), with their distances.
    fn corrections(&self, word: &str, stem: &str) -> Vec<(&str, usize)> {
        let letters = word.chars().count();
        let budget = if letters >= TYPO2_MIN_CHARS {
            2
        } else if letters >= TYPO1_MIN_CHARS {
            1
        } else {
            return Vec::new();
        };
        let Some(first) = stem.chars().next() else {
            return Vec::new();
        };
        let stem_len = stem.chars().count();
        let start = first.to_string();
        let mut found: Vec<(&str, usize, u32)> = self
            .vocabulary
            .range(start.clone()..)
            .take_while(|(term, _)| term.starts_with(first))
            .filter(|(term, _)| term.chars().count().abs_diff(stem_len) <= budget)
            .filter_map(|(term, df)| {
                let distance = edit_distance(stem, term);
                (distance <= budget).then_some((term.as_str(), distance, *df))
            })
            .collect();
        found.sort_by(|a, b| {
            a.1.cmp(&b.1)
                .then(b.2.cmp(&a.2))
                .then_with(|| js_cmp(a.0, b.0))
        });
        found
            .into_iter()
            .take(TYPO_MAX_TERMS)
            .map(|(term, distance, _)| (term, distance))
            .collect()
    }

    /// The tantivy query of a plan: one boosted term query per planned term
    /// and field, all optional.
    pub fn tantivy_query(&self, plan: &Plan) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for planned in &plan.terms {
            for (index, field) in TEXT_FIELDS.iter().enumerate() {
                let term = Term::from_field_text(self.field(index), &planned.term);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(query),
                        field.weight * planned.boost,
                    )),
                ));
            }
        }
        for &theme in &plan.related_themes {
            let term = Term::from_field_text(self.field(TEXT_FIELDS.len()), &self.themes[theme].id);
            let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(query),
                    THEME_FIELD.weight * RELATED_THEME_BOOST,
                )),
            ));
        }
        BooleanQuery::new(clauses)
    }

    /// Every document the plan matches, scored by tantivy, best first; all
    /// documents with score 0 when the plan browses.
    pub fn ranked(&self, plan: &Plan) -> Result<Vec<Hit>> {
        if plan.browses() {
            return Ok((0..self.docs.len() as u32)
                .map(|doc| Hit { doc, score: 0.0 })
                .collect());
        }
        if !plan.ranks() {
            return Ok(Vec::new());
        }
        let limit = self.docs.len().max(1);
        let collector = TopDocs::with_limit(limit).order_by_score();
        let found = self.searcher.search_with_statistics_provider(
            &self.tantivy_query(plan),
            &collector,
            &SiteStatistics { index: self },
        )?;
        let mut hits: Vec<Hit> = found
            .into_iter()
            .map(|(score, address)| Hit {
                doc: self.doc_number(address),
                score,
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        Ok(hits)
    }

    /// Plans, ranks and filters a query: what the search page shows.
    pub fn search(&self, query: &str, filters: &Filters) -> Result<Results> {
        let plan = self.plan(query);
        let filters = filters.with_plan(&plan);
        let ranked = self.ranked(&plan)?;
        let counts = self.facet_counts(&ranked, &filters);
        let hits = ranked
            .into_iter()
            .filter(|hit| self.failing_facets(&self.docs[hit.doc as usize], &filters) == 0)
            .collect();
        Ok(Results {
            plan,
            filters,
            hits,
            counts,
        })
    }

    /// Which facets a document fails, as a bit set over [`Facet::ALL`].
    fn failing_facets(&self, doc: &SearchDoc, filters: &Filters) -> u32 {
        let mut failing = 0;
        for (bit, facet) in Facet::ALL.iter().enumerate() {
            if !self.passes(doc, *facet, filters) {
                failing |= 1 << bit;
            }
        }
        failing
    }

    fn villages_of<'a>(&'a self, doc: &'a SearchDoc) -> impl Iterator<Item = u16> + 'a {
        let explicit = !doc.facets.kernen.is_empty();
        let derived = self
            .villages
            .iter()
            .enumerate()
            .filter(move |(_, v)| {
                !explicit
                    && v.municipality
                        .is_some_and(|g| doc.facets.gemeenten.contains(&(g as u16)))
            })
            .map(|(i, _)| i as u16);
        doc.facets.kernen.iter().copied().chain(derived)
    }

    fn passes(&self, doc: &SearchDoc, facet: Facet, filters: &Filters) -> bool {
        let f = &doc.facets;
        let offer = doc.kind == Kind::Aanbod;
        let any = |values: &[u16], selected: &[u16]| {
            selected.is_empty() || values.iter().any(|v| selected.contains(v))
        };
        match facet {
            Facet::Soort => filters.soort.is_empty() || filters.soort.contains(&doc.kind),
            Facet::Thema => any(&f.themas, &filters.themas),
            Facet::Gemeente => any(&f.gemeenten, &filters.gemeenten),
            Facet::Kern => {
                filters.kernen.is_empty()
                    || self.villages_of(doc).any(|v| filters.kernen.contains(&v))
            }
            Facet::Leeftijd => filters.leeftijd.is_none_or(|age| {
                offer && f.leeftijd.is_none_or(|(van, tot)| van <= age && age <= tot)
            }),
            Facet::Doelgroep => {
                filters.doelgroepen.is_empty()
                    || (offer && any(&f.doelgroepen, &filters.doelgroepen))
            }
            Facet::Toegang => {
                filters.toegang.is_empty()
                    || (offer && f.toegang.is_some_and(|t| filters.toegang.contains(&t)))
            }
            Facet::Gratis => !filters.gratis || (offer && f.gratis),
        }
    }

    /// For every facet value, how many of `ranked` pass the other facets'
    /// filters and have that value: the live counts beside the filters.
    pub fn facet_counts(&self, ranked: &[Hit], filters: &Filters) -> FacetCounts {
        let mut counts = FacetCounts {
            soort: vec![0; 2],
            thema: vec![0; self.themes.len()],
            gemeente: vec![0; self.municipalities.len()],
            kern: vec![0; self.villages.len()],
            leeftijd: vec![0; self.max_age as usize + 1],
            doelgroep: vec![0; self.audiences.len()],
            toegang: vec![0; self.access.len()],
            gratis: 0,
        };
        for hit in ranked {
            let doc = &self.docs[hit.doc as usize];
            let failing = self.failing_facets(doc, filters);
            if failing.count_ones() > 1 {
                continue;
            }
            let counts_for = |facet: Facet| failing == 0 || failing == 1 << facet as u32;
            let f = &doc.facets;
            let offer = doc.kind == Kind::Aanbod;
            if counts_for(Facet::Soort) {
                counts.soort[doc.kind as usize] += 1;
            }
            if counts_for(Facet::Thema) {
                f.themas.iter().for_each(|&v| counts.thema[v as usize] += 1);
            }
            if counts_for(Facet::Gemeente) {
                f.gemeenten
                    .iter()
                    .for_each(|&v| counts.gemeente[v as usize] += 1);
            }
            if counts_for(Facet::Kern) {
                self.villages_of(doc)
                    .for_each(|v| counts.kern[v as usize] += 1);
            }
            if offer && counts_for(Facet::Leeftijd) {
                let (van, tot) = f.leeftijd.unwrap_or((0, u32::MAX));
                for age in van..=tot.min(self.max_age) {
                    counts.leeftijd[age as usize] += 1;
                }
            }
            if offer && counts_for(Facet::Doelgroep) {
                f.doelgroepen
                    .iter()
                    .for_each(|&v| counts.doelgroep[v as usize] += 1);
            }
            if offer && counts_for(Facet::Toegang) {
                f.toegang
                    .iter()
                    .for_each(|&v| counts.toegang[v as usize] += 1);
            }
            if offer && f.gratis && counts_for(Facet::Gratis) {
                counts.gratis += 1;
            }
        }
        counts
    }
}

/// tantivy's statistics, except that a term has one document frequency in
/// every text field: the number of documents that contain it anywhere. A
/// word that is everywhere ("kind") thus weighs little even in the few
/// titles that have it, and a rare word weighs much in every field.
pub struct SiteStatistics<'a> {
    index: &'a SearchIndex,
}

impl Bm25StatisticsProvider for SiteStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.index.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.index.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if term.field() != self.index.field(TEXT_FIELDS.len())
            && let Some(text) = term.value().as_str()
        {
            return Ok(u64::from(
                self.index.vocabulary.get(text).copied().unwrap_or(0),
            ));
        }
        self.index.searcher.doc_freq(term)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Document number: index into [`SearchIndex::docs`].
    pub doc: u32,
    pub score: f32,
}

/// The filters, in the order of the bit set of failing facets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Soort,
    Thema,
    Gemeente,
    Kern,
    Leeftijd,
    Doelgroep,
    Toegang,
    Gratis,
}

impl Facet {
    pub const ALL: [Facet; 8] = [
        Facet::Soort,
        Facet::Thema,
        Facet::Gemeente,
        Facet::Kern,
        Facet::Leeftijd,
        Facet::Doelgroep,
        Facet::Toegang,
        Facet::Gratis,
    ];
}

/// Chosen filters: several values of one facet are alternatives, different
/// facets must all hold. Audience, access, cost and age describe offers, so
/// providers drop out when one of them is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub soort: Vec<Kind>,
    pub themas: Vec<u16>,
    pub gemeenten: Vec<u16>,
    pub kernen: Vec<u16>,
    pub leeftijd: Option<u32>,
    pub doelgroepen: Vec<u16>,
    pub toegang: Vec<u16>,
    pub gratis: bool,
}

impl Filters {
    /// Adds the places and age that the query itself named.
    pub fn with_plan(&self, plan: &Plan) -> Filters {
        let mut filters = self.clone();
        for &g in &plan.municipalities {
            if !filters.gemeenten.contains(&(g as u16)) {
                filters.gemeenten.push(g as u16);
            }
        }
        for &k in &plan.villages {
            if !filters.kernen.contains(&(k as u16)) {
                filters.kernen.push(k as u16);
            }
        }
        if filters.leeftijd.is_none() {
            filters.leeftijd = plan.age;
        }
        filters
    }
}

/// Live counts per facet value, indexed like the site's lists; `leeftijd`
/// by age in years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCounts {
    pub soort: Vec<u32>,
    pub thema: Vec<u32>,
    pub gemeente: Vec<u32>,
    pub kern: Vec<u32>,
    pub leeftijd: Vec<u32>,
    pub doelgroep: Vec<u32>,
    pub toegang: Vec<u32>,
    pub gratis: u32,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub plan: Plan,
    /// The filters applied: the chosen ones plus what the query named.
    pub filters: Filters,
    /// Matching documents that pass every filter, best first.
    pub hits: Vec<Hit>,
    pub counts: FacetCounts,
}
