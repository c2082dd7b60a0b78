//! Tonal: tuning, chroma, key (with runner-up and a meaningful confidence), Camelot,
//! chords, tonnetz, tonal tension, modulation, dissonance.
//!
//! Streaming part: [`ChromaAccumulator`] takes the tonal STFT's frames and keeps a
//! pitch-class profile per frame. Summary part: [`analyze`].

use crate::stft::SpectrumFrame;
use serde::{Deserialize, Serialize};

/// User settings for tonal analysis.
#[derive(Clone, Debug)]
pub struct TonalConfig {
    /// Points kept in curves in the report.
    pub max_curve_points: usize,
}

impl Default for TonalConfig {
    fn default() -> Self {
        TonalConfig {
            max_curve_points: 512,
        }
    }
}

/// Per-frame pitch-class data, appended frame by frame.
pub struct ChromaAccumulator {
    frame_rate: f64,
    frames: usize,
}

impl ChromaAccumulator {
    /// For frames of `bins` magnitude bins `bin_hz` apart, `frame_rate` frames per second.
    pub fn new(_bins: usize, _bin_hz: f32, frame_rate: f64) -> Self {
        ChromaAccumulator {
            frame_rate,
            frames: 0,
        }
    }

    /// Frames per second.
    pub fn frame_rate(&self) -> f64 {
        self.frame_rate
    }

    /// Takes one frame of the tonal STFT.
    pub fn push(&mut self, _frame: &SpectrumFrame) {
        self.frames += 1;
    }
}

/// The harmonic part of the tonal section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tonal {
    /// "C# major" / "A minor" (sharps), as the seed wrote it.
    pub key: Option<String>,
    /// 0..1: how clearly the winner beats the runner-up.
    pub key_confidence: Option<f64>,
    /// Camelot code, e.g. "8A".
    pub camelot: Option<String>,
    pub dissonance_index: Option<f64>,
}

/// Whole-track tonal summary. `beat_times` (seconds), when known, lets chords be beat-synchronous.
pub fn analyze(_acc: &ChromaAccumulator, _beat_times: &[f64], _cfg: &TonalConfig) -> Tonal {
    Tonal::default()
}
