//! Planar audio buffer and WAV output.

use std::io;
use std::path::Path;

/// Planar audio: `channels[c][i]` is sample `i` of channel `c`, nominally in -1.0..=1.0.
///
/// All channels have the same length.
#[derive(Clone, Debug)]
pub struct Audio {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// One `Vec` per channel, all of equal length.
    pub channels: Vec<Vec<f32>>,
}

impl Audio {
    /// Number of sample frames (samples per channel); 0 if there are no channels.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    /// Duration in seconds (`frames / sample_rate`).
    pub fn duration_secs(&self) -> f64 {
        if self.sample_rate == 0 {
            return 0.0;
        }
        self.frames() as f64 / f64::from(self.sample_rate)
    }

    /// Interleaved samples `[c0[0], c1[0], ..., c0[1], c1[1], ...]`.
    pub fn interleaved(&self) -> Vec<f32> {
        let n = self.frames();
        let nc = self.channels.len();
        let mut out = vec![0.0f32; n * nc];
        for (c, ch) in self.channels.iter().enumerate() {
            for (i, &x) in ch.iter().enumerate().take(n) {
                out[i * nc + c] = x;
            }
        }
        out
    }

    /// Peak absolute sample value over all channels (linear, 0.0 for silence).
    pub fn peak(&self) -> f32 {
        self.channels
            .iter()
            .flat_map(|c| c.iter())
            .fold(0.0f32, |m, &x| m.max(x.abs()))
    }

    /// Writes a 16-bit PCM WAV file (hound). Samples are clamped to -1..=1 and
    /// scaled by 32767 with rounding. Errors (including hound's) are returned
    /// as [`std::io::Error`].
    pub fn write_wav(&self, path: &Path) -> io::Result<()> {
        let spec = hound::WavSpec {
            channels: self.channel_count()?,
            sample_rate: self.sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).map_err(to_io)?;
        for x in self.interleaved() {
            let v = (x.clamp(-1.0, 1.0) * 32767.0).round() as i16;
            w.write_sample(v).map_err(to_io)?;
        }
        w.finalize().map_err(to_io)
    }

    /// Writes a 32-bit IEEE float WAV file (hound), samples unmodified.
    pub fn write_wav_f32(&self, path: &Path) -> io::Result<()> {
        let spec = hound::WavSpec {
            channels: self.channel_count()?,
            sample_rate: self.sample_rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(path, spec).map_err(to_io)?;
        for x in self.interleaved() {
            w.write_sample(x).map_err(to_io)?;
        }
        w.finalize().map_err(to_io)
    }

    fn channel_count(&self) -> io::Result<u16> {
        match u16::try_from(self.channels.len()) {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "audio must have 1..=65535 channels",
            )),
        }
    }
}

fn to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}
