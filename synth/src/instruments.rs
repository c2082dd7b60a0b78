//! Synthesised instruments: drum one-shots and pitched note renderers.
//!
//! Reference levels (linear peak at velocity 1, before the final peak normalisation):
//! kick 1.0, snare 0.5, clap 0.5, closed hat 0.16, open hat 0.13, ride 0.12,
//! crash 0.16, bass <= ~0.45, pad chord <= ~0.2, lead <= ~0.12.

use crate::dsp::{Svf, Wavetable};
use crate::rng::Rng;
use std::f64::consts::TAU;

/// A pre-rendered drum sound: mid (centre) and optional side (decorrelated) signal.
#[derive(Clone, Debug)]
pub struct OneShot {
    pub mid: Vec<f32>,
    /// Empty for centred sounds.
    pub side: Vec<f32>,
}

fn secs_to_len(secs: f64, sr: u32) -> usize {
    (secs * f64::from(sr)).round() as usize
}

fn normalise(v: &mut [f32], peak: f32) -> f32 {
    let p = v.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    if p > 0.0 {
        let g = peak / p;
        for x in v.iter_mut() {
            *x *= g;
        }
        g
    } else {
        1.0
    }
}

/// Short linear fade at the end of a one-shot to avoid clicks on truncation.
fn fade_tail(v: &mut [f32], sr: u32) {
    let n = secs_to_len(0.01, sr).min(v.len());
    let len = v.len();
    for (k, x) in v[len - n..].iter_mut().enumerate() {
        *x *= 1.0 - (k + 1) as f32 / n as f32;
    }
}

/// Kick: sine sweeping from ~160 Hz down to `tail_hz`, fast attack, ~160 ms decay,
/// plus a 1.5 kHz+ noise click. Peak 1.0.
pub fn kick(sr: u32, tail_hz: f64, rng: &mut Rng) -> OneShot {
    let n = secs_to_len(0.45, sr);
    let fs = f64::from(sr);
    let mut v = vec![0.0f32; n];
    let mut hp = Svf::new(1500.0, 0.7, sr);
    let mut phase = 0.0f64;
    let sat = 1.4f64;
    for (i, y) in v.iter_mut().enumerate() {
        let t = i as f64 / fs;
        let f = tail_hz + (160.0 - tail_hz) * (-t / 0.03).exp();
        let amp = if t < 0.002 { t / 0.002 } else { 1.0 } * (-t / 0.16).exp();
        let body = ((TAU * phase).sin() * amp * sat).tanh() / sat.tanh();
        phase += f / fs;
        let click = hp.process(rng.bipolar()).hp * (-t / 0.002).exp() as f32 * 0.35;
        *y = body as f32 + click;
    }
    fade_tail(&mut v, sr);
    normalise(&mut v, 1.0);
    OneShot {
        mid: v,
        side: Vec::new(),
    }
}

/// Snare: 185/330 Hz tone plus high-passed (1.2 kHz) and band-passed (2.5 kHz) noise,
/// ~90 ms noise decay. Peak 0.5.
pub fn snare(sr: u32, rng: &mut Rng) -> OneShot {
    let n = secs_to_len(0.3, sr);
    let fs = f64::from(sr);
    let mut v = vec![0.0f32; n];
    let mut hp = Svf::new(1200.0, 0.7, sr);
    let mut bp = Svf::new(2500.0, 0.8, sr);
    for (i, y) in v.iter_mut().enumerate() {
        let t = i as f64 / fs;
        let tone = 0.5 * (TAU * 185.0 * t).sin() * (-t / 0.05).exp()
            + 0.25 * (TAU * 330.0 * t).sin() * (-t / 0.03).exp();
        let x = rng.bipolar();
        let noise = hp.process(x).hp * 0.6 + bp.process(x).bp * 0.8;
        let env = (-t / 0.09).exp() * if t < 0.001 { t / 0.001 } else { 1.0 };
        *y = 0.45 * tone as f32 + 0.55 * noise * env as f32;
    }
    fade_tail(&mut v, sr);
    normalise(&mut v, 0.5);
    OneShot {
        mid: v,
        side: Vec::new(),
    }
}

/// Clap: four noise bursts 9 ms apart band-passed at 1.2 kHz, then a 120 ms tail. Peak 0.5.
pub fn clap(sr: u32, rng: &mut Rng) -> OneShot {
    let n = secs_to_len(0.35, sr);
    let fs = f64::from(sr);
    let mut v = vec![0.0f32; n];
    let mut bp = Svf::new(1200.0, 1.2, sr);
    let mut hp = Svf::new(600.0, 0.7, sr);
    for (i, y) in v.iter_mut().enumerate() {
        let t = i as f64 / fs;
        let mut env = 0.0f64;
        for k in 0..4 {
            let t0 = 0.009 * f64::from(k);
            if t >= t0 {
                env = env.max((-(t - t0) / 0.006).exp());
            }
        }
        if t >= 0.027 {
            env = env.max(0.6 * (-(t - 0.027) / 0.12).exp());
        }
        let x = hp.process(bp.process(rng.bipolar()).bp).hp;
        *y = x * env as f32;
    }
    fade_tail(&mut v, sr);
    normalise(&mut v, 0.5);
    OneShot {
        mid: v,
        side: Vec::new(),
    }
}

/// Noise cymbal (hat/ride/crash): 24 dB/oct high-pass at `hp_hz`, exponential decay
/// `decay` s, length `len` s, optional inharmonic partials; independent side noise.
fn cymbal(
    sr: u32,
    hp_hz: f64,
    decay: f64,
    len: f64,
    partials: &[f64],
    peak: f32,
    rng: &mut Rng,
) -> OneShot {
    let n = secs_to_len(len, sr);
    let fs = f64::from(sr);
    let mut mid = vec![0.0f32; n];
    let mut side = vec![0.0f32; n];
    let (mut a1, mut a2) = (Svf::new(hp_hz, 0.7, sr), Svf::new(hp_hz, 0.7, sr));
    let (mut b1, mut b2) = (Svf::new(hp_hz, 0.7, sr), Svf::new(hp_hz, 0.7, sr));
    let phases: Vec<f64> = partials.iter().map(|_| rng.next_f64()).collect();
    for (i, (m, s)) in mid.iter_mut().zip(side.iter_mut()).enumerate() {
        let t = i as f64 / fs;
        let env = (-t / decay).exp() * if t < 0.0005 { t / 0.0005 } else { 1.0 };
        let mut tone = 0.0f64;
        for (&f, &p) in partials.iter().zip(&phases) {
            tone += ((TAU * (f * t + p)).sin()).signum() * 0.12;
        }
        let x = a2.process(a1.process(rng.bipolar() + tone as f32).hp).hp;
        let y = b2.process(b1.process(rng.bipolar()).hp).hp;
        *m = x * env as f32;
        *s = y * env as f32;
    }
    fade_tail(&mut mid, sr);
    fade_tail(&mut side, sr);
    let g = normalise(&mut mid, peak);
    for s in side.iter_mut() {
        *s *= g * 0.9;
    }
    OneShot { mid, side }
}

/// Closed hat: high-pass 7 kHz, 25 ms decay, peak 0.16.
pub fn closed_hat(sr: u32, rng: &mut Rng) -> OneShot {
    cymbal(sr, 7000.0, 0.025, 0.12, &[], 0.16, rng)
}

/// Open hat: high-pass 6.5 kHz, 150 ms decay, peak 0.13.
pub fn open_hat(sr: u32, rng: &mut Rng) -> OneShot {
    cymbal(sr, 6500.0, 0.15, 0.5, &[], 0.13, rng)
}

/// Ride: high-pass 5 kHz with square-wave partials, 250 ms decay, peak 0.12.
pub fn ride(sr: u32, rng: &mut Rng) -> OneShot {
    cymbal(
        sr,
        5000.0,
        0.25,
        0.7,
        &[3150.0, 4470.0, 5920.0, 7300.0],
        0.12,
        rng,
    )
}

/// Crash: high-pass 4 kHz, 600 ms decay, peak 0.16.
pub fn crash(sr: u32, rng: &mut Rng) -> OneShot {
    cymbal(sr, 4000.0, 0.6, 2.5, &[], 0.16, rng)
}

/// Adds `shot * gain` at frame `start` (truncated at the buffer end).
pub fn add_shot(mid: &mut [f32], side: &mut [f32], shot: &OneShot, start: usize, gain: f32) {
    if start >= mid.len() {
        return;
    }
    for (y, &x) in mid[start..].iter_mut().zip(&shot.mid) {
        *y += x * gain;
    }
    for (y, &x) in side[start..].iter_mut().zip(&shot.side) {
        *y += x * gain;
    }
}

/// Wavetables shared by the pitched instruments.
pub struct Tables {
    sine: Wavetable,
    saw: Wavetable,
    pad: Wavetable,
    lead: Wavetable,
}

impl Tables {
    pub fn new() -> Self {
        let pad: Vec<f64> = (1..=10).map(|h| 1.0 / f64::from(h).powf(1.4)).collect();
        let lead: Vec<f64> = (1..=8)
            .map(|h| if h % 2 == 1 { 1.0 } else { 0.5 } / f64::from(h))
            .collect();
        Self {
            sine: Wavetable::sine(),
            saw: Wavetable::saw(40),
            pad: Wavetable::from_harmonics(&pad),
            lead: Wavetable::from_harmonics(&lead),
        }
    }
}

/// Bass level (linear) at velocity 1.
pub const BASS_LEVEL: f32 = 0.42;
/// Per-oscillator pad level (3 oscillators per voice, 4 voices).
pub const PAD_LEVEL: f32 = 0.035;
/// Lead level at velocity 1.
pub const LEAD_LEVEL: f32 = 0.11;

/// Bass note: sine sub (60 %) plus a 40-harmonic saw through a resonant low-pass whose
/// cutoff falls from `2.5 f + 900` Hz to `2.5 f` (70 ms), 4 ms attack, 25 ms release. Centred.
#[allow(clippy::too_many_arguments)]
pub fn add_bass_note(
    mid: &mut [f32],
    sr: u32,
    tables: &Tables,
    start: usize,
    gate: usize,
    hz: f64,
    vel: f32,
) {
    let fs = f64::from(sr);
    let rel = secs_to_len(0.025, sr).max(1);
    let end = (start + gate + rel).min(mid.len());
    if start >= end {
        return;
    }
    let mut lp = Svf::new(2.5 * hz + 900.0, 0.9, sr);
    let inc = hz / fs;
    let att = 0.004 * fs;
    let gate_f = gate.max(1) as f64;
    for (k, y) in mid[start..end].iter_mut().enumerate() {
        let t = k as f64 / fs;
        if k % 32 == 0 {
            lp.set(2.5 * hz + 900.0 * (-t / 0.07).exp(), 0.9, sr);
        }
        let ph = inc * k as f64;
        let env = if k < gate {
            (k as f64 / att).min(1.0) * (1.0 - 0.15 * k as f64 / gate_f)
        } else {
            let at_gate = (gate as f64 / att).min(1.0) * 0.85;
            at_gate * (1.0 - (k - gate) as f64 / rel as f64)
        };
        let x = 0.6 * tables.sine.at(ph) + 0.55 * lp.process(tables.saw.at(ph)).lp;
        *y += x * (env as f32) * vel * BASS_LEVEL;
    }
}

/// Pad voice: three detuned oscillators (+7, -7, 0 cents) of a soft-saw table;
/// `attack` s, sustain, 0.35 s release. The detuned pair supplies the side signal.
#[allow(clippy::too_many_arguments)]
pub fn add_pad_voice(
    mid: &mut [f32],
    side: &mut [f32],
    sr: u32,
    tables: &Tables,
    start: usize,
    gate: usize,
    hz: f64,
    attack: f64,
    vel: f32,
    rng: &mut Rng,
) {
    let fs = f64::from(sr);
    let rel = secs_to_len(0.35, sr).max(1);
    let end = (start + gate + rel).min(mid.len());
    if start >= end {
        return;
    }
    let d = 2f64.powf(7.0 / 1200.0);
    let (i0, i1, i2) = (hz / fs, hz * d / fs, hz / d / fs);
    let (p0, p1, p2) = (rng.next_f64(), rng.next_f64(), rng.next_f64());
    let att = (attack * fs).max(1.0);
    let lvl_at_gate = (gate as f64 / att).min(1.0);
    for (k, (m, s)) in mid[start..end]
        .iter_mut()
        .zip(side[start..end].iter_mut())
        .enumerate()
    {
        let kf = k as f64;
        let env = if k < gate {
            (kf / att).min(1.0)
        } else {
            lvl_at_gate * (1.0 - (k - gate) as f64 / rel as f64)
        };
        let o0 = tables.pad.at(p0 + i0 * kf);
        let o1 = tables.pad.at(p1 + i1 * kf);
        let o2 = tables.pad.at(p2 + i2 * kf);
        let g = env as f32 * vel * PAD_LEVEL;
        *m += (0.5 * (o1 + o2) + 0.5 * o0) * g;
        *s += 0.5 * (o1 - o2) * g;
    }
}

/// Lead pluck: two oscillators detuned +-4 cents, 3 ms attack, 220 ms exponential decay,
/// 60 ms release after the gate.
#[allow(clippy::too_many_arguments)]
pub fn add_lead_note(
    mid: &mut [f32],
    side: &mut [f32],
    sr: u32,
    tables: &Tables,
    start: usize,
    gate: usize,
    hz: f64,
    vel: f32,
    rng: &mut Rng,
) {
    let fs = f64::from(sr);
    let rel = secs_to_len(0.06, sr).max(1);
    let end = (start + gate + rel).min(mid.len());
    if start >= end {
        return;
    }
    let d = 2f64.powf(4.0 / 1200.0);
    let (i1, i2) = (hz * d / fs, hz / d / fs);
    let (p1, p2) = (rng.next_f64(), rng.next_f64());
    let att = 0.003 * fs;
    let dec = 0.22 * fs;
    let env_at = |k: f64| (k / att).min(1.0) * (-k / dec).exp();
    let at_gate = env_at(gate as f64);
    for (k, (m, s)) in mid[start..end]
        .iter_mut()
        .zip(side[start..end].iter_mut())
        .enumerate()
    {
        let kf = k as f64;
        let env = if k < gate {
            env_at(kf)
        } else {
            at_gate * (1.0 - (k - gate) as f64 / rel as f64)
        };
        let a = tables.lead.at(p1 + i1 * kf);
        let b = tables.lead.at(p2 + i2 * kf);
        let g = env as f32 * vel * LEAD_LEVEL;
        *m += 0.5 * (a + b) * g;
        *s += 0.5 * (a - b) * g;
    }
}
