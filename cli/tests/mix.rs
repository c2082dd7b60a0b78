//! `aidj mix` end to end: two tracks, a playlist with its cue sheet, the defaults file, and
//! bad input (one clear line, no partial output left behind).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aidj_synth::{render, Groove, TrackSpec};

fn aidj(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aidj"))
        .env("AIDJ_CONFIG", config)
        .args(args)
        .output()
        .expect("run aidj")
}

fn track(dir: &Path, name: &str, bpm: f64, bars: u32) -> PathBuf {
    track_at(dir, name, bpm, bars, 1.0)
}

/// A generated track at `gain` times its level.
fn track_at(dir: &Path, name: &str, bpm: f64, bars: u32, gain: f32) -> PathBuf {
    let mut spec = TrackSpec::new(name, bpm, 9, true, Groove::FourOnTheFloor);
    spec.bars = bars;
    spec.sample_rate = 22_050;
    let path = dir.join(format!("{name}.wav"));
    let mut audio = render(&spec);
    audio.channels.iter_mut().flatten().for_each(|x| *x *= gain);
    audio.write_wav(&path).expect("wav");
    path
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Files in `dir` (names), to see that nothing half-written stays behind.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn two_tracks_a_set_and_the_defaults_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let config = d.join("config.toml");
    // The defaults file sets the transition: 8 bars of "Bass swap".
    std::fs::write(&config, "preset = \"Bass swap\"\nbars = 8\n").expect("config");
    let a = track(d, "one", 124.0, 32);
    let b = track(d, "two", 126.0, 32);
    track(d, "three", 128.0, 32); // the set's third track
    let out = d.join("mix.wav");
    let o = aidj(
        &config,
        &["mix", s(&a), s(&b), "--out", s(&out), "--preview"],
    );
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("Bass swap, 8 bars"), "{stdout}");
    assert!(stdout.contains("phrase start"), "{stdout}");
    assert!(stderr.contains("true peak"), "{stderr}");
    let wav = hound::WavReader::open(&out).expect("wav");
    let spec = wav.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 22_050, 24)
    );
    let secs = f64::from(wav.duration()) / 22_050.0;
    // 4 + 8 + 4 bars at about 125 BPM.
    assert!(
        (secs / (16.0 * 4.0 * 60.0 / 125.0) - 1.0).abs() < 0.05,
        "{secs} s"
    );
    // The flag beats the file.
    let o = aidj(
        &config,
        &[
            "mix",
            s(&a),
            s(&b),
            "--out",
            s(&out),
            "--preview",
            "--overwrite",
            "--bars",
            "4",
        ],
    );
    assert!(text(&o).0.contains("Bass swap, 4 bars"), "{:?}", text(&o));
    // Existing output, no --overwrite: refused, the file kept.
    let before = std::fs::read(&out).expect("read");
    let o = aidj(&config, &["mix", s(&a), s(&b), "--out", s(&out)]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("--overwrite"), "{:?}", text(&o));
    assert_eq!(std::fs::read(&out).expect("read"), before);

    // A set: the WAV and its cue sheet.
    let m3u = d.join("set.m3u");
    std::fs::write(&m3u, "#EXTM3U\none.wav\n# a comment\ntwo.wav\nthree.wav\n").expect("m3u");
    let set = d.join("set.wav");
    let o = aidj(&config, &["mix", "--playlist", s(&m3u), "--out", s(&set)]);
    assert!(o.status.success(), "{:?}", text(&o));
    let cue = std::fs::read_to_string(d.join("set.cue")).expect("cue");
    assert!(
        cue.contains("TRACK 03 AUDIO") && cue.contains("TITLE \"three\""),
        "{cue}"
    );
}

#[test]
fn bad_input_gets_one_line_and_leaves_no_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let config = d.join("none.toml"); // absent: defaults
    std::fs::write(&config, "").expect("config");
    let a = track(d, "good", 124.0, 24);
    let short = track(d, "short", 124.0, 2);
    let corrupt = d.join("corrupt.wav");
    std::fs::write(&corrupt, b"RIFF....WAVEjunk").expect("junk");
    let out = d.join("out.wav");
    let listing = names(d);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![s(&a).into(), s(&d.join("missing.wav")).into()],
            "missing.wav: no such file",
        ),
        (vec![s(&a).into(), s(&corrupt).into()], "corrupt.wav"),
        (
            vec![s(&a).into(), s(&short).into(), "--bars".into(), "8".into()],
            "short.wav: too short",
        ),
        (vec![s(&a).into(), s(&a).into()], "good.wav: too short"),
        (
            vec![s(&a).into(), s(&a).into(), "--preset".into(), "Nope".into()],
            "no preset named \"Nope\"",
        ),
        (
            vec![s(&a).into(), s(&a).into(), "--at".into(), "soon".into()],
            "--at",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["mix".to_string()];
        all.extend(args);
        all.extend(["--out".to_string(), s(&out).to_string()]);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let o = aidj(&config, &refs);
        let (_, stderr) = text(&o);
        assert!(!o.status.success(), "{refs:?} succeeded");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains(want), "{refs:?}: {stderr}");
        assert_eq!(names(d), listing, "{refs:?} left a file behind");
    }
    // A playlist naming missing tracks: every one named, nothing written.
    let m3u = d.join("set.m3u");
    std::fs::write(&m3u, "good.wav\nlost1.wav\nlost2.flac\n").expect("m3u");
    let o = aidj(&config, &["mix", "--playlist", s(&m3u), "--out", s(&out)]);
    let (_, stderr) = text(&o);
    assert!(!o.status.success());
    assert!(
        stderr.contains("line 2") && stderr.contains("lost1.wav") && stderr.contains("lost2.flac"),
        "{stderr}"
    );
    assert!(!out.exists());
    // A broken defaults file: its path, line and key.
    let bad = d.join("bad.toml");
    std::fs::write(&bad, "bars = 16\nkeylok = true\n").expect("bad config");
    let o = aidj(&bad, &["mix", s(&a), s(&a), "--out", s(&out)]);
    let (_, stderr) = text(&o);
    assert!(!o.status.success());
    assert!(
        stderr.contains("bad.toml:2:") && stderr.contains("keylok"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn ffmpeg_measures_the_true_peak_under_the_ceiling() {
    // ffmpeg's ebur128 filter (scripts/test.sh installs ffmpeg; without it this is skipped).
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("skipped: no ffmpeg");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let config = d.join("none.toml");
    std::fs::write(&config, "").expect("config");
    // A at twice its level (peaks at full scale), B 12 dB down and brought up to A's
    // loudness: the mix is lowered to stay under the ceiling.
    let a = track_at(d, "loud", 124.0, 24, 2.0);
    let b = track_at(d, "quiet", 125.0, 24, 0.25);
    let out = d.join("mix.wav");
    let o = aidj(
        &config,
        &[
            "mix",
            s(&a),
            s(&b),
            "--out",
            s(&out),
            "--bars",
            "8",
            "--preview",
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(
        text(&o).1.contains("to stay under -1 dBTP"),
        "{:?}",
        text(&o)
    );
    let probe = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-nostats",
            "-i",
            s(&out),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("ffmpeg");
    let log = String::from_utf8_lossy(&probe.stderr);
    let peak: f64 = log
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Peak:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no true peak in ffmpeg's output: {log}"));
    println!("ffmpeg true peak {peak} dBTP");
    assert!(peak <= -1.0 + 0.1, "true peak {peak} dBTP");
}
