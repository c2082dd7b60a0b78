//! Linear parameter ramps.
//!
//! Every gain, cutoff and crossfade in the mixer moves through a [`LinearSmoother`]: when the
//! target changes, the value walks to it in a fixed number of samples (about 10 ms) and then
//! lands on it *exactly*. Landing exactly matters: the EQ and the filter switch to a bit-exact
//! bypass only when their smoothed gains are exactly at unity.
//!
//! A target that keeps moving (a transition retargets every control tick) makes the ramp behave
//! like a one-pole follower with a time constant of the ramp length.

/// A per-sample linear ramp towards a target, reaching it exactly after `ramp_len` samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearSmoother {
    current: f32,
    target: f32,
    step: f32,
    remaining: u32,
    ramp_len: u32,
}

impl LinearSmoother {
    /// A smoother resting at `value` that ramps over `ramp_len` samples (at least 1).
    pub fn new(value: f32, ramp_len: u32) -> Self {
        Self {
            current: value,
            target: value,
            step: 0.0,
            remaining: 0,
            ramp_len: ramp_len.max(1),
        }
    }

    /// Ramp length for `ms` milliseconds at `sample_rate` Hz (at least one sample).
    pub fn ramp_samples(ms: f64, sample_rate: f64) -> u32 {
        ((ms * 0.001 * sample_rate).round() as u32).max(1)
    }

    /// Change the ramp length (takes effect on the next target change).
    pub fn set_ramp_len(&mut self, ramp_len: u32) {
        self.ramp_len = ramp_len.max(1);
    }

    /// Start ramping towards `target` (non-finite targets are ignored).
    #[inline]
    pub fn set_target(&mut self, target: f32) {
        if target != self.target && target.is_finite() {
            self.target = target;
            self.remaining = self.ramp_len;
            self.step = (target - self.current) / self.ramp_len as f32;
        }
    }

    /// Jump to the target now (used by `reset`).
    pub fn snap(&mut self) {
        self.current = self.target;
        self.remaining = 0;
        self.step = 0.0;
    }

    /// Set target and value at once, with no ramp.
    pub fn set_immediate(&mut self, value: f32) {
        if value.is_finite() {
            self.target = value;
            self.snap();
        }
    }

    /// Advance one sample and return the new value.
    #[inline]
    pub fn next_value(&mut self) -> f32 {
        if self.remaining > 0 {
            self.remaining -= 1;
            self.current = if self.remaining == 0 {
                self.target
            } else {
                self.current + self.step
            };
        }
        self.current
    }

    /// The current value (without advancing).
    #[inline]
    pub fn value(&self) -> f32 {
        self.current
    }

    /// The value the ramp is heading to.
    #[inline]
    pub fn target(&self) -> f32 {
        self.target
    }

    /// True when the value sits exactly on the target.
    #[inline]
    pub fn is_settled(&self) -> bool {
        self.remaining == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lands_exactly_after_ramp_len() {
        let mut s = LinearSmoother::new(0.0, 4);
        s.set_target(1.0);
        let v: Vec<f32> = (0..6).map(|_| s.next_value()).collect();
        assert_eq!(v, vec![0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
        assert!(s.is_settled());
    }

    #[test]
    fn ignores_non_finite_targets() {
        let mut s = LinearSmoother::new(0.5, 4);
        s.set_target(f32::NAN);
        s.set_target(f32::INFINITY);
        assert_eq!(s.next_value(), 0.5);
    }

    #[test]
    fn ramp_samples_rounds_and_floors_at_one() {
        assert_eq!(LinearSmoother::ramp_samples(10.0, 48_000.0), 480);
        assert_eq!(LinearSmoother::ramp_samples(0.0, 48_000.0), 1);
    }
}
