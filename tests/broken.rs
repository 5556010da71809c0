//! A corpus of broken content files. All of them go into one site, so this
//! also checks that one run reports every problem in every file, each with
//! its exact file, line, column, key and Dutch message, and that a failed
//! build leaves public/ byte-identical.

use crate::common::{SiteTest, snapshot};

/// A valid offer with the given title; cases change or add lines.
fn offer(title: &str) -> String {
    format!(
        "---\ntitel: {title}\naanbieder: schakel\nsamenvatting: Een korte zin.\nthemas: [opvoeden]\ndoelgroep: [ouders]\ngemeenten: [dinkelland]\ntoegang: vrij\nlaatst_gecontroleerd: 2026-06-01\naanmelden: Bel Schakel.\n"
    )
}

fn replace(text: String, key: &str, line: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with(&format!("{key}:")) {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

struct Case {
    file: &'static str,
    contents: Vec<u8>,
    /// `line:column`
    at: &'static str,
    key: Option<&'static str>,
    message: &'static str,
}

fn case(
    file: &'static str,
    contents: impl Into<Vec<u8>>,
    at: &'static str,
    key: Option<&'static str>,
    message: &'static str,
) -> Case {
    Case {
        file,
        contents: contents.into(),
        at,
        key,
        message,
    }
}

fn cases() -> Vec<Case> {
    let end = "---\n";
    vec![
        case(
            "content/aanbod/yaml-dubbele-punt.md",
            "---\ntitel: Yaml\nsamenvatting: Hulp: nu\n---\n",
            "3:19",
            None,
            "Er staat een dubbele punt (:) op een plek waar dat niet mag. (YAML: mapping values are not allowed in this context)",
        ),
        case(
            "content/aanbod/zonder-front-matter.md",
            "Geen front matter\n",
            "1:1",
            None,
            "Het bestand begint niet met '---': de gegevens bovenaan (front matter) ontbreken.",
        ),
        case(
            "content/aanbod/niet-afgesloten.md",
            "---\ntitel: Open\nsamenvatting: x\n",
            "1:1",
            None,
            "De gegevens bovenaan (front matter) worden niet afgesloten met een regel '---'.",
        ),
        case(
            "content/aanbod/leeg.md",
            "",
            "1:1",
            None,
            "Dit bestand is leeg.",
        ),
        case(
            "content/aanbod/geen-utf8.md",
            b"---\ntitel: Latin\nsamenvatting: caf\xe9\n---\n".to_vec(),
            "3:18",
            None,
            "Dit bestand is geen UTF-8-tekst (er staat een teken in dat niet gelezen kan worden).",
        ),
        case(
            "content/aanbod/onbekende-sleutel.md",
            offer("Sleutel") + "samenvating: typo\n" + end,
            "11:1",
            Some("samenvating"),
            "De sleutel 'samenvating' is onbekend.",
        ),
        case(
            "content/aanbod/ontbrekende-sleutel.md",
            offer("Toegang")
                .lines()
                .filter(|l| !l.starts_with("toegang:"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
                + end,
            "1:1",
            Some("toegang"),
            "De verplichte sleutel 'toegang' ontbreekt of is leeg.",
        ),
        case(
            "content/aanbod/verkeerd-type.md",
            replace(offer("Type"), "themas", "themas: {a: b}") + end,
            "5:9",
            Some("themas"),
            "Hier hoort één waarde of een lijst, maar er staat een groep sleutels.",
        ),
        case(
            "content/aanbod/leeftijd-tekst.md",
            offer("Leeftijd tekst") + "leeftijd: {van: vier, tot: 12}\n" + end,
            "11:17",
            Some("leeftijd.van"),
            "Hier hoort een heel getal, maar er staat een tekst.",
        ),
        case(
            "content/aanbod/ongeldige-datum.md",
            replace(
                offer("Datum"),
                "laatst_gecontroleerd",
                "laatst_gecontroleerd: 2026-02-30",
            ) + end,
            "9:23",
            Some("laatst_gecontroleerd"),
            "'2026-02-30' is geen geldige datum.",
        ),
        case(
            "content/aanbod/datum-omgekeerd.md",
            replace(
                offer("Datum nl"),
                "laatst_gecontroleerd",
                "laatst_gecontroleerd: 14-05-2026",
            ) + end,
            "9:23",
            Some("laatst_gecontroleerd"),
            "'14-05-2026' is geen geldige datum.",
        ),
        case(
            "content/aanbod/ongeldig-email.md",
            offer("Mail") + "contact:\n  rol: jeugdconsulent\n  email: jeugd@@example\n" + end,
            "13:10",
            Some("contact.email"),
            "'jeugd@@example' is geen geldig e-mailadres.",
        ),
        case(
            "content/aanbod/ongeldige-url.md",
            replace(
                offer("Url"),
                "aanmelden",
                "aanmelden:\n  url: www.example.org/aanmelden",
            ) + end,
            "11:8",
            Some("aanmelden.url"),
            "'www.example.org/aanmelden' is geen geldig webadres.",
        ),
        case(
            "content/aanbod/ongeldig-telefoon.md",
            replace(
                offer("Telefoon"),
                "aanmelden",
                "aanmelden:\n  telefoon: 0546 12",
            ) + end,
            "11:13",
            Some("aanmelden.telefoon"),
            "'0546 12' is geen geldig Nederlands telefoonnummer.",
        ),
        case(
            "content/aanbod/leeftijd-omgekeerd.md",
            offer("Leeftijd") + "leeftijd: {van: 12, tot: 4}\n" + end,
            "11:17",
            Some("leeftijd.van"),
            "'van' (12) is groter dan 'tot' (4).",
        ),
        case(
            "content/aanbod/samenvatting-te-lang.md",
            replace(
                offer("Lang"),
                "samenvatting",
                &format!(
                    "samenvatting: {}",
                    "Dit is een veel te lange samenvatting. ".repeat(6)
                ),
            ) + end,
            "4:15",
            Some("samenvatting"),
            "Deze tekst is 233 tekens lang; het maximum is 200.",
        ),
        case(
            "content/aanbod/onbekend-thema.md",
            replace(offer("Thema"), "themas", "themas: [scheidng]") + end,
            "5:10",
            Some("themas[0]"),
            "'scheidng' is geen bekend thema.",
        ),
        case(
            "content/aanbod/onbekende-gemeente.md",
            replace(offer("Gemeente"), "gemeenten", "gemeenten: [losser]") + end,
            "7:13",
            Some("gemeenten[0]"),
            "'losser' is geen bekende gemeente.",
        ),
        case(
            "content/aanbod/onbekende-kern.md",
            offer("Kern") + "kernen: [denekmp]\n" + end,
            "11:10",
            Some("kernen[0]"),
            "'denekmp' is geen bekende kern (dorp).",
        ),
        case(
            "content/aanbod/onbekende-doelgroep.md",
            replace(offer("Doelgroep"), "doelgroep", "doelgroep: [opa]") + end,
            "6:13",
            Some("doelgroep[0]"),
            "'opa' is geen bekende doelgroep.",
        ),
        case(
            "content/aanbod/onbekende-toegang.md",
            replace(offer("Toegang2"), "toegang", "toegang: verwijzing") + end,
            "8:10",
            Some("toegang"),
            "'verwijzing' is geen bekende toegang.",
        ),
        case(
            "content/aanbod/onbekende-aanbieder.md",
            replace(offer("Aanbieder"), "aanbieder", "aanbieder: schakle") + end,
            "3:12",
            Some("aanbieder"),
            "'schakle' is geen bekende aanbieder.",
        ),
        case(
            "content/aanbod/Hoofdletter.md",
            offer("Hoofdletter") + end,
            "1:1",
            None,
            "De bestandsnaam 'Hoofdletter.md' mag alleen kleine letters (a-z), cijfers en streepjes (-) bevatten.",
        ),
        case(
            "content/aanbod/met spatie.md",
            offer("Spatie") + end,
            "1:1",
            None,
            "De bestandsnaam 'met spatie.md' mag alleen kleine letters (a-z), cijfers en streepjes (-) bevatten.",
        ),
        case(
            "content/aanbod/ongeldige-status.md",
            offer("Status") + "status: gestop\n" + end,
            "11:9",
            Some("status"),
            "'gestop' is geen geldige waarde.",
        ),
        case(
            "content/aanbod/kern-andere-gemeente.md",
            offer("Kern gemeente") + "kernen: [albergen]\n" + end,
            "11:10",
            Some("kernen[0]"),
            "De kern 'albergen' hoort bij de gemeente 'tubbergen', maar die staat niet bij 'gemeenten'.",
        ),
        case(
            "content/aanbod/data-eind-voor-start.md",
            offer("Data") + "data:\n  - start: 2027-03-10\n    eind: 2027-03-01\n" + end,
            "13:11",
            Some("data[0].eind"),
            "De einddatum ligt vóór de startdatum.",
        ),
        case(
            "content/aanbod/dubbele-sleutel.md",
            offer("Dubbel") + "titel: Nog eens\n" + end,
            "11:1",
            None,
            "Dezelfde sleutel staat twee keer in dit bestand. (YAML: duplicate entry with key \"titel\")",
        ),
        case(
            "content/aanbod/tab-inspringing.md",
            offer("Tab") + "leeftijd:\n\tvan: 4\n" + end,
            "12:1",
            None,
            "Er staat een teken dat hier niet mag (bijvoorbeeld een tab, @ of `). (YAML: found character that cannot start any token)",
        ),
        case(
            "content/aanbod/ongeldige-vorm.md",
            offer("Vorm") + "vorm: groepje\n" + end,
            "11:7",
            Some("vorm"),
            "'groepje' is geen geldige waarde.",
        ),
        case(
            "content/aanbod/notities.txt",
            "notitie\n",
            "1:1",
            None,
            "Alleen bestanden met de extensie .md worden gelezen.",
        ),
        case(
            "content/paginas/zoeken.md",
            "---\ntitel: Zoeken\n---\nTekst\n",
            "1:1",
            None,
            "Het webadres /zoeken/ is al in gebruik door de sociale kaart zelf.",
        ),
        case(
            "content/aanbieders/zonder-contact.md",
            "---\nnaam: Zonder contact\nsoort: welzijn\nsamenvatting: Geen contactgegevens.\nlaatst_gecontroleerd: 2026-06-01\n---\n",
            "1:1",
            Some("telefoon"),
            "Er is geen manier om contact op te nemen.",
        ),
        // Text pasted from Word, an e-mail or a website.
        case(
            "content/aanbod/krullende-aanhalingstekens.md",
            replace(
                offer("Krullend"),
                "samenvatting",
                "samenvatting: “Hulp: nu”",
            ) + end,
            "4:15",
            None,
            "Hier staan krullende aanhalingstekens (“ ”). Voor YAML zijn dat gewone letters, geen aanhalingstekens. (YAML: mapping values are not allowed in this context)",
        ),
        case(
            "content/aanbod/krullend-in-lijst.md",
            offer("Krullend in een lijst") + "trefwoorden: [“Hulp: nu”]\n" + end,
            "11:21",
            Some("trefwoorden[0]"),
            "Hier hoort een tekst, maar er staat een groep sleutels.",
        ),
        case(
            "content/aanbod/harde-spatie-inspringing.md",
            offer("Harde spatie") + "leeftijd:\n\u{a0}\u{a0}van: 4\n" + end,
            "12:1",
            Some("\u{a0}\u{a0}van"),
            "In of voor de sleutel 'van' staat een harde spatie: een teken dat op een spatie lijkt, maar voor YAML geen spatie is.",
        ),
        case(
            "content/aanbod/harde-spatie-na-dubbele-punt.md",
            replace(
                offer("Harde spatie na de dubbele punt"),
                "toegang",
                "toegang:\u{a0}vrij",
            ) + end,
            "8:9",
            None,
            "Hier staat een teken dat op een spatie lijkt, maar voor YAML geen spatie is. (YAML: could not find expected ':')",
        ),
        case(
            "content/aanbod/dubbele-punt-vergeten.md",
            replace(offer("Vergeten"), "toegang", "toegang vrij") + end,
            "8:1",
            None,
            "Op deze regel mist de dubbele punt (:) achter de sleutel. (YAML: could not find expected ':')",
        ),
        case(
            "content/aanbod/lijst-niet-gesloten.md",
            replace(offer("Open lijst"), "themas", "themas: [opvoeden") + end,
            "5:9",
            None,
            "Een lijst tussen [ en ] is niet goed afgesloten, of er staat iets in dat er niet in hoort. (YAML: did not find expected ',' or ']')",
        ),
        case(
            "content/aanbod/sterretje.md",
            offer("*Nieuw* Opvoeden") + end,
            "2:14",
            None,
            "Een waarde die begint met * of & leest YAML als een verwijzing naar een andere waarde. (YAML: did not find expected alphabetic or numeric character)",
        ),
        case(
            "content/aanbod/backslash.md",
            replace(
                offer("Backslash"),
                "samenvatting",
                "samenvatting: \"Hulp\\nu\\q\"",
            ) + end,
            "4:23",
            None,
            "Tussen dubbele aanhalingstekens heeft een backslash (\\) een speciale betekenis. (YAML: found unknown escape character)",
        ),
        case(
            "content/aanbod/stuurteken.md",
            replace(
                offer("Stuurteken"),
                "samenvatting",
                "samenvatting: Een\u{7} zin.",
            ) + end,
            "4:18",
            None,
            "Er staat een onzichtbaar stuurteken in de gegevens, vaak meegekopieerd uit een ander programma. (YAML: control characters are not allowed at position 54)",
        ),
        case(
            "content/aanbod/lang-streepje-boven.md",
            offer("Lang streepje").replacen("---", "—", 1) + end,
            "1:1",
            None,
            "De eerste regel moet drie gewone streepjes zijn ('---'), maar er staat '—'.",
        ),
        case(
            "content/aanbod/lang-streepje-onder.md",
            offer("Lang streepje onder") + "–––\nTekst.\n",
            "11:1",
            None,
            "Deze regel lijkt het einde van de gegevens bovenaan, maar is niet precies drie gewone streepjes ('---').",
        ),
        case(
            "content/aanbod/lege-regel-boven.md",
            "\n".to_string() + &offer("Lege regel") + end,
            "1:1",
            None,
            "Boven de eerste regel '---' staan lege regels.",
        ),
        case(
            "content/aanbod/onzichtbaar-teken.md",
            replace(offer("Onzichtbaar"), "themas", "themas: [opvoe\u{a0}den]") + end,
            "5:10",
            Some("themas[0]"),
            "'opvoe<harde spatie>den' is geen bekend thema.",
        ),
        // Documents that would take a parser's memory or stack.
        case(
            "content/aanbod/verwijzingen.md",
            format!(
                "---\na: &a [x, x, x, x, x, x, x, x, x]\n{}",
                (b'b'..=b'h')
                    .map(|c| {
                        let (name, before) = (c as char, (c - 1) as char);
                        format!(
                            "{name}: &{name} [{}]\n",
                            vec![format!("*{before}"); 9].join(", ")
                        )
                    })
                    .collect::<String>()
            ) + end,
            "2:1",
            None,
            "De verwijzingen met & en * maken de gegevens veel te groot. (YAML: repetition limit exceeded)",
        ),
        case(
            "content/aanbod/te-diep.md",
            offer("Te diep")
                + &format!("trefwoorden: {}{}\n", "[".repeat(200), "]".repeat(200))
                + end,
            "11:141",
            None,
            "De gegevens zijn te diep in elkaar gezet: te veel [ of { binnen elkaar. (YAML: recursion limit exceeded)",
        ),
    ]
}

/// Splits `file:line:col: fout: [key] message Tip: hint`.
fn parse(line: &str) -> (String, String, Option<String>, String) {
    let (location, rest) = line.split_once(": fout: ").expect("an error line");
    let mut parts = location.rsplitn(3, ':');
    let col = parts.next().unwrap();
    let row = parts.next().unwrap();
    let file = parts.next().unwrap().to_string();
    let (key, rest) = match rest.strip_prefix('[') {
        Some(r) => {
            // Keys contain `[0]`; the key ends at the first "] ".
            let (key, rest) = r.split_once("] ").unwrap();
            (Some(key.to_string()), rest)
        }
        None => (None, rest),
    };
    let message = rest.split(" Tip: ").next().unwrap().to_string();
    (file, format!("{row}:{col}"), key, message)
}

#[test]
fn every_broken_file_gets_its_exact_diagnostic_in_one_run() {
    let site = SiteTest::from_fixture("minimaal");
    let cases = cases();
    assert!(cases.len() >= 25);
    for case in &cases {
        site.write(case.file, &case.contents);
    }
    let run = site.build();
    assert_eq!(run.code, 1, "content errors exit with 1:\n{}", run.stderr);
    let errors: Vec<(String, String, Option<String>, String)> = run
        .diagnostics()
        .into_iter()
        .filter(|l| l.contains(": fout: "))
        .map(parse)
        .collect();
    for case in &cases {
        let expected = (
            case.file.to_string(),
            case.at.to_string(),
            case.key.map(String::from),
            case.message.to_string(),
        );
        let found: Vec<_> = errors.iter().filter(|e| e.0 == case.file).collect();
        assert_eq!(
            found,
            vec![&expected],
            "diagnostics for {}:\n{}",
            case.file,
            run.stderr
        );
    }
    assert_eq!(
        errors.len(),
        cases.len(),
        "one error per broken file:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "{} fouten en 0 waarschuwingen gevonden.",
            cases.len()
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn every_diagnostic_says_how_to_fix_it() {
    let site = SiteTest::from_fixture("minimaal");
    for case in cases() {
        site.write(case.file, &case.contents);
    }
    let run = site.build();
    for line in run.diagnostics() {
        assert!(line.contains(" Tip: "), "no hint in: {line}");
    }
}

#[test]
fn a_failed_build_leaves_public_byte_identical() {
    let site = SiteTest::from_fixture("minimaal");
    site.build_ok();
    site.write("public/eigen-bestand.txt", "niet weggooien");
    let before = snapshot(&site.public());
    assert!(before.len() > 10);
    for case in cases() {
        site.write(case.file, &case.contents);
        let run = site.build();
        assert_eq!(run.code, 1, "{}: {}", case.file, run.stderr);
        assert_eq!(
            snapshot(&site.public()),
            before,
            "public/ changed after a failed build with {}",
            case.file
        );
        std::fs::remove_file(site.path().join(case.file)).unwrap();
    }
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".sociale-kaart")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
}

#[test]
fn site_yaml_problems_are_located() {
    let site = SiteTest::from_fixture("minimaal");
    let config = site.read("site.yaml");
    let config = config.replace(
        "basis_url: https://kaart.example.org",
        "basis_url: kaart.example.org",
    ) + "kleur: blauw\n";
    site.write("site.yaml", &config);
    let run = site.build();
    assert_eq!(run.code, 1);
    let errors: Vec<_> = run.diagnostics().into_iter().map(parse).collect();
    let line_of = |needle: &str| config.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let expect = [
        (
            format!("{}:12", line_of("basis_url")),
            Some("basis_url"),
            "'kaart.example.org' is geen geldig webadres.",
        ),
        (
            format!("{}:1", line_of("kleur")),
            Some("kleur"),
            "De sleutel 'kleur' is onbekend.",
        ),
    ];
    for (at, key, message) in expect {
        assert!(
            errors.iter().any(|e| e.0 == "site.yaml"
                && e.1 == at
                && e.2.as_deref() == key
                && e.3 == message),
            "missing {at} {message}:\n{}",
            run.stderr
        );
    }
}

#[test]
fn site_yaml_duplicate_ids_and_unknown_related_themes_are_reported() {
    let site = SiteTest::from_fixture("minimaal");
    let config = site
        .read("site.yaml")
        .replace("  - id: opvoeden\n", "  - id: scheiding\n")
        .replace("verwant: [opvoeden]", "verwant: [opvoedn]");
    site.write("site.yaml", &config);
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("[themas[1].id] De id 'scheiding' komt twee keer voor."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("[themas[0].verwant[0]] 'opvoedn' is geen bekend thema."),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_site_yaml_is_a_usage_error() {
    let site = SiteTest::from_fixture("minimaal");
    std::fs::remove_file(site.path().join("site.yaml")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("geen site.yaml"), "{}", run.stderr);
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let site = SiteTest::from_fixture("minimaal");
    let text = offer("Windows").replace('\n', "\r\n") + "---\r\nTekst met\r\nregels.\r\n";
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    site.write("content/aanbod/windows.md", bytes);
    site.build_ok();
    assert!(site.page("/aanbod/windows/").contains("Windows"));
}

#[test]
fn zero_width_characters_from_a_paste_are_dropped_from_the_data() {
    let site = SiteTest::from_fixture("minimaal");
    let text = replace(
        offer("Opvoed\u{200b}spreekuur"),
        "themas",
        "themas: [opvoeden\u{200b}]",
    );
    site.write("content/aanbod/geplakt.md", text + "---\n");
    site.build_ok();
    let page = site.page("/aanbod/geplakt/");
    assert!(page.contains("<h1>Opvoedspreekuur</h1>"), "{page}");
    assert!(!page.contains('\u{200b}'));
    assert!(site.page("/themas/opvoeden/").contains("/aanbod/geplakt/"));
}

#[test]
fn warnings_do_not_fail_the_build_unless_strict() {
    let site = SiteTest::from_fixture("minimaal");
    let stale = replace(
        offer("Oud"),
        "laatst_gecontroleerd",
        "laatst_gecontroleerd: 2024-01-01",
    );
    let stale = replace(stale, "aanmelden", "data:\n  - start: 2025-01-01");
    site.write("content/aanbod/oud.md", stale + "---\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.diagnostics();
    assert!(warnings.iter().any(|w| w.starts_with("content/aanbod/oud.md:9:23: waarschuwing: [laatst_gecontroleerd] Dit item is 1057 dagen niet gecontroleerd")), "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("[data] Alle data van dit aanbod zijn voorbij.")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("[aanmelden] Ouders zien niet hoe ze zich kunnen aanmelden")),
        "{warnings:?}"
    );
    let strict = site.run(&["build", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}

#[test]
fn a_list_naming_something_twice_is_a_warning_at_the_second() {
    let site = SiteTest::from_fixture("minimaal");
    let twice = replace(
        offer("Twee keer"),
        "themas",
        "themas: [opvoeden, scheiding, opvoeden]",
    );
    site.write("content/aanbod/twee-keer.md", twice + "---\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.diagnostics();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "content/aanbod/twee-keer.md:5:31: waarschuwing: [themas[2]] 'opvoeden' staat twee keer in deze lijst."
        )),
        "{warnings:?}"
    );
    assert_eq!(site.run(&["build", "--strict"]).code, 1);
}
