//! Dynamics: BS.1770 integrated loudness, loudness range and true peak (see
//! [`super::loudness`]), sample
//! peak, crest factor, the RMS envelope with intro attack / outro decay times, and an
//! energy curve (short-term loudness once a second).

use super::loudness::LoudnessMeter;
use crate::util::{amp_to_db, finite, Curve, Stats};
use serde::{Deserialize, Serialize};

/// Short-term loudness below this is silence on the energy curve (LUFS).
const ENERGY_FLOOR_LUFS: f64 = -50.0;

/// Native-rate loudness and level accumulator over all channels.
pub struct LoudnessAccumulator {
    meter: LoudnessMeter,
    peak: f32,
    mono_peak: f32,
    mono_sum_sq: f64,
    frames: u64,
}

impl LoudnessAccumulator {
    /// For `channels` channels at `sample_rate`. Measures true peak when `true_peak` is set.
    pub fn new(channels: usize, sample_rate: u32, true_peak: bool) -> Self {
        LoudnessAccumulator {
            meter: LoudnessMeter::new(channels, sample_rate, true_peak),
            peak: 0.0,
            mono_peak: 0.0,
            mono_sum_sq: 0.0,
            frames: 0,
        }
    }

    /// Feeds one planar block (every plane the same length) and its mono downmix.
    pub fn push(&mut self, planes: &[&[f32]], mono: &[f32]) {
        for p in planes {
            self.peak = p.iter().fold(self.peak, |m, &x| m.max(x.abs()));
        }
        let mut sum_sq = 0.0f32;
        for &m in mono {
            self.mono_peak = self.mono_peak.max(m.abs());
            sum_sq += m * m;
        }
        self.mono_sum_sq += f64::from(sum_sq);
        self.frames += mono.len() as u64;
        self.meter.push(planes);
    }

    /// The dynamics summary; `rms_env` is the frame RMS envelope at `rms_rate` frames/s.
    pub fn finish(&self, rms_env: &[f32], rms_rate: f64, max_points: usize) -> Dynamics {
        let true_peak = self.meter.true_peak();
        let rms = (self.mono_sum_sq / self.frames.max(1) as f64).sqrt();
        let crest = (rms > 1e-9).then(|| f64::from(self.mono_peak) / rms);
        // Short-term loudness once a second (every 10th 100 ms step), for the curves.
        let shortterm: Vec<f64> = self
            .meter
            .shortterm_series()
            .into_iter()
            .step_by(10)
            .collect();
        let energy: Vec<f32> = shortterm
            .iter()
            .map(|&l| {
                let l = if l.is_finite() { l } else { ENERGY_FLOOR_LUFS };
                ((l - ENERGY_FLOOR_LUFS) / -ENERGY_FLOOR_LUFS).clamp(0.0, 1.0) as f32
            })
            .collect();
        let shortterm: Vec<f32> = shortterm
            .iter()
            .map(|&l| l.max(ENERGY_FLOOR_LUFS - 20.0) as f32)
            .collect();
        let (attack, decay) = attack_decay(rms_env, rms_rate);
        Dynamics {
            rms: RmsSummary {
                stats: Stats::of_f32(rms_env),
                curve: Curve::downsample(rms_env, 1.0 / rms_rate, max_points),
            },
            rms_total_dbfs: finite(amp_to_db(rms, -200.0)),
            crest_factor: crest.and_then(finite),
            crest_factor_db: crest.map(|c| amp_to_db(c, -200.0)).and_then(finite),
            lufs: self.meter.integrated().and_then(finite),
            loudness_range_lu: self.meter.range().and_then(finite),
            true_peak_dbtp: true_peak
                .filter(|&p| p > 0.0)
                .map(|p| amp_to_db(p, -200.0))
                .and_then(finite),
            sample_peak_dbfs: (self.peak > 0.0)
                .then(|| amp_to_db(f64::from(self.peak), -200.0))
                .and_then(finite),
            attack_time_secs: attack,
            decay_time_secs: decay,
            shortterm_loudness_lufs: Curve::downsample(&shortterm, 1.0, max_points),
            energy_curve: Curve::downsample(&energy, 1.0, max_points),
        }
    }
}

/// Intro attack: seconds from the start until the RMS envelope first reaches half of its
/// loud level (95th percentile). Outro decay: seconds from the last frame at that level to
/// the point the envelope falls below a tenth of it (or the end).
fn attack_decay(env: &[f32], rate: f64) -> (Option<f64>, Option<f64>) {
    if env.is_empty() {
        return (None, None);
    }
    let mut sorted = env.to_vec();
    sorted.sort_by(f32::total_cmp);
    let loud = sorted[((sorted.len() - 1) as f64 * 0.95) as usize];
    if loud <= 1e-6 {
        return (None, None);
    }
    let half = loud * 0.5;
    let first = env.iter().position(|&x| x >= half);
    let last = env.iter().rposition(|&x| x >= half);
    let attack = first.map(|i| i as f64 / rate);
    let decay = last.map(|l| {
        let end = env[l..]
            .iter()
            .position(|&x| x < loud * 0.1)
            .map_or(env.len(), |p| l + p);
        (end - l) as f64 / rate
    });
    (attack, decay)
}

/// RMS envelope statistics (linear amplitude) and curve.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RmsSummary {
    #[serde(flatten)]
    pub stats: Stats,
    pub curve: Curve,
}

/// The dynamics section of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dynamics {
    /// Frame RMS (linear, mono downmix at the analysis rate): mean/std/min/max and curve.
    pub rms: RmsSummary,
    /// RMS of the whole track, dBFS.
    pub rms_total_dbfs: Option<f64>,
    /// Peak / RMS of the mono downmix (a sine: 1.414).
    pub crest_factor: Option<f64>,
    pub crest_factor_db: Option<f64>,
    /// Integrated loudness, LUFS (BS.1770-4 gated).
    pub lufs: Option<f64>,
    /// EBU R128 loudness range, LU.
    pub loudness_range_lu: Option<f64>,
    /// Maximum true peak over channels, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Maximum sample peak over channels, dBFS.
    pub sample_peak_dbfs: Option<f64>,
    pub attack_time_secs: Option<f64>,
    pub decay_time_secs: Option<f64>,
    /// EBU short-term (3 s) loudness once a second, LUFS.
    pub shortterm_loudness_lufs: Curve,
    /// Short-term loudness mapped -50..0 LUFS to 0..1, once a second.
    pub energy_curve: Curve,
}
