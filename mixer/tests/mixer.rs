//! Whole-mixer behaviour: transparency, clicks, bad input, transitions, meters.

mod common;

use aidj_mixer::{
    CurveKind, DeckParams, Direction, Mixer, MixerParams, TransitionControl, TransitionDrive,
};
use std::f64::consts::PI;

fn sine(n: usize, f: f64, fs: f64, amp: f32) -> Vec<f32> {
    (0..n)
        .map(|i| amp * (2.0 * PI * f * i as f64 / fs).sin() as f32)
        .collect()
}

/// Process `a`/`b` in blocks of 64 with `params_at(block_index)`.
fn run_with(
    mixer: &mut Mixer,
    a: &[Vec<f32>; 2],
    b: &[Vec<f32>; 2],
    mut params_at: impl FnMut(usize) -> MixerParams,
) -> [Vec<f32>; 2] {
    let n = a[0].len();
    let mut out = [vec![0.0f32; n], vec![0.0f32; n]];
    let [ol, or] = &mut out;
    for (k, start) in (0..n).step_by(64).enumerate() {
        let end = (start + 64).min(n);
        let p = params_at(k);
        mixer.process(
            &p,
            [&a[0][start..end], &a[1][start..end]],
            [&b[0][start..end], &b[1][start..end]],
            [&mut ol[start..end], &mut or[start..end]],
        );
    }
    out
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

#[test]
fn unity_mixer_is_bit_exact() {
    // Crossfader hard to A, everything at unity: the output is deck A, bit for bit
    // (a null test far below -90 dB: the difference is exactly zero).
    let fs = 48_000.0;
    let a = common::music(24_000, fs, 7);
    let b = common::music(24_000, fs, 8);
    let mut mixer = Mixer::new(fs, 64);
    let params = MixerParams {
        crossfader: -1.0,
        ..MixerParams::default()
    };
    let out = run_with(&mut mixer, &a, &b, |_| params);
    assert!(out[0] == a[0] && out[1] == a[1]);
    // Centre additive: A + B exactly.
    let mut mixer = Mixer::new(fs, 64);
    let out = run_with(&mut mixer, &a, &b, |_| MixerParams::default());
    for i in 0..a[0].len() {
        assert_eq!(out[0][i], ((a[0][i] as f64) + (b[0][i] as f64)) as f32);
    }
}

/// The echo-out transition (bass swap, filter sweep, echo) held at position `p`.
fn transition(p: f32) -> TransitionControl {
    TransitionControl {
        shape: common::echo_out(4.0),
        direction: Direction::AtoB,
        drive: TransitionDrive::Position(p),
    }
}

/// Settings at the two extremes of each parameter, applied to deck A.
fn extremes() -> Vec<(&'static str, MixerParams, MixerParams)> {
    let base = MixerParams {
        crossfader: -1.0,
        ..MixerParams::default()
    };
    let with = |f: &dyn Fn(&mut MixerParams)| {
        let mut p = base;
        f(&mut p);
        p
    };
    vec![
        (
            "transition",
            with(&|p| p.transition = Some(transition(0.0))),
            with(&|p| p.transition = Some(transition(1.0))),
        ),
        (
            "trim",
            with(&|p| p.decks[0].trim_db = -12.0),
            with(&|p| p.decks[0].trim_db = 12.0),
        ),
        (
            "low",
            with(&|p| p.decks[0].eq_low = 0.0),
            with(&|p| p.decks[0].eq_low = 1.0),
        ),
        (
            "mid",
            with(&|p| p.decks[0].eq_mid = 0.0),
            with(&|p| p.decks[0].eq_mid = 1.0),
        ),
        (
            "high",
            with(&|p| p.decks[0].eq_high = 0.0),
            with(&|p| p.decks[0].eq_high = 1.0),
        ),
        (
            "all eq",
            with(&|p| {
                p.decks[0].eq_low = 0.0;
                p.decks[0].eq_mid = 0.0;
                p.decks[0].eq_high = 0.0;
            }),
            base,
        ),
        (
            "filter",
            with(&|p| p.decks[0].filter = -1.0),
            with(&|p| p.decks[0].filter = 1.0),
        ),
        ("filter off", with(&|p| p.decks[0].filter = -0.6), base),
        ("fader", with(&|p| p.decks[0].fader = 0.0), base),
        ("crossfader", with(&|p| p.crossfader = 1.0), base),
        (
            "cut crossfader",
            with(&|p| {
                p.crossfader = 1.0;
                p.curve_kind = CurveKind::Cut;
                p.curve = 1.0;
            }),
            with(&|p| {
                p.curve_kind = CurveKind::Cut;
                p.curve = 1.0;
            }),
        ),
        (
            "bypass",
            with(&|p| p.decks[0].filter = -1.0),
            with(&|p| {
                p.decks[0].filter = -1.0;
                p.bypass = true;
            }),
        ),
    ]
}

#[test]
fn parameter_jumps_do_not_click() {
    // A full-scale sine; jump each parameter between its extremes every 0.2 s. The largest
    // sample-to-sample step must stay below twice the larger of the sine's own largest step
    // and the largest step of either steady state (a +12 dB trim makes the output steeper
    // than the input), plus a small margin.
    let fs = 48_000.0;
    for f in [100.0, 1000.0] {
        let n = 48_000;
        let s = sine(n, f, fs, 1.0);
        let a = [s.clone(), s.clone()];
        let b = [vec![0.0; n], vec![0.0; n]];
        for (name, lo, hi) in extremes() {
            let steady = |p: MixerParams| {
                let mut m = Mixer::new(fs, 64);
                let out = run_with(&mut m, &a, &b, |_| p);
                max_step(&out[0][4800..])
            };
            let bound = 2.0 * steady(lo).max(steady(hi)).max(max_step(&s)) + 0.01;
            let mut m = Mixer::new(fs, 64);
            // 0.2 s = 150 blocks of 64.
            let out = run_with(&mut m, &a, &b, |k| if (k / 150) % 2 == 0 { lo } else { hi });
            let jump = max_step(&out[0]);
            assert!(jump <= bound, "{name} at {f} Hz: step {jump} > {bound}");
        }
    }
}

#[test]
fn bad_input_gives_finite_output() {
    let fs = 44_100.0;
    let n = 4096;
    let mut a = common::music(n, fs, 9);
    let b = common::music(n, fs, 10);
    for i in (0..n).step_by(97) {
        a[0][i] = f32::NAN;
        a[1][i] = f32::INFINITY;
    }
    a[0][5] = f32::NEG_INFINITY;
    for v in a[1].iter_mut().skip(2000).take(500) {
        *v = 1e-39; // denormal
    }
    let mut mixer = Mixer::new(fs, 256);
    let out = run_with(&mut mixer, &a, &b, |_| common::busy_params());
    assert!(out
        .iter()
        .flatten()
        .all(|v| v.is_finite() && v.abs() <= 4.0));
    let bad = a.iter().flatten().filter(|v| !v.is_finite()).count() as u64;
    assert!(bad > 80);
    assert_eq!(mixer.non_finite_inputs, bad);
    // Huge but finite input is clamped, not passed on.
    let huge = [vec![1e30f32; 512], vec![-1e30f32; 512]];
    let mut mixer = Mixer::new(fs, 512);
    let out = run_with(&mut mixer, &huge, &huge, |_| MixerParams::default());
    assert!(out
        .iter()
        .flatten()
        .all(|v| v.is_finite() && v.abs() <= 4.0));
    // Silence after activity decays to exact zero, never denormals.
    let mut mixer = Mixer::new(fs, 512);
    let loud = common::music(4096, fs, 11);
    let quiet = [vec![0.0f32; 200_000], vec![0.0f32; 200_000]];
    let mut p = MixerParams::default();
    p.decks[0].filter = -0.5;
    p.decks[0].eq_low = 0.2;
    let _ = run_with(&mut mixer, &loud, &loud, |_| p);
    let out = run_with(&mut mixer, &quiet, &quiet, |_| p);
    assert!(out
        .iter()
        .flatten()
        .all(|v| *v == 0.0 || v.abs() > f32::MIN_POSITIVE));
}

fn band_level(x: &[f32], f: f64, fs: f64) -> f64 {
    // Magnitude of the DFT bin at f (Goertzel-free direct sum).
    let (mut re, mut im) = (0.0, 0.0);
    for (i, v) in x.iter().enumerate() {
        let ph = 2.0 * PI * f * i as f64 / fs;
        re += f64::from(*v) * ph.cos();
        im += f64::from(*v) * ph.sin();
    }
    2.0 * (re * re + im * im).sqrt() / x.len() as f64
}

#[test]
fn bass_swap_through_the_mixer() {
    // Deck A plays 50 Hz + 1 kHz, deck B 70 Hz + 1.5 kHz; bass-swap preset driven by position.
    let fs = 48_000.0;
    let n = 9_600;
    let mk = |fl: f64, fh: f64| {
        let v: Vec<f32> = (0..n)
            .map(|i| {
                let t = i as f64 / fs;
                (0.4 * (2.0 * PI * fl * t).sin() + 0.4 * (2.0 * PI * fh * t).sin()) as f32
            })
            .collect();
        [v.clone(), v]
    };
    let a = mk(50.0, 1000.0);
    let b = mk(70.0, 1500.0);
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/bass_swap.json"),
    )
    .expect("preset");
    let shape = aidj_mixer::TransitionPreset::from_json(&text)
        .expect("valid")
        .shape;
    let at = |p: f32| {
        let mut mixer = Mixer::new(fs, 64);
        let params = MixerParams {
            transition: Some(TransitionControl {
                shape,
                direction: Direction::AtoB,
                drive: TransitionDrive::Position(p),
            }),
            ..MixerParams::default()
        };
        let out = run_with(&mut mixer, &a, &b, |_| params);
        let tail = &out[0][4800..];
        [50.0, 1000.0, 70.0, 1500.0].map(|f| band_level(tail, f, fs))
    };
    // p = 0.25: crossfader at -0.5 (additive: A full, B half); B's low killed.
    let s = at(0.25);
    assert!(
        (s[0] - 0.4).abs() < 0.02 && (s[1] - 0.4).abs() < 0.02,
        "{s:?}"
    );
    assert!(s[2] < 0.004, "incoming low not killed: {s:?}");
    assert!((s[3] - 0.2).abs() < 0.02, "{s:?}");
    // p = 0.75: A's low killed, its mids still there at half level; B full.
    let s = at(0.75);
    assert!(s[0] < 0.004, "outgoing low not killed: {s:?}");
    assert!(
        (s[1] - 0.2).abs() < 0.02 && (s[2] - 0.4).abs() < 0.02,
        "{s:?}"
    );
}

#[test]
fn echo_tail_rings_after_the_deck_is_gone() {
    // Echo-out over 1 bar at 120 BPM (2 s), clock-driven: after the end deck A is cut by the
    // crossfader, but its echo keeps sounding; deck B is silent.
    let fs = 48_000.0;
    let n = 48_000 * 3;
    let a = [sine(n, 440.0, fs, 0.5), sine(n, 440.0, fs, 0.5)];
    let b = [vec![0.0; n], vec![0.0; n]];
    let params = MixerParams {
        tempo_bpm: 120.0,
        transition: Some(TransitionControl {
            shape: common::echo_out(1.0),
            direction: Direction::AtoB,
            drive: TransitionDrive::Clock { start_beat: 0.0 },
        }),
        ..MixerParams::default()
    };
    let mut mixer = Mixer::new(fs, 64);
    let out = run_with(&mut mixer, &a, &b, |_| params);
    // 3 s at 120 BPM = 6 beats on the mixer's clock.
    assert!((mixer.beat_position() - 6.0).abs() < 1e-9);
    let state = mixer.transition_state().expect("transition");
    assert_eq!(state.position, 1.0);
    assert_eq!(state.crossfader, 1.0);
    let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
    // Just after the end (2.0 .. 2.25 s) the tail is clearly audible, later it decays.
    let early = rms(&out[0][96_000..108_000]);
    let late = rms(&out[0][132_000..144_000]);
    assert!(early > 0.05, "no tail: {early}");
    assert!(late < early, "{late} !< {early}");
    // Before the echo starts (first half), the output is deck A alone.
    assert!((rms(&out[0][10_000..40_000]) - 0.3536).abs() < 0.01);
}

#[test]
fn meters_report_the_last_block() {
    let fs = 48_000.0;
    let a = [vec![0.5f32; 64], vec![-0.5f32; 64]];
    let b = [vec![0.0f32; 64], vec![0.0f32; 64]];
    let mut mixer = Mixer::new(fs, 64);
    let mut p = MixerParams::default();
    p.decks[1] = DeckParams {
        fader: 0.5,
        ..DeckParams::default()
    };
    let _ = run_with(&mut mixer, &a, &b, |_| p);
    assert_eq!(mixer.meters[0].peak, 0.5);
    assert!((mixer.meters[0].rms - 0.5).abs() < 1e-6);
    assert_eq!(mixer.meters[1].peak, 0.0);
}
