//! EBU Tech 3341 (v4, 2023) minimal-requirement test signals for integrated
//! loudness, cases 1-6.
//!
//! All cases use a 1000 Hz sine, phase-continuous across level changes.
//! "x dBFS" means peak amplitude `A = 10^(x/20)` per channel.
//!
//! ## Why these amplitudes give the stated loudness (ITU-R BS.1770-4)
//!
//! `L = -0.691 + 10 log10( sum_c G_c * z_c )`, with `z_c` the mean square of the
//! K-weighted channel `c` and `G_c` = 1.0 for L, R, C and 1.41 for Ls, Rs.
//! The K-weighting gain at ~1 kHz is +0.691 dB (that is what the -0.691 constant
//! cancels; at 1000 Hz vs 997 Hz the difference is < 0.01 dB), and a sine of peak
//! `A` has mean square `A^2 / 2`. So one channel contributes
//! `10^(0.0691) * A^2 / 2` and
//!
//! * stereo, both channels at `A`: `L = 10 log10(2 * A^2 / 2) = 20 log10 A`,
//!   i.e. -23 dBFS per channel reads -23.0 LUFS (case 1), -33 reads -33 (case 2);
//! * cases 3 and 4: the quieter parts are >= 13 LU below -23 LUFS and are removed by
//!   the relative gate (-10 LU) or the absolute gate (-70 LUFS), leaving -23.0;
//! * case 5: the -26/-20/-26 parts (20/20.1/20 s) all pass the relative gate; the
//!   energy mean is `10 log10((20*10^-2.6 + 20.1*10^-2.0 + 20*10^-2.6) / 60.1) = -23.0`;
//! * case 6 (5.0: L, R, C, Ls, Rs at -28, -28, -24, -30, -30 dBFS):
//!   `10 log10((2*10^-2.8 + 10^-2.4 + 2*1.41*10^-3.0) / 2) = -23.0`.

use crate::audio::Audio;

/// One test case.
pub struct Case {
    /// Case number 1..=6.
    pub number: u8,
    /// The signal (2 channels, or 5 channels L R C Ls Rs for case 6).
    pub audio: Audio,
    /// Expected integrated loudness in LUFS (tolerance in the spec: +-0.1 LU).
    pub expected_lufs: f64,
}

/// Frequency of the test tone in Hz.
pub const TONE_HZ: f64 = 1000.0;

/// Phase-continuous 1 kHz sine made of `(dBFS, seconds)` segments.
fn segments(segs: &[(f64, f64)], sample_rate: u32) -> Vec<f32> {
    let fs = f64::from(sample_rate);
    let w = std::f64::consts::TAU * TONE_HZ / fs;
    let mut out = Vec::new();
    let mut t_end = 0.0f64;
    for &(db, secs) in segs {
        let start = out.len();
        t_end += secs;
        let end = (t_end * fs).round() as usize;
        let a = 10f64.powf(db / 20.0);
        out.extend((start..end).map(|i| (a * (w * i as f64).sin()) as f32));
    }
    out
}

/// Builds case `number` (1..=6) at `sample_rate` Hz.
///
/// # Panics
/// If `number` is not in 1..=6.
pub fn case(number: u8, sample_rate: u32) -> Case {
    let stereo = |segs: &[(f64, f64)]| {
        let s = segments(segs, sample_rate);
        Audio {
            sample_rate,
            channels: vec![s.clone(), s],
        }
    };
    let (audio, expected_lufs) = match number {
        1 => (stereo(&[(-23.0, 20.0)]), -23.0),
        2 => (stereo(&[(-33.0, 20.0)]), -33.0),
        3 => (
            stereo(&[(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)]),
            -23.0,
        ),
        4 => (
            stereo(&[
                (-72.0, 10.0),
                (-36.0, 10.0),
                (-23.0, 60.0),
                (-36.0, 10.0),
                (-72.0, 10.0),
            ]),
            -23.0,
        ),
        5 => (
            stereo(&[(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)]),
            -23.0,
        ),
        6 => {
            let channels = [-28.0, -28.0, -24.0, -30.0, -30.0]
                .iter()
                .map(|&db| segments(&[(db, 20.0)], sample_rate))
                .collect();
            (
                Audio {
                    sample_rate,
                    channels,
                },
                -23.0,
            )
        }
        _ => panic!("EBU Tech 3341 case number must be 1..=6, got {number}"),
    };
    Case {
        number,
        audio,
        expected_lufs,
    }
}

/// Cases 1..=6 in order.
pub fn all(sample_rate: u32) -> Vec<Case> {
    (1..=6).map(|n| case(n, sample_rate)).collect()
}
