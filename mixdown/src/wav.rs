//! Writing the mix: 24-bit WAV (hound), atomically (a temporary file beside the target,
//! then a rename), and its cue sheet.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file and a rename; refuses to replace an
/// existing file unless `overwrite`. Nothing is left behind on failure.
pub fn write_atomic(
    path: &Path,
    overwrite: bool,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<()> {
    let fail = |reason: String| Error::Output {
        path: path.to_path_buf(),
        reason,
    };
    if !overwrite && path.exists() {
        return Err(fail("it exists (use --overwrite to replace it)".into()));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = fill(&tmp).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(fail(e.to_string()));
    }
    Ok(())
}

/// Writes stereo `audio` at `rate` Hz as 24-bit PCM WAV (samples are clamped to ±1; the
/// render keeps them under its true-peak ceiling anyway).
pub fn write_wav(path: &Path, audio: &[Vec<f32>; 2], rate: u32, overwrite: bool) -> Result<()> {
    write_atomic(path, overwrite, |tmp| {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: rate,
            bits_per_sample: 24,
            sample_format: hound::SampleFormat::Int,
        };
        let io = |e: hound::Error| std::io::Error::other(e.to_string());
        let mut w = hound::WavWriter::create(tmp, spec).map_err(io)?;
        let scale = 8_388_607.0f32;
        for (l, r) in audio[0].iter().zip(&audio[1]) {
            for x in [l, r] {
                let v = (x.clamp(-1.0, 1.0) * scale).round() as i32;
                w.write_sample(v).map_err(io)?;
            }
        }
        w.finalize().map_err(io)?;
        fs::File::open(tmp)?.sync_all()
    })
}

/// One entry of a cue sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct CueTrack {
    pub title: String,
    pub performer: Option<String>,
    /// Where the track starts in the mix, seconds.
    pub start_secs: f64,
}

/// A cue sheet for `wav_name` (the file name of the mix beside it).
pub fn cue_sheet(wav_name: &str, tracks: &[CueTrack]) -> String {
    let clean = |s: &str| s.replace('"', "'");
    let mut out = format!("FILE \"{}\" WAVE\n", clean(wav_name));
    for (i, t) in tracks.iter().enumerate() {
        // mm:ss:ff, 75 frames a second.
        let frames = (t.start_secs.max(0.0) * 75.0).round() as u64;
        let (m, s, f) = (frames / 75 / 60, frames / 75 % 60, frames % 75);
        out.push_str(&format!("  TRACK {:02} AUDIO\n", i + 1));
        out.push_str(&format!("    TITLE \"{}\"\n", clean(&t.title)));
        if let Some(p) = &t.performer {
            out.push_str(&format!("    PERFORMER \"{}\"\n", clean(p)));
        }
        out.push_str(&format!("    INDEX 01 {m:02}:{s:02}:{f:02}\n"));
    }
    out
}

/// Writes `text` to `path` atomically.
pub fn write_text(path: &Path, text: &str, overwrite: bool) -> Result<()> {
    write_atomic(path, overwrite, |tmp| {
        let mut f = fs::File::create(tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_times_are_in_75ths_of_a_second() {
        let cue = cue_sheet(
            "set.wav",
            &[
                CueTrack {
                    title: "One".into(),
                    performer: None,
                    start_secs: 0.0,
                },
                CueTrack {
                    title: "Two \"B\"".into(),
                    performer: Some("X".into()),
                    start_secs: 125.5,
                },
            ],
        );
        assert!(cue.starts_with("FILE \"set.wav\" WAVE\n"));
        assert!(cue.contains("TRACK 02 AUDIO\n    TITLE \"Two 'B'\"\n    PERFORMER \"X\"\n    INDEX 01 02:05:38\n"), "{cue}");
        assert!(cue.contains("INDEX 01 00:00:00"));
    }
}
