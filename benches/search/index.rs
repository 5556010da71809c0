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

use std::path::PathBuf;
use std::time::Instant;

use sociale_kaart::render::Output;

fn main() {
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut runs = 7;
    if let Some(at) = args.iter().position(|a| a == "--runs") {
        runs = args
            .get(at + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(runs);
        args.drain(at..(at + 2).min(args.len()));
    }
    let sites: Vec<PathBuf> = if args.is_empty() {
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR"))]
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    println!("site\tdocuments\tmedian_ms\tmin_ms\tmax_ms\tindex_bytes");
    for root in sites {
        let (site, diagnostics) = sociale_kaart::pipeline::load_site(&root, today);
        let Some(site) = site else {
            eprintln!(
                "{}: the site does not load ({} problems)",
                root.display(),
                diagnostics.error_count()
            );
            std::process::exit(1);
        };
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        for _ in 0..runs.max(1) {
            let mut output = Output::default();
            let started = Instant::now();
            sociale_kaart::search::build(&site, &mut output).expect("the index builds");
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
