//! Signal helpers for the rhythm summary: local-mean removal, autocorrelation, peaks.

use realfft::RealFftPlanner;

/// Moving mean of `x` over `[i - half, i + half]` (clipped at the ends).
pub fn moving_mean(x: &[f32], half: usize) -> Vec<f32> {
    let n = x.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0f64);
    let mut acc = 0.0f64;
    for &v in x {
        acc += f64::from(v);
        prefix.push(acc);
    }
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(n);
            ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32
        })
        .collect()
}

/// Onset novelty: `x` minus its local mean over about `±half` frames, half-wave rectified.
pub fn novelty(x: &[f32], half: usize) -> Vec<f32> {
    let m = moving_mean(x, half);
    x.iter()
        .zip(&m)
        .map(|(&v, &mu)| {
            let d = v - mu;
            if d.is_finite() && d > 0.0 {
                d
            } else {
                0.0
            }
        })
        .collect()
}

/// Mean and population standard deviation.
pub fn mean_std(x: &[f32]) -> (f64, f64) {
    if x.is_empty() {
        return (0.0, 0.0);
    }
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = x
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean, var.sqrt())
}

/// Normalised autocorrelation of the mean-removed `x` for lags `0..=max_lag`:
/// `r[k] = (Σ x'[i] x'[i+k] / (n-k)) / (Σ x'[i]² / n)`, so `r[0] = 1` and a perfectly
/// periodic signal reads about 1 at its period. All zeros for a constant signal.
/// Uses an FFT of the next power of two ≥ 2n (this allocates).
pub fn autocorr(x: &[f32], max_lag: usize) -> Vec<f64> {
    let n = x.len();
    let max_lag = max_lag.min(n.saturating_sub(1));
    let mut out = vec![0.0; max_lag + 1];
    if n < 2 {
        return out;
    }
    let (mean, std) = mean_std(x);
    if std <= 1e-12 {
        return out;
    }
    let m = (2 * n).next_power_of_two();
    let mut planner = RealFftPlanner::<f64>::new();
    let fwd = planner.plan_fft_forward(m);
    let inv = planner.plan_fft_inverse(m);
    let mut buf = fwd.make_input_vec();
    for (b, &v) in buf.iter_mut().zip(x) {
        *b = f64::from(v) - mean;
    }
    let mut spec = fwd.make_output_vec();
    if fwd.process(&mut buf, &mut spec).is_err() {
        return out;
    }
    for c in spec.iter_mut() {
        *c = realfft::num_complex::Complex::new(c.norm_sqr(), 0.0);
    }
    let mut ac = inv.make_output_vec();
    if inv.process(&mut spec, &mut ac).is_err() {
        return out;
    }
    let zero = ac[0] / n as f64;
    if zero <= 0.0 {
        return out;
    }
    for (k, o) in out.iter_mut().enumerate() {
        *o = ac[k] / (n - k) as f64 / zero;
    }
    out
}

/// Linear interpolation of `r` at fractional index `x` (0 outside).
pub fn interp(r: &[f64], x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return 0.0;
    }
    let i = x.floor() as usize;
    if i + 1 >= r.len() {
        return if i < r.len() { r[i] } else { 0.0 };
    }
    let f = x - i as f64;
    r[i] * (1.0 - f) + r[i + 1] * f
}

/// Offset in `[-0.5, 0.5]` of the vertex of the parabola through `(−1, a), (0, b), (1, c)`.
pub fn parabolic(a: f64, b: f64, c: f64) -> f64 {
    let den = a - 2.0 * b + c;
    if den.abs() < 1e-12 {
        0.0
    } else {
        (0.5 * (a - c) / den).clamp(-0.5, 0.5)
    }
}

/// The highest point of `r` for fractional indices in `[lo, hi]`, refined by a parabola:
/// `(index, value)`. `None` when the range holds no sample.
pub fn peak_in(r: &[f64], lo: f64, hi: f64) -> Option<(f64, f64)> {
    let a = lo.ceil().max(0.0) as usize;
    let b = (hi.floor().max(0.0) as usize).min(r.len().checked_sub(1)?);
    if a > b {
        return None;
    }
    let mut best = a;
    for i in a..=b {
        if r[i] > r[best] {
            best = i;
        }
    }
    if best > 0 && best + 1 < r.len() {
        let d = parabolic(r[best - 1], r[best], r[best + 1]);
        let v = r[best] - 0.25 * (r[best - 1] - r[best + 1]) * d;
        Some((best as f64 + d, v))
    } else {
        Some((best as f64, r[best]))
    }
}

/// Percentile (0..=100) of the finite values of `x` (sorts a copy). 0 when empty.
pub fn percentile(x: &[f32], p: f64) -> f32 {
    let mut v: Vec<f32> = x.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    let idx = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[idx.min(v.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autocorr_of_a_pulse_train_peaks_at_its_period() {
        // Pulses every 10 samples: r[10] ≈ 1, r[5] < 0 (mean-removed).
        let x: Vec<f32> = (0..1000)
            .map(|i| if i % 10 == 0 { 1.0 } else { 0.0 })
            .collect();
        let r = autocorr(&x, 50);
        assert!((r[0] - 1.0).abs() < 1e-9);
        assert!((r[10] - 1.0).abs() < 1e-6, "{}", r[10]);
        assert!(r[5] < 0.0);
        let (i, _) = peak_in(&r, 7.0, 13.0).expect("peak");
        // The unbiased normalisation tilts the neighbours slightly.
        assert!((i - 10.0).abs() < 0.05, "{i}");
    }

    #[test]
    fn moving_mean_and_novelty() {
        let x = [0.0, 0.0, 3.0, 0.0, 0.0];
        let m = moving_mean(&x, 1);
        assert_eq!(m, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
        assert_eq!(novelty(&x, 1), vec![0.0, 0.0, 2.0, 0.0, 0.0]);
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 50.0), 2.0);
        assert!((interp(&[0.0, 1.0], 0.25) - 0.25).abs() < 1e-12);
        assert!((parabolic(0.0, 1.0, 0.0)).abs() < 1e-12);
    }
}
