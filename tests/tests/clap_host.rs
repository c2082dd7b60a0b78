//! The bundled `AI DJ.clap` in a CLAP host (clack-host): descriptor, ports, parameters, the
//! crossfader with sample-accurate automation, a transition triggered on the host transport,
//! FLX4 MIDI, state round trips, block-size invariance, hostile input and host habits (a
//! sidechain with no data, start/stop processing around every block, unloading the library).
//!
//! Every test skips (a note on stderr) when the bundle is missing, and fails instead with
//! `AIDJ_REQUIRE_BUNDLE=1`. Build the bundle with `cargo xtask bundle aidj-plugin --release`.
//!
//! Signals: deck A is a 220 Hz sine (60 Hz where the low EQ band matters), deck B a 1.76 kHz
//! sine, 0.5 peak each, at 48 kHz in 512-frame blocks. Timing facts of the mixer the tests rely
//! on: parameters are read every 16 frames (a control tick) and the crossfader ramps for 4 ms
//! (192 frames at 48 kHz); gains, trims and faders ramp for 10 ms.

use aidj_e2e::signal::{add, first_difference, last_difference, max_diff, sine, tone_in};
use aidj_e2e::{
    clap_bundle_or_skip, clap_bundle_path, descriptors, load_entry, load_entry_unpinned,
    param_hash, Aux, Event, PluginHost, Schedule, Stereo, Transport, PARAM_IDS, PLUGIN_ID,
    PLUGIN_NAME,
};

const SR: f64 = 48_000.0;
const BLOCK: usize = 512;
const FREQ_A: f64 = 220.0;
const FREQ_B: f64 = 1760.0;
const AMP: f64 = 0.5;
/// One control tick plus the 4 ms crossfader ramp, in frames.
const XF_SETTLE: usize = 16 + 192;
/// Bit-exact in practice; a little slack for a future f64 -> f32 rounding change.
const EXACT: f32 = 1e-6;

/// A host with the plugin instantiated and activated at 48 kHz / 512, or `None` to skip.
fn active_host(test: &str) -> Option<PluginHost> {
    let path = clap_bundle_or_skip(test)?;
    let mut host = PluginHost::load(&path).unwrap_or_else(|e| panic!("{test}: {e}"));
    host.activate(SR, BLOCK)
        .unwrap_or_else(|e| panic!("{test}: {e}"));
    Some(host)
}

fn decks(frames: usize) -> (Stereo, Stereo) {
    (sine(FREQ_A, AMP, SR, frames), sine(FREQ_B, AMP, SR, frames))
}

fn render(host: &mut PluginHost, a: &Stereo, b: &Stereo, events: &[Event]) -> Stereo {
    host.render(a, Aux::Signal(b), events, None)
        .unwrap_or_else(|e| panic!("render: {e}"))
}

#[test]
fn descriptor_ports_and_parameters() {
    let Some(path) = clap_bundle_or_skip("descriptor_ports_and_parameters") else {
        return;
    };
    let entry = load_entry(&path).expect("entry");
    let descs = descriptors(&entry).expect("factory");
    assert_eq!(descs.len(), 1, "{descs:?}");
    let d = &descs[0];
    assert_eq!(d.id, PLUGIN_ID);
    assert_eq!(d.name, PLUGIN_NAME);
    assert!(d.features.iter().any(|f| f == "audio-effect"), "{d:?}");

    let mut host = PluginHost::new(&entry).expect("instance");
    let inputs = host.audio_ports(true).expect("audio ports");
    let outputs = host.audio_ports(false).expect("audio ports");
    assert_eq!(inputs.len(), 2, "{inputs:?}");
    assert!(inputs[0].is_main && inputs[0].channels == 2, "{inputs:?}");
    assert!(!inputs[1].is_main && inputs[1].channels == 2, "{inputs:?}");
    assert_eq!(inputs[1].name, "Deck B");
    // Not "Deck A" on the output (nice-plug names the main output after the main input).
    assert_eq!(inputs[0].name, "Deck A in / Mix out");
    assert_eq!(
        outputs.first().map(|o| o.name.as_str()),
        Some("Deck A in / Mix out")
    );
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    assert!(
        outputs[0].is_main && outputs[0].channels == 2,
        "{outputs:?}"
    );

    // MIDI in (the FLX4): one note input port that speaks MIDI (dialect bit 2).
    let notes = host.note_ports(true).expect("note ports");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_ne!(notes[0].dialects & 2, 0, "{notes:?}");

    // Every parameter id string is there under nice-plug's hash.
    let params = host.params().to_vec();
    assert_eq!(params.len(), PARAM_IDS.len(), "{params:#?}");
    for id in PARAM_IDS {
        let hash = param_hash(id);
        assert!(
            params.iter().any(|p| p.id == hash),
            "{id} (hash {hash}) missing from {params:#?}"
        );
    }
    // Spot checks of ranges and defaults in CLAP values (normalized * steps).
    let p = host.param("xfader").expect("xfader");
    assert_eq!((p.min, p.max, p.default), (0.0, 1.0, 0.5));
    let p = host.param("tr_phrase").expect("tr_phrase");
    assert_eq!((p.max, p.default), (4.0, 3.0), "5 grids, default 8 bars");
    let p = host.param("tr_length").expect("tr_length");
    assert_eq!((p.max, p.default), (6.0, 0.0), "preset + 6 lengths");
    let p = host.param("bypass").expect("bypass");
    assert_ne!(p.flags & (1 << 4), 0, "bypass has CLAP_PARAM_IS_BYPASS");
    assert_eq!(host.param_value("a_fader").expect("value"), 1.0);
}

/// Crossfader at A: deck A only, bit-exact. An automation event mid-block moves it to B: the
/// output leaves deck A within one control tick of the event and is deck B alone once the
/// 4 ms ramp is over. Nothing is echoed back to the host.
#[test]
fn crossfader_automation_is_sample_accurate() {
    let Some(mut host) = active_host("crossfader_automation_is_sample_accurate") else {
        return;
    };
    let n = 2 * 48_000;
    let (a, b) = decks(n);
    // 96 blocks and 300 frames: in the middle of a block.
    let t0 = 96 * BLOCK + 300;
    let events = [
        host.param_event(0, "xfader", 0.0),
        host.param_event(t0, "xfader", 1.0),
    ];
    let out = render(&mut host, &a, &b, &events);

    let before = max_diff(&out, &a, 0..t0);
    assert!(before <= EXACT, "deck A only before the event: {before}");
    let leaves = first_difference(&out, &a, 0..n, EXACT).expect("the output changes");
    assert!(
        (t0..=t0 + 16).contains(&leaves),
        "left deck A at {leaves}, event at {t0}"
    );
    let settled = last_difference(&out, &b, t0..n, EXACT).map_or(t0, |i| i + 1);
    assert!(
        settled <= t0 + XF_SETTLE,
        "deck B only from {settled}, expected by {} (event {t0} + tick + 4 ms)",
        t0 + XF_SETTLE
    );
    // The ramp takes time: not a jump.
    assert!(
        settled >= t0 + 150,
        "ramp too short: B alone from {settled}"
    );
    // The same, measured as tones over 50 ms windows.
    let w = 2400;
    assert!(tone_in(&out, t0 - w..t0, FREQ_B, SR) < 1e-5);
    assert!((tone_in(&out, t0 - w..t0, FREQ_A, SR) - AMP).abs() < 1e-3);
    let after = t0 + XF_SETTLE..t0 + XF_SETTLE + w;
    assert!(tone_in(&out, after.clone(), FREQ_A, SR) < 1e-5);
    assert!((tone_in(&out, after, FREQ_B, SR) - AMP).abs() < 1e-3);
    // The host's automation is not echoed back (a host would mark the lane overridden).
    assert_eq!(host.output_event_count(), 0, "events sent back to the host");
}

/// A triggered transition on the host's transport at 128 BPM: Start pressed in the middle of
/// bar 1 (phrase grid 1 bar, length 1 bar, preset 0 "Long blend") starts exactly on the next
/// bar line and ends one bar later on deck B, which is then held.
#[test]
fn triggered_transition_starts_on_the_bar_line() {
    let Some(mut host) = active_host("triggered_transition_starts_on_the_bar_line") else {
        return;
    };
    let transport = Transport::playing(128.0);
    // 128 BPM at 48 kHz: 22 500 frames per beat, 90 000 per bar.
    let beat = transport.frames_per_beat(SR);
    assert_eq!(beat, 22_500.0);
    let bar = 90_000usize;
    let n = 4 * bar;
    let (a, b) = decks(n);
    let press = 33_750; // beat 1.5 of bar 1, frame 470 of a block
    let events = [
        host.param_event(0, "xfader", 0.0),
        host.step_event(0, "tr_phrase", 1), // "1 bar"
        host.step_event(0, "tr_length", 1), // "1 bar"
        host.step_event(0, "tr_preset", 0),
        host.step_event(press, "tr_start", 1),
        host.step_event(press + 4_800, "tr_start", 0),
    ];
    let out = host
        .render(&a, Aux::Signal(&b), &events, Some(&transport))
        .expect("render");

    // Until the bar line at frame 90 000: deck A only, untouched.
    let before = max_diff(&out, &a, 0..bar);
    assert!(before <= EXACT, "deck A only before the bar line: {before}");
    // The start: the first frame that is not deck A, within 2 ms after the bar line.
    let start = first_difference(&out, &a, 0..n, 1e-5).expect("a transition");
    let late_ms = (start as f64 - bar as f64) / SR * 1e3;
    assert!(
        (0.0..=2.0).contains(&late_ms),
        "transition started {late_ms:.2} ms after the bar line (frame {start})"
    );
    // Half way: constant power, deck B at -3 dB.
    let mid = bar + bar / 2;
    let b_mid = tone_in(&out, mid - 1200..mid + 1200, FREQ_B, SR);
    assert!(
        (b_mid / AMP - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.05,
        "deck B half way: {b_mid}"
    );
    // After the end (one bar later) and held for the next two bars: deck B only, bit-exact
    // once deck B's low band has ramped back to unity (10 ms) and its EQ has crossfaded back
    // to the dry signal (10 ms more).
    let end = 2 * bar;
    let tail = end + 1_000..n;
    let a_tail = tone_in(&out, tail.clone(), FREQ_A, SR);
    let b_tail = tone_in(&out, tail.clone(), FREQ_B, SR);
    assert!(a_tail < 1e-4, "deck A after the transition: {a_tail}");
    assert!((b_tail - AMP).abs() < 1e-3, "deck B after: {b_tail}");
    let held = max_diff(&out, &b, tail.clone());
    assert!(held <= EXACT, "deck B alone after the transition: {held}");
}

/// FLX4 MIDI moves the mix exactly as the parameters do: an EQ low kill on deck A (CC 0x0F /
/// 0x2F on channel 1), then the crossfader to 3/4 (14-bit: MSB 96, LSB 0 on channel 7, CC
/// 0x1F / 0x3F) and fully to B. One instance gets the MIDI, another the parameter events at
/// the same frames: the outputs are identical, and they did change.
#[test]
fn flx4_midi_moves_the_mix_like_the_parameters() {
    let Some(mut midi) = active_host("flx4_midi_moves_the_mix_like_the_parameters") else {
        return;
    };
    let Some(mut params) = active_host("flx4_midi_moves_the_mix_like_the_parameters") else {
        return;
    };
    let n = 48_000;
    // 60 Hz: far below the 250 Hz crossover, so the low kill removes it.
    let a = sine(60.0, AMP, SR, n);
    let b = sine(FREQ_B, AMP, SR, n);
    let (t_eq, t_xf, t_b) = (10_100, 25_300, 40_200);
    // 14-bit 12288 = 0.5 + 0.5 * 4096 / 8191 (the FLX4 decoder's centre-exact scaling).
    let xf_norm = f64::from(0.5f32 + 0.5 * 4096.0 / 8191.0);
    let midi_events = [
        Event::midi(t_eq, [0xB0, 0x0F, 0]),
        Event::midi(t_eq, [0xB0, 0x2F, 0]),
        Event::midi(t_xf, [0xB6, 0x1F, 96]),
        Event::midi(t_xf, [0xB6, 0x3F, 0]),
        Event::midi(t_b, [0xB6, 0x1F, 127]),
        Event::midi(t_b, [0xB6, 0x3F, 127]),
    ];
    let param_events = [
        params.param_event(t_eq, "a_eq_lo", 0.0),
        params.param_event(t_xf, "xfader", xf_norm),
        params.param_event(t_b, "xfader", 1.0),
    ];
    let by_midi = render(&mut midi, &a, &b, &midi_events);
    let by_param = render(&mut params, &a, &b, &param_events);

    let diff = max_diff(&by_midi, &by_param, 0..n);
    assert!(diff <= EXACT, "MIDI and parameter paths differ by {diff}");
    // And the MIDI did move the mix: before the kill deck A's 60 Hz is there...
    let lo_before = tone_in(&by_midi, t_eq - 4800..t_eq, 60.0, SR);
    assert!((lo_before - AMP).abs() < 1e-3, "60 Hz before: {lo_before}");
    // ... after it the lows are gone (> 60 dB down) while deck B is untouched ...
    let w = t_eq + 2400..t_xf;
    let lo_after = tone_in(&by_midi, w.clone(), 60.0, SR);
    assert!(lo_after < AMP * 1e-3, "60 Hz after the kill: {lo_after}");
    assert!((tone_in(&by_midi, w, FREQ_B, SR) - AMP).abs() < 1e-3);
    // ... and at the end the crossfader is at B: deck B alone.
    let tail = max_diff(&by_midi, &b, t_b + XF_SETTLE..n);
    assert!(tail <= EXACT, "deck B alone after the crossfader: {tail}");
}

/// The same input, automation and MIDI give bit-identical output whatever the host's block
/// size (the mixer reads parameters on a fixed 16-frame grid counted from activation, and
/// nice-plug splits blocks at each automation event).
#[test]
fn output_is_independent_of_the_block_size() {
    let Some(path) = clap_bundle_or_skip("output_is_independent_of_the_block_size") else {
        return;
    };
    let n = 2 * 48_000;
    let (a, b) = decks(n);
    let mut outputs = Vec::new();
    for block in [512, 64, 333, 4096] {
        let mut host = PluginHost::load(&path).expect("instance");
        host.activate(SR, block).expect("activate");
        let events = [
            host.param_event(0, "xfader", 0.25),
            host.param_event(0, "clock_src", 1.0),
            host.param_event(0, "clock_bpm", 1.0),
            host.step_event(0, "tr_phrase", 0),
            host.step_event(0, "tr_length", 1),
            host.param_event(3_001, "a_eq_mid", 0.2),
            host.param_event(7_777, "b_filter", 0.8),
            Event::midi(9_999, [0xB0, 0x07, 20]), // FLX4: deck A EQ high
            host.step_event(15_000, "tr_start", 1),
            host.step_event(15_500, "tr_start", 0),
            Event::midi(70_123, [0xB6, 0x17, 100]), // FLX4: deck A filter (CFX)
        ];
        outputs.push((block, render(&mut host, &a, &b, &events)));
    }
    let (_, reference) = &outputs[0];
    for (block, out) in &outputs[1..] {
        let diff = max_diff(out, reference, 0..n);
        assert!(
            diff == 0.0,
            "{block}-frame blocks differ from 512 by {diff}"
        );
    }
}

/// Parameters set by automation survive save -> new instance -> load: same parameter values,
/// and bit-identical output for the same input from a fresh activation.
#[test]
fn state_round_trip_gives_identical_output() {
    let Some(path) = clap_bundle_or_skip("state_round_trip_gives_identical_output") else {
        return;
    };
    let mut first = PluginHost::load(&path).expect("instance");
    first.activate(SR, BLOCK).expect("activate");
    let n = 48_000;
    let (a, b) = decks(n);
    let events = [
        first.param_event(0, "a_trim", 0.625), // +3 dB
        first.param_event(0, "a_eq_hi", 0.3),
        first.param_event(0, "a_eq_lo", 0.7),
        first.param_event(100, "b_filter", 0.3), // low-pass
        first.param_event(200, "b_fader", 0.8),
        first.param_event(300, "xfader", 0.6),
        first.step_event(300, "xf_shape", 1), // constant power
        first.param_event(300, "xf_curve", 0.4),
    ];
    render(&mut first, &a, &b, &events);
    let state = first.save_state().expect("save");
    assert!(!state.is_empty());

    let mut second = PluginHost::load(&path).expect("instance");
    second.load_state(&state).expect("load");
    for id in PARAM_IDS {
        assert_eq!(
            second.param_value(id).expect("value"),
            first.param_value(id).expect("value"),
            "{id} after the round trip"
        );
    }

    // Same input from a fresh activation of both.
    first.deactivate();
    first.activate(SR, BLOCK).expect("activate");
    second.activate(SR, BLOCK).expect("activate");
    let out1 = render(&mut first, &a, &b, &[]);
    let out2 = render(&mut second, &a, &b, &[]);
    assert_eq!(out1, out2, "outputs differ after the state round trip");

    // And the state mattered: a default instance sounds different.
    let mut default = PluginHost::load(&path).expect("instance");
    default.activate(SR, BLOCK).expect("activate");
    let out0 = render(&mut default, &a, &b, &[]);
    assert!(max_diff(&out0, &out1, 0..n) > 0.05);
}

/// A completed transition leaves deck B on air; a session saved then and reloaded comes back
/// with deck B on air (the persisted `on_air` field), not with the crossfader's deck A.
#[test]
fn state_keeps_the_deck_on_air() {
    let Some(path) = clap_bundle_or_skip("state_keeps_the_deck_on_air") else {
        return;
    };
    let mut first = PluginHost::load(&path).expect("instance");
    first.activate(SR, BLOCK).expect("activate");
    // Own clock (no transport) at 240 BPM: 1 bar = 1 s. Grid: next beat.
    let n = 2 * 48_000;
    let (a, b) = decks(n);
    let events = [
        first.param_event(0, "xfader", 0.0),
        first.param_event(0, "clock_src", 1.0),
        first.param_event(0, "clock_bpm", 1.0), // 240 BPM
        first.step_event(0, "tr_phrase", 0),
        first.step_event(0, "tr_length", 1),
        first.step_event(1000, "tr_start", 1),
        first.step_event(2000, "tr_start", 0),
    ];
    let out = render(&mut first, &a, &b, &events);
    let held = max_diff(&out, &b, n - 4800..n);
    assert!(held < 1e-4, "deck B on air after the transition: {held}");
    let state = first.save_state().expect("save");

    let mut second = PluginHost::load(&path).expect("instance");
    second.load_state(&state).expect("load");
    second.activate(SR, BLOCK).expect("activate");
    let out = render(&mut second, &a, &b, &[]);
    let a_level = tone_in(&out, 0..4800, FREQ_A, SR);
    assert!(
        a_level < 1e-4,
        "reloaded session: deck A audible ({a_level}), deck B not on air"
    );
    assert!(max_diff(&out, &b, 0..n) < 1e-4);
}

/// NaN and infinities in both decks: the output is finite (and within the +-4 clamp) and
/// equal to the output for the same input with those samples zeroed (the mixer's contract),
/// also with EQ and filters running whose state a NaN would poison.
#[test]
fn non_finite_input_gives_finite_output() {
    let Some(mut bad_host) = active_host("non_finite_input_gives_finite_output") else {
        return;
    };
    let Some(mut ok_host) = active_host("non_finite_input_gives_finite_output") else {
        return;
    };
    let n = 48_000;
    let (mut a, mut b) = decks(n);
    let (mut a0, mut b0) = (a.clone(), b.clone());
    let bad = [
        (0usize, 1000usize, f32::NAN),
        (1, 1001, f32::NAN),
        (0, 5000, f32::INFINITY),
        (1, 5001, f32::NEG_INFINITY),
        (0, 20_000, f32::NAN),
    ];
    for &(c, i, v) in &bad {
        a[c][i] = v;
        b[1 - c][i + 7] = v;
        a0[c][i] = 0.0;
        b0[1 - c][i + 7] = 0.0;
    }
    for i in 30_000..30_100 {
        a[0][i] = f32::NAN;
        a0[0][i] = 0.0;
    }
    let events = [
        bad_host.param_event(0, "a_eq_lo", 0.2),
        bad_host.param_event(0, "a_filter", 0.25),
        bad_host.param_event(0, "b_filter", 0.8),
        bad_host.param_event(0, "b_eq_hi", 0.9),
    ];
    let out = render(&mut bad_host, &a, &b, &events);
    let reference = render(&mut ok_host, &a0, &b0, &events);
    let worst = out.iter().flatten().fold(0.0f32, |m, x| {
        if x.is_finite() {
            m.max(x.abs())
        } else {
            f32::INFINITY
        }
    });
    assert!(worst.is_finite() && worst <= 4.0, "peak {worst}");
    let diff = max_diff(&out, &reference, 0..n);
    assert!(diff <= EXACT, "differs from the zeroed input by {diff}");
    // Still alive after the last burst.
    assert!(tone_in(&out, 40_000..n, FREQ_B, SR) > 0.01);
}

/// A sidechain that carries silence (flagged constant) or has no channels at all: no crash,
/// and deck A passes bit-exact at the default settings (additive crossfader in the middle,
/// EQ at unity, filter off).
#[test]
fn silent_or_missing_sidechain_passes_deck_a() {
    let Some(mut host) = active_host("silent_or_missing_sidechain_passes_deck_a") else {
        return;
    };
    let n = 24_000;
    let a = add(&sine(FREQ_A, 0.4, SR, n), &sine(3_000.0, 0.2, SR, n));
    for aux in [Aux::Silence, Aux::NoChannels, Aux::Silence] {
        let out = host.render(&a, aux, &[], None).expect("render");
        let diff = max_diff(&out, &a, 0..n);
        assert!(diff <= EXACT, "{aux:?}: deck A changed by {diff}");
    }
    // Deck B arriving again after a missing sidechain is mixed in.
    let b = sine(FREQ_B, AMP, SR, n);
    let out = host.render(&a, Aux::Signal(&b), &[], None).expect("render");
    assert!(max_diff(&out, &add(&a, &b), 0..n) <= EXACT);
}

/// The live analysis thread starts with every activation and stops with every
/// deactivation: cycles at four sample rates and block sizes mix both decks exactly as
/// before (deck A + deck B at the defaults), and the instance then unloads cleanly (the
/// test binary would hang on a thread left running, or crash on unload).
#[test]
fn activation_cycles_at_new_sample_rates_keep_mixing() {
    let name = "activation_cycles_at_new_sample_rates_keep_mixing";
    let Some(mut host) = active_host(name) else {
        return;
    };
    for (rate, block) in [
        (96_000.0, 256),
        (44_100.0, 1024),
        (22_050.0, 64),
        (48_000.0, 512),
    ] {
        host.deactivate();
        host.activate(rate, block)
            .unwrap_or_else(|e| panic!("{name}: {rate} Hz: {e}"));
        // Three seconds: the analysis thread is busy on both decks meanwhile.
        let n = (3.0 * rate) as usize;
        let a = sine(FREQ_A, 0.4, rate, n);
        let b = sine(FREQ_B, 0.4, rate, n);
        let out = host.render(&a, Aux::Signal(&b), &[], None).expect("render");
        let diff = max_diff(&out, &add(&a, &b), 0..n);
        assert!(diff <= EXACT, "{rate} Hz: the mix changed by {diff}");
    }
    host.deactivate();
    drop(host);
}

/// A host that stops and starts processing around every block (nice-plug calls the plugin's
/// `reset` on every start): the output is the same, bit for bit, as from a host that keeps
/// processing, with EQs and a filter away from unity (whose state a reset would clear) and a
/// transition armed on the plugin's own clock (which a reset would send back to beat 0).
#[test]
fn start_stop_processing_every_block_changes_nothing() {
    let name = "start_stop_processing_every_block_changes_nothing";
    let Some(mut steady) = active_host(name) else {
        return;
    };
    let Some(mut toggling) = active_host(name) else {
        return;
    };
    toggling.schedule = Schedule::StartStopEveryBlock;
    let n = 3 * 48_000;
    let (a, b) = decks(n);
    // Own clock at 240 BPM, next-beat grid, 1 bar: press at 0.1 s -> start at 0.25 s (beat 1).
    let events = |h: &PluginHost| {
        vec![
            h.param_event(0, "xfader", 0.0),
            h.param_event(0, "clock_src", 1.0),
            h.param_event(0, "clock_bpm", 1.0),
            h.step_event(0, "tr_phrase", 0),
            h.step_event(0, "tr_length", 1),
            h.param_event(0, "a_eq_hi", 0.3),
            h.param_event(0, "a_filter", 0.6), // high-pass
            h.param_event(0, "b_eq_lo", 0.3),
            h.step_event(4_800, "tr_start", 1),
            h.step_event(6_000, "tr_start", 0),
            h.param_event(70_000, "b_eq_mid", 0.8),
        ]
    };
    let e1 = events(&steady);
    let e2 = events(&toggling);
    let out1 = render(&mut steady, &a, &b, &e1);
    let out2 = render(&mut toggling, &a, &b, &e2);
    // Deck B (1.76 kHz, in its EQ's mid band, so at full level) comes in at the start, beat
    // 1 = frame 12 000, with both hosts.
    for (host, out) in [("steady", &out1), ("start/stop", &out2)] {
        let before = tone_in(out, 11_000..12_000, FREQ_B, SR);
        let after = tone_in(out, 14_000..16_000, FREQ_B, SR);
        assert!(
            before < 1e-5 && after > 0.01,
            "{host} host: deck B {before} before beat 1, {after} after"
        );
    }
    let diff = max_diff(&out1, &out2, 0..n);
    assert!(
        diff == 0.0,
        "start/stop processing every block changed the output by up to {diff}"
    );
}

/// What a plugin scanner does: on a worker thread, load the library, create an instance,
/// process, destroy everything (clack-host then calls `deinit` and unloads the library), and
/// let the thread exit. Run in a child process (the `#[ignore]`d test below) because the
/// failure is a SIGSEGV of the whole process at that thread's exit.
#[test]
fn unloading_the_library_then_exiting_the_thread() {
    let Some(path) = clap_bundle_or_skip("unloading_the_library_then_exiting_the_thread") else {
        return;
    };
    let exe = std::env::current_exe().expect("test binary");
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            "child_unload_then_exit_thread",
            "--ignored",
            "--test-threads",
            "1",
        ])
        .env("AIDJ_CLAP_BUNDLE", &path)
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "a thread that created the plugin crashed after the library was unloaded ({}): \
         the plugin library must stay mapped (-z nodelete, plugin/build.rs)\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The child half of `unloading_the_library_then_exiting_the_thread`: rounds of concurrent
/// threads that each load the library, instantiate, read the parameters and ports, process a
/// little and destroy everything; the last one out unloads the library while others may still
/// be running. (Unloading from a single thread happens not to unmap the library here, so the
/// threads overlap; against a bundle without `-z nodelete` this child crashed in 3 runs of 4,
/// and there are 4 rounds.)
#[test]
#[ignore = "run in a child process by unloading_the_library_then_exiting_the_thread"]
fn child_unload_then_exit_thread() {
    let path = clap_bundle_path();
    for _round in 0..4 {
        let threads: Vec<_> = (0..8usize)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let entry = load_entry_unpinned(&path).expect("entry");
                    let mut host = PluginHost::new(&entry).expect("instance");
                    assert_eq!(host.params().len(), PARAM_IDS.len());
                    host.audio_ports(true).expect("ports");
                    host.activate(SR, BLOCK).expect("activate");
                    let (a, b) = decks((1 + i * 20) * BLOCK);
                    render(&mut host, &a, &b, &[]);
                    drop(host);
                    drop(entry); // maybe the last reference: deinit and dlclose
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread panicked");
        }
    }
}
