//! Global tempo and its metrical level.
//!
//! 1. Periodicity: the autocorrelation of the full-band onset novelty (whole track or
//!    window); its peaks between 30 and 300 BPM are the tempo hypotheses.
//! 2. Metrical level: every peak and its relatives (×½, ×2, ×⅔, ×3⁄2) is scored by
//!    - a log-normal prior over tempo centred on 120 BPM (σ = 1 octave, weak);
//!    - the periodicity itself (autocorrelation at the lag);
//!    - the kick/snare alternation cue: the autocorrelation of `low − mid` onsets is
//!      strongly *negative* at the beat period when kicks and snares (or claps) alternate
//!      beat by beat (backbeat), and positive at twice the beat. This is what tells
//!      hip-hop at 85 with 16th hats from 170, and drum-and-bass at 174 from 87.
//! 3. The chosen level is folded by octaves into the user's range; its period is refined
//!    from the autocorrelation peaks at 1, 2, 3, 4, 6 and 8 periods (least squares).

use super::signal::{interp, peak_in};
use super::{PolyrhythmCandidate, TempoCandidate};

/// Centre of the tempo prior, BPM.
const PRIOR_CENTRE_BPM: f64 = 120.0;
/// Width of the tempo prior, octaves.
const PRIOR_OCTAVES: f64 = 1.0;
/// Weight of the onset periodicity in a level's score.
const W_PERIODICITY: f64 = 1.0;
/// Weight of the kick/snare alternation cue.
const W_ALTERNATION: f64 = 1.0;
/// Weight of the backbeat cue (snare every second beat).
const W_BACKBEAT: f64 = 1.0;
/// Temperature of the soft-max that turns level scores into a confidence.
const CONFIDENCE_TEMPERATURE: f64 = 0.2;
/// Range over which metrical levels are compared before folding into the user's range.
const SEARCH_MIN_BPM: f64 = 30.0;
const SEARCH_MAX_BPM: f64 = 300.0;

/// The autocorrelations the tempo estimate needs.
pub struct Periodicity<'a> {
    /// Normalised autocorrelation of the full-band onset novelty, by lag in frames.
    pub full: &'a [f64],
    /// Same for `low/σ − snare/σ` onsets (kick minus snare).
    pub alternation: &'a [f64],
    /// Same for the snare-band onsets.
    pub snare: &'a [f64],
    /// Frames per second.
    pub frame_rate: f64,
}

/// Result of the tempo estimate.
#[derive(Clone, Debug)]
pub struct TempoEstimate {
    /// Chosen tempo (folded into the user's range), BPM, from the refined period.
    pub bpm: f64,
    /// Beat period in frames (fractional).
    pub period: f64,
    /// Periodicity at the chosen lag (0..1).
    pub clarity: f64,
    /// Probability-like confidence in the metrical level, times the clarity.
    pub confidence: f64,
    /// The chosen level and its relatives with their scores.
    pub candidates: Vec<TempoCandidate>,
    /// Tempogram (autocorrelation) peaks, strongest first.
    pub peaks: Vec<PolyrhythmCandidate>,
}

#[derive(Clone, Copy, Debug)]
struct Level {
    bpm: f64,
    lag: f64,
    periodicity: f64,
    score: f64,
}

impl Periodicity<'_> {
    fn lag_of(&self, bpm: f64) -> f64 {
        60.0 * self.frame_rate / bpm
    }

    fn max_lag(&self) -> f64 {
        (self.full.len().saturating_sub(2)) as f64
    }

    /// Scores a tempo hypothesis (snapped to the nearest periodicity peak within ±3%).
    fn level(&self, bpm: f64) -> Option<Level> {
        let lag0 = self.lag_of(bpm);
        if !(lag0 >= 2.0 && lag0 <= self.max_lag()) {
            return None;
        }
        let (lag, periodicity) = match peak_in(self.full, lag0 * 0.97, lag0 * 1.03) {
            Some((l, v)) if l > lag0 * 0.97 + 0.5 && l < lag0 * 1.03 - 0.5 => (l, v),
            _ => (lag0, interp(self.full, lag0)),
        };
        let bpm = 60.0 * self.frame_rate / lag;
        // The alternation trough may sit a frame off the onset peak.
        let alt = -[lag - 1.0, lag, lag + 1.0]
            .iter()
            .map(|&l| interp(self.alternation, l))
            .fold(f64::INFINITY, f64::min);
        // Negative alternation (kick and snare repeat at this lag) says nothing about
        // the level: a kick on every beat does that at the beat and at every multiple.
        let alt = if alt.is_finite() { alt.max(0.0) } else { 0.0 };
        // Backbeat: the snare repeats every two beats but not every beat.
        let snare2 = peak_in(self.snare, 2.0 * lag - 2.0, 2.0 * lag + 2.0).map_or(0.0, |p| p.1);
        let snare1 = peak_in(self.snare, lag - 1.0, lag + 1.0).map_or(0.0, |p| p.1);
        let backbeat = (snare2 - snare1.max(0.0)).max(0.0);
        let z = (bpm / PRIOR_CENTRE_BPM).log2() / PRIOR_OCTAVES;
        let prior = -0.5 * z * z;
        let score =
            prior + W_PERIODICITY * periodicity + W_ALTERNATION * alt + W_BACKBEAT * backbeat;
        Some(Level {
            bpm,
            lag,
            periodicity,
            score,
        })
    }

    /// Local maxima of the periodicity between the search limits: `(lag, value)`.
    fn peaks(&self) -> Vec<(f64, f64)> {
        let lo = self.lag_of(SEARCH_MAX_BPM).max(2.0).ceil() as usize;
        let hi =
            (self.lag_of(SEARCH_MIN_BPM).floor() as usize).min(self.full.len().saturating_sub(2));
        let mut out = Vec::new();
        for i in lo.max(1)..=hi {
            let r = self.full;
            if r[i] > 0.0 && r[i] >= r[i - 1] && r[i] > r[i + 1] {
                if let Some(p) = peak_in(r, i as f64 - 1.0, i as f64 + 1.0) {
                    out.push(p);
                }
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// Least-squares beat period from the periodicity peaks at multiples of `lag`.
    fn refine_period(&self, lag: f64) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for k in [1.0, 2.0, 3.0, 4.0, 6.0, 8.0] {
            let centre = k * lag;
            let half = (0.02 * centre).max(1.5);
            if centre + half > self.max_lag() {
                break;
            }
            if let Some((l, v)) = peak_in(self.full, centre - half, centre + half) {
                let inside = l > centre - half + 0.5 && l < centre + half - 0.5;
                if inside && v > 0.0 {
                    num += v * k * l;
                    den += v * k * k;
                }
            }
        }
        if den > 0.0 {
            num / den
        } else {
            lag
        }
    }
}

/// Estimates the tempo from the periodicities, within `[min_bpm, max_bpm]`.
/// `None` when no periodicity peak exists (silence, noise, too short).
pub fn estimate(p: &Periodicity, min_bpm: f64, max_bpm: f64) -> Option<TempoEstimate> {
    let peaks = p.peaks();
    if peaks.is_empty() {
        return None;
    }
    // Hypotheses: the strongest peaks and their metrical relatives.
    const RELATIVES: [f64; 5] = [1.0, 0.5, 2.0, 2.0 / 3.0, 1.5];
    let mut levels: Vec<Level> = Vec::new();
    for &(lag, _) in peaks.iter().take(6) {
        let bpm = 60.0 * p.frame_rate / lag;
        for r in RELATIVES {
            let t = bpm * r;
            if !(SEARCH_MIN_BPM..=SEARCH_MAX_BPM).contains(&t) {
                continue;
            }
            if let Some(l) = p.level(t) {
                if !levels.iter().any(|o| (o.bpm / l.bpm - 1.0).abs() < 0.015) {
                    levels.push(l);
                }
            }
        }
    }
    let best = levels
        .iter()
        .copied()
        .max_by(|a, b| a.score.total_cmp(&b.score))?;
    // Fold by octaves into the user's range; if the range is narrower than an octave and
    // nothing lands, take the best hypothesis inside it, else the nearest fold.
    let (lo, hi) = (min_bpm.min(max_bpm), max_bpm.max(min_bpm));
    let mut folded = best.bpm;
    while folded > hi * 1.0001 {
        folded /= 2.0;
    }
    while folded < lo * 0.9999 {
        folded *= 2.0;
    }
    let chosen = if folded <= hi * 1.0001 {
        if (folded / best.bpm - 1.0).abs() < 1e-9 {
            best
        } else {
            p.level(folded).unwrap_or(best)
        }
    } else if let Some(l) = levels
        .iter()
        .copied()
        .filter(|l| l.bpm >= lo && l.bpm <= hi)
        .max_by(|a, b| a.score.total_cmp(&b.score))
    {
        l
    } else {
        p.level(folded.clamp(lo, hi)).unwrap_or(best)
    };
    let period = p.refine_period(chosen.lag);
    let bpm = 60.0 * p.frame_rate / period;

    let names = ["chosen", "half", "double", "two_thirds", "three_halves"];
    let mut candidates = Vec::new();
    let mut scores = Vec::new();
    for (r, name) in RELATIVES.iter().zip(names) {
        let l = if *r == 1.0 {
            Some(chosen)
        } else {
            p.level(chosen.bpm * r)
        };
        if let Some(l) = l {
            scores.push(l.score);
            candidates.push(TempoCandidate {
                bpm: Some(if *r == 1.0 { bpm } else { l.bpm }),
                score: Some(l.score),
                periodicity: Some(l.periodicity),
                relation: name.to_string(),
            });
        }
    }
    let max_s = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = scores
        .iter()
        .map(|s| ((s - max_s) / CONFIDENCE_TEMPERATURE).exp())
        .sum();
    let p_chosen = ((chosen.score - max_s) / CONFIDENCE_TEMPERATURE).exp() / z.max(1e-12);
    let clarity = chosen.periodicity.clamp(0.0, 1.0);
    let confidence = (p_chosen * (2.0 * clarity).min(1.0)).clamp(0.0, 1.0);

    let strongest = peaks[0].1.max(1e-12);
    let strongest_bpm = 60.0 * p.frame_rate / peaks[0].0;
    let peaks_out = peaks
        .iter()
        .take(6)
        .map(|&(lag, v)| {
            let b = 60.0 * p.frame_rate / lag;
            PolyrhythmCandidate {
                bpm: Some(b),
                strength: Some(v / strongest),
                ratio: Some(b / strongest_bpm),
                ratio_to_tempo: Some(b / bpm),
            }
        })
        .collect();
    Some(TempoEstimate {
        bpm,
        period,
        clarity,
        confidence,
        candidates,
        peaks: peaks_out,
    })
}
