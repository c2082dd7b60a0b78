//! Checks the EBU Tech 3341 signals with a small BS.1770-4 integrated-loudness meter
//! (48 kHz K-weighting coefficients from the Recommendation, 400 ms blocks with 75 %
//! overlap, -70 LUFS absolute and -10 LU relative gates).

use aidj_synth::{ebu3341, Audio};

fn biquad(x: &[f64], b: [f64; 3], a: [f64; 3]) -> Vec<f64> {
    let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
    x.iter()
        .map(|&x0| {
            let y0 = b[0] * x0 + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2;
            x2 = x1;
            x1 = x0;
            y2 = y1;
            y1 = y0;
            y0
        })
        .collect()
}

fn k_weight(x: &[f32]) -> Vec<f64> {
    let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    let s1 = biquad(
        &x,
        [
            1.535_124_859_586_97,
            -2.691_696_189_406_38,
            1.198_392_810_852_85,
        ],
        [1.0, -1.690_659_293_182_41, 0.732_480_774_215_85],
    );
    biquad(
        &s1,
        [1.0, -2.0, 1.0],
        [1.0, -1.990_047_454_833_98, 0.990_072_250_366_21],
    )
}

fn integrated_lufs(a: &Audio) -> f64 {
    assert_eq!(a.sample_rate, 48_000);
    let weights: Vec<f64> = (0..a.channels.len())
        .map(|c| if c >= 3 { 1.41 } else { 1.0 })
        .collect();
    let kw: Vec<Vec<f64>> = a.channels.iter().map(|c| k_weight(c)).collect();
    let block = 19_200;
    let step = 4_800;
    let mut blocks = Vec::new();
    let mut s = 0;
    while s + block <= a.frames() {
        let z: f64 = kw
            .iter()
            .zip(&weights)
            .map(|(c, g)| g * c[s..s + block].iter().map(|v| v * v).sum::<f64>() / block as f64)
            .sum();
        blocks.push(z);
        s += step;
    }
    let lufs = |z: f64| -0.691 + 10.0 * z.log10();
    let abs: Vec<f64> = blocks.into_iter().filter(|&z| lufs(z) > -70.0).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let rel_gate = lufs(mean(&abs)) - 10.0;
    let gated: Vec<f64> = abs.into_iter().filter(|&z| lufs(z) > rel_gate).collect();
    lufs(mean(&gated))
}

#[test]
fn ebu3341_cases_measure_as_stated() {
    for c in ebu3341::all(48_000) {
        let l = integrated_lufs(&c.audio);
        println!(
            "case {}: {l:.3} LUFS (expected {})",
            c.number, c.expected_lufs
        );
        assert!((l - c.expected_lufs).abs() < 0.1, "case {} {l}", c.number);
    }
}
