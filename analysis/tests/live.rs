//! The live path (`aidj_analysis::live`) against the offline analyser and the truth of
//! generated tracks: agreement, convergence, track changes, odd input.

use aidj_analysis::key::Key;
use aidj_analysis::live::{LiveAnalyzer, LiveConfig, LiveSnapshot};
use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::{render, Groove, TrackSpec};

fn mono(spec: &TrackSpec) -> (u32, Vec<f32>) {
    let audio = render(spec);
    let n = audio.frames();
    let m = (0..n)
        .map(|i| audio.channels.iter().map(|c| c[i]).sum::<f32>() / audio.channels.len() as f32)
        .collect();
    (audio.sample_rate, m)
}

/// Block sizes a host might use, changing from block to block (deterministic).
struct Blocks(u64);
impl Blocks {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        [1usize, 32, 64, 100, 128, 256, 441, 512, 1024, 4096][(self.0 >> 33) as usize % 10]
    }
}

/// Feeds `x` in host-like blocks; a snapshot after every whole second: `(secs, snapshot)`.
fn play(live: &mut LiveAnalyzer, x: &[f32], seed: u64) -> Vec<LiveSnapshot> {
    let mut blocks = Blocks(seed);
    let mut out = Vec::new();
    let mut i = 0;
    let mut next = live.secs().floor() + 1.0;
    while i < x.len() {
        let j = (i + blocks.next()).min(x.len());
        live.push(&x[i..j]);
        i = j;
        if live.secs() >= next {
            out.push(live.snapshot());
            next += 1.0;
        }
    }
    out
}

fn offline(rate: u32, x: &[f32]) -> (f64, String) {
    let mut a = Analyzer::new(rate, 1, AnalysisConfig::default()).expect("analyser");
    for c in x.chunks(4096) {
        a.push(&[c]);
    }
    let (an, _, _) = a.finish();
    (
        an.rhythm.tempo_bpm_global.expect("bpm"),
        an.tonal.harmony.key.expect("key"),
    )
}

/// First second from which every snapshot satisfies `ok`.
fn locked_from(snaps: &[LiveSnapshot], ok: impl Fn(&LiveSnapshot) -> bool) -> Option<f64> {
    let last_bad = snaps.iter().rposition(|s| !ok(s));
    match last_bad {
        None => snaps.first().map(|s| s.track_secs),
        Some(i) => snaps.get(i + 1).map(|s| s.track_secs),
    }
}

#[test]
fn live_ends_where_the_offline_analysis_is_and_locks_fast() {
    for (title, bpm, root, minor, groove) in [
        ("Live House", 124.0, 9u8, true, Groove::FourOnTheFloor),
        ("Live Hop", 88.0, 2, false, Groove::HipHop),
        ("Live Breaks", 172.0, 7, true, Groove::HalfTimeFeel),
    ] {
        // 40 bars: intro (tonic chord only, its mode unclear), main, breakdown, drop, outro.
        let mut spec = TrackSpec::new(title, bpm, root, minor, groove);
        spec.bars = 40;
        let (rate, x) = mono(&spec);
        let (off_bpm, off_key) = offline(rate, &x);
        let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
        play(&mut live, &x, 7);
        let end = live.snapshot();
        let live_bpm = end.bpm.expect("live bpm");
        assert!(
            (live_bpm / off_bpm - 1.0).abs() < 0.005,
            "{title}: live {live_bpm} vs offline {off_bpm}"
        );
        assert_eq!(end.key.as_deref(), Some(off_key.as_str()), "{title}");
        let truth_key = Key::new(root, minor).name();
        assert_eq!(end.key.as_deref(), Some(truth_key.as_str()), "{title}");
        assert_eq!(end.camelot, Some(Key::new(root, minor).camelot_code()));
        // Convergence from the first bar of harmony: 16 bars (main, drop) without the intro.
        spec.bars = 16;
        let (rate, x) = mono(&spec);
        let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
        let snaps = play(&mut live, &x, 5);
        let bpm_lock = locked_from(&snaps, |s| {
            s.bpm.is_some_and(|b| (b / bpm - 1.0).abs() < 0.01)
        });
        let key_lock = locked_from(&snaps, |s| s.key.as_deref() == Some(truth_key.as_str()));
        println!("{title}: BPM locked at {bpm_lock:?} s, key at {key_lock:?} s");
        assert!(
            bpm_lock.is_some_and(|t| t <= 8.0),
            "{title}: BPM lock {bpm_lock:?}"
        );
        assert!(
            key_lock.is_some_and(|t| t <= 15.0),
            "{title}: key lock {key_lock:?}"
        );
        // Loudness and energy are there once 3 s have played.
        let s = &snaps[5];
        assert!(s.lufs_short.is_some_and(|l| l > -40.0 && l < 0.0), "{s:?}");
        assert!(s.energy.is_some_and(|e| (0.0..=1.0).contains(&e)));
        // The beat phase points at the beats: the next beat is within one period.
        let period = 60.0 / bpm;
        assert!(end
            .next_beat_secs
            .is_some_and(|n| (0.0..=period + 1e-9).contains(&n)));
        assert!(end.beat_in_bar.is_some_and(|b| b < 4));
    }
}

#[test]
fn the_beat_phase_matches_the_generated_grid() {
    let spec = TrackSpec::new("Live Grid", 120.0, 0, false, Groove::FourOnTheFloor);
    let (rate, x) = mono(&spec);
    let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
    // Stop 20.25 s in: beats every 0.5 s from 0, so a quarter of a beat after beat 40.
    let stop = (20.25 * rate as f64) as usize;
    play(&mut live, &x[..stop], 3);
    let s = live.snapshot();
    let phase = s.beat_phase.expect("phase");
    let d = (phase - 0.5).abs();
    assert!(d < 0.05, "phase {phase}");
    // Beat 40 is the first beat of bar 11 (bars of 4 from 0 s).
    assert_eq!(s.beat_in_bar, Some(0), "{s:?}");
}

#[test]
fn a_deck_silent_before_play_keeps_the_beat_phase() {
    // The same grid after 4.25 s of silence (a deck loaded before the DJ presses play).
    // After 2 s of silence the analysis idles: only the clock runs and no frames are kept.
    // Counted from the stream's start, the first track's beats came 2.25 s (4.5 beats)
    // early: the read-out showed the off-beat. Its clock starts with the sound.
    let spec = TrackSpec::new("Live Grid", 120.0, 0, false, Groove::FourOnTheFloor);
    let (rate, music) = mono(&spec);
    let lead = (4.25 * rate as f64) as usize;
    let mut x = vec![0.0f32; lead];
    x.extend_from_slice(&music[..(20.25 * rate as f64) as usize]);
    let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
    let snaps = play(&mut live, &x, 5);
    assert!(
        snaps[..4].iter().all(|s| s.silent),
        "the lead-in reads silent"
    );
    let s = live.snapshot();
    let phase = s.beat_phase.expect("phase");
    assert!((phase - 0.5).abs() < 0.05, "phase {phase}");
    assert_eq!(s.beat_in_bar, Some(0), "{s:?}");
    assert_eq!(s.track, 1, "the first sound is the first track: {s:?}");
    assert!((s.track_secs - 20.25).abs() < 0.05, "{s:?}");
}
#[test]
fn a_new_track_after_silence_restarts_and_relocks() {
    let a = TrackSpec::new("Deck One", 128.0, 9, true, Groove::FourOnTheFloor);
    let mut b = TrackSpec::new("Deck Two", 96.0, 4, false, Groove::Breakbeat);
    b.bars = 24;
    let (rate, xa) = mono(&a);
    let (rb, xb) = mono(&b);
    assert_eq!(rate, rb);
    let mut x = xa;
    x.extend(std::iter::repeat_n(0.0, 3 * rate as usize));
    x.extend(xb);
    let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
    let snaps = play(&mut live, &x, 11);
    let second: Vec<LiveSnapshot> = snaps.iter().filter(|s| s.track == 2).cloned().collect();
    assert!(!second.is_empty(), "no track change seen");
    assert!(snaps.iter().any(|s| s.silent && s.track == 1));
    let truth_key = Key::new(4, false).name();
    let bpm_lock = locked_from(&second, |s| {
        s.bpm.is_some_and(|v| (v / 96.0 - 1.0).abs() < 0.01)
    });
    let key_lock = locked_from(&second, |s| s.key.as_deref() == Some(truth_key.as_str()));
    println!("after the switch: BPM locked at {bpm_lock:?} s, key at {key_lock:?} s");
    assert!(bpm_lock.is_some_and(|t| t <= 8.0), "{bpm_lock:?}");
    assert!(key_lock.is_some_and(|t| t <= 15.0), "{key_lock:?}");
}

#[test]
fn silence_nan_and_rate_changes_are_handled() {
    for rate in [22_050u32, 44_100, 48_000, 96_000] {
        let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
        let mut x = vec![0.0f32; rate as usize * 5];
        x[100] = f32::NAN;
        x[200] = f32::INFINITY;
        live.push(&x);
        let s = live.snapshot();
        assert_eq!(s.bpm, None);
        assert_eq!(s.key, None);
        assert!(s.silent && live.is_idle());
        assert!((s.t - 5.0).abs() < 1e-6);
        // An empty block is fine.
        live.push(&[]);
    }
    assert!(LiveAnalyzer::new(0, LiveConfig::default()).is_err());
}

#[test]
fn memory_stays_bounded_on_a_long_stream() {
    // Two minutes of an 8-bar loop through short windows: the frames held stay within
    // twice the longest window, and the snapshot still reads the loop's tempo.
    let mut spec = TrackSpec::new("Endless", 125.0, 5, true, Groove::FourOnTheFloor);
    spec.bars = 8;
    let (rate, x) = mono(&spec);
    let config = LiveConfig {
        rhythm_window_secs: 10.0,
        key_window_secs: 20.0,
        ..LiveConfig::default()
    };
    let mut live = LiveAnalyzer::new(rate, config).expect("live");
    let loops = (120.0 * rate as f64 / x.len() as f64).ceil() as usize;
    for _ in 0..loops {
        for c in x.chunks(2048) {
            live.push(c);
        }
    }
    assert!(live.secs() >= 120.0);
    assert!(live.held_secs() <= 40.5, "{}", live.held_secs());
    let s = live.snapshot();
    assert!(
        s.bpm.is_some_and(|b| (b / 125.0 - 1.0).abs() < 0.01),
        "{s:?}"
    );
}

/// `x` without its silent head and tail (below -60 dBFS).
fn trimmed(x: &[f32]) -> &[f32] {
    let loud = |v: &&f32| v.abs() >= 1e-3;
    let first = x.iter().position(|v| loud(&v)).unwrap_or(0);
    let last = x.iter().rposition(|v| loud(&v)).map_or(x.len(), |i| i + 1);
    &x[first..last]
}

#[test]
fn a_new_track_without_silence_is_found_by_its_tempo_and_the_window_features_follow() {
    let mut a = TrackSpec::new("Mix One", 124.0, 9, true, Groove::FourOnTheFloor);
    a.bars = 32;
    let mut b = TrackSpec::new("Mix Two", 100.0, 4, false, Groove::HipHop);
    b.bars = 24;
    let (rate, xa) = mono(&a);
    let (_, xb) = mono(&b);
    let (xa, xb) = (trimmed(&xa), trimmed(&xb));
    let mut x = xa.to_vec();
    x.extend_from_slice(xb);
    let switch = xa.len() as f64 / f64::from(rate);
    let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
    let snaps = play(&mut live, &x, 5);
    // One track through A (no false change on a steady track), a second after the switch.
    let first_change = snaps
        .iter()
        .find(|s| s.track == 2)
        .expect("no track change");
    assert!(snaps.iter().all(|s| s.track <= 2), "more than one change");
    assert!(!snaps.iter().any(|s| s.silent), "the mix has no silence");
    let found_after = first_change.t - switch;
    println!(
        "new track found {found_after:.1} s after the switch; it starts {:.1} s before",
        first_change.track_secs
    );
    assert!(
        (0.0..=16.0).contains(&found_after),
        "found {found_after} s after the switch"
    );
    // The restarted track begins near the switch.
    let start = first_change.t - first_change.track_secs;
    assert!(
        (start - switch).abs() <= 6.0,
        "track 2 starts at {start}, the switch at {switch}"
    );
    let last = snaps.last().unwrap();
    assert!(
        last.bpm.is_some_and(|v| (v / 100.0 - 1.0).abs() < 0.01),
        "{last:?}"
    );
    assert_eq!(last.key, Some(Key::new(4, false).name()), "{last:?}");

    // The window's feature vector is track B's: as the offline analysis of B's last
    // 30 s measures it, with the live tempo and key.
    let features = live.window_analysis(last).expect("window analysis");
    let tail = &xb[xb.len() - 30 * rate as usize..];
    let mut off = Analyzer::new(rate, 1, AnalysisConfig::default()).expect("analyser");
    off.push(&[tail]);
    let (off, _, _) = off.finish();
    assert_eq!(features.rhythm.tempo_bpm_global, last.bpm);
    assert_eq!(features.tonal.harmony.key, last.key);
    let (lc, oc) = (
        features.tonal.spectral_centroid.mean.unwrap(),
        off.tonal.spectral_centroid.mean.unwrap(),
    );
    assert!((lc / oc - 1.0).abs() < 0.02, "centroid {lc} vs {oc}");
    let (ll, ol) = (features.dynamics.lufs.unwrap(), off.dynamics.lufs.unwrap());
    assert!((ll - ol).abs() < 0.5, "lufs {ll} vs {ol}");
    assert!(features.mood.energy.is_some());
    // Before 5 s of a track there is no window vector.
    let mut fresh = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
    fresh.push(&xb[..4 * rate as usize]);
    assert!(fresh.window_analysis(&fresh.snapshot()).is_none());
}

#[test]
fn short_gaps_between_notes_do_not_read_as_silence() {
    // 40 ms notes every half second (staccato): most 512-frame blocks between them are
    // below -60 dBFS. The read-out says "silent" only after half a second of silence.
    let rate = 44_100u32;
    let mut x = vec![0.0f32; rate as usize * 10];
    for k in 0..20 {
        let start = k * rate as usize / 2;
        for i in 0..(0.04 * f64::from(rate)) as usize {
            let t = i as f64 / f64::from(rate);
            x[start + i] = (0.5 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as f32;
        }
    }
    let mut live = LiveAnalyzer::new(rate, LiveConfig::default()).expect("live");
    let mut silent_while_playing = 0;
    for block in x.chunks(512) {
        live.push(block);
        let s = live.snapshot();
        if s.t < 9.5 && s.silent {
            silent_while_playing += 1;
        }
    }
    assert_eq!(silent_while_playing, 0, "read silent between notes");
    // The last note ends at 9.54 s: 0.46 s later the deck is not silent yet, 0.56 s later it is.
    assert!(!live.snapshot().silent);
    live.push(&vec![0.0f32; rate as usize / 10]);
    assert!(live.snapshot().silent);
}
