//! `aidj mix` and the plugin play a preset the same way: the offline renderer's decks fed to
//! the plugin (host transport at the same tempo, Start pressed before the same bar) come
//! out as the renderer's mix, within float rounding.

mod common;

use aidj_analysis::Report;
use aidj_mixdown::layout::LayoutOptions;
use aidj_mixdown::render::deck_signals;
use aidj_mixdown::{plan, render, RenderOptions, Track};
use aidj_synth::{render as synth, Groove, TrackSpec};
use common::{Host, HostTransport};

const RATE: u32 = 48_000;

/// A generated 120 BPM track with an exact beat grid in its report (so the join's clock
/// runs at a constant 120 BPM, as the host's).
fn track(title: &str, root: u8, lufs: f64) -> Track {
    let mut spec = TrackSpec::new(title, 120.0, root, true, Groove::FourOnTheFloor);
    spec.bars = 24;
    spec.sample_rate = RATE;
    let audio = synth(&spec);
    let secs = audio.frames() as f64 / f64::from(RATE);
    let mut report = Report::default();
    let r = &mut report.analysis.rhythm;
    r.tempo_bpm_global = Some(120.0);
    r.beat_times = spec.beat_times();
    r.downbeat_times = spec.downbeat_times();
    r.phrases.eight_bar = spec.phrase_starts_secs();
    r.mix_in_secs = Some(0.0);
    r.music_end_secs = Some(secs);
    report.analysis.dynamics.lufs = Some(lufs);
    Track::from_audio(
        format!("{title}.wav").into(),
        RATE,
        [audio.channels[0].clone(), audio.channels[1].clone()],
        report,
    )
}

#[test]
fn the_offline_render_of_a_preset_is_the_plugins_output() {
    let tracks = [track("Engine A", 9, -14.0), track("Engine B", 4, -17.0)];
    let echo_out = aidj_plugin::presets::index_of("Echo out").expect("preset");
    let shape = aidj_plugin::resolve_shape(echo_out, Some(4.0), true).expect("shape");
    let layout = plan(
        &tracks,
        RATE,
        &LayoutOptions {
            shape,
            at_secs: None,
            preview_bars: None,
        },
    )
    .expect("plan");
    let join = &layout.joins[0];
    assert_eq!(join.tempi(), (120.0, 120.0));
    let start = join.start as usize;
    let beat = RATE as usize / 2;
    assert_eq!(start % (4 * beat), 0, "the join starts on a bar line");
    let mix = render(&tracks, &layout, &RenderOptions::default(), &mut |_| {}).expect("render");
    let [a, b] = deck_signals(&tracks, &layout, &RenderOptions::default()).expect("decks");

    let mut host = Host::new(RATE as f32, 256);
    host.transport = Some(HostTransport {
        bpm: 120.0,
        beat: 0.0,
    });
    host.set_str("tr_preset", "Echo out");
    host.set_str("tr_length", "4 bars");
    host.set_str("tr_phrase", "1 bar");
    host.set_str("xfader", "A");
    let press = start - beat;
    let out = host.run(&a, &b, 256, &[press, press + 256], |h, f| {
        h.set("tr_start", if f == press { 1.0 } else { 0.0 });
    });

    // The render's whole-mix ceiling gain aside, sample for sample the same.
    let g = 10f32.powf(mix.ceiling_gain_db as f32 / 20.0);
    let end = (join.end() as usize + 4 * RATE as usize).min(out[0].len());
    let from = start - RATE as usize / 2;
    let worst = mix
        .audio
        .iter()
        .zip(&out)
        .flat_map(|(m, o)| m[from..end].iter().zip(&o[from..end]))
        .map(|(m, o)| (m / g - o).abs())
        .fold(0.0f32, f32::max);
    println!("largest difference plugin vs offline render: {worst:e}");
    assert!(worst < 1e-5, "plugin and render differ by {worst}");
    // And it is a transition: deck A before, deck B (with A's echo dying away) after.
    let energy = |x: &[f32]| x.iter().map(|v| v * v).sum::<f32>();
    let r = RATE as usize;
    assert!(energy(&out[0][start - r..start]) > 0.0);
    assert!(energy(&b[0][end - r..end]) > 0.0);
}
