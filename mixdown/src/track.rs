//! A track to mix: its audio (decoded whole, stereo, at the mix's rate) and its report.

use std::path::{Path, PathBuf};

use aidj_analysis::decode::AudioFile;
use aidj_analysis::resample::StreamResampler;
use aidj_analysis::{analyze_file, AnalysisConfig, Report};

use crate::error::{Error, Result};

/// Fewer beats than this: no usable beat grid (the track is mixed by a plain crossfade).
pub const MIN_GRID_BEATS: usize = 8;

/// One track, ready to mix.
#[derive(Clone, Debug)]
pub struct Track {
    pub path: PathBuf,
    /// Sample rate of `audio`, Hz.
    pub rate: u32,
    /// Left and right (a mono file is copied to both).
    pub audio: [Vec<f32>; 2],
    /// The analysis report (read from disk or made on the spot).
    pub report: Report,
}

impl Track {
    /// Decodes `path` and resamples it to `rate` (its own rate when `None`); analyses it
    /// when no `report` is given.
    ///
    /// # Errors
    /// [`Error::Track`] naming the file: missing, unreadable, not audio, silent analysis.
    pub fn load(path: &Path, report: Option<Report>, rate: Option<u32>) -> Result<Track> {
        let fail = |reason: String| Error::Track {
            path: path.to_path_buf(),
            reason,
        };
        if !path.is_file() {
            return Err(fail("no such file".into()));
        }
        let (native, audio) = decode(path).map_err(|e| fail(e.to_string()))?;
        if audio[0].is_empty() {
            return Err(fail("no audio in the file".into()));
        }
        let rate = rate.unwrap_or(native);
        let audio = if rate == native {
            audio
        } else {
            resample(audio, native, rate).map_err(fail)?
        };
        let report = match report {
            Some(r) => r,
            None => {
                analyze_file(path, &AnalysisConfig::default())
                    .map_err(|e| fail(e.to_string()))?
                    .report
            }
        };
        Ok(Track {
            path: path.to_path_buf(),
            rate,
            audio,
            report,
        })
    }

    /// A track from audio in memory (tests, generated music).
    pub fn from_audio(path: PathBuf, rate: u32, audio: [Vec<f32>; 2], report: Report) -> Track {
        Track {
            path,
            rate,
            audio,
            report,
        }
    }

    /// Length in seconds.
    pub fn secs(&self) -> f64 {
        self.audio[0].len() as f64 / f64::from(self.rate)
    }

    /// Title for cue sheets and messages: the report's, else the file stem.
    pub fn title(&self) -> String {
        self.report.metadata.title.clone().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        })
    }

    /// The beat grid, when there is a usable one.
    pub fn beats(&self) -> Option<&[f64]> {
        let b = &self.report.analysis.rhythm.beat_times;
        (b.len() >= MIN_GRID_BEATS && b.windows(2).all(|w| w[1] > w[0])).then_some(&b[..])
    }
}

/// Decodes a whole file to stereo: `(rate, [left, right])`.
fn decode(path: &Path) -> aidj_analysis::Result<(u32, [Vec<f32>; 2])> {
    let mut file = AudioFile::open(path)?;
    let mut out = [Vec::new(), Vec::new()];
    while file.next_block()? {
        let block = file.block();
        let Some(first) = block.first() else { continue };
        let second = block.get(1).unwrap_or(first);
        out[0].extend(first.iter().map(|x| if x.is_finite() { *x } else { 0.0 }));
        out[1].extend(second.iter().map(|x| if x.is_finite() { *x } else { 0.0 }));
    }
    Ok((file.info().sample_rate, out))
}

/// Converts both channels from `from` Hz to `to` Hz (rubato, through the analysis crate's
/// delay-trimmed streaming converter).
fn resample(
    audio: [Vec<f32>; 2],
    from: u32,
    to: u32,
) -> std::result::Result<[Vec<f32>; 2], String> {
    let mut out = [Vec::new(), Vec::new()];
    for (o, x) in out.iter_mut().zip(audio.iter()) {
        let mut r = StreamResampler::new(from, to)?;
        for c in x.chunks(8192) {
            r.push(c, o);
        }
        r.finish(o);
    }
    Ok(out)
}
