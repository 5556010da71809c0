//! Search: a tantivy index built at build time, exported as static files
//! that the browser script `themes/default/static/js/zoeken.js` searches
//! without a server, and that `sociale-kaart search` searches from the
//! command line.
//!
//! - [`analyzer`]: the Dutch analyzer (folding, stop words, Snowball Dutch
//!   stemming, compound splitting).
//! - [`documents`]: what is indexed, the weighted fields and the facets.
//! - [`index`]: the tantivy index in RAM, and its terms and postings.
//! - [`query`]: query planning (prefix, typos, compounds, synonyms, places,
//!   age), BM25 ranking by tantivy, filters and facet counts.
//! - [`export`]: the static index described below.
//!
//! # Wire format
//!
//! Version [`FORMAT_VERSION`] of format [`FORMAT`]. Everything lives under
//! `/zoekindex/`. Only `meta.json` has a fixed name; every other file is
//! named after a hash of its contents (`t-<hash>.bin`, ten hex digits; the
//! result data share one hash), so a host may let browsers cache those for
//! ever. A reader must check `format` and
//! `version` and refuse anything else.
//!
//! ## `meta.json` (the entry point, JSON)
//!
//! | key | meaning |
//! |---|---|
//! | `format`, `version` | `"sociale-kaart-zoekindex"`, `1` |
//! | `documents` | number of documents *N*; document numbers run `0..N`: offers by title, then providers by name |
//! | `bm25` | `{k1, b, fieldnorms}`: 1.2 and 0.75 as in tantivy, and the field length of tantivy's one-byte field length codes, from 0 up to the highest code the postings use |
//! | `fields` | per field, in field-number order: `{name, weight, tokens, keyword}`. `tokens` is tantivy's total number of tokens of the field; the BM25 average field length is `f32(tokens) / f32(N)`. Fields 0-6 are text fields, field 7 (`thema`, `keyword: true`) holds theme ids: its postings are in `theme_postings` |
//! | `analyzer` | `stop_words` (folded, sorted), `max_word_chars`, `min_compound_chars`, `min_part_chars`: see [`analyzer`] |
//! | `query` | the boosts and limits of [`query`]: `exact`, `prefix`, `compound`, `typo1`, `typo2`, `related_theme`, `prefix_min_chars`, `prefix_max_terms`, `typo1_min_chars`, `typo2_min_chars`, `typo_max_terms`, `age_words` |
//! | `themes` | per theme: `{id, name, phrases, related}`; `phrases` are the stemmed name and synonyms (lists of terms), `related` indexes into `themes`; its page is `/themas/<id>/` |
//! | `municipalities` | `{id, name, phrase}` |
//! | `villages` | `{id, name, phrase, municipality}` (index into `municipalities`) |
//! | `audiences`, `access` | `{id, name}` in site order |
//! | `max_age` | the highest age the age filter offers |
//! | `terms` | the term chunks: `[first term, file]` sorted by first term (JavaScript string order); the first chunk's first term is `""`. A term lives in the last chunk whose first term is not greater than it |
//! | `vocabulary` | `{first character: file}`: the text-field terms that start with that character, for typo correction |
//! | `docs` | `{per_chunk, count, prefix}`: document *d* is row `d % per_chunk` of file `<prefix><d / per_chunk>.json` |
//! | `facets` | the facet file |
//! | `theme_postings` | the theme field's postings |
//!
//! Numbers inside `.bin` files are unsigned LEB128 varints. The `.bin`
//! files are gzip-compressed by the generator (browsers inflate them with
//! `DecompressionStream`), so their size on the wire does not depend on the
//! host; the JSON files are left to the host's compression.
//!
//! ## Term chunk `t-<hash>.bin` (gzip)
//!
//! ```text
//! chunk    = count:varint term{count}
//! term     = shared:varint suffix_len:varint suffix:byte{suffix_len}
//!            doc_freq:varint field_count:varint field{field_count}
//! field    = field_number:varint doc_freq:varint byte_len:varint posting{doc_freq}
//! posting  = doc_delta:varint term_freq:varint fieldnorm_id:u8
//! ```
//!
//! A term is the previous term's first `shared` UTF-8 bytes followed by
//! `suffix`. Terms are sorted in JavaScript string order. The chunks hold
//! the text fields (0-6) only. The term's `doc_freq` counts the documents
//! that have it in any text field; a field's `doc_freq` counts its postings.
//! `doc_delta` is the
//! document number for the first posting and the difference to the previous
//! one after that; `byte_len` lets a reader skip a field's postings.
//! `fieldnorm_id` is tantivy's one-byte field length code
//! (`bm25.fieldnorms` in `meta.json` gives its length). These are tantivy's
//! own terms, term frequencies and field lengths, read back from the index,
//! and the document frequencies that tantivy scores with
//! ([`query::SiteStatistics`]), so BM25 in the browser equals tantivy's:
//!
//! ```text
//! idf    = ln(1 + (N - df + 0.5) / (df + 0.5))   df: the term's doc_freq in a
//!                                                text field, the field's in `thema`
//! norm   = k1 * (1 - b + b * fieldnorm(fieldnorm_id) / avg_len)
//! score  = (idf * (1 + k1) * field_weight * term_boost) * tf / (tf + norm)
//! ```
//!
//! all in `f32`, summed over the plan's terms and fields.
//!
//! ## Theme postings `h-<hash>.bin` (gzip)
//!
//! ```text
//! themes = count:varint (doc_freq:varint byte_len:varint posting{doc_freq}){count}
//! ```
//!
//! The postings of field 7 (`thema`) for each theme of `meta.json`, in
//! order; a query loads them when it names a theme with related themes.
//!
//! ## Vocabulary `w-<hash>.bin` (gzip)
//!
//! ```text
//! vocabulary = count:varint (shared:varint suffix_len:varint suffix:byte{suffix_len} doc_freq:varint){count}
//! ```
//!
//! The text-field terms with one first character and their `doc_freq`,
//! sorted.
//!
//! ## Result data `d-<hash>-<n>.json`
//!
//! An array with one row per document: `[url, title, provider, summary,
//! status]`; `provider` is the offer's provider names (empty for a
//! provider), `status` is `"gepland"`, `"gepauzeerd"` or `null`.
//!
//! ## Facets `f-<hash>.bin` (gzip)
//!
//! ```text
//! facets   = count:varint document{count}
//! document = flags:varint age themes municipalities villages audiences
//! flags    = bit 0: provider (else offer), bit 1: free, bits 2..: access + 1 (0: none)
//! age      = 0:varint                          every age
//!          | from_plus_one:varint to:varint    from..=to years
//! list     = length:varint index:varint{length}   (index into the list in meta.json)
//! ```
//!
//! An empty villages list means every village of the document's
//! municipalities.

pub mod analyzer;
pub mod cli;
pub mod documents;
pub mod export;
pub mod index;
pub mod query;

pub use index::SearchIndex;
pub use query::{Filters, Hit, Plan, Results};

use crate::model::Site;
use crate::render::Sink;

pub const FORMAT: &str = "sociale-kaart-zoekindex";
pub const FORMAT_VERSION: u32 = 1;
/// The folder of the static index in the output.
pub const INDEX_DIR: &str = "zoekindex";

/// Indexes `site` and writes the static index to `sink`.
pub fn build(site: &Site, sink: &dyn Sink) -> anyhow::Result<()> {
    let index = SearchIndex::build(site)?;
    for (path, bytes) in export::export(&index)? {
        sink.put(path, bytes)?;
    }
    Ok(())
}
