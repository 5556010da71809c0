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
use crate::render::Output;

/// Adds every export of `site` to `output`. The exports are independent,
/// so they are made in parallel, each into its own `Output`.
pub fn build(site: &Site, output: &mut Output) {
    let writers: [fn(&Site, &mut Output); 5] = [
        open_data::write,
        |site, output| hsds::write(site, &hsds::tables(site), output),
        feed::write,
        agenda::write,
        embed::write,
    ];
    let parts: Vec<Output> = writers
        .par_iter()
        .map(|write| {
            let mut part = Output::default();
            write(site, &mut part);
            part
        })
        .collect();
    for part in parts {
        output.files.extend(part.files);
    }
}
