//! The streaming part of the tonal analysis: spectral peaks of every frame of the tonal
//! STFT become a 36-bin treble and a 36-bin bass pitch-class profile (3 bins per
//! semitone), a roughness value, and votes in a global tuning histogram.
//!
//! Why a global tuning histogram applied at summary time (rather than a tuning estimated
//! from the first seconds): intros are often drums only or a detuned riser, so the first
//! seconds are the least reliable part of a track; a histogram of peak deviations costs
//! 100 numbers whatever the length, and keeping the profiles at a third of a semitone lets
//! the summary fold them onto the 12 pitch classes with any offset (the fold interpolates
//! between the 1/3-semitone bins), so nothing needs to be recomputed.

use crate::stft::SpectrumFrame;

/// Sub-bins per semitone in the stored profiles.
pub(crate) const SUB: usize = 3;
/// Bins of a stored profile (12 semitones x [`SUB`]).
pub(crate) const PROFILE_BINS: usize = 12 * SUB;
/// Bins of the tuning histogram (1 cent each, -50..50).
pub(crate) const TUNING_BINS: usize = 100;

/// Lowest peak considered, Hz (A0).
const MIN_HZ: f32 = 27.5;
/// Highest peak considered, Hz: above that, partials are dense and mostly noise.
const MAX_HZ: f32 = 5000.0;
/// Treble peaks above this are weighted down as `knee / f`.
const TREBLE_KNEE_HZ: f32 = 1000.0;
/// Bass profile: peaks below this, Hz.
const BASS_MAX_HZ: f32 = 250.0;
/// Treble profile: peaks from this, Hz (A2); bass notes' upper partials land here too.
const TREBLE_MIN_HZ: f32 = 110.0;
/// Tuning votes: peaks in this range, where a bin is narrower than a quarter-semitone.
const TUNING_MIN_HZ: f32 = 200.0;
const TUNING_MAX_HZ: f32 = 5000.0;
/// Peaks weaker than this fraction of the frame's strongest one are ignored (-50 dB):
/// they weigh nothing in the profiles, and on dense or noisy spectra skipping them
/// halves the cost of a frame.
const REL_FLOOR: f32 = 3e-3;
/// Tuning votes only from peaks within 40 dB of the frame's strongest one.
const TUNING_REL_FLOOR: f32 = 1e-2;
/// Log-magnitude curvature (second difference at the peak bin) from which a peak counts
/// fully in the pitch-class profiles; flatter peaks count in proportion. A steady partial
/// in the Hann window gives about 1.44, a note starting mid-frame about 0.4. In techno the
/// kick's pitch sweep, in every frame (the window is longer than a beat), left ripples
/// that read as notes: a kick tuned to the tonic added its fifth and third, E minor read
/// as E major (generated techno, and real recordings' reports of fifth and parallel
/// errors). Real acoustic recordings have few peaks this flat.
const STEADY_CURVATURE: f32 = 0.3;
/// A frame whose strongest peak is below this amplitude is silent (-80 dBFS).
pub(crate) const SILENCE: f32 = 1e-4;
/// Peaks kept for the roughness of a frame.
const ROUGH_PEAKS: usize = 16;

/// Per-frame pitch-class data, appended frame by frame.
///
/// Memory per frame: 2 x 36 + 2 `f32` (296 bytes, about 3.2 kB per second of audio).
pub struct ChromaAccumulator {
    frame_rate: f64,
    bin_hz: f32,
    /// First and one-past-last bins searched for peaks (with 2 bins of margin).
    lo: usize,
    hi: usize,
    bass_hi: usize,
    treble_lo: usize,
    tuning_lo: usize,
    tuning_hi: usize,
    /// Fractional MIDI note of bin `k` (index `k - lo`) and its derivative per bin.
    midi: Vec<f32>,
    dmidi: Vec<f32>,
    /// Treble weight of bin `k` (index `k - lo`).
    tweight: Vec<f32>,
    pub(crate) treble: Vec<[f32; PROFILE_BINS]>,
    pub(crate) bass: Vec<[f32; PROFILE_BINS]>,
    /// Plomp-Levelt roughness of the frame, 0..1 (NaN when silent).
    pub(crate) roughness: Vec<f32>,
    /// Amplitude of the frame's strongest peak.
    pub(crate) level: Vec<f32>,
    pub(crate) tuning_hist: [f64; TUNING_BINS],
    /// Peaks of the current frame: (bin, fractional MIDI note, amplitude), ascending.
    peaks: Vec<(u32, f32, f32)>,
    /// Strongest peak amplitude of the current frame per 1/3-semitone cell of MIDI
    /// pitch (cell `floor(3 * midi)`), for the overtone test.
    grid: Vec<f32>,
    /// Peak flags of the current frame's bins (reused buffer).
    mask: Vec<u8>,
    /// Strongest peaks of the current frame: (Hz, amplitude), descending amplitude.
    top: [(f32, f32); ROUGH_PEAKS],
}

impl ChromaAccumulator {
    /// For frames of `bins` magnitude bins `bin_hz` apart, `frame_rate` frames per second.
    pub fn new(bins: usize, bin_hz: f32, frame_rate: f64) -> Self {
        let bin_hz = if bin_hz.is_finite() && bin_hz > 0.0 {
            bin_hz
        } else {
            1.0
        };
        let bin_of = |hz: f32| (hz / bin_hz).round().max(0.0) as usize;
        // Two bins of margin on both sides for the peak test; bin 0 (DC) never a peak.
        let last = bins.saturating_sub(3);
        let lo = bin_of(MIN_HZ).max(2).min(last);
        let hi = (bin_of(MAX_HZ) + 1).min(last).max(lo);
        let midi: Vec<f32> = (lo..hi)
            .map(|k| (69.0 + 12.0 * ((k as f64 * f64::from(bin_hz)) / 440.0).log2()) as f32)
            .collect();
        let dmidi: Vec<f32> = (lo..hi)
            .map(|k| (12.0 / (std::f64::consts::LN_2 * k as f64)) as f32)
            .collect();
        // Treble weight: 1 up to TREBLE_KNEE_HZ, then falling as 1/f, so the dense upper
        // partials and cymbal noise do not outweigh the notes themselves.
        let tweight: Vec<f32> = (lo..hi)
            .map(|k| (f64::from(TREBLE_KNEE_HZ) / (k as f64 * f64::from(bin_hz))).min(1.0) as f32)
            .collect();
        ChromaAccumulator {
            tweight,
            frame_rate,
            bin_hz,
            lo,
            hi,
            bass_hi: bin_of(BASS_MAX_HZ),
            treble_lo: bin_of(TREBLE_MIN_HZ),
            tuning_lo: bin_of(TUNING_MIN_HZ),
            tuning_hi: bin_of(TUNING_MAX_HZ),
            midi,
            dmidi,
            treble: Vec::new(),
            bass: Vec::new(),
            roughness: Vec::new(),
            level: Vec::new(),
            tuning_hist: [0.0; TUNING_BINS],
            top: [(0.0, 0.0); ROUGH_PEAKS],
            peaks: Vec::with_capacity(1024),
            grid: vec![0.0; 128 * SUB],
            mask: Vec::with_capacity(hi - lo),
        }
    }

    /// Frames per second.
    pub fn frame_rate(&self) -> f64 {
        self.frame_rate
    }

    /// Treble chroma of every frame folded to 12 pitch classes (from C).
    pub fn pitch_classes(&self) -> Vec<[f32; 12]> {
        self.pitch_classes_of(0..self.treble.len())
    }

    /// [`Self::pitch_classes`] of the frames in `range` (clamped to the frames held).
    pub fn pitch_classes_of(&self, range: std::ops::Range<usize>) -> Vec<[f32; 12]> {
        let end = range.end.min(self.treble.len());
        self.treble[range.start.min(end)..end]
            .iter()
            .map(|f| {
                let mut pc = [0f32; 12];
                for (j, &v) in f.iter().enumerate() {
                    pc[j / SUB] += v;
                }
                pc
            })
            .collect()
    }

    /// Frames received.
    pub fn frames(&self) -> usize {
        self.treble.len()
    }

    /// Forgets the first `n` frames (memory stays bounded in an endless stream); the
    /// tuning histogram keeps every vote.
    pub fn drop_front(&mut self, n: usize) {
        let n = n.min(self.frames());
        self.treble.drain(..n);
        self.bass.drain(..n);
        self.roughness.drain(..n);
        self.level.drain(..n);
    }

    /// Takes one frame of the tonal STFT.
    pub fn push(&mut self, frame: &SpectrumFrame) {
        let mut treble = [0f32; PROFILE_BINS];
        let mut bass = [0f32; PROFILE_BINS];
        let mags = frame.magnitudes;
        let hi = self.hi.min(mags.len().saturating_sub(2));
        if hi <= self.lo {
            self.treble.push(treble);
            self.bass.push(bass);
            self.roughness.push(f32::NAN);
            self.level.push(0.0);
            return;
        }
        // Eight running maxima (vectorisable), then their maximum.
        let mut lanes = [0f32; 8];
        let chunks = mags[self.lo..hi].chunks_exact(8);
        let rest = chunks.remainder();
        for ch in chunks {
            for (l, &x) in lanes.iter_mut().zip(ch) {
                *l = if x > *l { x } else { *l };
            }
        }
        let peak = lanes
            .iter()
            .chain(rest)
            .fold(0f32, |m, &x| if x > m { x } else { m });
        let peak = if peak.is_finite() { peak } else { 0.0 };
        if peak < SILENCE {
            self.treble.push(treble);
            self.bass.push(bass);
            self.roughness.push(f32::NAN);
            self.level.push(peak);
            return;
        }
        let floor = peak * REL_FLOOR;
        let tuning_floor = peak * TUNING_REL_FLOOR;
        let mut n_top = 0usize;
        self.peaks.clear();
        self.grid.fill(0.0);
        // Peak test in two passes: a branch-free, vectorisable pass writing a mask (a bin
        // is a peak when above the floor and above its two neighbours on each side),
        // then a pass over the few flagged bins. A single branchy loop was several
        // times slower on noisy spectra.
        let n = hi - self.lo;
        self.mask.clear();
        self.mask.resize(n, 0);
        {
            let c = &mags[self.lo..hi];
            let l1 = &mags[self.lo - 1..hi - 1];
            let l2 = &mags[self.lo - 2..hi - 2];
            let r1 = &mags[self.lo + 1..hi + 1];
            let r2 = &mags[self.lo + 2..hi + 2];
            for (i, f) in self.mask.iter_mut().enumerate() {
                let m = c[i];
                *f = u8::from(m > floor)
                    & u8::from(m > l1[i])
                    & u8::from(m > l2[i])
                    & u8::from(m >= r1[i])
                    & u8::from(m >= r2[i]);
            }
        }
        for off in 0..n {
            if self.mask[off] == 0 {
                continue;
            }
            let k = self.lo + off;
            let m = mags[k];
            // Parabolic interpolation on log magnitude (a Hann lobe is close to a
            // Gaussian, whose log is a parabola): offset in bins and peak amplitude.
            let a = fast_ln(mags[k - 1].max(1e-12));
            let b = fast_ln(m);
            let c = fast_ln(mags[k + 1].max(1e-12));
            let den = a - 2.0 * b + c;
            let delta = if den < 0.0 {
                (0.5 * (a - c) / den).clamp(-0.5, 0.5)
            } else {
                0.0
            };
            // Height of the parabola over the bin's value: at most the Hann window's
            // scalloping loss (1.42 dB, a factor 1.18), so a short series for exp.
            let lift = (-0.25 * (a - c) * delta).clamp(0.0, 0.17);
            let amp = m * (1.0 + lift * (1.0 + lift * (0.5 + lift / 6.0)));
            let i = k - self.lo;
            let midi = self.midi[i] + delta * self.dmidi[i];
            // A pitch sweep or noise leaves flat peaks: they count by their curvature.
            let steady = (-den / STEADY_CURVATURE).clamp(0.0, 1.0);
            let tonal = amp * steady;
            self.peaks.push((k as u32, midi, tonal));
            let cell = (midi * SUB as f32).max(0.0) as usize;
            if let Some(g) = self.grid.get_mut(cell) {
                *g = g.max(tonal);
            }
            // Tuning votes count by steadiness too: a loud kick's glide to its tail is
            // sharp of it for most of its length and voted 10-35 cents sharp.
            if k >= self.tuning_lo && k < self.tuning_hi && tonal > tuning_floor {
                // Deviation from the nearest semitone, -0.5..0.5 (casts floor: MIDI > 20).
                let dev = midi - (midi + 0.5) as u32 as f32;
                let bin = (((dev + 0.5) * 100.0) as usize).min(TUNING_BINS - 1);
                self.tuning_hist[bin] += f64::from(tonal);
            }
            // Keep the strongest peaks (insertion into a short sorted array).
            let hz = (k as f32 + delta) * self.bin_hz;
            if n_top < ROUGH_PEAKS || amp > self.top[ROUGH_PEAKS - 1].1 {
                let mut p = n_top.min(ROUGH_PEAKS - 1);
                while p > 0 && self.top[p - 1].1 < amp {
                    self.top[p] = self.top[p - 1];
                    p -= 1;
                }
                self.top[p] = (hz, amp);
                n_top = (n_top + 1).min(ROUGH_PEAKS);
            }
        }
        self.add_peaks(&mut treble, &mut bass);
        self.treble.push(treble);
        self.bass.push(bass);
        self.roughness.push(roughness(&self.top[..n_top]));
        self.level.push(peak);
    }
}

impl ChromaAccumulator {
    /// Adds the current frame's peaks to the profiles. A peak that sits where the 3rd,
    /// 5th, 6th, 7th, 9th or 10th harmonic of a stronger peak would be is mostly that
    /// note's overtone, not a note of its own, and counts [`OVERTONE_WEIGHT`] times
    /// ([`THIRD_OVERTONE_WEIGHT`] for the 5th and 10th; the lowest weight of the
    /// harmonics it may be): without this, the 5th harmonic of every root adds a major
    /// third (and the 3rd a fifth), which blurs major against minor. Octave harmonics (2,
    /// 4, 8) fall on the same pitch class and are left alone.
    fn add_peaks(&self, treble: &mut [f32; PROFILE_BINS], bass: &mut [f32; PROFILE_BINS]) {
        for &(k, midi, amp) in &self.peaks {
            let mut w = 1.0f32;
            // The peak's cell and, for each harmonic, the cell of its would-be
            // fundamental and the cells on either side (about a third of a semitone).
            let cell = (midi * SUB as f32) as usize;
            for (&h, &hw) in HARMONIC_CELLS.iter().zip(&HARMONIC_WEIGHTS) {
                let Some(c) = cell.checked_sub(h) else {
                    break;
                };
                let near = &self.grid[c.saturating_sub(1)..(c + 2).min(self.grid.len())];
                if near.iter().any(|&g| g >= 0.5 * amp) {
                    w = w.min(hw);
                }
            }
            let k = k as usize;
            let i = k - self.lo;
            let amp = amp * w;
            // Profile position in sub-bins (0 = C), split linearly between two bins
            // (MIDI notes here are above 20, so the cast floors).
            let x = (midi * SUB as f32).max(0.0);
            let c = x as usize;
            let frac = x - c as f32;
            let j0 = c % PROFILE_BINS;
            let j1 = (j0 + 1) % PROFILE_BINS;
            if k < self.bass_hi {
                bass[j0] += amp * (1.0 - frac);
                bass[j1] += amp * frac;
            }
            if k >= self.treble_lo {
                let a = amp * self.tweight[i];
                treble[j0] += a * (1.0 - frac);
                treble[j1] += a * frac;
            }
        }
    }
}

/// Natural logarithm of a positive normal `f32`, to about 1e-5: the exponent from the
/// bits, and `ln(m) = 2 atanh((m - 1) / (m + 1))` (series to t^7) for the mantissa
/// `m` in [1, 2). Three of these per spectral peak cost far less than `f32::ln`.
#[inline]
pub(crate) fn fast_ln(x: f32) -> f32 {
    let bits = x.to_bits();
    let e = ((bits >> 23) & 0xff) as i32 - 127;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let ln_m = 2.0 * t * (1.0 + t2 * (1.0 / 3.0 + t2 * (0.2 + t2 / 7.0)));
    e as f32 * std::f32::consts::LN_2 + ln_m
}

/// Distance in 1/3-semitone cells from a fundamental to its 3rd, 5th, 6th, 7th, 9th and
/// 10th harmonics (`3 * 12 * log2(h)` rounded: 19.02, 27.86, 31.02, 33.69, 38.04 and
/// 39.86 semitones), ascending.
const HARMONIC_CELLS: [usize; 6] = [57, 84, 93, 101, 114, 120];
/// Weight of a peak recognised as an overtone (see `add_peaks`). Tuned on aidj-synth's
/// key set: 0.5 widens the worst true-key margin the most; 0 (dropping overtones)
/// loses the fifths that mark the dominant and causes relative-key errors.
const OVERTONE_WEIGHT: f32 = 0.5;
/// Weight of a peak where the 5th or 10th harmonic of a stronger peak would be: a major
/// third above the root's second or third octave. A minor key's tonic, fifth and bass
/// notes put major thirds into the chroma this way (a drone on F reads F, C, A: F major),
/// and the mode is decided by the thirds. At 0.4 rather than 0.5 the key set went from 63
/// to 65 of 70 exact (a B minor read as major, and an "other"), the 17 electronic tracks
/// where Essentia and madmom agree from 12 to 14, and agreement with madmom's CNN on all
/// 46 from 19 to 22; the dev set's renders lost one (a C major read as C minor), generated
/// techno (half major by construction) 1 and 3 of 96. At 0.35 the key set gained one more
/// but a generated major track's live key flickered to its parallel minor for longer.
const THIRD_OVERTONE_WEIGHT: f32 = 0.4;
/// [`OVERTONE_WEIGHT`] or [`THIRD_OVERTONE_WEIGHT`] for each of [`HARMONIC_CELLS`].
const HARMONIC_WEIGHTS: [f32; 6] = [
    OVERTONE_WEIGHT,
    THIRD_OVERTONE_WEIGHT,
    OVERTONE_WEIGHT,
    OVERTONE_WEIGHT,
    OVERTONE_WEIGHT,
    THIRD_OVERTONE_WEIGHT,
];

/// Height of the Sethares (1993) dissonance curve's maximum, used to scale it to 0..1.
const PL_MAX: f32 = 0.180_748;

/// Roughness of a set of partials (Hz, amplitude) after Plomp & Levelt (1965), as
/// parametrised by Sethares (1993, "Local consonance and the relationship between timbre
/// and scale", JASA 94(3)): for two partials `f1 < f2` with amplitudes `a1`, `a2`,
/// `d = a1 a2 (e^{-b1 s (f2-f1)} - e^{-b2 s (f2-f1)})` with `s = x* / (s1 f1 + s2)`,
/// `x* = 0.24`, `s1 = 0.0207`, `s2 = 18.96`, `b1 = 3.5`, `b2 = 5.75`. Each pair's curve
/// is scaled to peak at 1 and the sum divided by the sum of `a1 a2`, so the result is an
/// amplitude-weighted mean pair roughness in 0..1 (0 for a single partial).
pub(crate) fn roughness(peaks: &[(f32, f32)]) -> f32 {
    let (mut num, mut den) = (0f32, 0f32);
    for (i, &(fi, ai)) in peaks.iter().enumerate() {
        for &(fj, aj) in &peaks[i + 1..] {
            let (f1, f2) = if fi < fj { (fi, fj) } else { (fj, fi) };
            let s = 0.24 / (0.0207 * f1 + 18.96);
            let x = s * (f2 - f1);
            let w = ai * aj;
            let d = if x < 8.0 {
                ((-3.5 * x).exp() - (-5.75 * x).exp()) / PL_MAX
            } else {
                0.0
            };
            num += w * d;
            den += w;
        }
    }
    if den > 0.0 {
        (num / den).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roughness_curve_peaks_near_a_quarter_critical_band() {
        // Two equal partials a semitone apart near 440 Hz: close to the curve's maximum.
        let r = roughness(&[(440.0, 1.0), (466.16, 1.0)]);
        assert!(r > 0.85, "{r}");
        // An octave: no roughness.
        assert!(roughness(&[(440.0, 1.0), (880.0, 1.0)]) < 0.01);
        // Unison and a single partial: none.
        assert!(roughness(&[(440.0, 1.0), (440.0, 1.0)]) < 1e-6);
        assert_eq!(roughness(&[(440.0, 1.0)]), 0.0);
        assert_eq!(roughness(&[]), 0.0);
    }

    #[test]
    fn fast_ln_is_accurate() {
        for &x in &[1e-12f32, 1e-6, 0.001, 0.3, 0.999, 1.0, 1.5, 2.0, 7.3, 1e4] {
            assert!(
                (fast_ln(x) - x.ln()).abs() < 2e-5 * x.ln().abs().max(1.0),
                "{x}"
            );
        }
    }

    #[test]
    fn pl_max_is_the_curve_maximum() {
        let xs = (ln(5.75) - ln(3.5)) / (5.75 - 3.5);
        let m = (-3.5 * xs).exp() - (-5.75 * xs).exp();
        assert!((m - PL_MAX).abs() < 1e-4, "{m}");
        fn ln(x: f32) -> f32 {
            x.ln()
        }
    }
}
