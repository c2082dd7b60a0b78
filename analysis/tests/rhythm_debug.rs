//! Debug helper: RHYTHM_DEBUG=1 RHYTHM_BPM=120 cargo test --test rhythm_debug -- --nocapture --ignored
use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::{render, tempo_test_set};

#[test]
#[ignore = "debug helper"]
fn debug_one() {
    let want: f64 = std::env::var("RHYTHM_BPM").ok().and_then(|s| s.parse().ok()).unwrap_or(120.0);
    for spec in tempo_test_set().into_iter().filter(|s| s.bpm == want) {
        let audio = render(&spec);
        let mut a = Analyzer::new(audio.sample_rate, 2, AnalysisConfig::default()).expect("a");
        a.push(&[&audio.channels[0], &audio.channels[1]]);
        let r = a.finish().0.rhythm;
        println!("{} -> {:?}", spec.title, r.tempo_bpm_global);
        println!("poly {:?}", r.polyrhythm_candidates);
    }
}
