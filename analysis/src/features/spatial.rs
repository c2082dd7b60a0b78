//! Stereo image from the first two channels at the native rate: width, side/mid level,
//! left/right balance and phase coherence (the correlation meter's
//! `sum(L*R) / sqrt(sum(L^2) * sum(R^2))`, +1 mono, 0 unrelated, -1 out of phase).

use crate::util::finite;
use serde::{Deserialize, Serialize};

/// Level ratios are clamped to +-this many dB (a silent side reads -100 dB, not -inf).
const DB_LIMIT: f64 = 100.0;

/// Running sums over the stream (constant memory).
#[derive(Default)]
pub struct SpatialAccumulator {
    sum_ll: f64,
    sum_rr: f64,
    sum_lr: f64,
    sum_abs_mid: f64,
    sum_abs_side: f64,
    frames: u64,
    stereo: bool,
}

impl SpatialAccumulator {
    pub fn new(channels: usize) -> Self {
        SpatialAccumulator {
            stereo: channels >= 2,
            ..Default::default()
        }
    }

    /// Feeds one planar block.
    pub fn push(&mut self, planes: &[&[f32]]) {
        let (l, r) = match planes {
            [l, r, ..] => (*l, *r),
            [m] => (*m, *m),
            [] => return,
        };
        let (mut ll, mut rr, mut lr, mut am, mut aside) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
        for (&a, &b) in l.iter().zip(r) {
            let (a, b) = (f64::from(a), f64::from(b));
            ll += a * a;
            rr += b * b;
            lr += a * b;
            am += ((a + b) * 0.5).abs();
            aside += ((a - b) * 0.5).abs();
        }
        self.sum_ll += ll;
        self.sum_rr += rr;
        self.sum_lr += lr;
        self.sum_abs_mid += am;
        self.sum_abs_side += aside;
        self.frames += l.len().min(r.len()) as u64;
    }

    pub fn finish(&self) -> Spatial {
        let db = |num: f64, den: f64| -> Option<f64> {
            if num <= 0.0 && den <= 0.0 {
                return None;
            }
            let v = if den <= 0.0 {
                DB_LIMIT
            } else if num <= 0.0 {
                -DB_LIMIT
            } else {
                (10.0 * (num / den).log10()).clamp(-DB_LIMIT, DB_LIMIT)
            };
            finite(v)
        };
        // Mid = (L+R)/2, side = (L-R)/2: their energies follow from the L/R sums.
        let mid_sq = (self.sum_ll + self.sum_rr + 2.0 * self.sum_lr) / 4.0;
        let side_sq = (self.sum_ll + self.sum_rr - 2.0 * self.sum_lr) / 4.0;
        let silent = self.sum_ll + self.sum_rr <= 1e-20;
        Spatial {
            is_stereo: self.stereo,
            width: (!silent && self.sum_abs_mid > 0.0)
                .then(|| self.sum_abs_side / self.sum_abs_mid)
                .and_then(finite),
            side_mid_db: if silent {
                None
            } else {
                db(side_sq.max(0.0), mid_sq.max(0.0))
            },
            balance_db: if silent {
                None
            } else {
                db(self.sum_ll, self.sum_rr)
            },
            phase_coherence: (!silent)
                .then(|| self.sum_lr / ((self.sum_ll * self.sum_rr).sqrt() + 1e-30))
                .and_then(finite),
        }
    }
}

/// The spatial section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Spatial {
    /// False for mono files (then L = R = the one channel).
    pub is_stereo: bool,
    /// mean|S| / mean|M|: 0 for mono, 1 for unrelated equal channels or one-sided audio.
    pub width: Option<f64>,
    /// Side energy over mid energy, dB (-100 for mono).
    pub side_mid_db: Option<f64>,
    /// Left over right energy, dB (+100 when the right channel is silent).
    pub balance_db: Option<f64>,
    /// Correlation of L and R at lag 0, -1..1.
    pub phase_coherence: Option<f64>,
}
