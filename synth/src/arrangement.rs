//! The score: sections, chords, drum hits and notes that [`crate::render`] plays.
//!
//! Everything here is a pure function of the [`TrackSpec`], so tests can compare
//! analysis results against the exact event lists. Times are absolute seconds
//! (including `start_offset_secs`), taken from a 16-step-per-bar grid with swing
//! applied (see [`step_offset_in_bar`]).

use crate::rng::Rng;
use crate::spec::{Groove, TrackSpec};

/// Kind of an 8-bar section of the arrangement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// Kick, hats and bass (tonic pedal); snare/clap joins in the second half. No pad, no lead.
    Intro,
    /// Everything: drums, bass, pad, lead at reduced level.
    Main,
    /// Pad and lead (louder, slow pad attack), quiet hats; no kick, snare or bass.
    /// Ends with a snare roll when a drop follows.
    Breakdown,
    /// Everything at full level (other sections are 1-2 dB lower).
    Drop,
    /// Kick, snare, hats and bass (tonic pedal). No pad, no lead.
    Outro,
}

impl SectionKind {
    /// Level multiplier applied to every part in this section (linear).
    pub fn gain(self) -> f32 {
        match self {
            SectionKind::Intro | SectionKind::Outro => 0.82,
            SectionKind::Main => 0.88,
            SectionKind::Breakdown => 0.8,
            SectionKind::Drop => 1.0,
        }
    }
    /// Kick and snare play.
    pub fn has_drums(self) -> bool {
        self != SectionKind::Breakdown
    }
    /// Bass plays.
    pub fn has_bass(self) -> bool {
        self != SectionKind::Breakdown
    }
    /// Pad chords play.
    pub fn has_pad(self) -> bool {
        matches!(
            self,
            SectionKind::Main | SectionKind::Breakdown | SectionKind::Drop
        )
    }
    /// Lead arpeggio level (0 = silent).
    pub fn lead_level(self) -> f32 {
        match self {
            SectionKind::Main => 0.6,
            SectionKind::Breakdown | SectionKind::Drop => 1.0,
            _ => 0.0,
        }
    }
}

/// One section: `bars` bars starting at bar `start_bar` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// What plays.
    pub kind: SectionKind,
    /// First bar (0-based).
    pub start_bar: u32,
    /// Length in bars (8, except possibly the last section).
    pub bars: u32,
}

/// The 8-bar sections of a spec. Section layouts by count n:
/// 1: Main; 2: Main, Drop; 3: Intro, Main, Drop; 4: Intro, Main, Breakdown, Drop;
/// 5+: Intro, Main, Breakdown, Drop, (Breakdown, Drop)..., Outro.
pub fn sections(spec: &TrackSpec) -> Vec<Section> {
    use SectionKind::*;
    let n = spec.bars.div_ceil(8) as usize;
    let kinds: Vec<SectionKind> = match n {
        0 => vec![],
        1 => vec![Main],
        2 => vec![Main, Drop],
        3 => vec![Intro, Main, Drop],
        4 => vec![Intro, Main, Breakdown, Drop],
        _ => {
            let mut v = vec![Intro, Main, Breakdown, Drop];
            while v.len() < n - 1 {
                let next = if v.len() % 2 == 0 { Breakdown } else { Drop };
                v.push(next);
            }
            v.push(Outro);
            v
        }
    };
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let start_bar = 8 * i as u32;
            Section {
                kind,
                start_bar,
                bars: (spec.bars - start_bar).min(8),
            }
        })
        .collect()
}

/// Triad quality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    /// Major triad (0, 4, 7).
    Major,
    /// Minor triad (0, 3, 7).
    Minor,
}

/// A triad with an absolute root pitch class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chord {
    /// Root pitch class, C = 0 .. B = 11.
    pub root: u8,
    /// Major or minor.
    pub quality: Quality,
}

impl Chord {
    /// Root, third and fifth pitch classes.
    pub fn pitch_classes(&self) -> [u8; 3] {
        let third = match self.quality {
            Quality::Major => 4,
            Quality::Minor => 3,
        };
        [self.root, (self.root + third) % 12, (self.root + 7) % 12]
    }
}

use Quality::{Major as M, Minor as m};

/// A named 8-bar progression as (semitones above the tonic, quality) per bar.
type Progression = (&'static str, [(u8, Quality); 8]);

/// Major-key progressions (tonic first, on bars 1 and 5, and last).
pub const MAJOR_PROGRESSIONS: [Progression; 4] = [
    (
        "I-V-vi-IV",
        [
            (0, M),
            (7, M),
            (9, m),
            (5, M),
            (0, M),
            (7, M),
            (5, M),
            (0, M),
        ],
    ),
    (
        "I-IV-V-I",
        [
            (0, M),
            (5, M),
            (7, M),
            (0, M),
            (0, M),
            (5, M),
            (7, M),
            (0, M),
        ],
    ),
    (
        "I-vi-IV-V",
        [
            (0, M),
            (9, m),
            (5, M),
            (7, M),
            (0, M),
            (5, M),
            (7, M),
            (0, M),
        ],
    ),
    (
        "I-IV-vi-V",
        [
            (0, M),
            (5, M),
            (9, m),
            (7, M),
            (0, M),
            (5, M),
            (7, M),
            (0, M),
        ],
    ),
];

/// Minor-key progressions (tonic first, most frequent and last). Those marked
/// "harmonic" use a major V (raised 7th, harmonic minor).
pub const MINOR_PROGRESSIONS: [Progression; 5] = [
    (
        "i-VI-III-VII",
        [
            (0, m),
            (8, M),
            (3, M),
            (10, M),
            (0, m),
            (8, M),
            (10, M),
            (0, m),
        ],
    ),
    (
        "i-iv-v-i",
        [
            (0, m),
            (5, m),
            (7, m),
            (0, m),
            (0, m),
            (5, m),
            (7, m),
            (0, m),
        ],
    ),
    (
        "i-iv-V-i (harmonic)",
        [
            (0, m),
            (5, m),
            (7, M),
            (0, m),
            (0, m),
            (5, m),
            (7, M),
            (0, m),
        ],
    ),
    (
        "i-VII-VI-VII (harmonic V)",
        [
            (0, m),
            (0, m),
            (10, M),
            (8, M),
            (0, m),
            (10, M),
            (8, M),
            (7, M),
        ],
    ),
    (
        "i-iv-VII-III",
        [
            (0, m),
            (5, m),
            (10, M),
            (3, M),
            (0, m),
            (5, m),
            (7, M),
            (0, m),
        ],
    ),
];

/// Per-track choices derived deterministically from the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variation {
    /// Index into [`MAJOR_PROGRESSIONS`] or [`MINOR_PROGRESSIONS`].
    pub progression: usize,
    /// Drum pattern variant (0 or 1), see [`Groove`].
    pub groove_variant: u8,
    /// Arpeggio pattern index (0..4).
    pub arp_pattern: usize,
    /// Minor tracks: bass holds a tonic pedal through Main sections.
    pub pedal: bool,
}

/// The seed-derived choices of a spec.
pub fn variation(spec: &TrackSpec) -> Variation {
    let mut r = Rng::stream(spec.seed, 1);
    let n = if spec.minor {
        MINOR_PROGRESSIONS.len()
    } else {
        MAJOR_PROGRESSIONS.len()
    };
    Variation {
        progression: r.below(n),
        groove_variant: r.below(2) as u8,
        arp_pattern: r.below(4),
        pedal: spec.minor && r.chance(0.5),
    }
}

/// Name of the progression the spec uses, e.g. `"I-V-vi-IV"`.
pub fn progression_name(spec: &TrackSpec) -> &'static str {
    let v = variation(spec);
    if spec.minor {
        MINOR_PROGRESSIONS[v.progression].0
    } else {
        MAJOR_PROGRESSIONS[v.progression].0
    }
}

/// What happens in one bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarPlan {
    /// Bar index (0-based).
    pub bar: u32,
    /// Index into [`sections`].
    pub section_index: usize,
    /// Section kind.
    pub section: SectionKind,
    /// Bar within the section (0-based).
    pub bar_in_section: u32,
    /// Kind of the next section, if this is the last bar of a section that is followed by one.
    pub next_section: Option<SectionKind>,
    /// Harmony of the bar (tonic chord in Intro/Outro and in the final bar).
    pub chord: Chord,
    /// Pitch class the bass plays.
    pub bass_pc: u8,
}

/// One [`BarPlan`] per bar.
pub fn bar_plans(spec: &TrackSpec) -> Vec<BarPlan> {
    let secs = sections(spec);
    let var = variation(spec);
    let prog = if spec.minor {
        MINOR_PROGRESSIONS[var.progression].1
    } else {
        MAJOR_PROGRESSIONS[var.progression].1
    };
    let tonic = spec.key_root % 12;
    let tonic_chord = Chord {
        root: tonic,
        quality: if spec.minor { m } else { M },
    };
    let mut out = Vec::with_capacity(spec.bars as usize);
    for (si, s) in secs.iter().enumerate() {
        for b in 0..s.bars {
            let bar = s.start_bar + b;
            let (off, q) = prog[(b % 8) as usize];
            let mut chord = Chord {
                root: (tonic + off) % 12,
                quality: q,
            };
            let harmonic = s.kind.has_pad();
            if !harmonic || bar + 1 == spec.bars {
                chord = tonic_chord;
            }
            let pedal = !harmonic || (var.pedal && s.kind == SectionKind::Main);
            let bass_pc = if pedal { tonic } else { chord.root };
            let next_section = if b + 1 == s.bars {
                secs.get(si + 1).map(|n| n.kind)
            } else {
                None
            };
            out.push(BarPlan {
                bar,
                section_index: si,
                section: s.kind,
                bar_in_section: b,
                next_section,
                chord,
                bass_pc,
            });
        }
    }
    out
}

/// Offset in seconds of 16th step `step` (0..16) from the start of its bar, with swing.
///
/// Swing ratio r: within each pair (8ths of one beat, or 16ths of one 8th for
/// FourOnTheFloor/HipHop) of total duration D, the second note starts at
/// `D * r / (1 + r)`. For 8th swing, the 16ths in between are placed midway in
/// each (stretched/compressed) half. Steps on the beat never move.
pub fn step_offset_in_bar(spec: &TrackSpec, step: u32) -> f64 {
    let beat = spec.beat_period_secs();
    let r = if spec.swing > 0.0 { spec.swing } else { 1.0 };
    let frac = r / (1.0 + r);
    if spec.groove.swings_sixteenths() {
        let d = beat / 2.0;
        let base = f64::from(step / 2) * d;
        if step % 2 == 1 {
            base + d * frac
        } else {
            base
        }
    } else {
        let base = f64::from(step / 4) * beat;
        let split = beat * frac;
        match step % 4 {
            0 => base,
            1 => base + split / 2.0,
            2 => base + split,
            _ => base + split + (beat - split) / 2.0,
        }
    }
}

/// Absolute time in seconds of 16th step `step` of bar `bar` (steps >= 16 roll into later bars).
pub fn step_time(spec: &TrackSpec, bar: u32, step: u32) -> f64 {
    let bar = bar + step / 16;
    spec.start_offset_secs + f64::from(bar) * spec.bar_secs() + step_offset_in_bar(spec, step % 16)
}

/// Drum voices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drum {
    /// Kick: sine sweep ~150 Hz down to the tonic in octave 1 (~37-69 Hz), plus a click.
    Kick,
    /// Snare: tone at ~185/330 Hz plus band-passed noise around 2.5 kHz.
    Snare,
    /// Clap: 4 band-passed noise bursts around 1.2 kHz plus a tail.
    Clap,
    /// Closed hat: noise high-passed at ~7 kHz, ~25 ms decay.
    ClosedHat,
    /// Open hat: noise high-passed at ~6.5 kHz, ~150 ms decay.
    OpenHat,
    /// Ride: noise high-passed at ~5 kHz plus inharmonic partials, ~250 ms decay.
    Ride,
    /// Crash: noise high-passed at ~4 kHz, ~0.6 s decay; at section starts.
    Crash,
}

impl Drum {
    /// Closed hat, open hat or ride.
    pub fn is_hat(self) -> bool {
        matches!(self, Drum::ClosedHat | Drum::OpenHat | Drum::Ride)
    }
}

/// A drum hit: absolute onset time, voice and velocity (0..=1, linear amplitude factor
/// already including the section gain).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrumHit {
    /// Onset in seconds.
    pub time_secs: f64,
    /// Voice.
    pub drum: Drum,
    /// Linear amplitude factor.
    pub velocity: f32,
}

/// Per-bar drum steps of a groove: (step, drum, velocity) without section changes.
fn groove_bar(groove: Groove, variant: u8, bar_in_section: u32, out: &mut Vec<(u32, Drum, f32)>) {
    use Drum::*;
    let odd_bar = bar_in_section % 2 == 1;
    match groove {
        Groove::FourOnTheFloor => {
            for s in [0, 4, 8, 12] {
                out.push((s, Kick, 1.0));
            }
            out.push((4, Clap, 0.9));
            out.push((12, Clap, 0.9));
            for s in 0..16 {
                if s % 4 == 2 {
                    out.push((s, OpenHat, 0.65));
                } else {
                    out.push((s, ClosedHat, if s % 4 == 0 { 0.6 } else { 0.42 }));
                }
            }
        }
        Groove::Breakbeat => {
            let kicks: &[u32] = match (variant, odd_bar) {
                (0, false) => &[0, 6],
                (0, true) => &[0, 6, 10],
                (_, false) => &[0, 10],
                (_, true) => &[0, 7, 10],
            };
            for &s in kicks {
                out.push((s, Kick, if s == 0 { 1.0 } else { 0.85 }));
            }
            out.push((4, Snare, 0.95));
            out.push((12, Snare, 0.95));
            if odd_bar {
                out.push((if variant == 0 { 7 } else { 15 }, Snare, 0.2));
            }
            for s in (0..16).step_by(2) {
                let drum = if s == 14 && bar_in_section % 4 == 3 {
                    OpenHat
                } else {
                    ClosedHat
                };
                out.push((s, drum, if s % 4 == 0 { 0.6 } else { 0.45 }));
            }
        }
        Groove::HipHop => {
            let kicks: &[u32] = if variant == 0 {
                &[0, 6, 8]
            } else {
                &[0, 6, 10]
            };
            for &s in kicks {
                out.push((s, Kick, if s == 0 { 1.0 } else { 0.85 }));
            }
            out.push((4, Snare, 1.0));
            out.push((12, Snare, 1.0));
            for s in 0..16 {
                let v = if s % 4 == 0 {
                    0.55
                } else if s % 2 == 0 {
                    0.4
                } else {
                    0.27
                };
                out.push((s, ClosedHat, v));
            }
        }
        Groove::HalfTimeFeel => {
            out.push((0, Kick, 1.0));
            out.push((10, Kick, 0.9));
            out.push((4, Snare, 1.0));
            out.push((12, Snare, 1.0));
            if variant == 1 && odd_bar {
                out.push((7, Snare, 0.18));
                out.push((15, Snare, 0.18));
            }
            for s in (0..16).step_by(2) {
                out.push((s, Ride, if s % 4 == 0 { 0.55 } else { 0.42 }));
            }
        }
        Groove::Sparse => {
            out.push((0, Kick, 1.0));
            out.push((8, Kick, 0.95));
            out.push((4, Snare, 0.9));
            out.push((12, Snare, 0.9));
            for s in [0, 4, 8, 12] {
                out.push((s, ClosedHat, 0.55));
            }
        }
    }
}

/// Every drum hit of the track, sorted by time.
pub fn drum_hits(spec: &TrackSpec) -> Vec<DrumHit> {
    let var = variation(spec);
    let mut rng = Rng::stream(spec.seed, 2);
    let mut hits = Vec::new();
    let mut steps = Vec::with_capacity(48);
    for bp in bar_plans(spec) {
        steps.clear();
        groove_bar(
            spec.groove,
            var.groove_variant,
            bp.bar_in_section,
            &mut steps,
        );
        let kind = bp.section;
        steps.retain(|&(s, d, _)| match d {
            Drum::Kick => kind.has_drums(),
            Drum::Snare | Drum::Clap => {
                kind.has_drums() && !(kind == SectionKind::Intro && bp.bar_in_section < 4)
            }
            Drum::OpenHat => kind != SectionKind::Intro || s % 4 != 2 || bp.bar_in_section >= 4,
            _ => true,
        });
        // Intro without open hats on the off-beats (first half): closed instead.
        if kind == SectionKind::Intro
            && bp.bar_in_section < 4
            && spec.groove == Groove::FourOnTheFloor
        {
            for s in [2u32, 6, 10, 14] {
                steps.push((s, Drum::ClosedHat, 0.42));
            }
        }
        if kind == SectionKind::Breakdown {
            for st in steps.iter_mut() {
                st.2 *= 0.5;
            }
        }
        // Fills into a drop.
        if bp.next_section == Some(SectionKind::Drop) {
            if kind == SectionKind::Breakdown {
                for s in (0..8).step_by(2).chain(8..16) {
                    steps.push((s, Drum::Snare, 0.25 + 0.6 * s as f32 / 15.0));
                }
            } else {
                steps.retain(|&(s, d, _)| !(s >= 12 && matches!(d, Drum::Snare | Drum::Clap)));
                for s in 12..16 {
                    steps.push((s, Drum::Snare, 0.6 + 0.1 * (s - 12) as f32));
                }
            }
        }
        if bp.bar_in_section == 0 && bp.section_index > 0 {
            steps.push((0, Drum::Crash, 0.8));
        }
        let g = kind.gain();
        for &(s, d, v) in steps.iter() {
            let human = if d.is_hat() { 0.08 } else { 0.03 };
            let v = v * (1.0 + human * rng.bipolar()) * g;
            hits.push(DrumHit {
                time_secs: step_time(spec, bp.bar, s),
                drum: d,
                velocity: v,
            });
        }
    }
    hits.sort_by(|a, b| a.time_secs.total_cmp(&b.time_secs));
    hits
}

/// Onset times in seconds of every hat/ride hit (closed, open and ride), sorted.
/// With swing r every off-beat hat sits at `r / (1 + r)` of its pair.
pub fn hat_onset_times(spec: &TrackSpec) -> Vec<f64> {
    drum_hits(spec)
        .into_iter()
        .filter(|h| h.drum.is_hat())
        .map(|h| h.time_secs)
        .collect()
}

/// Onset times in seconds of every kick, sorted.
pub fn kick_onset_times(spec: &TrackSpec) -> Vec<f64> {
    drum_hits(spec)
        .into_iter()
        .filter(|h| h.drum == Drum::Kick)
        .map(|h| h.time_secs)
        .collect()
}

/// A pitched note.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoteEvent {
    /// Onset in seconds.
    pub start_secs: f64,
    /// Gate length in seconds (release tails extend beyond it).
    pub dur_secs: f64,
    /// MIDI note number (frequency via [`TrackSpec::midi_hz`]).
    pub midi: u8,
    /// Linear amplitude factor including the section gain.
    pub velocity: f32,
}

/// MIDI note of pitch class `pc` in `[lo, lo + 12)`.
pub fn place(pc: u8, lo: u8) -> u8 {
    lo + (pc % 12 + 12 - lo % 12) % 12
}

/// Lowest bass note (G1); bass roots lie in MIDI 31..43 (49-92 Hz), octave jumps up to 54.
pub const BASS_LOW: u8 = 31;

/// Bass notes: chord roots (or the tonic pedal) in octave 1-2, locked to the kick
/// pattern (FourOnTheFloor: off-beat 8ths).
pub fn bass_notes(spec: &TrackSpec) -> Vec<NoteEvent> {
    let var = variation(spec);
    let beat = spec.beat_period_secs();
    let mut out = Vec::new();
    let mut steps = Vec::with_capacity(48);
    for bp in bar_plans(spec) {
        if !bp.section.has_bass() {
            continue;
        }
        let root = place(bp.bass_pc, BASS_LOW);
        let g = bp.section.gain();
        if spec.groove == Groove::FourOnTheFloor {
            for s in [2u32, 6, 10, 14] {
                let up = s == 14 && bp.bar_in_section % 2 == 1;
                out.push(NoteEvent {
                    start_secs: step_time(spec, bp.bar, s),
                    dur_secs: 0.42 * beat,
                    midi: if up { root + 12 } else { root },
                    velocity: g,
                });
            }
            continue;
        }
        steps.clear();
        groove_bar(
            spec.groove,
            var.groove_variant,
            bp.bar_in_section,
            &mut steps,
        );
        let mut kicks: Vec<u32> = steps
            .iter()
            .filter(|&&(_, d, _)| d == Drum::Kick)
            .map(|&(s, _, _)| s)
            .collect();
        kicks.sort_unstable();
        for (i, &s) in kicks.iter().enumerate() {
            let next = kicks.get(i + 1).copied().unwrap_or(16);
            let start = step_time(spec, bp.bar, s);
            let end = step_time(spec, bp.bar, next);
            out.push(NoteEvent {
                start_secs: start,
                dur_secs: ((end - start) - 0.08 * beat).max(0.2 * beat),
                midi: root,
                velocity: g * if s == 0 { 1.0 } else { 0.9 },
            });
        }
    }
    out
}

/// Arpeggio patterns: indices into [n0, n1, n2, n0 + 12] per 8th note.
const ARPS: [[usize; 8]; 4] = [
    [0, 1, 2, 3, 0, 1, 2, 3],
    [0, 1, 2, 3, 2, 1, 0, 1],
    [0, 2, 1, 3, 0, 2, 1, 3],
    [0, 2, 3, 2, 1, 2, 3, 2],
];

/// Lowest lead note: the arpeggio lies in MIDI 60..84 (octaves 4-5).
pub const LEAD_LOW: u8 = 60;

/// Lead arpeggio in 8ths over chord tones placed above the tonic in octave 4
/// (so bar downbeats land on the tonic whenever the chord contains it); the
/// final bar holds the tonic.
pub fn lead_notes(spec: &TrackSpec) -> Vec<NoteEvent> {
    let var = variation(spec);
    let beat = spec.beat_period_secs();
    let tonic = place(spec.key_root, LEAD_LOW);
    let mut out = Vec::new();
    for bp in bar_plans(spec) {
        let lvl = bp.section.lead_level();
        if lvl <= 0.0 {
            continue;
        }
        let g = bp.section.gain() * lvl;
        if bp.bar + 1 == spec.bars {
            out.push(NoteEvent {
                start_secs: step_time(spec, bp.bar, 0),
                dur_secs: 3.5 * beat,
                midi: tonic,
                velocity: g,
            });
            continue;
        }
        let mut tones: Vec<u8> = bp
            .chord
            .pitch_classes()
            .iter()
            .map(|&pc| place(pc, tonic))
            .collect();
        tones.sort_unstable();
        tones.push(tones[0] + 12);
        for (i, &k) in ARPS[var.arp_pattern].iter().enumerate() {
            let s = 2 * i as u32;
            out.push(NoteEvent {
                start_secs: step_time(spec, bp.bar, s),
                dur_secs: 0.45 * beat,
                midi: tones[k],
                velocity: g * if s % 4 == 0 { 1.0 } else { 0.7 },
            });
        }
    }
    out
}

/// A sustained pad chord (4 voices: root in octave 3, triad in G3..F#4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PadChord {
    /// Onset in seconds.
    pub start_secs: f64,
    /// Gate length in seconds (release ~0.3 s extends beyond it).
    pub dur_secs: f64,
    /// MIDI notes of the voices.
    pub midis: [u8; 4],
    /// The chord.
    pub chord: Chord,
    /// Linear amplitude factor including the section gain.
    pub velocity: f32,
    /// Slow (breakdown) attack.
    pub slow_attack: bool,
}

/// Pad chords; consecutive equal chords within a section are merged into one.
pub fn pad_chords(spec: &TrackSpec) -> Vec<PadChord> {
    let mut out: Vec<PadChord> = Vec::new();
    let mut last: Option<(usize, Chord)> = None;
    for bp in bar_plans(spec) {
        if !bp.section.has_pad() {
            last = None;
            continue;
        }
        let start = step_time(spec, bp.bar, 0);
        if last == Some((bp.section_index, bp.chord)) {
            if let Some(p) = out.last_mut() {
                p.dur_secs += spec.bar_secs();
            }
            continue;
        }
        last = Some((bp.section_index, bp.chord));
        let pcs = bp.chord.pitch_classes();
        let breakdown = bp.section == SectionKind::Breakdown;
        out.push(PadChord {
            start_secs: start,
            dur_secs: spec.bar_secs(),
            midis: [
                place(pcs[0], 48),
                place(pcs[0], 55),
                place(pcs[1], 55),
                place(pcs[2], 55),
            ],
            chord: bp.chord,
            velocity: bp.section.gain() * if breakdown { 1.35 } else { 1.0 },
            slow_attack: breakdown,
        });
    }
    out
}
