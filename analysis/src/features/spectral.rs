//! Frame-level spectral shape and level: spectral centroid, flatness, zero-crossing rate,
//! frame RMS, and band powers (<150 Hz, 150-2000 Hz, >= 2000 Hz).

use crate::stft::SpectrumFrame;
use crate::util::Stats;

/// Frames quieter than this (frame RMS, dBFS) are left out of the shape statistics:
/// silence has no centroid, and its flatness would read as white noise.
const SILENCE_DB: f32 = -70.0;

/// Spectral shape is measured on every `SHAPE_EVERY`-th frame.
const SHAPE_EVERY: usize = 4;

/// Band edges for presence, Hz.
pub const BASS_MAX_HZ: f32 = 150.0;
pub const MID_MAX_HZ: f32 = 2000.0;

/// Per-frame spectral data, appended frame by frame.
pub struct SpectralAccumulator {
    frame_rate: f64,
    /// Frame RMS (linear), one per frame: the RMS envelope.
    pub rms: Vec<f32>,
    centroid: Vec<f32>,
    flatness: Vec<f32>,
    zcr: Vec<f32>,
    /// Summed power per band (bass, mid, treble) over all frames.
    band_power: [f64; 3],
    /// First bin of the mid and treble bands.
    band_starts: [usize; 2],
}

impl SpectralAccumulator {
    /// For frames of `bins` bins `bin_hz` apart at `frame_rate` frames per second.
    pub fn new(bins: usize, bin_hz: f32, frame_rate: f64) -> Self {
        let first_bin_from = |hz: f32| ((hz / bin_hz).ceil() as usize).min(bins);
        SpectralAccumulator {
            frame_rate,
            rms: Vec::new(),
            centroid: Vec::new(),
            flatness: Vec::new(),
            zcr: Vec::new(),
            band_power: [0.0; 3],
            band_starts: [first_bin_from(BASS_MAX_HZ), first_bin_from(MID_MAX_HZ)],
        }
    }

    /// Frames per second of the per-frame series.
    pub fn frame_rate(&self) -> f64 {
        self.frame_rate
    }

    /// Takes one frame of the fast STFT.
    pub fn push(&mut self, frame: &SpectrumFrame) {
        let x = frame.samples;
        let n = x.len().max(1) as f32;
        let rms = (x.iter().map(|v| v * v).sum::<f32>() / n).sqrt();
        self.rms.push(rms);
        let mags = frame.magnitudes;
        let mut bands = [0.0f64; 3];
        for (b, range) in [
            0..self.band_starts[0],
            self.band_starts[0]..self.band_starts[1],
            self.band_starts[1]..mags.len(),
        ]
        .into_iter()
        .enumerate()
        {
            bands[b] = mags[range].iter().map(|&m| f64::from(m * m)).sum();
        }
        for (acc, b) in self.band_power.iter_mut().zip(bands) {
            *acc += b;
        }
        // Shape statistics on every 4th frame (~21 per second) describe the track as well
        // as every frame does, at a quarter of the cost.
        if !frame.index.is_multiple_of(SHAPE_EVERY) || 20.0 * rms.max(1e-12).log10() < SILENCE_DB {
            return;
        }
        // Centroid of the magnitude spectrum (librosa's definition), in Hz.
        let (mut num, mut den) = (0.0f32, 0.0f32);
        // Flatness of the power spectrum: geometric over arithmetic mean.
        let (mut log_sum, mut pow_sum) = (0.0f32, 0.0f32);
        for (k, &m) in mags.iter().enumerate() {
            num += k as f32 * m;
            den += m;
            let p = (m * m).max(1e-10);
            log_sum += p.ln();
            pow_sum += p;
        }
        let bins = mags.len() as f32;
        self.centroid.push(num / den.max(1e-12) * frame.bin_hz);
        self.flatness
            .push(((log_sum / bins).exp() / (pow_sum / bins)).clamp(0.0, 1.0));
        let crossings = x
            .windows(2)
            .filter(|w| (w[0] >= 0.0) != (w[1] >= 0.0))
            .count();
        self.zcr.push(crossings as f32 / (n - 1.0).max(1.0));
    }

    /// Centroid statistics in Hz over non-silent frames.
    pub fn centroid_stats(&self) -> Stats {
        Stats::of_f32(&self.centroid)
    }

    /// Flatness statistics (0 = pure tone, 1 = white noise) over non-silent frames.
    pub fn flatness_stats(&self) -> Stats {
        Stats::of_f32(&self.flatness)
    }

    /// Zero-crossing rate (crossings per sample) over non-silent frames.
    pub fn zcr_stats(&self) -> Stats {
        Stats::of_f32(&self.zcr)
    }

    /// Share of spectral power below 150 Hz, 150-2000 Hz and above; `None` for silence.
    pub fn band_presence(&self) -> Option<[f64; 3]> {
        let total: f64 = self.band_power.iter().sum();
        (total > 1e-12).then(|| self.band_power.map(|b| b / total))
    }
}
