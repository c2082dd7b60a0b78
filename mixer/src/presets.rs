//! The built-in transition presets: the files in the repository's `presets/` folder,
//! compiled in (a plugin has no working directory to read them from, and its `Transition
//! Preset` parameter needs a fixed list for automation). The plugin and `aidj mix` share
//! this list.

use std::sync::OnceLock;

use crate::TransitionPreset;

/// `(file stem, JSON)` in parameter order. Append new presets at the end: the index is saved in
/// sessions and automation.
const FILES: [(&str, &str); 5] = [
    ("long_blend", include_str!("../../presets/long_blend.json")),
    ("bass_swap", include_str!("../../presets/bass_swap.json")),
    ("filter_out", include_str!("../../presets/filter_out.json")),
    ("echo_out", include_str!("../../presets/echo_out.json")),
    ("quick_cut", include_str!("../../presets/quick_cut.json")),
];

/// The built-in presets, parsed once (an invalid file is left out; the unit test below makes
/// sure none is).
pub fn builtin() -> &'static [TransitionPreset] {
    static PRESETS: OnceLock<Vec<TransitionPreset>> = OnceLock::new();
    PRESETS.get_or_init(|| {
        FILES
            .iter()
            .filter_map(|(_, json)| TransitionPreset::from_json(json).ok())
            .collect()
    })
}

/// Preset `index` (clamped into range), if there is any preset at all.
pub fn get(index: i32) -> Option<&'static TransitionPreset> {
    let all = builtin();
    let i = usize::try_from(index)
        .unwrap_or(0)
        .min(all.len().saturating_sub(1));
    all.get(i)
}

/// Display name of preset `index`.
pub fn name(index: i32) -> &'static str {
    get(index).map_or("-", |p| p.name.as_str())
}

/// Index of the preset named `s` (case-insensitive; the file stem works too), or a number.
pub fn index_of(s: &str) -> Option<i32> {
    let t = s.trim();
    if let Some(i) = builtin()
        .iter()
        .zip(FILES.iter())
        .position(|(p, (stem, _))| p.name.eq_ignore_ascii_case(t) || stem.eq_ignore_ascii_case(t))
    {
        return i32::try_from(i).ok();
    }
    t.parse::<i32>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_file_parses_and_matches_the_folder() {
        assert_eq!(builtin().len(), FILES.len(), "a preset failed to parse");
        let on_disk =
            TransitionPreset::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../presets"))
                .expect("presets folder");
        assert_eq!(
            on_disk.len(),
            FILES.len(),
            "presets/ has a file the plugin lacks"
        );
        for p in &on_disk {
            assert!(builtin().contains(p), "{} not compiled in", p.name);
        }
        for name in [
            "Long blend",
            "Bass swap",
            "Filter out",
            "Echo out",
            "Quick cut",
        ] {
            assert!(index_of(name).is_some(), "{name}");
        }
        assert_eq!(index_of("echo_out"), Some(3));
        assert_eq!(name(99), builtin()[4].name);
    }
}
