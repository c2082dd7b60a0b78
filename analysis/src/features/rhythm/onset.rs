//! The streaming half of rhythm analysis: a few numbers per fast-STFT frame.
//!
//! Each frame's magnitudes are summed into 25 bands (one per bin below 150 Hz, then
//! third-octave bands up to Nyquist). Two kinds of spectral flux (half-wave rectified
//! difference against the frame two hops, 23 ms, earlier) are kept:
//! * the full-band onset strength, on log-compressed band magnitudes
//!   (`ln(1 + γ·mean magnitude)`): level-independent, the best onset function for
//!   periodicity and beat tracking;
//! * two drum-group fluxes on *linear* band magnitudes, so that a group's flux is
//!   dominated by the loud events in it rather than by any faint onset: low
//!   (< 150 Hz: kick, bass) and snare (800 Hz – 4.8 kHz: snare and clap noise, above
//!   the kick's pitch sweep and most bass harmonics);
//! * the log flux of the high group (> 4.8 kHz: hats, cymbals), where soft 16ths
//!   must count next to loud 8ths (swing).
//!
//! Six band energies in dB are kept for novelty (section changes, downbeats).
//! Memory: 10 `f32` per frame (40 bytes, 3.4 kB per second of audio); no allocation
//! per frame beyond the vectors' growth.

use crate::stft::SpectrumFrame;

/// Upper edge of the low (kick/bass) group, Hz.
pub const LOW_MAX_HZ: f32 = 150.0;
/// Lower edge of the snare group, Hz.
pub const SNARE_MIN_HZ: f32 = 800.0;
/// Upper edge of the snare group, Hz.
pub const SNARE_MAX_HZ: f32 = 4800.0;
/// Number of energy bands kept per frame.
pub const ENERGY_BANDS: usize = 6;
/// Upper edges (Hz) of the first five energy bands; the sixth goes to Nyquist.
const ENERGY_EDGES_HZ: [f32; ENERGY_BANDS - 1] = [150.0, 400.0, 1000.0, 2500.0, 6000.0];
/// Log compression `ln(1 + γ x)` of a band's mean magnitude (full-scale sine = 1):
/// about -60 dB is where compression turns from logarithmic to linear.
const GAMMA: f32 = 1000.0;
/// Most flux bands (the layout below gives 25 at 22.05 kHz / 1024).
const MAX_BANDS: usize = 40;
/// Energy floor, power (-100 dB).
const POWER_FLOOR: f32 = 1e-10;

/// `10 / ln 10`: power in nepers to dB.
const DB_PER_NEPER: f32 = 4.342_944_8;

/// Sum and sum of squares, in eight lanes so that the compiler can vectorise.
#[inline]
fn sums(x: &[f32]) -> (f32, f32) {
    let mut s = [0.0f32; 8];
    let mut p = [0.0f32; 8];
    let chunks = x.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..8 {
            s[k] += c[k];
            p[k] += c[k] * c[k];
        }
    }
    let (mut ss, mut pp) = (s.iter().sum::<f32>(), p.iter().sum::<f32>());
    for &v in rest {
        ss += v;
        pp += v * v;
    }
    (ss, pp)
}

#[derive(Clone, Copy)]
struct Band {
    lo: usize,
    hi: usize,
    /// 0 low, 1 low-mid (no drum group), 2 snare, 3 high.
    group: u8,
    energy_band: u8,
}

/// Per-frame onset data, appended frame by frame.
pub struct OnsetAccumulator {
    frame_rate: f64,
    bands: Vec<Band>,
    /// Log-compressed band magnitudes of the previous two frames (`[t-1]`, `[t-2]`).
    prev1: [f32; MAX_BANDS],
    prev2: [f32; MAX_BANDS],
    /// Linear band magnitude sums of the previous two frames.
    lin1: [f32; MAX_BANDS],
    lin2: [f32; MAX_BANDS],
    frames: usize,
    /// Onset strength per frame (full-band log spectral flux).
    pub onset: Vec<f32>,
    /// Linear flux of the low group (< 150 Hz: kick, bass).
    pub onset_low: Vec<f32>,
    /// Linear flux of the snare group (800 Hz – 4.8 kHz).
    pub onset_mid: Vec<f32>,
    /// Log flux of the high group (> 4.8 kHz: hats), as the full band's.
    pub onset_high: Vec<f32>,
    /// Band energies per frame, dB (full-scale sine ≈ -3 dB in its band).
    pub band_db: Vec<[f32; ENERGY_BANDS]>,
}

impl OnsetAccumulator {
    /// For frames of `bins` magnitude bins `bin_hz` apart, `frame_rate` frames per second.
    pub fn new(bins: usize, bin_hz: f32, frame_rate: f64) -> Self {
        let bin_hz = if bin_hz > 0.0 { bin_hz } else { 1.0 };
        let nyquist_bin = bins.saturating_sub(1).max(1);
        let group_of = |hi_hz: f32| -> u8 {
            if hi_hz <= LOW_MAX_HZ + 1.0 {
                0
            } else if hi_hz <= SNARE_MIN_HZ + 1.0 {
                1
            } else if hi_hz <= SNARE_MAX_HZ + 1.0 {
                2
            } else {
                3
            }
        };
        let energy_of = |centre_hz: f32| -> u8 {
            ENERGY_EDGES_HZ
                .iter()
                .position(|&e| centre_hz < e)
                .unwrap_or(ENERGY_BANDS - 1) as u8
        };
        let mut bands = Vec::new();
        // One band per bin below LOW_MAX_HZ (skipping DC).
        let low_end = ((LOW_MAX_HZ / bin_hz).floor() as usize).clamp(1, nyquist_bin);
        for b in 1..low_end {
            let hi_hz = (b as f32 + 0.5) * bin_hz;
            bands.push(Band {
                lo: b,
                hi: b + 1,
                group: group_of(hi_hz.min(LOW_MAX_HZ)),
                energy_band: energy_of(b as f32 * bin_hz),
            });
        }
        // Third-octave bands above.
        let mut lo = low_end;
        let mut edge_hz = LOW_MAX_HZ;
        while lo < nyquist_bin && bands.len() < MAX_BANDS {
            edge_hz *= 2f32.powf(1.0 / 3.0);
            let mut hi = ((edge_hz / bin_hz).round() as usize).max(lo + 1);
            if hi >= nyquist_bin || bands.len() + 1 == MAX_BANDS {
                hi = nyquist_bin + 1;
            }
            let hi_hz = hi as f32 * bin_hz;
            bands.push(Band {
                lo,
                hi,
                group: group_of(hi_hz),
                energy_band: energy_of(0.5 * (lo + hi) as f32 * bin_hz),
            });
            lo = hi;
        }
        OnsetAccumulator {
            frame_rate,
            bands,
            prev1: [0.0; MAX_BANDS],
            prev2: [0.0; MAX_BANDS],
            lin1: [0.0; MAX_BANDS],
            lin2: [0.0; MAX_BANDS],
            frames: 0,
            onset: Vec::new(),
            onset_low: Vec::new(),
            onset_mid: Vec::new(),
            onset_high: Vec::new(),
            band_db: Vec::new(),
        }
    }

    /// Frames per second.
    pub fn frame_rate(&self) -> f64 {
        self.frame_rate
    }

    /// Frames received.
    pub fn len(&self) -> usize {
        self.onset.len()
    }

    /// No frame received yet.
    pub fn is_empty(&self) -> bool {
        self.onset.is_empty()
    }

    /// Takes one frame of the fast STFT.
    pub fn push(&mut self, frame: &SpectrumFrame) {
        let mags = frame.magnitudes;
        let mut cur = [0.0f32; MAX_BANDS];
        let mut power = [0.0f32; ENERGY_BANDS];
        let mut lin = [0.0f32; MAX_BANDS];
        let mut full = 0.0f32;
        let mut flux = [0.0f32; 4];
        for (i, band) in self.bands.iter().enumerate() {
            let hi = band.hi.min(mags.len());
            let lo = band.lo.min(hi);
            let (s, p) = sums(&mags[lo..hi]);
            // The analyser replaces non-finite samples; guard the sums anyway.
            let (s, p) = if s.is_finite() && p.is_finite() {
                (s, p)
            } else {
                (0.0, 0.0)
            };
            let width = (hi - lo).max(1) as f32;
            let c = (1.0 + GAMMA * s / width).ln();
            cur[i] = c;
            lin[i] = s;
            power[usize::from(band.energy_band)] += p;
            // The first two frames have no history: no flux.
            if self.frames >= 2 {
                let d = (c - self.prev2[i]).max(0.0);
                full += d;
                // Hats: log flux, so soft 16ths count next to loud 8ths (swing).
                flux[usize::from(band.group)] += if band.group == 3 {
                    d
                } else {
                    (s - self.lin2[i]).max(0.0)
                };
            }
        }
        self.prev2 = self.prev1;
        self.prev1 = cur;
        self.lin2 = self.lin1;
        self.lin1 = lin;
        self.frames += 1;
        self.onset.push(full);
        self.onset_low.push(flux[0]);
        self.onset_mid.push(flux[2]);
        self.onset_high.push(flux[3]);
        let mut db = [0.0f32; ENERGY_BANDS];
        for (d, &p) in db.iter_mut().zip(&power) {
            *d = DB_PER_NEPER * (p + POWER_FLOOR).ln();
        }
        self.band_db.push(db);
    }

    /// A copy holding only frames `range` (clamped), for the summary of a window (the
    /// live analysis' last seconds). The flux history stays that of the last frame, so
    /// pushing on the copy continues the stream.
    pub fn window(&self, range: std::ops::Range<usize>) -> OnsetAccumulator {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        OnsetAccumulator {
            frame_rate: self.frame_rate,
            bands: self.bands.clone(),
            prev1: self.prev1,
            prev2: self.prev2,
            lin1: self.lin1,
            lin2: self.lin2,
            frames: self.frames,
            onset: self.onset[start..end].to_vec(),
            onset_low: self.onset_low[start..end].to_vec(),
            onset_mid: self.onset_mid[start..end].to_vec(),
            onset_high: self.onset_high[start..end].to_vec(),
            band_db: self.band_db[start..end].to_vec(),
        }
    }

    /// Forgets the first `n` frames (memory stays bounded in an endless stream).
    pub fn drop_front(&mut self, n: usize) {
        let n = n.min(self.len());
        self.onset.drain(..n);
        self.onset_low.drain(..n);
        self.onset_mid.drain(..n);
        self.onset_high.drain(..n);
        self.band_db.drain(..n);
    }

    /// Frame energy in dB (all bands).
    pub fn energy_db(&self, frame: usize) -> f32 {
        let p: f32 = self.band_db[frame]
            .iter()
            .map(|&d| 10f32.powf(d / 10.0))
            .sum();
        10.0 * (p + POWER_FLOOR).log10()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_layout_covers_the_spectrum_once() {
        let acc = OnsetAccumulator::new(513, 22050.0 / 1024.0, 22050.0 / 256.0);
        assert!(acc.bands.len() >= 20 && acc.bands.len() <= MAX_BANDS);
        assert_eq!(acc.bands[0].lo, 1);
        for w in acc.bands.windows(2) {
            assert_eq!(w[0].hi, w[1].lo);
        }
        assert_eq!(acc.bands.last().map(|b| b.hi), Some(513));
        assert!(acc.bands.iter().any(|b| b.group == 0));
        assert!(acc.bands.iter().any(|b| b.group == 1));
        assert!(acc.bands.iter().any(|b| b.group == 2));
        assert!(acc.bands.iter().any(|b| b.group == 3));
    }
}
