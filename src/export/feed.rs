//! `/feed.xml`: an Atom feed of new and changed offers, newest first by
//! `laatst_gecontroleerd`. Its `updated` is the newest entry's date, not the
//! build time, so an unchanged site gives a byte-identical feed.

use atom_syndication::{Category, Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, TimeZone, Utc};

use crate::model::{Site, offer_url};
use crate::render::{Sink, markdown_to_html};

/// How many offers the feed holds at most.
pub const FEED_SIZE: usize = 100;

fn midnight(date: NaiveDate) -> FixedDateTime {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .fixed_offset()
}

pub fn feed(site: &Site) -> Feed {
    let c = &site.config;
    let mut offers: Vec<_> = site.aanbod.iter().collect();
    offers.sort_by(|a, b| {
        b.laatst_gecontroleerd
            .cmp(&a.laatst_gecontroleerd)
            .then_with(|| a.source.slug.cmp(&b.source.slug))
    });
    offers.truncate(FEED_SIZE);
    let entries: Vec<Entry> = offers
        .iter()
        .map(|a| {
            let url = c.absolute_url(&offer_url(&a.source.slug));
            let authors = a
                .aanbieder
                .iter()
                .filter_map(|slug| site.aanbieder(slug))
                .map(|p| Person {
                    name: p.naam.clone(),
                    ..Default::default()
                })
                .collect();
            let categories = a
                .themas
                .iter()
                .filter_map(|id| c.thema(id))
                .map(|t| Category {
                    term: t.id.clone(),
                    scheme: Some(c.absolute_url("/themas/")),
                    label: Some(t.naam.clone()),
                })
                .collect();
            Entry {
                title: Text::plain(a.titel.clone()),
                id: url.clone(),
                updated: midnight(a.laatst_gecontroleerd),
                authors,
                categories,
                links: vec![Link {
                    href: url,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                summary: Some(Text::plain(a.samenvatting.clone())),
                content: Some(Content {
                    value: Some(markdown_to_html(&a.source.body)),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let publisher = c
        .organisatie
        .as_ref()
        .map_or_else(|| c.titel.clone(), |o| o.naam.clone());
    Feed {
        title: Text::plain(format!("{}: nieuw en gewijzigd aanbod", c.titel)),
        id: c.absolute_url("/feed.xml"),
        updated: offers.first().map_or_else(
            || midnight(site.today),
            |a| midnight(a.laatst_gecontroleerd),
        ),
        authors: vec![Person {
            name: publisher,
            uri: c.organisatie.as_ref().and_then(|o| o.website.clone()),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: c.absolute_url("/feed.xml"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            Link {
                href: c.absolute_url("/"),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        subtitle: c.omschrijving.clone().map(Text::plain),
        lang: Some(c.taal.clone()),
        entries,
        ..Default::default()
    }
}

pub fn write(site: &Site, sink: &dyn Sink) -> anyhow::Result<()> {
    let bytes = feed(site)
        .write_to(Vec::new())
        .expect("writing a feed to memory");
    sink.put("feed.xml".into(), bytes)
}
