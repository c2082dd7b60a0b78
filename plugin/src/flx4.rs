//! The Pioneer DDJ-FLX4's MIDI, decoded: one table ([`KNOBS`], [`BUTTONS`]) and a decoder
//! that joins 14-bit MSB/LSB pairs and still works when a host passes only the MSB.
//!
//! Allocation-free and lock-free: it runs on the audio thread.
//!
//! # 14-bit values
//! Every knob and fader sends its MSB on CC `n` and its LSB on CC `n + 0x20`. The decoder
//! applies the MSB at once (7-bit value) and refines it when the LSB follows. Both resolutions
//! map the centre exactly to 0.5 (MSB 64, or 8192) and the ends to 0 and 1, so the EQ detent
//! and the filter's dead zone are hit from either kind of host.

use crate::controls::Target;

/// A continuous FLX4 control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Knob {
    /// A mixer control (trim, EQ, filter, fader of a deck, or the crossfader).
    Control(Target),
    /// Tempo slider of deck 0/1 (the DAW owns playback: shown, not applied).
    Tempo(usize),
}

/// A FLX4 button or pad (note-on, velocity > 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Button {
    /// Hot-cue pad 1..8 of a deck (pad mode "hot cue", no SHIFT).
    HotCuePad {
        /// Deck 0 or 1.
        deck: usize,
        /// Pad 1..=8.
        pad: u8,
    },
    /// SYNC.
    Sync(usize),
    /// PLAY/PAUSE (shown only).
    Play(usize),
    /// CUE (shown only).
    Cue(usize),
    /// Browse knob press.
    BrowsePress,
    /// LOAD to a deck.
    Load(usize),
    /// Beat FX ON/OFF.
    BeatFxOn,
}

/// A decoded FLX4 message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flx4Event {
    /// A knob or fader moved to `value` in `0..1`.
    Knob {
        /// Which one.
        knob: Knob,
        /// Normalised position (0.5 = centre detent).
        value: f32,
    },
    /// A button was pressed.
    Press(Button),
    /// The browse knob turned by `steps` (positive = clockwise).
    Browse(i32),
}

/// `(MIDI channel 0..15, MSB CC, knob)`; the LSB is on `cc + 0x20`.
pub const KNOBS: [(u8, u8, Knob); 15] = [
    (6, 0x1F, Knob::Control(Target::Crossfader)),
    (0, 0x13, Knob::Control(Target::Fader(0))),
    (1, 0x13, Knob::Control(Target::Fader(1))),
    (0, 0x04, Knob::Control(Target::Trim(0))),
    (1, 0x04, Knob::Control(Target::Trim(1))),
    (0, 0x07, Knob::Control(Target::EqHi(0))),
    (1, 0x07, Knob::Control(Target::EqHi(1))),
    (0, 0x0B, Knob::Control(Target::EqMid(0))),
    (1, 0x0B, Knob::Control(Target::EqMid(1))),
    (0, 0x0F, Knob::Control(Target::EqLo(0))),
    (1, 0x0F, Knob::Control(Target::EqLo(1))),
    (6, 0x17, Knob::Control(Target::Filter(0))),
    (6, 0x18, Knob::Control(Target::Filter(1))),
    (0, 0x00, Knob::Tempo(0)),
    (1, 0x00, Knob::Tempo(1)),
];

/// `(MIDI channel, note, button)` for the note-on messages the plugin uses. Hot-cue pads are
/// decoded separately (channel 7 / 9, notes 0x00..0x07).
pub const BUTTONS: [(u8, u8, Button); 11] = [
    (0, 0x58, Button::Sync(0)),
    (1, 0x58, Button::Sync(1)),
    (0, 0x0B, Button::Play(0)),
    (1, 0x0B, Button::Play(1)),
    (0, 0x0C, Button::Cue(0)),
    (1, 0x0C, Button::Cue(1)),
    (6, 0x41, Button::BrowsePress),
    (6, 0x46, Button::Load(0)),
    (6, 0x47, Button::Load(1)),
    (4, 0x47, Button::BeatFxOn),
    (5, 0x47, Button::BeatFxOn),
];

/// Hot-cue pad channels: deck 1 on channel 7, deck 2 on channel 9 (SHIFT pads, 8 and 10, are
/// left to the host).
const PAD_CHANNELS: [u8; 2] = [7, 9];
/// Browse turn: channel 6, CC 0x40, relative (1 = clockwise, 127 = counter-clockwise).
const BROWSE: (u8, u8) = (6, 0x40);

/// Joins 14-bit pairs. One slot per (channel, MSB CC 0..31).
#[derive(Clone, Debug, Default)]
pub struct Flx4Decoder {
    msb: [[Option<u8>; 32]; 16],
}

/// `0..1` from a 7-bit value, centre 64 -> 0.5 exactly.
pub fn normalize_7bit(v: u8) -> f32 {
    let v = f32::from(v.min(127));
    if v >= 64.0 {
        0.5 + 0.5 * (v - 64.0) / 63.0
    } else {
        0.5 * v / 64.0
    }
}

/// `0..1` from a 14-bit value, centre 8192 -> 0.5 exactly.
pub fn normalize_14bit(v: u16) -> f32 {
    let v = f32::from(v.min(16383));
    if v >= 8192.0 {
        0.5 + 0.5 * (v - 8192.0) / 8191.0
    } else {
        0.5 * v / 8192.0
    }
}

fn knob_at(channel: u8, msb_cc: u8) -> Option<Knob> {
    KNOBS
        .iter()
        .find(|(ch, cc, _)| *ch == channel && *cc == msb_cc)
        .map(|(_, _, k)| *k)
}

impl Flx4Decoder {
    /// Forget half-received pairs (transport restart, FLX4 switched off).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// A control change `cc` with 7-bit `value` on `channel` (0-based).
    pub fn control_change(&mut self, channel: u8, cc: u8, value: u8) -> Option<Flx4Event> {
        let value = value.min(127);
        if (channel, cc) == BROWSE {
            let steps = if value < 64 {
                i32::from(value)
            } else {
                i32::from(value) - 128
            };
            return (steps != 0).then_some(Flx4Event::Browse(steps));
        }
        let ch = usize::from(channel & 0x0F);
        if cc < 0x20 {
            let knob = knob_at(channel, cc)?;
            if let Some(slot) = self
                .msb
                .get_mut(ch)
                .and_then(|c| c.get_mut(usize::from(cc)))
            {
                *slot = Some(value);
            }
            Some(Flx4Event::Knob {
                knob,
                value: normalize_7bit(value),
            })
        } else if cc < 0x40 {
            let msb_cc = cc - 0x20;
            let knob = knob_at(channel, msb_cc)?;
            let msb = self
                .msb
                .get(ch)
                .and_then(|c| c.get(usize::from(msb_cc)))
                .copied()
                .flatten()?;
            let v14 = (u16::from(msb) << 7) | u16::from(value);
            Some(Flx4Event::Knob {
                knob,
                value: normalize_14bit(v14),
            })
        } else {
            None
        }
    }

    /// A note-on with 7-bit `velocity` (0 = release, ignored like a note-off).
    pub fn note_on(&mut self, channel: u8, note: u8, velocity: u8) -> Option<Flx4Event> {
        if velocity == 0 {
            return None;
        }
        if let Some(deck) = PAD_CHANNELS.iter().position(|&c| c == channel) {
            return (note < 8).then_some(Flx4Event::Press(Button::HotCuePad {
                deck,
                pad: note + 1,
            }));
        }
        BUTTONS
            .iter()
            .find(|(ch, n, _)| *ch == channel && *n == note)
            .map(|(_, _, b)| Flx4Event::Press(*b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_bit_pairs_join_and_centre_is_exact() {
        let mut d = Flx4Decoder::default();
        // EQ low deck 2, centre: MSB 64 then LSB 0.
        let e = d.control_change(1, 0x0F, 64);
        assert_eq!(
            e,
            Some(Flx4Event::Knob {
                knob: Knob::Control(Target::EqLo(1)),
                value: 0.5
            })
        );
        let e = d.control_change(1, 0x2F, 0);
        assert_eq!(
            e,
            Some(Flx4Event::Knob {
                knob: Knob::Control(Target::EqLo(1)),
                value: 0.5
            })
        );
        // A 14-bit value between two 7-bit steps: 0x1234.
        d.control_change(6, 0x1F, 0x24);
        let Some(Flx4Event::Knob { knob, value }) = d.control_change(6, 0x3F, 0x34) else {
            panic!("crossfader LSB not decoded");
        };
        assert_eq!(knob, Knob::Control(Target::Crossfader));
        assert!((value - normalize_14bit(0x1234)).abs() < 1e-7);
        assert!((value - 0x1234 as f32 / 16383.0).abs() < 1e-3);
        // Ends.
        assert_eq!(normalize_14bit(0), 0.0);
        assert_eq!(normalize_14bit(16383), 1.0);
        assert_eq!(normalize_7bit(0), 0.0);
        assert_eq!(normalize_7bit(127), 1.0);
    }

    #[test]
    fn lsb_without_msb_is_ignored_and_unknown_ccs_too() {
        let mut d = Flx4Decoder::default();
        assert_eq!(d.control_change(0, 0x33, 10), None);
        assert_eq!(d.control_change(0, 0x01, 10), None);
        assert_eq!(d.control_change(9, 0x13, 10), None);
    }

    #[test]
    fn buttons_pads_and_browse() {
        let mut d = Flx4Decoder::default();
        assert_eq!(
            d.note_on(9, 0x02, 127),
            Some(Flx4Event::Press(Button::HotCuePad { deck: 1, pad: 3 }))
        );
        assert_eq!(d.note_on(9, 0x02, 0), None);
        assert_eq!(d.note_on(7, 0x10, 127), None, "pad FX mode is not ours");
        assert_eq!(
            d.note_on(0, 0x58, 127),
            Some(Flx4Event::Press(Button::Sync(0)))
        );
        assert_eq!(
            d.note_on(4, 0x47, 127),
            Some(Flx4Event::Press(Button::BeatFxOn))
        );
        assert_eq!(d.control_change(6, 0x40, 1), Some(Flx4Event::Browse(1)));
        assert_eq!(d.control_change(6, 0x40, 127), Some(Flx4Event::Browse(-1)));
    }

    #[test]
    fn every_table_row_is_unique() {
        for (i, a) in KNOBS.iter().enumerate() {
            for b in KNOBS.iter().skip(i + 1) {
                assert!((a.0, a.1) != (b.0, b.1), "{a:?} / {b:?}");
            }
        }
        for (i, a) in BUTTONS.iter().enumerate() {
            for b in BUTTONS.iter().skip(i + 1) {
                assert!((a.0, a.1) != (b.0, b.1), "{a:?} / {b:?}");
            }
        }
    }
}
