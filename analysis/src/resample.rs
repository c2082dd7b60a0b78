//! Streaming mono resampling to the analysis rate (rubato's FFT resampler: the ratio is
//! fixed per file, and it is both fast and clean). The resampler's delay is trimmed so
//! output sample `n` is at time `n / out_rate`, as the input's.

use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

const CHUNK: usize = 1024;

/// Mono stream converter from `in_rate` to `out_rate`; a pass-through when they are equal.
pub struct StreamResampler {
    inner: Option<Inner>,
}

struct Inner {
    resampler: Fft<f32>,
    pending: Vec<f32>,
    out: Vec<f32>,
    to_trim: usize,
    ratio: f64,
    received: u64,
    emitted: u64,
}

impl StreamResampler {
    /// # Errors
    /// A message when rubato cannot build a resampler for these rates.
    pub fn new(in_rate: u32, out_rate: u32) -> Result<Self, String> {
        if in_rate == out_rate {
            return Ok(StreamResampler { inner: None });
        }
        let resampler = Fft::<f32>::new(
            in_rate as usize,
            out_rate as usize,
            CHUNK,
            1,
            FixedSync::Input,
        )
        .map_err(|e| e.to_string())?;
        let to_trim = resampler.output_delay();
        let out = vec![0.0; resampler.output_frames_max()];
        Ok(StreamResampler {
            inner: Some(Inner {
                resampler,
                pending: Vec::with_capacity(2 * CHUNK),
                out,
                to_trim,
                ratio: f64::from(out_rate) / f64::from(in_rate),
                received: 0,
                emitted: 0,
            }),
        })
    }

    /// Converts `input`, appending whatever output is ready to `output`.
    pub fn push(&mut self, input: &[f32], output: &mut Vec<f32>) {
        let Some(inner) = self.inner.as_mut() else {
            output.extend_from_slice(input);
            return;
        };
        inner.received += input.len() as u64;
        let mut rest = input;
        while !rest.is_empty() {
            let take = (CHUNK - inner.pending.len()).min(rest.len());
            inner.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if inner.pending.len() == CHUNK {
                inner.run(None, output);
                inner.pending.clear();
            }
        }
    }

    /// Flushes the stream's tail, so that the total output is `round(input * ratio)` samples.
    pub fn finish(&mut self, output: &mut Vec<f32>) {
        let Some(inner) = self.inner.as_mut() else {
            return;
        };
        let wanted = (inner.received as f64 * inner.ratio).round() as u64;
        let partial = inner.pending.len();
        inner.pending.resize(CHUNK, 0.0);
        inner.run(Some(partial), output);
        inner.pending.clear();
        // Zero-input chunks push the delayed tail out.
        let mut guard = 0;
        while inner.emitted < wanted && guard < 64 {
            inner.pending.resize(CHUNK, 0.0);
            inner.run(Some(0), output);
            inner.pending.clear();
            guard += 1;
        }
        if inner.emitted > wanted {
            let extra = (inner.emitted - wanted) as usize;
            output.truncate(output.len().saturating_sub(extra));
            inner.emitted = wanted;
        }
    }
}

impl Inner {
    fn run(&mut self, partial_len: Option<usize>, output: &mut Vec<f32>) {
        let indexing = Indexing {
            input_offset: 0,
            output_offset: 0,
            partial_len,
            active_channels_mask: None,
        };
        let frames_out = self.out.len();
        let (Ok(input), Ok(mut out)) = (
            InterleavedSlice::new(&self.pending[..], 1, CHUNK),
            InterleavedSlice::new_mut(&mut self.out[..], 1, frames_out),
        ) else {
            return;
        };
        let Ok((_, produced)) =
            self.resampler
                .process_into_buffer(&input, &mut out, Some(&indexing))
        else {
            return;
        };
        let produced = &self.out[..produced];
        let skip = self.to_trim.min(produced.len());
        self.to_trim -= skip;
        output.extend_from_slice(&produced[skip..]);
        self.emitted += (produced.len() - skip) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampled_sine_keeps_frequency_phase_and_length() {
        let (in_rate, out_rate) = (44_100u32, 22_050u32);
        let f = 440.0;
        let n = 44_100 * 2 + 123;
        let x: Vec<f32> = (0..n)
            .map(|i| (2.0 * std::f64::consts::PI * f * i as f64 / f64::from(in_rate)).sin() as f32)
            .collect();
        let mut r = StreamResampler::new(in_rate, out_rate).expect("resampler");
        let mut y = Vec::new();
        for c in x.chunks(777) {
            r.push(c, &mut y);
        }
        r.finish(&mut y);
        assert_eq!(y.len(), (n as f64 / 2.0).round() as usize);
        // Away from the edges the output is the same sine at the new rate, in phase.
        for (i, &v) in y.iter().enumerate().take(20_000).skip(2000) {
            let want = (2.0 * std::f64::consts::PI * f * i as f64 / f64::from(out_rate)).sin();
            assert!(
                (f64::from(v) - want).abs() < 1e-2,
                "sample {i}: {v} vs {want}"
            );
        }
    }
}
