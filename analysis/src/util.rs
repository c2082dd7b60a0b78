//! Small numeric helpers shared by the feature modules.

/// `Some(x)` when `x` is finite, else `None` (serialised as JSON `null`).
#[inline]
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `Some(x)` for finite `f32` values, widened to `f64`.
#[inline]
pub fn finite32(x: f32) -> Option<f64> {
    finite(f64::from(x))
}

/// Summary statistics of a series; all `None` for an empty or non-finite series.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Stats {
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Stats {
    /// Mean, population standard deviation, min and max over the finite values of `xs`.
    pub fn of<I: IntoIterator<Item = f64>>(xs: I) -> Stats {
        let (mut n, mut mean, mut m2) = (0u64, 0.0f64, 0.0f64);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for x in xs.into_iter().filter(|x| x.is_finite()) {
            // Welford: numerically stable over long tracks.
            n += 1;
            let d = x - mean;
            mean += d / n as f64;
            m2 += d * (x - mean);
            lo = lo.min(x);
            hi = hi.max(x);
        }
        if n == 0 {
            return Stats::default();
        }
        Stats {
            mean: Some(mean),
            std: Some((m2 / n as f64).sqrt()),
            min: Some(lo),
            max: Some(hi),
        }
    }

    /// Same as [`Stats::of`] for `f32` slices.
    pub fn of_f32(xs: &[f32]) -> Stats {
        Stats::of(xs.iter().map(|&x| f64::from(x)))
    }
}

/// A time series down-sampled for a report: `values[i]` covers
/// `[i * hop_secs, (i + 1) * hop_secs)`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Curve {
    /// Seconds between points.
    pub hop_secs: f64,
    /// Point values; non-finite inputs were replaced by 0.
    pub values: Vec<f32>,
}

impl Curve {
    /// Averages `xs` (sampled every `hop_secs`) into at most `max_points` points.
    /// `max_points == 0` keeps every point.
    pub fn downsample(xs: &[f32], hop_secs: f64, max_points: usize) -> Curve {
        let clean = |x: f32| if x.is_finite() { x } else { 0.0 };
        if max_points == 0 || xs.len() <= max_points {
            return Curve {
                hop_secs,
                values: xs.iter().map(|&x| clean(x)).collect(),
            };
        }
        let factor = xs.len().div_ceil(max_points);
        let values = xs
            .chunks(factor)
            .map(|c| c.iter().map(|&x| clean(x)).sum::<f32>() / c.len() as f32)
            .collect();
        Curve {
            hop_secs: hop_secs * factor as f64,
            values,
        }
    }
}

/// Median of a slice (sorts a copy). `None` when empty.
pub fn median(xs: &[f32]) -> Option<f32> {
    let mut v: Vec<f32> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f32::total_cmp);
    Some(*m)
}

/// Decibels of an amplitude ratio, floored at `floor_db`.
#[inline]
pub fn amp_to_db(x: f64, floor_db: f64) -> f64 {
    if x > 0.0 {
        (20.0 * x.log10()).max(floor_db)
    } else {
        floor_db
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_known_series() {
        // 1..=4: mean 2.5, population variance 1.25.
        let s = Stats::of([1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(s.mean, Some(2.5));
        assert!((s.std.unwrap() - 1.25f64.sqrt()).abs() < 1e-12);
        assert_eq!((s.min, s.max), (Some(1.0), Some(4.0)));
        assert_eq!(Stats::of([]), Stats::default());
    }

    #[test]
    fn curve_downsample_averages_and_rescales_hop() {
        let xs: Vec<f32> = (0..10).map(|i| i as f32).collect();
        let c = Curve::downsample(&xs, 0.5, 5);
        assert_eq!(c.values, vec![0.5, 2.5, 4.5, 6.5, 8.5]);
        assert_eq!(c.hop_secs, 1.0);
        let c = Curve::downsample(&[f32::NAN, 1.0], 1.0, 0);
        assert_eq!(c.values, vec![0.0, 1.0]);
    }

    #[test]
    fn median_picks_middle() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[]), None);
    }
}
