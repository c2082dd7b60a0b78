//! Queries: rank the library against a seed with the DJ rules, and explain each pick.
//! The score is documented in the crate docs ([`crate`]).

use crate::error::{Error, Result};
use crate::features::TrackFeatures;
use crate::model::Model;
use aidj_analysis::key::{Compatibility, Key};
use serde::Serialize;
use std::str::FromStr;

/// What to recommend after.
#[derive(Clone, Copy, Debug)]
pub enum Seed<'a> {
    /// A track of the model's library (by index).
    Track(usize),
    /// Any features: a report outside the library, a freshly analysed file, or the
    /// plugin's live analysis. A library track with the same `meta.path` is left out.
    Features(&'a TrackFeatures),
}

/// The energy move the DJ wants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EnergyFlow {
    /// Keep the energy level (target change 0).
    #[default]
    Hold,
    /// Lift it a little (target +0.10 on the 0..1 energy scale).
    Build,
    /// Bring it down (target -0.15).
    Drop,
}

impl EnergyFlow {
    /// Target energy change, on the 0..1 mood-energy scale.
    pub fn target(self) -> f64 {
        match self {
            EnergyFlow::Hold => 0.0,
            EnergyFlow::Build => 0.10,
            EnergyFlow::Drop => -0.15,
        }
    }
}

impl FromStr for EnergyFlow {
    type Err = Error;
    fn from_str(s: &str) -> Result<EnergyFlow> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hold" => Ok(EnergyFlow::Hold),
            "build" | "up" => Ok(EnergyFlow::Build),
            "drop" | "down" => Ok(EnergyFlow::Drop),
            other => Err(Error::InvalidOption(format!(
                "energy flow {other:?}: use hold, build or drop"
            ))),
        }
    }
}

/// Weights of the score (see the crate docs for the formula).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Weights {
    pub similarity: f64,
    pub tempo: f64,
    pub key: f64,
    pub energy: f64,
    /// Subtracted per earlier appearance of the artist (seed, recent history, picks).
    pub artist_repeat: f64,
    /// Subtracted per earlier pick from the same cluster.
    pub cluster_repeat: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            similarity: 0.40,
            tempo: 0.20,
            key: 0.25,
            energy: 0.15,
            artist_repeat: 0.12,
            cluster_repeat: 0.04,
        }
    }
}

/// Query settings.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryOptions {
    /// Suggestions wanted, >= 1.
    pub count: usize,
    /// Tempo window, percent (> 0): candidates further from the seed's tempo are left out.
    pub bpm_window_pct: f64,
    /// Accept half- and double-time partners (scored at 0.9 of a straight match).
    pub half_double: bool,
    /// The DJ plays with keylock: a tempo change leaves the key alone. Without it, the
    /// incoming track is heard `12 * log2(rate)` semitones off and that key is matched.
    pub keylock: bool,
    /// Only same, +-1 and relative keys (on the pitched key); unknown keys are left out.
    pub strict_key: bool,
    pub energy: EnergyFlow,
    /// Tracks already played this session, oldest first: never suggested again; the last
    /// [`RECENT`] count towards artist repeats.
    pub history: Vec<usize>,
    pub weights: Weights,
    /// Tracks shorter than this many seconds are left out (30-second intros, jingles);
    /// tracks of unknown length stay in.
    pub min_duration_secs: Option<f64>,
    /// Tracks longer than this are left out (hour-long mixes).
    pub max_duration_secs: Option<f64>,
    /// How sure the seed's tempo is, 0..1 (a live estimate's confidence): the tempo part
    /// of the score counts this much of its weight. 1 for a library track.
    pub seed_tempo_confidence: f64,
    /// How sure the seed's key is, 0..1: the key part counts this much of its weight.
    pub seed_key_confidence: f64,
}

/// Key confidence from which a library track's key is trusted in full: on the real-music
/// sets (`scripts/accuracy.sh`, `scripts/keyset`) keys at 0.5 or more were exact 50 times
/// in 52.
pub const SURE_KEY: f64 = 0.5;
/// Share of the key rules' say kept for a key of confidence 0. Those keys were still exact
/// about 3 times in 4 on the key set (19 of 25) and 3 in 5 on generated techno, and a
/// wrong key matches the seed about as often as a random one: the key term is pulled half
/// way to the neutral 0.5 an unknown key gets.
pub const UNSURE_KEY_TRUST: f64 = 0.5;

/// How far the key rules trust a library track's key, [`UNSURE_KEY_TRUST`]..1, from its
/// confidence (1 when the report has none).
pub fn key_trust(confidence: Option<f64>) -> f64 {
    match confidence {
        Some(c) if c.is_finite() => {
            UNSURE_KEY_TRUST + (1.0 - UNSURE_KEY_TRUST) * (c / SURE_KEY).clamp(0.0, 1.0)
        }
        _ => 1.0,
    }
}

/// History entries that count for artist variety.
pub const RECENT: usize = 10;

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            count: 10,
            bpm_window_pct: 6.0,
            half_double: true,
            keylock: false,
            strict_key: false,
            energy: EnergyFlow::Hold,
            history: Vec::new(),
            weights: Weights::default(),
            min_duration_secs: None,
            max_duration_secs: None,
            seed_tempo_confidence: 1.0,
            seed_key_confidence: 1.0,
        }
    }
}

/// The parts of a score, each 0..1 before weighting (variety is the penalty subtracted).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScoreParts {
    pub similarity: f64,
    pub tempo: f64,
    pub key: f64,
    pub energy: f64,
    pub variety_penalty: f64,
}

/// Why a track was suggested, in numbers; [`Reasons::text`] says it in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reasons {
    /// Cosine similarity of the scaled feature vectors, -1..1.
    pub similarity: f64,
    /// The candidate's tempo (after half/double) relative to the seed's, percent.
    pub bpm_change_pct: Option<f64>,
    /// 1 = straight, 2 = the candidate is half-time (its BPM doubled), 0.5 = double-time.
    pub tempo_multiplier: f64,
    /// Seed's Camelot code.
    pub key_from: Option<String>,
    /// Candidate's Camelot code as heard (pitched when played off-speed without keylock).
    pub key_to: Option<String>,
    /// Candidate's own Camelot code.
    pub key_original: Option<String>,
    /// Semitones the candidate moves at the seed's tempo without keylock.
    pub pitch_semitones: i32,
    /// "same", "adjacent", "relative", "diagonal", "+2", "energy boost", "clash".
    pub key_move: Option<String>,
    /// Candidate's energy minus the seed's (0..1 scale).
    pub energy_delta: Option<f64>,
    pub repeats_artist: bool,
    pub same_cluster_as_seed: bool,
}

impl Reasons {
    /// "8A -> 9A (adjacent), +1.6% BPM, energy +0.08, similarity 0.91".
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        match (&self.key_from, &self.key_to) {
            (Some(a), Some(b)) => {
                let mut s = format!("{a} -> {b} ({}", self.key_move.as_deref().unwrap_or("?"));
                if self.pitch_semitones != 0 {
                    s.push_str(&format!(
                        "; {} pitched {:+} st",
                        self.key_original.as_deref().unwrap_or("?"),
                        self.pitch_semitones
                    ));
                }
                s.push(')');
                parts.push(s);
            }
            _ => parts.push("key unknown".to_string()),
        }
        match self.bpm_change_pct {
            Some(p) => {
                let mut s = format!("{p:+.1}% BPM");
                if self.tempo_multiplier > 1.5 {
                    s.push_str(" (half time)");
                } else if self.tempo_multiplier < 0.75 {
                    s.push_str(" (double time)");
                }
                parts.push(s);
            }
            None => parts.push("BPM unknown".to_string()),
        }
        match self.energy_delta {
            Some(e) => parts.push(format!("energy {e:+.2}")),
            None => parts.push("energy unknown".to_string()),
        }
        parts.push(format!("similarity {:.2}", self.similarity));
        if self.repeats_artist {
            parts.push("same artist as recently".to_string());
        }
        parts.join(", ")
    }
}

/// One suggestion: a library track, its score and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    /// Index into [`Model::tracks`].
    pub track: usize,
    /// Weighted score (see the crate docs); higher is better.
    pub score: f64,
    pub parts: ScoreParts,
    pub reasons: Reasons,
}

/// The seed, resolved to what scoring needs.
struct SeedInfo {
    unit: Vec<f32>,
    bpm: Option<f64>,
    key: Option<Key>,
    energy: Option<f64>,
    artist: Option<String>,
    cluster: usize,
    /// Library index of the seed itself (left out).
    itself: Option<usize>,
}

fn norm_artist(a: Option<&str>) -> Option<String> {
    a.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty())
}

/// Semitone shift of a rate by comparisons instead of a logarithm (the query's inner loop):
/// `round(12 * log2(rate))`, as [`Key::pitch_shift_semitones`], for shifts up to an octave.
struct PitchThresholds {
    /// `2^((k + 0.5) / 12)` for k = 0..12: the rate from which the shift reaches k + 1.
    up: [f64; 12],
}

impl PitchThresholds {
    fn new() -> PitchThresholds {
        PitchThresholds {
            up: std::array::from_fn(|k| 2f64.powf((k as f64 + 0.5) / 12.0)),
        }
    }

    fn shift(&self, rate: f64) -> i32 {
        if rate >= 1.0 {
            match self.up.iter().position(|&t| rate < t) {
                Some(k) => k as i32,
                None => Key::pitch_shift_semitones(rate),
            }
        } else {
            match self.up.iter().position(|&t| rate * t > 1.0) {
                Some(k) => -(k as i32),
                None => Key::pitch_shift_semitones(rate),
            }
        }
    }
}

/// Position of the weakest entry: lowest score, and of those the highest track index.
fn worst_of(top: &[(f64, usize, usize)]) -> usize {
    let mut w = 0;
    for (j, &(b, i, _)) in top.iter().enumerate() {
        let (wb, wi, _) = top[w];
        if b < wb || (b == wb && i > wi) {
            w = j;
        }
    }
    w
}

/// Dot product of two equally long slices whose length is a multiple of [`LANES`]:
/// independent lanes so the compiler vectorises it.
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum()
}

/// Vector lanes of [`dot`]; unit vectors are zero-padded to a multiple of this.
pub(crate) const LANES: usize = 8;

struct Candidate {
    track: usize,
    base: f64,
    parts: ScoreParts,
    sim: f64,
    pct: Option<f64>,
    mult: f64,
    shift: i32,
    key_move: Option<Compatibility>,
}

impl Model {
    fn seed_info(&self, seed: Seed<'_>) -> Result<SeedInfo> {
        match seed {
            Seed::Track(i) => {
                let t = self.tracks.get(i).ok_or(Error::NoSuchTrack {
                    index: i,
                    len: self.tracks.len(),
                })?;
                let slot = self.index.slot_of[i] as usize;
                let key = self.index.key[slot];
                let stride = self.index.stride;
                Ok(SeedInfo {
                    unit: self.index.unit[slot * stride..(slot + 1) * stride].to_vec(),
                    bpm: Some(self.index.bpm[slot]).filter(|b| b.is_finite()),
                    key: (key != u8::MAX).then(|| Key::from_index(key)),
                    energy: Some(self.index.energy[slot]).filter(|e| e.is_finite()),
                    artist: norm_artist(t.artist.as_deref()),
                    cluster: t.cluster,
                    itself: Some(i),
                })
            }
            Seed::Features(f) => {
                let z = self.scale(f);
                let norm = z.iter().map(|x| x * x).sum::<f64>().sqrt();
                let inv = if norm > 0.0 { 1.0 / norm } else { 0.0 };
                let mut unit: Vec<f32> = z.iter().map(|x| (x * inv) as f32).collect();
                unit.resize(self.index.stride, 0.0);
                Ok(SeedInfo {
                    unit,
                    bpm: f.bpm(),
                    key: f.key,
                    energy: f.energy(),
                    artist: norm_artist(f.meta.artist.as_deref()),
                    cluster: self.cluster_of(&z),
                    itself: (!f.meta.path.is_empty())
                        .then(|| self.track_by_path(&f.meta.path))
                        .flatten(),
                })
            }
        }
    }

    /// Slot ranges whose BPM may fall inside the tempo windows (straight and, when allowed,
    /// half/double), merged so no slot is visited twice, plus the slots without a BPM.
    /// Every slot when the seed's tempo is unknown.
    fn slot_ranges(
        &self,
        seed_bpm: Option<f64>,
        window_pct: f64,
        mults: &[f64],
    ) -> Vec<std::ops::Range<usize>> {
        let n = self.index.track_of.len();
        let known = self.index.known_bpm;
        let Some(sb) = seed_bpm else {
            return std::iter::once(0..n).collect();
        };
        let bpm = &self.index.bpm[..known];
        // A hair wider than the window: the exact test is done per track.
        let (lo_f, hi_f) = (
            (1.0 - window_pct / 100.0) * (1.0 - 1e-9),
            (1.0 + window_pct / 100.0) * (1.0 + 1e-9),
        );
        let mut ranges: Vec<std::ops::Range<usize>> = mults
            .iter()
            .map(|&m| {
                let (lo, hi) = (sb * lo_f / m, sb * hi_f / m);
                bpm.partition_point(|&b| b < lo)..bpm.partition_point(|&b| b <= hi)
            })
            .filter(|r| !r.is_empty())
            .collect();
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len() + 1);
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        if known < n {
            merged.push(known..n);
        }
        merged
    }

    /// Ranks the library against `seed` with the DJ rules and returns up to
    /// `opts.count` suggestions, best first. Deterministic: ties go to the lower index.
    ///
    /// Exact search over every track inside the tempo windows (and every track without a
    /// tempo), then a greedy re-rank of the best few for variety.
    ///
    /// # Errors
    /// [`Error::NoSuchTrack`] for a bad seed index; [`Error::InvalidOption`] for a zero
    /// count or a non-positive tempo window.
    pub fn recommend(&self, seed: Seed<'_>, opts: &QueryOptions) -> Result<Vec<Suggestion>> {
        if opts.count == 0 {
            return Err(Error::InvalidOption("ask for at least 1 suggestion".into()));
        }
        if !(opts.bpm_window_pct > 0.0 && opts.bpm_window_pct.is_finite()) {
            return Err(Error::InvalidOption(format!(
                "BPM window {}% must be a positive percentage",
                opts.bpm_window_pct
            )));
        }
        let s = self.seed_info(seed)?;
        let n = self.tracks.len();
        let w = &opts.weights;
        let mut excluded = vec![false; n];
        if let Some(i) = s.itself {
            excluded[i] = true;
        }
        for &h in &opts.history {
            if let Some(x) = excluded.get_mut(h) {
                *x = true;
            }
        }
        let window = opts.bpm_window_pct;
        let mults: &[f64] = if opts.half_double {
            &[1.0, 2.0, 0.5]
        } else {
            &[1.0]
        };
        let target = opts.energy.target();
        // Compatibility of every key as heard, for this seed: a table lookup in the loop.
        let compat: Option<[Compatibility; 24]> = s
            .key
            .map(|sk| std::array::from_fn(|h| sk.compatibility(Key::from_index(h as u8))));
        let stride = self.index.stride;
        let shifts = PitchThresholds::new();
        let sure = |c: f64| {
            if c.is_finite() {
                c.clamp(0.0, 1.0)
            } else {
                1.0
            }
        };
        let (w_tempo, w_key) = (
            w.tempo * sure(opts.seed_tempo_confidence),
            w.key * sure(opts.seed_key_confidence),
        );
        let length_ok = |i: usize| match self.tracks[i].duration {
            Some(d) if d.is_finite() => {
                opts.min_duration_secs.is_none_or(|m| d >= m)
                    && opts.max_duration_secs.is_none_or(|m| d <= m)
            }
            _ => true,
        };
        let eval = |slot: usize| -> Option<Candidate> {
            let i = self.index.track_of[slot] as usize;
            if !length_ok(i) {
                return None;
            }
            // Tempo: the best of straight, half and double time, inside the window.
            let b = self.index.bpm[slot];
            let (tempo, pct, mult, rate) = match s.bpm {
                Some(sb) if b.is_finite() => {
                    let ratio = b / sb;
                    let mut best = (f64::INFINITY, 1.0);
                    for &m in mults {
                        let pct = (ratio * m - 1.0) * 100.0;
                        if pct.abs() < best.0.abs() {
                            best = (pct, m);
                        }
                    }
                    let (pct, m) = best;
                    if pct.abs() > window {
                        return None;
                    }
                    let penalty = if m == 1.0 { 1.0 } else { 0.9 };
                    (
                        (1.0 - pct.abs() / window) * penalty,
                        Some(pct),
                        m,
                        1.0 / (ratio * m),
                    )
                }
                _ => (0.5, None, 1.0, 1.0),
            };
            // Key: on the pitched key unless keylock.
            let ck = self.index.key[slot];
            let (key_score, key_move, shift) = match &compat {
                Some(table) if ck != u8::MAX => {
                    let shift = if opts.keylock { 0 } else { shifts.shift(rate) };
                    let heard = if shift == 0 {
                        usize::from(ck)
                    } else {
                        Key::from_index(ck).transpose(shift).index()
                    };
                    let c = table[heard];
                    if opts.strict_key && !c.is_harmonic() {
                        return None;
                    }
                    // An unsure key is pulled towards the neutral score of an unknown one:
                    // among compatible tracks, the surer keys come first.
                    let trust = self.index.key_trust[slot];
                    (0.5 + (c.score() - 0.5) * trust, Some(c), shift)
                }
                _ if opts.strict_key => return None,
                _ => (0.5, None, 0),
            };
            let e = self.index.energy[slot];
            let energy = match s.energy {
                Some(se) if e.is_finite() => (1.0 - ((e - se) - target).abs() / 0.25).max(0.0),
                _ => 0.5,
            };
            let sim = f64::from(dot(
                &self.index.unit[slot * stride..(slot + 1) * stride],
                &s.unit,
            ));
            let simf = ((sim + 1.0) / 2.0).clamp(0.0, 1.0);
            let base =
                w.similarity * simf + w_tempo * tempo + w_key * key_score + w.energy * energy;
            Some(Candidate {
                track: i,
                base,
                parts: ScoreParts {
                    similarity: simf,
                    tempo,
                    key: key_score,
                    energy,
                    variety_penalty: 0.0,
                },
                sim,
                pct,
                mult,
                shift,
                key_move,
            })
        };
        // One pass keeping the best `pool` by base score (ties to the lower index); the
        // details are rebuilt for those few only, so the pass allocates nothing per track.
        let pool = (opts.count * 4).max(opts.count + 20);
        let mut top: Vec<(f64, usize, usize)> = Vec::with_capacity(pool);
        let mut worst = 0usize;
        for range in self.slot_ranges(s.bpm, window, mults) {
            for slot in range {
                let i = self.index.track_of[slot] as usize;
                if excluded[i] {
                    continue;
                }
                let Some(c) = eval(slot) else { continue };
                if top.len() < pool {
                    top.push((c.base, i, slot));
                    if top.len() == pool {
                        worst = worst_of(&top);
                    }
                } else {
                    let (wb, wi, _) = top[worst];
                    // Ties go to the lower track index, whatever the visiting order.
                    if c.base > wb || (c.base == wb && i < wi) {
                        top[worst] = (c.base, i, slot);
                        worst = worst_of(&top);
                    }
                }
            }
        }
        let order =
            |a: &Candidate, b: &Candidate| b.base.total_cmp(&a.base).then(a.track.cmp(&b.track));
        let mut cands: Vec<Candidate> = top.iter().filter_map(|&(_, _, sl)| eval(sl)).collect();
        cands.sort_unstable_by(order);
        let mut artists: Vec<String> = Vec::new();
        artists.extend(s.artist.clone());
        let recent = opts.history.len().saturating_sub(RECENT);
        for &h in &opts.history[recent..] {
            if let Some(a) = self
                .tracks
                .get(h)
                .and_then(|t| norm_artist(t.artist.as_deref()))
            {
                artists.push(a);
            }
        }
        let mut clusters: Vec<usize> = Vec::new();
        let mut out = Vec::new();
        let mut taken = vec![false; cands.len()];
        while out.len() < opts.count {
            let mut best: Option<(usize, f64, f64, bool)> = None;
            for (j, c) in cands.iter().enumerate() {
                if taken[j] {
                    continue;
                }
                // The pool is sorted by base: nothing further down can win once the base
                // alone is below the best penalised score.
                if best.is_some_and(|b| c.base <= b.1) {
                    break;
                }
                let artist = norm_artist(self.tracks[c.track].artist.as_deref());
                let a_rep = artist
                    .as_ref()
                    .map_or(0, |a| artists.iter().filter(|x| *x == a).count());
                let cl = self.tracks[c.track].cluster;
                let c_rep = clusters.iter().filter(|&&x| x == cl).count();
                let pen = w.artist_repeat * a_rep as f64 + w.cluster_repeat * c_rep as f64;
                let score = c.base - pen;
                if best.is_none_or(|b| score > b.1) {
                    best = Some((j, score, pen, a_rep > 0));
                }
            }
            let Some((j, score, pen, rep)) = best else {
                break;
            };
            taken[j] = true;
            let c = &cands[j];
            let t = &self.tracks[c.track];
            if let Some(a) = norm_artist(t.artist.as_deref()) {
                artists.push(a);
            }
            clusters.push(t.cluster);
            let slot = self.index.slot_of[c.track] as usize;
            let ck = self.index.key[slot];
            let own = (ck != u8::MAX).then(|| Key::from_index(ck));
            let heard = own.map(|k| k.transpose(c.shift));
            let e = self.index.energy[slot];
            out.push(Suggestion {
                track: c.track,
                score,
                parts: ScoreParts {
                    variety_penalty: pen,
                    ..c.parts
                },
                reasons: Reasons {
                    similarity: c.sim,
                    bpm_change_pct: c.pct,
                    tempo_multiplier: c.mult,
                    key_from: s.key.map(Key::camelot_code),
                    key_to: heard.filter(|_| s.key.is_some()).map(Key::camelot_code),
                    key_original: own.map(Key::camelot_code),
                    pitch_semitones: c.shift,
                    key_move: c.key_move.map(|m| m.name().to_string()),
                    energy_delta: s.energy.filter(|_| e.is_finite()).map(|se| e - se),
                    repeats_artist: rep,
                    same_cluster_as_seed: t.cluster == s.cluster,
                },
            });
        }
        Ok(out)
    }

    /// Walks the suggestions greedily into a set: from the seed, take the best
    /// suggestion, then the best after that, and so on for `steps` tracks; each pick joins
    /// the history, so nothing repeats and artists spread. Stops early when nothing fits.
    ///
    /// # Errors
    /// As [`Model::recommend`].
    pub fn chain(
        &self,
        seed: Seed<'_>,
        steps: usize,
        opts: &QueryOptions,
    ) -> Result<Vec<Suggestion>> {
        let mut opts = QueryOptions {
            count: 1,
            ..opts.clone()
        };
        let mut out: Vec<Suggestion> = Vec::with_capacity(steps);
        let mut current = seed;
        if let Some(i) = self.seed_info(seed)?.itself {
            opts.history.push(i);
        }
        for _ in 0..steps {
            let Some(next) = self.recommend(current, &opts)?.into_iter().next() else {
                break;
            };
            opts.history.push(next.track);
            current = Seed::Track(next.track);
            out.push(next);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons() -> Reasons {
        Reasons {
            similarity: 0.912,
            bpm_change_pct: Some(1.6),
            tempo_multiplier: 1.0,
            key_from: Some("8A".into()),
            key_to: Some("9A".into()),
            key_original: Some("9A".into()),
            pitch_semitones: 0,
            key_move: Some("adjacent".into()),
            energy_delta: Some(0.08),
            repeats_artist: false,
            same_cluster_as_seed: true,
        }
    }

    #[test]
    fn reasons_read_like_a_dj_would_say_them() {
        assert_eq!(
            reasons().text(),
            "8A -> 9A (adjacent), +1.6% BPM, energy +0.08, similarity 0.91"
        );
        let r = Reasons {
            bpm_change_pct: None,
            key_to: None,
            energy_delta: None,
            repeats_artist: true,
            ..reasons()
        };
        assert_eq!(
            r.text(),
            "key unknown, BPM unknown, energy unknown, similarity 0.91, same artist as recently"
        );
        let r = Reasons {
            tempo_multiplier: 2.0,
            pitch_semitones: -1,
            key_original: Some("4A".into()),
            ..reasons()
        };
        assert_eq!(
            r.text(),
            "8A -> 9A (adjacent; 4A pitched -1 st), +1.6% BPM (half time), energy +0.08, similarity 0.91"
        );
    }

    #[test]
    fn energy_flow_parses_and_targets() {
        assert_eq!("Build".parse::<EnergyFlow>().unwrap(), EnergyFlow::Build);
        assert_eq!("drop".parse::<EnergyFlow>().unwrap().target(), -0.15);
        assert!("sideways".parse::<EnergyFlow>().is_err());
    }

    #[test]
    fn pitch_thresholds_agree_with_the_key_module() {
        let p = PitchThresholds::new();
        for i in 0..40_000 {
            let rate = 0.25 + i as f64 * 0.0001;
            assert_eq!(p.shift(rate), Key::pitch_shift_semitones(rate), "{rate}");
        }
    }

    #[test]
    fn default_weights_sum_to_one() {
        let w = Weights::default();
        assert!((w.similarity + w.tempo + w.key + w.energy - 1.0).abs() < 1e-12);
    }
}
