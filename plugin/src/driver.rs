//! The transition state machine: turns the transition controls, the beat clock and Start
//! presses into the [`TransitionControl`] the mixer reads, sample-accurately.
//!
//! ```text
//!  Idle --Start--> Armed --phrase boundary--> Running --end--> Holding --crossfader pickup--> Idle
//!         (Start again: cancel)                                  (Start: Armed, from the hold)
//! ```
//! * **Armed** waits for the next boundary of the phrase grid (beats counted from the grid
//!   origin, i.e. bar 1 of the host or beat 0 of the plugin's clock).
//! * **Running** plays the preset on the beat clock; its shape and direction are fixed when it
//!   is armed, so turning the preset knob mid-transition changes nothing.
//! * **Holding** keeps the end state (the incoming deck on air) until the user's crossfader
//!   picks it up, like soft takeover on a controller: the hardware crossfader did not move
//!   during an automatic transition, and snapping back to it would cut the new deck.
//!
//! In position mode none of this runs: the position parameter drives the preset directly.
//! Plain data, no allocation: it runs on the audio thread.

use aidj_mixer::{Direction, Transition, TransitionControl, TransitionDrive, TransitionShape};

/// Crossfader distance within which the user's crossfader picks up a held transition.
pub const PICKUP_DISTANCE: f32 = 0.05;
/// Beats within which "now" counts as on the boundary (float noise from host positions).
const BOUNDARY_EPSILON: f64 = 1e-6;
/// Frames within which the boundary counts as falling on a frame (float noise in the beat
/// positions, which differ with where the host's blocks start).
const FRAME_EPSILON: f64 = 1e-6;

/// Where the driver is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    /// No transition: the user's controls rule.
    Idle,
    /// Waiting for `start_beat`; `hold` is the held transition still applying meanwhile.
    Armed {
        /// First beat of the transition.
        start_beat: f64,
        /// The transition to run.
        transition: Transition,
        /// The previous hold, if any.
        hold: Option<Transition>,
    },
    /// Playing on the beat clock.
    Running {
        /// First beat of the transition.
        start_beat: f64,
        /// The transition.
        transition: Transition,
    },
    /// Finished: the end state stays until pickup.
    Holding {
        /// The finished transition.
        transition: Transition,
        /// Side of the hold position the user's crossfader was on (-1, 1), 0 once unknown.
        user_side: f32,
    },
}

/// A stretch of frames with one transition control.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    /// Frames.
    pub frames: usize,
    /// The control for these frames.
    pub control: Option<TransitionControl>,
}

/// The state machine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitionDriver {
    phase: Phase,
}

impl Default for TransitionDriver {
    fn default() -> Self {
        Self { phase: Phase::Idle }
    }
}

/// The next grid boundary at or after `beat` on a grid of `grid` beats anchored at `origin`.
pub fn next_boundary(beat: f64, grid: f64, origin: f64) -> f64 {
    if !(grid.is_finite() && grid > 0.0 && beat.is_finite() && origin.is_finite()) {
        return beat;
    }
    let n = ((beat - origin) / grid - BOUNDARY_EPSILON).ceil();
    origin + n * grid
}

fn control(transition: Transition, drive: TransitionDrive) -> TransitionControl {
    TransitionControl {
        shape: transition.shape,
        direction: transition.direction,
        drive,
    }
}

fn hold_control(transition: Transition) -> TransitionControl {
    control(transition, TransitionDrive::Position(1.0))
}

fn end_crossfader(transition: Transition) -> f32 {
    transition.state_at(1.0).crossfader
}

fn side(x: f32) -> f32 {
    if x < 0.0 {
        -1.0
    } else {
        1.0
    }
}

impl TransitionDriver {
    /// A driver holding `transition`'s end state (session restore with a deck on air).
    pub fn holding(transition: Transition) -> Self {
        Self {
            phase: Phase::Holding {
                transition,
                user_side: 0.0,
            },
        }
    }

    /// Current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The deck on air after the last completed transition, while it is held.
    pub fn on_air(&self) -> Option<usize> {
        match self.phase {
            Phase::Holding { transition, .. }
            | Phase::Armed {
                hold: Some(transition),
                ..
            } => Some(transition.direction.incoming()),
            _ => None,
        }
    }

    /// The direction `Auto` means now: away from the deck on air (held transition, else the
    /// side the user's crossfader is on; A -> B from the centre).
    pub fn auto_direction(&self, user_crossfader: f32) -> Direction {
        match self.on_air() {
            Some(1) => Direction::BtoA,
            Some(_) => Direction::AtoB,
            None if user_crossfader > 0.5 => Direction::BtoA,
            None => Direction::AtoB,
        }
    }

    /// Start pressed at `beat`: arm `shape`/`direction` for the next boundary of the `grid`
    /// (beats) anchored at `origin`; pressed while armed: cancel. Ignored while running.
    pub fn press_start(
        &mut self,
        beat: f64,
        grid: f64,
        origin: f64,
        shape: TransitionShape,
        direction: Direction,
    ) {
        self.phase = match self.phase {
            Phase::Idle => Phase::Armed {
                start_beat: next_boundary(beat, grid, origin),
                transition: Transition::new(shape, direction),
                hold: None,
            },
            Phase::Holding { transition, .. } => Phase::Armed {
                start_beat: next_boundary(beat, grid, origin),
                transition: Transition::new(shape, direction),
                hold: Some(transition),
            },
            Phase::Armed { hold, .. } => self.unarmed(hold),
            running @ Phase::Running { .. } => running,
        };
    }

    fn unarmed(&self, hold: Option<Transition>) -> Phase {
        match hold {
            Some(transition) => Phase::Holding {
                transition,
                user_side: 0.0,
            },
            None => Phase::Idle,
        }
    }

    /// Cancel an armed or running transition (a running one stops where it is: the user's
    /// controls take over, as when a DJ lets go of an auto-fade).
    pub fn cancel(&mut self) {
        self.phase = match self.phase {
            Phase::Armed { hold, .. } => self.unarmed(hold),
            Phase::Running { .. } => Phase::Idle,
            other => other,
        };
    }

    /// Drop everything (position mode took over).
    pub fn clear(&mut self) {
        self.phase = Phase::Idle;
    }

    /// Plan the next `frames` frames starting at `beat`, `beats_per_frame` apart, with the
    /// user's crossfader at `user_crossfader`. Returns one or two segments (two when an armed
    /// transition starts inside the stretch) and advances the phase past the stretch.
    pub fn plan(
        &mut self,
        beat: f64,
        beats_per_frame: f64,
        frames: usize,
        user_crossfader: f32,
    ) -> [Segment; 2] {
        let none = Segment {
            frames: 0,
            control: None,
        };
        let end_beat = beat + beats_per_frame * frames as f64;
        match self.phase {
            Phase::Idle => [
                Segment {
                    frames,
                    control: None,
                },
                none,
            ],
            Phase::Armed {
                start_beat,
                transition,
                hold,
            } => {
                let wait = if start_beat <= beat || beats_per_frame <= 0.0 {
                    0
                } else {
                    // The first frame at or after the boundary; without the epsilon, noise of
                    // 1e-12 frames above a whole number moved the start one frame (so one
                    // control tick) later for some block sizes.
                    ((start_beat - beat) / beats_per_frame - FRAME_EPSILON).ceil() as usize
                };
                let before = Segment {
                    frames: wait.min(frames),
                    control: hold.map(hold_control),
                };
                if wait >= frames {
                    return [before, none];
                }
                self.phase = Phase::Running {
                    start_beat,
                    transition,
                };
                let running = self.running_segment(frames - wait, end_beat);
                [before, running]
            }
            Phase::Running { .. } => [self.running_segment(frames, end_beat), none],
            Phase::Holding {
                transition,
                user_side,
            } => {
                let held = end_crossfader(transition);
                let diff = user_crossfader - held;
                let now_side = side(diff);
                let picked_up =
                    diff.abs() < PICKUP_DISTANCE || (user_side != 0.0 && now_side != user_side);
                if picked_up {
                    self.phase = Phase::Idle;
                    [
                        Segment {
                            frames,
                            control: None,
                        },
                        none,
                    ]
                } else {
                    self.phase = Phase::Holding {
                        transition,
                        user_side: now_side,
                    };
                    [
                        Segment {
                            frames,
                            control: Some(hold_control(transition)),
                        },
                        none,
                    ]
                }
            }
        }
    }

    fn running_segment(&mut self, frames: usize, end_beat: f64) -> Segment {
        let Phase::Running {
            start_beat,
            transition,
        } = self.phase
        else {
            return Segment {
                frames,
                control: None,
            };
        };
        if end_beat >= start_beat + transition.length_beats() {
            self.phase = Phase::Holding {
                transition,
                user_side: 0.0,
            };
        }
        Segment {
            frames,
            control: Some(control(transition, TransitionDrive::Clock { start_beat })),
        }
    }

    /// Position `0..1` of the running transition at `beat` (1 while holding, 0 otherwise).
    pub fn progress(&self, beat: f64) -> f32 {
        match self.phase {
            Phase::Running {
                start_beat,
                transition,
            } => transition.position_at_beat(beat, start_beat),
            Phase::Holding { .. } => 1.0,
            _ => 0.0,
        }
    }

    /// Beats until an armed transition starts.
    pub fn beats_to_start(&self, beat: f64) -> Option<f64> {
        match self.phase {
            Phase::Armed { start_beat, .. } => Some((start_beat - beat).max(0.0)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aidj_mixer::TransitionPreset;

    fn shape(bars: f32) -> TransitionShape {
        let mut s = TransitionPreset::from_json(include_str!("../../presets/long_blend.json"))
            .expect("preset")
            .shape;
        s.length_bars = bars;
        s
    }

    #[test]
    fn boundaries() {
        assert_eq!(next_boundary(0.0, 32.0, 0.0), 0.0);
        assert_eq!(next_boundary(0.1, 32.0, 0.0), 32.0);
        assert_eq!(next_boundary(31.9999999999, 32.0, 0.0), 32.0);
        assert_eq!(next_boundary(33.0, 16.0, 0.0), 48.0);
        assert_eq!(next_boundary(5.0, 4.0, 2.0), 6.0);
    }

    #[test]
    fn armed_start_splits_the_block_at_the_boundary() {
        let mut d = TransitionDriver::default();
        // 120 BPM at 48 kHz: 1/24000 beat per frame. Press at beat 31.5, grid 32.
        let bpf = 1.0 / 24_000.0;
        d.press_start(31.5, 32.0, 0.0, shape(1.0), Direction::AtoB);
        let [a, b] = d.plan(31.5, bpf, 20_000, -1.0);
        assert_eq!(a.frames, 12_000);
        assert_eq!(a.control, None);
        assert_eq!(b.frames, 8_000);
        let c = b.control.expect("running");
        assert_eq!(c.drive, TransitionDrive::Clock { start_beat: 32.0 });
        assert!(matches!(d.phase(), Phase::Running { .. }));
        // 1 bar = 4 beats = 96000 frames; after it, holding.
        let [r, _] = d.plan(32.0 + 8_000.0 * bpf, bpf, 96_000, -1.0);
        assert!(r.control.is_some());
        assert!(matches!(d.phase(), Phase::Holding { .. }));
        assert_eq!(d.on_air(), Some(1));
        assert_eq!(d.auto_direction(-1.0), Direction::BtoA);
    }

    #[test]
    fn hold_is_picked_up_when_the_crossfader_reaches_it() {
        let t = Transition::new(shape(1.0), Direction::AtoB);
        let mut d = TransitionDriver::holding(t);
        let [s, _] = d.plan(0.0, 1e-4, 64, -1.0);
        assert_eq!(s.control, Some(hold_control(t)));
        let [s, _] = d.plan(0.0, 1e-4, 64, 0.5);
        assert!(s.control.is_some(), "still far from the held B side");
        let [s, _] = d.plan(0.0, 1e-4, 64, 0.97);
        assert_eq!(s.control, None);
        assert_eq!(d.phase(), Phase::Idle);
    }

    #[test]
    fn start_twice_cancels_and_running_ignores_start() {
        let mut d = TransitionDriver::default();
        d.press_start(1.0, 4.0, 0.0, shape(1.0), Direction::AtoB);
        assert!(matches!(d.phase(), Phase::Armed { .. }));
        d.press_start(1.5, 4.0, 0.0, shape(1.0), Direction::AtoB);
        assert_eq!(d.phase(), Phase::Idle);
        d.press_start(4.0, 4.0, 0.0, shape(1.0), Direction::AtoB);
        let _ = d.plan(4.0, 1e-4, 10, -1.0);
        assert!(matches!(d.phase(), Phase::Running { .. }));
        d.press_start(4.1, 4.0, 0.0, shape(2.0), Direction::BtoA);
        assert!(matches!(d.phase(), Phase::Running { .. }));
        d.cancel();
        assert_eq!(d.phase(), Phase::Idle);
    }

    #[test]
    fn armed_from_a_hold_keeps_holding_until_the_boundary() {
        let t = Transition::new(shape(1.0), Direction::AtoB);
        let mut d = TransitionDriver::holding(t);
        let dir = d.auto_direction(-1.0);
        assert_eq!(dir, Direction::BtoA);
        d.press_start(2.0, 4.0, 0.0, shape(1.0), dir);
        let [a, b] = d.plan(2.0, 0.5, 8, -1.0);
        assert_eq!(a.frames, 4);
        assert_eq!(a.control, Some(hold_control(t)));
        assert_eq!(b.control.map(|c| c.direction), Some(Direction::BtoA));
    }
}
