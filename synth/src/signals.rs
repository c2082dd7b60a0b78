//! Deterministic elementary test signals.

use crate::audio::Audio;
use crate::rng::Rng;

fn len(secs: f64, sample_rate: u32) -> usize {
    (secs.max(0.0) * f64::from(sample_rate)).round() as usize
}

/// Sine of `freq_hz` Hz with peak amplitude `amp` (linear), starting at phase 0,
/// `round(secs * sample_rate)` samples.
pub fn sine(freq_hz: f64, amp: f32, secs: f64, sample_rate: u32) -> Vec<f32> {
    let w = std::f64::consts::TAU * freq_hz / f64::from(sample_rate);
    (0..len(secs, sample_rate))
        .map(|i| (f64::from(amp) * (w * i as f64).sin()) as f32)
        .collect()
}

/// Uniform white noise in `[-amp, amp)` (RMS = amp / sqrt(3)), seeded.
pub fn white_noise(amp: f32, secs: f64, sample_rate: u32, seed: u64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    (0..len(secs, sample_rate))
        .map(|_| amp * r.bipolar())
        .collect()
}

/// All-zero signal of `round(secs * sample_rate)` samples.
pub fn silence(secs: f64, sample_rate: u32) -> Vec<f32> {
    vec![0.0; len(secs, sample_rate)]
}

/// Decibels to linear amplitude: `10^(db / 20)`.
pub fn db_to_amp(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Stereo from a mid and a side signal: `L = m + s`, `R = m - s`.
/// The shorter input is zero-padded to the longer length.
pub fn mid_side(mid: &[f32], side: &[f32], sample_rate: u32) -> Audio {
    let n = mid.len().max(side.len());
    let at = |v: &[f32], i: usize| v.get(i).copied().unwrap_or(0.0);
    let l = (0..n).map(|i| at(mid, i) + at(side, i)).collect();
    let r = (0..n).map(|i| at(mid, i) - at(side, i)).collect();
    Audio {
        sample_rate,
        channels: vec![l, r],
    }
}
