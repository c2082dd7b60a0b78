//! Key, tuning and chord accuracy on aidj-synth's key test set, through the whole analyser.

use aidj_analysis::features::tonal::Tonal;
use aidj_analysis::key::Key;
use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::{key_test_set, render, TrackSpec};

fn analyse(spec: &TrackSpec) -> Tonal {
    let audio = render(spec);
    let mut a = Analyzer::new(
        audio.sample_rate,
        audio.channels.len(),
        AnalysisConfig::default(),
    )
    .expect("analyser");
    let planes: Vec<&[f32]> = audio.channels.iter().map(|c| &c[..]).collect();
    // Blocks of 4096 frames, as a host or decoder would deliver them.
    let len = planes[0].len();
    let mut i = 0;
    while i < len {
        let j = (i + 4096).min(len);
        let block: Vec<&[f32]> = planes.iter().map(|p| &p[i..j]).collect();
        a.push(&block);
        i = j;
    }
    let (analysis, _warnings, _timings) = a.finish();
    analysis.tonal.harmony
}

#[test]
fn tonal_key_test_set_keys_are_found() {
    let specs = key_test_set();
    assert_eq!(specs.len(), 24);
    let mut hits = 0;
    let mut report = Vec::new();
    let mut confusions = Vec::new();
    let mut margins = Vec::new();
    for spec in &specs {
        let t = analyse(spec);
        let want = Key::new(spec.key_root, spec.minor);
        let got = t.key.as_deref().and_then(Key::parse);
        let ok = got == Some(want);
        let sc = |k: Key| {
            t.key_scores
                .iter()
                .find(|c| c.key.as_deref() == Some(&k.name()))
                .and_then(|c| c.score)
                .unwrap_or(f64::NAN)
        };
        let other = t
            .key_scores
            .iter()
            .filter(|c| c.key.as_deref() != Some(&want.name()))
            .filter_map(|c| c.score)
            .fold(f64::NEG_INFINITY, f64::max);
        margins.push(sc(want) - other);
        hits += usize::from(ok);
        let runner = t.runner_up.as_ref().and_then(|r| r.key.clone());
        report.push(format!(
            "{:<10} {:>3} got {:<10} conf {:.2} runner-up {:<10} tuning {:+.1}",
            want.name(),
            if ok { "ok" } else { "BAD" },
            t.key.clone().unwrap_or_default(),
            t.key_confidence.unwrap_or(f64::NAN),
            runner.clone().unwrap_or_default(),
            t.tuning_offset_cents.unwrap_or(f64::NAN),
        ));
        if !ok {
            confusions.push(format!("{} -> {:?}", want.name(), t.key));
        }
        assert!(runner.is_some(), "{}: no runner-up", want.name());
        assert_ne!(runner, t.key, "{}: runner-up equals the key", want.name());
        assert_eq!(t.key_scores.len(), 24);
        assert_eq!(t.camelot, got.map(|k| k.camelot_code()));
        let c = t.key_confidence.expect("confidence");
        assert!((0.0..=1.0).contains(&c));
        let tuning = t.tuning_offset_cents.expect("tuning");
        let err = ((tuning - spec.tuning_cents + 50.0).rem_euclid(100.0) - 50.0).abs();
        assert!(
            err < 5.0,
            "{}: tuning {tuning}, spec {}",
            want.name(),
            spec.tuning_cents
        );
    }
    println!("{}", report.join("\n"));
    println!("hits {hits}/24; confusions: {confusions:?}");
    let mut sorted = margins.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "margin of the true key: mean {:.3}, worst {:?}",
        margins.iter().sum::<f64>() / 24.0,
        &sorted[..4]
    );
    assert!(hits >= 22, "only {hits}/24 keys right: {confusions:?}");
}

#[test]
fn tonal_tuning_offsets_are_measured() {
    // Four keys of the set, detuned.
    let specs = key_test_set();
    let mut errs = Vec::new();
    for (i, cents) in [(3usize, 30.0), (8, -20.0), (13, 45.0), (18, -40.0)] {
        let spec = specs[i].clone().with_tuning_cents(cents);
        let t = analyse(&spec);
        let got = t.tuning_offset_cents.expect("tuning");
        println!(
            "{} tuned {cents:+}: measured {got:+.2}, key {:?}",
            spec.key_name(),
            t.key
        );
        errs.push((cents, got));
        assert_eq!(
            t.key.as_deref().and_then(Key::parse),
            Some(Key::new(spec.key_root, spec.minor)),
            "detuned {} misread",
            spec.key_name()
        );
    }
    for (want, got) in errs {
        assert!((want - got).abs() < 5.0, "tuning {want}: measured {got}");
    }
}
