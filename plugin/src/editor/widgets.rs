//! Controls drawn with egui's painter and bound to nice-plug parameters: rotary knobs, faders,
//! the level meter, selectors and the progress bar.
//!
//! Every write goes through [`ParamUi`], which wraps each change in a host gesture: one begin
//! when a drag starts and one end when it stops (the host records a drag as one touch), and a
//! begin/set/end triple for a click, a wheel notch or an FLX4 move.

use std::f32::consts::PI;

use egui::{
    pos2, vec2, Align2, Color32, CornerRadius, FontId, Pos2, Rect, Response, Sense, Shape, Stroke,
    StrokeKind, Ui, Vec2,
};
use nice_plug::prelude::{Enum, EnumParam, Param, ParamPtr, ParamSetter};

use super::logic::{
    knob_drag, meter_fraction, slider_drag, wheel_notches, wheel_value, GestureBook,
    MeterBallistics, KNOB_DRAG_POINTS, METER_MARKS_DB, WHEEL_STEP,
};

/// The editor's colours.
pub mod colors {
    use egui::Color32;

    /// Window background.
    pub const BG: Color32 = Color32::from_rgb(0x14, 0x16, 0x1a);
    /// Panel background.
    pub const PANEL: Color32 = Color32::from_rgb(0x1d, 0x20, 0x26);
    /// Knob and fader tracks.
    pub const TRACK: Color32 = Color32::from_rgb(0x3a, 0x3f, 0x48);
    /// Knob body.
    pub const BODY: Color32 = Color32::from_rgb(0x2c, 0x30, 0x38);
    /// Knob body, hovered.
    pub const BODY_HOT: Color32 = Color32::from_rgb(0x38, 0x3d, 0x47);
    /// Main text.
    pub const TEXT: Color32 = Color32::from_rgb(0xe6, 0xea, 0xef);
    /// Labels.
    pub const DIM: Color32 = Color32::from_rgb(0x9b, 0xa4, 0xb0);
    /// Deck A.
    pub const DECK_A: Color32 = Color32::from_rgb(0x3f, 0xa9, 0xf5);
    /// Deck B.
    pub const DECK_B: Color32 = Color32::from_rgb(0xf5, 0xa6, 0x23);
    /// START, running, meter green.
    pub const GO: Color32 = Color32::from_rgb(0x46, 0xc0, 0x5a);
    /// Armed, meter yellow.
    pub const ARMED: Color32 = Color32::from_rgb(0xe8, 0xc5, 0x3a);
    /// CANCEL, clip, meter red.
    pub const STOP: Color32 = Color32::from_rgb(0xe5, 0x48, 0x4d);
    /// Position mode.
    pub const POSITION: Color32 = Color32::from_rgb(0x9b, 0x7b, 0xf0);
}

/// Writes parameters through the host, one gesture per drag.
pub struct ParamUi<'a> {
    setter: ParamSetter<'a>,
    gestures: &'a mut GestureBook<ParamPtr>,
}

impl<'a> ParamUi<'a> {
    /// Wrap the host's setter and the editor's book of open gestures.
    pub fn new(setter: ParamSetter<'a>, gestures: &'a mut GestureBook<ParamPtr>) -> Self {
        Self { setter, gestures }
    }

    /// Open a gesture on `param` (nothing if one is open).
    pub fn begin<P: Param>(&mut self, param: &P) {
        if self.gestures.begin(param.as_ptr()) {
            self.setter.begin_set_parameter(param);
        }
    }

    /// Close the gesture on `param` (nothing if none is open).
    pub fn end<P: Param>(&mut self, param: &P) {
        if self.gestures.end(param.as_ptr()) {
            self.setter.end_set_parameter(param);
        }
    }

    /// Inside a gesture: set `param` to `normalized`, snapped to the parameter's steps.
    pub fn set_normalized<P: Param>(&self, param: &P, normalized: f32) {
        let plain = param.preview_plain(normalized);
        if plain != param.unmodulated_plain_value() {
            self.setter.set_parameter(param, plain);
        }
    }

    /// One change as a whole gesture (inside an open one: just the change).
    pub fn set_once<P: Param>(&mut self, param: &P, plain: P::Plain) {
        if plain == param.unmodulated_plain_value() {
            return;
        }
        let open = self.gestures.is_open(param.as_ptr());
        if !open {
            self.setter.begin_set_parameter(param);
        }
        self.setter.set_parameter(param, plain);
        if !open {
            self.setter.end_set_parameter(param);
        }
    }

    /// One normalised value as a whole gesture, unsnapped (the FLX4's moves).
    pub fn set_normalized_once<P: Param>(&mut self, param: &P, normalized: f32) {
        let open = self.gestures.is_open(param.as_ptr());
        if !open {
            self.setter.begin_set_parameter(param);
        }
        self.setter.set_parameter_normalized(param, normalized);
        if !open {
            self.setter.end_set_parameter(param);
        }
    }
}

/// How pointer movement turns a control.
#[derive(Clone, Copy, Debug)]
pub enum Feel {
    /// Drag up/down; `range_points` of drag cover the range; `wheel_step` per notch.
    Rotary {
        /// Drag points per full range.
        range_points: f32,
        /// Normalised change per wheel notch.
        wheel_step: f32,
    },
    /// A vertical fader whose cap follows the pointer along `track` points.
    Vertical {
        /// Track length, points.
        track: f32,
    },
    /// A horizontal fader.
    Horizontal {
        /// Track length, points.
        track: f32,
    },
}

impl Feel {
    /// A knob.
    pub const KNOB: Feel = Feel::Rotary {
        range_points: KNOB_DRAG_POINTS,
        wheel_step: WHEEL_STEP,
    };
}

/// Drag (one gesture), double-click or Ctrl/Cmd-click (reset to default), wheel (one notch
/// per gesture, SHIFT finer) for `param` on `response`.
pub fn interact<P: Param>(ui: &Ui, pu: &mut ParamUi, param: &P, response: &Response, feel: Feel) {
    let id = response.id;
    let fine = ui.input(|i| i.modifiers.shift);
    if response.drag_started() {
        pu.begin(param);
        let start = param.unmodulated_normalized_value();
        ui.data_mut(|d| d.insert_temp(id, start));
    }
    if response.dragged() {
        // The unsnapped value lives in egui's memory so that small moves add up on stepped
        // parameters.
        let from = ui
            .data(|d| d.get_temp::<f32>(id))
            .unwrap_or_else(|| param.unmodulated_normalized_value());
        let delta = response.drag_delta();
        let to = match feel {
            Feel::Rotary { range_points, .. } => knob_drag(from, delta.y, range_points, fine),
            Feel::Vertical { track } => slider_drag(from, -delta.y, track, fine),
            Feel::Horizontal { track } => slider_drag(from, delta.x, track, fine),
        };
        ui.data_mut(|d| d.insert_temp(id, to));
        pu.set_normalized(param, to);
    } else {
        // Drag stopped, or lost (the control was disabled mid-drag): close the gesture.
        pu.end(param);
    }
    let reset_click = response.clicked() && ui.input(|i| i.modifiers.command);
    if response.double_clicked() || reset_click {
        pu.set_once(param, param.default_plain_value());
    }
    if ui.is_enabled() && response.hovered() && !response.dragged() {
        let notches = ui.input(|i| wheel_notches(&i.events));
        if notches != 0.0 {
            let step = match feel {
                Feel::Rotary { wheel_step, .. } => wheel_step,
                _ => WHEEL_STEP,
            };
            let n = wheel_value(
                param.unmodulated_normalized_value(),
                notches,
                param.step_count(),
                step,
                fine,
            );
            pu.set_once(param, param.preview_plain(n));
        }
    }
}

/// Space for a control of `param`, with an id made from the parameter's name (stable while the
/// layout around it changes, so a drag survives a relabelled neighbour).
fn allocate<P: Param>(ui: &mut Ui, param: &P, size: Vec2) -> (Rect, Response) {
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let id = egui::Id::unique(("aidj-param", param.name()));
    (rect, ui.interact(rect, id, Sense::click_and_drag()))
}

/// A number field for `param` (the clock BPM): drag up/down (0.1 of a unit per point on a
/// 200-unit range), wheel one unit per notch, SHIFT ten times finer, double-click: default.
/// A number box for `param`; `hint` says what it is for (one tooltip with the name and the
/// gestures: hosts and egui show stacked tooltips otherwise).
pub fn number<P: Param>(
    ui: &mut Ui,
    pu: &mut ParamUi,
    param: &P,
    size: Vec2,
    hint: &str,
) -> Response {
    let (rect, response) = allocate(ui, param, size);
    let feel = Feel::Rotary {
        range_points: 2000.0,
        wheel_step: 1.0 / 200.0,
    };
    interact(ui, pu, param, &response, feel);
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let hot = response.hovered() || response.dragged();
        painter.rect_filled(
            rect,
            CornerRadius::same(3),
            if hot { colors::BODY_HOT } else { colors::BODY },
        );
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            param.to_string(),
            FontId::proportional(14.0),
            if ui.is_enabled() {
                colors::TEXT
            } else {
                colors::DIM
            },
        );
    }
    response.on_hover_text(format!("{}: {hint}\n{HELP}", param.name()))
}

const HELP: &str = "Drag (SHIFT: fine), double-click: default, wheel: fine steps";

/// Angle of a knob at `n` (0..1), radians clockwise from 12 o'clock: -135 deg .. +135 deg.
fn knob_angle(n: f32) -> f32 {
    (n.clamp(0.0, 1.0) - 0.5) * 1.5 * PI
}

fn on_circle(center: Pos2, radius: f32, angle: f32) -> Pos2 {
    center + vec2(angle.sin(), -angle.cos()) * radius
}

fn arc(center: Pos2, radius: f32, from: f32, to: f32) -> Vec<Pos2> {
    let (a, b) = if from <= to { (from, to) } else { (to, from) };
    let n = (((b - a) / (PI / 48.0)).ceil() as usize).max(1);
    (0..=n)
        .map(|i| on_circle(center, radius, a + (b - a) * i as f32 / n as f32))
        .collect()
}

/// A rotary knob for `param` in a `size` box: the knob on the left, the label and the value
/// string to its right. `bipolar` draws the value arc from the centre (EQ, filter, trim).
pub fn knob<P: Param>(
    ui: &mut Ui,
    pu: &mut ParamUi,
    param: &P,
    label: &str,
    size: Vec2,
    accent: Color32,
    bipolar: bool,
) -> Response {
    let (rect, response) = allocate(ui, param, size);
    interact(ui, pu, param, &response, Feel::KNOB);
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let enabled = ui.is_enabled();
        let d = rect.height().min(rect.width() * 0.5).min(84.0);
        let center = pos2(rect.left() + d * 0.5, rect.center().y);
        let r = d * 0.5 - 1.5;
        let n = param.modulated_normalized_value();
        let width = (r * 0.16).max(2.5);
        painter.add(Shape::line(
            arc(center, r - width * 0.5, knob_angle(0.0), knob_angle(1.0)),
            Stroke::new(width, colors::TRACK),
        ));
        let from = if bipolar { 0.5 } else { 0.0 };
        if (n - from).abs() > 0.002 {
            let color = if enabled { accent } else { colors::DIM };
            painter.add(Shape::line(
                arc(center, r - width * 0.5, knob_angle(from), knob_angle(n)),
                Stroke::new(width, color),
            ));
        }
        // A tick at the default.
        let def = knob_angle(param.default_normalized_value());
        painter.line_segment(
            [
                on_circle(center, r + 1.0, def),
                on_circle(center, r - width, def),
            ],
            Stroke::new(1.5, colors::DIM),
        );
        let hot = response.hovered() || response.dragged();
        let body_r = r - width - 2.0;
        painter.circle_filled(
            center,
            body_r,
            if hot { colors::BODY_HOT } else { colors::BODY },
        );
        painter.circle_stroke(center, body_r, Stroke::new(1.0, Color32::from_gray(0x50)));
        let a = knob_angle(n);
        painter.line_segment(
            [
                on_circle(center, body_r * 0.25, a),
                on_circle(center, body_r * 0.9, a),
            ],
            Stroke::new(
                (r * 0.09).max(2.0),
                if enabled { colors::TEXT } else { colors::DIM },
            ),
        );
        let text_x = rect.left() + d + 6.0;
        let text_w = rect.right() - text_x;
        let small = (rect.height() * 0.26).clamp(11.0, 14.0);
        let label = fit_text(painter, label, text_w, small, colors::DIM);
        painter.galley(
            pos2(text_x, center.y - 1.0 - label.size().y),
            label,
            colors::DIM,
        );
        let value_color = if enabled { colors::TEXT } else { colors::DIM };
        // One size for every value of this knob (the size its widest values fit in), so
        // a long value never reads smaller than a short one.
        let widest: Vec<String> = [0.0, 0.25, 0.5, 0.75, 1.0]
            .iter()
            .map(|&x| param.normalized_value_to_string(x, true))
            .chain(std::iter::once(param.to_string()))
            .collect();
        let size = fit_size(painter, &widest, text_w, small + 1.5);
        let value =
            painter.layout_no_wrap(param.to_string(), FontId::proportional(size), value_color);
        painter.galley(pos2(text_x, center.y + 1.0), value, value_color);
    }
    response.on_hover_text(format!("{}\n{HELP}", param.name()))
}

/// A fader for `param` in `rect`: vertical (channel fader) or horizontal (crossfader, position).
/// `centre_mark` draws a mark at the middle of the track.
#[allow(clippy::too_many_arguments)]
pub fn fader<P: Param>(
    ui: &mut Ui,
    pu: &mut ParamUi,
    param: &P,
    size: Vec2,
    vertical: bool,
    accent: Color32,
    centre_mark: bool,
) -> Response {
    let (rect, response) = allocate(ui, param, size);
    let (cap_long, cap_short) = if vertical {
        (
            (rect.width() * 0.8).min(46.0),
            22.0f32.min(rect.height() * 0.2),
        )
    } else {
        (
            (rect.height() * 0.8).min(34.0),
            24.0f32.min(rect.width() * 0.2),
        )
    };
    let track = if vertical {
        rect.height() - cap_short
    } else {
        rect.width() - cap_short
    };
    let feel = if vertical {
        Feel::Vertical { track }
    } else {
        Feel::Horizontal { track }
    };
    interact(ui, pu, param, &response, feel);
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let enabled = ui.is_enabled();
        let n = param.modulated_normalized_value().clamp(0.0, 1.0);
        let (start, end) = if vertical {
            (
                pos2(rect.center().x, rect.bottom() - cap_short * 0.5),
                pos2(rect.center().x, rect.top() + cap_short * 0.5),
            )
        } else {
            (
                pos2(rect.left() + cap_short * 0.5, rect.center().y),
                pos2(rect.right() - cap_short * 0.5, rect.center().y),
            )
        };
        let at = |t: f32| start + (end - start) * t;
        // Ticks every 10 %.
        for i in 0..=10 {
            let p = at(i as f32 / 10.0);
            let len = if i == 5 && centre_mark {
                cap_long * 0.5
            } else {
                cap_long * 0.3
            };
            let off = if vertical {
                vec2(len, 0.0)
            } else {
                vec2(0.0, len)
            };
            painter.line_segment([p - off, p + off], Stroke::new(1.0, colors::TRACK));
        }
        let groove = if vertical {
            Rect::from_two_pos(start - vec2(2.5, 0.0), end + vec2(2.5, 0.0))
        } else {
            Rect::from_two_pos(start - vec2(0.0, 2.5), end + vec2(0.0, 2.5))
        };
        painter.rect_filled(groove, CornerRadius::same(2), Color32::from_gray(0x0c));
        let c = at(n);
        let cap = if vertical {
            Rect::from_center_size(c, vec2(cap_long, cap_short))
        } else {
            Rect::from_center_size(c, vec2(cap_short, cap_long))
        };
        let hot = response.hovered() || response.dragged();
        painter.rect_filled(
            cap,
            CornerRadius::same(3),
            if hot {
                Color32::from_gray(0x6a)
            } else {
                Color32::from_gray(0x55)
            },
        );
        painter.rect_stroke(
            cap,
            CornerRadius::same(3),
            Stroke::new(1.0, Color32::from_gray(0x22)),
            StrokeKind::Inside,
        );
        let line = if vertical {
            [c - vec2(cap_long * 0.4, 0.0), c + vec2(cap_long * 0.4, 0.0)]
        } else {
            [c - vec2(0.0, cap_long * 0.4), c + vec2(0.0, cap_long * 0.4)]
        };
        painter.line_segment(
            line,
            Stroke::new(2.0, if enabled { accent } else { colors::DIM }),
        );
    }
    response.on_hover_text(format!("{}: {}\n{HELP}", param.name(), param))
}

/// Where `db` sits on the meters' scale, 0..1 (for meters drawn elsewhere).
pub fn meter_fraction_of(db: f32) -> f32 {
    meter_fraction(db)
}

/// A meter mark's label: "-12", "+6", "0".
pub fn meter_mark_label(db: f32) -> String {
    if db > 0.0 {
        format!("+{db:.0}")
    } else if db < 0.0 {
        format!("-{:.0}", -db)
    } else {
        "0".to_string()
    }
}

/// A level meter in `rect`: RMS as the solid bar, the peak as a lighter bar over it, the held
/// peak as a line (red over 0 dBFS), dB marks on the `marks_left` or right side.
pub fn meter(ui: &Ui, rect: Rect, m: &MeterBallistics, marks_left: bool) {
    if !ui.is_rect_visible(rect) {
        return;
    }
    let painter = ui.painter();
    let label_w = 22.0;
    let bar = if marks_left {
        Rect::from_min_max(pos2(rect.left() + label_w, rect.top()), rect.max)
    } else {
        Rect::from_min_max(rect.min, pos2(rect.right() - label_w, rect.bottom()))
    };
    painter.rect_filled(bar, CornerRadius::same(2), Color32::from_gray(0x0c));
    let y = |f: f32| bar.bottom() - f * bar.height();
    let zones = [
        (f32::NEG_INFINITY, -12.0, colors::GO),
        (-12.0, 0.0, colors::ARMED),
        (0.0, f32::INFINITY, colors::STOP),
    ];
    let fill = |top_db: f32, alpha: f32| {
        for (lo, hi, color) in zones {
            let from = meter_fraction(lo);
            let to = meter_fraction(hi.min(top_db));
            if to > from {
                let r = Rect::from_x_y_ranges(bar.x_range(), y(to)..=y(from));
                painter.rect_filled(r.shrink2(vec2(1.0, 0.0)), 0.0, color.gamma_multiply(alpha));
            }
        }
    };
    fill(m.peak_db, 0.35);
    fill(m.rms_db, 1.0);
    if m.hold_db.is_finite() {
        let hy = y(meter_fraction(m.hold_db));
        let color = if m.clipped() {
            colors::STOP
        } else {
            colors::TEXT
        };
        painter.line_segment(
            [pos2(bar.left() + 1.0, hy), pos2(bar.right() - 1.0, hy)],
            Stroke::new(2.0, color),
        );
    }
    for db in METER_MARKS_DB {
        let my = y(meter_fraction(db));
        let (tx, align) = if marks_left {
            (bar.left() - 3.0, Align2::RIGHT_CENTER)
        } else {
            (bar.right() + 3.0, Align2::LEFT_CENTER)
        };
        // The tick runs across the meter (faint), not into the label: a tick outside read
        // as a minus sign ("-+6", "--12") and as the fader's scale.
        painter.line_segment(
            [pos2(bar.left() + 1.0, my), pos2(bar.right() - 1.0, my)],
            Stroke::new(1.0, Color32::from_gray(0x40)),
        );
        let text = meter_mark_label(db);
        painter.text(
            pos2(tx, my),
            align,
            text,
            FontId::proportional(10.0),
            colors::DIM,
        );
    }
}

/// One cell per variant of an enum parameter, `width` points wide in all (`labels` overrides
/// the variant names; the text shrinks to fit a narrow cell).
pub fn segmented<E: Enum + PartialEq + Copy + 'static>(
    ui: &mut Ui,
    pu: &mut ParamUi,
    param: &EnumParam<E>,
    labels: &[&str],
    width: f32,
) {
    let names = E::variants();
    let n = names.len().max(1);
    let gap = 2.0;
    let cell = vec2(
        ((width - gap * (n - 1) as f32) / n as f32).max(16.0),
        ui.spacing().interact_size.y,
    );
    let current = param.unmodulated_plain_value();
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing.x = gap;
        for (i, name) in names.iter().enumerate() {
            let v = E::from_index(i);
            let text = labels.get(i).copied().unwrap_or(name);
            let (rect, r) = ui.allocate_exact_size(cell, Sense::click());
            if ui.is_rect_visible(rect) {
                let selected = current == v;
                let fill = if selected {
                    ui.visuals().selection.bg_fill
                } else if r.hovered() {
                    colors::BODY_HOT
                } else {
                    colors::BODY
                };
                let painter = ui.painter();
                painter.rect_filled(rect, CornerRadius::same(3), fill);
                let color = if !ui.is_enabled() {
                    colors::DIM
                } else if selected {
                    colors::TEXT
                } else {
                    Color32::from_gray(0xc8)
                };
                let galley = fit_text(painter, text, rect.width() - 6.0, 14.0, color);
                painter.galley(rect.center() - galley.size() * 0.5, galley, color);
            }
            let r = r.on_hover_text(format!("{}: {name}", param.name()));
            if r.clicked() {
                pu.set_once(param, v);
            }
        }
    });
}

/// `text` laid out in one line at `size` points, smaller (down to 10) until it fits `max_width`.
/// The largest size up to `size` (not under 10 points) at which every one of `texts`
/// fits in `max_width`.
pub fn fit_size(painter: &egui::Painter, texts: &[String], max_width: f32, size: f32) -> f32 {
    let mut size = size;
    while size > 10.0 {
        let fits = texts.iter().all(|t| {
            painter
                .layout_no_wrap(t.clone(), FontId::proportional(size), Color32::WHITE)
                .size()
                .x
                <= max_width
        });
        if fits {
            break;
        }
        size = (size - 0.5).max(10.0);
    }
    size
}

pub fn fit_text(
    painter: &egui::Painter,
    text: &str,
    max_width: f32,
    size: f32,
    color: Color32,
) -> std::sync::Arc<egui::Galley> {
    let mut size = size;
    loop {
        let galley = painter.layout_no_wrap(text.to_string(), FontId::proportional(size), color);
        if galley.size().x <= max_width || size <= 10.0 {
            return galley;
        }
        size = (size - 0.5).max(10.0);
    }
}

/// A combo box over an enum parameter.
pub fn enum_combo<E: Enum + PartialEq + Copy + 'static>(
    ui: &mut Ui,
    pu: &mut ParamUi,
    param: &EnumParam<E>,
    id: &str,
    width: f32,
) {
    let current = param.unmodulated_plain_value();
    let mut chosen = None;
    egui::ComboBox::from_id_salt(id)
        .selected_text(param.to_string())
        .width(width)
        .show_ui(ui, |ui| {
            for (i, name) in E::variants().iter().enumerate() {
                let v = E::from_index(i);
                if ui.selectable_label(current == v, *name).clicked() {
                    chosen = Some(v);
                }
            }
        })
        .response
        .on_hover_text(param.name());
    if let Some(v) = chosen {
        pu.set_once(param, v);
    }
}

/// A bool parameter as a toggle button.
pub fn toggle(
    ui: &mut Ui,
    pu: &mut ParamUi,
    param: &nice_plug::prelude::BoolParam,
    text: &str,
    hint: &str,
) -> Response {
    let on = param.unmodulated_plain_value();
    // A framed button in both states (off must not read as plain text), lit when on.
    let label = egui::RichText::new(text).color(if on { Color32::BLACK } else { colors::TEXT });
    let button = egui::Button::new(label)
        .fill(if on { colors::GO } else { colors::BODY })
        .stroke(Stroke::new(
            1.0,
            if on { colors::GO } else { colors::TRACK },
        ));
    let r = ui.add(button).on_hover_text(format!(
        "{}: {} ({hint})",
        param.name(),
        if on { "on" } else { "off" }
    ));
    if r.clicked() {
        pu.set_once(param, !on);
    }
    r
}

/// A progress bar in `rect` filled to `fraction` with `color`, `text` centred.
pub fn progress(ui: &Ui, rect: Rect, fraction: f32, color: Color32, text: &str) {
    let painter = ui.painter();
    painter.rect_filled(rect, CornerRadius::same(4), Color32::from_gray(0x0c));
    let f = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if f > 0.0 {
        let fill = Rect::from_min_size(rect.min, vec2(rect.width() * f, rect.height()));
        painter.rect_filled(fill, CornerRadius::same(4), color.gamma_multiply(0.55));
    }
    painter.rect_stroke(
        rect,
        CornerRadius::same(4),
        Stroke::new(1.0, colors::TRACK),
        StrokeKind::Inside,
    );
    // One line if it fits at a readable size, else two.
    let max_w = rect.width() - 8.0;
    let mut galley = fit_text(painter, text, max_w, 14.0, colors::TEXT);
    if galley.size().x > max_w {
        let mut job = egui::text::LayoutJob::simple(
            text.to_string(),
            FontId::proportional(12.0),
            colors::TEXT,
            max_w,
        );
        job.halign = egui::Align::Center;
        galley = painter.layout_job(job);
    }
    let top = rect.center().y - galley.size().y * 0.5;
    // A centred layout job is laid out around x = 0.
    let left = if galley.job.halign == egui::Align::Center {
        rect.center().x
    } else {
        rect.center().x - galley.size().x * 0.5
    };
    painter.galley(pos2(left, top), galley, colors::TEXT);
}
#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn knob_angles_span_270_degrees() {
        assert_abs_diff_eq!(knob_angle(0.0), -0.75 * PI, epsilon = 1e-6);
        assert_abs_diff_eq!(knob_angle(0.5), 0.0, epsilon = 1e-6);
        assert_abs_diff_eq!(knob_angle(1.0), 0.75 * PI, epsilon = 1e-6);
        // 12 o'clock is straight up (egui's y grows downwards).
        let top = on_circle(pos2(10.0, 10.0), 5.0, 0.0);
        assert_abs_diff_eq!(top.y, 5.0, epsilon = 1e-6);
        let points = arc(pos2(0.0, 0.0), 1.0, knob_angle(1.0), knob_angle(0.0));
        assert!(points.len() > 10);
        for p in &points {
            assert_abs_diff_eq!(p.to_vec2().length(), 1.0, epsilon = 1e-5);
        }
    }
}
