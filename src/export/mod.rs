//! Stage 4, export: the site's data for other sites and tools, added to the
//! rendered output. Open data JSON and CSV with their schemas
//! ([`open_data`]), Open Referral HSDS 3.1 ([`hsds`]), an Atom feed
//! ([`feed`]), iCalendar agendas ([`agenda`]) and lists to embed
//! ([`embed`]). Everything here is derived from content only, never from
//! the clock, so the same content gives the same files.

pub mod agenda;
pub mod embed;
pub mod feed;
pub mod hsds;
pub mod open_data;

use rayon::prelude::*;

use crate::model::Site;
use crate::render::Sink;

/// One export: writes its files for `site` to the sink.
type Writer = fn(&Site, &dyn Sink) -> anyhow::Result<()>;

/// Writes every export of `site` to `sink`, each file as soon as it is
/// made. The exports are independent, so they are made in parallel.
pub fn build(site: &Site, sink: &dyn Sink) -> anyhow::Result<()> {
    let writers: [Writer; 5] = [
        open_data::write,
        |site, sink| hsds::write(site, &hsds::tables(site), sink),
        feed::write,
        agenda::write,
        embed::write,
    ];
    writers.par_iter().try_for_each(|write| write(site, sink))
}
