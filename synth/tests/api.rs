//! API-level tests: timing truth, determinism, stereo, levels, swing, sets, WAV, EBU.

use aidj_synth::arrangement::{self, Drum, SectionKind};
use aidj_synth::signals::{self, db_to_amp};
use aidj_synth::{
    demo_library, ebu3341, hat_onset_times, key_test_set, render, tempo_test_set, Groove,
    StereoImage, TrackSpec,
};

fn short(groove: Groove) -> TrackSpec {
    TrackSpec::new("Unit", 124.0, 9, true, groove).with_bars(8)
}

fn rms(v: &[f32]) -> f64 {
    (v.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / v.len() as f64).sqrt()
}

#[test]
fn durations_and_frames_match_spec() {
    for g in [Groove::FourOnTheFloor, Groove::HalfTimeFeel] {
        let spec = short(g).with_start_offset(0.5).with_sample_rate(22_050);
        let a = render(&spec);
        let want = 0.5 + 8.0 * 4.0 * 60.0 / 124.0;
        assert!((spec.duration_secs() - want).abs() < 1e-12);
        assert_eq!(a.frames(), (want * 22_050.0).round() as usize);
        assert_eq!(a.frames(), spec.frames());
        assert_eq!(a.channels.len(), 2);
        assert_eq!(a.channels[1].len(), a.frames());
        assert!((a.duration_secs() - want).abs() < 1.0 / 22_050.0);
        assert_eq!(a.interleaved().len(), 2 * a.frames());
    }
}

#[test]
fn nothing_before_start_offset() {
    let spec = short(Groove::Breakbeat).with_start_offset(0.75);
    let a = render(&spec);
    let first = (0.75 * 44_100.0) as usize - 1;
    assert!(a.channels.iter().all(|c| c[..first].iter().all(|&x| x == 0.0)));
    assert!(a.channels[0][first + 1..first + 200].iter().any(|&x| x != 0.0));
}

#[test]
fn beat_grid_truth() {
    let spec = TrackSpec::new("Grid", 97.3, 2, false, Groove::Breakbeat)
        .with_bars(20)
        .with_start_offset(0.3);
    let beats = spec.beat_times();
    assert_eq!(beats.len(), 80);
    assert!((beats[0] - 0.3).abs() < 1e-12);
    for w in beats.windows(2) {
        assert!((w[1] - w[0] - 60.0 / 97.3).abs() < 1e-9);
    }
    let downs = spec.downbeat_times();
    assert_eq!(downs.len(), 20);
    for (i, d) in downs.iter().enumerate() {
        assert!((d - beats[4 * i]).abs() < 1e-12);
    }
    let phrases = spec.phrase_starts_secs();
    assert_eq!(phrases.len(), 3);
    for (i, p) in phrases.iter().enumerate() {
        assert!((p - downs[8 * i]).abs() < 1e-12);
    }
    assert!((spec.beat_period_secs() - 60.0 / 97.3).abs() < 1e-12);
}

#[test]
fn sections_layouts() {
    let kinds = |bars| {
        arrangement::sections(&TrackSpec::new("S", 120.0, 0, false, Groove::Sparse).with_bars(bars))
            .iter()
            .map(|s| s.kind)
            .collect::<Vec<_>>()
    };
    use SectionKind::*;
    assert_eq!(kinds(8), vec![Main]);
    assert_eq!(kinds(12), vec![Main, Drop]);
    assert_eq!(kinds(32), vec![Intro, Main, Breakdown, Drop]);
    assert_eq!(kinds(48), vec![Intro, Main, Breakdown, Drop, Breakdown, Outro]);
}

#[test]
fn kicks_follow_groove_truth() {
    let spec = TrackSpec::new("K", 120.0, 0, false, Groove::FourOnTheFloor).with_bars(16);
    let kicks = arrangement::kick_onset_times(&spec);
    let beats = spec.beat_times();
    assert_eq!(kicks.len(), beats.len());
    for (k, b) in kicks.iter().zip(&beats) {
        assert!((k - b).abs() < 1e-9);
    }
    // Sparse: kicks on beats 1 and 3 only (main section).
    let spec = TrackSpec::new("K", 160.0, 0, false, Groove::Sparse).with_bars(8);
    let kicks = arrangement::kick_onset_times(&spec);
    assert_eq!(kicks.len(), 16);
    for (i, k) in kicks.iter().enumerate() {
        assert!((k - spec.beat_times()[2 * i]).abs() < 1e-9);
    }
    // DnB two-step: kick on 1 and the "and" of 3, snare on 2 and 4.
    let spec = TrackSpec::new("K", 174.0, 0, false, Groove::HalfTimeFeel).with_bars(8);
    let t = spec.beat_period_secs();
    let hits = arrangement::drum_hits(&spec);
    let bar0: Vec<_> = hits.iter().filter(|h| h.time_secs < 4.0 * t - 1e-9).collect();
    let at = |d: Drum| -> Vec<f64> {
        bar0.iter().filter(|h| h.drum == d).map(|h| h.time_secs / t).collect()
    };
    assert_eq!(at(Drum::Kick), vec![0.0, 2.5]);
    assert_eq!(at(Drum::Snare), vec![1.0, 3.0]);
}

#[test]
fn deterministic_and_seed_sensitive() {
    let spec = short(Groove::HipHop).with_bars(4);
    let a = render(&spec);
    let b = render(&spec);
    assert_eq!(a.channels, b.channels);
    let c = render(&spec.clone().with_seed(spec.seed ^ 1));
    assert_ne!(a.channels, c.channels);
}

#[test]
fn stereo_images() {
    let base = short(Groove::FourOnTheFloor).with_bars(4);
    let m = render(&base.clone().with_stereo(StereoImage::Mono));
    assert_eq!(m.channels[0], m.channels[1]);
    let l = render(&base.clone().with_stereo(StereoImage::LeftOnly));
    assert!(l.channels[1].iter().all(|&x| x == 0.0));
    assert!(rms(&l.channels[0]) > 0.01);
    let w = render(&base.with_stereo(StereoImage::Wide { side_gain: 0.5 }));
    assert_ne!(w.channels[0], w.channels[1]);
    let side: Vec<f32> = w.channels[0]
        .iter()
        .zip(&w.channels[1])
        .map(|(a, b)| 0.5 * (a - b))
        .collect();
    let mid: Vec<f32> = w.channels[0]
        .iter()
        .zip(&w.channels[1])
        .map(|(a, b)| 0.5 * (a + b))
        .collect();
    let ratio = rms(&side) / rms(&mid);
    assert!(ratio > 0.01 && ratio < 0.7, "side/mid {ratio}");
}

#[test]
fn peak_matches_peak_dbfs() {
    for (db, st) in [
        (-1.0, StereoImage::Wide { side_gain: 0.3 }),
        (-6.0, StereoImage::Mono),
        (-0.1, StereoImage::LeftOnly),
    ] {
        let a = render(&short(Groove::Sparse).with_bars(4).with_peak_dbfs(db).with_stereo(st));
        let got = 20.0 * a.peak().log10();
        assert!((got - db).abs() < 0.01, "{got} vs {db}");
    }
}

/// Fractional part, mapping values a hair below an integer to 0.
fn frac(x: f64) -> f64 {
    let f = x.fract();
    if f > 1.0 - 1e-9 {
        0.0
    } else {
        f
    }
}

#[test]
fn swing_places_offbeat_hats() {
    // 8th swing (Breakbeat hats are 8ths): onsets at 0 or 2/3 of each beat.
    let spec = TrackSpec::new("Sw", 100.0, 0, false, Groove::Breakbeat)
        .with_bars(8)
        .with_swing(2.0);
    let t = spec.beat_period_secs();
    let hats = hat_onset_times(&spec);
    assert_eq!(hats.len(), 64);
    let mut late = 0;
    for h in &hats {
        let f = frac(h / t);
        assert!(f.abs() < 1e-9 || (f - 2.0 / 3.0).abs() < 1e-9, "{f}");
        late += usize::from(f > 0.5);
    }
    assert_eq!(late, 32);
    // 16th swing (house hats are 16ths): second 16th of each 8th at 2/3 of the pair.
    let spec = TrackSpec::new("Sw", 124.0, 0, false, Groove::FourOnTheFloor)
        .with_bars(8)
        .with_swing(2.0);
    let d = spec.beat_period_secs() / 2.0;
    let hats = hat_onset_times(&spec);
    assert_eq!(hats.len(), 8 * 16);
    for h in &hats {
        let f = frac(h / d);
        assert!(f.abs() < 1e-9 || (f - 2.0 / 3.0).abs() < 1e-9, "{f}");
    }
    // Straight: evenly spaced 16ths.
    let straight = hat_onset_times(&spec.clone().with_swing(1.0));
    for w in straight.windows(2) {
        assert!((w[1] - w[0] - d / 2.0).abs() < 1e-9);
    }
}

#[test]
fn rendered_hats_are_where_the_truth_says() {
    // Hats-only check: high-frequency energy right after a claimed hat onset is larger
    // than just before it.
    let spec = TrackSpec::new("HatPos", 100.0, 0, false, Groove::Sparse)
        .with_bars(8)
        .with_swing(2.0)
        .with_stereo(StereoImage::Mono);
    let a = render(&spec);
    let x = &a.channels[0];
    let sr = 44_100.0;
    let hf = |s: usize, e: usize| -> f64 {
        x[s..e]
            .windows(2)
            .map(|w| f64::from(w[1] - w[0]).powi(2))
            .sum::<f64>()
    };
    for &t in hat_onset_times(&spec).iter().skip(1).take(20) {
        let i = (t * sr).round() as usize;
        assert!(hf(i, i + 200) > 4.0 * hf(i - 300, i - 100), "no onset at {t}");
    }
}

#[test]
fn sets_cover_the_ranges() {
    let keys = key_test_set();
    assert_eq!(keys.len(), 24);
    let mut pairs: Vec<(u8, bool)> = keys.iter().map(|s| (s.key_root, s.minor)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    assert_eq!(pairs.len(), 24);
    for s in &keys {
        assert!((90.0..=130.0).contains(&s.bpm));
        let d = s.duration_secs();
        assert!((24.0..=32.01).contains(&d), "{} {d}", s.title);
    }
    let mut progs: Vec<&str> = keys.iter().map(arrangement::progression_name).collect();
    progs.sort_unstable();
    progs.dedup();
    assert_eq!(progs.len(), 9, "all progressions used");

    let tempos = tempo_test_set();
    assert!(tempos.len() >= 12);
    let min = tempos.iter().map(|s| s.bpm).fold(f64::MAX, f64::min);
    let max = tempos.iter().map(|s| s.bpm).fold(0.0, f64::max);
    assert_eq!((min, max), (70.0, 180.0));
    for s in &tempos {
        let d = s.duration_secs();
        assert!((19.9..=31.5).contains(&d), "{} {d}", s.title);
    }
    assert!(tempos.iter().any(|s| s.bpm.fract() != 0.0));

    let demo = demo_library();
    assert!(demo.len() >= 8);
    for s in &demo {
        let d = s.duration_secs();
        assert!((30.0..=48.0).contains(&d), "{} {d}", s.title);
        assert_ne!(s.stereo, StereoImage::LeftOnly);
    }
    assert!(demo.iter().any(|s| s.tuning_cents >= 30.0));
    assert!(demo.iter().any(|s| (1.6..=2.0).contains(&s.swing)));
    assert!(demo.iter().any(|s| s.stereo == StereoImage::Mono));
    assert!(demo.iter().any(|s| s.minor) && demo.iter().any(|s| !s.minor));
}

#[test]
fn key_names() {
    assert_eq!(TrackSpec::new("a", 120.0, 1, false, Groove::Sparse).key_name(), "C# major");
    assert_eq!(TrackSpec::new("a", 120.0, 9, true, Groove::Sparse).key_name(), "A minor");
    assert_eq!(TrackSpec::new("a", 120.0, 22, true, Groove::Sparse).key_name(), "A# minor");
}

#[test]
fn wav_round_trip() {
    let spec = short(Groove::Breakbeat).with_bars(2).with_sample_rate(22_050);
    let a = render(&spec);
    let dir = std::env::temp_dir();
    let p16 = dir.join(format!("aidj-synth-test-{}-16.wav", std::process::id()));
    let p32 = dir.join(format!("aidj-synth-test-{}-32.wav", std::process::id()));
    a.write_wav(&p16).expect("write 16");
    a.write_wav_f32(&p32).expect("write f32");

    let mut r = hound::WavReader::open(&p16).expect("open 16");
    let s = r.spec();
    assert_eq!((s.channels, s.sample_rate, s.bits_per_sample), (2, 22_050, 16));
    let got: Vec<i16> = r.samples::<i16>().map(|x| x.expect("sample")).collect();
    let want = a.interleaved();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert!((f32::from(*g) / 32767.0 - w).abs() <= 0.5 / 32767.0 + 1e-6);
    }

    let mut r = hound::WavReader::open(&p32).expect("open 32");
    assert_eq!(r.spec().sample_format, hound::SampleFormat::Float);
    let got: Vec<f32> = r.samples::<f32>().map(|x| x.expect("sample")).collect();
    assert_eq!(got, want);
    let _ = std::fs::remove_file(p16);
    let _ = std::fs::remove_file(p32);

    let bad = a.write_wav(&dir.join("no-such-dir-aidj").join("x.wav"));
    assert!(bad.is_err());
}

#[test]
fn signals_basics() {
    let s = signals::sine(1000.0, 0.5, 1.0, 48_000);
    assert_eq!(s.len(), 48_000);
    assert!((rms(&s) - 0.5 / 2f64.sqrt()).abs() < 1e-4);
    let n = signals::white_noise(0.3, 0.5, 48_000, 9);
    assert_eq!(n, signals::white_noise(0.3, 0.5, 48_000, 9));
    assert_ne!(n, signals::white_noise(0.3, 0.5, 48_000, 10));
    assert!(n.iter().all(|x| x.abs() <= 0.3));
    assert!((rms(&n) - 0.3 / 3f64.sqrt()).abs() < 0.01);
    assert!(signals::silence(0.25, 8000).iter().all(|&x| x == 0.0));
    assert_eq!(signals::silence(0.25, 8000).len(), 2000);
    assert!((db_to_amp(-6.0) - 0.501_187).abs() < 1e-5);
    let ms = signals::mid_side(&[1.0, 0.5], &[0.25], 8000);
    assert_eq!(ms.channels, vec![vec![1.25, 0.5], vec![0.75, 0.5]]);
}

#[test]
fn ebu_cases() {
    let c1 = ebu3341::case(1, 48_000);
    assert_eq!(c1.number, 1);
    assert_eq!(c1.expected_lufs, -23.0);
    assert_eq!(c1.audio.channels.len(), 2);
    assert_eq!(c1.audio.frames(), 20 * 48_000);
    let a = 10f64.powf(-23.0 / 20.0);
    for ch in &c1.audio.channels {
        assert!((rms(ch) - a / 2f64.sqrt()).abs() < 1e-6 * a);
    }
    let all = ebu3341::all(48_000);
    assert_eq!(all.len(), 6);
    assert_eq!(all[1].expected_lufs, -33.0);
    assert_eq!(all[4].audio.frames(), (60.1 * 48_000.0_f64).round() as usize);
    assert_eq!(all[3].audio.frames(), 100 * 48_000);
    assert_eq!(all[5].audio.channels.len(), 5);
    let c = &all[5].audio.channels;
    assert!((rms(&c[2]) / rms(&c[0]) - 10f64.powf(4.0 / 20.0)).abs() < 1e-4);
}
