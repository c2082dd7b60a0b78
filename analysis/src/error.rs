//! One error type for the analysis library. Variants say what the caller should do.

use std::path::PathBuf;

/// Result alias used across the analysis crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong while reading or analysing audio.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read: skip it.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is empty (zero bytes): skip it.
    #[error("{path}: file is empty")]
    EmptyFile { path: PathBuf },
    /// No known container or codec recognises the bytes (not audio, or an unsupported format).
    #[error("{path}: not a recognised audio file ({reason})")]
    UnrecognisedFormat { path: PathBuf, reason: String },
    /// The container holds audio in a codec we cannot decode.
    #[error("{path}: unsupported codec ({reason})")]
    UnsupportedCodec { path: PathBuf, reason: String },
    /// The container holds no audio track.
    #[error("{path}: no audio track")]
    NoAudioTrack { path: PathBuf },
    /// The stream decoded to no samples at all (every packet corrupt or none present).
    #[error("{path}: no decodable audio ({reason})")]
    NoAudio { path: PathBuf, reason: String },
    /// Decoding failed beyond recovery part-way through.
    #[error("{path}: decoding failed: {reason}")]
    Decode { path: PathBuf, reason: String },
    /// The stream's parameters are unusable (zero sample rate, zero channels, ...).
    #[error("invalid audio parameters: {0}")]
    InvalidParameters(String),
    /// An ONNX model (the embedding or stem model: the `.onnx` file or its `.json` sidecar,
    /// named by `path`) cannot be used: fix or replace the file, or run without
    /// `embedding_model` / `stem_model`. Also returned
    /// when a model is configured but the crate was built without the `onnx` feature.
    #[error("ONNX model {path}: {reason}")]
    Model { path: PathBuf, reason: String },
}
