//! What the benchmarks share: their command line and loading a site.

use std::path::{Path, PathBuf};

use sociale_kaart::model::Site;

/// The arguments after the bench name, without the `--bench` cargo adds.
pub fn command_line() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect()
}

/// Removes `name <value>` from `args` and returns the value.
pub fn take_option(args: &mut Vec<String>, name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    let value = args.get(at + 1).cloned();
    args.drain(at..(at + 2).min(args.len()));
    value
}

/// The sites named on the command line, or the example site.
pub fn sites(args: &[String]) -> Vec<PathBuf> {
    if args.is_empty() {
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR"))]
    } else {
        args.iter().map(PathBuf::from).collect()
    }
}

/// Loads and validates a site as a build does, on a fixed day; exits when
/// it has errors.
pub fn load(root: &Path) -> Site {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let (site, diagnostics) = sociale_kaart::pipeline::load_site(root, today);
    site.unwrap_or_else(|| {
        eprintln!(
            "{}: the site does not load ({} problems)",
            root.display(),
            diagnostics.error_count()
        );
        std::process::exit(1);
    })
}
