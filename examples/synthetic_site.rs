//! Generates a synthetic sociale kaart of any size for benchmarks:
//!
//! ```text
//! cargo run --release --example synthetic_site -- <map> [aantal-aanbod] [aantal-aanbieders]
//! ```
//!
//! It reuses the example site's `site.yaml` (themes, villages, synonyms) and
//! recombines the paragraphs of the example offers, so text, vocabulary and
//! page sizes look like real content. The same arguments give the same site.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first().map(PathBuf::from) else {
        eprintln!("gebruik: synthetic_site <map> [aantal-aanbod] [aantal-aanbieders]");
        std::process::exit(2);
    };
    let offers: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let providers: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(offers / 10)
        .max(1);
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Err(err) = generate(example, &out, offers, providers) {
        eprintln!("fout: {err}");
        std::process::exit(2);
    }
    eprintln!(
        "{offers} aanbod en {providers} aanbieders geschreven in {}",
        out.display()
    );
}

fn ids(config: &Value, list: &str) -> Vec<String> {
    config[list]
        .as_sequence()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn generate(example: &Path, out: &Path, offers: usize, providers: usize) -> std::io::Result<()> {
    let site_yaml = std::fs::read_to_string(example.join("site.yaml"))?;
    let config: Value = serde_yaml::from_str(&site_yaml).map_err(std::io::Error::other)?;
    let themes = ids(&config, "themas");
    let audiences = ids(&config, "doelgroepen");
    let access = ids(&config, "toegang");
    let municipalities: Vec<(String, Vec<String>)> = config["gemeenten"]
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|g| {
            let kernen = g["kernen"]
                .as_sequence()
                .into_iter()
                .flatten()
                .filter_map(|k| k["id"].as_str().map(String::from))
                .collect();
            (g["id"].as_str().unwrap_or_default().to_string(), kernen)
        })
        .collect();
    let (paragraphs, titles) = example_text(&example.join("content/aanbod"))?;

    for dir in ["content/aanbieders", "content/aanbod", "content/paginas"] {
        std::fs::create_dir_all(out.join(dir))?;
    }
    std::fs::write(out.join("site.yaml"), &site_yaml)?;
    std::fs::write(
        out.join("content/paginas/over.md"),
        "---\ntitel: Over deze kaart\n---\nEen synthetische sociale kaart om de snelheid te meten.\n",
    )?;

    let mut rng = fastrand::Rng::with_seed(2026);
    let today = "2026-10-01";
    for p in 0..providers {
        let (gemeente, _) = &municipalities[p % municipalities.len()];
        let mut text = format!(
            "---\nnaam: Organisatie {p} voor jeugd en gezin\nsoort: welzijn\nsamenvatting: Organisatie {p} helpt kinderen, jongeren en ouders in de buurt.\nlaatst_gecontroleerd: {today}\ntelefoon: 0546 000 {:03}\nemail: info{p}@example.org\nwebsite: https://organisatie{p}.example.org\ngemeenten: [{gemeente}]\ncontactpersonen:\n  - naam: Coördinator {p}\n    rol: coördinator\n    email: coordinator{p}@example.org\n---\n",
            p % 1000
        );
        for _ in 0..2 {
            text.push_str(&paragraphs[rng.usize(..paragraphs.len())]);
            text.push_str("\n\n");
        }
        std::fs::write(
            out.join(format!("content/aanbieders/organisatie-{p}.md")),
            text,
        )?;
    }
    for o in 0..offers {
        let (gemeente, kernen) = &municipalities[rng.usize(..municipalities.len())];
        let title = &titles[rng.usize(..titles.len())];
        let van = rng.u32(0..16);
        let tot = (van + rng.u32(2..10)).min(23);
        let provider = rng.usize(..providers);
        let first_theme = rng.usize(..themes.len());
        // Two different themes, as an editor would write them (a theme
        // named twice is a warning).
        let mut second_theme = rng.usize(..themes.len());
        if second_theme == first_theme {
            second_theme = (second_theme + 1) % themes.len();
        }
        let mut text = String::new();
        let _ = write!(
            text,
            "---\ntitel: \"{title} {o}\"\naanbieder: organisatie-{}\nsamenvatting: \"{title} {o}: hulp en steun dichtbij voor kinderen en ouders.\"\nthemas: [{}, {}]\ndoelgroep: [{}]\ngemeenten: [{gemeente}]\nkernen: [{}]\ntoegang: {}\nlaatst_gecontroleerd: {today}\nleeftijd: {{van: {van}, tot: {tot}}}\n",
            provider,
            themes[first_theme],
            themes[second_theme],
            audiences[rng.usize(..audiences.len())],
            kernen[rng.usize(..kernen.len())],
            access[rng.usize(..access.len())],
        );
        if rng.bool() {
            text.push_str("kosten: gratis\n");
        }
        let _ = write!(text, "aanmelden:\n  telefoon: 0546 000 {:03}\n", o % 1000);
        if o % 7 == 0 {
            let _ = write!(text, "data:\n  - start: 2027-0{}-1{}\n", 1 + o % 9, o % 10);
        }
        text.push_str("---\n");
        for heading in ["Wat is het?", "Voor wie?", "Hoe begin je?"] {
            let _ = write!(
                text,
                "## {heading}\n\n{}\n\n",
                paragraphs[rng.usize(..paragraphs.len())]
            );
        }
        std::fs::write(out.join(format!("content/aanbod/aanbod-{o}.md")), text)?;
    }
    Ok(())
}

/// Paragraphs and titles of the example offers.
fn example_text(dir: &Path) -> std::io::Result<(Vec<String>, Vec<String>)> {
    let mut paragraphs = Vec::new();
    let mut titles = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path)?;
        let mut parts = text.splitn(3, "---\n");
        let (_, front, body) = (
            parts.next(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        if let Some(title) = front.lines().find_map(|l| l.strip_prefix("titel:")) {
            titles.push(title.trim().trim_matches('"').replace('"', "'"));
        }
        paragraphs.extend(
            body.split("\n\n")
                .map(str::trim)
                .filter(|p| p.len() > 40 && !p.starts_with('#'))
                .map(String::from),
        );
    }
    if paragraphs.is_empty() {
        paragraphs.push("Hier kun je terecht met vragen over opvoeden en opgroeien.".into());
    }
    if titles.is_empty() {
        titles.push("Opvoedspreekuur".into());
    }
    Ok((paragraphs, titles))
}
