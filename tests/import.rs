//! `sociale-kaart import`: spreadsheets (CSV and XLSX) with good and bad
//! rows become validated content files, or a report by row and column.

use crate::common;

use crate::common::{SiteTest, snapshot};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn import_site() -> SiteTest {
    SiteTest::from_fixture("import")
}

fn content(test: &SiteTest) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(&test.path().join("content"))
}

#[test]
fn a_good_csv_becomes_one_valid_file_per_row() {
    let test = import_site();
    let run = test.run(&["import", "bestanden/aanbod.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2 bestanden geschreven in content/aanbod/."),
        "{}",
        run.stderr
    );
    assert_eq!(
        test.read("content/aanbod/opvoedspreekuur.md"),
        "---
titel: Opvoedspreekuur
aanbieder:
- welzijn
samenvatting: Een gratis gesprek over opvoeden.
themas:
- opvoeden
doelgroep:
- ouders
gemeenten:
- dinkelland
toegang: vrij
laatst_gecontroleerd: 2026-10-01
leeftijd:
  van: 0
  tot: 12
kernen:
- denekamp
kosten: gratis
aanmelden:
  telefoon: 0541 000 101
  tekst: Bel voor een afspraak.
data:
- start: 2027-01-11
  omschrijving: Maandagochtend
- start: 2027-02-08
  omschrijving: Maandagochtend in de vakantie
trefwoorden:
- opvoedvragen
- grenzen stellen
---
## Wat is het?

Een gesprek over opvoeden.
"
    );
    let zwemmen = test.read("content/aanbod/zwemmen-voor-kinderen-met-een-beperking.md");
    assert!(
        zwemmen.contains("doelgroep:\n- kinderen\n- ouders\n"),
        "{zwemmen}"
    );
    assert!(
        zwemmen.contains("gemeenten:\n- dinkelland\n- tubbergen\n"),
        "{zwemmen}"
    );

    let build = test.run(&["build", "--strict"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = test.page("/aanbod/opvoedspreekuur/");
    assert!(page.contains("Een gesprek over opvoeden."));
}

#[test]
fn a_dry_run_shows_the_files_and_writes_nothing() {
    let test = import_site();
    let before = content(&test);
    let run = test.run(&["import", "bestanden/aanbod.csv", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("==> content/aanbod/opvoedspreekuur.md (rij 2, nieuw)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("titel: Zwemmen voor kinderen met een beperking"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("Proefdraai: 2 bestanden zouden worden geschreven"),
        "{}",
        run.stderr
    );
    assert_eq!(content(&test), before);
}

#[test]
fn bad_rows_are_reported_by_row_and_column_and_nothing_is_written() {
    let test = import_site();
    let before = content(&test);
    let run = test.run(&["import", "bestanden/aanbod-fout.csv"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let file = "bestanden/aanbod-fout.csv";
    let expected = [
        "rij 3, kolom 'themas': fout: 'sporten' is geen bekend thema. Tip: Bedoel je 'sport'?",
        "rij 4, kolom 'aanbieder': fout: 'welzijnswerk' is geen bekende aanbieder.",
        "rij 4, kolom 'aanmelden_telefoon': fout: '12345' is geen geldig Nederlands telefoonnummer.",
        "rij 4, kolom 'laatst_gecontroleerd': fout: '01-10-2026' is geen geldige datum. Tip: Schrijf het jaar vooraan: 2026-10-01.",
        "rij 5, kolom 'titel': fout: Deze rij heeft geen 'titel'",
        "rij 6, kolom 'bestandsnaam': fout: Rij 2 krijgt dezelfde bestandsnaam: content/aanbod/spreekuur.md.",
        "rij 7, kolom 'leeftijd_van': fout: 'van' (14) is groter dan 'tot' (12).",
    ];
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with(file)).collect();
    assert_eq!(lines.len(), expected.len(), "{}", run.stderr);
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(&format!("{file}: {want}")),
            "expected {want}\n got {line}"
        );
    }
    assert!(
        run.stderr
            .contains("7 fouten in bestanden/aanbod-fout.csv: er is niets geschreven."),
        "{}",
        run.stderr
    );
    assert_eq!(content(&test), before);
}

#[test]
fn existing_files_are_kept_unless_overwrite() {
    let test = import_site();
    assert_eq!(test.run(&["import", "bestanden/aanbod.csv"]).code, 0);
    test.write(
        "content/aanbod/opvoedspreekuur.md",
        test.read("content/aanbod/opvoedspreekuur.md")
            .replace("Opvoedspreekuur", "Aangepast"),
    );
    let edited = content(&test);

    let run = test.run(&["import", "bestanden/aanbod.csv"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "rij 2: fout: content/aanbod/opvoedspreekuur.md bestaat al en wordt niet overschreven."
        ),
        "{}",
        run.stderr
    );
    assert_eq!(content(&test), edited);

    let run = test.run(&["import", "bestanden/aanbod.csv", "--overwrite", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("(rij 2, vervangt het bestaande bestand)"),
        "{}",
        run.stdout
    );
    assert_eq!(content(&test), edited);

    let run = test.run(&["import", "bestanden/aanbod.csv", "--overwrite"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        test.read("content/aanbod/opvoedspreekuur.md")
            .contains("titel: Opvoedspreekuur")
    );
}

#[test]
fn unknown_columns_are_named_with_the_nearest_known_one() {
    let test = import_site();
    test.write(
        "bestanden/kolom.csv",
        "titel,thema,samenvating\nA,opvoeden,B\n",
    );
    let run = test.run(&["import", "bestanden/kolom.csv"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("bestanden/kolom.csv: rij 1, kolom 'thema': fout: Deze kolom is onbekend. Tip: Bedoel je 'themas'?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "kolom 'samenvating': fout: Deze kolom is onbekend. Tip: Bedoel je 'samenvatting'?"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn providers_are_imported_and_then_usable_by_offers() {
    let test = import_site();
    let run = test.run(&["import", "bestanden/aanbieders.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let provider = test.read("content/aanbieders/sportclub-denekamp.md");
    assert!(
        provider.contains(
            "contactpersonen:\n- naam: Trainer jeugd\n  rol: trainer\n  email: jeugd@sportclub.example.org\n- naam: Secretaris\n  rol: secretaris\n"
        ),
        "{provider}"
    );
    test.write(
        "bestanden/sport.csv",
        "titel,aanbieder,samenvatting,themas,doelgroep,gemeenten,toegang,laatst_gecontroleerd,aanmelden_email\n\
         Voetbal voor iedereen,sportclub-denekamp,Voetballen in een team.,sport,kinderen,dinkelland,vrij,2026-10-01,jeugd@sportclub.example.org\n",
    );
    let run = test.run(&["import", "bestanden/sport.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(test.run(&["build", "--strict"]).code, 0);
}

/// An Excel file as an editor would keep it: real date cells, numbers as
/// numbers, a phone number that Excel stored as a number, and a bad row.
fn write_xlsx(path: &std::path::Path, with_bad_row: bool) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("aanbod").unwrap();
    let headers = [
        "Titel",
        "Aanbieder",
        "Samenvatting",
        "Thema's",
        "Doelgroep",
        "Gemeenten",
        "Toegang",
        "Laatst gecontroleerd",
        "Leeftijd van",
        "Leeftijd tot",
        "Kosten bedrag",
        "Kosten per",
        "Contact telefoon",
        "Tekst",
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let checked = ExcelDateTime::from_ymd(2026, 10, 1).unwrap();
    let good: [&str; 7] = [
        "Weerbaarheidstraining",
        "welzijn",
        "Leren voor jezelf op te komen.",
        "sport; opvoeden",
        "kinderen",
        "tubbergen",
        "vrij",
    ];
    let bad: [&str; 7] = [
        "Kookclub",
        "welzijn",
        "Samen koken.",
        "sport",
        "kinderen",
        "losser",
        "vrij",
    ];
    let rows = if with_bad_row {
        vec![(1u32, good), (2, bad)]
    } else {
        vec![(1u32, good)]
    };
    for (row, cells) in rows {
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string(row, col as u16, *text).unwrap();
        }
        sheet
            .write_datetime_with_format(row, 7, &checked, &date)
            .unwrap();
        sheet.write_number(row, 8, 8).unwrap();
        sheet.write_number(row, 9, 12).unwrap();
    }
    sheet.write_number(1, 10, 12.5).unwrap();
    sheet.write_string(1, 11, "training").unwrap();
    sheet.write_number(1, 12, 546000123).unwrap();
    sheet
        .write_string(1, 13, "Acht middagen.\nMet een certificaat.")
        .unwrap();
    workbook.save(path).unwrap();
}

#[test]
fn an_xlsx_with_good_and_bad_rows() {
    let test = import_site();
    write_xlsx(&test.path().join("bestanden/aanbod.xlsx"), true);
    let before = content(&test);
    let run = test.run(&["import", "bestanden/aanbod.xlsx"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("bestanden/aanbod.xlsx: rij 2, kolom 'Contact telefoon': waarschuwing: Het telefoonnummer stond als getal in de cel; de 0 vooraan is teruggezet: 0546000123."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bestanden/aanbod.xlsx: rij 3, kolom 'Gemeenten': fout: 'losser' is geen bekende gemeente."),
        "{}",
        run.stderr
    );
    assert_eq!(content(&test), before);

    // Without the bad row everything is written, dates and numbers intact.
    write_xlsx(&test.path().join("bestanden/aanbod.xlsx"), false);
    let run = test.run(&["import", "bestanden/aanbod.xlsx", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("laatst_gecontroleerd: 2026-10-01\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("kosten:\n  bedrag: 12.5\n  per: training\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("leeftijd:\n  van: 8\n  tot: 12\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("themas:\n- sport\n- opvoeden\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("---\nAcht middagen.\nMet een certificaat.\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn templates_hold_every_column_and_import_back() {
    let test = import_site();
    let run = test.run(&["import", "--template", "sjabloon.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let columns = sociale_kaart::import::columns(sociale_kaart::load::Kind::Aanbod);
    let rows = sociale_kaart::import::read_rows(&test.path().join("sjabloon.xlsx")).unwrap();
    let header: Vec<String> = rows[0]
        .iter()
        .map(|c| match c {
            sociale_kaart::import::Cell::Text(t) => t.clone(),
            other => panic!("header cell {other:?}"),
        })
        .collect();
    assert_eq!(
        header,
        columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    );
    assert_eq!(rows.len(), 1, "the template is empty");

    // A second run refuses to overwrite it.
    let run = test.run(&["import", "--template", "sjabloon.xlsx"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bestaat al"), "{}", run.stderr);

    // The CSV template, filled in by a spreadsheet program, imports.
    let run = test.run(&[
        "import",
        "--template",
        "sjabloon.csv",
        "--soort",
        "aanbieder",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let template = test.read("sjabloon.csv");
    let header = template
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        header.starts_with("bestandsnaam;naam;soort;samenvatting;laatst_gecontroleerd;telefoon"),
        "{header}"
    );
    let names: Vec<&str> = header.split(';').collect();
    let row: Vec<&str> = names
        .iter()
        .map(|name| match *name {
            "naam" => "Bibliotheek Denekamp",
            "soort" => "bibliotheek",
            "samenvatting" => "Boeken, voorlezen en het Taalhuis.",
            "laatst_gecontroleerd" => "2026-10-01",
            "website" => "https://bibliotheek.example.org",
            _ => "",
        })
        .collect();
    test.write("sjabloon.csv", format!("{template}{}\n", row.join(";")));
    let run = test.run(&["import", "sjabloon.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        test.read("content/aanbieders/bibliotheek-denekamp.md")
            .contains("website: https://bibliotheek.example.org")
    );
}

#[test]
fn files_that_are_not_spreadsheets_are_refused() {
    let test = import_site();
    test.write("bestanden/lijst.pdf", "%PDF");
    let run = test.run(&["import", "bestanden/lijst.pdf"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("geen CSV- of Excel-bestand"),
        "{}",
        run.stderr
    );
    test.write("bestanden/latin1.csv", b"titel\nCaf\xe9\n");
    let run = test.run(&["import", "bestanden/latin1.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("CSV UTF-8"), "{}", run.stderr);
    let run = test.run(&["import", "bestanden/bestaat-niet.csv"]);
    assert_eq!(run.code, 2);
    let run = test.run(&["import"]);
    assert_eq!(run.code, 2, "a source is required");
}

#[test]
fn the_editors_guide_lists_every_column() {
    let guide = std::fs::read_to_string(common::repo().join("docs/import.md")).unwrap();
    for kind in [
        sociale_kaart::load::Kind::Aanbod,
        sociale_kaart::load::Kind::Aanbieder,
    ] {
        let table = sociale_kaart::import::columns_markdown(kind);
        assert!(
            guide.contains(&table),
            "docs/import.md does not hold the current columns of {kind:?}:\n{table}"
        );
    }
}
