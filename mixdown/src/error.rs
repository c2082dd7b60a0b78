//! Errors of the offline mix: each names the file it is about and the reason, on one line.

use std::path::PathBuf;

/// Why a mix could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A track could not be read, decoded or analysed.
    #[error("{}: {reason}", path.display())]
    Track { path: PathBuf, reason: String },
    /// A track is too short for what was asked of it.
    #[error("{}: too short: {reason}", path.display())]
    TooShort { path: PathBuf, reason: String },
    /// The options cannot be met (a bad `--at`, no tracks).
    #[error("{0}")]
    Invalid(String),
    /// The output file could not be written.
    #[error("{}: cannot write: {reason}", path.display())]
    Output { path: PathBuf, reason: String },
    /// `--keylock` in a build without the `keylock` feature.
    #[error(
        "this build has no keylock: rebuild with `--features keylock` (needs libclang-dev), \
         or mix without --keylock (tempo by resampling)"
    )]
    NoKeylock,
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
