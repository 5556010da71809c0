//! Builds the tantivy index in RAM and reads its terms, postings and field
//! lengths back for the export and the query planner.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result};
use fnv::{FnvHashMap, FnvHashSet};
use rayon::prelude::*;
use tantivy::postings::Postings;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocSet, Index, IndexReader, ReloadPolicy, Searcher, TERMINATED, TantivyDocument};

use super::analyzer::{self, Decompounder, MIN_PART_CHARS, STOP_WORDS};
use super::documents::{self, SearchDoc, TEXT_FIELDS};
use crate::model::Site;

/// A theme as the query planner sees it: the stemmed phrases (its name and
/// synonyms) that point to it, and its related themes.
#[derive(Debug, Clone)]
pub struct ThemeEntry {
    pub id: String,
    pub name: String,
    pub phrases: Vec<Vec<String>>,
    /// Indexes into the theme list.
    pub related: Vec<usize>,
}

/// A municipality or village: its stemmed name.
#[derive(Debug, Clone)]
pub struct PlaceEntry {
    pub id: String,
    pub name: String,
    pub phrase: Vec<String>,
    /// For a village, the index of its municipality.
    pub municipality: Option<usize>,
}

/// One term of the index: in how many documents it occurs and where.
#[derive(Debug, Clone)]
pub struct TermData {
    /// Documents that contain the term in any text field: the document
    /// frequency of its BM25 idf, in every field (see
    /// [`super::query::SiteStatistics`]).
    pub doc_freq: u32,
    /// Postings per field, by field number.
    pub fields: Vec<FieldPostings>,
}

/// One term's postings in one field, by document number.
#[derive(Debug, Clone)]
pub struct FieldPostings {
    /// Index into [`TEXT_FIELDS`], or `TEXT_FIELDS.len()` for the theme field.
    pub field: usize,
    /// `(document, term frequency, tantivy fieldnorm id)`, by document.
    pub postings: Vec<(u32, u32, u8)>,
}

pub struct SearchIndex {
    pub docs: Vec<SearchDoc>,
    pub themes: Vec<ThemeEntry>,
    pub municipalities: Vec<PlaceEntry>,
    pub villages: Vec<PlaceEntry>,
    /// `(id, naam)` of each audience and access route, in site order.
    pub audiences: Vec<(String, String)>,
    pub access: Vec<(String, String)>,
    /// The oldest age the age filter offers: the end of the last age group.
    pub max_age: u32,
    /// Every term of a text field with its document frequency: what the
    /// query planner looks words up in.
    pub vocabulary: BTreeMap<String, u32>,
    /// Every term of every field, read back from tantivy.
    pub terms: BTreeMap<String, TermData>,
    /// Total number of tokens of each field (text fields, then the theme
    /// field): tantivy's BM25 average field length is this divided by the
    /// number of documents.
    pub total_tokens: Vec<u64>,
    pub(super) searcher: Searcher,
    pub(super) fields: Vec<Field>,
    /// Document number of each tantivy document, per segment.
    pub(super) doc_numbers: Vec<Vec<u32>>,
    texts_analysed_again: usize,
    _reader: IndexReader,
}

struct Analysis {
    stem: String,
    parts: Vec<String>,
}

impl SearchIndex {
    /// Indexes every published offer and provider of `site` with tantivy.
    pub fn build(site: &Site) -> Result<SearchIndex> {
        let docs = documents::documents(site);
        let themes = theme_entries(site);
        let (municipalities, villages) = place_entries(site);

        // Every word of the site, analysed once: its stem, and the parts it
        // splits into against the stems of every word (of at least
        // MIN_PART_CHARS letters) that occurs on its own anywhere in the site
        // or in a theme's name or synonyms.
        let theme_words = site
            .config
            .themas
            .iter()
            .flat_map(|t| std::iter::once(&t.naam).chain(&t.synoniemen));
        let texts: Vec<&str> = docs
            .iter()
            .flat_map(|d| d.text.iter())
            .chain(theme_words)
            .map(String::as_str)
            .collect();
        let found = TextWords::find(&texts);
        let stems: Vec<String> = found
            .words
            .par_iter()
            .map(|w| analyzer::stem(w).into_owned())
            .collect();
        let known: FnvHashSet<&str> = stems
            .iter()
            .zip(&found.words)
            .filter(|(_, w)| w.len() >= MIN_PART_CHARS)
            .map(|(stem, _)| stem.as_str())
            .collect();
        let splitter = Decompounder {
            known: |s: &str| known.contains(s),
        };
        let analyses: Vec<Analysis> = stems
            .par_iter()
            .zip(&found.words)
            .map(|(stem, word)| Analysis {
                stem: stem.clone(),
                parts: splitter.parts(word),
            })
            .collect();
        let doc_texts = docs.len() * TEXT_FIELDS.len();
        let replay = Arc::new(Replay::new(found, analyses, &texts[..doc_texts]));

        let mut schema = Schema::builder();
        let options = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let mut fields: Vec<Field> = TEXT_FIELDS
            .iter()
            .map(|f| schema.add_text_field(f.name, options(DUTCH)))
            .collect();
        fields.push(schema.add_text_field(documents::THEME_FIELD.name, options("raw")));
        let number_field = schema.add_u64_field("nummer", NumericOptions::default().set_fast());
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(
            DUTCH,
            Analysed {
                replay: Arc::clone(&replay),
            },
        );
        // One indexing thread: the pages are rendered on every core
        // meanwhile, and one segment is read back with less work than one
        // per thread (10,000 offers: about 2% less CPU for the whole build).
        // A site too large for the memory budget still gets several
        // segments; the `nummer` fast field maps their documents back, so
        // the export does not depend on how tantivy split them.
        let mut writer = index
            .writer_with_num_threads(1, 100_000_000)
            .context("kan de zoekindex niet openen")?;
        for (number, doc) in docs.iter().enumerate() {
            let mut tantivy_doc = TantivyDocument::default();
            for (field, text) in fields.iter().zip(&doc.text) {
                tantivy_doc.add_text(*field, text);
            }
            for id in &doc.theme_ids {
                tantivy_doc.add_text(fields[TEXT_FIELDS.len()], id);
            }
            tantivy_doc.add_u64(number_field, number as u64);
            writer
                .add_document(tantivy_doc)
                .context("kan een document niet indexeren")?;
        }
        writer
            .commit()
            .context("kan de zoekindex niet vastleggen")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("kan de zoekindex niet lezen")?;
        let searcher = reader.searcher();

        let mut doc_numbers = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("nummer")?;
            doc_numbers.push(
                (0..segment.max_doc())
                    .map(|d| column.first(d).unwrap_or(0) as u32)
                    .collect(),
            );
        }
        let mut total_tokens = vec![0u64; fields.len()];
        for segment in searcher.segment_readers() {
            for (i, field) in fields.iter().enumerate() {
                total_tokens[i] += segment.inverted_index(*field)?.total_num_tokens();
            }
        }
        let terms = read_terms(&searcher, &fields, &doc_numbers)?;
        let vocabulary = terms
            .iter()
            .filter(|(_, t)| t.doc_freq > 0)
            .map(|(term, t)| (term.clone(), t.doc_freq))
            .collect();
        let c = &site.config;
        Ok(SearchIndex {
            docs,
            themes,
            municipalities,
            villages,
            audiences: c
                .doelgroepen
                .iter()
                .map(|d| (d.id.clone(), d.naam.clone()))
                .collect(),
            access: c
                .toegang
                .iter()
                .map(|t| (t.id.clone(), t.naam.clone()))
                .collect(),
            max_age: c
                .leeftijdsgroepen
                .iter()
                .map(|l| l.tot)
                .max()
                .unwrap_or(23)
                .min(99),
            vocabulary,
            terms,
            total_tokens,
            searcher,
            fields,
            doc_numbers,
            texts_analysed_again: replay.analysed_again.load(Ordering::Relaxed),
            _reader: reader,
        })
    }

    /// Document texts that tantivy tokenized out of the expected order and
    /// that were therefore analysed a second time: none, as long as tantivy
    /// keeps to field order (see [`Replay`]).
    pub fn texts_analysed_again(&self) -> usize {
        self.texts_analysed_again
    }

    /// Number of documents, as tantivy counts them for BM25.
    pub fn doc_count(&self) -> u64 {
        self.searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum()
    }

    /// The tantivy field of a text field index, or the theme field.
    pub(super) fn field(&self, index: usize) -> Field {
        self.fields[index]
    }

    /// The document number of a tantivy document address.
    pub(super) fn doc_number(&self, address: tantivy::DocAddress) -> u32 {
        self.doc_numbers[address.segment_ord as usize][address.doc_id as usize]
    }
}

/// Every term of every field with its postings, read from tantivy, and
/// the number of documents that have it in any text field.
fn read_terms(
    searcher: &Searcher,
    fields: &[Field],
    doc_numbers: &[Vec<u32>],
) -> Result<BTreeMap<String, TermData>> {
    let mut terms: BTreeMap<String, TermData> = BTreeMap::new();
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let numbers = &doc_numbers[segment_ord];
        for (field_index, field) in fields.iter().enumerate() {
            let inverted = segment.inverted_index(*field)?;
            let norms = segment.get_fieldnorms_reader(*field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let term = String::from_utf8_lossy(stream.key()).into_owned();
                let mut postings = inverted
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)?;
                let entries = &mut terms
                    .entry(term)
                    .or_insert_with(|| TermData {
                        doc_freq: 0,
                        fields: Vec::new(),
                    })
                    .fields;
                let position = match entries.iter().position(|p| p.field == field_index) {
                    Some(p) => p,
                    None => {
                        entries.push(FieldPostings {
                            field: field_index,
                            postings: Vec::new(),
                        });
                        entries.len() - 1
                    }
                };
                let list = &mut entries[position].postings;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    list.push((
                        numbers[doc as usize],
                        postings.term_freq(),
                        norms.fieldnorm_id(doc),
                    ));
                    doc = postings.advance();
                }
            }
        }
    }
    let mut seen: Vec<u32> = Vec::new();
    for data in terms.values_mut() {
        data.fields.sort_by_key(|p| p.field);
        seen.clear();
        for p in data.fields.iter_mut() {
            p.postings.sort_unstable_by_key(|&(doc, _, _)| doc);
            if p.field < TEXT_FIELDS.len() {
                seen.extend(p.postings.iter().map(|&(doc, _, _)| doc));
            }
        }
        seen.sort_unstable();
        seen.dedup();
        data.doc_freq = seen.len() as u32;
    }
    Ok(terms)
}

/// The words of a list of texts, found in one pass: every word but the
/// stop words, and the ids of each text's words in order.
struct TextWords {
    words: Vec<String>,
    word_ids: FnvHashMap<String, u32>,
    /// Word ids of all texts, text after text.
    ids: Vec<u32>,
    /// Where each text's ids end in `ids`.
    ends: Vec<u32>,
}

/// One part of the texts, with ids of its own: below `STOP_WORDS.len()`
/// a stop word, above it its `words`.
struct ChunkWords {
    words: Vec<String>,
    ids: Vec<u32>,
    ends: Vec<u32>,
}

impl TextWords {
    /// The word ids of the text at `at` in the list it was found in.
    fn text_ids(&self, at: usize) -> &[u32] {
        let start = at.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.ids[start as usize..self.ends[at] as usize]
    }

    fn find(texts: &[&str]) -> TextWords {
        let chunk_len = texts
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(1);
        let chunks: Vec<ChunkWords> = texts.par_chunks(chunk_len).map(ChunkWords::find).collect();
        let mut words: Vec<String> = Vec::new();
        let mut word_ids: FnvHashMap<String, u32> = FnvHashMap::default();
        let mut ids = Vec::with_capacity(chunks.iter().map(|c| c.ids.len()).sum());
        let mut ends = Vec::with_capacity(texts.len());
        for chunk in chunks {
            let global: Vec<u32> = chunk
                .words
                .into_iter()
                .map(|word| match word_ids.get(&word) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(words.len()).expect("fewer than 4 billion words");
                        words.push(word.clone());
                        word_ids.insert(word, id);
                        id
                    }
                })
                .collect();
            let start = u32::try_from(ids.len()).expect("fewer than 4 billion words");
            ids.extend(
                chunk
                    .ids
                    .iter()
                    .map(|&local| global[local as usize - STOP_WORDS.len()]),
            );
            ends.extend(chunk.ends.iter().map(|end| start + end));
        }
        TextWords {
            words,
            word_ids,
            ids,
            ends,
        }
    }
}

impl ChunkWords {
    fn find(texts: &[&str]) -> ChunkWords {
        // Seeded with the stop words, so that finding a word is one lookup.
        // FNV rather than SipHash: every word of the site is hashed here,
        // and the keys come from our own content.
        let mut local: FnvHashMap<String, u32> = (0u32..)
            .zip(STOP_WORDS)
            .map(|(id, w)| (w.to_string(), id))
            .collect();
        let mut ids = Vec::new();
        let mut ends = Vec::with_capacity(texts.len());
        for text in texts {
            let folded = analyzer::fold(text);
            for word in analyzer::words(&folded) {
                let id = match local.get(word) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(local.len()).expect("fewer than 4 billion words");
                        local.insert(word.to_string(), id);
                        id
                    }
                };
                if id as usize >= STOP_WORDS.len() {
                    ids.push(id);
                }
            }
            ends.push(u32::try_from(ids.len()).expect("fewer than 4 billion words"));
        }
        let mut words = vec![String::new(); local.len() - STOP_WORDS.len()];
        for (word, id) in local {
            if let Some(at) = (id as usize).checked_sub(STOP_WORDS.len()) {
                words[at] = word;
            }
        }
        ChunkWords { words, ids, ends }
    }
}

/// The words of the documents' texts, as [`TextWords::find`] found them,
/// for tantivy to index without analysing every text again. tantivy
/// tokenizes a document's text fields in field order, which is the order
/// the texts were found in; each text is checked against what was found
/// (its length and hash), and a text that does not match is analysed anew.
struct Replay {
    analyses: Vec<Analysis>,
    words: TextWords,
    /// Length and hash of each document text, in the order tantivy gets them.
    expected: Vec<(usize, u64)>,
    next: AtomicUsize,
    /// Texts that did not match and were analysed again.
    analysed_again: AtomicUsize,
}

impl Replay {
    fn new(words: TextWords, analyses: Vec<Analysis>, texts: &[&str]) -> Replay {
        Replay {
            analyses,
            words,
            expected: texts.iter().map(|t| (t.len(), text_hash(t))).collect(),
            next: AtomicUsize::new(0),
            analysed_again: AtomicUsize::new(0),
        }
    }

    /// The word ids of `text`.
    fn ids(&self, text: &str) -> Cow<'_, [u32]> {
        let at = self.next.load(Ordering::Relaxed);
        if self.expected.get(at) == Some(&(text.len(), text_hash(text))) {
            self.next.store(at + 1, Ordering::Relaxed);
            return Cow::Borrowed(self.words.text_ids(at));
        }
        self.analysed_again.fetch_add(1, Ordering::Relaxed);
        let folded = analyzer::fold(text);
        Cow::Owned(
            analyzer::words(&folded)
                .filter_map(|w| self.words.word_ids.get(w).copied())
                .collect(),
        )
    }
}

fn text_hash(text: &str) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// The tokenizer name of the Dutch text fields.
const DUTCH: &str = "nl";

/// The analyzer as a tantivy tokenizer, over the words analysed up front:
/// each word yields its stem and then the stems of its parts, at one
/// position. Stop words, which have no analysis, yield nothing.
#[derive(Clone)]
struct Analysed {
    replay: Arc<Replay>,
}

struct AnalysedStream<'a> {
    analyses: &'a [Analysis],
    ids: Cow<'a, [u32]>,
    word: usize,
    part: usize,
    token: Token,
}

impl Tokenizer for Analysed {
    type TokenStream<'a> = AnalysedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnalysedStream<'a> {
        AnalysedStream {
            analyses: &self.replay.analyses,
            ids: self.replay.ids(text),
            word: 0,
            part: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for AnalysedStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&id) = self.ids.get(self.word) else {
            return false;
        };
        let analysis = &self.analyses[id as usize];
        let text = if self.part == 0 {
            &analysis.stem
        } else {
            &analysis.parts[self.part - 1]
        };
        self.token.text.clear();
        self.token.text.push_str(text);
        self.token.position = self.word;
        if self.part < analysis.parts.len() {
            self.part += 1;
        } else {
            self.word += 1;
            self.part = 0;
        }
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

fn dedup_phrases(texts: impl IntoIterator<Item = String>) -> Vec<Vec<String>> {
    let mut phrases: Vec<Vec<String>> = Vec::new();
    for text in texts {
        let phrase = analyzer::phrase_terms(&text);
        if !phrase.is_empty() && !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
    }
    phrases
}

fn theme_entries(site: &Site) -> Vec<ThemeEntry> {
    let themas = &site.config.themas;
    themas
        .iter()
        .map(|t| ThemeEntry {
            id: t.id.clone(),
            name: t.naam.clone(),
            phrases: dedup_phrases(
                std::iter::once(t.naam.clone()).chain(t.synoniemen.iter().cloned()),
            ),
            related: t
                .verwant
                .iter()
                .filter_map(|id| themas.iter().position(|o| &o.id == id))
                .collect(),
        })
        .collect()
}

fn place_entries(site: &Site) -> (Vec<PlaceEntry>, Vec<PlaceEntry>) {
    let municipalities = site
        .config
        .gemeenten
        .iter()
        .map(|g| PlaceEntry {
            id: g.id.clone(),
            name: g.naam.clone(),
            phrase: analyzer::phrase_terms(&g.naam),
            municipality: None,
        })
        .collect();
    let villages = documents::all_villages(site)
        .into_iter()
        .map(|(g, k)| PlaceEntry {
            id: k.id.clone(),
            name: k.naam.clone(),
            phrase: analyzer::phrase_terms(&k.naam),
            municipality: Some(g),
        })
        .collect();
    (municipalities, villages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_found_with_their_words_in_order_without_stop_words() {
        let texts = [
            "Hulp bij de scheiding",
            "",
            "Scheiding? Hulp!",
            "en de",
            "Coördinatie",
        ];
        let found = TextWords::find(&texts);
        let words = |at: usize| -> Vec<&str> {
            found
                .text_ids(at)
                .iter()
                .map(|&id| found.words[id as usize].as_str())
                .collect()
        };
        assert_eq!(words(0), ["hulp", "scheiding"]);
        assert!(words(1).is_empty());
        assert_eq!(words(2), ["scheiding", "hulp"]);
        assert!(words(3).is_empty());
        assert_eq!(words(4), ["coordinatie"]);
        assert_eq!(found.words.len(), 3);
    }

    #[test]
    fn a_text_out_of_order_is_analysed_again_to_the_same_words() {
        let texts = ["Een kind", "De ouders van het kind"];
        let found = TextWords::find(&texts);
        let in_order: Vec<Vec<u32>> = {
            let replay = Replay::new(TextWords::find(&texts), Vec::new(), &texts);
            texts.iter().map(|t| replay.ids(t).into_owned()).collect()
        };
        assert_eq!(in_order[0].len(), 1);
        assert_eq!(in_order[1].len(), 2);
        let replay = Replay::new(found, Vec::new(), &texts);
        assert_eq!(replay.ids(texts[1]).into_owned(), in_order[1]);
        assert_eq!(replay.analysed_again.load(Ordering::Relaxed), 1);
        assert_eq!(replay.ids(texts[0]).into_owned(), in_order[0]);
        assert_eq!(replay.ids(texts[1]).into_owned(), in_order[1]);
        assert_eq!(replay.analysed_again.load(Ordering::Relaxed), 1);
    }
}
