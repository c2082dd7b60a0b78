//! Global tempo and its metrical level.
//!
//! 1. Periodicity: the autocorrelation of the full-band onset novelty (whole track or
//!    window); its peaks between 30 and 300 BPM, and their ×½, ×2, ×⅓, ×3, ×⅔, ×3⁄2, ×¾
//!    and ×4⁄3 relatives, are the tempo hypotheses.
//! 2. Metrical family (which grid): each hypothesis is scored by its *comb*, the mean
//!    periodicity at 1, 2, 3 and 4 periods (the beat of a piece repeats at every
//!    multiple; a 2:3 or 3:4 relative lands on off-beats at half of them), with a
//!    penalty outside 60-200 BPM so that bars and tatums do not win on periodicity.
//!    This is the comb-filter view of the autocorrelation of Davies & Plumbley (2007,
//!    "Context-dependent beat tracking of musical audio", IEEE TASLP 15(3)) and the
//!    "enhanced harmonics" of Percival & Tzanetakis (2014, "Streamlined tempo
//!    estimation based on autocorrelation and cross-correlation with pulses", IEEE/ACM
//!    TASLP 22(12)); it removes the 2:3 and 3:4 errors of a periodicity-plus-prior pick.
//!    A steady kick overrides a 2:3 or 3:4 family the other bands chose: in dance music
//!    the kick is the beat, and hats or a riff in threes over it are a polyrhythm.
//! 3. Metrical level (which octave of that grid): the octave relatives of the winner
//!    (×¼ … ×4; ×¼, ×½ and ×3 when its beat divides in three, as a compound metre's
//!    dotted quarter does: its double is no pulse) are scored by
//!    - a log-normal prior over tempo centred on 120 BPM (σ = 1 octave);
//!    - onsets per beat: a listener's beat carries a few notes (about 2.4 here: 8ths
//!      and some 16ths); the bar level carries many, the tatum one or none (weak);
//!    - the kick/snare alternation cue: the autocorrelation of `low − mid` onsets is
//!      strongly *negative* at the beat period when kicks and snares (or claps) alternate
//!      beat by beat (backbeat), and positive at twice the beat. This is what tells
//!      hip-hop at 85 with 16th hats from 170, and drum-and-bass at 174 from 87;
//!    - the backbeat cue (snare every second beat, not every beat);
//!    - the level's own periodicity (weakly): a level that is not a pulse of the piece
//!      does not win on the prior alone (a 64 BPM piece read at 128, where there is no
//!      periodicity at all).
//!
//!    The drum cues count in proportion to the level's own periodicity, so they never
//!    promote a level that is not a pulse of the piece.
//! 4. The chosen level is folded by octaves into the user's range (upwards by ×3 when its
//!    beat divides in three: a 6/8 at 56 is read at its eighths, 168, not at 112, the
//!    4:3 error of triple and compound metres); its period is refined
//!    from the autocorrelation peaks at 1, 2, 3, 4, 6 and 8 periods (least squares).

use super::signal::{interp, peak_in};
use super::{PolyrhythmCandidate, TempoCandidate};

/// Centre of the tempo prior, BPM.
const PRIOR_CENTRE_BPM: f64 = 120.0;
/// Width of the tempo prior, octaves.
const PRIOR_OCTAVES: f64 = 1.0;
/// Tempi outside this range lose one comb unit per octave in the family choice, BPM.
const FAMILY_MIN_BPM: f64 = 60.0;
const FAMILY_MAX_BPM: f64 = 200.0;
/// Typical onsets per beat at the listener's beat level.
const ONSETS_PER_BEAT: f64 = 2.4;
/// Weight of the onsets-per-beat cue (a log-normal of σ = 1 octave). More (0.45-0.6) read
/// a few fast pieces at their tempo rather than half, but read drum and bass at 172 with
/// its half-time feel (kick and snare a bar apart, few onsets a beat) at 86.
const W_DENSITY: f64 = 0.3;
/// Weight of the level's own periodicity: a level that is hardly a pulse of the piece
/// (its autocorrelation near 0) must not win on the prior alone over an octave that is.
const W_PULSE: f64 = 0.6;
/// Weight of the kick/snare alternation cue.
const W_ALTERNATION: f64 = 1.0;
/// Weight of the backbeat cue (snare every second beat).
const W_BACKBEAT: f64 = 1.0;
/// The kick/snare cues (alternation, backbeat) count in full at levels of
/// [`BACKBEAT_FULL_BPM`] and up, less below, and not at all at [`HALF_TIME_BPM`]: a snare
/// every second beat of a level that slow is a snare once a bar at twice the tempo, the
/// half-time feel of dubstep, trap and much techno, which DJs count at the faster tempo
/// (techno at 138 had read 69). Over the 296 real recordings and renders with tempo truth
/// of 60-200 BPM (eight sets), three fast pieces (136-150) read at half moved to their
/// tempo and none moved away from it: no piece notated at 60-85 there has a backbeat at
/// its own level. A bare boom-bap loop (kick, snare on 2 and 4, 16th hats) at 66-72
/// now reads at its double; the rendered hip-hop at 70 keeps its tempo.
const HALF_TIME_BPM: f64 = 60.0;
const BACKBEAT_FULL_BPM: f64 = 80.0;
/// Temperature of the soft-max that turns level scores into a confidence.
const CONFIDENCE_TEMPERATURE: f64 = 0.2;
/// Soft-max share at or below which the confidence is 0 (see `estimate`).
const CONFIDENCE_FLOOR: f64 = 0.6;
/// Comb margin of the chosen metrical family over the best rival grid (a 2:3 or 3:4
/// relative) from which the tempo keeps its whole confidence; below, the confidence
/// shrinks in proportion, to 0 at a tie. The octave's soft-max alone said nothing about the
/// grid: a dotted-eighth figure in an intro read at 4:3 of the tempo, or a module at 3:4,
/// came out sure. In the live read-outs of the 202 files with truth
/// (`scripts/live_calibration.py --every 5`), 2768 of the 2824 sure tempi were right
/// (0.980); with this 2665 of 2697 (0.988): 24 of the 56 wrong ones fall below 0.5, and
/// 103 of the 2768 right ones. Whole tracks: 2 of the 137 right sure tempi of the seven
/// sets with truth fall below 0.5, none of the wrong ones (octave choices). At 0.03 only
/// half as many wrong ones fell; at 0.08 twice as many right ones.
const FAMILY_MARGIN_FULL: f64 = 0.05;
/// A steady kick: the low band's periodicity at its period (about 1 for a kick on every
/// beat). On the three real-music sets no 2:3 or 3:4 relative of a family reaches it
/// (the rule changes nothing there); generated techno with hats in threes does.
const KICK_PULSE: f64 = 0.85;
/// ... and how far above the low band's periodicity at the band mean's family it must be.
const KICK_MARGIN: f64 = 0.15;
/// How much more periodic a beat's thirds must be than its half for the beat to count as
/// dividing in three.
const TERNARY_MARGIN: f64 = 0.1;
/// Range over which metrical levels are compared before folding into the user's range.
const SEARCH_MIN_BPM: f64 = 30.0;
const SEARCH_MAX_BPM: f64 = 300.0;

/// The octave cues that need no periodicity: the log-normal prior over tempo and the
/// onsets per beat at `bpm` for `onset_rate` onsets a second (left out at 0), weighted.
pub(super) fn level_prior(bpm: f64, onset_rate: f64) -> f64 {
    let z = (bpm / PRIOR_CENTRE_BPM).log2() / PRIOR_OCTAVES;
    let density = if onset_rate > 0.0 {
        let d = (onset_rate * 60.0 / bpm / ONSETS_PER_BEAT).log2();
        -0.5 * d * d
    } else {
        0.0
    };
    -0.5 * z * z + W_DENSITY * density
}

/// Periodicity of the autocorrelation `r` near lag `l`: its peak within ±2 % (at least
/// ±1.5 frames), else the value at `l`; `None` beyond the longest lag `r` holds.
pub(super) fn near_in(r: &[f64], l: f64) -> Option<f64> {
    let half = (0.02 * l).max(1.5);
    if l + half > r.len().saturating_sub(2) as f64 {
        return None;
    }
    Some(peak_in(r, l - half, l + half).map_or_else(|| interp(r, l), |p| p.1))
}

/// The comb of `r` at a beat of `lag` frames: the mean of [`near_in`] at 1, 2, 3 and 4
/// periods (negative values count as 0; 0 when fewer than two fit in `r`).
pub(super) fn comb_in(r: &[f64], lag: f64) -> f64 {
    let vals: Vec<f64> = (1..=4)
        .filter_map(|k| near_in(r, k as f64 * lag))
        .map(|v| v.max(0.0))
        .collect();
    if vals.len() < 2 {
        return 0.0;
    }
    vals.iter().sum::<f64>() / vals.len() as f64
}

/// The autocorrelations the tempo estimate needs.
pub struct Periodicity<'a> {
    /// Normalised autocorrelation of the full-band onset novelty, by lag in frames.
    pub full: &'a [f64],
    /// Mean normalised autocorrelation of the full-band, low, snare and high onset
    /// novelties: what the comb (the metrical family) is read from.
    pub family: &'a [f64],
    /// Same for the low-band (kick, bass) onsets.
    pub low: &'a [f64],
    /// Same for `low/σ − snare/σ` onsets (kick minus snare).
    pub alternation: &'a [f64],
    /// Same for the snare-band onsets.
    pub snare: &'a [f64],
    /// Frames per second.
    pub frame_rate: f64,
    /// Detected onsets per second.
    pub onset_rate: f64,
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
    /// Comb minus the out-of-range penalty: picks the metrical family.
    family: f64,
    /// Prior and cues: picks the octave within the family.
    score: f64,
}

impl Level {
    /// Family and octave scores together: how the candidates compare for the confidence.
    fn total(&self) -> f64 {
        self.family + self.score
    }
}

impl Periodicity<'_> {
    fn lag_of(&self, bpm: f64) -> f64 {
        60.0 * self.frame_rate / bpm
    }

    fn max_lag(&self) -> f64 {
        (self.full.len().saturating_sub(2)) as f64
    }

    /// Periodicity near lag `l`: the autocorrelation peak within ±2 % (at least ±1.5
    /// frames), else the value at `l`; `None` beyond the longest lag.
    fn near(&self, l: f64) -> Option<f64> {
        self.near_in(self.family, l)
    }

    /// [`Self::near`] in the autocorrelation `r` (as long as `full`).
    fn near_in(&self, r: &[f64], l: f64) -> Option<f64> {
        near_in(&r[..r.len().min(self.full.len())], l)
    }

    /// Metrical consistency of a beat period: the mean periodicity at 1, 2, 3 and 4
    /// periods (negative values count as 0). The beat of a piece repeats at every
    /// multiple; a period that is 2/3 or 3/4 of the beat (or 3/2, 4/3 of it) lands on
    /// off-beats at half of these, so it scores far lower than at its own lag.
    fn comb(&self, lag: f64) -> f64 {
        self.comb_in(self.family, lag)
    }

    /// [`Self::comb`] in the autocorrelation `r` (as long as `full`).
    fn comb_in(&self, r: &[f64], lag: f64) -> f64 {
        comb_in(&r[..r.len().min(self.full.len())], lag)
    }

    /// How steady the kick (and bass) is at a beat of `lag` frames: the low band's comb
    /// there, 1 for a kick on every beat.
    pub fn kick_steadiness(&self, lag: f64) -> f64 {
        self.comb_in(self.low, lag)
    }

    /// The family a steady kick marks, when it is a 2:3 or 3:4 relative of `family`: the
    /// low band's periodicity at its period is at least [`KICK_PULSE`] and [`KICK_MARGIN`]
    /// above that at the family's. In dance music the kick is the beat; hats, claps or a
    /// riff in a 3/16 polyrhythm over it repeat at 2:3 of it in the snare and high bands
    /// and can outvote it in the band mean (techno at 138 read at 92). An off-beat bass
    /// makes the low band periodic at 1.5 beats too, but less than the kick at 1.
    fn kick_family(&self, family: Level) -> Level {
        let pulse = |lag: f64| self.near_in(self.low, lag).unwrap_or(0.0);
        let at_family = pulse(family.lag);
        [1.5, 4.0 / 3.0, 2.0 / 3.0, 0.75]
            .iter()
            .map(|&r| family.bpm * r)
            .filter(|b| (SEARCH_MIN_BPM..=SEARCH_MAX_BPM).contains(b))
            .filter_map(|b| self.level(b))
            .map(|l| (pulse(l.lag), l))
            .filter(|&(kick, _)| kick >= KICK_PULSE && kick >= at_family + KICK_MARGIN)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(family, |(_, l)| l)
    }

    /// Whether a beat of `lag` frames divides in three: the periodicity at a third and two
    /// thirds of it is above that at half of it by [`TERNARY_MARGIN`]. Shuffles and swing
    /// divide their beat in three too; there only the ×3 relative, mostly beyond the
    /// search range, replaces the ×2.
    fn divides_in_three(&self, lag: f64) -> bool {
        if lag / 3.0 < 2.0 {
            return false;
        }
        match (
            self.near(lag / 3.0),
            self.near(2.0 * lag / 3.0),
            self.near(lag / 2.0),
        ) {
            (Some(a), Some(b), Some(h)) => 0.5 * (a + b) > h + TERNARY_MARGIN,
            _ => false,
        }
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
        let outside = if bpm < FAMILY_MIN_BPM {
            (FAMILY_MIN_BPM / bpm).log2()
        } else if bpm > FAMILY_MAX_BPM {
            (bpm / FAMILY_MAX_BPM).log2()
        } else {
            0.0
        };
        let comb = self.comb(lag);
        let support = periodicity.max(0.0).min(comb);
        let drums_count =
            ((bpm - HALF_TIME_BPM) / (BACKBEAT_FULL_BPM - HALF_TIME_BPM)).clamp(0.0, 1.0);
        let octave = level_prior(bpm, self.onset_rate)
            + W_PULSE * periodicity.max(0.0)
            + drums_count * support * (W_ALTERNATION * alt + W_BACKBEAT * backbeat);
        Some(Level {
            bpm,
            lag,
            periodicity,
            family: comb - outside,
            score: octave,
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
    const HYPOTHESES: [f64; 9] = [
        1.0,
        0.5,
        2.0,
        2.0 / 3.0,
        1.5,
        1.0 / 3.0,
        3.0,
        0.75,
        4.0 / 3.0,
    ];
    let mut levels: Vec<Level> = Vec::new();
    for &(lag, _) in peaks.iter().take(10) {
        let bpm = 60.0 * p.frame_rate / lag;
        for r in HYPOTHESES {
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
    let comb_family = levels
        .iter()
        .copied()
        .max_by(|a, b| a.family.total_cmp(&b.family))?;
    let family = p.kick_family(comb_family);
    // How clearly the comb chose this grid over a rival one (a 2:3 or 3:4 relative: one
    // whose period is no whole multiple of the family's, nor the family's of it). A steady
    // kick that overrode the comb settles the grid.
    let nested = |r: f64| {
        let q = if r >= 1.0 { r } else { 1.0 / r };
        (q / q.round() - 1.0).abs() < 0.03
    };
    let rival = levels
        .iter()
        .filter(|l| !nested(l.bpm / comb_family.bpm))
        .map(|l| l.family)
        .fold(f64::NEG_INFINITY, f64::max);
    let family_margin = if family.bpm == comb_family.bpm {
        comb_family.family - rival
    } else {
        f64::INFINITY
    };
    // The faster levels of a beat that divides in three (compound metre, or the dotted
    // quarter of a 3/4 in running 8ths) are ×3, not ×2: its double is no pulse.
    let octaves: &[f64] = if p.divides_in_three(family.lag) {
        &[0.25, 0.5, 3.0]
    } else {
        &[0.25, 0.5, 2.0, 4.0]
    };
    let best = octaves
        .iter()
        .filter_map(|&r| p.level(family.bpm * r))
        .filter(|l| (SEARCH_MIN_BPM..=SEARCH_MAX_BPM).contains(&l.bpm))
        .fold(family, |b, l| if l.score > b.score { l } else { b });
    // Fold by octaves into the user's range; if the range is narrower than an octave and
    // nothing lands, take the best hypothesis inside it, else the nearest fold.
    let (lo, hi) = (min_bpm.min(max_bpm), max_bpm.max(min_bpm));
    let mut folded = best.bpm;
    while folded > hi * 1.0001 {
        folded /= 2.0;
    }
    while folded < lo * 0.9999 {
        folded *= if p.divides_in_three(p.lag_of(folded)) {
            3.0
        } else {
            2.0
        };
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
    // The octave scores of the chosen level and of its half and double: how sure the
    // metrical level is. (The family's comb is left out: it is higher at the slower octave
    // of any grid, as its lags reach further, and it has already picked the grid.)
    let mut octave_scores = vec![chosen.score];
    for (r, name) in RELATIVES.iter().zip(names) {
        let l = if *r == 1.0 {
            Some(chosen)
        } else {
            p.level(chosen.bpm * r)
        };
        if let Some(l) = l {
            if *r == 0.5 || *r == 2.0 {
                octave_scores.push(l.score);
            }
            candidates.push(TempoCandidate {
                bpm: Some(if *r == 1.0 { bpm } else { l.bpm }),
                score: Some(l.total()),
                periodicity: Some(l.periodicity),
                relation: name.to_string(),
            });
        }
    }
    let max_s = octave_scores
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let weight = |s: f64| ((s - max_s) / CONFIDENCE_TEMPERATURE).exp();
    let p_chosen = weight(chosen.score) / octave_scores.iter().map(|&s| weight(s)).sum::<f64>();
    let clarity = chosen.periodicity.clamp(0.0, 1.0);
    let raw = p_chosen * (2.0 * clarity).min(1.0);
    // Calibrated on 194 real recordings and renders with tempo truth of 60-200 BPM (the
    // dev set, the key, metre and tracker sets, and the electronic set;
    // scripts/calibration.py): with the caller's agreement check (the full band alone must
    // read the same tempo), 0.8 maps to 0.5, and 93 of the 96 estimates at 0.5 or more
    // were right. The three wrong are notation the audio does not settle: a swing piece
    // notated at 180 read at 90, a piece notated at 160 read at half, and a module whose
    // notes sit on a 3-row grid read at 2:3 of its 4-row truth. The share of the family
    // and octave scores together had put 39 at 0.5 or more, 36 right. A near tie (0.6 or
    // less) maps to 0.
    let confidence = ((raw - CONFIDENCE_FLOOR) / (1.0 - CONFIDENCE_FLOOR)).clamp(0.0, 1.0);
    // ... and as sure as the grid: see FAMILY_MARGIN_FULL.
    let confidence = confidence * (family_margin / FAMILY_MARGIN_FULL).clamp(0.0, 1.0);

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
