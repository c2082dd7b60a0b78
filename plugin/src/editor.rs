//! The egui editor: a compact DDJ-FLX4-like mixer surface.
//!
//! ```text
//!  AI DJ | Host 124.00 BPM [124.00 BPM] | FLX4 * 1234 Tempo A +0% B 0% |  - 100% + | Bypass
//! +---------------------+------------------------------+---------------------+
//! | DECK A  main in     | Preset    < Long blend v >   | DECK B sidechain    |
//! | (o) TRIM    |  [=]  | Length    [Preset v] [FX]    |  [=]  |    (o) TRIM |
//! | (o) HI      |   |   | Mode      Hand/trigger|Pos.  |   |   |    (o) HI   |
//! | (o) MID     |   |   | Direction Auto|A to B|B to A |   |   |    (o) MID  |
//! | (o) LOW     |   |   | Start on  Beat|Bar|4|8|16    |   |   |    (o) LOW  |
//! | (o) CFX     |   |   | [    START     ] [ CANCEL ]  |   |   |    (o) CFX  |
//! |      knobs meter    | [===== Running 43% =====]    |    meter knobs      |
//! |            fader    | Position ----[]----          | fader               |
//! |                     | CROSSFADER            A 40%  |                     |
//! |                     | Additive|Power|Cut (o) SHARP |                     |
//! |                     | A ---------[]--------- B     |                     |
//! +---------------------+------------------------------+---------------------+
//! ```
//!
//! * Every control is a parameter written through the host ([`widgets::ParamUi`]): one gesture
//!   per drag, so the host records automation as the user plays.
//! * FLX4 moves arrive from the audio thread ([`Shared::take_midi_values`]) and are written into
//!   their parameters here, each frame, so the host sees and records them too.
//! * START / CANCEL are counters in [`Shared`]; the audio thread acts on their changes.
//! * The zoom is `params.ui_scale` (persisted with the session), applied as egui's zoom factor.
//! * The drawing is in [`widgets`]; everything testable without a window is in [`logic`].

mod library_panel;
mod logic;
#[cfg(test)]
mod raster;
#[cfg(test)]
mod tests;
mod widgets;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use egui::{vec2, Align, Color32, Layout, Rect, RichText, Ui, UiBuilder};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::{Param, ParamPtr, ResizeHint};
use nice_plug_egui::resizable_window::ResizableWindow;
use nice_plug_egui::{
    create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, Frame, NiceEguiApp,
    RepaintNotifier,
};

use crate::controls::Target;
use crate::params::{AiDjParams, TransitionMode};
use crate::presets;
use crate::shared::{Correction, PhaseView, Shared};

use logic::{Activity, GestureBook, MeterBallistics, TransitionView};
use widgets::{colors, ParamUi};

/// Editor size when first opened, logical points.
pub const DEFAULT_SIZE: (f32, f32) = (980.0, 720.0);
/// Smallest size the host may resize the editor to.
pub const MIN_SIZE: (f32, f32) = (760.0, 600.0);
/// Repaint interval while audio runs or a meter is still falling (30 fps).
const ACTIVE_FRAME: Duration = Duration::from_millis(33);
/// Repaint interval when nothing moves.
const IDLE_FRAME: Duration = Duration::from_millis(250);
/// Meter readings older than this (no `process` call since) count as silence, seconds.
const STALE_AUDIO_SECONDS: f64 = 0.3;

/// The editor for [`crate::AiDj`].
pub fn create(params: Arc<AiDjParams>, shared: Arc<Shared>) -> Option<EguiEditor<EditorApp>> {
    let state = EguiEditorState::from_size(LogicalSize::new(DEFAULT_SIZE.0, DEFAULT_SIZE.1), 1.0);
    let settings = EguiNiceSettings::new().with_tile("AI DJ").with_resize_hint(
        ResizeHint::resizable().with_min_logical_size(LogicalSize::new(MIN_SIZE.0, MIN_SIZE.1)),
    );
    create_egui_editor(
        state,
        RepaintNotifier::new(),
        settings,
        EditorApp::new(params, shared),
    )
}

/// The editor's state between frames (it outlives each window: the host may open and close
/// the editor many times).
pub struct EditorApp {
    params: Arc<AiDjParams>,
    shared: Arc<Shared>,
    /// The host's side of the current window (set in `build`).
    gui: Option<GuiContext>,
    gestures: GestureBook<ParamPtr>,
    meters: [MeterBallistics; 2],
    activity: Activity,
    last_frame: Option<f64>,
    last_audio: f64,
    taps: [logic::TapTempo; 2],
    library: library_panel::LibraryUi,
}

impl EditorApp {
    /// An editor over the plugin's parameters and shared state.
    pub fn new(params: Arc<AiDjParams>, shared: Arc<Shared>) -> Self {
        Self {
            params,
            shared,
            gui: None,
            gestures: GestureBook::default(),
            meters: Default::default(),
            activity: Activity::default(),
            last_frame: None,
            last_audio: f64::NEG_INFINITY,
            taps: Default::default(),
            library: Default::default(),
        }
    }
}

/// Text sizes and colours: dark, large enough to read at a glance.
fn apply_style(ctx: &egui::Context) {
    use egui::{FontId, TextStyle};
    ctx.set_theme(egui::Theme::Dark);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Small, FontId::proportional(11.5)),
            (TextStyle::Body, FontId::proportional(14.0)),
            (TextStyle::Button, FontId::proportional(14.0)),
            (TextStyle::Heading, FontId::proportional(17.0)),
            (TextStyle::Monospace, FontId::monospace(13.0)),
        ]
        .into();
        style.spacing.item_spacing = vec2(6.0, 5.0);
        style.spacing.button_padding = vec2(7.0, 3.0);
        style.spacing.interact_size.y = 22.0;
        let v = &mut style.visuals;
        v.panel_fill = colors::BG;
        v.window_fill = colors::PANEL;
        v.override_text_color = Some(colors::TEXT);
        v.selection.bg_fill = Color32::from_rgb(0x2f, 0x5f, 0x8a);
        v.selection.stroke.color = colors::TEXT;
    });
}

/// Write one FLX4 move into its parameter (one gesture each).
fn write_midi(pu: &mut ParamUi, params: &AiDjParams, target: Target, normalized: f32) {
    match target {
        Target::Preset => pu.set_normalized_once(&params.preset, normalized),
        Target::TransitionFx => pu.set_normalized_once(&params.transition_fx, normalized),
        t => {
            if let Some(p) = t.float_param(params) {
                pu.set_normalized_once(p, normalized);
            }
        }
    }
}

impl NiceEguiApp for EditorApp {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        self.open(&egui_ctx, nice_gui_ctx);
        Ok(())
    }

    fn zoom_factor_changed(&mut self, zoom_factor: f32) {
        // Also egui's own Ctrl +/- shortcuts.
        self.params
            .ui_scale
            .store(logic::sanitize_zoom(zoom_factor), Ordering::Relaxed);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut Frame) {
        self.draw(ui);
    }
}

impl EditorApp {
    /// A window opened: keep the host's context, style egui, apply the session's zoom.
    pub fn open(&mut self, egui_ctx: &egui::Context, gui: GuiContext) {
        // Gestures left open by a window closed mid-drag belonged to that window's context
        // (nice-plug-egui 0.6 never calls `editor_closed`, so this is the first chance).
        self.gestures.forget_all();
        self.gui = Some(gui);
        self.last_frame = None;
        apply_style(egui_ctx);
        // The session's zoom (restored after `create` ran, so applied here).
        let zoom = logic::sanitize_zoom(self.params.ui_scale.load(Ordering::Relaxed));
        egui_ctx.set_zoom_factor(zoom);
    }

    /// One frame: write the FLX4's moves into the parameters, update the meters, draw.
    pub fn draw(&mut self, ui: &mut Ui) {
        let Self {
            params,
            shared,
            gui,
            gestures,
            meters,
            activity,
            last_frame,
            last_audio,
            taps,
            library,
        } = self;
        let Some(gui) = gui.as_ref() else {
            return;
        };
        let params: &AiDjParams = params;
        let shared: &Shared = shared;
        let mut pu = ParamUi::new(gui.param_setter(), gestures);

        shared.take_midi_values(|target, n| write_midi(&mut pu, params, target, n));

        let now = ui.input(|i| i.time);
        let dt = last_frame.map_or(0.0, |t| (now - t).max(0.0)) as f32;
        *last_frame = Some(now);
        if shared.repaint.swap(false, Ordering::Relaxed) {
            *last_audio = now;
        }
        let audio_live = now - *last_audio < STALE_AUDIO_SECONDS;
        for (m, view) in meters.iter_mut().zip(shared.meters.iter()) {
            let (peak, rms) = if audio_live {
                (
                    view.peak.load(Ordering::Relaxed),
                    view.rms.load(Ordering::Relaxed),
                )
            } else {
                (0.0, 0.0)
            };
            m.update(peak, rms, dt);
        }
        let moving = meters.iter().any(|m| m.hold_db.is_finite());
        ui.ctx().request_repaint_after(if audio_live || moving {
            ACTIVE_FRAME
        } else {
            IDLE_FRAME
        });
        let flx4_lit = activity.update(shared.flx4_messages.load(Ordering::Relaxed), now);

        // The corner grip resizes through the host, for hosts without their own handle.
        let min = vec2(MIN_SIZE.0, MIN_SIZE.1);
        ResizableWindow::new("aidj-editor")
            .min_size(min)
            .show(ui, |ui| {
                let full = ui.max_rect().shrink(8.0);
                let top_h = 28.0;
                let gap = 8.0;
                let top = Rect::from_min_size(full.min, vec2(full.width(), top_h));
                let body_all = Rect::from_min_max(full.min + vec2(0.0, top_h + gap), full.max);
                // Decks and transition above, the library below (as on a DJ's screen).
                let decks_h = (body_all.height() * 0.56).clamp(380.0, 500.0);
                let body = Rect::from_min_size(body_all.min, vec2(body_all.width(), decks_h));
                let lib_rect =
                    Rect::from_min_max(body.left_bottom() + vec2(0.0, gap), body_all.max);
                // Text grows with the window, not only with the zoom.
                let text = (full.width() / 70.0).clamp(13.0, 20.0);
                let deck_w = (body.width() * 0.3).clamp(190.0, 340.0);
                let a = Rect::from_min_size(body.min, vec2(deck_w, body.height()));
                let b = Rect::from_min_max(body.right_top() - vec2(deck_w, 0.0), body.max);
                let mid = Rect::from_min_max(
                    a.right_top() + vec2(gap, 0.0),
                    b.left_bottom() - vec2(gap, 0.0),
                );
                let mut child = |rect: Rect, layout: Layout| {
                    let mut c = ui.new_child(UiBuilder::new().max_rect(rect).layout(layout));
                    // A region never draws over its neighbours, whatever the window size.
                    c.shrink_clip_rect(rect);
                    c
                };
                top_bar(
                    &mut child(top, Layout::left_to_right(Align::Center)),
                    &mut pu,
                    params,
                    shared,
                    flx4_lit,
                );
                for (deck, rect) in [(0usize, a), (1, b)] {
                    let meter = meters.get(deck).copied().unwrap_or_default();
                    deck_column(
                        &mut child(rect, Layout::top_down(Align::Min)),
                        &mut pu,
                        params,
                        shared,
                        deck,
                        &meter,
                        &mut taps[deck],
                    );
                }
                middle_column(
                    &mut child(mid, Layout::top_down(Align::Min)),
                    &mut pu,
                    params,
                    shared,
                );
                let mut lib_ui = child(lib_rect, Layout::top_down(Align::Min));
                panel_frame().show(&mut lib_ui, |ui| {
                    ui.set_min_size(ui.available_size());
                    library_panel::show(ui, params, shared, library, text);
                });
            });
    }
}

fn deck_color(deck: usize) -> Color32 {
    if deck == 0 {
        colors::DECK_A
    } else {
        colors::DECK_B
    }
}

fn panel_frame() -> egui::Frame {
    egui::Frame::new()
        .fill(colors::PANEL)
        .corner_radius(6)
        .inner_margin(egui::Margin::same(8))
}

/// Title, clock, FLX4, zoom and bypass.
fn top_bar(ui: &mut Ui, pu: &mut ParamUi, params: &AiDjParams, shared: &Shared, flx4_lit: bool) {
    ui.spacing_mut().item_spacing.x = 7.0;
    if ui.available_width() >= 740.0 {
        ui.label(RichText::new("AI DJ").heading().strong());
        ui.separator();
    }
    let host = shared.host_clock.load(Ordering::Relaxed);
    let source = shared.clock_source.load(Ordering::Relaxed);
    let tempo = shared.tempo.load(Ordering::Relaxed);
    ui.label(logic::clock_label(source, tempo)).on_hover_text(
        "Beat clock: the host transport while it plays, else the live beat grid of the deck \
         on air (with your corrections), else the clock BPM",
    );
    ui.add_enabled_ui(!host, |ui| {
        widgets::enum_combo(ui, pu, &params.clock_source, "aidj-clock-source", 96.0);
        widgets::number(
            ui,
            pu,
            &params.clock_bpm,
            vec2(96.0, 22.0),
            "the own clock's tempo, used while the host transport is stopped",
        );
    });
    ui.separator();
    widgets::toggle(
        ui,
        pu,
        &params.flx4,
        "FLX4",
        "read the DDJ-FLX4's MIDI directly",
    );
    let (dot, _) = ui.allocate_exact_size(vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(
        dot.center(),
        4.0,
        if flx4_lit {
            colors::GO
        } else {
            Color32::from_gray(0x40)
        },
    );
    let count = shared.flx4_messages.load(Ordering::Relaxed);
    ui.label(RichText::new(count.to_string()).small().color(colors::DIM))
        .on_hover_text("FLX4 messages understood");
    let slider = |i: usize| {
        shared
            .tempo_sliders
            .get(i)
            .map_or(0.0, |s| s.load(Ordering::Relaxed))
    };
    ui.label(
        RichText::new(format!(
            "Tempo A {}  B {}",
            logic::tempo_slider_label(slider(0)),
            logic::tempo_slider_label(slider(1))
        ))
        .small()
        .color(colors::DIM),
    )
    .on_hover_text("The FLX4 tempo sliders, shown only: the DAW owns playback");
    let bad = shared.non_finite_inputs.load(Ordering::Relaxed);
    if bad > 0 {
        ui.label(RichText::new(format!("NaN/Inf in: {bad}")).color(colors::STOP))
            .on_hover_text("Non-finite input samples replaced by silence");
    }
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        widgets::toggle(ui, pu, &params.bypass, "Bypass", "output deck A untouched");
        ui.separator();
        let zoom = ui.ctx().zoom_factor();
        let mut set_zoom = None;
        if ui.small_button("+").on_hover_text("Zoom in").clicked() {
            set_zoom = Some(logic::zoom_in(zoom));
        }
        ui.label(RichText::new(format!("{:.0}%", zoom * 100.0)).small());
        if ui.small_button("-").on_hover_text("Zoom out").clicked() {
            set_zoom = Some(logic::zoom_out(zoom));
        }
        if let Some(z) = set_zoom {
            ui.ctx().set_zoom_factor(z);
            params.ui_scale.store(z, Ordering::Relaxed);
        }
    });
}

/// One deck: trim, EQ, CFX knobs, the meter and the channel fader (mirrored for deck B so that
/// both faders sit next to the crossfader, as on the controller).
fn deck_column(
    ui: &mut Ui,
    pu: &mut ParamUi,
    params: &AiDjParams,
    shared: &Shared,
    deck: usize,
    meter: &MeterBallistics,
    tap: &mut logic::TapTempo,
) {
    let accent = deck_color(deck);
    let dp = params.deck(deck);
    panel_frame().show(ui, |ui| {
        ui.set_min_size(ui.available_size());
        ui.horizontal(|ui| {
            let name = if deck == 0 { "DECK A" } else { "DECK B" };
            ui.label(RichText::new(name).heading().strong().color(accent));
            ui.label(
                RichText::new(if deck == 0 { "main in" } else { "sidechain" })
                    .small()
                    .color(colors::DIM),
            );
            if usize::from(shared.on_air.load(Ordering::Relaxed)) == deck + 1 {
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    ui.label(
                        RichText::new(" ON AIR ")
                            .strong()
                            .color(Color32::BLACK)
                            .background_color(accent),
                    );
                });
            }
        });
        live_readout(ui, shared, deck, accent, tap);
        if let Some(next) = shared.library.next(deck) {
            ui.add(
                egui::Label::new(
                    RichText::new(format!("NEXT  {}", next.label))
                        .size(16.0)
                        .strong()
                        .color(accent),
                )
                .truncate(),
            )
            .on_hover_text(format!(
                "{}\n(LOAD put it here; copy the path from the library)",
                next.path
            ));
        }
        ui.add_space(4.0);
        let area = ui.available_rect_before_wrap();
        let fader_w = 48.0;
        let meter_w = 38.0;
        let knobs_w = (area.width() - fader_w - meter_w - 8.0).max(60.0);
        let (knobs, meter_rect, fader) = if deck == 0 {
            let k = Rect::from_min_size(area.min, vec2(knobs_w, area.height()));
            let m =
                Rect::from_min_size(k.right_top() + vec2(4.0, 0.0), vec2(meter_w, area.height()));
            let f =
                Rect::from_min_size(m.right_top() + vec2(4.0, 0.0), vec2(fader_w, area.height()));
            (k, m, f)
        } else {
            let f = Rect::from_min_size(area.min, vec2(fader_w, area.height()));
            let m =
                Rect::from_min_size(f.right_top() + vec2(4.0, 0.0), vec2(meter_w, area.height()));
            let k =
                Rect::from_min_size(m.right_top() + vec2(4.0, 0.0), vec2(knobs_w, area.height()));
            (k, m, f)
        };
        let mut knob_ui = ui.new_child(
            UiBuilder::new()
                .max_rect(knobs)
                .layout(Layout::top_down(Align::Min)),
        );
        knob_ui.spacing_mut().item_spacing.y = 2.0;
        let slot = vec2(knobs.width(), (knobs.height() / 5.0 - 2.0).max(24.0));
        let ku = &mut knob_ui;
        widgets::knob(ku, pu, &dp.trim, "TRIM", slot, accent, true);
        widgets::knob(ku, pu, &dp.eq_hi, "HI", slot, accent, true);
        widgets::knob(ku, pu, &dp.eq_mid, "MID", slot, accent, true);
        widgets::knob(ku, pu, &dp.eq_lo, "LOW", slot, accent, true);
        widgets::knob(ku, pu, &dp.filter, "CFX", slot, accent, true);

        let meter_area = Rect::from_min_max(
            meter_rect.min + vec2(0.0, 8.0),
            meter_rect.max - vec2(0.0, 24.0),
        );
        widgets::meter(ui, meter_area, meter, deck == 1);

        let mut fader_ui = ui.new_child(
            UiBuilder::new()
                .max_rect(fader)
                .layout(Layout::top_down(Align::Center)),
        );
        let fader_size = vec2(fader.width(), (fader.height() - 22.0).max(60.0));
        widgets::fader(
            &mut fader_ui,
            pu,
            &dp.fader,
            fader_size,
            true,
            accent,
            false,
        );
        fader_ui.label(RichText::new(dp.fader.to_string()).small());
    });
}

/// The deck's live analysis: large BPM and Camelot key ("?" while unsure), a beat-in-bar
/// indicator, the key name, loudness and energy, and the corrections a DJ reaches for
/// when a read is wrong (×2, ÷2, ×3/2, ×2/3, tap tempo, half-beat shift; held until the
/// deck changes track).
fn live_readout(
    ui: &mut Ui,
    shared: &Shared,
    deck: usize,
    accent: Color32,
    tap: &mut logic::TapTempo,
) {
    let snap = shared.corrected_snapshot(deck);
    let r = logic::readout(snap.as_ref(), shared.analysis_status());
    // Readable from a DJ booth: the read-out grows with the deck column.
    let big = (ui.available_width() / 9.0).clamp(24.0, 40.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new(&r.bpm).size(big).strong().monospace());
        ui.label(RichText::new("BPM").small().color(colors::DIM));
        ui.add_space(8.0);
        ui.label(RichText::new(&r.key).size(big).strong().color(accent));
    });
    ui.horizontal(|ui| {
        // One box a beat of the bar (four until the metre is known), the current one lit
        // (beat 1 larger).
        let beat = snap.as_ref().and_then(|s| s.beat_in_bar);
        let bar = snap
            .as_ref()
            .and_then(|s| s.beats_per_bar)
            .filter(|b| (2..=8).contains(b))
            .unwrap_or(4);
        for i in 0..bar {
            let size = if i == 0 {
                vec2(12.0, 10.0)
            } else {
                vec2(9.0, 10.0)
            };
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let lit = beat == Some(i);
            ui.painter().rect_filled(
                rect,
                2.0,
                if lit {
                    accent
                } else {
                    colors::DIM.gamma_multiply(0.4)
                },
            );
        }
        ui.add_space(4.0);
        ui.label(RichText::new(&r.detail).small().color(colors::DIM));
    });
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        for (label, factor) in [("x2", 2.0), ("/2", 0.5), ("x3/2", 1.5), ("x2/3", 2.0 / 3.0)] {
            if ui.small_button(label).clicked() {
                shared.correct(deck, |c| {
                    c.factor *= factor;
                    c.tapped_bpm = None;
                });
            }
        }
        if ui.small_button("TAP").clicked() {
            let now = ui.input(|i| i.time);
            if let Some(bpm) = tap.tap(now) {
                shared.correct(deck, |c| c.tapped_bpm = Some(bpm));
            }
        }
        if ui.small_button("1/2 beat").clicked() {
            shared.correct(deck, |c| c.half_beat = !c.half_beat);
        }
        let track = shared.live_snapshot(deck).map_or(0, |s| s.track);
        if shared.correction(deck).is_active(track) && ui.small_button("reset").clicked() {
            shared.correct(deck, |c| *c = Correction::default());
        }
    });
}

/// Transition controls, START / CANCEL, progress, position, and the crossfader.
fn middle_column(ui: &mut Ui, pu: &mut ParamUi, params: &AiDjParams, shared: &Shared) {
    panel_frame().show(ui, |ui| {
        ui.set_min_size(ui.available_size());
        let width = ui.available_width();
        let label_w = 66.0;
        let ctl_w = (width - label_w - 8.0).max(120.0);
        let row = |ui: &mut Ui, label: &str, add: &mut dyn FnMut(&mut Ui)| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 8.0;
                let (r, _) = ui.allocate_exact_size(
                    vec2(label_w, ui.spacing().interact_size.y),
                    egui::Sense::hover(),
                );
                ui.painter().text(
                    r.left_center(),
                    egui::Align2::LEFT_CENTER,
                    label,
                    egui::FontId::proportional(14.0),
                    colors::DIM,
                );
                ui.spacing_mut().item_spacing.x = 4.0;
                add(ui);
            });
        };
        row(ui, "Preset", &mut |ui| preset_selector(ui, pu, params, ctl_w));
        row(ui, "Length", &mut |ui| {
            widgets::enum_combo(ui, pu, &params.length, "aidj-length", ctl_w * 0.5);
            widgets::toggle(
                ui,
                pu,
                &params.transition_fx,
                "FX",
                "the preset's filter sweeps and echo; off: crossfader and bass swap only",
            );
        });
        row(ui, "Mode", &mut |ui| {
            widgets::segmented(ui, pu, &params.mode, &["Hand / trigger", "Position"], ctl_w);
        });
        row(ui, "Direction", &mut |ui| {
            widgets::segmented(ui, pu, &params.direction, &["Auto", "A to B", "B to A"], ctl_w);
        });
        row(ui, "Start on", &mut |ui| {
            widgets::segmented(ui, pu, &params.phrase, &["Beat", "Bar", "4", "8", "16"], ctl_w);
        });
        ui.add_space(4.0);

        let phase = shared.phase();
        let trigger = params.mode.value() == TransitionMode::Trigger;
        ui.horizontal(|ui| {
            let (text, fill) = if phase == PhaseView::Armed {
                ("ARMED", colors::ARMED)
            } else {
                ("START", colors::GO)
            };
            let start = egui::Button::new(
                RichText::new(text)
                    .size(22.0)
                    .strong()
                    .color(Color32::BLACK),
            )
            .fill(fill)
            .min_size(vec2((width * 0.62).max(120.0), 40.0));
            let r = ui
                .add_enabled(logic::start_enabled(trigger, phase), start)
                .on_hover_text("Start the transition on the next phrase boundary (pressed again while armed: cancel)")
                .on_disabled_hover_text(if trigger {
                    "A transition is running"
                } else {
                    "Position mode: the Position control drives the transition"
                });
            if r.clicked() {
                shared.start_requests.fetch_add(1, Ordering::Relaxed);
            }
            let cancel = egui::Button::new(RichText::new("CANCEL").size(16.0).strong())
                .fill(colors::STOP.gamma_multiply(0.6))
                .min_size(vec2(ui.available_width(), 40.0));
            let r = ui
                .add_enabled(logic::cancel_enabled(phase), cancel)
                .on_hover_text("Stop an armed or running transition (the controls take over where it is)");
            if r.clicked() {
                shared.cancel_requests.fetch_add(1, Ordering::Relaxed);
            }
        });

        let view = TransitionView {
            phase,
            progress: shared.progress.load(Ordering::Relaxed),
            beats_to_start: shared.beats_to_start.load(Ordering::Relaxed),
            on_air: shared.on_air.load(Ordering::Relaxed),
        };
        let color = match phase {
            PhaseView::Armed => colors::ARMED,
            PhaseView::Running => colors::GO,
            PhaseView::Holding => match view.on_air {
                1 => colors::DECK_A,
                _ => colors::DECK_B,
            },
            PhaseView::Position => colors::POSITION,
            PhaseView::Idle => colors::TRACK,
        };
        let (bar, _) = ui.allocate_exact_size(vec2(width, 28.0), egui::Sense::hover());
        widgets::progress(
            ui,
            bar,
            logic::progress_fraction(&view),
            color,
            &logic::phase_label(&view),
        );

        // What the transition does to the mix right now, and the output level.
        let ap = &shared.applied;
        let applied = ap.active.load(Ordering::Relaxed).then(|| logic::Applied {
            crossfader: ap.crossfader.load(Ordering::Relaxed),
            low_gain: [0, 1].map(|d| ap.low_gain[d].load(Ordering::Relaxed)),
            filter: [0, 1].map(|d| ap.filter[d].load(Ordering::Relaxed)),
            echo_send: ap.echo_send.load(Ordering::Relaxed),
        });
        ui.horizontal(|ui| {
            let (out, _) = ui.allocate_exact_size(vec2(90.0, 12.0), egui::Sense::hover());
            let peak = shared.out_peak.load(Ordering::Relaxed);
            let db = if peak > 0.0 { 20.0 * peak.log10() } else { f32::NEG_INFINITY };
            let frac = widgets::meter_fraction_of(db);
            ui.painter().rect_filled(out, 2.0, Color32::from_gray(0x0c));
            let lit = Rect::from_min_size(out.min, vec2(out.width() * frac, out.height()));
            ui.painter().rect_filled(
                lit,
                2.0,
                if db >= 0.0 {
                    colors::STOP
                } else if db >= -12.0 {
                    colors::ARMED
                } else {
                    colors::GO
                },
            );
            ui.label(
                RichText::new(if db.is_finite() {
                    format!("OUT {db:.1} dB")
                } else {
                    "OUT -inf".to_string()
                })
                .small()
                .color(colors::DIM),
            );
            if let Some(a) = &applied {
                ui.add(
                    egui::Label::new(RichText::new(logic::applied_line(a)).small().color(colors::GO))
                        .truncate(),
                );
            }
        });

        ui.horizontal(|ui| {
            ui.add_enabled_ui(!trigger, |ui| {
                ui.label(RichText::new("Position").color(colors::DIM));
                let w = (ui.available_width() - 64.0).max(60.0);
                widgets::fader(ui, pu, &params.position, vec2(w, 24.0), false, colors::POSITION, false);
                ui.label(params.position.to_string());
            });
        });

        // The crossfader sits at the bottom, as on the controller.
        let rest = ui.available_rect_before_wrap();
        let xf_h = 104.0;
        let xf = Rect::from_min_max(
            egui::pos2(rest.left(), (rest.bottom() - xf_h).max(rest.top())),
            rest.max,
        );
        let mut xf_ui = ui.new_child(
            UiBuilder::new()
                .max_rect(xf)
                .layout(Layout::top_down(Align::Min)),
        );
        crossfader(&mut xf_ui, pu, params, applied.map(|a| a.crossfader));
    });
}

/// `<` [preset combo] `>`.
fn preset_selector(ui: &mut Ui, pu: &mut ParamUi, params: &AiDjParams, width: f32) {
    let current = params.preset.value();
    let all = presets::builtin();
    let last = i32::try_from(all.len()).unwrap_or(1).max(1) - 1;
    let arrow = vec2(24.0, ui.spacing().interact_size.y);
    if ui
        .add_enabled(current > 0, egui::Button::new("<").min_size(arrow))
        .on_hover_text("Previous preset")
        .clicked()
    {
        pu.set_once(&params.preset, current - 1);
    }
    let mut chosen = None;
    egui::ComboBox::from_id_salt("aidj-preset")
        .selected_text(presets::name(current))
        .width((width - 2.0 * arrow.x - 16.0).max(80.0))
        .show_ui(ui, |ui| {
            for (i, p) in all.iter().enumerate() {
                let i = i32::try_from(i).unwrap_or(0);
                if ui.selectable_label(i == current, &p.name).clicked() {
                    chosen = Some(i);
                }
            }
        })
        .response
        .on_hover_text(params.preset.name());
    if let Some(i) = chosen {
        pu.set_once(&params.preset, i);
    }
    if ui
        .add_enabled(current < last, egui::Button::new(">").min_size(arrow))
        .on_hover_text("Next preset")
        .clicked()
    {
        pu.set_once(&params.preset, current + 1);
    }
}

/// Curve selector, sharpness and the crossfader itself.
/// The crossfader; `applied` is where a transition holds it (drawn over the user's fader).
fn crossfader(ui: &mut Ui, pu: &mut ParamUi, params: &AiDjParams, applied: Option<f32>) {
    let width = ui.available_width();
    ui.horizontal(|ui| {
        ui.label(RichText::new("CROSSFADER").strong());
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.label(params.crossfader.to_string());
        });
    });
    ui.horizontal(|ui| {
        let knob_w = 100.0;
        widgets::segmented(
            ui,
            pu,
            &params.curve_kind,
            &["Additive", "Power", "Cut"],
            (width - knob_w - 8.0).max(90.0),
        );
        ui.add_space(4.0);
        widgets::knob(
            ui,
            pu,
            &params.curve,
            "SHARP",
            vec2(knob_w, 34.0),
            colors::TEXT,
            false,
        );
    });
    ui.horizontal(|ui| {
        ui.label(RichText::new("A").heading().strong().color(colors::DECK_A));
        let w = (ui.available_width() - 24.0).max(80.0);
        let r = widgets::fader(
            ui,
            pu,
            &params.crossfader,
            vec2(w, 34.0),
            false,
            colors::TEXT,
            true,
        );
        if let Some(x) = applied {
            // Where the transition has the crossfader: a green line over the track.
            let f = (x.clamp(-1.0, 1.0) + 1.0) / 2.0;
            let px = r.rect.left() + f * r.rect.width();
            ui.painter().line_segment(
                [
                    egui::pos2(px, r.rect.top()),
                    egui::pos2(px, r.rect.bottom()),
                ],
                egui::Stroke::new(3.0, colors::GO),
            );
        }
        ui.label(RichText::new("B").heading().strong().color(colors::DECK_B));
    });
}
