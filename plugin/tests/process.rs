//! The plugin's `process` in an in-process host: no allocation at any block size or rate,
//! block-size invariance, deck B on the sidechain, transitions by position / trigger / host
//! transport, FLX4 MIDI, bad input, state that keeps the deck on air.

mod common;

use common::{max_diff, rms, sine, Host, HostTransport};
use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::*;

const RATE: f32 = 48_000.0;

fn cc(timing: u32, channel: u8, cc: u8, value7: u8) -> PluginNoteEvent<aidj_plugin::AiDj> {
    NoteEvent::MidiCC {
        timing,
        channel,
        cc,
        value: f32::from(value7) / 127.0,
    }
}

fn note_on(timing: u32, channel: u8, note: u8) -> PluginNoteEvent<aidj_plugin::AiDj> {
    NoteEvent::NoteOn {
        timing,
        voice_id: VoiceID::Wildcard,
        channel: Channel::Number(channel),
        key: Key::Number(note),
        velocity: 1.0,
    }
}

fn decks(n: usize, rate: f32) -> ([Vec<f32>; 2], [Vec<f32>; 2]) {
    (sine(220.0, 0.5, rate, n), sine(1760.0, 0.5, rate, n))
}

fn silence(n: usize) -> [Vec<f32>; 2] {
    [vec![0.0; n], vec![0.0; n]]
}

#[test]
fn defaults_pass_deck_a_untouched_and_report_no_latency() {
    let n = 24_000;
    let (a, b) = decks(n, RATE);
    let mut host = Host::new(RATE, 512);
    let out = host.run(&a, &silence(n), 512, &[], |_, _| {});
    assert_eq!(max_diff(&out, &a, 0..n), 0.0, "unity mixer is bit-exact");
    assert_eq!(host.latency_calls, 0);
    // Both decks at the centre of an additive crossfader: the sum.
    let mut host = Host::new(RATE, 512);
    let out = host.run(&a, &b, 512, &[], |_, _| {});
    let sum = [
        a[0].iter().zip(&b[0]).map(|(x, y)| x + y).collect(),
        a[1].iter().zip(&b[1]).map(|(x, y)| x + y).collect(),
    ];
    assert!(max_diff(&out, &sum, 0..n) < 1e-6);
}

/// A busy session: knob moves, crossfader moves, FLX4 messages, a triggered transition.
fn busy_session(host: &mut Host, frame: usize) {
    match frame {
        0 => {
            host.set_str("tr_phrase", "Next beat");
            host.set_str("tr_length", "1 bar");
            host.set_str("clock_src", "Clock BPM");
            host.set_str("clock_bpm", "150");
            host.set("tr_preset", 3.0); // echo out: filter + echo + crossfader
            host.set("xfader", -1.0);
        }
        3_001 => host.set_str("a_eq_lo", "-inf dB"),
        5_000 => host.set("tr_start", 1.0),
        5_500 => host.set("tr_start", 0.0),
        17_017 => host.set_str("b_filter", "HP 300 Hz"),
        40_000 => host.set_str("a_trim", "+6 dB"),
        _ => {}
    }
}

const BUSY_CUTS: [usize; 7] = [0, 3_001, 5_000, 5_500, 17_017, 40_000, 60_000];

#[test]
fn no_allocation_at_any_block_size_or_sample_rate() {
    for rate in [22_050.0f32, 44_100.0, 48_000.0, 96_000.0, 192_000.0] {
        for block in [1usize, 13, 64, 512, 4096, 8192] {
            // Shorter runs at one-sample blocks keep the debug test quick.
            let n = if block == 1 { 6_000 } else { 64_000 };
            let (a, b) = decks(n, rate);
            let mut host = Host::new(rate, block);
            let out = host.run(&a, &b, block, &BUSY_CUTS, |h, f| {
                busy_session(h, f);
                if f == 60_000 {
                    // MIDI inside a block, through the FLX4 path.
                    h.block(
                        [&a[0][..64], &a[1][..64]],
                        [&b[0][..64], &b[1][..64]],
                        [&mut vec![0.0; 64], &mut vec![0.0; 64]],
                        &[cc(3, 6, 0x1F, 127), cc(4, 6, 0x3F, 127), note_on(10, 9, 0)],
                    );
                }
            });
            assert!(
                out.iter().flatten().all(|v| v.is_finite()),
                "{rate} Hz, block {block}"
            );
        }
    }
}

#[test]
fn output_is_identical_whatever_the_block_size() {
    let n = 96_000;
    let (a, b) = decks(n, RATE);
    let reference = Host::new(RATE, 64).run(&a, &b, 64, &BUSY_CUTS, busy_session);
    // The transition ran: deck B dominates at the end.
    assert!(rms(&reference, 80_000..n) > 0.2);
    for block in [1usize, 7, 100, 1024, 8192] {
        let out = Host::new(RATE, block).run(&a, &b, block, &BUSY_CUTS, busy_session);
        assert_eq!(
            max_diff(&out, &reference, 0..n),
            0.0,
            "block {block} differs from block 64"
        );
    }
}

#[test]
fn missing_or_mono_sidechain_is_handled() {
    let n = 9_600;
    let (a, b) = decks(n, RATE);
    let mut host = Host::new(RATE, 256);
    host.sidechain_channels = 0;
    host.set("xfader", 1.0);
    let out = host.run(&a, &b, 256, &[], |_, _| {});
    assert_eq!(
        rms(&out, 0..n),
        0.0,
        "crossfader on B with no sidechain: silence"
    );
    host.set("xfader", -1.0);
    let out = host.run(&a, &b, 256, &[], |_, _| {});
    assert!(max_diff(&out, &a, 2_000..n) < 1e-6, "deck A still passes");
    // A mono sidechain feeds both sides of deck B.
    let mut host = Host::new(RATE, 256);
    host.sidechain_channels = 1;
    host.set("xfader", 1.0);
    let left = [b[0].clone(), b[0].clone()];
    let right_differs = [b[0].clone(), vec![0.25; n]];
    let out = host.run(&a, &right_differs, 256, &[], |_, _| {});
    assert_eq!(
        max_diff(&out, &left, 0..n),
        0.0,
        "mono deck B on both sides"
    );
}

#[test]
fn bad_input_gives_finite_output() {
    let n = 4_800;
    let (mut a, mut b) = decks(n, RATE);
    for i in (0..n).step_by(97) {
        a[0][i] = f32::NAN;
        a[1][i] = f32::INFINITY;
        b[0][i] = f32::NEG_INFINITY;
        b[1][i] = 1e-40; // denormal
    }
    let mut host = Host::new(RATE, 128);
    host.set_str("a_filter", "LP 300 Hz");
    host.set_str("b_eq_hi", "+6 dB");
    let out = host.run(&a, &b, 128, &[], |_, _| {});
    assert!(out
        .iter()
        .flatten()
        .all(|v| v.is_finite() && v.abs() <= 4.0));
    let bad = host
        .plugin
        .shared()
        .non_finite_inputs
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(bad > 0, "non-finite samples are counted");
}

#[test]
fn parameter_jumps_do_not_click() {
    // A low sine through every control jumping at once: bounded sample-to-sample steps.
    let n = 48_000;
    let a = sine(110.0, 0.5, RATE, n);
    let b = sine(90.0, 0.5, RATE, n);
    let mut host = Host::new(RATE, 256);
    let out = host.run(&a, &b, 256, &[12_000, 24_000, 36_000], |h, f| match f {
        12_000 => {
            h.set_str("a_eq_lo", "-inf dB");
            h.set("xfader", 1.0);
            h.set_str("a_filter", "HP 2 kHz");
        }
        24_000 => {
            h.set("a_fader", 0.0);
            h.set("b_trim", 12.0);
        }
        36_000 => h.set("bypass", 1.0),
        _ => {}
    });
    // A 110 Hz sine at 0.5 moves at most 0.0072 per sample; allow a few times that for ramps.
    let max_step = (0..2)
        .flat_map(|c| {
            out[c]
                .windows(2)
                .map(|w| (w[1] - w[0]).abs())
                .collect::<Vec<_>>()
        })
        .fold(0.0f32, f32::max);
    assert!(max_step < 0.05, "max step {max_step}");
}

#[test]
fn position_mode_follows_the_position_parameter() {
    let n = 48_000;
    let (a, b) = decks(n, RATE);
    let mut host = Host::new(RATE, 512);
    host.set_str("tr_mode", "Position");
    host.set_str("tr_preset", "Quick cut");
    host.set("tr_pos", 0.0);
    let out = host.run(&a, &b, 512, &[24_000], |h, _| h.set("tr_pos", 1.0));
    assert!(
        max_diff(&out, &a, 1_000..24_000) < 1e-6,
        "position 0: deck A"
    );
    assert!(max_diff(&out, &b, 26_000..n) < 1e-6, "position 1: deck B");
    // B -> A reverses it.
    host.set_str("tr_dir", "B -> A");
    let out = host.run(&a, &b, 512, &[], |_, _| {});
    assert!(max_diff(&out, &a, 2_000..n) < 1e-6);
}

#[test]
fn triggered_transition_starts_on_the_host_bar_line_and_holds() {
    // 120 BPM host: one beat = 24000 frames. Start pressed at beat 1.5, grid 1 bar, length 1
    // bar: the transition starts at beat 4; Quick cut moves the crossfader over 0.75..0.8 of
    // its bar, i.e. beats 7 to 7.2.
    let beat = 24_000usize;
    let n = 10 * beat;
    let (a, b) = decks(n, RATE);
    let mut host = Host::new(RATE, 480);
    host.transport = Some(HostTransport {
        bpm: 120.0,
        beat: 0.0,
    });
    host.set_str("tr_phrase", "1 bar");
    host.set_str("tr_length", "1 bar");
    host.set_str("tr_preset", "Quick cut");
    host.set_str("xfader", "A");
    let press = 3 * beat / 2;
    let out = host.run(&a, &b, 480, &[press, press + 100], |h, f| {
        h.set("tr_start", if f == press { 1.0 } else { 0.0 });
    });
    let shared = host.plugin.shared();
    assert!(
        max_diff(&out, &a, 0..7 * beat - 16).abs() < 1e-6,
        "deck A until the cut"
    );
    assert!(
        max_diff(&out, &b, 7 * beat + beat / 5 + 400..n) < 1e-6,
        "deck B after it"
    );
    // The end state is held (B on air), and saved with the session.
    assert_eq!(shared.on_air.load(std::sync::atomic::Ordering::Relaxed), 2);
    assert_eq!(
        host.params
            .on_air
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    // A new instance restoring that state starts with B on air.
    let restored = aidj_plugin::AiDj::default();
    restored
        .typed_params()
        .on_air
        .store(2, std::sync::atomic::Ordering::Relaxed);
    let mut host2 = Host::with_plugin(restored, RATE, 480);
    let out2 = host2.run(&a, &b, 480, &[], |_, _| {});
    assert!(
        max_diff(&out2, &b, 2_400..n) < 1e-6,
        "restored with B on air"
    );
    // Moving the crossfader to B picks the hold up; moving it back then brings A back.
    let out3 = host2.run(&a, &b, 480, &[0, 24_000], |h, f| {
        h.set("xfader", if f == 0 { 1.0 } else { -1.0 });
    });
    assert!(
        max_diff(&out3, &a, 26_000..n) < 1e-6,
        "picked up, back to A"
    );
}

#[test]
fn own_clock_runs_at_the_clock_bpm_when_the_transport_is_stopped() {
    // 150 BPM own clock: 1 beat = 19200 frames; "Next beat" grid; quick cut of 1 bar cuts at
    // beats 3 to 3.2 after the start.
    let beat = 19_200usize;
    let n = 6 * beat;
    let (a, b) = decks(n, RATE);
    let mut host = Host::new(RATE, 256);
    host.set_str("clock_src", "Clock BPM");
    host.set_str("clock_bpm", "150");
    host.set_str("tr_phrase", "Next beat");
    host.set_str("tr_length", "1 bar");
    host.set_str("tr_preset", "Quick cut");
    host.set_str("xfader", "A");
    // Press at frame 100: beat 0.005, so the transition starts on beat 1, cuts at beat 4.
    let out = host.run(&a, &b, 256, &[100], |h, _| h.set("tr_start", 1.0));
    assert!(max_diff(&out, &a, 0..4 * beat - 16) < 1e-6);
    assert!(max_diff(&out, &b, 4 * beat + beat / 5 + 400..n) < 1e-6);
}

#[test]
fn start_again_while_armed_cancels() {
    // 150 BPM own clock, next-beat grid, 1-bar quick cut: pressed at frame 100 it would cut
    // to deck B at beats 4-4.2; a second press while armed cancels it.
    let beat = 19_200usize;
    let n = 6 * beat;
    let (a, b) = decks(n, RATE);
    let run = |presses: &[usize]| {
        let mut host = Host::new(RATE, 256);
        host.set_str("clock_src", "Clock BPM");
        host.set_str("clock_bpm", "150");
        host.set_str("tr_phrase", "Next beat");
        host.set_str("tr_length", "1 bar");
        host.set_str("tr_preset", "Quick cut");
        host.set_str("xfader", "A");
        host.run(&a, &b, 256, &[100, 200, 300, 400], |h, f| {
            h.set("tr_start", if presses.contains(&f) { 1.0 } else { 0.0 });
        })
    };
    let once = run(&[100]);
    assert!(
        max_diff(&once, &b, 4 * beat + beat / 5 + 400..n) < 1e-6,
        "one press: the transition runs"
    );
    let twice = run(&[100, 300]);
    assert!(
        max_diff(&twice, &a, 0..n) < 1e-6,
        "armed then cancelled: A throughout"
    );
}

#[test]
fn flx4_midi_moves_the_mix_and_can_be_switched_off() {
    let n = 256;
    let (a, b) = decks(n * 40, RATE);
    let mut host = Host::new(RATE, n);
    let mut out = [vec![0.0; n], vec![0.0; n]];
    let mut run = |host: &mut Host, k: usize, events: &[PluginNoteEvent<aidj_plugin::AiDj>]| {
        let r = k * n..(k + 1) * n;
        let [ol, or] = &mut out;
        host.block(
            [&a[0][r.clone()], &a[1][r.clone()]],
            [&b[0][r.clone()], &b[1][r.clone()]],
            [ol, or],
            events,
        );
        let exp_a = [a[0][r.clone()].to_vec(), a[1][r.clone()].to_vec()];
        let exp_b = [b[0][r.clone()].to_vec(), b[1][r].to_vec()];
        (max_diff(&out, &exp_a, 0..n), max_diff(&out, &exp_b, 0..n))
    };
    // 14-bit crossfader to A (0) then settle.
    run(&mut host, 0, &[cc(0, 6, 0x1F, 0), cc(0, 6, 0x3F, 0)]);
    let (da, _) = run(&mut host, 1, &[]);
    assert!(da < 1e-6, "FLX4 crossfader at A: deck A only ({da})");
    // MSB-only host: crossfader to B.
    run(&mut host, 2, &[cc(0, 6, 0x1F, 127)]);
    let (_, db) = run(&mut host, 3, &[]);
    assert!(db < 1e-6, "FLX4 crossfader at B: deck B only ({db})");
    // The parameter moving afterwards wins over the FLX4.
    host.set("xfader", -1.0);
    run(&mut host, 4, &[]);
    let (da, _) = run(&mut host, 5, &[]);
    assert!(da < 1e-6, "parameter moved last: deck A");
    // The editor gets the FLX4 values to write into the parameters.
    let mut seen = Vec::new();
    host.plugin
        .shared()
        .take_midi_values(|t, v| seen.push((t, v)));
    assert_eq!(seen, vec![(aidj_plugin::controls::Target::Crossfader, 1.0)]);
    // Switched off: ignored.
    host.set("flx4", 0.0);
    run(&mut host, 6, &[cc(0, 6, 0x1F, 127)]);
    let (da, _) = run(&mut host, 7, &[]);
    assert!(da < 1e-6, "FLX4 off: the message is ignored");
}

#[test]
fn flx4_eq_kill_and_pad_transition() {
    // Deck A a low sine: the FLX4 low EQ at zero kills it. Then a hot-cue pad on deck 2 fires
    // "Quick cut" towards deck B.
    let n = 8 * 19_200;
    let a = sine(60.0, 0.5, RATE, n);
    let b = sine(1760.0, 0.5, RATE, n);
    let mut host = Host::new(RATE, 480);
    host.set_str("clock_src", "Clock BPM");
    host.set_str("clock_bpm", "150");
    host.set_str("tr_phrase", "Next beat");
    host.set_str("tr_length", "1 bar");
    host.set("xfader", -1.0);
    let mut out = [vec![0.0; n], vec![0.0; n]];
    let mut pos = 0;
    while pos < n {
        let end = (pos + 480).min(n);
        let events = match pos {
            0 => vec![cc(0, 0, 0x0F, 0), cc(1, 0, 0x2F, 0)],
            // Pad 5 of deck 2 = preset 5 (Quick cut), bringing deck B in.
            19_200 => vec![note_on(0, 9, 4)],
            _ => vec![],
        };
        let [ol, or] = &mut out;
        host.block(
            [&a[0][pos..end], &a[1][pos..end]],
            [&b[0][pos..end], &b[1][pos..end]],
            [&mut ol[pos..end], &mut or[pos..end]],
            &events,
        );
        pos = end;
    }
    assert!(rms(&out, 4_800..19_200) < 0.01, "low band killed");
    // The pad at beat 1 arms for beat 2 (next beat); the cut lands at beat 5.
    assert!(
        max_diff(&out, &b, 5 * 19_200 + 2_000..n) < 1e-6,
        "deck B after the cut"
    );
}

#[test]
fn a_hosts_midi_cc_parameter_sweep_is_not_the_flx4() {
    // Ardour restoring a session sets every VST3 MIDI-CC proxy (16 channels x 128 CCs),
    // here all to 64: the deck 1 fader's CC among them must not pull deck A down.
    let n = 4096;
    let (a, b) = decks(n, RATE);
    let sweep: Vec<PluginNoteEvent<aidj_plugin::AiDj>> = (0..16u8)
        .flat_map(|ch| (0..128u8).map(move |c| cc(0, ch, c, 64)))
        .collect();
    let mut swept = Host::new(RATE, 1024);
    let mut plain = Host::new(RATE, 1024);
    let run = |host: &mut Host, events: &[PluginNoteEvent<aidj_plugin::AiDj>]| {
        let mut out = [vec![0.0f32; n], vec![0.0f32; n]];
        for (k, start) in (0..n).step_by(1024).enumerate() {
            let end = (start + 1024).min(n);
            let [ol, or] = &mut out;
            host.block(
                [&a[0][start..end], &a[1][start..end]],
                [&b[0][start..end], &b[1][start..end]],
                [&mut ol[start..end], &mut or[start..end]],
                if k == 0 { events } else { &[] },
            );
        }
        out
    };
    let with = run(&mut swept, &sweep);
    let without = run(&mut plain, &[]);
    // After the sweep's block, the same mix as with no MIDI at all.
    assert!(
        max_diff(&with, &without, 2048..n) < 1e-6,
        "the sweep moved the mix"
    );
    assert_eq!(swept.params.deck_a.fader.value(), 1.0);
    // A controller's few CCs in a block still move it (deck 1 fader, 14-bit, to 0).
    let mut moved = Host::new(RATE, 1024);
    let out = run(&mut moved, &[cc(0, 0, 0x13, 0), cc(0, 0, 0x33, 0)]);
    assert!(
        max_diff(&out, &without, 2048..n) > 0.01,
        "the FLX4 fader did nothing"
    );
}
