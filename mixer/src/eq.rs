//! 3-band isolator EQ (DJ mixer style): kill at the bottom, unity in the middle, boost at the top.
//!
//! # Structure
//! Two Linkwitz-Riley crossovers, at [`LOW_CROSSOVER_HZ`] (250 Hz) and [`HIGH_CROSSOVER_HZ`]
//! (2.5 kHz), split the input into low, mid and high:
//!
//! ```text
//! x -> LR(250) -> low  -> AP(2500) -> low'
//!              -> rest -> LR(2500) -> mid
//!                                  -> high
//! ```
//!
//! A Linkwitz-Riley pair sums to an all-pass (`LP + HP = B(-s)/B(s)` for the Butterworth
//! polynomial `B`), so `mid + high = AP2500(rest)`; passing the low band through the same
//! all-pass `AP2500` makes the three bands phase-aligned: `low' + mid + high =
//! AP2500(AP250(x))`, a flat magnitude response.
//!
//! The crossovers are **8th-order** Linkwitz-Riley (a 4th-order Butterworth squared, four TPT
//! SVF sections per path with `k = 2cos(pi/8)` and `2cos(3pi/8)`), not 4th-order: with LR4
//! slopes a decade apart the neighbouring bands leak `1/(1 + (800/250)^4) + 1/(1 + (2500/800)^4)`
//! ≈ 0.0197 in phase at 800 Hz, a mid kill of only -34 dB; LR8 gives about -70 dB there and
//! better than -60 dB at 60 Hz and 8 kHz. The first section of each crossover is shared by
//! its low-pass and high-pass paths (Butterworth low- and high-pass share their poles).
//!
//! # Gains
//! Knob `0..1` per band ([`knob_to_gain`]): `-inf` (kill) at 0, `gain = (2k)^2` below the centre
//! (-12 dB at 0.25), 0 dB at 0.5 (with a ±0.002 detent), then a straight dB line up to
//! [`BOOST_MAX_DB`] (+6 dB) at 1. Gains are linear ramps of 10 ms.
//!
//! # Exact bypass
//! An all-pass is not the input, so when all three smoothed gains sit exactly at unity the EQ
//! outputs the input bit-exactly; entering or leaving that state crossfades (equal gain,
//! 10 ms) between the dry input and the isolator output. The crossover network always runs,
//! so its state is warm when the crossfade starts.

use crate::smoother::LinearSmoother;
use crate::svf::{prewarp, Svf, SvfCoefs, FLUSH_INTERVAL};

/// Low/mid crossover frequency in Hz.
pub const LOW_CROSSOVER_HZ: f64 = 250.0;
/// Mid/high crossover frequency in Hz.
pub const HIGH_CROSSOVER_HZ: f64 = 2500.0;
/// Gain at the top of a band knob, in dB.
pub const BOOST_MAX_DB: f32 = 6.0;
/// Half-width of the unity detent around the knob centre.
pub const KNOB_DETENT: f32 = 0.002;
/// Gain ramp time in ms.
pub const GAIN_RAMP_MS: f64 = 10.0;
/// Dry/isolator crossfade time in ms.
pub const BYPASS_RAMP_MS: f64 = 10.0;

/// `2 cos(pi/8)`: damping of the low-Q section of a 4th-order Butterworth.
const K1: f64 = 1.847_759_065_022_573_5;
/// `2 cos(3 pi/8)`: damping of the high-Q section of a 4th-order Butterworth.
const K2: f64 = 0.765_366_864_730_179_8;

/// Linear gain of a band knob in `0..1` (clamped; NaN gives unity). See the module docs.
pub fn knob_to_gain(knob: f32) -> f32 {
    if !knob.is_finite() || (knob - 0.5).abs() <= KNOB_DETENT {
        return 1.0;
    }
    let k = knob.clamp(0.0, 1.0);
    if k < 0.5 {
        let u = 2.0 * k;
        u * u
    } else {
        10f32.powf((k - 0.5) * 2.0 * BOOST_MAX_DB / 20.0)
    }
}

/// An 8th-order Linkwitz-Riley crossover (`N` lanes).
#[derive(Clone, Copy, Debug)]
struct Crossover<const N: usize> {
    c1: SvfCoefs,
    c2: SvfCoefs,
    first: Svf<N>,
    lp: [Svf<N>; 3],
    hp: [Svf<N>; 3],
}

impl<const N: usize> Crossover<N> {
    fn new(f_hz: f64, sample_rate: f64) -> Self {
        let g = prewarp(f_hz, sample_rate);
        Self {
            c1: SvfCoefs::new(g, K1),
            c2: SvfCoefs::new(g, K2),
            first: Svf::default(),
            lp: [Svf::default(); 3],
            hp: [Svf::default(); 3],
        }
    }

    fn flush(&mut self) {
        self.first.flush_state();
        self.lp.iter_mut().for_each(Svf::flush_state);
        self.hp.iter_mut().for_each(Svf::flush_state);
    }

    fn reset(&mut self) {
        self.first.reset();
        self.lp.iter_mut().for_each(Svf::reset);
        self.hp.iter_mut().for_each(Svf::reset);
    }

    /// Split into (low, high).
    #[inline]
    fn split(&mut self, x: [f64; N]) -> ([f64; N], [f64; N]) {
        let o = self.first.tick(&self.c1, x);
        let mut hp1 = x;
        for ((h, b), l) in hp1.iter_mut().zip(o.bp.iter()).zip(o.lp.iter()) {
            *h -= K1 * b + l;
        }
        let [l2, l3, l4] = &mut self.lp;
        let lo = l4.lowpass(&self.c2, l3.lowpass(&self.c1, l2.lowpass(&self.c2, o.lp)));
        let [h2, h3, h4] = &mut self.hp;
        let hi = h4.highpass(&self.c2, h3.highpass(&self.c1, h2.highpass(&self.c2, hp1)));
        (lo, hi)
    }
}

/// The 4th-order all-pass `B4(-s)/B4(s)` of a crossover (two SVF all-pass sections).
#[derive(Clone, Copy, Debug)]
struct Allpass4<const N: usize> {
    c1: SvfCoefs,
    c2: SvfCoefs,
    s1: Svf<N>,
    s2: Svf<N>,
}

impl<const N: usize> Allpass4<N> {
    fn new(f_hz: f64, sample_rate: f64) -> Self {
        let g = prewarp(f_hz, sample_rate);
        Self {
            c1: SvfCoefs::new(g, K1),
            c2: SvfCoefs::new(g, K2),
            s1: Svf::default(),
            s2: Svf::default(),
        }
    }

    fn reset(&mut self) {
        self.s1.reset();
        self.s2.reset();
    }

    fn flush(&mut self) {
        self.s1.flush_state();
        self.s2.flush_state();
    }

    #[inline]
    fn tick(&mut self, x: [f64; N]) -> [f64; N] {
        self.s2.allpass(&self.c2, self.s1.allpass(&self.c1, x))
    }
}

/// The crossover network alone: splits `N` lanes into phase-aligned low, mid and high bands
/// (`low + mid + high` is an all-pass of the input). The mixer runs both decks' stereo pairs
/// through one `EqNetwork<4>` (the crossovers are the same for every deck), which lets the CPU
/// overlap the two decks' filter chains; each deck applies its own [`BandGains`].
#[derive(Clone, Debug)]
pub struct EqNetwork<const N: usize> {
    low: Crossover<N>,
    high: Crossover<N>,
    comp: Allpass4<N>,
    flush_countdown: u32,
}

impl<const N: usize> EqNetwork<N> {
    /// The network for `sample_rate` Hz, state cleared.
    pub fn new(sample_rate: f64) -> Self {
        Self {
            low: Crossover::new(LOW_CROSSOVER_HZ, sample_rate),
            high: Crossover::new(HIGH_CROSSOVER_HZ, sample_rate),
            comp: Allpass4::new(HIGH_CROSSOVER_HZ, sample_rate),
            flush_countdown: FLUSH_INTERVAL,
        }
    }

    /// Recompute the crossovers for a new rate (clears the state).
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        *self = Self::new(sample_rate);
    }

    /// Clear the state.
    pub fn reset(&mut self) {
        self.low.reset();
        self.high.reset();
        self.comp.reset();
        self.flush_countdown = FLUSH_INTERVAL;
    }

    /// One sample: `(low, mid, high)` per lane.
    #[inline]
    pub fn bands(&mut self, x: [f64; N]) -> ([f64; N], [f64; N], [f64; N]) {
        self.flush_countdown -= 1;
        if self.flush_countdown == 0 {
            self.flush_countdown = FLUSH_INTERVAL;
            self.low.flush();
            self.high.flush();
            self.comp.flush();
        }
        let (lo, rest) = self.low.split(x);
        let (mid, hi) = self.high.split(rest);
        (self.comp.tick(lo), mid, hi)
    }
}

/// The band gains of one isolator (shared by its lanes), with their ramps and the exact
/// bypass crossfade.
#[derive(Clone, Debug)]
pub struct BandGains {
    gains: [LinearSmoother; 3],
    wet: LinearSmoother,
}

impl BandGains {
    /// Unity gains (bypassed) for `sample_rate` Hz.
    pub fn new(sample_rate: f64) -> Self {
        let mut g = Self {
            gains: [LinearSmoother::new(1.0, 1); 3],
            wet: LinearSmoother::new(0.0, 1),
        };
        g.set_sample_rate(sample_rate);
        g
    }

    /// Ramp lengths for a new rate.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        let g = LinearSmoother::ramp_samples(GAIN_RAMP_MS, sample_rate);
        self.gains.iter_mut().for_each(|s| s.set_ramp_len(g));
        self.wet
            .set_ramp_len(LinearSmoother::ramp_samples(BYPASS_RAMP_MS, sample_rate));
        self.reset();
    }

    /// Jump every ramp to its target.
    pub fn reset(&mut self) {
        self.gains.iter_mut().for_each(LinearSmoother::snap);
        let unity = self.gains.iter().all(|g| g.value() == 1.0);
        self.wet.set_immediate(if unity { 0.0 } else { 1.0 });
    }

    /// Set the band knobs (`0..1` each, see [`knob_to_gain`]).
    pub fn set_knobs(&mut self, low: f32, mid: f32, high: f32) {
        self.set_gains(knob_to_gain(low), knob_to_gain(mid), knob_to_gain(high));
    }

    /// Set linear band gains (clamped to `0..=2`, i.e. at most +6 dB; NaN gives unity).
    pub fn set_gains(&mut self, low: f32, mid: f32, high: f32) {
        let max = 10f32.powf(BOOST_MAX_DB / 20.0);
        for (s, g) in self.gains.iter_mut().zip([low, mid, high]) {
            s.set_target(if g.is_finite() {
                g.clamp(0.0, max)
            } else {
                1.0
            });
        }
    }

    /// True when the output currently is the input, unchanged.
    pub fn is_bypassed(&self) -> bool {
        self.wet.value() == 0.0 && self.wet.is_settled()
    }

    /// Advance the ramps one sample and mix the bands of `M` lanes: the dry input `x` when
    /// bypassed, `gl low + gm mid + gh high` otherwise, crossfaded in between.
    #[inline]
    pub fn apply<const M: usize>(
        &mut self,
        x: [f64; M],
        lo: [f64; M],
        mid: [f64; M],
        hi: [f64; M],
    ) -> [f64; M] {
        let [gl, gm, gh] = [
            self.gains[0].next_value(),
            self.gains[1].next_value(),
            self.gains[2].next_value(),
        ];
        let unity = gl == 1.0
            && gm == 1.0
            && gh == 1.0
            && self.gains.iter().all(LinearSmoother::is_settled);
        self.wet.set_target(if unity { 0.0 } else { 1.0 });
        let mix = f64::from(self.wet.next_value());
        if mix == 0.0 {
            return x;
        }
        let (gl, gm, gh) = (f64::from(gl), f64::from(gm), f64::from(gh));
        let mut y = x;
        for (((yi, l), m), h) in y.iter_mut().zip(lo).zip(mid).zip(hi) {
            let wet = gl * l + gm * m + gh * h;
            *yi = if mix == 1.0 {
                wet
            } else {
                *yi + (wet - *yi) * mix
            };
        }
        y
    }
}

/// The isolator EQ over `N` lanes (a deck's stereo pair is `Isolator<2>`); the gains are
/// shared by all lanes. An [`EqNetwork`] plus [`BandGains`].
#[derive(Clone, Debug)]
pub struct Isolator<const N: usize> {
    net: EqNetwork<N>,
    gains: BandGains,
}

impl<const N: usize> Isolator<N> {
    /// An isolator at unity (bypassed) for `sample_rate` Hz.
    pub fn new(sample_rate: f64) -> Self {
        Self {
            net: EqNetwork::new(sample_rate),
            gains: BandGains::new(sample_rate),
        }
    }

    /// Recompute the crossovers and ramp lengths for a new rate, and reset.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        self.net.set_sample_rate(sample_rate);
        self.gains.set_sample_rate(sample_rate);
    }

    /// Clear the filter state and jump every ramp to its target.
    pub fn reset(&mut self) {
        self.net.reset();
        self.gains.reset();
    }

    /// Set the band knobs (`0..1` each, see [`knob_to_gain`]).
    pub fn set_knobs(&mut self, low: f32, mid: f32, high: f32) {
        self.gains.set_knobs(low, mid, high);
    }

    /// Set linear band gains (clamped to `0..=2`, i.e. at most +6 dB).
    pub fn set_gains(&mut self, low: f32, mid: f32, high: f32) {
        self.gains.set_gains(low, mid, high);
    }

    /// True when the EQ currently outputs its input unchanged.
    pub fn is_bypassed(&self) -> bool {
        self.gains.is_bypassed()
    }

    /// The band outputs without gains (for tests of the crossover network).
    #[cfg(test)]
    pub(crate) fn bands(&mut self, x: [f64; N]) -> ([f64; N], [f64; N], [f64; N]) {
        self.net.bands(x)
    }

    /// One sample (all lanes).
    #[inline]
    pub fn tick(&mut self, x: [f64; N]) -> [f64; N] {
        let (lo, mid, hi) = self.net.bands(x);
        self.gains.apply(x, lo, mid, hi)
    }

    /// Process `N` channels in place (the shortest channel sets the length).
    pub fn process(&mut self, channels: [&mut [f32]; N]) {
        crate::frames::process_in_place(channels, |x| self.tick(x));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn gain_db(f: f64, fs: f64, mut run: impl FnMut(f64) -> f64) -> f64 {
        let n = (fs * 0.6) as usize;
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..n {
            let x = (2.0 * PI * f * i as f64 / fs).sin();
            let y = run(x);
            if i > n / 3 {
                num += y * y;
                den += x * x;
            }
        }
        10.0 * (num / den).log10()
    }

    #[test]
    fn knob_taper_table() {
        // (knob, expected linear gain): (2k)^2 below the centre, dB line above.
        for (k, g) in [
            (0.0f32, 0.0f32),
            (0.25, 0.25),
            (0.5, 1.0),
            (0.501, 1.0),
            (0.75, 10f32.powf(3.0 / 20.0)),
            (1.0, 10f32.powf(6.0 / 20.0)),
        ] {
            approx::assert_abs_diff_eq!(knob_to_gain(k), g, epsilon = 1e-6);
        }
    }

    #[test]
    fn bands_sum_to_a_flat_allpass() {
        // low' + mid + high = AP(x): unit magnitude at every frequency (within 0.01 dB).
        let fs = 48_000.0;
        for f in [40.0, 250.0, 790.0, 2500.0, 10_000.0] {
            let mut eq = Isolator::<1>::new(fs);
            let db = gain_db(f, fs, |x| {
                let (l, m, h) = eq.bands([x]);
                l[0] + m[0] + h[0]
            });
            assert!(db.abs() < 0.01, "{f} Hz: {db} dB");
        }
    }

    #[test]
    fn kill_depth_and_boost_at_band_centres() {
        for fs in [22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0] {
            for (band, f) in [(0usize, 60.0), (1, 800.0), (2, 8000.0)] {
                let mut knobs = [0.5f32; 3];
                knobs[band] = 0.0;
                let mut eq = Isolator::<1>::new(fs);
                eq.set_knobs(knobs[0], knobs[1], knobs[2]);
                eq.reset();
                let kill = gain_db(f, fs, |x| eq.tick([x])[0]);
                assert!(
                    kill <= -40.0,
                    "{fs} Hz rate, band {band} at {f} Hz: {kill} dB"
                );
                knobs[band] = 1.0;
                eq.set_knobs(knobs[0], knobs[1], knobs[2]);
                eq.reset();
                let boost = gain_db(f, fs, |x| eq.tick([x])[0]);
                assert!((boost - 6.0).abs() <= 0.5, "band {band} boost {boost} dB");
            }
        }
    }

    #[test]
    fn unity_is_bit_exact() {
        let mut eq = Isolator::<2>::new(48_000.0);
        let mut l: Vec<f32> = (0..4800).map(|i| (i as f32 * 0.01).sin() * 0.9).collect();
        let mut r: Vec<f32> = (0..4800).map(|i| (i as f32 * 0.037).cos() * 0.5).collect();
        let (l0, r0) = (l.clone(), r.clone());
        eq.process([&mut l, &mut r]);
        assert_eq!(l, l0);
        assert_eq!(r, r0);
        // Leave bypass and come back: exact again once the ramps have settled.
        eq.set_knobs(0.2, 0.5, 0.9);
        eq.process([&mut l, &mut r]);
        eq.set_knobs(0.5, 0.5, 0.5);
        let mut l: Vec<f32> = l0.clone();
        let mut r: Vec<f32> = r0.clone();
        eq.process([&mut l, &mut r]);
        assert!(eq.is_bypassed());
        let tail = 2000;
        assert_eq!(l[tail..], l0[tail..]);
        assert_eq!(r[tail..], r0[tail..]);
    }
}
