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
use super::index::{SearchIndex, TermData};
use super::query::{self, js_cmp};
use super::{FORMAT, FORMAT_VERSION, INDEX_DIR};

/// A term chunk is closed once its uncompressed size passes this.
pub const TERM_CHUNK_BYTES: usize = 12 * 1024;

/// Result data of this many documents share one file.
pub const DOCS_PER_CHUNK: usize = 16;

/// The files of the static index: path under the output root, contents.
pub fn export(index: &SearchIndex) -> Result<Vec<(String, Vec<u8>)>> {
    let mut terms: Vec<(&String, &TermData)> = index.terms.iter().collect();
    terms.sort_by(|a, b| js_cmp(a.0, b.0));

    let mut files = Files::default();
    let term_chunks: Vec<(String, Vec<u8>)> = chunk_terms(&terms);
    let compressed: Vec<Vec<u8>> = term_chunks.par_iter().map(|(_, raw)| gzip(raw)).collect();
    let term_table: Vec<Json> = term_chunks
        .iter()
        .zip(compressed)
        .map(|((first, _), bytes)| json!([first, files.add("t", "bin", bytes)]))
        .collect();

    let mut by_letter: BTreeMap<char, Vec<(&str, u32)>> = BTreeMap::new();
    for (term, data) in &terms {
        if let (Some(first), true) = (term.chars().next(), data.doc_freq > 0) {
            by_letter.entry(first).or_default().push((term.as_str(), data.doc_freq));
        }
    }
    let vocabulary_files: Vec<(char, Vec<u8>)> = by_letter.par_iter().map(|(first, list)| (*first, gzip(&encode_vocabulary(list)))).collect();
    let mut vocabulary = serde_json::Map::new();
    for (first, bytes) in vocabulary_files {
        vocabulary.insert(first.to_string(), Json::String(files.add("w", "bin", bytes)));
    }

    let doc_chunks: Vec<Json> = index
        .docs
        .chunks(DOCS_PER_CHUNK)
        .map(|chunk| {
            let rows: Vec<Json> = chunk.iter().map(|d| json!([d.url, d.title, d.provider, d.summary, d.status])).collect();
            Json::String(files.add("d", "json", serde_json::to_vec(&rows).expect("JSON")))
        })
        .collect();

    let facets = facets_json(index);
    let facets_file = files.add("f", "json", serde_json::to_vec(&facets).expect("JSON"));

    let meta = meta_json(index, term_table, vocabulary, doc_chunks, facets_file);
    files.list.push((format!("{INDEX_DIR}/meta.json"), serde_json::to_vec(&meta).expect("JSON")));
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
        let mut hasher = fnv::FnvHasher::default();
        hasher.write(&bytes);
        let hash = hasher.finish();
        let mut name = format!("{kind}-{hash:016x}.{extension}");
        let mut attempt = 1;
        while let Some(&existing) = self.names.get(&name) {
            if self.list[existing].1 == bytes {
                return name;
            }
            attempt += 1;
            name = format!("{kind}-{hash:016x}-{attempt}.{extension}");
        }
        self.names.insert(name.clone(), self.list.len());
        self.list.push((format!("{INDEX_DIR}/{name}"), bytes));
        name
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::best());
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

/// Splits the sorted terms into chunks: each its first term and its bytes.
fn chunk_terms(terms: &[(&String, &TermData)]) -> Vec<(String, Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut body = Vec::new();
    let mut count = 0u64;
    let mut previous: &[u8] = &[];
    for (i, (term, data)) in terms.iter().enumerate() {
        let bytes = term.as_bytes();
        let shared = shared_prefix(previous, bytes);
        varint(&mut body, shared as u64);
        varint(&mut body, (bytes.len() - shared) as u64);
        body.extend_from_slice(&bytes[shared..]);
        varint(&mut body, u64::from(data.doc_freq));
        varint(&mut body, data.fields.len() as u64);
        for field in &data.fields {
            let mut list = Vec::with_capacity(field.postings.len() * 3);
            let mut last_doc = 0;
            for &(doc, tf, norm) in &field.postings {
                varint(&mut list, u64::from(doc - last_doc));
                varint(&mut list, u64::from(tf));
                list.push(norm);
                last_doc = doc;
            }
            varint(&mut body, field.field as u64);
            varint(&mut body, field.postings.len() as u64);
            varint(&mut body, list.len() as u64);
            body.extend_from_slice(&list);
        }
        count += 1;
        previous = bytes;
        if body.len() >= TERM_CHUNK_BYTES || i + 1 == terms.len() {
            let mut chunk = Vec::with_capacity(body.len() + 4);
            varint(&mut chunk, count);
            chunk.append(&mut body);
            let first = if chunks.is_empty() { String::new() } else { terms[start].0.clone() };
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

fn facets_json(index: &SearchIndex) -> Json {
    let docs = &index.docs;
    let column = |f: &dyn Fn(&super::documents::SearchDoc) -> Json| Json::Array(docs.iter().map(f).collect());
    json!({
        "kind": column(&|d| json!(if d.kind == Kind::Aanbod { 0 } else { 1 })),
        "themes": column(&|d| json!(d.facets.themas)),
        "municipalities": column(&|d| json!(d.facets.gemeenten)),
        "villages": column(&|d| json!(d.facets.kernen)),
        "audiences": column(&|d| json!(d.facets.doelgroepen)),
        "access": column(&|d| json!(d.facets.toegang.map_or(-1, i64::from))),
        "free": column(&|d| json!(u8::from(d.facets.gratis))),
        "age": column(&|d| json!(d.facets.leeftijd.map(|(van, tot)| [van, tot]))),
    })
}

/// An `f32` constant as the decimal it was written as, so that JavaScript's
/// `Math.fround` of the JSON number gives the same `f32` back.
fn decimal(value: f32) -> Json {
    json!(value.to_string().parse::<f64>().expect("a float prints as a number"))
}

fn meta_json(index: &SearchIndex, term_table: Vec<Json>, vocabulary: serde_json::Map<String, Json>, doc_chunks: Vec<Json>, facets_file: String) -> Json {
    let mut fields: Vec<Json> = TEXT_FIELDS
        .iter()
        .zip(&index.total_tokens)
        .map(|(f, tokens)| json!({ "name": f.name, "weight": decimal(f.weight), "tokens": tokens, "keyword": false }))
        .collect();
    fields.push(json!({ "name": THEME_FIELD.name, "weight": decimal(THEME_FIELD.weight), "tokens": index.total_tokens[TEXT_FIELDS.len()], "keyword": true }));
    let themes: Vec<Json> = index
        .themes
        .iter()
        .map(|t| json!({ "id": t.id, "name": t.name, "url": format!("/themas/{}/", t.id), "phrases": t.phrases, "related": t.related }))
        .collect();
    let municipalities: Vec<Json> = index
        .municipalities
        .iter()
        .map(|p| json!({ "id": p.id, "name": p.name, "url": format!("/gemeenten/{}/", p.id), "phrase": p.phrase }))
        .collect();
    let villages: Vec<Json> = index
        .villages
        .iter()
        .map(|p| json!({ "id": p.id, "name": p.name, "url": format!("/kernen/{}/", p.id), "phrase": p.phrase, "municipality": p.municipality }))
        .collect();
    let named = |list: &[(String, String)]| -> Vec<Json> { list.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect() };
    json!({
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "documents": index.docs.len(),
        "bm25": {
            "k1": 1.2,
            "b": 0.75,
            "fieldnorms": (0..=255u8).map(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm).collect::<Vec<u32>>(),
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
        "docs": { "per_chunk": DOCS_PER_CHUNK, "chunks": doc_chunks },
        "facets": facets_file,
    })
}
