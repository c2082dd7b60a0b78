//! The mono downmix every analysis reads (offline, live, the plugin's decks): the channel
//! mean, except for stereo whose channels are out of phase.
//!
//! Why not always the mean: a stereo recording whose channels are mostly in antiphase
//! (a tracker module's "surround" panning, a phase-inverted channel, some matrix-surround
//! encodes) cancels in `(L + R) / 2`. One of the rendered tracker modules of
//! `scripts/trackerset` came out 75 dB down, and its key and chroma were empty. When the
//! side `(L − R)` carries ten times the energy of the mid `(L + R)` over the last second
//! or so, the downmix is `(L − R) / 2` instead; it returns to the mean once the mid
//! carries a third of the side's energy (hysteresis: ordinary stereo, whose mid is far
//! stronger than its side, never switches).
//!
//! No allocation and no branch per sample beyond the channel count: the audio thread may
//! call it.

use std::ops::Range;

/// Smoothing of the mid and side energies: each sample weighs `1 / SMOOTHING_SAMPLES`
/// (about 1.5 s at 44.1 kHz).
const SMOOTHING_SAMPLES: f64 = 65536.0;
/// The side must carry this many times the mid's energy to switch to the side.
const TO_SIDE: f64 = 10.0;
/// The mid must carry this share of the side's energy to switch back.
const TO_MID: f64 = 1.0 / 3.0;

/// Stateful downmix (see the module docs). `Default` starts on the channel mean.
#[derive(Clone, Debug, Default)]
pub struct Downmix {
    mid_energy: f64,
    side_energy: f64,
    side: bool,
}

impl Downmix {
    /// A downmix that starts on the channel mean.
    pub fn new() -> Self {
        Self::default()
    }

    /// Updates the choice from frames `range` of `planes` (every plane at least that long);
    /// call it before [`Downmix::mix`] for those frames. Non-finite samples count as 0.
    pub fn observe(&mut self, planes: &[&[f32]], range: Range<usize>) {
        let [l, r] = planes else {
            self.side = false;
            return;
        };
        let n = range.len();
        let hi = range.end.min(l.len()).min(r.len());
        let lo = range.start.min(hi);
        // Eight lanes of f32 sums, so that the loop vectorises (this runs on every sample).
        let (mut mid8, mut side8) = ([0.0f32; 8], [0.0f32; 8]);
        let (lc, rc) = (l[lo..hi].chunks_exact(8), r[lo..hi].chunks_exact(8));
        let (lrest, rrest) = (lc.remainder(), rc.remainder());
        for (a8, b8) in lc.zip(rc) {
            for k in 0..8 {
                let (a, b) = (a8[k], b8[k]);
                mid8[k] += (a + b) * (a + b);
                side8[k] += (a - b) * (a - b);
            }
        }
        let mut mid: f64 = mid8.iter().map(|&v| f64::from(v)).sum();
        let mut side: f64 = side8.iter().map(|&v| f64::from(v)).sum();
        for (&a, &b) in lrest.iter().zip(rrest) {
            mid += f64::from((a + b) * (a + b));
            side += f64::from((a - b) * (a - b));
        }
        // Non-finite samples (the analyser replaces them; a host may not) count as 0.
        if !(mid.is_finite() && side.is_finite()) {
            (mid, side) = (0.0, 0.0);
            for (&a, &b) in l[lo..hi].iter().zip(&r[lo..hi]) {
                let (a, b) = (finite(a), finite(b));
                mid += f64::from((a + b) * (a + b));
                side += f64::from((a - b) * (a - b));
            }
        }
        let keep = (-(n as f64) / SMOOTHING_SAMPLES).exp();
        self.mid_energy = keep * self.mid_energy + (1.0 - keep) * mid;
        self.side_energy = keep * self.side_energy + (1.0 - keep) * side;
        if self.side {
            self.side = self.mid_energy < TO_MID * self.side_energy;
        } else {
            self.side = self.mid_energy * TO_SIDE < self.side_energy;
        }
    }

    /// The mono sample of frame `i` (channels beyond the planes' lengths count as 0).
    #[inline]
    pub fn mix(&self, planes: &[&[f32]], i: usize) -> f32 {
        if self.side {
            if let [l, r] = planes {
                return 0.5 * (l.get(i).copied().unwrap_or(0.0) - r.get(i).copied().unwrap_or(0.0));
            }
        }
        let n = planes.len().max(1) as f32;
        planes
            .iter()
            .map(|p| p.get(i).copied().unwrap_or(0.0))
            .sum::<f32>()
            / n
    }

    /// Appends the mono samples of frames `range` to `out`, as [`Downmix::mix`] gives them
    /// frame by frame but in loops that vectorise (every plane at least `range.end` long).
    pub fn mix_into(&self, planes: &[&[f32]], range: Range<usize>, out: &mut Vec<f32>) {
        let start = out.len();
        out.resize(start + range.len(), 0.0);
        let dst = &mut out[start..];
        match planes {
            [l, r] if self.side => {
                for ((d, &a), &b) in dst.iter_mut().zip(&l[range.clone()]).zip(&r[range]) {
                    *d = 0.5 * (a - b);
                }
            }
            _ => {
                let scale = 1.0 / planes.len().max(1) as f32;
                for p in planes {
                    for (d, &x) in dst.iter_mut().zip(&p[range.clone()]) {
                        *d += x * scale;
                    }
                }
            }
        }
    }

    /// Whether the downmix is the side `(L − R) / 2` (out-of-phase stereo).
    pub fn is_side(&self) -> bool {
        self.side
    }
}

fn finite(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize, phase_flip: bool) -> (Vec<f32>, Vec<f32>) {
        let l: Vec<f32> = (0..n).map(|i| (i as f32 * 0.05).sin()).collect();
        let r = l
            .iter()
            .map(|&x| if phase_flip { -x } else { 0.5 * x })
            .collect();
        (l, r)
    }

    fn mono(d: &mut Downmix, l: &[f32], r: &[f32]) -> Vec<f32> {
        let planes = [l, r];
        let mut out = Vec::new();
        for start in (0..l.len()).step_by(1024) {
            let range = start..(start + 1024).min(l.len());
            d.observe(&planes, range.clone());
            out.extend(range.map(|i| d.mix(&planes, i)));
        }
        out
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn antiphase_stereo_keeps_its_level_and_ordinary_stereo_is_the_mean() {
        // Antiphase: the mean is silent; the downmix keeps the tone from the first block.
        let (l, r) = tone(44_100, true);
        let mut d = Downmix::new();
        let m = mono(&mut d, &l, &r);
        assert!(d.is_side());
        assert!((rms(&m) - rms(&l)).abs() < 1e-3, "{}", rms(&m));
        // In phase (one side quieter): exactly the channel mean, all along.
        let (l, r) = tone(44_100, false);
        let mut d = Downmix::new();
        let m = mono(&mut d, &l, &r);
        assert!(!d.is_side());
        for (i, v) in m.iter().enumerate() {
            assert_eq!(*v, 0.5 * (l[i] + r[i]));
        }
    }

    #[test]
    fn returns_to_the_mean_when_the_stereo_comes_back_in_phase() {
        let mut d = Downmix::new();
        let (l, r) = tone(44_100, true);
        mono(&mut d, &l, &r);
        assert!(d.is_side());
        let (l, r) = tone(10 * 44_100, false);
        mono(&mut d, &l, &r);
        assert!(!d.is_side());
    }

    #[test]
    fn mono_and_multichannel_are_the_mean_and_bad_samples_do_not_poison_it() {
        let mut d = Downmix::new();
        let a = [1.0f32, 2.0, f32::NAN];
        let b = [3.0f32, 4.0, 1.0];
        let c = [5.0f32, 6.0, 1.0];
        d.observe(&[&a, &b, &c], 0..3);
        assert_eq!(d.mix(&[&a, &b, &c], 0), 3.0);
        d.observe(&[&a], 0..3);
        assert_eq!(d.mix(&[&a], 1), 2.0);
        let mut d = Downmix::new();
        d.observe(&[&a, &b], 0..3);
        assert!(!d.is_side());
        assert_eq!(d.mix(&[&a, &b], 5), 0.0);
    }
}
