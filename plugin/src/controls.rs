//! The parameters the FLX4 can move, and the override layer that lets it move them from the
//! audio thread.
//!
//! nice-plug gives `process` no way to set a parameter. So a FLX4 move becomes an *override*
//! of that parameter's value inside the plugin (applied at once, sample-accurately) and is
//! handed to the editor, which writes it into the real parameter through the host when it is
//! open (the host then shows and records it). An override ends as soon as the parameter
//! itself changes (automation, the host's UI, the editor), so the last mover wins.

use nice_plug::prelude::*;

use crate::params::{AiDjParams, DeckParams};

/// A control the FLX4 (or an override) can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Trim of deck 0/1.
    Trim(usize),
    /// EQ high.
    EqHi(usize),
    /// EQ mid.
    EqMid(usize),
    /// EQ low.
    EqLo(usize),
    /// Filter.
    Filter(usize),
    /// Channel fader.
    Fader(usize),
    /// Crossfader.
    Crossfader,
    /// Transition preset.
    Preset,
    /// Transition FX on/off.
    TransitionFx,
}

/// Number of targets.
pub const TARGET_COUNT: usize = 15;

impl Target {
    /// Every target, in [`index`](Self::index) order.
    pub const ALL: [Target; TARGET_COUNT] = [
        Target::Trim(0),
        Target::EqHi(0),
        Target::EqMid(0),
        Target::EqLo(0),
        Target::Filter(0),
        Target::Fader(0),
        Target::Trim(1),
        Target::EqHi(1),
        Target::EqMid(1),
        Target::EqLo(1),
        Target::Filter(1),
        Target::Fader(1),
        Target::Crossfader,
        Target::Preset,
        Target::TransitionFx,
    ];

    /// Dense index `0..TARGET_COUNT`.
    pub fn index(self) -> usize {
        let deck = |d: usize, k: usize| d.min(1) * 6 + k;
        match self {
            Target::Trim(d) => deck(d, 0),
            Target::EqHi(d) => deck(d, 1),
            Target::EqMid(d) => deck(d, 2),
            Target::EqLo(d) => deck(d, 3),
            Target::Filter(d) => deck(d, 4),
            Target::Fader(d) => deck(d, 5),
            Target::Crossfader => 12,
            Target::Preset => 13,
            Target::TransitionFx => 14,
        }
    }

    /// The float parameter behind a deck or crossfader target.
    pub fn float_param(self, params: &AiDjParams) -> Option<&FloatParam> {
        let deck = |d: usize| -> &DeckParams { params.deck(d) };
        Some(match self {
            Target::Trim(d) => &deck(d).trim,
            Target::EqHi(d) => &deck(d).eq_hi,
            Target::EqMid(d) => &deck(d).eq_mid,
            Target::EqLo(d) => &deck(d).eq_lo,
            Target::Filter(d) => &deck(d).filter,
            Target::Fader(d) => &deck(d).fader,
            Target::Crossfader => &params.crossfader,
            Target::Preset | Target::TransitionFx => return None,
        })
    }

    /// The parameter's own normalised value.
    pub fn param_normalized(self, params: &AiDjParams) -> f32 {
        match self {
            Target::Preset => params.preset.unmodulated_normalized_value(),
            Target::TransitionFx => params.transition_fx.unmodulated_normalized_value(),
            _ => self
                .float_param(params)
                .map_or(0.0, |p| p.unmodulated_normalized_value()),
        }
    }

    /// Plain value of a float target at `normalized` (`None` for the preset and FX switch).
    pub fn float_plain(self, params: &AiDjParams, normalized: f32) -> Option<f32> {
        self.float_param(params)
            .map(|p| p.preview_plain(normalized))
    }
}

/// One override: the value set and the parameter value it replaced.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Override {
    value: f32,
    param_at_set: f32,
}

/// Normalised overrides per [`Target`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    slots: [Option<Override>; TARGET_COUNT],
}

impl Overrides {
    /// Set `target` to `normalized`.
    pub fn set(&mut self, params: &AiDjParams, target: Target, normalized: f32) {
        if let Some(slot) = self.slots.get_mut(target.index()) {
            *slot = Some(Override {
                value: normalized.clamp(0.0, 1.0),
                param_at_set: target.param_normalized(params),
            });
        }
    }

    /// Drop every override whose parameter has changed since (the parameter moved last).
    pub fn expire(&mut self, params: &AiDjParams) {
        for (slot, target) in self.slots.iter_mut().zip(Target::ALL) {
            if let Some(o) = slot {
                let now = target.param_normalized(params);
                if now != o.param_at_set {
                    *slot = None;
                }
            }
        }
    }

    /// Forget all overrides.
    pub fn clear(&mut self) {
        self.slots = [None; TARGET_COUNT];
    }

    /// Effective normalised value of `target`.
    pub fn normalized(&self, params: &AiDjParams, target: Target) -> f32 {
        self.slots
            .get(target.index())
            .copied()
            .flatten()
            .map_or_else(|| target.param_normalized(params), |o| o.value)
    }

    /// Effective plain value of a float target.
    pub fn plain(&self, params: &AiDjParams, target: Target) -> f32 {
        let n = self.normalized(params, target);
        target.float_plain(params, n).unwrap_or(n)
    }

    /// Effective preset index.
    pub fn preset(&self, params: &AiDjParams) -> i32 {
        params
            .preset
            .preview_plain(self.normalized(params, Target::Preset))
    }

    /// Effective transition FX switch.
    pub fn transition_fx(&self, params: &AiDjParams) -> bool {
        self.normalized(params, Target::TransitionFx) >= 0.5
    }

    /// The mixer's deck controls for deck `d`.
    pub fn deck(&self, params: &AiDjParams, d: usize) -> aidj_mixer::DeckParams {
        aidj_mixer::DeckParams {
            trim_db: self.plain(params, Target::Trim(d)),
            eq_low: self.plain(params, Target::EqLo(d)),
            eq_mid: self.plain(params, Target::EqMid(d)),
            eq_high: self.plain(params, Target::EqHi(d)),
            filter: self.plain(params, Target::Filter(d)),
            fader: self.plain(params, Target::Fader(d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_dense_and_match_all() {
        for (i, t) in Target::ALL.iter().enumerate() {
            assert_eq!(t.index(), i, "{t:?}");
        }
    }

    #[test]
    fn override_applies_until_the_parameter_moves() {
        let params = AiDjParams::default();
        let mut o = Overrides::default();
        o.set(&params, Target::EqLo(1), 0.0);
        assert_eq!(o.deck(&params, 1).eq_low, 0.0);
        assert_eq!(o.deck(&params, 0).eq_low, 0.5);
        o.expire(&params);
        assert_eq!(
            o.deck(&params, 1).eq_low,
            0.0,
            "parameter unchanged: override stays"
        );
        o.set(&params, Target::Crossfader, 1.0);
        assert_eq!(o.plain(&params, Target::Crossfader), 1.0);
        o.set(&params, Target::Preset, 1.0);
        assert_eq!(o.preset(&params), params.preset.range().unnormalize(1.0));
    }
}
