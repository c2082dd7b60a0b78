//! `aidj_analysis::key`: names, Camelot codes, parsing, transposition and mixing
//! compatibility, against a table written by hand from the circle of fifths.

use aidj_analysis::key::{Compatibility, Key};

/// key, Camelot, relative, a fifth up, a fifth down, a semitone up, a whole tone up.
const TABLE: [[&str; 7]; 24] = [
    [
        "C major", "8B", "A minor", "G major", "F major", "C# major", "D major",
    ],
    [
        "C# major", "3B", "A# minor", "G# major", "F# major", "D major", "D# major",
    ],
    [
        "D major", "10B", "B minor", "A major", "G major", "D# major", "E major",
    ],
    [
        "D# major", "5B", "C minor", "A# major", "G# major", "E major", "F major",
    ],
    [
        "E major", "12B", "C# minor", "B major", "A major", "F major", "F# major",
    ],
    [
        "F major", "7B", "D minor", "C major", "A# major", "F# major", "G major",
    ],
    [
        "F# major", "2B", "D# minor", "C# major", "B major", "G major", "G# major",
    ],
    [
        "G major", "9B", "E minor", "D major", "C major", "G# major", "A major",
    ],
    [
        "G# major", "4B", "F minor", "D# major", "C# major", "A major", "A# major",
    ],
    [
        "A major", "11B", "F# minor", "E major", "D major", "A# major", "B major",
    ],
    [
        "A# major", "6B", "G minor", "F major", "D# major", "B major", "C major",
    ],
    [
        "B major", "1B", "G# minor", "F# major", "E major", "C major", "C# major",
    ],
    [
        "C minor", "5A", "D# major", "G minor", "F minor", "C# minor", "D minor",
    ],
    [
        "C# minor", "12A", "E major", "G# minor", "F# minor", "D minor", "D# minor",
    ],
    [
        "D minor", "7A", "F major", "A minor", "G minor", "D# minor", "E minor",
    ],
    [
        "D# minor", "2A", "F# major", "A# minor", "G# minor", "E minor", "F minor",
    ],
    [
        "E minor", "9A", "G major", "B minor", "A minor", "F minor", "F# minor",
    ],
    [
        "F minor", "4A", "G# major", "C minor", "A# minor", "F# minor", "G minor",
    ],
    [
        "F# minor", "11A", "A major", "C# minor", "B minor", "G minor", "G# minor",
    ],
    [
        "G minor", "6A", "A# major", "D minor", "C minor", "G# minor", "A minor",
    ],
    [
        "G# minor", "1A", "B major", "D# minor", "C# minor", "A minor", "A# minor",
    ],
    [
        "A minor", "8A", "C major", "E minor", "D minor", "A# minor", "B minor",
    ],
    [
        "A# minor", "3A", "C# major", "F minor", "D# minor", "B minor", "C minor",
    ],
    [
        "B minor", "10A", "D major", "F# minor", "E minor", "C minor", "C# minor",
    ],
];

fn k(name: &str) -> Key {
    Key::parse(name).unwrap_or_else(|| panic!("cannot parse {name:?}"))
}

fn row(name: &str) -> &'static [&'static str; 7] {
    TABLE
        .iter()
        .find(|r| r[0] == name)
        .unwrap_or_else(|| panic!("{name} not in table"))
}

#[test]
fn key_names_and_camelot_codes_match_the_table() {
    let mut seen = std::collections::HashSet::new();
    for r in &TABLE {
        let key = k(r[0]);
        assert_eq!(key.name(), r[0]);
        assert_eq!(key.to_string(), r[0]);
        assert_eq!(key.camelot_code(), r[1], "{}", r[0]);
        let (n, l) = key.camelot();
        assert!((1..=12).contains(&n));
        assert_eq!(Key::from_camelot(n, l), Some(key));
        assert_eq!(k(r[1]), key, "parse {}", r[1]);
        assert_eq!(key.relative().name(), r[2], "relative of {}", r[0]);
        assert_eq!(key.relative().relative(), key);
        assert_eq!(key.transpose(7).name(), r[3], "fifth up from {}", r[0]);
        assert_eq!(key.transpose(-7).name(), r[4], "fifth down from {}", r[0]);
        assert_eq!(key.transpose(1).name(), r[5]);
        assert_eq!(key.transpose(2).name(), r[6]);
        assert_eq!(Key::from_index(key.index() as u8), key);
        assert!(seen.insert(r[1]), "Camelot code {} twice", r[1]);
    }
    assert_eq!(Key::all().count(), 24);
    // The two anchors of DESIGN.md.
    assert_eq!(Key::from_camelot(8, 'A'), Some(Key::new(9, true)));
    assert_eq!(Key::from_camelot(8, 'B'), Some(Key::new(0, false)));
    assert_eq!(Key::from_camelot(12, 'b'), Some(k("E major")));
    assert_eq!(
        Key::from_camelot(0, 'B'),
        Some(k("E major")),
        "0 is read as 12"
    );
    assert_eq!(Key::from_camelot(8, 'C'), None);
}

#[test]
fn key_compatibility_of_all_pairs_matches_the_table() {
    let mut counts = std::collections::BTreeMap::new();
    for a in &TABLE {
        for b in &TABLE {
            let (ka, kb) = (k(a[0]), k(b[0]));
            let up = row(a[3]);
            let down = row(a[4]);
            let want = if a[0] == b[0] {
                Compatibility::Same
            } else if b[0] == a[2] {
                Compatibility::Relative
            } else if b[0] == a[3] || b[0] == a[4] {
                Compatibility::Adjacent
            } else if b[0] == up[2] || b[0] == down[2] {
                Compatibility::Diagonal
            } else if b[0] == a[6] {
                Compatibility::PlusTwo
            } else if b[0] == a[5] {
                Compatibility::EnergyBoost
            } else {
                Compatibility::Clash
            };
            assert_eq!(ka.compatibility(kb), want, "{} -> {}", a[0], b[0]);
            *counts.entry(want).or_insert(0) += 1;
        }
    }
    assert_eq!(counts[&Compatibility::Same], 24);
    assert_eq!(counts[&Compatibility::Relative], 24);
    assert_eq!(counts[&Compatibility::Adjacent], 48);
    assert_eq!(counts[&Compatibility::Diagonal], 48);
    assert_eq!(counts[&Compatibility::PlusTwo], 24);
    assert_eq!(counts[&Compatibility::EnergyBoost], 24);
    assert_eq!(counts[&Compatibility::Clash], 24 * 24 - 192);
    // Moves up are directional: a whole tone or a semitone down is a clash.
    assert_eq!(
        k("D major").compatibility(k("C major")),
        Compatibility::Clash
    );
    assert_eq!(k("8A").compatibility(k("10A")), Compatibility::PlusTwo);
    assert_eq!(k("8A").compatibility(k("3A")), Compatibility::EnergyBoost);
    assert!(Compatibility::Relative.is_harmonic() && !Compatibility::Diagonal.is_harmonic());
    assert!(Compatibility::Same.score() > Compatibility::Clash.score());
}

#[test]
fn key_parse_accepts_the_usual_spellings() {
    let cases: [(&str, &str); 30] = [
        ("C# major", "C# major"),
        ("Db major", "C# major"),
        ("A minor", "A minor"),
        ("Am", "A minor"),
        ("A min", "A minor"),
        ("a", "A minor"),
        ("A", "A major"),
        ("8A", "A minor"),
        ("8B", "C major"),
        ("8a", "A minor"),
        ("12B", "E major"),
        (" 1A ", "G# minor"),
        ("Bb", "A# major"),
        ("bb", "A# minor"),
        ("Bbm", "A# minor"),
        ("Ebmin", "D# minor"),
        ("F#m", "F# minor"),
        ("F♯ minor", "F# minor"),
        ("G♭ major", "F# major"),
        ("Cb major", "B major"),
        ("E# minor", "F minor"),
        ("B#", "C major"),
        ("Amaj", "A major"),
        ("A Major", "A major"),
        ("c minor", "C minor"),
        ("D-minor", "D minor"),
        ("AM", "A major"),
        ("g#", "G# minor"),
        ("e", "E minor"),
        ("B", "B major"),
    ];
    for (s, want) in cases {
        assert_eq!(Key::parse(s).map(Key::name).as_deref(), Some(want), "{s:?}");
    }
    for bad in [
        "",
        "H",
        "13A",
        "0B",
        "8C",
        "C minorish",
        "Xm",
        "A#x",
        "123A",
    ] {
        assert_eq!(Key::parse(bad), None, "{bad:?}");
    }
    assert_eq!("Am".parse::<Key>(), Ok(k("A minor")));
    assert!("??".parse::<Key>().is_err());
}

#[test]
fn key_pitched_keys_follow_the_playback_rate() {
    let a = k("A minor");
    assert_eq!(a.pitched(1.0), a);
    assert_eq!(a.pitched(2f64.powf(1.0 / 12.0)), k("A# minor"));
    assert_eq!(a.pitched(1.06), k("A# minor")); // +1.01 semitones
    assert_eq!(a.pitched(1.02), a); // +0.34: still A minor
    assert_eq!(a.pitched(1.03), k("A# minor")); // +0.51
    assert_eq!(a.pitched(0.97), k("G# minor")); // -0.53
    assert_eq!(a.pitched(0.5), a); // an octave down
    assert_eq!(a.pitched(0.0), a);
    assert_eq!(a.pitched(f64::NAN), a);
    assert_eq!(Key::pitch_shift_semitones(1.0 / 1.06), -1);
    assert_eq!(k("C major").transpose(-1), k("B major"));
    assert_eq!(k("C major").transpose(25), k("C# major"));
    assert_eq!(k("C major").parallel(), k("C minor"));
    assert_eq!(k("A minor").short_name(), "Am");
    assert_eq!(k("F# major").short_name(), "F#");
}
