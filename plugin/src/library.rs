//! The user's library inside the plugin: opened from a model file or a music folder on its
//! own thread (never the audio thread), then queried by the analysis thread for the deck on
//! air, from that deck's live feature vector. The editor shows the suggestions and the
//! search; the FLX4's browse knob and LOAD buttons work on the same list (through atomics
//! that `process()` bumps and the analysis thread applies).

use std::path::{Path, PathBuf};
use std::sync::atomic::{
    AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aidj_analysis::live::LiveSnapshot;
use aidj_analysis::report::Analysis;
use aidj_analysis::Report;
use aidj_recommender::library::{self, Progress};
use aidj_recommender::{EnergyFlow, Model, QueryOptions, Seed, TrackFeatures};

use crate::shared::unsure_mark;

/// Suggestions kept for the list.
pub const SUGGESTIONS: usize = 12;

/// Where the library stands, for the panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LibraryState {
    /// Nothing opened yet.
    #[default]
    Empty,
    /// Opening: `done` of `total` files (0 of 0 while a model file loads).
    Loading {
        done: usize,
        total: usize,
        current: String,
    },
    /// Ready: the model's tracks, and what opening it found.
    Ready {
        tracks: usize,
        analysed: usize,
        reused: usize,
        skipped: usize,
        skipped_examples: Vec<String>,
    },
    /// Could not open: the reason, one line.
    Failed(String),
}

/// How a suggestion's tempo or key sits with the deck on air (the list's colours).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    Good,
    Fair,
    Poor,
    Unknown,
}

/// One row of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Index into the model's tracks.
    pub track: usize,
    pub label: String,
    pub path: String,
    pub bpm: Option<f64>,
    pub camelot: Option<String>,
    pub score: Option<f64>,
    pub reasons: String,
    pub tempo_fit: Fit,
    pub key_fit: Fit,
}

/// A library track's analysis and its best partners (the details the browse press opens).
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    pub row: Row,
    /// "124.0 BPM · 8A (A minor) · energy 0.55 · 5:12".
    pub summary: String,
    /// The tracks the recommender pairs it with best.
    pub partners: Vec<Row>,
}

/// The suggestion list and how it was made.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suggestions {
    /// The deck the list is for (the deck on air).
    pub deck: usize,
    /// What the query stood on: "deck A: 124.0 BPM, 8A (sure)".
    pub basis: String,
    pub rows: Vec<Row>,
    /// Milliseconds the query took.
    pub took_ms: f64,
}

/// The DJ's choices for suggestions (the panel's settings).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Tempo is matched by time-stretching with the pitch kept (a DAW's default): keys are
    /// matched as written. Off: keys are matched as heard at the new speed.
    pub keylock: bool,
    pub min_duration_secs: Option<f64>,
    pub max_duration_secs: Option<f64>,
    pub bpm_window_pct: f64,
    pub energy: EnergyFlow,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            keylock: true,
            min_duration_secs: Some(60.0),
            max_duration_secs: Some(20.0 * 60.0),
            bpm_window_pct: 6.0,
            energy: EnergyFlow::Hold,
        }
    }
}

/// The library as shared between the loader, the analysis thread, the editor and (through
/// atomics only) `process()`.
#[derive(Default)]
pub struct Library {
    state: Mutex<LibraryState>,
    model: Mutex<Option<Arc<Model>>>,
    /// Bumped whenever the model, the settings, a deck's next track or the search change:
    /// the analysis thread then refreshes the list.
    pub generation: AtomicU64,
    /// The open request in progress (a newer one makes an older loader's result stale).
    opening: AtomicU64,
    cancel: Mutex<Option<Arc<AtomicBool>>>,
    /// `process()` may route the FLX4's browse and LOAD here.
    pub ready: AtomicBool,
    settings: Mutex<Settings>,
    suggestions: Mutex<Suggestions>,
    /// The search text (empty: the suggestions are the list).
    search: Mutex<String>,
    /// The list the browse knob moves in: the search results, else the suggestions.
    list: Mutex<Vec<Row>>,
    /// The browse cursor, an index into `list`.
    pub selected: AtomicUsize,
    /// The details of the selected row are open.
    pub details: AtomicBool,
    /// Each deck's next track (a model index + 1; 0 none).
    next: [AtomicUsize; 2],
    /// FLX4 input from `process()`: browse steps, presses and LOADs, applied later.
    pub browse_steps: AtomicI32,
    pub browse_presses: AtomicU32,
    pub load_presses: [AtomicU32; 2],
    /// The live track each deck's `next` was chosen on (a new track there plays it).
    next_on_track: [AtomicU32; 2],
    /// Tracks that have played this session (model indices): never suggested again.
    history: Mutex<Vec<usize>>,
    /// Deck on air as `process()` last saw it (0 A, 1 B).
    pub on_air: AtomicU8,
    /// What was last asked to open.
    source: Mutex<Option<PathBuf>>,
}

impl Library {
    /// The panel's view of the state.
    pub fn state(&self) -> LibraryState {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn set_state(&self, s: LibraryState) {
        if let Ok(mut st) = self.state.lock() {
            *st = s;
        }
    }

    /// The model, when one is open.
    pub fn model(&self) -> Option<Arc<Model>> {
        self.model.lock().ok().and_then(|m| m.clone())
    }

    fn bump(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().map(|s| *s).unwrap_or_default()
    }

    pub fn set_settings(&self, s: Settings) {
        if let Ok(mut cur) = self.settings.lock() {
            if *cur != s {
                *cur = s;
                drop(cur);
                self.bump();
            }
        }
    }

    pub fn suggestions(&self) -> Suggestions {
        self.suggestions
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    pub fn search_text(&self) -> String {
        self.search.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Sets the search text; the list becomes its results (the suggestions when empty).
    pub fn set_search(&self, text: &str) {
        if let Ok(mut s) = self.search.lock() {
            if *s != text {
                *s = text.to_string();
                drop(s);
                self.selected.store(0, Ordering::Relaxed);
                self.rebuild_list();
            }
        }
    }

    /// The list the browse knob moves in.
    pub fn list(&self) -> Vec<Row> {
        self.list.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The selected row.
    pub fn selected_row(&self) -> Option<Row> {
        let i = self.selected.load(Ordering::Relaxed);
        self.list.lock().ok().and_then(|l| l.get(i).cloned())
    }

    /// Model track `track`'s analysis and its five best partners, with the DJ's settings
    /// (a query from that track: a fraction of a millisecond).
    pub fn details_of(&self, track: usize) -> Option<Details> {
        let model = self.model()?;
        let t = model.tracks.get(track)?;
        let mut parts = Vec::new();
        parts.push(t.bpm.map_or("tempo ?".into(), |b| format!("{b:.1} BPM")));
        parts.push(match (&t.camelot, &t.key) {
            (Some(c), Some(k)) => format!("{c} ({k})"),
            _ => "key ?".into(),
        });
        if let Some(e) = t.energy {
            parts.push(format!("energy {e:.2}"));
        }
        if let Some(d) = t.duration.filter(|d| d.is_finite() && *d > 0.0) {
            parts.push(format!("{}:{:02}", (d / 60.0) as u64, (d % 60.0) as u64));
        }
        let settings = self.settings();
        let opts = QueryOptions {
            count: 5,
            bpm_window_pct: settings.bpm_window_pct,
            keylock: settings.keylock,
            energy: settings.energy,
            min_duration_secs: settings.min_duration_secs,
            max_duration_secs: settings.max_duration_secs,
            ..QueryOptions::default()
        };
        let partners = model
            .recommend(Seed::Track(track), &opts)
            .map(|list| {
                list.iter()
                    .map(|sg| {
                        let mut r = row(&model, sg.track, Some(sg.score));
                        r.reasons = sg.reasons.text();
                        r
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Details {
            row: row(&model, track, None),
            summary: parts.join(" \u{b7} "),
            partners,
        })
    }

    /// Deck `deck`'s next track.
    pub fn next(&self, deck: usize) -> Option<Row> {
        let model = self.model()?;
        let i = self
            .next
            .get(deck)?
            .load(Ordering::Relaxed)
            .checked_sub(1)?;
        Some(row(&model, i, None))
    }

    /// Picks model track `track` as deck `deck`'s next track (while `live_track` plays
    /// there). The other deck's pick is cleared if it was the same track: one track is
    /// never queued on both decks.
    pub fn load(&self, deck: usize, track: usize, live_track: u32) {
        let Some(slot) = self.next.get(deck) else {
            return;
        };
        slot.store(track + 1, Ordering::Relaxed);
        self.next_on_track[deck].store(live_track, Ordering::Relaxed);
        let other = &self.next[1 - deck];
        if other.load(Ordering::Relaxed) == track + 1 {
            other.store(0, Ordering::Relaxed);
        }
        self.bump();
    }

    /// Tracks that played or are queued: left out of the suggestions.
    fn excluded(&self) -> Vec<usize> {
        let mut v = self.history.lock().map(|h| h.clone()).unwrap_or_default();
        for n in &self.next {
            if let Some(i) = n.load(Ordering::Relaxed).checked_sub(1) {
                v.push(i);
            }
        }
        v
    }

    /// A deck's live track changed: the track queued there is now playing.
    pub fn deck_changed_track(&self, deck: usize, live_track: u32) {
        let Some(slot) = self.next.get(deck) else {
            return;
        };
        let queued = slot.load(Ordering::Relaxed);
        if queued != 0 && self.next_on_track[deck].load(Ordering::Relaxed) != live_track {
            slot.store(0, Ordering::Relaxed);
            if let Ok(mut h) = self.history.lock() {
                h.push(queued - 1);
            }
        }
        self.bump();
    }

    /// Rebuilds the browse list from the search text (or the suggestions).
    fn rebuild_list(&self) {
        let text = self.search_text();
        let rows = match (self.model(), text.trim().is_empty()) {
            (Some(model), false) => model
                .search(&text)
                .into_iter()
                .take(200)
                .map(|i| row(&model, i, None))
                .collect(),
            _ => self.suggestions().rows,
        };
        let n = rows.len();
        if let Ok(mut l) = self.list.lock() {
            *l = rows;
        }
        let sel = self.selected.load(Ordering::Relaxed);
        self.selected
            .store(sel.min(n.saturating_sub(1)), Ordering::Relaxed);
    }

    /// Stops a folder being opened (between files): the plugin is going away.
    pub fn cancel(&self) {
        self.opening.fetch_add(1, Ordering::AcqRel);
        if let Ok(c) = self.cancel.lock() {
            if let Some(flag) = c.as_ref() {
                flag.store(true, Ordering::Relaxed);
            }
        }
    }

    /// What was last asked to open.
    pub fn source(&self) -> Option<PathBuf> {
        self.source.lock().ok().and_then(|s| s.clone())
    }

    /// Opens `source` unless it is what was last asked for (activation, a restored
    /// session).
    pub fn ensure_open(self: &Arc<Self>, source: PathBuf) {
        if self.source().as_deref() != Some(source.as_path()) {
            self.open(source);
        }
    }

    /// The library to open when the session names none: the defaults file's model, else
    /// its first library folder.
    pub fn default_source() -> Option<PathBuf> {
        let config = aidj_config::load(None).ok()?;
        config.model.or_else(|| config.library.first().cloned())
    }

    /// Opens `source` (a model file or a music folder) on a new thread; a later call
    /// supersedes it.
    pub fn open(self: &Arc<Self>, source: PathBuf) {
        if let Ok(mut s) = self.source.lock() {
            *s = Some(source.clone());
        }
        let id = self.opening.fetch_add(1, Ordering::AcqRel) + 1;
        let cancel = Arc::new(AtomicBool::new(false));
        if let Ok(mut c) = self.cancel.lock() {
            if let Some(old) = c.replace(cancel.clone()) {
                old.store(true, Ordering::Relaxed);
            }
        }
        self.set_state(LibraryState::Loading {
            done: 0,
            total: 0,
            current: source.display().to_string(),
        });
        let lib = self.clone();
        let spawned = std::thread::Builder::new()
            .name("aidj-library".into())
            .spawn(move || {
                let current = |lib: &Library| lib.opening.load(Ordering::Acquire) == id;
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    library::open(&source, &cancel, &mut |p: &Progress| {
                        if current(&lib) {
                            lib.set_state(LibraryState::Loading {
                                done: p.done,
                                total: p.total,
                                current: p.current.as_deref().map_or_else(String::new, file_name),
                            });
                        }
                    })
                }));
                if !current(&lib) {
                    return;
                }
                match result {
                    Ok(Ok(opened)) => lib.install(opened),
                    Ok(Err(e)) => lib.set_state(LibraryState::Failed(format!(
                        "{}: {}",
                        source.display(),
                        one_line(&e.to_string())
                    ))),
                    Err(_) => lib.set_state(LibraryState::Failed(format!(
                        "{}: the library could not be opened",
                        source.display()
                    ))),
                }
            });
        if let Err(e) = spawned {
            self.set_state(LibraryState::Failed(format!("no library thread: {e}")));
        }
    }

    /// Makes `opened` the library (the loader; tests).
    pub fn install(&self, opened: library::Opened) {
        let state = LibraryState::Ready {
            tracks: opened.model.len(),
            analysed: opened.analysed,
            reused: opened.reused,
            skipped: opened.skipped.len(),
            skipped_examples: opened
                .skipped
                .iter()
                .take(3)
                .map(|s| format!("{}: {}", file_name(&s.path), s.reason))
                .collect(),
        };
        if let Ok(mut m) = self.model.lock() {
            *m = Some(Arc::new(opened.model));
        }
        for n in &self.next {
            n.store(0, Ordering::Relaxed);
        }
        if let Ok(mut h) = self.history.lock() {
            h.clear();
        }
        self.set_state(state);
        self.ready.store(true, Ordering::Release);
        self.rebuild_list();
        self.bump();
    }

    /// Applies the FLX4's browse turns, presses and LOADs that `process()` counted
    /// (analysis thread). `live_tracks` are the decks' live track numbers.
    pub fn apply_controls(&self, seen: &mut ControlsSeen, live_tracks: [u32; 2]) {
        let steps = self.browse_steps.swap(0, Ordering::AcqRel);
        if steps != 0 {
            let n = self.list.lock().map(|l| l.len()).unwrap_or(0);
            let cur = self.selected.load(Ordering::Relaxed) as i64;
            let to = (cur + i64::from(steps)).clamp(0, n.saturating_sub(1) as i64);
            self.selected.store(to as usize, Ordering::Relaxed);
        }
        let presses = self.browse_presses.load(Ordering::Acquire);
        if presses != seen.browse {
            seen.browse = presses;
            self.details.fetch_xor(true, Ordering::AcqRel);
        }
        for (deck, (presses, seen_loads)) in self
            .load_presses
            .iter()
            .zip(seen.load.iter_mut())
            .enumerate()
        {
            let loads = presses.load(Ordering::Acquire);
            if loads != *seen_loads {
                *seen_loads = loads;
                if let Some(r) = self.selected_row() {
                    self.load(deck, r.track, live_tracks[deck]);
                }
            }
        }
    }

    /// Refreshes the suggestions for deck `deck` from its live snapshot (as corrected) and
    /// window features (analysis thread; a few milliseconds).
    pub fn refresh(
        &self,
        deck: usize,
        snapshot: Option<&LiveSnapshot>,
        features: Option<&Analysis>,
    ) {
        let Some(model) = self.model() else { return };
        let t0 = Instant::now();
        let settings = self.settings();
        let name = if deck == 0 { "A" } else { "B" };
        let mut out = Suggestions {
            deck,
            ..Suggestions::default()
        };
        match (snapshot, features) {
            (Some(s), Some(f)) if seed_features(s, f).is_some() => {
                let seed = seed_features(s, f).unwrap_or_default();
                let opts = QueryOptions {
                    count: SUGGESTIONS,
                    bpm_window_pct: settings.bpm_window_pct,
                    keylock: settings.keylock,
                    energy: settings.energy,
                    min_duration_secs: settings.min_duration_secs,
                    max_duration_secs: settings.max_duration_secs,
                    history: self.excluded(),
                    seed_tempo_confidence: s.bpm_confidence.unwrap_or(0.0),
                    seed_key_confidence: s.key_confidence.unwrap_or(0.0),
                    ..QueryOptions::default()
                };
                // Unsure readings carry a "?", as on the deck's read-out: they count less.
                out.basis = format!(
                    "deck {name}: {}, {}",
                    s.bpm.map_or("tempo ?".into(), |b| format!(
                        "{b:.1}{} BPM",
                        unsure_mark(s.bpm_confidence)
                    )),
                    s.camelot.as_deref().map_or("key ?".into(), |c| format!(
                        "{c}{}",
                        unsure_mark(s.key_confidence)
                    )),
                );
                match model.recommend(Seed::Features(&seed), &opts) {
                    Ok(list) => {
                        out.rows = list
                            .iter()
                            .map(|sg| {
                                let mut r = row(&model, sg.track, Some(sg.score));
                                r.reasons = sg.reasons.text();
                                r.tempo_fit = match sg.reasons.bpm_change_pct {
                                    Some(p) if p.abs() <= 2.0 => Fit::Good,
                                    Some(p) if p.abs() <= settings.bpm_window_pct => Fit::Fair,
                                    Some(_) => Fit::Poor,
                                    None => Fit::Unknown,
                                };
                                r.key_fit = match sg.reasons.key_move.as_deref() {
                                    Some("same" | "adjacent" | "relative") => Fit::Good,
                                    Some("diagonal" | "+2" | "energy boost") => Fit::Fair,
                                    Some(_) => Fit::Poor,
                                    None => Fit::Unknown,
                                };
                                r
                            })
                            .collect();
                    }
                    Err(e) => out.basis = format!("deck {name}: {}", one_line(&e.to_string())),
                }
            }
            _ => {
                out.basis =
                    format!("deck {name}: listening (suggestions after a few seconds of sound)")
            }
        }
        out.took_ms = t0.elapsed().as_secs_f64() * 1e3;
        if let Ok(mut s) = self.suggestions.lock() {
            *s = out;
        }
        if self.search_text().trim().is_empty() {
            self.rebuild_list();
        }
    }
}

/// What [`Library::apply_controls`] has already acted on.
#[derive(Clone, Copy, Debug, Default)]
pub struct ControlsSeen {
    browse: u32,
    load: [u32; 2],
}

/// The recommender's seed from a deck's live read-out: the window's feature vector, with
/// the (corrected) live tempo and key over their longer windows.
pub fn seed_features(snapshot: &LiveSnapshot, features: &Analysis) -> Option<TrackFeatures> {
    let mut analysis = features.clone();
    analysis.rhythm.tempo_bpm_global = snapshot.bpm;
    analysis.rhythm.tempo_confidence = snapshot.bpm_confidence;
    analysis.tonal.harmony.key = snapshot.key.clone();
    analysis.tonal.harmony.key_confidence = snapshot.key_confidence;
    let report = Report {
        analysis,
        ..Report::default()
    };
    TrackFeatures::from_report(&report).ok()
}

fn row(model: &Model, i: usize, score: Option<f64>) -> Row {
    let t = &model.tracks[i];
    Row {
        track: i,
        label: t.label(),
        path: t.path.clone(),
        bpm: t.bpm,
        camelot: t.camelot.clone(),
        score,
        reasons: String::new(),
        tempo_fit: Fit::Unknown,
        key_fit: Fit::Unknown,
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}
