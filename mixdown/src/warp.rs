//! Reading a track at any (fractional) position: band-limited interpolation with a
//! windowed-sinc (Lanczos, 8 lobes) kernel, tabulated.
//!
//! Written here rather than taken from rubato: the mix needs each output sample of a deck
//! at an exact position of the source (its beat grid placed on the output's beat clock,
//! so both decks' beats coincide), with a ratio that glides during a transition. rubato
//! converts streams at a ratio and hides where each sample came from.

/// Taps of the kernel (samples read per output sample).
const TAPS: usize = 16;
/// The kernel's half width (`TAPS / 2` lobes).
const LOBES: f64 = 8.0;
/// Fractional positions tabulated.
const PHASES: usize = 1024;

/// A tabulated Lanczos interpolator.
pub struct Interpolator {
    /// `PHASES + 1` rows of `TAPS` weights: row `p` for fractional position `p / PHASES`.
    table: Vec<[f32; TAPS]>,
}

impl Default for Interpolator {
    fn default() -> Self {
        Self::new()
    }
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 {
        1.0
    } else {
        let px = std::f64::consts::PI * x;
        px.sin() / px
    }
}

impl Interpolator {
    /// Builds the table.
    pub fn new() -> Self {
        let table = (0..=PHASES)
            .map(|p| {
                let frac = p as f64 / PHASES as f64;
                let mut row = [0.0f32; TAPS];
                for (k, w) in row.iter_mut().enumerate() {
                    // Tap `k` reads sample `floor(pos) - 7 + k`.
                    let d = frac - (k as f64 - (LOBES - 1.0));
                    *w = if d.abs() < LOBES {
                        (sinc(d) * sinc(d / LOBES)) as f32
                    } else {
                        0.0
                    };
                }
                row
            })
            .collect();
        Interpolator { table }
    }

    /// `x` at fractional sample `pos` (zero outside `x`). Exact at whole positions.
    #[inline]
    pub fn at(&self, x: &[f32], pos: f64) -> f32 {
        if !pos.is_finite() {
            return 0.0;
        }
        // (A truncating cast, not `floor`: a libm call on baseline x86-64, and this runs
        // per sample.)
        let t = pos as i64;
        let base = if (t as f64) > pos { t - 1 } else { t } as f64;
        let frac = pos - base;
        let i0 = base as i64 - (LOBES as i64 - 1);
        let ph = frac * PHASES as f64;
        let p = (ph as usize).min(PHASES - 1);
        let w = (ph - p as f64) as f32;
        let (r0, r1) = (&self.table[p], &self.table[p + 1]);
        let n = x.len() as i64;
        if frac == 0.0 {
            let i = base as i64;
            return if (0..n).contains(&i) {
                x[i as usize]
            } else {
                0.0
            };
        }
        let mut acc = 0.0f32;
        if i0 >= 0 && i0 + TAPS as i64 <= n {
            let s = &x[i0 as usize..i0 as usize + TAPS];
            for k in 0..TAPS {
                acc += s[k] * (r0[k] + w * (r1[k] - r0[k]));
            }
        } else {
            for k in 0..TAPS {
                let i = i0 + k as i64;
                if (0..n).contains(&i) {
                    acc += x[i as usize] * (r0[k] + w * (r1[k] - r0[k]));
                }
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_positions_are_exact_and_a_sine_reads_back_at_fractional_ones() {
        let rate = 48_000.0;
        let x: Vec<f32> = (0..4800)
            .map(|i| (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / rate).sin() as f32)
            .collect();
        let it = Interpolator::new();
        assert_eq!(it.at(&x, 100.0), x[100]);
        let mut worst = 0.0f64;
        for k in 0..1000 {
            let pos = 200.0 + k as f64 * 3.377;
            let truth = (2.0 * std::f64::consts::PI * 1000.0 * pos / rate).sin();
            worst = worst.max((f64::from(it.at(&x, pos)) - truth).abs());
        }
        assert!(worst < 1e-3, "worst error {worst}");
        assert_eq!(it.at(&x, -50.0), 0.0);
        assert_eq!(it.at(&x, f64::NAN), 0.0);
    }
}
