use super::*;
use crate::stft::Stft;

const FR: f64 = 22050.0 / 256.0;

fn empty_acc() -> OnsetAccumulator {
    OnsetAccumulator::new(513, 22050.0 / 1024.0, FR)
}

/// Adds `v` at fractional frame `t` (split between the two neighbouring frames).
fn put(x: &mut [f32], t: f64, v: f32) {
    let i = t.floor() as usize;
    let f = (t - t.floor()) as f32;
    if i + 1 < x.len() {
        x[i] += v * (1.0 - f);
        x[i + 1] += v * f;
    }
}

/// An accumulator filled directly with onset functions: kick on beats 1 and 3 (low),
/// snare on 2 and 4 (mid), 8th hats (high) at `bpm`, for `secs` seconds.
fn synthetic_acc(bpm: f64, secs: f64) -> OnsetAccumulator {
    let n = (secs * FR) as usize;
    let (mut low, mut mid, mut high) = (vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]);
    let p = 60.0 * FR / bpm;
    let mut k = 0;
    loop {
        let t = 5.3 + k as f64 * p;
        if t + p >= n as f64 {
            break;
        }
        if k % 2 == 0 {
            put(&mut low, t, 3.0);
        } else {
            put(&mut mid, t, 3.0);
        }
        put(&mut high, t, 1.0);
        put(&mut high, t + p / 2.0, 1.0);
        k += 1;
    }
    let full: Vec<f32> = (0..n).map(|i| low[i] + mid[i] + high[i]).collect();
    filled(empty_acc(), &full, &low, &mid, &high)
}

/// `acc` with the given full-band and band onset functions (all the same length).
fn filled(
    mut acc: OnsetAccumulator,
    full: &[f32],
    low: &[f32],
    mid: &[f32],
    high: &[f32],
) -> OnsetAccumulator {
    acc.onset.extend_from_slice(full);
    acc.onset_low.extend_from_slice(low);
    acc.onset_mid.extend_from_slice(mid);
    acc.onset_high.extend_from_slice(high);
    acc.band_db
        .extend(full.iter().map(|_| [-20.0; onset::ENERGY_BANDS]));
    acc
}

#[test]
fn known_period_onset_function_gives_exact_tempo() {
    for bpm in [123.45, 97.3, 174.0, 70.0] {
        let r = analyze(&synthetic_acc(bpm, 60.0), &RhythmConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        assert!((t - bpm).abs() < 0.05, "{bpm}: got {t}");
        assert_eq!(r.time_signature.as_deref(), Some("4/4"));
        // Beats every 60/bpm s.
        for w in r.beat_times.windows(2) {
            assert!(((w[1] - w[0]) - 60.0 / bpm).abs() < 0.002);
        }
    }
}

#[test]
fn pinned_range_folds_octaves() {
    let acc = synthetic_acc(174.0, 40.0);
    let cfg = RhythmConfig {
        min_bpm: 70.0,
        max_bpm: 140.0,
        ..RhythmConfig::default()
    };
    let t = analyze(&acc, &cfg).tempo_bpm_global.expect("tempo");
    assert!((t - 87.0).abs() < 0.1, "{t}");
}

#[test]
fn short_silent_and_degenerate_inputs_give_nulls() {
    let cfg = RhythmConfig::default();
    // Empty and one frame.
    let r = analyze(&empty_acc(), &cfg);
    assert_eq!(r.tempo_bpm_global, None);
    let mut one = empty_acc();
    let mags = vec![0.1f32; 513];
    let samples = vec![0.0f32; 1024];
    one.push(&crate::stft::SpectrumFrame {
        index: 0,
        time_secs: 0.0,
        samples: &samples,
        magnitudes: &mags,
        bin_hz: 22050.0 / 1024.0,
        sample_rate: 22050,
    });
    let r = analyze(&one, &cfg);
    assert_eq!(r.tempo_bpm_global, None);
    assert!(r.beat_times.is_empty());
    // One second of a clear beat: too short.
    let r = analyze(&synthetic_acc(120.0, 1.0), &cfg);
    assert_eq!(r.tempo_bpm_global, None);
    assert_eq!(r.onset_rate, None);
    // Ten seconds of digital silence through the real STFT.
    let mut stft = Stft::new(1024, 256, 22050);
    let mut acc = empty_acc();
    stft.push(&vec![0.0f32; 220_500], |f| acc.push(f));
    stft.finish(|f| acc.push(f));
    let r = analyze(&acc, &cfg);
    assert_eq!(r.tempo_bpm_global, None);
    assert!(r.beat_times.is_empty() && r.downbeat_times.is_empty());
    assert_eq!(r.swing_analysis.swing_ratio, None);
    assert!(!r.onset_envelope.values.is_empty() && r.onset_envelope.values.len() <= 512);
}

#[test]
fn report_round_trips_through_json() {
    let r = analyze(&synthetic_acc(128.0, 30.0), &RhythmConfig::default());
    let s = serde_json::to_string(&r).expect("serialise");
    assert!(s.contains("\"tempo_bpm_global\""));
    assert!(s.contains("\"swing_ratio\""));
    let back: Rhythm = serde_json::from_str(&s).expect("parse");
    // serde_json parses floats to within an ulp, not always exactly.
    let (a, b) = (
        back.tempo_bpm_global.expect("t"),
        r.tempo_bpm_global.expect("t"),
    );
    assert!((a - b).abs() < 1e-9);
    assert_eq!(back.beat_times.len(), r.beat_times.len());
    assert_eq!(back.tempo_candidates.len(), r.tempo_candidates.len());
    assert_eq!(back.phrases.sixteen_bar.len(), r.phrases.sixteen_bar.len());
    let empty: Rhythm = serde_json::from_str("{}").expect("defaults");
    assert_eq!(empty, Rhythm::default());
}

/// Drums marking the beat at `bpm` (kick on every beat, snare on 2 and 4, 8th hats) under
/// a louder figure that repeats every 1.5 beats (a dotted-quarter riff), as a full-band
/// onset function hears it.
fn dotted_riff_acc(bpm: f64, secs: f64) -> OnsetAccumulator {
    let n = (secs * FR) as usize;
    let (mut low, mut mid, mut high, mut riff) = (
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
    );
    let p = 60.0 * FR / bpm;
    let mut k = 0;
    while 5.3 + (k + 1) as f64 * p < n as f64 {
        let t = 5.3 + k as f64 * p;
        put(&mut low, t, 1.0);
        if k % 2 == 1 {
            put(&mut mid, t, 1.0);
        }
        put(&mut high, t, 0.5);
        put(&mut high, t + p / 2.0, 0.5);
        if k % 3 == 0 {
            put(&mut riff, t, 4.0);
            put(&mut riff, t + 1.5 * p, 4.0);
        }
        k += 1;
    }
    let full: Vec<f32> = (0..n)
        .map(|i| riff[i] + 0.3 * (low[i] + mid[i] + high[i]))
        .collect();
    filled(empty_acc(), &full, &low, &mid, &high)
}

#[test]
fn drums_on_the_beat_outvote_a_dotted_riff_for_the_metrical_family() {
    // The full band alone repeats every 1.5 beats (2/3 of the tempo); the kick, snare and
    // hats say the beat. The tempo is the beat's, and with the two readings apart the
    // confidence is low.
    for bpm in [128.0, 134.0] {
        let r = analyze(&dotted_riff_acc(bpm, 90.0), &RhythmConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        assert!((t / bpm - 1.0).abs() < 0.01, "{bpm}: got {t}");
        let c = r.tempo_confidence.expect("confidence");
        assert!(c < 0.5, "{bpm}: confidence {c}");
    }
}

#[test]
fn a_tempo_heard_briefly_is_less_sure() {
    // The same groove: 5 s of it against 30 s. Both read the tempo; the short one keeps
    // at most 5/10 of a confidence.
    let cfg = RhythmConfig::default();
    let short = analyze(&synthetic_acc(120.0, 5.0), &cfg);
    let long = analyze(&synthetic_acc(120.0, 30.0), &cfg);
    for r in [&short, &long] {
        let bpm = r.tempo_bpm_global.expect("tempo");
        assert!((bpm - 120.0).abs() < 1.0, "{bpm}");
    }
    let (s, l) = (
        short.tempo_confidence.expect("short"),
        long.tempo_confidence.expect("long"),
    );
    assert!(l > 0.5, "30 s: confidence {l}");
    assert!(
        s <= 5.0 / FULL_CONFIDENCE_SECS + 1e-9,
        "5 s: confidence {s}"
    );
}

/// An autocorrelation (by lag in frames, up to `len`) with bumps of `height` at every
/// multiple of each `(period, height)`.
fn acf_with_grids(grids: &[(f64, f64)], len: usize) -> Vec<f64> {
    (0..len)
        .map(|l| {
            let l = l as f64;
            grids
                .iter()
                .map(|&(p, h)| {
                    let k = (l / p).round().max(1.0);
                    h * (-0.5 * ((l - k * p) / 1.5).powi(2)).exp()
                })
                .fold(0.0, f64::max)
        })
        .collect()
}

#[test]
fn rival_grids_are_unsure() {
    // A beat at 120 BPM alone, then with a 4:3 grid (160 BPM: a dotted-eighth figure)
    // about as periodic: the grid that wins the comb by a hair is not a sure tempo,
    // though its octave is clear.
    let p = 60.0 * FR / 120.0;
    let zeros = vec![0.0; 1000];
    let estimate_of = |grids: &[(f64, f64)]| {
        let r = acf_with_grids(grids, 1000);
        let per = tempo::Periodicity {
            full: &r,
            family: &r,
            low: &zeros,
            alternation: &zeros,
            snare: &zeros,
            frame_rate: FR,
            onset_rate: 4.0,
        };
        tempo::estimate(&per, 60.0, 200.0).expect("tempo")
    };
    let alone = estimate_of(&[(p, 0.8)]);
    assert!((alone.bpm - 120.0).abs() < 1.0, "{}", alone.bpm);
    assert!(alone.confidence > 0.5, "alone: {}", alone.confidence);
    let rivals = estimate_of(&[(p, 0.8), (0.75 * p, 0.78)]);
    assert!(
        rivals.confidence < 0.3,
        "rivals: {} at {}",
        rivals.confidence,
        rivals.bpm
    );
}

#[test]
fn mending_line_searches_near_the_tempo_estimate_too() {
    // Clicks at 120 BPM and a path on them whose fitted period came out 1.5 % long (a
    // wandering path): no steady grid near the fitted period holds the clicks, so only the
    // search near the tempo estimate's period finds the steady grid (not the majority line).
    let period = 60.0 * FR / 120.0;
    let mut x = vec![0.0f32; 6000];
    let clicks: Vec<f64> = (0..)
        .map(|k| 17.0 + period * f64::from(k))
        .take_while(|&t| t < 5990.0)
        .collect();
    for &t in &clicks {
        put(&mut x, t, 1.0);
    }
    let local = beats::local_score(&novelty(&x, 20), period);
    let (grid, steady) = mending_line(&local, &clicks, period, 1.015 * period).expect("a line");
    assert!(steady, "the steady grid, not the majority line");
    assert!(
        (grid.period / period - 1.0).abs() < 0.001,
        "{}",
        grid.period
    );
}
