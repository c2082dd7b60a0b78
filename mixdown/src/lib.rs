//! Offline mixes: the plugin's transitions rendered to a file, beat-matched and
//! phrase-aligned, for two tracks (`aidj mix A B`) or a whole set (`aidj mix --playlist`).
//!
//! * [`track`]: a track's audio (decoded whole, at the mix's rate) and its report.
//! * [`layout`]: where each track plays and how fast. A join starts on the outgoing
//!   track's mix-out (the last phrase start leaving the transition's length of music) and
//!   brings the incoming track in at its mix-in (its first phrase); during the join both
//!   tracks' beat grids are placed on one beat clock whose tempo glides from the outgoing
//!   track's to the incoming one's while the crossfader moves, so their beats and bars
//!   coincide and the output's tempo moves as the preset says.
//! * [`render`]: the layout through [`aidj_mixer::Mixer`] (the plugin's engine, presets
//!   and automation), each track matched to the first one's loudness and the whole kept
//!   under a true-peak ceiling (-1 dBTP).
//! * [`warp`] reads a track at any position (tempo by resampling); [`keylock`] stretches
//!   it with the pitch kept instead (`keylock` feature).
//! * [`wav`]: 24-bit WAV and cue sheet, written atomically.
//!
//! A library: it never prints; errors name the file and the reason.

pub mod error;
pub mod keylock;
pub mod layout;
pub mod render;
pub mod track;
pub mod warp;
pub mod wav;

pub use error::{Error, Result};
pub use layout::{plan, Join, Layout, LayoutOptions};
pub use render::{render, RenderOptions, Rendered};
pub use track::Track;
