//! Key finding: Pearson correlation of a pitch-class profile with rotated key profiles,
//! plus a bass cue for the tonic.
//!
//! Profiles (12 weights from the tonic up):
//! * EDMA: Á. Faraldo, E. Gómez, S. Jordà, P. Herrera (2016), "Key estimation in
//!   electronic dance music", ECIR 2016 — derived from the chroma of a corpus of EDM
//!   (the numbers as published with Essentia's `Key` algorithm, profile "edma").
//! * Temperley: D. Temperley (2007), "Music and Probability", MIT Press — key profiles
//!   from the Kostka-Payne corpus.
//!
//! The treble score of a key is the mean of the Pearson correlations of the chroma with
//! both profiles, each with its notes' fifth overtones added ([`FIFTH_OVERTONE`]).
//! Pearson correlation centres and scales both vectors, so major and minor profiles
//! compete on equal terms (the raw dot product favours whichever profile has the larger
//! total weight, the minor ones in Krumhansl's set), and a score means the same on every
//! track, which makes the confidence comparable across tracks. Where the mode prior alone
//! chose between parallel keys, the thirds decide ([`parallel_by_thirds`]).
//!
//! Bass cue: in pop and electronic music the bass sits on the tonic far more often than
//! on any other degree, and chords shared by relative keys (C major / A minor) are told
//! apart mostly by which root the bass returns to. The bass chroma (peaks below 250 Hz)
//! is correlated with a tonic-heavy bass profile and added with weight [`BASS_WEIGHT`].
//!
//! Mode prior: minor keys get [`MINOR_PRIOR`] on top, which decides near ties between a
//! key and its parallel major; the confidence is measured without it ([`key_confidence`]).

/// EDMA major and minor profiles (Faraldo et al. 2016).
pub const EDMA_MAJOR: [f64; 12] = [
    0.16519551, 0.04749026, 0.08293076, 0.06687112, 0.09994645, 0.09274123, 0.05294487, 0.13159476,
    0.05218986, 0.07443653, 0.06940723, 0.0642515,
];
pub const EDMA_MINOR: [f64; 12] = [
    0.17235348, 0.05336489, 0.0761009, 0.10043649, 0.05621498, 0.08527853, 0.0497915, 0.13451001,
    0.07458916, 0.05003023, 0.09187879, 0.05545106,
];
/// Temperley (2007) Kostka-Payne major and minor profiles.
pub const TEMPERLEY_MAJOR: [f64; 12] = [
    0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400,
];
pub const TEMPERLEY_MINOR: [f64; 12] = [
    0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330,
];
/// Bass profiles (ours): where the bass of a song in the key spends its time. Tonic
/// first, then the dominant and subdominant, then the other diatonic roots; chromatic
/// degrees near zero. Minor includes the raised seventh's root (V chord) weakly.
pub const BASS_MAJOR: [f64; 12] = [
    1.0, 0.0, 0.25, 0.0, 0.25, 0.45, 0.0, 0.5, 0.0, 0.35, 0.05, 0.1,
];
pub const BASS_MINOR: [f64; 12] = [
    1.0, 0.0, 0.15, 0.35, 0.05, 0.45, 0.0, 0.5, 0.4, 0.0, 0.35, 0.05,
];
/// Added to every minor key's score: a prior for the mode. With spectra full of overtones
/// (the 5th harmonic of every note is a major third) a minor track's mode evidence is
/// often a near tie, and popular and electronic music is mostly minor, so an even split
/// reads those ties as major about half the time. On 17 real electronic tracks where
/// Essentia (bgate) and madmom's CNN agree on the key (`scripts/elecref`), this took us
/// from 9 to 12 exact (five of the eight misses had been minor read as major); the
/// 70-piece key set keeps 63 exact, and generated techno (half major by construction)
/// loses 1-2 tracks in 96.
/// The prior chooses between near ties but adds no confidence: see [`key_confidence`].
pub const MINOR_PRIOR: f64 = 0.05;
/// Weight of the bass correlation relative to the treble one.
pub const BASS_WEIGHT: f64 = 0.5;
/// What each note of a profile adds to the pitch class a fifth above it, as the chroma
/// hears it: a note's third harmonic is its fifth (an octave up), about a third of its
/// amplitude, and the chroma counts a peak where a stronger peak's third harmonic would be
/// at half weight, so about 0.15 of each note is left there. Profiles of notes (Temperley's
/// from scores; EDMA's chroma had its own front end) lack it, and the dominant's pitch
/// class, fed by the tonic's overtones, pulled keys a fifth up: the commonest key error,
/// 12 of the 27 misses over the seven sets with key truth (dev, key, electronic, two game
/// sets, LMMS, MMA; 283 pieces). With it (and [`parallel_by_thirds`]): 266 exact rather
/// than 260 (key set 66 -> 69, a game set 39 -> 41, MMA 96 -> 98, another game set 22 ->
/// 21; the others unchanged), and keys at confidence >= 0.5 exact 173 of 176 (162 of 164
/// before). 0.25 gains 3. Weighting a third harmonic 0.3 rather than 0.5 in the chroma
/// itself instead reads electronic tracks as their parallel major
/// (`accumulator::OVERTONE_WEIGHT`).
pub const FIFTH_OVERTONE: f64 = 0.15;

/// `profile` with [`FIFTH_OVERTONE`] of each weight added a fifth above it.
const fn with_fifth_overtones(profile: [f64; 12]) -> [f64; 12] {
    let mut out = profile;
    let mut pc = 0;
    while pc < 12 {
        out[pc] += FIFTH_OVERTONE * profile[(pc + 5) % 12];
        pc += 1;
    }
    out
}
const EDMA_MAJOR_HEARD: [f64; 12] = with_fifth_overtones(EDMA_MAJOR);
const EDMA_MINOR_HEARD: [f64; 12] = with_fifth_overtones(EDMA_MINOR);
const TEMPERLEY_MAJOR_HEARD: [f64; 12] = with_fifth_overtones(TEMPERLEY_MAJOR);
const TEMPERLEY_MINOR_HEARD: [f64; 12] = with_fifth_overtones(TEMPERLEY_MINOR);

/// Pearson correlation of `x` with `profile` rotated to `root`
/// (`profile[(pc - root) mod 12]` against `x[pc]`). 0 for a flat vector.
pub fn pearson_rotated(x: &[f64; 12], profile: &[f64; 12], root: usize) -> f64 {
    let mx = x.iter().sum::<f64>() / 12.0;
    let mp = profile.iter().sum::<f64>() / 12.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (pc, &xv) in x.iter().enumerate() {
        let dx = xv - mx;
        let dy = profile[(pc + 12 - root % 12) % 12] - mp;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 1e-18 || syy <= 1e-18 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Scores of the 24 keys (index `2 * root + minor`): the mean of the treble
/// correlations plus [`BASS_WEIGHT`] times the bass correlation, divided by
/// `1 + BASS_WEIGHT` (the bass term is left out when the bass chroma is empty), plus
/// [`MINOR_PRIOR`] for minor keys when there is any evidence at all.
pub fn key_scores(treble: &[f64; 12], bass: &[f64; 12]) -> [f64; 24] {
    let bass_sum: f64 = bass.iter().sum();
    let treble_sum: f64 = treble.iter().sum();
    let use_bass = bass_sum > 1e-9 && bass_sum.is_finite();
    let use_treble = treble_sum > 1e-9 && treble_sum.is_finite();
    let mut out = [0.0; 24];
    for (i, o) in out.iter_mut().enumerate() {
        let (root, minor) = (i / 2, i % 2 == 1);
        let bp = if minor { &BASS_MINOR } else { &BASS_MAJOR };
        let t = if use_treble {
            treble_score(treble, i)
        } else {
            0.0
        };
        *o = match (use_treble, use_bass) {
            (true, true) => {
                (t + BASS_WEIGHT * pearson_rotated(bass, bp, root)) / (1.0 + BASS_WEIGHT)
            }
            (true, false) => t,
            (false, true) => pearson_rotated(bass, bp, root),
            (false, false) => 0.0,
        };
        if minor && (use_treble || use_bass) {
            *o += MINOR_PRIOR;
        }
    }
    out
}

/// The treble score of key `i` (index `2 * root + minor`): the mean of the chroma's
/// Pearson correlations with the EDMA and Temperley profiles of that key, as the chroma
/// hears them (with their fifths' overtones: [`FIFTH_OVERTONE`]).
pub fn treble_score(treble: &[f64; 12], i: usize) -> f64 {
    let (root, minor) = (i / 2, i % 2 == 1);
    let (edma, temp) = if minor {
        (&EDMA_MINOR_HEARD, &TEMPERLEY_MINOR_HEARD)
    } else {
        (&EDMA_MAJOR_HEARD, &TEMPERLEY_MAJOR_HEARD)
    };
    0.5 * (pearson_rotated(treble, edma, root) + pearson_rotated(treble, temp, root))
}

/// The chosen key and its runner-up: [`best_two`], with the mode of a near tie decided by
/// the thirds ([`parallel_by_thirds`]; the parallel key chosen, the scores' best is the
/// runner-up).
pub fn chosen_two(scores: &[f64; 24], treble: &[f64; 12]) -> (usize, usize) {
    let (best, second) = best_two(scores);
    match parallel_by_thirds(treble, scores, best) {
        b if b == best => (best, second),
        other => (other, best),
    }
}

/// Between `best` and its parallel key, when their scores differ by less than
/// [`MINOR_PRIOR`] (the prior decided), the one whose third the chroma holds at least
/// twice as much of as the other third; else `best`. A bare fifth (a power chord, a bass
/// and its fifth) with a little major third correlates with both modes almost alike, and
/// the profiles' fifth overtones ([`FIFTH_OVERTONE`]) tipped such windows of a generated
/// E major track to E minor against a third 10 times stronger than the minor one. On the
/// seven sets with key truth this alone changes no key.
pub fn parallel_by_thirds(treble: &[f64; 12], scores: &[f64; 24], best: usize) -> usize {
    let other = best ^ 1;
    let evidence = |i: usize| scores[i] - if i % 2 == 1 { MINOR_PRIOR } else { 0.0 };
    if (evidence(best) - evidence(other)).abs() >= MINOR_PRIOR {
        return best;
    }
    let root = best / 2;
    let (major_third, minor_third) = (treble[(root + 4) % 12], treble[(root + 3) % 12]);
    if major_third > 2.0 * minor_third {
        2 * root
    } else if minor_third > 2.0 * major_third {
        2 * root + 1
    } else {
        best
    }
}

/// How much the treble alone must prefer the chosen key to its runner-up for the key to
/// keep its whole confidence (below, the confidence shrinks in proportion; at or under a
/// tie it is 0). A bass that dwells on the dominant (a pedal, a riff on the fifth) can
/// carry a key a fifth up, or to the relative, against harmony that says otherwise, and
/// that reading came out sure: on the 161 pieces with a key truth of the key, dev,
/// electronic, game and a fresh game-music set, 4 of the 88 keys at confidence 0.5 or
/// more were wrong, two of them decided by the bass against a treble tie or against the
/// treble. With this, 84 of 86 are right, and no right one falls below 0.5.
pub const TREBLE_MARGIN_FULL: f64 = 0.02;

/// Best and runner-up key indices of a score table.
pub fn best_two(scores: &[f64; 24]) -> (usize, usize) {
    let mut order: Vec<usize> = (0..24).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    (order[0], order[1])
}

/// Confidence in key `chosen` of a score table ([`key_scores`] of `treble` and a bass
/// chroma): [`confidence`] of its evidence (the score without [`MINOR_PRIOR`]) against
/// the best evidence for any other key, the runner-up. A near tie that the prior broke
/// has no confidence, nor has a key the treble alone does not prefer to the runner-up
/// (see [`TREBLE_MARGIN_FULL`]).
pub fn key_confidence(scores: &[f64; 24], treble: &[f64; 12], chosen: usize) -> f64 {
    let evidence = |i: usize| scores[i] - if i % 2 == 1 { MINOR_PRIOR } else { 0.0 };
    let Some(runner_up) = (0..24)
        .filter(|&i| i != chosen)
        .max_by(|&a, &b| evidence(a).total_cmp(&evidence(b)))
    else {
        return 0.0;
    };
    let own = evidence(chosen);
    let treble_margin = treble_score(treble, chosen) - treble_score(treble, runner_up);
    let agreement = (treble_margin / TREBLE_MARGIN_FULL).clamp(0.0, 1.0);
    confidence(own, evidence(runner_up).min(own)) * agreement
}

/// Confidence in 0..1 from the best score `s1` and the runner-up's `s2` (both -1..1).
///
/// The margin goes through a logistic centred on 0.1 (width 0.03), rescaled so that a
/// zero margin gives 0: on aidj-synth's key set the true key beats the runner-up by
/// 0.19 on average, while a progression that fits a key and its relative equally well
/// (Em C G D: E minor or G major) has a margin near 0.08, and noise below 0.02. That is
/// multiplied by how well the winner fits at all (a best correlation of 0.2 or less is
/// no key; 0.7 or more is a clear one). So 0.9+ means "clearly this key", 0.3-0.5
/// "this key or the runner-up", under 0.1 "no tonal centre".
pub fn confidence(s1: f64, s2: f64) -> f64 {
    if !(s1.is_finite() && s2.is_finite()) {
        return 0.0;
    }
    let logistic = |m: f64| 1.0 / (1.0 + (-(m - 0.1) / 0.03).exp());
    let l0 = logistic(0.0);
    let margin = (s1 - s2).max(0.0);
    let sep = (logistic(margin) - l0) / (1.0 - l0);
    let fit = ((s1 - 0.2) / 0.5).clamp(0.0, 1.0);
    (sep * fit).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triad(root: usize, minor: bool) -> [f64; 12] {
        let mut x = [0.0; 12];
        x[root % 12] = 1.0;
        x[(root + if minor { 3 } else { 4 }) % 12] = 1.0;
        x[(root + 7) % 12] = 1.0;
        x
    }

    #[test]
    fn pearson_of_profile_with_itself_is_one() {
        let r = pearson_rotated(&EDMA_MAJOR, &EDMA_MAJOR, 0);
        assert!((r - 1.0).abs() < 1e-12);
        let mut rot = [0.0; 12];
        for (pc, v) in rot.iter_mut().enumerate() {
            *v = TEMPERLEY_MINOR[(pc + 12 - 5) % 12];
        }
        assert!((pearson_rotated(&rot, &TEMPERLEY_MINOR, 5) - 1.0).abs() < 1e-12);
        assert_eq!(pearson_rotated(&[1.0; 12], &EDMA_MAJOR, 0), 0.0);
    }

    #[test]
    fn the_dominants_overtones_do_not_pull_the_key_a_fifth_up() {
        // Chroma measured on a render of I-V-vi-IV in B major (the MMA set's folk-jazz
        // guitar song): F#, the dominant, is the strongest pitch class, as the tonic's
        // third harmonics feed it. Profiles without those overtones read F# major.
        let treble = [
            0.18, 0.563, 0.079, 0.662, 0.263, 0.221, 1.0, 0.22, 0.625, 0.077, 0.769, 0.831,
        ];
        let bass = [
            0.027, 0.303, 0.035, 0.257, 0.223, 0.031, 0.999, 0.096, 0.4, 0.108, 0.136, 1.0,
        ];
        let (b_major, fs_major) = (2 * 11, 2 * 6);
        let scores = key_scores(&treble, &bass);
        assert_eq!(best_two(&scores).0, b_major, "{scores:?}");
        let plain = |i: usize| {
            let (root, minor) = (i / 2, i % 2 == 1);
            let (e, t) = if minor {
                (&EDMA_MINOR, &TEMPERLEY_MINOR)
            } else {
                (&EDMA_MAJOR, &TEMPERLEY_MAJOR)
            };
            let bp = if minor { &BASS_MINOR } else { &BASS_MAJOR };
            let tr = 0.5 * (pearson_rotated(&treble, e, root) + pearson_rotated(&treble, t, root));
            (tr + BASS_WEIGHT * pearson_rotated(&bass, bp, root)) / (1.0 + BASS_WEIGHT)
        };
        assert!(
            plain(fs_major) > plain(b_major),
            "the plain profiles read the dominant"
        );
    }

    #[test]
    fn a_near_tie_of_modes_goes_to_the_third_the_chroma_holds() {
        // An E power chord with a little G# (an early window of a generated E major
        // track): E major and E minor within the mode prior.
        let mut t = [0.02; 12];
        (t[4], t[11], t[8]) = (1.0, 0.4, 0.11);
        let (e_major, e_minor) = (2 * 4, 2 * 4 + 1);
        let mut s = [0.0; 24];
        (s[e_major], s[e_minor]) = (0.76, 0.765);
        assert_eq!(parallel_by_thirds(&t, &s, e_minor), e_major);
        // The same with G instead: minor stays.
        (t[8], t[7]) = (0.02, 0.11);
        assert_eq!(parallel_by_thirds(&t, &s, e_minor), e_minor);
        // Thirds alike: the scores' choice stands.
        t[8] = 0.11;
        assert_eq!(parallel_by_thirds(&t, &s, e_minor), e_minor);
        // A clear margin between the modes is not second-guessed.
        (t[8], t[7]) = (0.11, 0.02);
        (s[e_major], s[e_minor]) = (0.6, 0.8);
        assert_eq!(parallel_by_thirds(&t, &s, e_minor), e_minor);
    }

    #[test]
    fn cadence_chroma_finds_its_key_with_bass() {
        // I-IV-V-I in G major, bass on the roots.
        let mut t = [0.0; 12];
        let mut b = [0.0; 12];
        for (r, w) in [(7usize, 2.0), (0, 1.0), (2, 1.0)] {
            for (x, y) in t.iter_mut().zip(triad(r, false)) {
                *x += w * y;
            }
            b[r] += w;
        }
        let s = key_scores(&t, &b);
        let (best, second) = best_two(&s);
        assert_eq!(best, 2 * 7, "{s:?}");
        assert!(confidence(s[best], s[second]) > 0.3);
    }

    #[test]
    fn a_mode_tie_reads_minor_without_confidence() {
        // Root and fifth only (a power chord on E, bass on E): no third, no mode.
        let mut t = [0.0; 12];
        t[4] = 1.0;
        t[11] = 0.8;
        let mut b = [0.0; 12];
        b[4] = 1.0;
        let s = key_scores(&t, &b);
        let (best, _) = best_two(&s);
        assert_eq!(best, 2 * 4 + 1, "E minor: {s:?}");
        assert!(
            key_confidence(&s, &t, best) < 0.05,
            "{}",
            key_confidence(&s, &t, best)
        );
        // The same with a major third: E major, and the prior does not hide it.
        t[8] = 0.7;
        let s = key_scores(&t, &b);
        let (best, _) = best_two(&s);
        assert_eq!(best, 2 * 4, "E major: {s:?}");
    }

    #[test]
    fn a_key_only_the_bass_chose_is_unsure() {
        // The notes of C major with F and F# alike (C major or G major), the treble leaning
        // to C (C a little under G, as the tonic's overtones feed G); the bass on the root
        // decides a sure C major, the bass on G alone a G major the harmony does not back.
        let t = [0.9, 0.0, 0.7, 0.0, 0.8, 0.5, 0.5, 1.0, 0.0, 0.6, 0.0, 0.6];
        let mut b = [0.0; 12];
        b[0] = 1.0;
        b[7] = 0.3;
        let s = key_scores(&t, &b);
        let (best, _) = best_two(&s);
        assert_eq!(best, 0, "C major: {s:?}");
        assert!(key_confidence(&s, &t, best) > 0.9);
        let mut b = [0.0; 12];
        b[7] = 1.0;
        let s = key_scores(&t, &b);
        let (best, _) = best_two(&s);
        assert_eq!(best, 2 * 7, "G major: {s:?}");
        assert!(
            confidence(s[best], s[best_two(&s).1]) > 0.5,
            "sure without the check"
        );
        assert_eq!(key_confidence(&s, &t, best), 0.0);
    }

    #[test]
    fn flat_chroma_has_no_confidence() {
        let s = key_scores(&[1.0; 12], &[1.0; 12]);
        let (a, b) = best_two(&s);
        assert_eq!(confidence(s[a], s[b]), 0.0);
    }
}
