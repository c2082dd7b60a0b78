//! Track specification: the ground truth a rendered track is built from.

use crate::arrangement;
use crate::rng::hash_str;

/// Pitch-class names, sharps only, index = pitch class (C = 0 .. B = 11).
pub const KEY_NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// Drum pattern families. Each defines kick/snare/hat placement per bar of 4/4
/// at the *true* beat level (the stated `bpm` is always the quarter-note tempo).
///
/// Steps below are 16ths within a bar, 0-based (step 0 = beat 1, 2 = "and" of 1,
/// 4 = beat 2, 6 = "and" of 2, 10 = "and" of 3, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groove {
    /// House/techno: kick every beat, clap on 2 and 4, open hat on the off-beat
    /// 8ths, closed 16th hats; off-beat 8th bass. Swing unit: 16ths.
    FourOnTheFloor,
    /// Kick on 1 and the "and" of 2 (variant: "and" of 3), snare on 2 and 4,
    /// 8th hats, occasional ghost snares. Swing unit: 8ths.
    Breakbeat,
    /// Slow (70-100 BPM) boom-bap: kick on 1, "and" of 2 and 3 (variant: 1, "and"
    /// of 2, "and" of 3), snare on 2 and 4, busy accented 16th hats. Swing unit: 16ths.
    HipHop,
    /// Drum-and-bass two-step at a fast tempo (160-180): kick on 1 and the "and"
    /// of 3, snare on 2 and 4, 8th-note ride. Swing unit: 8ths.
    HalfTimeFeel,
    /// Kick on 1 and 3 only, snare on 2 and 4, quarter-note hats. Swing unit: 8ths.
    Sparse,
}

impl Groove {
    /// True when swing applies to 16th pairs (FourOnTheFloor, HipHop), false
    /// when it applies to 8th pairs.
    pub fn swings_sixteenths(self) -> bool {
        matches!(self, Groove::FourOnTheFloor | Groove::HipHop)
    }

    /// Short lowercase name, e.g. `"four-on-the-floor"`.
    pub fn name(self) -> &'static str {
        match self {
            Groove::FourOnTheFloor => "four-on-the-floor",
            Groove::Breakbeat => "breakbeat",
            Groove::HipHop => "hip-hop",
            Groove::HalfTimeFeel => "half-time-feel",
            Groove::Sparse => "sparse",
        }
    }
}

/// Stereo image of the rendered mix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StereoImage {
    /// L == R exactly.
    Mono,
    /// Kick, bass and snare centred; hats, pads, lead and crash carry
    /// decorrelated side content scaled by `side_gain` (0..=1):
    /// `L = M + side_gain * S`, `R = M - side_gain * S`.
    Wide {
        /// Side level, 0.0 (mono) ..= 1.0.
        side_gain: f32,
    },
    /// Everything in the left channel, right channel all zeros.
    LeftOnly,
}

/// Everything needed to render a track, and its ground truth.
#[derive(Clone, Debug)]
pub struct TrackSpec {
    /// Track title (also the default seed source).
    pub title: String,
    /// Artist name (fictional).
    pub artist: String,
    /// Quarter-note tempo in BPM (what DJ software should report).
    pub bpm: f64,
    /// Key tonic pitch class, C = 0 .. B = 11.
    pub key_root: u8,
    /// Minor (true) or major (false) key.
    pub minor: bool,
    /// Drum pattern family.
    pub groove: Groove,
    /// Swing ratio of 8th (or 16th for FourOnTheFloor/HipHop) pairs: 1.0 straight,
    /// 2.0 triplet swing. Defined as duration(first of pair) / duration(second of pair).
    pub swing: f64,
    /// Number of 4/4 bars.
    pub bars: u32,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Seed for all randomness (progression choice, pattern variants, noise, velocities).
    pub seed: u64,
    /// Stereo image.
    pub stereo: StereoImage,
    /// Tuning offset of all pitched parts in cents from A4 = 440 Hz (e.g. +20 cents).
    pub tuning_cents: f64,
    /// Time of the first downbeat in seconds (silence before it). 0.0 usually.
    pub start_offset_secs: f64,
    /// Overall level: the mix is peak-normalised to this dBFS (e.g. -1.0).
    pub peak_dbfs: f32,
}

impl TrackSpec {
    /// Sensible defaults: 4/4, 44100 Hz, `Wide { side_gain: 0.3 }`, swing 1.0,
    /// 32 bars, peak -1 dBFS, no tuning offset, no start offset, artist
    /// `"AI DJ Synth"`, seed = FNV-1a hash of the title. `key_root` is taken mod 12.
    pub fn new(title: &str, bpm: f64, key_root: u8, minor: bool, groove: Groove) -> Self {
        Self {
            title: title.to_string(),
            artist: "AI DJ Synth".to_string(),
            bpm,
            key_root: key_root % 12,
            minor,
            groove,
            swing: 1.0,
            bars: 32,
            sample_rate: 44_100,
            seed: hash_str(title),
            stereo: StereoImage::Wide { side_gain: 0.3 },
            tuning_cents: 0.0,
            start_offset_secs: 0.0,
            peak_dbfs: -1.0,
        }
    }

    /// Builder: set the artist.
    pub fn with_artist(mut self, artist: &str) -> Self {
        self.artist = artist.to_string();
        self
    }
    /// Builder: set the number of bars.
    pub fn with_bars(mut self, bars: u32) -> Self {
        self.bars = bars;
        self
    }
    /// Builder: set the swing ratio (1.0 straight .. 2.0 triplet).
    pub fn with_swing(mut self, swing: f64) -> Self {
        self.swing = swing;
        self
    }
    /// Builder: set the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Builder: set the stereo image.
    pub fn with_stereo(mut self, stereo: StereoImage) -> Self {
        self.stereo = stereo;
        self
    }
    /// Builder: set the tuning offset in cents.
    pub fn with_tuning_cents(mut self, cents: f64) -> Self {
        self.tuning_cents = cents;
        self
    }
    /// Builder: set the first-downbeat offset in seconds.
    pub fn with_start_offset(mut self, secs: f64) -> Self {
        self.start_offset_secs = secs;
        self
    }
    /// Builder: set the sample rate in Hz.
    pub fn with_sample_rate(mut self, sr: u32) -> Self {
        self.sample_rate = sr;
        self
    }
    /// Builder: set the output peak level in dBFS.
    pub fn with_peak_dbfs(mut self, db: f32) -> Self {
        self.peak_dbfs = db;
        self
    }

    /// Key as a musician writes it: `"C# major"`, `"A minor"` (sharps only).
    pub fn key_name(&self) -> String {
        format!(
            "{} {}",
            KEY_NAMES[usize::from(self.key_root % 12)],
            if self.minor { "minor" } else { "major" }
        )
    }

    /// Beat (quarter-note) period in seconds: `60 / bpm`.
    pub fn beat_period_secs(&self) -> f64 {
        60.0 / self.bpm
    }

    /// Bar period in seconds (4 beats).
    pub fn bar_secs(&self) -> f64 {
        4.0 * self.beat_period_secs()
    }

    /// Time of every beat in seconds, `bars * 4` values starting at `start_offset_secs`.
    pub fn beat_times(&self) -> Vec<f64> {
        let t = self.beat_period_secs();
        (0..self.bars * 4)
            .map(|b| self.start_offset_secs + f64::from(b) * t)
            .collect()
    }

    /// Time of beat 1 of every bar in seconds (`bars` values).
    pub fn downbeat_times(&self) -> Vec<f64> {
        let t = self.bar_secs();
        (0..self.bars)
            .map(|b| self.start_offset_secs + f64::from(b) * t)
            .collect()
    }

    /// Start time in seconds of every 8-bar section of the arrangement
    /// (bar 0, 8, 16, ...; the last section may be shorter than 8 bars).
    pub fn phrase_starts_secs(&self) -> Vec<f64> {
        let t = self.bar_secs();
        arrangement::sections(self)
            .iter()
            .map(|s| self.start_offset_secs + f64::from(s.start_bar) * t)
            .collect()
    }

    /// Total duration in seconds: `start_offset_secs + bars * 4 * 60 / bpm`
    /// (the render is cut exactly there, with a 10 ms fade-out).
    pub fn duration_secs(&self) -> f64 {
        self.start_offset_secs + f64::from(self.bars) * self.bar_secs()
    }

    /// Number of frames `render` produces: `round(duration_secs * sample_rate)`.
    pub fn frames(&self) -> usize {
        (self.duration_secs() * f64::from(self.sample_rate)).round() as usize
    }

    /// Frequency in Hz of a MIDI note under this spec's tuning
    /// (A4 = 440 * 2^(tuning_cents / 1200)).
    pub fn midi_hz(&self, midi: f64) -> f64 {
        crate::dsp::midi_to_hz(midi, self.tuning_cents)
    }
}
