//! Chord, modulation and tension sanity on aidj-synth tracks whose bar-by-bar harmony is
//! known (`arrangement::bar_plans`).

use aidj_analysis::features::tonal::{analyze, ChromaAccumulator, Tonal, TonalConfig};
use aidj_analysis::key::Key;
use aidj_analysis::stft::Stft;
use aidj_synth::arrangement::{bar_plans, Quality};
use aidj_synth::{key_test_set, render, TrackSpec};

/// The spec rendered at 22.05 kHz, mono.
fn mono_of(spec: &TrackSpec) -> Vec<f32> {
    let audio = render(&spec.clone().with_sample_rate(22_050));
    let (l, r) = (&audio.channels[0], &audio.channels[1]);
    l.iter().zip(r).map(|(a, b)| 0.5 * (a + b)).collect()
}

/// Runs only the tonal STFT and accumulator, as the analyser drives them.
fn tonal_of(spec: &TrackSpec, beats: &[f64]) -> Tonal {
    let mono = mono_of(spec);
    let mut stft = Stft::new(8192, 2048, 22_050);
    let mut acc = ChromaAccumulator::new(stft.bins(), stft.bin_hz(), stft.frame_rate());
    stft.push(&mono, |f| acc.push(f));
    stft.finish(|f| acc.push(f));
    analyze(&acc, beats, &TonalConfig::default())
}

fn chord_name(root: u8, q: Quality) -> String {
    Key::new(root, q == Quality::Minor).short_name()
}

/// Fraction of bars whose middle half is labelled with the bar's chord.
fn chord_accuracy(spec: &TrackSpec, t: &Tonal) -> f64 {
    let plans = bar_plans(spec);
    let downbeats = spec.downbeat_times();
    let bar = spec.bar_secs();
    let mut hits = 0.0;
    for (p, &d) in plans.iter().zip(&downbeats) {
        let want = chord_name(p.chord.root, p.chord.quality);
        let (a, b) = (d + 0.25 * bar, d + 0.75 * bar);
        let covered: f64 = t
            .chords
            .segments
            .iter()
            .filter(|s| s.chord == want)
            .map(|s| (s.end.min(b) - s.start.max(a)).max(0.0))
            .sum();
        hits += covered / (b - a);
    }
    hits / plans.len() as f64
}

#[test]
fn tonal_chords_follow_the_bars_with_and_without_beats() {
    let specs = key_test_set();
    let mut accs = Vec::new();
    for i in [0usize, 5, 9, 14, 19, 22] {
        let spec = &specs[i];
        let beats = spec.beat_times();
        let with = tonal_of(spec, &beats);
        let without = tonal_of(spec, &[]);
        assert!(with.chords.beat_synchronous);
        assert!(!without.chords.beat_synchronous);
        let (a, b) = (chord_accuracy(spec, &with), chord_accuracy(spec, &without));
        println!(
            "{:<10} chords beat-sync {:.2}, 0.5 s {:.2}; histogram {:?}",
            spec.key_name(),
            a,
            b,
            with.chords.histogram
        );
        accs.push((a, b));
        // Segments tile the track in order.
        for w in with.chords.segments.windows(2) {
            assert!((w[0].end - w[1].start).abs() < 1e-9 && w[0].chord != w[1].chord);
        }
        let total: f64 = with.chords.histogram.values().sum();
        assert!((total - 1.0).abs() < 1e-6);
        // One key throughout: the modulation track is a single segment in the key.
        assert_eq!(with.modulation.segments.len(), 1, "{:?}", with.modulation);
        assert_eq!(with.modulation.segments[0].key, spec.key_name());
        assert_eq!(with.modulation.key_stability, Some(1.0));
        // Tension: finite, non-negative, a curve.
        let ts = &with.tonal_tension.stats;
        assert!(ts.mean.is_some_and(|m| m > 0.0 && m < 1.0), "{ts:?}");
        assert!(!with.tonal_tension.curve.values.is_empty());
        assert_eq!(with.tonnetz_mean.len(), 6);
        assert_eq!(with.chroma_mean.len(), 12);
        let d = with.dissonance_index.expect("dissonance");
        assert!((0.0..=1.0).contains(&d));
    }
    let mean_a = accs.iter().map(|x| x.0).sum::<f64>() / accs.len() as f64;
    let mean_b = accs.iter().map(|x| x.1).sum::<f64>() / accs.len() as f64;
    println!("mean chord accuracy: beat-sync {mean_a:.2}, fixed steps {mean_b:.2}");
    assert!(
        mean_a >= 0.85,
        "beat-synchronous chord accuracy {mean_a:.2}"
    );
    assert!(mean_b >= 0.8, "fixed-step chord accuracy {mean_b:.2}");
}

#[test]
fn tonal_modulation_is_found_across_two_keys() {
    // Two tracks of the set back to back: C major then A major (a modulation up a minor
    // third, not a neighbour on the wheel).
    let specs = key_test_set();
    let (a, b) = (
        specs[0].clone().with_bars(24),
        specs[18].clone().with_bars(24),
    );
    let mut mono = mono_of(&a);
    let switch = mono.len() as f64 / 22_050.0;
    mono.extend(mono_of(&b));
    let mut stft = Stft::new(8192, 2048, 22_050);
    let mut acc = ChromaAccumulator::new(stft.bins(), stft.bin_hz(), stft.frame_rate());
    stft.push(&mono, |f| acc.push(f));
    stft.finish(|f| acc.push(f));
    let t = analyze(&acc, &[], &TonalConfig::default());
    println!("{:?}", t.modulation);
    let segs = &t.modulation.segments;
    assert_eq!(segs.len(), 2, "{segs:?}");
    assert_eq!(segs[0].key, "C major");
    assert_eq!(segs[1].key, "A major");
    assert_eq!(t.modulation.change_times.len(), 1);
    let change = t.modulation.change_times[0];
    assert!(
        (change - switch).abs() < 8.0,
        "change at {change}, switch at {switch}"
    );
    assert!(t.modulation.key_stability.is_some_and(|s| s < 0.8));
}
