//! Beat tracking by dynamic programming (Ellis 2007, "Beat tracking by dynamic
//! programming", J. New Music Research 36(1)), then a least-squares beat grid.
//!
//! The tracker maximises `Σ onset(b_i) − α Σ ln²((b_i − b_{i−1}) / P)` over beat sequences
//! for the period `P` chosen by the tempo estimate. The grid fit numbers the beats (a
//! skipped beat advances the count by two), fits `t = a + p·k` with outlier rejection and
//! decides whether the tempo is constant (then the grid is the beat list: sub-frame exact
//! and regular, as DJ software expects) or drifts (then the tracked beats are kept).

use super::signal::{autocorr, mean_std, parabolic};
use super::tempo::{comb_in, level_prior};

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
    let beats = track_periods(local, &[period], tightness);
    trim(local, beats)
}

/// [`track`] with a period for every frame (`periods[i]` for the beat that ends at frame
/// `i`; the last value holds beyond its end, so one value is a constant period): a piece
/// whose tempo changes is followed section by section (see [`local_periods`]). Weak beats
/// at the start and end are kept: a soft intro at another tempo is still music.
pub fn track_periods(local: &[f32], periods: &[f64], tightness: f64) -> Vec<usize> {
    let n = local.len();
    let Some(&last_period) = periods.last() else {
        return Vec::new();
    };
    if n < 3 || periods.iter().any(|p| p.is_nan() || *p < 2.0) {
        return Vec::new();
    }
    let longest = periods.iter().copied().fold(0.0, f64::max);
    let jcap = (2.0 * longest).round() as usize + 1;
    // ln j for every interval, so the penalty needs no logarithm per step.
    let ln_j: Vec<f64> = (0..=jcap).map(|j| (j.max(1) as f64).ln()).collect();
    let mut cum = vec![0.0f32; n];
    let mut back = vec![usize::MAX; n];
    for i in 0..n {
        let period = periods.get(i).copied().unwrap_or(last_period);
        let jmin = ((period / 2.0).round() as usize).max(1);
        let jmax = ((2.0 * period).round() as usize).max(jmin).min(jcap);
        let ln_p = period.ln();
        let mut best = f32::NEG_INFINITY;
        let mut arg = usize::MAX;
        let hi = jmax.min(i);
        if hi >= jmin {
            for j in jmin..=hi {
                let d = ln_j[j] - ln_p;
                let v = cum[i - j] - (tightness * d * d) as f32;
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
    beats
}

/// Length of the windows in which [`local_periods`] reads a local tempo, seconds: about
/// ten beats at 77 BPM, the slowest intro of the tempo-change pieces it was made on.
const LOCAL_WINDOW_SECS: f64 = 8.0;
/// Hop between those windows, seconds.
const LOCAL_HOP_SECS: f64 = 2.0;
/// Widest tempo change followed, octaves either side of the global tempo (an intro at 77
/// BPM before a piece at 126 is 0.71 octave away).
const LOCAL_RANGE_OCTAVES: f64 = 0.75;
/// Resolution of the local tempo search, octaves (about 1.1 %).
const LOCAL_STEP_OCTAVES: f64 = 1.0 / 64.0;
/// Least change from the global period that counts as another tempo.
const LOCAL_MIN_CHANGE: f64 = 0.04;
/// A window is at another tempo when its comb (mean periodicity at 1-4 periods) there is
/// at least [`LOCAL_MIN_COMB`], [`LOCAL_RATIO`] times and [`LOCAL_MARGIN`] above its comb at
/// the global period.
const LOCAL_MIN_COMB: f64 = 0.15;
const LOCAL_RATIO: f64 = 1.5;
const LOCAL_MARGIN: f64 = 0.08;
/// A section goes on at its tempo while the window's comb there is within this of the
/// window's best.
const LOCAL_HYSTERESIS: f64 = 0.05;
/// Least number of consecutive windows at another tempo (12 s with the window and hop
/// above): shorter departures are fills, breaks and syncopated riffs, which the tracker
/// rides through at the global period.
const LOCAL_MIN_WINDOWS: usize = 3;
/// A window's best period gives way to its double or half when that keeps at least this
/// share of the best's comb and the octave cues of the global tempo (the prior and the
/// window's onsets per beat, `tempo::level_prior`) prefer it. The comb reaches four
/// periods, so it is higher at the slower octave of any pulse: by 0.02-0.1 on the
/// tempo-change pieces (a share of 0.88 or more), where a section at 150 after 120 read at
/// 75 from halfway through, and one at 120 after 92 at 60.
const LOCAL_OCTAVE_SHARE: f64 = 0.85;

/// The beat period of every frame of `onset` (a novelty function, `frame_rate` frames a
/// second) when the piece changes tempo, else `None`: the global `period` holds wherever
/// the music keeps to it.
///
/// Each window of [`LOCAL_WINDOW_SECS`] is read on its own: the period within
/// [`LOCAL_RANGE_OCTAVES`] of the global one with the highest comb (the tempo estimate's
/// `comb_in`: the mean of its autocorrelation at 1, 2, 3 and 4 periods, which a 2:3 or 3:4
/// relative of the window's beat halves), or its double or half where the global tempo's
/// octave cues prefer that with the window's onsets (`onsets`: onset frames, ascending;
/// see [`LOCAL_OCTAVE_SHARE`]). A window is at another tempo when that period
/// differs from the global one by [`LOCAL_MIN_CHANGE`] or more and its comb there clears
/// the global period's ([`LOCAL_MIN_COMB`], [`LOCAL_RATIO`], [`LOCAL_MARGIN`]). Only runs
/// of [`LOCAL_MIN_WINDOWS`] or more such windows, each within
/// [`LOCAL_MIN_CHANGE`] of the next (a section, a ramp), change the period; their frames
/// take the windows' periods, the rest keep `period`.
///
/// The dynamic programme at one period (Ellis 2007) follows drift of a few percent but
/// not a section at another tempo: a 25 % change costs it more per beat than the onsets
/// give, so it keeps the old period across the new section.
pub fn local_periods(
    onset: &[f32],
    onsets: &[f64],
    period: f64,
    frame_rate: f64,
) -> Option<Vec<f64>> {
    let n = onset.len();
    let win = (LOCAL_WINDOW_SECS * frame_rate).round() as usize;
    let hop = (LOCAL_HOP_SECS * frame_rate).round().max(1.0) as usize;
    if period.is_nan() || period < 2.0 || win < 8 || n < 2 * win {
        return None;
    }
    let steps = (LOCAL_RANGE_OCTAVES / LOCAL_STEP_OCTAVES).round() as i32;
    let octave = (1.0 / LOCAL_STEP_OCTAVES).round() as usize;
    let candidates: Vec<f64> = (-steps..=steps)
        .map(|k| period * (f64::from(k) * LOCAL_STEP_OCTAVES).exp2())
        .collect();
    let longest = candidates.last().copied().unwrap_or(period);
    // Lags up to four of the longest candidate periods (and their ±2 % peak search).
    let max_lag = ((4.2 * longest).ceil() as usize + 3).min(win / 2);
    let starts: Vec<usize> = (0..=(n - win) / hop).map(|w| w * hop).collect();
    // Each window's comb at every candidate period (the middle one is the global period).
    let combs: Vec<Vec<f64>> = starts
        .iter()
        .map(|&s| {
            let r = autocorr(&onset[s..s + win], max_lag);
            candidates.iter().map(|&l| comb_in(&r, l)).collect()
        })
        .collect();
    let global = steps as usize;
    let near =
        |c: usize, of: usize| (candidates[c] / candidates[of] - 1.0).abs() < LOCAL_MIN_CHANGE;
    // Whether candidate `c` of window `w` is another tempo than the global one.
    let other = |w: usize, c: usize| {
        let (v, g) = (combs[w][c], combs[w][global]);
        !near(c, global) && v >= LOCAL_MIN_COMB && v >= LOCAL_RATIO * g && v >= g + LOCAL_MARGIN
    };
    // Follow runs of windows at another tempo: each window continues the run at the
    // candidate nearest the run's last reading when that is about as good as its best.
    let mut reading: Vec<Option<usize>> = vec![None; starts.len()];
    let mut prev: Option<usize> = None;
    for w in 0..starts.len() {
        let best = strongest(&combs[w], 0..candidates.len(), global).unwrap_or(global);
        let (a, b) = (starts[w] as f64, (starts[w] + win) as f64);
        let heard = onsets.partition_point(|&t| t < b) - onsets.partition_point(|&t| t < a);
        let rate = heard as f64 / LOCAL_WINDOW_SECS;
        let cues = |c: usize| level_prior(60.0 * frame_rate / candidates[c], rate);
        let best = [best.checked_sub(octave), Some(best + octave)]
            .into_iter()
            .flatten()
            .filter(|&o| o < candidates.len())
            .filter_map(|o| {
                strongest(
                    &combs[w],
                    o.saturating_sub(1)..(o + 2).min(candidates.len()),
                    o,
                )
            })
            .filter(|&o| combs[w][o] >= LOCAL_OCTAVE_SHARE * combs[w][best])
            .fold(best, |keep, o| if cues(o) > cues(keep) { o } else { keep });
        let go_on = prev.and_then(|p| {
            strongest(&combs[w], (0..candidates.len()).filter(|&c| near(c, p)), p)
                .filter(|&c| combs[w][c] >= combs[w][best] - LOCAL_HYSTERESIS && other(w, c))
        });
        reading[w] = go_on.or_else(|| other(w, best).then_some(best));
        prev = reading[w];
    }
    let mut periods: Option<Vec<f64>> = None;
    let mut w = 0;
    while w < reading.len() {
        let Some(first) = reading[w] else {
            w += 1;
            continue;
        };
        let mut end = w + 1;
        let mut last = first;
        while let Some(&Some(c)) = reading.get(end) {
            if !near(c, last) {
                break;
            }
            last = c;
            end += 1;
        }
        if end - w >= LOCAL_MIN_WINDOWS {
            let out = periods.get_or_insert_with(|| vec![period; n]);
            for (k, c) in reading.iter().enumerate().take(end).skip(w) {
                // Each window speaks for the hop around its centre; the first and last of
                // the track for their whole outer half.
                let centre = starts[k] + win / 2;
                let lo = if k == 0 { 0 } else { centre - hop / 2 };
                let hi = if k + 1 == starts.len() {
                    n
                } else {
                    (centre + hop - hop / 2).min(n)
                };
                if let Some(c) = c {
                    out[lo..hi].iter_mut().for_each(|v| *v = candidates[*c]);
                }
            }
        }
        w = end;
    }
    // The global period is the dominant tempo: when other readings cover half the piece
    // or more, they are another metrical reading of it (a riff in threes over a steady
    // beat reads 4:3 in every window), not sections at another tempo.
    let moved = periods
        .as_ref()
        .map_or(0, |p| p.iter().filter(|&&v| v != period).count());
    if 2 * moved >= n {
        return None;
    }
    periods
}

/// The index among `among` (ascending) with the highest `values`. The comb's peak search
/// gives every candidate within 2 % of an autocorrelation peak the same value, so the
/// highest comes as runs of equal values: of several runs (octaves of one pulse, equal in
/// a strict click train) the one nearest `centre`, and of that run the middle, where the
/// peak is.
fn strongest(values: &[f64], among: impl Iterator<Item = usize>, centre: usize) -> Option<usize> {
    let idx: Vec<usize> = among.collect();
    let top = idx
        .iter()
        .map(|&i| values[i])
        .fold(f64::NEG_INFINITY, f64::max);
    let ties: Vec<usize> = idx
        .into_iter()
        .filter(|&i| values[i] >= top - 1e-12)
        .collect();
    let mut runs: Vec<&[usize]> = Vec::new();
    let mut start = 0;
    for k in 1..=ties.len() {
        if k == ties.len() || ties[k] != ties[k - 1] + 1 {
            runs.push(&ties[start..k]);
            start = k;
        }
    }
    runs.into_iter()
        .map(|r| r[r.len() / 2])
        .min_by_key(|&m| m.abs_diff(centre))
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

/// Fewest tracked beats on a [`steady_grid`] through which its line is refitted.
const STEADY_REFIT_BEATS: usize = 8;

/// The line through the `beats` that lie on the grid `origin + p·k` (within 8 % of a
/// period), least squares, when at least `min_beats` do and its period stays within 1 %
/// of `p`; else the grid as it is. A grid searched in steps (a quarter frame, 1/16 of
/// 0.5 % of the period) is that far off; the tracked beats sit at their onset peaks to a
/// fraction of a frame, and a line through a few hundred of them is exact: an OpenMSX
/// render's grid with the stepped period (0.01 % off) ran from 7.4 ms early to 7.3 ms late
/// over its 5 minutes, with the fitted one within 1 ms of its notes throughout.
fn refit_on_line(beats: &[f64], origin: f64, p: f64, min_beats: usize) -> (f64, f64) {
    let kept: Vec<(f64, f64)> = beats
        .iter()
        .filter(|&&b| {
            let x = (b - origin) / p;
            (x - x.round()).abs() < 0.08
        })
        .map(|&b| (((b - origin) / p).round(), b))
        .collect();
    if kept.len() < min_beats {
        return (origin, p);
    }
    match line_fit(&kept) {
        Some((a, q)) if q > 0.0 && (q / p - 1.0).abs() < 0.01 => (a, q),
        _ => (origin, p),
    }
}

/// The one steady grid that best explains the local score between frames `first` and
/// `last`: periods within ±0.5 % of each of `periods` and every phase (quarter-frame
/// steps) are tried, and the grid with the highest mean score at its beats wins. Returns the grid
/// (its `index` numbers `beats` on it) and that mean score.
///
/// A tracker following a steady piece can still slip half a beat for a few bars (a
/// syncopated riff, a break); such a path is not one line, but this grid is, and when it
/// holds about as much onset strength as the path, it is the better beat list.
pub fn steady_grid(local: &[f32], beats: &[f64], periods: &[f64]) -> Option<(Grid, f64)> {
    let (&first, &last) = (beats.first()?, beats.last()?);
    let period = periods.first().copied()?;
    if periods.iter().any(|p| p.is_nan() || *p <= 2.0) || last - first < 4.0 * period {
        return None;
    }
    let mut best = (f64::NEG_INFINITY, 0.0, period);
    for (centre, step) in periods.iter().flat_map(|&c| (-8..=8).map(move |s| (c, s))) {
        let p = centre * (1.0 + 0.005 * f64::from(step) / 8.0);
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
    let (origin, p) = refit_on_line(beats, origin, p, STEADY_REFIT_BEATS);
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
    let (origin, p) = refit_on_line(beats, origin, p, 2);
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
        let (g, score) = steady_grid(&local, &path, &[period]).expect("steady");
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

    /// Onsets at `first` frames a beat until frame `change`, then at `second`, each
    /// split between the two frames around it and decaying over a few frames, as an onset
    /// envelope is (a bare click train's autocorrelation favours the double period, whose
    /// multiples land on whole frames more often).
    fn two_tempi(n: usize, first: f64, second: f64, change: f64) -> (Vec<f32>, Vec<f64>) {
        let mut x = vec![0.0f32; n];
        let mut truth = Vec::new();
        let mut t = 17.0;
        while t < n as f64 - 4.0 {
            let (i, f) = (t.floor() as usize, (t - t.floor()) as f32);
            for (k, decay) in [1.0f32, 0.5, 0.25].iter().enumerate() {
                x[i + k] += decay * (1.0 - f);
                x[i + k + 1] += decay * f;
            }
            truth.push(t);
            t += if t < change { first } else { second };
        }
        (x, truth)
    }

    #[test]
    fn a_section_at_another_tempo_is_followed() {
        // 40 s at 120 BPM, then 40 s at 150 (86.13 frames a second).
        let fr = 22050.0 / 256.0;
        let (p120, p150) = (60.0 * fr / 120.0, 60.0 * fr / 150.0);
        let n = (80.0 * fr) as usize;
        let (x, truth) = two_tempi(n, p120, p150, 40.0 * fr);
        let o = novelty(&x, 20);
        let periods = local_periods(&o, &[], p120, fr).expect("two sections");
        assert!((periods[(10.0 * fr) as usize] / p120 - 1.0).abs() < 0.02);
        assert!(
            (periods[(60.0 * fr) as usize] / p150 - 1.0).abs() < 0.02,
            "{} {}",
            periods[(60.0 * fr) as usize],
            p150
        );
        let local = local_score(&o, p120);
        let beats = track_periods(&local, &periods, TIGHTNESS);
        let near = |t: f64| beats.iter().any(|&b| (b as f64 - t).abs() <= 1.0);
        let missed: Vec<f64> = truth.iter().copied().filter(|&t| !near(t)).collect();
        assert!(missed.len() <= 2, "missed clicks at frames {missed:?}");
        assert!(beats.len() <= truth.len() + 1, "{} beats", beats.len());
    }

    #[test]
    fn a_section_keeps_the_global_metrical_level() {
        // 30 s at 120 BPM, 40 s at 150, 30 s at 120: beats with an accent every second
        // one, and eighths between them. The accent makes the section's comb higher at 75
        // (its lags reach further); the onsets per beat and the prior keep it at 150.
        let fr = 22050.0 / 256.0;
        let (p120, p150) = (60.0 * fr / 120.0, 60.0 * fr / 150.0);
        let n = (100.0 * fr) as usize;
        let (a, b) = (30.0 * fr, 70.0 * fr);
        let mut x = vec![0.0f32; n];
        let mut onsets = Vec::new();
        let (mut t, mut k) = (17.0, 0usize);
        while t < n as f64 - 4.0 {
            let p = if (a..b).contains(&t) { p150 } else { p120 };
            for (at, level) in [
                (t, if k % 2 == 0 { 1.0f32 } else { 0.5 }),
                (t + p / 2.0, 0.3),
            ] {
                let (i, f) = (at.floor() as usize, (at - at.floor()) as f32);
                if i + 3 < n {
                    for (j, decay) in [1.0f32, 0.5, 0.25].iter().enumerate() {
                        x[i + j] += level * decay * (1.0 - f);
                        x[i + j + 1] += level * decay * f;
                    }
                    onsets.push(at);
                }
            }
            t += p;
            k += 1;
        }
        let o = novelty(&x, 20);
        let periods = local_periods(&o, &onsets, p120, fr).expect("three sections");
        assert!((periods[(10.0 * fr) as usize] / p120 - 1.0).abs() < 0.02);
        for secs in [40.0, 50.0, 60.0] {
            let got = periods[(secs * fr) as usize];
            assert!(
                (got / p150 - 1.0).abs() < 0.02,
                "at {secs} s: {got} frames, not {p150}"
            );
        }
        assert!((periods[(90.0 * fr) as usize] / p120 - 1.0).abs() < 0.02);
    }

    #[test]
    fn a_steady_piece_has_no_sections() {
        // Steady clicks, and steady clicks with an accent pattern in threes over them.
        let fr = 22050.0 / 256.0;
        let period = 60.0 * fr / 128.0;
        let n = (60.0 * fr) as usize;
        let (x, _) = clicks(n, period, 17.0, 1.0);
        assert!(local_periods(&novelty(&x, 20), &[], period, fr).is_none());
        let (mut y, _) = clicks(n, period / 4.0, 17.0, 0.0);
        for (k, v) in y.iter_mut().enumerate() {
            if *v > 0.0 && ((k as f64 - 17.0) / (period / 4.0)).round() as i64 % 3 == 0 {
                *v = 2.0;
            }
        }
        let (beat, _) = clicks(n, period, 17.0, 0.0);
        for (v, b) in y.iter_mut().zip(&beat) {
            *v += 2.0 * b;
        }
        assert!(local_periods(&novelty(&y, 20), &[], period, fr).is_none());
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
