//! AI DJ's analysis engine: decode audio (symphonia) and compute every DJ feature family
//! (rhythm, tonal, dynamics, spatial, vocal, instrumentation, mood) into a JSON report.
//!
//! One code path serves the offline analyser and the plugin's live thread: an
//! [`Analyzer`] takes blocks of samples at any rate and channel count, keeps a handful of
//! numbers per analysis frame (memory grows with frames, never with samples) and
//! summarises on [`Analyzer::finish`]. [`analyze_file`] is that plus decoding and tags.
//!
//! # Cargo features
//! - `onnx` (off by default): learned embeddings from a user-supplied ONNX model
//!   (`embeddings` module, [`AnalysisConfig::embedding_model`]), run with tract, a pure-Rust
//!   inference engine, and per-stem summaries from a user-supplied mask-based separator
//!   (`stems` module, [`AnalysisConfig::stem_model`]). Without it tract is not compiled at
//!   all, the report's `analysis.embeddings` and `analysis.stems` are always absent, and
//!   configuring a model is an [`Error::Model`].

#![forbid(unsafe_code)]

pub mod analyzer;
pub mod decode;
pub mod downmix;
#[cfg(feature = "onnx")]
pub mod embeddings;
pub mod error;
pub mod features;
pub mod key;
pub mod live;
mod mp4_edits;
pub mod report;
pub mod resample;
#[cfg(feature = "onnx")]
pub mod stems;
pub mod stft;
pub mod util;

pub use analyzer::{
    analyze_file, AnalysisConfig, Analyzer, FileAnalysis, PreloadedModel, PreloadedStemModel,
    Timings, ANALYSIS_RATE,
};
pub use error::{Error, Result};
pub use report::Report;
