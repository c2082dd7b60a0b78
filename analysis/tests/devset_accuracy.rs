//! Accuracy on real recordings: the development set of `../shared/devset` (54 real
//! recordings from Debian packages: band recordings with chart tempo maps, MIDI renders
//! with tempo maps and key signatures, electronic game music), scored as its `score.py`
//! scores (tempo Accuracy1/2 at 4 %, MIREX-weighted key, beat F-measure at ±70 ms after
//! 5 s), over the rows its truth trusts.
//!
//! Runs when `AIDJ_DEVSET` names the built set (`scripts/accuracy.sh --build-only` builds
//! it; `scripts/test.sh` does both). Without it the test says so and passes, unless
//! `AIDJ_REQUIRE_DEVSET=1`. The floors are what the engine reached, less about one file's
//! worth, so that a change that loses a class of music fails here.

use aidj_analysis::decode::AudioFile;
use aidj_analysis::features::rhythm::Rhythm;
use aidj_analysis::features::tonal::Tonal;
use aidj_analysis::key::Key;
use aidj_analysis::live::{LiveAnalyzer, LiveConfig};
use aidj_analysis::{AnalysisConfig, Analyzer};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

mod common;
use common::scoring::{
    beat_f, calibrated, downbeats_right, in_parallel, mean, mirex, read_table, read_times,
    set_from_env,
};

/// Floors on the whole set (what `scripts/accuracy.sh` printed, less a margin).
const MIN_TEMPO_A1: f64 = 0.85;
const MIN_TEMPO_A2: f64 = 0.93;
const MIN_KEY_MIREX: f64 = 0.71;
const MIN_BEAT_F: f64 = 0.86;
/// Share of the renders whose beats sit, in the median, within [`PRECISE_BEAT_SECS`] of
/// their notes (33 of 38 did on 2026-11-29; the rest 5.4-11 ms, where the attacks rise
/// slowly or the beats are a half or whole tempo off for stretches). What `aidj mix`'s
/// alignment of two tracks rests on.
const MIN_PRECISE_RENDERS: f64 = 0.8;
const PRECISE_BEAT_SECS: f64 = 0.005;
/// Share of the renders notated in 3/4 or 4/4 whose bars have that many beats (35 rows:
/// all were right, one may go).
const MIN_METRE: f64 = 0.95;
/// Share of the renders (whose tempo and beats are right) with their downbeats on the bar
/// starts of their MIDI time signature (at least 80 % of them within 70 ms, as
/// `scripts/keyset/score_downbeats.py` counts): 26 of 29 were, one may go.
const MIN_DOWNBEATS: f64 = 0.85;
/// The calibration bar: tempo estimates with confidence >= 0.5 right (A1) at least
/// this often ...
const MIN_SURE_TEMPO_RIGHT: f64 = 0.95;
/// ... and at least this many of them (32 of the 54, all right; a confidence that says
/// "unsure" to everything would pass the bar above).
const MIN_SURE_TEMPI: usize = 28;
/// Share of tracks whose live read-out ends in agreement with the offline analysis (BPM
/// within 2 %, same key): the bar.
const MIN_LIVE_AGREEMENT: f64 = 0.9;
/// The live tempo's calibration over each track's first 30 s (a reading a second): those
/// with confidence >= 0.5 right (A1) at least this often (540 of 543 are, 0.994, since the
/// confidence also asks how clearly the grid beat its 2:3 and 3:4 rivals; 543 of 575 were,
/// 0.944, before; 0.935 before a tempo from under 10 s was scaled down) ...
const MIN_SURE_LIVE_TEMPO_RIGHT: f64 = 0.97;
/// ... and at least this many of them.
const MIN_SURE_LIVE_TEMPI: usize = 480;

/// What one file gives: the offline rhythm and key, the live read-out at the end, and the
/// seconds after which the live BPM (within 1 % of the offline one) and key (the same)
/// stayed put over the first 30 s (`None`: not locked by then).
struct FileResult {
    rhythm: Rhythm,
    tonal: Tonal,
    live_bpm: Option<f64>,
    live_key: Option<String>,
    bpm_lock: Option<f64>,
    key_lock: Option<f64>,
    /// The live BPMs of the first 30 s with a confidence of 0.5 or more.
    early_sure_bpms: Vec<f64>,
}

/// A live read-out in the first 30 s: seconds into the track, BPM, key, BPM confidence.
type Early = (f64, Option<f64>, Option<String>, Option<f64>);

/// Decodes `path` once and plays it through the offline analyser and, in 512-frame
/// blocks of the channel mean, through the live one.
fn analyse(path: &Path) -> FileResult {
    let mut file = AudioFile::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut offline: Option<Analyzer> = None;
    let mut live: Option<LiveAnalyzer> = None;
    let mut mono: Vec<f32> = Vec::new();
    let mut early: Vec<Early> = Vec::new();
    while file
        .next_block()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    {
        let planes = file.block();
        let rate = file.info().sample_rate;
        let a = offline.get_or_insert_with(|| {
            Analyzer::new(rate, planes.len(), AnalysisConfig::default()).expect("analyser")
        });
        let views: Vec<&[f32]> = planes.iter().map(|p| &p[..]).collect();
        a.push(&views);
        let l = live
            .get_or_insert_with(|| LiveAnalyzer::new(rate, LiveConfig::default()).expect("live"));
        let len = views.iter().map(|p| p.len()).min().unwrap_or(0);
        mono.clear();
        mono.extend((0..len).map(|i| views.iter().map(|p| p[i]).sum::<f32>() / views.len() as f32));
        for c in mono.chunks(512) {
            let before = l.secs();
            l.push(c);
            if l.secs() <= 30.0 && before.floor() != l.secs().floor() {
                let sn = l.snapshot();
                early.push((sn.track_secs, sn.bpm, sn.key, sn.bpm_confidence));
            }
        }
    }
    let (an, _, _) = offline.expect("audio").finish();
    let end = live.expect("audio").snapshot();
    let (off_bpm, off_key) = (an.rhythm.tempo_bpm_global, an.tonal.harmony.key.clone());
    let lock = |ok: &dyn Fn(&Early) -> bool| -> Option<f64> {
        match early.iter().rposition(|e| !ok(e)) {
            None => early.first().map(|e| e.0),
            Some(i) => early.get(i + 1).map(|e| e.0),
        }
    };
    let bpm_lock = off_bpm.and_then(|o| lock(&|e| e.1.is_some_and(|b| (b / o - 1.0).abs() < 0.01)));
    let key_lock = off_key
        .as_ref()
        .and_then(|k| lock(&|e| e.2.as_ref() == Some(k)));
    FileResult {
        rhythm: an.rhythm,
        tonal: an.tonal.harmony,
        live_bpm: end.bpm,
        live_key: end.key,
        bpm_lock,
        key_lock,
        early_sure_bpms: early
            .iter()
            .filter(|e| e.3.is_some_and(|c| c >= 0.5))
            .filter_map(|e| e.1)
            .collect(),
    }
}

struct Row {
    file: String,
    bpm: Option<f64>,
    beats: Option<PathBuf>,
    key: Option<Key>,
    /// Beats per bar of the notated time signature, for 3/4 and 4/4 rows.
    beats_per_bar: Option<u8>,
    /// A MIDI render: its beats are the notes' own times.
    render: bool,
}

fn read_truth(dir: &Path) -> Vec<Row> {
    read_table(&dir.join("truth").join("truth.tsv"), "dev set")
        .iter()
        .map(|r| {
            let get = |c: &str| r.get(c).map_or("", String::as_str);
            let trusted_bpm = get("bpm_trusted") == "1";
            Row {
                file: get("file").to_string(),
                bpm: trusted_bpm.then(|| get("bpm").parse().ok()).flatten(),
                beats: (trusted_bpm && !get("beats_file").is_empty())
                    .then(|| dir.join("truth").join(get("beats_file"))),
                key: (get("key_trusted") == "1")
                    .then(|| Key::parse(get("key")))
                    .flatten(),
                beats_per_bar: match get("time_sig") {
                    "3/4" => Some(3),
                    "4/4" => Some(4),
                    _ => None,
                },
                render: get("truth_source") == "midi-render",
            }
        })
        .collect()
}

#[derive(Default)]
struct Scores {
    a1: Vec<f64>,
    /// A1 (1 or 0) of the estimates with tempo confidence >= 0.5.
    sure_tempo: Vec<f64>,
    /// A1 (1 or 0) of the live readings of the first 30 s with confidence >= 0.5.
    sure_live_tempo: Vec<f64>,
    a2: Vec<f64>,
    live_agree: Vec<f64>,
    bpm_locks: Vec<f64>,
    key_locks: Vec<f64>,
    key: Vec<f64>,
    beat_f: Vec<f64>,
    /// Per render: the median offset (s) of our beats from its notated beats.
    beat_offsets: Vec<f64>,
    metre: Vec<f64>,
    downbeats: Vec<f64>,
    lines: Vec<String>,
}

/// The median offset (s) from each of the `truth` beats after 5 s to our nearest beat,
/// of those within 70 ms; `None` with fewer than 20 of them (beats off the grid or at
/// another tempo say nothing about how precisely the rest sit).
fn median_offset(truth: &[f64], est: &[f64]) -> Option<f64> {
    let mut off: Vec<f64> = truth
        .iter()
        .filter(|&&t| t >= 5.0)
        .filter_map(|&t| {
            let d = est
                .iter()
                .map(|&e| e - t)
                .min_by(|a, b| a.abs().total_cmp(&b.abs()))?;
            (d.abs() <= 0.070).then_some(d)
        })
        .collect();
    if off.len() < 20 {
        return None;
    }
    off.sort_by(f64::total_cmp);
    Some(off[off.len() / 2])
}

#[test]
fn devset_scores_stay_above_their_floors() {
    let Some(dir) = set_from_env("AIDJ_DEVSET", "AIDJ_REQUIRE_DEVSET", "dev-set accuracy") else {
        return;
    };
    let rows = read_truth(&dir);
    // Bar truth (scripts/devset_downbeats.py writes <stem>.downbeats), when given.
    let bars_dir = std::env::var_os("AIDJ_DEVSET_DOWNBEATS").map(PathBuf::from);
    assert!(rows.len() >= 50, "{} truth rows", rows.len());
    let scores = Mutex::new(Scores::default());
    in_parallel(&rows, |row| {
        let fr = analyse(&dir.join(&row.file));
        let (rh, tonal) = (&fr.rhythm, &fr.tonal);
        let mut sc = scores.lock().expect("lock");
        let est = rh.tempo_bpm_global.unwrap_or(f64::NAN);
        let bpm_agrees = fr.live_bpm.is_some_and(|l| (l / est - 1.0).abs() < 0.02);
        let agree = bpm_agrees && fr.live_key == tonal.key;
        sc.live_agree.push(f64::from(u8::from(agree)));
        sc.bpm_locks.push(fr.bpm_lock.unwrap_or(f64::INFINITY));
        sc.key_locks.push(fr.key_lock.unwrap_or(f64::INFINITY));
        let mut line = format!("{:<34} bpm {est:7.2}", row.file);
        if let Some(t) = row.bpm {
            let within = |f: f64| (est - t * f).abs() <= 0.04 * t * f;
            sc.a1.push(f64::from(u8::from(within(1.0))));
            if rh.tempo_confidence.is_some_and(|c| c >= 0.5) {
                sc.sure_tempo.push(f64::from(u8::from(within(1.0))));
            }
            for &b in &fr.early_sure_bpms {
                let right = (b - t).abs() <= 0.04 * t;
                sc.sure_live_tempo.push(f64::from(u8::from(right)));
            }
            let a2 = [1.0, 2.0, 3.0, 0.5, 1.0 / 3.0].into_iter().any(within);
            sc.a2.push(f64::from(u8::from(a2)));
            line += &format!(" (truth {t:7.2})");
        }
        if let Some(k) = row.key {
            let est_key = tonal.key.as_deref().and_then(Key::parse);
            let m = mirex(k, est_key);
            sc.key.push(m);
            line += &format!(" key {:?} (truth {}) {m}", tonal.key, k.name());
        }
        if let Some(b) = &row.beats {
            let truth_beats = read_times(b);
            let f = beat_f(&truth_beats, &rh.beat_times);
            sc.beat_f.push(f);
            line += &format!(" beatF {f:.3}");
            if row.render {
                if let Some(off) = median_offset(&truth_beats, &rh.beat_times) {
                    sc.beat_offsets.push(off);
                    line += &format!(" offset {:+.1} ms", off * 1e3);
                }
            }
        }
        let stem = Path::new(&row.file).with_extension("");
        let bars_file = bars_dir
            .as_ref()
            .map(|d| d.join(stem.with_extension("downbeats")))
            .filter(|p| p.exists());
        if let (Some(bars), Some(bpm), Some(b)) = (bars_file, row.bpm, &row.beats) {
            let right = downbeats_right(rh, bpm, &read_times(b), &read_times(&bars));
            if let Some(right) = right {
                sc.downbeats.push(f64::from(u8::from(right)));
                line += &format!(" downbeats {}", if right { "right" } else { "off" });
            }
        }
        if let Some(bar) = row.beats_per_bar {
            let right = rh.beats_per_bar() == Some(bar);
            sc.metre.push(f64::from(u8::from(right)));
            line += &format!(" metre {:?} (truth {bar}/4)", rh.time_signature);
        }
        sc.lines.push(line);
    });
    let mut sc = scores.into_inner().expect("lock");
    sc.lines.sort();
    for l in &sc.lines {
        println!("{l}");
    }
    let (a1, a2, key, bf) = (mean(&sc.a1), mean(&sc.a2), mean(&sc.key), mean(&sc.beat_f));
    let metre = mean(&sc.metre);
    println!(
        "tempo A1 {a1:.3} A2 {a2:.3} (n {}), key MIREX {key:.3} (n {}), beat F {bf:.3} (n {}), \
         metre {metre:.3} (n {})",
        sc.a1.len(),
        sc.key.len(),
        sc.beat_f.len(),
        sc.metre.len()
    );
    let share = |x: &[f64], secs: f64| {
        x.iter().filter(|&&t| t <= secs).count() as f64 / x.len().max(1) as f64
    };
    let median = |x: &mut Vec<f64>| {
        x.sort_by(f64::total_cmp);
        x.get(x.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let live = mean(&sc.live_agree);
    println!(
        "live: ends in agreement on {live:.3}; BPM locked within 8 s on {:.2} (median {:.0} s), \
         key within 15 s on {:.2} (median {:.0} s)",
        share(&sc.bpm_locks, 8.0),
        median(&mut sc.bpm_locks),
        share(&sc.key_locks, 15.0),
        median(&mut sc.key_locks)
    );
    assert!(sc.a1.len() >= 50 && sc.key.len() >= 10 && sc.beat_f.len() >= 40);
    assert!(
        sc.metre.len() >= 30,
        "{} rows in 3/4 or 4/4",
        sc.metre.len()
    );
    assert!(metre >= MIN_METRE, "metre {metre:.3} < {MIN_METRE}");
    if bars_dir.is_some() {
        let downbeats = mean(&sc.downbeats);
        println!(
            "downbeats right on {downbeats:.3} (n {})",
            sc.downbeats.len()
        );
        assert!(
            sc.downbeats.len() >= 25,
            "{} renders with bar truth and right beats",
            sc.downbeats.len()
        );
        assert!(
            downbeats >= MIN_DOWNBEATS,
            "downbeats {downbeats:.3} < {MIN_DOWNBEATS}"
        );
    }
    assert!(
        live >= MIN_LIVE_AGREEMENT,
        "live agreement {live:.3} < {MIN_LIVE_AGREEMENT}"
    );
    calibrated(
        "tempo confidence >= 0.5",
        &sc.sure_tempo,
        MIN_SURE_TEMPI,
        MIN_SURE_TEMPO_RIGHT,
    );
    calibrated(
        "live tempo in the first 30 s, confidence >= 0.5",
        &sc.sure_live_tempo,
        MIN_SURE_LIVE_TEMPI,
        MIN_SURE_LIVE_TEMPO_RIGHT,
    );
    assert!(a1 >= MIN_TEMPO_A1, "tempo A1 {a1:.3} < {MIN_TEMPO_A1}");
    assert!(a2 >= MIN_TEMPO_A2, "tempo A2 {a2:.3} < {MIN_TEMPO_A2}");
    assert!(key >= MIN_KEY_MIREX, "key MIREX {key:.3} < {MIN_KEY_MIREX}");
    assert!(bf >= MIN_BEAT_F, "beat F {bf:.3} < {MIN_BEAT_F}");
    let precise = sc
        .beat_offsets
        .iter()
        .filter(|d| d.abs() <= PRECISE_BEAT_SECS)
        .count() as f64
        / sc.beat_offsets.len().max(1) as f64;
    println!(
        "beats within {:.0} ms of the notes (median) on {precise:.3} of {} renders",
        PRECISE_BEAT_SECS * 1e3,
        sc.beat_offsets.len()
    );
    assert!(sc.beat_offsets.len() >= 30, "{}", sc.beat_offsets.len());
    assert!(
        precise >= MIN_PRECISE_RENDERS,
        "precise beats on {precise:.3} < {MIN_PRECISE_RENDERS}"
    );
}

#[test]
fn scoring_matches_the_dev_set_scorer_on_known_cases() {
    // score.py's rules, by example.
    let k = |s: &str| Key::parse(s).expect(s);
    assert_eq!(mirex(k("C major"), Some(k("C major"))), 1.0);
    assert_eq!(mirex(k("C major"), Some(k("G major"))), 0.5);
    assert_eq!(mirex(k("C major"), Some(k("F major"))), 0.5);
    assert_eq!(mirex(k("C major"), Some(k("A minor"))), 0.3);
    assert_eq!(mirex(k("A minor"), Some(k("C major"))), 0.3);
    assert_eq!(mirex(k("C major"), Some(k("C minor"))), 0.2);
    assert_eq!(mirex(k("C major"), Some(k("D major"))), 0.0);
    assert_eq!(mirex(k("C major"), None), 0.0);
    let truth: Vec<f64> = (0..40).map(|i| f64::from(i) * 0.5).collect();
    assert!((beat_f(&truth, &truth) - 1.0).abs() < 1e-12);
    let off: Vec<f64> = truth.iter().map(|t| t + 0.25).collect();
    assert_eq!(beat_f(&truth, &off), 0.0);
    let near: Vec<f64> = truth.iter().map(|t| t + 0.06).collect();
    assert!((beat_f(&truth, &near) - 1.0).abs() < 1e-12);
}
