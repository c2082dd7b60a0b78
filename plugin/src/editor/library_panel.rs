//! The library panel: open a model or a music folder, the suggestion list for the deck on
//! air (or the search results), the selected track's details, LOAD to a deck, and the
//! suggestion settings.

use egui::{vec2, Align, Color32, Layout, RichText, ScrollArea, Ui};
use std::sync::atomic::Ordering;

use super::widgets::colors;
use crate::library::{Fit, LibraryState, Row};
use crate::params::AiDjParams;
use crate::shared::Shared;

/// What the panel keeps between frames.
#[derive(Default)]
pub struct LibraryUi {
    /// The path being typed (filled from the session on the first frame).
    pub path: Option<String>,
    pub search: String,
    /// The details shown, for the track and library generation they were made for.
    details: Option<(usize, u64, crate::library::Details)>,
}

/// The colour of a fit in the list: green good, amber fair, red poor.
pub fn fit_color(f: Fit) -> Color32 {
    match f {
        Fit::Good => colors::GO,
        Fit::Fair => colors::ARMED,
        Fit::Poor => colors::STOP,
        Fit::Unknown => colors::DIM,
    }
}

/// The state line: what the DJ should know first.
pub fn state_line(state: &LibraryState) -> (String, Color32) {
    match state {
        LibraryState::Empty => (
            "No library: type the path of a model (`aidj train`) or of a music folder, then Open"
                .into(),
            colors::DIM,
        ),
        LibraryState::Loading {
            done,
            total,
            current,
        } => (
            if *total > 0 {
                format!("Analysing {done} of {total}: {current}")
            } else {
                format!("Opening {current}")
            },
            colors::ARMED,
        ),
        LibraryState::Ready {
            tracks,
            analysed,
            reused,
            skipped,
            ..
        } => {
            let mut s = format!("{tracks} tracks");
            if analysed + reused > 0 {
                s.push_str(&format!(" ({analysed} analysed, {reused} reports reused"));
                if *skipped > 0 {
                    s.push_str(&format!(", {skipped} skipped"));
                }
                s.push(')');
            }
            (s, colors::TEXT)
        }
        LibraryState::Failed(e) => (e.clone(), colors::STOP),
    }
}

/// The panel (`text` is the body text size, which grows with the window).
pub fn show(ui: &mut Ui, params: &AiDjParams, shared: &Shared, state: &mut LibraryUi, text: f32) {
    let lib = &shared.library;
    let lib_state = lib.state();
    let path = state
        .path
        .get_or_insert_with(|| params.library.read().map(|s| s.clone()).unwrap_or_default());
    ui.horizontal(|ui| {
        ui.label(RichText::new("LIBRARY").strong().size(text));
        let w = (ui.available_width() - 70.0).max(120.0);
        let edit = ui.add(
            egui::TextEdit::singleline(path)
                .desired_width(w)
                .hint_text("model .json or music folder"),
        );
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Open").clicked() || enter) && !path.trim().is_empty() {
            let p = path.trim().to_string();
            if let Ok(mut saved) = params.library.write() {
                *saved = p.clone();
            }
            lib.open(p.into());
        }
    });
    let (line, color) = state_line(&lib_state);
    match &lib_state {
        LibraryState::Loading { done, total, .. } if *total > 0 => {
            ui.add(
                egui::ProgressBar::new(*done as f32 / *total as f32)
                    .text(RichText::new(line).size(text * 0.85)),
            );
        }
        _ => {
            ui.label(RichText::new(line).color(color).size(text * 0.85));
        }
    }
    if let LibraryState::Ready {
        skipped_examples, ..
    } = &lib_state
    {
        for s in skipped_examples {
            ui.label(
                RichText::new(format!("skipped {s}"))
                    .small()
                    .color(colors::DIM),
            );
        }
    }
    if !matches!(lib_state, LibraryState::Ready { .. }) {
        return;
    }

    // Search and settings.
    let mut settings = lib.settings();
    ui.horizontal(|ui| {
        ui.label(RichText::new("Search").color(colors::DIM));
        let r = ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .desired_width((ui.available_width() * 0.45).max(100.0))
                .hint_text("title, artist or path"),
        );
        if r.changed() {
            lib.set_search(&state.search);
        }
        ui.checkbox(&mut settings.keylock, "Keylock")
            .on_hover_text("On: keys matched as written (tempo by time-stretch, pitch kept). Off: as heard at the new speed");
        ui.label(RichText::new("min").color(colors::DIM));
        let mut min = settings.min_duration_secs.unwrap_or(0.0) / 60.0;
        ui.add(egui::DragValue::new(&mut min).range(0.0..=30.0).speed(0.1).suffix(" min"))
            .on_hover_text("Leave out tracks shorter than this (intros, jingles); 0: no bound");
        ui.label(RichText::new("max").color(colors::DIM));
        let mut max = settings.max_duration_secs.unwrap_or(0.0) / 60.0;
        ui.add(egui::DragValue::new(&mut max).range(0.0..=240.0).speed(0.5).suffix(" min"))
            .on_hover_text("Leave out tracks longer than this (hour-long mixes); 0: no bound");
        settings.min_duration_secs = (min > 0.0).then_some(min * 60.0);
        settings.max_duration_secs = (max > 0.0).then_some(max * 60.0);
    });
    lib.set_settings(settings);

    let searching = !lib.search_text().trim().is_empty();
    let sugg = lib.suggestions();
    ui.label(
        RichText::new(if searching {
            "Search results".to_string()
        } else if sugg.basis.is_empty() {
            "Suggestions: waiting for the deck on air".to_string()
        } else {
            format!("Next after {}", sugg.basis)
        })
        .size(text * 0.85)
        .color(colors::DIM),
    );
    let rows = lib.list();
    let selected = lib.selected.load(Ordering::Relaxed);
    let details_h = 3.0 * text + 26.0;
    let list_h = (ui.available_height() - details_h).max(3.0 * text);
    ScrollArea::vertical()
        .id_salt("aidj-library-list")
        .max_height(list_h)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (i, r) in rows.iter().enumerate() {
                if row_ui(ui, r, i == selected, text).clicked() {
                    lib.selected.store(i, Ordering::Relaxed);
                }
            }
            if rows.is_empty() {
                ui.label(RichText::new("nothing to show").color(colors::DIM));
            }
        });
    // The selected track: why, where, LOAD.
    if let Some(r) = lib.selected_row() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(&r.label).strong().size(text));
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                let live = |d: usize| shared.live_snapshot(d).map_or(0, |s| s.track);
                if ui
                    .button(RichText::new("LOAD B").color(colors::DECK_B))
                    .clicked()
                {
                    lib.load(1, r.track, live(1));
                }
                if ui
                    .button(RichText::new("LOAD A").color(colors::DECK_A))
                    .clicked()
                {
                    lib.load(0, r.track, live(0));
                }
                if ui
                    .button("Copy path")
                    .on_hover_text("For the DAW's browser")
                    .clicked()
                {
                    ui.ctx().copy_text(r.path.clone());
                }
                let open = lib.details.load(Ordering::Relaxed);
                if ui
                    .selectable_label(open, "Details")
                    .on_hover_text(
                        "The track's analysis and its best partners (FLX4: press the browse knob)",
                    )
                    .clicked()
                {
                    lib.details.store(!open, Ordering::Relaxed);
                }
            });
        });
        if lib.details.load(Ordering::Relaxed) {
            // The track's analysis and its best partners (the FLX4's browse press, or the
            // Details button).
            let generation = lib.generation.load(Ordering::Relaxed);
            let stale = state
                .details
                .as_ref()
                .is_none_or(|(t, g, _)| *t != r.track || *g != generation);
            if stale {
                state.details = lib.details_of(r.track).map(|d| (r.track, generation, d));
            }
            if let Some((_, _, d)) = &state.details {
                ui.label(
                    RichText::new(&d.summary)
                        .size(text * 0.8)
                        .color(colors::TEXT),
                );
                let names: Vec<String> = d
                    .partners
                    .iter()
                    .map(|p| format!("{} ({})", p.label, p.camelot.as_deref().unwrap_or("?")))
                    .collect();
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("Best partners: {}", names.join(", ")))
                            .size(text * 0.8)
                            .color(colors::DIM),
                    )
                    .truncate(),
                );
            }
        } else if !r.reasons.is_empty() {
            ui.label(
                RichText::new(&r.reasons)
                    .size(text * 0.8)
                    .color(colors::DIM),
            );
        }
        ui.add(egui::Label::new(RichText::new(&r.path).monospace().size(text * 0.75)).truncate());
    }
}

/// One list row: label, BPM and key coloured by how they fit, score.
fn row_ui(ui: &mut Ui, r: &Row, selected: bool, text: f32) -> egui::Response {
    let h = text + 6.0;
    let (rect, resp) = ui.allocate_exact_size(vec2(ui.available_width(), h), egui::Sense::click());
    let p = ui.painter();
    if selected {
        p.rect_filled(rect, 3.0, colors::BODY_HOT);
    } else if resp.hovered() {
        p.rect_filled(rect, 3.0, colors::BODY);
    }
    let font = egui::FontId::proportional(text);
    let y = rect.center().y;
    let right = rect.right() - 6.0;
    // Right-aligned columns, `cols` text widths in from the right edge.
    let column = |cols: f32, value: String, color| {
        p.text(
            egui::pos2(right - cols * text, y),
            egui::Align2::RIGHT_CENTER,
            value,
            font.clone(),
            color,
        );
    };
    column(
        0.0,
        r.score.map_or(String::new(), |s| format!("{s:.2}")),
        colors::DIM,
    );
    column(
        4.0,
        r.camelot.clone().unwrap_or_else(|| "?".into()),
        fit_color(r.key_fit),
    );
    column(
        7.0,
        r.bpm.map_or("?".into(), |b| format!("{b:.1}")),
        fit_color(r.tempo_fit),
    );
    let label_clip =
        egui::Rect::from_min_max(rect.min, egui::pos2(right - 10.0 * text, rect.max.y));
    ui.painter().with_clip_rect(label_clip).text(
        egui::pos2(rect.left() + 6.0, y),
        egui::Align2::LEFT_CENTER,
        &r.label,
        font,
        colors::TEXT,
    );
    resp.on_hover_text(if r.reasons.is_empty() {
        r.path.clone()
    } else {
        r.reasons.clone()
    })
}
