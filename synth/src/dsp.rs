//! Small DSP building blocks: pitch conversion, filters, band-limited wavetables.

use std::f64::consts::PI;

/// MIDI note number (69 = A4) to Hz, with A4 = 440 * 2^(cents/1200).
pub fn midi_to_hz(midi: f64, tuning_cents: f64) -> f64 {
    440.0 * 2f64.powf((midi - 69.0) / 12.0 + tuning_cents / 1200.0)
}

/// Topology-preserving-transform state-variable filter (2-pole, 12 dB/oct),
/// giving low-, band- and high-pass outputs at once.
#[derive(Clone, Debug)]
pub struct Svf {
    k: f64,
    a1: f64,
    a2: f64,
    a3: f64,
    ic1: f64,
    ic2: f64,
}

/// Outputs of one [`Svf`] step.
#[derive(Clone, Copy, Debug)]
pub struct SvfOut {
    /// Low-pass output.
    pub lp: f32,
    /// Band-pass output (unity peak gain times 1/q).
    pub bp: f32,
    /// High-pass output.
    pub hp: f32,
}

impl Svf {
    /// New filter with cutoff `fc` Hz (clamped below Nyquist) and resonance `q` (0.5 = no peak, 0.707 Butterworth).
    pub fn new(fc: f64, q: f64, sample_rate: u32) -> Self {
        let mut f = Self {
            k: 1.0,
            a1: 0.0,
            a2: 0.0,
            a3: 0.0,
            ic1: 0.0,
            ic2: 0.0,
        };
        f.set(fc, q, sample_rate);
        f
    }

    /// Changes cutoff/resonance, keeping the state.
    pub fn set(&mut self, fc: f64, q: f64, sample_rate: u32) {
        let sr = f64::from(sample_rate);
        let fc = fc.clamp(5.0, 0.45 * sr);
        let g = (PI * fc / sr).tan();
        self.k = 1.0 / q.max(0.05);
        self.a1 = 1.0 / (1.0 + g * (g + self.k));
        self.a2 = g * self.a1;
        self.a3 = g * self.a2;
    }

    /// Processes one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> SvfOut {
        let v0 = f64::from(x);
        let v3 = v0 - self.ic2;
        let v1 = self.a1 * self.ic1 + self.a2 * v3;
        let v2 = self.ic2 + self.a2 * self.ic1 + self.a3 * v3;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        SvfOut {
            lp: v2 as f32,
            bp: v1 as f32,
            hp: (v0 - self.k * v1 - v2) as f32,
        }
    }
}

/// Single-cycle band-limited wavetable with linear interpolation.
#[derive(Clone, Debug)]
pub struct Wavetable {
    table: Vec<f32>,
}

const TABLE_SIZE: usize = 4096;

impl Wavetable {
    /// Additive table: `amps[h]` is the sine amplitude of harmonic `h + 1`.
    /// The table is normalised to peak 1.
    pub fn from_harmonics(amps: &[f64]) -> Self {
        let mut table = vec![0.0f32; TABLE_SIZE + 1];
        let mut peak = 0.0f64;
        let mut acc = vec![0.0f64; TABLE_SIZE];
        for (i, a) in acc.iter_mut().enumerate() {
            let ph = 2.0 * PI * i as f64 / TABLE_SIZE as f64;
            *a = amps
                .iter()
                .enumerate()
                .map(|(h, &amp)| amp * (ph * (h + 1) as f64).sin())
                .sum();
            peak = peak.max(a.abs());
        }
        let norm = if peak > 0.0 { 1.0 / peak } else { 0.0 };
        for (t, a) in table.iter_mut().zip(&acc) {
            *t = (a * norm) as f32;
        }
        table[TABLE_SIZE] = table[0];
        Self { table }
    }

    /// Sine table.
    pub fn sine() -> Self {
        Self::from_harmonics(&[1.0])
    }

    /// Sawtooth with `n` harmonics (amplitude 1/h).
    pub fn saw(n: usize) -> Self {
        let amps: Vec<f64> = (1..=n).map(|h| 1.0 / h as f64).collect();
        Self::from_harmonics(&amps)
    }

    /// Value at `phase` in cycles (any real; only the fractional part matters).
    #[inline]
    pub fn at(&self, phase: f64) -> f32 {
        let p = (phase - phase.floor()) * TABLE_SIZE as f64;
        let i = p as usize;
        let i = i.min(TABLE_SIZE - 1);
        let f = (p - i as f64) as f32;
        let a = self.table[i];
        let b = self.table[i + 1];
        a + (b - a) * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pitch() {
        assert!((midi_to_hz(69.0, 0.0) - 440.0).abs() < 1e-9);
        assert!((midi_to_hz(60.0, 0.0) - 261.625_565).abs() < 1e-4);
        assert!((midi_to_hz(69.0, 1200.0) - 880.0).abs() < 1e-9);
    }

    #[test]
    fn wavetable_sine() {
        let w = Wavetable::sine();
        for i in 0..100 {
            let ph = i as f64 / 100.0;
            assert!((f64::from(w.at(ph)) - (2.0 * PI * ph).sin()).abs() < 1e-5);
        }
    }

    #[test]
    fn svf_lowpass_attenuates_highs() {
        let sr = 44_100;
        let mut f = Svf::new(200.0, 0.707, sr);
        let mut e = 0.0f64;
        for i in 0..44_100 {
            let x = (2.0 * PI * 5000.0 * i as f64 / 44_100.0).sin() as f32;
            let y = f.process(x).lp;
            if i > 1000 {
                e = e.max(f64::from(y.abs()));
            }
        }
        assert!(e < 0.01, "{e}");
    }
}
