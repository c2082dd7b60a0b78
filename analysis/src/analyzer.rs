//! The streaming analyser: blocks of samples in, a report's `analysis` section out.
//!
//! ```text
//! planar block (native rate, any channels)
//!   |-- loudness (ebur128), peaks, crest factor, stereo image   [native rate]
//!   '-- mono downmix (the side for out-of-phase stereo: `downmix`) -> resample to 22.05 kHz
//!         |-- fast STFT (1024 / hop 256, 86 frames/s): onsets, spectral shape, HPSS
//!         '-- tonal STFT (8192 / hop 2048, 10.8 frames/s): chroma, key, chords, pitch
//! finish(): rhythm summary (beats) -> tonal summary (beat-synchronous chords) -> mood
//! ```

use crate::decode::AudioFile;
use crate::error::{Error, Result};
use crate::features::{
    dynamics::LoudnessAccumulator,
    instrumentation::{Instrumentation, PercussiveAccumulator},
    mood::{Mood, MoodInputs},
    rhythm::{self, OnsetAccumulator, RhythmConfig},
    spatial::SpatialAccumulator,
    spectral::SpectralAccumulator,
    tonal::{self, ChromaAccumulator, TonalConfig},
    vocal::PitchAccumulator,
};
use crate::report::{
    Analysis, AnalyzerInfo, Metadata, OptionalParts, Report, TonalSection, ANALYZER_NAME,
    SCHEMA_VERSION,
};
use crate::resample::StreamResampler;
use crate::stft::Stft;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Sample rate of all spectral analysis, Hz. Keys and tempi live well below 11 kHz.
pub const ANALYSIS_RATE: u32 = 22_050;
/// The two STFTs every path uses (offline and live share them: one feature definition).
pub(crate) const FAST_FFT: usize = 1024;
pub(crate) const FAST_HOP: usize = 256;
pub(crate) const TONAL_FFT: usize = 8192;
pub(crate) const TONAL_HOP: usize = 2048;
/// Tracks shorter than this get a warning: tempo and key need a few bars.
pub const SHORT_TRACK_SECS: f64 = 2.0;

/// Settings for one analysis.
///
/// `embedding_model` exists in every build, but only a build with the `onnx` feature can
/// use it: elsewhere a configured model makes [`Analyzer::new`] fail.
#[derive(Clone, Debug)]
pub struct AnalysisConfig {
    pub rhythm: RhythmConfig,
    pub tonal: TonalConfig,
    /// Points kept in every curve of the report (0 = all).
    pub max_curve_points: usize,
    /// Measure true peak (4x oversampled; costs about as much as the rest of loudness).
    pub true_peak: bool,
    /// An ONNX embedding model (the `.onnx` file or its `.json` sidecar; see the
    /// `embeddings` module, `onnx` feature). `None` (the default) skips embeddings.
    pub embedding_model: Option<PathBuf>,
    /// A model loaded once for many analyses (a batch); when set, it is used instead of
    /// loading `embedding_model` in every [`Analyzer::new`]. Always empty without `onnx`.
    pub embedding_preloaded: PreloadedModel,
    /// An ONNX mask-based stem separator (the `.onnx` file or its `.json` sidecar; see the
    /// `stems` module, `onnx` feature). `None` (the default) skips stems.
    pub stem_model: Option<PathBuf>,
    /// A stem model loaded once for many analyses; when set, it is used instead of loading
    /// `stem_model` in every [`Analyzer::new`]. Always empty without `onnx`.
    pub stem_preloaded: PreloadedStemModel,
}

/// An embedding model loaded once and shared by analyses, or nothing (the default).
/// Without the `onnx` feature it is always empty.
#[derive(Clone, Debug, Default)]
pub struct PreloadedModel(
    #[cfg(feature = "onnx")] Option<std::sync::Arc<crate::embeddings::EmbeddingModel>>,
);

// A loaded model is immutable: every window runs in a fresh tract state, so a panic part
// way through an analysis (which `aidj analyze` catches per file) leaves nothing broken
// behind for the next file. tract's plan holds a lock and handler objects that are not
// marked unwind-safe, hence the assertion.
impl std::panic::UnwindSafe for PreloadedModel {}
impl std::panic::RefUnwindSafe for PreloadedModel {}

/// A stem model loaded once and shared by analyses, or nothing (the default).
/// Without the `onnx` feature it is always empty.
#[derive(Clone, Debug, Default)]
pub struct PreloadedStemModel(
    #[cfg(feature = "onnx")] Option<std::sync::Arc<crate::stems::StemModel>>,
);

// As for `PreloadedModel`: the loaded model is immutable.
impl std::panic::UnwindSafe for PreloadedStemModel {}
impl std::panic::RefUnwindSafe for PreloadedStemModel {}

#[cfg(feature = "onnx")]
impl PreloadedStemModel {
    /// Wraps a loaded model.
    pub fn new(model: std::sync::Arc<crate::stems::StemModel>) -> Self {
        PreloadedStemModel(Some(model))
    }

    /// The model, if any.
    pub fn get(&self) -> Option<&crate::stems::StemModel> {
        self.0.as_deref()
    }
}

#[cfg(feature = "onnx")]
impl PreloadedModel {
    /// Wraps a loaded model.
    pub fn new(model: std::sync::Arc<crate::embeddings::EmbeddingModel>) -> Self {
        PreloadedModel(Some(model))
    }

    /// The model, if any.
    pub fn get(&self) -> Option<&crate::embeddings::EmbeddingModel> {
        self.0.as_deref()
    }
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            rhythm: RhythmConfig::default(),
            tonal: TonalConfig::default(),
            max_curve_points: 512,
            true_peak: true,
            embedding_model: None,
            embedding_preloaded: PreloadedModel::default(),
            stem_model: None,
            stem_preloaded: PreloadedStemModel::default(),
        }
    }
}

impl AnalysisConfig {
    /// Sets the curve length everywhere.
    pub fn with_max_curve_points(mut self, n: usize) -> Self {
        self.max_curve_points = n;
        self.rhythm.max_curve_points = n;
        self.tonal.max_curve_points = n;
        self
    }
}

/// Wall time spent per stage (for `aidj analyze --timings` and benchmarks).
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub decode: Duration,
    pub levels: Duration,
    pub resample: Duration,
    pub fast_frames: Duration,
    pub tonal_frames: Duration,
    /// The embedding model (resampling to its rate, front end and inference).
    pub embeddings: Duration,
    /// The stem model (resampling to its rate, STFT and inference).
    pub stems: Duration,
    pub rhythm_summary: Duration,
    pub tonal_summary: Duration,
    pub other_summary: Duration,
}

impl Timings {
    /// Everything except decoding.
    pub fn analysis(&self) -> Duration {
        self.levels
            + self.resample
            + self.fast_frames
            + self.tonal_frames
            + self.embeddings
            + self.stems
            + self.rhythm_summary
            + self.tonal_summary
            + self.other_summary
    }

    /// Adds another file's timings (batch totals).
    pub fn add(&mut self, o: &Timings) {
        self.decode += o.decode;
        self.levels += o.levels;
        self.resample += o.resample;
        self.fast_frames += o.fast_frames;
        self.tonal_frames += o.tonal_frames;
        self.embeddings += o.embeddings;
        self.stems += o.stems;
        self.rhythm_summary += o.rhythm_summary;
        self.tonal_summary += o.tonal_summary;
        self.other_summary += o.other_summary;
    }

    /// Stage names and times, in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 10] {
        [
            ("decode", self.decode),
            ("levels (loudness, peaks, stereo)", self.levels),
            ("resample", self.resample),
            ("fast STFT (onsets, spectrum, HPSS)", self.fast_frames),
            ("tonal STFT (chroma, pitch)", self.tonal_frames),
            ("embedding model (onnx)", self.embeddings),
            ("stem model (onnx)", self.stems),
            ("rhythm summary", self.rhythm_summary),
            ("tonal summary", self.tonal_summary),
            ("other summaries", self.other_summary),
        ]
    }
}

/// Streaming analyser for one stream.
pub struct Analyzer {
    config: AnalysisConfig,
    sample_rate: u32,
    channels: usize,
    loudness: LoudnessAccumulator,
    spatial: SpatialAccumulator,
    resampler: StreamResampler,
    mono: Vec<f32>,
    downmix: crate::downmix::Downmix,
    resampled: Vec<f32>,
    cleaned: Vec<Vec<f32>>,
    fast: Stft,
    tonal_stft: Stft,
    onsets: OnsetAccumulator,
    spectral: SpectralAccumulator,
    percussive: PercussiveAccumulator,
    chroma: ChromaAccumulator,
    pitch: PitchAccumulator,
    #[cfg(feature = "onnx")]
    embedder: Option<crate::embeddings::EmbeddingRunner>,
    #[cfg(feature = "onnx")]
    separator: Option<crate::stems::StemRunner>,
    frames_in: u64,
    non_finite: u64,
    timings: Timings,
}

impl Analyzer {
    /// An analyser for a stream of `channels` channels at `sample_rate` Hz.
    ///
    /// With `config.embedding_model` set, this loads and optimises the ONNX model (once;
    /// build one analyser per stream, or expect the load time per stream).
    ///
    /// # Errors
    /// Zero channels or sample rate, or a rate the resampler cannot convert.
    /// [`Error::Model`] when the embedding model cannot be loaded, or is configured in a
    /// build without the `onnx` feature.
    pub fn new(sample_rate: u32, channels: usize, config: AnalysisConfig) -> Result<Self> {
        if sample_rate == 0 || channels == 0 {
            return Err(Error::InvalidParameters(format!(
                "{channels} channels at {sample_rate} Hz"
            )));
        }
        if !(1000..=1_536_000).contains(&sample_rate) {
            return Err(Error::InvalidParameters(format!(
                "sample rate {sample_rate} Hz out of range"
            )));
        }
        let resampler =
            StreamResampler::new(sample_rate, ANALYSIS_RATE).map_err(Error::InvalidParameters)?;
        #[cfg(feature = "onnx")]
        let embedder = {
            use crate::embeddings::EmbeddingRunner;
            let points = config.max_curve_points;
            match (config.embedding_preloaded.get(), &config.embedding_model) {
                (Some(model), _) => Some(EmbeddingRunner::from_model(model, sample_rate, points)?),
                (None, Some(path)) => Some(EmbeddingRunner::new(path, sample_rate, points)?),
                (None, None) => None,
            }
        };
        #[cfg(feature = "onnx")]
        let separator = {
            use crate::stems::StemRunner;
            match (config.stem_preloaded.get(), &config.stem_model) {
                (Some(model), _) => Some(StemRunner::from_model(model, sample_rate)?),
                (None, Some(path)) => Some(StemRunner::new(path, sample_rate)?),
                (None, None) => None,
            }
        };
        #[cfg(not(feature = "onnx"))]
        for (path, what) in [
            (&config.embedding_model, "embeddings"),
            (&config.stem_model, "stems"),
        ] {
            if let Some(path) = path {
                return Err(Error::Model {
                    path: path.clone(),
                    reason: format!(
                        "this aidj-analysis was built without the `onnx` feature; rebuild \
                         with `--features onnx` to compute {what}"
                    ),
                });
            }
        }
        let fast = Stft::new(FAST_FFT, FAST_HOP, ANALYSIS_RATE);
        let tonal_stft = Stft::new(TONAL_FFT, TONAL_HOP, ANALYSIS_RATE);
        Ok(Analyzer {
            loudness: LoudnessAccumulator::new(channels, sample_rate, config.true_peak),
            spatial: SpatialAccumulator::new(channels),
            resampler,
            mono: Vec::new(),
            downmix: crate::downmix::Downmix::new(),
            resampled: Vec::new(),
            cleaned: Vec::new(),
            onsets: OnsetAccumulator::new(fast.bins(), fast.bin_hz(), fast.frame_rate()),
            spectral: SpectralAccumulator::new(fast.bins(), fast.bin_hz(), fast.frame_rate()),
            percussive: PercussiveAccumulator::new(fast.bins(), fast.bin_hz()),
            chroma: ChromaAccumulator::new(
                tonal_stft.bins(),
                tonal_stft.bin_hz(),
                tonal_stft.frame_rate(),
            ),
            pitch: PitchAccumulator::new(),
            #[cfg(feature = "onnx")]
            embedder,
            #[cfg(feature = "onnx")]
            separator,
            fast,
            tonal_stft,
            config,
            sample_rate,
            channels,
            frames_in: 0,
            non_finite: 0,
            timings: Timings::default(),
        })
    }

    /// Seconds of audio received.
    pub fn duration_secs(&self) -> f64 {
        self.frames_in as f64 / f64::from(self.sample_rate)
    }

    /// Feeds one planar block: `planes[c][i]`, every plane the same length. Extra planes
    /// beyond the stream's channel count are ignored; NaN/Inf samples count as silence.
    pub fn push(&mut self, planes: &[&[f32]]) {
        let t0 = Instant::now();
        let planes = &planes[..planes.len().min(self.channels)];
        let len = planes.iter().map(|p| p.len()).min().unwrap_or(0);
        if len == 0 {
            return;
        }
        // Replace non-finite samples (copying only when there are any).
        let dirty = planes
            .iter()
            .any(|p| p[..len].iter().any(|x| !x.is_finite()));
        let mut views: Vec<&[f32]> = Vec::with_capacity(planes.len());
        if dirty {
            self.cleaned.resize(planes.len(), Vec::new());
            for (dst, src) in self.cleaned.iter_mut().zip(planes) {
                dst.clear();
                dst.extend(src[..len].iter().map(|&x| {
                    if x.is_finite() {
                        x
                    } else {
                        self.non_finite += 1;
                        0.0
                    }
                }));
            }
            views.extend(self.cleaned.iter().map(|p| &p[..]));
        } else {
            views.extend(planes.iter().map(|p| &p[..len]));
        }
        self.downmix.observe(&views, 0..len);
        self.mono.clear();
        self.downmix.mix_into(&views, 0..len, &mut self.mono);
        self.loudness.push(&views, &self.mono);
        self.spatial.push(&views);
        self.frames_in += len as u64;
        let t1 = Instant::now();
        self.timings.levels += t1 - t0;
        self.resampled.clear();
        self.resampler.push(&self.mono, &mut self.resampled);
        self.timings.resample += t1.elapsed();
        #[cfg(feature = "onnx")]
        if let Some(e) = self.embedder.as_mut() {
            let t = Instant::now();
            e.push(&self.mono);
            self.timings.embeddings += t.elapsed();
        }
        #[cfg(feature = "onnx")]
        if let Some(s) = self.separator.as_mut() {
            let t = Instant::now();
            s.push(&self.mono);
            self.timings.stems += t.elapsed();
        }
        self.run_stfts(false);
    }

    /// Feeds interleaved samples (`channels` per frame).
    pub fn push_interleaved(&mut self, samples: &[f32]) {
        let ch = self.channels;
        let frames = samples.len() / ch;
        let mut planes: Vec<Vec<f32>> = vec![Vec::with_capacity(frames); ch];
        for frame in samples.chunks_exact(ch) {
            for (p, &x) in planes.iter_mut().zip(frame) {
                p.push(x);
            }
        }
        let views: Vec<&[f32]> = planes.iter().map(|p| &p[..]).collect();
        self.push(&views);
    }

    fn run_stfts(&mut self, end: bool) {
        let t0 = Instant::now();
        let (onsets, spectral, percussive) =
            (&mut self.onsets, &mut self.spectral, &mut self.percussive);
        let mut on_fast = |f: &crate::stft::SpectrumFrame| {
            onsets.push(f);
            spectral.push(f);
            percussive.push(f);
        };
        self.fast.push(&self.resampled, &mut on_fast);
        if end {
            self.fast.finish(&mut on_fast);
        }
        let t1 = Instant::now();
        self.timings.fast_frames += t1 - t0;
        let (chroma, pitch) = (&mut self.chroma, &mut self.pitch);
        let mut on_tonal = |f: &crate::stft::SpectrumFrame| {
            chroma.push(f);
            pitch.push(f);
        };
        self.tonal_stft.push(&self.resampled, &mut on_tonal);
        if end {
            self.tonal_stft.finish(&mut on_tonal);
        }
        self.timings.tonal_frames += t1.elapsed();
    }

    /// Ends the stream and summarises it.
    pub fn finish(mut self) -> (Analysis, Vec<String>, Timings) {
        let t0 = Instant::now();
        self.resampled.clear();
        self.resampler.finish(&mut self.resampled);
        self.timings.resample += t0.elapsed();
        self.run_stfts(true);

        let t0 = Instant::now();
        let chroma = self.chroma.pitch_classes();
        let rhythm = rhythm::analyze_with_harmony(
            &self.onsets,
            &self.config.rhythm,
            Some(rhythm::Harmony {
                chroma: &chroma,
                level: &self.chroma.level,
                frame_rate: self.chroma.frame_rate(),
                start_secs: 0.0,
            }),
        );
        let t1 = Instant::now();
        self.timings.rhythm_summary += t1 - t0;
        let harmony = tonal::analyze(&self.chroma, &rhythm.beat_times, &self.config.tonal);
        let t2 = Instant::now();
        self.timings.tonal_summary += t2 - t1;

        let max_points = self.config.max_curve_points;
        let dynamics =
            self.loudness
                .finish(&self.spectral.rms, self.spectral.frame_rate(), max_points);
        let spatial = self.spatial.finish();
        let vocal = self.pitch.finish();
        let centroid = self.spectral.centroid_stats();
        let instrumentation = Instrumentation::new(
            self.spectral.band_presence(),
            self.percussive.percussive_ratio(),
            centroid.mean,
            vocal.voiced_ratio,
        );
        let tonal = TonalSection {
            harmony,
            spectral_centroid: centroid,
            spectral_flatness: self.spectral.flatness_stats(),
            zero_crossing_rate: self.spectral.zcr_stats(),
        };
        let mood = mood_of(&rhythm, &tonal, &dynamics, &instrumentation);
        let mut warnings = Vec::new();
        #[cfg(not(feature = "onnx"))]
        let embeddings = None;
        #[cfg(feature = "onnx")]
        let embeddings = match self.embedder.take() {
            Some(e) => {
                let t = Instant::now();
                let out = match e.finish() {
                    Ok((emb, w)) => {
                        warnings.extend(w);
                        Some(emb)
                    }
                    Err(msg) => {
                        warnings.push(format!("{msg}; embeddings left out"));
                        None
                    }
                };
                self.timings.embeddings += t.elapsed();
                out
            }
            None => None,
        };
        #[cfg(not(feature = "onnx"))]
        let stems = None;
        #[cfg(feature = "onnx")]
        let stems = match self.separator.take() {
            Some(s) => {
                let t = Instant::now();
                let out = match s.finish() {
                    Ok((st, w)) => {
                        warnings.extend(w);
                        Some(st)
                    }
                    Err(msg) => {
                        warnings.push(format!("{msg}; stems left out"));
                        None
                    }
                };
                self.timings.stems += t.elapsed();
                out
            }
            None => None,
        };
        let secs = self.duration_secs();
        if secs < SHORT_TRACK_SECS {
            warnings.push(format!(
                "very short audio ({secs:.2} s): tempo and key need a few bars, left null"
            ));
        }
        if dynamics.sample_peak_dbfs.is_none_or(|p| p < -90.0) {
            warnings.push("the audio is silent: levels and features are null".to_string());
        }
        if self.non_finite > 0 {
            warnings.push(format!(
                "{} non-finite samples (NaN/Inf) were replaced by silence",
                self.non_finite
            ));
        }
        self.timings.other_summary += t2.elapsed();
        let analysis = Analysis {
            rhythm,
            tonal,
            dynamics,
            spatial,
            vocal,
            instrumentation,
            mood,
            embeddings,
            stems,
        };
        (analysis, warnings, self.timings)
    }
}

/// The mood of a summary: one definition for reports and for the live window.
pub(crate) fn mood_of(
    rhythm: &rhythm::Rhythm,
    tonal: &TonalSection,
    dynamics: &crate::features::dynamics::Dynamics,
    instrumentation: &Instrumentation,
) -> Mood {
    let harmony = &tonal.harmony;
    Mood::from_inputs(&MoodInputs {
        tempo_bpm: rhythm.tempo_bpm_global,
        danceability: rhythm.danceability_score,
        lufs: dynamics.lufs,
        centroid_hz: tonal.spectral_centroid.mean,
        dissonance: harmony.dissonance_index,
        minor: harmony.key.as_deref().map(|k| k.ends_with("minor")),
        key_confidence: harmony.key_confidence,
        percussive_ratio: instrumentation.percussive_ratio,
        onset_rate: rhythm.onset_rate,
    })
}

/// A file's report and the time each stage took.
pub struct FileAnalysis {
    pub report: Report,
    pub timings: Timings,
    /// Seconds of audio decoded.
    pub audio_secs: f64,
}

/// Decodes and analyses one file.
///
/// # Errors
/// Anything that stops the file from being read or decoded (see [`Error`]); a file that
/// decodes to zero samples is [`Error::NoAudio`].
pub fn analyze_file(path: &Path, config: &AnalysisConfig) -> Result<FileAnalysis> {
    let t0 = Instant::now();
    let mut file = AudioFile::open(path)?;
    let mut decode_time = t0.elapsed();
    let mut analyzer: Option<Analyzer> = None;
    loop {
        let t = Instant::now();
        let more = file.next_block()?;
        decode_time += t.elapsed();
        if !more {
            break;
        }
        let planes = file.block();
        if analyzer.is_none() {
            let info = file.info();
            let channels = info.channels.max(planes.len());
            analyzer = Some(Analyzer::new(info.sample_rate, channels, config.clone())?);
        }
        let views: Vec<&[f32]> = planes.iter().map(|p| &p[..]).collect();
        if let Some(a) = analyzer.as_mut() {
            a.push(&views);
        }
    }
    let info = file.info().clone();
    let Some(analyzer) = analyzer else {
        return Err(Error::NoAudio {
            path: path.to_path_buf(),
            reason: if file.skipped_packets > 0 {
                format!("all {} packets were corrupt", file.skipped_packets)
            } else {
                "the stream holds no samples".to_string()
            },
        });
    };
    let audio_secs = analyzer.duration_secs();
    let (analysis, mut warnings, mut timings) = analyzer.finish();
    timings.decode = decode_time;
    if file.skipped_packets > 0 {
        warnings.push(format!(
            "{} corrupt packets were skipped while decoding",
            file.skipped_packets
        ));
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let report = Report {
        schema_version: SCHEMA_VERSION,
        analyzer: AnalyzerInfo {
            name: ANALYZER_NAME.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            analysis_rate: ANALYSIS_RATE,
            max_curve_points: config.max_curve_points,
            tempo_range_bpm: [config.rhythm.min_bpm, config.rhythm.max_bpm],
            optional: OptionalParts {
                embeddings: analysis.embeddings.is_some(),
                stems: analysis.stems.is_some(),
                true_peak: config.true_peak,
            },
        },
        metadata: Metadata {
            // Absolute, so a library's reports and models still find the file from elsewhere.
            path: std::path::absolute(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .to_string_lossy()
                .into_owned(),
            title: info.tags.title.clone().or(stem),
            artist: info.tags.artist.clone(),
            album: info.tags.album.clone(),
            genre: info.tags.genre.clone(),
            duration: Some(audio_secs),
            sample_rate: Some(info.sample_rate),
            channels: Some(info.channels),
            codec: Some(info.codec.clone()),
            container: Some(info.container.clone()),
            skipped_packets: file.skipped_packets,
        },
        analysis,
        warnings,
    };
    Ok(FileAnalysis {
        report,
        timings,
        audio_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::rhythm::{tonal_mass, Harmony, HARMONIC_MIN_TONAL_MASS};

    const SR: u32 = 44_100;

    /// Xorshift noise in -1..1: drums without pitch.
    fn noise(state: &mut u64) -> f32 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    /// 16 bars of drums at 120 BPM: a kick with a pitch drop on every beat, a snare (noise
    /// and a 200 Hz body) on 2 and 4, a tom on the last 8th of each bar and noise hats on
    /// the 8ths; with `chords`, a C, Am, F, G triad a bar each over them (six harmonics a
    /// note), at about the drums' level.
    fn groove(chords: bool) -> Vec<f32> {
        let beat = 0.5;
        let secs = 16.0 * 4.0 * beat;
        let mut x = vec![0.0f32; (secs * f64::from(SR)) as usize];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut add = |x: &mut [f32], t: f64, len: f64, f: &dyn Fn(f64, f32) -> f32| {
            let start = (t * f64::from(SR)) as usize;
            for i in 0..(len * f64::from(SR)) as usize {
                if let Some(s) = x.get_mut(start + i) {
                    *s += f(i as f64 / f64::from(SR), noise(&mut state));
                }
            }
        };
        let tau = 2.0 * std::f64::consts::PI;
        for b in 0..64 {
            let t = f64::from(b) * beat;
            add(&mut x, t, 0.25, &|tt, _| {
                let f = 55.0 * tt + 90.0 / 40.0 * (1.0 - (-tt * 40.0).exp());
                (0.9 * (tau * f).sin() * (-tt * 14.0).exp()) as f32
            });
            if b % 2 == 1 {
                add(&mut x, t, 0.18, &|tt, n| {
                    let body = (tau * 200.0 * tt).sin() * (-tt * 30.0).exp();
                    (0.5 * (0.7 * f64::from(n) * (-tt * 22.0).exp() + 0.4 * body)) as f32
                });
            }
            if b % 4 == 3 {
                add(&mut x, t + 0.5 * beat, 0.3, &|tt, _| {
                    (0.6 * (tau * 131.0 * tt).sin() * (-tt * 10.0).exp()) as f32
                });
            }
            for h in [0.0, 0.5] {
                add(&mut x, t + h * beat, 0.04, &|tt, n| {
                    (0.3 * f64::from(n) * (-tt * 120.0).exp()) as f32
                });
            }
        }
        if chords {
            let triads: [[f64; 3]; 4] = [
                [60.0, 64.0, 67.0],
                [57.0, 60.0, 64.0],
                [53.0, 57.0, 60.0],
                [55.0, 59.0, 62.0],
            ];
            for bar in 0..16 {
                let t = f64::from(bar) * 4.0 * beat;
                for &m in &triads[bar as usize % 4] {
                    let f0 = 440.0 * ((m - 69.0) / 12.0).exp2();
                    add(&mut x, t, 4.0 * beat, &|tt, _| {
                        let s: f64 = (1..=6)
                            .map(|k| (tau * f0 * f64::from(k) * tt).sin() / f64::from(k))
                            .sum();
                        (0.08 * s) as f32
                    });
                }
            }
        }
        x
    }

    fn mass_of(x: &[f32]) -> f64 {
        let mut a = Analyzer::new(SR, 1, AnalysisConfig::default()).expect("analyser");
        for c in x.chunks(1024) {
            a.push(&[c]);
        }
        a.resampled.clear();
        a.resampler.finish(&mut a.resampled);
        a.run_stfts(true);
        let chroma = a.chroma.pitch_classes();
        tonal_mass(&Harmony {
            chroma: &chroma,
            level: &a.chroma.level,
            frame_rate: a.chroma.frame_rate(),
            start_secs: 0.0,
        })
    }

    #[test]
    fn the_chords_check_needs_chords_drums_alone_have_little_tonal_mass() {
        let (drums, with_chords) = (mass_of(&groove(false)), mass_of(&groove(true)));
        println!("tonal mass: drums {drums:.2}, drums and chords {with_chords:.2}");
        assert!(drums < HARMONIC_MIN_TONAL_MASS, "drums alone: {drums:.2}");
        assert!(
            with_chords > HARMONIC_MIN_TONAL_MASS,
            "drums and chords: {with_chords:.2}"
        );
    }
}
