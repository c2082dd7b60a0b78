//! The dev set's scoring (`../shared/devset/score.py`), shared by the tests that score
//! real recordings against their truth.

use aidj_analysis::key::Key;
use std::path::Path;

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
