//! Tempo-synced feedback echo, used on the outgoing deck of a transition.
//!
//! `delay = beats * 60 / bpm` seconds (set by the caller in samples), read with linear
//! interpolation from a circular buffer preallocated for [`MAX_DELAY_SECONDS`] per lane. The
//! feedback path goes through a one-pole low-pass ([`FEEDBACK_LOWPASS_HZ`]) so repeats get
//! darker, as on a DJM echo. The block returns the wet signal only: the mixer adds it after the
//! crossfader so the tail rings out after the deck is faded out.
//!
//! Send, feedback and delay move through linear ramps (10 ms, 10 ms, 50 ms). When the send is
//! closed and the whole line holds zeros (the tail has died out), `tick` skips the work: the
//! output is exactly zero either way.

use crate::smoother::LinearSmoother;
use crate::svf::flush;
use std::f64::consts::PI;

/// Longest delay, seconds (4 beats at 60 BPM).
pub const MAX_DELAY_SECONDS: f64 = 4.0;
/// Corner of the low-pass in the feedback path, Hz.
pub const FEEDBACK_LOWPASS_HZ: f64 = 6_000.0;
/// Highest feedback (keeps the loop stable and the tail finite).
pub const MAX_FEEDBACK: f32 = 0.95;

/// A feedback delay over `N` lanes.
#[derive(Clone, Debug)]
pub struct Echo<const N: usize> {
    sample_rate: f64,
    buf: Vec<[f32; N]>,
    write: usize,
    lp: [f64; N],
    lp_a: f64,
    send: LinearSmoother,
    feedback: LinearSmoother,
    delay: LinearSmoother,
    /// Consecutive all-zero writes; once it covers the whole line, the line is silent.
    silent_run: usize,
}

impl<const N: usize> Echo<N> {
    /// An echo for `sample_rate` Hz (allocates the delay line).
    pub fn new(sample_rate: f64) -> Self {
        let mut e = Self {
            sample_rate,
            buf: Vec::new(),
            write: 0,
            lp: [0.0; N],
            lp_a: 0.0,
            send: LinearSmoother::new(0.0, 1),
            feedback: LinearSmoother::new(0.0, 1),
            delay: LinearSmoother::new(1.0, 1),
            silent_run: 0,
        };
        e.set_sample_rate(sample_rate);
        e
    }

    /// Set the rate. This allocates the delay line (`4 s * rate` frames); not for the audio
    /// thread.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        self.sample_rate = sample_rate;
        let len = (MAX_DELAY_SECONDS * sample_rate).ceil() as usize + 4;
        self.buf = vec![[0.0; N]; len];
        self.lp_a = 1.0 - (-2.0 * PI * FEEDBACK_LOWPASS_HZ / sample_rate).exp();
        self.send
            .set_ramp_len(LinearSmoother::ramp_samples(10.0, sample_rate));
        self.feedback
            .set_ramp_len(LinearSmoother::ramp_samples(10.0, sample_rate));
        self.delay
            .set_ramp_len(LinearSmoother::ramp_samples(50.0, sample_rate));
        self.reset();
    }

    /// Silence the line and jump the ramps to their targets.
    pub fn reset(&mut self) {
        self.buf.iter_mut().for_each(|f| *f = [0.0; N]);
        self.write = 0;
        self.lp = [0.0; N];
        self.silent_run = self.buf.len();
        self.send.snap();
        self.feedback.snap();
        self.delay.snap();
    }

    /// Jump the ramps to their targets, keeping the delay line.
    pub fn snap(&mut self) {
        self.send.snap();
        self.feedback.snap();
        self.delay.snap();
    }

    /// Delay in samples for `beats` at `bpm`, clamped to the line.
    pub fn delay_samples(&self, beats: f64, bpm: f64) -> f64 {
        let bpm = if bpm.is_finite() && bpm > 0.0 {
            bpm
        } else {
            120.0
        };
        (beats * 60.0 / bpm * self.sample_rate).clamp(1.0, self.max_delay())
    }

    fn max_delay(&self) -> f64 {
        (self.buf.len() as f64 - 3.0).max(1.0)
    }

    /// Set the send level (`0..1`), feedback (`0..0.95`) and delay (samples).
    pub fn set(&mut self, send: f32, feedback: f32, delay_samples: f64) {
        self.send.set_target(send.clamp(0.0, 1.0));
        self.feedback.set_target(feedback.clamp(0.0, MAX_FEEDBACK));
        if delay_samples.is_finite() {
            self.delay
                .set_target(delay_samples.clamp(1.0, self.max_delay()) as f32);
        }
    }

    /// Set the send level only.
    pub fn set_send(&mut self, send: f32) {
        self.send.set_target(send.clamp(0.0, 1.0));
    }

    /// One sample: feed `x` (scaled by the send) and return the wet output.
    #[inline]
    pub fn tick(&mut self, x: [f64; N]) -> [f64; N] {
        let send = f64::from(self.send.next_value());
        let fb = f64::from(self.feedback.next_value());
        let d = f64::from(self.delay.next_value());
        let len = self.buf.len();
        if len < 4 {
            return [0.0; N];
        }
        if send == 0.0 && self.silent_run >= len {
            // The whole line holds zeros and nothing is fed: the output is exactly zero
            // wherever the pointers are, so skip the work.
            self.lp = [0.0; N];
            return [0.0; N];
        }
        // Read position `write - d`, split into integer and fraction; `d <= len - 3` (set by
        // `set`), so one conditional wrap is enough (no integer division per sample).
        let di = d.floor();
        let frac = d - di;
        let di = (di as usize).min(len - 3);
        let i0 = if self.write >= di {
            self.write - di
        } else {
            self.write + len - di
        };
        let i1 = if i0 == 0 { len - 1 } else { i0 - 1 };
        let a = self.buf.get(i0).copied().unwrap_or([0.0; N]);
        let b = self.buf.get(i1).copied().unwrap_or([0.0; N]);
        let mut y = [0.0f64; N];
        let mut w = [0.0f32; N];
        for ((((yi, wi), (&ai, &bi)), lp), &xi) in y
            .iter_mut()
            .zip(w.iter_mut())
            .zip(a.iter().zip(b.iter()))
            .zip(self.lp.iter_mut())
            .zip(x.iter())
        {
            let out = f64::from(ai) + (f64::from(bi) - f64::from(ai)) * frac;
            *lp = flush(*lp + self.lp_a * (out - *lp));
            *wi = flush(xi * send + *lp * fb) as f32;
            *yi = out;
        }
        if let Some(slot) = self.buf.get_mut(self.write) {
            *slot = w;
        }
        if w.iter().all(|v| *v == 0.0) {
            self.silent_run = self.silent_run.saturating_add(1);
        } else {
            self.silent_run = 0;
        }
        self.write += 1;
        if self.write >= len {
            self.write = 0;
        }
        y
    }

    /// Process `N` channels in place: each sample is fed in and replaced by the wet output.
    pub fn process(&mut self, channels: [&mut [f32]; N]) {
        crate::frames::process_in_place(channels, |x| self.tick(x));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impulse_returns_after_beats_times_60_over_bpm() {
        // 0.75 beats at 120 BPM = 0.375 s = 18000 samples at 48 kHz.
        for (beats, bpm, fs) in [(0.75, 120.0, 48_000.0), (0.5, 128.0, 44_100.0)] {
            let mut e = Echo::<1>::new(fs);
            let d = e.delay_samples(beats, bpm);
            e.set(1.0, 0.5, d);
            e.reset();
            let expect = (beats * 60.0 / bpm * fs).round() as usize;
            let mut out = Vec::new();
            for i in 0..(3 * expect + 10) {
                out.push(e.tick([if i == 0 { 1.0 } else { 0.0 }])[0]);
            }
            let first = out.iter().position(|v| v.abs() > 0.1).expect("an echo");
            assert!(first.abs_diff(expect) <= 1, "{first} vs {expect}");
            // A second, quieter (feedback 0.5, low-passed) repeat one delay later.
            let second = out[expect + 2 * expect / 3..]
                .iter()
                .position(|v| v.abs() > 0.02)
                .map(|p| p + expect + 2 * expect / 3)
                .expect("a repeat");
            assert!(second.abs_diff(2 * expect) <= 2, "{second}");
            let peak2 = out[second - 2..second + 3]
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(peak2 < 0.5 && peak2 > 0.05, "{peak2}");
        }
    }

    #[test]
    fn wakes_up_after_the_silent_skip() {
        // Feed, close the send, wait until the line is silent (skip engaged), then an impulse
        // still comes back exactly one delay later.
        let fs = 22_050.0;
        let mut e = Echo::<1>::new(fs);
        e.set(1.0, 0.0, 100.0);
        e.reset();
        for i in 0..500 {
            e.tick([(i as f64 * 0.3).sin()]);
        }
        e.set_send(0.0);
        for _ in 0..(5 * fs as usize) {
            assert!(e.tick([0.7])[0].abs() < 1.0);
        }
        assert!(e.silent_run >= e.buf.len());
        assert_eq!(e.tick([0.7]), [0.0]);
        e.set(1.0, 0.0, 100.0);
        for _ in 0..1000 {
            assert_eq!(e.tick([0.0]), [0.0]);
        }
        let out: Vec<f64> = (0..300)
            .map(|i| e.tick([if i == 0 { 1.0 } else { 0.0 }])[0])
            .collect();
        assert_eq!(out[100], 1.0);
        assert!(out.iter().enumerate().all(|(i, v)| i == 100 || *v == 0.0));
    }

    #[test]
    fn process_in_place_matches_tick() {
        let fs = 48_000.0;
        let mut a = Echo::<2>::new(fs);
        let mut b = Echo::<2>::new(fs);
        for e in [&mut a, &mut b] {
            e.set(0.8, 0.6, 123.4);
            e.reset();
        }
        let mut l: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.1).sin()).collect();
        let mut r = l.clone();
        let want: Vec<f32> = l
            .iter()
            .map(|&x| b.tick([f64::from(x); 2])[0] as f32)
            .collect();
        a.process([&mut l, &mut r]);
        assert_eq!(l, want);
        assert_eq!(r, want);
    }
}
