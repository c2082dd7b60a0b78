//! The JSON report: `{"schema_version", "analyzer", "metadata", "analysis", "warnings"}`.
//!
//! `metadata` and `analysis` keep the seed's paths (see SEED_FEATURES.md section 2), so
//! the recommender reads ours and the seed's alike. Every number is an `Option`: a value
//! that could not be measured is `null`, and no NaN or infinity reaches the JSON.

use crate::features::{
    dynamics::Dynamics, instrumentation::Instrumentation, mood::Mood, rhythm::Rhythm,
    spatial::Spatial, tonal::Tonal, vocal::Vocal,
};
use crate::util::Stats;
use serde::{Deserialize, Serialize};

/// Bumped whenever a field changes meaning or moves.
pub const SCHEMA_VERSION: u32 = 1;
/// Name written to `analyzer.name`.
pub const ANALYZER_NAME: &str = "aidj-analysis";

/// A complete analysis report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    pub schema_version: u32,
    pub analyzer: AnalyzerInfo,
    pub metadata: Metadata,
    pub analysis: Analysis,
    /// Things a user should know (silence, very short file, skipped packets...).
    pub warnings: Vec<String>,
}

/// Which engine wrote the report and with which settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalyzerInfo {
    pub name: String,
    pub version: String,
    /// Sample rate of the spectral analysis, Hz.
    pub analysis_rate: u32,
    pub max_curve_points: usize,
    /// Tempo search range, BPM.
    pub tempo_range_bpm: [f64; 2],
    /// Optional parts and whether they ran (the seed's availability flags).
    pub optional: OptionalParts,
}

/// Optional analysis parts (off by default).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OptionalParts {
    pub embeddings: bool,
    pub stems: bool,
    pub true_peak: bool,
}

/// What the file is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    pub path: String,
    /// From the tags, else the file stem.
    pub title: Option<String>,
    /// From the tags; `null` when untagged.
    pub artist: Option<String>,
    pub album: Option<String>,
    pub genre: Option<String>,
    pub duration: Option<f64>,
    pub sample_rate: Option<u32>,
    pub channels: Option<usize>,
    pub codec: Option<String>,
    pub container: Option<String>,
    /// Corrupt packets skipped while decoding.
    pub skipped_packets: usize,
}

/// The feature families.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analysis {
    pub rhythm: Rhythm,
    pub tonal: TonalSection,
    pub dynamics: Dynamics,
    pub spatial: Spatial,
    pub vocal: Vocal,
    pub instrumentation: Instrumentation,
    pub mood: Mood,
    /// Learned embeddings from a user-supplied ONNX model (only with the `onnx` feature and
    /// a configured model; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeddings: Option<Embeddings>,
    /// Per-stem summaries from a user-supplied ONNX mask separator (only with the `onnx`
    /// feature and a configured stem model; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stems: Option<Stems>,
}

/// `analysis.stems`: how a mask-based separator splits the track's energy between stems
/// (see the `stems` module, built with the `onnx` feature). The field exists in every
/// build, so reports parse the same with and without the feature.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stems {
    /// The model's `name` from its sidecar.
    pub model: String,
    /// Windows that ran and went into the sums.
    pub windows: usize,
    /// Seconds one window spans.
    pub window_secs: f64,
    /// Seconds between window starts.
    pub hop_secs: f64,
    /// One entry per stem, in the sidecar's order.
    pub stems: Vec<Stem>,
}

/// One stem's summary over the analysed duration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stem {
    /// As listed in the sidecar (`vocals`, `drums`, ...).
    pub name: String,
    /// RMS of the stem in sample units (linear; full-scale sine = 0.707), comparable to
    /// `dynamics.rms_total_dbfs`.
    pub rms: f64,
    /// `20 log10(rms)`; `null` for a silent stem.
    pub rms_db: Option<f64>,
    /// The stem's part of the energy of all stems, 0..1; `null` when all are silent.
    pub energy_share: Option<f64>,
    /// Magnitude-weighted mean frequency of the stem, Hz; `null` for a silent stem.
    pub spectral_centroid_hz: Option<f64>,
}

/// `analysis.embeddings`: a model's output vectors over the track (see the `embeddings`
/// module, built with the `onnx` feature). The field exists in every build, so reports
/// parse the same with and without the feature.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Embeddings {
    /// The model's `name` from its sidecar.
    pub model: String,
    /// Values per vector.
    pub dim: usize,
    /// Windows that ran and went into `mean`.
    pub windows: usize,
    /// Seconds one window spans.
    pub window_secs: f64,
    /// Seconds between window starts.
    pub hop_secs: f64,
    /// Seconds between successive `frames` (a multiple of `hop_secs`).
    pub frames_hop_secs: f64,
    /// Mean vector over all windows (`dim` values).
    pub mean: Vec<f32>,
    /// Per-window vectors down-sampled (each the mean of consecutive windows) to at most
    /// `max_curve_points` vectors; frame `i` starts at `i * frames_hop_secs`.
    pub frames: Vec<Vec<f32>>,
}

/// `analysis.tonal`: harmony plus the spectral shape statistics the seed kept there.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TonalSection {
    #[serde(flatten)]
    pub harmony: Tonal,
    /// Hz.
    pub spectral_centroid: Stats,
    /// 0 (tone) .. 1 (white noise).
    pub spectral_flatness: Stats,
    /// Crossings per sample.
    pub zero_crossing_rate: Stats,
}

impl Report {
    /// Pretty JSON. Non-finite numbers (there should be none) become `null`.
    pub fn to_json(&self) -> String {
        // Serialising plain data to a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses a report written by this crate (unknown fields ignored, missing ones default).
    ///
    /// # Errors
    /// Malformed JSON.
    pub fn from_json(text: &str) -> serde_json::Result<Report> {
        serde_json::from_str(text)
    }
}
