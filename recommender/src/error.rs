//! The recommender's errors. Each message says what went wrong and what to do about it.

use std::path::PathBuf;

/// Everything the recommender can refuse.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source} (check the path and its permissions)", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Nothing to train on.
    #[error("no usable analysis reports ({reason}); analyse audio first with `aidj analyze`, or point at the folder that holds the reports")]
    EmptyDataset { reason: String },
    /// A file that is not an analysis report (ours or the seed's).
    #[error("{}: not an analysis report ({reason})", path.display())]
    BadReport { path: PathBuf, reason: String },
    /// The model was written by a newer version of this library.
    #[error("model schema version {found} is newer than this program reads (up to {supported}); update aidj, or retrain the model with this version")]
    SchemaTooNew { found: u32, supported: u32 },
    /// The model was written by an older, incompatible version.
    #[error("model schema version {found} is older than this program reads ({supported}); retrain the model with `aidj train`")]
    SchemaTooOld { found: u32, supported: u32 },
    /// The model file is damaged, truncated or not a model.
    #[error("corrupt or foreign model file ({reason}); retrain it with `aidj train`")]
    Corrupt { reason: String },
    /// A feature column this library does not know.
    #[error("unknown feature column {0:?}; see aidj_recommender::features::COLUMNS for the names")]
    UnknownColumn(String),
    /// A track index outside the model's library.
    #[error("track {index} is not in the model (it holds {len} tracks)")]
    NoSuchTrack { index: usize, len: usize },
    /// An option out of its range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// `Result` with the recommender's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
