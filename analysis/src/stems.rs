//! Stem summaries from a user-supplied mask-based ONNX separator (the `onnx` cargo feature).
//!
//! The seed's optional "stem separation (Spleeter)" part summarised each stem by its RMS and
//! spectral centroid. Those need no audio out, only how the track's spectral energy splits
//! between the stems, which is what a mask-based separator (Spleeter, Open-Unmix, ...)
//! computes: the model takes a magnitude spectrogram patch and returns one soft mask per
//! stem. This module runs such a model with tract on consecutive patches of the analysis's
//! mono stream and accumulates, per stem, the masked energy and spectral centroid
//! (`analysis.stems`, see [`crate::report::Stems`]). No inverse STFT is done.
//!
//! # The model and its sidecar
//! As for embeddings (see the `embeddings` module): `model.onnx` plus a JSON sidecar
//! `model.json` next to it; pass either path, and the sidecar's optional `"model"` names the
//! ONNX file relative to the sidecar's folder. A stem sidecar says `"kind": "stems"` (an
//! embedding sidecar says `"embedding"` or nothing, and each loader refuses the other kind):
//!
//! ```json
//! {
//!   "name": "my-spleeter-4stems",
//!   "kind": "stems",
//!   "stems": ["vocals", "drums", "bass", "other"],
//!   "sample_rate": 44100,
//!   "n_fft": 4096, "stft_hop": 1024, "bins": 1024, "patch_frames": 512
//! }
//! ```
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `name` | string, required | written to the report (`stems.model`) |
//! | `kind` | `"stems"`, required | marks a separator |
//! | `model` | path, optional | the ONNX file, relative to the sidecar |
//! | `stems` | array of 1..=16 distinct names, required | one per mask, in the model's order |
//! | `sample_rate` | Hz, required, 1000..=384000 | the stream is resampled to this rate |
//! | `n_fft` | even, 16..=65536, required | FFT length (periodic Hann window of the same length) |
//! | `stft_hop` | samples, 1..=`n_fft`, required | hop between spectrogram frames |
//! | `bins` | 1..=`n_fft/2+1`, optional | the lowest bins the model sees (default all `n_fft/2+1`); higher bins belong to no stem |
//! | `patch_frames` | frames per window | default `round(window_secs * sample_rate / stft_hop)`; one of the two is required |
//! | `window_secs` | s, > 0, <= 60 | sets `patch_frames` when that is absent |
//! | `hop_secs` | s, > 0 | time between window starts (default: the window, no overlap) |
//! | `spectrum` | `"magnitude"` (default) or `"power"` | `\|X\|` or `\|X\|^2` as the model's input |
//! | `layout` | `"bins_frames"` (default) or `"frames_bins"` | order of the patch's values and of each mask's: band-major `[F][T]` or time-major `[T][F]` |
//! | `input_shape` | array of sizes, optional | shape of the input tensor; its product must be `bins * patch_frames`. Default `[1, F, T]` (`bins_frames`) or `[1, T, F]` |
//! | `output` | string, optional | name of the graph output to use (default: the first output) |
//!
//! Unknown fields are errors. The selected output must hold `S * F * T` values
//! (`S` = the number of `stems`): `S` masks one after the other, each in `layout` order (for
//! example a `[1, S, F, T]` tensor). A model whose output has another size is refused when
//! it is loaded, with an error naming the sidecar.
//!
//! # What a window is
//! Samples are the analysis's mono downmix, resampled to `sample_rate`. Frames are centred
//! (frame `i` covers samples `[i*stft_hop - n_fft/2, i*stft_hop + n_fft/2)`, zeros outside
//! the stream), and `|X[f]|` is the unnormalised `rfft` magnitude of the Hann-windowed
//! frame (as numpy and librosa). A window is `patch_frames` consecutive frames; windows
//! start every `round(hop_secs * sample_rate / stft_hop)` frames and only complete windows
//! run; a stream shorter than one window runs once, padded with silent frames.
//!
//! # What is measured
//! Mask values are clamped to 0..1; a window whose masks hold NaN or infinity is left out
//! (and counted in a warning). For each stem `s`, over every analysed frame `t` and bin `f`:
//!
//! - energy `E_s = sum c_f m_s(f, t) |X(f, t)|^2`, with `c_f = 2` except `c = 1` at DC
//!   and Nyquist (the one-sided spectrum counted for both sides);
//! - `rms_s = sqrt(E_s / (frames * n_fft * sum(w^2)))`, `w` the Hann window. By Parseval
//!   this is the stem's RMS in sample units: masks of 1 give the mono stream's RMS (a sine
//!   of amplitude `A` gives `A / sqrt(2)`), comparable to `dynamics.rms_total_dbfs`;
//! - `energy_share_s = E_s / sum_k E_k`;
//! - `spectral_centroid_hz_s = sum f_hz m_s |X| / sum m_s |X|`, `f_hz = f * sample_rate / n_fft`.
//!
//! Frames that only pad a short clip's window count for nothing. With overlapping windows
//! (`hop_secs` shorter than the window) a frame counts once per window holding it, which
//! weights every frame alike in the steady state.
//!
//! # Memory
//! The runner keeps one window of frames and a few sums per stem, so memory does not grow
//! with the stream's length.

use crate::embeddings::{load_plan_for, ModelKind, SidecarFile, SpectrumKind, MAX_WINDOW_SECS};
use crate::error::{Error, Result};
use crate::report::{Stem, Stems};
use crate::resample::StreamResampler;
use crate::stft::{SpectrumFrame, Stft};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tract_onnx::prelude::*;

/// Most stems a sidecar may list.
pub const MAX_STEMS: usize = 16;

/// Order of a spectrogram patch's values (and of each mask's) in the tensors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecLayout {
    /// Bin after bin (`[bins][frames]`, as Spleeter's `[F, T]`).
    #[default]
    BinsFrames,
    /// Frame after frame (`[frames][bins]`).
    FramesBins,
}

/// A stem sidecar as written (see the module docs for each field).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StemSidecar {
    pub name: String,
    pub kind: ModelKind,
    #[serde(default)]
    pub model: Option<PathBuf>,
    pub stems: Vec<String>,
    pub sample_rate: u32,
    pub n_fft: usize,
    pub stft_hop: usize,
    #[serde(default)]
    pub bins: Option<usize>,
    #[serde(default)]
    pub patch_frames: Option<usize>,
    #[serde(default)]
    pub window_secs: Option<f64>,
    #[serde(default)]
    pub hop_secs: Option<f64>,
    #[serde(default)]
    pub spectrum: Option<SpectrumKind>,
    #[serde(default)]
    pub layout: Option<SpecLayout>,
    #[serde(default)]
    pub input_shape: Option<Vec<usize>>,
    #[serde(default)]
    pub output: Option<String>,
}

/// A separator's front end, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct StemSpec {
    pub name: String,
    /// The ONNX file.
    pub model_path: PathBuf,
    /// The sidecar it was described by.
    pub sidecar_path: PathBuf,
    pub stems: Vec<String>,
    pub sample_rate: u32,
    pub n_fft: usize,
    pub stft_hop: usize,
    /// Bins the model sees (the lowest ones).
    pub bins: usize,
    pub patch_frames: usize,
    /// Frames between window starts.
    pub hop_frames: usize,
    pub spectrum: SpectrumKind,
    pub layout: SpecLayout,
    pub input_shape: Vec<usize>,
    pub output: Option<String>,
}

impl StemSpec {
    /// Reads and validates a stem sidecar. `path` is the `.json` sidecar or the `.onnx`
    /// model (see the module docs).
    ///
    /// # Errors
    /// [`Error::Model`] naming the sidecar when it is missing, unreadable, not JSON, has an
    /// unknown or mistyped field, or a value out of range.
    pub fn load(path: &Path) -> Result<StemSpec> {
        let file = SidecarFile::read(path, "stem model")?;
        let sidecar: StemSidecar = serde_json::from_str(&file.text).map_err(|e| file.invalid(e))?;
        let model_path = file.model_path(sidecar.model.as_deref());
        let sidecar_path = file.path;
        Self::from_sidecar(sidecar, model_path, sidecar_path)
    }

    /// Validates a parsed sidecar.
    ///
    /// # Errors
    /// [`Error::Model`] naming `sidecar_path` for a missing or out-of-range value.
    pub fn from_sidecar(
        s: StemSidecar,
        model_path: PathBuf,
        sidecar_path: PathBuf,
    ) -> Result<Self> {
        let bad = |reason: String| Error::Model {
            path: sidecar_path.clone(),
            reason: format!("invalid sidecar: {reason}"),
        };
        if s.name.trim().is_empty() {
            return Err(bad("`name` is empty".into()));
        }
        if s.kind != ModelKind::Stems {
            return Err(bad(
                "`kind` must be \"stems\" for a stem model (this sidecar describes an \
                 embedding model)"
                    .into(),
            ));
        }
        if s.stems.is_empty() || s.stems.len() > MAX_STEMS {
            return Err(bad(format!(
                "`stems` lists {} names; it needs 1..={MAX_STEMS}",
                s.stems.len()
            )));
        }
        for (i, name) in s.stems.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(bad(format!("`stems` name {i} is empty")));
            }
            if s.stems[..i].contains(name) {
                return Err(bad(format!("`stems` lists {name:?} twice")));
            }
        }
        if !(1000..=384_000).contains(&s.sample_rate) {
            return Err(bad(format!(
                "`sample_rate` {} Hz is outside 1000..=384000",
                s.sample_rate
            )));
        }
        let sr = f64::from(s.sample_rate);
        let (n_fft, stft_hop) = (s.n_fft, s.stft_hop);
        if !(16..=65_536).contains(&n_fft) || n_fft % 2 != 0 {
            return Err(bad(format!("`n_fft` {n_fft} must be even, in 16..=65536")));
        }
        if !(1..=n_fft).contains(&stft_hop) {
            return Err(bad(format!("`stft_hop` {stft_hop} must be in 1..=n_fft")));
        }
        let all_bins = n_fft / 2 + 1;
        let bins = s.bins.unwrap_or(all_bins);
        if !(1..=all_bins).contains(&bins) {
            return Err(bad(format!("`bins` {bins} must be in 1..={all_bins}")));
        }
        for (field, v) in [("window_secs", s.window_secs), ("hop_secs", s.hop_secs)] {
            if let Some(x) = v {
                if !(x.is_finite() && x > 0.0 && x <= MAX_WINDOW_SECS) {
                    return Err(bad(format!(
                        "`{field}` {x} s must be in (0, {MAX_WINDOW_SECS}]"
                    )));
                }
            }
        }
        let frame_secs = stft_hop as f64 / sr;
        let patch_frames = match (s.patch_frames, s.window_secs) {
            (Some(p), _) => p,
            (None, Some(w)) => (w / frame_secs).round() as usize,
            (None, None) => {
                return Err(bad(
                    "stem models need `patch_frames` or `window_secs`".into()
                ))
            }
        };
        if patch_frames == 0 || patch_frames as f64 * frame_secs > MAX_WINDOW_SECS {
            return Err(bad(format!(
                "`patch_frames` {patch_frames} must be at least 1 and span at most \
                 {MAX_WINDOW_SECS} s"
            )));
        }
        let hop_frames = match s.hop_secs {
            Some(h) => (h / frame_secs).round() as usize,
            None => patch_frames,
        };
        if hop_frames == 0 {
            return Err(bad("`hop_secs` is shorter than one STFT hop".into()));
        }
        let layout = s.layout.unwrap_or_default();
        let elements = bins * patch_frames;
        let input_shape = match s.input_shape {
            Some(shape) => {
                let product: usize = shape.iter().product();
                if shape.is_empty() || product != elements {
                    return Err(bad(format!(
                        "`input_shape` {shape:?} holds {product} values but a window has \
                         {elements} ({bins} bins x {patch_frames} frames)"
                    )));
                }
                shape
            }
            None => match layout {
                SpecLayout::BinsFrames => vec![1, bins, patch_frames],
                SpecLayout::FramesBins => vec![1, patch_frames, bins],
            },
        };
        Ok(StemSpec {
            name: s.name,
            model_path,
            sidecar_path,
            stems: s.stems,
            sample_rate: s.sample_rate,
            n_fft,
            stft_hop,
            bins,
            patch_frames,
            hop_frames,
            spectrum: s.spectrum.unwrap_or(SpectrumKind::Magnitude),
            layout,
            input_shape,
            output: s.output,
        })
    }

    /// Seconds between window starts.
    pub fn hop_secs(&self) -> f64 {
        (self.hop_frames * self.stft_hop) as f64 / f64::from(self.sample_rate)
    }

    /// Seconds one window spans.
    pub fn window_secs(&self) -> f64 {
        (self.patch_frames * self.stft_hop) as f64 / f64::from(self.sample_rate)
    }

    /// Values the model's output must hold: `stems * bins * patch_frames`.
    pub fn mask_values(&self) -> usize {
        self.stems.len() * self.bins * self.patch_frames
    }
}

/// A separator read, validated, optimised and planned once; share it (`Arc`) between
/// streams and threads.
pub struct StemModel {
    spec: StemSpec,
    plan: Arc<TypedRunnableModel>,
}

impl std::fmt::Debug for StemModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StemModel")
            .field("name", &self.spec.name)
            .field("model_path", &self.spec.model_path)
            .finish_non_exhaustive()
    }
}

impl StemModel {
    /// Reads the sidecar, then loads and optimises the ONNX model for the sidecar's input
    /// shape, and checks that its output holds one mask per listed stem.
    ///
    /// # Errors
    /// [`Error::Model`] naming the sidecar or the ONNX file when either cannot be read,
    /// parsed or validated, the model does not accept the input shape, or its output does
    /// not hold `stems * bins * patch_frames` values (named on the sidecar).
    pub fn load(path: &Path) -> Result<Arc<Self>> {
        Self::from_spec(StemSpec::load(path)?)
    }

    /// As [`StemModel::load`] with an already validated spec.
    ///
    /// # Errors
    /// See [`StemModel::load`].
    pub fn from_spec(spec: StemSpec) -> Result<Arc<Self>> {
        let plan = load_plan_for(&spec.model_path, spec.output.as_deref(), &spec.input_shape)?;
        let shape = plan
            .model()
            .output_fact(0)
            .ok()
            .and_then(|f| f.shape.as_concrete().map(<[usize]>::to_vec));
        if let Some(shape) = shape {
            let values: usize = shape.iter().product();
            let per_mask = spec.bins * spec.patch_frames;
            if values != spec.mask_values() {
                return Err(Error::Model {
                    path: spec.sidecar_path.clone(),
                    reason: format!(
                        "the model's output {shape:?} holds {values} values ({} masks of \
                         {} bins x {} frames) but the sidecar lists {} stems {:?}",
                        if values.is_multiple_of(per_mask) {
                            (values / per_mask).to_string()
                        } else {
                            "not a whole number of".to_string()
                        },
                        spec.bins,
                        spec.patch_frames,
                        spec.stems.len(),
                        spec.stems
                    ),
                });
            }
        }
        Ok(Arc::new(StemModel { spec, plan }))
    }

    /// The validated front end.
    pub fn spec(&self) -> &StemSpec {
        &self.spec
    }
}

/// Per-stem running sums.
#[derive(Clone, Debug, Default)]
struct StemSums {
    energy: f64,
    centroid_num: f64,
    centroid_den: f64,
}

/// Runs a separator on one stream's windows and accumulates per-stem energy and centroid.
pub struct StemRunner {
    spec: StemSpec,
    plan: Arc<TypedRunnableModel>,
    resampler: StreamResampler,
    resampled: Vec<f32>,
    stft: Box<Stft>,
    /// Converts the STFT's normalised magnitudes back to `|rfft|`.
    raw_scale: f32,
    /// `sum(w^2)` of the Hann window.
    window_sq_sum: f64,
    /// `|X|` of frames not yet consumed, `bins` values each.
    rows: Vec<f32>,
    /// Frames still to drop before the next window (a hop longer than the window).
    skip: usize,
    input: Vec<f32>,
    sums: Vec<StemSums>,
    /// Analysed frames (counted once per window holding them).
    frames: u64,
    windows: usize,
    skipped: usize,
    received: u64,
    failure: Option<String>,
}

impl StemRunner {
    /// Loads the model (see [`StemModel::load`]) and prepares a stream at `stream_rate` Hz.
    ///
    /// # Errors
    /// See [`StemModel::load`] and [`StemRunner::from_model`].
    pub fn new(path: &Path, stream_rate: u32) -> Result<Self> {
        let model = StemModel::load(path)?;
        Self::from_model(&model, stream_rate)
    }

    /// A runner for a mono stream at `stream_rate` Hz on an already loaded model.
    ///
    /// # Errors
    /// [`Error::Model`] when the stream cannot be resampled to the model's rate.
    pub fn from_model(model: &StemModel, stream_rate: u32) -> Result<Self> {
        let spec = model.spec.clone();
        let resampler =
            StreamResampler::new(stream_rate, spec.sample_rate).map_err(|e| Error::Model {
                path: spec.sidecar_path.clone(),
                reason: format!(
                    "cannot resample {stream_rate} Hz to the model's {} Hz: {e}",
                    spec.sample_rate
                ),
            })?;
        let window: Vec<f64> = (0..spec.n_fft)
            .map(|i| {
                let phase = 2.0 * std::f64::consts::PI * i as f64 / spec.n_fft as f64;
                0.5 - 0.5 * phase.cos()
            })
            .collect();
        let window_sum: f64 = window.iter().sum();
        let window_sq_sum: f64 = window.iter().map(|w| w * w).sum();
        Ok(StemRunner {
            stft: Box::new(Stft::new(spec.n_fft, spec.stft_hop, spec.sample_rate)),
            // The STFT scales |X| by 2 / sum(window); undo it.
            raw_scale: (window_sum / 2.0) as f32,
            window_sq_sum,
            rows: Vec::with_capacity(2 * spec.patch_frames * spec.bins),
            skip: 0,
            input: vec![0.0; spec.bins * spec.patch_frames],
            sums: vec![StemSums::default(); spec.stems.len()],
            frames: 0,
            windows: 0,
            skipped: 0,
            received: 0,
            failure: None,
            plan: model.plan.clone(),
            resampler,
            resampled: Vec::new(),
            spec,
        })
    }

    /// The validated front end.
    pub fn spec(&self) -> &StemSpec {
        &self.spec
    }

    /// Feeds mono samples at the stream's rate.
    pub fn push(&mut self, mono: &[f32]) {
        self.resampled.clear();
        self.resampler.push(mono, &mut self.resampled);
        self.consume(false);
    }

    /// Ends the stream and returns the stem summary and any warnings.
    ///
    /// # Errors
    /// A message when the model failed on a window (its output changed size, or tract
    /// reported an error).
    pub fn finish(mut self) -> std::result::Result<(Stems, Vec<String>), String> {
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled);
        self.consume(true);
        if let Some(e) = self.failure {
            return Err(e);
        }
        let mut warnings = Vec::new();
        if self.skipped > 0 {
            warnings.push(format!(
                "stem model `{}`: {} windows gave NaN/infinite masks and were left out",
                self.spec.name, self.skipped
            ));
        }
        let norm = self.frames as f64 * self.spec.n_fft as f64 * self.window_sq_sum;
        let total: f64 = self.sums.iter().map(|s| s.energy).sum();
        let stems = self
            .spec
            .stems
            .iter()
            .zip(&self.sums)
            .map(|(name, s)| {
                let rms = if norm > 0.0 {
                    (s.energy / norm).sqrt()
                } else {
                    0.0
                };
                Stem {
                    name: name.clone(),
                    rms,
                    rms_db: (rms > 0.0).then(|| 20.0 * rms.log10()),
                    energy_share: (total > 0.0).then(|| s.energy / total),
                    spectral_centroid_hz: (s.centroid_den > 0.0)
                        .then(|| s.centroid_num / s.centroid_den),
                }
            })
            .collect();
        Ok((
            Stems {
                model: self.spec.name.clone(),
                windows: self.windows,
                window_secs: self.spec.window_secs(),
                hop_secs: self.spec.hop_secs(),
                stems,
            },
            warnings,
        ))
    }

    /// Runs every complete window; at the end of the stream, also runs a padded window
    /// when none has run.
    fn consume(&mut self, end: bool) {
        self.received += self.resampled.len() as u64;
        let (bins, raw_scale) = (self.spec.bins, self.raw_scale);
        let rows = &mut self.rows;
        let skip = &mut self.skip;
        let mut on_frame = |f: &SpectrumFrame| {
            if *skip > 0 {
                *skip -= 1;
                return;
            }
            rows.extend(f.magnitudes[..bins].iter().map(|&m| m * raw_scale));
        };
        self.stft.push(&self.resampled, &mut on_frame);
        if end {
            self.stft.finish(&mut on_frame);
        }
        let (p, h) = (self.spec.patch_frames, self.spec.hop_frames);
        let mut ran = self.windows + self.skipped;
        let mut start = 0;
        while start + p <= self.rows.len() / bins && self.failure.is_none() {
            self.run_window(start, p);
            ran += 1;
            start += h;
        }
        let available = self.rows.len() / bins;
        self.skip += start.saturating_sub(available);
        self.rows.drain(..(start * bins).min(self.rows.len()));
        if end && ran == 0 && self.received > 0 && self.failure.is_none() {
            let real = self.rows.len() / bins;
            self.rows.resize(p * bins, 0.0);
            self.run_window(0, real);
        }
    }

    /// Runs the window of `patch_frames` frames from frame `start` of `rows`, of which the
    /// first `real` come from the stream (the rest pad a short clip).
    fn run_window(&mut self, start: usize, real: usize) {
        let spec = &self.spec;
        let (bins, p, s_count) = (spec.bins, spec.patch_frames, spec.stems.len());
        let patch = &self.rows[start * bins..(start + p) * bins];
        for (t, frame) in patch.chunks_exact(bins).enumerate() {
            for (f, &x) in frame.iter().enumerate() {
                let v = match spec.spectrum {
                    SpectrumKind::Magnitude => x,
                    SpectrumKind::Power => x * x,
                };
                let idx = match spec.layout {
                    SpecLayout::BinsFrames => f * p + t,
                    SpecLayout::FramesBins => t * bins + f,
                };
                self.input[idx] = v;
            }
        }
        let window = self.windows + self.skipped;
        let result = (|| -> std::result::Result<Vec<f32>, String> {
            let text = |e: TractError| format!("{e:#}");
            let tensor = Tensor::from_shape(&spec.input_shape, &self.input).map_err(text)?;
            let outputs = self.plan.run(tvec!(tensor.into())).map_err(text)?;
            let out = outputs.first().ok_or("the model has no output")?;
            let out = out.cast_to::<f32>().map_err(text)?;
            let view = out.to_plain_array_view::<f32>().map_err(text)?;
            Ok(view.iter().copied().collect())
        })();
        let masks = match result {
            Ok(m) if m.len() == spec.mask_values() => m,
            Ok(m) => {
                self.failure = Some(format!(
                    "stem model `{}` gave {} values on window {window}, not {} ({s_count} \
                     masks of {bins} x {p})",
                    spec.name,
                    m.len(),
                    spec.mask_values()
                ));
                return;
            }
            Err(e) => {
                self.failure = Some(format!(
                    "stem model `{}` failed on window {window}: {e}",
                    spec.name
                ));
                return;
            }
        };
        if !masks.iter().all(|m| m.is_finite()) {
            self.skipped += 1;
            return;
        }
        let bin_hz = f64::from(spec.sample_rate) / spec.n_fft as f64;
        let nyquist_bin = spec.n_fft / 2;
        let per_mask = bins * p;
        for (sums, mask) in self.sums.iter_mut().zip(masks.chunks_exact(per_mask)) {
            let (mut e, mut num, mut den) = (0.0f64, 0.0f64, 0.0f64);
            for (t, frame) in patch.chunks_exact(bins).take(real).enumerate() {
                for (f, &x) in frame.iter().enumerate() {
                    let idx = match spec.layout {
                        SpecLayout::BinsFrames => f * p + t,
                        SpecLayout::FramesBins => t * bins + f,
                    };
                    let m = f64::from(mask[idx].clamp(0.0, 1.0));
                    let x = f64::from(x);
                    let c = if f == 0 || f == nyquist_bin { 1.0 } else { 2.0 };
                    e += c * m * x * x;
                    num += f as f64 * bin_hz * m * x;
                    den += m * x;
                }
            }
            sums.energy += e;
            sums.centroid_num += num;
            sums.centroid_den += den;
        }
        self.frames += real as u64;
        self.windows += 1;
    }
}
