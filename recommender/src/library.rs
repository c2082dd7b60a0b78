//! A library from what a DJ points at: a model file (`aidj train`'s), or a music folder,
//! whose audio files are analysed (reusing the report next to each file when there is one,
//! and writing the new ones there when the folder allows) and trained into a model. One bad
//! file never stops the rest: it is skipped and counted.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use aidj_analysis::{analyze_file, AnalysisConfig};

use crate::dataset::{Dataset, Skipped};
use crate::error::{Error, Result};
use crate::features::TrackFeatures;
use crate::model::{Model, TrainOptions};

/// Extensions taken for audio (what the decoder reads here).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "mp3", "flac", "wav", "wave", "aif", "aiff", "aifc", "ogg", "oga", "m4a", "mp4", "aac", "caf",
    "mka", "mkv", "webm",
];

/// How far a folder has got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Files done (analysed, reused or skipped) of `total`.
    pub done: usize,
    pub total: usize,
    /// The file being worked on.
    pub current: Option<PathBuf>,
}

/// A library ready to query.
#[derive(Debug)]
pub struct Opened {
    pub model: Model,
    /// Reports made now / found next to the audio.
    pub analysed: usize,
    pub reused: usize,
    /// Files left out, with the reason.
    pub skipped: Vec<Skipped>,
}

/// The audio files under `folder` (all depths), sorted.
///
/// # Errors
/// [`Error::Io`] when `folder` cannot be read.
pub fn audio_files(folder: &Path) -> Result<Vec<PathBuf>> {
    if !folder.is_dir() {
        return Err(Error::Io {
            path: folder.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        });
    }
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .map(|x| x.to_string_lossy().to_lowercase())
                .is_some_and(|x| AUDIO_EXTENSIONS.contains(&x.as_str()))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The report `aidj analyze` writes for `audio`: `song.json` next to `song.mp3`.
pub fn report_path(audio: &Path) -> PathBuf {
    let stem = audio.file_stem().map_or_else(
        || "report".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    audio.with_file_name(format!("{stem}.json"))
}

/// Opens `path`: a model file, or a music folder (analysed and trained here). `cancel`
/// stops a folder between files; `progress` hears about each file.
///
/// # Errors
/// A model file that cannot be read or is not a model; a folder without one usable track;
/// [`Error::InvalidOption`] ("cancelled") when `cancel` was set.
pub fn open(
    path: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Opened> {
    if path.is_dir() {
        return from_folder(path, cancel, progress);
    }
    let model = Model::load(path)?;
    Ok(Opened {
        model,
        analysed: 0,
        reused: 0,
        skipped: Vec::new(),
    })
}

/// Analyses (or reuses the reports of) every audio file under `folder` and trains a model.
///
/// # Errors
/// As [`open`].
pub fn from_folder(
    folder: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Opened> {
    let files = audio_files(folder)?;
    let mut data = Dataset::new();
    let (mut analysed, mut reused) = (0, 0);
    let mut skipped = Vec::new();
    let config = AnalysisConfig::default();
    for (i, audio) in files.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::InvalidOption("cancelled".into()));
        }
        progress(&Progress {
            done: i,
            total: files.len(),
            current: Some(audio.clone()),
        });
        let report_file = report_path(audio);
        // Ours or the old toolkit's; anything else there is not a report.
        let existing = report_file
            .is_file()
            .then(|| crate::dataset::read_report(&report_file).ok())
            .flatten();
        let features = match existing {
            Some(f) => {
                reused += 1;
                f
            }
            None => match analyze_file(audio, &config) {
                Ok(fa) => {
                    analysed += 1;
                    // Kept for next time when the folder is writable (atomically; an
                    // existing file that is not a report is left alone).
                    if !report_file.exists() {
                        let tmp = report_file.with_extension("json.tmp");
                        if std::fs::write(&tmp, fa.report.to_json()).is_ok() {
                            let _ = std::fs::rename(&tmp, &report_file);
                        }
                        let _ = std::fs::remove_file(&tmp);
                    }
                    match TrackFeatures::from_report(&fa.report) {
                        Ok(f) => f,
                        Err(e) => {
                            skipped.push(Skipped {
                                path: audio.clone(),
                                reason: e.to_string(),
                            });
                            continue;
                        }
                    }
                }
                Err(e) => {
                    skipped.push(Skipped {
                        path: audio.clone(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            },
        };
        data.push(features, audio.display().to_string());
    }
    progress(&Progress {
        done: files.len(),
        total: files.len(),
        current: None,
    });
    skipped.extend(data.skipped.iter().cloned());
    let opts = TrainOptions {
        // Every track is a candidate: no hold-out in a DJ's own library.
        test_size: 0.0,
        ..TrainOptions::default()
    };
    let model = Model::train(&data, &opts)?;
    Ok(Opened {
        model,
        analysed,
        reused,
        skipped,
    })
}
