//! Feature families. Each has a streaming accumulator fed frame by frame (or block by
//! block) and a summary that turns what was accumulated into its report section.

pub mod dynamics;
pub mod instrumentation;
pub mod loudness;
pub mod mood;
pub mod rhythm;
pub mod spatial;
pub mod spectral;
pub mod tonal;
pub mod vocal;
