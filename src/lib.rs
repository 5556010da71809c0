//! sociale-kaart: a static site generator for a municipality's sociale kaart.
//!
//! The pipeline, one module per stage: [`load`] reads files, [`validate`]
//! checks them against [`schema`] into a [`model::Site`], [`render`] makes
//! pages, and [`write`] publishes them. [`pipeline`] runs the stages.

pub mod check;
pub mod diagnostics;
pub mod export;
pub mod hsds;
pub mod import;
pub mod import_hsds;
pub mod jsonld;
pub mod load;
pub mod model;
pub mod new;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod schema;
pub mod search;
pub mod serve;
pub mod validate;
pub mod write;
