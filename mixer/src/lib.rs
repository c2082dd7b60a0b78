//! AI DJ mixer (WIP).
#![forbid(unsafe_code)]
pub mod eq;
pub mod gain;
pub mod smoother;
pub mod svf;
