//! Shared signal helpers for the integration tests (included with `mod common;`).
#![allow(dead_code)]

use aidj_mixer::TransitionDrive;
use aidj_mixer::{Direction, MixerParams, TransitionControl, TransitionPreset, TransitionShape};
use std::f64::consts::PI;

/// `n` frames of a stereo test signal: a bass, a mid and a high sine plus deterministic noise.
pub fn music(n: usize, fs: f64, seed: u32) -> [Vec<f32>; 2] {
    let mut state = seed.wrapping_mul(747_796_405).wrapping_add(1);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state as f32 / u32::MAX as f32) * 2.0 - 1.0
    };
    let mut l = Vec::with_capacity(n);
    let mut r = Vec::with_capacity(n);
    for i in 0..n {
        let t = i as f64 / fs;
        let v = 0.3 * (2.0 * PI * 55.0 * t).sin()
            + 0.2 * (2.0 * PI * 880.0 * t).sin()
            + 0.1 * (2.0 * PI * 6000.0 * t).sin();
        l.push(v as f32 + 0.05 * noise());
        r.push((0.9 * v) as f32 + 0.05 * noise());
    }
    [l, r]
}

/// The echo-out preset, shortened to `bars` so it fits in a test.
pub fn echo_out(bars: f32) -> TransitionShape {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/echo_out.json"),
    )
    .expect("echo_out.json");
    let mut shape = TransitionPreset::from_json(&text)
        .expect("valid preset")
        .shape;
    shape.length_bars = bars;
    shape
}

/// Busy params: every block active, a clock-driven transition running from beat 0.
pub fn busy_params() -> MixerParams {
    let mut p = MixerParams {
        tempo_bpm: 240.0,
        ..MixerParams::default()
    };
    p.decks[0].trim_db = 3.0;
    p.decks[0].eq_high = 0.3;
    p.decks[1].eq_mid = 0.8;
    p.decks[1].filter = -0.4;
    p.decks[1].fader = 0.8;
    p.transition = Some(TransitionControl {
        shape: echo_out(0.5),
        direction: Direction::AtoB,
        drive: TransitionDrive::Clock { start_beat: 0.0 },
    });
    p
}
