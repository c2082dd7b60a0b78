//! The library in the plugin: opened from a folder off the audio thread while `process()`
//! runs (under the allocation checker), suggestions for the deck on air from its live
//! read-out, the FLX4's browse and LOAD through `process()`, and a track never queued on
//! both decks.

mod common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use aidj_plugin::library::{LibraryState, Settings};
use aidj_plugin::shared::Shared;
use aidj_synth::{render, Groove, TrackSpec};
use common::Host;
use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::*;

const RATE: f32 = 44_100.0;

fn spec(title: &str, bpm: f64, root: u8) -> TrackSpec {
    let mut s = TrackSpec::new(title, bpm, root, true, Groove::FourOnTheFloor);
    s.bars = 17;
    s
}

fn write(dir: &Path, s: &TrackSpec) {
    let mut small = s.clone();
    // Past `FULL_CONFIDENCE_SECS` (30 s): a shorter track's key is less sure, and unsure
    // keys count less in the suggestions.
    small.bars = 17;
    small.sample_rate = 22_050;
    render(&small)
        .write_wav(&dir.join(format!("{}.wav", s.title)))
        .expect("wav");
}

fn stereo(s: &TrackSpec, secs: f64) -> [Vec<f32>; 2] {
    let audio = render(s);
    let n = ((secs * f64::from(audio.sample_rate)) as usize).min(audio.frames());
    [
        audio.channels[0][..n].to_vec(),
        audio.channels[1][..n].to_vec(),
    ]
}

fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !done() {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn browse(timing: u32, steps: u8) -> PluginNoteEvent<aidj_plugin::AiDj> {
    NoteEvent::MidiCC {
        timing,
        channel: 6,
        cc: 0x40,
        value: f32::from(steps) / 127.0,
    }
}

fn load(timing: u32, deck: usize) -> PluginNoteEvent<aidj_plugin::AiDj> {
    NoteEvent::NoteOn {
        timing,
        voice_id: VoiceID::Wildcard,
        channel: Channel::Number(6),
        key: Key::Number(0x46 + deck as u8),
        velocity: 1.0,
    }
}

fn silence(host: &mut Host, frames: usize, events: &[PluginNoteEvent<aidj_plugin::AiDj>]) {
    let z = vec![0.0f32; frames];
    let (mut l, mut r) = (z.clone(), z.clone());
    host.block([&z, &z], [&z, &z], [&mut l, &mut r], events);
}

#[test]
fn suggestions_follow_the_deck_on_air_and_the_flx4_loads_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let playing = spec("Playing", 124.0, 9);
    let library = [
        spec("Near", 125.0, 4),
        spec("Same key", 123.0, 9),
        spec("Other", 126.0, 0),
        spec("Far tempo", 90.0, 9),
        spec("Clash", 124.0, 3),
    ];
    for s in &library {
        write(d, s);
    }
    std::fs::write(d.join("broken.mp3"), b"not audio").expect("junk");

    let mut host = Host::new(RATE, 512);
    host.set("xfader", -1.0); // deck A on air
    let shared: std::sync::Arc<Shared> = host.plugin.shared();
    let lib = shared.library.clone();
    assert_eq!(lib.state(), LibraryState::Empty);
    // These generated tracks are 33 s long: no lower bound on the length.
    lib.set_settings(Settings {
        min_duration_secs: None,
        ..Settings::default()
    });
    lib.open(d.to_path_buf());
    // The audio thread keeps running (allocation-checked) while the folder is analysed.
    wait("the library", || {
        silence(&mut host, 512, &[]);
        matches!(
            lib.state(),
            LibraryState::Ready { .. } | LibraryState::Failed(_)
        )
    });
    let LibraryState::Ready {
        tracks, skipped, ..
    } = lib.state()
    else {
        panic!("{:?}", lib.state());
    };
    assert_eq!((tracks, skipped), (5, 1));

    // Deck A plays: suggestions for deck A once its read-out and feature vector exist.
    // Past `FULL_CONFIDENCE_SECS`, so that the deck's key is sure; two seconds at a time,
    // each once the analysis thread has caught up (at full speed the 4 s rings drop what
    // it has not read yet, and less of the track is heard).
    let a = stereo(&playing, 32.0);
    let chunk = 2 * RATE as usize;
    for start in (0..a[0].len()).step_by(chunk) {
        let end = (start + chunk).min(a[0].len());
        let part = [a[0][start..end].to_vec(), a[1][start..end].to_vec()];
        let quiet = [vec![0.0f32; end - start], vec![0.0f32; end - start]];
        host.run(&part, &quiet, 512, &[], |_, _| {});
        let fed = end as f64 / f64::from(RATE) - 1.5;
        wait("the analysis thread", || {
            shared.live_snapshot(0).is_some_and(|s| s.t >= fed)
        });
    }
    let t0 = Instant::now();
    // Until the deck's key is sure: before, it counts less and is shown as "8A?".
    wait("suggestions with a sure key", || {
        silence(&mut host, 64, &[]);
        if t0.elapsed() > Duration::from_secs(100) {
            println!("still: {:?}", lib.suggestions());
        }
        let s = lib.suggestions();
        !s.rows.is_empty() && s.basis.ends_with("8A")
    });
    let sugg = lib.suggestions();
    println!("{} ({:.2} ms)", sugg.basis, sugg.took_ms);
    for r in &sugg.rows {
        println!("  {} {:?} {:?} {}", r.label, r.bpm, r.camelot, r.reasons);
    }
    assert_eq!(sugg.deck, 0);
    assert!(sugg.basis.starts_with("deck A: 124"), "{}", sugg.basis);
    let names: Vec<&str> = sugg.rows.iter().map(|r| r.label.as_str()).collect();
    assert!(!names.contains(&"Far tempo"), "{names:?}");
    // The harmonic neighbours at close tempi first, the clashing key after them.
    let mut top: Vec<&str> = names.iter().take(2).copied().collect();
    top.sort_unstable();
    assert_eq!(top, ["Near", "Same key"], "{names:?}");

    // FLX4: browse one down, LOAD B: that row is deck B's next track.
    let list = lib.list();
    silence(&mut host, 512, &[browse(0, 1), load(10, 1)]);
    wait("the LOAD", || {
        silence(&mut host, 64, &[]);
        lib.next(1).is_some()
    });
    assert_eq!(lib.selected.load(Ordering::Relaxed), 1);
    assert_eq!(lib.next(1).map(|r| r.track), Some(list[1].track));
    // Loaded on B, it leaves the suggestions; loading it on A takes it off B.
    wait("the refresh", || {
        silence(&mut host, 64, &[]);
        lib.suggestions()
            .rows
            .iter()
            .all(|r| r.track != list[1].track)
    });
    lib.load(0, list[1].track, 1);
    assert!(lib.next(1).is_none() && lib.next(0).is_some());
}

#[test]
fn unloading_the_plugin_stops_a_folder_being_analysed() {
    let dir = tempfile::tempdir().expect("tmp");
    for i in 0..8 {
        write(dir.path(), &spec(&format!("T{i}"), 120.0 + f64::from(i), 9));
    }
    let host = Host::new(RATE, 512);
    let lib = host.plugin.shared().library.clone();
    lib.open(dir.path().to_path_buf());
    drop(host);
    // The loader lets go of the library at the next file, without finishing the folder.
    wait("the loader to stop", || {
        std::sync::Arc::strong_count(&lib) == 1
    });
    assert!(
        !matches!(lib.state(), LibraryState::Ready { .. }),
        "{:?}",
        lib.state()
    );
}
