//! Every integration test, compiled into one binary: each file links the
//! whole program with tantivy and tera, so one binary instead of twenty
//! saves gigabytes of disk and most of the link time of a test build.

mod common;
mod hsds_schema;
mod search;

mod broken;
mod check;
mod escape;
mod example_site;
mod export_embed;
mod export_hsds;
mod export_open_data;
mod feeds;
mod hsds_import;
mod import;
mod jsonld;
mod new_init;
mod robustness;
mod schema;
mod search_analyzer;
mod search_behaviour;
mod search_export;
mod search_parity;
mod serve;
mod theme;
