//! Keylock (`--features keylock`): a tempo change keeps the pitch, and the stretched audio
//! stays on the positions the beat clock asks for.
#![cfg(feature = "keylock")]

use aidj_mixdown::keylock::stretch;

const RATE: u32 = 48_000;

/// Frequency of `x` over its middle half by zero crossings (linear interpolation).
fn frequency(x: &[f32]) -> f64 {
    let (a, b) = (x.len() / 4, 3 * x.len() / 4);
    let mut first = None;
    let mut last = 0.0;
    let mut count = 0usize;
    for i in a..b {
        if x[i] <= 0.0 && x[i + 1] > 0.0 {
            let t = i as f64 + f64::from(x[i] / (x[i] - x[i + 1]));
            if first.is_none() {
                first = Some(t);
            } else {
                count += 1;
            }
            last = t;
        }
    }
    f64::from(RATE) * count as f64 / (last - first.unwrap_or(last))
}

#[test]
fn a_six_percent_tempo_change_keeps_a_sine_within_five_cents() {
    let n = 10 * RATE as usize;
    let sine: Vec<f32> = (0..n)
        .map(|i| {
            (0.5 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / f64::from(RATE)).sin()) as f32
        })
        .collect();
    let src = [sine.clone(), sine];
    for tempo in [1.06, 1.0 / 1.06] {
        let frames = (n as f64 / tempo) as usize - RATE as usize;
        let positions: Vec<f64> = (0..frames).map(|k| k as f64 * tempo).collect();
        let out = stretch(&src, RATE, &positions);
        assert_eq!(out[0].len(), frames);
        let f = frequency(&out[0]);
        let cents = 1200.0 * (f / 440.0).log2();
        println!("tempo x{tempo:.4}: {f:.3} Hz ({cents:+.2} cents)");
        assert!(cents.abs() < 5.0, "{cents} cents at tempo {tempo}");
    }
}

#[test]
fn clicks_land_where_the_positions_put_them() {
    // A click every 0.5 s, read 6 % faster: output click k at source time 0.5 k / 1.06.
    let n = 12 * RATE as usize;
    let mut x = vec![0.0f32; n];
    let period = RATE as usize / 2;
    for c in (period..n).step_by(period) {
        for j in 0..48 {
            x[c + j] = if j % 2 == 0 { 0.8 } else { -0.8 };
        }
    }
    let src = [x.clone(), x];
    let tempo = 1.06;
    let frames = ((n - period) as f64 / tempo) as usize;
    let positions: Vec<f64> = (0..frames).map(|k| k as f64 * tempo).collect();
    let out = stretch(&src, RATE, &positions);
    let mut worst = 0.0f64;
    for c in (2 * period..n - 2 * period).step_by(period) {
        let expect = c as f64 / tempo;
        // Energy centre of the output around the expected click.
        let (lo, hi) = (expect as usize - 2400, expect as usize + 2400);
        let (mut e, mut et) = (0.0f64, 0.0f64);
        for (i, v) in out[0][lo..hi].iter().enumerate() {
            let p = f64::from(*v) * f64::from(*v);
            e += p;
            et += p * (lo + i) as f64;
        }
        let got = et / e;
        // The click's own centre is 24 samples in.
        worst = worst.max((got - (expect + 24.0 / tempo)).abs());
    }
    println!("worst click offset {:.2} ms", worst * 1e3 / f64::from(RATE));
    assert!(
        worst < 0.002 * f64::from(RATE),
        "clicks {worst} samples off"
    );
}
