//! The library at scale: a model of 10,000 tracks. Criterion times a suggestion refresh
//! (what the analysis thread does when the deck on air's read-out changes; the target is
//! under 5 ms) and one editor frame with the list open (under 16 ms for a responsive
//! editor). `cargo bench -p aidj-plugin --bench library`.

use std::sync::Arc;

use aidj_analysis::live::LiveSnapshot;
use aidj_analysis::report::Analysis;
use aidj_plugin::editor::EditorApp;
use aidj_plugin::params::AiDjParams;
use aidj_plugin::shared::Shared;
use aidj_recommender::library::Opened;
use aidj_recommender::{Dataset, Model, TrackFeatures, TrainOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use nice_plug::context::gui::{GuiContext, GuiContextInner};
use nice_plug::context::PluginApi;
use nice_plug::prelude::{ParamPtr, PluginState};

const TRACKS: usize = 10_000;
const KEYS: [&str; 6] = [
    "A minor", "E minor", "C major", "G major", "D minor", "F major",
];

/// A host that applies what the editor sets.
struct Host;

impl GuiContextInner for Host {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {}
    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        // SAFETY: the pointers come from the bench's `AiDjParams`, alive throughout.
        unsafe { param._internal_set_normalized_value(normalized) };
    }
    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {}
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

/// A library of `n` tracks spread over tempo, key, energy and timbre (deterministic).
fn model(n: usize) -> Model {
    let mut state = 7u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut data = Dataset::new();
    for i in 0..n {
        let report = serde_json::json!({
            "metadata": {"title": format!("Track {i}"), "artist": format!("Artist {}", i % 900),
                         "path": format!("/music/{i}.flac"), "duration": 180.0 + 300.0 * next()},
            "analysis": {
                "rhythm": {"tempo_bpm_global": 90.0 + 60.0 * next(), "danceability_score": next()},
                "tonal": {"key": KEYS[i % KEYS.len()], "spectral_centroid": {"mean": 800.0 + 2000.0 * next()},
                          "spectral_flatness": {"mean": 0.3 * next()}},
                "dynamics": {"lufs": -14.0 + 8.0 * next()},
                "mood": {"energy": next(), "valence": next(), "arousal": next()}
            }
        });
        let f = TrackFeatures::from_report_value(&report).expect("features");
        data.push(f, format!("/music/{i}.json"));
    }
    let opts = TrainOptions {
        test_size: 0.0,
        ..TrainOptions::default()
    };
    Model::train(&data, &opts).expect("train")
}

fn bench(c: &mut Criterion) {
    let shared = Arc::new(Shared::default());
    shared.library.install(Opened {
        model: model(TRACKS),
        analysed: 0,
        reused: TRACKS,
        skipped: Vec::new(),
    });
    let snap = LiveSnapshot {
        track: 1,
        bpm: Some(124.0),
        bpm_confidence: Some(0.9),
        key: Some("A minor".into()),
        camelot: Some("8A".into()),
        key_confidence: Some(0.8),
        ..LiveSnapshot::default()
    };
    let mut features = Analysis::default();
    features.mood.energy = Some(0.6);
    features.tonal.spectral_centroid.mean = Some(1500.0);
    shared.publish_live(0, snap.clone());
    let lib = shared.library.clone();
    let mut group = c.benchmark_group("library, 10,000 tracks");
    group.bench_function("suggestion refresh for the deck on air", |b| {
        b.iter(|| lib.refresh(0, Some(&snap), Some(&features)))
    });
    assert!(!lib.list().is_empty());

    let params = Arc::new(AiDjParams::default());
    let ctx = egui::Context::default();
    let mut app = EditorApp::new(params, shared.clone());
    app.open(&ctx, GuiContext::new(Arc::new(Host)));
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(980.0, 720.0));
    let mut time = 0.0;
    let mut frame = |app: &mut EditorApp| {
        time += 1.0 / 30.0;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(time),
            ..Default::default()
        };
        let mut out = ctx.run_ui(input, |ui| app.draw(ui));
        out.textures_delta.clear();
        out.shapes.len()
    };
    frame(&mut app);
    group.bench_function("editor frame with the suggestion list", |b| {
        b.iter(|| frame(&mut app))
    });
    // The search over all 10,000 (typing in the box rebuilds the list).
    lib.set_search("Track 1");
    group.bench_function("editor frame with 200 search results", |b| {
        b.iter(|| frame(&mut app))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
