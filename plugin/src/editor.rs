//! The egui editor (work in progress on its own branch).
