//! The dev set's scoring (`../shared/devset/score.py`), shared by the tests that score
//! real recordings against their truth.

use aidj_analysis::features::rhythm::Rhythm;
use aidj_analysis::key::Key;
use aidj_analysis::report::Analysis;
use aidj_analysis::{analyze_file, AnalysisConfig};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// MIREX weighting: 1 exact, 0.5 a fifth either way in the same mode, 0.3 relative,
/// 0.2 parallel.
pub fn mirex(truth: Key, est: Option<Key>) -> f64 {
    let Some(est) = est else { return 0.0 };
    let (tp, ep) = (i32::from(truth.root), i32::from(est.root));
    let (tm, em) = (truth.minor, est.minor);
    if tp == ep && tm == em {
        1.0
    } else if tm == em && [5, 7].contains(&(ep - tp).rem_euclid(12)) {
        0.5
    } else if !tm && em && ep == (tp + 9) % 12 || tm && !em && ep == (tp + 3) % 12 {
        0.3
    } else if tp == ep {
        0.2
    } else {
        0.0
    }
}

/// F-measure of beat lists at ±70 ms, beats before 5 s left out (mir_eval's defaults).
pub fn beat_f(truth: &[f64], est: &[f64]) -> f64 {
    let r: Vec<f64> = truth.iter().copied().filter(|&t| t >= 5.0).collect();
    let e: Vec<f64> = est.iter().copied().filter(|&t| t >= 5.0).collect();
    if r.is_empty() || e.is_empty() {
        return if r.is_empty() && e.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let (mut i, mut j, mut hits) = (0, 0, 0usize);
    while i < r.len() && j < e.len() {
        let d = e[j] - r[i];
        if d.abs() <= 0.070 {
            hits += 1;
            i += 1;
            j += 1;
        } else if d < 0.0 {
            j += 1;
        } else {
            i += 1;
        }
    }
    if hits == 0 {
        return 0.0;
    }
    let (p, rc) = (hits as f64 / e.len() as f64, hits as f64 / r.len() as f64);
    2.0 * p * rc / (p + rc)
}

/// Times (s) in a truth file, one per line.
pub fn read_times(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

/// The built set named by the environment variable `var`, or `None` (the test says so and
/// passes) unless `require` is set to 1, when its absence fails the test.
pub fn set_from_env(var: &str, require: &str, what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(var).map(PathBuf::from);
    if dir.is_none() {
        assert!(
            std::env::var(require).as_deref() != Ok("1"),
            "{require}=1 but {var} is not set"
        );
        println!("{var} not set: {what} not measured");
    }
    dir
}

/// Calls `f` on every item, on up to four threads (each file's analysis is one call).
pub fn in_parallel<T: Sync>(items: &[T], f: impl Fn(&T) + Sync) {
    let next = Mutex::new(0usize);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().expect("lock");
                    *n += 1;
                    *n - 1
                };
                let Some(item) = items.get(i) else { break };
                f(item);
            });
        }
    });
}

/// The rows of a tab-separated truth table (`score.py`'s `truth.tsv`), each by column name
/// (a missing cell reads empty); `what` names the set in the error of a missing table.
pub fn read_table(path: &Path, what: &str) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (is the {what} built?)", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            header
                .iter()
                .enumerate()
                .map(|(i, h)| (h.to_string(), cells.get(i).unwrap_or(&"").to_string()))
                .collect()
        })
        .collect()
}

/// Share of `times` within 70 ms of one of `truth`.
pub fn share_near(times: &[f64], truth: &[f64]) -> f64 {
    let near = |t: f64| truth.iter().any(|&x| (x - t).abs() <= 0.070);
    times.iter().filter(|&&t| near(t)).count() as f64 / times.len().max(1) as f64
}

/// Whether the downbeats of `rh` sit on the bar starts `bars`: `None` unless its tempo is
/// within 4 % of `bpm` and 90 % of its beats are on the `truth_beats` (a downbeat can only
/// be right then), else whether 80 % of its downbeats are within 70 ms of a bar start.
pub fn downbeats_right(rh: &Rhythm, bpm: f64, truth_beats: &[f64], bars: &[f64]) -> Option<bool> {
    let est = rh.tempo_bpm_global?;
    let downs = &rh.downbeat_times;
    if (est / bpm - 1.0).abs() > 0.04 || rh.beat_times.len() < 8 || downs.len() < 4 {
        return None;
    }
    (share_near(&rh.beat_times, truth_beats) >= 0.9).then(|| share_near(downs, bars) >= 0.8)
}

/// Asserts a share: `right` holds 1 or 0 for each estimate counted (a confidence's sure
/// estimates, files whose downbeats are checked); at least `min_n` of them, right at least
/// `min_share` of the time.
pub fn calibrated(what: &str, right: &[f64], min_n: usize, min_share: f64) {
    let share = mean(right);
    println!("{what}: {} estimates, {share:.3} right", right.len());
    assert!(right.len() >= min_n, "{what}: {} < {min_n}", right.len());
    assert!(share >= min_share, "{what}: right {share:.3} < {min_share}");
}

/// One render of a set whose truth is exact (the LMMS and MMA sets): its tempo, beats,
/// bar starts (where known) and key (where trusted).
pub struct RenderTruth {
    pub file: String,
    pub bpm: f64,
    pub beats: PathBuf,
    pub bars: Option<PathBuf>,
    pub key: Option<Key>,
}

impl RenderTruth {
    /// The rows of `dir/truth.tsv` with a trusted tempo; `what` names the set. Bar starts
    /// are the beats file's `.downbeats` sibling, where it exists.
    pub fn read(dir: &Path, what: &str) -> Vec<RenderTruth> {
        read_table(&dir.join("truth.tsv"), what)
            .iter()
            .filter(|r| r.get("bpm_trusted").map(String::as_str) == Some("1"))
            .map(|r| {
                let get = |c: &str| r.get(c).map_or("", String::as_str);
                let beats = dir.join(get("beats_file"));
                RenderTruth {
                    file: get("file").to_string(),
                    bpm: get("bpm").parse().expect("bpm"),
                    bars: Some(beats.with_extension("downbeats")).filter(|p| p.exists()),
                    beats,
                    key: (get("key_trusted") == "1")
                        .then(|| Key::parse(get("key")))
                        .flatten(),
                }
            })
            .collect()
    }
}

/// The scores of a set of renders, file by file: 1 or 0 for tempo Accuracy1 and 2, for
/// each sure tempo (confidence >= 0.5) and sure key, and for each file whose downbeats are
/// checked; the MIREX weight of each trusted key, each file's beat F and a line per file.
#[derive(Default)]
pub struct RenderScores {
    pub a1: Vec<f64>,
    pub a2: Vec<f64>,
    pub sure_tempo: Vec<f64>,
    pub key: Vec<f64>,
    pub sure_key: Vec<f64>,
    pub beat_f: Vec<f64>,
    pub downbeats: Vec<f64>,
    pub lines: Vec<String>,
}

impl RenderScores {
    /// Analyses every render of `rows` (in `dir/audio`) and scores it.
    pub fn of_set(dir: &Path, rows: &[RenderTruth]) -> RenderScores {
        let scores = Mutex::new(RenderScores::default());
        in_parallel(rows, |row| {
            let path = dir.join("audio").join(&row.file);
            let an = analyze_file(&path, &AnalysisConfig::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .report
                .analysis;
            scores.lock().expect("lock").add(row, &an);
        });
        let mut sc = scores.into_inner().expect("lock");
        sc.lines.sort();
        for l in &sc.lines {
            println!("{l}");
        }
        println!(
            "tempo A1 {:.3} A2 {:.3} (n {}), beat F {:.3}, key MIREX {:.3} (n {})",
            mean(&sc.a1),
            mean(&sc.a2),
            sc.a1.len(),
            mean(&sc.beat_f),
            mean(&sc.key),
            sc.key.len()
        );
        sc
    }

    fn add(&mut self, row: &RenderTruth, an: &Analysis) {
        let (rh, tonal) = (&an.rhythm, &an.tonal.harmony);
        let est = rh.tempo_bpm_global.unwrap_or(f64::NAN);
        let within = |f: f64| (est - row.bpm * f).abs() <= 0.04 * row.bpm * f;
        let truth_beats = read_times(&row.beats);
        let f = beat_f(&truth_beats, &rh.beat_times);
        let one = |b: bool| f64::from(u8::from(b));
        self.a1.push(one(within(1.0)));
        self.a2
            .push(one([1.0, 2.0, 3.0, 0.5, 1.0 / 3.0].into_iter().any(within)));
        if rh.tempo_confidence.is_some_and(|c| c >= 0.5) {
            self.sure_tempo.push(one(within(1.0)));
        }
        self.beat_f.push(f);
        let mut line = format!(
            "{:<44} bpm {est:7.2} (truth {:6.2}) beatF {f:.3}",
            row.file, row.bpm
        );
        let downbeats = row
            .bars
            .as_ref()
            .and_then(|b| downbeats_right(rh, row.bpm, &truth_beats, &read_times(b)));
        if let Some(right) = downbeats {
            self.downbeats.push(one(right));
            line += if right {
                " downbeats right"
            } else {
                " downbeats off"
            };
        }
        if let Some(k) = row.key {
            let est_key = tonal.key.as_deref().and_then(Key::parse);
            let m = mirex(k, est_key);
            self.key.push(m);
            if tonal.key_confidence.is_some_and(|c| c >= 0.5) {
                self.sure_key.push(one(est_key == Some(k)));
            }
            line += &format!(" key {:?} (truth {}) {m}", tonal.key, k.name());
        }
        self.lines.push(line);
    }
}

/// What a render set's test asks of its [`RenderScores`]: means at least these, and the
/// shares right (at least `.1` of at least `.0` estimates) of the sure tempi, the sure keys
/// (`None`: not asked) and the downbeats.
pub struct Floors {
    pub tempo_a1: f64,
    pub tempo_a2: f64,
    pub beat_f: f64,
    pub key_mirex: f64,
    pub sure_tempi: (usize, f64),
    pub sure_keys: Option<(usize, f64)>,
    pub downbeats: (usize, f64),
}

impl RenderScores {
    /// Asserts every floor of `f`.
    pub fn assert_floors(&self, f: &Floors) {
        for (what, got, floor) in [
            ("tempo A1", mean(&self.a1), f.tempo_a1),
            ("tempo A2", mean(&self.a2), f.tempo_a2),
            ("beat F", mean(&self.beat_f), f.beat_f),
            ("key MIREX", mean(&self.key), f.key_mirex),
        ] {
            assert!(got >= floor, "{what} {got:.3} < {floor}");
        }
        let (n, share) = f.sure_tempi;
        calibrated("tempo confidence >= 0.5", &self.sure_tempo, n, share);
        if let Some((n, share)) = f.sure_keys {
            calibrated("key confidence >= 0.5", &self.sure_key, n, share);
        }
        let (n, share) = f.downbeats;
        calibrated("downbeats on the bar starts", &self.downbeats, n, share);
    }
}
