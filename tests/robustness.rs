//! Never a panic on any input: every prefix of a real content file, and
//! files with every kind of byte mangled, give diagnostics, not crashes.

use crate::common::SiteTest;
use sociale_kaart::pipeline;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

#[test]
fn every_prefix_of_an_offer_is_handled() {
    let site = SiteTest::from_fixture("minimaal");
    let original = std::fs::read(site.path().join("content/aanbod/opvoedspreekuur.md")).unwrap();
    let path = site.path().join("content/aanbod/opvoedspreekuur.md");
    let mut failures = 0;
    for cut in 0..original.len() {
        std::fs::write(&path, &original[..cut]).unwrap();
        let (result, diagnostics) = pipeline::load_site(site.path(), today());
        if result.is_none() {
            failures += 1;
            assert!(
                diagnostics.has_errors(),
                "a rejected site must say why (cut at {cut})"
            );
            for d in diagnostics.iter() {
                assert!(d.line >= 1 && d.column >= 1, "located: {d}");
            }
        }
    }
    assert!(failures > 0 && failures < original.len());
}

#[test]
fn mangled_bytes_are_handled() {
    let site = SiteTest::from_fixture("minimaal");
    let original =
        std::fs::read(site.path().join("content/aanbod/kinderen-en-scheiding.md")).unwrap();
    let path = site.path().join("content/aanbod/kinderen-en-scheiding.md");
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..400 {
        let mut bytes = original.clone();
        for _ in 0..rng.usize(1..4) {
            let i = rng.usize(..bytes.len());
            bytes[i] = *rng.choice(b"\0\t\r\n :-[]{}\"'#&*!|>%@`\xff\xc3").unwrap();
        }
        std::fs::write(&path, &bytes).unwrap();
        let (_, diagnostics) = pipeline::load_site(site.path(), today());
        for d in diagnostics.iter() {
            assert!(!d.message.is_empty() && d.hint.is_some(), "{d}");
        }
    }
}
