//! Cost of the plugin's `process()` with the analysis rings: 48 kHz, 64-frame blocks,
//! both decks playing, the analysis thread running (on the other core). Criterion times
//! one block; the share of one core is `time per block / (64 / 48000 s)` (the target is
//! under 1 %). `cargo bench -p aidj-plugin --bench process`.
//!
//! The bench calls `process()` far faster than real time, so the thread falls behind and
//! the rings fill (they then drop, which costs less than copying); the copy itself, with
//! room in the ring, is timed on its own: both decks' 64 frames in, and read back out.

#[path = "../tests/common/mod.rs"]
mod common;

use aidj_plugin::analysis_thread::DeckFeeds;
use aidj_plugin::shared::Shared;
use common::Host;
use criterion::{criterion_group, criterion_main, Criterion};

const FS: f32 = 48_000.0;
const BLOCK: usize = 64;

fn bench(c: &mut Criterion) {
    let mut host = Host::new(FS, BLOCK);
    let n = 48_000;
    let a = common::sine(220.0, 0.5, FS, n);
    let b = common::sine(1760.0, 0.5, FS, n);
    let mut out = [vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]];
    let mut pos = 0usize;
    c.bench_function(
        "process, 64 frames at 48 kHz, two decks into the analysis rings",
        |bch| {
            bch.iter(|| {
                if pos + BLOCK > n {
                    pos = 0;
                }
                let [ol, or] = &mut out;
                host.block(
                    [&a[0][pos..pos + BLOCK], &a[1][pos..pos + BLOCK]],
                    [&b[0][pos..pos + BLOCK], &b[1][pos..pos + BLOCK]],
                    [ol, or],
                    &[],
                );
                pos += BLOCK;
            })
        },
    );
    let dropped: u64 = host
        .plugin
        .shared()
        .live
        .iter()
        .map(|v| v.dropped.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
    println!("samples dropped by the rings during the run: {dropped}");

    let shared = Shared::default();
    let (mut feeds, mut readers) = DeckFeeds::with_capacity(4096);
    let mut sink = [0.0f32; BLOCK];
    c.bench_function(
        "ring copy, 64 frames of two stereo decks (with room)",
        |bch| {
            bch.iter(|| {
                feeds.push(0, &[&a[0][..BLOCK], &a[1][..BLOCK]], 0..BLOCK, &shared);
                feeds.push(1, &[&b[0][..BLOCK], &b[1][..BLOCK]], 0..BLOCK, &shared);
                for r in readers.iter_mut() {
                    if let Ok(chunk) = r.read_chunk(BLOCK) {
                        let (x, _) = chunk.as_slices();
                        sink[..x.len()].copy_from_slice(x);
                        chunk.commit_all();
                    }
                }
                std::hint::black_box(&sink);
            })
        },
    );
    let dropped = shared.live[0]
        .dropped
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(dropped, 0, "the copy bench must not drop");
}

criterion_group!(benches, bench);
criterion_main!(benches);
