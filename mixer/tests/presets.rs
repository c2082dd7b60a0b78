//! The preset files in `presets/` parse, validate and do what their names say.

use aidj_mixer::transition::BEATS_PER_BAR;
use aidj_mixer::{CurveKind, Direction, Transition, TransitionPreset};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../presets")
}

fn load(name: &str) -> TransitionPreset {
    let text =
        std::fs::read_to_string(dir().join(format!("{name}.json"))).expect("preset file readable");
    TransitionPreset::from_json(&text).expect("valid preset")
}

#[test]
fn all_presets_parse_and_validate() {
    let all = TransitionPreset::load_dir(dir()).unwrap();
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    for want in [
        "Long blend",
        "Bass swap",
        "Filter out",
        "Echo out",
        "Quick cut",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    for p in &all {
        p.validate().unwrap();
        assert!(!p.description.is_empty(), "{} has no description", p.name);
    }
}

#[test]
fn every_preset_moves_the_crossfader_end_to_end_in_both_directions() {
    for p in TransitionPreset::load_dir(dir()).unwrap() {
        for (dir, from, to) in [(Direction::AtoB, -1.0, 1.0), (Direction::BtoA, 1.0, -1.0)] {
            let t = Transition::new(p.shape, dir);
            assert_eq!(t.state_at(0.0).crossfader, from, "{}", p.name);
            assert_eq!(t.state_at(1.0).crossfader, to, "{}", p.name);
            let out = dir.outgoing();
            let inc = dir.incoming();
            if p.shape.bass_swap.is_some() {
                // Incoming low killed at the start, outgoing low killed at the end.
                assert_eq!(t.state_at(0.0).low_gain[inc], 0.0, "{}", p.name);
                assert_eq!(t.state_at(0.0).low_gain[out], 1.0, "{}", p.name);
                assert_eq!(t.state_at(1.0).low_gain[out], 0.0, "{}", p.name);
                assert_eq!(t.state_at(1.0).low_gain[inc], 1.0, "{}", p.name);
            }
        }
    }
}

#[test]
fn preset_tables() {
    let bass = load("bass_swap");
    assert_eq!(bass.shape.crossfader.curve_kind, CurveKind::Additive);
    let t = Transition::new(bass.shape, Direction::AtoB);
    // Swap window 0.25 bar of 16 centred on 0.5: 0.4921875..0.5078125.
    assert_eq!(t.state_at(0.49).low_gain, [1.0, 0.0]);
    assert_eq!(t.state_at(0.51).low_gain, [0.0, 1.0]);
    assert_eq!(t.state_at(0.5).crossfader, 0.0);

    let long = load("long_blend");
    assert_eq!(long.shape.length_bars * BEATS_PER_BAR as f32, 128.0);
    assert_eq!(long.shape.crossfader.curve_kind, CurveKind::ConstantPower);

    let filt = load("filter_out");
    let t = Transition::new(filt.shape, Direction::BtoA);
    let s = t.state_at(0.0);
    assert_eq!(s.filter, [Some(-0.7), Some(0.0)]); // A incoming (LP), B outgoing (open)
    let s = t.state_at(1.0);
    assert_eq!(s.filter, [Some(0.0), Some(0.85)]);
    assert_eq!(t.state_at(0.25).crossfader, 1.0); // crossfader waits for the second half

    let echo = load("echo_out");
    let t = Transition::new(echo.shape, Direction::AtoB);
    assert_eq!(t.state_at(0.25).echo.unwrap().send, 0.0);
    let e = t.state_at(0.6).echo.unwrap();
    assert_eq!((e.deck, e.send, e.beats), (0, 0.7, 0.75));
    assert_eq!(t.state_at(0.8).crossfader, 1.0); // deck gone, tail still fed until the end
    assert_eq!(t.state_at(1.0).echo.unwrap().send, 0.0);

    let cut = load("quick_cut");
    let t = Transition::new(cut.shape, Direction::AtoB);
    assert_eq!(t.state_at(0.7).crossfader, -1.0);
    assert_eq!(t.state_at(0.8).crossfader, 1.0);
    assert_eq!(cut.shape.crossfader.curve_kind, CurveKind::Cut);
}
