//! Cost of the whole mixer with a transition running: 48 kHz stereo, 64-frame blocks.
//!
//! Criterion times one block; the share of one core is `time per block / (64 / 48000 s)`
//! (the target is under 1%). A plain timed loop prints that share directly too.

use aidj_mixer::{
    Direction, Mixer, MixerParams, TransitionControl, TransitionDrive, TransitionPreset,
};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Instant;

const FS: f64 = 48_000.0;
const BLOCK: usize = 64;
/// Blocks per sweep of the transition position 0 -> 1.
const SWEEP_BLOCKS: usize = 3_000;

fn setup() -> (Mixer, MixerParams, [Vec<f32>; 4]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/echo_out.json");
    let text = std::fs::read_to_string(path).expect("echo_out.json");
    let mut shape = TransitionPreset::from_json(&text).expect("valid").shape;
    // Make everything move at once: the echo from the start, filters sweeping on both decks.
    if let Some(e) = shape.echo.as_mut() {
        e.start = 0.0;
    }
    shape.filter_in = shape.filter_out.map(|mut f| {
        f.from = -0.8;
        f.to = 0.0;
        f
    });
    let params = MixerParams {
        tempo_bpm: 124.0,
        transition: Some(TransitionControl {
            shape,
            direction: Direction::AtoB,
            drive: TransitionDrive::Position(0.0),
        }),
        ..MixerParams::default()
    };
    let sig = |f: f32| -> Vec<f32> {
        (0..BLOCK)
            .map(|i| 0.5 * (i as f32 * f * std::f32::consts::TAU / FS as f32).sin())
            .collect()
    };
    (
        Mixer::new(FS, BLOCK),
        params,
        [sig(750.0), sig(1500.0), sig(375.0), sig(3000.0)],
    )
}

fn position(params: &mut MixerParams, k: usize) {
    if let Some(t) = params.transition.as_mut() {
        t.drive = TransitionDrive::Position((k % SWEEP_BLOCKS) as f32 / SWEEP_BLOCKS as f32);
    }
}

fn bench(c: &mut Criterion) {
    let (mut mixer, mut params, [al, ar, bl, br]) = setup();
    let mut ol = vec![0.0f32; BLOCK];
    let mut or = vec![0.0f32; BLOCK];

    // Plain timed loop: the share of one core.
    let blocks = 200_000;
    let t0 = Instant::now();
    for k in 0..blocks {
        position(&mut params, k);
        mixer.process(&params, [&al, &ar], [&bl, &br], [&mut ol, &mut or]);
        black_box(&ol);
    }
    let per_block = t0.elapsed().as_secs_f64() / blocks as f64;
    let share = per_block / (BLOCK as f64 / FS);
    eprintln!(
        "mixer, transition running: {:.3} us per 64-frame block = {:.3}% of one core at 48 kHz",
        per_block * 1e6,
        share * 100.0
    );

    let mut k = 0usize;
    c.bench_function("mixer_48k_stereo_64_transition", |b| {
        b.iter(|| {
            k += 1;
            position(&mut params, k);
            mixer.process(&params, [&al, &ar], [&bl, &br], [&mut ol, &mut or]);
            black_box(&ol);
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
