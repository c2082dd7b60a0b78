//! Transition engine: presets, the automation they produce, and the beat clock.
//!
//! A [`TransitionPreset`] (JSON files in the workspace's `presets/` folder) describes a
//! bar-aligned move from the outgoing deck to the incoming one over `length_bars`:
//! * `crossfader`: curve family and amount, and the part `start..end` (fractions `0..1` of the
//!   transition) over which the crossfader travels from the outgoing end to the incoming end.
//! * `bass_swap` (optional): the incoming deck's low band starts killed; within a window of
//!   `over_bars` centred on `at` (fraction of the transition) the lows swap linearly (outgoing
//!   low gain `1 -> 0`, incoming `0 -> 1`); mids and highs are untouched. `over_bars = 0` is an
//!   instant swap (the mixer's 10 ms ramps keep it click-free).
//! * `filter_out` / `filter_in` (optional): a filter-knob sweep (`-1..1`, see
//!   [`crate::filter`]) on the outgoing / incoming deck from `from` to `to` between `start`
//!   and `end` (holding `from` before and `to` after).
//! * `echo` (optional): a tempo-synced echo on the outgoing deck (`beats`, `feedback`),
//!   fed at level `mix` from `start` until the end of the transition; its tail rings out after.
//!
//! [`Transition::state_at`] is a pure function of the position `p` in `0..1`, so the plugin can
//! display what the mixer does. The position comes either from automation (an external `0..1`)
//! or from a [`BeatClock`]: `p = (beat - start_beat) / (length_bars * beats_per_bar)`.
//!
//! JSON example (`presets/bass_swap.json`):
//! ```json
//! { "name": "Bass swap", "description": "...", "length_bars": 16,
//!   "crossfader": { "curve_kind": "additive", "curve": 0.0, "start": 0.0, "end": 1.0 },
//!   "bass_swap": { "at": 0.5, "over_bars": 0.25 } }
//! ```

use crate::error::{Error, Result};
use crate::gain::CurveKind;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Beats per bar assumed by presets (4/4).
pub const BEATS_PER_BAR: u32 = 4;

fn one() -> f32 {
    1.0
}

/// How and when the crossfader moves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossfaderMove {
    /// Curve family.
    pub curve_kind: CurveKind,
    /// Curve amount `0..1` (smooth .. sharp).
    #[serde(default)]
    pub curve: f32,
    /// Fraction of the transition where the crossfader leaves the outgoing end.
    #[serde(default)]
    pub start: f32,
    /// Fraction where it reaches the incoming end.
    #[serde(default = "one")]
    pub end: f32,
}

/// Where the low bands swap.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BassSwap {
    /// Centre of the swap, fraction `0..1` of the transition.
    pub at: f32,
    /// Length of the swap in bars (0 = instant).
    #[serde(default)]
    pub over_bars: f32,
}

/// A filter-knob sweep on one deck.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterSweep {
    /// Knob value (`-1..1`) before `start`.
    pub from: f32,
    /// Knob value after `end`.
    pub to: f32,
    /// Fraction of the transition where the sweep starts.
    #[serde(default)]
    pub start: f32,
    /// Fraction where it ends.
    #[serde(default = "one")]
    pub end: f32,
}

impl FilterSweep {
    /// Knob value at position `p`.
    pub fn value_at(&self, p: f32) -> f32 {
        self.from + (self.to - self.from) * ramp(p, self.start, self.end)
    }
}

/// Echo on the outgoing deck.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EchoSettings {
    /// Off switch (a preset can keep its settings but disable them).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Delay in beats (e.g. 0.75 or 0.5).
    pub beats: f32,
    /// Feedback `0..0.95`.
    pub feedback: f32,
    /// Send level `0..1`.
    pub mix: f32,
    /// Fraction of the transition where the send opens.
    #[serde(default)]
    pub start: f32,
}

fn yes() -> bool {
    true
}

/// The numeric part of a preset: plain data, `Copy`, safe to hand to the audio thread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitionShape {
    /// Length in bars (of [`BEATS_PER_BAR`] beats).
    pub length_bars: f32,
    /// Crossfader move.
    pub crossfader: CrossfaderMove,
    /// Optional bass swap.
    #[serde(default)]
    pub bass_swap: Option<BassSwap>,
    /// Optional filter sweep on the outgoing deck.
    #[serde(default)]
    pub filter_out: Option<FilterSweep>,
    /// Optional filter sweep on the incoming deck.
    #[serde(default)]
    pub filter_in: Option<FilterSweep>,
    /// Optional echo on the outgoing deck.
    #[serde(default)]
    pub echo: Option<EchoSettings>,
}

/// A named transition preset, as stored in `presets/*.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitionPreset {
    /// Display name.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// The automation.
    #[serde(flatten)]
    pub shape: TransitionShape,
}

fn in_unit(v: f32) -> bool {
    (0.0..=1.0).contains(&v)
}

impl TransitionPreset {
    /// Parse and [`validate`](Self::validate) one preset.
    ///
    /// # Errors
    /// [`Error::Parse`] for bad JSON, [`Error::Invalid`] for out-of-range values.
    pub fn from_json(text: &str) -> Result<Self> {
        let p: Self = serde_json::from_str(text)?;
        p.validate()?;
        Ok(p)
    }

    /// Load every `*.json` preset in `dir`, sorted by file name. Allocates and does I/O: not
    /// for the audio thread.
    ///
    /// # Errors
    /// The first unreadable or invalid file.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Self>> {
        let dir = dir.as_ref();
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
        paths.sort();
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                Self::from_json(&text)
            })
            .collect()
    }

    /// Check every value is in range.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first bad field.
    pub fn validate(&self) -> Result<()> {
        let s = &self.shape;
        let bad = |m| Err(Error::Invalid(m));
        if self.name.trim().is_empty() {
            return bad("name is empty");
        }
        if !(s.length_bars > 0.0 && s.length_bars <= 128.0) {
            return bad("length_bars must be in (0, 128]");
        }
        let x = &s.crossfader;
        if !in_unit(x.curve) {
            return bad("crossfader.curve must be in 0..1");
        }
        if !(in_unit(x.start) && in_unit(x.end) && x.start <= x.end) {
            return bad("crossfader start/end must be in 0..1 with start <= end");
        }
        if let Some(b) = s.bass_swap {
            if !in_unit(b.at) {
                return bad("bass_swap.at must be in 0..1");
            }
            if !(b.over_bars >= 0.0 && b.over_bars <= s.length_bars) {
                return bad("bass_swap.over_bars must be in 0..length_bars");
            }
        }
        for f in [s.filter_out, s.filter_in].into_iter().flatten() {
            if !((-1.0..=1.0).contains(&f.from) && (-1.0..=1.0).contains(&f.to)) {
                return bad("filter from/to must be in -1..1");
            }
            if !(in_unit(f.start) && in_unit(f.end) && f.start <= f.end) {
                return bad("filter start/end must be in 0..1 with start <= end");
            }
        }
        if let Some(e) = s.echo {
            if !(e.beats > 0.0 && e.beats <= 4.0) {
                return bad("echo.beats must be in (0, 4]");
            }
            if !(0.0..=crate::echo::MAX_FEEDBACK).contains(&e.feedback) {
                return bad("echo.feedback must be in 0..0.95");
            }
            if !in_unit(e.mix) || !in_unit(e.start) {
                return bad("echo.mix and echo.start must be in 0..1");
            }
        }
        Ok(())
    }
}

/// Which way the transition goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Deck A out, deck B in (crossfader `-1 -> +1`).
    #[default]
    AtoB,
    /// Deck B out, deck A in (crossfader `+1 -> -1`).
    BtoA,
}

impl Direction {
    /// Index of the outgoing deck (0 = A, 1 = B).
    pub fn outgoing(self) -> usize {
        match self {
            Direction::AtoB => 0,
            Direction::BtoA => 1,
        }
    }

    /// Index of the incoming deck.
    pub fn incoming(self) -> usize {
        1 - self.outgoing()
    }
}

/// The echo part of a [`TransitionState`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EchoState {
    /// Deck index the echo is on (the outgoing deck).
    pub deck: usize,
    /// Send level now.
    pub send: f32,
    /// Feedback.
    pub feedback: f32,
    /// Delay in beats.
    pub beats: f32,
}

/// The automation values of a transition at one position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitionState {
    /// Position `0..1`.
    pub position: f32,
    /// Crossfader position `-1..1`.
    pub crossfader: f32,
    /// Crossfader curve family.
    pub curve_kind: CurveKind,
    /// Crossfader curve amount.
    pub curve: f32,
    /// Low-band gain multipliers `[deck A, deck B]` (`0..1`) for the bass swap.
    pub low_gain: [f32; 2],
    /// Filter knob per deck when the preset sweeps it (`None`: the user's knob applies).
    pub filter: [Option<f32>; 2],
    /// Echo on the outgoing deck, if the preset has one.
    pub echo: Option<EchoState>,
}

/// `0..1` progress of `p` through `a..b` (a step at `a` when `b <= a`).
fn ramp(p: f32, a: f32, b: f32) -> f32 {
    if b > a {
        ((p - a) / (b - a)).clamp(0.0, 1.0)
    } else if p >= a {
        1.0
    } else {
        0.0
    }
}

/// A preset shape played in one direction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    /// The automation.
    pub shape: TransitionShape,
    /// The direction.
    pub direction: Direction,
}

impl Transition {
    /// A transition of `shape` going `direction`.
    pub fn new(shape: TransitionShape, direction: Direction) -> Self {
        Self { shape, direction }
    }

    /// Length in beats.
    pub fn length_beats(&self) -> f64 {
        f64::from(self.shape.length_bars) * f64::from(BEATS_PER_BAR)
    }

    /// Position `0..1` at `beat` for a transition started at `start_beat` (clamped).
    pub fn position_at_beat(&self, beat: f64, start_beat: f64) -> f32 {
        let len = self.length_beats();
        if len.is_nan() || len <= 0.0 || !beat.is_finite() || !start_beat.is_finite() {
            return 0.0;
        }
        ((beat - start_beat) / len).clamp(0.0, 1.0) as f32
    }

    /// The automation at position `p` (clamped to `0..1`; NaN counts as 0).
    pub fn state_at(&self, p: f32) -> TransitionState {
        let p = if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let s = &self.shape;
        let out = self.direction.outgoing();
        let inc = self.direction.incoming();
        let q = ramp(p, s.crossfader.start, s.crossfader.end);
        let crossfader = match self.direction {
            Direction::AtoB => -1.0 + 2.0 * q,
            Direction::BtoA => 1.0 - 2.0 * q,
        };
        let mut low_gain = [1.0f32; 2];
        if let Some(b) = s.bass_swap {
            let w = b.over_bars / s.length_bars;
            let x = ramp(p, b.at - 0.5 * w, b.at + 0.5 * w);
            set(&mut low_gain, out, 1.0 - x);
            set(&mut low_gain, inc, x);
        }
        let mut filter = [None; 2];
        if let Some(f) = s.filter_out {
            set(&mut filter, out, Some(f.value_at(p)));
        }
        if let Some(f) = s.filter_in {
            set(&mut filter, inc, Some(f.value_at(p)));
        }
        let echo = s.echo.filter(|e| e.enabled).map(|e| EchoState {
            deck: out,
            send: if p >= e.start && p < 1.0 { e.mix } else { 0.0 },
            feedback: e.feedback,
            beats: e.beats,
        });
        TransitionState {
            position: p,
            crossfader,
            curve_kind: s.crossfader.curve_kind,
            curve: s.crossfader.curve,
            low_gain,
            filter,
            echo,
        }
    }
}

fn set<T>(a: &mut [T; 2], i: usize, v: T) {
    if let Some(slot) = a.get_mut(i) {
        *slot = v;
    }
}

/// Converts sample counts to beats at a tempo, anchored at a (sample, beat) pair.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BeatClock {
    /// Tempo, beats per minute.
    pub bpm: f64,
    /// Beats per bar.
    pub beats_per_bar: u32,
    /// Sample rate, Hz.
    pub sample_rate: f64,
    origin_sample: u64,
    origin_beat: f64,
}

impl BeatClock {
    /// A clock at `bpm` where sample 0 is beat 0.
    pub fn new(bpm: f64, beats_per_bar: u32, sample_rate: f64) -> Self {
        Self {
            bpm: sanitize_bpm(bpm),
            beats_per_bar: beats_per_bar.max(1),
            sample_rate,
            origin_sample: 0,
            origin_beat: 0.0,
        }
    }

    /// Beats lasting `samples` samples: `samples * bpm / (60 * rate)`.
    pub fn samples_to_beats(&self, samples: f64) -> f64 {
        samples * self.bpm / (60.0 * self.sample_rate)
    }

    /// Samples lasting `beats` beats.
    pub fn beats_to_samples(&self, beats: f64) -> f64 {
        beats * 60.0 * self.sample_rate / self.bpm
    }

    /// Beat position at absolute sample `sample`.
    pub fn beat_at(&self, sample: u64) -> f64 {
        let ds = sample as f64 - self.origin_sample as f64;
        self.origin_beat + self.samples_to_beats(ds)
    }

    /// Bar position (`beat / beats_per_bar`) at `sample`.
    pub fn bar_at(&self, sample: u64) -> f64 {
        self.beat_at(sample) / f64::from(self.beats_per_bar)
    }

    /// Declare that `sample` is at `beat` (host transport sync).
    pub fn set_beat(&mut self, sample: u64, beat: f64) {
        if beat.is_finite() {
            self.origin_sample = sample;
            self.origin_beat = beat;
        }
    }

    /// Change the tempo from `sample` on, keeping the beat position continuous.
    pub fn set_tempo(&mut self, sample: u64, bpm: f64) {
        let bpm = sanitize_bpm(bpm);
        if bpm != self.bpm {
            let beat = self.beat_at(sample);
            self.set_beat(sample, beat);
            self.bpm = bpm;
        }
    }
}

fn sanitize_bpm(bpm: f64) -> f64 {
    if bpm.is_finite() {
        bpm.clamp(20.0, 400.0)
    } else {
        120.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn shape(bass: Option<BassSwap>) -> TransitionShape {
        TransitionShape {
            length_bars: 16.0,
            crossfader: CrossfaderMove {
                curve_kind: CurveKind::ConstantPower,
                curve: 0.0,
                start: 0.0,
                end: 1.0,
            },
            bass_swap: bass,
            filter_out: Some(FilterSweep {
                from: 0.0,
                to: 0.8,
                start: 0.5,
                end: 1.0,
            }),
            filter_in: None,
            echo: Some(EchoSettings {
                enabled: true,
                beats: 0.75,
                feedback: 0.5,
                mix: 0.6,
                start: 0.75,
            }),
        }
    }

    #[test]
    fn state_table_both_directions() {
        let s = shape(Some(BassSwap {
            at: 0.5,
            over_bars: 2.0,
        }));
        // Swap window: 2/16 = 0.125 wide centred on 0.5 -> 0.4375..0.5625.
        for (dir, out, inc, sign) in [(Direction::AtoB, 0, 1, 1.0), (Direction::BtoA, 1, 0, -1.0)] {
            let t = Transition::new(s, dir);
            let table = [
                // p, crossfader (A->B), outgoing low, incoming low, outgoing filter, send
                (0.0, -1.0, 1.0, 0.0, 0.0, 0.0),
                (0.25, -0.5, 1.0, 0.0, 0.0, 0.0),
                (0.5, 0.0, 0.5, 0.5, 0.0, 0.0),
                (0.75, 0.5, 0.0, 1.0, 0.4, 0.6),
                (1.0, 1.0, 0.0, 1.0, 0.8, 0.0),
            ];
            for (p, xf, lo_out, lo_in, filt, send) in table {
                let st = t.state_at(p);
                assert_abs_diff_eq!(st.crossfader, sign * xf, epsilon = 1e-6);
                assert_abs_diff_eq!(st.low_gain[out], lo_out, epsilon = 1e-6);
                assert_abs_diff_eq!(st.low_gain[inc], lo_in, epsilon = 1e-6);
                assert_abs_diff_eq!(st.filter[out].unwrap(), filt, epsilon = 1e-6);
                assert_eq!(st.filter[inc], None);
                let e = st.echo.unwrap();
                assert_eq!(e.deck, out);
                assert_abs_diff_eq!(e.send, send, epsilon = 1e-6);
            }
        }
    }

    #[test]
    fn no_bass_swap_keeps_lows_and_clamps_position() {
        let t = Transition::new(shape(None), Direction::AtoB);
        assert_eq!(t.state_at(0.3).low_gain, [1.0, 1.0]);
        assert_eq!(t.state_at(-5.0), t.state_at(0.0));
        assert_eq!(t.state_at(f32::NAN), t.state_at(0.0));
        assert_eq!(t.state_at(7.0), t.state_at(1.0));
    }

    #[test]
    fn position_from_beats() {
        let t = Transition::new(shape(None), Direction::AtoB);
        // 16 bars = 64 beats.
        assert_abs_diff_eq!(t.position_at_beat(100.0, 68.0), 0.5);
        assert_eq!(t.position_at_beat(10.0, 68.0), 0.0);
        assert_eq!(t.position_at_beat(500.0, 68.0), 1.0);
    }

    #[test]
    fn beat_clock_math() {
        // 120 BPM at 48 kHz: one beat = 24000 samples.
        let mut c = BeatClock::new(120.0, 4, 48_000.0);
        assert_abs_diff_eq!(c.beat_at(24_000), 1.0);
        assert_abs_diff_eq!(c.bar_at(96_000 * 2), 2.0);
        assert_abs_diff_eq!(c.beats_to_samples(0.75), 18_000.0);
        assert_abs_diff_eq!(c.samples_to_beats(12_000.0), 0.5);
        // Tempo change at sample 48000 (beat 2): 60 BPM after -> one beat per 48000.
        c.set_tempo(48_000, 60.0);
        assert_abs_diff_eq!(c.beat_at(48_000), 2.0, epsilon = 1e-12);
        assert_abs_diff_eq!(c.beat_at(96_000), 3.0, epsilon = 1e-12);
        c.set_beat(0, 10.0);
        assert_abs_diff_eq!(c.beat_at(48_000), 11.0);
        assert_eq!(BeatClock::new(f64::NAN, 4, 48_000.0).bpm, 120.0);
    }

    #[test]
    fn validation_rejects_bad_values() {
        let good = r#"{"name":"x","length_bars":8,
            "crossfader":{"curve_kind":"cut","curve":0.5}}"#;
        assert!(TransitionPreset::from_json(good).is_ok());
        for bad in [
            r#"{"name":"x","length_bars":0,"crossfader":{"curve_kind":"cut"}}"#,
            r#"{"name":"x","length_bars":8,"crossfader":{"curve_kind":"cut","curve":2}}"#,
            r#"{"name":"x","length_bars":8,"crossfader":{"curve_kind":"cut"},
                "echo":{"beats":1,"feedback":1.5,"mix":0.5}}"#,
            r#"{"name":"x","length_bars":8,"crossfader":{"curve_kind":"cut"},
                "filter_out":{"from":-2,"to":0}}"#,
            r#"{"name":"x","length_bars":8,"crossfader":{"curve_kind":"wobble"}}"#,
        ] {
            assert!(TransitionPreset::from_json(bad).is_err(), "{bad}");
        }
    }
}
