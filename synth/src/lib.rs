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
pub use render::render;
pub use spec::{Groove, StereoImage, TrackSpec, KEY_NAMES};
