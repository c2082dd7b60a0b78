//! The editor's logic without drawing: how a drag or a wheel notch moves a control, the meter's
//! dB scale and ballistics, the labels, the zoom steps and the bookkeeping of open parameter
//! gestures. Kept apart from the egui code so that it can be unit-tested.

use crate::shared::{unsure_mark, AnalysisStatus, PhaseView};
use aidj_analysis::live::LiveSnapshot;

/// Tap tempo: the BPM of the taps so far (from the third tap), forgetting taps after a
/// pause of 2 s; the last 8 taps count.
#[derive(Clone, Debug, Default)]
pub struct TapTempo {
    times: Vec<f64>,
}

impl TapTempo {
    /// A tap at `now` seconds; the tempo when there are enough taps.
    pub fn tap(&mut self, now: f64) -> Option<f64> {
        if self
            .times
            .last()
            .is_some_and(|&t| now - t > 2.0 || now <= t)
        {
            self.times.clear();
        }
        self.times.push(now);
        if self.times.len() > 8 {
            self.times.remove(0);
        }
        let (first, last) = (*self.times.first()?, *self.times.last()?);
        (self.times.len() >= 3 && last > first)
            .then(|| 60.0 * (self.times.len() - 1) as f64 / (last - first))
    }
}

/// The large deck read-out: BPM, Camelot key, and a small line with the key's name,
/// loudness and energy.
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    pub bpm: String,
    pub key: String,
    pub detail: String,
}

/// What a deck shows from its last live snapshot and the analysis thread's state.
pub fn readout(snap: Option<&LiveSnapshot>, status: AnalysisStatus) -> Readout {
    let Some(s) = snap else {
        let detail = match status {
            AnalysisStatus::Failed => "analysis failed",
            AnalysisStatus::Stopped => "analysis off",
            _ => "listening...",
        };
        return Readout {
            bpm: "---.-".into(),
            key: "--".into(),
            detail: detail.into(),
        };
    };
    let bpm = s.bpm.map_or_else(
        || "---.-".to_string(),
        |b| format!("{b:.1}{}", unsure_mark(s.bpm_confidence)),
    );
    let key = s.camelot.as_ref().map_or_else(
        || "--".to_string(),
        |c| format!("{c}{}", unsure_mark(s.key_confidence)),
    );
    let mut parts = Vec::new();
    if let Some(k) = &s.key {
        parts.push(k.clone());
    }
    if let Some(l) = s.lufs_short {
        parts.push(format!("{l:.1} LUFS"));
    }
    if let Some(e) = s.energy {
        parts.push(format!("energy {:.0}%", 100.0 * e));
    }
    if s.silent {
        parts.push("silent".into());
    }
    Readout {
        bpm,
        key,
        detail: parts.join("  "),
    }
}

/// Vertical drag distance, in points, that turns a knob over its whole range.
pub const KNOB_DRAG_POINTS: f32 = 250.0;
/// How much finer a drag or a wheel notch is with SHIFT held.
pub const FINE_FACTOR: f32 = 10.0;
/// Change per wheel notch of a continuous control, normalised.
pub const WHEEL_STEP: f32 = 0.01;
/// Points of a pixel-based (trackpad) scroll that count as one wheel notch.
pub const POINTS_PER_NOTCH: f32 = 40.0;

/// The normalised value after dragging a knob `dy` points (egui: positive = down, which turns the
/// knob down) from `value`, when `range_points` of drag cover the whole range (10x more with
/// SHIFT). Clamped to `0..=1`.
pub fn knob_drag(value: f32, dy: f32, range_points: f32, fine: bool) -> f32 {
    if !(range_points.is_finite() && range_points > 0.0) {
        return clamp01(value);
    }
    let scale = if fine { FINE_FACTOR } else { 1.0 };
    clamp01(value - dy / (range_points * scale))
}

/// The normalised value after dragging a fader `delta` points towards its maximum along a track
/// `track_len` points long (the cap follows the pointer; 10x finer with SHIFT). Clamped to
/// `0..=1`; a degenerate track leaves the value unchanged.
pub fn slider_drag(value: f32, delta: f32, track_len: f32, fine: bool) -> f32 {
    if !(track_len.is_finite() && track_len > 1.0) {
        return clamp01(value);
    }
    let scale = if fine { FINE_FACTOR } else { 1.0 };
    clamp01(value + delta / (track_len * scale))
}

/// Wheel notches in a frame's input events (positive = up, i.e. turn up). Line units count as
/// notches, points as `POINTS_PER_NOTCH` per notch, pages as 10 notches.
pub fn wheel_notches(events: &[egui::Event]) -> f32 {
    events
        .iter()
        .map(|e| match e {
            egui::Event::MouseWheel { unit, delta, .. } => {
                // Use the larger axis: SHIFT+wheel turns into horizontal scroll on some systems.
                let d = if delta.y.abs() >= delta.x.abs() {
                    delta.y
                } else {
                    delta.x
                };
                match unit {
                    egui::MouseWheelUnit::Line => d,
                    egui::MouseWheelUnit::Point => d / POINTS_PER_NOTCH,
                    egui::MouseWheelUnit::Page => d * 10.0,
                }
            }
            _ => 0.0,
        })
        .sum()
}

/// The normalised value after `notches` wheel notches from `value`. A stepped parameter moves
/// one step per notch (whole notches only); a continuous one `step` per notch (normally
/// [`WHEEL_STEP`]), ten times finer with SHIFT.
pub fn wheel_value(
    value: f32,
    notches: f32,
    step_count: Option<usize>,
    step: f32,
    fine: bool,
) -> f32 {
    match step_count {
        Some(steps) if steps > 0 => {
            let whole = notches.trunc();
            clamp01(value + whole / steps as f32)
        }
        _ => {
            let step = if fine { step / FINE_FACTOR } else { step };
            clamp01(value + notches * step)
        }
    }
}

fn clamp01(v: f32) -> f32 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, 1.0)
    }
}

/// Linear gain to dB (`-inf` for 0 or below, and for NaN).
pub fn gain_to_db(gain: f32) -> f32 {
    if gain > 0.0 && gain.is_finite() {
        20.0 * gain.log10()
    } else if gain == f32::INFINITY {
        f32::INFINITY
    } else {
        f32::NEG_INFINITY
    }
}

/// The top of the meter scale, dB (the decks can go over 0 dBFS with trim and EQ boost).
pub const METER_MAX_DB: f32 = 6.0;
/// The bottom of the meter scale, dB.
pub const METER_MIN_DB: f32 = -60.0;

/// Height fraction `0..=1` of a meter for `db`, on the IEC 60268-18 deflection scale (the one
/// broadcast and DJ meters use: wide near 0 dB, compressed at the bottom) extended linearly
/// above 0 dBFS to [`METER_MAX_DB`].
///
/// IEC deflection in percent of the 0 dBFS height: -70..-60 dB: 0.25 %/dB; -60..-50: 0.5;
/// -50..-40: 0.75; -40..-30: 1.5; -30..-20: 2; -20..0: 2.5 (so -20 dB is at 50 %, 0 dB at 100 %).
pub fn meter_fraction(db: f32) -> f32 {
    let pct = if db.is_nan() || db < -70.0 {
        0.0
    } else if db < -60.0 {
        (db + 70.0) * 0.25
    } else if db < -50.0 {
        (db + 60.0) * 0.5 + 2.5
    } else if db < -40.0 {
        (db + 50.0) * 0.75 + 7.5
    } else if db < -30.0 {
        (db + 40.0) * 1.5 + 15.0
    } else if db < -20.0 {
        (db + 30.0) * 2.0 + 30.0
    } else {
        (db.min(METER_MAX_DB) + 20.0) * 2.5 + 50.0
    };
    let top = (METER_MAX_DB + 20.0) * 2.5 + 50.0;
    (pct / top).clamp(0.0, 1.0)
}

/// The dB marks drawn next to a meter.
pub const METER_MARKS_DB: [f32; 6] = [6.0, 0.0, -6.0, -12.0, -24.0, -48.0];

/// Seconds the peak hold stays before it falls.
pub const PEAK_HOLD_SECONDS: f32 = 1.5;
/// Fall rate of the peak bar and the released hold, dB per second.
pub const PEAK_FALL_DB_PER_S: f32 = 24.0;
/// Fall rate of the RMS bar, dB per second (rises are immediate).
pub const RMS_FALL_DB_PER_S: f32 = 36.0;

/// One meter's displayed state: the audio thread publishes the last block's peak and RMS only,
/// so the bars fall at a fixed rate instead of flickering between blocks, and the peak is held.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeterBallistics {
    /// Displayed peak, dB.
    pub peak_db: f32,
    /// Displayed RMS, dB.
    pub rms_db: f32,
    /// Peak hold, dB.
    pub hold_db: f32,
    hold_left: f32,
}

impl Default for MeterBallistics {
    fn default() -> Self {
        Self {
            peak_db: f32::NEG_INFINITY,
            rms_db: f32::NEG_INFINITY,
            hold_db: f32::NEG_INFINITY,
            hold_left: 0.0,
        }
    }
}

impl MeterBallistics {
    /// Take a new reading (linear peak and RMS) `dt` seconds after the previous one.
    pub fn update(&mut self, peak: f32, rms: f32, dt: f32) {
        let dt = if dt.is_finite() {
            dt.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let fall = |shown: f32, new: f32, rate: f32| -> f32 {
            let fallen = shown - rate * dt;
            let fallen = if fallen < METER_MIN_DB - 10.0 {
                f32::NEG_INFINITY
            } else {
                fallen
            };
            new.max(fallen)
        };
        let peak_db = gain_to_db(peak).min(METER_MAX_DB + 20.0);
        let rms_db = gain_to_db(rms).min(METER_MAX_DB + 20.0);
        self.peak_db = fall(self.peak_db, peak_db, PEAK_FALL_DB_PER_S);
        self.rms_db = fall(self.rms_db, rms_db, RMS_FALL_DB_PER_S);
        if peak_db >= self.hold_db {
            self.hold_db = peak_db;
            self.hold_left = PEAK_HOLD_SECONDS;
        } else if self.hold_left > 0.0 {
            self.hold_left -= dt;
        } else {
            self.hold_db = fall(self.hold_db, f32::NEG_INFINITY, PEAK_FALL_DB_PER_S);
        }
    }

    /// True when the held peak is over 0 dBFS.
    pub fn clipped(&self) -> bool {
        self.hold_db > 0.0
    }
}

/// What the transition panel shows, read from [`crate::shared::Shared`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitionView {
    /// Driver phase.
    pub phase: PhaseView,
    /// Position `0..1`.
    pub progress: f32,
    /// Beats until an armed start (negative: unknown).
    pub beats_to_start: f32,
    /// Deck on air (0 none, 1 A, 2 B).
    pub on_air: u8,
}

fn deck_letter(on_air: u8) -> Option<char> {
    match on_air {
        1 => Some('A'),
        2 => Some('B'),
        _ => None,
    }
}

fn percent(progress: f32) -> f32 {
    if progress.is_finite() {
        (progress.clamp(0.0, 1.0) * 100.0).floor()
    } else {
        0.0
    }
}

/// The progress bar's text: `"Idle"`, `"Armed: 12.5 beats"`, `"Running 43%"`, `"B on air (move
/// the crossfader to B to take over)"`, `"Position 43%"`.
/// What a transition applies now, as the middle panel shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Applied {
    pub crossfader: f32,
    pub low_gain: [f32; 2],
    /// NaN: the user's knob.
    pub filter: [f32; 2],
    pub echo_send: f32,
}

/// "Crossfader B 35% · A lows -12.0 dB · B filter HP 420 Hz · echo 40%": what the transition
/// sets over the user's controls (unity lows and untouched filters left out).
pub fn applied_line(a: &Applied) -> String {
    let mut parts = vec![format!(
        "Crossfader {}",
        crate::params::format_crossfader(a.crossfader)
    )];
    for (d, name) in ["A", "B"].iter().enumerate() {
        let g = a.low_gain[d];
        if g < 0.999 {
            parts.push(format!("{name} lows {}", crate::params::format_gain_db(g)));
        }
    }
    for (d, name) in ["A", "B"].iter().enumerate() {
        let f = a.filter[d];
        if f.is_finite() {
            parts.push(format!("{name} filter {}", crate::params::format_filter(f)));
        }
    }
    if a.echo_send > 0.005 {
        parts.push(format!("echo {:.0}%", 100.0 * a.echo_send));
    }
    parts.join(" \u{b7} ")
}

/// Beats to go as a DJ counts them: whole bars and beats, the beat under way counted
/// ("2 bars 1 beat", "3 beats", "1 bar").
pub fn countdown(beats: f32) -> String {
    let n = (beats - 1e-3).ceil().max(1.0) as u32;
    let (bars, rest) = (n / 4, n % 4);
    let plural = |k: u32, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    match (bars, rest) {
        (0, b) => plural(b, "beat", "beats"),
        (k, 0) => plural(k, "bar", "bars"),
        (k, b) => format!(
            "{} {}",
            plural(k, "bar", "bars"),
            plural(b, "beat", "beats")
        ),
    }
}

pub fn phase_label(v: &TransitionView) -> String {
    match v.phase {
        PhaseView::Idle => "Idle: START arms the transition".to_string(),
        PhaseView::Armed => {
            let holding = deck_letter(v.on_air)
                .map(|d| format!(" ({d} on air)"))
                .unwrap_or_default();
            if v.beats_to_start.is_finite() && v.beats_to_start >= 0.0 {
                format!("Armed: {}{holding}", countdown(v.beats_to_start))
            } else {
                format!("Armed{holding}")
            }
        }
        PhaseView::Running => format!("Running {:.0}%", percent(v.progress)),
        PhaseView::Holding => match deck_letter(v.on_air) {
            Some(d) => format!("{d} on air (move the crossfader to {d} to take over)"),
            None => "Holding the end of the transition".to_string(),
        },
        PhaseView::Position => format!("Position {:.0}%", percent(v.progress)),
    }
}

/// Fill `0..=1` of the progress bar.
pub fn progress_fraction(v: &TransitionView) -> f32 {
    match v.phase {
        PhaseView::Idle | PhaseView::Armed => 0.0,
        PhaseView::Holding => 1.0,
        PhaseView::Running | PhaseView::Position => {
            if v.progress.is_finite() {
                v.progress.clamp(0.0, 1.0)
            } else {
                0.0
            }
        }
    }
}

/// `"Host 124.00 BPM"` when the beat clock follows the host transport, else `"Own clock"`.
/// What the beat clock follows, for the header: `source` as [`crate::shared::Shared`]'s
/// `clock_source` (0 clock BPM, 1 host, 2/3 deck A/B's live grid).
pub fn clock_label(source: u8, tempo: f32) -> String {
    let known = tempo.is_finite() && tempo > 0.0;
    match source {
        1 if known => format!("Host {tempo:.2} BPM"),
        2 | 3 if known => format!(
            "Deck {} {tempo:.1} BPM",
            if source == 2 { "A" } else { "B" }
        ),
        _ => "Own clock".to_string(),
    }
}

/// An FLX4 tempo slider `-1..1` as percent of its travel from the centre: `"+12%"`, `"0%"`.
pub fn tempo_slider_label(v: f32) -> String {
    if !v.is_finite() {
        return "-".to_string();
    }
    let pct = (v.clamp(-1.0, 1.0) * 100.0).round();
    if pct == 0.0 {
        "0%".to_string()
    } else {
        format!("{pct:+.0}%")
    }
}

/// Seconds the FLX4 activity light stays on after a message.
pub const ACTIVITY_SECONDS: f64 = 0.3;

/// The FLX4 activity light: on for a moment whenever the message counter moves.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Activity {
    last_count: u64,
    last_change: Option<f64>,
}

impl Activity {
    /// Read the counter at time `now` (seconds); true while the light is on.
    pub fn update(&mut self, count: u64, now: f64) -> bool {
        if count != self.last_count {
            self.last_count = count;
            self.last_change = Some(now);
        }
        self.last_change
            .is_some_and(|t| now - t < ACTIVITY_SECONDS && now >= t)
    }
}

/// START is live in trigger mode except while a transition runs (the driver ignores it then;
/// pressed while armed it cancels).
pub fn start_enabled(trigger_mode: bool, phase: PhaseView) -> bool {
    trigger_mode && !matches!(phase, PhaseView::Running | PhaseView::Position)
}

/// CANCEL does something only while a transition is armed or running.
pub fn cancel_enabled(phase: PhaseView) -> bool {
    matches!(phase, PhaseView::Armed | PhaseView::Running)
}

/// The zoom factors the -/+ buttons step through.
pub const ZOOM_STEPS: [f32; 9] = [0.75, 0.85, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0];

/// A stored zoom made safe: non-finite or absurd values become 1, others are clamped to the
/// range of [`ZOOM_STEPS`].
pub fn sanitize_zoom(z: f32) -> f32 {
    if !z.is_finite() || z <= 0.0 {
        return 1.0;
    }
    z.clamp(ZOOM_STEPS[0], ZOOM_STEPS[ZOOM_STEPS.len() - 1])
}

/// The next zoom step above `z` (the largest stays).
pub fn zoom_in(z: f32) -> f32 {
    let z = sanitize_zoom(z);
    ZOOM_STEPS
        .iter()
        .copied()
        .find(|&s| s > z + 1e-3)
        .unwrap_or(ZOOM_STEPS[ZOOM_STEPS.len() - 1])
}

/// The next zoom step below `z` (the smallest stays).
pub fn zoom_out(z: f32) -> f32 {
    let z = sanitize_zoom(z);
    ZOOM_STEPS
        .iter()
        .rev()
        .copied()
        .find(|&s| s < z - 1e-3)
        .unwrap_or(ZOOM_STEPS[0])
}

/// The parameters with an open gesture (begin sent, end not yet), so that a mouse drag and an
/// FLX4 move on the same parameter never send two begins, and a widget can close a gesture it
/// lost (disabled mid-drag) on the next frame.
#[derive(Clone, Debug)]
pub struct GestureBook<K> {
    open: Vec<K>,
}

impl<K> Default for GestureBook<K> {
    fn default() -> Self {
        Self { open: Vec::new() }
    }
}

impl<K: PartialEq + Copy> GestureBook<K> {
    /// Record a begin for `key`; true when the caller must send it (none open yet).
    pub fn begin(&mut self, key: K) -> bool {
        if self.open.contains(&key) {
            false
        } else {
            self.open.push(key);
            true
        }
    }

    /// Record an end for `key`; true when the caller must send it (one was open).
    pub fn end(&mut self, key: K) -> bool {
        let before = self.open.len();
        self.open.retain(|k| *k != key);
        self.open.len() != before
    }

    /// True while `key` has an open gesture.
    pub fn is_open(&self, key: K) -> bool {
        self.open.contains(&key)
    }

    /// Forget every open gesture (their window is gone) and return how many there were.
    pub fn forget_all(&mut self) -> usize {
        let n = self.open.len();
        self.open.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tap_tempo_needs_three_taps_and_forgets_after_a_pause() {
        let mut t = TapTempo::default();
        assert_eq!(t.tap(10.0), None);
        assert_eq!(t.tap(10.5), None);
        let bpm = t.tap(11.0).expect("three taps");
        assert!((bpm - 120.0).abs() < 1e-9, "{bpm}");
        // A pause starts over.
        assert_eq!(t.tap(20.0), None);
        assert_eq!(t.tap(20.4), None);
        let bpm = t.tap(20.8).expect("bpm");
        assert!((bpm - 150.0).abs() < 1e-6, "{bpm}");
    }

    #[test]
    fn corrections_change_tempo_and_phase_for_their_track_only() {
        use crate::shared::Correction;
        let s = LiveSnapshot {
            track: 3,
            bpm: Some(69.0),
            bpm_confidence: Some(0.3),
            beat_phase: Some(0.3),
            ..LiveSnapshot::default()
        };
        let double = Correction {
            track: 3,
            factor: 2.0,
            ..Correction::default()
        };
        let c = double.apply(&s);
        assert_eq!(c.bpm, Some(138.0));
        assert_eq!(c.bpm_confidence, Some(1.0));
        assert!((c.beat_phase.expect("phase") - 0.6).abs() < 1e-12);
        let half_beat = Correction {
            track: 3,
            half_beat: true,
            ..Correction::default()
        };
        let c = half_beat.apply(&s);
        assert!((c.beat_phase.expect("phase") - 0.8).abs() < 1e-12);
        assert!((c.next_beat_secs.expect("next") - 0.2 * 60.0 / 69.0).abs() < 1e-12);
        let tapped = Correction {
            track: 3,
            tapped_bpm: Some(140.0),
            ..Correction::default()
        };
        assert_eq!(tapped.apply(&s).bpm, Some(140.0));
        // Another track: untouched.
        let other = LiveSnapshot {
            track: 4,
            ..s.clone()
        };
        assert_eq!(double.apply(&other), other);
        assert!(!Correction::default().is_active(0));
    }

    #[test]
    fn readout_marks_unsure_values_and_unknowns() {
        let none = readout(None, AnalysisStatus::Running);
        assert_eq!((none.bpm.as_str(), none.key.as_str()), ("---.-", "--"));
        assert_eq!(
            readout(None, AnalysisStatus::Failed).detail,
            "analysis failed"
        );
        let mut s = LiveSnapshot {
            bpm: Some(124.04),
            bpm_confidence: Some(0.8),
            camelot: Some("8A".into()),
            key: Some("A minor".into()),
            key_confidence: Some(0.2),
            lufs_short: Some(-8.94),
            energy: Some(0.715),
            ..LiveSnapshot::default()
        };
        let r = readout(Some(&s), AnalysisStatus::Running);
        assert_eq!(r.bpm, "124.0");
        assert_eq!(r.key, "8A?");
        assert_eq!(r.detail, "A minor  -8.9 LUFS  energy 72%");
        s.bpm_confidence = None;
        s.key_confidence = Some(0.5);
        let r = readout(Some(&s), AnalysisStatus::Running);
        assert_eq!((r.bpm.as_str(), r.key.as_str()), ("124.0?", "8A"));
    }
    use approx::assert_abs_diff_eq;

    #[test]
    fn knob_drag_maps_points_to_range() {
        // Up (negative dy) turns up; KNOB_DRAG_POINTS covers the range.
        let k = KNOB_DRAG_POINTS;
        assert_abs_diff_eq!(knob_drag(0.5, -25.0, k, false), 0.6, epsilon = 1e-6);
        assert_abs_diff_eq!(knob_drag(0.5, 25.0, k, false), 0.4, epsilon = 1e-6);
        // SHIFT: ten times finer.
        assert_abs_diff_eq!(knob_drag(0.5, -25.0, k, true), 0.51, epsilon = 1e-6);
        // The full range from the bottom, and clamping at both ends.
        assert_abs_diff_eq!(knob_drag(0.0, -k, k, false), 1.0);
        assert_eq!(knob_drag(0.9, -1000.0, k, false), 1.0);
        assert_eq!(knob_drag(0.1, 1000.0, k, false), 0.0);
        assert_eq!(knob_drag(f32::NAN, 0.0, k, false), 0.0);
        // A slower control (the BPM field: 2000 points per range).
        assert_abs_diff_eq!(knob_drag(0.5, -20.0, 2000.0, false), 0.51, epsilon = 1e-6);
        assert_eq!(knob_drag(0.5, -20.0, 0.0, false), 0.5);
    }

    #[test]
    fn fader_cap_follows_the_pointer() {
        // 50 points along a 200-point track: a quarter of the range.
        assert_abs_diff_eq!(slider_drag(0.5, 50.0, 200.0, false), 0.75, epsilon = 1e-6);
        assert_abs_diff_eq!(slider_drag(0.5, -50.0, 200.0, true), 0.475, epsilon = 1e-6);
        assert_eq!(slider_drag(0.5, 500.0, 200.0, false), 1.0);
        assert_eq!(slider_drag(0.3, 50.0, 0.0, false), 0.3, "no track: no move");
    }

    #[test]
    fn wheel_counts_notches_in_every_unit() {
        let ev = |unit, y: f32| egui::Event::MouseWheel {
            unit,
            delta: egui::vec2(0.0, y),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        };
        let events = [
            ev(egui::MouseWheelUnit::Line, 1.0),
            ev(egui::MouseWheelUnit::Point, -2.0 * POINTS_PER_NOTCH),
            egui::Event::PointerGone,
        ];
        assert_abs_diff_eq!(wheel_notches(&events), -1.0, epsilon = 1e-6);
        assert_abs_diff_eq!(
            wheel_notches(&[ev(egui::MouseWheelUnit::Page, 1.0)]),
            10.0,
            epsilon = 1e-6
        );
        assert_eq!(wheel_notches(&[]), 0.0);
    }

    #[test]
    fn wheel_steps_continuous_and_stepped_parameters() {
        let s = WHEEL_STEP;
        assert_abs_diff_eq!(wheel_value(0.5, 1.0, None, s, false), 0.51, epsilon = 1e-6);
        assert_abs_diff_eq!(wheel_value(0.5, -2.0, None, s, true), 0.498, epsilon = 1e-6);
        assert_abs_diff_eq!(
            wheel_value(0.5, 1.0, None, 0.005, false),
            0.505,
            epsilon = 1e-6
        );
        // Four steps (five values): one notch is a quarter; half notches do nothing.
        assert_abs_diff_eq!(
            wheel_value(0.5, 1.0, Some(4), s, false),
            0.75,
            epsilon = 1e-6
        );
        assert_eq!(wheel_value(0.5, 0.5, Some(4), s, false), 0.5);
        assert_eq!(wheel_value(0.99, 3.0, None, s, false), 1.0);
    }

    #[test]
    fn meter_scale_is_iec_and_monotonic() {
        let top = (METER_MAX_DB + 20.0) * 2.5 + 50.0;
        // 0 dBFS at 100 % of the IEC height, -20 dB at 50 %, -40 dB at 15 %.
        assert_abs_diff_eq!(meter_fraction(0.0), 100.0 / top, epsilon = 1e-6);
        assert_abs_diff_eq!(meter_fraction(-20.0), 50.0 / top, epsilon = 1e-6);
        assert_abs_diff_eq!(meter_fraction(-40.0), 15.0 / top, epsilon = 1e-6);
        assert_eq!(meter_fraction(METER_MAX_DB), 1.0);
        assert_eq!(meter_fraction(40.0), 1.0);
        assert_eq!(meter_fraction(f32::NEG_INFINITY), 0.0);
        assert_eq!(meter_fraction(f32::NAN), 0.0);
        // Continuous at the segment joints and strictly rising over the scale.
        let mut last = -1.0;
        let mut db = -75.0;
        while db <= METER_MAX_DB {
            let f = meter_fraction(db);
            assert!(f >= last, "{db} dB: {f} < {last}");
            if db > -70.0 {
                assert!(f > last, "{db} dB not rising");
            }
            assert!(f - last.max(0.0) < 0.02, "jump at {db} dB");
            last = f;
            db += 0.25;
        }
        assert_eq!(gain_to_db(0.0), f32::NEG_INFINITY);
        assert_abs_diff_eq!(gain_to_db(0.5), -6.0206, epsilon = 1e-3);
    }

    #[test]
    fn meter_holds_the_peak_then_falls() {
        let mut m = MeterBallistics::default();
        m.update(1.0, 0.5, 0.02);
        assert_abs_diff_eq!(m.peak_db, 0.0, epsilon = 1e-4);
        assert_abs_diff_eq!(m.rms_db, -6.0206, epsilon = 1e-3);
        assert_abs_diff_eq!(m.hold_db, 0.0, epsilon = 1e-4);
        // Silence: the bars fall at their rates, the hold stays for PEAK_HOLD_SECONDS.
        m.update(0.0, 0.0, 0.5);
        assert_abs_diff_eq!(m.peak_db, -PEAK_FALL_DB_PER_S * 0.5, epsilon = 1e-3);
        assert_abs_diff_eq!(m.rms_db, -6.0206 - RMS_FALL_DB_PER_S * 0.5, epsilon = 1e-3);
        assert_abs_diff_eq!(m.hold_db, 0.0, epsilon = 1e-4);
        m.update(0.0, 0.0, 1.0);
        assert_abs_diff_eq!(m.hold_db, 0.0, epsilon = 1e-4);
        // Hold time used up (0.5 + 1.0 >= 1.5): now it falls.
        m.update(0.0, 0.0, 0.5);
        assert_abs_diff_eq!(m.hold_db, -PEAK_FALL_DB_PER_S * 0.5, epsilon = 1e-3);
        // Long silence: everything reaches -inf.
        for _ in 0..10 {
            m.update(0.0, 0.0, 1.0);
        }
        assert_eq!(m.peak_db, f32::NEG_INFINITY);
        assert_eq!(m.hold_db, f32::NEG_INFINITY);
        assert!(!m.clipped());
        m.update(1.5, 1.0, 0.02);
        assert!(m.clipped());
    }

    #[test]
    fn phase_labels_read_like_the_brief() {
        let v = |phase, progress, beats_to_start, on_air| TransitionView {
            phase,
            progress,
            beats_to_start,
            on_air,
        };
        assert_eq!(
            phase_label(&v(PhaseView::Armed, 0.0, 12.5, 0)),
            "Armed: 3 bars 1 beat"
        );
        assert_eq!(
            phase_label(&v(PhaseView::Armed, 0.0, 1.0, 2)),
            "Armed: 1 beat (B on air)"
        );
        assert_eq!(countdown(21.7), "5 bars 2 beats");
        let a = Applied {
            crossfader: 0.35,
            low_gain: [1.0, 0.0],
            filter: [f32::NAN, 0.0],
            echo_send: 0.4,
        };
        assert_eq!(
            applied_line(&a),
            "Crossfader B 35% \u{b7} B lows -inf dB \u{b7} B filter Off \u{b7} echo 40%"
        );
        assert_eq!(countdown(8.0), "2 bars");
        assert_eq!(countdown(2.2), "3 beats");
        assert_eq!(countdown(0.0), "1 beat");
        assert_eq!(phase_label(&v(PhaseView::Armed, 0.0, -1.0, 0)), "Armed");
        assert_eq!(
            phase_label(&v(PhaseView::Running, 0.437, -1.0, 0)),
            "Running 43%"
        );
        assert_eq!(
            phase_label(&v(PhaseView::Holding, 1.0, -1.0, 2)),
            "B on air (move the crossfader to B to take over)"
        );
        assert_eq!(
            phase_label(&v(PhaseView::Holding, 1.0, -1.0, 1)),
            "A on air (move the crossfader to A to take over)"
        );
        assert_eq!(
            phase_label(&v(PhaseView::Position, 0.25, -1.0, 0)),
            "Position 25%"
        );
        assert!(phase_label(&v(PhaseView::Idle, 0.0, -1.0, 0)).starts_with("Idle"));
        assert_eq!(
            progress_fraction(&v(PhaseView::Running, 0.25, -1.0, 0)),
            0.25
        );
        assert_eq!(progress_fraction(&v(PhaseView::Holding, 0.0, -1.0, 2)), 1.0);
        assert_eq!(progress_fraction(&v(PhaseView::Armed, 0.7, 3.0, 0)), 0.0);
        assert_eq!(
            progress_fraction(&v(PhaseView::Position, f32::NAN, -1.0, 0)),
            0.0
        );
    }

    #[test]
    fn start_and_cancel_follow_the_driver() {
        assert!(start_enabled(true, PhaseView::Idle));
        assert!(start_enabled(true, PhaseView::Armed), "again: cancel");
        assert!(start_enabled(true, PhaseView::Holding), "arms the way back");
        assert!(!start_enabled(true, PhaseView::Running));
        assert!(!start_enabled(false, PhaseView::Idle), "position mode");
        assert!(cancel_enabled(PhaseView::Armed));
        assert!(cancel_enabled(PhaseView::Running));
        assert!(!cancel_enabled(PhaseView::Holding));
        assert!(!cancel_enabled(PhaseView::Idle));
    }

    #[test]
    fn clock_and_tempo_slider_labels() {
        assert_eq!(clock_label(1, 124.0), "Host 124.00 BPM");
        assert_eq!(clock_label(0, 124.0), "Own clock");
        assert_eq!(clock_label(1, 0.0), "Own clock");
        assert_eq!(clock_label(2, 127.96), "Deck A 128.0 BPM");
        assert_eq!(clock_label(3, 90.0), "Deck B 90.0 BPM");
        assert_eq!(tempo_slider_label(0.123), "+12%");
        assert_eq!(tempo_slider_label(-1.0), "-100%");
        assert_eq!(tempo_slider_label(0.001), "0%");
        assert_eq!(tempo_slider_label(f32::NAN), "-");
    }

    #[test]
    fn activity_light_follows_the_counter() {
        let mut a = Activity::default();
        assert!(!a.update(0, 0.0), "no message yet");
        assert!(a.update(3, 1.0));
        assert!(a.update(3, 1.0 + ACTIVITY_SECONDS * 0.5));
        assert!(!a.update(3, 1.0 + ACTIVITY_SECONDS * 1.5));
        assert!(a.update(4, 5.0));
    }

    #[test]
    fn zoom_steps_and_sanitising() {
        assert_eq!(sanitize_zoom(f32::NAN), 1.0);
        assert_eq!(sanitize_zoom(0.0), 1.0);
        assert_eq!(sanitize_zoom(9.0), 2.0);
        assert_eq!(zoom_in(1.0), 1.1);
        assert_eq!(zoom_out(1.0), 0.85);
        // Between steps: to the neighbouring step.
        assert_eq!(zoom_in(1.05), 1.1);
        assert_eq!(zoom_out(1.05), 1.0);
        assert_eq!(zoom_in(2.0), 2.0);
        assert_eq!(zoom_out(0.75), 0.75);
    }

    #[test]
    fn gestures_begin_and_end_once() {
        let mut g = GestureBook::default();
        assert!(g.begin(1u32), "first begin is sent");
        assert!(
            !g.begin(1),
            "a second begin (the FLX4 during a drag) is not"
        );
        assert!(g.is_open(1));
        assert!(g.begin(2));
        assert!(g.end(1), "the end is sent once");
        assert!(!g.end(1));
        assert!(!g.is_open(1));
        assert!(g.is_open(2));
        assert_eq!(g.forget_all(), 1);
        assert!(!g.is_open(2));
    }
}
