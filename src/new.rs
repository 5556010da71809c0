//! `sociale-kaart new` writes a new content file in which every key is
//! explained in Dutch; `sociale-kaart init` creates a new, minimal site
//! that builds without errors or warnings.
//!
//! The templates of `new` are generated from the field tables in
//! [`crate::schema`], with the ids the site's `site.yaml` allows, so they
//! cannot drift from what validation accepts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_yaml::Value;

use crate::load::{self, Kind, is_slug, suggest_slug};
use crate::schema::{self, Field, Type, Vocab};
use crate::validate::RESERVED_SLUGS;

/// Why `new` or `init` wrote nothing; the message is for editors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Writes `content/<map>/<slug>.md` from the template for `kind`; refuses
/// an invalid or reserved slug and an existing file.
pub fn new_entry(
    root: &Path,
    kind: Kind,
    slug: &str,
    today: NaiveDate,
) -> Result<PathBuf, Refused> {
    let slug = slug.strip_suffix(".md").unwrap_or(slug);
    if !is_slug(slug) {
        return Err(Refused(format!(
            "'{slug}' kan geen bestandsnaam zijn: gebruik alleen kleine letters (a-z), cijfers en streepjes (-). Bijvoorbeeld: {}",
            suggest_slug(slug)
        )));
    }
    if kind == Kind::Pagina && RESERVED_SLUGS.contains(&slug) {
        return Err(Refused(format!(
            "Het webadres /{slug}/ is al in gebruik door de sociale kaart zelf. Kies een andere naam, bijvoorbeeld info-{slug}."
        )));
    }
    let rel = format!("{}/{slug}.md", kind.folder());
    let path = root.join(&rel);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Refused(format!(
            "{rel} bestaat al en wordt niet overschreven. Kies een andere naam, of pas het bestaande bestand aan."
        )));
    }
    let (raw, _) = load::load(root);
    let vocabularies = Vocabularies::read(raw.config.as_ref().map(|d| &d.value), &raw.files);
    let text = template(kind, &rel, &vocabularies, today);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(root.join(kind.folder()))?;
        // create_new: never replace a file that appeared in the meantime.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        std::io::Write::write_all(&mut file, text.as_bytes())
    };
    write().map_err(|err| Refused(format!("kan {rel} niet schrijven: {err}")))?;
    Ok(path)
}

/// The ids that `site.yaml` and the providers allow, to list in templates.
#[derive(Debug, Default)]
pub struct Vocabularies {
    themas: Vec<String>,
    gemeenten: Vec<String>,
    kernen: Vec<String>,
    doelgroepen: Vec<String>,
    toegang: Vec<String>,
    aanbieders: Vec<String>,
}

impl Vocabularies {
    /// Reads the ids from a (possibly invalid) `site.yaml` and the loaded files.
    pub fn read(config: Option<&Value>, files: &[load::SourceFile]) -> Self {
        let ids = |list: Option<&Value>| -> Vec<String> {
            list.and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .filter_map(|item| item.get("id")?.as_str().map(str::to_string))
                .collect()
        };
        let config = config.unwrap_or(&Value::Null);
        let kernen = config
            .get("gemeenten")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .flat_map(|g| ids(g.get("kernen")))
            .collect();
        Vocabularies {
            themas: ids(config.get("themas")),
            gemeenten: ids(config.get("gemeenten")),
            kernen,
            doelgroepen: ids(config.get("doelgroepen")),
            toegang: ids(config.get("toegang")),
            aanbieders: files
                .iter()
                .filter(|f| f.kind == Kind::Aanbieder)
                .map(|f| f.slug.clone())
                .collect(),
        }
    }

    fn ids(&self, vocab: Vocab) -> &[String] {
        match vocab {
            Vocab::Themas => &self.themas,
            Vocab::Gemeenten => &self.gemeenten,
            Vocab::Kernen => &self.kernen,
            Vocab::Doelgroepen => &self.doelgroepen,
            Vocab::Toegang => &self.toegang,
            Vocab::Aanbieders => &self.aanbieders,
        }
    }
}

/// The template of a new content file: required keys to fill in at the
/// top, every optional key commented out below, each with its explanation.
pub fn template(kind: Kind, rel: &str, vocabularies: &Vocabularies, today: NaiveDate) -> String {
    let (fields, what, body) = match kind {
        Kind::Aanbod => (
            schema::AANBOD,
            "Nieuw aanbod",
            "Schrijf hier in gewone woorden (taalniveau B1) wat het is, voor wie, wat er gebeurt en hoe je begint. Een kopje maak je met ## ervoor.",
        ),
        Kind::Aanbieder => (
            schema::AANBIEDER,
            "Nieuwe aanbieder",
            "Schrijf hier in gewone woorden wat de organisatie is en doet.",
        ),
        Kind::Pagina => (
            schema::PAGINA,
            "Nieuwe pagina",
            "Schrijf hier de tekst van de pagina. Een kopje maak je met ## ervoor.",
        ),
    };
    let mut out = String::from("---\n");
    let _ = writeln!(out, "# {what}: {rel}");
    out.push_str(
        "# Regels die met # beginnen zijn uitleg; de sociale kaart leest ze niet.\n\
         # Vul eerst de verplichte gegevens in. Wil je meer invullen? Haal dan het\n\
         # '# ' weg vóór de sleutel (en vóór de regels die erbij horen).\n\
         # 'sociale-kaart serve' laat meteen zien hoe het wordt; 'sociale-kaart check'\n\
         # vertelt wat er nog ontbreekt.\n",
    );
    out.push_str("\n# ---- Verplicht ----\n");
    for field in fields.iter().filter(|f| f.required) {
        out.push('\n');
        explain(&mut out, field, "", vocabularies);
        match field.ty {
            Type::Date if field.key == "laatst_gecontroleerd" => {
                let _ = writeln!(out, "{}: {}", field.key, today.format("%Y-%m-%d"));
            }
            _ => write_field(&mut out, field, "", vocabularies),
        }
    }
    if fields.iter().any(|f| !f.required) {
        out.push_str("\n# ---- Niet verplicht ----\n");
    }
    for field in fields.iter().filter(|f| !f.required) {
        out.push('\n');
        explain(&mut out, field, "", vocabularies);
        write_field(&mut out, field, "# ", vocabularies);
    }
    let _ = write!(
        out,
        "---\n<!-- {body} Dit commentaar zelf komt niet op de site. -->\n"
    );
    out
}

/// The comment lines above a key: its explanation, whether it is needed,
/// and the values it allows.
fn explain(out: &mut String, field: &Field, indent: &str, vocabularies: &Vocabularies) {
    let required = if field.required { " (verplicht)" } else { "" };
    let _ = writeln!(out, "{indent}# {}{required}", field.doc);
    let several = "Eén waarde, of meer tussen blokhaken: [eerste, tweede].";
    match &field.ty {
        Type::Choice(words) => {
            let _ = writeln!(out, "{indent}# Kies uit: {}.", words.join(", "));
        }
        Type::Choices(words) => {
            let _ = writeln!(out, "{indent}# Kies uit: {}. {several}", words.join(", "));
        }
        Type::Id(vocab) | Type::Ids(vocab) => {
            let ids = vocabularies.ids(*vocab);
            let listed = if ids.is_empty() {
                format!("Mogelijke waarden staan in {}.", vocab.source())
            } else if ids.len() > 30 {
                format!(
                    "Er zijn {} mogelijke waarden; zie {}.",
                    ids.len(),
                    vocab.source()
                )
            } else {
                format!("Mogelijke waarden: {}.", ids.join(", "))
            };
            let _ = writeln!(out, "{indent}# {listed}");
            if matches!(field.ty, Type::Ids(_)) {
                let _ = writeln!(out, "{indent}# {several}");
            }
        }
        Type::Texts => {
            let _ = writeln!(out, "{indent}# {several}");
        }
        _ => {}
    }
}

/// The key with an empty value, or its parts for a group or list; every
/// line starts with `prefix` (`"# "` for optional keys).
fn write_field(out: &mut String, field: &Field, prefix: &str, vocabularies: &Vocabularies) {
    let key = field.key;
    match &field.ty {
        Type::Object(parts) | Type::TextOr(Type::Object(parts)) => {
            let _ = writeln!(out, "{prefix}{key}:");
            write_parts(out, parts, prefix, "  ", vocabularies);
        }
        Type::List(Type::Object(parts)) | Type::TextOr(Type::List(Type::Object(parts))) => {
            let _ = writeln!(out, "{prefix}{key}:");
            let _ = writeln!(
                out,
                "{prefix}  - # Herhaal het blok hieronder (met het streepje) voor elk volgend item."
            );
            write_parts(out, parts, prefix, "    ", vocabularies);
        }
        Type::WordOr(word, Type::Object(parts)) => {
            let _ = writeln!(
                out,
                "{prefix}# Kies één van de twee vormen: alleen '{word}', of de groep eronder."
            );
            let _ = writeln!(out, "{prefix}{key}: {word}");
            let _ = writeln!(out, "{prefix}{key}:");
            write_parts(out, parts, prefix, "  ", vocabularies);
        }
        _ => {
            let _ = writeln!(out, "{prefix}{key}:");
        }
    }
}

fn write_parts(
    out: &mut String,
    parts: &[Field],
    prefix: &str,
    indent: &str,
    vocabularies: &Vocabularies,
) {
    for part in parts {
        explain(out, part, &format!("{prefix}{indent}"), vocabularies);
        let _ = writeln!(out, "{prefix}{indent}{}:", part.key);
    }
}

/// The files of a new site, relative to its folder.
fn init_files(today: NaiveDate) -> Vec<(&'static str, String)> {
    let today = today.format("%Y-%m-%d").to_string();
    let dated = |text: &str| text.replace("{vandaag}", &today);
    vec![
        ("site.yaml", include_str!("new/init/site.yaml").to_string()),
        (
            "content/aanbieders/welzijn-voorbeeld.md",
            dated(include_str!("new/init/aanbieder.md")),
        ),
        (
            "content/aanbod/opvoedspreekuur.md",
            dated(include_str!("new/init/aanbod.md")),
        ),
        (
            "content/paginas/over.md",
            include_str!("new/init/over.md").to_string(),
        ),
        (
            ".gitignore",
            "# De gebouwde site; die maakt 'sociale-kaart build' steeds opnieuw.\npublic/\n"
                .to_string(),
        ),
    ]
}

/// Creates a new site in `dir`, which must not exist or be empty (hidden
/// entries such as `.git` are allowed). Returns the files written.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, Refused> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let visible = entries
            .filter_map(Result::ok)
            .any(|e| !e.file_name().to_string_lossy().starts_with('.'));
        if visible {
            return Err(Refused(format!(
                "De map {} is niet leeg. Kies een nieuwe map, bijvoorbeeld: sociale-kaart init mijn-sociale-kaart",
                dir.display()
            )));
        }
    } else if dir.exists() {
        return Err(Refused(format!("{} is geen map.", dir.display())));
    }
    let mut written = Vec::new();
    for (rel, text) in init_files(today) {
        let path = dir.join(rel);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        result.map_err(|err| Refused(format!("kan {} niet schrijven: {err}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(fields: &[Field], out: &mut Vec<&'static str>) {
        for f in fields {
            out.push(f.key);
            match &f.ty {
                Type::Object(p)
                | Type::TextOr(Type::Object(p))
                | Type::WordOr(_, Type::Object(p)) => keys(p, out),
                Type::List(Type::Object(p)) | Type::TextOr(Type::List(Type::Object(p))) => {
                    keys(p, out)
                }
                _ => {}
            }
        }
    }

    #[test]
    fn templates_explain_every_key_of_the_field_tables() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for (kind, fields) in [
            (Kind::Aanbod, schema::AANBOD),
            (Kind::Aanbieder, schema::AANBIEDER),
            (Kind::Pagina, schema::PAGINA),
        ] {
            let text = template(kind, "x.md", &Vocabularies::default(), today);
            let mut all = Vec::new();
            keys(fields, &mut all);
            for key in all {
                assert!(
                    text.contains(&format!("{key}:")),
                    "{kind:?}: {key} ontbreekt\n{text}"
                );
            }
            for f in fields {
                assert!(
                    text.contains(f.doc),
                    "{kind:?}: uitleg van {} ontbreekt",
                    f.key
                );
            }
        }
    }

    #[test]
    fn the_front_matter_holds_exactly_the_required_keys() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let text = template(Kind::Aanbod, "x.md", &Vocabularies::default(), today);
        let (yaml, _, _) = load::split_front_matter("x.md", &text).unwrap();
        let doc = load::parse_yaml("x.md", yaml, 2).unwrap();
        let mut present: Vec<&str> = doc
            .value
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        present.sort_unstable();
        let mut required: Vec<&str> = schema::AANBOD
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key)
            .collect();
        required.sort_unstable();
        assert_eq!(present, required);
        assert_eq!(
            doc.value["laatst_gecontroleerd"].as_str(),
            Some("2026-11-23")
        );
    }
}
