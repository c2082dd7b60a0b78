//! Instrumentation: band presence, percussive ratio by harmonic-percussive separation
//! (Fitzgerald 2010, median filters across time and across frequency, soft masks), and
//! simple heuristics.
//!
//! HPSS runs streaming on a log-band spectrogram (48 bands, every other fast frame) so
//! its cost stays a few percent of the analysis: 9 frames (~210 ms) across time,
//! 9 bands (~1.4 octaves) across frequency.

use crate::stft::SpectrumFrame;
use crate::util::finite;
use serde::{Deserialize, Serialize};

const BANDS: usize = 48;
const LOW_HZ: f32 = 40.0;
const HIGH_HZ: f32 = 11_000.0;
const TIME_KERNEL: usize = 9;
const FREQ_KERNEL: usize = 9;
/// HPSS looks at every `DECIMATE`-th fast frame.
const DECIMATE: usize = 2;

/// Streaming harmonic/percussive energy split.
pub struct PercussiveAccumulator {
    band_of_bin: Vec<u8>,
    /// Ring of the last `TIME_KERNEL` band spectra.
    ring: [[f32; BANDS]; TIME_KERNEL],
    filled: usize,
    next: usize,
    percussive: f64,
    harmonic: f64,
}

impl PercussiveAccumulator {
    pub fn new(bins: usize, bin_hz: f32) -> Self {
        let span = (HIGH_HZ / LOW_HZ).log2();
        let band_of_bin = (0..bins)
            .map(|k| {
                let f = k as f32 * bin_hz;
                if !(LOW_HZ..HIGH_HZ).contains(&f) {
                    u8::MAX
                } else {
                    ((BANDS as f32 * (f / LOW_HZ).log2() / span) as usize).min(BANDS - 1) as u8
                }
            })
            .collect();
        PercussiveAccumulator {
            band_of_bin,
            ring: [[0.0; BANDS]; TIME_KERNEL],
            filled: 0,
            next: 0,
            percussive: 0.0,
            harmonic: 0.0,
        }
    }

    pub fn push(&mut self, frame: &SpectrumFrame) {
        if !frame.index.is_multiple_of(DECIMATE) {
            return;
        }
        let slot = &mut self.ring[self.next];
        *slot = [0.0; BANDS];
        for (&b, &m) in self.band_of_bin.iter().zip(frame.magnitudes) {
            if let Some(s) = slot.get_mut(usize::from(b)) {
                *s += m * m;
            }
        }
        self.next = (self.next + 1) % TIME_KERNEL;
        self.filled = (self.filled + 1).min(TIME_KERNEL);
        if self.filled == TIME_KERNEL {
            self.split_centre();
        }
    }

    fn split_centre(&mut self) {
        let centre = &self.ring[(self.next + TIME_KERNEL / 2) % TIME_KERNEL];
        for b in 0..BANDS {
            let mut across_time = [0.0f32; TIME_KERNEL];
            for (t, v) in across_time.iter_mut().enumerate() {
                *v = self.ring[t][b];
            }
            let h = median_in_place(&mut across_time);
            let lo = b.saturating_sub(FREQ_KERNEL / 2);
            let hi = (b + FREQ_KERNEL / 2 + 1).min(BANDS);
            let mut across_freq = [0.0f32; FREQ_KERNEL];
            let n = hi - lo;
            across_freq[..n].copy_from_slice(&centre[lo..hi]);
            let p = median_in_place(&mut across_freq[..n]);
            let s = f64::from(centre[b]);
            let (h2, p2) = (f64::from(h) * f64::from(h), f64::from(p) * f64::from(p));
            if h2 + p2 > 0.0 {
                self.percussive += s * p2 / (h2 + p2);
                self.harmonic += s * h2 / (h2 + p2);
            }
        }
    }

    /// Percussive share of the energy, 0..1; `None` for silence.
    pub fn percussive_ratio(&self) -> Option<f64> {
        let total = self.percussive + self.harmonic;
        (total > 1e-12).then(|| self.percussive / total)
    }
}

fn median_in_place(xs: &mut [f32]) -> f32 {
    let mid = xs.len() / 2;
    *xs.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// The instrumentation section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Instrumentation {
    /// Share of spectral power below 150 Hz.
    pub bass_presence: Option<f64>,
    /// Share of spectral power in 150-2000 Hz.
    pub mid_presence: Option<f64>,
    /// Share of spectral power at 2000 Hz and above.
    pub treble_presence: Option<f64>,
    /// Percussive share of the energy (HPSS), 0..1.
    pub percussive_ratio: Option<f64>,
    pub likely_bass_heavy: Option<bool>,
    pub likely_bright: Option<bool>,
    pub likely_vocals: Option<bool>,
}

impl Instrumentation {
    /// Builds the section; `centroid_hz` and `voiced_ratio` feed the heuristics.
    pub fn new(
        presence: Option<[f64; 3]>,
        percussive_ratio: Option<f64>,
        centroid_hz: Option<f64>,
        voiced_ratio: Option<f64>,
    ) -> Self {
        let [bass, mid, treble] = presence.map_or([None; 3], |p| p.map(finite));
        Instrumentation {
            bass_presence: bass,
            mid_presence: mid,
            treble_presence: treble,
            percussive_ratio,
            // In club mixes the sub and kick carry well over a third of the power.
            likely_bass_heavy: bass.map(|b| b > 0.45),
            likely_bright: centroid_hz.map(|c| c > 2500.0),
            likely_vocals: voiced_ratio.zip(mid).map(|(v, m)| v > 0.35 && m > 0.15),
        }
    }
}
