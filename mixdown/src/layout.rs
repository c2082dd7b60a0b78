//! Where each track plays in the output, and how fast: the joins (transitions) between
//! consecutive tracks, each on phrase boundaries, with a common beat clock whose tempo
//! glides from the outgoing track's to the incoming one's while the crossfader moves.
//! Every track's beats are placed on that clock through its own beat grid, so both decks'
//! beats coincide during a join, and each track plays at its own speed outside them.

use aidj_mixer::transition::BEATS_PER_BAR;
use aidj_mixer::{Direction, TransitionShape};

use crate::error::{Error, Result};
use crate::track::Track;

/// The beat clock is tabulated every this many output samples (linear in between).
const CLOCK_STEP: u64 = 32;
/// A join whose tempo moves more than this (a fraction) gets a warning.
const FAR_TEMPO: f64 = 0.08;
/// Tempo assumed for a track without a usable beat grid (only its bar length matters: such
/// a join is a plain crossfade).
const NOMINAL_BPM: f64 = 120.0;

/// How a track's beats map to its own time (seconds).
#[derive(Clone, Debug, PartialEq)]
pub enum BeatMap {
    /// The analysed beat grid (beat `k` at `beats[k]`, linear between, the edge periods
    /// beyond).
    Grid(Vec<f64>),
    /// Evenly spaced beats (no usable grid).
    Uniform { origin: f64, period: f64 },
}

impl BeatMap {
    /// Time of fractional beat `k`, seconds.
    pub fn time(&self, k: f64) -> f64 {
        match self {
            BeatMap::Uniform { origin, period } => origin + k * period,
            BeatMap::Grid(b) => {
                let n = b.len();
                if k <= 0.0 {
                    let p = edge_period(b, true);
                    return b[0] + k * p;
                }
                if k >= (n - 1) as f64 {
                    let p = edge_period(b, false);
                    return b[n - 1] + (k - (n - 1) as f64) * p;
                }
                let i = k.floor() as usize;
                b[i] + (k - i as f64) * (b[i + 1] - b[i])
            }
        }
    }

    /// Fractional beat at time `t` (the inverse of [`BeatMap::time`]).
    pub fn beat(&self, t: f64) -> f64 {
        match self {
            BeatMap::Uniform { origin, period } => (t - origin) / period,
            BeatMap::Grid(b) => {
                let n = b.len();
                if t <= b[0] {
                    return (t - b[0]) / edge_period(b, true);
                }
                if t >= b[n - 1] {
                    return (n - 1) as f64 + (t - b[n - 1]) / edge_period(b, false);
                }
                let i = b.partition_point(|&x| x <= t) - 1;
                i as f64 + (t - b[i]) / (b[i + 1] - b[i])
            }
        }
    }

    /// Local tempo around beat `k` (over 4 beats), BPM.
    pub fn tempo_at(&self, k: f64) -> f64 {
        let span = 4.0;
        60.0 * span / (self.time(k + span / 2.0) - self.time(k - span / 2.0))
    }
}

fn edge_period(b: &[f64], start: bool) -> f64 {
    let n = b.len();
    let m = n.min(5);
    if start {
        (b[m - 1] - b[0]) / (m - 1) as f64
    } else {
        (b[n - 1] - b[n - m]) / (m - 1) as f64
    }
}

/// The beat clock of one join: beat `u` (0 at the join's start) at each output sample.
#[derive(Clone, Debug)]
pub struct JoinClock {
    /// `u` every [`CLOCK_STEP`] samples.
    table: Vec<f64>,
    tempo_from: f64,
    tempo_to: f64,
    beats: f64,
    glide: (f64, f64),
}

impl JoinClock {
    /// Steps the clock from beat 0 until `beats` beats have passed, at `rate` Hz; the
    /// tempo moves from `tempo_from` to `tempo_to` while the position (`u / beats`) goes
    /// from `glide.0` to `glide.1`.
    fn new(beats: f64, tempo_from: f64, tempo_to: f64, glide: (f64, f64), rate: f64) -> Self {
        let mut clock = JoinClock {
            table: Vec::new(),
            tempo_from,
            tempo_to,
            beats,
            glide,
        };
        let mut u = 0.0f64;
        let mut n = 0u64;
        loop {
            if n.is_multiple_of(CLOCK_STEP) {
                clock.table.push(u);
                if u >= beats {
                    break;
                }
            }
            u += clock.tempo(u) / (60.0 * rate);
            n += 1;
        }
        clock
    }

    /// Tempo at beat `u`, BPM.
    pub fn tempo(&self, u: f64) -> f64 {
        let p = u / self.beats;
        let (a, b) = self.glide;
        let g = if b > a {
            ((p - a) / (b - a)).clamp(0.0, 1.0)
        } else if p >= a {
            1.0
        } else {
            0.0
        };
        self.tempo_from + (self.tempo_to - self.tempo_from) * g
    }

    /// Length in output samples.
    pub fn len(&self) -> u64 {
        (self.table.len() as u64 - 1) * CLOCK_STEP
    }

    /// Never empty (a join has at least one step); for clippy's `len` rule.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Beat at output sample `n` of the join (past its end: on at the end tempo; before
    /// its start: back at the start tempo).
    pub fn beat_at(&self, n: f64, rate: f64) -> f64 {
        let len = self.len() as f64;
        if n < 0.0 {
            return n * self.tempo_from / (60.0 * rate);
        }
        if n >= len {
            let end = *self.table.last().unwrap_or(&0.0);
            return end + (n - len) * self.tempo_to / (60.0 * rate);
        }
        let x = n / CLOCK_STEP as f64;
        let i = x.floor() as usize;
        let (u0, u1) = (self.table[i], self.table[(i + 1).min(self.table.len() - 1)]);
        u0 + (x - i as f64) * (u1 - u0)
    }
}

/// One transition between consecutive tracks.
#[derive(Clone, Debug)]
pub struct Join {
    pub out_track: usize,
    pub in_track: usize,
    pub direction: Direction,
    pub shape: TransitionShape,
    /// Where the outgoing track starts the transition (a phrase start), its seconds.
    pub out_secs: f64,
    /// Where the incoming track comes in (its mix-in), its seconds.
    pub in_secs: f64,
    /// The beat maps the join places the two tracks with.
    pub out_map: BeatMap,
    pub in_map: BeatMap,
    pub out_beat: f64,
    pub in_beat: f64,
    /// Output sample where the transition starts.
    pub start: u64,
    pub clock: JoinClock,
    /// No usable beat grid on one side: a plain crossfade (no tempo change).
    pub plain: bool,
}

impl Join {
    /// Output sample where the transition ends.
    pub fn end(&self) -> u64 {
        self.start + self.clock.len()
    }

    /// Beats in the transition.
    pub fn beats(&self) -> f64 {
        self.clock.beats
    }

    /// The tempo the output moves from and to, BPM.
    pub fn tempi(&self) -> (f64, f64) {
        (self.clock.tempo_from, self.clock.tempo_to)
    }

    /// Where the incoming track is at the end of the transition, its seconds.
    pub fn in_end_secs(&self) -> f64 {
        self.in_map
            .time(self.in_beat + self.clock.beat_at(self.clock.len() as f64, 1.0))
    }
}

/// What to render: the output's length and where every track plays.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Output rate, Hz.
    pub rate: u32,
    /// Output samples.
    pub len: u64,
    /// Where the first track starts, its seconds (0, or a preview's lead-in).
    pub first_secs: f64,
    /// Where the last track stops, its seconds.
    pub last_secs: f64,
    pub joins: Vec<Join>,
    /// Things the user should know (a plain crossfade for lack of a beat grid).
    pub warnings: Vec<String>,
}

/// Settings of a layout.
#[derive(Clone, Copy, Debug)]
pub struct LayoutOptions {
    /// The transition (the preset with the bar count applied).
    pub shape: TransitionShape,
    /// The first track's mix-out, seconds (snapped to its nearest downbeat); `None`: the
    /// report's phrase-based choice for this length ([`aidj_analysis::features::rhythm::Rhythm::mix_out_for_bars`]).
    pub at_secs: Option<f64>,
    /// Render only the first transition with this many bars either side.
    pub preview_bars: Option<f64>,
}

/// Where the track which is `role` in a join has its beats, and whether it is usable.
fn grid_map(track: &Track) -> Option<BeatMap> {
    track.beats().map(|b| BeatMap::Grid(b.to_vec()))
}

/// The nearest downbeat (or beat) of `track` to `t`.
fn snap_to_bar(track: &Track, t: f64) -> f64 {
    let r = &track.report.analysis.rhythm;
    let list = if r.downbeat_times.is_empty() {
        &r.beat_times
    } else {
        &r.downbeat_times
    };
    list.iter()
        .copied()
        .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
        .unwrap_or(t)
}

/// Plans the output for `tracks` played in order.
///
/// # Errors
/// [`Error::Invalid`] for fewer than two tracks or an `at_secs` outside the first track;
/// [`Error::TooShort`] for a track whose music cannot hold its transitions.
pub fn plan(tracks: &[Track], rate: u32, opts: &LayoutOptions) -> Result<Layout> {
    if tracks.len() < 2 {
        return Err(Error::Invalid("a mix needs at least two tracks".into()));
    }
    let r = f64::from(rate);
    let bars = f64::from(opts.shape.length_bars.max(0.25));
    let beats = bars * f64::from(BEATS_PER_BAR);
    let glide = (
        f64::from(opts.shape.crossfader.start),
        f64::from(opts.shape.crossfader.end),
    );
    let mut warnings = Vec::new();
    let mut joins: Vec<Join> = Vec::new();
    // The output sample where the current (outgoing) track's native play is anchored, and
    // its seconds there.
    let mut anchor_n = 0u64;
    let mut anchor_secs = 0.0f64;
    let mut first_secs = 0.0f64;
    for (j, pair) in tracks.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let (maps, plain) = match (grid_map(a), grid_map(b)) {
            (Some(ma), Some(mb)) => ((ma, mb), false),
            (ga, _) => {
                let which = if ga.is_none() { a } else { b };
                warnings.push(format!(
                    "{}: no usable beat grid: a plain crossfade of {bars} bars at its place",
                    which.path.display()
                ));
                let period = 60.0 / NOMINAL_BPM;
                let ma = BeatMap::Uniform {
                    origin: 0.0,
                    period,
                };
                let mb = BeatMap::Uniform {
                    origin: 0.0,
                    period,
                };
                ((ma, mb), true)
            }
        };
        let (out_map, in_map) = maps;
        let ra = &a.report.analysis.rhythm;
        let rb = &b.report.analysis.rhythm;
        // A's mix-out.
        let transition_secs_a = out_map.time(beats) - out_map.time(0.0);
        let out_secs = if plain {
            let end = ra.music_end_secs.unwrap_or(a.secs()).min(a.secs());
            let t = match (j, opts.at_secs) {
                (0, Some(at)) => at,
                _ => end - transition_secs_a,
            };
            // On the track's own uniform grid anchored at 0 the phrase start is `t`.
            t.max(0.0)
        } else {
            match (j, opts.at_secs) {
                (0, Some(at)) => {
                    if !(0.0..a.secs()).contains(&at) {
                        return Err(Error::Invalid(format!(
                            "--at {at:.2} s is outside {} ({:.2} s long)",
                            a.path.display(),
                            a.secs()
                        )));
                    }
                    snap_to_bar(a, at)
                }
                _ => ra
                    .mix_out_for_bars(bars.ceil() as usize)
                    .ok_or_else(|| Error::TooShort {
                        path: a.path.clone(),
                        reason: format!("no phrase start leaves {bars} bars of music"),
                    })?,
            }
        };
        let out_beat = out_map.beat(out_secs);
        if out_map.time(out_beat + beats) > a.secs() + 0.5 {
            return Err(Error::TooShort {
                path: a.path.clone(),
                reason: format!(
                    "the {bars}-bar transition from {out_secs:.2} s runs past its end ({:.2} s)",
                    a.secs()
                ),
            });
        }
        // B's mix-in.
        let in_secs = if plain {
            0.0
        } else {
            rb.mix_in_secs
                .or_else(|| rb.downbeat_times.first().copied())
                .or_else(|| rb.beat_times.first().copied())
                .unwrap_or(0.0)
        };
        let in_beat = in_map.beat(in_secs);
        if in_map.time(in_beat + beats) > b.secs() + 0.5 {
            return Err(Error::TooShort {
                path: b.path.clone(),
                reason: format!(
                    "{:.2} s long: the {bars}-bar transition from its mix-in at {in_secs:.2} s needs more",
                    b.secs()
                ),
            });
        }
        // The outgoing track plays natively from its anchor to its mix-out.
        if j == 0 {
            if let Some(pb) = opts.preview_bars {
                first_secs = out_map
                    .time(out_beat - pb * f64::from(BEATS_PER_BAR))
                    .max(0.0);
                anchor_secs = first_secs;
            }
        }
        // (A track may go straight from one join into the next: a few milliseconds of
        // rounding between its mix-in's end and its mix-out are not an overlap.)
        if out_secs < anchor_secs - 0.05 {
            return Err(Error::TooShort {
                path: a.path.clone(),
                reason: format!(
                    "its mix-out ({out_secs:.2} s) comes before the end of its mix-in ({anchor_secs:.2} s)"
                ),
            });
        }
        let start = anchor_n + ((out_secs - anchor_secs).max(0.0) * r).round() as u64;
        let (tempo_from, tempo_to) = if plain {
            (NOMINAL_BPM, NOMINAL_BPM)
        } else {
            (out_map.tempo_at(out_beat), in_map.tempo_at(in_beat + beats))
        };
        let change = (tempo_to / tempo_from - 1.0).abs();
        if change > FAR_TEMPO {
            warnings.push(format!(
                "{} -> {}: the tempo moves {:.0} % ({tempo_from:.1} -> {tempo_to:.1} BPM) over \
                 the transition; tracks this far apart rarely mix well",
                a.path.display(),
                b.path.display(),
                100.0 * change
            ));
        }
        let clock = JoinClock::new(beats, tempo_from, tempo_to, glide, r);
        let direction = if j % 2 == 0 {
            Direction::AtoB
        } else {
            Direction::BtoA
        };
        let join = Join {
            out_track: j,
            in_track: j + 1,
            direction,
            shape: opts.shape,
            out_secs,
            in_secs,
            out_map,
            in_map,
            out_beat,
            in_beat,
            start,
            clock,
            plain,
        };
        anchor_n = join.end();
        anchor_secs = join.in_end_secs();
        joins.push(join);
        if opts.preview_bars.is_some() {
            break;
        }
    }
    let last_index = joins.len();
    let last = &tracks[last_index];
    let last_secs = match opts.preview_bars {
        Some(pb) => {
            let j = &joins[last_index - 1];
            let end_beat = j.in_beat + j.clock.beat_at(j.clock.len() as f64, 1.0);
            j.in_map
                .time(end_beat + pb * f64::from(BEATS_PER_BAR))
                .min(last.secs())
        }
        None => last.secs(),
    };
    let len = anchor_n + ((last_secs - anchor_secs).max(0.0) * r).round() as u64;
    Ok(Layout {
        rate,
        len,
        first_secs,
        last_secs,
        joins,
        warnings,
    })
}

impl Layout {
    /// Track `i`'s position (its seconds) at output sample `n`, or `None` when it does
    /// not play there.
    pub fn source_secs(&self, i: usize, n: u64) -> Option<f64> {
        let r = f64::from(self.rate);
        let before = i.checked_sub(1).and_then(|k| self.joins.get(k));
        let after = self.joins.get(i);
        let begin = before.map_or(0, |j| j.start);
        let end = after.map_or(self.len, Join::end);
        if n < begin || n >= end {
            return None;
        }
        if let Some(j) = before {
            if n < j.end() {
                let u = j.clock.beat_at((n - j.start) as f64, r);
                return Some(j.in_map.time(j.in_beat + u));
            }
        }
        if let Some(j) = after {
            if n >= j.start {
                let u = j.clock.beat_at((n - j.start) as f64, r);
                return Some(j.out_map.time(j.out_beat + u));
            }
        }
        let (anchor_n, anchor_secs) = match before {
            Some(j) => (j.end(), j.in_end_secs()),
            None => (0, self.first_secs),
        };
        Some(anchor_secs + (n - anchor_n) as f64 / r)
    }

    /// The join whose automation applies at output sample `n` (the last one started, or
    /// the first before any has).
    pub fn join_at(&self, n: u64) -> Option<&Join> {
        let k = self.joins.partition_point(|j| j.start <= n);
        self.joins.get(k.saturating_sub(1))
    }

    /// The output time (seconds) at which track `i` plays its own second `t`, if it does.
    pub fn output_secs_of(&self, i: usize, t: f64) -> Option<f64> {
        // Bisection over the track's output range (its position is monotone in `n`).
        let r = f64::from(self.rate);
        let begin = i
            .checked_sub(1)
            .and_then(|k| self.joins.get(k))
            .map_or(0, |j| j.start);
        let end = self.joins.get(i).map_or(self.len, Join::end);
        let (mut lo, mut hi) = (begin, end.checked_sub(1)?);
        if t < self.source_secs(i, lo)? || t > self.source_secs(i, hi)? {
            return None;
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if self.source_secs(i, mid)? <= t {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let (s0, s1) = (self.source_secs(i, lo)?, self.source_secs(i, hi)?);
        let frac = if s1 > s0 { (t - s0) / (s1 - s0) } else { 0.0 };
        Some((lo as f64 + frac) / r)
    }
}
