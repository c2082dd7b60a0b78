//! Accuracy on ensemble accompaniment in many styles and metres with exact truth: the MMA
//! set of `scripts/mmaset/build.sh` (one song per groove of MMA's standard library, 100:
//! rock, ballads, swing, bossa nova and other latin, waltzes, a 6/8 march, 6/8 blues, 5/4
//! jazz), each played over a chord progression in a key drawn for it and rendered with
//! fluidsynth. What a song is written at is its truth: tempo, beats, bars and key. Scored
//! as the dev set's `score.py` scores (tempo Accuracy1/2 at 4 %, MIREX-weighted key, beat
//! F-measure at ±70 ms after 5 s).
//!
//! Runs when `AIDJ_MMASET` names the built set (`scripts/test.sh` builds it). Without it the
//! test says so and passes, unless `AIDJ_REQUIRE_MMASET=1`. The build is the same bit for
//! bit every time (MMA's humanising is seeded, sox's dither repeatable), so the floors are
//! what the engine reached (2026-11-29) less about three files' worth.

use aidj_analysis::key::Key;
use aidj_analysis::report::Analysis;
use aidj_analysis::{analyze_file, AnalysisConfig};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

mod common;
use common::scoring::{
    beat_f, calibrated, downbeats_right, in_parallel, mean, mirex, read_table, read_times,
    set_from_env,
};

/// Floors on the whole set: 83 of 100 tempi right (the misses are octave choices: swing
/// and fast styles at 123-174 read at half, ballads at 62-67 at double, and two compound
/// metres at 3:2 and 2:3), 98 at an octave, beat F 0.926 (the beats of every piece read at
/// its tempo are on the grid), keys 96 exact (MIREX 0.978; the misses a fifth up or the
/// relative).
const MIN_TEMPO_A1: f64 = 0.80;
const MIN_TEMPO_A2: f64 = 0.95;
const MIN_BEAT_F: f64 = 0.90;
const MIN_KEY_MIREX: f64 = 0.95;
/// Tempo estimates with confidence >= 0.5 right at least this often: 49 of 52 (0.94; the
/// wrong are a fast blues and a hillbilly beat at 169-174 read at half and a rock ballad
/// at 63 read at double). Below the 0.95 of the other sets: where this set stands.
const MIN_SURE_TEMPO_RIGHT: f64 = 0.92;
/// ... of at least this many.
const MIN_SURE_TEMPI: usize = 45;
/// Keys with confidence >= 0.5 exact at least this often: 68 of 69 ...
const MIN_SURE_KEY_RIGHT: f64 = 0.95;
/// ... of at least this many.
const MIN_SURE_KEYS: usize = 60;
/// Share of the songs whose tempo and beats are right with their downbeats on the bar
/// starts (80 % of them within 70 ms, as `scripts/keyset/score_downbeats.py` counts): 72
/// of 83. The misses call beat 4 the one in latin grooves whose bass anticipates the
/// next bar's chord, and beat 2 or 3 in a few others.
const MIN_DOWNBEATS: f64 = 0.82;
/// ... of at least this many.
const MIN_DOWNBEAT_FILES: usize = 75;

struct Row {
    file: String,
    bpm: f64,
    beats: PathBuf,
    bars: PathBuf,
    key: Key,
}

fn read_truth(dir: &Path) -> Vec<Row> {
    read_table(&dir.join("truth.tsv"), "MMA set")
        .iter()
        .map(|r| {
            let get = |c: &str| r.get(c).map_or("", String::as_str);
            let beats = dir.join(get("beats_file"));
            Row {
                file: get("file").to_string(),
                bpm: get("bpm").parse().expect("bpm"),
                bars: beats.with_extension("downbeats"),
                beats,
                key: Key::parse(get("key")).expect("key"),
            }
        })
        .collect()
}

fn analyse(path: &Path) -> Analysis {
    analyze_file(path, &AnalysisConfig::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .report
        .analysis
}

#[derive(Default)]
struct Scores {
    a1: Vec<f64>,
    a2: Vec<f64>,
    sure_tempo: Vec<f64>,
    key: Vec<f64>,
    sure_key: Vec<f64>,
    beat_f: Vec<f64>,
    downbeats: Vec<f64>,
    lines: Vec<String>,
}

#[test]
fn mmaset_scores_stay_above_their_floors() {
    let Some(dir) = set_from_env(
        "AIDJ_MMASET",
        "AIDJ_REQUIRE_MMASET",
        "accuracy on the MMA set",
    ) else {
        return;
    };
    let rows = read_truth(&dir);
    assert!(rows.len() >= 95, "{} truth rows", rows.len());
    let scores = Mutex::new(Scores::default());
    in_parallel(&rows, |row| {
        let an = analyse(&dir.join("audio").join(&row.file));
        let (rh, tonal) = (&an.rhythm, &an.tonal.harmony);
        let est = rh.tempo_bpm_global.unwrap_or(f64::NAN);
        let within = |f: f64| (est - row.bpm * f).abs() <= 0.04 * row.bpm * f;
        let truth_beats = read_times(&row.beats);
        let f = beat_f(&truth_beats, &rh.beat_times);
        let downbeats = downbeats_right(rh, row.bpm, &truth_beats, &read_times(&row.bars));
        let key = tonal.key.as_deref().and_then(Key::parse);
        let m = mirex(row.key, key);
        let mut sc = scores.lock().expect("lock");
        sc.a1.push(f64::from(u8::from(within(1.0))));
        let a2 = [1.0, 2.0, 3.0, 0.5, 1.0 / 3.0].into_iter().any(within);
        sc.a2.push(f64::from(u8::from(a2)));
        if rh.tempo_confidence.is_some_and(|c| c >= 0.5) {
            sc.sure_tempo.push(f64::from(u8::from(within(1.0))));
        }
        if tonal.key_confidence.is_some_and(|c| c >= 0.5) {
            sc.sure_key.push(f64::from(u8::from(key == Some(row.key))));
        }
        sc.beat_f.push(f);
        sc.key.push(m);
        let mut line = format!(
            "{:<28} bpm {est:7.2} (truth {:6.2}) beatF {f:.3} key {:?} (truth {}) {m}",
            row.file,
            row.bpm,
            tonal.key,
            row.key.name()
        );
        if let Some(right) = downbeats {
            sc.downbeats.push(f64::from(u8::from(right)));
            line += if right {
                " downbeats right"
            } else {
                " downbeats off"
            };
        }
        sc.lines.push(line);
    });
    let mut sc = scores.into_inner().expect("lock");
    sc.lines.sort();
    for l in &sc.lines {
        println!("{l}");
    }
    let (a1, a2, bf, key) = (mean(&sc.a1), mean(&sc.a2), mean(&sc.beat_f), mean(&sc.key));
    println!(
        "tempo A1 {a1:.3} A2 {a2:.3} (n {}), beat F {bf:.3}, key MIREX {key:.3}",
        sc.a1.len()
    );
    assert!(a1 >= MIN_TEMPO_A1, "tempo A1 {a1:.3} < {MIN_TEMPO_A1}");
    assert!(a2 >= MIN_TEMPO_A2, "tempo A2 {a2:.3} < {MIN_TEMPO_A2}");
    assert!(bf >= MIN_BEAT_F, "beat F {bf:.3} < {MIN_BEAT_F}");
    assert!(key >= MIN_KEY_MIREX, "key MIREX {key:.3} < {MIN_KEY_MIREX}");
    calibrated(
        "tempo confidence >= 0.5",
        &sc.sure_tempo,
        MIN_SURE_TEMPI,
        MIN_SURE_TEMPO_RIGHT,
    );
    calibrated(
        "key confidence >= 0.5",
        &sc.sure_key,
        MIN_SURE_KEYS,
        MIN_SURE_KEY_RIGHT,
    );
    calibrated(
        "downbeats on the bar starts",
        &sc.downbeats,
        MIN_DOWNBEAT_FILES,
        MIN_DOWNBEATS,
    );
}
