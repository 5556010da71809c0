//! Export build time: `export::build` (open data, HSDS, feed, agenda and
//! embeds) on its own, and each export alone on one thread, so that the
//! part that dominates shows. A benchmark, not a test.
//!
//! ```text
//! cargo run --release --example synthetic_site -- /tmp/syn10k 10000 1000
//! cargo bench --bench export -- [--runs 7] [--part hsds] <site> [<site> ...]
//! ```
//!
//! `--part` times only the parts whose name starts with it, e.g. to profile one.
//!
//! Prints per site and per part the median, minimum and maximum of the runs
//! in milliseconds, the median CPU time of all threads (Linux; it counts
//! only this process, so other work on the machine disturbs it less) and
//! the bytes written, as tab-separated lines.

use std::time::Instant;

use sociale_kaart::export;
use sociale_kaart::model::Site;
use sociale_kaart::render::{Output, Sink};

type Part = (&'static str, fn(&Site, &dyn Sink) -> anyhow::Result<()>);

const PARTS: &[Part] = &[
    ("export::build", export::build),
    ("open_data", export::open_data::write),
    ("hsds", |site, sink| {
        export::hsds::write(site, &export::hsds::tables(site), sink)
    }),
    ("hsds tables", |site, _| {
        std::hint::black_box(export::hsds::tables(site));
        Ok(())
    }),
    ("feed", export::feed::write),
    ("agenda", export::agenda::write),
    ("embed", export::embed::write),
];

#[path = "support/mod.rs"]
mod support;

fn main() {
    let mut args = support::command_line();
    let runs: usize = support::take_option(&mut args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    let only = support::take_option(&mut args, "--part").unwrap_or_default();
    println!("site\tpart\tmedian_ms\tmin_ms\tmax_ms\tcpu_ms\tbytes");
    for root in support::sites(&args) {
        let site = support::load(&root);
        for (name, part) in PARTS.iter().filter(|(name, _)| name.starts_with(&only)) {
            let mut times = Vec::with_capacity(runs);
            let mut cpu = Vec::with_capacity(runs);
            let mut bytes = 0;
            for _ in 0..runs.max(1) {
                let cpu_before = cpu_ms();
                let started = Instant::now();
                let output = Output::collect(|sink| part(&site, sink)).expect("the export builds");
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                cpu.push(cpu_ms() - cpu_before);
                bytes = output.files.values().map(Vec::len).sum::<usize>();
            }
            times.sort_by(f64::total_cmp);
            cpu.sort_by(f64::total_cmp);
            println!(
                "{}\t{name}\t{:.1}\t{:.1}\t{:.1}\t{:.1}\t{bytes}",
                root.display(),
                times[times.len() / 2],
                times[0],
                times[times.len() - 1],
                cpu[cpu.len() / 2]
            );
        }
    }
}

/// CPU time so far of all threads of this process, from
/// `/proc/self/task/*/schedstat`; 0 where that does not exist.
fn cpu_ms() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanos as f64 / 1e6
}
