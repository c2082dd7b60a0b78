//! Streaming short-time Fourier transform: samples go in by blocks of any size, frames
//! come out one at a time to a callback. Memory is one frame, whatever the stream length.
//!
//! Frames are centred: frame `i` covers samples `[i*hop - n_fft/2, i*hop + n_fft/2)`,
//! with zeros before the start and after the end of the stream (as librosa's
//! `center=True`), so frame `i` is at time `i * hop / sample_rate` on every STFT.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// One analysis frame handed to the feature accumulators.
pub struct SpectrumFrame<'a> {
    /// Frame number, from 0.
    pub index: usize,
    /// Centre of the frame in seconds from the start of the stream.
    pub time_secs: f64,
    /// The frame's `n_fft` samples before windowing (for time-domain features).
    pub samples: &'a [f32],
    /// `|X[k]|` for `k` in `0..=n_fft/2`, Hann-windowed, scaled so that a full-scale
    /// sine on bin centre reads 1.0 (window sum normalised, one-sided doubled).
    pub magnitudes: &'a [f32],
    /// Width of one bin in Hz.
    pub bin_hz: f32,
    /// Sample rate of the stream.
    pub sample_rate: u32,
}

/// A streaming STFT with a fixed plan and reused buffers (no allocation per frame).
pub struct Stft {
    n_fft: usize,
    hop: usize,
    sample_rate: u32,
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    /// Pending samples: always fewer than `n_fft` after `push` returns.
    pending: Vec<f32>,
    frame: Vec<f32>,
    windowed: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    magnitudes: Vec<f32>,
    scale: f32,
    index: usize,
    /// Samples received from the stream (excluding the centring pad).
    received: u64,
}

impl Stft {
    /// A Hann-windowed STFT of `n_fft` points (even) every `hop` samples.
    ///
    /// # Panics
    /// If `n_fft` is odd or zero, or `hop` is zero or larger than `n_fft`.
    pub fn new(n_fft: usize, hop: usize, sample_rate: u32) -> Self {
        assert!(
            n_fft > 0 && n_fft.is_multiple_of(2),
            "n_fft must be even and non-zero"
        );
        assert!(hop > 0 && hop <= n_fft, "hop must be in 1..=n_fft");
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n_fft);
        // Periodic Hann: sums to n_fft/2 over a frame and overlaps-adds flat at hop n/4.
        let window: Vec<f32> = (0..n_fft)
            .map(|i| {
                let phase = 2.0 * std::f64::consts::PI * i as f64 / n_fft as f64;
                (0.5 - 0.5 * phase.cos()) as f32
            })
            .collect();
        let window_sum: f32 = window.iter().sum();
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        let mut pending = Vec::with_capacity(2 * n_fft);
        pending.resize(n_fft / 2, 0.0);
        Stft {
            n_fft,
            hop,
            sample_rate,
            fft,
            window,
            pending,
            frame: vec![0.0; n_fft],
            windowed: vec![0.0; n_fft],
            spectrum,
            scratch,
            magnitudes: vec![0.0; n_fft / 2 + 1],
            scale: 2.0 / window_sum,
            index: 0,
            received: 0,
        }
    }

    /// FFT length.
    pub fn n_fft(&self) -> usize {
        self.n_fft
    }

    /// Hop in samples.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// Frames per second.
    pub fn frame_rate(&self) -> f64 {
        f64::from(self.sample_rate) / self.hop as f64
    }

    /// Width of one bin in Hz.
    pub fn bin_hz(&self) -> f32 {
        self.sample_rate as f32 / self.n_fft as f32
    }

    /// Number of bins (`n_fft / 2 + 1`).
    pub fn bins(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// Frames emitted so far.
    pub fn frames_emitted(&self) -> usize {
        self.index
    }

    /// Feeds samples; calls `on_frame` for every complete frame.
    pub fn push(&mut self, samples: &[f32], mut on_frame: impl FnMut(&SpectrumFrame)) {
        self.received += samples.len() as u64;
        let mut rest = samples;
        while !rest.is_empty() {
            let want = self.n_fft - self.pending.len();
            let take = want.min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == self.n_fft {
                self.emit(&mut on_frame);
                self.pending.drain(..self.hop);
            }
        }
    }

    /// Ends the stream: pads with zeros and emits the remaining frames whose centre lies
    /// within the stream, so that `frames = ceil(samples / hop)` (at least one for a non-empty stream).
    pub fn finish(&mut self, mut on_frame: impl FnMut(&SpectrumFrame)) {
        let total_frames = self.received.div_ceil(self.hop as u64) as usize;
        while self.index < total_frames {
            self.pending.resize(self.n_fft, 0.0);
            self.emit(&mut on_frame);
            self.pending.drain(..self.hop);
        }
    }

    fn emit(&mut self, on_frame: &mut impl FnMut(&SpectrumFrame)) {
        self.frame.copy_from_slice(&self.pending[..self.n_fft]);
        for ((w, &x), &h) in self.windowed.iter_mut().zip(&self.frame).zip(&self.window) {
            *w = x * h;
        }
        // The buffers are sized by the plan, so this cannot fail.
        let _ = self.fft.process_with_scratch(
            &mut self.windowed,
            &mut self.spectrum,
            &mut self.scratch,
        );
        for (m, c) in self.magnitudes.iter_mut().zip(&self.spectrum) {
            // sqrt of the power, not `norm()`: hypot's overflow care costs 5x here.
            *m = (c.re * c.re + c.im * c.im).sqrt() * self.scale;
        }
        let frame = SpectrumFrame {
            index: self.index,
            time_secs: (self.index * self.hop) as f64 / f64::from(self.sample_rate),
            samples: &self.frame,
            magnitudes: &self.magnitudes,
            bin_hz: self.bin_hz(),
            sample_rate: self.sample_rate,
        };
        on_frame(&frame);
        self.index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_on_bin_centre_reads_its_amplitude_at_its_time() {
        let sr = 8000;
        let (n, hop) = (256, 64);
        let freq = 16.0 * sr as f64 / n as f64; // bin 16 exactly
        let x: Vec<f32> = (0..4000)
            .map(|i| {
                (0.5 * (2.0 * std::f64::consts::PI * freq * i as f64 / sr as f64).sin()) as f32
            })
            .collect();
        let mut stft = Stft::new(n, hop, sr);
        let mut peaks = Vec::new();
        // Feed in awkward block sizes: the frames must not depend on them.
        for chunk in x.chunks(97) {
            stft.push(chunk, |f| {
                peaks.push((f.index, f.time_secs, f.magnitudes[16]))
            });
        }
        stft.finish(|f| peaks.push((f.index, f.time_secs, f.magnitudes[16])));
        assert_eq!(peaks.len(), 4000usize.div_ceil(hop));
        let (i, t, m) = peaks[20];
        assert_eq!(i, 20);
        assert!((t - 20.0 * hop as f64 / sr as f64).abs() < 1e-12);
        assert!((m - 0.5).abs() < 1e-3, "magnitude {m}");
        // The first frame is half zeros (centring pad): about half the amplitude.
        assert!(peaks[0].2 < 0.4);
    }
}
