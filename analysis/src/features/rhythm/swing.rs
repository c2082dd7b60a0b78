//! Swing and micro-timing from the beat grid.
//!
//! The onset novelty is folded onto the beat: every frame lands at its phase within its
//! beat (0..1), giving a mean onset profile of the beat. The off-beat 8th is the profile's
//! peak between 0.40 and 0.72 of the beat; its position `p` gives the 8th swing ratio
//! `p / (1 − p)` (1.0 straight, 2.0 triplet). When the 8ths are straight, the profile is
//! folded again onto the half beat and the off-beat 16th gives the 16th swing ratio.
//! Micro-timing is the spread (std, ms) of detected onsets around the swung grid.

use super::signal::peak_in;

/// Bins of the beat profile.
const BINS: usize = 96;
/// Minimum relative salience of an off-beat peak (fraction of the on-beat peak above
/// the profile's median; for 16ths, of the weaker of the beat and the 8th) for a swing
/// ratio to be reported.
const MIN_SALIENCE: f64 = 0.12;
/// An 8th ratio further than this from 1 is called swung at the 8th level.
const SWUNG: f64 = 0.08;

/// Swing measurement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Swing {
    /// first / second duration of the swung pair.
    pub ratio: Option<f64>,
    /// 8 or 16: the level the ratio was measured at.
    pub subdivision: Option<f64>,
    /// Std of onset deviations from the (swung) 16th grid, ms.
    pub micro_timing_ms: Option<f64>,
}

/// Mean onset by phase within the beat (circularly smoothed), `BINS` values.
fn beat_profile(beats: &[f64], onset: &[f32]) -> Option<Vec<f64>> {
    beat_profile_of(beats, onset, None)
}

/// [`beat_profile`] over the beats of one parity (`Some(0)`: the 1st, 3rd, ...; `Some(1)`:
/// the 2nd, 4th, ...) or all of them.
fn beat_profile_of(beats: &[f64], onset: &[f32], parity: Option<usize>) -> Option<Vec<f64>> {
    let mut h = vec![0.0f64; BINS];
    let mut c = vec![0.0f64; BINS];
    let mut total_len = 0.0;
    let mut counted = 0usize;
    for (k, w) in beats.windows(2).enumerate() {
        if parity.is_some_and(|p| k % 2 != p) {
            continue;
        }
        counted += 1;
        let (a, b) = (w[0], w[1]);
        let len = b - a;
        if len.is_nan() || len <= 1.0 {
            continue;
        }
        total_len += len;
        let start = a.ceil().max(0.0) as usize;
        let end = (b.ceil().max(0.0) as usize).min(onset.len());
        for (t, &v) in onset.iter().enumerate().take(end).skip(start) {
            let pos = (t as f64 - a) / len * BINS as f64;
            let i = pos.floor() as usize;
            let f = pos - i as f64;
            let v = f64::from(v);
            h[i % BINS] += v * (1.0 - f);
            c[i % BINS] += 1.0 - f;
            h[(i + 1) % BINS] += v * f;
            c[(i + 1) % BINS] += f;
        }
    }
    if total_len <= 0.0 || c.iter().any(|&x| x <= 0.0) {
        return None;
    }
    let mean_len = total_len / counted.max(1) as f64;
    let raw: Vec<f64> = h.iter().zip(&c).map(|(h, c)| h / c).collect();
    // Smooth over about one frame.
    let sigma = (0.7 * BINS as f64 / mean_len).max(1.0);
    let half = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f64> = (-half..=half)
        .map(|k| (-0.5 * (k as f64 / sigma).powi(2)).exp())
        .collect();
    let ksum: f64 = kernel.iter().sum();
    Some(
        (0..BINS as isize)
            .map(|i| {
                kernel
                    .iter()
                    .enumerate()
                    .map(|(j, w)| {
                        let t = (i + j as isize - half).rem_euclid(BINS as isize) as usize;
                        w * raw[t]
                    })
                    .sum::<f64>()
                    / ksum
            })
            .collect(),
    )
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

/// Circular linear interpolation of a profile at phase `x` (0..1).
fn at(p: &[f64], x: f64) -> f64 {
    let pos = x.rem_euclid(1.0) * p.len() as f64;
    let i = pos.floor() as usize % p.len();
    let f = pos - pos.floor();
    p[i] * (1.0 - f) + p[(i + 1) % p.len()] * f
}

/// `(phase, value)` of the off-beat peak of a profile (phase 0 = on the beat).
fn off_beat(p: &[f64]) -> Option<(f64, f64)> {
    let n = p.len() as f64;
    let (pos, val) = peak_in(p, 0.40 * n, 0.72 * n)?;
    Some((pos / n, val))
}

/// Salience of the profile's strongest point within `[lo, hi]` of the beat: its height
/// above the median against the profile's highest point's.
fn salience(p: &[f64], lo: f64, hi: f64) -> f64 {
    let n = p.len() as f64;
    let base = median(p);
    let top = p.iter().copied().fold(f64::NEG_INFINITY, f64::max) - base;
    let a = (lo * n).floor() as usize;
    let b = ((hi * n).ceil() as usize).min(p.len() - 1);
    let peak = p[a..=b].iter().copied().fold(f64::NEG_INFINITY, f64::max) - base;
    peak / top.max(1e-12)
}

/// Where, as a fraction of the beat, the profile is highest within `[lo, hi]`.
fn peak_position(p: &[f64], lo: f64, hi: f64) -> f64 {
    let n = p.len() as f64;
    let a = (lo * n).floor() as usize;
    let b = ((hi * n).ceil() as usize).min(p.len() - 1);
    let best = (a..=b).fold(a, |best, i| if p[i] > p[best] { i } else { best });
    best as f64 / n
}

/// Least salience of the onsets a third of a beat after the beats for them to be the
/// second note of a swung pair.
const LEAD_SALIENCE: f64 = 0.12;
/// How much more salient that third must be than the half and the two thirds.
const LEAD_DOMINANCE: f64 = 2.0;

/// True when the beats sit on swung off-beats: folded onto the beat, the onsets come at
/// its start and about a third later (short, then long), with little at one half or two
/// thirds. In swing the beat starts the long note of each pair (on the beat and two
/// thirds later); a tracker drawn to accented off-beats (a ride, comping or a bass on the
/// "and") hears the pair the other way round, and the beat is a third of a beat later.
/// Straight 8ths put onsets at one half, swung 16ths at one half too, so neither fires.
pub fn on_swung_off_beats(beats: &[f64], onset: &[f32]) -> bool {
    if beats.len() < 8 {
        return false;
    }
    // Swing is a feel of every beat: the odd and the even beats must each show it. A
    // syncopated kick once a bar (trap read at half time: a 16th before beat 4 lands at
    // three eighths of every second beat) shows on one of them only.
    [None, Some(0), Some(1)]
        .iter()
        .all(|&parity| beat_profile_of(beats, onset, parity).is_some_and(|p| lead_third(&p)))
}

/// The beat profile of [`on_swung_off_beats`]: onsets at the beat and a third after it,
/// little at one half, two thirds or three quarters.
fn lead_third(prof: &[f64]) -> bool {
    // The lead note sits at a third, not at a quarter: a straight 16th's peak (and its
    // shoulder, which reaches into the third's window) does not count.
    if peak_position(prof, 0.20, 0.45) < 0.29 {
        return false;
    }
    let third = salience(prof, 0.27, 0.40);
    // The half and the two thirds, and the last 16th: straight 16ths (a rumble after each
    // kick) put onsets at a quarter that a late onset peak can carry into the third's
    // window; they have a three-quarter one too, which swing has not.
    let others = salience(prof, 0.45, 0.55)
        .max(salience(prof, 0.60, 0.80))
        .max(0.05);
    third > LEAD_SALIENCE && third > LEAD_DOMINANCE * others
}

/// Measures swing on `onset` (novelty, by frame) over the beat frames `beats`, and
/// micro-timing of `onsets` (frames) against the grid.
pub fn measure(beats: &[f64], onset: &[f32], onsets: &[f64], frame_rate: f64) -> Swing {
    if beats.len() < 8 {
        return Swing::default();
    }
    let Some(prof) = beat_profile(beats, onset) else {
        return Swing::default();
    };
    let base = median(&prof);
    let on = [prof[BINS - 1], prof[0], prof[1]]
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let ratio_of = |phase: f64| phase / (1.0 - phase);
    // 8th level: the off-beat against the beat.
    let eighth =
        off_beat(&prof).map(|(ph, v)| (ratio_of(ph), (v - base) / (on - base).max(1e-12), v));
    let sixteenth_prof: Vec<f64> = (0..BINS)
        .map(|i| {
            let x = i as f64 / BINS as f64;
            at(&prof, x / 2.0) + at(&prof, 0.5 + x / 2.0)
        })
        .collect();
    // 16th level: the second 16th of each 8th against the weaker first one.
    let first = eighth.map_or(on, |e| e.2.min(on));
    let sixteenth = off_beat(&sixteenth_prof)
        .map(|(ph, v)| (ratio_of(ph), (0.5 * v - base) / (first - base).max(1e-12)));
    let (ratio, sub) = match (eighth, sixteenth) {
        (Some((r8, s8, _)), _) if s8 >= MIN_SALIENCE && (r8 - 1.0).abs() >= SWUNG => {
            (Some(r8), 8.0)
        }
        (_, Some((r16, s16))) if s16 >= MIN_SALIENCE => (Some(r16), 16.0),
        (Some((r8, s8, _)), _) if s8 >= MIN_SALIENCE => (Some(r8), 8.0),
        _ => (None, 8.0),
    };
    // Expected positions within the beat.
    let r = ratio.unwrap_or(1.0);
    let f = r / (1.0 + r);
    let grid: Vec<f64> = if sub == 16.0 {
        vec![0.0, f / 2.0, 0.5, 0.5 + f / 2.0, 1.0]
    } else {
        vec![0.0, f / 2.0, f, f + (1.0 - f) / 2.0, 1.0]
    };
    let mut devs = Vec::new();
    let mut k = 0;
    for &t in onsets {
        while k + 1 < beats.len() && beats[k + 1] <= t {
            k += 1;
        }
        if k + 1 >= beats.len() || t < beats[k] {
            continue;
        }
        let len = beats[k + 1] - beats[k];
        let ph = (t - beats[k]) / len;
        let nearest = grid
            .iter()
            .map(|g| ph - g)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap_or(0.0);
        if nearest.abs() < 0.1 {
            devs.push(nearest * len / frame_rate * 1000.0);
        }
    }
    let micro = (devs.len() >= 8).then(|| {
        let m = devs.iter().sum::<f64>() / devs.len() as f64;
        (devs.iter().map(|d| (d - m).powi(2)).sum::<f64>() / devs.len() as f64).sqrt()
    });
    Swing {
        ratio,
        subdivision: ratio.map(|_| sub),
        micro_timing_ms: micro,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Onset function with beats every `p` frames and an off-beat at fraction `f` of
    /// the beat (8th swing), plus 16ths midway if `sixteenths`.
    fn swung(p: f64, f: f64, beats: usize) -> (Vec<f64>, Vec<f32>) {
        let n = (p * (beats as f64 + 1.0)) as usize + 2;
        let mut x = vec![0.0f32; n];
        let mut bt = Vec::new();
        let put = |x: &mut Vec<f32>, t: f64, v: f32| {
            // Split between neighbouring frames to keep sub-frame positions.
            let i = t.floor() as usize;
            let fr = (t - t.floor()) as f32;
            if i + 1 < x.len() {
                x[i] += v * (1.0 - fr);
                x[i + 1] += v * fr;
            }
        };
        for k in 0..beats {
            let b = 3.0 + k as f64 * p;
            bt.push(b);
            put(&mut x, b, 1.0);
            put(&mut x, b + f * p, 0.6);
        }
        (bt, x)
    }

    #[test]
    fn straight_and_triplet_eighths() {
        for (f, want) in [(0.5, 1.0), (2.0 / 3.0, 2.0), (0.6, 1.5)] {
            let (bt, x) = swung(43.07, f, 64);
            let s = measure(&bt, &x, &[], 86.13);
            let r = s.ratio.expect("ratio");
            assert!((r - want).abs() < 0.06, "f {f}: ratio {r}, want {want}");
        }
    }

    #[test]
    fn beats_on_the_swung_off_beat_are_told_from_beats_on_the_beat() {
        let p = 43.07;
        for (f, loud_off_beat) in [(2.0 / 3.0, false), (0.62, true), (2.0 / 3.0, true)] {
            let (bt, mut x) = swung(p, f, 64);
            if loud_off_beat {
                // Rides and comping accent the "let": the off-beat outweighs the beat.
                for &b in &bt {
                    let i = (b + f * p).floor() as usize;
                    x[i] *= 3.0;
                    x[i + 1] *= 3.0;
                }
            }
            assert!(!on_swung_off_beats(&bt, &x), "f {f}: on the beat");
            let off: Vec<f64> = bt.iter().map(|&b| b + f * p).collect();
            assert!(on_swung_off_beats(&off, &x), "f {f}: on the off-beat");
        }
        // Straight 8ths, and swung 16ths (8ths at one half), never fire, at either phase.
        let (bt, x) = swung(p, 0.5, 64);
        let half: Vec<f64> = bt.iter().map(|&b| b + p / 2.0).collect();
        assert!(!on_swung_off_beats(&bt, &x) && !on_swung_off_beats(&half, &x));
        let (bt, mut x) = swung(p, 0.5, 64);
        for &b in &bt {
            for g in [1.0 / 3.0, 5.0 / 6.0] {
                let i = (b + g * p).round() as usize;
                x[i] += 0.4;
            }
        }
        assert!(!on_swung_off_beats(&bt, &x));
    }

    #[test]
    fn no_off_beats_no_ratio() {
        let (bt, mut x) = swung(43.07, 0.5, 64);
        // Remove the off-beats: only the beats remain.
        for (i, v) in x.iter_mut().enumerate() {
            if bt.iter().all(|&b| (i as f64 - b).abs() > 2.0) {
                *v = 0.0;
            }
        }
        assert_eq!(measure(&bt, &x, &[], 86.13).ratio, None);
    }
}
