//! AI DJ's recommender: learns a music library from analysis reports and suggests what to
//! play next, with the DJ rules the seed toolkit only listed as ideas.
//!
//! ```text
//! reports (ours or the seed's) -> Dataset -> Model::train -> model JSON (versioned)
//!                                                 |
//!   seed (library track | report | live features) -> Model::recommend / Model::chain
//! ```
//!
//! * [`Dataset`]: one [`TrackFeatures`] per report, read by JSON path
//!   ([`features::COLUMNS`]), so the seed's reports with missing or `null` values read the
//!   same as ours. Bad files are skipped and listed, never fatal.
//! * [`Model::train`]: median imputation (medians stored), z-score scaling, cosine
//!   nearest neighbours over the [`features::SIMILARITY_COLUMNS`], k-means with
//!   k = clamp(n/10, 2, 25) and k-means++ seeding (seeded: reproducible), evaluation by
//!   silhouette and by the held-out tracks' cosine distance to the nearest training track.
//! * [`Model::to_json`] / [`Model::load`]: one JSON file with a format tag and a schema
//!   version; another version is refused with [`Error::SchemaTooNew`] /
//!   [`Error::SchemaTooOld`], damage with [`Error::Corrupt`].
//! * [`Model::recommend`], [`Model::chain`]: ranked suggestions with their
//!   [`Reasons`] ("8A -> 9A (adjacent), +1.6% BPM, energy +0.08, similarity 0.91").
//! * [`export`]: M3U playlists and a CSV of the library.
//!
//! # The score
//!
//! A candidate `c` for a seed `s` first has to pass these filters:
//! * **tempo window**: with `m` the best of 1, 2 and 1/2 (half/double time allowed by
//!   default), `pct = 100 * (bpm_c * m / bpm_s - 1)` must satisfy `|pct| <= W`
//!   (`W` = `--bpm-window`, default 6 %);
//! * **strict key** (only with `--strict-key`): the move must be same, +-1 or relative;
//! * **duration** (only with `--min-duration` / `--max-duration`): the old toolkit's rule
//!   against 30-second intros and hour-long mixes; tracks of unknown length pass.
//!
//! It is then scored
//!
//! ```text
//! score = 0.40 * S + 0.20 * T + 0.25 * H + 0.15 * E  -  0.12 * A - 0.04 * C
//!
//! S = (1 + cos(z_s, z_c)) / 2             similarity of the scaled feature vectors, 0..1
//! T = (1 - |pct| / W) * (0.9 if m != 1)   tempo closeness; half/double time a bit lower
//! H = 1 same key, 0.85 +-1 or relative, 0.6 diagonal (+-1 and other letter),
//!     0.5 +2 or +7 ("energy boost"), 0 clash
//!     -- on the key heard at the seed's tempo: without keylock the candidate, played at
//!        rate bpm_s / (bpm_c * m), moves round(12 * log2(rate)) semitones;
//!     then H = 0.5 + (H - 0.5) * trust, trust = 0.5 + 0.5 * min(1, key_confidence_c / 0.5)
//!     (1 without a confidence): an unsure key counts less ([`query::key_trust`])
//! E = max(0, 1 - |(energy_c - energy_s) - target| / 0.25),
//!     target = 0 (hold), +0.10 (build), -0.15 (drop)
//! A = earlier appearances of c's artist (the seed, the last 10 tracks of the history,
//!     the suggestions already picked)
//! C = suggestions already picked from c's k-means cluster
//! ```
//!
//! With a live seed (the plugin's estimate) the weights of `T` and `H` are scaled by the
//! seed's tempo and key confidence ([`QueryOptions::seed_tempo_confidence`]), so an unsure
//! estimate steers the ranking less.
//!
//! An unknown tempo, key or energy scores 0.5 on its term (neither rewarded nor
//! excluded), except that strict-key mode leaves unknown keys out. Tracks in the
//! history are never suggested. The weights are [`Weights`]; the picks are greedy over the
//! best `max(4n, n + 20)` candidates by the first four terms, so variety reorders near-ties
//! but never promotes a poor match.
//!
//! # Speed
//! The search is exact. On load the tracks are laid out sorted by BPM, so a query visits
//! only the contiguous runs inside its tempo windows (straight, half, double) plus the
//! tracks without a tempo, and for each does a table lookup for the key and a 16-lane
//! dot product. Measured (criterion, release): under a millisecond over 100,000 tracks
//! when about half sit in the window. An approximate index (HNSW, or IVF over the k-means
//! cells) starts to pay once the tracks inside one tempo window number in the millions,
//! or when the vectors grow to hundreds of dimensions (learned embeddings).

#![forbid(unsafe_code)]

pub mod cluster;
pub mod dataset;
pub mod error;
pub mod export;
pub mod features;
pub mod library;
pub mod model;
pub mod query;

pub use dataset::{Dataset, Skipped};
pub use error::{Error, Result};
pub use features::{TrackFeatures, TrackMeta};
pub use model::{
    Clusters, Evaluation, Model, Scaler, Track, TrainOptions, MODEL_FORMAT, MODEL_SCHEMA_VERSION,
};
pub use query::{EnergyFlow, QueryOptions, Reasons, ScoreParts, Seed, Suggestion, Weights};

/// The key type used for the harmonic rules (from the analysis crate).
pub use aidj_analysis::key::{Compatibility, Key};
