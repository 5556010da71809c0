//! Search index build time: `search::build` (tantivy indexing and the
//! static export) on its own, without the rest of the build competing for
//! the cores. A benchmark, not a test.
//!
//! ```text
//! cargo bench --bench search_index -- [--runs 7] <site> [<site> ...]
//! ```
//!
//! Prints per site the number of documents, the median, minimum and maximum
//! of the runs in milliseconds, and the bytes of the static index, as one
//! tab-separated line (benches/search/bench.mjs reads it).

use std::time::Instant;

use sociale_kaart::render::Output;

#[path = "../support/mod.rs"]
mod support;

fn main() {
    let mut args = support::command_line();
    let runs: usize = support::take_option(&mut args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    println!("site\tdocuments\tmedian_ms\tmin_ms\tmax_ms\tindex_bytes");
    for root in support::sites(&args) {
        let site = support::load(&root);
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let output = Output::collect(|sink| sociale_kaart::search::build(&site, sink))
                .expect("the index builds");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            bytes = output.files.values().map(Vec::len).sum::<usize>();
        }
        times.sort_by(f64::total_cmp);
        let documents = site.aanbod.len() + site.aanbieders.len();
        println!(
            "{}\t{documents}\t{:.1}\t{:.1}\t{:.1}\t{bytes}",
            root.display(),
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
}
