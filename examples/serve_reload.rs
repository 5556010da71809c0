//! Measures the live preview: the time from saving a changed offer to the
//! reloaded page, as an editor sees it.
//!
//! ```text
//! cargo run --release --example serve_reload -- <site-map> [runs]
//! ```
//!
//! It starts `target/release/sociale-kaart serve` on the site, listens to
//! the preview's build events like an open page does, then again and again
//! changes the title of one offer and measures (a) until the build event
//! arrives and (b) until the page with the new title has been fetched.
//! Prints every run and the medians. See tests/bench/reload.sh.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("gebruik: serve_reload <map-van-de-site> [aantal-keer]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    if let Err(err) = measure(&site, runs) {
        eprintln!("fout: {err}");
        std::process::exit(2);
    }
}

fn measure(site: &Path, runs: usize) -> Result<(), String> {
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/sociale-kaart");
    let mut child = Command::new(&binary)
        .args(["serve", "--port", "0", "--site"])
        .arg(site)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("kan {} niet starten: {e}", binary.display()))?;
    let log = lines(child.stderr.take().ok_or("geen stderr")?);
    let base = loop {
        let line = log
            .recv_timeout(Duration::from_secs(300))
            .map_err(|_| "de voorvertoning start niet")?;
        if let Some((_, url)) = line.split_once("draait op ") {
            break url.trim_end_matches('/').to_string();
        }
    };
    let result = run(site, &base, runs, &log);
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn run(site: &Path, base: &str, runs: usize, log: &Receiver<String>) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(None)
        .build()
        .into();
    let events = agent
        .get(format!("{base}/__sociale-kaart/events"))
        .call()
        .map_err(|e| e.to_string())?;
    let builds = lines(events.into_body().into_reader());
    let mut current = next_id(&builds, "")?;

    let folder = site.join("content/aanbod");
    let mut offers: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    offers.sort();
    let offer = offers.first().ok_or("geen aanbod gevonden")?;
    let slug = offer
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let original = std::fs::read_to_string(offer).map_err(|e| e.to_string())?;
    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    for run in 0..runs {
        // An edit of the text, as an editor makes it.
        let marker = format!("Meting {run} van de voorvertoning.");
        let changed = format!("{}\n\n{marker}\n", original.trim_end());
        let start = Instant::now();
        std::fs::write(offer, &changed).map_err(|e| e.to_string())?;
        current = next_id(&builds, &current)?;
        let event = start.elapsed();
        let page = agent
            .get(format!("{base}/aanbod/{slug}/"))
            .call()
            .map_err(|e| e.to_string())?
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let done = start.elapsed();
        if !page.contains(&marker) {
            return Err(format!("run {run}: de pagina toont de wijziging niet"));
        }
        // Let the complete build in the background finish, as it does while
        // an editor reads the page, so that every run starts alike.
        let complete = wait_for_line(log, "alle pagina's")?;
        println!(
            "run {run:>2}: bouwgebeurtenis {:>6.1} ms, pagina binnen {:>6.1} ms   (daarna {})",
            ms(event),
            ms(done),
            complete.split("] ").last().unwrap_or_default()
        );
        to_event.push(event);
        to_page.push(done);
    }
    std::fs::write(offer, &original).map_err(|e| e.to_string())?;
    println!(
        "mediaan over {runs} keer: bouwgebeurtenis {:.1} ms, pagina binnen {:.1} ms",
        ms(median(&mut to_event)),
        ms(median(&mut to_page))
    );
    Ok(())
}

fn lines(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    receiver
}

/// The next line of the preview's log that contains `needle`.
fn wait_for_line(log: &Receiver<String>, needle: &str) -> Result<String, String> {
    loop {
        let line = log
            .recv_timeout(Duration::from_secs(120))
            .map_err(|_| format!("geen '{needle}' binnen 120 s"))?;
        if line.contains(needle) {
            return Ok(line);
        }
    }
}

/// The next build id that differs from `after`.
fn next_id(events: &Receiver<String>, after: &str) -> Result<String, String> {
    loop {
        let line = events
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| "geen bouwgebeurtenis binnen 60 s")?;
        if let Some(id) = line.strip_prefix("data: ")
            && id != after
        {
            return Ok(id.to_string());
        }
    }
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
