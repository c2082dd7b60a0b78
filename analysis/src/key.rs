//! Musical keys, their names and Camelot codes, and harmonic-mixing compatibility.
//!
//! Used by the tonal analysis (to name what it found), the recommender (harmonic
//! neighbourhood filter) and the plugin (pitched key of a deck played off-speed).
//!
//! Camelot wheel (DESIGN.md): `8A` = A minor, `8B` = C major; for a root pitch class `p`
//! (C = 0), minor keys are number `(7p + 5) mod 12`, major keys `(7p + 8) mod 12`, with 0
//! read as 12. One step round the wheel is a fifth; the letter flips between a minor key
//! (A) and its relative major (B).

use std::fmt;

/// Pitch-class names, sharps only (C = 0).
pub const PITCH_NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// A key: a root pitch class (C = 0 .. B = 11) and a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Root pitch class, 0..=11 (C = 0).
    pub root: u8,
    /// Minor (true) or major (false).
    pub minor: bool,
}

/// How well a mix from one key into another works, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Compatibility {
    /// The same key.
    Same,
    /// Camelot number +-1, same letter (a fifth up or down, same mode).
    Adjacent,
    /// Same number, other letter (relative major/minor: the same notes).
    Relative,
    /// Number +-1 and the other letter (e.g. 8A <-> 9B, 8A <-> 7B): one note differs.
    Diagonal,
    /// Same letter, number +2 from the first key (the second key a whole tone up).
    PlusTwo,
    /// Same letter, number +7 from the first key (the second key a semitone up):
    /// the "energy boost" key change.
    EnergyBoost,
    /// Anything else.
    Clash,
}

impl Compatibility {
    /// A score for ranking (1 = same key, 0 = clash).
    pub fn score(self) -> f64 {
        match self {
            Compatibility::Same => 1.0,
            Compatibility::Adjacent | Compatibility::Relative => 0.85,
            Compatibility::Diagonal => 0.6,
            Compatibility::PlusTwo | Compatibility::EnergyBoost => 0.5,
            Compatibility::Clash => 0.0,
        }
    }

    /// Same, adjacent or relative: the classic "harmonic mixing" neighbourhood.
    pub fn is_harmonic(self) -> bool {
        matches!(
            self,
            Compatibility::Same | Compatibility::Adjacent | Compatibility::Relative
        )
    }

    /// Short lower-case name ("same", "adjacent", "relative", "diagonal", "+2",
    /// "energy boost", "clash").
    pub fn name(self) -> &'static str {
        match self {
            Compatibility::Same => "same",
            Compatibility::Adjacent => "adjacent",
            Compatibility::Relative => "relative",
            Compatibility::Diagonal => "diagonal",
            Compatibility::PlusTwo => "+2",
            Compatibility::EnergyBoost => "energy boost",
            Compatibility::Clash => "clash",
        }
    }
}

impl Key {
    /// A key from a root (taken mod 12) and a mode.
    pub fn new(root: u8, minor: bool) -> Key {
        Key {
            root: root % 12,
            minor,
        }
    }

    /// All 24 keys in the order C major, C minor, C# major, C# minor, ...
    pub fn all() -> impl Iterator<Item = Key> {
        (0..24u8).map(Key::from_index)
    }

    /// Index 0..24: `2 * root + minor`.
    pub fn index(self) -> usize {
        2 * usize::from(self.root % 12) + usize::from(self.minor)
    }

    /// The inverse of [`Key::index`] (taken mod 24).
    pub fn from_index(i: u8) -> Key {
        let i = i % 24;
        Key::new(i / 2, i % 2 == 1)
    }

    /// "major" or "minor".
    pub fn mode_name(self) -> &'static str {
        if self.minor {
            "minor"
        } else {
            "major"
        }
    }

    /// Root name, sharps only ("C#").
    pub fn root_name(self) -> &'static str {
        PITCH_NAMES[usize::from(self.root % 12)]
    }

    /// "C# major" / "A minor" (sharps only).
    pub fn name(self) -> String {
        format!("{} {}", self.root_name(), self.mode_name())
    }

    /// Chord-style short name: "C#" for major, "Am" for minor.
    pub fn short_name(self) -> String {
        format!("{}{}", self.root_name(), if self.minor { "m" } else { "" })
    }

    /// Camelot number (1..=12) and letter ('A' minor, 'B' major).
    pub fn camelot(self) -> (u8, char) {
        let p = u32::from(self.root % 12);
        let n = if self.minor {
            (7 * p + 5) % 12
        } else {
            (7 * p + 8) % 12
        };
        let n = if n == 0 { 12 } else { n as u8 };
        (n, if self.minor { 'A' } else { 'B' })
    }

    /// Camelot code, e.g. "8A".
    pub fn camelot_code(self) -> String {
        let (n, l) = self.camelot();
        format!("{n}{l}")
    }

    /// The key with Camelot number `n` (1..=12; 0 is read as 12, larger taken mod 12) and
    /// letter 'A'/'a' (minor) or 'B'/'b' (major). `None` for any other letter.
    pub fn from_camelot(n: u8, letter: char) -> Option<Key> {
        let minor = match letter.to_ascii_uppercase() {
            'A' => true,
            'B' => false,
            _ => return None,
        };
        // 7 is its own inverse mod 12 (49 = 4*12 + 1): p = 7 (n - offset) mod 12.
        let offset = if minor { 5 } else { 8 };
        let n = u32::from(n % 12);
        let p = (7 * (n + 12 - offset)) % 12;
        Some(Key::new(p as u8, minor))
    }

    /// The relative key (same notes, other mode): A minor <-> C major.
    pub fn relative(self) -> Key {
        if self.minor {
            Key::new(self.root + 3, false)
        } else {
            Key::new(self.root + 9, true)
        }
    }

    /// The parallel key (same root, other mode): A minor <-> A major.
    pub fn parallel(self) -> Key {
        Key::new(self.root, !self.minor)
    }

    /// The key moved by `semitones` (any sign).
    pub fn transpose(self, semitones: i32) -> Key {
        let r = (i32::from(self.root) + semitones).rem_euclid(12);
        Key::new(r as u8, self.minor)
    }

    /// Semitones a deck moves when played at `rate` (1.0 = original speed) without keylock:
    /// `12 * log2(rate)` rounded to the nearest semitone; 0 for a non-positive or
    /// non-finite rate.
    pub fn pitch_shift_semitones(rate: f64) -> i32 {
        if !(rate.is_finite() && rate > 0.0) {
            return 0;
        }
        let s = (12.0 * rate.log2()).round();
        s.clamp(-1200.0, 1200.0) as i32
    }

    /// The key heard when the track plays at `rate` without keylock.
    pub fn pitched(self, rate: f64) -> Key {
        self.transpose(Key::pitch_shift_semitones(rate))
    }

    /// Compatibility of a mix from `self` into `to`. Symmetric except for
    /// [`Compatibility::PlusTwo`] and [`Compatibility::EnergyBoost`], which are moves up.
    pub fn compatibility(self, to: Key) -> Compatibility {
        let (a, la) = self.camelot();
        let (b, lb) = to.camelot();
        // Steps from a to b round the wheel, 0..12.
        let step = (i32::from(b) - i32::from(a)).rem_euclid(12);
        let same_letter = la == lb;
        match (same_letter, step) {
            (true, 0) => Compatibility::Same,
            (false, 0) => Compatibility::Relative,
            (true, 1 | 11) => Compatibility::Adjacent,
            (false, 1 | 11) => Compatibility::Diagonal,
            (true, 2) => Compatibility::PlusTwo,
            (true, 7) => Compatibility::EnergyBoost,
            _ => Compatibility::Clash,
        }
    }

    /// Parses a key name: "C# major", "Db major", "A minor", "Am", "A min", "Amaj",
    /// "C#m", "Bbm", "a" (a lower-case root alone is minor, upper-case alone major),
    /// "F♯ minor", and Camelot codes "8A", "8B", "12a". Surrounding spaces, case of the
    /// mode word and '-'/'_' separators are ignored. `None` when unreadable.
    pub fn parse(s: &str) -> Option<Key> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(k) = Key::parse_camelot(s) {
            return Some(k);
        }
        let mut chars = s.chars().peekable();
        let first = chars.next()?;
        let natural: i32 = match first.to_ascii_uppercase() {
            'C' => 0,
            'D' => 2,
            'E' => 4,
            'F' => 5,
            'G' => 7,
            'A' => 9,
            'B' => 11,
            _ => return None,
        };
        let lower_root = first.is_ascii_lowercase();
        let mut alter = 0i32;
        while let Some(&c) = chars.peek() {
            match c {
                '#' | '♯' => alter += 1,
                'b' | '♭' => {
                    // "b" is a flat unless it begins a word we know ("b" alone cannot
                    // follow a root as a mode), so it is always a flat here.
                    alter -= 1;
                }
                _ => break,
            }
            chars.next();
        }
        let rest: String = chars.filter(|c| !matches!(c, ' ' | '-' | '_')).collect();
        let minor = match rest.as_str() {
            "" => lower_root,
            "m" | "min" | "mi" => true,
            "M" | "maj" | "ma" => false,
            _ => match rest.to_ascii_lowercase().as_str() {
                "minor" | "min" | "moll" => true,
                "major" | "maj" | "dur" => false,
                _ => return None,
            },
        };
        let root = (natural + alter).rem_euclid(12) as u8;
        Some(Key::new(root, minor))
    }

    fn parse_camelot(s: &str) -> Option<Key> {
        let letter = s.chars().last()?;
        if !matches!(letter, 'A' | 'B' | 'a' | 'b') {
            return None;
        }
        let digits = s[..s.len() - 1].trim();
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u8 = digits.parse().ok()?;
        if !(1..=12).contains(&n) {
            return None;
        }
        Key::from_camelot(n, letter)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.root_name(), self.mode_name())
    }
}

impl std::str::FromStr for Key {
    type Err = String;
    fn from_str(s: &str) -> Result<Key, String> {
        Key::parse(s).ok_or_else(|| format!("not a key: {s:?}"))
    }
}
