//! The plugin's parameters: every mixer control for both decks, the crossfader, the transition
//! controls, the clock, bypass and the FLX4 switch.
//!
//! Parameter ids are part of saved sessions and automation: never rename one. Deck parameters
//! get the deck's prefix (`a_eq_lo`, `b_fader`, ...).
//!
//! No nice-plug smoothers: the mixer ramps every gain, knob and crossfade itself (per sample,
//! 4-20 ms) at fixed control ticks, which keeps the output identical whatever the block size.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use aidj_mixer::eq::BOOST_MAX_DB;
use aidj_mixer::gain::TRIM_RANGE_DB;
use aidj_mixer::{fader_gain, filter_cutoff_hz, filter_mode, FilterMode};
use nice_plug::prelude::*;

use crate::presets;

/// One deck's controls (ids without the deck prefix).
#[derive(Params)]
pub struct DeckParams {
    /// Trim, dB.
    #[id = "trim"]
    pub trim: FloatParam,
    /// High band knob `0..1`, 0.5 = unity.
    #[id = "eq_hi"]
    pub eq_hi: FloatParam,
    /// Mid band knob.
    #[id = "eq_mid"]
    pub eq_mid: FloatParam,
    /// Low band knob.
    #[id = "eq_lo"]
    pub eq_lo: FloatParam,
    /// One-knob filter `-1..1` (LP left, HP right, off in the middle).
    #[id = "filter"]
    pub filter: FloatParam,
    /// Channel fader `0..1`.
    #[id = "fader"]
    pub fader: FloatParam,
}

impl DeckParams {
    fn new(deck: &str) -> Self {
        Self {
            trim: FloatParam::new(
                format!("{deck} Trim"),
                0.0,
                FloatRange::Linear {
                    min: -TRIM_RANGE_DB,
                    max: TRIM_RANGE_DB,
                },
            )
            .with_step_size(0.1)
            .with_value_to_string(Arc::new(|db| format_db(db, true)))
            .with_string_to_value(Arc::new(parse_db)),
            eq_hi: eq_param(format!("{deck} EQ High")),
            eq_mid: eq_param(format!("{deck} EQ Mid")),
            eq_lo: eq_param(format!("{deck} EQ Low")),
            filter: FloatParam::new(
                format!("{deck} Filter"),
                0.0,
                FloatRange::Linear {
                    min: -1.0,
                    max: 1.0,
                },
            )
            .with_value_to_string(Arc::new(format_filter))
            .with_string_to_value(Arc::new(parse_filter)),
            fader: FloatParam::new(
                format!("{deck} Fader"),
                1.0,
                FloatRange::Linear { min: 0.0, max: 1.0 },
            )
            .with_value_to_string(Arc::new(|v| format_gain_db(fader_gain(v))))
            .with_string_to_value(Arc::new(|s| {
                parse_db(s).map(|db| 10f32.powf(db / 40.0).clamp(0.0, 1.0))
            })),
        }
    }
}

fn eq_param(name: String) -> FloatParam {
    FloatParam::new(name, 0.5, FloatRange::Linear { min: 0.0, max: 1.0 })
        .with_value_to_string(Arc::new(|k| {
            format_gain_db(aidj_mixer::eq::knob_to_gain(k))
        }))
        .with_string_to_value(Arc::new(|s| parse_db(s).map(eq_knob_for_db)))
}

/// The EQ knob position giving `db` (inverse of `knob_to_gain`).
pub fn eq_knob_for_db(db: f32) -> f32 {
    if db == f32::NEG_INFINITY {
        0.0
    } else if db >= 0.0 {
        (0.5 + db / (2.0 * BOOST_MAX_DB)).min(1.0)
    } else {
        // Cut side: gain = (2k)^2.
        0.5 * 10f32.powf(db / 40.0)
    }
}

/// Crossfader curve family (mirrors [`aidj_mixer::CurveKind`]).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveParam {
    /// Both decks full in the middle.
    #[id = "additive"]
    #[name = "Additive"]
    Additive,
    /// -3 dB each in the middle.
    #[id = "constant_power"]
    #[name = "Constant power"]
    ConstantPower,
    /// Sharp cut at the ends (scratch).
    #[id = "cut"]
    #[name = "Cut"]
    Cut,
}

impl From<CurveParam> for aidj_mixer::CurveKind {
    fn from(c: CurveParam) -> Self {
        match c {
            CurveParam::Additive => Self::Additive,
            CurveParam::ConstantPower => Self::ConstantPower,
            CurveParam::Cut => Self::Cut,
        }
    }
}

/// How the transition is driven.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionMode {
    /// The crossfader and knobs are played by hand; Start runs the preset from the next
    /// phrase boundary, beat-synced.
    #[id = "trigger"]
    #[name = "Hand / trigger"]
    Trigger,
    /// The preset follows the Position parameter (automation on the timeline, or turned by
    /// hand).
    #[id = "position"]
    #[name = "Position"]
    Position,
}

/// Which deck goes out.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectionParam {
    /// Away from the deck on air (A -> B unless B is on air).
    #[id = "auto"]
    #[name = "Auto"]
    Auto,
    /// Deck A out, deck B in.
    #[id = "a_to_b"]
    #[name = "A -> B"]
    AToB,
    /// Deck B out, deck A in.
    #[id = "b_to_a"]
    #[name = "B -> A"]
    BToA,
}

/// Transition length: the preset's own, or a fixed number of bars.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthParam {
    /// As the preset says.
    #[id = "preset"]
    #[name = "Preset"]
    Preset,
    /// 1 bar.
    #[id = "1"]
    #[name = "1 bar"]
    Bars1,
    /// 2 bars.
    #[id = "2"]
    #[name = "2 bars"]
    Bars2,
    /// 4 bars.
    #[id = "4"]
    #[name = "4 bars"]
    Bars4,
    /// 8 bars.
    #[id = "8"]
    #[name = "8 bars"]
    Bars8,
    /// 16 bars.
    #[id = "16"]
    #[name = "16 bars"]
    Bars16,
    /// 32 bars.
    #[id = "32"]
    #[name = "32 bars"]
    Bars32,
}

impl LengthParam {
    /// Bars, or `None` for the preset's own length.
    pub fn bars(self) -> Option<f32> {
        match self {
            Self::Preset => None,
            Self::Bars1 => Some(1.0),
            Self::Bars2 => Some(2.0),
            Self::Bars4 => Some(4.0),
            Self::Bars8 => Some(8.0),
            Self::Bars16 => Some(16.0),
            Self::Bars32 => Some(32.0),
        }
    }
}

/// What the beat clock follows while the host transport is stopped.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSource {
    /// The live beat grid of the deck on air (the outgoing deck of a transition), as
    /// analysed and corrected; the clock BPM until that deck has one.
    #[id = "live"]
    #[name = "Live deck"]
    LiveDeck,
    /// The clock BPM.
    #[id = "bpm"]
    #[name = "Clock BPM"]
    Manual,
}

/// The phrase grid a triggered transition waits for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseParam {
    /// Next beat.
    #[id = "beat"]
    #[name = "Next beat"]
    Beat,
    /// Next bar.
    #[id = "1"]
    #[name = "1 bar"]
    Bars1,
    /// Next 4-bar boundary.
    #[id = "4"]
    #[name = "4 bars"]
    Bars4,
    /// Next 8-bar boundary (a 32-beat phrase).
    #[id = "8"]
    #[name = "8 bars"]
    Bars8,
    /// Next 16-bar boundary.
    #[id = "16"]
    #[name = "16 bars"]
    Bars16,
}

impl PhraseParam {
    /// Grid size in beats for `beats_per_bar`.
    pub fn beats(self, beats_per_bar: f64) -> f64 {
        match self {
            Self::Beat => 1.0,
            Self::Bars1 => beats_per_bar,
            Self::Bars4 => 4.0 * beats_per_bar,
            Self::Bars8 => 8.0 * beats_per_bar,
            Self::Bars16 => 16.0 * beats_per_bar,
        }
    }
}

/// All parameters.
#[derive(Params)]
pub struct AiDjParams {
    /// Deck A (main input).
    #[nested(id_prefix = "a", group = "Deck A")]
    pub deck_a: DeckParams,
    /// Deck B (sidechain input).
    #[nested(id_prefix = "b", group = "Deck B")]
    pub deck_b: DeckParams,

    /// Crossfader `-1` (A) .. `1` (B).
    #[id = "xfader"]
    pub crossfader: FloatParam,
    /// Crossfader curve family.
    #[id = "xf_shape"]
    pub curve_kind: EnumParam<CurveParam>,
    /// Crossfader curve amount.
    #[id = "xf_curve"]
    pub curve: FloatParam,

    /// Transition preset (index into [`presets::builtin`]).
    #[id = "tr_preset"]
    pub preset: IntParam,
    /// Transition length.
    #[id = "tr_length"]
    pub length: EnumParam<LengthParam>,
    /// Trigger or position drive.
    #[id = "tr_mode"]
    pub mode: EnumParam<TransitionMode>,
    /// Direction.
    #[id = "tr_dir"]
    pub direction: EnumParam<DirectionParam>,
    /// Rising edge: arm the transition for the next phrase boundary (again: cancel).
    #[id = "tr_start"]
    pub start: BoolParam,
    /// Position `0..1` in position mode.
    #[id = "tr_pos"]
    pub position: FloatParam,
    /// Phrase grid for triggered starts.
    #[id = "tr_phrase"]
    pub phrase: EnumParam<PhraseParam>,
    /// The preset's filter sweeps and echo on (off: crossfader and bass swap only).
    #[id = "tr_fx"]
    pub transition_fx: BoolParam,

    /// What the clock follows when the host transport is not playing.
    #[id = "clock_src"]
    pub clock_source: EnumParam<ClockSource>,
    /// Tempo of the plugin's own clock when the host transport is not playing (and no live
    /// grid is followed).
    #[id = "clock_bpm"]
    pub clock_bpm: FloatParam,
    /// Output deck A untouched.
    #[id = "bypass"]
    pub bypass: BoolParam,
    /// Read the DDJ-FLX4's MIDI directly.
    #[id = "flx4"]
    pub flx4: BoolParam,

    /// Deck on air after a completed transition (0 none, 1 A, 2 B): restored with the session
    /// so a reloaded set keeps the deck that was playing.
    #[persist = "on_air"]
    pub on_air: Arc<AtomicU8>,
    /// Editor zoom (pixels per point), kept with the session.
    #[persist = "ui_scale"]
    pub ui_scale: Arc<AtomicF32>,
    /// The library the DJ opened (a model file or a music folder), kept with the session;
    /// empty: the defaults file's.
    #[persist = "library"]
    pub library: std::sync::RwLock<String>,
}

impl Default for AiDjParams {
    fn default() -> Self {
        let preset_count = presets::builtin().len().max(1) as i32;
        Self {
            deck_a: DeckParams::new("A"),
            deck_b: DeckParams::new("B"),
            crossfader: FloatParam::new(
                "Crossfader",
                0.0,
                FloatRange::Linear {
                    min: -1.0,
                    max: 1.0,
                },
            )
            .with_value_to_string(Arc::new(format_crossfader))
            .with_string_to_value(Arc::new(parse_crossfader)),
            curve_kind: EnumParam::new("Crossfader Curve", CurveParam::Additive),
            curve: FloatParam::new(
                "Crossfader Sharpness",
                0.0,
                FloatRange::Linear { min: 0.0, max: 1.0 },
            )
            .with_unit(" %")
            .with_value_to_string(formatters::v2s_f32_percentage(0))
            .with_string_to_value(formatters::s2v_f32_percentage()),
            preset: IntParam::new(
                "Transition Preset",
                0,
                IntRange::Linear {
                    min: 0,
                    max: preset_count - 1,
                },
            )
            .with_value_to_string(Arc::new(|i| presets::name(i).to_string()))
            .with_string_to_value(Arc::new(presets::index_of)),
            length: EnumParam::new("Transition Length", LengthParam::Preset),
            mode: EnumParam::new("Transition Mode", TransitionMode::Trigger),
            direction: EnumParam::new("Transition Direction", DirectionParam::Auto),
            start: BoolParam::new("Transition Start", false)
                .with_value_to_string(Arc::new(|on| if on { "Start" } else { "-" }.to_string()))
                .with_string_to_value(Arc::new(|s| {
                    let t = s.trim().to_ascii_lowercase();
                    Some(matches!(t.as_str(), "start" | "on" | "true" | "1"))
                })),
            position: FloatParam::new(
                "Transition Position",
                0.0,
                FloatRange::Linear { min: 0.0, max: 1.0 },
            )
            .with_unit(" %")
            .with_value_to_string(formatters::v2s_f32_percentage(1))
            .with_string_to_value(formatters::s2v_f32_percentage()),
            phrase: EnumParam::new("Start On", PhraseParam::Bars8),
            transition_fx: BoolParam::new("Transition FX", true),
            clock_source: EnumParam::new("Clock Source", ClockSource::LiveDeck),
            clock_bpm: FloatParam::new(
                "Clock BPM",
                124.0,
                FloatRange::Linear {
                    min: 40.0,
                    max: 240.0,
                },
            )
            .with_step_size(0.01)
            .with_value_to_string(Arc::new(|b| format!("{b:.2} BPM")))
            .with_string_to_value(Arc::new(|s| {
                s.trim()
                    .trim_end_matches("BPM")
                    .trim_end_matches("bpm")
                    .trim()
                    .parse()
                    .ok()
            })),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
            // Automatable only so that hosts list it (Ardour drops parameters that are
            // neither automatable nor read-only).
            flx4: BoolParam::new("FLX4 MIDI", true),
            on_air: Arc::new(AtomicU8::new(0)),
            ui_scale: Arc::new(AtomicF32::new(1.0)),
            library: std::sync::RwLock::new(String::new()),
        }
    }
}

impl AiDjParams {
    /// Deck `i`'s parameters (0 = A).
    pub fn deck(&self, i: usize) -> &DeckParams {
        if i == 0 {
            &self.deck_a
        } else {
            &self.deck_b
        }
    }

    /// The deck on air restored from the session (`None`, `Some(0)` A, `Some(1)` B).
    pub fn on_air(&self) -> Option<usize> {
        match self.on_air.load(Ordering::Relaxed) {
            1 => Some(0),
            2 => Some(1),
            _ => None,
        }
    }
}

/// `"-3.0 dB"`, `"+2.5 dB"` (sign forced when `signed`), `"-inf dB"` below -100 dB.
pub fn format_db(db: f32, signed: bool) -> String {
    if !db.is_finite() || db <= -100.0 {
        "-inf dB".to_string()
    } else if signed && db.abs() < 0.05 {
        "0.0 dB".to_string()
    } else if signed {
        format!("{db:+.1} dB")
    } else {
        format!("{db:.1} dB")
    }
}

/// A linear gain as `format_db`.
pub fn format_gain_db(gain: f32) -> String {
    if gain <= 0.0 {
        "-inf dB".to_string()
    } else {
        format_db(20.0 * gain.log10(), true)
    }
}

/// Parses `"-3"`, `"-3 dB"`, `"+2.5dB"`, `"-inf"`.
pub fn parse_db(s: &str) -> Option<f32> {
    let t = s
        .trim()
        .trim_end_matches("dB")
        .trim_end_matches("db")
        .trim();
    if t.eq_ignore_ascii_case("-inf") || t.eq_ignore_ascii_case("kill") {
        return Some(f32::NEG_INFINITY);
    }
    t.parse::<f32>().ok().filter(|v| !v.is_nan())
}

/// `"Off"`, `"LP 800 Hz"`, `"HP 2.0 kHz"`.
pub fn format_filter(v: f32) -> String {
    let hz = filter_cutoff_hz(v);
    let freq = if hz >= 1000.0 {
        format!("{:.1} kHz", hz / 1000.0)
    } else {
        format!("{hz:.0} Hz")
    };
    match filter_mode(v) {
        FilterMode::Bypass => "Off".to_string(),
        FilterMode::LowPass => format!("LP {freq}"),
        FilterMode::HighPass => format!("HP {freq}"),
    }
}

/// Inverse of [`format_filter`]: `"off"`, `"LP 800 Hz"`, `"hp 2k"`, or a plain knob value.
pub fn parse_filter(s: &str) -> Option<f32> {
    let t = s.trim().to_ascii_lowercase();
    if t == "off" || t == "0" {
        return Some(0.0);
    }
    let (side, rest) = if let Some(r) = t.strip_prefix("lp") {
        (-1.0f32, r)
    } else if let Some(r) = t.strip_prefix("hp") {
        (1.0, r)
    } else {
        return t.parse::<f32>().ok().map(|v| v.clamp(-1.0, 1.0));
    };
    let rest = rest.trim().trim_end_matches("hz").trim();
    let hz = if let Some(k) = rest.strip_suffix('k') {
        k.trim().parse::<f32>().ok()? * 1000.0
    } else {
        rest.parse::<f32>().ok()?
    };
    // Invert the (monotonic) cutoff curve by bisection: no closed form is exported.
    let (mut lo, mut hi) = (0.0f32, 1.0f32);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        let f = filter_cutoff_hz(side * mid);
        let too_far = if side < 0.0 { f < hz } else { f > hz };
        if too_far {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(side * 0.5 * (lo + hi))
}

/// `"A"`, `"A 50%"`, `"Centre"`, `"B 25%"`, `"B"`.
pub fn format_crossfader(v: f32) -> String {
    let pct = (v.abs() * 100.0).round();
    if pct < 0.5 {
        "Centre".to_string()
    } else if pct >= 100.0 {
        if v < 0.0 { "A" } else { "B" }.to_string()
    } else if v < 0.0 {
        format!("A {pct:.0}%")
    } else {
        format!("B {pct:.0}%")
    }
}

/// Inverse of [`format_crossfader`].
pub fn parse_crossfader(s: &str) -> Option<f32> {
    let t = s.trim().to_ascii_lowercase();
    match t.as_str() {
        "a" => return Some(-1.0),
        "b" => return Some(1.0),
        "centre" | "center" | "c" => return Some(0.0),
        _ => {}
    }
    let pct = |r: &str| r.trim().trim_end_matches('%').trim().parse::<f32>().ok();
    if let Some(r) = t.strip_prefix('a') {
        return pct(r).map(|p| -(p / 100.0).clamp(0.0, 1.0));
    }
    if let Some(r) = t.strip_prefix('b') {
        return pct(r).map(|p| (p / 100.0).clamp(0.0, 1.0));
    }
    t.parse::<f32>().ok().map(|v| v.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn value_strings_read_like_a_mixer() {
        assert_eq!(format_gain_db(0.0), "-inf dB");
        assert_eq!(format_gain_db(1.0), "0.0 dB");
        assert_eq!(format_db(-3.04, true), "-3.0 dB");
        assert_eq!(format_filter(0.0), "Off");
        assert!(
            format_filter(-0.5).starts_with("LP "),
            "{}",
            format_filter(-0.5)
        );
        assert!(format_filter(0.9).starts_with("HP "));
        assert!(format_filter(0.9).ends_with("kHz"));
        assert_eq!(format_crossfader(-1.0), "A");
        assert_eq!(format_crossfader(0.0), "Centre");
        assert_eq!(format_crossfader(0.25), "B 25%");
    }

    #[test]
    fn value_strings_parse_back() {
        for v in [-0.9f32, -0.4, 0.3, 0.95] {
            let back = parse_filter(&format_filter(v)).expect("parses");
            // The string is rounded to 2-3 significant digits.
            assert_abs_diff_eq!(
                filter_cutoff_hz(back).log2(),
                filter_cutoff_hz(v).log2(),
                epsilon = 0.05
            );
        }
        assert_eq!(parse_filter("off"), Some(0.0));
        for k in [0.0f32, 0.1, 0.3, 0.5, 0.75, 1.0] {
            let g = aidj_mixer::eq::knob_to_gain(k);
            let db = if g > 0.0 {
                20.0 * g.log10()
            } else {
                f32::NEG_INFINITY
            };
            assert_abs_diff_eq!(eq_knob_for_db(db), k, epsilon = 1e-4);
        }
        assert_eq!(parse_db("-inf dB"), Some(f32::NEG_INFINITY));
        assert_eq!(parse_crossfader("A 50%"), Some(-0.5));
        assert_eq!(parse_crossfader("b"), Some(1.0));
    }

    #[test]
    fn parameter_ids_are_stable() {
        let params = AiDjParams::default();
        let ids: Vec<String> = params
            .param_map()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        for id in [
            "a_trim",
            "a_eq_hi",
            "a_eq_mid",
            "a_eq_lo",
            "a_filter",
            "a_fader",
            "b_trim",
            "b_eq_lo",
            "b_fader",
            "xfader",
            "xf_shape",
            "xf_curve",
            "tr_preset",
            "tr_length",
            "tr_mode",
            "tr_dir",
            "tr_start",
            "tr_pos",
            "tr_phrase",
            "tr_fx",
            "clock_src",
            "clock_bpm",
            "bypass",
            "flx4",
        ] {
            assert!(ids.iter().any(|i| i == id), "missing {id} in {ids:?}");
        }
        assert_eq!(ids.len(), 27);
    }
}
