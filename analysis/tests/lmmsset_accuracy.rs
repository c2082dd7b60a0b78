//! Accuracy on produced electronic music with exact truth: the LMMS / Hydrogen set of
//! `scripts/lmmsset/build.sh` (the 26 demo projects of LMMS and the 7 demo songs of
//! Hydrogen, rendered by the programs themselves: house, trance, dubstep, drum and bass,
//! reggaeton, chiptune, drum machines). A project plays at one tempo from its first tick,
//! so its BPM is the truth and its beats fall on its grid; the keys trusted are those its
//! synthesisers' notes give (`scripts/lmmsset/truth.py`). Scored as the dev set's
//! `score.py` scores (tempo Accuracy1/2 at 4 %, MIREX-weighted key, beat F-measure at
//! ±70 ms after 5 s).
//!
//! Runs when `AIDJ_LMMSSET` names the built set (`scripts/test.sh` builds it where lmms
//! and hydrogen install). Without it the test says so and passes, unless
//! `AIDJ_REQUIRE_LMMSSET=1`. The floors are what the engine reached (2026-11-29), less
//! about one file's worth: the dev set has no electronic music, and this set is the
//! suite's only check of it against exact truth.

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

/// Floors on the whole set: 28 of 33 tempi right (0.848; the five misses are octave
/// choices: projects notated at 170-200 read at half and a dubstep at 140 at 70), all 33
/// at an octave, beat F 0.785-0.814 over three builds (the renders differ a little:
/// synthesisers' random phases, Hydrogen's humanising; 0.758-0.786 before the chords'
/// check of the phase asked for tonal mass), keys 4 of 5 exact (MIREX 0.86).
const MIN_TEMPO_A1: f64 = 0.81;
const MIN_TEMPO_A2: f64 = 0.96;
const MIN_BEAT_F: f64 = 0.75;
const MIN_KEY_MIREX: f64 = 0.66;
/// Tempo estimates with confidence >= 0.5 right at least this often (20 or 21, all right) ...
const MIN_SURE_TEMPO_RIGHT: f64 = 0.95;
/// ... and at least this many of them.
const MIN_SURE_TEMPI: usize = 18;
/// Share of the 4/4 projects (whose tempo and beats are right) with their downbeats on the
/// bar starts of the song editor's grid (80 % of them within 70 ms, as
/// `scripts/keyset/score_downbeats.py` counts): 13 of 15, 13 of 15 and 13 of 14 over three
/// builds; one may go ...
const MIN_DOWNBEATS: f64 = 0.8;
/// ... of at least this many.
const MIN_DOWNBEAT_FILES: usize = 12;

struct Row {
    file: String,
    bpm: f64,
    beats: PathBuf,
    /// Bar starts (4/4 projects only).
    bars: Option<PathBuf>,
    key: Option<Key>,
}

fn read_truth(dir: &Path) -> Vec<Row> {
    read_table(&dir.join("truth.tsv"), "LMMS set")
        .iter()
        .filter(|r| r.get("bpm_trusted").map(String::as_str) == Some("1"))
        .map(|r| {
            let get = |c: &str| r.get(c).map_or("", String::as_str);
            Row {
                file: get("file").to_string(),
                bpm: get("bpm").parse().expect("bpm"),
                beats: dir.join(get("beats_file")),
                bars: Some(dir.join(get("beats_file")).with_extension("downbeats"))
                    .filter(|p| p.exists()),
                key: (get("key_trusted") == "1")
                    .then(|| Key::parse(get("key")))
                    .flatten(),
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
    beat_f: Vec<f64>,
    downbeats: Vec<f64>,
    lines: Vec<String>,
}

#[test]
fn lmmsset_scores_stay_above_their_floors() {
    let Some(dir) = set_from_env(
        "AIDJ_LMMSSET",
        "AIDJ_REQUIRE_LMMSSET",
        "accuracy on the LMMS set",
    ) else {
        return;
    };
    let rows = read_truth(&dir);
    assert!(rows.len() >= 30, "{} truth rows", rows.len());
    let scores = Mutex::new(Scores::default());
    in_parallel(&rows, |row| {
        let an = analyse(&dir.join("audio").join(&row.file));
        let (rh, tonal) = (&an.rhythm, &an.tonal.harmony);
        let est = rh.tempo_bpm_global.unwrap_or(f64::NAN);
        let within = |f: f64| (est - row.bpm * f).abs() <= 0.04 * row.bpm * f;
        let truth_beats = read_times(&row.beats);
        let f = beat_f(&truth_beats, &rh.beat_times);
        let downbeats = row
            .bars
            .as_ref()
            .and_then(|b| downbeats_right(rh, row.bpm, &truth_beats, &read_times(b)));
        let mut sc = scores.lock().expect("lock");
        sc.a1.push(f64::from(u8::from(within(1.0))));
        let a2 = [1.0, 2.0, 3.0, 0.5, 1.0 / 3.0].into_iter().any(within);
        sc.a2.push(f64::from(u8::from(a2)));
        if rh.tempo_confidence.is_some_and(|c| c >= 0.5) {
            sc.sure_tempo.push(f64::from(u8::from(within(1.0))));
        }
        sc.beat_f.push(f);
        let mut line = format!(
            "{:<44} bpm {est:7.2} (truth {:6.2}) beatF {f:.3}",
            row.file, row.bpm
        );
        if let Some(right) = downbeats {
            sc.downbeats.push(f64::from(u8::from(right)));
            line += if right {
                " downbeats right"
            } else {
                " downbeats off"
            };
        }
        if let Some(k) = row.key {
            let m = mirex(k, tonal.key.as_deref().and_then(Key::parse));
            sc.key.push(m);
            line += &format!(" key {:?} (truth {}) {m}", tonal.key, k.name());
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
        "tempo A1 {a1:.3} A2 {a2:.3} (n {}), beat F {bf:.3}, key MIREX {key:.3} (n {})",
        sc.a1.len(),
        sc.key.len()
    );
    assert!(sc.key.len() >= 4, "{} trusted keys", sc.key.len());
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
        "downbeats on the bar starts",
        &sc.downbeats,
        MIN_DOWNBEAT_FILES,
        MIN_DOWNBEATS,
    );
}
