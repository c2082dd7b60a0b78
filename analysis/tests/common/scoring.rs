//! The dev set's scoring (`../shared/devset/score.py`), shared by the tests that score
//! real recordings against their truth.

use aidj_analysis::features::rhythm::Rhythm;
use aidj_analysis::key::Key;
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
