//! The live analysis side thread, through `process()` (under `assert_process_allocs`):
//! each deck's tempo and key from generated tracks with known truth, a full ring that
//! drops and counts instead of blocking, and the thread's lifecycle across activations.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aidj_analysis::key::Key;
use aidj_plugin::analysis_thread::AnalysisThread;
use aidj_plugin::shared::{AnalysisStatus, Shared};
use aidj_plugin::AiDj;
use aidj_synth::{render, Groove, TrackSpec};
use common::Host;
use nice_plug::prelude::*;

fn track(title: &str, bpm: f64, root: u8, minor: bool, groove: Groove, secs: f64) -> [Vec<f32>; 2] {
    let mut spec = TrackSpec::new(title, bpm, root, minor, groove);
    spec.bars = 16;
    let audio = render(&spec);
    let n = ((secs * f64::from(audio.sample_rate)) as usize).min(audio.frames());
    [
        audio.channels[0][..n].to_vec(),
        audio.channels[1][..n].to_vec(),
    ]
}

/// Waits until deck `deck` has a snapshot at least `secs` into the stream.
fn wait_for(shared: &Shared, deck: usize, secs: f64) -> aidj_analysis::live::LiveSnapshot {
    let t0 = Instant::now();
    loop {
        if let Some(s) = shared.live_snapshot(deck) {
            if s.t >= secs {
                return s;
            }
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "deck {deck}: no snapshot at {secs} s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Plays both decks two seconds at a time, each once the analysis thread has caught up
/// with the one before. A host plays in real time; a 20 s burst at full speed overflows
/// the 4 s rings whenever the thread is a little slow to start (a dropping ring has its
/// own test below).
fn play_paced(host: &mut Host, shared: &Shared, a: &[Vec<f32>; 2], b: &[Vec<f32>; 2]) {
    let chunk = 2 * 44_100;
    let part =
        |x: &[Vec<f32>; 2], r: std::ops::Range<usize>| [x[0][r.clone()].to_vec(), x[1][r].to_vec()];
    for start in (0..a[0].len()).step_by(chunk) {
        let end = (start + chunk).min(a[0].len());
        host.run(
            &part(a, start..end),
            &part(b, start..end),
            512,
            &[],
            |_, _| {},
        );
        let caught_up = end as f64 / 44_100.0 - 1.5;
        wait_for(shared, 0, caught_up);
        wait_for(shared, 1, caught_up);
    }
}

#[test]
fn each_deck_reads_its_own_tempo_and_key() {
    let mut host = Host::new(44_100.0, 512);
    let shared = host.plugin.shared();
    assert_eq!(shared.analysis_status(), AnalysisStatus::Running);
    let a = track("Thread A", 124.0, 9, true, Groove::FourOnTheFloor, 20.0);
    let b = track("Thread B", 92.0, 4, false, Groove::HipHop, 20.0);
    play_paced(&mut host, &shared, &a, &b);
    let sa = wait_for(&shared, 0, 19.0);
    let sb = wait_for(&shared, 1, 19.0);
    let bpm_a = sa.bpm.expect("deck A bpm");
    let bpm_b = sb.bpm.expect("deck B bpm");
    assert!((bpm_a / 124.0 - 1.0).abs() < 0.01, "deck A {bpm_a}");
    assert!((bpm_b / 92.0 - 1.0).abs() < 0.01, "deck B {bpm_b}");
    assert_eq!(sa.camelot, Some(Key::new(9, true).camelot_code()), "{sa:?}");
    assert_eq!(
        sb.camelot,
        Some(Key::new(4, false).camelot_code()),
        "{sb:?}"
    );
    assert!(sa.lufs_short.is_some() && sb.energy.is_some());
    // The recommender's feature vector of each deck's window, with the live tempo and key.
    for (d, bpm) in [(0, 124.0), (1, 92.0)] {
        let f = shared.live_features(d).expect("window features");
        let t = f.rhythm.tempo_bpm_global.expect("tempo");
        assert!((t / bpm - 1.0).abs() < 0.01, "deck {d} features tempo {t}");
        assert!(f.tonal.harmony.key.is_some() && f.dynamics.lufs.is_some());
        assert!(f.tonal.spectral_centroid.mean.is_some() && f.mood.energy.is_some());
    }
    // The thread kept up: nothing dropped.
    for v in &shared.live {
        assert_eq!(v.dropped.load(std::sync::atomic::Ordering::Relaxed), 0);
    }
}

#[test]
fn a_full_ring_drops_and_counts_instead_of_blocking() {
    let shared = Arc::new(Shared::default());
    // A ring of 10 ms (441 samples), fed 30 s of audio as fast as possible while the
    // thread runs: it cannot keep up, so samples are dropped and counted.
    let (mut thread, mut feeds) =
        AnalysisThread::start(44_100.0, 0.01, shared.clone()).expect("thread");
    let x = vec![0.25f32; 4096];
    let blocks = 30 * 44_100 / 4096;
    for _ in 0..blocks {
        feeds.push(0, &[&x, &x], 0..4096, &shared);
    }
    let dropped = |s: &Shared| s.live[0].dropped.load(std::sync::atomic::Ordering::Relaxed);
    let running = dropped(&shared);
    assert!(running > 0, "nothing dropped");
    assert!(running < (blocks * 4096) as u64, "{running}");
    // With the thread stopped nothing drains the ring: the pushes still return (a push
    // that waited for the reader would hang here) and everything beyond the ring's room
    // is counted, exactly.
    thread.stop();
    assert_eq!(shared.analysis_status(), AnalysisStatus::Stopped);
    let before = dropped(&shared);
    for _ in 0..10 {
        feeds.push(0, &[&x, &x], 0..4096, &shared);
    }
    let added = dropped(&shared) - before;
    assert!(
        (10 * 4096 - 441..=10 * 4096).contains(&(added as usize)),
        "{added} of {} dropped",
        10 * 4096
    );
}

#[test]
fn activation_cycles_and_rate_changes_restart_the_thread() {
    let mut host = Host::new(48_000.0, 256);
    let shared = host.plugin.shared();
    let a = track("Cycle", 128.0, 7, false, Groove::FourOnTheFloor, 6.0);
    host.run(&a, &a, 256, &[], |_, _| {});
    wait_for(&shared, 0, 5.0);
    host.plugin.deactivate();
    assert_eq!(shared.analysis_status(), AnalysisStatus::Stopped);
    for rate in [96_000.0f32, 44_100.0, 22_050.0] {
        let config = BufferConfig {
            sample_rate: rate,
            min_buffer_size: None,
            max_buffer_size: 1024,
            process_mode: ProcessMode::Realtime,
        };
        let ctx = common::MockActivate {
            latency_calls: std::cell::Cell::new(0),
        };
        assert!(host
            .plugin
            .activate(&AiDj::AUDIO_IO_LAYOUTS[0], &config, &mut { ctx }));
        assert_eq!(shared.analysis_status(), AnalysisStatus::Running);
        host.rate = rate;
        let n = (rate as usize) * 5;
        let tone = common::sine(440.0, 0.3, rate, n);
        let before = shared.live[0]
            .published
            .load(std::sync::atomic::Ordering::Acquire);
        host.run(&tone, &tone, 1024, &[], |_, _| {});
        let t0 = Instant::now();
        while shared.live[0]
            .published
            .load(std::sync::atomic::Ordering::Acquire)
            <= before
        {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "no snapshot at {rate} Hz"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    drop(host);
    assert_eq!(shared.analysis_status(), AnalysisStatus::Stopped);
}

/// Circular distance of two beat positions, in beats, modulo `m`.
fn mod_diff(a: f64, b: f64, m: f64) -> f64 {
    let d = (a - b).rem_euclid(m);
    d.min(m - d)
}

#[test]
fn with_the_transport_stopped_the_clock_follows_the_deck_on_airs_live_grid() {
    let rate = 44_100.0f32;
    let mut spec = TrackSpec::new("Clock", 124.0, 9, true, Groove::FourOnTheFloor);
    spec.bars = 16;
    let audio = render(&spec);
    assert_eq!(audio.sample_rate, 44_100);
    let beats = spec.beat_times();
    let n = audio.frames();
    let a = [audio.channels[0].clone(), audio.channels[1].clone()];
    let b = [vec![0.0f32; n], vec![0.0f32; n]];
    let part =
        |x: &[Vec<f32>; 2], r: std::ops::Range<usize>| [x[0][r.clone()].to_vec(), x[1][r].to_vec()];

    let mut host = Host::new(rate, 512);
    host.set("xfader", -1.0); // deck A on air
    let shared = host.plugin.shared();
    let first = (20.0 * rate) as usize;
    play_paced(&mut host, &shared, &part(&a, 0..first), &part(&b, 0..first));
    wait_for(&shared, 0, 19.0);
    // Eight more blocks: the clock now runs on deck A's grid.
    let end = first + 8 * 512;
    host.run(
        &part(&a, first..end),
        &part(&b, first..end),
        512,
        &[],
        |_, _| {},
    );
    let tempo = f64::from(shared.tempo.load(Ordering::Relaxed));
    assert_eq!(
        shared.clock_source.load(Ordering::Relaxed),
        2,
        "tempo {tempo}"
    );
    assert!((tempo / 124.0 - 1.0).abs() < 0.005, "clock tempo {tempo}");
    // `beat` is the clock at the end of the last block: on the track's beats.
    let t = end as f64 / f64::from(rate);
    let truth = (t - beats[0]) * 124.0 / 60.0;
    let beat = f64::from(shared.beat.load(Ordering::Relaxed));
    assert!(
        mod_diff(beat, truth, 1.0) < 0.06,
        "clock {beat}, track beat {truth}"
    );

    // The DJ's half-beat shift moves the clock half a beat; ×2 doubles its tempo.
    shared.correct(0, |c| c.half_beat = true);
    let (s, e) = (end, end + 4 * 512);
    host.run(&part(&a, s..e), &part(&b, s..e), 512, &[], |_, _| {});
    let t = e as f64 / f64::from(rate);
    let truth = (t - beats[0]) * 124.0 / 60.0;
    let beat = f64::from(shared.beat.load(Ordering::Relaxed));
    assert!(
        mod_diff(beat, truth + 0.5, 1.0) < 0.06,
        "clock {beat}, track beat {truth}"
    );
    shared.correct(0, |c| {
        c.half_beat = false;
        c.factor = 2.0;
    });
    let (s, e) = (e, e + 4 * 512);
    host.run(&part(&a, s..e), &part(&b, s..e), 512, &[], |_, _| {});
    let tempo = f64::from(shared.tempo.load(Ordering::Relaxed));
    assert!(
        (tempo / 248.0 - 1.0).abs() < 0.005,
        "corrected clock tempo {tempo}"
    );

    // "Clock BPM" ignores the decks.
    host.set_str("clock_src", "Clock BPM");
    host.set_str("clock_bpm", "150");
    let (s, e) = (e, e + 2 * 512);
    host.run(&part(&a, s..e), &part(&b, s..e), 512, &[], |_, _| {});
    assert_eq!(shared.clock_source.load(Ordering::Relaxed), 0);
    assert_eq!(shared.tempo.load(Ordering::Relaxed), 150.0);
}
