//! # aidj-synth
//!
//! Deterministic synthetic music with **known ground truth** (tempo, beat grid,
//! key, phrase boundaries, stereo image, swing, loudness), used by AI DJ's
//! analysis accuracy tests and by `aidj demo`.
//!
//! * [`TrackSpec`] describes a track; [`render`] turns it into [`Audio`].
//! * [`demo_library`], [`key_test_set`] and [`tempo_test_set`] are ready-made sets.
//! * [`signals`] has simple test signals, [`ebu3341`] the EBU Tech 3341 loudness cases.
//! * [`arrangement`] exposes the exact event lists (drum hits, notes, chords,
//!   sections) that the renderer plays, so tests can compare against them.
//!
//! Everything is seeded (a small xorshift PRNG in [`rng`]); the only I/O is
//! [`Audio::write_wav`] / [`Audio::write_wav_f32`].
//!
//! ```
//! use aidj_synth::{render, Groove, TrackSpec};
//! let spec = TrackSpec::new("Neon Tide", 122.0, 9, true, Groove::FourOnTheFloor).with_bars(4);
//! assert_eq!(spec.key_name(), "A minor");
//! let audio = render(&spec);
//! assert_eq!(audio.frames(), spec.frames());
//! assert!((spec.beat_times()[1] - 60.0 / 122.0).abs() < 1e-12);
//! ```
//!
//! ## Ground truth conventions
//!
//! * `bpm` is the quarter-note tempo DJs report (HipHop 85 is 85, DnB 174 is 174).
//! * Beat `k` is at `start_offset_secs + k * 60 / bpm`, bar `b` at `start_offset_secs + 4 b * 60 / bpm`;
//!   nothing sounds before `start_offset_secs`. Kick/snare hits on beats are never
//!   swung; every event is placed at sample `round(t * sample_rate)`.
//! * Key: the tonic chord starts every harmonic section, is the most frequent chord
//!   and ends the track; intro/outro bass holds a tonic pedal; the kick's tail pitch
//!   and the snare's tone are tuned to the tonic.
//! * Phrases: 8-bar sections ([`arrangement::sections`]); each new section starts with a
//!   crash and a change of instrumentation; a fill precedes every drop.
//!
//! ## Where things sit (for analyser authors)
//!
//! | part | range | level (linear peak, velocity 1, before peak normalisation) |
//! |------|-------|-------|
//! | kick | sweep 150 Hz -> tonic in MIDI 26..38 (37-69 Hz), 160 ms decay, click > 1.5 kHz | 1.0 |
//! | bass | roots in MIDI 31..43 (49-92 Hz, octave jumps to 54), sine + low-passed saw | ~0.45 |
//! | snare | tonic in MIDI 51..63 (156-294 Hz) + its fifth, noise 1.2-5 kHz | 0.5 |
//! | clap | noise around 1.2 kHz | 0.5 |
//! | hats / ride / crash | noise high-passed at 7 / 5 / 4 kHz | 0.16 / 0.12 / 0.16 |
//! | pad | 4 voices in MIDI 48..72 (131-523 Hz), harmonics up to 8th | ~0.3 |
//! | lead | arpeggio in MIDI 60..84 (262-1047 Hz), 220 ms pluck | ~0.3 |
//!
//! Typical mix (demo library): RMS about -14 to -16 dBFS at -1 dBFS peak; drums and bass
//! 6-10 dB above the pad, lead a further ~7 dB down; energy below 150 Hz ~4x the energy above.
//! Chroma is clean from ~100 Hz up; below that, kick sweeps and bass fundamentals dominate.

#![warn(missing_docs)]

pub mod arrangement;
mod audio;
pub mod dsp;
pub mod ebu3341;
mod instruments;
mod library;
mod render;
pub mod rng;
pub mod signals;
mod spec;

pub use arrangement::hat_onset_times;
pub use audio::Audio;
pub use library::{demo_library, key_test_set, tempo_test_set};
pub use render::{render, render_stems, Stems};
pub use spec::{Groove, StereoImage, TrackSpec, KEY_NAMES};
