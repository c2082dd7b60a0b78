//! The transition presets the plugin offers: the mixer crate's built-in list (the files in
//! the repository's `presets/` folder), shared with `aidj mix`.

pub use aidj_mixer::presets::{builtin, get, index_of, name};
