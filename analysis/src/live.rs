//! Live analysis of one deck: mono blocks in (any size, the host's rate), snapshots of
//! tempo, beat phase, key, loudness and energy out, over a rolling window.
//!
//! It is the offline analyser's pipeline, not a second one: the same resampler, the same
//! two STFTs and accumulators ([`OnsetAccumulator`], [`ChromaAccumulator`]) and the same
//! summaries ([`rhythm::analyze`], [`tonal::key_of_range`]), run on the last
//! [`LiveConfig::rhythm_window_secs`] (tempo: follows drift) and
//! [`LiveConfig::key_window_secs`] (key: the whole track) of the current track. So the
//! live read-out of a track ends where `aidj analyze` starts from, and the key of the
//! current section (`key_now`, over [`LiveConfig::key_now_secs`]) follows a key change.
//!
//! A track ends with silence: after [`LiveConfig::silence_reset_secs`] of it, the next
//! sound starts a new track (all estimates restart). Memory is bounded: frames older than
//! the longest window are dropped.
//!
//! Not real-time safe (the summaries allocate): run it on an analysis thread, fed from a
//! lock-free ring that the audio thread fills.

use crate::analyzer::{ANALYSIS_RATE, FAST_FFT, FAST_HOP, TONAL_FFT, TONAL_HOP};
use crate::error::{Error, Result};
use crate::features::loudness::{lufs, LoudnessMeter};
use crate::features::mood::{Mood, MoodInputs};
use crate::features::rhythm::{self, OnsetAccumulator, RhythmConfig};
use crate::features::tonal::{self, ChromaAccumulator};
use crate::resample::StreamResampler;
use crate::stft::Stft;
use serde::{Deserialize, Serialize};

/// A block whose peak is below this is silent (-60 dBFS).
const SILENCE_PEAK: f32 = 1e-3;

/// Settings of the live analysis.
#[derive(Clone, Debug)]
pub struct LiveConfig {
    /// Seconds of the current track the tempo and beats are estimated from.
    pub rhythm_window_secs: f64,
    /// Seconds of the current track the key is estimated from: long, so that the key of a
    /// whole track ends as `aidj analyze` reads it.
    pub key_window_secs: f64,
    /// Seconds the key of the current section (`key_now`) is estimated from: short, so
    /// that a key change within a track shows.
    pub key_now_secs: f64,
    /// Silence this long ends a track: the next sound restarts every estimate.
    pub silence_reset_secs: f64,
    pub rhythm: RhythmConfig,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            rhythm_window_secs: 60.0,
            key_window_secs: 600.0,
            key_now_secs: 20.0,
            silence_reset_secs: 2.0,
            rhythm: RhythmConfig {
                max_curve_points: 16,
                ..RhythmConfig::default()
            },
        }
    }
}

/// What the live analysis knows at one moment; `None` while unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveSnapshot {
    /// Seconds of audio received since the analysis started (all tracks).
    pub t: f64,
    /// Seconds since the current track started.
    pub track_secs: f64,
    /// Tracks started so far (1 for the first).
    pub track: u32,
    /// The deck is silent now.
    pub silent: bool,
    pub bpm: Option<f64>,
    pub bpm_confidence: Option<f64>,
    /// Position in the beat at `t`, 0..1 (0 = on the beat), from the beat grid.
    pub beat_phase: Option<f64>,
    /// Beat in the bar at `t`, 0..3 (0 = the downbeat), when downbeats are known.
    pub beat_in_bar: Option<u8>,
    /// Seconds from `t` to the next beat.
    pub next_beat_secs: Option<f64>,
    /// Key of the track so far: "A minor".
    pub key: Option<String>,
    /// Its Camelot code: "8A".
    pub camelot: Option<String>,
    pub key_confidence: Option<f64>,
    /// Key of the current section (the last [`LiveConfig::key_now_secs`]): follows a key
    /// change within the track.
    pub key_now: Option<String>,
    pub camelot_now: Option<String>,
    /// Short-term (3 s) loudness, LUFS.
    pub lufs_short: Option<f64>,
    /// Integrated loudness of the current track so far, LUFS.
    pub lufs_integrated: Option<f64>,
    /// Energy 0..1, as the report's `mood.energy`.
    pub energy: Option<f64>,
}

/// Live analysis of one mono stream (see the module docs).
pub struct LiveAnalyzer {
    config: LiveConfig,
    sample_rate: u32,
    resampler: StreamResampler,
    resampled: Vec<f32>,
    fast: Stft,
    tonal_stft: Stft,
    onsets: OnsetAccumulator,
    chroma: ChromaAccumulator,
    loudness: LoudnessMeter,
    /// Samples received in all.
    samples_in: u64,
    /// Sample index (of `samples_in`) where the current track started.
    track_start: u64,
    /// Onset and chroma frames dropped from the front of the current track.
    onsets_dropped: usize,
    chroma_dropped: usize,
    /// Consecutive silent samples, and whether the current track has had sound.
    silent_run: u64,
    heard: bool,
    track: u32,
}

impl LiveAnalyzer {
    /// A live analyser for a mono stream at `sample_rate` Hz.
    ///
    /// # Errors
    /// A sample rate the resampler cannot convert (outside 1 kHz - 1.536 MHz).
    pub fn new(sample_rate: u32, config: LiveConfig) -> Result<Self> {
        if !(1000..=1_536_000).contains(&sample_rate) {
            return Err(Error::InvalidParameters(format!(
                "sample rate {sample_rate} Hz out of range"
            )));
        }
        let resampler =
            StreamResampler::new(sample_rate, ANALYSIS_RATE).map_err(Error::InvalidParameters)?;
        let fast = Stft::new(FAST_FFT, FAST_HOP, ANALYSIS_RATE);
        let tonal_stft = Stft::new(TONAL_FFT, TONAL_HOP, ANALYSIS_RATE);
        Ok(LiveAnalyzer {
            onsets: OnsetAccumulator::new(fast.bins(), fast.bin_hz(), fast.frame_rate()),
            chroma: ChromaAccumulator::new(
                tonal_stft.bins(),
                tonal_stft.bin_hz(),
                tonal_stft.frame_rate(),
            ),
            loudness: LoudnessMeter::new(1, sample_rate, false),
            resampler,
            resampled: Vec::new(),
            fast,
            tonal_stft,
            config,
            sample_rate,
            samples_in: 0,
            track_start: 0,
            onsets_dropped: 0,
            chroma_dropped: 0,
            silent_run: 0,
            heard: false,
            track: 1,
        })
    }

    /// Sample rate of the input, Hz.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Seconds received in all.
    pub fn secs(&self) -> f64 {
        self.samples_in as f64 / f64::from(self.sample_rate)
    }

    /// Seconds of analysis frames held (the longest of the onset and chroma series): at
    /// most twice the longest window, whatever the length of the stream.
    pub fn held_secs(&self) -> f64 {
        let on = self.onsets.len() as f64 / self.onsets.frame_rate();
        let ch = self.chroma.frames() as f64 / self.chroma.frame_rate();
        on.max(ch)
    }

    /// The input has been silent for at least the track-reset time (an analysis thread
    /// may sleep until sound comes back).
    pub fn is_idle(&self) -> bool {
        self.silent_run as f64 >= self.config.silence_reset_secs * f64::from(self.sample_rate)
    }

    /// Starts a new track: every estimate restarts from the next sample.
    pub fn new_track(&mut self) {
        // Same settings, fresh state; the rate was accepted before, so this cannot fail.
        if let Ok(fresh) = LiveAnalyzer::new(self.sample_rate, self.config.clone()) {
            let (samples_in, track) = (self.samples_in, self.track + 1);
            *self = fresh;
            self.samples_in = samples_in;
            self.track_start = samples_in;
            self.track = track;
        }
    }

    /// Feeds a block of mono samples (NaN/Inf count as silence).
    pub fn push(&mut self, block: &[f32]) {
        let peak = block
            .iter()
            .map(|x| if x.is_finite() { x.abs() } else { 0.0 })
            .fold(0.0f32, f32::max);
        if peak < SILENCE_PEAK {
            self.silent_run += block.len() as u64;
            if self.is_idle() {
                // Between tracks: only the clock runs (no DSP, next to no CPU).
                self.samples_in += block.len() as u64;
                return;
            }
        } else {
            if self.heard && self.is_idle() {
                self.new_track();
            }
            self.silent_run = 0;
            self.heard = true;
        }
        let clean: Vec<f32>;
        let block = if block.iter().all(|x| x.is_finite()) {
            block
        } else {
            clean = block
                .iter()
                .map(|&x| if x.is_finite() { x } else { 0.0 })
                .collect();
            &clean
        };
        self.samples_in += block.len() as u64;
        self.loudness.push(&[block]);
        self.resampled.clear();
        self.resampler.push(block, &mut self.resampled);
        let onsets = &mut self.onsets;
        self.fast.push(&self.resampled, |f| onsets.push(f));
        let chroma = &mut self.chroma;
        self.tonal_stft.push(&self.resampled, |f| chroma.push(f));
        self.bound_memory();
    }

    /// Drops frames that no window will read again.
    fn bound_memory(&mut self) {
        let keep_secs = self
            .config
            .rhythm_window_secs
            .max(self.config.key_window_secs);
        let keep = |fr: f64| (keep_secs * fr).ceil() as usize;
        let (k_on, k_ch) = (
            keep(self.onsets.frame_rate()),
            keep(self.chroma.frame_rate()),
        );
        // In chunks, so that the copy is rare.
        if self.onsets.len() > 2 * k_on {
            let n = self.onsets.len() - k_on;
            self.onsets.drop_front(n);
            self.onsets_dropped += n;
        }
        if self.chroma.frames() > 2 * k_ch {
            let n = self.chroma.frames() - k_ch;
            self.chroma.drop_front(n);
            self.chroma_dropped += n;
        }
        let sub = self.loudness.sub_blocks.len();
        if sub > 2 * 6000 {
            // Integrated loudness over the last 10 minutes is plenty for a deck.
            self.loudness.sub_blocks.drain(..sub - 6000);
        }
    }

    /// What is known now (runs the summaries over the windows: a few milliseconds).
    pub fn snapshot(&self) -> LiveSnapshot {
        let t = self.secs();
        let track_secs = (self.samples_in - self.track_start) as f64 / f64::from(self.sample_rate);
        let mut snap = LiveSnapshot {
            t,
            track_secs,
            track: self.track,
            silent: self.silent_run > 0,
            ..LiveSnapshot::default()
        };
        // Tempo and beats over the rhythm window.
        let fr = self.onsets.frame_rate();
        let n = self.onsets.len();
        let w = ((self.config.rhythm_window_secs * fr) as usize).min(n);
        let first = n - w;
        let window = self.onsets.window(first..n);
        let rh = rhythm::analyze(&window, &self.config.rhythm);
        // Frame 0 of the window is this many seconds after the track start.
        let offset = (self.onsets_dropped + first) as f64 / fr;
        let now = track_secs;
        snap.bpm = rh.tempo_bpm_global;
        snap.bpm_confidence = rh.tempo_confidence;
        if let (Some(bpm), Some(&last)) = (rh.tempo_bpm_global, rh.beat_times.last()) {
            let period = 60.0 / bpm;
            let since = now - (last + offset);
            let phase = (since / period).rem_euclid(1.0);
            snap.beat_phase = Some(phase);
            snap.next_beat_secs = Some((1.0 - phase) * period);
            if let Some(&db) = rh.downbeat_times.last() {
                let beats = ((now - (db + offset)) / period).floor() as i64;
                snap.beat_in_bar = Some(beats.rem_euclid(4) as u8);
            }
        }
        // Key over the key window.
        let cfr = self.chroma.frame_rate();
        let cn = self.chroma.frames();
        let cw = ((self.config.key_window_secs * cfr) as usize).min(cn);
        if let Some((k, conf)) = tonal::key_of_range(&self.chroma, cn - cw..cn) {
            snap.key = Some(k.name());
            snap.camelot = Some(k.camelot_code());
            snap.key_confidence = Some(conf);
        }
        let now_w = ((self.config.key_now_secs * cfr) as usize).min(cn);
        if let Some((k, _)) = tonal::key_of_range(&self.chroma, cn - now_w..cn) {
            snap.key_now = Some(k.name());
            snap.camelot_now = Some(k.camelot_code());
        }
        // Loudness and energy.
        let sub = &self.loudness.sub_blocks;
        if sub.len() >= 30 {
            let e = sub[sub.len() - 30..].iter().sum::<f64>() / 30.0;
            snap.lufs_short = (e > 0.0).then(|| lufs(e));
        }
        snap.lufs_integrated = self.loudness.integrated();
        if snap.lufs_short.is_some() {
            let mood = Mood::from_inputs(&MoodInputs {
                tempo_bpm: snap.bpm,
                lufs: snap.lufs_short,
                onset_rate: rh.onset_rate,
                ..MoodInputs::default()
            });
            snap.energy = mood.energy;
        }
        snap
    }
}
