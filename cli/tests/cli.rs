//! The `aidj` binary end to end on generated audio: batch semantics, outputs, errors,
//! atomic writes, exit codes.

use aidj_synth::signals::sine;
use aidj_synth::Audio;
use std::path::Path;
use std::process::{Command, Output};

fn aidj(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aidj"))
        .args(args)
        .output()
        .expect("run aidj")
}

fn tone(path: &Path, secs: f64) {
    let x = sine(440.0, 0.3, secs, 22_050);
    Audio {
        sample_rate: 22_050,
        channels: vec![x.clone(), x],
    }
    .write_wav(path)
    .expect("write wav");
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn batch_goes_on_past_bad_files_skips_existing_and_fails_the_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    tone(&d.join("good.wav"), 3.0);
    tone(&d.join("done.wav"), 3.0);
    std::fs::write(d.join("done.json"), "{}").expect("existing report");
    std::fs::write(d.join("broken.wav"), "not a wav file at all").expect("bad file");
    std::fs::write(d.join("notes.txt"), "ignored: not audio").expect("txt");

    let out = aidj(&["analyze", "--batch-folder", d.to_str().expect("utf8")]);
    let err = stderr(&out);
    assert!(!out.status.success(), "a failed file fails the run: {err}");
    assert!(err.contains("analysed 1, skipped 1, failed 1"), "{err}");
    assert!(
        err.contains("broken.wav"),
        "the error names the file: {err}"
    );
    // The good file's report is valid JSON with the seed's paths; the existing one is untouched.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("good.json")).expect("report"))
            .expect("json");
    assert_eq!(report["metadata"]["title"], "good");
    assert!(report["analysis"]["dynamics"]["lufs"].is_number());
    assert_eq!(
        std::fs::read_to_string(d.join("done.json")).expect("kept"),
        "{}"
    );
    assert!(!d.join("broken.json").exists());
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // --overwrite redoes the existing report.
    let out = aidj(&[
        "analyze",
        "--overwrite",
        d.join("done.wav").to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let redone = std::fs::read_to_string(d.join("done.json")).expect("report");
    assert!(redone.contains("schema_version"));
}

#[test]
fn recursive_pattern_mirrors_folders_under_batch_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = dir.path().join("lib");
    std::fs::create_dir_all(lib.join("house/deep")).expect("mkdir");
    tone(&lib.join("top.wav"), 2.5);
    tone(&lib.join("house/deep/a.wav"), 2.5);
    let out_dir = dir.path().join("reports");
    let lib_s = lib.to_str().expect("utf8");
    let out_s = out_dir.to_str().expect("utf8");

    // `*` stays in the folder...
    let out = aidj(&[
        "analyze",
        "--batch-folder",
        lib_s,
        "--batch-pattern",
        "*.wav",
        "--batch-out",
        out_s,
        "-j",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out_dir.join("top.json").exists());
    assert!(!out_dir.join("house/deep/a.json").exists());
    // ... `**` recurses, and reports mirror the subfolders.
    let out = aidj(&[
        "analyze",
        "--batch-folder",
        lib_s,
        "--batch-pattern",
        "**/*.wav",
        "--batch-out",
        out_s,
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(out_dir.join("house/deep/a.json").exists());
    assert!(err.contains("analysed 1, skipped 1, failed 0"), "{err}");
}

#[test]
fn output_dash_prints_the_report_and_output_path_writes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = dir.path().join("t.wav");
    tone(&wav, 2.5);
    let out = aidj(&[
        "analyze",
        wav.to_str().expect("utf8"),
        "--output",
        "-",
        "--max-points",
        "16",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is the JSON report");
    assert_eq!(report["schema_version"], 1);
    let curve = report["analysis"]["rhythm"]["onset_envelope"]["values"]
        .as_array()
        .expect("curve");
    assert!(
        !curve.is_empty() && curve.len() <= 16,
        "max points honoured: {}",
        curve.len()
    );
    assert!(!dir.path().join("t.json").exists(), "stdout only");

    let target = dir.path().join("elsewhere/r.json");
    let out = aidj(&[
        "analyze",
        wav.to_str().expect("utf8"),
        "-o",
        target.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.exists());
    // Writing again without --overwrite skips.
    let out = aidj(&[
        "analyze",
        wav.to_str().expect("utf8"),
        "-o",
        target.to_str().expect("utf8"),
    ]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("skipped 1"), "{}", stderr(&out));
}

#[test]
fn usage_errors_are_one_clear_line() {
    let out = aidj(&["analyze"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("nothing to analyse"),
        "{}",
        stderr(&out)
    );
    let out = aidj(&["analyze", "--batch-folder", "/no/such/folder"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/no/such/folder"), "{}", stderr(&out));
    let out = aidj(&["analyze", "x.wav", "--min-bpm", "100", "--max-bpm", "120"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("octave"), "{}", stderr(&out));
}

#[test]
fn a_two_hour_mix_analyses_in_well_under_300_mb() {
    // `aidj bench` streams two hours of generated audio through the analyser (looping one
    // rendered minute) and reports the process's peak resident memory.
    let out = aidj(&["bench", "--minutes", "120", "--runs", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let mb: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.trim_end_matches(" MB").parse().ok())
        .unwrap_or_else(|| panic!("no peak memory line in {text}"));
    assert!(mb < 250.0, "peak memory {mb} MB for a two-hour mix");
    assert!(text.contains("generated: 120.0 min"), "{text}");
    // A stage that did not run (no model given) has no multiple of real time.
    let model_row = text
        .lines()
        .find(|l| l.starts_with("embedding model"))
        .unwrap_or_else(|| panic!("no embedding model row in {text}"));
    assert!(model_row.trim_end().ends_with(" -"), "{model_row}");
}
