//! Learned embeddings from a user-supplied ONNX model (the `onnx` cargo feature).
//!
//! The seed's optional "learned embeddings (OpenL3)" part, done without Python: any ONNX
//! model that maps a window of audio (raw samples, or a log-mel patch) to a vector is run
//! with [tract](https://github.com/sonos/tract) (pure-Rust inference) on consecutive
//! windows of the analysis's mono stream. The report gets the mean vector over all windows
//! and a few down-sampled per-window vectors (`analysis.embeddings`, see
//! [`crate::report::Embeddings`]). This module is separate (and compiled only with the
//! feature) because tract is a large dependency that most users never need.
//!
//! # The model and its sidecar
//! A model is two files: `model.onnx` and a JSON sidecar `model.json` next to it (same
//! stem) that states the model's front end, which the ONNX graph cannot express. Pass
//! either path: a `.json` path is the sidecar, whose `"model"` field (optional; default:
//! the same stem with `.onnx`) names the ONNX file relative to the sidecar's folder; any
//! other path is the ONNX file, and its sidecar is the same path with `.json`.
//!
//! ```json
//! {
//!   "name": "my-openl3-music-mel128-512",
//!   "input": "log_mel",
//!   "sample_rate": 48000,
//!   "window_secs": 1.0,
//!   "hop_secs": 0.5,
//!   "n_mels": 128, "n_fft": 2048, "mel_hop": 242, "patch_frames": 199,
//!   "output": "embedding"
//! }
//! ```
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `name` | string, required | written to the report (`embeddings.model`) |
//! | `kind` | `"embedding"`, optional | the default; `"stems"` is a separator (see below) |
//! | `model` | path, optional | the ONNX file, relative to the sidecar |
//! | `input` | `"waveform"` or `"log_mel"`, required | what the model's first input takes |
//! | `sample_rate` | Hz, required, 1000..=384000 | the stream is resampled to this rate |
//! | `window_secs` | s, > 0, <= 60 | window length; required for `waveform`; for `log_mel` it sets `patch_frames` when that is absent |
//! | `hop_secs` | s, > 0 | time between window starts (default: `window_secs`, no overlap) |
//! | `input_shape` | array of sizes, optional | shape of the input tensor; its product must be the window's size. Default `[1, samples]` (`waveform`) or `[1, patch_frames, n_mels]` (`log_mel`) |
//! | `output` | string, optional | name of the graph output to use (default: the first output) |
//! | `n_mels` | 1..=512, required for `log_mel` | mel bands |
//! | `n_fft` | even, 16..=65536, required for `log_mel` | FFT length (periodic Hann window of the same length) |
//! | `mel_hop` | samples, 1..=`n_fft`, required for `log_mel` | hop between mel frames |
//! | `patch_frames` | mel frames per window, for `log_mel` | default `round(window_secs * sample_rate / mel_hop)` |
//! | `f_min`, `f_max` | Hz, optional | mel range (default 0 and `sample_rate / 2`) |
//! | `mel_scale` | `"slaney"` (default) or `"htk"` | as librosa's `htk=False/True` |
//! | `mel_norm` | `"slaney"` (default) or `"none"` | filter area normalisation, as librosa's `norm` |
//! | `spectrum` | `"power"` (default) or `"magnitude"` | `\|X\|^2` or `\|X\|` before the mel filters |
//! | `log` | `"ln"` (default), `"log10"` or `"db"` | `ln(m + offset)`, `log10(m + offset)` or `10 log10(m + offset)` |
//! | `log_offset` | > 0, default 1e-6 | added before the logarithm |
//! | `mel_layout` | `"frames_mels"` (default) or `"mels_frames"` | order of the patch's data: time-major or band-major |
//!
//! Unknown fields are errors (a misspelt field would otherwise be silently ignored).
//!
//! # What a window is
//! Samples are the analysis's mono downmix (channel mean), resampled to `sample_rate`.
//! A `waveform` window is `round(window_secs * sample_rate)` consecutive samples; windows
//! start every `round(hop_secs * sample_rate)` samples, and only complete windows run, so a
//! stream of `M` samples has `floor((M - N) / H) + 1` windows. A stream shorter than one
//! window runs once, zero-padded, so even a short clip gets an embedding.
//!
//! A `log_mel` window is `patch_frames` consecutive mel frames. Mel frames are centred
//! (frame `i` covers samples `[i*mel_hop - n_fft/2, i*mel_hop + n_fft/2)`, zeros outside
//! the stream, as librosa's `center=True, pad_mode="constant"`; `ceil(M / mel_hop)`
//! frames), the spectrum is the unnormalised `rfft` of the Hann-windowed frame (as numpy
//! and librosa), and the mel filters are librosa's. Windows start every
//! `round(hop_secs * sample_rate / mel_hop)` frames, counted as for `waveform`.
//!
//! The output is flattened to a vector of `dim` values; it must have the same size on
//! every window. Windows whose output holds NaN or infinity are left out of the mean (and
//! counted in a warning).
//!
//! # Memory
//! The runner keeps one window of samples (or mel frames), the running sum of the
//! vectors, and at most `max_curve_points` down-sampled vectors (each the mean of a run of
//! consecutive windows), so memory does not grow with the stream's length.
//!
//! # Stems
//! A sidecar may say `"kind": "embedding"` (the default). `"kind": "stems"` marks a
//! mask-based stem separator, which has its own fields and runner: see the `stems` module.
//! Each loader refuses the other kind with an error naming the sidecar.

use crate::error::{Error, Result};
use crate::report::Embeddings;
use crate::resample::StreamResampler;
use crate::stft::{SpectrumFrame, Stft};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tract_onnx::prelude::*;

const STEMS_NOT_EMBEDDING: &str = "invalid sidecar: `\"kind\": \"stems\"` is a stem \
    separator, not an embedding model (pass it as the stem model)";

/// Longest window accepted, seconds (a guard against a sidecar in milliseconds).
pub const MAX_WINDOW_SECS: f64 = 60.0;

/// What the model's input takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Raw mono samples in -1..1.
    Waveform,
    /// A patch of log-mel frames.
    LogMel,
}

/// Mel frequency scale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MelScale {
    /// Linear below 1 kHz, logarithmic above (librosa's default, Slaney's Auditory Toolbox).
    #[default]
    Slaney,
    /// `2595 log10(1 + f / 700)` (HTK, torchaudio's default).
    Htk,
}

/// Mel filter normalisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MelNorm {
    /// Each triangle scaled by `2 / (f_hi - f_lo)` (constant energy per band; librosa's default).
    #[default]
    Slaney,
    /// Triangles peak at 1.
    None,
}

/// Spectrum fed to the mel filters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpectrumKind {
    /// `|X|^2`.
    #[default]
    Power,
    /// `|X|`.
    Magnitude,
}

/// Logarithm applied to mel energies (after adding `log_offset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    #[default]
    Ln,
    Log10,
    /// `10 log10`.
    Db,
}

/// Order of a log-mel patch's values in the input tensor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MelLayout {
    /// Frame after frame (`[frames][mels]`).
    #[default]
    FramesMels,
    /// Band after band (`[mels][frames]`).
    MelsFrames,
}

/// The sidecar as written (see the module docs for each field).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub name: String,
    /// `"embedding"` (the default) or `"stems"` (a separator: see the `stems` module).
    #[serde(default)]
    pub kind: Option<ModelKind>,
    #[serde(default)]
    pub model: Option<PathBuf>,
    pub input: InputKind,
    pub sample_rate: u32,
    #[serde(default)]
    pub window_secs: Option<f64>,
    #[serde(default)]
    pub hop_secs: Option<f64>,
    #[serde(default)]
    pub input_shape: Option<Vec<usize>>,
    #[serde(default)]
    pub output: Option<String>,
    #[serde(default)]
    pub n_mels: Option<usize>,
    #[serde(default)]
    pub n_fft: Option<usize>,
    #[serde(default)]
    pub mel_hop: Option<usize>,
    #[serde(default)]
    pub patch_frames: Option<usize>,
    #[serde(default)]
    pub f_min: Option<f64>,
    #[serde(default)]
    pub f_max: Option<f64>,
    #[serde(default)]
    pub mel_scale: Option<MelScale>,
    #[serde(default)]
    pub mel_norm: Option<MelNorm>,
    #[serde(default)]
    pub spectrum: Option<SpectrumKind>,
    #[serde(default)]
    pub log: Option<LogKind>,
    #[serde(default)]
    pub log_offset: Option<f64>,
    #[serde(default)]
    pub mel_layout: Option<MelLayout>,
}

/// What a model computes (the sidecar's `kind`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// A vector per window (this module).
    #[default]
    Embedding,
    /// Soft masks per stem (the `stems` module).
    Stems,
}

/// A log-mel front end, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct MelSpec {
    pub n_mels: usize,
    pub n_fft: usize,
    pub mel_hop: usize,
    pub patch_frames: usize,
    /// Mel frames between window starts.
    pub hop_frames: usize,
    pub f_min: f64,
    pub f_max: f64,
    pub mel_scale: MelScale,
    pub mel_norm: MelNorm,
    pub spectrum: SpectrumKind,
    pub log: LogKind,
    pub log_offset: f64,
    pub layout: MelLayout,
}

/// A model's front end, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSpec {
    pub name: String,
    /// The ONNX file.
    pub model_path: PathBuf,
    /// The sidecar it was described by.
    pub sidecar_path: PathBuf,
    pub sample_rate: u32,
    /// `None` for a waveform model.
    pub mel: Option<MelSpec>,
    /// Samples per window (waveform models).
    pub window_samples: usize,
    /// Samples between window starts (waveform models).
    pub hop_samples: usize,
    /// Shape of the input tensor.
    pub input_shape: Vec<usize>,
    pub output: Option<String>,
}

impl ModelSpec {
    /// Reads and validates a sidecar. `path` is the `.json` sidecar or the `.onnx` model
    /// (see the module docs).
    ///
    /// # Errors
    /// [`Error::Model`] naming the sidecar when it is missing, unreadable, not JSON, has an
    /// unknown or mistyped field, or a value out of range.
    pub fn load(path: &Path) -> Result<ModelSpec> {
        let file = SidecarFile::read(path, "model")?;
        let value: serde_json::Value =
            serde_json::from_str(&file.text).map_err(|e| file.invalid(e))?;
        // A stem sidecar has fields an embedding sidecar does not: say what it is first.
        if value.get("kind").and_then(|k| k.as_str()) == Some("stems") {
            return Err(Error::Model {
                path: file.path,
                reason: STEMS_NOT_EMBEDDING.into(),
            });
        }
        let sidecar: Sidecar = serde_json::from_value(value).map_err(|e| file.invalid(e))?;
        let model_path = file.model_path(sidecar.model.as_deref());
        let sidecar_path = file.path;
        Self::from_sidecar(sidecar, model_path, sidecar_path)
    }

    /// Validates a parsed sidecar.
    ///
    /// # Errors
    /// [`Error::Model`] naming `sidecar_path` for a missing or out-of-range value.
    pub fn from_sidecar(s: Sidecar, model_path: PathBuf, sidecar_path: PathBuf) -> Result<Self> {
        let bad = |reason: String| Error::Model {
            path: sidecar_path.clone(),
            reason: format!("invalid sidecar: {reason}"),
        };
        if s.name.trim().is_empty() {
            return Err(bad("`name` is empty".into()));
        }
        if s.kind == Some(ModelKind::Stems) {
            return Err(Error::Model {
                path: sidecar_path.clone(),
                reason: STEMS_NOT_EMBEDDING.into(),
            });
        }
        if !(1000..=384_000).contains(&s.sample_rate) {
            return Err(bad(format!(
                "`sample_rate` {} Hz is outside 1000..=384000",
                s.sample_rate
            )));
        }
        let sr = f64::from(s.sample_rate);
        let secs = |field: &str, v: Option<f64>| -> Result<Option<f64>> {
            match v {
                Some(x) if !(x.is_finite() && x > 0.0 && x <= MAX_WINDOW_SECS) => Err(bad(
                    format!("`{field}` {x} s must be in (0, {MAX_WINDOW_SECS}]"),
                )),
                other => Ok(other),
            }
        };
        let window_secs = secs("window_secs", s.window_secs)?;
        let hop_secs = secs("hop_secs", s.hop_secs)?;
        let mel_fields = [
            ("n_mels", s.n_mels.is_some()),
            ("n_fft", s.n_fft.is_some()),
            ("mel_hop", s.mel_hop.is_some()),
            ("patch_frames", s.patch_frames.is_some()),
            ("f_min", s.f_min.is_some()),
            ("f_max", s.f_max.is_some()),
            ("mel_scale", s.mel_scale.is_some()),
            ("mel_norm", s.mel_norm.is_some()),
            ("spectrum", s.spectrum.is_some()),
            ("log", s.log.is_some()),
            ("log_offset", s.log_offset.is_some()),
            ("mel_layout", s.mel_layout.is_some()),
        ];
        let (mel, window_samples, hop_samples, elements, default_shape) = match s.input {
            InputKind::Waveform => {
                if let Some((f, _)) = mel_fields.iter().find(|(_, set)| *set) {
                    return Err(bad(format!(
                        "`{f}` is only for `\"input\": \"log_mel\"` models"
                    )));
                }
                let w = window_secs
                    .ok_or_else(|| bad("`window_secs` is required for waveform models".into()))?;
                let n = (w * sr).round() as usize;
                let h = (hop_secs.unwrap_or(w) * sr).round() as usize;
                if n == 0 || h == 0 {
                    return Err(bad("the window or hop is shorter than one sample".into()));
                }
                (None, n, h, n, vec![1, n])
            }
            InputKind::LogMel => {
                let need = |f: &str, v: Option<usize>| {
                    v.ok_or_else(|| bad(format!("`{f}` is required for log_mel models")))
                };
                let n_mels = need("n_mels", s.n_mels)?;
                let n_fft = need("n_fft", s.n_fft)?;
                let mel_hop = need("mel_hop", s.mel_hop)?;
                if !(1..=512).contains(&n_mels) {
                    return Err(bad(format!("`n_mels` {n_mels} is outside 1..=512")));
                }
                if !(16..=65_536).contains(&n_fft) || n_fft % 2 != 0 {
                    return Err(bad(format!("`n_fft` {n_fft} must be even, in 16..=65536")));
                }
                if !(1..=n_fft).contains(&mel_hop) {
                    return Err(bad(format!("`mel_hop` {mel_hop} must be in 1..=n_fft")));
                }
                let frame_secs = mel_hop as f64 / sr;
                let patch_frames = match (s.patch_frames, window_secs) {
                    (Some(p), _) => p,
                    (None, Some(w)) => (w / frame_secs).round() as usize,
                    (None, None) => {
                        return Err(bad(
                            "log_mel models need `patch_frames` or `window_secs`".into()
                        ))
                    }
                };
                if patch_frames == 0 || patch_frames as f64 * frame_secs > MAX_WINDOW_SECS {
                    return Err(bad(format!(
                        "`patch_frames` {patch_frames} must be at least 1 and span at most \
                         {MAX_WINDOW_SECS} s"
                    )));
                }
                let hop_frames = match hop_secs {
                    Some(h) => (h / frame_secs).round() as usize,
                    None => patch_frames,
                };
                if hop_frames == 0 {
                    return Err(bad("`hop_secs` is shorter than one mel hop".into()));
                }
                let nyquist = sr / 2.0;
                let f_min = s.f_min.unwrap_or(0.0);
                let f_max = s.f_max.unwrap_or(nyquist);
                if !(f_min >= 0.0 && f_min < f_max && f_max <= nyquist) {
                    return Err(bad(format!(
                        "mel range `f_min` {f_min} .. `f_max` {f_max} Hz must satisfy \
                         0 <= f_min < f_max <= {nyquist}"
                    )));
                }
                let log_offset = s.log_offset.unwrap_or(1e-6);
                if !(log_offset.is_finite() && log_offset > 0.0) {
                    return Err(bad(format!("`log_offset` {log_offset} must be > 0")));
                }
                let mel = MelSpec {
                    n_mels,
                    n_fft,
                    mel_hop,
                    patch_frames,
                    hop_frames,
                    f_min,
                    f_max,
                    mel_scale: s.mel_scale.unwrap_or_default(),
                    mel_norm: s.mel_norm.unwrap_or_default(),
                    spectrum: s.spectrum.unwrap_or_default(),
                    log: s.log.unwrap_or_default(),
                    log_offset,
                    layout: s.mel_layout.unwrap_or_default(),
                };
                let elements = patch_frames * n_mels;
                (Some(mel), 0, 0, elements, vec![1, patch_frames, n_mels])
            }
        };
        let input_shape = match s.input_shape {
            Some(shape) => {
                let product: usize = shape.iter().product();
                if shape.is_empty() || product != elements {
                    return Err(bad(format!(
                        "`input_shape` {shape:?} holds {product} values but a window has \
                         {elements}"
                    )));
                }
                shape
            }
            None => default_shape,
        };
        Ok(ModelSpec {
            name: s.name,
            model_path,
            sidecar_path,
            sample_rate: s.sample_rate,
            mel,
            window_samples,
            hop_samples,
            input_shape,
            output: s.output,
        })
    }

    /// Seconds between window starts.
    pub fn hop_secs(&self) -> f64 {
        let sr = f64::from(self.sample_rate);
        match &self.mel {
            Some(m) => (m.hop_frames * m.mel_hop) as f64 / sr,
            None => self.hop_samples as f64 / sr,
        }
    }

    /// Seconds one window spans.
    pub fn window_secs(&self) -> f64 {
        let sr = f64::from(self.sample_rate);
        match &self.mel {
            Some(m) => (m.patch_frames * m.mel_hop) as f64 / sr,
            None => self.window_samples as f64 / sr,
        }
    }
}

fn hz_to_mel(f: f64, scale: MelScale) -> f64 {
    match scale {
        MelScale::Htk => 2595.0 * (1.0 + f / 700.0).log10(),
        MelScale::Slaney => {
            let (f_sp, min_log_hz) = (200.0 / 3.0, 1000.0);
            let min_log_mel = min_log_hz / f_sp;
            let logstep = 6.4f64.ln() / 27.0;
            if f >= min_log_hz {
                min_log_mel + (f / min_log_hz).ln() / logstep
            } else {
                f / f_sp
            }
        }
    }
}

fn mel_to_hz(m: f64, scale: MelScale) -> f64 {
    match scale {
        MelScale::Htk => 700.0 * (10f64.powf(m / 2595.0) - 1.0),
        MelScale::Slaney => {
            let (f_sp, min_log_hz) = (200.0 / 3.0, 1000.0);
            let min_log_mel = min_log_hz / f_sp;
            let logstep = 6.4f64.ln() / 27.0;
            if m >= min_log_mel {
                min_log_hz * (logstep * (m - min_log_mel)).exp()
            } else {
                f_sp * m
            }
        }
    }
}

/// Mel filterbank as librosa's `filters.mel`: `n_mels` rows of `n_fft / 2 + 1` weights,
/// row-major. See <https://librosa.org/doc/latest/generated/librosa.filters.mel.html>.
pub fn mel_filterbank(sample_rate: u32, m: &MelSpec) -> Vec<f32> {
    let bins = m.n_fft / 2 + 1;
    let (lo, hi) = (
        hz_to_mel(m.f_min, m.mel_scale),
        hz_to_mel(m.f_max, m.mel_scale),
    );
    let points: Vec<f64> = (0..m.n_mels + 2)
        .map(|i| {
            mel_to_hz(
                lo + (hi - lo) * i as f64 / (m.n_mels + 1) as f64,
                m.mel_scale,
            )
        })
        .collect();
    let bin_hz = f64::from(sample_rate) / m.n_fft as f64;
    let mut weights = vec![0.0f32; m.n_mels * bins];
    for (j, row) in weights.chunks_exact_mut(bins).enumerate() {
        let (f0, f1, f2) = (points[j], points[j + 1], points[j + 2]);
        let norm = match m.mel_norm {
            MelNorm::Slaney => 2.0 / (f2 - f0),
            MelNorm::None => 1.0,
        };
        for (k, w) in row.iter_mut().enumerate() {
            let f = k as f64 * bin_hz;
            let lower = (f - f0) / (f1 - f0);
            let upper = (f2 - f) / (f2 - f1);
            *w = (lower.min(upper).max(0.0) * norm) as f32;
        }
    }
    weights
}

/// Running mean of the window vectors plus at most `max_points` down-sampled vectors.
struct VectorAccumulator {
    dim: Option<usize>,
    sum: Vec<f64>,
    windows: usize,
    skipped: usize,
    max_points: usize,
    /// Windows per down-sampled vector (a power of two).
    stride: usize,
    /// `(sum, count)` per down-sampled vector; all but the last hold `stride` windows.
    groups: Vec<(Vec<f64>, usize)>,
}

impl VectorAccumulator {
    fn new(max_points: usize) -> Self {
        VectorAccumulator {
            dim: None,
            sum: Vec::new(),
            windows: 0,
            skipped: 0,
            max_points,
            stride: 1,
            groups: Vec::new(),
        }
    }

    /// Adds one window's vector. A vector whose size differs from the first is an error.
    fn push(&mut self, v: &[f32]) -> std::result::Result<(), String> {
        let dim = *self.dim.get_or_insert(v.len());
        if v.len() != dim {
            return Err(format!(
                "the output has {} values on this window but {dim} on the first",
                v.len()
            ));
        }
        if !v.iter().all(|x| x.is_finite()) {
            self.skipped += 1;
            return Ok(());
        }
        if self.sum.is_empty() {
            self.sum = vec![0.0; dim];
        }
        for (s, &x) in self.sum.iter_mut().zip(v) {
            *s += f64::from(x);
        }
        self.windows += 1;
        match self.groups.last_mut() {
            Some((g, n)) if *n < self.stride => {
                for (s, &x) in g.iter_mut().zip(v) {
                    *s += f64::from(x);
                }
                *n += 1;
            }
            _ => self
                .groups
                .push((v.iter().map(|&x| f64::from(x)).collect(), 1)),
        }
        if self.max_points > 0 && self.groups.len() > self.max_points {
            let old = std::mem::take(&mut self.groups);
            let mut it = old.into_iter();
            while let Some((mut a, mut n)) = it.next() {
                if let Some((b, m)) = it.next() {
                    for (x, y) in a.iter_mut().zip(&b) {
                        *x += y;
                    }
                    n += m;
                }
                self.groups.push((a, n));
            }
            self.stride *= 2;
        }
        Ok(())
    }
}

enum FrontEnd {
    Waveform {
        /// Samples not yet consumed; fewer than one window after each push.
        buf: Vec<f32>,
        /// Samples still to drop before the next window (a hop longer than the window).
        skip: usize,
    },
    LogMel {
        /// Boxed: the STFT is much larger than the waveform variant.
        stft: Box<Stft>,
        /// `n_mels` rows of `n_fft/2+1` weights.
        filters: Vec<f32>,
        /// Converts the STFT's normalised magnitudes back to `|rfft|`.
        raw_scale: f32,
        /// Log-mel frames not yet consumed, `n_mels` values each.
        rows: Vec<f32>,
        /// Frames still to drop before the next window (a hop longer than the window).
        skip: usize,
    },
}

/// A model read, validated, optimised and planned once; share it (`Arc`) between streams
/// and threads so that a batch loads the model once, not once per file.
pub struct EmbeddingModel {
    spec: ModelSpec,
    plan: Arc<TypedRunnableModel>,
}

impl std::fmt::Debug for EmbeddingModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddingModel")
            .field("name", &self.spec.name)
            .field("model_path", &self.spec.model_path)
            .finish_non_exhaustive()
    }
}

impl EmbeddingModel {
    /// Reads the sidecar, then loads and optimises the ONNX model for the sidecar's input
    /// shape. `path` is the `.onnx` file or its `.json` sidecar (see the module docs).
    ///
    /// # Errors
    /// [`Error::Model`] naming the sidecar or the ONNX file when either cannot be read,
    /// parsed or validated, or the model does not accept the input shape.
    pub fn load(path: &Path) -> Result<Arc<Self>> {
        Self::from_spec(ModelSpec::load(path)?)
    }

    /// As [`EmbeddingModel::load`] with an already validated spec.
    ///
    /// # Errors
    /// See [`EmbeddingModel::load`].
    pub fn from_spec(spec: ModelSpec) -> Result<Arc<Self>> {
        let plan = load_plan(&spec)?;
        Ok(Arc::new(EmbeddingModel { spec, plan }))
    }

    /// The validated front end.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }
}

/// Runs a model on one stream's windows and accumulates the vectors.
pub struct EmbeddingRunner {
    spec: ModelSpec,
    plan: Arc<TypedRunnableModel>,
    resampler: StreamResampler,
    resampled: Vec<f32>,
    front: FrontEnd,
    /// The model's input, laid out as `input_shape`.
    input: Vec<f32>,
    acc: VectorAccumulator,
    /// Samples received at the model's rate.
    received: u64,
    /// The first inference error; once set, no more windows run.
    failure: Option<String>,
}

impl EmbeddingRunner {
    /// Reads the sidecar, loads and optimises the ONNX model for the sidecar's input shape,
    /// and prepares a stream at `stream_rate` Hz (mono). `max_points` bounds the
    /// down-sampled per-window vectors (0 keeps all).
    ///
    /// # Errors
    /// [`Error::Model`] naming the sidecar or the ONNX file when either cannot be read,
    /// parsed or validated, or the model does not accept the input shape.
    pub fn new(path: &Path, stream_rate: u32, max_points: usize) -> Result<Self> {
        let model = EmbeddingModel::load(path)?;
        Self::from_model(&model, stream_rate, max_points)
    }

    /// A runner for a stream at `stream_rate` Hz on an already loaded model.
    ///
    /// # Errors
    /// [`Error::Model`] when the stream cannot be resampled to the model's rate.
    pub fn from_model(model: &EmbeddingModel, stream_rate: u32, max_points: usize) -> Result<Self> {
        let spec = model.spec.clone();
        let plan = model.plan.clone();
        let resampler =
            StreamResampler::new(stream_rate, spec.sample_rate).map_err(|e| Error::Model {
                path: spec.sidecar_path.clone(),
                reason: format!(
                    "cannot resample {stream_rate} Hz to the model's {} Hz: {e}",
                    spec.sample_rate
                ),
            })?;
        let front = match &spec.mel {
            None => FrontEnd::Waveform {
                buf: Vec::with_capacity(2 * spec.window_samples),
                skip: 0,
            },
            Some(m) => {
                let stft = Box::new(Stft::new(m.n_fft, m.mel_hop, spec.sample_rate));
                // The STFT scales |X| by 2 / sum(window); undo it (same window, same sum).
                let window_sum: f32 = (0..m.n_fft)
                    .map(|i| {
                        let phase = 2.0 * std::f64::consts::PI * i as f64 / m.n_fft as f64;
                        (0.5 - 0.5 * phase.cos()) as f32
                    })
                    .sum();
                FrontEnd::LogMel {
                    stft,
                    filters: mel_filterbank(spec.sample_rate, m),
                    raw_scale: window_sum / 2.0,
                    rows: Vec::with_capacity(2 * m.patch_frames * m.n_mels),
                    skip: 0,
                }
            }
        };
        let elements = spec.input_shape.iter().product();
        Ok(EmbeddingRunner {
            input: vec![0.0; elements],
            acc: VectorAccumulator::new(max_points),
            spec,
            plan,
            resampler,
            resampled: Vec::new(),
            front,
            received: 0,
            failure: None,
        })
    }

    /// The validated front end.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Feeds mono samples at the stream's rate.
    pub fn push(&mut self, mono: &[f32]) {
        self.resampled.clear();
        self.resampler.push(mono, &mut self.resampled);
        self.consume(false);
    }

    /// Ends the stream and returns the embeddings and any warnings.
    ///
    /// # Errors
    /// A message when the model failed on a window (its output changed size, or tract
    /// reported an error).
    pub fn finish(mut self) -> std::result::Result<(Embeddings, Vec<String>), String> {
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled);
        self.consume(true);
        if let Some(e) = self.failure {
            return Err(e);
        }
        let mut warnings = Vec::new();
        if self.acc.skipped > 0 {
            warnings.push(format!(
                "embedding model `{}`: {} windows gave NaN/infinite values and were left out",
                self.spec.name, self.acc.skipped
            ));
        }
        let n = self.acc.windows.max(1) as f64;
        let mean = self.acc.sum.iter().map(|&s| (s / n) as f32).collect();
        let frames = self
            .acc
            .groups
            .iter()
            .map(|(g, c)| g.iter().map(|&s| (s / *c as f64) as f32).collect())
            .collect();
        let hop_secs = self.spec.hop_secs();
        Ok((
            Embeddings {
                model: self.spec.name.clone(),
                dim: self.acc.dim.unwrap_or(0),
                windows: self.acc.windows,
                window_secs: self.spec.window_secs(),
                hop_secs,
                frames_hop_secs: hop_secs * self.acc.stride as f64,
                mean,
                frames,
            },
            warnings,
        ))
    }

    /// Runs every complete window in the buffers; at the end of the stream, also runs a
    /// zero-padded window when none has run.
    fn consume(&mut self, end: bool) {
        self.received += self.resampled.len() as u64;
        let mut ran = self.acc.windows + self.acc.skipped;
        match &mut self.front {
            FrontEnd::Waveform { buf, skip } => {
                let dropped = (*skip).min(self.resampled.len());
                *skip -= dropped;
                buf.extend_from_slice(&self.resampled[dropped..]);
                let (n, h) = (self.spec.window_samples, self.spec.hop_samples);
                let mut start = 0;
                while start + n <= buf.len() && self.failure.is_none() {
                    self.input.copy_from_slice(&buf[start..start + n]);
                    run_window(
                        &self.plan,
                        &self.spec,
                        &self.input,
                        &mut self.acc,
                        &mut self.failure,
                    );
                    ran += 1;
                    start += h;
                }
                *skip += start.saturating_sub(buf.len());
                buf.drain(..start.min(buf.len()));
                if end && ran == 0 && self.received > 0 && self.failure.is_none() {
                    self.input.fill(0.0);
                    self.input[..buf.len()].copy_from_slice(buf);
                    run_window(
                        &self.plan,
                        &self.spec,
                        &self.input,
                        &mut self.acc,
                        &mut self.failure,
                    );
                }
            }
            FrontEnd::LogMel {
                stft,
                filters,
                raw_scale,
                rows,
                skip,
            } => {
                let Some(m) = self.spec.mel.as_ref() else {
                    return;
                };
                let mut on_frame = |f: &SpectrumFrame| {
                    if *skip > 0 {
                        *skip -= 1;
                        return;
                    }
                    let bins = f.magnitudes.len();
                    for band in filters.chunks_exact(bins) {
                        let e: f32 = band
                            .iter()
                            .zip(f.magnitudes)
                            .map(|(&w, &mag)| {
                                let x = mag * *raw_scale;
                                w * match m.spectrum {
                                    SpectrumKind::Power => x * x,
                                    SpectrumKind::Magnitude => x,
                                }
                            })
                            .sum();
                        rows.push(log_energy(e, m));
                    }
                };
                stft.push(&self.resampled, &mut on_frame);
                if end {
                    stft.finish(&mut on_frame);
                }
                let (p, h, nm) = (m.patch_frames, m.hop_frames, m.n_mels);
                let mut start = 0;
                while start + p <= rows.len() / nm && self.failure.is_none() {
                    fill_patch(&mut self.input, &rows[start * nm..(start + p) * nm], m);
                    run_window(
                        &self.plan,
                        &self.spec,
                        &self.input,
                        &mut self.acc,
                        &mut self.failure,
                    );
                    ran += 1;
                    start += h;
                }
                *skip += start.saturating_sub(rows.len() / nm);
                rows.drain(..(start * nm).min(rows.len()));
                if end && ran == 0 && self.received > 0 && self.failure.is_none() {
                    // Pad with the log of silence.
                    rows.resize(p * nm, log_energy(0.0, m));
                    fill_patch(&mut self.input, &rows[..p * nm], m);
                    run_window(
                        &self.plan,
                        &self.spec,
                        &self.input,
                        &mut self.acc,
                        &mut self.failure,
                    );
                }
            }
        }
    }
}

fn log_energy(e: f32, m: &MelSpec) -> f32 {
    let x = f64::from(e) + m.log_offset;
    (match m.log {
        LogKind::Ln => x.ln(),
        LogKind::Log10 => x.log10(),
        LogKind::Db => 10.0 * x.log10(),
    }) as f32
}

/// Copies a `[frames][mels]` patch into the input in the model's layout.
fn fill_patch(input: &mut [f32], patch: &[f32], m: &MelSpec) {
    match m.layout {
        MelLayout::FramesMels => input.copy_from_slice(patch),
        MelLayout::MelsFrames => {
            for (t, frame) in patch.chunks_exact(m.n_mels).enumerate() {
                for (b, &x) in frame.iter().enumerate() {
                    input[b * m.patch_frames + t] = x;
                }
            }
        }
    }
}

fn run_window(
    plan: &Arc<TypedRunnableModel>,
    spec: &ModelSpec,
    input: &[f32],
    acc: &mut VectorAccumulator,
    failure: &mut Option<String>,
) {
    let window = acc.windows + acc.skipped;
    let result = (|| -> std::result::Result<Vec<f32>, String> {
        let text = |e: TractError| format!("{e:#}");
        let tensor = Tensor::from_shape(&spec.input_shape, input).map_err(text)?;
        let outputs = plan.run(tvec!(tensor.into())).map_err(text)?;
        let out = outputs.first().ok_or("the model has no output")?;
        let out = out.cast_to::<f32>().map_err(text)?;
        let view = out.to_plain_array_view::<f32>().map_err(text)?;
        Ok(view.iter().copied().collect())
    })();
    let outcome = result.and_then(|v| acc.push(&v));
    if let Err(e) = outcome {
        *failure = Some(format!(
            "embedding model `{}` failed on window {window}: {e}",
            spec.name
        ));
    }
}

/// A model's JSON sidecar as read from disk, shared by the embedding and stem loaders.
pub(crate) struct SidecarFile {
    /// Where the sidecar is.
    pub(crate) path: PathBuf,
    /// Its text.
    pub(crate) text: String,
    /// The `.onnx` file the caller named, when it named the model rather than the sidecar.
    given_model: Option<PathBuf>,
}

impl SidecarFile {
    /// Reads the sidecar of `path` (the `.json` sidecar itself, or the `.onnx` model with the
    /// sidecar next to it under the same name); `what` names the model kind in the error.
    pub(crate) fn read(path: &Path, what: &str) -> Result<Self> {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let (sidecar_path, given_model) = if is_json {
            (path.to_path_buf(), None)
        } else {
            (path.with_extension("json"), Some(path.to_path_buf()))
        };
        let text = std::fs::read_to_string(&sidecar_path).map_err(|e| Error::Model {
            path: sidecar_path.clone(),
            reason: format!(
                "cannot read the {what}'s JSON sidecar ({e}); it must sit next to the .onnx \
                 file with the same name"
            ),
        })?;
        Ok(Self {
            path: sidecar_path,
            text,
            given_model,
        })
    }

    /// The sidecar's text did not parse into its fields.
    pub(crate) fn invalid(&self, e: serde_json::Error) -> Error {
        Error::Model {
            path: self.path.clone(),
            reason: format!("invalid sidecar: {e}"),
        }
    }

    /// The ONNX file: the one the caller named, else the sidecar's `model` field (relative
    /// to the sidecar), else the sidecar's name with `.onnx`.
    pub(crate) fn model_path(&self, named: Option<&Path>) -> PathBuf {
        match (&self.given_model, named) {
            (Some(given), _) => given.clone(),
            (None, Some(m)) => self.path.parent().unwrap_or(Path::new("")).join(m),
            (None, None) => self.path.with_extension("onnx"),
        }
    }
}

/// Loads the ONNX file, fixes its input to `spec.input_shape` (f32), selects the output,
/// optimises it and makes it runnable.
pub(crate) fn load_plan(spec: &ModelSpec) -> Result<Arc<TypedRunnableModel>> {
    load_plan_for(&spec.model_path, spec.output.as_deref(), &spec.input_shape)
}

/// As [`load_plan`] for any model: the ONNX file, the output to select and the input shape.
pub(crate) fn load_plan_for(
    path: &Path,
    output: Option<&str>,
    input_shape: &[usize],
) -> Result<Arc<TypedRunnableModel>> {
    let path = &path.to_path_buf();
    let fail = |what: &str, e: TractError| Error::Model {
        path: path.clone(),
        reason: format!("{what}: {e:#}"),
    };
    if !path.is_file() {
        return Err(Error::Model {
            path: path.clone(),
            reason: "no such file (the ONNX model named by the sidecar)".into(),
        });
    }
    let mut model = tract_onnx::onnx()
        .model_for_path(path)
        .map_err(|e| fail("not a readable ONNX model", e))?;
    if let Some(name) = output {
        model = model
            .with_outputs_by_name([name])
            .map_err(|e| fail(&format!("no output named `{name}`"), e))?;
    }
    let fact = InferenceFact::dt_shape(f32::datum_type(), input_shape.to_vec());
    let model = model
        .with_input_fact(0, fact)
        .map_err(|e| fail("cannot set the input shape", e))?;
    model
        .into_optimized()
        .map_err(|e| {
            fail(
                &format!("the model does not accept an f32 input of shape {input_shape:?}"),
                e,
            )
        })?
        .into_runnable()
        .map_err(|e| fail("cannot plan the model", e))
}
