//! Real-time contract: `process` never allocates, and the output does not depend on the block
//! size. (Allocation counting uses `allocation-counter`'s thread-local counting allocator,
//! since the workspace forbids the `unsafe` a hand-written `GlobalAlloc` would need.)

mod common;

use aidj_mixer::{Mixer, MixerParams};

/// Run `input` through a fresh mixer in blocks of `block`, returning the output.
fn run(
    fs: f64,
    block: usize,
    params: &MixerParams,
    a: &[Vec<f32>; 2],
    b: &[Vec<f32>; 2],
) -> [Vec<f32>; 2] {
    let n = a[0].len();
    let mut mixer = Mixer::new(fs, block);
    let mut out = [vec![0.0f32; n], vec![0.0f32; n]];
    let [ol, or] = &mut out;
    let mut start = 0;
    while start < n {
        let end = (start + block).min(n);
        mixer.process(
            params,
            [&a[0][start..end], &a[1][start..end]],
            [&b[0][start..end], &b[1][start..end]],
            [&mut ol[start..end], &mut or[start..end]],
        );
        start = end;
    }
    out
}

#[test]
fn process_never_allocates() {
    // The counter works: a Vec allocates.
    let probe = allocation_counter::measure(|| {
        std::hint::black_box(vec![1u8; 8]);
    });
    assert!(probe.count_total > 0);
    let params = common::busy_params();
    for fs in [22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0] {
        for block in [1usize, 7, 64, 512, 8192] {
            let n = 8192 * 2;
            let a = common::music(n, fs, 1);
            let b = common::music(n, fs, 2);
            let mut out = [vec![0.0f32; block], vec![0.0f32; block]];
            let mut mixer = Mixer::new(fs, block);
            let [ol, or] = &mut out;
            let info = allocation_counter::measure(|| {
                let mut start = 0;
                while start + block <= n {
                    let end = start + block;
                    mixer.process(
                        &params,
                        [&a[0][start..end], &a[1][start..end]],
                        [&b[0][start..end], &b[1][start..end]],
                        [&mut ol[..], &mut or[..]],
                    );
                    start = end;
                }
                mixer.reset();
            });
            assert_eq!(info.count_total, 0, "{fs} Hz, block {block}");
        }
    }
}

#[test]
fn output_is_bit_identical_for_any_block_size() {
    let fs = 48_000.0;
    // 0.5 bar at 240 BPM = 0.5 s: the whole echo-out transition and its tail.
    let n = 48_000;
    let a = common::music(n, fs, 3);
    let b = common::music(n, fs, 4);
    let params = common::busy_params();
    let reference = run(fs, 1, &params, &a, &b);
    assert!(reference[0].iter().any(|v| v.abs() > 0.1));
    for block in [64usize, 333, 8192] {
        let out = run(fs, block, &params, &a, &b);
        assert!(out == reference, "block {block} differs");
    }
}
