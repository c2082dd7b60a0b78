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

use crate::analyzer::{
    mood_of, AnalysisConfig, Analyzer, ANALYSIS_RATE, FAST_FFT, FAST_HOP, TONAL_FFT, TONAL_HOP,
};
use crate::error::{Error, Result};
use crate::features::loudness::{lufs, LoudnessMeter};
use crate::features::mood::{Mood, MoodInputs};
use crate::features::rhythm::{self, OnsetAccumulator, RhythmConfig};
use crate::features::tonal::{self, ChromaAccumulator};
use crate::report::Analysis;
use crate::resample::StreamResampler;
use crate::stft::Stft;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A block whose peak is below this is silent (-60 dBFS).
const SILENCE_PEAK: f32 = 1e-3;
/// Silent blocks for this long make the deck read silent: a single quiet block (between
/// staccato notes, a short gap) made the read-out flicker "silent" on 2-5 % of the
/// seconds of music (a piano hymn, a Doom track, a techno track).
const SILENT_SECS: f64 = 0.5;
/// Tempo confidence from which an estimate counts as sure (calibrated on the dev set:
/// `scripts/calibration.py`).
const SURE: f64 = 0.5;
/// The longer span's bars count where its beat period is within this ratio of the
/// rhythm window's ...
const ANCHOR_TEMPO: f64 = 0.01;
/// ... and its grid, carried on, meets the window's last beat within this share of a beat.
const ANCHOR_BEAT: f64 = 0.15;
/// Tempi within this ratio of each other (after the metrical relations of
/// [`METRICAL_RATIOS`]) are one track's tempo read two ways.
const SAME_TEMPO_TOLERANCE: f64 = 0.025;
/// A window read at one of these ratios of the track's tempo may be the same music at
/// another metrical level (half time, a triplet feel), not a new track.
const METRICAL_RATIOS: [f64; 9] = [
    1.0,
    2.0,
    0.5,
    1.5,
    2.0 / 3.0,
    3.0,
    1.0 / 3.0,
    4.0 / 3.0,
    0.75,
];

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
    /// Seconds of the current track the recommender's feature vector is computed over
    /// ([`LiveAnalyzer::window_analysis`]).
    pub features_window_secs: f64,
    /// A new track without silence between: the last `change_recent_secs` hold a sure
    /// tempo unrelated to the track's sure tempo before them, at `change_votes` checks
    /// in a row, `change_check_secs` apart. The new track then starts
    /// `change_recent_secs` ago.
    pub change_recent_secs: f64,
    pub change_check_secs: f64,
    pub change_votes: u32,
    /// Seconds of the current track the bars (which beat is the one) are read from, every
    /// `bar_check_secs`: long, as the key's window, so that the count in the bar ends as
    /// `aidj analyze` reads it (at most the frames held: the longer of the rhythm and key
    /// windows). The rhythm window's own downbeats count until the track is longer than
    /// that window, and wherever the longer span's beats are not this window's.
    pub bar_window_secs: f64,
    pub bar_check_secs: f64,
    pub rhythm: RhythmConfig,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            rhythm_window_secs: 60.0,
            key_window_secs: 600.0,
            key_now_secs: 20.0,
            silence_reset_secs: 2.0,
            features_window_secs: 30.0,
            change_recent_secs: 10.0,
            change_check_secs: 2.0,
            change_votes: 3,
            bar_window_secs: 600.0,
            bar_check_secs: 16.0,
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
    /// The deck is silent now (for at least half a second).
    pub silent: bool,
    pub bpm: Option<f64>,
    pub bpm_confidence: Option<f64>,
    /// Position in the beat at `t`, 0..1 (0 = on the beat), from the beat grid.
    pub beat_phase: Option<f64>,
    /// Beat in the bar at `t`, 0..`beats_per_bar` (0 = the downbeat), when downbeats are
    /// known.
    pub beat_in_bar: Option<u8>,
    /// Beats in a bar (3 or 4), when downbeats are known.
    pub beats_per_bar: Option<u8>,
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

/// Whether tempi `a` and `b` can be one track's tempo read at two metrical levels.
fn tempi_related(a: f64, b: f64) -> bool {
    let tolerance = (1.0 + SAME_TEMPO_TOLERANCE).ln();
    METRICAL_RATIOS
        .iter()
        .any(|m| ((a / b) / m).ln().abs() < tolerance)
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
    /// The last [`LiveConfig::features_window_secs`] of input (the feature vector's window).
    recent: VecDeque<f32>,
    /// `samples_in` at which the next track-change check runs, and the checks in a row
    /// that found a new tempo.
    next_change_check: u64,
    change_votes: u32,
    /// The recent tempo the votes so far found.
    pending_tempo: Option<f64>,
    /// `samples_in` at which the bars are next read over the longer span, and what that
    /// found.
    next_bar_check: u64,
    bar_anchor: Option<BarAnchor>,
}

/// The bars of the current track as the longer span reads them (see
/// [`LiveConfig::bar_window_secs`]).
#[derive(Clone, Copy, Debug)]
struct BarAnchor {
    /// The span's last downbeat, seconds after the track's start.
    downbeat: f64,
    /// Its beat period there, seconds.
    period: f64,
    beats_per_bar: u8,
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
            recent: VecDeque::new(),
            next_change_check: 0,
            change_votes: 0,
            pending_tempo: None,
            next_bar_check: 0,
            bar_anchor: None,
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
        self.start_track(self.track + 1);
    }

    /// Fresh state from the next sample on, as track number `track`.
    fn start_track(&mut self, track: u32) {
        // Same settings, fresh state; the rate was accepted before, so this cannot fail.
        if let Ok(fresh) = LiveAnalyzer::new(self.sample_rate, self.config.clone()) {
            let samples_in = self.samples_in;
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
            if self.is_idle() {
                // While idle only the clock ran: the frames of the silence are missing, so
                // the track's clock restarts with the sound, or every beat read from the
                // frames lands that much early. After sound this is the next track; before
                // any (a deck silent before play), still the first.
                self.start_track(if self.heard {
                    self.track + 1
                } else {
                    self.track
                });
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
        let keep = (self.config.features_window_secs * f64::from(self.sample_rate)) as usize;
        self.recent.extend(block.iter().copied());
        if self.recent.len() > keep {
            self.recent.drain(..self.recent.len() - keep);
        }
        self.bound_memory();
        if self.samples_in >= self.next_change_check {
            let step = self.config.change_check_secs * f64::from(self.sample_rate);
            self.next_change_check = self.samples_in + step.max(1.0) as u64;
            self.check_track_change();
        }
        if self.samples_in >= self.next_bar_check {
            let step = self.config.bar_check_secs * f64::from(self.sample_rate);
            self.next_bar_check = self.samples_in + step.max(1.0) as u64;
            self.read_bars();
        }
    }

    /// Reads the bars over [`LiveConfig::bar_window_secs`] (a rhythm analysis of up to ten
    /// minutes of frames: about 0.1 s every [`LiveConfig::bar_check_secs`], 16 s). Until the
    /// track outgrows the rhythm window, that window holds the same music.
    fn read_bars(&mut self) {
        self.bar_anchor = None;
        if self.track_secs() <= self.config.rhythm_window_secs {
            return;
        }
        let (rh, offset) = self.rhythm_over(self.config.bar_window_secs);
        let b = &rh.beat_times;
        if let (Some(&db), Some(bar), true) =
            (rh.downbeat_times.last(), rh.beats_per_bar(), b.len() >= 5)
        {
            // The period where the span ends (a piece may change tempo).
            let period = (b[b.len() - 1] - b[b.len() - 5]) / 4.0;
            self.bar_anchor = (period > 0.0).then_some(BarAnchor {
                downbeat: db + offset,
                period,
                beats_per_bar: bar,
            });
        }
    }

    /// The rhythm of the last `secs` seconds of the current track, with the chords over
    /// the same seconds, and how many seconds after the track's start its frame 0 is.
    fn rhythm_over(&self, secs: f64) -> (rhythm::Rhythm, f64) {
        let fr = self.onsets.frame_rate();
        let n = self.onsets.len();
        let w = ((secs * fr) as usize).min(n);
        let first = n - w;
        let window = self.onsets.window(first..n);
        let offset = (self.onsets_dropped + first) as f64 / fr;
        // The chords over the same seconds, as `aidj analyze` reads them for the beat phase
        // and the downbeats, from the chroma frame nearest the window's start. The chroma's
        // frames are longer and its last one ends earlier (about 0.16 s): counted back
        // from its end, the chords sat that far off the onsets, and a window's beat phase
        // flipped half a beat where the whole track's did not.
        let cfr = self.chroma.frame_rate();
        let cn = self.chroma.frames();
        let c0 = ((offset * cfr).round() as usize)
            .saturating_sub(self.chroma_dropped)
            .min(cn);
        let chroma = (cn > c0).then(|| self.chroma.pitch_classes_of(c0..cn));
        let harmony = chroma.as_deref().map(|c| rhythm::Harmony {
            chroma: c,
            level: &self.chroma.level[c0..cn],
            frame_rate: cfr,
            start_secs: (self.chroma_dropped + c0) as f64 / cfr - offset,
        });
        (
            rhythm::analyze_with_harmony(&window, &self.config.rhythm, harmony),
            offset,
        )
    }

    /// Seconds of the current track.
    fn track_secs(&self) -> f64 {
        (self.samples_in - self.track_start) as f64 / f64::from(self.sample_rate)
    }

    /// One track-change check (see [`LiveConfig::change_recent_secs`]).
    fn check_track_change(&mut self) {
        let recent_secs = self.config.change_recent_secs;
        let fr = self.onsets.frame_rate();
        let n = self.onsets.len();
        let recent = (recent_secs * fr) as usize;
        if self.track_secs() < 3.0 * recent_secs || n < 3 * recent {
            self.change_votes = 0;
            return;
        }
        let w = ((self.config.rhythm_window_secs * fr) as usize).min(n);
        let before = rhythm::analyze(&self.onsets.window(n - w..n - recent), &self.config.rhythm);
        let after = rhythm::analyze(&self.onsets.window(n - recent..n), &self.config.rhythm);
        let sure = |bpm: Option<f64>, conf: Option<f64>| bpm.filter(|_| conf >= Some(SURE));
        // The track's tempo before must be sure; the recent one (a short window, whose
        // confidence runs low) must hold, unrelated to it, at every check of the vote.
        let new = match (
            sure(before.tempo_bpm_global, before.tempo_confidence),
            after.tempo_bpm_global,
        ) {
            (Some(b), Some(a)) if !tempi_related(a, b) => a,
            _ => {
                self.change_votes = 0;
                return;
            }
        };
        let holds = self
            .pending_tempo
            .is_some_and(|p| ((new / p).ln().abs()) < (1.0 + SAME_TEMPO_TOLERANCE).ln());
        if !holds {
            self.change_votes = 0;
        }
        self.pending_tempo = Some(new);
        self.change_votes += 1;
        if self.change_votes < self.config.change_votes {
            return;
        }
        // Where the new track began: the first vote came once most of the recent window
        // was the new track.
        let step = self.config.change_check_secs;
        let start = f64::from(self.change_votes - 1) * step + 0.6 * recent_secs;
        self.restart_track_from(start);
    }

    /// A new track began `secs` ago (no silence between): every estimate restarts from
    /// there, keeping what was heard since.
    fn restart_track_from(&mut self, secs: f64) {
        let rate = f64::from(self.sample_rate);
        let keep = |fr: f64, len: usize, secs: f64| ((secs.max(0.0) * fr) as usize).min(len);
        let (fr, cfr) = (self.onsets.frame_rate(), self.chroma.frame_rate());
        // The chroma's last frame ends this much before the onsets' last: its frames kept
        // start where the onsets' do, at the new track's start.
        let lag = (self.onsets_dropped + self.onsets.len()) as f64 / fr
            - (self.chroma_dropped + self.chroma.frames()) as f64 / cfr;
        let on = keep(fr, self.onsets.len(), secs);
        self.onsets.drop_front(self.onsets.len() - on);
        self.onsets_dropped = 0;
        let ch = keep(cfr, self.chroma.frames(), secs - lag);
        self.chroma.drop_front(self.chroma.frames() - ch);
        self.chroma_dropped = 0;
        let sub = keep(10.0, self.loudness.sub_blocks.len(), secs);
        let len = self.loudness.sub_blocks.len();
        self.loudness.sub_blocks.drain(..len - sub);
        let audio = keep(rate, self.recent.len(), secs);
        self.recent.drain(..self.recent.len() - audio);
        self.track_start = self.samples_in - (secs * rate) as u64;
        self.track += 1;
        self.change_votes = 0;
        self.pending_tempo = None;
        self.bar_anchor = None;
    }

    /// The report's analysis of the last [`LiveConfig::features_window_secs`] of the
    /// current track (the recommender's feature vector over the window), with the tempo
    /// and key of `snapshot`: the live read-out, over its longer windows and perhaps
    /// corrected by the DJ. It runs the offline analyser on the window (some tens of
    /// milliseconds: call it every few seconds, not per block). `None` before 5 s of the
    /// track.
    pub fn window_analysis(&self, snapshot: &LiveSnapshot) -> Option<Analysis> {
        let rate = f64::from(self.sample_rate);
        let n = (self.recent.len() as u64).min(self.samples_in - self.track_start) as usize;
        if (n as f64) < 5.0 * rate {
            return None;
        }
        let config = AnalysisConfig {
            rhythm: self.config.rhythm.clone(),
            max_curve_points: 16,
            true_peak: false,
            ..AnalysisConfig::default()
        };
        let mut analyzer = Analyzer::new(self.sample_rate, 1, config).ok()?;
        let skip = self.recent.len() - n;
        let (a, b) = self.recent.as_slices();
        let a_skip = skip.min(a.len());
        analyzer.push(&[&a[a_skip..]]);
        analyzer.push(&[&b[skip - a_skip..]]);
        let (mut analysis, _, _) = analyzer.finish();
        analysis.rhythm.tempo_bpm_global = snapshot.bpm;
        analysis.rhythm.tempo_confidence = snapshot.bpm_confidence;
        analysis.tonal.harmony.key = snapshot.key.clone();
        analysis.tonal.harmony.key_confidence = snapshot.key_confidence;
        analysis.mood = mood_of(
            &analysis.rhythm,
            &analysis.tonal,
            &analysis.dynamics,
            &analysis.instrumentation,
        );
        Some(analysis)
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
            silent: self.silent_run as f64 >= SILENT_SECS * f64::from(self.sample_rate),
            ..LiveSnapshot::default()
        };
        // Tempo and beats over the rhythm window.
        let (rh, offset) = self.rhythm_over(self.config.rhythm_window_secs);
        let now = track_secs;
        snap.bpm = rh.tempo_bpm_global;
        snap.bpm_confidence = rh.tempo_confidence;
        if let (Some(bpm), Some(&last)) = (rh.tempo_bpm_global, rh.beat_times.last()) {
            let period = 60.0 / bpm;
            let last = last + offset;
            let phase = ((now - last) / period).rem_euclid(1.0);
            snap.beat_phase = Some(phase);
            snap.next_beat_secs = Some((1.0 - phase) * period);
            if let (Some(&db), Some(bar)) = (rh.downbeat_times.last(), rh.beats_per_bar()) {
                let beats = ((now - (db + offset)) / period).floor() as i64;
                snap.beat_in_bar = Some(beats.rem_euclid(i64::from(bar)) as u8);
                snap.beats_per_bar = Some(bar);
            }
            // The longer span's bars, where its beats run through this window's last one
            // at this tempo: a minute of music often leaves beat 1 open (a kick on every
            // beat, no chord change), which the whole track settles.
            if let Some(a) = self.bar_anchor {
                let k = (last - a.downbeat) / a.period;
                if (a.period / period - 1.0).abs() < ANCHOR_TEMPO
                    && (k - k.round()).abs() < ANCHOR_BEAT
                {
                    let beats = k.round() as i64 + ((now - last) / period).floor() as i64;
                    snap.beat_in_bar = Some(beats.rem_euclid(i64::from(a.beats_per_bar)) as u8);
                    snap.beats_per_bar = Some(a.beats_per_bar);
                }
            }
        }
        let cfr = self.chroma.frame_rate();
        // Key over the key window.
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
