//! State the audio thread publishes for the editor (and, later, the analysis thread), and
//! requests the editor sends back: atomics only, so neither side ever waits.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use aidj_analysis::live::LiveSnapshot;
use aidj_analysis::report::Analysis;

use nice_plug::prelude::AtomicF32;

use crate::controls::{Target, TARGET_COUNT};

/// Confidence below which a live BPM or key is unsure: shown with a "?", and weighed less in
/// the suggestions (see the analysis crate's calibration: at 0.5 and above the reading was
/// right at least 95 % of the time).
pub const SURE_CONFIDENCE: f64 = 0.5;

/// The mark after a live reading of confidence `c`: "?" when it is unsure (or unknown).
pub fn unsure_mark(c: Option<f64>) -> &'static str {
    if c.is_some_and(|c| c >= SURE_CONFIDENCE) {
        ""
    } else {
        "?"
    }
}

/// What the transition driver is doing, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PhaseView {
    /// No transition.
    Idle = 0,
    /// Waiting for the phrase boundary.
    Armed = 1,
    /// Running.
    Running = 2,
    /// Finished, end state held.
    Holding = 3,
    /// Position mode.
    Position = 4,
}

impl PhaseView {
    fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::Armed,
            2 => Self::Running,
            3 => Self::Holding,
            4 => Self::Position,
            _ => Self::Idle,
        }
    }
}

/// State of the live analysis thread, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AnalysisStatus {
    /// Not running (the plugin is not active).
    Stopped = 0,
    /// Analysing.
    Running = 1,
    /// Both decks silent: the thread rests.
    Idle = 2,
    /// Ended by an error (see [`Shared::analysis_error`]).
    Failed = 3,
}

/// A DJ's correction of a deck's live read-out (the usual fixes for a tempo read at the
/// wrong level or a beat grid on the off-beat). It holds for the track it was made on and
/// lapses when the deck changes track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Correction {
    /// The live analysis' track number this applies to.
    pub track: u32,
    /// Tempo factor: products of ×2, ÷2, ×3/2, ×2/3.
    pub factor: f64,
    /// A tapped tempo, which replaces the analysed one.
    pub tapped_bpm: Option<f64>,
    /// Beats moved by half a beat.
    pub half_beat: bool,
}

impl Default for Correction {
    fn default() -> Self {
        Correction {
            track: 0,
            factor: 1.0,
            tapped_bpm: None,
            half_beat: false,
        }
    }
}

impl Correction {
    /// Anything to correct on `track`.
    pub fn is_active(&self, track: u32) -> bool {
        self.track == track
            && ((self.factor - 1.0).abs() > 1e-9 || self.tapped_bpm.is_some() || self.half_beat)
    }

    /// The beat grid of snapshot `s` as the DJ corrected it, in samples of the deck's feed
    /// at `rate` Hz: the period from the corrected tempo, the bar anchored on the analysed
    /// downbeat (or the last beat while downbeats are unknown), moved by half a beat when
    /// asked. `None` while the tempo or beat phase is unknown.
    pub fn grid(&self, s: &LiveSnapshot, rate: f64) -> Option<LiveGrid> {
        let bpm = s.bpm.filter(|b| b.is_finite() && *b > 0.0)?;
        let phase = s.beat_phase.filter(|p| p.is_finite())?;
        if !(rate.is_finite() && rate > 0.0) {
            return None;
        }
        let raw_period = 60.0 * rate / bpm;
        let beat = s.t * rate - phase * raw_period;
        let mut downbeat = beat - f64::from(s.beat_in_bar.unwrap_or(0)) * raw_period;
        let corrected = self.apply(s);
        let period = 60.0 * rate / corrected.bpm.unwrap_or(bpm);
        if self.is_active(s.track) && self.half_beat {
            downbeat += 0.5 * period;
        }
        Some(LiveGrid {
            period_samples: period,
            downbeat_sample: downbeat,
        })
    }

    /// The snapshot as the DJ corrected it: the tempo (tapped, or times the factor; a
    /// corrected tempo is certain), the beat phase moved by half a beat (and doubled with
    /// the tempo at ×2, where every old beat is a new one). A snapshot of another track
    /// is left alone.
    pub fn apply(&self, s: &LiveSnapshot) -> LiveSnapshot {
        let mut out = s.clone();
        if !self.is_active(s.track) {
            return out;
        }
        if let Some(bpm) = s.bpm {
            let new = self.tapped_bpm.unwrap_or(bpm * self.factor);
            out.bpm = Some(new);
            out.bpm_confidence = Some(1.0);
            let mut phase = s.beat_phase;
            if self.tapped_bpm.is_none() && (self.factor - 2.0).abs() < 1e-9 {
                phase = phase.map(|p| (2.0 * p).rem_euclid(1.0));
            }
            if self.half_beat {
                phase = phase.map(|p| (p + 0.5).rem_euclid(1.0));
            }
            out.beat_phase = phase;
            out.next_beat_secs = phase.map(|p| (1.0 - p) * 60.0 / new);
        }
        out
    }
}

/// A deck's beat grid for the transition clock, counted in samples of the deck's feed to
/// the analysis thread ([`crate::analysis_thread::DeckFeeds::written`]): beat `k` of the
/// grid is at `downbeat_sample + k * period_samples`, bars start at multiples of 4.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiveGrid {
    pub period_samples: f64,
    pub downbeat_sample: f64,
}

impl LiveGrid {
    /// Tempo at `rate` Hz, BPM.
    pub fn bpm(&self, rate: f64) -> f64 {
        60.0 * rate / self.period_samples
    }

    /// The beat at feed sample `sample`, continuing `previous` (the clock's beat there)
    /// when the grid moved: whole bars are added so that the clock's bar count does not
    /// jump when the analysis re-anchors its grid, and an armed transition keeps its bar.
    pub fn beat_at(&self, sample: f64, previous: f64) -> f64 {
        let raw = (sample - self.downbeat_sample) / self.period_samples;
        if !previous.is_finite() {
            return raw;
        }
        raw + 4.0 * ((previous - raw) / 4.0).round()
    }
}

/// A [`LiveGrid`] published without locks: one writer at a time (behind a mutex), the
/// audio thread reads with a sequence check and keeps its last good grid on a torn read.
#[derive(Default)]
pub struct GridCell {
    seq: AtomicU32,
    period: AtomicU64,
    downbeat: AtomicU64,
    writer: Mutex<()>,
}

impl GridCell {
    /// Publishes `grid` (`None`: no grid). Never called on the audio thread.
    pub fn store(&self, grid: Option<LiveGrid>) {
        let _guard = self.writer.lock();
        self.seq.fetch_add(1, Ordering::AcqRel);
        let (p, d) = grid.map_or((0.0, 0.0), |g| (g.period_samples, g.downbeat_sample));
        self.period.store(p.to_bits(), Ordering::Release);
        self.downbeat.store(d.to_bits(), Ordering::Release);
        self.seq.fetch_add(1, Ordering::AcqRel);
    }

    /// The grid: `Some(None)` when none is published, `None` when a write was under way
    /// (real-time safe: no lock, no wait).
    pub fn load(&self) -> Option<Option<LiveGrid>> {
        let before = self.seq.load(Ordering::Acquire);
        if before % 2 == 1 {
            return None;
        }
        let period = f64::from_bits(self.period.load(Ordering::Acquire));
        let downbeat = f64::from_bits(self.downbeat.load(Ordering::Acquire));
        if self.seq.load(Ordering::Acquire) != before {
            return None;
        }
        Some(
            (period > 0.0 && period.is_finite() && downbeat.is_finite()).then_some(LiveGrid {
                period_samples: period,
                downbeat_sample: downbeat,
            }),
        )
    }
}

/// One deck's live analysis, as the analysis thread last published it.
#[derive(Default)]
pub struct LiveView {
    /// The last snapshot (`None` before the first). Locked only by the analysis thread
    /// and the editor, never by `process()`.
    snapshot: Mutex<Option<LiveSnapshot>>,
    /// Snapshots published so far.
    pub published: AtomicU64,
    /// Samples `process()` dropped because the ring was full (the thread fell behind).
    pub dropped: AtomicU64,
    /// The DJ's correction (editor only).
    correction: Mutex<Correction>,
    /// The corrected beat grid, for `process()`'s transition clock.
    pub grid: GridCell,
    /// The analysis of the deck's recent window (the recommender's feature vector), with
    /// the corrected live tempo and key. Never locked by `process()`.
    features: Mutex<Option<Analysis>>,
}

/// What a running (or held) transition applies over the user's controls, for display.
pub struct AppliedView {
    pub active: AtomicBool,
    /// Crossfader position `-1..1`.
    pub crossfader: AtomicF32,
    /// Low-band gain per deck (bass swap), `0..1`.
    pub low_gain: [AtomicF32; 2],
    /// Filter knob per deck (`-1..1`), NaN where the user's knob applies.
    pub filter: [AtomicF32; 2],
    /// Echo send `0..1` (0: none).
    pub echo_send: AtomicF32,
}

impl Default for AppliedView {
    fn default() -> Self {
        AppliedView {
            active: AtomicBool::new(false),
            crossfader: AtomicF32::new(0.0),
            low_gain: [AtomicF32::new(1.0), AtomicF32::new(1.0)],
            filter: [AtomicF32::new(f32::NAN), AtomicF32::new(f32::NAN)],
            echo_send: AtomicF32::new(0.0),
        }
    }
}

/// One deck's meter.
#[derive(Default)]
pub struct MeterView {
    /// Peak over the last block, linear.
    pub peak: AtomicF32,
    /// RMS over the last block, linear.
    pub rms: AtomicF32,
}

/// Everything shared between `process`, the editor and the host-facing side.
pub struct Shared {
    /// Per-deck meters (post-fader, pre-crossfader).
    pub meters: [MeterView; 2],
    /// Output peak, linear.
    pub out_peak: AtomicF32,
    /// What the transition applies now.
    pub applied: AppliedView,
    phase: AtomicU8,
    /// Transition position `0..1`.
    pub progress: AtomicF32,
    /// Beats until an armed transition starts (negative: not armed).
    pub beats_to_start: AtomicF32,
    /// Current beat of the clock.
    pub beat: AtomicF32,
    /// Tempo in use, BPM.
    pub tempo: AtomicF32,
    /// True when the beat clock follows the host transport.
    pub host_clock: AtomicBool,
    /// Where the beat clock came from in the last block: 0 the clock BPM, 1 the host,
    /// 2 deck A's live grid, 3 deck B's.
    pub clock_source: AtomicU8,
    /// Sample rate of the decks' feeds to the analysis thread (grids are counted in it).
    live_rate: AtomicU64,
    /// Deck on air (0 none, 1 A, 2 B).
    pub on_air: AtomicU8,
    /// Start presses from the editor, counted (the audio thread acts on changes).
    pub start_requests: AtomicU32,
    /// Cancel presses from the editor, counted.
    pub cancel_requests: AtomicU32,
    /// FLX4 messages understood since load.
    pub flx4_messages: AtomicU64,
    /// FLX4 tempo sliders, `-1..1` (shown only: the DAW owns playback).
    pub tempo_sliders: [AtomicF32; 2],
    /// Normalised values the FLX4 moved, per [`Target`], for the editor to write into the
    /// parameters (so the host sees and records them).
    midi_values: [AtomicF32; TARGET_COUNT],
    midi_dirty: AtomicU32,
    /// Non-finite input samples replaced by silence.
    pub non_finite_inputs: AtomicU64,
    /// Set by the audio thread when something changed that the editor shows.
    pub repaint: AtomicBool,
    /// Per-deck live analysis.
    pub live: [LiveView; 2],
    /// The user's library: suggestions, search, each deck's next track.
    pub library: Arc<crate::library::Library>,
    status: AtomicU8,
    error: Mutex<Option<String>>,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            meters: Default::default(),
            out_peak: AtomicF32::new(0.0),
            applied: AppliedView::default(),
            phase: AtomicU8::new(0),
            progress: AtomicF32::new(0.0),
            beats_to_start: AtomicF32::new(-1.0),
            beat: AtomicF32::new(0.0),
            tempo: AtomicF32::new(0.0),
            host_clock: AtomicBool::new(false),
            clock_source: AtomicU8::new(0),
            live_rate: AtomicU64::new(48_000f64.to_bits()),
            on_air: AtomicU8::new(0),
            start_requests: AtomicU32::new(0),
            cancel_requests: AtomicU32::new(0),
            flx4_messages: AtomicU64::new(0),
            tempo_sliders: Default::default(),
            midi_values: Default::default(),
            midi_dirty: AtomicU32::new(0),
            non_finite_inputs: AtomicU64::new(0),
            repaint: AtomicBool::new(false),
            live: Default::default(),
            library: Default::default(),
            status: AtomicU8::new(AnalysisStatus::Stopped as u8),
            error: Mutex::new(None),
        }
    }
}

impl Shared {
    /// The analysis thread's state; a message comes with `Failed`.
    pub fn set_status(&self, status: AnalysisStatus, message: Option<String>) {
        self.status.store(status as u8, Ordering::Release);
        if message.is_some() {
            if let Ok(mut e) = self.error.lock() {
                *e = message;
            }
        }
    }

    /// The analysis thread's state.
    pub fn analysis_status(&self) -> AnalysisStatus {
        match self.status.load(Ordering::Acquire) {
            1 => AnalysisStatus::Running,
            2 => AnalysisStatus::Idle,
            3 => AnalysisStatus::Failed,
            _ => AnalysisStatus::Stopped,
        }
    }

    /// Why the analysis failed, if it did.
    pub fn analysis_error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    /// A new analysis thread starts with feeds at `rate` Hz: the last thread's snapshots
    /// and grids (counted in its feeds) are forgotten.
    pub fn restart_live(&self, rate: f64) {
        self.live_rate.store(rate.to_bits(), Ordering::Relaxed);
        for view in &self.live {
            if let Ok(mut s) = view.snapshot.lock() {
                *s = None;
            }
            view.grid.store(None);
            if let Ok(mut f) = view.features.lock() {
                *f = None;
            }
        }
    }

    /// Publishes deck `deck`'s snapshot (analysis thread), and its corrected beat grid.
    pub fn publish_live(&self, deck: usize, snapshot: LiveSnapshot) {
        if let Some(view) = self.live.get(deck) {
            if let Ok(mut s) = view.snapshot.lock() {
                *s = Some(snapshot);
            }
            view.published.fetch_add(1, Ordering::Release);
            self.update_grid(deck);
            self.repaint.store(true, Ordering::Relaxed);
        }
    }

    /// Publishes deck `deck`'s window analysis (analysis thread); `None` on a new track.
    pub fn publish_features(&self, deck: usize, features: Option<Analysis>) {
        if let Some(view) = self.live.get(deck) {
            if let Ok(mut f) = view.features.lock() {
                *f = features;
            }
        }
    }

    /// Deck `deck`'s last window analysis (the suggestions' query).
    pub fn live_features(&self, deck: usize) -> Option<Analysis> {
        self.live
            .get(deck)
            .and_then(|v| v.features.lock().ok().and_then(|f| f.clone()))
    }

    /// Deck `deck`'s grid from its last snapshot and correction, for `process()`.
    fn update_grid(&self, deck: usize) {
        let rate = f64::from_bits(self.live_rate.load(Ordering::Relaxed));
        let grid = self
            .live_snapshot(deck)
            .and_then(|s| self.correction(deck).grid(&s, rate));
        if let Some(view) = self.live.get(deck) {
            view.grid.store(grid);
        }
    }

    /// Deck `deck`'s published grid (real-time safe); `None` on a torn read.
    pub fn live_grid(&self, deck: usize) -> Option<Option<LiveGrid>> {
        self.live.get(deck).and_then(|v| v.grid.load())
    }

    /// Changes deck `deck`'s correction with `f`, for the track now playing (a correction
    /// left from an earlier track starts over).
    pub fn correct(&self, deck: usize, f: impl FnOnce(&mut Correction)) {
        let track = self.live_snapshot(deck).map_or(0, |s| s.track);
        if let Some(view) = self.live.get(deck) {
            if let Ok(mut c) = view.correction.lock() {
                if c.track != track {
                    *c = Correction {
                        track,
                        ..Correction::default()
                    };
                }
                f(&mut c);
            }
            self.update_grid(deck);
            self.repaint.store(true, Ordering::Relaxed);
        }
    }

    /// Deck `deck`'s correction.
    pub fn correction(&self, deck: usize) -> Correction {
        self.live
            .get(deck)
            .and_then(|v| v.correction.lock().ok().map(|c| *c))
            .unwrap_or_default()
    }

    /// Deck `deck`'s last snapshot with the DJ's correction applied (what the editor shows
    /// and the suggestions will use).
    pub fn corrected_snapshot(&self, deck: usize) -> Option<LiveSnapshot> {
        let s = self.live_snapshot(deck)?;
        Some(self.correction(deck).apply(&s))
    }

    /// Deck `deck`'s last snapshot (editor, tests).
    pub fn live_snapshot(&self, deck: usize) -> Option<LiveSnapshot> {
        self.live
            .get(deck)
            .and_then(|v| v.snapshot.lock().ok().and_then(|s| s.clone()))
    }

    /// Publish the phase.
    pub fn set_phase(&self, p: PhaseView) {
        self.phase.store(p as u8, Ordering::Relaxed);
    }

    /// The phase last published.
    pub fn phase(&self) -> PhaseView {
        PhaseView::from_u8(self.phase.load(Ordering::Relaxed))
    }

    /// The FLX4 moved `target` to `normalized` (audio thread).
    pub fn push_midi_value(&self, target: Target, normalized: f32) {
        let i = target.index();
        if let Some(slot) = self.midi_values.get(i) {
            slot.store(normalized, Ordering::Relaxed);
            self.midi_dirty.fetch_or(1 << i, Ordering::Release);
        }
    }

    /// Take the FLX4 moves not yet written to the parameters (editor thread).
    pub fn take_midi_values(&self, mut f: impl FnMut(Target, f32)) {
        let dirty = self.midi_dirty.swap(0, Ordering::Acquire);
        for target in Target::ALL {
            let i = target.index();
            if dirty & (1 << i) != 0 {
                if let Some(slot) = self.midi_values.get(i) {
                    f(target, slot.load(Ordering::Relaxed));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsure_readings_are_marked() {
        assert_eq!(unsure_mark(Some(SURE_CONFIDENCE)), "");
        assert_eq!(unsure_mark(Some(0.9)), "");
        assert_eq!(unsure_mark(Some(0.49)), "?");
        assert_eq!(unsure_mark(Some(f64::NAN)), "?");
        assert_eq!(unsure_mark(None), "?");
    }

    fn snapshot(t: f64, bpm: f64, phase: f64, beat_in_bar: Option<u8>) -> LiveSnapshot {
        LiveSnapshot {
            t,
            track: 1,
            bpm: Some(bpm),
            bpm_confidence: Some(0.9),
            beat_phase: Some(phase),
            beat_in_bar,
            ..LiveSnapshot::default()
        }
    }

    #[test]
    fn the_grid_sits_on_the_analysed_downbeat_and_moves_with_corrections() {
        // 120 BPM at 48 kHz: a beat is 24000 samples. At t = 10 s (480000), a quarter into
        // beat 2 of the bar: the bar started 2.25 beats earlier.
        let s = snapshot(10.0, 120.0, 0.25, Some(2));
        let plain = Correction::default().grid(&s, 48_000.0).unwrap();
        assert!((plain.period_samples - 24_000.0).abs() < 1e-9);
        assert!((plain.downbeat_sample - (480_000.0 - 2.25 * 24_000.0)).abs() < 1e-6);
        let doubled = Correction {
            track: 1,
            factor: 2.0,
            ..Correction::default()
        }
        .grid(&s, 48_000.0)
        .unwrap();
        assert!((doubled.period_samples - 12_000.0).abs() < 1e-9);
        assert_eq!(doubled.downbeat_sample, plain.downbeat_sample);
        let shifted = Correction {
            track: 1,
            half_beat: true,
            ..Correction::default()
        }
        .grid(&s, 48_000.0)
        .unwrap();
        assert!((shifted.downbeat_sample - plain.downbeat_sample - 12_000.0).abs() < 1e-6);
        // A correction made on another track does not apply.
        let stale = Correction {
            track: 7,
            factor: 2.0,
            ..Correction::default()
        };
        assert_eq!(stale.grid(&s, 48_000.0), Some(plain));
        // No tempo or phase: no grid.
        let mut unknown = s.clone();
        unknown.beat_phase = None;
        assert_eq!(Correction::default().grid(&unknown, 48_000.0), None);
    }

    #[test]
    fn a_re_anchored_grid_keeps_the_clocks_bar_count() {
        let grid = LiveGrid {
            period_samples: 100.0,
            downbeat_sample: 5_000.0,
        };
        // Beat 2.5 of the grid at sample 5250; the clock was at bar 10 (beat 40 + 2.4).
        assert!((grid.beat_at(5_250.0, 42.4) - 42.5).abs() < 1e-9);
        // A clock that drifted into the next bar is pulled back to the grid's bar position.
        assert!((grid.beat_at(5_250.0, 45.1) - 46.5).abs() < 1e-9);
        assert!((grid.beat_at(5_250.0, f64::NAN) - 2.5).abs() < 1e-9);
        assert!((grid.bpm(48_000.0) - 28_800.0).abs() < 1e-6);
    }

    #[test]
    fn the_grid_cell_round_trips_and_says_when_empty() {
        let cell = GridCell::default();
        assert_eq!(cell.load(), Some(None));
        let g = LiveGrid {
            period_samples: 22_050.0,
            downbeat_sample: -1_234.5,
        };
        cell.store(Some(g));
        assert_eq!(cell.load(), Some(Some(g)));
        cell.store(None);
        assert_eq!(cell.load(), Some(None));
    }
}
