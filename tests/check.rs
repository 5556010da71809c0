//! `sociale-kaart check`: broken links and anchors, stale entries, likely
//! duplicates and external addresses, in human and JSON form, without
//! touching public/.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::common::{SiteTest, snapshot};
use serde_json::Value;

fn check_site() -> SiteTest {
    SiteTest::from_fixture("check")
}

/// The line of `needle` in a fixture file, 1-based.
fn line_of(test: &SiteTest, file: &str, needle: &str) -> usize {
    test.read(file)
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {file}"))
        + 1
}

fn json(test: &SiteTest, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = test.run(&all);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run.code, value)
}

fn messages(report: &Value) -> Vec<(String, usize, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn broken_internal_links_and_anchors_are_errors_at_their_place() {
    let test = check_site();
    let (code, report) = json(&test, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["ok"], false);
    let file = "content/aanbod/links.md";
    let found = messages(&report);
    let expect = |line: usize, message: &str| {
        assert!(
            found
                .iter()
                .any(|(f, l, m)| f == file && *l == line && m == message),
            "{file}:{line}: {message}\nin {found:#?}"
        );
    };
    expect(
        line_of(&test, file, "wat niet bestaat"),
        "De link naar '/aanbod/bestaat-niet/' werkt niet: die pagina bestaat niet.",
    );
    expect(
        line_of(&test, file, "#aanmelden-nu"),
        "Het anker '#aanmelden-nu' bestaat niet op /aanbod/zwemles/.",
    );
    expect(
        line_of(&test, file, "het bestand"),
        "De link naar '../aanbieders/welzijn.md' werkt niet: die pagina bestaat niet.",
    );
    expect(
        line_of(&test, file, "het zomerkamp"),
        "De link naar '/aanbod/oud-aanbod/' werkt niet: die pagina bestaat niet.",
    );
    expect(
        line_of(&test, file, "javascript:"),
        "Een link die met 'javascript:' begint, wordt niet getoond.",
    );
    expect(
        line_of(&test, file, "bestaat-niet.png"),
        "De link naar '/img/bestaat-niet.png' werkt niet: dat bestand bestaat niet.",
    );
    expect(
        line_of(&test, file, "In HTML"),
        "De link naar '/aanbieders/bestaat-niet/' werkt niet: die pagina bestaat niet.",
    );
    expect(
        line_of(&test, file, "zwemless"),
        "De link naar '/aanbod/zwemless/' werkt niet: die pagina bestaat niet.",
    );
    expect(
        line_of(&test, file, "bestaat-ook-niet"),
        "De link naar '/aanbod/bestaat-ook-niet/' werkt niet: die pagina bestaat niet.",
    );
    expect(
        line_of(&test, file, "Zonder https"),
        "De link naar 'www.example.org/bibliotheek' mist 'https://' aan het begin.",
    );
    expect(
        line_of(&test, file, "Zonder https"),
        "De link naar 'coach@example.org' is een e-mailadres zonder 'mailto:'.",
    );
    assert!(
        found
            .iter()
            .any(|(f, _, m)| f == "content/paginas/over.md" && m.contains("'/themas/zwemmen/'"))
    );
    // The good links (relative, own domain, without slash, same page, mailto) pass.
    assert_eq!(report["errors"], 12, "{found:#?}");
    assert_eq!(report["links"]["skipped"], false);
    assert!(
        report["links"]["internal"].as_u64().unwrap() >= 15,
        "{}",
        report["links"]
    );

    let hint = |needle: &str| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(needle))
            .and_then(|d| d["hint"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        hint("welzijn.md"),
        "Link naar het webadres, niet naar het bestand: gebruik /aanbieders/welzijn/"
    );
    assert!(hint("oud-aanbod").contains("staat op 'gestopt'"));
    assert_eq!(hint("zwemless"), "Bedoel je '/aanbod/zwemles/'?");
    assert!(hint("bibliotheek").contains("https://www.example.org/bibliotheek."));
    assert_eq!(
        hint("coach@"),
        "Schrijf mailto: ervoor: [tekst](mailto:coach@example.org)."
    );
    assert!(hint("aanmelden-nu").contains("#inhoud"));
    assert_eq!(
        hint("/themas/zwemmen/"),
        "Bestaande pagina's hier: /themas/opvoeden/, /themas/scheiding/, /themas/sport/."
    );
    let key = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("bestaat-ook-niet"))
        .unwrap()["key"]
        .clone();
    assert_eq!(key, "aanmelden.url");
}

#[test]
fn stale_entries_are_listed_oldest_first_with_their_owner() {
    let test = check_site();
    let (_, report) = json(&test, &[]);
    let stale: Vec<(&str, &str, Option<&str>)> = report["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap(),
                s["last_checked"].as_str().unwrap(),
                s["owner"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        stale,
        [
            (
                "content/aanbod/oud-1.md",
                "2024-01-10",
                Some("Redactie Welzijn <redactie@welzijn.example.org>")
            ),
            (
                "content/aanbieders/stichting.md",
                "2024-06-01",
                Some("Secretaris Speelplek <secretaris@speelplek.example.org>")
            ),
            ("content/aanbod/oud-2.md", "2025-03-01", None),
        ],
        "a stopped offer is not listed"
    );
    assert_eq!(report["stale"][0]["days"], 1048);
    assert_eq!(report["stale_after_days"], 365);
}

#[test]
fn likely_duplicates_are_found_but_not_across_municipalities() {
    let test = check_site();
    let (_, report) = json(&test, &[]);
    let duplicates = report["duplicates"].as_array().unwrap();
    assert_eq!(duplicates.len(), 1, "{duplicates:#?}");
    assert_eq!(
        duplicates[0]["files"],
        serde_json::json!([
            "content/aanbod/zwemles-kopie.md",
            "content/aanbod/zwemles.md"
        ])
    );
    assert!(duplicates[0]["summary_similarity"].as_f64().unwrap() > 0.9);
}

#[test]
fn an_offer_entered_several_times_is_one_group_not_every_pair() {
    let test = check_site();
    let zwemles = test.read("content/aanbod/zwemles.md");
    // A third and a fourth copy: with the two in the fixture, six pairs.
    test.write("content/aanbod/zwemles-nieuw.md", &zwemles);
    test.write(
        "content/aanbod/zwemles-2027.md",
        zwemles.replace("Zwemles voor kinderen", "Zwemles voor kinderen 2027"),
    );
    let (_, report) = json(&test, &[]);
    assert_eq!(report["duplicates"].as_array().unwrap().len(), 6);
    let files = [
        "content/aanbod/zwemles-2027.md",
        "content/aanbod/zwemles-kopie.md",
        "content/aanbod/zwemles-nieuw.md",
        "content/aanbod/zwemles.md",
    ];
    assert_eq!(
        report["duplicate_groups"],
        serde_json::json!([{
            "files": files,
            "titles": [
                "Zwemles voor kinderen 2027",
                "Zwemles voor kinderen!",
                "Zwemles voor kinderen",
                "Zwemles voor kinderen",
            ],
        }])
    );
    let out = test.run(&["check"]).stdout;
    let listed: Vec<String> = files.iter().map(|f| format!("    {f}  \"")).collect();
    assert!(
        out.contains("Mogelijke dubbelingen (1):\n  Deze 4 items lijken op elkaar:\n"),
        "{out}"
    );
    let at: Vec<usize> = listed
        .iter()
        .map(|l| out.find(l.as_str()).unwrap())
        .collect();
    assert!(at.is_sorted(), "{out}");
    assert!(
        out.trim_end().ends_with("en 1 mogelijke dubbeling."),
        "{out}"
    );
}

#[test]
fn human_output_groups_findings_and_ends_with_a_summary() {
    let test = check_site();
    let run = test.run(&["check"]);
    assert_eq!(run.code, 1);
    let out = &run.stdout;
    assert!(
        out.contains(
            "content/aanbod/links.md:13:40: fout: De link naar '/aanbod/bestaat-niet/' werkt niet"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Verouderd: 3 items niet gecontroleerd in de laatste 365 dagen (oudste eerst):"
        ),
        "{out}"
    );
    let oldest = out.find("content/aanbod/oud-1.md").unwrap();
    let newest = out.find("content/aanbod/oud-2.md").unwrap();
    assert!(oldest < newest, "{out}");
    assert!(
        out.contains("eigenaar: onbekend (vul 'eigenaar' in)"),
        "{out}"
    );
    assert!(out.contains("Mogelijke dubbelingen (1):\n  content/aanbod/zwemles-kopie.md en content/aanbod/zwemles.md"), "{out}");
    assert!(
        out.trim_end().ends_with(
            "Gevonden: 12 fouten, 0 waarschuwingen, 3 verouderde items en 1 mogelijke dubbeling."
        ),
        "{out}"
    );
    // Stale entries are listed once, not also as warnings.
    assert!(
        !out.contains("waarschuwing: [laatst_gecontroleerd]"),
        "{out}"
    );
}

#[test]
fn check_never_touches_public() {
    let test = check_site();
    assert_eq!(test.run(&["check"]).code, 1);
    assert!(!test.public().exists(), "check made public/");
    test.write("public/index.html", "gepubliceerd");
    let before = snapshot(&test.public());
    test.run(&["check"]);
    assert_eq!(snapshot(&test.public()), before);
}

#[test]
fn a_site_with_errors_still_lists_stale_entries_and_says_links_were_skipped() {
    let test = check_site();
    test.write("content/aanbod/kapot.md", "---\ntitel: [kapot\n---\n");
    let (code, report) = json(&test, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["links"]["skipped"], true);
    assert_eq!(report["stale"].as_array().unwrap().len(), 3);
    let run = test.run(&["check"]);
    assert!(
        run.stdout
            .contains("Links zijn niet gecontroleerd: verbeter eerst de fouten."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "content/aanbod/kapot.md:2:8: fout: Een lijst tussen [ en ] is niet goed afgesloten"
        ),
        "{}",
        run.stdout
    );
}

/// A local web server: `/ok` answers 200, `/weg` 404, `/traag` never.
fn serve_links() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                reader.read_line(&mut request).unwrap_or_default();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut stream = stream;
                let status = if request.contains(" /ok ") {
                    "200 OK"
                } else if request.contains(" /weg ") {
                    "404 Not Found"
                } else {
                    // Hold the connection without answering.
                    std::thread::sleep(std::time::Duration::from_secs(30));
                    return;
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    port
}

#[test]
fn external_addresses_are_checked_only_with_extern() {
    let test = check_site();
    let port = serve_links();
    let file = "content/aanbod/zwemles.md";
    let text = test.read(file).replacen(
        "---\nKinderen",
        &format!(
            "---\nKinderen leren zwemmen: [werkt](http://127.0.0.1:{port}/ok), [weg](http://127.0.0.1:{port}/weg), [traag](http://127.0.0.1:{port}/traag), [nog eens](http://127.0.0.1:{port}/ok).\n\nKinderen"
        ),
        1,
    );
    test.write(file, text);

    let (_, without) = json(&test, &[]);
    assert_eq!(without["links"]["external"], 0);
    assert!(!messages(&without).iter().any(|(f, _, _)| f == file));

    let (code, report) = json(&test, &["--extern", "--timeout", "5"]);
    assert_eq!(code, 1);
    // Each address is fetched once: /ok, /weg and /traag. The timeout leaves
    // /ok time to answer on a busy machine.
    assert_eq!(report["links"]["external"], 3, "{}", report["links"]);
    let ours: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .collect();
    assert_eq!(ours.len(), 2, "{ours:#?}");
    assert_eq!(ours.iter().filter(|d| d["severity"] == "error").count(), 1);
    let gone = ours.iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(
        gone["message"],
        format!("Het webadres http://127.0.0.1:{port}/weg bestaat niet (meer) (HTTP 404).")
    );
    assert_eq!(gone["line"], line_of(&test, file, "/weg)"));
    let slow = ours.iter().find(|d| d["severity"] == "warning").unwrap();
    assert_eq!(
        slow["message"],
        format!("Het webadres http://127.0.0.1:{port}/traag antwoordt niet binnen 5 seconden.")
    );
}
