//! Musical sanity: a naive chroma + key-profile estimator must find the stated key,
//! the low end must dominate, and rendering must be fast.

use aidj_synth::{demo_library, key_test_set, render, Audio, TrackSpec};
use std::f64::consts::TAU;

/// Krumhansl-Kessler key profiles.
const KK_MAJOR: [f64; 12] = [
    6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88,
];
const KK_MINOR: [f64; 12] = [
    6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17,
];
/// Temperley (Kostka-Payne) profiles.
const TP_MAJOR: [f64; 12] = [
    0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400,
];
const TP_MINOR: [f64; 12] = [
    0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330,
];

fn mono(a: &Audio) -> Vec<f32> {
    let n = a.channels.len() as f32;
    (0..a.frames())
        .map(|i| a.channels.iter().map(|c| c[i]).sum::<f32>() / n)
        .collect()
}

/// Chroma by Goertzel magnitudes of equal-tempered notes MIDI lo..hi on Hann frames.
fn chroma(x: &[f32], sr: u32, tuning_cents: f64, lo: u8, hi: u8) -> [f64; 12] {
    // ~0.19 s frames every ~0.37 s (same resolution at 22.05 or 44.1 kHz).
    let n = (8192 * sr / 44_100) as usize;
    let hop = 2 * n;
    let win: Vec<f64> = (0..n)
        .map(|i| 0.5 - 0.5 * (TAU * i as f64 / n as f64).cos())
        .collect();
    let coefs: Vec<(usize, f64)> = (lo..hi)
        .map(|m| {
            let f = 440.0 * 2f64.powf((f64::from(m) - 69.0) / 12.0 + tuning_cents / 1200.0);
            (usize::from(m % 12), 2.0 * (TAU * f / f64::from(sr)).cos())
        })
        .collect();
    let mut c = [0.0; 12];
    let mut start = 0;
    let mut frame = vec![0.0f64; n];
    while start + n <= x.len() {
        for (k, f) in frame.iter_mut().enumerate() {
            *f = f64::from(x[start + k]) * win[k];
        }
        for &(pc, coef) in &coefs {
            let (mut s1, mut s2) = (0.0, 0.0);
            for &v in &frame {
                let s0 = v + coef * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            let p = s1 * s1 + s2 * s2 - coef * s1 * s2;
            c[pc] += p.max(0.0).sqrt();
        }
        start += hop;
    }
    c
}

fn corr(a: &[f64; 12], b: &[f64; 12], rot: usize) -> f64 {
    let ma = a.iter().sum::<f64>() / 12.0;
    let mb = b.iter().sum::<f64>() / 12.0;
    let (mut num, mut da, mut db) = (0.0, 0.0, 0.0);
    for i in 0..12 {
        let x = a[(i + rot) % 12] - ma;
        let y = b[i] - mb;
        num += x * y;
        da += x * x;
        db += y * y;
    }
    num / (da * db).sqrt()
}

/// (root, minor, best score, runner-up score)
fn estimate(c: &[f64; 12], major: &[f64; 12], minor: &[f64; 12]) -> (u8, bool, f64, f64) {
    let mut scores: Vec<(f64, u8, bool)> = Vec::new();
    for r in 0..12 {
        scores.push((corr(c, major, r), r as u8, false));
        scores.push((corr(c, minor, r), r as u8, true));
    }
    scores.sort_by(|a, b| b.0.total_cmp(&a.0));
    (scores[0].1, scores[0].2, scores[0].0, scores[1].0)
}

fn check_keys(specs: &[TrackSpec]) -> Vec<String> {
    let mut failures = Vec::new();
    for s in specs {
        // 22.05 kHz halves the render time; the key truth does not depend on it.
        let a = render(&s.clone().with_sample_rate(22_050));
        let x = mono(&a);
        // C3..B6 (131 Hz - 2 kHz): the naive Goertzel chroma has too little resolution
        // below ~100 Hz, where kick sweeps and bass fundamentals live.
        let c48 = chroma(&x, a.sample_rate, s.tuning_cents, 48, 96);
        for (name, c, maj, min) in [
            ("KK48", &c48, &KK_MAJOR, &KK_MINOR),
            ("TP48", &c48, &TP_MAJOR, &TP_MINOR),
        ] {
            let (r, m, best, second) = estimate(c, maj, min);
            let line = format!(
                "{:<28} truth {:<9} {name:<9} got {:>2}{} margin {:.3} ({})",
                s.title,
                s.key_name(),
                r,
                if m { "m" } else { "M" },
                best - second,
                aidj_synth::arrangement::progression_name(s)
            );
            println!("{line}");
            if (r, m) != (s.key_root, s.minor) {
                failures.push(line);
            }
        }
    }
    failures
}

#[test]
fn key_test_set_keys_are_unambiguous() {
    let f = check_keys(&key_test_set());
    assert!(f.is_empty(), "wrong keys:\n{}", f.join("\n"));
}

#[test]
fn demo_library_keys_are_unambiguous() {
    let f = check_keys(&demo_library());
    assert!(f.is_empty(), "wrong keys:\n{}", f.join("\n"));
}

#[test]
fn low_end_dominates_and_render_is_fast() {
    let spec =
        TrackSpec::new("Speed", 126.0, 5, true, aidj_synth::Groove::FourOnTheFloor).with_bars(20); // ~38 s
    let t0 = std::time::Instant::now();
    let a = render(&spec);
    let dt = t0.elapsed().as_secs_f64();
    println!("render of {:.1} s took {dt:.3} s", a.duration_secs());
    assert!(dt < 3.0, "render too slow: {dt}");
    // One-pole split at ~150 Hz: low band energy must exceed the high band energy.
    let x = mono(&a);
    let k = 1.0 - (-TAU * 150.0 / 44_100.0).exp();
    let (mut lp, mut el, mut eh) = (0.0f64, 0.0f64, 0.0f64);
    for &v in &x {
        lp += k * (f64::from(v) - lp);
        el += lp * lp;
        eh += (f64::from(v) - lp).powi(2);
    }
    println!("low/high energy ratio {:.2}", el / eh);
    assert!(el > eh);
}

#[test]
fn stems_sum_to_mix() {
    let spec = TrackSpec::new("Stems", 118.0, 4, false, aidj_synth::Groove::Breakbeat).with_bars(4);
    let mix = render(&spec);
    let st = aidj_synth::render_stems(&spec);
    for c in 0..2 {
        for i in 0..mix.frames() {
            let sum = st.drums.channels[c][i]
                + st.bass.channels[c][i]
                + st.pad.channels[c][i]
                + st.lead.channels[c][i];
            assert!((sum - mix.channels[c][i]).abs() < 1e-5);
        }
    }
    assert!(st.pad.peak() > 0.01 && st.lead.peak() > 0.01 && st.bass.peak() > 0.05);
}
