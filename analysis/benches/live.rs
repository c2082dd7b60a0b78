//! Cost of one deck's live analysis (what the plugin's analysis thread runs): a second of
//! 48 kHz mono audio pushed in 512-frame blocks and one snapshot (the thread publishes one
//! a second), after a minute of the track has played (so the tempo window is full). Time
//! per iteration / 1 s = share of one core per deck (a track-change check every 2 s
//! included). The window feature vector runs every 15 s. `cargo bench -p aidj-analysis --bench
//! live`.

use aidj_analysis::live::{LiveAnalyzer, LiveConfig};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut spec = aidj_synth::demo_library().remove(0);
    spec.sample_rate = 48_000;
    spec.bars = 48; // about 94 s at 122 BPM
    let audio = aidj_synth::render(&spec);
    let mono: Vec<f32> = audio.channels[0]
        .iter()
        .zip(&audio.channels[1])
        .map(|(l, r)| 0.5 * (l + r))
        .collect();
    let rate = audio.sample_rate as usize;
    let mut live = LiveAnalyzer::new(audio.sample_rate, LiveConfig::default()).expect("live");
    for c in mono[..60 * rate].chunks(512) {
        live.push(c);
    }
    let second = &mono[60 * rate..61 * rate];
    let mut group = c.benchmark_group("live");
    group.sample_size(20);
    group.bench_function(
        "one deck, 1 s of 48 kHz in 512-frame blocks + 1 snapshot",
        |b| {
            b.iter(|| {
                for c in second.chunks(512) {
                    live.push(c);
                }
                black_box(live.snapshot())
            })
        },
    );
    group.bench_function("one snapshot (a minute into the track)", |b| {
        b.iter(|| black_box(live.snapshot()))
    });
    // The plugin computes one every 15 s per deck: time / 15 s = its share of a core.
    let snap = live.snapshot();
    group.bench_function("one window feature vector (the last 30 s)", |b| {
        b.iter(|| black_box(live.window_analysis(&snap)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
