//! Accuracy on ensemble accompaniment in many styles and metres with exact truth: the MMA
//! set of `scripts/mmaset/build.sh` (one song per groove of MMA's standard library, 100:
//! rock, ballads, swing, bossa nova and other latin, waltzes, a 6/8 march, 6/8 blues, 5/4
//! jazz), each played over a chord progression in a key drawn for it and rendered with
//! fluidsynth. What a song is written at is its truth: tempo, beats, bars and key. Scored
//! as the dev set's `score.py` scores (tempo Accuracy1/2 at 4 %, MIREX-weighted key, beat
//! F-measure at ±70 ms after 5 s).
//!
//! Runs when `AIDJ_MMASET` names the built set (`scripts/test.sh` builds it). Without it the
//! test says so and passes, unless `AIDJ_REQUIRE_MMASET=1`. The build is the same bit for
//! bit every time (MMA's humanising is seeded, sox's dither repeatable), so the floors are
//! what the engine reached (2026-11-29) less about three files' worth.
//!
//! The same songs without their drums (`MMASET_DRUMS=off scripts/mmaset/build.sh`, named
//! by `AIDJ_MMASET_NODRUMS`, required by `AIDJ_REQUIRE_MMASET_NODRUMS=1`) are an ensemble with no kit: the beat is what the bass, chords
//! and melody mark. They have floors of their own.

mod common;
use common::scoring::{set_from_env, Floors, RenderScores, RenderTruth};

/// Floors on the whole set: 83 of 100 tempi right (the misses are octave choices: swing
/// and fast styles at 123-174 read at half, ballads at 62-67 at double, and two compound
/// metres at 3:2 and 2:3), 98 at an octave, beat F 0.926 (the beats of every piece read at
/// its tempo are on the grid), keys 98 exact (MIREX 0.988; 96 and 0.978 before the key
/// profiles' fifth overtones; the misses a fifth up and the relative).
const MIN_TEMPO_A1: f64 = 0.80;
const MIN_TEMPO_A2: f64 = 0.95;
const MIN_BEAT_F: f64 = 0.90;
const MIN_KEY_MIREX: f64 = 0.96;
/// Tempo estimates with confidence >= 0.5 right at least this often: 49 of 52 (0.94; the
/// wrong are a fast blues and a hillbilly beat at 169-174 read at half and a rock ballad
/// at 63 read at double). Below the 0.95 of the other sets: where this set stands.
const MIN_SURE_TEMPO_RIGHT: f64 = 0.92;
/// ... of at least this many.
const MIN_SURE_TEMPI: usize = 45;
/// Keys with confidence >= 0.5 exact at least this often: 72 of 73 ...
const MIN_SURE_KEY_RIGHT: f64 = 0.95;
/// ... of at least this many.
const MIN_SURE_KEYS: usize = 65;
/// Share of the songs whose tempo and beats are right with their downbeats on the bar
/// starts (80 % of them within 70 ms, as `scripts/keyset/score_downbeats.py` counts): 72
/// of 83. The misses call beat 4 the one in latin grooves whose bass anticipates the
/// next bar's chord, and beat 2 or 3 in a few others.
const MIN_DOWNBEATS: f64 = 0.82;
/// ... of at least this many.
const MIN_DOWNBEAT_FILES: usize = 75;

/// Floors without the drums: 77 of 100 tempi right (the set's octave misses, and swing,
/// zydeco and soft rock at 122-139 read at half where only the comping marks the beat: its
/// chords on 1 and the "and" of 2 leave no periodicity at the beat itself), 97 at an
/// octave, beat F 0.894 (only a son, whose tumbao bass anticipates the beat, is read on the
/// off-beat), keys 98 exact; sure tempi 37 of 39 right, sure keys 75 of 76, downbeats on
/// the bar starts in 68 of 76.
const NO_DRUMS: Floors = Floors {
    tempo_a1: 0.74,
    tempo_a2: 0.94,
    beat_f: 0.86,
    key_mirex: 0.96,
    sure_tempi: (34, 0.92),
    sure_keys: Some((70, 0.95)),
    downbeats: (70, 0.85),
};

#[test]
fn mmaset_scores_stay_above_their_floors() {
    score_set(
        "AIDJ_MMASET",
        "AIDJ_REQUIRE_MMASET",
        "MMA set",
        &Floors {
            tempo_a1: MIN_TEMPO_A1,
            tempo_a2: MIN_TEMPO_A2,
            beat_f: MIN_BEAT_F,
            key_mirex: MIN_KEY_MIREX,
            sure_tempi: (MIN_SURE_TEMPI, MIN_SURE_TEMPO_RIGHT),
            sure_keys: Some((MIN_SURE_KEYS, MIN_SURE_KEY_RIGHT)),
            downbeats: (MIN_DOWNBEAT_FILES, MIN_DOWNBEATS),
        },
    );
}

#[test]
fn mmaset_without_drums_scores_stay_above_their_floors() {
    score_set(
        "AIDJ_MMASET_NODRUMS",
        "AIDJ_REQUIRE_MMASET_NODRUMS",
        "MMA set without drums",
        &NO_DRUMS,
    );
}

fn score_set(var: &str, require: &str, name: &str, floors: &Floors) {
    let Some(dir) = set_from_env(var, require, &format!("accuracy on the {name}")) else {
        return;
    };
    let rows = RenderTruth::read(&dir, name);
    assert!(rows.len() >= 95, "{} truth rows", rows.len());
    assert!(
        rows.iter().all(|r| r.key.is_some() && r.bars.is_some()),
        "every song has its key and bars"
    );
    RenderScores::of_set(&dir, &rows).assert_floors(floors);
}
