//! Offline mixes of generated tracks with known beat grids: the join on a phrase start,
//! both tracks' beats on one clock, the tempo moving from A's to B's, loudness matched,
//! the true peak under the ceiling; bad input.

use std::path::{Path, PathBuf};

use aidj_analysis::features::loudness::LoudnessMeter;
use aidj_mixdown::layout::LayoutOptions;
use aidj_mixdown::{plan, render, Error, RenderOptions, Track};
use aidj_mixer::presets;
use aidj_synth::{render as synth, Groove, TrackSpec};

fn write(dir: &Path, spec: &TrackSpec, gain: f32) -> PathBuf {
    let audio = synth(spec);
    let path = dir.join(format!("{}.wav", spec.title.replace(' ', "_")));
    let wav = hound::WavSpec {
        channels: 2,
        sample_rate: audio.sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, wav).expect("wav");
    for i in 0..audio.frames() {
        w.write_sample(audio.channels[0][i] * gain).expect("write");
        w.write_sample(audio.channels[1][i] * gain).expect("write");
    }
    w.finalize().expect("finalize");
    path
}

fn spec(title: &str, bpm: f64, root: u8, minor: bool, bars: u32) -> TrackSpec {
    let mut s = TrackSpec::new(title, bpm, root, minor, Groove::FourOnTheFloor);
    s.bars = bars;
    s
}

/// The output time of every true beat of track `i` that plays in `range` of the output.
fn beats_out(
    layout: &aidj_mixdown::Layout,
    i: usize,
    truth: &[f64],
    range: (f64, f64),
) -> Vec<f64> {
    truth
        .iter()
        .filter_map(|&t| layout.output_secs_of(i, t))
        .filter(|&o| o >= range.0 && o <= range.1)
        .collect()
}

fn lufs(x: &[Vec<f32>; 2], rate: u32, from: f64, to: f64) -> f64 {
    let (a, b) = (
        (from * f64::from(rate)) as usize,
        (to * f64::from(rate)) as usize,
    );
    let mut m = LoudnessMeter::new(2, rate, false);
    m.push(&[&x[0][a..b], &x[1][a..b]]);
    m.integrated().expect("lufs")
}

#[test]
fn two_tracks_meet_on_a_phrase_with_their_beats_together_and_the_tempo_moves_from_a_to_b() {
    let dir = tempfile::tempdir().expect("tmp");
    let (sa, sb) = (
        spec("Mix A", 124.0, 9, true, 48),
        spec("Mix B", 128.0, 4, true, 40),
    );
    // B 9 dB quieter: the mix brings it to A's loudness.
    let (pa, pb) = (write(dir.path(), &sa, 1.0), write(dir.path(), &sb, 0.355));
    let a = Track::load(&pa, None, None).expect("A");
    let b = Track::load(&pb, None, Some(a.rate)).expect("B");
    let preset = presets::get(presets::index_of("Long blend").expect("preset")).expect("preset");
    let mut shape = preset.shape;
    shape.length_bars = 16.0;
    let opts = LayoutOptions {
        shape,
        at_secs: None,
        preview_bars: None,
    };
    let tracks = [a, b];
    let layout = plan(&tracks, tracks[0].rate, &opts).expect("plan");
    let rate = f64::from(layout.rate);
    let join = &layout.joins[0];
    let (start, end) = (join.start as f64 / rate, join.end() as f64 / rate);
    println!(
        "A out at {:.2} s, B in at {:.2} s; transition {start:.2}..{end:.2} s of {:.2} s; tempo {:?}",
        join.out_secs,
        join.in_secs,
        layout.len as f64 / rate,
        join.tempi()
    );
    // On a phrase start of A (the truth's), leaving 16 bars of A's music.
    let phrases = sa.phrase_starts_secs();
    assert!(
        phrases.iter().any(|&p| (p - join.out_secs).abs() < 0.02),
        "mix-out {} not on a phrase start {phrases:?}",
        join.out_secs
    );
    let bar_a = 4.0 * 60.0 / 124.0;
    assert!(sa.duration_secs() - join.out_secs >= 16.0 * bar_a - 0.1);
    assert!(
        phrases.iter().any(|&p| (p - join.in_secs).abs() < 0.02),
        "mix-in {}",
        join.in_secs
    );

    // During the transition every beat of A has a beat of B within 5 ms, downbeats too.
    let a_beats = beats_out(&layout, 0, &sa.beat_times(), (start - 0.01, end - 0.01));
    let b_beats = beats_out(&layout, 1, &sb.beat_times(), (start - 0.01, end + 0.01));
    assert!(
        a_beats.len() >= 60 && b_beats.len() >= 60,
        "{} {}",
        a_beats.len(),
        b_beats.len()
    );
    // (B's first beat may sit a hair before its mix-in, where it is not yet playing.)
    let worst = a_beats[1..]
        .iter()
        .map(|&t| {
            b_beats
                .iter()
                .map(|&u| (u - t).abs())
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max);
    println!(
        "worst beat offset A/B in the transition: {:.2} ms",
        worst * 1e3
    );
    assert!(worst < 0.005, "beats {:.1} ms apart", worst * 1e3);
    let a_downs = beats_out(&layout, 0, &sa.downbeat_times(), (start, end));
    let b_downs = beats_out(&layout, 1, &sb.downbeat_times(), (start, end));
    assert!(a_downs
        .iter()
        .all(|&t| b_downs.iter().any(|&u| (u - t).abs() < 0.005)));
    // The first beat of the transition is A's phrase start; the tempo moves from 124 to 128.
    assert!((a_beats[0] - start).abs() < 0.005);
    let first = 60.0 / (a_beats[1] - a_beats[0]);
    let last = 60.0 / (b_beats[b_beats.len() - 1] - b_beats[b_beats.len() - 2]);
    assert!(
        (first / 124.0 - 1.0).abs() < 0.003,
        "tempo at the start {first}"
    );
    assert!(
        (last / 128.0 - 1.0).abs() < 0.003,
        "tempo at the end {last}"
    );

    // Render: the preset through the mixer, B matched to A, the true peak under -1 dBTP.
    let mut seen = Vec::new();
    let out = render(&tracks, &layout, &RenderOptions::default(), &mut |p| {
        seen.push(p)
    })
    .expect("render");
    assert_eq!(out.audio[0].len() as u64, layout.len);
    assert!(seen.last() == Some(&1.0));
    assert!(out
        .audio
        .iter()
        .flatten()
        .all(|x| x.is_finite() && x.abs() < 1.0));
    let tp = out.true_peak_dbtp.expect("tp");
    assert!(tp <= -1.0, "true peak {tp}");
    assert!(
        (out.track_gains_db[1] - 9.0).abs() < 1.0,
        "{:?}",
        out.track_gains_db
    );
    let la = lufs(&out.audio, out.rate, 5.0, start - 1.0);
    let lb = lufs(
        &out.audio,
        out.rate,
        end + 1.0,
        layout.len as f64 / rate - 3.0,
    );
    println!(
        "A alone {la:.2} LUFS, B alone {lb:.2} LUFS, whole {:?} LUFS, true peak {tp:.2} dBTP",
        out.lufs
    );
    assert!((la - lb).abs() < 1.0, "A {la} vs B {lb}");
}

#[test]
fn a_set_of_three_alternates_the_decks_and_a_preview_renders_only_the_join() {
    let dir = tempfile::tempdir().expect("tmp");
    let specs = [
        spec("Set One", 122.0, 9, true, 40),
        spec("Set Two", 125.0, 4, true, 40),
        spec("Set Three", 127.0, 11, true, 40),
    ];
    let tracks: Vec<Track> = specs
        .iter()
        .map(|s| Track::load(&write(dir.path(), s, 0.8), None, Some(44_100)).expect("track"))
        .collect();
    let mut shape = presets::get(0).expect("preset").shape;
    shape.length_bars = 8.0;
    let opts = LayoutOptions {
        shape,
        at_secs: None,
        preview_bars: None,
    };
    let layout = plan(&tracks, 44_100, &opts).expect("plan");
    assert_eq!(layout.joins.len(), 2);
    assert_ne!(layout.joins[0].direction, layout.joins[1].direction);
    assert!(layout.joins[0].end() < layout.joins[1].start);
    // Track 2 plays from the first join's start to the second join's end, nowhere else.
    assert!(layout.source_secs(1, layout.joins[0].start - 1).is_none());
    assert!(layout.source_secs(1, layout.joins[1].end()).is_none());
    assert!(layout.source_secs(2, layout.joins[1].start).is_some());

    let preview = plan(
        &tracks[..2],
        44_100,
        &LayoutOptions {
            preview_bars: Some(4.0),
            ..opts
        },
    )
    .expect("preview");
    let secs = preview.len as f64 / 44_100.0;
    let bars = 4.0 * 60.0 / 123.5;
    // 4 + 8 + 4 bars.
    assert!(
        (secs / (16.0 * bars) - 1.0).abs() < 0.03,
        "preview {secs} s"
    );
}

#[test]
fn bad_input_gets_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let missing = dir.path().join("nope.wav");
    let e = Track::load(&missing, None, None).expect_err("missing");
    assert!(
        e.to_string().contains("nope.wav") && e.to_string().contains("no such file"),
        "{e}"
    );
    let junk = dir.path().join("junk.mp3");
    std::fs::write(&junk, b"this is not audio").expect("write");
    let e = Track::load(&junk, None, None).expect_err("junk");
    assert!(
        e.to_string().starts_with(&junk.display().to_string()),
        "{e}"
    );
    assert!(!e.to_string().contains('\n'));

    // B shorter than the transition.
    let a = Track::load(
        &write(dir.path(), &spec("Long", 124.0, 9, true, 32), 1.0),
        None,
        None,
    )
    .expect("A");
    let b = Track::load(
        &write(dir.path(), &spec("Short", 124.0, 9, true, 4), 1.0),
        None,
        Some(a.rate),
    )
    .expect("B");
    let mut shape = presets::get(0).expect("preset").shape;
    shape.length_bars = 16.0;
    let opts = LayoutOptions {
        shape,
        at_secs: None,
        preview_bars: None,
    };
    let e = plan(&[a.clone(), b], a.rate, &opts).expect_err("too short");
    assert!(matches!(e, Error::TooShort { .. }), "{e}");
    assert!(e.to_string().contains("Short.wav"), "{e}");
    let e = plan(
        &[a.clone(), a.clone()],
        a.rate,
        &LayoutOptions {
            at_secs: Some(999.0),
            ..opts
        },
    )
    .expect_err("at");
    assert!(e.to_string().contains("--at"), "{e}");
    assert!(plan(&[a], 44_100, &opts).is_err());
}

#[test]
fn keylock_renders_with_the_feature_and_says_why_not_without_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = Track::load(
        &write(dir.path(), &spec("Key A", 124.0, 9, true, 24), 1.0),
        None,
        None,
    )
    .expect("A");
    let b = Track::load(
        &write(dir.path(), &spec("Key B", 131.0, 9, true, 24), 1.0),
        None,
        Some(a.rate),
    )
    .expect("B");
    let mut shape = presets::get(0).expect("preset").shape;
    shape.length_bars = 8.0;
    let opts = LayoutOptions {
        shape,
        at_secs: None,
        preview_bars: Some(2.0),
    };
    let tracks = [a, b];
    let layout = plan(&tracks, tracks[0].rate, &opts).expect("plan");
    let keylock = RenderOptions {
        keylock: true,
        ..RenderOptions::default()
    };
    let result = render(&tracks, &layout, &keylock, &mut |_| {});
    if cfg!(feature = "keylock") {
        let out = result.expect("keylock render");
        let plain =
            render(&tracks, &layout, &RenderOptions::default(), &mut |_| {}).expect("render");
        assert_eq!(out.audio[0].len(), plain.audio[0].len());
        assert!(out.audio.iter().flatten().all(|x| x.is_finite()));
        assert!(out.true_peak_dbtp.expect("tp") <= -1.0);
        // Before the join both are the same track, unstretched (up to the ceiling gain).
        let r = out.rate as usize;
        let (gk, gp) = (
            10f32.powf(out.ceiling_gain_db as f32 / 20.0),
            10f32.powf(plain.ceiling_gain_db as f32 / 20.0),
        );
        let worst = out.audio[0][..r / 2]
            .iter()
            .zip(&plain.audio[0][..r / 2])
            .map(|(k, p)| (k / gk - p / gp).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-5,
            "keylock changed the audio before the join by {worst}"
        );
    } else {
        let e = result.expect_err("no keylock in this build");
        assert!(matches!(e, Error::NoKeylock), "{e}");
        assert!(e.to_string().contains("--features keylock"));
    }
}
