use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sociale_kaart::pipeline::{self, BuildError, BuildOptions};
use sociale_kaart::schema;

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
        Command::Build { strict, output, timings } => build(&cli.site, strict, output, timings),
        Command::Schema { soort } => print_schema(&soort),
    }
}

fn build(site: &std::path::Path, strict: bool, output: Option<PathBuf>, timings: bool) -> ExitCode {
    if !site.join("site.yaml").is_file() {
        eprintln!("fout: in {} staat geen site.yaml. Geef met --site de map van de site op, of maak een nieuwe site met 'sociale-kaart init'.", site.display());
        return ExitCode::from(2);
    }
    let options = BuildOptions {
        strict,
        output: output.unwrap_or_else(|| site.join("public")),
        today: pipeline::today(),
    };
    match pipeline::build(site, &options) {
        Ok(report) => {
            report.diagnostics.print(site);
            if timings {
                for (stage, duration) in &report.timings {
                    eprintln!("  {stage:<16} {:>8.1} ms", duration.as_secs_f64() * 1000.0);
                }
            }
            let warnings = report.diagnostics.warning_count();
            eprintln!(
                "Klaar: {} bestanden ({:.1} MB) in {}{}.",
                report.files,
                report.bytes as f64 / 1_000_000.0,
                options.output.display(),
                if warnings > 0 { format!(", met {}", report.diagnostics.summary().trim_end_matches(" gevonden.")) } else { String::new() }
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

fn print_schema(soort: &str) -> ExitCode {
    let schema = match soort {
        "aanbod" => schema::json_schema("Aanbod", schema::AANBOD),
        "aanbieder" => schema::json_schema("Aanbieder", schema::AANBIEDER),
        "pagina" => schema::json_schema("Pagina", schema::PAGINA),
        "site" => schema::json_schema("site.yaml", schema::SITE),
        "alle" => schema::json_schemas(),
        other => {
            eprintln!("fout: onbekend schema '{other}'. Kies aanbod, aanbieder, pagina, site of alle.");
            return ExitCode::from(2);
        }
    };
    println!("{}", serde_json::to_string_pretty(&schema).expect("schema is JSON"));
    ExitCode::SUCCESS
}
