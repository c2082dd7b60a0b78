use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::{key_test_set, render};
#[test]
#[ignore]
fn debug_one() {
    let idx: usize = std::env::var("KEY_IDX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(13);
    let spec = key_test_set()[idx].clone();
    let v = aidj_synth::arrangement::variation(&spec);
    println!("{} {:?}", spec.key_name(), v);
    let audio = render(&spec);
    let mut a = Analyzer::new(audio.sample_rate, 2, AnalysisConfig::default()).unwrap();
    a.push(&[&audio.channels[0], &audio.channels[1]]);
    let (an, _, _) = a.finish();
    let t = an.tonal.harmony;
    let f = |v: &Vec<f64>| {
        v.iter()
            .map(|x| format!("{x:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "chroma {}\nbass   {}",
        f(&t.chroma_mean),
        f(&t.bass_chroma_mean)
    );
    for k in t.key_scores.iter().take(5) {
        println!("{:?} {:?}", k.key, k.score);
    }
    for s in t.chords.segments.iter().take(40) {
        print!("{}@{:.1} ", s.chord, s.start);
    }
    println!("\n{:?}", t.chords.histogram);
    println!("mod {:?}", t.modulation);
    println!(
        "diss {:?} tension {:?} tonnetz {:?}",
        t.dissonance_index, t.tonal_tension.stats, t.tonnetz_mean
    );
}
