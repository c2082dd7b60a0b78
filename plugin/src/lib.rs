//! The AI DJ plugin: a two-deck DJ mixer on nice-plug, exported as CLAP and VST3.
//!
//! * Deck A is the main stereo input, deck B the stereo sidechain ("Deck B"); a missing or
//!   inactive sidechain is silence.
//! * Every mixer control of both decks, the crossfader and the transition controls are
//!   automatable parameters ([`params`]); the DSP is [`aidj_mixer`], zero latency.
//! * Transitions ([`driver`]): by hand (crossfader, EQ), by position (automation), or
//!   triggered on the next phrase boundary of the host transport (or of the plugin's own clock
//!   when the transport is stopped) and then beat-synced.
//! * The DDJ-FLX4 is read directly from the MIDI input ([`flx4`], [`controls`]).
//! * The editor ([`editor`], feature `editor`) reads [`shared::Shared`] atomics.
//!
//! `process` never allocates, locks or blocks: buffers are sized in `activate`, long host
//! blocks are processed in chunks, and the tests run it under `assert_process_allocs`.

pub mod analysis_thread;
pub mod controls;
pub mod driver;
#[cfg(feature = "editor")]
pub mod editor;
pub mod flx4;
pub mod library;
pub mod params;
pub mod presets;
pub mod shared;

use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use aidj_mixer::{
    Direction, Mixer, MixerParams, Transition, TransitionControl, TransitionDrive, TransitionShape,
};
use nice_plug::midi::{Channel, Key};
use nice_plug::prelude::*;

use analysis_thread::{AnalysisThread, DeckFeeds};
use controls::{Overrides, Target};
use driver::{Phase, Segment, TransitionDriver};
use flx4::{Button, Flx4Decoder, Flx4Event, Knob};
use params::{AiDjParams, ClockSource, DirectionParam, TransitionMode};
use shared::{LiveGrid, PhaseView, Shared};

/// More MIDI CCs than this in one block are a host's parameter sweep (see `process`), not a
/// controller: a DJ turning knobs sends a few dozen per block at most.
const HOST_SWEEP_CCS: usize = 256;

/// Largest chunk `process` hands the mixer at once; longer host blocks are split. Also the
/// scratch size when the host gives no maximum block size.
const MAX_CHUNK: usize = 8192;

/// The plugin.
pub struct AiDj {
    params: Arc<AiDjParams>,
    shared: Arc<Shared>,
    engine: Engine,
    /// The live analysis thread while active.
    analysis: Option<AnalysisThread>,
}

/// Where the beat clock comes from in this block.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ClockInfo {
    tempo: f64,
    beats_per_bar: f64,
    /// Bar 1 of the host (phrase grids count from it), in beats.
    grid_origin_bars: Option<(f64, i32)>,
    host: bool,
}

/// Everything `process` mutates.
struct Engine {
    mixer: Mixer,
    driver: TransitionDriver,
    decoder: Flx4Decoder,
    overrides: Overrides,
    /// Copy of deck A (the main buffer is processed in place).
    scratch: [Vec<f32>; 2],
    /// Deck B when the sidechain is missing.
    zeros: Vec<f32>,
    sample_rate: f64,
    last_start_param: bool,
    seen_start_requests: u32,
    seen_cancel_requests: u32,
    last_mode: TransitionMode,
    /// The rings to the analysis thread (while it runs).
    feeds: Option<DeckFeeds>,
    /// The live grid each deck's clock last followed (kept over a torn read).
    live_grids: [Option<LiveGrid>; 2],
}

impl Default for AiDj {
    fn default() -> Self {
        let params = Arc::new(AiDjParams::default());
        let shared = Arc::new(Shared::default());
        Self {
            params,
            shared,
            engine: Engine::new(48_000.0, MAX_CHUNK),
            analysis: None,
        }
    }
}

impl Drop for AiDj {
    fn drop(&mut self) {
        // A library folder still being analysed stops at the next file (its thread holds
        // only the library, not the plugin).
        self.shared.library.cancel();
    }
}

impl AiDj {
    /// The shared view (for the editor and tests).
    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// The parameters, typed.
    pub fn typed_params(&self) -> Arc<AiDjParams> {
        self.params.clone()
    }
}

/// The preset shape at `index` with the length override and the FX switch applied.
pub fn resolve_shape(index: i32, length_bars: Option<f32>, fx: bool) -> Option<TransitionShape> {
    let mut shape = presets::get(index)?.shape;
    if let Some(bars) = length_bars {
        // Keep the bass swap's duration in bars sensible for short transitions.
        if let Some(b) = shape.bass_swap.as_mut() {
            b.over_bars = b.over_bars.min(bars);
        }
        shape.length_bars = bars;
    }
    if !fx {
        shape.filter_out = None;
        shape.filter_in = None;
        shape.echo = None;
    }
    Some(shape)
}

fn to_direction(d: DirectionParam, auto: Direction) -> Direction {
    match d {
        DirectionParam::Auto => auto,
        DirectionParam::AToB => Direction::AtoB,
        DirectionParam::BToA => Direction::BtoA,
    }
}

/// The direction that brings `deck` in.
fn bringing_in(deck: usize) -> Direction {
    if deck == 0 {
        Direction::BtoA
    } else {
        Direction::AtoB
    }
}

impl Engine {
    fn new(sample_rate: f64, max_block: usize) -> Self {
        let chunk = max_block.clamp(1, MAX_CHUNK);
        Self {
            mixer: Mixer::new(sample_rate, chunk),
            driver: TransitionDriver::default(),
            decoder: Flx4Decoder::default(),
            overrides: Overrides::default(),
            scratch: [vec![0.0; chunk], vec![0.0; chunk]],
            zeros: vec![0.0; chunk],
            sample_rate,
            last_start_param: false,
            seen_start_requests: 0,
            seen_cancel_requests: 0,
            last_mode: TransitionMode::Trigger,
            feeds: None,
            live_grids: [None; 2],
        }
    }

    fn chunk_len(&self) -> usize {
        self.zeros.len().min(self.scratch[0].len()).max(1)
    }

    fn shape(&self, params: &AiDjParams) -> Option<TransitionShape> {
        resolve_shape(
            self.overrides.preset(params),
            params.length.value().bars(),
            self.overrides.transition_fx(params),
        )
    }

    fn user_crossfader(&self, params: &AiDjParams) -> f32 {
        self.overrides.plain(params, Target::Crossfader)
    }

    /// Arm (or cancel, if armed) a transition going `direction` (`None`: the direction param).
    fn press_start(
        &mut self,
        params: &AiDjParams,
        clock: &ClockInfo,
        direction: Option<Direction>,
    ) {
        if params.mode.value() != TransitionMode::Trigger {
            return;
        }
        let Some(shape) = self.shape(params) else {
            return;
        };
        let auto = self.driver.auto_direction(self.user_crossfader(params));
        let direction = direction.unwrap_or_else(|| to_direction(params.direction.value(), auto));
        let grid = params.phrase.value().beats(clock.beats_per_bar);
        let origin = match (clock.grid_origin_bars, params.phrase.value()) {
            (_, params::PhraseParam::Beat) | (None, _) => 0.0,
            (Some((bar_start, bar_number)), _) => {
                let bars_per_phrase = (grid / clock.beats_per_bar).round().max(1.0) as i32;
                bar_start - f64::from(bar_number.rem_euclid(bars_per_phrase)) * clock.beats_per_bar
            }
        };
        self.driver
            .press_start(self.mixer.beat_position(), grid, origin, shape, direction);
    }

    /// Apply one FLX4 message.
    fn flx4(&mut self, params: &AiDjParams, shared: &Shared, clock: &ClockInfo, event: Flx4Event) {
        shared.flx4_messages.fetch_add(1, Ordering::Relaxed);
        let set = |engine: &mut Self, target: Target, value: f32| {
            engine.overrides.set(params, target, value);
            shared.push_midi_value(target, value);
        };
        match event {
            Flx4Event::Knob {
                knob: Knob::Control(target),
                value,
            } => set(self, target, value),
            Flx4Event::Knob {
                knob: Knob::Tempo(d),
                value,
            } => {
                if let Some(s) = shared.tempo_sliders.get(d) {
                    s.store(value * 2.0 - 1.0, Ordering::Relaxed);
                }
            }
            // With a library open, browse and LOAD work the suggestion list (applied by the
            // analysis thread); without one, browse picks the preset.
            Flx4Event::Browse(steps) if shared.library.ready.load(Ordering::Relaxed) => {
                shared
                    .library
                    .browse_steps
                    .fetch_add(steps, Ordering::AcqRel);
            }
            Flx4Event::Press(Button::BrowsePress)
                if shared.library.ready.load(Ordering::Relaxed) =>
            {
                shared.library.browse_presses.fetch_add(1, Ordering::AcqRel);
            }
            Flx4Event::Press(Button::Load(deck)) => {
                if let Some(c) = shared.library.load_presses.get(deck) {
                    c.fetch_add(1, Ordering::AcqRel);
                }
            }
            Flx4Event::Browse(steps) => {
                let index = self.overrides.preset(params).saturating_add(steps);
                let n = params.preset.preview_normalized(index);
                set(self, Target::Preset, n);
            }
            Flx4Event::Press(button) => match button {
                Button::HotCuePad { deck, pad } if pad <= 5 => {
                    let n = params.preset.preview_normalized(i32::from(pad) - 1);
                    set(self, Target::Preset, n);
                    if matches!(self.driver.phase(), Phase::Armed { .. }) {
                        self.driver.cancel();
                    }
                    self.press_start(params, clock, Some(bringing_in(deck)));
                }
                Button::HotCuePad { pad: 8, .. } => self.driver.cancel(),
                Button::Sync(deck) => self.press_start(params, clock, Some(bringing_in(deck))),
                Button::BrowsePress => self.press_start(params, clock, None),
                Button::BeatFxOn => {
                    let on = self.overrides.transition_fx(params);
                    set(self, Target::TransitionFx, if on { 0.0 } else { 1.0 });
                }
                // Playback belongs to the DAW (LOAD is handled above).
                Button::HotCuePad { .. } | Button::Play(_) | Button::Cue(_) | Button::Load(_) => {}
            },
        }
    }

    /// The deck whose live beat grid leads the clock now: the outgoing deck of an armed or
    /// running transition, else the deck on air (the crossfader's side, A from the centre).
    fn clock_deck(&self, params: &AiDjParams) -> usize {
        match self.driver.phase() {
            Phase::Armed { transition, .. } | Phase::Running { transition, .. } => {
                transition.direction.outgoing()
            }
            _ => self
                .driver
                .auto_direction(self.user_crossfader(params))
                .outgoing(),
        }
    }

    /// Follows the clock deck's live beat grid from the start of this block: sets the
    /// mixer's beat there (whole bars kept, see [`LiveGrid::beat_at`]) and returns the deck
    /// and its tempo; `None` while that deck has no grid (or no analysis runs).
    fn live_clock(&mut self, params: &AiDjParams, shared: &Shared) -> Option<(usize, f64)> {
        let feeds = self.feeds.as_ref()?;
        let deck = self.clock_deck(params);
        if let Some(grid) = shared.live_grid(deck) {
            self.live_grids[deck] = grid;
        }
        let grid = self.live_grids[deck]?;
        let tempo = grid.bpm(self.sample_rate);
        if !(tempo.is_finite() && (20.0..=400.0).contains(&tempo)) {
            return None;
        }
        let beat = grid.beat_at(feeds.written(deck) as f64, self.mixer.beat_position());
        self.mixer.set_beat_position(beat);
        Some((deck, tempo))
    }

    /// Mix frames `range` of the block.
    fn render(
        &mut self,
        params: &AiDjParams,
        clock: &ClockInfo,
        out: &mut [&mut [f32]],
        side: Option<&[&mut [f32]]>,
        range: std::ops::Range<usize>,
    ) {
        let mode = params.mode.value();
        if mode != self.last_mode {
            self.driver.clear();
            self.last_mode = mode;
        }
        let mut pos = range.start;
        while pos < range.end {
            let chunk = (range.end - pos).min(self.chunk_len());
            let user_xf = self.user_crossfader(params);
            let segments = match mode {
                TransitionMode::Position => {
                    let control = self.shape(params).map(|shape| TransitionControl {
                        shape,
                        direction: to_direction(params.direction.value(), Direction::AtoB),
                        drive: TransitionDrive::Position(params.position.value()),
                    });
                    [
                        Segment {
                            frames: chunk,
                            control,
                        },
                        Segment {
                            frames: 0,
                            control: None,
                        },
                    ]
                }
                TransitionMode::Trigger => {
                    let beats_per_frame = clock.tempo / (60.0 * self.sample_rate);
                    self.driver
                        .plan(self.mixer.beat_position(), beats_per_frame, chunk, user_xf)
                }
            };
            for seg in segments {
                if seg.frames > 0 {
                    self.mix(params, clock, out, side, pos, seg);
                    pos += seg.frames;
                }
            }
        }
    }

    fn mix(
        &mut self,
        params: &AiDjParams,
        clock: &ClockInfo,
        out: &mut [&mut [f32]],
        side: Option<&[&mut [f32]]>,
        pos: usize,
        seg: Segment,
    ) {
        let end = pos + seg.frames;
        let mp = MixerParams {
            decks: [
                self.overrides.deck(params, 0),
                self.overrides.deck(params, 1),
            ],
            crossfader: self.user_crossfader(params),
            curve_kind: params.curve_kind.value().into(),
            curve: params.curve.value(),
            tempo_bpm: clock.tempo,
            transition: seg.control,
            bypass: params.bypass.value(),
        };
        let [s0, s1] = &mut self.scratch;
        let (Some(a0), Some(a1)) = (s0.get_mut(..seg.frames), s1.get_mut(..seg.frames)) else {
            return;
        };
        let (o0, o1) = match out {
            [l, r, ..] => (l, r),
            _ => return,
        };
        let (Some(l), Some(r)) = (o0.get_mut(pos..end), o1.get_mut(pos..end)) else {
            return;
        };
        a0.copy_from_slice(l);
        a1.copy_from_slice(r);
        let zeros = self.zeros.get(..seg.frames).unwrap_or(&[]);
        let side_ch = |c: usize| -> &[f32] {
            side.and_then(|s| s.get(c).or_else(|| s.first()))
                .and_then(|ch| ch.get(pos..end))
                .unwrap_or(zeros)
        };
        self.mixer
            .process(&mp, [a0, a1], [side_ch(0), side_ch(1)], [l, r]);
    }

    fn publish(&self, params: &AiDjParams, shared: &Shared, clock: &ClockInfo, out_peak: f32) {
        for (view, m) in shared.meters.iter().zip(self.mixer.meters.iter()) {
            view.peak.store(m.peak, Ordering::Relaxed);
            view.rms.store(m.rms, Ordering::Relaxed);
        }
        shared.out_peak.store(out_peak, Ordering::Relaxed);
        let applied = &shared.applied;
        match self.mixer.transition_state() {
            Some(t) => {
                applied.active.store(true, Ordering::Relaxed);
                applied.crossfader.store(t.crossfader, Ordering::Relaxed);
                for d in 0..2 {
                    applied.low_gain[d].store(t.low_gain[d], Ordering::Relaxed);
                    applied.filter[d].store(t.filter[d].unwrap_or(f32::NAN), Ordering::Relaxed);
                }
                applied
                    .echo_send
                    .store(t.echo.map_or(0.0, |e| e.send), Ordering::Relaxed);
            }
            None => applied.active.store(false, Ordering::Relaxed),
        }
        let beat = self.mixer.beat_position();
        let phase = match (params.mode.value(), self.driver.phase()) {
            (TransitionMode::Position, _) => PhaseView::Position,
            (_, Phase::Idle) => PhaseView::Idle,
            (_, Phase::Armed { .. }) => PhaseView::Armed,
            (_, Phase::Running { .. }) => PhaseView::Running,
            (_, Phase::Holding { .. }) => PhaseView::Holding,
        };
        shared.set_phase(phase);
        let progress = if phase == PhaseView::Position {
            params.position.value()
        } else {
            self.driver.progress(beat)
        };
        shared.progress.store(progress, Ordering::Relaxed);
        shared.beats_to_start.store(
            self.driver.beats_to_start(beat).map_or(-1.0, |b| b as f32),
            Ordering::Relaxed,
        );
        shared.beat.store(beat as f32, Ordering::Relaxed);
        shared.tempo.store(clock.tempo as f32, Ordering::Relaxed);
        shared.host_clock.store(clock.host, Ordering::Relaxed);
        let on_air = match self.driver.on_air() {
            Some(d) => d as u8 + 1,
            None => 0,
        };
        shared.on_air.store(on_air, Ordering::Relaxed);
        params.on_air.store(on_air, Ordering::Relaxed);
        shared
            .non_finite_inputs
            .store(self.mixer.non_finite_inputs, Ordering::Relaxed);
        shared.repaint.store(true, Ordering::Relaxed);
    }
}

impl Plugin for AiDj {
    const NAME: &'static str = "AI DJ";
    const VENDOR: &'static str = "AI DJ";
    const URL: &'static str = "https://example.invalid/aidj";
    const EMAIL: &'static str = "aidj@example.invalid";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        aux_input_ports: &[new_nonzero_u32(2)],
        names: PortNames {
            layout: Some("Two decks"),
            // nice-plug 0.4.2 names the main output after `main_input` too
            // (`main_output_name()` returns it), so one name has to fit both ports.
            main_input: Some("Deck A in / Mix out"),
            main_output: Some("Mix"),
            aux_inputs: &["Deck B"],
            aux_outputs: &[],
        },
        ..AudioIOLayout::const_default()
    }];

    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;
    const SAMPLE_ACCURATE_AUTOMATION: bool = true;

    #[cfg(feature = "editor")]
    type Editor = nice_plug_egui::EguiEditor<editor::EditorApp>;
    #[cfg(not(feature = "editor"))]
    type Editor = ();
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    #[cfg(feature = "editor")]
    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(self.params.clone(), self.shared.clone())
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        // The session's library (or the defaults file's), opened on its own thread.
        let saved = self
            .params
            .library
            .read()
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let source = if saved.is_empty() {
            library::Library::default_source()
        } else {
            Some(std::path::PathBuf::from(saved))
        };
        if let Some(source) = source {
            self.shared.library.ensure_open(source);
        }
        let max_block = usize::try_from(buffer_config.max_buffer_size).unwrap_or(MAX_CHUNK);
        let max_block = if max_block == 0 { MAX_CHUNK } else { max_block };
        // A new activation (a new sample rate, say) restarts the analysis at the new rate.
        self.analysis = None;
        self.engine = Engine::new(f64::from(buffer_config.sample_rate), max_block);
        if let Some((thread, feeds)) = AnalysisThread::start(
            f64::from(buffer_config.sample_rate),
            analysis_thread::RING_SECS,
            self.shared.clone(),
        ) {
            self.analysis = Some(thread);
            self.engine.feeds = Some(feeds);
        }
        self.engine.last_mode = self.params.mode.value();
        self.engine.last_start_param = self.params.start.value();
        self.engine.seen_start_requests = self.shared.start_requests.load(Ordering::Relaxed);
        self.engine.seen_cancel_requests = self.shared.cancel_requests.load(Ordering::Relaxed);
        // A session saved with a deck on air comes back with that deck on air.
        if let (Some(deck), Some(shape)) = (self.params.on_air(), self.engine.shape(&self.params)) {
            self.engine.driver =
                TransitionDriver::holding(Transition::new(shape, bringing_in(deck)));
        }
        true
    }

    fn deactivate(&mut self) {
        self.engine.feeds = None;
        // Dropping the thread stops and joins it.
        self.analysis = None;
    }

    fn reset(&mut self) {
        // nice-plug calls this on every start of processing as well as for the host's reset
        // (CLAP `start_processing`, VST3 `setProcessing(true)`), and some hosts stop and start
        // processing around every block. Clearing the mixer here (filter and crossover state,
        // the control-tick phase, the own beat clock) then cut every block short: with any EQ
        // or filter away from unity the output jumped at each block boundary, and a transition
        // armed on the plugin's clock never started. `activate` builds a fresh engine, so a
        // (re)activation still starts clean; a reset keeps the stream going (an echo tail
        // rings out) and only forgets half-received MIDI pairs.
        self.engine.decoder.reset();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let params = &*self.params;
        let shared = &*self.shared;
        let engine = &mut self.engine;
        let frames = buffer.samples();

        let transport = context.transport();
        let host_beat = transport.pos_beats();
        let clock = match (transport.playing, transport.tempo, host_beat) {
            (true, Some(tempo), Some(beat)) if tempo.is_finite() && tempo > 0.0 => {
                engine.mixer.set_beat_position(beat);
                shared.clock_source.store(1, Ordering::Relaxed);
                let beats_per_bar = f64::from(transport.time_sig_numerator.unwrap_or(4).max(1));
                ClockInfo {
                    tempo,
                    beats_per_bar,
                    grid_origin_bars: transport.bar_start_pos_beats().zip(transport.bar_number()),
                    host: true,
                }
            }
            _ => {
                let live = match params.clock_source.value() {
                    ClockSource::LiveDeck => engine.live_clock(params, shared),
                    ClockSource::Manual => None,
                };
                match live {
                    Some((deck, tempo)) => {
                        shared.clock_source.store(2 + deck as u8, Ordering::Relaxed);
                        ClockInfo {
                            tempo,
                            beats_per_bar: 4.0,
                            grid_origin_bars: None,
                            host: false,
                        }
                    }
                    None => {
                        shared.clock_source.store(0, Ordering::Relaxed);
                        ClockInfo {
                            tempo: f64::from(params.clock_bpm.value()),
                            beats_per_bar: 4.0,
                            grid_origin_bars: None,
                            host: false,
                        }
                    }
                }
            }
        };

        shared
            .library
            .on_air
            .store(engine.clock_deck(params) as u8, Ordering::Relaxed);
        engine.overrides.expire(params);
        let start_param = params.start.value();
        let start_edge = start_param && !engine.last_start_param;
        engine.last_start_param = start_param;
        let gui_starts = shared.start_requests.load(Ordering::Relaxed);
        let gui_cancels = shared.cancel_requests.load(Ordering::Relaxed);
        if gui_cancels != engine.seen_cancel_requests {
            engine.seen_cancel_requests = gui_cancels;
            engine.driver.cancel();
        }
        if start_edge || gui_starts != engine.seen_start_requests {
            engine.seen_start_requests = gui_starts;
            engine.press_start(params, &clock, None);
        }

        let out = buffer.as_slice();
        let side = aux.inputs.first().map(|b| b.as_slice_immutable());
        if let Some(feeds) = engine.feeds.as_mut() {
            // The decks as they come in (before the mixer works on deck A in place).
            let mut deck: [&[f32]; 2] = [&[], &[]];
            for (d, c) in deck.iter_mut().zip(out.iter()) {
                *d = c;
            }
            feeds.push(0, &deck[..out.len().min(2)], 0..frames, shared);
            if let Some(side) = side {
                let mut b: [&[f32]; 2] = [&[], &[]];
                for (d, c) in b.iter_mut().zip(side.iter()) {
                    *d = c;
                }
                feeds.push(1, &b[..side.len().min(2)], 0..frames, shared);
            }
        }
        let flx4_on = params.flx4.value();
        // A host restoring a session sets every VST3 MIDI-CC proxy parameter at once, which
        // arrives as thousands of CCs in one block (values from the saved state, e.g. 64 on
        // the deck 1 fader). No controller sends that many: such a block's CCs are a
        // parameter sweep, not the FLX4, and are undone at its end.
        let overrides_before = engine.overrides;
        let mut ccs = 0usize;
        let mut sweep = false;
        let mut pos = 0usize;
        while let Some(event) = context.next_event() {
            if matches!(event, NoteEvent::MidiCC { .. }) {
                ccs += 1;
                sweep |= ccs > HOST_SWEEP_CCS;
            }
            let decoded = match event {
                NoteEvent::MidiCC { .. } if sweep => None,
                NoteEvent::MidiCC {
                    channel, cc, value, ..
                } if flx4_on => engine.decoder.control_change(
                    channel,
                    cc,
                    (value * 127.0).round().clamp(0.0, 127.0) as u8,
                ),
                NoteEvent::NoteOn {
                    channel: Channel::Number(channel),
                    key: Key::Number(note),
                    velocity,
                    ..
                } if flx4_on => engine.decoder.note_on(
                    channel,
                    note,
                    (velocity * 127.0).round().clamp(0.0, 127.0) as u8,
                ),
                _ => None,
            };
            let Some(decoded) = decoded else { continue };
            let at = (event.timing() as usize).min(frames);
            if at > pos {
                engine.render(params, &clock, out, side, pos..at);
                pos = at;
            }
            engine.flx4(params, shared, &clock, decoded);
        }
        if pos < frames {
            engine.render(params, &clock, out, side, pos..frames);
        }
        if sweep {
            engine.overrides = overrides_before;
            engine.decoder.reset();
            shared.take_midi_values(|_, _| {});
        }

        let out_peak = out
            .iter()
            .flat_map(|c| c.iter())
            .fold(0.0f32, |m, &x| m.max(x.abs()));
        engine.publish(params, shared, &clock, out_peak);
        ProcessStatus::Normal
    }
}

impl ClapPlugin for AiDj {
    const CLAP_ID: &'static str = "org.aidj.two-deck-mixer";
    const CLAP_DESCRIPTION: Option<&'static str> = Some(
        "Two-deck DJ mixer: deck B on the sidechain, isolator EQ, filter, crossfader, beat-synced transitions, DDJ-FLX4",
    );
    const CLAP_MANUAL_URL: Option<&'static str> = Some(Self::URL);
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Mixing,
        ClapFeature::Stereo,
    ];
}

impl Vst3Plugin for AiDj {
    const VST3_CLASS_ID: [u8; 16] = *b"AiDjTwoDeckMixr1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::Tools,
        Vst3SubCategory::Stereo,
    ];
}

nice_export_clap!(AiDj);
nice_export_vst3!(AiDj);
