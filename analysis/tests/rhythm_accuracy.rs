//! Rhythm accuracy on aidj-synth tracks with known tempo, beats, downbeats and swing,
//! through the whole analyser (resampler, STFT, onset accumulator, summary).
//!
//! Run with `--nocapture` to see the measured values.

use aidj_analysis::features::rhythm::Rhythm;
use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::{demo_library, render, tempo_test_set, Groove, TrackSpec};

fn analyse(spec: &TrackSpec) -> Rhythm {
    let audio = render(spec);
    let mut a = Analyzer::new(audio.sample_rate, 2, AnalysisConfig::default()).expect("analyser");
    // Blocks of 4096 frames, as a decoder would deliver.
    let (l, r) = (&audio.channels[0], &audio.channels[1]);
    for (cl, cr) in l.chunks(4096).zip(r.chunks(4096)) {
        a.push(&[cl, cr]);
    }
    a.finish().0.rhythm
}

/// Largest distance from each truth time to the nearest reported time, over the truths
/// within the reported span (a tracker may leave out a silent first/last beat).
fn worst_match(truth: &[f64], got: &[f64]) -> f64 {
    truth
        .iter()
        .map(|t| {
            got.iter()
                .map(|g| (g - t).abs())
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

fn tempo_ok(spec: &TrackSpec, r: &Rhythm) -> bool {
    r.tempo_bpm_global
        .is_some_and(|t| (t / spec.bpm - 1.0).abs() < 0.01)
}

#[test]
fn tempo_within_one_percent_on_the_tempo_test_set() {
    let mut failures = Vec::new();
    for spec in tempo_test_set() {
        let r = analyse(&spec);
        let t = r.tempo_bpm_global.unwrap_or(f64::NAN);
        println!(
            "{:<36} truth {:>6.1}  got {:>8.3}  conf {:.2}  swing {:?}  cands {:?}",
            spec.title,
            spec.bpm,
            t,
            r.tempo_confidence.unwrap_or(f64::NAN),
            r.swing_analysis
                .swing_ratio
                .map(|s| (s * 100.0).round() / 100.0),
            r.tempo_candidates
                .iter()
                .map(|c| format!(
                    "{}:{:.1}/{:.2}",
                    c.relation,
                    c.bpm.unwrap_or(f64::NAN),
                    c.score.unwrap_or(f64::NAN)
                ))
                .collect::<Vec<_>>()
        );
        if !tempo_ok(&spec, &r) {
            failures.push(format!("{}: {} BPM, got {t:.3}", spec.title, spec.bpm));
        }
    }
    assert!(failures.is_empty(), "tempo failures: {failures:#?}");
}

#[test]
fn beats_and_downbeats_match_the_truth_on_four_on_the_floor() {
    let specs: Vec<TrackSpec> = tempo_test_set()
        .into_iter()
        .chain(demo_library())
        .filter(|s| s.groove == Groove::FourOnTheFloor)
        .collect();
    assert!(specs.len() >= 3);
    check_downbeats(&specs);
}

#[test]
fn beats_and_downbeats_match_the_truth_on_other_grooves() {
    let specs: Vec<TrackSpec> = tempo_test_set()
        .into_iter()
        .chain(demo_library())
        .filter(|s| s.groove != Groove::FourOnTheFloor)
        .collect();
    check_downbeats(&specs);
}

fn check_downbeats(specs: &[TrackSpec]) {
    let mut failures = Vec::new();
    for spec in specs {
        let r = analyse(spec);
        let beats = spec.beat_times();
        let downs = spec.downbeat_times();
        // Every reported downbeat is a true downbeat, and all but the first/last bar are found.
        let wrong = worst_match(&r.downbeat_times, &downs);
        let missed = worst_match(&downs[1..downs.len() - 1], &r.downbeat_times);
        let beat_err = worst_match(&r.beat_times, &beats);
        let mean_beat_offset = r
            .beat_times
            .iter()
            .map(|g| {
                let t = beats
                    .iter()
                    .copied()
                    .min_by(|a, b| (a - g).abs().total_cmp(&(b - g).abs()))
                    .unwrap_or(0.0);
                g - t
            })
            .sum::<f64>()
            / r.beat_times.len().max(1) as f64;
        println!(
            "{:<36} beats {} (truth {}) worst beat {:.1} ms mean offset {:+.1} ms | downbeats {} (truth {}) wrong {:.1} ms missed {:.1} ms | mix in {:?} out {:?} | 16-bar {:?}",
            spec.title,
            r.beat_times.len(),
            beats.len(),
            beat_err * 1000.0,
            mean_beat_offset * 1000.0,
            r.downbeat_times.len(),
            downs.len(),
            wrong * 1000.0,
            missed * 1000.0,
            r.mix_in_secs,
            r.mix_out_secs,
            r.phrases.sixteen_bar,
        );
        // Phrases: every 8-bar phrase start is a section start of the arrangement; the
        // mix-in is the first one; the mix-out is a later downbeat.
        let sections = spec.phrase_starts_secs();
        let phrase_err = worst_match(&r.phrases.eight_bar, &sections);
        let mix_in_ok = r
            .mix_in_secs
            .is_some_and(|t| (t - sections[0]).abs() < 0.05);
        let mix_out_ok = spec.bars < 16
            || r.mix_out_secs.is_some_and(|t| {
                t > r.mix_in_secs.unwrap_or(f64::INFINITY) && worst_match(&[t], &downs) < 0.05
            });
        if !(wrong < 0.05 && missed < 0.05 && beat_err < 0.05) {
            failures.push(format!("{}: beats/downbeats", spec.title));
        }
        if !(phrase_err < 0.05 && mix_in_ok && mix_out_ok) {
            failures.push(format!(
                "{}: phrases {:?} (truth {sections:?}), mix in {:?} out {:?}",
                spec.title, r.phrases.eight_bar, r.mix_in_secs, r.mix_out_secs
            ));
        }
    }
    assert!(failures.is_empty(), "downbeat failures: {failures:?}");
}

#[test]
fn swing_ratio_on_swung_tracks() {
    let mut failures = Vec::new();
    let swung: Vec<TrackSpec> = tempo_test_set()
        .into_iter()
        .chain(demo_library())
        .filter(|s| s.swing != 1.0)
        .collect();
    assert!(swung.len() >= 2);
    for spec in swung {
        let r = analyse(&spec);
        let s = r.swing_analysis.swing_ratio.unwrap_or(f64::NAN);
        println!(
            "{:<36} swing truth {:.2} got {s:.3} (subdivision {:?}, micro-timing {:?} ms)",
            spec.title,
            spec.swing,
            r.swing_analysis.swing_subdivision,
            r.swing_analysis.micro_timing_ms
        );
        // NaN (no ratio) fails too.
        let ok = (s - spec.swing).abs() <= 0.15;
        if !ok {
            failures.push(format!("{}: {} got {s:.3}", spec.title, spec.swing));
        }
    }
    assert!(failures.is_empty(), "swing failures: {failures:#?}");
}
