//! `aidj train`, `aidj recommend` and `aidj library` end to end on reports written by hand.

use std::path::Path;
use std::process::{Command, Output};

fn aidj(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aidj"))
        .args(args)
        .output()
        .expect("run aidj")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// A report in the seed's shape (no schema_version); `timbre` moves the similarity columns.
fn report(dir: &Path, name: &str, artist: &str, bpm: f64, key: &str, energy: f64, timbre: f64) {
    let text = format!(
        r#"{{"metadata": {{"path": "/music/{name}.mp3", "title": "{name}", "artist": "{artist}", "duration": 240.0}},
            "analysis": {{"rhythm": {{"tempo_bpm_global": {bpm}, "danceability_score": {d}, "groove_confidence": 0.5}},
                         "tonal": {{"key": "{key}", "spectral_centroid": {{"mean": {c}}}, "dissonance_index": null}},
                         "dynamics": {{"lufs": {l}, "rms": {{"mean": 0.2}}}},
                         "mood": {{"energy": {energy}, "valence": {v}}},
                         "instrumentation": {{"bass_presence": {b}, "percussive_ratio": 0.5}}}}}}"#,
        d = 0.5 + 0.4 * timbre.sin(),
        c = 2000.0 + 800.0 * timbre.cos(),
        l = -9.0 + 2.0 * (2.0 * timbre).sin(),
        v = 0.5 + 0.3 * (3.0 * timbre).cos(),
        b = 0.5 + 0.3 * (5.0 * timbre).sin(),
    );
    std::fs::write(dir.join(format!("{name}.json")), text).expect("write report");
}

/// 30 tracks: a seed, its harmonic/tempo neighbours, clashing twins, a far twin, filler.
fn library(dir: &Path) {
    report(dir, "seed", "S", 128.0, "A minor", 0.6, 0.0);
    report(dir, "next adjacent", "N1", 128.5, "E minor", 0.62, 0.4);
    report(dir, "next relative", "N2", 127.5, "C major", 0.65, 0.5);
    report(dir, "clash twin", "C", 128.0, "D# minor", 0.6, 0.01);
    report(dir, "far twin", "F", 100.0, "A minor", 0.6, 0.02);
    report(dir, "half time", "H", 64.2, "A minor", 0.6, 2.0);
    let keys = [
        "C major", "G minor", "B major", "F# minor", "D major", "E major",
    ];
    for i in 0..24 {
        let bpm = 90.0 + (i as f64 * 7.3) % 60.0;
        report(
            dir,
            &format!("filler {i}"),
            &format!("A{i}"),
            bpm,
            keys[i % keys.len()],
            (i as f64 * 0.37) % 1.0,
            1.0 + i as f64 * 0.9,
        );
    }
}

#[test]
fn train_recommend_library_and_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).expect("mkdir");
    library(&reports);
    std::fs::write(reports.join("broken.json"), "{ nope").expect("bad report");
    let model = dir.path().join("model.json");

    let out = aidj(&[
        "train",
        "--reports",
        s(&reports),
        "--model-out",
        s(&model),
        "--test-size",
        "0.2",
    ]);
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{e}");
    assert!(o.contains("trained on 24 of 30 tracks (6 held out)"), "{o}");
    assert!(o.contains("silhouette:"), "{o}");
    assert!(o.contains("held-out cosine distance"), "{o}");
    assert!(
        e.contains("broken.json") && e.contains("not valid JSON"),
        "one line names the bad file: {e}"
    );
    assert!(o.contains("skipped 1 files"));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).expect("model")).expect("json");
    assert_eq!(m["format"], "aidj-recommender-model");
    assert_eq!(m["schema_version"], 1);
    assert_eq!(m["tracks"].as_array().expect("tracks").len(), 30);

    // Never overwrites without --overwrite.
    let before = std::fs::read(&model).expect("model");
    let out = aidj(&["train", "--reports", s(&reports), "--model-out", s(&model)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--overwrite"));
    assert_eq!(std::fs::read(&model).expect("model"), before);

    // Suggestions with reasons: neighbours first, the far twin never.
    let out = aidj(&["recommend", "--model", s(&model), "seed", "-n", "8"]);
    let o = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(o.starts_with("after: S - seed (128.0 BPM, 8A"), "{o}");
    let pos = |t: &str| o.find(t);
    let adj = pos("N1 - next adjacent").expect("adjacent listed");
    let rel = pos("N2 - next relative").expect("relative listed");
    if let Some(c) = pos("C - clash twin") {
        assert!(c > adj && c > rel, "{o}");
    }
    assert!(pos("far twin").is_none(), "{o}");
    assert!(
        o.contains("8A -> 9A (adjacent), +0.4% BPM, energy +0.02, similarity"),
        "{o}"
    );
    assert!(o.contains("(half time)"), "{o}");
    // The defaults file names the model and narrows the tempo window: no --model needed,
    // and the flag still beats the file.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("model = {:?}\nbpm_window = 0.1\n", s(&model)),
    )
    .expect("config");
    let with_config = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_aidj"))
            .env("AIDJ_CONFIG", &config)
            .args(args)
            .output()
            .expect("run aidj")
    };
    let narrow = with_config(&["recommend", "seed", "-n", "8"]);
    assert!(narrow.status.success(), "{}", stderr(&narrow));
    assert!(
        !stdout(&narrow).contains("N1 - next adjacent"),
        "{}",
        stdout(&narrow)
    );
    let wide = with_config(&["recommend", "seed", "-n", "8", "--bpm-window", "6"]);
    assert!(
        stdout(&wide).contains("N1 - next adjacent"),
        "{}",
        stdout(&wide)
    );
    std::fs::write(&config, "bars = 8\n").expect("config");
    let none = with_config(&["recommend", "seed"]);
    assert!(!none.status.success());
    assert!(stderr(&none).contains("no model"), "{}", stderr(&none));

    // Strict key, JSON output: every suggestion same / adjacent / relative.
    let out = aidj(&[
        "recommend",
        "--model",
        s(&model),
        "seed",
        "--strict-key",
        "--json",
        "-n",
        "20",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = v["suggestions"].as_array().expect("list");
    assert!(!list.is_empty());
    for x in list {
        let mv = x["reasons"]["key_move"].as_str().expect("move");
        assert!(["same", "adjacent", "relative"].contains(&mv), "{x}");
        assert!(x["reason"].as_str().expect("text").contains("BPM"));
    }

    // A report file as the input, a history, and a chained set as M3U.
    std::fs::write(
        dir.path().join("played.m3u"),
        "#EXTM3U\n/music/next adjacent.mp3\n",
    )
    .expect("history");
    let m3u = dir.path().join("set.m3u");
    let out = aidj(&[
        "recommend",
        "--model",
        s(&model),
        s(&reports.join("seed.json")),
        "--history",
        s(&dir.path().join("played.m3u")),
        "--chain",
        "4",
        "--m3u",
        s(&m3u),
    ]);
    let o = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !o.contains("next adjacent"),
        "history is never repeated: {o}"
    );
    let playlist = std::fs::read_to_string(&m3u).expect("m3u");
    assert!(
        playlist.starts_with("#EXTM3U\n#EXTINF:240,S - seed\n/music/seed.mp3\n"),
        "{playlist}"
    );
    assert_eq!(
        playlist.matches("#EXTINF").count(),
        5,
        "seed + 4: {playlist}"
    );
    let out = aidj(&["recommend", "--model", s(&model), "seed", "--m3u", s(&m3u)]);
    assert!(
        !out.status.success(),
        "existing playlist kept without --overwrite"
    );

    // Library: search and CSV.
    let csv = dir.path().join("lib.csv");
    let out = aidj(&["library", "--model", s(&model), "next", "--csv", s(&csv)]);
    let o = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        o.contains("N1 - next adjacent") && o.contains("2 of 30 tracks"),
        "{o}"
    );
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "path,artist,title,bpm,key,camelot,energy,duration_s,cluster"
    );
    assert_eq!(lines.len(), 3);
    assert!(
        lines.iter().any(|l| l.starts_with(
            "/music/next adjacent.mp3,N1,next adjacent,128.50,E minor,9A,0.620,240.0,"
        )),
        "{text}"
    );
}

#[test]
fn bad_input_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let model = dir.path().join("m.json");
    let out = aidj(&["train", "--reports", s(&empty), "--model-out", s(&model)]);
    let e = stderr(&out);
    assert!(!out.status.success());
    assert!(e.contains("no usable analysis reports"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(!model.exists());

    std::fs::write(
        &model,
        "{\"format\": \"aidj-recommender-model\", \"schema_version\": 99}",
    )
    .expect("model");
    let out = aidj(&["recommend", "--model", s(&model), "x"]);
    let e = stderr(&out);
    assert!(!out.status.success());
    assert!(e.contains("m.json") && e.contains("newer"), "{e}");
    std::fs::write(&model, "garbage").expect("model");
    let out = aidj(&["library", "--model", s(&model)]);
    let e = stderr(&out);
    assert!(e.contains("m.json") && e.contains("corrupt"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");

    // A track that is not in the library, and a bad option.
    let reports = dir.path().join("r");
    std::fs::create_dir(&reports).expect("mkdir");
    library(&reports);
    let good = dir.path().join("good.json");
    assert!(
        aidj(&["train", "--reports", s(&reports), "--model-out", s(&good)])
            .status
            .success()
    );
    let out = aidj(&["recommend", "--model", s(&good), "no such song"]);
    assert!(
        stderr(&out).contains("no track in the model matches"),
        "{}",
        stderr(&out)
    );
    let out = aidj(&[
        "recommend",
        "--model",
        s(&good),
        "seed",
        "--bpm-window",
        "0",
    ]);
    assert!(stderr(&out).contains("BPM window"), "{}", stderr(&out));
}

#[test]
fn train_analyses_audio_that_has_no_report() {
    use aidj_synth::signals::sine;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    library(d);
    let x = sine(440.0, 0.3, 3.0, 22_050);
    aidj_synth::Audio {
        sample_rate: 22_050,
        channels: vec![x.clone(), x],
    }
    .write_wav(&d.join("tone.wav"))
    .expect("wav");
    let model = d.join("out").join("model.json");
    let out = aidj(&[
        "train",
        "--reports",
        s(d),
        "--model-out",
        s(&model),
        "--test-size",
        "0",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("analysed 1, skipped 0, failed 0"),
        "{}",
        stderr(&out)
    );
    assert!(
        d.join("tone.json").exists(),
        "the report is written next to the audio"
    );
    assert!(
        stdout(&out).contains("trained on 31 of 31 tracks"),
        "{}",
        stdout(&out)
    );
    // The freshly analysed audio file works as a query too.
    let out = aidj(&[
        "recommend",
        "--model",
        s(&model),
        s(&d.join("tone.wav")),
        "-n",
        "3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("after: tone"), "{}", stdout(&out));
}
