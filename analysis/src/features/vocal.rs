//! Predominant pitch ("vocal" in the seed's report): harmonic summation over the tonal
//! STFT (2.7 Hz bins) for f0 in 80-1000 Hz, a voicing probability from how much the
//! harmonics stand out of the spectrum, and the main pitch and its spread.
//!
//! The seed ran pYIN (librosa), which took most of its run time; harmonic summation on
//! the spectrum we already have costs a few milliseconds per track.

use crate::stft::SpectrumFrame;
use crate::util::{finite, median};
use serde::{Deserialize, Serialize};

const F0_MIN: f32 = 80.0;
const F0_MAX: f32 = 1000.0;
const STEPS_PER_SEMITONE: usize = 5;
const HARMONICS: usize = 8;
/// Frames quieter than this (dBFS, band magnitude) are unvoiced.
const SILENCE_DB: f32 = -60.0;

/// Per-frame f0 and voicing, appended frame by frame.
pub struct PitchAccumulator {
    candidates: Vec<f32>,
    weights: [f32; HARMONICS],
    /// f0 per frame in Hz (0 when silent).
    pub f0: Vec<f32>,
    /// Voicing probability per frame, 0..1.
    pub voicing: Vec<f32>,
}

impl Default for PitchAccumulator {
    fn default() -> Self {
        Self::new()
    }
}

impl PitchAccumulator {
    pub fn new() -> Self {
        let steps = (12.0 * (F0_MAX / F0_MIN).log2()) as usize * STEPS_PER_SEMITONE;
        let candidates = (0..=steps)
            .map(|i| F0_MIN * 2f32.powf(i as f32 / (12 * STEPS_PER_SEMITONE) as f32))
            .collect();
        let mut weights = [0.0; HARMONICS];
        for (h, w) in weights.iter_mut().enumerate() {
            *w = 0.8f32.powi(h as i32);
        }
        PitchAccumulator {
            candidates,
            weights,
            f0: Vec::new(),
            voicing: Vec::new(),
        }
    }

    /// Takes one frame of the tonal STFT.
    pub fn push(&mut self, frame: &SpectrumFrame) {
        let mags = frame.magnitudes;
        let at = |hz: f32| -> f32 {
            let x = hz / frame.bin_hz;
            let k = x as usize;
            if k + 1 >= mags.len() {
                return 0.0;
            }
            // The peak may fall between bins: take the larger neighbour.
            mags[k].max(mags[k + 1])
        };
        let lo = (F0_MIN / frame.bin_hz) as usize;
        let hi = ((4000.0 / frame.bin_hz) as usize).min(mags.len());
        let band = &mags[lo.min(hi)..hi];
        let mean = band.iter().sum::<f32>() / band.len().max(1) as f32;
        let level_db = 20.0
            * (band.iter().cloned().fold(0.0f32, f32::max))
                .max(1e-12)
                .log10();
        if level_db < SILENCE_DB || mean <= 0.0 {
            self.f0.push(0.0);
            self.voicing.push(0.0);
            return;
        }
        let wsum: f32 = self.weights.iter().sum();
        let (mut best, mut best_f0) = (0.0f32, 0.0f32);
        for &f0 in &self.candidates {
            let mut s = 0.0;
            for (h, w) in self.weights.iter().enumerate() {
                s += w * at(f0 * (h + 1) as f32);
            }
            // Favour the lowest candidate that explains the harmonics (octave errors).
            if s > best * 1.05 {
                best = s;
                best_f0 = f0;
            }
        }
        let ratio = best / wsum / mean;
        // A noise spectrum gives ratio ~1-2; a clear harmonic tone tens.
        let p = ((ratio - 3.0) / 7.0).clamp(0.0, 1.0);
        self.f0.push(best_f0);
        self.voicing.push(p);
    }

    pub fn finish(&self) -> Vocal {
        let voiced: Vec<f32> = self
            .f0
            .iter()
            .zip(&self.voicing)
            .filter(|(_, &p)| p >= 0.5)
            .map(|(&f, _)| f)
            .collect();
        let n = self.voicing.len().max(1) as f64;
        let median_hz = median(&voiced);
        let spread = median_hz.map(|m| {
            let semis: Vec<f64> = voiced
                .iter()
                .map(|&f| 12.0 * f64::from(f / m).log2())
                .collect();
            (semis.iter().map(|s| s * s).sum::<f64>() / semis.len().max(1) as f64).sqrt()
        });
        Vocal {
            voiced_ratio: (!self.voicing.is_empty()).then(|| voiced.len() as f64 / n),
            voiced_probability_mean: (!self.voicing.is_empty())
                .then(|| self.voicing.iter().map(|&p| f64::from(p)).sum::<f64>() / n),
            pitch_mean_hz: (!voiced.is_empty())
                .then(|| voiced.iter().map(|&f| f64::from(f)).sum::<f64>() / voiced.len() as f64),
            pitch_median_hz: median_hz.map(f64::from).and_then(finite),
            pitch_std_semitones: spread.and_then(finite),
            main_note: median_hz.map(note_name),
        }
    }
}

/// "A4" for 440 Hz (A4 = 440 Hz, sharps).
pub fn note_name(hz: f32) -> String {
    const NAMES: [&str; 12] = [
        "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
    ];
    let midi = (69.0 + 12.0 * (hz / 440.0).log2()).round() as i32;
    format!(
        "{}{}",
        NAMES[midi.rem_euclid(12) as usize],
        midi.div_euclid(12) - 1
    )
}

/// The vocal (predominant pitch) section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Vocal {
    /// Share of frames with a clear pitch.
    pub voiced_ratio: Option<f64>,
    pub voiced_probability_mean: Option<f64>,
    pub pitch_mean_hz: Option<f64>,
    pub pitch_median_hz: Option<f64>,
    /// Spread of the voiced pitch around its median, semitones (RMS).
    pub pitch_std_semitones: Option<f64>,
    /// Note name of the median pitch, e.g. "A3".
    pub main_note: Option<String>,
}
