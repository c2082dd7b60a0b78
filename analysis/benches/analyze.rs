//! Analysis throughput on a generated track, one core. Only the analyser runs inside the
//! timed closure: the audio is rendered beforehand. `cargo bench -p aidj-analysis`.
//! Criterion reports time per iteration; with 60 s of audio, x real time = 60 / seconds.

use aidj_analysis::{AnalysisConfig, Analyzer};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn analyse(audio: &aidj_synth::Audio, config: &AnalysisConfig) {
    let mut a =
        Analyzer::new(audio.sample_rate, audio.channels.len(), config.clone()).expect("analyzer");
    let frames = audio.frames();
    let mut start = 0;
    while start < frames {
        let end = (start + 4096).min(frames);
        let planes: Vec<&[f32]> = audio.channels.iter().map(|c| &c[start..end]).collect();
        a.push(&planes);
        start = end;
    }
    black_box(a.finish());
}

fn bench(c: &mut Criterion) {
    let mut spec = aidj_synth::demo_library().remove(1);
    spec.bars = (spec.bpm / 4.0).ceil() as u32; // about a minute
    let audio = aidj_synth::render(&spec);
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    group.throughput(Throughput::Elements(audio.frames() as u64));
    let full = AnalysisConfig::default();
    group.bench_function("full, 44.1 kHz stereo, ~60 s", |b| {
        b.iter(|| analyse(&audio, &full))
    });
    let no_tp = AnalysisConfig {
        true_peak: false,
        ..AnalysisConfig::default()
    };
    group.bench_function("no true peak, 44.1 kHz stereo, ~60 s", |b| {
        b.iter(|| analyse(&audio, &no_tp))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
