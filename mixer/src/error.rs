//! The crate's error type (preset loading only: the audio path never fails).

use std::path::PathBuf;

/// What went wrong loading a transition preset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file is not valid preset JSON: fix or remove the file.
    #[error("invalid preset JSON: {0}")]
    Parse(#[from] serde_json::Error),
    /// The preset parses but a value is out of range: fix the named field.
    #[error("invalid preset: {0}")]
    Invalid(&'static str),
    /// The file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
