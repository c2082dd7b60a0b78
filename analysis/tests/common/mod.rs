//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod scoring;

use aidj_analysis::report::Analysis;
use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::Audio;

/// Runs the streaming analyser over in-memory audio in decoder-sized blocks.
pub fn analyze_audio(audio: &Audio) -> (Analysis, Vec<String>) {
    analyze_with(audio, AnalysisConfig::default(), 4096)
}

pub fn analyze_with(
    audio: &Audio,
    config: AnalysisConfig,
    block: usize,
) -> (Analysis, Vec<String>) {
    let mut a = Analyzer::new(audio.sample_rate, audio.channels.len(), config).expect("analyzer");
    let frames = audio.frames();
    let mut start = 0;
    while start < frames {
        let end = (start + block).min(frames);
        let planes: Vec<&[f32]> = audio.channels.iter().map(|c| &c[start..end]).collect();
        a.push(&planes);
        start = end;
    }
    let (analysis, warnings, _) = a.finish();
    (analysis, warnings)
}

/// Planar audio from channels.
pub fn audio(sample_rate: u32, channels: Vec<Vec<f32>>) -> Audio {
    Audio {
        sample_rate,
        channels,
    }
}

/// Asserts `|got - want| <= tol`, naming the quantity.
pub fn assert_close(what: &str, got: Option<f64>, want: f64, tol: f64) {
    let g = got.unwrap_or_else(|| panic!("{what}: got null, want {want}"));
    assert!(
        (g - want).abs() <= tol,
        "{what}: got {g}, want {want} +- {tol}"
    );
}
