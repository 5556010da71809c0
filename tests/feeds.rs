//! `/feed.xml` (Atom) and the iCalendar agendas, read back with real
//! parsers: atom_syndication and icalendar's parser.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use atom_syndication::Feed;
use chrono::{Days, NaiveDate};
use icalendar::parser::{read_calendar, unfold};
use sociale_kaart::export;
use sociale_kaart::model::Site;
use sociale_kaart::pipeline;
use sociale_kaart::render::Output;

fn example_on(today: NaiveDate) -> (Site, Output) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (site, diagnostics) = pipeline::load_site(&root, today);
    let site =
        site.unwrap_or_else(|| panic!("the example site has errors: {:?}", diagnostics.into_vec()));
    let output = Output::collect(|sink| export::build(&site, sink)).expect("the exports build");
    (site, output)
}

fn example() -> (Site, Output) {
    example_on(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
}

fn text<'a>(output: &'a Output, path: &str) -> &'a str {
    std::str::from_utf8(
        output
            .files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing")),
    )
    .unwrap()
}

/// One VEVENT: its properties by name, and whether DTSTART is a DATE.
struct Event {
    props: BTreeMap<String, String>,
    all_day: bool,
}

impl Event {
    fn prop(&self, name: &str) -> &str {
        self.props
            .get(name)
            .unwrap_or_else(|| panic!("event without {name}"))
    }
}

fn events(calendar: &str) -> Vec<Event> {
    let unfolded = unfold(calendar);
    let calendar = read_calendar(&unfolded).expect("a valid iCalendar file");
    calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| Event {
            props: c
                .properties
                .iter()
                .map(|p| (p.name.as_str().to_string(), p.val.as_str().to_string()))
                .collect(),
            all_day: c.find_prop("DTSTART").is_some_and(|p| {
                p.params.iter().any(|param| {
                    param.key.as_str() == "VALUE"
                        && param.val.as_ref().map(|v| v.as_str()) == Some("DATE")
                })
            }),
        })
        .collect()
}

#[test]
fn the_feed_lists_offers_newest_first() {
    let (site, output) = example();
    let feed: Feed = text(&output, "feed.xml")
        .parse()
        .expect("a valid Atom feed");
    assert_eq!(feed.id, "https://sociale-kaart.example.org/feed.xml");
    let newest = site
        .aanbod
        .iter()
        .map(|a| a.laatst_gecontroleerd)
        .max()
        .unwrap();
    assert_eq!(
        feed.updated.date_naive(),
        newest,
        "updated is the newest entry, not the build time"
    );
    assert_eq!(
        feed.entries.len(),
        site.aanbod.len().min(export::feed::FEED_SIZE)
    );
    let dates: Vec<NaiveDate> = feed
        .entries
        .iter()
        .map(|e| e.updated.date_naive())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "entries are not newest first: {dates:?}"
    );
    for entry in &feed.entries {
        let slug = entry.id.trim_end_matches('/').rsplit('/').next().unwrap();
        let a = site
            .aanbod
            .iter()
            .find(|a| a.source.slug == slug)
            .unwrap_or_else(|| panic!("{}", entry.id));
        assert_eq!(entry.title.value, a.titel);
        assert_eq!(entry.updated.date_naive(), a.laatst_gecontroleerd);
        assert_eq!(entry.links[0].href, entry.id);
        assert_eq!(entry.summary.as_ref().unwrap().value, a.samenvatting);
        let terms: BTreeSet<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(
            terms,
            a.themas.iter().map(String::as_str).collect::<BTreeSet<_>>()
        );
        assert!(!entry.authors.is_empty(), "{slug} has no author");
    }
}

#[test]
fn the_exports_do_not_depend_on_the_build_day() {
    let (_, first) = example();
    let (_, later) = example_on(NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
    for path in [
        "feed.xml",
        "agenda.ics",
        "data/aanbod.json",
        "data/hsds/services.json",
    ] {
        assert!(
            first.files[path] == later.files[path],
            "{path} changed with the build day"
        );
    }
}

#[test]
fn the_agenda_has_every_run_as_an_all_day_event() {
    let (site, output) = example();
    let all = events(text(&output, "agenda.ics"));
    let runs: usize = site.aanbod.iter().map(|a| a.data.len()).sum();
    let deadlines: usize = site
        .aanbod
        .iter()
        .flat_map(|a| &a.data)
        .filter(|d| d.aanmelden_voor.is_some())
        .count();
    assert!(runs > 0, "the example site has no dated runs");
    assert_eq!(all.len(), runs + deadlines);
    let uids: BTreeSet<&str> = all.iter().map(|e| e.prop("UID")).collect();
    assert_eq!(uids.len(), all.len(), "UIDs are not unique");
    for a in site.aanbod.iter().filter(|a| !a.data.is_empty()) {
        let own = events(text(
            &output,
            &format!("aanbod/{}/agenda.ics", a.source.slug),
        ));
        for run in &a.data {
            let uid = format!("{}-{}@sociale-kaart.example.org", a.source.slug, run.start);
            let event = own
                .iter()
                .find(|e| e.prop("UID") == uid)
                .unwrap_or_else(|| panic!("no event {uid}"));
            assert!(event.all_day, "{uid} is not all-day");
            assert_eq!(
                event.prop("DTSTART"),
                run.start.format("%Y%m%d").to_string()
            );
            assert_eq!(
                event.prop("DTEND"),
                (run.last_day() + Days::new(1)).format("%Y%m%d").to_string()
            );
            assert_eq!(event.prop("SUMMARY"), a.titel);
            assert_eq!(
                event.prop("DTSTAMP"),
                a.laatst_gecontroleerd.format("%Y%m%dT000000Z").to_string()
            );
            assert!(
                all.iter().any(|e| e.prop("UID") == uid),
                "{uid} is missing from /agenda.ics"
            );
            if let Some(deadline) = run.aanmelden_voor {
                let event = own
                    .iter()
                    .find(|e| e.prop("UID") == uid.replacen('@', "-aanmelden@", 1))
                    .unwrap();
                assert_eq!(event.prop("DTSTART"), deadline.format("%Y%m%d").to_string());
            }
        }
    }
    for a in site.aanbod.iter().filter(|a| a.data.is_empty()) {
        assert!(
            !output
                .files
                .contains_key(&format!("aanbod/{}/agenda.ics", a.source.slug))
        );
    }
}
