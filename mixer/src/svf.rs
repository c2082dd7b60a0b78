//! Topology-preserving-transform state-variable filter (Zavalishin; Simper's form), the one
//! building block of the EQ crossovers and the DJ filter.
//!
//! Equations from Andrew Simper, "Linear Trapezoidal Integrated SVF"
//! (<https://cytomic.com/files/dsp/SvfLinearTrapOptimised2.pdf>):
//! `g = tan(pi fc / fs)`, `k = 1/Q`, `a1 = 1/(1 + g(g + k))`, `a2 = g a1`, `a3 = g a2`;
//! per sample `v3 = x - ic2`, `v1 = a1 ic1 + a2 v3`, `v2 = ic2 + a2 ic1 + a3 v3`,
//! `ic1 = 2 v1 - ic1`, `ic2 = 2 v2 - ic2`; low-pass `v2`, band-pass `v1`,
//! high-pass `x - k v1 - v2`, all-pass `x - 2 k v1`.
//!
//! The state is `f64` and `N` lanes wide (a stereo pair is one `Svf<2>`, which the compiler
//! turns into one SIMD register). State values below `1e-20` are flushed to zero every
//! [`FLUSH_INTERVAL`] samples so decaying tails never reach denormals. Coefficients may change every sample without blowing up (the
//! TPT structure stays stable under modulation).

use std::f64::consts::PI;

/// Flush tiny values (far below audibility, far above denormals) to zero.
#[inline]
pub(crate) fn flush(v: f64) -> f64 {
    if v.abs() < 1e-20 {
        0.0
    } else {
        v
    }
}

/// Samples between state flushes (see [`Svf::flush_state`]).
pub const FLUSH_INTERVAL: u32 = 16;

/// Pre-warped integrator gain `g = tan(pi f / fs)` for a corner `f` Hz at `fs` Hz.
///
/// `f` is clamped to `(0, 0.49 fs]` so `g` stays finite and positive.
pub fn prewarp(f_hz: f64, sample_rate: f64) -> f64 {
    let f = f_hz.clamp(1e-3, 0.49 * sample_rate);
    (PI * f / sample_rate).tan()
}

/// Coefficients of one SVF section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvfCoefs {
    /// Damping `k = 1/Q`.
    pub k: f64,
    a1: f64,
    a2: f64,
    a3: f64,
}

impl SvfCoefs {
    /// Coefficients for integrator gain `g` (see [`prewarp`]) and damping `k = 1/Q`.
    pub fn new(g: f64, k: f64) -> Self {
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        Self { k, a1, a2, a3 }
    }
}

impl Default for SvfCoefs {
    fn default() -> Self {
        Self::new(0.1, std::f64::consts::SQRT_2)
    }
}

/// Band-pass and low-pass outputs of one tick.
pub struct SvfOut<const N: usize> {
    /// Band-pass output `v1`.
    pub bp: [f64; N],
    /// Low-pass output `v2`.
    pub lp: [f64; N],
}

/// An `N`-lane SVF section (state only; coefficients are passed to each tick so lanes and
/// sections can share them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Svf<const N: usize> {
    ic1: [f64; N],
    ic2: [f64; N],
}

impl<const N: usize> Default for Svf<N> {
    fn default() -> Self {
        Self {
            ic1: [0.0; N],
            ic2: [0.0; N],
        }
    }
}

impl<const N: usize> Svf<N> {
    /// Clear the state.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Flush state values below `1e-20` to zero. The owners call this every
    /// [`FLUSH_INTERVAL`] samples: a state that small cannot decay to a denormal (below
    /// `2.2e-308`) within that many samples, and flushing per sample would cost a third of
    /// the filter.
    pub fn flush_state(&mut self) {
        for v in self.ic1.iter_mut().chain(self.ic2.iter_mut()) {
            *v = flush(*v);
        }
    }

    /// One sample through the section; returns band-pass and low-pass.
    #[inline]
    pub fn tick(&mut self, c: &SvfCoefs, x: [f64; N]) -> SvfOut<N> {
        let mut out = SvfOut {
            bp: [0.0; N],
            lp: [0.0; N],
        };
        for ((((&xi, ic1), ic2), bp), lp) in x
            .iter()
            .zip(self.ic1.iter_mut())
            .zip(self.ic2.iter_mut())
            .zip(out.bp.iter_mut())
            .zip(out.lp.iter_mut())
        {
            let v3 = xi - *ic2;
            let v1 = c.a1 * *ic1 + c.a2 * v3;
            let v2 = *ic2 + c.a2 * *ic1 + c.a3 * v3;
            *ic1 = 2.0 * v1 - *ic1;
            *ic2 = 2.0 * v2 - *ic2;
            *bp = v1;
            *lp = v2;
        }
        out
    }

    /// Low-pass output of one tick.
    #[inline]
    pub fn lowpass(&mut self, c: &SvfCoefs, x: [f64; N]) -> [f64; N] {
        self.tick(c, x).lp
    }

    /// High-pass output of one tick.
    #[inline]
    pub fn highpass(&mut self, c: &SvfCoefs, x: [f64; N]) -> [f64; N] {
        let o = self.tick(c, x);
        let mut y = x;
        for ((yi, b), l) in y.iter_mut().zip(o.bp.iter()).zip(o.lp.iter()) {
            *yi -= c.k * b + l;
        }
        y
    }

    /// All-pass output of one tick.
    #[inline]
    pub fn allpass(&mut self, c: &SvfCoefs, x: [f64; N]) -> [f64; N] {
        let o = self.tick(c, x);
        let mut y = x;
        for (yi, b) in y.iter_mut().zip(o.bp.iter()) {
            *yi -= 2.0 * c.k * b;
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steady-state gain of a sine at `f` through `run` (one lane).
    fn sine_gain(f: f64, fs: f64, mut run: impl FnMut(f64) -> f64) -> f64 {
        let n = (fs * 0.5) as usize;
        let mut peak = 0.0f64;
        for i in 0..n {
            let y = run((2.0 * PI * f * i as f64 / fs).sin());
            if i > n / 2 {
                peak = peak.max(y.abs());
            }
        }
        peak
    }

    #[test]
    fn butterworth_lowpass_is_3db_down_at_corner() {
        // Q = 1/sqrt(2): |H(fc)| = 1/sqrt(2), exactly at the pre-warped corner.
        let fs = 48_000.0;
        let c = SvfCoefs::new(prewarp(1000.0, fs), std::f64::consts::SQRT_2);
        let mut s = Svf::<1>::default();
        let g = sine_gain(1000.0, fs, |x| s.lowpass(&c, [x])[0]);
        approx::assert_abs_diff_eq!(g, std::f64::consts::FRAC_1_SQRT_2, epsilon = 2e-3);
    }

    #[test]
    fn allpass_has_unit_gain() {
        let fs = 44_100.0;
        let c = SvfCoefs::new(prewarp(500.0, fs), 0.7);
        for f in [50.0, 500.0, 5000.0] {
            let mut s = Svf::<1>::default();
            let g = sine_gain(f, fs, |x| s.allpass(&c, [x])[0]);
            approx::assert_abs_diff_eq!(g, 1.0, epsilon = 2e-3);
        }
    }

    #[test]
    fn flush_zeroes_tiny_values() {
        assert_eq!(flush(1e-25), 0.0);
        assert_eq!(flush(1e-3), 1e-3);
    }
}
