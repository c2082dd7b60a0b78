//! Level controls: trim, channel-fader taper and crossfader curves, as pure functions.
//!
//! * **Trim**: `-12..+12` dB, `gain = 10^(dB/20)` ([`trim_gain`]).
//! * **Channel fader**: `0..1` with a square-law audio taper, `gain = v^2`: `-inf` at 0,
//!   `-12.04` dB at 0.25, `-6.02` dB at 0.5, `-2.5` dB at 0.75, 0 dB at 1 ([`fader_gain`]).
//! * **Crossfader**: position `-1` (deck A only) .. `+1` (deck B only); with `t = (x + 1)/2`:
//!   - [`CurveKind::Additive`]: `gA = min(1, s (1 - t))`, `gB = min(1, s t)` with slope
//!     `s = 2 * 16^curve`. At `curve = 0` this is the classic `gA = min(1, 1 - x)`: both decks
//!     full in the middle, linear fades on each half; `curve = 1` fades over the last 1/32 of
//!     the travel only.
//!   - [`CurveKind::ConstantPower`]: `gA = cos(pi/2 w)`, `gB = sin(pi/2 w)` with the warp
//!     `w = t^p / (t^p + (1-t)^p)`, `p = 1 + 3 curve`. At `curve = 0`, `w = t`, i.e.
//!     `gA = cos(pi/4 (x + 1))`; every curve keeps `gA^2 + gB^2 = 1` and -3 dB each in the
//!     middle, larger curves keep both sides nearer full/silent longer and move faster through
//!     the middle.
//!   - [`CurveKind::Cut`]: a scratch curve: `gA = min(1, (1 - t)/e)`, `gB = min(1, t/e)` with
//!     the fade region `e = 0.05 * 0.1^curve` of the travel (5% at `curve = 0`, 0.5% at 1).
//!
//! At `-1`, `0`, `+1` the gains are `(1, 0)`, `(1, 1)` (additive, cut) or `(0.7071, 0.7071)`
//! (constant power), `(0, 1)` for every curve value.

use serde::{Deserialize, Serialize};
use std::f32::consts::FRAC_PI_2;

/// Trim range in dB (symmetric).
pub const TRIM_RANGE_DB: f32 = 12.0;

/// Crossfader curve family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurveKind {
    /// Both decks at full level in the middle.
    #[default]
    Additive,
    /// -3 dB each in the middle, constant summed power.
    ConstantPower,
    /// Both full except in a small region at each end (scratch).
    Cut,
}

/// Linear gain of a trim setting in dB, clamped to `-12..+12` dB (NaN gives unity).
pub fn trim_gain(db: f32) -> f32 {
    let db = if db.is_finite() {
        db.clamp(-TRIM_RANGE_DB, TRIM_RANGE_DB)
    } else {
        0.0
    };
    10f32.powf(db / 20.0)
}

/// Linear gain of the channel fader at `v` in `0..1`: `v^2` (clamped; NaN gives 0).
pub fn fader_gain(v: f32) -> f32 {
    let v = if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    };
    v * v
}

/// Gains `(deck A, deck B)` of the crossfader at `pos` in `-1..1` for a curve family and a
/// `curve` amount in `0..1` (smooth .. sharp). Inputs are clamped; NaN counts as the centre
/// (position) or 0 (curve). See the module docs for the formulas.
pub fn crossfader_gains(pos: f32, kind: CurveKind, curve: f32) -> (f32, f32) {
    let pos = if pos.is_finite() {
        pos.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let curve = if curve.is_finite() {
        curve.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let t = (pos + 1.0) * 0.5;
    match kind {
        CurveKind::Additive => {
            let s = 2.0 * 16f32.powf(curve);
            ((s * (1.0 - t)).min(1.0), (s * t).min(1.0))
        }
        CurveKind::ConstantPower => {
            if t <= 0.0 {
                return (1.0, 0.0);
            }
            if t >= 1.0 {
                return (0.0, 1.0);
            }
            let p = 1.0 + 3.0 * curve;
            let a = t.powf(p);
            let b = (1.0 - t).powf(p);
            let w = a / (a + b);
            let phi = FRAC_PI_2 * w;
            (phi.cos(), phi.sin())
        }
        CurveKind::Cut => {
            let e = 0.05 * 0.1f32.powf(curve);
            (((1.0 - t) / e).min(1.0), (t / e).min(1.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn crossfader_table_at_ends_and_centre() {
        let h = std::f32::consts::FRAC_1_SQRT_2;
        // (kind, gains at -1, gains at 0, gains at +1)
        let table = [
            (CurveKind::Additive, (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)),
            (CurveKind::ConstantPower, (1.0, 0.0), (h, h), (0.0, 1.0)),
            (CurveKind::Cut, (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)),
        ];
        for (kind, l, c, r) in table {
            for curve in [0.0, 0.5, 1.0] {
                for (pos, want) in [(-1.0, l), (0.0, c), (1.0, r)] {
                    let (a, b) = crossfader_gains(pos, kind, curve);
                    assert_abs_diff_eq!(a, want.0, epsilon = 1e-6);
                    assert_abs_diff_eq!(b, want.1, epsilon = 1e-6);
                }
            }
        }
    }

    #[test]
    fn crossfader_shapes_between() {
        // Additive curve 0 at x = -0.5 (t = 0.25): gA = min(1, 1.5) = 1, gB = 0.5.
        let (a, b) = crossfader_gains(-0.5, CurveKind::Additive, 0.0);
        assert_abs_diff_eq!(a, 1.0);
        assert_abs_diff_eq!(b, 0.5, epsilon = 1e-6);
        // Constant power curve 0 at x = -0.5: cos(pi/8), sin(pi/8).
        let (a, b) = crossfader_gains(-0.5, CurveKind::ConstantPower, 0.0);
        assert_abs_diff_eq!(a, 0.923_879_5, epsilon = 1e-6);
        assert_abs_diff_eq!(b, 0.382_683_4, epsilon = 1e-6);
        // Constant power keeps power 1 for any curve.
        for x in [-0.9f32, -0.3, 0.2, 0.7] {
            let (a, b) = crossfader_gains(x, CurveKind::ConstantPower, 0.8);
            assert_abs_diff_eq!(a * a + b * b, 1.0, epsilon = 1e-5);
        }
        // Cut curve 0: full until the last 5% of travel (x > 0.9), half way in that region.
        let (a, _) = crossfader_gains(0.89, CurveKind::Cut, 0.0);
        assert_abs_diff_eq!(a, 1.0);
        let (a, _) = crossfader_gains(0.95, CurveKind::Cut, 0.0);
        assert_abs_diff_eq!(a, 0.5, epsilon = 1e-4);
        // A sharper curve is never quieter in the middle region.
        let (a0, _) = crossfader_gains(0.6, CurveKind::Additive, 0.0);
        let (a1, _) = crossfader_gains(0.6, CurveKind::Additive, 1.0);
        assert!(a1 >= a0);
    }

    #[test]
    fn fader_taper_table() {
        for (v, want) in [
            (0.0, 0.0),
            (0.25, 0.0625),
            (0.5, 0.25),
            (0.75, 0.5625),
            (1.0, 1.0),
        ] {
            assert_abs_diff_eq!(fader_gain(v), want, epsilon = 1e-7);
        }
        assert_eq!(fader_gain(f32::NAN), 0.0);
        assert_eq!(fader_gain(2.0), 1.0);
    }

    #[test]
    fn trim_is_exact_in_db() {
        for db in [-12.0f32, -6.0, 0.0, 6.0, 12.0] {
            assert_abs_diff_eq!(20.0 * trim_gain(db).log10(), db, epsilon = 1e-4);
        }
        assert_eq!(trim_gain(0.0), 1.0);
        assert_abs_diff_eq!(trim_gain(30.0), trim_gain(12.0));
        assert_eq!(trim_gain(f32::NAN), 1.0);
    }
}
