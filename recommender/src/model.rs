//! Training and the model file.
//!
//! Training: median imputation (medians stored), z-score scaling (mean and scale stored),
//! cosine k-NN over the scaled vectors, k-means with k = clamp(n/10, 2, 25) and k-means++
//! seeding, evaluation by silhouette and by held-out distance to the training tracks.
//! The model is one JSON file with a `format` tag and a `schema_version`.

use crate::cluster::{self, Rng};
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::features::{column_index, TrackFeatures, SIMILARITY_COLUMNS};
use aidj_analysis::key::Key;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The `format` tag of a model file.
pub const MODEL_FORMAT: &str = "aidj-recommender-model";
/// Bumped whenever a field of the model file changes meaning or moves; a model of another
/// version is refused ([`Error::SchemaTooOld`] / [`Error::SchemaTooNew`]), never misread.
pub const MODEL_SCHEMA_VERSION: u32 = 1;

/// Silhouette and held-out distances are exact over a seeded sample of at most this many
/// tracks: both are quadratic, and 2,000 tracks pin them to about +-0.01.
pub const EVAL_SAMPLE: usize = 2000;

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Default number of suggestions a query returns (the seed's `--neighbors`), >= 1.
    pub neighbors: usize,
    /// Fraction of tracks held out for evaluation, 0..1; 0 or 1 means no split.
    pub test_size: f64,
    /// Seed of the split and of k-means++ (training is reproducible for a given seed).
    pub seed: u64,
    /// Lloyd iterations at most.
    pub max_iterations: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            neighbors: 10,
            test_size: 0.2,
            seed: 42,
            max_iterations: 100,
        }
    }
}

/// z-score scaler: `z = (x - mean) / scale`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub mean: Vec<f64>,
    /// Standard deviation (population); 1 for a constant column, so it scales to 0.
    pub scale: Vec<f64>,
}

/// The k-means part of the model (in scaled feature space).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clusters {
    pub k: usize,
    pub centroids: Vec<Vec<f64>>,
    pub inertia: f64,
    pub iterations: usize,
    pub seed: u64,
}

/// How well the model fits, printed by `aidj train`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub tracks: usize,
    pub train: usize,
    pub test: usize,
    /// Mean silhouette, -1..1 (higher = better separated clusters); `None` with fewer
    /// than two clusters.
    pub silhouette: Option<f64>,
    /// Tracks the silhouette was computed over (a seeded sample of the training set).
    pub silhouette_sample: usize,
    /// Cosine distance (0..2) from each held-out track to its nearest training track:
    /// mean and median. `None` without a split.
    pub heldout_mean_distance: Option<f64>,
    pub heldout_median_distance: Option<f64>,
    /// Held-out tracks measured (a seeded sample of at most [`EVAL_SAMPLE`]).
    pub heldout_sample: usize,
    /// Similarity columns no training report had a value for (imputed as 0, constant).
    pub empty_columns: Vec<String>,
}

/// One track of the library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub path: String,
    pub title: Option<String>,
    pub artist: Option<String>,
    /// Seconds.
    pub duration: Option<f64>,
    /// Global tempo, BPM.
    pub bpm: Option<f64>,
    /// "C# major" / "A minor".
    pub key: Option<String>,
    /// "8A".
    pub camelot: Option<String>,
    /// The report's `key_confidence`, 0..1: unsure keys count less in the key rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_confidence: Option<f64>,
    /// Mood energy, 0..1.
    pub energy: Option<f64>,
    pub cluster: usize,
    /// True when this track was held out of training (it is still recommended).
    #[serde(default)]
    pub heldout: bool,
    /// The report the track came from.
    pub report: Option<String>,
    /// Scaled (z-score) similarity vector, in the order of [`Model::columns`].
    pub vector: Vec<f32>,
}

impl Track {
    /// "Artist - Title", or the title, or the file name.
    pub fn label(&self) -> String {
        let title = self.title.clone().unwrap_or_else(|| {
            Path::new(&self.path)
                .file_name()
                .map_or_else(|| self.path.clone(), |n| n.to_string_lossy().into_owned())
        });
        match &self.artist {
            Some(a) => format!("{a} - {title}"),
            None => title,
        }
    }
}

/// A trained recommender: everything a query needs, in one versioned JSON file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Model {
    pub format: String,
    pub schema_version: u32,
    /// UTC, RFC 3339.
    pub trained_at: String,
    /// "aidj-recommender 0.1.0".
    pub trainer: String,
    /// Similarity columns, in vector order (names from [`crate::features::COLUMNS`]).
    pub columns: Vec<String>,
    /// Training medians, one per column (missing values are replaced by these).
    pub medians: Vec<f64>,
    pub scaler: Scaler,
    pub clusters: Clusters,
    /// Default number of suggestions.
    pub neighbors: usize,
    pub evaluation: Evaluation,
    pub tracks: Vec<Track>,
    /// Reports left out of training (path and reason).
    #[serde(default)]
    pub skipped_reports: Vec<(String, String)>,
    #[serde(skip)]
    pub(crate) index: Index,
}

/// Flat, query-friendly copies of the tracks, built on load (never stored).
///
/// Arrays are in *slot* order: tracks sorted by BPM (unknown BPM last), so a query walks
/// only the contiguous slots inside its tempo windows, reading memory in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    /// Track of each slot.
    pub track_of: Vec<u32>,
    /// Slot of each track.
    pub slot_of: Vec<u32>,
    /// Slots `0..known_bpm` have a BPM, ascending; the rest have none.
    pub known_bpm: usize,
    /// The number of columns rounded up to a multiple of the dot product's lanes.
    pub stride: usize,
    /// Unit-length vectors, `stride` per track, zero-padded (all zero for a zero vector).
    pub unit: Vec<f32>,
    /// BPM; NaN when unknown.
    pub bpm: Vec<f64>,
    /// Key index (see [`Key::index`]); `u8::MAX` when unknown.
    pub key: Vec<u8>,
    /// How far the key rules trust each key (see `query::key_trust`).
    pub key_trust: Vec<f64>,
    /// NaN when unknown.
    pub energy: Vec<f64>,
    /// Column index (in `COLUMNS`) of each model column.
    pub column_ids: Vec<usize>,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    })
}

/// Cosine similarity, -1..1; 0 when either vector is zero.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa > 0.0 && bb > 0.0 {
        ab / (aa.sqrt() * bb.sqrt())
    } else {
        0.0
    }
}

/// Now as RFC 3339 UTC ("2026-11-24T19:03:00Z"), without a date crate.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

impl Model {
    /// Trains a model on a dataset.
    ///
    /// The split (when `0 < test_size < 1` and there are at least two tracks) holds out
    /// `round(n * test_size)` tracks (at least one, at most n - 1), chosen by the seed.
    /// Medians, scaler and k-means are fitted on the training part; held-out tracks are
    /// then scaled and assigned to clusters like any query, and stay in the library.
    ///
    /// # Errors
    /// [`Error::EmptyDataset`] without tracks; [`Error::InvalidOption`] for a `test_size`
    /// outside 0..=1 or `neighbors` = 0.
    pub fn train(data: &Dataset, opts: &TrainOptions) -> Result<Model> {
        if !(0.0..=1.0).contains(&opts.test_size) {
            return Err(Error::InvalidOption(format!(
                "test size {} must be between 0 and 1 (0 or 1: no split)",
                opts.test_size
            )));
        }
        if opts.neighbors == 0 {
            return Err(Error::InvalidOption("neighbors must be at least 1".into()));
        }
        let n = data.tracks.len();
        if n == 0 {
            return Err(Error::EmptyDataset {
                reason: if data.skipped.is_empty() {
                    "no report found".to_string()
                } else {
                    format!("all {} files were skipped", data.skipped.len())
                },
            });
        }
        let column_ids: Vec<usize> = SIMILARITY_COLUMNS
            .iter()
            .map(|c| column_index(c).unwrap_or(0))
            .collect();
        let mut rng = Rng::new(opts.seed);
        let split = opts.test_size > 0.0 && opts.test_size < 1.0 && n >= 2;
        let (train_ids, test_ids): (Vec<usize>, Vec<usize>) = if split {
            let n_test = ((n as f64 * opts.test_size).round() as usize).clamp(1, n - 1);
            let mut p = rng.permutation(n);
            let test = p.split_off(n - n_test);
            let mut train = p;
            train.sort_unstable();
            let mut test = test;
            test.sort_unstable();
            (train, test)
        } else {
            ((0..n).collect(), Vec::new())
        };

        // Medians over the training tracks, per column.
        let d = column_ids.len();
        let mut medians = vec![0.0; d];
        let mut empty_columns = Vec::new();
        for (j, &c) in column_ids.iter().enumerate() {
            let mut vals: Vec<f64> = train_ids
                .iter()
                .filter_map(|&i| data.tracks[i].value(c))
                .collect();
            match median(&mut vals) {
                Some(m) => medians[j] = m,
                None => empty_columns.push(SIMILARITY_COLUMNS[j].to_string()),
            }
        }
        let raw = |t: &TrackFeatures| -> Vec<f64> {
            column_ids
                .iter()
                .zip(&medians)
                .map(|(&c, &m)| t.value(c).unwrap_or(m))
                .collect()
        };
        let raws: Vec<Vec<f64>> = data.tracks.par_iter().map(raw).collect();
        let nt = train_ids.len() as f64;
        let mut mean = vec![0.0; d];
        for &i in &train_ids {
            for (m, x) in mean.iter_mut().zip(&raws[i]) {
                *m += x / nt;
            }
        }
        let mut var = vec![0.0; d];
        for &i in &train_ids {
            for ((v, x), m) in var.iter_mut().zip(&raws[i]).zip(&mean) {
                *v += (x - m) * (x - m) / nt;
            }
        }
        let scale: Vec<f64> = var
            .iter()
            .map(|v| {
                let s = v.sqrt();
                // A constant column carries no information: scale 1 maps it to 0.
                if s > 1e-12 && s.is_finite() {
                    s
                } else {
                    1.0
                }
            })
            .collect();
        let scaler = Scaler { mean, scale };
        let scaled: Vec<Vec<f64>> = raws
            .par_iter()
            .map(|r| {
                r.iter()
                    .zip(&scaler.mean)
                    .zip(&scaler.scale)
                    .map(|((x, m), s)| (x - m) / s)
                    .collect()
            })
            .collect();

        let train_rows: Vec<Vec<f64>> = train_ids.iter().map(|&i| scaled[i].clone()).collect();
        let k = (train_rows.len() / 10).clamp(2, 25).min(train_rows.len());
        let km = cluster::kmeans(&train_rows, k, opts.seed, opts.max_iterations);
        let mut labels = vec![0usize; n];
        for (&i, &l) in train_ids.iter().zip(&km.labels) {
            labels[i] = l;
        }
        for &i in &test_ids {
            labels[i] = cluster::nearest(&km.centroids, &scaled[i]);
        }

        // Evaluation on seeded samples (both measures are quadratic).
        let mut sample = rng.permutation(train_rows.len());
        sample.truncate(EVAL_SAMPLE);
        sample.sort_unstable();
        let silhouette = cluster::silhouette(&train_rows, &km.labels, &sample);
        let mut held = test_ids.clone();
        if held.len() > EVAL_SAMPLE {
            let p = rng.permutation(held.len());
            held = p[..EVAL_SAMPLE].iter().map(|&j| test_ids[j]).collect();
            held.sort_unstable();
        }
        let mut dists: Vec<f64> = held
            .par_iter()
            .map(|&i| {
                let best = train_rows
                    .iter()
                    .map(|r| cosine(&scaled[i], r))
                    .fold(f64::NEG_INFINITY, f64::max);
                1.0 - best
            })
            .collect();
        let heldout_mean_distance =
            (!dists.is_empty()).then(|| dists.iter().sum::<f64>() / dists.len() as f64);
        let heldout_median_distance = median(&mut dists);

        let mut is_test = vec![false; n];
        for &i in &test_ids {
            is_test[i] = true;
        }
        let tracks: Vec<Track> = (0..n)
            .map(|i| {
                let t = &data.tracks[i];
                Track {
                    path: t.meta.path.clone(),
                    title: t.meta.title.clone(),
                    artist: t.meta.artist.clone(),
                    duration: t.meta.duration,
                    bpm: t.bpm(),
                    key: t.key.map(Key::name),
                    camelot: t.key.map(Key::camelot_code),
                    key_confidence: t.key_confidence,
                    energy: t.energy(),
                    cluster: labels[i],
                    heldout: is_test[i],
                    report: data.sources.get(i).filter(|s| !s.is_empty()).cloned(),
                    vector: scaled[i].iter().map(|&x| x as f32).collect(),
                }
            })
            .collect();
        let mut model = Model {
            format: MODEL_FORMAT.to_string(),
            schema_version: MODEL_SCHEMA_VERSION,
            trained_at: utc_now(),
            trainer: format!("aidj-recommender {}", env!("CARGO_PKG_VERSION")),
            columns: SIMILARITY_COLUMNS.iter().map(|s| s.to_string()).collect(),
            medians,
            scaler,
            clusters: Clusters {
                k: km.centroids.len(),
                centroids: km.centroids,
                inertia: km.inertia,
                iterations: km.iterations,
                seed: opts.seed,
            },
            neighbors: opts.neighbors,
            evaluation: Evaluation {
                tracks: n,
                train: train_ids.len(),
                test: test_ids.len(),
                silhouette,
                silhouette_sample: sample.len(),
                heldout_mean_distance,
                heldout_median_distance,
                heldout_sample: held.len(),
                empty_columns,
            },
            tracks,
            skipped_reports: data
                .skipped
                .iter()
                .map(|s| (s.path.display().to_string(), s.reason.clone()))
                .collect(),
            index: Index::default(),
        };
        model.build_index()?;
        Ok(model)
    }

    /// The model as compact JSON (what `aidj train` writes; compact loads faster).
    pub fn to_json(&self) -> String {
        // Plain data with finite numbers: serialising to a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a model from JSON, checking the format tag, the schema version and that
    /// every length and index agrees.
    ///
    /// # Errors
    /// [`Error::SchemaTooNew`], [`Error::SchemaTooOld`], [`Error::Corrupt`].
    pub fn from_json(text: &str) -> Result<Model> {
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            schema_version: Option<u32>,
        }
        let check = |h: &Header| -> Result<()> {
            if h.format.as_deref() != Some(MODEL_FORMAT) {
                return Err(Error::Corrupt {
                    reason: format!("no \"format\": \"{MODEL_FORMAT}\" tag"),
                });
            }
            match h.schema_version {
                Some(v) if v > MODEL_SCHEMA_VERSION => Err(Error::SchemaTooNew {
                    found: v,
                    supported: MODEL_SCHEMA_VERSION,
                }),
                Some(v) if v < MODEL_SCHEMA_VERSION => Err(Error::SchemaTooOld {
                    found: v,
                    supported: MODEL_SCHEMA_VERSION,
                }),
                Some(_) => Ok(()),
                None => Err(Error::Corrupt {
                    reason: "no schema_version".into(),
                }),
            }
        };
        // One parse in the common case; on failure the header says whether it is a model
        // of another version (a clear error) or damage.
        match serde_json::from_str::<Model>(text) {
            Ok(mut m) => {
                check(&Header {
                    format: Some(m.format.clone()),
                    schema_version: Some(m.schema_version),
                })?;
                m.build_index()?;
                Ok(m)
            }
            Err(e) => {
                if let Ok(h) = serde_json::from_str::<Header>(text) {
                    check(&h)?;
                }
                Err(Error::Corrupt {
                    reason: e.to_string(),
                })
            }
        }
    }

    /// Loads a model file.
    ///
    /// # Errors
    /// [`Error::Io`] when unreadable, else as [`Model::from_json`].
    pub fn load(path: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Model::from_json(&text)
    }

    /// Number of tracks in the library.
    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    /// True for a library without tracks (never true for a trained model).
    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    fn build_index(&mut self) -> Result<()> {
        let corrupt = |reason: String| Err(Error::Corrupt { reason });
        let d = self.columns.len();
        let mut column_ids = Vec::with_capacity(d);
        for c in &self.columns {
            match column_index(c) {
                Some(i) => column_ids.push(i),
                None => return corrupt(format!("unknown column {c:?}")),
            }
        }
        if self.medians.len() != d || self.scaler.mean.len() != d || self.scaler.scale.len() != d {
            return corrupt("medians or scaler do not match the columns".into());
        }
        if self
            .scaler
            .scale
            .iter()
            .any(|s| !(*s > 0.0 && s.is_finite()))
        {
            return corrupt("a scaler scale is not positive".into());
        }
        if self.tracks.is_empty() {
            return corrupt("no tracks".into());
        }
        let k = self.clusters.centroids.len();
        if k == 0 || self.clusters.centroids.iter().any(|c| c.len() != d) {
            return corrupt("cluster centroids do not match the columns".into());
        }
        let n = self.tracks.len();
        let stride = d.div_ceil(crate::query::LANES) * crate::query::LANES;
        // Validate first, in track order, so errors name the track.
        for (i, t) in self.tracks.iter().enumerate() {
            if t.vector.len() != d || t.cluster >= k {
                return corrupt(format!("track {i} does not match the columns or clusters"));
            }
        }
        if u32::try_from(n).is_err() {
            return corrupt("more than 4 billion tracks".into());
        }
        let bpm_of = |t: &Track| t.bpm.filter(|b| *b > 0.0 && b.is_finite());
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Known BPM first, ascending; ties and unknowns in track order (stable sort).
        order.sort_by(|&a, &b| {
            match (
                bpm_of(&self.tracks[a as usize]),
                bpm_of(&self.tracks[b as usize]),
            ) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        });
        let mut slot_of = vec![0u32; n];
        for (slot, &t) in order.iter().enumerate() {
            slot_of[t as usize] = slot as u32;
        }
        let known_bpm = self.tracks.iter().filter(|t| bpm_of(t).is_some()).count();
        let mut idx = Index {
            track_of: order.clone(),
            slot_of,
            known_bpm,
            stride,
            unit: Vec::with_capacity(n * stride),
            bpm: Vec::with_capacity(n),
            key: Vec::with_capacity(n),
            key_trust: Vec::with_capacity(n),
            energy: Vec::with_capacity(n),
            column_ids,
        };
        for &ti in &order {
            let t = &self.tracks[ti as usize];
            let norm = t
                .vector
                .iter()
                .map(|&x| f64::from(x) * f64::from(x))
                .sum::<f64>()
                .sqrt();
            let inv = if norm > 0.0 && norm.is_finite() {
                1.0 / norm
            } else {
                0.0
            };
            idx.unit
                .extend(t.vector.iter().map(|&x| (f64::from(x) * inv) as f32));
            idx.unit.extend(std::iter::repeat_n(0.0, stride - d));
            idx.bpm.push(bpm_of(t).unwrap_or(f64::NAN));
            let key = t
                .key
                .as_deref()
                .or(t.camelot.as_deref())
                .and_then(Key::parse);
            idx.key.push(key.map_or(u8::MAX, |k| k.index() as u8));
            idx.key_trust
                .push(crate::query::key_trust(t.key_confidence));
            idx.energy.push(t.energy.unwrap_or(f64::NAN));
        }
        self.index = idx;
        Ok(())
    }

    /// Scaled similarity vector of a track's features (median-imputed, z-scored).
    pub fn scale(&self, f: &TrackFeatures) -> Vec<f64> {
        self.index
            .column_ids
            .iter()
            .zip(&self.medians)
            .zip(self.scaler.mean.iter().zip(&self.scaler.scale))
            .map(|((&c, &med), (m, s))| (f.value(c).unwrap_or(med) - m) / s)
            .collect()
    }

    /// Nearest cluster of a scaled vector.
    pub fn cluster_of(&self, scaled: &[f64]) -> usize {
        cluster::nearest(&self.clusters.centroids, scaled)
    }

    /// Tracks whose path, file name, title, artist or "artist - title" contains `query`
    /// (case-insensitive), in library order. An empty query lists every track.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let q = query.trim().to_lowercase();
        (0..self.tracks.len())
            .filter(|&i| {
                let t = &self.tracks[i];
                q.is_empty()
                    || t.path.to_lowercase().contains(&q)
                    || t.label().to_lowercase().contains(&q)
            })
            .collect()
    }

    /// The track with this path (as in its report), if any.
    /// The same file named another way (relative, through a link) matches too.
    pub fn track_by_path(&self, path: &str) -> Option<usize> {
        if let Some(i) = self.tracks.iter().position(|t| t.path == path) {
            return Some(i);
        }
        let want = std::fs::canonicalize(path).ok()?;
        self.tracks
            .iter()
            .position(|t| std::fs::canonicalize(&t.path).is_ok_and(|p| p == want))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn utc_now_is_rfc3339() {
        let s = utc_now();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.ends_with('Z') && s.as_bytes()[10] == b'T');
        assert!(s.as_str() >= "2024-01-01");
    }

    #[test]
    fn cosine_of_zero_vector_is_zero() {
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 2.0]), 0.0);
        assert!((cosine(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-12);
    }
}
