//! iCalendar files of dated runs: `/agenda.ics` with every run of every
//! offer, and `/aanbod/<slug>/agenda.ics` for each offer that has runs.
//! Runs are all-day events (a run has dates, not times); a registration
//! deadline is an event of its own. UIDs are built from the slug and the
//! start date, and DTSTAMP from `laatst_gecontroleerd`, so the files only
//! change when the content does.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::model::{Aanbod, Site, offer_url};
use crate::render::{Sink, dutch_date};

fn calendar(name: &str, description: Option<&str>) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("PRODID", "-//sociale-kaart//agenda//NL"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", "PUBLISH"));
    calendar.name(name);
    if let Some(description) = description {
        calendar.description(description);
    }
    calendar
}

fn host(site: &Site) -> String {
    url::Url::parse(&site.config.basis_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "sociale-kaart".into())
}

/// The events of one offer's runs, in date order.
pub fn events(site: &Site, a: &Aanbod) -> Vec<Event> {
    let c = &site.config;
    let host = host(site);
    let url = c.absolute_url(&offer_url(&a.source.slug));
    let stamp = Utc.from_utc_datetime(
        &a.laatst_gecontroleerd
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists"),
    );
    let location = match a.locaties.as_slice() {
        [one] => Some(
            [
                Some(one.naam.as_str()),
                one.straat.as_deref(),
                one.plaats.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        ),
        _ => None,
    };
    let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut events = Vec::new();
    for run in &a.data {
        let n = seen.entry(run.start).or_default();
        *n += 1;
        let uid = format!(
            "{}-{}{}@{host}",
            a.source.slug,
            run.start,
            if *n > 1 {
                format!("-{n}")
            } else {
                String::new()
            }
        );
        let mut description = Vec::new();
        if let Some(o) = &run.omschrijving {
            description.push(o.clone());
        }
        description.push(a.samenvatting.clone());
        if let Some(d) = run.aanmelden_voor {
            description.push(format!("Aanmelden vóór {}.", dutch_date(d)));
        }
        description.push(url.clone());
        let mut event = Event::new();
        event
            .uid(&uid)
            .timestamp(stamp)
            .summary(&a.titel)
            .description(&description.join("\n\n"))
            .url(&url)
            .starts(run.start)
            .ends(run.last_day() + Days::new(1));
        if let Some(location) = &location {
            event.location(location);
        }
        events.push(event.done());
        if let Some(deadline) = run.aanmelden_voor {
            let mut event = Event::new();
            event
                .uid(&uid.replacen('@', "-aanmelden@", 1))
                .timestamp(stamp)
                .summary(&format!("Laatste dag aanmelden: {}", a.titel))
                .description(&format!(
                    "Aanmelden voor {} die begint op {}.\n\n{url}",
                    a.titel,
                    dutch_date(run.start)
                ))
                .url(&url)
                .all_day(deadline);
            events.push(event.done());
        }
    }
    events
}

pub fn write(site: &Site, sink: &dyn Sink) -> anyhow::Result<()> {
    let mut all = calendar(
        &format!("{}: agenda", site.config.titel),
        site.config.omschrijving.as_deref(),
    );
    for a in site.aanbod.iter().filter(|a| !a.data.is_empty()) {
        let mut own = calendar(&a.titel, Some(&a.samenvatting));
        for event in events(site, a) {
            own.push(event.clone());
            all.push(event);
        }
        sink.put(
            format!("aanbod/{}/agenda.ics", a.source.slug),
            own.to_string().into_bytes(),
        )?;
    }
    sink.put("agenda.ics".into(), all.to_string().into_bytes())
}
