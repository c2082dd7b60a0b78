//! Rhythm on audio generated here (click and drum patterns at known tempi), live-style
//! windows, pinned tempo ranges, and the cost of push + analyze on a 3-minute track.
//!
//! `cargo test -p aidj-analysis --test rhythm_generated -- --nocapture` prints timings.

use aidj_analysis::features::rhythm::{self, OnsetAccumulator, Rhythm, RhythmConfig};
use aidj_analysis::live::{LiveAnalyzer, LiveConfig, LiveSnapshot};
use aidj_analysis::stft::Stft;
use aidj_analysis::{AnalysisConfig, Analyzer};
use aidj_synth::{render, Groove, TrackSpec};
use std::time::Instant;

const SR: u32 = 44_100;

/// Small deterministic noise source (xorshift).
struct Noise(u64);
impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// Adds a kick (decaying 55 Hz sine with a short pitch drop), a snare (noise burst with
/// a 200 Hz body), a hat (bright noise tick) or an industrial kick (a longer, lower,
/// distorted kick: kind 3) at `t` seconds.
fn hit(x: &mut [f32], t: f64, kind: u8, gain: f32, noise: &mut Noise) {
    let start = (t * f64::from(SR)).round() as usize;
    let len = match kind {
        0 => 0.25,
        1 => 0.18,
        3 => 0.3,
        _ => 0.04,
    };
    let n = (len * f64::from(SR)) as usize;
    let mut phase = 0.0f64;
    let mut prev = 0.0f32;
    for i in 0..n {
        let Some(s) = x.get_mut(start + i) else {
            break;
        };
        let tt = i as f64 / f64::from(SR);
        let v = match kind {
            0 => {
                let f = 55.0 + 90.0 * (-tt * 40.0).exp();
                phase += 2.0 * std::f64::consts::PI * f / f64::from(SR);
                (phase.sin() * (-tt * 14.0).exp()) as f32
            }
            3 => {
                let f = 50.0 + 120.0 * (-tt * 35.0).exp();
                phase += 2.0 * std::f64::consts::PI * f / f64::from(SR);
                ((4.0 * phase.sin() * (-tt * 9.0).exp()).tanh() / 4.0f64.tanh()) as f32
            }
            1 => {
                let body = (2.0 * std::f64::consts::PI * 200.0 * tt).sin() * (-tt * 30.0).exp();
                (0.7 * f64::from(noise.next()) * (-tt * 22.0).exp() + 0.4 * body) as f32
            }
            _ => {
                // First difference of noise: a crude high-pass.
                let w = noise.next();
                let hp = w - prev;
                prev = w;
                0.5 * hp * (-tt * 120.0).exp() as f32
            }
        };
        *s += gain * v;
    }
}

/// A drum pattern: `bars` bars of 4/4 at `bpm` starting at `offset` s; per 16th step of a
/// bar, which drums play (bit 0 kick, 1 snare, 2 hat). `swing` moves the off-beat 8ths.
fn pattern(bpm: f64, bars: usize, offset: f64, steps: &[u8; 16], swing: f64) -> Vec<f32> {
    let beat = 60.0 / bpm;
    let secs = offset + bars as f64 * 4.0 * beat + 0.5;
    let mut x = vec![0.0f32; (secs * f64::from(SR)) as usize];
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let f = swing / (1.0 + swing);
    for bar in 0..bars {
        for (s, &m) in steps.iter().enumerate() {
            let b = bar * 4 + s / 4;
            // 8th swing: step 2 of each beat at f; steps 1 and 3 midway.
            let within = match s % 4 {
                0 => 0.0,
                1 => f / 2.0,
                2 => f,
                _ => f + (1.0 - f) / 2.0,
            };
            let t = offset + (b as f64 + within) * beat;
            for kind in 0..3u8 {
                if m & (1 << kind) != 0 {
                    let g = if kind == 2 && s % 4 != 0 { 0.5 } else { 0.9 };
                    hit(&mut x, t, kind, g, &mut noise);
                }
            }
        }
    }
    x
}

fn analyse_mono(x: &[f32], cfg: AnalysisConfig) -> Rhythm {
    let mut a = Analyzer::new(SR, 1, cfg).expect("analyser");
    for c in x.chunks(1024) {
        a.push(&[c]);
    }
    a.finish().0.rhythm
}

/// The first beat, where it falls within the true beat (0..1) and how far that is from
/// the nearest true beat (0..0.5), for beats every `beat` seconds from `offset`.
fn beat_phase(r: &Rhythm, offset: f64, beat: f64) -> (f64, f64, f64) {
    let first = r.beat_phase_secs.expect("phase");
    let phase = ((first - offset) / beat).rem_euclid(1.0);
    (first, phase, phase.min(1.0 - phase))
}

const K: u8 = 1;
const S: u8 = 2;
const H: u8 = 4;

/// Kick on 1 and 3, snare on 2 and 4, 8th hats.
const ROCK: [u8; 16] = [
    K | H,
    0,
    H,
    0,
    S | H,
    0,
    H,
    0,
    K | H,
    0,
    H,
    0,
    S | H,
    0,
    H,
    0,
];
/// Boom-bap with 16th hats.
const BOOM_BAP: [u8; 16] = [
    K | H,
    H,
    H,
    H,
    S | H,
    H,
    K | H,
    H,
    H,
    H,
    K | H,
    H,
    S | H,
    H,
    H,
    H,
];

#[test]
fn non_integer_tempi_come_out_to_a_tenth_of_a_bpm() {
    for (bpm, pat) in [
        (97.3, &ROCK),
        (123.5, &ROCK),
        (141.7, &ROCK),
        (88.8, &BOOM_BAP),
    ] {
        let x = pattern(bpm, 24, 0.73, pat, 1.0);
        let r = analyse_mono(&x, AnalysisConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        println!("{bpm}: {t:.3} BPM, first beat {:?}", r.beat_phase_secs);
        assert!((t - bpm).abs() < 0.1, "{bpm}: got {t}");
        // First beat at the offset (the pattern starts on a downbeat there).
        let first = r.beat_phase_secs.expect("phase");
        assert!((first - 0.73).abs() < 0.03, "first beat {first}");
        let d0 = r.downbeat_times.first().copied().expect("downbeats");
        assert!((d0 - 0.73).abs() < 0.03, "first downbeat {d0}");
    }
}

#[test]
fn swung_eighths_on_a_generated_groove() {
    for swing in [1.0, 1.5, 2.0] {
        let x = pattern(100.0, 16, 0.0, &ROCK, swing);
        let r = analyse_mono(&x, AnalysisConfig::default());
        let s = r.swing_analysis.swing_ratio.expect("swing");
        println!(
            "swing {swing}: {s:.3} ({:?})",
            r.swing_analysis.swing_subdivision
        );
        assert!((s - swing).abs() < 0.1, "swing {swing}: got {s}");
        let t = r.tempo_bpm_global.expect("tempo");
        assert!((t / 100.0 - 1.0).abs() < 0.01, "{t}");
    }
}

#[test]
fn pinned_range_folds_drum_and_bass_into_it() {
    let spec = TrackSpec::new("Pinned", 174.0, 2, true, Groove::HalfTimeFeel).with_bars(16);
    let audio = render(&spec);
    let mut cfg = AnalysisConfig::default();
    cfg.rhythm.min_bpm = 70.0;
    cfg.rhythm.max_bpm = 140.0;
    let mut a = Analyzer::new(audio.sample_rate, 2, cfg).expect("analyser");
    a.push(&[&audio.channels[0], &audio.channels[1]]);
    let t = a.finish().0.rhythm.tempo_bpm_global.expect("tempo");
    assert!((t / 87.0 - 1.0).abs() < 0.01, "{t}");
}

/// Feeds `x[a..b]` (mono, 22.05 kHz) straight to an accumulator, as the plugin's live
/// thread would with the last seconds of a deck.
fn window_acc(x: &[f32]) -> OnsetAccumulator {
    let mut stft = Stft::new(1024, 256, 22_050);
    let mut acc = OnsetAccumulator::new(stft.bins(), stft.bin_hz(), stft.frame_rate());
    stft.push(x, |f| acc.push(f));
    stft.finish(|f| acc.push(f));
    acc
}

fn mono_22k(spec: &TrackSpec) -> Vec<f32> {
    let audio = render(&spec.clone().with_sample_rate(22_050));
    audio.channels[0]
        .iter()
        .zip(&audio.channels[1])
        .map(|(l, r)| 0.5 * (l + r))
        .collect()
}

#[test]
fn live_window_starting_mid_bar() {
    let spec = TrackSpec::new("Live", 126.0, 9, true, Groove::FourOnTheFloor).with_bars(32);
    let x = mono_22k(&spec);
    // 20 s from 7.3 s: starts between beats, mid-bar, mid-phrase.
    let start = 7.3;
    let a = (start * 22_050.0) as usize;
    let acc = window_acc(&x[a..a + 20 * 22_050]);
    let r = rhythm::analyze(&acc, &RhythmConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / 126.0 - 1.0).abs() < 0.01, "{t}");
    let truth: Vec<f64> = spec
        .downbeat_times()
        .iter()
        .map(|d| d - start)
        .filter(|&d| d > 0.0 && d < 20.0)
        .collect();
    assert!(r.downbeat_times.len() + 1 >= truth.len());
    for d in &r.downbeat_times {
        let e = truth
            .iter()
            .map(|t| (t - d).abs())
            .fold(f64::INFINITY, f64::min);
        assert!(e < 0.05, "downbeat {d} is {e} s from the truth");
    }
    // Shorter windows: nulls below the minimum, no panic anywhere.
    for secs in [0.5, 1.0, 2.0, 2.9, 3.5, 5.0] {
        let n = (secs * 22_050.0) as usize;
        let r = rhythm::analyze(&window_acc(&x[a..a + n]), &RhythmConfig::default());
        if secs < rhythm::MIN_SECS {
            assert_eq!(r.tempo_bpm_global, None, "{secs} s");
            assert!(r.beat_times.is_empty());
        }
    }
}

#[test]
fn three_minute_track_cost() {
    // 94 bars at 126 BPM = 179 s.
    let spec = TrackSpec::new("Cost", 126.0, 9, true, Groove::FourOnTheFloor).with_bars(94);
    let x = mono_22k(&spec);
    // push cost = (STFT + push) - (STFT alone), with the magnitudes hot in cache as in
    // the analyser.
    let mut stft = Stft::new(1024, 256, 22_050);
    let mut frames = 0usize;
    let t0 = Instant::now();
    stft.push(&x, |_| frames += 1);
    stft.finish(|_| frames += 1);
    let stft_only = t0.elapsed();
    let mut stft = Stft::new(1024, 256, 22_050);
    let mut acc = OnsetAccumulator::new(stft.bins(), stft.bin_hz(), stft.frame_rate());
    let t0 = Instant::now();
    stft.push(&x, |f| acc.push(f));
    stft.finish(|f| acc.push(f));
    let push = t0.elapsed().saturating_sub(stft_only);
    let t1 = Instant::now();
    let r = rhythm::analyze(&acc, &RhythmConfig::default());
    let analyze = t1.elapsed();
    println!(
        "3-minute track ({} frames, {:.1} s): push {:.2} ms ({:.0} ns/frame), analyze {:.2} ms, tempo {:?}, {} bars, mix in {:?} out {:?}",
        frames,
        spec.duration_secs(),
        push.as_secs_f64() * 1e3,
        push.as_secs_f64() * 1e9 / frames as f64,
        analyze.as_secs_f64() * 1e3,
        r.tempo_bpm_global,
        r.downbeat_times.len(),
        r.mix_in_secs,
        r.mix_out_secs,
    );
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / 126.0 - 1.0).abs() < 0.001, "{t}");
    let (mi, mo) = (r.mix_in_secs.expect("in"), r.mix_out_secs.expect("out"));
    assert!(mo > mi + 60.0, "mix in {mi} out {mo}");
    // Generous bound for a debug (opt-level 2) build on a shared machine.
    assert!((push + analyze).as_secs_f64() < 1.0);
}

#[test]
fn the_mix_out_leaves_sixteen_bars_of_music_not_a_whole_last_phrase_of_32() {
    // 2:48 at 120 BPM (84 bars): the mix-out used to be the start of the last whole 32-bar
    // phrase, 1:44 before the end. Now: the last phrase start leaving 16 bars of music.
    let mut spec = TrackSpec::new("Outro", 120.0, 2, true, Groove::FourOnTheFloor);
    spec.bars = 84;
    let audio = render(&spec);
    let mut a = Analyzer::new(audio.sample_rate, 2, AnalysisConfig::default()).expect("analyser");
    let planes: Vec<&[f32]> = audio.channels.iter().map(|c| &c[..]).collect();
    a.push(&planes);
    let (an, _, _) = a.finish();
    let r = &an.rhythm;
    let bar = 2.0; // seconds at 120 BPM
    let end = r.music_end_secs.expect("music end");
    let out = r.mix_out_for_bars(16).expect("mix out");
    assert_eq!(r.mix_out_secs, Some(out));
    let before_end = end - out;
    println!(
        "music ends at {end:.1} s, mix-out {out:.1} s ({:.1} bars before)",
        before_end / bar
    );
    assert!(before_end >= 16.0 * bar - 0.05, "only {before_end} s left");
    assert!(
        before_end < 24.0 * bar,
        "{before_end} s before the end: too early"
    );
    assert!(r.phrases.eight_bar.iter().any(|&t| (t - out).abs() < 1e-9));
    // A longer transition starts earlier, a shorter one later, never past the music.
    let out32 = r.mix_out_for_bars(32).expect("mix out 32");
    let out4 = r.mix_out_for_bars(4).expect("mix out 4");
    assert!(out32 <= out && out <= out4, "{out32} {out} {out4}");
    assert!(end - out32 >= 32.0 * bar - 0.05 && end - out4 >= 4.0 * bar - 0.05);
}

#[test]
fn swing_with_accented_off_beats_keeps_its_beat() {
    // A swing groove whose off-beats outweigh its beats: a soft bass drum and ride on each
    // beat, the ride, a snare comp and a bass drum loud on the swung "let" (two thirds of
    // the beat). The beat is the long note of each pair, so the beats stay on the beat.
    for bpm in [120.0, 150.0] {
        let beat = 60.0 / bpm;
        let offset = 0.41;
        let beats = 96;
        let mut x = vec![0.0f32; ((offset + (beats as f64 + 1.0) * beat) * f64::from(SR)) as usize];
        let mut noise = Noise(0x2545_F491_4F6C_DD1D);
        for k in 0..beats {
            let t = offset + k as f64 * beat;
            hit(&mut x, t, 0, 0.35, &mut noise);
            hit(&mut x, t, 2, 0.4, &mut noise);
            let let_ = t + beat * 2.0 / 3.0;
            hit(&mut x, let_, 0, 0.9, &mut noise);
            hit(&mut x, let_, 1, 0.6, &mut noise);
            hit(&mut x, let_, 2, 0.9, &mut noise);
        }
        let r = analyse_mono(&x, AnalysisConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        assert!((t / bpm - 1.0).abs() < 0.01, "{bpm}: tempo {t}");
        let (first, phase, off) = beat_phase(&r, offset, beat);
        println!("{bpm}: first beat {first:.3} s, {off:.2} of a beat from the beat");
        assert!(
            off < 0.06,
            "{bpm}: beats {phase:.2} of a beat after the beat"
        );
        let s = r.swing_analysis.swing_ratio.expect("swing");
        assert!((s - 2.0).abs() < 0.15, "{bpm}: swing {s}");
    }
}

#[test]
fn an_off_beat_riff_does_not_move_the_beats() {
    // 12 bars of a rock groove, 6 bars of a riff that hits hard on the off-beat 8ths with
    // only soft hats on the beats, then 14 bars of the groove again. The beats stay on the
    // beat through the riff: most of the piece is on one steady line.
    const RIFF: [u8; 16] = [
        H,
        0,
        K | S | H,
        0,
        H,
        0,
        K | S | H,
        0,
        H,
        0,
        K | S | H,
        0,
        H,
        0,
        K | S | H,
        0,
    ];
    let bpm = 128.0;
    let beat = 60.0 / bpm;
    let offset = 0.52;
    let mut x = Vec::new();
    let mut at = offset;
    for (pat, bars) in [(&ROCK, 12usize), (&RIFF, 6), (&ROCK, 14)] {
        let part = pattern(bpm, bars, 0.0, pat, 1.0);
        let start = (at * f64::from(SR)).round() as usize;
        let len = (bars as f64 * 4.0 * beat * f64::from(SR)).round() as usize;
        if x.len() < start + part.len() {
            x.resize(start + part.len(), 0.0);
        }
        for (d, s) in x[start..].iter_mut().zip(&part) {
            *d += s;
        }
        at += len as f64 / f64::from(SR);
    }
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / bpm - 1.0).abs() < 0.01, "tempo {t}");
    let off: Vec<f64> = r
        .beat_times
        .iter()
        .map(|&b| {
            let ph = ((b - offset) / beat).rem_euclid(1.0);
            ph.min(1.0 - ph)
        })
        .collect();
    let on = off.iter().filter(|&&d| d < 0.1).count();
    println!("{on} of {} beats on the beat", off.len());
    assert!(
        on as f64 >= 0.95 * off.len() as f64,
        "{on} of {} beats on the beat",
        off.len()
    );
}

#[test]
fn chord_changes_mark_the_downbeat_when_the_drums_do_not() {
    // The same kick and hat on every beat (nothing in the drums says which beat is 1), and
    // chords that change every four beats from the second beat on (a one-beat pickup).
    // The downbeats are where the chords change.
    let bpm = 120.0;
    let beat = 60.0 / bpm;
    let beats = 72;
    let offset = 0.3;
    let n = ((offset + (beats as f64 + 1.0) * beat) * f64::from(SR)) as usize;
    let mut x = vec![0.0f32; n];
    let mut noise = Noise(0x1234_5678_9ABC_DEF1);
    for k in 0..beats {
        let t = offset + k as f64 * beat;
        hit(&mut x, t, 0, 0.8, &mut noise);
        hit(&mut x, t, 2, 0.5, &mut noise);
    }
    // C, F, G, A minor (MIDI notes), a bar each, cycling; the pickup holds A minor.
    let chords: [[f64; 3]; 4] = [
        [60.0, 64.0, 67.0],
        [65.0, 69.0, 72.0],
        [67.0, 71.0, 74.0],
        [57.0, 60.0, 64.0],
    ];
    for k in 0..beats {
        let chord = if k == 0 {
            chords[3]
        } else {
            chords[((k - 1) / 4) % 4]
        };
        let t0 = offset + k as f64 * beat;
        let a = (t0 * f64::from(SR)) as usize;
        let b = (((t0 + beat) * f64::from(SR)) as usize).min(n);
        for (i, s) in x[a..b].iter_mut().enumerate() {
            let tt = (a + i) as f64 / f64::from(SR);
            let v: f64 = chord
                .iter()
                .map(|&m| {
                    let f = 440.0 * 2f64.powf((m - 69.0) / 12.0);
                    (2.0 * std::f64::consts::PI * f * tt).sin()
                        + 0.4 * (4.0 * std::f64::consts::PI * f * tt).sin()
                })
                .sum();
            *s += (0.06 * v) as f32;
        }
    }
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / bpm - 1.0).abs() < 0.01, "tempo {t}");
    let downs = &r.downbeat_times;
    assert!(downs.len() >= 12, "{} downbeats", downs.len());
    let on_bar = downs
        .iter()
        .filter(|&&d| {
            let k = ((d - offset) / beat).round() as i64;
            (d - offset - k as f64 * beat).abs() < 0.05 && (k - 1).rem_euclid(4) == 0
        })
        .count();
    println!(
        "{on_bar} of {} downbeats where the chords change",
        downs.len()
    );
    assert!(
        on_bar as f64 >= 0.9 * downs.len() as f64,
        "{on_bar} of {}",
        downs.len()
    );
}

#[test]
fn a_compound_metre_below_the_range_is_read_at_its_eighths_not_at_four_thirds() {
    // 6/8 at a dotted quarter of 56 (eighths at 168): a kick on beat 1, a snare on beat 2,
    // hats on every eighth. Its pulses are 56, 168 and the bar; 112 (an eighth and a half)
    // is none of them. Folded into 60-200 the dotted quarter goes ×3, to its eighths.
    let eighth = 60.0 / 168.0;
    let offset = 0.29;
    let bars = 40;
    let mut x =
        vec![0.0f32; ((offset + (bars as f64 * 6.0 + 2.0) * eighth) * f64::from(SR)) as usize];
    let mut noise = Noise(0x5DEE_CE66_D1CE_4E5B);
    for k in 0..bars * 6 {
        let t = offset + k as f64 * eighth;
        match k % 6 {
            0 => hit(&mut x, t, 0, 0.9, &mut noise),
            3 => hit(&mut x, t, 1, 0.8, &mut noise),
            _ => {}
        }
        hit(
            &mut x,
            t,
            2,
            if k % 3 == 0 { 0.6 } else { 0.35 },
            &mut noise,
        );
    }
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    println!("6/8 at 56: {t:.2} BPM");
    assert!((t / 168.0 - 1.0).abs() < 0.01, "tempo {t}");
    // With a range that holds the dotted quarter, the dotted quarter.
    let mut cfg = AnalysisConfig::default();
    cfg.rhythm.min_bpm = 40.0;
    cfg.rhythm.max_bpm = 100.0;
    let t = analyse_mono(&x, cfg).tempo_bpm_global.expect("tempo");
    assert!((t / 56.0 - 1.0).abs() < 0.01, "tempo in 40-100: {t}");
}

/// A note or chord: pitches in Hz with `harmonics` harmonics each (at 1/h), an attack of
/// `attack` seconds and an exponential decay of rate `decay` per second.
struct Tone<'a> {
    hz: &'a [f64],
    harmonics: u32,
    gain: f32,
    attack: f64,
    decay: f64,
}

/// Adds `tone` from `t` for `len` seconds (with a 20 ms release).
fn add_tone(x: &mut [f32], t: f64, len: f64, tone: &Tone) {
    let Tone {
        hz,
        harmonics,
        gain,
        attack,
        decay,
    } = *tone;
    let start = (t * f64::from(SR)).round() as usize;
    let n = (len * f64::from(SR)) as usize;
    for i in 0..n {
        let Some(s) = x.get_mut(start + i) else {
            break;
        };
        let tt = i as f64 / f64::from(SR);
        let release = ((n - i) as f64 / (0.02 * f64::from(SR))).min(1.0);
        let env = (tt / attack).min(1.0) * (-tt * decay).exp() * release;
        let v: f64 = hz
            .iter()
            .map(|&f| {
                (1..=harmonics)
                    .map(|h| (2.0 * std::f64::consts::PI * f * h as f64 * tt).sin() / h as f64)
                    .sum::<f64>()
            })
            .sum();
        *s += gain * (env * v / hz.len() as f64) as f32;
    }
}

#[test]
fn chords_that_change_on_the_beat_keep_the_beats_off_an_off_beat_chick() {
    let (bpm, offset) = (120.0, 0.37);
    let beat = 60.0 / bpm;
    let x = off_beat_chick(bpm, 32, offset);
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / bpm - 1.0).abs() < 0.01, "tempo {t}");
    let (first, phase, off) = beat_phase(&r, offset, beat);
    println!("chick: first beat {first:.3} s, {off:.2} of a beat from the beat");
    assert!(off < 0.06, "beats {phase:.2} of a beat after the beat");
}

/// No kick, no snare: a pad that changes chord on each downbeat (A minor, D minor, E
/// minor, F), a bass note on every beat, and a bright "chick" (a hat and a little snare
/// noise, as a muted guitar scratch) on every off-beat, which makes the onsets stronger
/// there. The chords change on the beat, so the beats belong on it: `bars` bars at `bpm`
/// from `offset` s.
fn off_beat_chick(bpm: f64, bars: usize, offset: f64) -> Vec<f32> {
    let beat = 60.0 / bpm;
    const PAD_GAIN: f32 = 0.5;
    const BASS_GAIN: f32 = 0.3;
    const CHICK_SNARE: f32 = 0.3;
    let progression: [[f64; 3]; 4] = [
        [220.0, 261.63, 329.63],
        [293.66, 349.23, 440.0],
        [329.63, 392.0, 493.88],
        [349.23, 440.0, 523.25],
    ];
    let mut x =
        vec![0.0f32; ((offset + (bars as f64 * 4.0 + 2.0) * beat) * f64::from(SR)) as usize];
    let mut noise = Noise(0x1234_5678_9ABC_DEF1);
    for bar in 0..bars {
        let hz = &progression[bar % 4];
        let t0 = offset + bar as f64 * 4.0 * beat;
        let pad = Tone {
            hz,
            harmonics: 4,
            gain: PAD_GAIN,
            attack: 0.02,
            decay: 0.0,
        };
        let bass = Tone {
            hz: &[hz[0] / 2.0],
            harmonics: 3,
            gain: BASS_GAIN,
            attack: 0.005,
            decay: 4.0,
        };
        add_tone(&mut x, t0, 4.0 * beat, &pad);
        for k in 0..4 {
            let t = t0 + k as f64 * beat;
            add_tone(&mut x, t, 0.9 * beat, &bass);
            hit(&mut x, t + 0.5 * beat, 2, 0.9, &mut noise);
            hit(&mut x, t + 0.5 * beat, 1, CHICK_SNARE, &mut noise);
        }
    }
    x
}

#[test]
fn the_live_window_reads_the_chords_where_its_onsets_are() {
    // The off-beat chick at 120 BPM, played live for 100 s: once the rhythm window no
    // longer starts with the track, its chroma frames (longer than the onset frames, the
    // last one ending about 0.16 s before now) must still be read at the onsets' times.
    // Counted back from their end, the chord changes came 0.16 s late, nearer the chick
    // than the beat, and the live beat stayed on the chick while `aidj analyze` moved it.
    let (bpm, offset) = (120.0, 0.37);
    let beat = 60.0 / bpm;
    let x = off_beat_chick(bpm, 50, offset);
    let snaps = live_every_5_s(&x, 70.0, f64::INFINITY);
    for s in &snaps {
        let last = last_live_beat(s, bpm);
        let off = ((last - offset) / beat).rem_euclid(1.0);
        let off = off.min(1.0 - off);
        assert!(
            off < 0.1,
            "the live beat is {off:.2} of a beat off at {:.1} s",
            s.t
        );
    }
    assert!(snaps.len() >= 5, "{} snapshots", snaps.len());
}

/// Adds a rumble (low-passed noise, as the reverb tail of an industrial kick) of `len`
/// seconds at `t`.
fn rumble(x: &mut [f32], t: f64, len: f64, gain: f32, noise: &mut Noise) {
    let start = (t * f64::from(SR)).round() as usize;
    let n = (len * f64::from(SR)) as usize;
    // A 60-sample moving average: a low-pass at about 700 Hz.
    let mut window = [0.0f32; 60];
    let mut sum = 0.0f32;
    for i in 0..n {
        let w = noise.next();
        sum += w - window[i % 60];
        window[i % 60] = w;
        let Some(s) = x.get_mut(start + i) else {
            break;
        };
        let tt = i as f64 / f64::from(SR);
        *s += gain * sum / 60.0 * 8.0 * (-tt * 12.0).exp() as f32;
    }
}

#[test]
fn a_rumble_after_each_kick_keeps_the_beats_on_the_kick() {
    // Industrial techno: a kick on every beat and a rumble on the three 16ths after it.
    // The rumble's first 16th peaks late enough to look like a swung lead note a third
    // of a beat after the kick; a straight 16th grid also has one at three quarters.
    for bpm in [128.0, 140.0, 145.0] {
        let beat = 60.0 / bpm;
        let offset = 0.21;
        let beats = 160;
        let mut x = vec![0.0f32; ((offset + (beats as f64 + 1.0) * beat) * f64::from(SR)) as usize];
        let mut noise = Noise(0x0DDB_A11C_AFE5_1234);
        for k in 0..beats {
            let t = offset + k as f64 * beat;
            hit(&mut x, t, 3, 0.9, &mut noise);
            for s in 1..4 {
                rumble(
                    &mut x,
                    t + s as f64 * beat / 4.0,
                    beat / 4.0,
                    0.2,
                    &mut noise,
                );
            }
        }
        let r = analyse_mono(&x, AnalysisConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        assert!((t / bpm - 1.0).abs() < 0.01, "{bpm}: tempo {t}");
        let (first, phase, off) = beat_phase(&r, offset, beat);
        println!("rumble {bpm}: first beat {first:.3} s, {off:.2} of a beat off");
        assert_eq!(r.time_signature.as_deref(), Some("4/4"), "{bpm}");
        assert!(
            off < 0.06,
            "{bpm}: beats {phase:.2} of a beat after the kick"
        );
    }
}

#[test]
fn a_broken_kick_without_harmony_keeps_its_beats() {
    // No pitched instrument: kicks on the 1st, 7th, 11th and 13th 16ths, claps on 2 and 4,
    // hats on the off-beats. The drums' own pattern changes the chroma within the bar;
    // with the drums mostly on the beats, that is no reason to move them.
    const STEPS: [u8; 16] = [K, 0, H, 0, S, 0, K | H, 0, 0, 0, K | H, 0, K | S, 0, H, 0];
    for bpm in [124.0, 128.0, 132.0, 140.0] {
        let sixteenth = 15.0 / bpm;
        let mut x = vec![0.0f32; ((0.43 + 48.0 * 16.0 * sixteenth + 1.0) * f64::from(SR)) as usize];
        let mut noise = Noise(0xC0FF_EE00_1234_5678);
        for step in 0..48 * 16 {
            let t = 0.43 + step as f64 * sixteenth;
            let m = STEPS[step % 16];
            if m & K != 0 {
                hit(&mut x, t, 3, 0.9, &mut noise);
            }
            if m & S != 0 {
                hit(&mut x, t, 1, 0.5, &mut noise);
            }
            if m & H != 0 {
                hit(&mut x, t, 2, 0.6, &mut noise);
            }
        }
        let r = analyse_mono(&x, AnalysisConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        assert!((t / bpm - 1.0).abs() < 0.01, "{bpm}: tempo {t}");
        let beat = 60.0 / bpm;
        let (first, phase, off) = beat_phase(&r, 0.43, beat);
        println!("broken kick {bpm}: first beat {first:.3} s, {off:.2} of a beat off");
        assert!(
            off < 0.06,
            "{bpm}: beats {phase:.2} of a beat after the beat"
        );
    }
}

#[test]
fn techno_with_hats_in_threes_is_read_at_its_kick() {
    // A kick on every beat, loud hats on every third 16th (a 3/16 polyrhythm), and a bass
    // swelling on the off-beats (side-chained) whose note changes each bar. The hats repeat at 2:3 of the beat in
    // the snare and high bands (138 read at 92); the off-beat bass changes the chroma on
    // the off-beat. The kick is the beat.
    let roots = [55.0, 55.0, 65.41, 49.0];
    for bpm in [128.0, 138.0] {
        let sixteenth = 15.0 / bpm;
        let offset = 0.17;
        let bars = 40;
        let mut x =
            vec![0.0f32; ((offset + (bars * 16 + 8) as f64 * sixteenth) * f64::from(SR)) as usize];
        let mut noise = Noise(0x7EC4_40C0_FFEE_0001);
        for step in 0..bars * 16 {
            let t = offset + step as f64 * sixteenth;
            if step % 4 == 0 {
                hit(&mut x, t, 0, 0.9, &mut noise);
            }
            if step % 3 == 0 {
                hit(&mut x, t, 2, 1.2, &mut noise);
            }
            if step % 4 == 2 {
                let bass = Tone {
                    hz: &[roots[(step / 16) % 4]],
                    harmonics: 3,
                    gain: 0.35,
                    attack: 0.02,
                    decay: 6.0,
                };
                add_tone(&mut x, t, 2.0 * sixteenth, &bass);
            }
        }
        let r = analyse_mono(&x, AnalysisConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        let beat = 4.0 * sixteenth;
        let (_, phase, off) = beat_phase(&r, offset, beat);
        println!("hats in threes {bpm}: {t:.2} BPM, first beat {off:.2} of a beat off the kick");
        assert!((t / bpm - 1.0).abs() < 0.01, "{bpm}: tempo {t}");
        assert!(
            off < 0.06,
            "{bpm}: beats {phase:.2} of a beat after the kick"
        );
        // The hats repeat every three beats, but the kick does not: 4/4, not a waltz.
        assert_eq!(r.time_signature.as_deref(), Some("4/4"), "{bpm}");
    }
}

#[test]
fn trap_with_a_syncopated_kick_keeps_its_beats_at_half_time() {
    // Trap at 140: a kick on 1 and on the 16th before beat 4, a clap on 3, 16th hats for
    // three beats and a triplet roll on the fourth. Read at half time (70), the second kick
    // lands three eighths into every second beat, where a swung lead note would be; it is
    // not swing, and the beats stay on the grid.
    let bpm = 140.0;
    let sixteenth = 15.0 / bpm;
    let offset = 0.27;
    let bars = 40;
    let mut x =
        vec![0.0f32; ((offset + (bars * 16 + 8) as f64 * sixteenth) * f64::from(SR)) as usize];
    let mut noise = Noise(0x7EA9_1400_5EED_0003);
    for bar in 0..bars {
        let t0 = offset + (bar * 16) as f64 * sixteenth;
        for k in 0..16 {
            let t = t0 + k as f64 * sixteenth;
            if k == 0 || k == 11 {
                hit(&mut x, t, 0, 0.9, &mut noise);
            }
            if k == 8 {
                hit(&mut x, t, 1, 0.8, &mut noise);
            }
            if k < 12 {
                hit(&mut x, t, 2, 0.35, &mut noise);
            }
        }
        for j in 0..6 {
            hit(
                &mut x,
                t0 + (12.0 + j as f64 * 4.0 / 6.0) * sixteenth,
                2,
                0.45,
                &mut noise,
            );
        }
    }
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    let beat = 4.0 * sixteenth;
    let (_, phase, off) = beat_phase(&r, offset, beat);
    println!("trap: {t:.2} BPM, first beat {off:.2} of a beat off the grid");
    assert!(
        (t / bpm - 1.0).abs() < 0.01 || (t / (bpm / 2.0) - 1.0).abs() < 0.01,
        "tempo {t}"
    );
    assert!(off < 0.06, "beats {phase:.2} of a beat off the grid");
}

/// Bass and chords in bars of `beats` beats at `bpm` for `bars` bars from `offset` s: the
/// bass (and with `drums` a kick) on beat 1, the chord (and a hat and a light snare) on
/// the other beats, a chord a bar from a four-bar progression. Three beats: a waltz.
fn bass_and_chords(bpm: f64, beats: usize, bars: usize, offset: f64, drums: bool) -> Vec<f32> {
    let beat = 60.0 / bpm;
    let progression: [[f64; 3]; 4] = [
        [261.63, 329.63, 392.0],
        [349.23, 440.0, 523.25],
        [392.0, 493.88, 587.33],
        [220.0, 261.63, 329.63],
    ];
    let mut x = vec![
        0.0f32;
        ((offset + (bars as f64 * beats as f64 + 2.0) * beat) * f64::from(SR)) as usize
    ];
    let mut noise = Noise(0x2545_F491_4F6C_DD1D);
    for bar in 0..bars {
        let hz = &progression[bar % 4];
        let t0 = offset + bar as f64 * beats as f64 * beat;
        let bass = Tone {
            hz: &[hz[0] / 4.0],
            harmonics: 4,
            gain: 0.5,
            attack: 0.005,
            decay: 3.0,
        };
        let chord = Tone {
            hz,
            harmonics: 4,
            gain: 0.3,
            attack: 0.005,
            decay: 6.0,
        };
        add_tone(&mut x, t0, 0.95 * beat, &bass);
        if drums {
            hit(&mut x, t0, 0, 0.8, &mut noise);
        }
        for k in 1..beats {
            let t = t0 + k as f64 * beat;
            add_tone(&mut x, t, 0.9 * beat, &chord);
            if drums {
                hit(&mut x, t, 2, 0.5, &mut noise);
                hit(&mut x, t, 1, 0.3, &mut noise);
            }
        }
    }
    x
}

/// How many of `downs` (seconds) sit within 50 ms of a beat 1 of bars of `bar` beats,
/// beats every `beat` seconds from `offset`.
fn on_beat_one(downs: &[f64], offset: f64, beat: f64, bar: i64) -> usize {
    downs
        .iter()
        .filter(|&&d| {
            let k = ((d - offset) / beat).round() as i64;
            (d - offset - k as f64 * beat).abs() < 0.05 && k.rem_euclid(bar) == 0
        })
        .count()
}

#[test]
fn a_waltz_has_three_beats_a_bar_and_its_downbeats_on_the_bass() {
    for (bpm, drums) in [(150.0, true), (96.0, true), (132.0, false)] {
        let beat = 60.0 / bpm;
        let offset = 0.41;
        let x = bass_and_chords(bpm, 3, 48, offset, drums);
        let r = analyse_mono(&x, AnalysisConfig::default());
        let t = r.tempo_bpm_global.expect("tempo");
        let label = format!("waltz at {bpm} (drums: {drums})");
        assert!((t / bpm - 1.0).abs() < 0.01, "{label}: tempo {t}");
        assert_eq!(r.time_signature.as_deref(), Some("3/4"), "{label}");
        assert_eq!(r.beats_per_bar(), Some(3));
        let downs = &r.downbeat_times;
        let on_one = on_beat_one(downs, offset, beat, 3);
        println!("{label}: {on_one} of {} downbeats on beat 1", downs.len());
        assert!(downs.len() >= 40, "{label}: {} downbeats", downs.len());
        assert!(
            on_one as f64 >= 0.9 * downs.len() as f64,
            "{label}: {on_one} of {}",
            downs.len()
        );
        // Bars of three beats: phrases of 8 bars are 24 beats apart.
        let p = &r.phrases.eight_bar;
        assert!(p.len() >= 2, "{label}: phrases {p:?}");
        assert!(
            ((p[1] - p[0]) / (24.0 * beat) - 1.0).abs() < 0.02,
            "{label}: {p:?}"
        );
        // The live read-out counts the same bars.
        let mut live = LiveAnalyzer::new(SR, LiveConfig::default()).expect("live");
        for c in x.chunks(1024) {
            live.push(c);
        }
        let s = live.snapshot();
        assert_eq!(s.beats_per_bar, Some(3), "{label}: {s:?}");
        assert!(s.beat_in_bar.is_some_and(|b| b < 3), "{label}: {s:?}");
    }
}

#[test]
fn the_same_chords_in_four_four_keep_four_beats_a_bar() {
    // The waltz's bass, chords and drums with a fourth beat (chord, hat, snare) in each
    // bar: 4/4, downbeats on the bass.
    let bpm = 120.0;
    let beat = 60.0 / bpm;
    let offset = 0.23;
    let x = bass_and_chords(bpm, 4, 40, offset, true);
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / bpm - 1.0).abs() < 0.01, "tempo {t}");
    assert_eq!(r.time_signature.as_deref(), Some("4/4"));
    let downs = &r.downbeat_times;
    let on_one = on_beat_one(downs, offset, beat, 4);
    assert!(
        on_one as f64 >= 0.9 * downs.len() as f64,
        "{on_one} of {}",
        downs.len()
    );
}

#[test]
fn a_slow_intro_and_a_faster_section_each_keep_their_own_beat() {
    // Four and a half bars at 80 BPM, then 28 at 116 (the same groove), as a piece whose
    // intro is at another tempo. At one period the tracker carried 116 into the intro, or
    // 80 on. The half bar moves the count of beats: the main section's bars start two
    // beats after a count of fours from the intro would put them.
    let offset = 0.3;
    let intro_beats = 18;
    let change = offset + intro_beats as f64 * 60.0 / 80.0;
    let mut x = pattern(80.0, 5, offset, &ROCK, 1.0);
    x.truncate((change * f64::from(SR)) as usize);
    x.extend(pattern(116.0, 28, 0.0, &ROCK, 1.0));
    let truth: Vec<f64> = (0..intro_beats)
        .map(|k| offset + k as f64 * 60.0 / 80.0)
        .chain((0..28 * 4).map(|k| change + k as f64 * 60.0 / 116.0))
        .collect();
    let r = analyse_mono(&x, AnalysisConfig::default());
    let t = r.tempo_bpm_global.expect("tempo");
    assert!((t / 116.0 - 1.0).abs() < 0.01, "tempo {t}");
    assert!(
        r.beat_times.windows(2).all(|w| w[1] > w[0]),
        "beats out of order"
    );
    // The local tempo's range covers both sections.
    let (lo, hi) = (r.tempo_variation.min, r.tempo_variation.max);
    assert!(lo.is_some_and(|v| (v / 80.0 - 1.0).abs() < 0.04), "{lo:?}");
    assert!(hi.is_some_and(|v| (v / 116.0 - 1.0).abs() < 0.04), "{hi:?}");
    // Each section's downbeats on its own bar starts.
    for (name, from, to, start, beat) in [
        ("intro", 1.0, change - 0.5, offset, 60.0 / 80.0),
        ("main", change + 1.0, f64::INFINITY, change, 60.0 / 116.0),
    ] {
        let downs: Vec<f64> = r
            .downbeat_times
            .iter()
            .copied()
            .filter(|&d| d > from && d < to)
            .collect();
        let on_bar = on_beat_one(&downs, start, beat, 4);
        println!(
            "{name}: {on_bar} of {} downbeats on bar starts",
            downs.len()
        );
        assert!(
            on_bar as f64 >= 0.75 * downs.len() as f64 && downs.len() >= 3,
            "{name}: {on_bar} of {} downbeats on its bar starts",
            downs.len()
        );
    }
    for (name, lo, hi) in [("intro", 2.0, change), ("main", change, f64::INFINITY)] {
        let want: Vec<f64> = truth
            .iter()
            .copied()
            .filter(|&b| b >= lo && b < hi)
            .collect();
        let got: Vec<f64> = r
            .beat_times
            .iter()
            .copied()
            .filter(|&b| b >= lo - 0.07 && b < hi - 0.07)
            .collect();
        let hit = want
            .iter()
            .filter(|&&w| got.iter().any(|&g| (g - w).abs() <= 0.07))
            .count();
        println!(
            "{name}: {hit} of {} beats found, {} reported",
            want.len(),
            got.len()
        );
        assert!(
            hit as f64 >= 0.9 * want.len() as f64,
            "{name}: {hit} of {}",
            want.len()
        );
        assert!(
            got.len() as f64 <= 1.1 * want.len() as f64 + 1.0,
            "{name}: {} beats",
            got.len()
        );
    }
}

#[test]
fn a_drummer_who_drifts_is_followed() {
    // A live drummer: 116 BPM drifting to 124 over three minutes (a steady 7 % rise, as a
    // band without a click speeds up), each hit up to 10 ms early or late. No one grid
    // fits; the beats must follow the drift.
    let (start, end, secs) = (116.0f64, 124.0f64, 180.0f64);
    let offset = 0.4;
    let mut truth = Vec::new();
    let mut t = offset;
    while t < secs {
        truth.push(t);
        let bpm = start + (end - start) * t / secs;
        t += 60.0 / bpm;
    }
    let mut x = vec![0.0f32; ((secs + 1.0) * f64::from(SR)) as usize];
    let mut noise = Noise(0x0D21_F7ED_5EED_0004);
    for (k, &b) in truth.iter().enumerate() {
        let jitter = 0.010 * f64::from(noise.next());
        let next = truth.get(k + 1).copied().unwrap_or(b + 60.0 / end);
        // Rock: kick on 1 and 3, snare on 2 and 4, 8th hats.
        hit(
            &mut x,
            b + jitter,
            if k % 2 == 0 { 0 } else { 1 },
            0.9,
            &mut noise,
        );
        hit(&mut x, b + jitter, 2, 0.5, &mut noise);
        hit(&mut x, 0.5 * (b + next) + 0.5 * jitter, 2, 0.35, &mut noise);
    }
    let r = analyse_mono(&x, AnalysisConfig::default());
    let bpm = r.tempo_bpm_global.expect("tempo");
    assert!((start * 0.99..=end * 1.01).contains(&bpm), "tempo {bpm}");
    let found = truth
        .iter()
        .filter(|&&b| b > 5.0)
        .filter(|&&b| r.beat_times.iter().any(|&g| (g - b).abs() <= 0.07))
        .count();
    let want = truth.iter().filter(|&&b| b > 5.0).count();
    let reported = r.beat_times.iter().filter(|&&g| g > 5.0).count();
    println!("drift: {found} of {want} beats found, {reported} reported, tempo {bpm:.2}");
    assert!(found as f64 >= 0.95 * want as f64, "{found} of {want}");
    assert!(reported as f64 <= 1.05 * want as f64, "{reported} beats");
    let (lo, hi) = (r.tempo_variation.min, r.tempo_variation.max);
    assert!(
        lo.is_some_and(|v| v < 119.0) && hi.is_some_and(|v| v > 121.0),
        "{lo:?} {hi:?}"
    );
}

#[test]
fn the_live_count_in_the_bar_keeps_what_the_track_so_far_says() {
    // 36 bars of chords changing on beat 1 over a bass note there and a kick on every
    // beat (a clear bar), then 50 bars of the kick and off-beat hats alone: nothing in
    // them says which beat is the one. From 135 s the rhythm window (the last minute)
    // holds only the bare loop, which it reads in threes; the track so far still counts
    // its bars from the chords.
    let (bpm, offset) = (124.0, 0.3);
    let beat = 60.0 / bpm;
    let cued_bars = 36;
    let mut x = bass_and_chords(bpm, 4, cued_bars, offset, true);
    let loop_start = offset + (cued_bars * 4) as f64 * beat;
    x.resize(
        ((loop_start + 200.0 * beat + 1.0) * f64::from(SR)) as usize,
        0.0,
    );
    let mut noise = Noise(0x1234_5678_9ABC_DEF1);
    for k in 0..200 {
        let t = loop_start + k as f64 * beat;
        hit(&mut x, t, 0, 0.8, &mut noise);
        hit(&mut x, t + 0.5 * beat, 2, 0.5, &mut noise);
    }
    // From 135 to 160 s the last minute holds the loop alone.
    let snaps = live_every_5_s(&x, 135.0, 160.0);
    for s in &snaps {
        // The beat the read-out says was last, and its place in the true bar.
        let last = last_live_beat(s, bpm);
        let k = ((last - offset) / beat).round() as i64;
        assert!(
            (last - offset - k as f64 * beat).abs() < 0.05,
            "off the beat at {:.1} s",
            s.t
        );
        assert_eq!(s.beats_per_bar, Some(4), "{s:?}");
        assert_eq!(
            s.beat_in_bar,
            Some(k.rem_euclid(4) as u8),
            "the count in the bar at {:.1} s",
            s.t
        );
    }
    assert!(snaps.len() >= 5, "{} snapshots", snaps.len());
}

/// Plays `x` through the live analysis in 512-frame blocks: a snapshot about every 5 s
/// from `from` to `until` seconds.
fn live_every_5_s(x: &[f32], from: f64, until: f64) -> Vec<LiveSnapshot> {
    let mut live = LiveAnalyzer::new(SR, LiveConfig::default()).expect("live");
    let mut out = Vec::new();
    for (i, block) in x.chunks(512).enumerate() {
        live.push(block);
        if i % 431 == 0 && (from..=until).contains(&live.secs()) {
            out.push(live.snapshot());
        }
    }
    out
}

/// The beat a snapshot says was last (seconds), after checking its tempo is `bpm`.
fn last_live_beat(s: &LiveSnapshot, bpm: f64) -> f64 {
    let (bpm_now, phase) = (s.bpm.expect("bpm"), s.beat_phase.expect("phase"));
    assert!(
        (bpm_now / bpm - 1.0).abs() < 0.01,
        "{bpm_now} at {:.1} s",
        s.t
    );
    s.t - phase * 60.0 / bpm_now
}

/// Half-time: a kick on 1, a snare on 3 (once a bar), 16th hats.
const HALF_TIME: [u8; 16] = [K | H, H, H, H, H, H, H, H, S | H, H, H, H, H, H, H, H];
/// The same with a second kick on the "and" of 3, as dubstep often has.
const HALF_TIME_TWO_KICKS: [u8; 16] = [K | H, H, H, H, H, H, H, H, S | H, H, K | H, H, H, H, H, H];

#[test]
fn half_time_grooves_are_read_at_their_hats_not_at_the_snare_a_bar() {
    // Half-time techno, dubstep and trap: a snare once a bar reads as a backbeat at half
    // the tempo (65 for 130). DJs count these at the hats' tempo, and a backbeat below
    // 80 BPM counts less for it (none at 60). A bare loop like this one at 134-150 still
    // reads at half: its kick and snare make the slow level far more periodic.
    for pat in [&HALF_TIME, &HALF_TIME_TWO_KICKS] {
        for bpm in [126.0, 130.0] {
            let x = pattern(bpm, 24, 0.4, pat, 1.0);
            let t = analyse_mono(&x, AnalysisConfig::default())
                .tempo_bpm_global
                .expect("tempo");
            println!("half time {bpm}: {t:.2} BPM");
            assert!((t / bpm - 1.0).abs() < 0.01, "{bpm}: got {t}");
        }
    }
    // Boom-bap at 76 keeps its slow backbeat (at 66-72 this bare loop now reads at
    // double, as trap at 132-144 would be counted).
    let x = pattern(76.0, 12, 0.4, &BOOM_BAP, 1.0);
    let t = analyse_mono(&x, AnalysisConfig::default())
        .tempo_bpm_global
        .expect("tempo");
    println!("boom bap 76: {t:.2} BPM");
    assert!((t / 76.0 - 1.0).abs() < 0.01, "boom bap 76: got {t}");
}
