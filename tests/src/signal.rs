//! Test signals and measurements: sines, single-frequency amplitude (a Hann-windowed DFT at
//! one frequency, i.e. Goertzel with a window), differences.

use std::f64::consts::PI;

use crate::Stereo;

/// `amp * sin(2 pi freq t)` for `frames` frames at `sample_rate`, both channels equal.
pub fn sine(freq: f64, amp: f64, sample_rate: f64, frames: usize) -> Stereo {
    let ch: Vec<f32> = (0..frames)
        .map(|i| (amp * (2.0 * PI * freq * i as f64 / sample_rate).sin()) as f32)
        .collect();
    [ch.clone(), ch]
}

/// Zeros.
pub fn silence(frames: usize) -> Stereo {
    [vec![0.0; frames], vec![0.0; frames]]
}

/// `a + b` per sample (the lengths of `a`).
pub fn add(a: &Stereo, b: &Stereo) -> Stereo {
    let ch = |c: usize| -> Vec<f32> { a[c].iter().zip(&b[c]).map(|(x, y)| x + y).collect() };
    [ch(0), ch(1)]
}

/// Peak amplitude of the `freq` component of `x` (a unit sine at `freq` gives 1.0): the
/// DTFT at exactly `freq` with a Hann window, normalised by the window's sum. Another tone
/// `d` Hz away leaks about `-31 dB - 18 dB/octave` of `d / (sample_rate / len)` bins, which
/// for the tests' windows (>= 1024 frames, tones >= 1.5 kHz apart) is below -100 dB.
pub fn tone_amplitude(x: &[f32], freq: f64, sample_rate: f64) -> f64 {
    let n = x.len();
    if n < 2 {
        return 0.0;
    }
    let (mut re, mut im, mut wsum) = (0.0f64, 0.0f64, 0.0f64);
    let w_step = 2.0 * PI / n as f64;
    let ph_step = 2.0 * PI * freq / sample_rate;
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (w_step * i as f64).cos();
        let ph = ph_step * i as f64;
        re += w * f64::from(v) * ph.cos();
        im += w * f64::from(v) * ph.sin();
        wsum += w;
    }
    2.0 * (re * re + im * im).sqrt() / wsum
}

/// Largest `|a - b|` over `range` of both channels.
pub fn max_diff(a: &Stereo, b: &Stereo, range: std::ops::Range<usize>) -> f32 {
    (0..2)
        .flat_map(|c| {
            let x = a[c].get(range.clone()).unwrap_or(&[]);
            let y = b[c].get(range.clone()).unwrap_or(&[]);
            x.iter().zip(y).map(|(p, q)| (p - q).abs())
        })
        .fold(0.0, f32::max)
}

/// First frame in `range` where either channel of `a` and `b` differs by more than `tol`.
pub fn first_difference(
    a: &Stereo,
    b: &Stereo,
    range: std::ops::Range<usize>,
    tol: f32,
) -> Option<usize> {
    range.into_iter().find(|&i| {
        (0..2).any(|c| match (a[c].get(i), b[c].get(i)) {
            (Some(x), Some(y)) => (x - y).abs() > tol,
            _ => false,
        })
    })
}

/// Last frame in `range` where either channel of `a` and `b` differs by more than `tol`.
pub fn last_difference(
    a: &Stereo,
    b: &Stereo,
    range: std::ops::Range<usize>,
    tol: f32,
) -> Option<usize> {
    range.into_iter().rev().find(|&i| {
        (0..2).any(|c| match (a[c].get(i), b[c].get(i)) {
            (Some(x), Some(y)) => (x - y).abs() > tol,
            _ => false,
        })
    })
}

/// Amplitude of `freq` in the left channel over `range`.
pub fn tone_in(x: &Stereo, range: std::ops::Range<usize>, freq: f64, sample_rate: f64) -> f64 {
    tone_amplitude(x[0].get(range).unwrap_or(&[]), freq, sample_rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_amplitude_reads_a_sine_and_ignores_another() {
        // 0.5 at 220 Hz plus 0.25 at 1760 Hz, 2048 frames at 48 kHz.
        let a = sine(220.0, 0.5, 48_000.0, 2048);
        let b = sine(1760.0, 0.25, 48_000.0, 2048);
        let x = add(&a, &b);
        assert!((tone_amplitude(&x[0], 220.0, 48_000.0) - 0.5).abs() < 1e-4);
        assert!((tone_amplitude(&x[0], 1760.0, 48_000.0) - 0.25).abs() < 1e-4);
        assert!(tone_amplitude(&a[0], 1760.0, 48_000.0) < 1e-5);
    }

    #[test]
    fn differences() {
        let a = sine(100.0, 1.0, 48_000.0, 100);
        let mut b = a.clone();
        b[1][40] += 0.5;
        assert_eq!(first_difference(&a, &b, 0..100, 1e-3), Some(40));
        assert_eq!(last_difference(&a, &b, 0..100, 1e-3), Some(40));
        assert!((max_diff(&a, &b, 0..100) - 0.5).abs() < 1e-6);
    }
}
