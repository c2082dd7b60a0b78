//! The one-knob DJ filter ("CFX" / quick effect on a DJM or the FLX4).
//!
//! Knob `v` in `-1..1`:
//! * `|v| < 0.02` ([`DEAD_ZONE`]): bypass, bit-exact (dry/filter crossfade of 10 ms on entry
//!   and exit, as in the EQ).
//! * left: low-pass whose -3 dB corner sweeps exponentially from 20 kHz (at `-0.02`) down to
//!   40 Hz (at `-1`).
//! * right: high-pass whose corner sweeps exponentially from 20 Hz (at `+0.02`) up to 12 kHz
//!   (at `+1`).
//!
//! Both are 2-pole (12 dB/oct) TPT state-variable filters. The active one gets a little
//! resonance: its Q rises from 0.707 (Butterworth, flat) at the start of the sweep to `Q = 1`
//! ([`RESONANCE_Q`], a +1.25 dB bump) a quarter of the way in. They run in series (low-pass
//! then high-pass) all the time; the inactive one rests at its open end (LP at 20 kHz, HP at
//! 20 Hz) as a flat Butterworth, so the knob can cross from one side to the other with no mode
//! switch and no click.
//!
//! [`filter_cutoff_hz`] returns the **-3 dB corner**, which is what the display shows. With
//! `Q = 1` that corner is not the SVF's natural frequency `f0`: for the low-pass
//! `|H|^2 = 1/((1 - u)^2 + u/Q^2)` with `u = (f/f0)^2` equals 1/2 at
//! `u^2 - (2 - 1/Q^2) u - 1 = 0`, i.e. `f = 1.272 f0` for `Q = 1` (and `f0/1.272` for the
//! high-pass; [`corner_ratio`]). The ratio is applied in the bilinear (pre-warped) domain so the digital corner
//! is exact; corners are clamped below `0.45 fs`.
//!
//! The knob moves through a 20 ms linear ramp; the filter coefficients follow the ramped knob
//! every 16 samples ([`COEF_INTERVAL`], counted from `reset`, so independent of block size).

use crate::smoother::LinearSmoother;
use crate::svf::{Svf, SvfCoefs};
use std::f64::consts::PI;

/// Knob values with `|v| <` this bypass the filter.
pub const DEAD_ZONE: f32 = 0.02;
/// Low-pass corner at the start of the left sweep, Hz.
pub const LP_MAX_HZ: f32 = 20_000.0;
/// Low-pass corner at the left end, Hz.
pub const LP_MIN_HZ: f32 = 40.0;
/// High-pass corner at the start of the right sweep, Hz.
pub const HP_MIN_HZ: f32 = 20.0;
/// High-pass corner at the right end, Hz.
pub const HP_MAX_HZ: f32 = 12_000.0;
/// Resonance of the active filter once the knob is a quarter of the way into its sweep.
pub const RESONANCE_Q: f64 = 1.0;
/// Q of a resting filter, and of the active one at the start of its sweep (no bump).
pub const BUTTERWORTH_Q: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// Fraction of the sweep over which the resonance rises from Butterworth to [`RESONANCE_Q`].
pub const RESONANCE_RAMP: f32 = 0.25;
/// Highest corner, as a fraction of the sample rate.
pub const MAX_CORNER_RATIO: f64 = 0.45;
/// Samples between coefficient updates while the knob moves (and between state flushes,
/// see [`crate::svf::FLUSH_INTERVAL`]).
pub const COEF_INTERVAL: u32 = 16;
/// Knob ramp time, ms.
pub const KNOB_RAMP_MS: f64 = 20.0;
/// Dry/filter crossfade time, ms.
pub const BYPASS_RAMP_MS: f64 = 10.0;

/// What the knob does at `v`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterMode {
    /// Dead zone: no filtering.
    Bypass,
    /// Low-pass (knob left).
    LowPass,
    /// High-pass (knob right).
    HighPass,
}

/// The mode at knob `v` (NaN counts as the centre).
pub fn filter_mode(v: f32) -> FilterMode {
    if !v.is_finite() || v.abs() < DEAD_ZONE {
        FilterMode::Bypass
    } else if v < 0.0 {
        FilterMode::LowPass
    } else {
        FilterMode::HighPass
    }
}

/// Sweep amount `0..1` beyond the dead zone.
fn sweep(v: f32) -> f32 {
    ((v.abs() - DEAD_ZONE) / (1.0 - DEAD_ZONE)).clamp(0.0, 1.0)
}

/// The -3 dB corner in Hz of the active filter at knob `v`, for display ("LP 800 Hz").
///
/// Left of centre the low-pass corner (`20 kHz * (40/20000)^t`), right of centre the
/// high-pass corner (`20 Hz * (12000/20)^t`), with `t = (|v| - 0.02)/0.98`. In the dead zone
/// (see [`filter_mode`]) it returns the open end of that side: 20 kHz for `v <= 0`, 20 Hz
/// above. Not clamped to the sample rate (the DSP clamps at `0.45 fs`).
pub fn filter_cutoff_hz(v: f32) -> f32 {
    let v = if v.is_finite() {
        v.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let t = sweep(v);
    if v <= 0.0 {
        LP_MAX_HZ * (LP_MIN_HZ / LP_MAX_HZ).powf(t)
    } else {
        HP_MIN_HZ * (HP_MAX_HZ / HP_MIN_HZ).powf(t)
    }
}

/// Q of the active filter at sweep amount `t` (`0..1`).
fn resonance_q(t: f32) -> f64 {
    let r = f64::from((t / RESONANCE_RAMP).min(1.0));
    BUTTERWORTH_Q + (RESONANCE_Q - BUTTERWORTH_Q) * r
}

/// Ratio of the -3 dB corner to the natural frequency of a resonant 2-pole low-pass.
pub fn corner_ratio(q: f64) -> f64 {
    let b = 2.0 - 1.0 / (q * q);
    ((b + (b * b + 4.0).sqrt()) * 0.5).sqrt()
}

/// The DJ filter over `N` lanes (a stereo pair is `DjFilter<2>`).
#[derive(Clone, Debug)]
pub struct DjFilter<const N: usize> {
    sample_rate: f64,
    knob: LinearSmoother,
    wet: LinearSmoother,
    lp: Svf<N>,
    hp: Svf<N>,
    lp_c: SvfCoefs,
    hp_c: SvfCoefs,
    coef_knob: f32,
    countdown: u32,
}

impl<const N: usize> DjFilter<N> {
    /// A bypassed filter for `sample_rate` Hz.
    pub fn new(sample_rate: f64) -> Self {
        let mut f = Self {
            sample_rate,
            knob: LinearSmoother::new(0.0, 1),
            wet: LinearSmoother::new(0.0, 1),
            lp: Svf::default(),
            hp: Svf::default(),
            lp_c: SvfCoefs::default(),
            hp_c: SvfCoefs::default(),
            coef_knob: f32::NAN,
            countdown: 0,
        };
        f.set_sample_rate(sample_rate);
        f
    }

    /// Set the rate (ramp lengths, coefficients) and reset.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        self.sample_rate = sample_rate;
        self.knob
            .set_ramp_len(LinearSmoother::ramp_samples(KNOB_RAMP_MS, sample_rate));
        self.wet
            .set_ramp_len(LinearSmoother::ramp_samples(BYPASS_RAMP_MS, sample_rate));
        self.reset();
    }

    /// Clear the state and jump the knob to its target.
    pub fn reset(&mut self) {
        self.lp.reset();
        self.hp.reset();
        self.knob.snap();
        let v = self.knob.value();
        self.wet
            .set_immediate(if v.abs() < DEAD_ZONE { 0.0 } else { 1.0 });
        self.update_coefs(v);
        self.countdown = 0;
    }

    /// Set the knob target (`-1..1`, clamped; NaN ignored).
    pub fn set_knob(&mut self, v: f32) {
        if v.is_finite() {
            self.knob.set_target(v.clamp(-1.0, 1.0));
        }
    }

    /// True when the filter currently outputs its input unchanged.
    pub fn is_bypassed(&self) -> bool {
        self.wet.value() == 0.0 && self.wet.is_settled()
    }

    fn update_coefs(&mut self, v: f32) {
        self.coef_knob = v;
        let fs = self.sample_rate;
        let top = MAX_CORNER_RATIO * fs;
        let lp_corner = if v <= -DEAD_ZONE {
            f64::from(filter_cutoff_hz(v))
        } else {
            f64::from(LP_MAX_HZ)
        }
        .min(top);
        let hp_corner = if v >= DEAD_ZONE {
            f64::from(filter_cutoff_hz(v))
        } else {
            f64::from(HP_MIN_HZ)
        }
        .min(top);
        // The active filter gets the resonance, the resting one is a flat Butterworth.
        let (q_lp, q_hp) = if v <= -DEAD_ZONE {
            (resonance_q(sweep(v)), BUTTERWORTH_Q)
        } else if v >= DEAD_ZONE {
            (BUTTERWORTH_Q, resonance_q(sweep(v)))
        } else {
            (BUTTERWORTH_Q, BUTTERWORTH_Q)
        };
        let t_lp = (PI * lp_corner / fs).tan();
        let t_hp = (PI * hp_corner / fs).tan();
        self.lp_c = SvfCoefs::new(t_lp / corner_ratio(q_lp), 1.0 / q_lp);
        self.hp_c = SvfCoefs::new(t_hp * corner_ratio(q_hp), 1.0 / q_hp);
    }

    /// One sample (all lanes).
    #[inline]
    pub fn tick(&mut self, x: [f64; N]) -> [f64; N] {
        let v = self.knob.next_value();
        if self.countdown == 0 {
            if v != self.coef_knob {
                self.update_coefs(v);
            }
            self.lp.flush_state();
            self.hp.flush_state();
            self.countdown = COEF_INTERVAL;
        }
        self.countdown -= 1;
        self.wet
            .set_target(if v.abs() < DEAD_ZONE { 0.0 } else { 1.0 });
        let mix = f64::from(self.wet.next_value());
        let y = self.hp.highpass(&self.hp_c, self.lp.lowpass(&self.lp_c, x));
        if mix == 0.0 {
            x
        } else if mix == 1.0 {
            y
        } else {
            let mut out = x;
            for (o, w) in out.iter_mut().zip(y) {
                *o += (w - *o) * mix;
            }
            out
        }
    }

    /// Process `N` channels in place.
    pub fn process(&mut self, channels: [&mut [f32]; N]) {
        crate::frames::process_in_place(channels, |x| self.tick(x));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain_db(filter: &mut DjFilter<1>, f: f64, fs: f64) -> f64 {
        filter.reset();
        let n = (fs * 0.5).max(8.0 * fs / f) as usize;
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..n {
            let x = (2.0 * PI * f * i as f64 / fs).sin();
            let y = filter.tick([x])[0];
            if i > n / 2 {
                num += y * y;
                den += x * x;
            }
        }
        10.0 * (num / den).log10()
    }

    #[test]
    fn cutoff_mapping_table() {
        approx::assert_relative_eq!(filter_cutoff_hz(-1.0), 40.0, max_relative = 1e-4);
        approx::assert_relative_eq!(filter_cutoff_hz(-DEAD_ZONE), 20_000.0, max_relative = 1e-4);
        approx::assert_relative_eq!(filter_cutoff_hz(1.0), 12_000.0, max_relative = 1e-4);
        approx::assert_relative_eq!(filter_cutoff_hz(DEAD_ZONE), 20.0, max_relative = 1e-4);
        // Geometric middle of the left sweep: sqrt(40 * 20000) = 894.4 Hz at t = 0.5.
        approx::assert_relative_eq!(filter_cutoff_hz(-0.51), 894.43, max_relative = 1e-3);
        assert_eq!(filter_mode(0.01), FilterMode::Bypass);
        assert_eq!(filter_mode(-0.5), FilterMode::LowPass);
        assert_eq!(filter_mode(0.5), FilterMode::HighPass);
        approx::assert_relative_eq!(corner_ratio(std::f64::consts::FRAC_1_SQRT_2), 1.0);
        approx::assert_relative_eq!(corner_ratio(1.0), 1.272_019_6, max_relative = 1e-6);
    }

    #[test]
    fn minus_3db_corners_match_the_display() {
        // The -3 dB point lies between 0.9 fc and 1.1 fc: the response crosses -3 dB there.
        for fs in [22_050.0, 44_100.0, 48_000.0, 192_000.0] {
            for v in [-0.9f32, -0.6, -0.3, 0.3, 0.6, 0.9] {
                let fc = f64::from(filter_cutoff_hz(v));
                let mut f = DjFilter::<1>::new(fs);
                f.set_knob(v);
                let below = gain_db(&mut f, fc * 0.9, fs);
                let above = gain_db(&mut f, fc * 1.1, fs);
                if v < 0.0 {
                    assert!(
                        below > -3.01 && above < -3.01,
                        "LP {v} {fc}: {below} {above}"
                    );
                } else {
                    assert!(
                        below < -3.01 && above > -3.01,
                        "HP {v} {fc}: {below} {above}"
                    );
                }
                let at = gain_db(&mut f, fc, fs);
                assert!((at + 3.01).abs() < 0.3, "{v} at corner {fc} Hz: {at} dB");
            }
        }
    }

    #[test]
    fn twelve_db_per_octave_far_from_the_corner() {
        let fs = 48_000.0;
        let mut f = DjFilter::<1>::new(fs);
        f.set_knob(-0.6);
        let fc = f64::from(filter_cutoff_hz(-0.6));
        let a = gain_db(&mut f, fc * 4.0, fs);
        let b = gain_db(&mut f, fc * 8.0, fs);
        assert!((a - b - 12.0).abs() < 1.5, "{a} {b}");
    }

    #[test]
    fn dead_zone_is_bit_exact() {
        let mut f = DjFilter::<1>::new(48_000.0);
        f.set_knob(0.01);
        f.reset();
        for i in 0..1000 {
            let x = (i as f64 * 0.05).sin();
            assert_eq!(f.tick([x])[0], x);
        }
    }
}
