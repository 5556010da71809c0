//! Writes the static index: the wire format of [`crate::search`].

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::io::Write as _;

use anyhow::Result;
use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde_json::{Value as Json, json};

use super::analyzer::{MAX_WORD_CHARS, MIN_COMPOUND_CHARS, MIN_PART_CHARS, STOP_WORDS};
use super::documents::{Kind, TEXT_FIELDS, THEME_FIELD};
use super::index::{FieldPostings, SearchIndex};
use super::query::{self, js_cmp};
use super::{FORMAT, FORMAT_VERSION, INDEX_DIR};

/// A term chunk is closed once its uncompressed size passes this.
pub const TERM_CHUNK_BYTES: usize = 6 * 1024;

/// Result data of this many documents share one file.
pub const DOCS_PER_CHUNK: usize = 8;

/// The files of the static index: path under the output root, contents.
pub fn export(index: &SearchIndex) -> Result<Vec<(String, Vec<u8>)>> {
    // Term chunks hold the text fields; the theme field has a file of its own.
    let mut terms: Vec<TextTerm> = index
        .terms
        .iter()
        .map(|(term, data)| TextTerm {
            term,
            doc_freq: data.doc_freq,
            fields: data
                .fields
                .iter()
                .filter(|f| f.field < TEXT_FIELDS.len())
                .collect(),
        })
        .filter(|t| !t.fields.is_empty())
        .collect();
    terms.sort_by(|a, b| js_cmp(a.term, b.term));

    let mut files = Files::default();
    let term_chunks: Vec<(String, Vec<u8>)> = chunk_terms(&terms);
    let compressed: Vec<Vec<u8>> = term_chunks.par_iter().map(|(_, raw)| gzip(raw)).collect();
    let term_table: Vec<Json> = term_chunks
        .iter()
        .zip(compressed)
        .map(|((first, _), bytes)| json!([first, files.add("t", "bin", bytes)]))
        .collect();

    let mut by_letter: BTreeMap<char, Vec<(&str, u32)>> = BTreeMap::new();
    for t in &terms {
        if let Some(first) = t.term.chars().next() {
            by_letter
                .entry(first)
                .or_default()
                .push((t.term.as_str(), t.doc_freq));
        }
    }
    let themes_file = files.add("h", "bin", gzip(&encode_theme_postings(index)));
    let vocabulary_files: Vec<(char, Vec<u8>)> = by_letter
        .par_iter()
        .map(|(first, list)| (*first, gzip(&encode_vocabulary(list))))
        .collect();
    let mut vocabulary = serde_json::Map::new();
    for (first, bytes) in vocabulary_files {
        vocabulary.insert(
            first.to_string(),
            Json::String(files.add("w", "bin", bytes)),
        );
    }

    // Result data: one hash for the whole set keeps meta.json small however
    // many chunks there are.
    let doc_chunks: Vec<Vec<u8>> = index
        .docs
        .chunks(DOCS_PER_CHUNK)
        .map(|chunk| {
            let rows: Vec<Json> = chunk
                .iter()
                .map(|d| json!([d.url, d.title, d.provider, d.summary, d.status]))
                .collect();
            serde_json::to_vec(&rows).expect("JSON")
        })
        .collect();
    let docs_prefix = format!("d-{}-", content_hash(doc_chunks.iter().map(Vec::as_slice)));
    let doc_count = doc_chunks.len();
    for (n, bytes) in doc_chunks.into_iter().enumerate() {
        files
            .list
            .push((format!("{INDEX_DIR}/{docs_prefix}{n}.json"), bytes));
    }

    let facets_file = files.add("f", "bin", gzip(&encode_facets(index)));
    let docs = json!({ "per_chunk": DOCS_PER_CHUNK, "count": doc_count, "prefix": docs_prefix });
    let meta = meta_json(
        index,
        term_table,
        vocabulary,
        docs,
        facets_file,
        themes_file,
    );
    files.list.push((
        format!("{INDEX_DIR}/meta.json"),
        serde_json::to_vec(&meta).expect("JSON"),
    ));
    Ok(files.list)
}

/// Content-addressed file names, so that a browser may cache every file
/// but `meta.json` for ever.
#[derive(Default)]
struct Files {
    list: Vec<(String, Vec<u8>)>,
    names: BTreeMap<String, usize>,
}

impl Files {
    fn add(&mut self, kind: &str, extension: &str, bytes: Vec<u8>) -> String {
        let hash = content_hash([bytes.as_slice()]);
        let mut name = format!("{kind}-{hash}.{extension}");
        let mut attempt = 1;
        while let Some(&existing) = self.names.get(&name) {
            if self.list[existing].1 == bytes {
                return name;
            }
            attempt += 1;
            name = format!("{kind}-{hash}-{attempt}.{extension}");
        }
        self.names.insert(name.clone(), self.list.len());
        self.list.push((format!("{INDEX_DIR}/{name}"), bytes));
        name
    }
}

/// 40 bits of FNV-1a over the parts, as 10 hex digits: enough to tell
/// versions of a file apart (same-named clashes within a build are resolved
/// in [`Files::add`]).
fn content_hash<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = fnv::FnvHasher::default();
    for part in parts {
        hasher.write(part);
        hasher.write_u8(0xff);
    }
    format!("{:010x}", hasher.finish() >> 24)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// A term of the text fields, for the term chunks.
struct TextTerm<'a> {
    term: &'a String,
    doc_freq: u32,
    fields: Vec<&'a FieldPostings>,
}

fn encode_postings(out: &mut Vec<u8>, postings: &[(u32, u32, u8)]) {
    let mut list = Vec::with_capacity(postings.len() * 3);
    let mut last_doc = 0;
    for &(doc, tf, norm) in postings {
        varint(&mut list, u64::from(doc - last_doc));
        varint(&mut list, u64::from(tf));
        list.push(norm);
        last_doc = doc;
    }
    varint(out, postings.len() as u64);
    varint(out, list.len() as u64);
    out.extend_from_slice(&list);
}

/// The theme field's postings, one list per theme of meta.json.
fn encode_theme_postings(index: &SearchIndex) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, index.themes.len() as u64);
    for theme in &index.themes {
        let postings = index
            .terms
            .get(&theme.id)
            .and_then(|data| data.fields.iter().find(|f| f.field == TEXT_FIELDS.len()))
            .map_or(&[][..], |f| f.postings.as_slice());
        encode_postings(&mut out, postings);
    }
    out
}

/// Splits the sorted terms into chunks: each its first term and its bytes.
fn chunk_terms(terms: &[TextTerm]) -> Vec<(String, Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut body = Vec::new();
    let mut count = 0u64;
    let mut previous: &[u8] = &[];
    for (i, t) in terms.iter().enumerate() {
        let bytes = t.term.as_bytes();
        let shared = shared_prefix(previous, bytes);
        varint(&mut body, shared as u64);
        varint(&mut body, (bytes.len() - shared) as u64);
        body.extend_from_slice(&bytes[shared..]);
        varint(&mut body, u64::from(t.doc_freq));
        varint(&mut body, t.fields.len() as u64);
        for field in &t.fields {
            varint(&mut body, field.field as u64);
            encode_postings(&mut body, &field.postings);
        }
        count += 1;
        previous = bytes;
        if body.len() >= TERM_CHUNK_BYTES || i + 1 == terms.len() {
            let mut chunk = Vec::with_capacity(body.len() + 4);
            varint(&mut chunk, count);
            chunk.append(&mut body);
            let first = if chunks.is_empty() {
                String::new()
            } else {
                terms[start].term.clone()
            };
            chunks.push((first, chunk));
            start = i + 1;
            count = 0;
            previous = &[];
        }
    }
    chunks
}

fn encode_vocabulary(terms: &[(&str, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, terms.len() as u64);
    let mut previous: &[u8] = &[];
    for (term, df) in terms {
        let bytes = term.as_bytes();
        let shared = shared_prefix(previous, bytes);
        varint(&mut out, shared as u64);
        varint(&mut out, (bytes.len() - shared) as u64);
        out.extend_from_slice(&bytes[shared..]);
        varint(&mut out, u64::from(*df));
        previous = bytes;
    }
    out
}

/// The facet columns (see the wire format): per document a flags byte,
/// the age range, then the lists.
fn encode_facets(index: &SearchIndex) -> Vec<u8> {
    let docs = &index.docs;
    let mut out = Vec::with_capacity(docs.len() * 10);
    varint(&mut out, docs.len() as u64);
    for d in docs {
        let f = &d.facets;
        let access = f.toegang.map_or(0, |t| u64::from(t) + 1);
        varint(
            &mut out,
            u64::from(d.kind == Kind::Aanbieder) | u64::from(f.gratis) << 1 | access << 2,
        );
        match f.leeftijd {
            Some((van, tot)) => {
                varint(&mut out, u64::from(van) + 1);
                varint(&mut out, u64::from(tot));
            }
            None => varint(&mut out, 0),
        }
        for list in [&f.themas, &f.gemeenten, &f.kernen, &f.doelgroepen] {
            varint(&mut out, list.len() as u64);
            for &value in list {
                varint(&mut out, u64::from(value));
            }
        }
    }
    out
}

/// The highest field length code in any posting: the table in meta.json
/// stops there.
fn max_fieldnorm_id(index: &SearchIndex) -> u8 {
    index
        .terms
        .values()
        .flat_map(|t| &t.fields)
        .flat_map(|f| f.postings.iter().map(|&(_, _, norm)| norm))
        .max()
        .unwrap_or(0)
}

/// An `f32` constant as the decimal it was written as, so that JavaScript's
/// `Math.fround` of the JSON number gives the same `f32` back.
fn decimal(value: f32) -> Json {
    json!(
        value
            .to_string()
            .parse::<f64>()
            .expect("a float prints as a number")
    )
}

fn meta_json(
    index: &SearchIndex,
    term_table: Vec<Json>,
    vocabulary: serde_json::Map<String, Json>,
    docs: Json,
    facets_file: String,
    themes_file: String,
) -> Json {
    let mut fields: Vec<Json> = TEXT_FIELDS
        .iter()
        .zip(&index.total_tokens)
        .map(|(f, tokens)| json!({ "name": f.name, "weight": decimal(f.weight), "tokens": tokens, "keyword": false }))
        .collect();
    fields.push(json!({ "name": THEME_FIELD.name, "weight": decimal(THEME_FIELD.weight), "tokens": index.total_tokens[TEXT_FIELDS.len()], "keyword": true }));
    let themes: Vec<Json> = index
        .themes
        .iter()
        .map(|t| json!({ "id": t.id, "name": t.name, "phrases": t.phrases, "related": t.related }))
        .collect();
    let municipalities: Vec<Json> = index
        .municipalities
        .iter()
        .map(|p| json!({ "id": p.id, "name": p.name, "phrase": p.phrase }))
        .collect();
    let villages: Vec<Json> = index
        .villages
        .iter()
        .map(|p| json!({ "id": p.id, "name": p.name, "phrase": p.phrase, "municipality": p.municipality }))
        .collect();
    let named = |list: &[(String, String)]| -> Vec<Json> {
        list.iter()
            .map(|(id, name)| json!({ "id": id, "name": name }))
            .collect()
    };
    json!({
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "documents": index.docs.len(),
        "bm25": {
            "k1": 1.2,
            "b": 0.75,
            "fieldnorms": (0..=max_fieldnorm_id(index)).map(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm).collect::<Vec<u32>>(),
        },
        "fields": fields,
        "analyzer": {
            "stop_words": STOP_WORDS,
            "max_word_chars": MAX_WORD_CHARS,
            "min_compound_chars": MIN_COMPOUND_CHARS,
            "min_part_chars": MIN_PART_CHARS,
        },
        "query": {
            "exact": decimal(query::EXACT_BOOST),
            "prefix": decimal(query::PREFIX_BOOST),
            "compound": decimal(query::COMPOUND_BOOST),
            "typo1": decimal(query::TYPO1_BOOST),
            "typo2": decimal(query::TYPO2_BOOST),
            "related_theme": decimal(query::RELATED_THEME_BOOST),
            "prefix_min_chars": query::PREFIX_MIN_CHARS,
            "prefix_max_terms": query::PREFIX_MAX_TERMS,
            "typo1_min_chars": query::TYPO1_MIN_CHARS,
            "typo2_min_chars": query::TYPO2_MIN_CHARS,
            "typo_max_terms": query::TYPO_MAX_TERMS,
            "age_words": query::AGE_WORDS,
        },
        "themes": themes,
        "municipalities": municipalities,
        "villages": villages,
        "audiences": named(&index.audiences),
        "access": named(&index.access),
        "max_age": index.max_age,
        "terms": term_table,
        "vocabulary": vocabulary,
        "docs": docs,
        "facets": facets_file,
        "theme_postings": themes_file,
    })
}
