use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sociale_kaart::pipeline::{self, BuildError, BuildOptions};
use sociale_kaart::schema;

// Building a large site allocates millions of small JSON values on every
// thread; mimalloc does that several times faster than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` in
/// `mimalloc.h`), which libmimalloc-sys does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// By default mimalloc hands memory back to the OS a second after it is
/// freed. A build frees the parsed content, the search index's buffers and
/// each export's tables while it still has work ahead, and every page
/// handed back is zeroed again by the kernel when it is used next. A build
/// is one short process, so it keeps what it frees for reuse: for 10,000
/// offers, 3-5% less CPU time for some 15 MB more at the peak.
fn keep_freed_memory() {
    // SAFETY: mi_option_set only stores an option value; mimalloc reads it
    // when it next considers purging.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Maakt van YAML- en Markdown-bestanden een snelle, toegankelijke sociale kaart.
#[derive(Parser)]
#[command(name = "sociale-kaart", version, about, long_about = None)]
struct Cli {
    /// De map van de site (met site.yaml); standaard de huidige map.
    #[arg(short, long, global = true, default_value = ".", value_name = "MAP")]
    site: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bouwt de site in public/.
    Build {
        /// Stop ook bij waarschuwingen.
        #[arg(long)]
        strict: bool,
        /// Schrijf de site naar deze map in plaats van public/.
        #[arg(short, long, value_name = "MAP")]
        output: Option<PathBuf>,
        /// Toon hoe lang elke stap duurde.
        #[arg(long)]
        timings: bool,
    },
    /// Toont de site in je browser en werkt hem direct bij als je een bestand opslaat.
    Serve {
        /// De poort, bijvoorbeeld 1111 (0 kiest een vrije poort).
        #[arg(short, long, default_value_t = sociale_kaart::serve::DEFAULT_PORT)]
        port: u16,
        /// Het adres waarop de voorvertoning luistert; alleen deze computer, tenzij je iets anders kiest.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADRES")]
        bind: std::net::IpAddr,
        /// Open de voorvertoning in je browser.
        #[arg(long)]
        open: bool,
    },
    /// Controleert alles zonder public/ aan te raken: fouten, links, verouderde items en dubbelingen.
    Check {
        /// Controleer ook of externe webadressen werken.
        #[arg(long = "extern")]
        extern_: bool,
        /// Hoe lang een extern adres mag duren, in seconden.
        #[arg(long, default_value_t = 10, value_name = "SECONDEN")]
        timeout: u64,
        /// Uitvoer voor mensen (human) of voor CI (json).
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
    },
    /// Maakt een nieuw bestand voor aanbod, een aanbieder of een pagina, met uitleg bij elke sleutel.
    New {
        /// Wat voor bestand: aanbod, aanbieder of pagina.
        #[arg(value_enum)]
        soort: NewKind,
        /// De bestandsnaam zonder .md; die wordt ook het webadres. Bijvoorbeeld: kies-voor-het-kind
        naam: String,
    },
    /// Maakt een nieuwe, kleine sociale kaart in een lege map.
    Init {
        /// De map voor de nieuwe site.
        map: PathBuf,
    },
    /// Zoekt zoals bezoekers zoeken, zodat je ziet of ouders een item vinden.
    Search {
        /// Wat een bezoeker intypt, bijvoorbeeld "mijn kind wordt gepest".
        zoekvraag: String,
        /// Hoeveel resultaten je wilt zien.
        #[arg(short = 'n', long, default_value_t = 10, value_name = "AANTAL")]
        aantal: usize,
        /// Laat zien hoe de zoekvraag is gelezen: zoektermen, tikfouten, thema's, plaats en leeftijd.
        #[arg(long)]
        uitleg: bool,
        /// Alleen dit thema (id uit site.yaml); mag vaker.
        #[arg(long, value_name = "ID")]
        thema: Vec<String>,
        /// Alleen deze gemeente (id); mag vaker.
        #[arg(long, value_name = "ID")]
        gemeente: Vec<String>,
        /// Alleen dit dorp of deze kern (id); mag vaker.
        #[arg(long, value_name = "ID")]
        kern: Vec<String>,
        /// Alleen voor deze doelgroep (id); mag vaker.
        #[arg(long, value_name = "ID")]
        doelgroep: Vec<String>,
        /// Alleen met deze toegang (id); mag vaker.
        #[arg(long, value_name = "ID")]
        toegang: Vec<String>,
        /// Alleen aanbod voor een kind van deze leeftijd (in jaren).
        #[arg(long, value_name = "JAAR")]
        leeftijd: Option<u32>,
        /// Alleen gratis aanbod.
        #[arg(long)]
        gratis: bool,
    },
    /// Zet een spreadsheet (CSV of Excel) om in bestanden: één per rij.
    #[command(group(clap::ArgGroup::new("bron").required(true).args(["bestand", "template", "hsds"])))]
    Import {
        /// Het bestand met één rij per aanbod of aanbieder (.csv of .xlsx).
        bestand: Option<PathBuf>,
        /// Schrijf een leeg sjabloon met alle kolommen naar dit bestand (.xlsx of .csv).
        #[arg(long, value_name = "BESTAND")]
        template: Option<PathBuf>,
        /// Wat er in de rijen staat; standaard afgeleid uit de kolommen (sjabloon: aanbod).
        #[arg(long, value_enum)]
        soort: Option<ImportKind>,
        /// Laat zien wat er geschreven zou worden, zonder iets te schrijven.
        #[arg(long)]
        dry_run: bool,
        /// Vervang bestaande bestanden met dezelfde naam.
        #[arg(long)]
        overwrite: bool,
        /// Lees een Open Referral HSDS-bestand (JSON) of -map (CSV-bestanden met datapackage.json, of JSON) in.
        #[arg(long, value_name = "BESTAND|MAP", conflicts_with_all = ["bestand", "template", "soort"])]
        hsds: Option<PathBuf>,
    },
    /// Print het JSON Schema van de gegevens bovenaan de bestanden (voor je teksteditor).
    Schema {
        /// Welk schema: aanbod, aanbieder, pagina, site of alle.
        #[arg(default_value = "alle")]
        soort: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            strict,
            output,
            timings,
        } => build(&cli.site, strict, output, timings),
        Command::Schema { soort } => print_schema(&soort),
        Command::Import {
            bestand,
            template,
            soort,
            dry_run,
            overwrite,
            hsds,
        } => match (bestand, template, hsds) {
            (_, _, Some(hsds)) => import_hsds(&cli.site, &hsds, dry_run, overwrite),
            (_, Some(template), None) => import_template(&template, soort, overwrite),
            (Some(bestand), None, None) => import(&cli.site, &bestand, soort, dry_run, overwrite),
            (None, None, None) => unreachable!("clap requires a source"),
        },
        Command::Search {
            zoekvraag,
            aantal,
            uitleg,
            thema,
            gemeente,
            kern,
            doelgroep,
            toegang,
            leeftijd,
            gratis,
        } => {
            let request = sociale_kaart::search::cli::SearchRequest {
                query: zoekvraag,
                count: aantal,
                explain: uitleg,
                themes: thema,
                municipalities: gemeente,
                villages: kern,
                audiences: doelgroep,
                access: toegang,
                age: leeftijd,
                free: gratis,
            };
            search(&cli.site, &request)
        }
        Command::New { soort, naam } => new_entry(&cli.site, soort, &naam),
        Command::Init { map } => init(&map),
        Command::Serve { port, bind, open } => serve(&cli.site, port, bind, open),
        Command::Check {
            extern_,
            timeout,
            format,
        } => check(&cli.site, extern_, timeout, format),
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NewKind {
    Aanbod,
    Aanbieder,
    Pagina,
}

fn new_entry(site: &std::path::Path, kind: NewKind, name: &str) -> ExitCode {
    use sociale_kaart::load::Kind;
    if let Err(code) = require_site(site) {
        return code;
    }
    let kind = match kind {
        NewKind::Aanbod => Kind::Aanbod,
        NewKind::Aanbieder => Kind::Aanbieder,
        NewKind::Pagina => Kind::Pagina,
    };
    match sociale_kaart::new::new_entry(site, kind, name, pipeline::today()) {
        Ok(path) => {
            eprintln!("Nieuw bestand: {}", path.display());
            eprintln!(
                "Vul de gegevens in. 'sociale-kaart serve' laat zien hoe het wordt; 'sociale-kaart check' vertelt wat er nog ontbreekt."
            );
            ExitCode::SUCCESS
        }
        Err(refused) => {
            eprintln!("fout: {refused}");
            ExitCode::from(2)
        }
    }
}

fn init(dir: &std::path::Path) -> ExitCode {
    match sociale_kaart::new::init(dir, pipeline::today()) {
        Ok(files) => {
            eprintln!("Nieuwe sociale kaart in {}:", dir.display());
            for file in files {
                eprintln!("  {}", file.strip_prefix(dir).unwrap_or(&file).display());
            }
            eprintln!(
                "Bekijk hem met: cd {} && sociale-kaart serve",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(refused) => {
            eprintln!("fout: {refused}");
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Aanbod,
    Aanbieder,
}

impl ImportKind {
    fn kind(self) -> sociale_kaart::load::Kind {
        match self {
            ImportKind::Aanbod => sociale_kaart::load::Kind::Aanbod,
            ImportKind::Aanbieder => sociale_kaart::load::Kind::Aanbieder,
        }
    }
}

fn import_template(path: &std::path::Path, kind: Option<ImportKind>, overwrite: bool) -> ExitCode {
    let kind = kind.map_or(sociale_kaart::load::Kind::Aanbod, ImportKind::kind);
    match sociale_kaart::import::write_template(path, kind, overwrite) {
        Ok(()) => {
            eprintln!(
                "Sjabloon geschreven: {}. Vul één rij per {} in.",
                path.display(),
                if kind == sociale_kaart::load::Kind::Aanbieder {
                    "aanbieder"
                } else {
                    "aanbod"
                }
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("fout: {err}");
            ExitCode::from(2)
        }
    }
}

fn import_hsds(
    site: &std::path::Path,
    source: &std::path::Path,
    dry_run: bool,
    overwrite: bool,
) -> ExitCode {
    use sociale_kaart::import_hsds;
    if let Err(code) = require_site(site) {
        return code;
    }
    let plan = match import_hsds::site_config(site).and_then(|config| {
        Ok(import_hsds::plan(
            &import_hsds::read(source)?,
            &config,
            site,
        ))
    }) {
        Ok(plan) => plan,
        Err(err) => {
            eprintln!("fout: {err:#}");
            return ExitCode::from(2);
        }
    };
    if dry_run {
        for file in &plan.files {
            println!("==> {}", file.path);
            print!("{}", file.text);
        }
    } else if let Err(err) = import_hsds::write(&plan, site, overwrite) {
        eprintln!("fout: {err:#}");
        return ExitCode::from(2);
    }
    for file in &plan.files {
        for (line, todo) in &file.todos {
            eprintln!("{}:{line}: te doen: {todo}", file.path);
        }
    }
    let count = |folder: &str| {
        plan.files
            .iter()
            .filter(|f| f.path.starts_with(folder))
            .count()
    };
    let written = if dry_run {
        "zouden worden geschreven (proefdraai, er is niets geschreven)"
    } else {
        "geschreven"
    };
    eprintln!(
        "{} aanbieders en {} aanbod uit {} {written}.",
        count("content/aanbieders/"),
        count("content/aanbod/"),
        source.display()
    );
    match plan.todo_count() {
        0 => ExitCode::SUCCESS,
        todos => {
            eprintln!(
                "{todos} {} voor de redactie: zoek '{}' in de bestanden. 'sociale-kaart check' wijst aan wat nog niet klopt.",
                if todos == 1 { "punt" } else { "punten" },
                import_hsds::TODO
            );
            ExitCode::from(1)
        }
    }
}

fn import(
    site: &std::path::Path,
    file: &std::path::Path,
    kind: Option<ImportKind>,
    dry_run: bool,
    overwrite: bool,
) -> ExitCode {
    use sociale_kaart::import;
    if let Err(code) = require_site(site) {
        return code;
    }
    let options = import::ImportOptions {
        root: site.to_path_buf(),
        file: file.to_path_buf(),
        kind: kind.map(ImportKind::kind),
        overwrite,
        today: pipeline::today(),
    };
    let plan = match import::plan(&options) {
        Ok(plan) => plan,
        Err(err) => {
            eprintln!("fout: {err}");
            return ExitCode::from(2);
        }
    };
    let name = file.display();
    for problem in &plan.problems {
        eprintln!("{name}: {problem}");
    }
    if dry_run {
        for planned in &plan.files {
            let what = if planned.replaces {
                "vervangt het bestaande bestand"
            } else {
                "nieuw"
            };
            println!("==> {} (rij {}, {what})", planned.path, planned.row);
            print!("{}", planned.text);
        }
    }
    let errors = plan
        .problems
        .iter()
        .filter(|p| p.severity == sociale_kaart::diagnostics::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "{errors} {} in {name}: er is niets geschreven. Verbeter de rijen en probeer het opnieuw.",
            if errors == 1 { "fout" } else { "fouten" }
        );
        return ExitCode::from(1);
    }
    if dry_run {
        eprintln!(
            "Proefdraai: {} bestanden zouden worden geschreven; er is niets geschreven.",
            plan.files.len()
        );
        return ExitCode::SUCCESS;
    }
    match import::write(&plan, site, overwrite) {
        Ok(count) => {
            eprintln!("{count} bestanden geschreven in {}/.", plan.kind.folder());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("fout: kan niet alle bestanden schrijven: {err}");
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Human,
    Json,
}

fn require_site(site: &std::path::Path) -> Result<(), ExitCode> {
    if site.join("site.yaml").is_file() {
        return Ok(());
    }
    eprintln!(
        "fout: in {} staat geen site.yaml. Geef met --site de map van de site op, of maak een nieuwe site met 'sociale-kaart init'.",
        site.display()
    );
    Err(ExitCode::from(2))
}

fn serve(site: &std::path::Path, port: u16, bind: std::net::IpAddr, open: bool) -> ExitCode {
    if let Err(code) = require_site(site) {
        return code;
    }
    let options = sociale_kaart::serve::ServeOptions {
        root: site.to_path_buf(),
        bind,
        port,
        open,
    };
    match sociale_kaart::serve::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fout: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn check(site: &std::path::Path, external: bool, timeout: u64, format: ReportFormat) -> ExitCode {
    use sociale_kaart::check;
    if let Err(code) = require_site(site) {
        return code;
    }
    let options = check::CheckOptions {
        root: site.to_path_buf(),
        today: pipeline::today(),
        external,
        timeout: std::time::Duration::from_secs(timeout.max(1)),
    };
    let spinner = sociale_kaart::progress::spinner(if external {
        "controleren, ook externe adressen"
    } else {
        "controleren"
    });
    let report = check::check(&options);
    spinner.finish_and_clear();
    match format {
        ReportFormat::Human => check::print_human(&report, site),
        ReportFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report.to_json()).expect("report is JSON")
            );
        }
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn build(site: &std::path::Path, strict: bool, output: Option<PathBuf>, timings: bool) -> ExitCode {
    if !site.join("site.yaml").is_file() {
        eprintln!(
            "fout: in {} staat geen site.yaml. Geef met --site de map van de site op, of maak een nieuwe site met 'sociale-kaart init'.",
            site.display()
        );
        return ExitCode::from(2);
    }
    keep_freed_memory();
    let options = BuildOptions {
        strict,
        output: output.unwrap_or_else(|| site.join("public")),
        today: pipeline::today(),
    };
    let spinner = sociale_kaart::progress::spinner("bouwen");
    let result = pipeline::build_with_progress(site, &options, &mut |stage| {
        spinner.set_message(format!("bouwen: {stage} klaar"))
    });
    spinner.finish_and_clear();
    match result {
        Ok(report) => {
            report.diagnostics.print(site);
            if timings {
                for (stage, duration) in &report.timings {
                    eprintln!("  {stage:<16} {:>8.1} ms", duration.as_secs_f64() * 1000.0);
                }
            }
            let warnings = report.diagnostics.warning_count();
            eprintln!(
                "Klaar: {} bestanden ({:.1} MB) in {} ({}){}.",
                report.files,
                report.bytes as f64 / 1_000_000.0,
                options.output.display(),
                changes(report.published),
                if warnings > 0 {
                    format!(
                        ", met {}",
                        report.diagnostics.summary().trim_end_matches(" gevonden.")
                    )
                } else {
                    String::new()
                }
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diagnostics)) => {
            diagnostics.print(site);
            eprintln!("{} De site is niet bijgewerkt.", diagnostics.summary());
            ExitCode::from(1)
        }
        Err(BuildError::Io(err)) => {
            eprintln!("fout: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// What a build changed in the output folder, in words.
fn changes(published: sociale_kaart::write::Published) -> String {
    let changed = match published.changed {
        0 => "niets gewijzigd".to_string(),
        n => format!("{n} nieuw of gewijzigd"),
    };
    match published.removed {
        0 => changed,
        n => format!("{changed}, {n} verwijderd"),
    }
}

fn search(site: &std::path::Path, request: &sociale_kaart::search::cli::SearchRequest) -> ExitCode {
    if let Err(code) = require_site(site) {
        return code;
    }
    let (loaded, diagnostics) = pipeline::load_site(site, pipeline::today());
    let Some(loaded) = loaded else {
        diagnostics.print(site);
        eprintln!(
            "{} Los eerst de fouten op; dan kun je zoeken.",
            diagnostics.summary()
        );
        return ExitCode::from(1);
    };
    match sociale_kaart::search::cli::run(&loaded, request, &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fout: {message}");
            ExitCode::from(2)
        }
    }
}

fn print_schema(soort: &str) -> ExitCode {
    let schema = match soort {
        "aanbod" => schema::json_schema("Aanbod", schema::AANBOD),
        "aanbieder" => schema::json_schema("Aanbieder", schema::AANBIEDER),
        "pagina" => schema::json_schema("Pagina", schema::PAGINA),
        "site" => schema::json_schema("site.yaml", schema::SITE),
        "alle" => schema::json_schemas(),
        other => {
            eprintln!(
                "fout: onbekend schema '{other}'. Kies aanbod, aanbieder, pagina, site of alle."
            );
            return ExitCode::from(2);
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).expect("schema is JSON")
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use libmimalloc_sys::mi_option_get;

    #[test]
    fn the_option_kept_freed_memory_sets_is_mimallocs_purge_delay() {
        // SAFETY: reading an option value.
        let get = || unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
        // 1000 ms is mimalloc's default purge delay (`options.c`) and no
        // other option's default, so reading it here shows which option
        // this index is.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(), 1000);
        }
        keep_freed_memory();
        assert_eq!(get(), -1);
    }
}
