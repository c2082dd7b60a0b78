//! The Camelot wheel the harmonic rules use: all 24 keys and every compatible move,
//! against tables written out here by hand.

use aidj_recommender::{Compatibility, Key};

/// Every key with its Camelot code (the standard wheel: 8A = A minor, 8B = C major).
const WHEEL: [(&str, &str); 24] = [
    ("G# minor", "1A"),
    ("B major", "1B"),
    ("D# minor", "2A"),
    ("F# major", "2B"),
    ("A# minor", "3A"),
    ("C# major", "3B"),
    ("F minor", "4A"),
    ("G# major", "4B"),
    ("C minor", "5A"),
    ("D# major", "5B"),
    ("G minor", "6A"),
    ("A# major", "6B"),
    ("D minor", "7A"),
    ("F major", "7B"),
    ("A minor", "8A"),
    ("C major", "8B"),
    ("E minor", "9A"),
    ("G major", "9B"),
    ("B minor", "10A"),
    ("D major", "10B"),
    ("F# minor", "11A"),
    ("A major", "11B"),
    ("C# minor", "12A"),
    ("E major", "12B"),
];

/// The moves from each code: same, +-1 (adjacent), relative, diagonal (+-1, other letter),
/// +2 and +7 (energy boost), written out for every key.
/// (from, adjacent, relative, diagonal, +2, +7)
type Moves = (
    &'static str,
    [&'static str; 2],
    &'static str,
    [&'static str; 2],
    &'static str,
    &'static str,
);

const MOVES: [Moves; 24] = [
    ("1A", ["12A", "2A"], "1B", ["12B", "2B"], "3A", "8A"),
    ("2A", ["1A", "3A"], "2B", ["1B", "3B"], "4A", "9A"),
    ("3A", ["2A", "4A"], "3B", ["2B", "4B"], "5A", "10A"),
    ("4A", ["3A", "5A"], "4B", ["3B", "5B"], "6A", "11A"),
    ("5A", ["4A", "6A"], "5B", ["4B", "6B"], "7A", "12A"),
    ("6A", ["5A", "7A"], "6B", ["5B", "7B"], "8A", "1A"),
    ("7A", ["6A", "8A"], "7B", ["6B", "8B"], "9A", "2A"),
    ("8A", ["7A", "9A"], "8B", ["7B", "9B"], "10A", "3A"),
    ("9A", ["8A", "10A"], "9B", ["8B", "10B"], "11A", "4A"),
    ("10A", ["9A", "11A"], "10B", ["9B", "11B"], "12A", "5A"),
    ("11A", ["10A", "12A"], "11B", ["10B", "12B"], "1A", "6A"),
    ("12A", ["11A", "1A"], "12B", ["11B", "1B"], "2A", "7A"),
    ("1B", ["12B", "2B"], "1A", ["12A", "2A"], "3B", "8B"),
    ("2B", ["1B", "3B"], "2A", ["1A", "3A"], "4B", "9B"),
    ("3B", ["2B", "4B"], "3A", ["2A", "4A"], "5B", "10B"),
    ("4B", ["3B", "5B"], "4A", ["3A", "5A"], "6B", "11B"),
    ("5B", ["4B", "6B"], "5A", ["4A", "6A"], "7B", "12B"),
    ("6B", ["5B", "7B"], "6A", ["5A", "7A"], "8B", "1B"),
    ("7B", ["6B", "8B"], "7A", ["6A", "8A"], "9B", "2B"),
    ("8B", ["7B", "9B"], "8A", ["7A", "9A"], "10B", "3B"),
    ("9B", ["8B", "10B"], "9A", ["8A", "10A"], "11B", "4B"),
    ("10B", ["9B", "11B"], "10A", ["9A", "11A"], "12B", "5B"),
    ("11B", ["10B", "12B"], "11A", ["10A", "12A"], "1B", "6B"),
    ("12B", ["11B", "1B"], "12A", ["11A", "1A"], "2B", "7B"),
];

fn code(c: &str) -> Key {
    Key::parse(c).unwrap_or_else(|| panic!("{c}"))
}

#[test]
fn all_24_keys_map_to_their_camelot_code_and_back() {
    for (name, camelot) in WHEEL {
        let k = Key::parse(name).unwrap();
        assert_eq!(k.camelot_code(), camelot, "{name}");
        assert_eq!(code(camelot), k, "{camelot}");
        assert_eq!(k.name(), name);
    }
    // Flats and the seed's spelling read the same.
    assert_eq!(Key::parse("Ab minor").unwrap().camelot_code(), "1A");
    assert_eq!(Key::parse("Bb major").unwrap().camelot_code(), "6B");
}

#[test]
fn every_move_from_every_key_matches_the_table() {
    for (from, adjacent, relative, diagonal, plus_two, boost) in MOVES {
        let a = code(from);
        let mut expected = vec![
            (from, Compatibility::Same),
            (relative, Compatibility::Relative),
        ];
        expected.extend(adjacent.iter().map(|c| (*c, Compatibility::Adjacent)));
        expected.extend(diagonal.iter().map(|c| (*c, Compatibility::Diagonal)));
        expected.push((plus_two, Compatibility::PlusTwo));
        expected.push((boost, Compatibility::EnergyBoost));
        for (_, to_code) in WHEEL {
            let want = expected
                .iter()
                .find(|(c, _)| *c == to_code)
                .map_or(Compatibility::Clash, |(_, m)| *m);
            assert_eq!(a.compatibility(code(to_code)), want, "{from} -> {to_code}");
            let harmonic = matches!(
                want,
                Compatibility::Same | Compatibility::Adjacent | Compatibility::Relative
            );
            assert_eq!(want.is_harmonic(), harmonic);
        }
    }
}

#[test]
fn scores_order_the_moves_as_documented() {
    assert_eq!(Compatibility::Same.score(), 1.0);
    assert_eq!(Compatibility::Adjacent.score(), 0.85);
    assert_eq!(Compatibility::Relative.score(), 0.85);
    assert_eq!(Compatibility::Diagonal.score(), 0.6);
    assert_eq!(Compatibility::PlusTwo.score(), 0.5);
    assert_eq!(Compatibility::EnergyBoost.score(), 0.5);
    assert_eq!(Compatibility::Clash.score(), 0.0);
}

#[test]
fn pitching_moves_the_key_by_semitones() {
    // +6 % is about +1 semitone: A minor (8A) is heard as A# minor (3A).
    assert_eq!(code("8A").pitched(1.06).camelot_code(), "3A");
    assert_eq!(code("8A").pitched(1.02).camelot_code(), "8A");
    assert_eq!(code("8B").pitched(0.94).camelot_code(), "1B");
}
