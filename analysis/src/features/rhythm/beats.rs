//! Beat tracking by dynamic programming (Ellis 2007, "Beat tracking by dynamic
//! programming", J. New Music Research 36(1)), then a least-squares beat grid.
//!
//! The tracker maximises `Σ onset(b_i) − α Σ ln²((b_i − b_{i−1}) / P)` over beat sequences
//! for the period `P` chosen by the tempo estimate. The grid fit numbers the beats (a
//! skipped beat advances the count by two), fits `t = a + p·k` with outlier rejection and
//! decides whether the tempo is constant (then the grid is the beat list: sub-frame exact
//! and regular, as DJ software expects) or drifts (then the tracked beats are kept).

use super::signal::{mean_std, parabolic};

/// Penalty weight on log-squared deviations from the period (Ellis' "tightness").
pub const TIGHTNESS: f64 = 100.0;

/// The tracker's local score: onset novelty over its standard deviation, smoothed by a
/// Gaussian of σ = period/32 (as Ellis / librosa). Empty for a flat input.
pub fn local_score(onset: &[f32], period: f64) -> Vec<f32> {
    let (_, std) = mean_std(onset);
    if std <= 1e-12 || onset.is_empty() {
        return Vec::new();
    }
    let sigma = (period / 32.0).max(0.5);
    let half = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f32> = (-half..=half)
        .map(|k| (-0.5 * (k as f64 / sigma).powi(2)).exp() as f32)
        .collect();
    let n = onset.len() as isize;
    let inv = (1.0 / std) as f32;
    (0..n)
        .map(|i| {
            let mut s = 0.0f32;
            for (j, &w) in kernel.iter().enumerate() {
                let t = i + j as isize - half;
                if (0..n).contains(&t) {
                    s += w * onset[t as usize];
                }
            }
            s * inv
        })
        .collect()
}

/// Ellis' dynamic-programming beat tracker on a local score (see [`local_score`]) at
/// `period` frames. Returns beat frames in increasing order, with weak beats at the
/// start and end (silence, fades) trimmed. Empty when nothing stands out.
pub fn track(local: &[f32], period: f64, tightness: f64) -> Vec<usize> {
    let n = local.len();
    if n < 3 || period.is_nan() || period < 2.0 {
        return Vec::new();
    }
    let jmin = ((period / 2.0).round() as usize).max(1);
    let jmax = ((2.0 * period).round() as usize).max(jmin);
    let txwt: Vec<f32> = (0..=jmax)
        .map(|j| {
            if j < jmin {
                f32::NEG_INFINITY
            } else {
                (-tightness * (j as f64 / period).ln().powi(2)) as f32
            }
        })
        .collect();
    let mut cum = vec![0.0f32; n];
    let mut back = vec![usize::MAX; n];
    for i in 0..n {
        let mut best = f32::NEG_INFINITY;
        let mut arg = usize::MAX;
        let hi = jmax.min(i);
        if hi >= jmin {
            for j in jmin..=hi {
                let v = cum[i - j] + txwt[j];
                if v > best {
                    best = v;
                    arg = i - j;
                }
            }
        }
        if best > 0.0 {
            cum[i] = local[i] + best;
            back[i] = arg;
        } else {
            cum[i] = local[i];
        }
    }
    // Last beat: the last local maximum of the cumulative score above half the median
    // of all local maxima.
    let maxima: Vec<usize> = (1..n - 1)
        .filter(|&i| cum[i] > cum[i - 1] && cum[i] >= cum[i + 1])
        .collect();
    if maxima.is_empty() {
        return Vec::new();
    }
    let mut vals: Vec<f32> = maxima.iter().map(|&i| cum[i]).collect();
    vals.sort_by(f32::total_cmp);
    let thr = 0.5 * vals[vals.len() / 2];
    let Some(&last) = maxima.iter().rev().find(|&&i| cum[i] >= thr) else {
        return Vec::new();
    };
    let mut beats = vec![last];
    let mut i = last;
    while back[i] != usize::MAX {
        i = back[i];
        beats.push(i);
    }
    beats.reverse();
    trim(local, beats)
}

/// Drops leading and trailing beats whose (Hann-smoothed) local score is below half
/// the RMS of the beats' scores (librosa's `trim`).
fn trim(local: &[f32], beats: Vec<usize>) -> Vec<usize> {
    if beats.len() < 3 {
        return beats;
    }
    let at: Vec<f32> = beats.iter().map(|&b| local[b]).collect();
    let w = [0.5f32, 1.0, 0.5];
    let sm: Vec<f32> = (0..at.len())
        .map(|i| {
            let mut s = 0.0;
            for (k, &wk) in w.iter().enumerate() {
                let t = i as isize + k as isize - 1;
                if t >= 0 && (t as usize) < at.len() {
                    s += wk * at[t as usize];
                }
            }
            s
        })
        .collect();
    let rms = (sm.iter().map(|&v| v * v).sum::<f32>() / sm.len() as f32).sqrt();
    let thr = 0.5 * rms;
    let first = sm.iter().position(|&v| v > thr).unwrap_or(0);
    let last = sm.iter().rposition(|&v| v > thr).unwrap_or(sm.len() - 1);
    if first > last {
        return Vec::new();
    }
    beats[first..=last].to_vec()
}

/// Sub-frame beat positions: the local-score maximum within ±2 frames of each beat,
/// refined by a parabola.
pub fn refine(local: &[f32], beats: &[usize]) -> Vec<f64> {
    let n = local.len();
    beats
        .iter()
        .map(|&b| {
            let lo = b.saturating_sub(2);
            let hi = (b + 2).min(n - 1);
            let mut m = b;
            for i in lo..=hi {
                if local[i] > local[m] {
                    m = i;
                }
            }
            if m > 0 && m + 1 < n {
                m as f64
                    + parabolic(
                        f64::from(local[m - 1]),
                        f64::from(local[m]),
                        f64::from(local[m + 1]),
                    )
            } else {
                m as f64
            }
        })
        .collect()
}

/// A regular beat grid `frame(k) = origin + period · k` for `k` in `first..=last`.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Frame of beat 0.
    pub origin: f64,
    /// Beat period in frames.
    pub period: f64,
    /// Index of each tracked beat on the grid (same length as the beats given).
    pub index: Vec<i64>,
    /// Standard deviation of the tracked beats around the grid, frames.
    #[allow(dead_code)]
    pub residual: f64,
    /// The tempo is steady: the grid may replace the tracked beats.
    pub constant: bool,
}

fn line_fit(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = pts.len() as f64;
    if pts.len() < 2 {
        return None;
    }
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

/// Numbers the beats and fits a line through them (see the module docs).
pub fn fit_grid(beats: &[f64], period_guess: f64) -> Option<Grid> {
    if beats.len() < 4 || period_guess.is_nan() || period_guess <= 0.0 {
        return None;
    }
    let mut index = Vec::with_capacity(beats.len());
    let mut k = 0i64;
    index.push(0);
    for w in beats.windows(2) {
        k += (((w[1] - w[0]) / period_guess).round() as i64).max(1);
        index.push(k);
    }
    let all: Vec<(f64, f64)> = index
        .iter()
        .map(|&k| k as f64)
        .zip(beats.iter().copied())
        .collect();
    let (mut a, mut p) = line_fit(&all)?;
    let mut kept = all.clone();
    for _ in 0..3 {
        let tol = 0.15 * p;
        let next: Vec<(f64, f64)> = all
            .iter()
            .copied()
            .filter(|&(k, t)| (t - (a + p * k)).abs() < tol)
            .collect();
        if next.len() < all.len() / 2 || next.len() < 4 {
            break;
        }
        kept = next;
        let (a2, p2) = line_fit(&kept)?;
        a = a2;
        p = p2;
    }
    if p.is_nan() || p <= 0.0 {
        return None;
    }
    let residual = (kept
        .iter()
        .map(|&(k, t)| (t - (a + p * k)).powi(2))
        .sum::<f64>()
        / kept.len() as f64)
        .sqrt();
    // Steady tempo: small residual, most beats on the line, and the two halves agree.
    let mid = kept.len() / 2;
    let drift = if mid >= 8 {
        match (line_fit(&kept[..mid]), line_fit(&kept[mid..])) {
            (Some((_, p1)), Some((_, p2))) => (p1 / p2 - 1.0).abs(),
            _ => 0.0,
        }
    } else {
        0.0
    };
    let constant =
        residual < 0.04 * p && drift < 0.01 && kept.len() as f64 >= 0.8 * all.len() as f64;
    Some(Grid {
        origin: a,
        period: p,
        index,
        residual,
        constant,
    })
}

/// Linear interpolation of `x` at fractional index `t` (0 outside).
fn at(x: &[f32], t: f64) -> f64 {
    if t < 0.0 {
        return 0.0;
    }
    let i = t.floor() as usize;
    if i + 1 >= x.len() {
        return x.get(i).map_or(0.0, |&v| f64::from(v));
    }
    let f = t - i as f64;
    f64::from(x[i]) * (1.0 - f) + f64::from(x[i + 1]) * f
}

/// Mean local score at the given beat frames.
pub fn mean_score(local: &[f32], beats: &[f64]) -> f64 {
    if beats.is_empty() {
        return 0.0;
    }
    beats.iter().map(|&b| at(local, b)).sum::<f64>() / beats.len() as f64
}

/// The one steady grid that best explains the local score between frames `first` and
/// `last`: periods within ±0.5 % of `period` and every phase (quarter-frame steps) are
/// tried, and the grid with the highest mean score at its beats wins. Returns the grid
/// (its `index` numbers `beats` on it) and that mean score.
///
/// A tracker following a steady piece can still slip half a beat for a few bars (a
/// syncopated riff, a break); such a path is not one line, but this grid is, and when it
/// holds about as much onset strength as the path, it is the better beat list.
pub fn steady_grid(local: &[f32], beats: &[f64], period: f64) -> Option<(Grid, f64)> {
    let (&first, &last) = (beats.first()?, beats.last()?);
    if period.is_nan() || period <= 2.0 || last - first < 4.0 * period {
        return None;
    }
    let mut best = (f64::NEG_INFINITY, 0.0, period);
    for step in -8..=8 {
        let p = period * (1.0 + 0.005 * f64::from(step) / 8.0);
        let count = ((last - first) / p).floor() as usize + 1;
        let mut phase = 0.0;
        while phase < p {
            let origin = first - 0.5 * p + phase;
            let s: f64 = (0..count).map(|k| at(local, origin + p * k as f64)).sum();
            let mean = s / count as f64;
            if mean > best.0 {
                best = (mean, origin, p);
            }
            phase += 0.25;
        }
    }
    let (mean, origin, p) = best;
    let index = beats
        .iter()
        .map(|&b| ((b - origin) / p).round() as i64)
        .collect();
    Some((
        Grid {
            origin,
            period: p,
            index,
            residual: 0.0,
            constant: true,
        },
        mean,
    ))
}

/// Least share of the tracked beats that must lie on a [`majority_grid`].
pub const MAJORITY_SHARE: f64 = 0.45;
/// Longest run of beats (eight bars) over which the tracked path's local tempo may differ
/// from a [`majority_grid`]'s by more than 2 %. On the real-music sets the slips that the
/// grid mends left it for at most 20 beats; a section at another tempo lasts longer.
pub const MAX_OFF_TEMPO_BEATS: usize = 32;

/// The steady grid on which most of `beats` lie (within 8 % of a period): periods within
/// ±0.5 % of `period` and every quarter-frame phase are tried, ties go to the higher mean
/// local score, and the line is then fitted through the beats on it. `None` when fewer
/// than [`MAJORITY_SHARE`] of the beats lie on it, or when the path's local tempo leaves
/// the grid's for more than [`MAX_OFF_TEMPO_BEATS`] beats in a row. The periods tried are
/// within ±0.5 % of each of `periods`.
///
/// A path that slipped to the off-beat for whole sections (a syncopated riff, a break)
/// and that no one grid explains as well as the path (see [`steady_grid`]) is still, for
/// most of its length, on one line: the line the music keeps to when its tempo does not
/// change. A piece whose tempo changes has no such line.
pub fn majority_grid(local: &[f32], beats: &[f64], periods: &[f64]) -> Option<Grid> {
    let (&first, &last) = (beats.first()?, beats.last()?);
    let period = periods.first().copied()?;
    if periods.iter().any(|p| p.is_nan() || *p <= 2.0) || last - first < 4.0 * period {
        return None;
    }
    let on_line = |origin: f64, p: f64, b: f64| {
        let x = (b - origin) / p;
        (x - x.round()).abs() < 0.08
    };
    // (beats on the grid, mean local score, origin, period)
    let mut best = (0usize, f64::NEG_INFINITY, 0.0, period);
    for (centre, step) in periods.iter().flat_map(|&c| (-8..=8).map(move |s| (c, s))) {
        let p = centre * (1.0 + 0.005 * f64::from(step) / 8.0);
        let count = ((last - first) / p).floor() as usize + 1;
        let mut phase = 0.0;
        while phase < p {
            let origin = first - 0.5 * p + phase;
            let on = beats.iter().filter(|&&b| on_line(origin, p, b)).count();
            if on >= best.0 {
                let s: f64 = (0..count).map(|k| at(local, origin + p * k as f64)).sum();
                let mean = s / count as f64;
                if on > best.0 || mean > best.1 {
                    best = (on, mean, origin, p);
                }
            }
            phase += 0.25;
        }
    }
    let (on, _, origin, p) = best;
    if (on as f64) < MAJORITY_SHARE * beats.len() as f64 {
        return None;
    }
    // A slip keeps the tempo; a tempo change does not. The local tempo (the median of
    // eight intervals) may leave the grid's only briefly.
    let iois: Vec<f64> = beats.windows(2).map(|w| w[1] - w[0]).collect();
    let mut run = 0usize;
    for w in iois.windows(8) {
        let mut v = w.to_vec();
        v.sort_by(f64::total_cmp);
        let local_period = 0.5 * (v[3] + v[4]);
        if (local_period / p - 1.0).abs() < 0.02 {
            run = 0;
        } else {
            run += 1;
            if run > MAX_OFF_TEMPO_BEATS {
                return None;
            }
        }
    }
    let kept: Vec<(f64, f64)> = beats
        .iter()
        .filter(|&&b| on_line(origin, p, b))
        .map(|&b| (((b - origin) / p).round(), b))
        .collect();
    let (origin, p) = match line_fit(&kept) {
        Some((a, q)) if q > 0.0 && (q / p - 1.0).abs() < 0.01 => (a, q),
        _ => (origin, p),
    };
    let index = beats
        .iter()
        .map(|&b| ((b - origin) / p).round() as i64)
        .collect();
    Some(Grid {
        origin,
        period: p,
        index,
        residual: 0.0,
        constant: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::rhythm::signal::novelty;

    /// Clicks every `period` frames with ±`jitter` frames of deterministic jitter.
    fn clicks(n: usize, period: f64, offset: f64, jitter: f64) -> (Vec<f32>, Vec<f64>) {
        let mut x = vec![0.0f32; n];
        let mut truth = Vec::new();
        let mut k = 0;
        loop {
            let j = jitter * (((k * 7919) % 13) as f64 / 6.0 - 1.0);
            let t = offset + k as f64 * period + j;
            if t >= n as f64 - 1.0 {
                break;
            }
            let i = t.round() as usize;
            x[i] += 1.0;
            truth.push(t);
            k += 1;
        }
        (x, truth)
    }

    #[test]
    fn dp_tracks_jittered_clicks() {
        // 120 BPM at 86.13 frames/s: period 43.07 frames; ±2 frames jitter (±23 ms).
        let period = 60.0 * 22050.0 / 256.0 / 120.0;
        let (x, truth) = clicks(3000, period, 17.0, 2.0);
        let o = novelty(&x, 20);
        let local = local_score(&o, period);
        let beats = track(&local, period, TIGHTNESS);
        // Every true click found within one frame (rounding), nothing extra.
        assert!(beats.len() + 1 >= truth.len() && beats.len() <= truth.len());
        for b in &beats {
            let nearest = truth
                .iter()
                .map(|t| (t - *b as f64).abs())
                .fold(f64::INFINITY, f64::min);
            assert!(nearest <= 1.0, "beat {b} is {nearest} frames from a click");
        }
        let refined = refine(&local, &beats);
        let grid = fit_grid(&refined, period).expect("grid");
        assert!(
            (grid.period / period - 1.0).abs() < 0.002,
            "{}",
            grid.period
        );
        assert!(grid.constant);
    }

    /// A tracked path on `truth` except the beats in `slip`, half a beat late.
    fn slipped(truth: &[f64], slip: std::ops::Range<usize>, period: f64) -> Vec<f64> {
        truth
            .iter()
            .enumerate()
            .map(|(k, &t)| {
                if slip.contains(&k) {
                    t + 0.5 * period
                } else {
                    t
                }
            })
            .collect()
    }

    #[test]
    fn steady_grid_mends_a_half_beat_slip() {
        // Clicks every 43.07 frames (120 BPM); a path that sits half a beat late on beats
        // 40-59 is not one line, but the steady grid finds the clicks again.
        let period = 60.0 * 22050.0 / 256.0 / 120.0;
        let (x, truth) = clicks(6000, period, 17.0, 0.0);
        let local = local_score(&novelty(&x, 20), period);
        let path = slipped(&truth, 40..60, period);
        assert!(!fit_grid(&path, period).expect("grid").constant);
        let (g, score) = steady_grid(&local, &path, period).expect("steady");
        assert!(score > mean_score(&local, &path), "{score}");
        assert!((g.period / period - 1.0).abs() < 0.001, "{}", g.period);
        for (k, &t) in truth.iter().enumerate() {
            let on = g.origin + g.period * (k as f64 + ((truth[0] - g.origin) / g.period).round());
            assert!((on - t).abs() < 0.5, "beat {k}: grid {on}, click {t}");
        }
    }

    #[test]
    fn majority_grid_keeps_the_line_most_beats_are_on() {
        // A path on the beat except beats 30-69 of 120, where a riff drew it half a beat
        // late: 80 of 120 beats are on the clicks' line, and the grid keeps to it.
        let period = 60.0 * 22050.0 / 256.0 / 120.0;
        let (x, truth) = clicks(5200, period, 17.0, 0.0);
        let truth = &truth[..120];
        let local = local_score(&novelty(&x, 20), period);
        let path = slipped(truth, 30..70, period);
        assert!(!fit_grid(&path, period).expect("grid").constant);
        let g = majority_grid(&local, &path, &[period]).expect("majority");
        assert!((g.period / period - 1.0).abs() < 0.0005, "{}", g.period);
        for &t in truth {
            let k = ((t - g.origin) / g.period).round();
            assert!((g.origin + g.period * k - t).abs() < 0.5, "click {t}");
        }
        // A piece whose tempo changes (120 then 127 BPM, half each) has no such line.
        let p2 = period * 120.0 / 127.0;
        let changing: Vec<f64> = (0..60)
            .map(|k| 17.0 + period * f64::from(k))
            .chain((1..=60).map(|k| 17.0 + period * 59.0 + p2 * f64::from(k)))
            .collect();
        let fitted = fit_grid(&changing, period).expect("grid");
        assert!(!fitted.constant);
        assert!(majority_grid(&local, &changing, &[period, fitted.period]).is_none());
    }

    #[test]
    fn grid_bridges_a_missing_beat() {
        let beats: Vec<f64> = [0.0, 10.0, 20.0, 40.0, 50.0, 60.0, 70.0]
            .iter()
            .map(|x| x + 5.0)
            .collect();
        let g = fit_grid(&beats, 10.0).expect("grid");
        assert_eq!(g.index, vec![0, 1, 2, 4, 5, 6, 7]);
        assert!((g.period - 10.0).abs() < 1e-9);
        assert!((g.origin - 5.0).abs() < 1e-9);
    }
}
