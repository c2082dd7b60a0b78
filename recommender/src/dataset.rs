//! A training set: one [`TrackFeatures`] per report, with the reports it came from and
//! what was skipped (unreadable files, non-reports, duplicates) so a caller can say so.

use crate::error::{Error, Result};
use crate::features::TrackFeatures;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A report that was left out, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Tracks to train on.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub tracks: Vec<TrackFeatures>,
    /// The report each track came from (same order as `tracks`; empty when built in memory).
    pub sources: Vec<String>,
    /// Files left out: unreadable, not JSON, not a report, or a second report of a track.
    pub skipped: Vec<Skipped>,
    /// Paths of the tracks so far, for finding duplicates in constant time.
    seen_paths: HashSet<String>,
}

impl Dataset {
    /// An empty dataset.
    pub fn new() -> Dataset {
        Dataset::default()
    }

    /// Adds a track; a second track with the same non-empty `meta.path` is skipped (and
    /// recorded) so a library analysed twice does not count its tracks twice.
    pub fn push(&mut self, track: TrackFeatures, source: impl Into<String>) {
        let source = source.into();
        if !track.meta.path.is_empty() && !self.seen_paths.insert(track.meta.path.clone()) {
            self.skipped.push(Skipped {
                path: PathBuf::from(&source),
                reason: format!("duplicate of the track {}", track.meta.path),
            });
            return;
        }
        self.tracks.push(track);
        self.sources.push(source);
    }

    /// Reads every `*.json` file under `dir` (recursively, sorted by name). Files that are
    /// not reports are skipped and recorded in [`Dataset::skipped`], never fatal.
    ///
    /// # Errors
    /// [`Error::Io`] when `dir` itself cannot be read.
    pub fn from_dir(dir: &Path) -> Result<Dataset> {
        let files = report_files(dir)?;
        Ok(Dataset::from_files(&files))
    }

    /// Reads the given report files; bad ones are skipped and recorded.
    pub fn from_files(files: &[PathBuf]) -> Dataset {
        let mut ds = Dataset::new();
        let mut seen = HashSet::new();
        for f in files {
            if !seen.insert(f.clone()) {
                continue;
            }
            match read_report(f) {
                Ok(t) => ds.push(t, f.display().to_string()),
                Err(e) => ds.skipped.push(Skipped {
                    path: f.clone(),
                    reason: match e {
                        Error::BadReport { reason, .. } => reason,
                        Error::Io { source, .. } => source.to_string(),
                        other => other.to_string(),
                    },
                }),
            }
        }
        ds
    }

    /// Number of tracks.
    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    /// True when there is no track.
    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }
}

/// Every `*.json` file under `dir`, recursively, sorted, hidden files left out.
///
/// # Errors
/// [`Error::Io`] when `dir` is not a readable folder.
pub fn report_files(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        // An unreadable subfolder should not stop the rest.
        let Ok(entry) = entry else { continue };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type().is_file()
            && !hidden
            && entry
                .path()
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

/// Reads one report file (ours or the seed's).
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::BadReport`] when not JSON or not a report.
pub fn read_report(path: &Path) -> Result<TrackFeatures> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::BadReport {
        path: path.to_path_buf(),
        reason: format!("not valid JSON: {e}"),
    })?;
    let mut t = TrackFeatures::from_report_value(&v).map_err(|e| match e {
        Error::BadReport { reason, .. } => Error::BadReport {
            path: path.to_path_buf(),
            reason,
        },
        other => other,
    })?;
    if t.meta.path.is_empty() {
        // The seed always writes a path; without one, the report stands for its audio.
        t.meta.path = path.display().to_string();
    }
    if t.meta.title.is_none() {
        t.meta.title = Path::new(&t.meta.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
    }
    Ok(t)
}
