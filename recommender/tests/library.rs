//! Opening a library: a music folder (bad files skipped and counted, reports reused the
//! second time) or a model file (a foreign one refused with the reason).

use std::path::Path;
use std::sync::atomic::AtomicBool;

use aidj_recommender::library::{open, Progress};
use aidj_synth::{render, Groove, TrackSpec};

fn track(dir: &Path, name: &str, bpm: f64, root: u8) {
    let mut spec = TrackSpec::new(name, bpm, root, true, Groove::FourOnTheFloor);
    spec.bars = 8;
    spec.sample_rate = 22_050;
    render(&spec)
        .write_wav(&dir.join(format!("{name}.wav")))
        .expect("wav");
}

#[test]
fn a_folder_trains_with_bad_files_skipped_and_reports_reused_next_time() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).expect("sub");
    track(d, "one", 122.0, 9);
    track(d, "two", 124.0, 4);
    track(&d.join("sub"), "three", 126.0, 11);
    track(d, "four", 128.0, 2);
    // A foreign JSON where four's report would be: four is analysed, the file left alone.
    std::fs::write(d.join("four.json"), "{\"playlist\": []}").expect("foreign");
    std::fs::write(d.join("broken.mp3"), b"not audio at all").expect("junk");
    std::fs::write(d.join("notes.txt"), b"not audio, not counted").expect("txt");
    let never = AtomicBool::new(false);
    let mut seen: Vec<Progress> = Vec::new();
    let first = open(d, &never, &mut |p| seen.push(p.clone())).expect("open folder");
    assert_eq!(first.model.len(), 4);
    assert_eq!((first.analysed, first.reused), (4, 0));
    assert_eq!(first.skipped.len(), 1, "{:?}", first.skipped);
    assert!(first.skipped[0].path.ends_with("broken.mp3"));
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((5, 5)));
    assert!(d.join("one.json").is_file() && d.join("sub/three.json").is_file());
    assert_eq!(
        std::fs::read_to_string(d.join("four.json")).expect("kept"),
        "{\"playlist\": []}"
    );
    // Again: the reports made the first time are reused.
    let second = open(d, &never, &mut |_| {}).expect("open again");
    assert_eq!((second.analysed, second.reused), (1, 3));
    assert_eq!(second.model.len(), 4);
    // Cancelled before the first file.
    let stop = AtomicBool::new(true);
    assert!(open(d, &stop, &mut |_| {})
        .expect_err("cancelled")
        .to_string()
        .contains("cancelled"));
}

#[test]
fn a_model_file_opens_and_a_foreign_one_says_why_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    track(d, "one", 122.0, 9);
    track(d, "two", 124.0, 4);
    let never = AtomicBool::new(false);
    let lib = open(d, &never, &mut |_| {}).expect("folder");
    let path = d.join("model.json");
    std::fs::write(&path, lib.model.to_json()).expect("model");
    let again = open(&path, &never, &mut |_| {}).expect("model file");
    assert_eq!(again.model.len(), 2);
    let foreign = d.join("foreign.json");
    std::fs::write(&foreign, "{\"tracks\": 3}").expect("foreign");
    let e = open(&foreign, &never, &mut |_| {}).expect_err("foreign");
    assert!(e.to_string().contains("model"), "{e}");
    assert!(!e.to_string().contains('\n'));
    let e = open(&d.join("missing.json"), &never, &mut |_| {}).expect_err("missing");
    assert!(e.to_string().contains("missing.json"), "{e}");
}
