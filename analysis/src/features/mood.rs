//! Mood: valence, arousal, energy (0..1) and a label, combined from the other families.
//!
//! These are transparent heuristics, as in the seed, with each term normalised over the
//! range it takes in dance music; weights sum to 1 so every output stays in 0..1.

use crate::util::finite;
use serde::{Deserialize, Serialize};

/// What mood is computed from; `None` terms fall back to a neutral 0.5.
#[derive(Clone, Debug, Default)]
pub struct MoodInputs {
    pub tempo_bpm: Option<f64>,
    pub danceability: Option<f64>,
    pub lufs: Option<f64>,
    pub centroid_hz: Option<f64>,
    pub dissonance: Option<f64>,
    pub minor: Option<bool>,
    pub key_confidence: Option<f64>,
    pub percussive_ratio: Option<f64>,
    /// Onsets per second (beat-level activity).
    pub onset_rate: Option<f64>,
}

fn unit(x: Option<f64>, lo: f64, hi: f64) -> f64 {
    x.map_or(0.5, |v| ((v - lo) / (hi - lo)).clamp(0.0, 1.0))
}

/// The mood section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mood {
    pub valence: Option<f64>,
    pub arousal: Option<f64>,
    pub energy: Option<f64>,
    pub danceability: Option<f64>,
    /// "energetic & positive", "energetic & dark", "calm & positive", "calm & melancholic".
    pub label: Option<String>,
}

impl Mood {
    pub fn from_inputs(i: &MoodInputs) -> Mood {
        let loud = unit(i.lufs, -30.0, -6.0);
        let bright = unit(i.centroid_hz, 800.0, 4000.0);
        let pace = unit(i.tempo_bpm, 60.0, 180.0);
        let activity = unit(i.onset_rate, 1.0, 8.0);
        let perc = i.percussive_ratio.unwrap_or(0.5);
        let energy = 0.5 * loud + 0.25 * activity + 0.15 * bright + 0.1 * perc;
        let dance = i.danceability.unwrap_or(0.5).clamp(0.0, 1.0);
        let arousal = 0.3 * pace + 0.3 * energy + 0.2 * dance + 0.1 * perc + 0.1 * activity;
        // Major keys lean positive, minor keys negative, by how sure the key is.
        let mode = match (i.minor, i.key_confidence) {
            (Some(minor), conf) => {
                let c = conf.unwrap_or(0.5).clamp(0.0, 1.0);
                0.5 + if minor { -0.5 } else { 0.5 } * (0.4 + 0.6 * c)
            }
            (None, _) => 0.5,
        };
        let consonance = 1.0 - i.dissonance.unwrap_or(0.5).clamp(0.0, 1.0);
        let valence = 0.45 * mode + 0.2 * bright + 0.15 * pace + 0.2 * consonance;
        let label = match (arousal >= 0.5, valence >= 0.5) {
            (true, true) => "energetic & positive",
            (true, false) => "energetic & dark",
            (false, true) => "calm & positive",
            (false, false) => "calm & melancholic",
        };
        Mood {
            valence: finite(valence),
            arousal: finite(arousal),
            energy: finite(energy),
            danceability: i.danceability,
            label: Some(label.to_string()),
        }
    }
}
