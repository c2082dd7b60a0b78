//! Ready-made track sets with ground truth.

use crate::arrangement::{variation, MAJOR_PROGRESSIONS, MINOR_PROGRESSIONS};
use crate::rng::hash_str;
use crate::spec::{Groove, StereoImage, TrackSpec, KEY_NAMES};

/// A varied 12-track demo library, 30-47 s each, all stereo (`Wide`, one `Mono`):
///
/// | # | title | BPM | key | groove | notes |
/// |---|-------|-----|-----|--------|-------|
/// | 1 | Neon Tide | 122 | A minor | FourOnTheFloor | 24 bars |
/// | 2 | Glass Harbour | 85 | F minor | HipHop | 16 bars |
/// | 3 | Concrete Bloom | 126 | F# minor | FourOnTheFloor | 24 bars |
/// | 4 | Solar Drift | 128 | G major | FourOnTheFloor | tuning +30 cents, 24 bars |
/// | 5 | Paper Lanterns | 140 | E minor | Breakbeat | 24 bars |
/// | 6 | Night Runner | 174 | D minor | HalfTimeFeel | 32 bars (has a breakdown) |
/// | 7 | Velvet Static | 100 | A# major | Breakbeat | Mono, swing 1.7 (8ths), 16 bars |
/// | 8 | Harbour Lights | 110 | D# major | Sparse | first downbeat at 0.25 s, 16 bars |
/// | 9 | Tidal Echo | 124 | E minor | FourOnTheFloor | 16 bars |
/// | 10 | Amber Steps | 120 | C major | FourOnTheFloor | 16 bars |
/// | 11 | Low Orbit | 87 | C minor | HipHop | 16 bars |
/// | 12 | Copper Line | 127 | C# minor | FourOnTheFloor | 16 bars |
pub fn demo_library() -> Vec<TrackSpec> {
    use Groove::*;
    // (title, bpm, key root, minor, groove, bars, side gain)
    let table: [(&str, f64, u8, bool, Groove, u32, f32); 12] = [
        ("Neon Tide", 122.0, 9, true, FourOnTheFloor, 24, 0.3),
        ("Glass Harbour", 85.0, 5, true, HipHop, 16, 0.25),
        ("Concrete Bloom", 126.0, 6, true, FourOnTheFloor, 24, 0.35),
        ("Solar Drift", 128.0, 7, false, FourOnTheFloor, 24, 0.4),
        ("Paper Lanterns", 140.0, 4, true, Breakbeat, 24, 0.3),
        ("Night Runner", 174.0, 2, true, HalfTimeFeel, 32, 0.3),
        ("Velvet Static", 100.0, 10, false, Breakbeat, 16, 0.0),
        ("Harbour Lights", 110.0, 3, false, Sparse, 16, 0.2),
        // Harmonic and tempo neighbours of the first tracks, so the demo's recommender has
        // good moves to find: 9A next to 8A, 8B relative to 8A, 5A next to 4A, 12A next to 11A.
        ("Tidal Echo", 124.0, 4, true, FourOnTheFloor, 16, 0.3),
        ("Amber Steps", 120.0, 0, false, FourOnTheFloor, 16, 0.3),
        ("Low Orbit", 87.0, 0, true, HipHop, 16, 0.25),
        ("Copper Line", 127.0, 1, true, FourOnTheFloor, 16, 0.35),
    ];
    table
        .iter()
        .enumerate()
        .map(|(i, &(title, bpm, key, minor, groove, bars, side))| {
            let mut s = TrackSpec::new(title, bpm, key, minor, groove)
                .with_artist(&format!("Demo Artist {}", i + 1))
                .with_bars(bars)
                .with_stereo(StereoImage::Wide { side_gain: side });
            match title {
                // Seed chosen so the boom-bap kick is 1, "and" of 2, "and" of 3 (variant 1)
                // with a harmonic-minor i-iv-V-i over a tonic pedal.
                "Glass Harbour" | "Low Orbit" => s.seed = 3,
                "Solar Drift" => s.tuning_cents = 30.0,
                "Velvet Static" => {
                    s.stereo = StereoImage::Mono;
                    s.swing = 1.7;
                }
                "Harbour Lights" => s.start_offset_secs = 0.25,
                _ => {}
            }
            s
        })
        .collect()
}

/// Finds a seed (starting from the hash of `base`) whose variation uses progression `want`.
fn seed_for_progression(spec: &TrackSpec, base: &str, want: usize) -> u64 {
    let mut s = spec.clone();
    let h = hash_str(base);
    for k in 0..10_000u64 {
        s.seed = h.wrapping_add(k);
        if variation(&s).progression == want {
            return s.seed;
        }
    }
    h
}

/// 24 specs, one per key (12 major + 12 minor, interleaved C major, C minor, C# major, ...),
/// 24-32 s each (12 bars below 120 BPM, 16 bars from 120 BPM), tempos 90-130, grooves
/// FourOnTheFloor / Breakbeat / HipHop / Sparse. Every progression of
/// [`MAJOR_PROGRESSIONS`] / [`MINOR_PROGRESSIONS`] is used (chosen through the seed).
/// No tuning offset; `Wide` stereo with side gain 0.2-0.4.
pub fn key_test_set() -> Vec<TrackSpec> {
    const TEMPOS: [f64; 24] = [
        120.0, 96.0, 124.0, 104.0, 92.0, 128.0, 110.0, 100.0, 126.0, 94.0, 116.0, 130.0, 98.0,
        122.0, 106.0, 90.0, 125.0, 112.0, 102.0, 118.0, 95.0, 127.0, 108.0, 121.0,
    ];
    let mut out = Vec::with_capacity(24);
    for (i, &bpm) in TEMPOS.iter().enumerate() {
        let root = (i / 2) as u8;
        let minor = i % 2 == 1;
        let groove = if bpm < 100.0 {
            if i % 3 == 0 {
                Groove::Sparse
            } else {
                Groove::HipHop
            }
        } else if bpm < 118.0 {
            if i % 2 == 0 {
                Groove::Sparse
            } else {
                Groove::Breakbeat
            }
        } else if i % 3 == 0 {
            Groove::Breakbeat
        } else {
            Groove::FourOnTheFloor
        };
        let mode = if minor { "minor" } else { "major" };
        let title = format!("Key Study {} {}", KEY_NAMES[usize::from(root)], mode);
        let bars = if bpm >= 120.0 { 16 } else { 12 };
        let mut spec = TrackSpec::new(&title, bpm, root, minor, groove)
            .with_artist("Key Test Set")
            .with_bars(bars)
            .with_stereo(StereoImage::Wide {
                side_gain: 0.2 + 0.05 * (i % 5) as f32,
            });
        let nprog = if minor {
            MINOR_PROGRESSIONS.len()
        } else {
            MAJOR_PROGRESSIONS.len()
        };
        spec.seed = seed_for_progression(&spec, &title, (i / 2) % nprog);
        out.push(spec);
    }
    out
}

/// 14 specs spanning 70..=180 BPM, 20-30 s each (bars = the smallest multiple of 4
/// lasting >= 20 s), including tempting cases: HipHop at 70, 85 and 92 with dense 16th hats,
/// Sparse at 150 and 165 (kick on 1 and 3), HalfTimeFeel at 170, 178 and 180,
/// FourOnTheFloor at 120, 123.5 and 130, Breakbeat at 97.3, 100 and 140.
/// One swung HipHop (1.5), one swung Breakbeat (1.6); two with a start offset.
pub fn tempo_test_set() -> Vec<TrackSpec> {
    use Groove::*;
    let list: [(f64, Groove, u8, bool); 14] = [
        (70.0, HipHop, 2, true),
        (85.0, HipHop, 0, false),
        (92.0, HipHop, 5, true),
        (97.3, Breakbeat, 7, false),
        (100.0, Breakbeat, 11, true),
        (120.0, FourOnTheFloor, 4, true),
        (123.5, FourOnTheFloor, 1, false),
        (130.0, FourOnTheFloor, 6, true),
        (140.0, Breakbeat, 8, true),
        (150.0, Sparse, 3, false),
        (165.0, Sparse, 10, true),
        (170.0, HalfTimeFeel, 4, true),
        (178.0, HalfTimeFeel, 7, false),
        (180.0, HalfTimeFeel, 9, true),
    ];
    let mut out: Vec<TrackSpec> = list
        .iter()
        .map(|&(bpm, g, root, minor)| tempo_spec(bpm, g, root, minor))
        .collect();
    for s in out.iter_mut() {
        if s.bpm == 92.0 {
            s.swing = 1.5;
        }
        if s.bpm == 100.0 {
            s.swing = 1.6;
        }
        if s.bpm == 123.5 {
            s.start_offset_secs = 0.37;
        }
        if s.bpm == 165.0 {
            s.start_offset_secs = 1.0;
        }
    }
    out
}

fn tempo_spec(bpm: f64, g: Groove, root: u8, minor: bool) -> TrackSpec {
    let title = format!("Tempo Study {bpm} {}", g.name());
    let bar = 240.0 / bpm;
    let bars = ((20.0 / bar / 4.0).ceil() as u32).max(1) * 4;
    TrackSpec::new(&title, bpm, root, minor, g)
        .with_artist("Tempo Test Set")
        .with_bars(bars)
}
