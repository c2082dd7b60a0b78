//! The editor run headless: egui frames with synthetic pointer input against a recording
//! [`GuiContextInner`] that plays the host, so the gestures the host would see are checked.

#![allow(unsafe_code)]

use std::sync::{Arc, Mutex};

use egui::{pos2, vec2, Color32, Event, Modifiers, PointerButton, Pos2, RawInput, Rect, Shape, Ui};
use nice_plug::context::gui::{GuiContext, GuiContextInner};
use nice_plug::context::PluginApi;
use nice_plug::prelude::{Param, ParamPtr, PluginState};

use super::logic::GestureBook;
use super::widgets::{self, colors, ParamUi};
use super::{EditorApp, DEFAULT_SIZE};
use crate::controls::Target;
use crate::params::AiDjParams;
use crate::shared::{PhaseView, Shared};

/// What the host was told.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    Begin(ParamPtr),
    Set(ParamPtr, f32),
    End(ParamPtr),
}

/// A host: records every call and applies the values, as a wrapper does.
#[derive(Default)]
struct Host {
    calls: Mutex<Vec<Call>>,
}

impl Host {
    fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().expect("not poisoned"))
    }

    fn push(&self, c: Call) {
        self.calls.lock().expect("not poisoned").push(c);
    }
}

impl GuiContextInner for Host {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    unsafe fn raw_begin_set_parameter(&self, param: ParamPtr) {
        self.push(Call::Begin(param));
    }

    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        self.push(Call::Set(param, normalized));
        // SAFETY: every pointer comes from the test's `AiDjParams`, alive for the whole test.
        unsafe { param._internal_set_normalized_value(normalized) };
    }

    unsafe fn raw_end_set_parameter(&self, param: ParamPtr) {
        self.push(Call::End(param));
    }

    fn get_state(&self) -> PluginState {
        PluginState {
            version: String::new(),
            params: Default::default(),
            fields: Default::default(),
        }
    }

    fn set_state(&self, _state: PluginState) {}

    fn request_restart(&self) {}
}

const SCREEN: Rect = Rect::from_min_max(Pos2::ZERO, pos2(DEFAULT_SIZE.0, DEFAULT_SIZE.1));

struct Rig {
    ctx: egui::Context,
    host: Arc<Host>,
    gui: GuiContext,
    params: Arc<AiDjParams>,
    time: f64,
}

impl Rig {
    fn new() -> Self {
        let host = Arc::new(Host::default());
        Self {
            ctx: egui::Context::default(),
            gui: GuiContext::new(host.clone()),
            host,
            params: Arc::new(AiDjParams::default()),
            time: 0.0,
        }
    }

    /// One frame with `events`, 1/30 s after the last one; returns what it painted.
    fn frame(&mut self, events: Vec<Event>, mut draw: impl FnMut(&mut Ui)) -> Vec<Shape> {
        self.time += 1.0 / 30.0;
        let input = RawInput {
            screen_rect: Some(SCREEN),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let mut out = self.ctx.run_ui(input, |ui| draw(ui));
        out.textures_delta.clear();
        out.shapes.into_iter().map(|c| c.shape).collect()
    }
}

fn button(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    }
}

/// Runs `events_per_frame` through a frame each with the deck A trim knob at the top left.
fn knob_session(events_per_frame: Vec<Vec<Event>>) -> (Vec<Call>, Arc<AiDjParams>) {
    let mut rig = Rig::new();
    let mut book = GestureBook::default();
    let params = rig.params.clone();
    let gui = rig.gui.clone();
    for events in events_per_frame {
        rig.frame(events, |ui| {
            let mut pu = ParamUi::new(gui.param_setter(), &mut book);
            widgets::knob(
                ui,
                &mut pu,
                &params.deck_a.trim,
                "TRIM",
                vec2(120.0, 40.0),
                colors::DECK_A,
                true,
            );
        });
    }
    (rig.host.take(), params)
}

#[test]
fn a_knob_drag_is_one_gesture() {
    let at = pos2(20.0, 20.0);
    let mut frames = vec![vec![Event::PointerMoved(at)], vec![button(at, true)]];
    for i in 1..=5 {
        frames.push(vec![Event::PointerMoved(at - vec2(0.0, 10.0 * i as f32))]);
    }
    let end = at - vec2(0.0, 50.0);
    frames.push(vec![button(end, false)]);
    frames.push(vec![]);
    let (calls, params) = knob_session(frames);
    let trim = params.deck_a.trim.as_ptr();
    let begins = calls.iter().filter(|c| **c == Call::Begin(trim)).count();
    let ends = calls.iter().filter(|c| **c == Call::End(trim)).count();
    assert_eq!((begins, ends), (1, 1), "{calls:?}");
    assert_eq!(calls.first(), Some(&Call::Begin(trim)));
    assert_eq!(calls.last(), Some(&Call::End(trim)));
    let sets: Vec<f32> = calls
        .iter()
        .filter_map(|c| match c {
            Call::Set(p, v) if *p == trim => Some(*v),
            _ => None,
        })
        .collect();
    assert!(sets.len() >= 3, "one set per moved frame: {calls:?}");
    assert!(
        sets.windows(2).all(|w| w[1] > w[0]),
        "up turns up: {sets:?}"
    );
    // Up to 50 points of a 250-point range from the centre: at most +0.2 (the first few
    // points go to egui's drag threshold).
    let last = *sets.last().expect("sets");
    assert!(last > 0.55 && last <= 0.7 + 1e-4, "{last}");
    assert_eq!(params.deck_a.trim.unmodulated_normalized_value(), last);
}

#[test]
fn double_click_resets_and_the_wheel_steps() {
    let at = pos2(20.0, 20.0);
    let wheel = Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: vec2(0.0, 1.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: Modifiers::NONE,
    };
    let frames = vec![
        vec![Event::PointerMoved(at)],
        vec![wheel.clone()],
        vec![wheel],
        vec![button(at, true), button(at, false)],
        vec![button(at, true), button(at, false)],
        vec![],
    ];
    let (calls, params) = knob_session(frames);
    let trim = params.deck_a.trim.as_ptr();
    let expect_step = |from: f32| {
        let p = &params.deck_a.trim;
        p.preview_normalized(p.preview_plain(from + 0.01))
    };
    let first = expect_step(0.5);
    let second = expect_step(first);
    assert_eq!(
        calls,
        vec![
            // Two wheel notches: +1 % each (0.24 dB, snapped to the 0.1 dB step), one
            // gesture each.
            Call::Begin(trim),
            Call::Set(trim, first),
            Call::End(trim),
            Call::Begin(trim),
            Call::Set(trim, second),
            Call::End(trim),
            // Double click: back to 0 dB.
            Call::Begin(trim),
            Call::Set(trim, 0.5),
            Call::End(trim),
        ]
    );
}

#[test]
fn an_flx4_move_during_a_drag_joins_the_open_gesture() {
    let rig = Rig::new();
    let mut book = GestureBook::default();
    let mut pu = ParamUi::new(rig.gui.param_setter(), &mut book);
    let p = &rig.params.deck_b.eq_lo;
    pu.begin(p);
    pu.set_normalized_once(p, 0.2);
    pu.end(p);
    pu.set_normalized_once(p, 0.3);
    let ptr = p.as_ptr();
    assert_eq!(
        rig.host.take(),
        vec![
            Call::Begin(ptr),
            Call::Set(ptr, 0.2),
            Call::End(ptr),
            Call::Begin(ptr),
            Call::Set(ptr, 0.3),
            Call::End(ptr),
        ]
    );
}

fn app_rig() -> (Rig, EditorApp, Arc<Shared>) {
    let rig = Rig::new();
    let shared = Arc::new(Shared::default());
    let mut app = EditorApp::new(rig.params.clone(), shared.clone());
    app.open(&rig.ctx, rig.gui.clone());
    (rig, app, shared)
}

#[test]
fn flx4_moves_reach_the_host_and_idle_frames_write_nothing() {
    let (mut rig, mut app, shared) = app_rig();
    rig.frame(vec![], |ui| app.draw(ui));
    rig.frame(vec![], |ui| app.draw(ui));
    assert_eq!(
        rig.host.take(),
        vec![],
        "drawing alone must not set parameters"
    );

    shared.push_midi_value(Target::EqLo(1), 0.0);
    shared.push_midi_value(Target::Crossfader, 0.75);
    let preset = rig.params.preset.preview_normalized(3);
    shared.push_midi_value(Target::Preset, preset);
    rig.frame(vec![], |ui| app.draw(ui));
    let lo = rig.params.deck_b.eq_lo.as_ptr();
    let xf = rig.params.crossfader.as_ptr();
    let pr = rig.params.preset.as_ptr();
    assert_eq!(
        rig.host.take(),
        vec![
            Call::Begin(lo),
            Call::Set(lo, 0.0),
            Call::End(lo),
            Call::Begin(xf),
            Call::Set(xf, 0.75),
            Call::End(xf),
            Call::Begin(pr),
            Call::Set(pr, preset),
            Call::End(pr),
        ]
    );
    assert_eq!(rig.params.deck_b.eq_lo.value(), 0.0);
    assert_eq!(rig.params.crossfader.value(), 0.5);
    assert_eq!(rig.params.preset.value(), 3);
    // Taken once: the next frame writes nothing.
    rig.frame(vec![], |ui| app.draw(ui));
    assert_eq!(rig.host.take(), vec![]);
}

/// Where `text` was painted (the first time).
fn find_text(shapes: &[Shape], text: &str) -> Option<Rect> {
    shapes.iter().find_map(|s| match s {
        Shape::Text(t) if t.galley.text() == text => Some(t.visual_bounding_rect()),
        Shape::Vec(v) => find_text(v, text),
        _ => None,
    })
}

/// Click the painted `text`; returns the next frame's shapes.
fn click_text(rig: &mut Rig, app: &mut EditorApp, shapes: &[Shape], text: &str) -> Vec<Shape> {
    let at = find_text(shapes, text)
        .unwrap_or_else(|| panic!("{text:?} not drawn"))
        .center();
    rig.frame(vec![Event::PointerMoved(at)], |ui| app.draw(ui));
    rig.frame(vec![button(at, true), button(at, false)], |ui| app.draw(ui));
    rig.frame(vec![], |ui| app.draw(ui))
}

#[test]
fn start_cancel_and_selectors_act() {
    use std::sync::atomic::Ordering::Relaxed;
    let (mut rig, mut app, shared) = app_rig();
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(&shapes, "ARMED").is_none());
    let shapes = click_text(&mut rig, &mut app, &shapes, "START");
    assert_eq!(shared.start_requests.load(Relaxed), 1);
    assert_eq!(shared.cancel_requests.load(Relaxed), 0);
    // CANCEL is disabled while idle.
    let _ = click_text(&mut rig, &mut app, &shapes, "CANCEL");
    assert_eq!(shared.cancel_requests.load(Relaxed), 0);

    shared.set_phase(PhaseView::Armed);
    shared.beats_to_start.store(3.0, Relaxed);
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(&shapes, "Armed: 3 beats").is_some());
    let shapes = click_text(&mut rig, &mut app, &shapes, "CANCEL");
    assert_eq!(shared.cancel_requests.load(Relaxed), 1);
    let shapes = click_text(&mut rig, &mut app, &shapes, "ARMED");
    assert_eq!(
        shared.start_requests.load(Relaxed),
        2,
        "pressed again: cancel"
    );
    assert_eq!(rig.host.take(), vec![], "the buttons are not parameters");

    // An enum cell: one whole gesture to its value.
    let _ = click_text(&mut rig, &mut app, &shapes, "B to A");
    let dir = rig.params.direction.as_ptr();
    assert_eq!(
        rig.host.take(),
        vec![Call::Begin(dir), Call::Set(dir, 1.0), Call::End(dir)]
    );
    assert_eq!(
        rig.params.direction.value(),
        crate::params::DirectionParam::BToA
    );
}

#[test]
fn every_phase_draws_at_the_smallest_and_a_large_size() {
    let (mut rig, mut app, shared) = app_rig();
    for phase in [
        PhaseView::Idle,
        PhaseView::Armed,
        PhaseView::Running,
        PhaseView::Holding,
        PhaseView::Position,
    ] {
        shared.set_phase(phase);
        shared.on_air.store(2, std::sync::atomic::Ordering::Relaxed);
        shared.meters[0]
            .peak
            .store(1.5, std::sync::atomic::Ordering::Relaxed);
        shared
            .repaint
            .store(true, std::sync::atomic::Ordering::Relaxed);
        for size in [
            vec2(super::MIN_SIZE.0, super::MIN_SIZE.1),
            vec2(1400.0, 900.0),
        ] {
            rig.time += 0.1;
            let input = RawInput {
                screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
                time: Some(rig.time),
                ..Default::default()
            };
            let mut out = rig.ctx.run_ui(input, |ui| app.draw(ui));
            out.textures_delta.clear();
            assert!(!out.shapes.is_empty());
        }
    }
    assert_eq!(rig.host.take(), vec![]);
}

#[test]
fn the_session_zoom_is_applied_and_clamped() {
    let rig = Rig::new();
    rig.params
        .ui_scale
        .store(1.25, std::sync::atomic::Ordering::Relaxed);
    let mut app = EditorApp::new(rig.params.clone(), Arc::new(Shared::default()));
    app.open(&rig.ctx, rig.gui.clone());
    let mut rig = rig;
    rig.frame(vec![], |ui| app.draw(ui));
    assert_eq!(rig.ctx.zoom_factor(), 1.25);

    rig.params
        .ui_scale
        .store(f32::NAN, std::sync::atomic::Ordering::Relaxed);
    app.open(&rig.ctx, rig.gui.clone());
    rig.frame(vec![], |ui| app.draw(ui));
    assert_eq!(rig.ctx.zoom_factor(), 1.0);
}

#[test]
fn live_readouts_are_drawn_per_deck() {
    use aidj_analysis::live::LiveSnapshot;
    let (mut rig, mut app, shared) = app_rig();
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(
        find_text(&shapes, "---.-").is_some(),
        "no placeholder before a snapshot"
    );
    shared.publish_live(
        0,
        LiveSnapshot {
            bpm: Some(124.0),
            bpm_confidence: Some(0.9),
            camelot: Some("8A".into()),
            key: Some("A minor".into()),
            key_confidence: Some(0.8),
            lufs_short: Some(-9.0),
            energy: Some(0.7),
            beat_in_bar: Some(2),
            ..LiveSnapshot::default()
        },
    );
    shared.publish_live(
        1,
        LiveSnapshot {
            bpm: Some(92.5),
            bpm_confidence: Some(0.2),
            camelot: Some("12B".into()),
            key: Some("E major".into()),
            key_confidence: Some(0.1),
            ..LiveSnapshot::default()
        },
    );
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    let a_bpm = find_text(&shapes, "124.0").expect("deck A BPM drawn");
    let a_key = find_text(&shapes, "8A").expect("deck A key drawn");
    let b_bpm = find_text(&shapes, "92.5?").expect("deck B's unsure BPM drawn with ?");
    let b_key = find_text(&shapes, "12B?").expect("deck B's unsure key drawn with ?");
    assert!(find_text(&shapes, "A minor  -9.0 LUFS  energy 70%").is_some());
    // Each on its own deck's side, and readable from a distance (large text).
    assert!(a_bpm.center().x < SCREEN.center().x && a_key.center().x < SCREEN.center().x);
    assert!(b_bpm.center().x > SCREEN.center().x && b_key.center().x > SCREEN.center().x);
    assert!(a_bpm.height() >= 16.0, "{a_bpm:?}");

    // ×2 on deck A (drawn first): its BPM doubles and reads as sure; deck B is untouched.
    let shapes = click_text(&mut rig, &mut app, &shapes, "x2");
    assert!(find_text(&shapes, "248.0").is_some(), "x2 not applied");
    assert!(find_text(&shapes, "92.5?").is_some());
    assert_eq!(shared.correction(0).factor, 2.0);
    // A new track on deck A: the correction lapses.
    shared.publish_live(
        0,
        LiveSnapshot {
            track: 2,
            bpm: Some(124.0),
            bpm_confidence: Some(0.9),
            ..LiveSnapshot::default()
        },
    );
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(&shapes, "124.0").is_some() && find_text(&shapes, "248.0").is_none());
}

/// A model of `titles` (all 124 BPM, A minor), as `aidj train` would make it.
fn model_of(titles: &[&str]) -> aidj_recommender::Model {
    let mut data = aidj_recommender::Dataset::new();
    for (i, t) in titles.iter().enumerate() {
        let report = serde_json::json!({
            "metadata": {"title": t, "artist": format!("Artist {i}"), "path": format!("/music/{t}.flac"), "duration": 300.0},
            "analysis": {
                "rhythm": {"tempo_bpm_global": 124.0 + i as f64,
                           "danceability_score": 0.5 + 0.04 * ((i * 7 % 10) as f64)},
                "tonal": {"key": "A minor", "spectral_centroid": {"mean": 1000.0 + 100.0 * i as f64}},
                "mood": {"energy": 0.5, "valence": 0.3 + 0.05 * ((i * 3 % 10) as f64)}
            }
        });
        let f = aidj_recommender::TrackFeatures::from_report_value(&report).expect("features");
        data.push(f, format!("/music/{t}.json"));
    }
    let opts = aidj_recommender::TrainOptions {
        test_size: 0.0,
        neighbors: 2,
        ..aidj_recommender::TrainOptions::default()
    };
    aidj_recommender::Model::train(&data, &opts).expect("train")
}

#[test]
fn the_library_panel_searches_selects_and_loads() {
    use std::sync::atomic::Ordering::Relaxed;
    let (mut rig, mut app, shared) = app_rig();
    // No library: the hint.
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(
        &shapes,
        "No library: type the path of a model (`aidj train`) or of a music folder, then Open"
    )
    .is_some());
    shared.library.install(aidj_recommender::library::Opened {
        model: model_of(&["Alpha Dawn", "Beta Night", "Gamma Ray"]),
        analysed: 2,
        reused: 1,
        skipped: vec![aidj_recommender::Skipped {
            path: "/music/bad.mp3".into(),
            reason: "not audio".into(),
        }],
    });
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(
        &shapes,
        "3 tracks (2 analysed, 1 reports reused, 1 skipped)"
    )
    .is_some());
    assert!(find_text(&shapes, "skipped bad.mp3: not audio").is_some());
    // Type into the search box: the list is the search's results.
    let at = find_text(&shapes, "title, artist or path")
        .expect("search box")
        .center();
    rig.frame(vec![button(at, true), button(at, false)], |ui| app.draw(ui));
    rig.frame(vec![Event::Text("beta".into())], |ui| app.draw(ui));
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert_eq!(shared.library.search_text(), "beta");
    assert_eq!(shared.library.list().len(), 1);
    assert!(find_text(&shapes, "Search results").is_some());
    // Select the row, LOAD it on deck B: shown as deck B's next track.
    let shapes = click_text(&mut rig, &mut app, &shapes, "Artist 1 - Beta Night");
    assert_eq!(shared.library.selected.load(Relaxed), 0);
    // Its analysis and best partners.
    let shapes = click_text(&mut rig, &mut app, &shapes, "Details");
    assert!(
        find_text(
            &shapes,
            "125.0 BPM \u{b7} 8A (A minor) \u{b7} energy 0.50 \u{b7} 5:00"
        )
        .is_some(),
        "no details drawn"
    );
    assert!(
        find_text(
            &shapes,
            "Best partners: Artist 0 - Alpha Dawn (8A), Artist 2 - Gamma Ray (8A)"
        )
        .is_some()
            || find_text(
                &shapes,
                "Best partners: Artist 2 - Gamma Ray (8A), Artist 0 - Alpha Dawn (8A)"
            )
            .is_some(),
        "no partners drawn"
    );
    let _ = click_text(&mut rig, &mut app, &shapes, "LOAD B");
    let next = shared.library.next(1).expect("deck B's next track");
    assert_eq!(next.label, "Artist 1 - Beta Night");
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(&shapes, "NEXT  Artist 1 - Beta Night").is_some());
    // Loaded on A, it leaves B.
    let _ = click_text(&mut rig, &mut app, &shapes, "LOAD A");
    assert!(shared.library.next(1).is_none() && shared.library.next(0).is_some());
}

#[test]
fn a_running_transition_shows_what_it_applies_and_the_output_level() {
    use std::sync::atomic::Ordering::Relaxed;
    let (mut rig, mut app, shared) = app_rig();
    shared.out_peak.store(0.5, Relaxed);
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    assert!(find_text(&shapes, "OUT -6.0 dB").is_some());
    let a = &shared.applied;
    a.active.store(true, Relaxed);
    a.crossfader.store(0.35, Relaxed);
    a.low_gain[1].store(0.0, Relaxed);
    a.filter[0].store(0.0, Relaxed);
    a.echo_send.store(0.4, Relaxed);
    let shapes = rig.frame(vec![], |ui| app.draw(ui));
    let line = "Crossfader B 35% \u{b7} B lows -inf dB \u{b7} A filter Off \u{b7} echo 40%";
    assert!(
        find_text(&shapes, line).is_some(),
        "the applied values are not drawn"
    );
}

/// The editor as a DJ sees it mid-set: both decks read, a transition running, the library
/// open with suggestions for deck A and a track loaded on deck B.
fn mid_set_state(shared: &Shared) -> Vec<String> {
    use aidj_analysis::live::LiveSnapshot;
    use std::sync::atomic::Ordering::Relaxed;
    shared.set_status(crate::shared::AnalysisStatus::Running, None);
    let a = LiveSnapshot {
        t: 95.0,
        track_secs: 95.0,
        track: 1,
        bpm: Some(124.0),
        bpm_confidence: Some(0.92),
        beat_phase: Some(0.1),
        beat_in_bar: Some(0),
        key: Some("A minor".into()),
        camelot: Some("8A".into()),
        key_confidence: Some(0.81),
        lufs_short: Some(-8.7),
        lufs_integrated: Some(-9.4),
        energy: Some(0.72),
        ..LiveSnapshot::default()
    };
    let b = LiveSnapshot {
        t: 40.0,
        track_secs: 40.0,
        track: 1,
        bpm: Some(125.0),
        bpm_confidence: Some(0.85),
        beat_in_bar: Some(2),
        key: Some("E minor".into()),
        camelot: Some("9A".into()),
        key_confidence: Some(0.7),
        lufs_short: Some(-10.2),
        energy: Some(0.66),
        ..LiveSnapshot::default()
    };
    shared.publish_live(0, a.clone());
    shared.publish_live(1, b);
    for (m, (peak, rms)) in shared.meters.iter().zip([(0.71, 0.3), (0.45, 0.16)]) {
        m.peak.store(peak, Relaxed);
        m.rms.store(rms, Relaxed);
    }
    shared.out_peak.store(0.8, Relaxed);
    shared.set_phase(PhaseView::Running);
    shared.progress.store(0.42, Relaxed);
    let ap = &shared.applied;
    ap.active.store(true, Relaxed);
    ap.crossfader.store(-0.2, Relaxed);
    ap.low_gain[1].store(0.0, Relaxed);
    ap.filter[0].store(0.35, Relaxed);
    shared.library.install(aidj_recommender::library::Opened {
        model: model_of(&[
            "Neon Tide",
            "Glass Harbour",
            "Tidal Echo",
            "Amber Steps",
            "Concrete Bloom",
            "Copper Line",
            "Solar Drift",
            "Low Orbit",
            "Night Runner",
            "Quiet Signal",
        ]),
        analysed: 0,
        reused: 10,
        skipped: vec![],
    });
    let lib = &shared.library;
    let mut settings = lib.settings();
    settings.bpm_window_pct = 8.0;
    lib.set_settings(settings);
    // Deck A's window: as the recommender's feature vector sees it.
    let mut features = aidj_analysis::report::Analysis::default();
    features.mood.energy = Some(0.6);
    features.mood.valence = Some(0.45);
    features.tonal.spectral_centroid.mean = Some(1500.0);
    features.rhythm.danceability_score = Some(0.7);
    lib.refresh(0, Some(&a), Some(&features));
    let rows = lib.list();
    if let Some(r) = rows.get(2) {
        lib.load(1, r.track, 1);
    }
    lib.refresh(0, Some(&a), Some(&features));
    lib.list().iter().map(|r| r.label.clone()).collect()
}

#[test]
fn the_readme_screenshot_shows_a_live_set_and_can_be_remade() {
    // `AIDJ_SCREENSHOT=docs/editor.png cargo test -p aidj-plugin --lib screenshot` remakes the
    // README's picture; without it the same frame is rendered and checked.
    let (mut rig, mut app, shared) = app_rig();
    let labels = mid_set_state(&shared);
    assert!(labels.len() >= 3, "{labels:?}");
    let mut textures = super::raster::Textures::default();
    let mut last = None;
    for _ in 0..4 {
        rig.time += 1.0 / 30.0;
        let input = RawInput {
            screen_rect: Some(SCREEN),
            time: Some(rig.time),
            ..Default::default()
        };
        let mut out = rig.ctx.run_ui(input, |ui| app.draw(ui));
        textures.apply(&out.textures_delta);
        out.textures_delta.clear();
        if let Some(mut old) = last.replace(out) {
            old.textures_delta.clear();
        }
    }
    let out = last.expect("a frame");
    let shapes: Vec<Shape> = out.shapes.iter().map(|c| c.shape.clone()).collect();
    // What a DJ reads first: both decks' tempo and key, the suggestions, deck B's next.
    for text in ["124.0", "8A", "125.0", "9A", labels[0].as_str()] {
        assert!(find_text(&shapes, text).is_some(), "{text:?} not drawn");
    }
    let next = shared.library.next(1).expect("deck B's next track");
    assert!(find_text(&shapes, &format!("NEXT  {}", next.label)).is_some());
    let ppp = out.pixels_per_point;
    let prims = rig.ctx.tessellate(out.shapes, ppp);
    let (w, h) = (
        (SCREEN.width() * ppp) as usize,
        (SCREEN.height() * ppp) as usize,
    );
    let rgba = super::raster::render(&prims, &textures, ppp, w, h, colors::BG);
    // Not a blank picture: the deck colours are in it.
    let has = |c: Color32| {
        rgba.chunks_exact(4).any(|p| {
            (i32::from(p[0]) - i32::from(c.r())).abs() < 8
                && (i32::from(p[1]) - i32::from(c.g())).abs() < 8
                && (i32::from(p[2]) - i32::from(c.b())).abs() < 8
        })
    };
    assert!(
        has(colors::DECK_A) && has(colors::DECK_B),
        "the render lacks the deck colours"
    );
    if let Some(path) = std::env::var_os("AIDJ_SCREENSHOT") {
        let file = std::fs::File::create(&path).expect("screenshot file");
        let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()
            .and_then(|mut wr| wr.write_image_data(&rgba))
            .expect("png");
    }
}
