//! AI DJ's two-deck mixer: allocation-free DSP shared by the plugin and by `aidj mix`, so a
//! transition sounds the same in both.
//!
//! # Signal flow (per deck, stereo)
//! ```text
//! input -> sanitize -> trim -> isolator EQ -> filter -> channel fader -+-> x crossfader -+-> sum -> bypass xfade -> clamp -> out
//!                                                                      +-> echo (send) --+
//! ```
//! * [`gain`]: trim (`±12` dB), fader taper (`v^2`), crossfader curves (additive, constant
//!   power, cut, each with a `curve` amount).
//! * [`eq`]: 3-band isolator, LR8 crossovers at 250 Hz / 2.5 kHz, phase-aligned bands, kill at
//!   0, +6 dB at 1, bit-exact bypass at unity. The mixer runs both decks through one 4-lane
//!   [`eq::EqNetwork`] (same crossovers for every deck; the two decks' filter chains then
//!   overlap in the CPU) and gives each deck its own [`eq::BandGains`].
//! * [`filter`]: the one-knob LP/HP filter with a bit-exact centre dead zone.
//! * [`echo`]: tempo-synced feedback delay (post-fader send; its return skips the crossfader so
//!   the tail rings out after the deck is faded out).
//! * [`transition`]: presets, `state_at(p)` and the [`BeatClock`].
//!
//! # Real time
//! [`Mixer::new`] / [`Mixer::set_sample_rate`] allocate (the echo lines); [`Mixer::process`]
//! never allocates, locks or panics, and handles any block length (there is no scratch buffer:
//! everything runs sample by sample, `max_block` is only recorded).
//!
//! **Block-size invariance**: parameters are read at *control ticks*, every
//! [`CONTROL_INTERVAL`] samples counted from the last `reset`, and every gain, knob and
//! crossfade then moves per sample through a linear ramp (10 ms; crossfader 4 ms; filter knob
//! 20 ms). Output is therefore bit-identical whatever the block size, as long as the caller
//! gives the same parameters for the same samples. A parameter change takes effect at the next
//! tick (at most 16 samples later).
//!
//! **Cost**: `cargo bench -p aidj-mixer` (48 kHz stereo, 64-frame blocks, every block busy: a
//! transition with bass swap, filter sweeps on both decks and echo) measured about 9 us per
//! block, 0.7% of one core (AMD EPYC, shared).
//!
//! **Safety**: non-finite input samples become 0 and are counted in
//! [`Mixer::non_finite_inputs`]; tiny inputs (< 1e-30) are flushed; filter states flush below
//! 1e-20; the output is clamped to `±4.0` and is always finite.
//!
//! # Transitions override the params
//! When [`MixerParams::transition`] is `Some`, its [`TransitionState`] is applied on top of the
//! user's controls:
//! * the crossfader position **and** curve come from the transition (the transition wins);
//! * low-band gains are the **product** of the user's low knob gain and the bass-swap gain;
//! * a deck's filter knob comes from the transition when the preset sweeps that deck (the
//!   transition wins), otherwise the user's knob applies;
//! * the echo is driven by the transition only (with no transition its send closes and any
//!   tail rings out);
//! * trim, mid, high and the channel faders stay the user's.
//!
//! The position comes from [`TransitionDrive::Position`] (automation, `0..1`) or
//! [`TransitionDrive::Clock`]: the mixer's [`BeatClock`] (tempo from
//! [`MixerParams::tempo_bpm`], sample 0 = beat 0 after `reset`, re-anchored by
//! [`Mixer::set_beat_position`]) gives `p = (beat - start_beat) / (length_bars * 4)`.
//!
//! # Bypass
//! [`MixerParams::bypass`] crossfades (10 ms) the output to deck A, untouched (deck A being the
//! plugin's main input).
#![forbid(unsafe_code)]

pub mod echo;
pub mod eq;
pub mod error;
pub mod filter;
mod frames;
pub mod gain;
pub mod presets;
pub mod smoother;
pub mod svf;
pub mod transition;

pub use error::{Error, Result};
pub use filter::{filter_cutoff_hz, filter_mode, FilterMode};
pub use gain::{crossfader_gains, fader_gain, trim_gain, CurveKind};
pub use transition::{
    BeatClock, Direction, Transition, TransitionPreset, TransitionShape, TransitionState,
};

use echo::Echo;
use eq::{knob_to_gain, BandGains, EqNetwork};
use filter::DjFilter;
use smoother::LinearSmoother;

/// Samples between control ticks (parameter reads), counted from `reset`.
pub const CONTROL_INTERVAL: u64 = 16;
/// Output clamp: the last guard against anything unbounded.
pub const OUTPUT_LIMIT: f32 = 4.0;
/// Ramp time of trim, fader and bypass, ms.
pub const GAIN_RAMP_MS: f64 = 10.0;
/// Ramp time of the crossfader gains, ms.
pub const CROSSFADER_RAMP_MS: f64 = 4.0;

/// One deck's controls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeckParams {
    /// Trim, dB, `-12..12`.
    pub trim_db: f32,
    /// Low band knob `0..1` (0.5 = unity).
    pub eq_low: f32,
    /// Mid band knob `0..1`.
    pub eq_mid: f32,
    /// High band knob `0..1`.
    pub eq_high: f32,
    /// Filter knob `-1..1` (0 = off).
    pub filter: f32,
    /// Channel fader `0..1`.
    pub fader: f32,
}

impl Default for DeckParams {
    fn default() -> Self {
        Self {
            trim_db: 0.0,
            eq_low: 0.5,
            eq_mid: 0.5,
            eq_high: 0.5,
            filter: 0.0,
            fader: 1.0,
        }
    }
}

/// Where a transition's position comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TransitionDrive {
    /// An external position `0..1` (automation, a GUI slider).
    Position(f32),
    /// The mixer's beat clock, the transition starting at this beat.
    Clock {
        /// Beat at which the transition starts (a phrase boundary).
        start_beat: f64,
    },
}

/// A running transition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitionControl {
    /// The preset's automation (see [`TransitionPreset::shape`]).
    pub shape: TransitionShape,
    /// Which deck goes out.
    pub direction: Direction,
    /// Position source.
    pub drive: TransitionDrive,
}

/// Everything the mixer reads each control tick. Plain data, `Copy`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MixerParams {
    /// Deck A and deck B.
    pub decks: [DeckParams; 2],
    /// Crossfader `-1` (A) .. `1` (B).
    pub crossfader: f32,
    /// Crossfader curve family.
    pub curve_kind: CurveKind,
    /// Crossfader curve amount `0..1`.
    pub curve: f32,
    /// Tempo for the beat clock and the echo, BPM.
    pub tempo_bpm: f64,
    /// The running transition, if any.
    pub transition: Option<TransitionControl>,
    /// Output deck A untouched.
    pub bypass: bool,
}

impl Default for MixerParams {
    fn default() -> Self {
        Self {
            decks: [DeckParams::default(); 2],
            crossfader: 0.0,
            curve_kind: CurveKind::Additive,
            curve: 0.0,
            tempo_bpm: 120.0,
            transition: None,
            bypass: false,
        }
    }
}

/// Level of one deck's channel signal (post-fader, pre-crossfader) over the last block.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DeckMeter {
    /// Peak `|x|` over both channels.
    pub peak: f32,
    /// RMS over both channels.
    pub rms: f32,
}

/// One deck's chain.
#[derive(Clone, Debug)]
struct Deck {
    eq: BandGains,
    filter: DjFilter<2>,
    echo: Echo<2>,
    trim: LinearSmoother,
    fader: LinearSmoother,
    xfade: LinearSmoother,
}

impl Deck {
    fn new(sample_rate: f64) -> Self {
        let mut d = Self {
            eq: BandGains::new(sample_rate),
            filter: DjFilter::new(sample_rate),
            echo: Echo::new(sample_rate),
            trim: LinearSmoother::new(1.0, 1),
            fader: LinearSmoother::new(1.0, 1),
            xfade: LinearSmoother::new(1.0, 1),
        };
        d.set_sample_rate(sample_rate);
        d
    }

    fn set_sample_rate(&mut self, sample_rate: f64) {
        self.eq.set_sample_rate(sample_rate);
        self.filter.set_sample_rate(sample_rate);
        self.echo.set_sample_rate(sample_rate);
        let g = LinearSmoother::ramp_samples(GAIN_RAMP_MS, sample_rate);
        self.trim.set_ramp_len(g);
        self.fader.set_ramp_len(g);
        self.xfade.set_ramp_len(LinearSmoother::ramp_samples(
            CROSSFADER_RAMP_MS,
            sample_rate,
        ));
    }

    fn reset(&mut self) {
        self.echo.reset();
        self.snap();
    }

    /// Jump every ramp to its target (the filters' state is cleared, the echo line kept).
    fn snap(&mut self) {
        self.eq.reset();
        self.filter.reset();
        self.echo.snap();
        self.trim.snap();
        self.fader.snap();
        self.xfade.snap();
    }

    /// Trim one frame (the first stage, before the shared EQ network).
    #[inline]
    fn trim(&mut self, x: [f64; 2]) -> [f64; 2] {
        let trim = f64::from(self.trim.next_value());
        [x[0] * trim, x[1] * trim]
    }

    /// The rest of the chain for one trimmed frame `x` and its EQ bands: returns (crossfaded
    /// channel signal, echo return, channel signal for meters).
    #[inline]
    fn tick(
        &mut self,
        x: [f64; 2],
        lo: [f64; 2],
        mid: [f64; 2],
        hi: [f64; 2],
    ) -> ([f64; 2], [f64; 2], [f64; 2]) {
        let y = self.filter.tick(self.eq.apply(x, lo, mid, hi));
        let fader = f64::from(self.fader.next_value());
        let ch = [y[0] * fader, y[1] * fader];
        let wet = self.echo.tick(ch);
        let g = f64::from(self.xfade.next_value());
        ([ch[0] * g, ch[1] * g], wet, ch)
    }
}

/// The two-deck mixer.
#[derive(Clone, Debug)]
pub struct Mixer {
    sample_rate: f64,
    max_block: usize,
    decks: [Deck; 2],
    /// Both decks' crossovers, lanes `[A left, A right, B left, B right]`.
    eq_net: EqNetwork<4>,
    bypass: LinearSmoother,
    sample_index: u64,
    clock: BeatClock,
    state: Option<TransitionState>,
    fresh: bool,
    /// Per-deck meters of the last `process` call.
    pub meters: [DeckMeter; 2],
    /// Non-finite input samples replaced by 0 since `reset`.
    pub non_finite_inputs: u64,
}

impl Mixer {
    /// A mixer at `sample_rate` Hz for blocks of up to `max_block` frames (longer blocks are
    /// fine too). Allocates the echo lines (4 s per channel per deck).
    pub fn new(sample_rate: f64, max_block: usize) -> Self {
        let sample_rate = sanitize_rate(sample_rate);
        let mut m = Self {
            sample_rate,
            max_block,
            decks: [Deck::new(sample_rate), Deck::new(sample_rate)],
            eq_net: EqNetwork::new(sample_rate),
            bypass: LinearSmoother::new(0.0, 1),
            sample_index: 0,
            clock: BeatClock::new(120.0, transition::BEATS_PER_BAR, sample_rate),
            state: None,
            fresh: true,
            meters: [DeckMeter::default(); 2],
            non_finite_inputs: 0,
        };
        m.set_sample_rate(sample_rate, max_block);
        m
    }

    /// Change the rate and block size: rebuilds the filters and reallocates the echo lines (not
    /// for the audio thread), then resets.
    pub fn set_sample_rate(&mut self, sample_rate: f64, max_block: usize) {
        let sample_rate = sanitize_rate(sample_rate);
        self.sample_rate = sample_rate;
        self.max_block = max_block;
        self.decks
            .iter_mut()
            .for_each(|d| d.set_sample_rate(sample_rate));
        self.eq_net.set_sample_rate(sample_rate);
        self.bypass
            .set_ramp_len(LinearSmoother::ramp_samples(GAIN_RAMP_MS, sample_rate));
        self.clock.sample_rate = sample_rate;
        self.reset();
    }

    /// Clear all state: filters, echoes, the sample counter and beat clock (sample 0 = beat
    /// 0), meters and counters. The next `process` starts with a control tick whose parameters
    /// apply at once (no ramps from the previous values). Clears the echo lines, a loop over
    /// their length: call it from the audio thread only when a glitch is acceptable anyway.
    pub fn reset(&mut self) {
        self.decks.iter_mut().for_each(Deck::reset);
        self.eq_net.reset();
        self.bypass.snap();
        self.sample_index = 0;
        self.clock = BeatClock::new(self.clock.bpm, transition::BEATS_PER_BAR, self.sample_rate);
        self.state = None;
        self.fresh = true;
        self.meters = [DeckMeter::default(); 2];
        self.non_finite_inputs = 0;
    }

    /// Sample rate in Hz.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// The `max_block` given at construction.
    pub fn max_block(&self) -> usize {
        self.max_block
    }

    /// Current beat position of the clock.
    pub fn beat_position(&self) -> f64 {
        self.clock.beat_at(self.sample_index)
    }

    /// Declare the next sample to be at `beat` (host transport sync).
    pub fn set_beat_position(&mut self, beat: f64) {
        self.clock.set_beat(self.sample_index, beat);
    }

    /// The transition state of the last control tick (for display).
    pub fn transition_state(&self) -> Option<TransitionState> {
        self.state
    }

    /// Read the parameters (once every [`CONTROL_INTERVAL`] samples).
    fn control_tick(&mut self, params: &MixerParams) {
        self.clock.set_tempo(self.sample_index, params.tempo_bpm);
        let beat = self.clock.beat_at(self.sample_index);
        let state = params.transition.map(|tc| {
            let t = Transition::new(tc.shape, tc.direction);
            let p = match tc.drive {
                TransitionDrive::Position(p) => p,
                TransitionDrive::Clock { start_beat } => t.position_at_beat(beat, start_beat),
            };
            t.state_at(p)
        });
        self.state = state;
        let (pos, kind, curve) = match &state {
            Some(s) => (s.crossfader, s.curve_kind, s.curve),
            None => (params.crossfader, params.curve_kind, params.curve),
        };
        let (ga, gb) = crossfader_gains(pos, kind, curve);
        let bpm = self.clock.bpm;
        for (i, ((deck, dp), g)) in self
            .decks
            .iter_mut()
            .zip(params.decks.iter())
            .zip([ga, gb])
            .enumerate()
        {
            deck.trim.set_target(trim_gain(dp.trim_db));
            deck.fader.set_target(fader_gain(dp.fader));
            deck.xfade.set_target(g);
            let low_mult = state
                .as_ref()
                .and_then(|s| s.low_gain.get(i).copied())
                .unwrap_or(1.0);
            deck.eq.set_gains(
                knob_to_gain(dp.eq_low) * low_mult,
                knob_to_gain(dp.eq_mid),
                knob_to_gain(dp.eq_high),
            );
            let knob = state
                .as_ref()
                .and_then(|s| s.filter.get(i).copied().flatten())
                .unwrap_or(dp.filter);
            deck.filter.set_knob(knob);
            match state.as_ref().and_then(|s| s.echo).filter(|e| e.deck == i) {
                Some(e) => {
                    let d = deck.echo.delay_samples(f64::from(e.beats), bpm);
                    deck.echo.set(e.send, e.feedback, d);
                }
                None => deck.echo.set_send(0.0),
            }
        }
        self.bypass
            .set_target(if params.bypass { 1.0 } else { 0.0 });
        if self.fresh {
            // The first tick after a reset applies the params at once: no fade-in from
            // defaults.
            self.fresh = false;
            self.decks.iter_mut().for_each(Deck::snap);
            self.bypass.snap();
        }
    }

    #[inline]
    fn sanitize(&mut self, x: f32) -> f64 {
        if !x.is_finite() {
            self.non_finite_inputs += 1;
            0.0
        } else if x.abs() < 1e-30 {
            0.0
        } else {
            f64::from(x)
        }
    }

    /// Mix one block. All slices should have the same length; the shortest one sets the number
    /// of frames processed (samples of `out` beyond it are left alone). Meters are updated
    /// for this block.
    ///
    /// # Panics
    /// Never; it does not allocate or lock either.
    pub fn process(
        &mut self,
        params: &MixerParams,
        deck_a: [&[f32]; 2],
        deck_b: [&[f32]; 2],
        out: [&mut [f32]; 2],
    ) {
        let [a_l, a_r] = deck_a;
        let [b_l, b_r] = deck_b;
        let [o_l, o_r] = out;
        let mut peak = [0.0f64; 2];
        let mut sq = [0.0f64; 2];
        let mut frames = 0usize;
        let limit = f64::from(OUTPUT_LIMIT);
        for (((&al, &ar), (&bl, &br)), (ol, or)) in a_l
            .iter()
            .zip(a_r.iter())
            .zip(b_l.iter().zip(b_r.iter()))
            .zip(o_l.iter_mut().zip(o_r.iter_mut()))
        {
            if self.sample_index.is_multiple_of(CONTROL_INTERVAL) {
                self.control_tick(params);
            }
            self.sample_index = self.sample_index.wrapping_add(1);
            let a = [self.sanitize(al), self.sanitize(ar)];
            let b = [self.sanitize(bl), self.sanitize(br)];
            let [deck_a, deck_b] = &mut self.decks;
            let ta = deck_a.trim(a);
            let tb = deck_b.trim(b);
            let (lo, mid, hi) = self.eq_net.bands([ta[0], ta[1], tb[0], tb[1]]);
            let (ya, ea, ma) = deck_a.tick(ta, [lo[0], lo[1]], [mid[0], mid[1]], [hi[0], hi[1]]);
            let (yb, eb, mb) = deck_b.tick(tb, [lo[2], lo[3]], [mid[2], mid[3]], [hi[2], hi[3]]);
            for (d, m) in [ma, mb].iter().enumerate() {
                for v in m {
                    if let (Some(p), Some(s)) = (peak.get_mut(d), sq.get_mut(d)) {
                        *p = p.max(v.abs());
                        *s += v * v;
                    }
                }
            }
            frames += 1;
            let byp = f64::from(self.bypass.next_value());
            let mut y = [0.0f64; 2];
            for (c, yc) in y.iter_mut().enumerate() {
                let mix = ya.get(c).copied().unwrap_or(0.0)
                    + yb.get(c).copied().unwrap_or(0.0)
                    + ea.get(c).copied().unwrap_or(0.0)
                    + eb.get(c).copied().unwrap_or(0.0);
                let dry = a.get(c).copied().unwrap_or(0.0);
                let v = if byp == 0.0 {
                    mix
                } else {
                    mix + (dry - mix) * byp
                };
                *yc = if v.is_finite() {
                    v.clamp(-limit, limit)
                } else {
                    0.0
                };
            }
            *ol = y[0] as f32;
            *or = y[1] as f32;
        }
        if frames > 0 {
            for ((m, p), s) in self.meters.iter_mut().zip(peak).zip(sq) {
                m.peak = p as f32;
                m.rms = (s / (2 * frames) as f64).sqrt() as f32;
            }
        }
    }
}

fn sanitize_rate(sample_rate: f64) -> f64 {
    if sample_rate.is_finite() && sample_rate >= 8_000.0 {
        sample_rate
    } else {
        48_000.0
    }
}
