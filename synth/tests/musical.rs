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

/// Prints per-stem chroma (debug aid: `cargo test -p aidj-synth --test musical -- --ignored --nocapture`).
#[test]
#[ignore]
fn debug_chroma_by_stem() {
    for s in key_test_set().iter().take(4) {
        let st = aidj_synth::render_stems(s);
        println!("{} ({})", s.title, s.key_name());
        for (name, a) in [
            ("drums", &st.drums),
            ("bass", &st.bass),
            ("pad", &st.pad),
            ("lead", &st.lead),
        ] {
            let c = chroma(&mono(a), a.sample_rate, 0.0, 48, 96);
            let mx = c.iter().cloned().fold(0.0, f64::max);
            let tot: f64 = c.iter().sum();
            let v: Vec<String> = c.iter().map(|x| format!("{:4.2}", x / mx)).collect();
            println!("  {name:<6} total {tot:10.1}  {}", v.join(" "));
        }
    }
}

/// Naive onset-autocorrelation tempo estimate (debug aid, prints only).
#[test]
#[ignore]
fn debug_naive_tempo() {
    for s in aidj_synth::tempo_test_set()
        .iter()
        .chain(demo_library().iter())
    {
        let a = render(s);
        let x = mono(&a);
        let sr = f64::from(a.sample_rate);
        let hop = 441usize; // 10 ms
        let kl = 1.0 - (-TAU * 150.0 / sr).exp();
        let kh = 1.0 - (-TAU * 4000.0 / sr).exp();
        let (mut lp, mut lp2) = (0.0f64, 0.0f64);
        let mut bands: Vec<[f64; 3]> = Vec::new();
        let mut acc = [0.0f64; 3];
        for (i, &v) in x.iter().enumerate() {
            let v = f64::from(v);
            lp += kl * (v - lp);
            lp2 += kh * (v - lp2);
            acc[0] += lp * lp;
            acc[1] += (lp2 - lp) * (lp2 - lp);
            acc[2] += (v - lp2) * (v - lp2);
            if (i + 1) % hop == 0 {
                bands.push(acc);
                acc = [0.0; 3];
            }
        }
        let mut onset = vec![0.0f64; bands.len()];
        for (i, o) in onset.iter_mut().enumerate().skip(1) {
            for (now, prev) in bands[i].iter().zip(&bands[i - 1]) {
                *o += ((1e-6 + now).ln() - (1e-6 + prev).ln()).max(0.0);
            }
        }
        let mean = onset.iter().sum::<f64>() / onset.len() as f64;
        for o in onset.iter_mut() {
            *o -= mean;
        }
        let mut best = (0.0, f64::MIN);
        let mut best_prior = (0.0, f64::MIN);
        for lag in 25..=100usize {
            let ac: f64 = (0..onset.len() - lag)
                .map(|i| onset[i] * onset[i + lag])
                .sum();
            let bpm = 6000.0 / lag as f64;
            let prior = (-0.5 * ((bpm / 120.0).log2() / 1.0).powi(2)).exp();
            if ac > best.1 {
                best = (bpm, ac);
            }
            if ac * prior > best_prior.1 {
                best_prior = (bpm, ac * prior);
            }
        }
        println!(
            "{:<36} truth {:6.1}  acf-max {:6.1}  with-prior {:6.1}",
            s.title, s.bpm, best.0, best_prior.0
        );
    }
}

/// Prints per-section RMS and stem levels of the demo library (debug aid).
#[test]
#[ignore]
fn debug_levels() {
    for s in demo_library() {
        let st = aidj_synth::render_stems(&s);
        let a = render(&s);
        let x = mono(&a);
        let db = |v: &[f32]| 20.0 * rms(v).max(1e-9).log10();
        let secs: Vec<String> = aidj_synth::arrangement::sections(&s)
            .iter()
            .map(|sec| {
                let t0 = s.start_offset_secs + f64::from(sec.start_bar) * s.bar_secs();
                let t1 = t0 + f64::from(sec.bars) * s.bar_secs();
                let (i0, i1) = (
                    (t0 * 44_100.0) as usize,
                    ((t1 * 44_100.0) as usize).min(x.len()),
                );
                format!("{:?} {:.1}", sec.kind, db(&x[i0..i1]))
            })
            .collect();
        println!(
            "{:<16} mix {:.1} dBFS rms | drums {:.1} bass {:.1} pad {:.1} lead {:.1} | {}",
            s.title,
            db(&x),
            db(&mono(&st.drums)),
            db(&mono(&st.bass)),
            db(&mono(&st.pad)),
            db(&mono(&st.lead)),
            secs.join(", ")
        );
    }
}

fn rms(v: &[f32]) -> f64 {
    (v.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

#[test]
#[ignore]
fn debug_variations() {
    for s in aidj_synth::tempo_test_set()
        .iter()
        .chain(demo_library().iter())
    {
        println!(
            "{:<36} {:?}",
            s.title,
            aidj_synth::arrangement::variation(s)
        );
    }
}
