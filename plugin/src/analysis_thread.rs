//! The live analysis side thread: `process()` copies each deck's mono downmix into a bounded
//! lock-free ring ([`DeckFeeds::push`]: no allocation, no lock, drops and counts when
//! full); one thread per activated instance drains both rings into the `analysis` crate's
//! [`LiveAnalyzer`] (the same features as `aidj analyze`) and publishes a snapshot per
//! deck every second of audio into [`Shared`] for the editor, and every 15 s the
//! recommender's feature vector of its last 30 s ([`LiveAnalyzer::window_analysis`]).
//!
//! Lifecycle: started by `activate()` (at the host's sample rate), stopped and joined by
//! `deactivate()`, a new activation and `Drop`; so a sample-rate change is a restart. It
//! sleeps (parked, no CPU) while no audio arrives, and skips the DSP while both decks are
//! silent. A panic inside the analysis never reaches the host: it ends the thread and
//! becomes [`AnalysisStatus::Failed`] with its message, which the editor shows.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use aidj_analysis::downmix::Downmix;
use aidj_analysis::live::{LiveAnalyzer, LiveConfig};
use rtrb::{Consumer, Producer, RingBuffer};

use crate::library::ControlsSeen;
use crate::shared::{AnalysisStatus, Shared, SURE_CONFIDENCE};

/// Seconds of audio each deck's ring holds: the thread may fall this far behind (a busy
/// machine, a slow snapshot) before samples are dropped.
pub const RING_SECS: f64 = 4.0;
/// Seconds of audio between two published snapshots of a deck (a snapshot costs a few
/// milliseconds: `cargo bench -p aidj-analysis --bench live`).
const SNAPSHOT_EVERY_SECS: f64 = 1.0;
/// Seconds of audio between two feature vectors of a deck's window (one costs some tens
/// of milliseconds: the offline analyser over 30 s).
const FEATURES_EVERY_SECS: f64 = 15.0;
/// How long the thread sleeps when both rings are empty.
const IDLE_WAIT: Duration = Duration::from_millis(20);

/// The audio thread's ends of the two rings.
pub struct DeckFeeds {
    producers: [Producer<f32>; 2],
    /// Samples written to each ring so far: the analysis counts the same samples, so its
    /// beat grids are placed on this count.
    written: [u64; 2],
    /// Each deck's mono downmix: the analysis crate's, so a deck is heard as `aidj
    /// analyze` hears the file.
    downmix: [Downmix; 2],
}

impl DeckFeeds {
    /// Two rings of `capacity` samples: the audio thread's ends and the reader's ends.
    pub fn with_capacity(capacity: usize) -> (DeckFeeds, [Consumer<f32>; 2]) {
        let (pa, ca) = RingBuffer::<f32>::new(capacity);
        let (pb, cb) = RingBuffer::<f32>::new(capacity);
        (
            DeckFeeds {
                producers: [pa, pb],
                written: [0; 2],
                downmix: [Downmix::new(), Downmix::new()],
            },
            [ca, cb],
        )
    }

    /// Appends deck `deck`'s mono downmix of `channels` for frames `range` (real-time safe:
    /// no allocation, no lock). Samples the ring has no room for are dropped and counted
    /// in `shared`.
    pub fn push(
        &mut self,
        deck: usize,
        channels: &[&[f32]],
        range: std::ops::Range<usize>,
        shared: &Shared,
    ) {
        let Some(producer) = self.producers.get_mut(deck) else {
            return;
        };
        let n = range.len();
        if n == 0 || channels.is_empty() {
            return;
        }
        let room = producer.slots().min(n);
        if room < n {
            shared.live[deck]
                .dropped
                .fetch_add((n - room) as u64, Ordering::Relaxed);
        }
        if room == 0 {
            return;
        }
        let start = range.start;
        let downmix = &mut self.downmix[deck];
        downmix.observe(channels, start..start + room);
        if let Ok(chunk) = producer.write_chunk_uninit(room) {
            self.written[deck] += room as u64;
            chunk.fill_from_iter((start..start + room).map(|i| {
                let s = downmix.mix(channels, i);
                if s.is_finite() {
                    s
                } else {
                    0.0
                }
            }));
        }
    }
}

impl DeckFeeds {
    /// Samples written to deck `deck`'s ring so far (dropped ones not counted).
    pub fn written(&self, deck: usize) -> u64 {
        self.written.get(deck).copied().unwrap_or(0)
    }
}

/// The running thread; stops and joins on [`AnalysisThread::stop`] or drop.
pub struct AnalysisThread {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl AnalysisThread {
    /// Starts the thread for audio at `sample_rate` Hz, with rings of `ring_secs` seconds.
    /// Returns it with the audio thread's feeds, or `None` (status `Failed`) when the
    /// thread cannot be spawned.
    pub fn start(
        sample_rate: f64,
        ring_secs: f64,
        shared: Arc<Shared>,
    ) -> Option<(Self, DeckFeeds)> {
        let rate = sample_rate.round().clamp(1.0, f64::from(u32::MAX)) as u32;
        let capacity = ((ring_secs * sample_rate).ceil() as usize).max(64);
        let (feeds, [ca, cb]) = DeckFeeds::with_capacity(capacity);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = stop.clone();
        let thread_shared = shared.clone();
        shared.set_status(AnalysisStatus::Running, None);
        shared.restart_live(f64::from(rate));
        let spawned = std::thread::Builder::new()
            .name("aidj-analysis".into())
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| {
                    run(rate, [ca, cb], &thread_stop, &thread_shared)
                }));
                match result {
                    Ok(Ok(())) => thread_shared.set_status(AnalysisStatus::Stopped, None),
                    Ok(Err(e)) => thread_shared.set_status(AnalysisStatus::Failed, Some(e)),
                    Err(panic) => {
                        let msg = panic
                            .downcast_ref::<&str>()
                            .map(|s| (*s).to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "the analysis stopped".to_string());
                        thread_shared.set_status(AnalysisStatus::Failed, Some(msg));
                    }
                }
            });
        match spawned {
            Ok(handle) => Some((
                AnalysisThread {
                    stop,
                    handle: Some(handle),
                },
                feeds,
            )),
            Err(e) => {
                shared.set_status(
                    AnalysisStatus::Failed,
                    Some(format!("no analysis thread: {e}")),
                );
                None
            }
        }
    }

    /// Stops the thread and waits for it (not for the audio thread).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}

impl Drop for AnalysisThread {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the suggestions were last made from: a new list when any of it changes.
#[derive(Clone, Debug, PartialEq)]
struct QueryKey {
    generation: u64,
    deck: usize,
    features: u64,
    track: u32,
    bpm: Option<i64>,
    camelot: Option<String>,
    sure: (bool, bool),
}

/// The FLX4's library controls, then the suggestions for the deck on air when what they
/// stand on changed: the library or its settings, the deck on air, its track, its feature
/// vector, or its read-out (a tempo or key that firms up or is corrected).
fn refresh_library(
    shared: &Shared,
    seen: &mut ControlsSeen,
    last: &mut Option<QueryKey>,
    features_made: &[u64; 2],
) {
    let lib = &shared.library;
    let tracks = [0, 1].map(|d| shared.live_snapshot(d).map_or(0, |s| s.track));
    lib.apply_controls(seen, tracks);
    if !lib.ready.load(Ordering::Acquire) {
        return;
    }
    let deck = usize::from(lib.on_air.load(Ordering::Relaxed)).min(1);
    let snap = shared.corrected_snapshot(deck);
    let key = QueryKey {
        generation: lib.generation.load(Ordering::Acquire),
        deck,
        features: features_made[deck],
        track: tracks[deck],
        bpm: snap
            .as_ref()
            .and_then(|s| s.bpm)
            .map(|b| (b * 10.0).round() as i64),
        camelot: snap.as_ref().and_then(|s| s.camelot.clone()),
        sure: snap.as_ref().map_or((false, false), |s| {
            (
                s.bpm_confidence.is_some_and(|c| c >= SURE_CONFIDENCE),
                s.key_confidence.is_some_and(|c| c >= SURE_CONFIDENCE),
            )
        }),
    };
    if last.as_ref() != Some(&key) {
        let features = shared.live_features(deck);
        lib.refresh(deck, snap.as_ref(), features.as_ref());
        *last = Some(key);
    }
}

/// The thread's loop: drain, analyse, publish; park when there is nothing to do.
fn run(
    rate: u32,
    mut rings: [Consumer<f32>; 2],
    stop: &AtomicBool,
    shared: &Shared,
) -> Result<(), String> {
    let mut decks = [
        LiveAnalyzer::new(rate, LiveConfig::default()).map_err(|e| e.to_string())?,
        LiveAnalyzer::new(rate, LiveConfig::default()).map_err(|e| e.to_string())?,
    ];
    let mut next_snapshot = [SNAPSHOT_EVERY_SECS; 2];
    let mut next_features = [0.0f64; 2];
    let mut features_track = [0u32; 2];
    let mut features_made = [0u64; 2];
    let mut controls_seen = ControlsSeen::default();
    let mut last_query: Option<QueryKey> = None;
    let mut buf = vec![0.0f32; 4096];
    while !stop.load(Ordering::Acquire) {
        let mut got = false;
        for (d, (ring, live)) in rings.iter_mut().zip(decks.iter_mut()).enumerate() {
            let n = ring.slots().min(buf.len());
            if n == 0 {
                continue;
            }
            got = true;
            if let Ok(chunk) = ring.read_chunk(n) {
                let (a, b) = chunk.as_slices();
                buf[..a.len()].copy_from_slice(a);
                buf[a.len()..a.len() + b.len()].copy_from_slice(b);
                chunk.commit_all();
            }
            live.push(&buf[..n]);
            if live.secs() >= next_snapshot[d] {
                next_snapshot[d] = live.secs() + SNAPSHOT_EVERY_SECS;
                let snap = live.snapshot();
                if snap.track != features_track[d] {
                    // A new track: its first vector as soon as it has enough audio.
                    features_track[d] = snap.track;
                    next_features[d] = live.secs();
                    shared.publish_features(d, None);
                    shared.library.deck_changed_track(d, snap.track);
                    features_made[d] += 1;
                }
                shared.publish_live(d, snap);
                if live.secs() >= next_features[d] && !live.is_idle() {
                    if let Some(corrected) = shared.corrected_snapshot(d) {
                        if let Some(features) = live.window_analysis(&corrected) {
                            next_features[d] = live.secs() + FEATURES_EVERY_SECS;
                            shared.publish_features(d, Some(features));
                            features_made[d] += 1;
                        }
                    }
                }
            }
        }
        refresh_library(shared, &mut controls_seen, &mut last_query, &features_made);
        let idle = decks.iter().all(LiveAnalyzer::is_idle);
        shared.set_status(
            if idle {
                AnalysisStatus::Idle
            } else {
                AnalysisStatus::Running
            },
            None,
        );
        if !got {
            std::thread::park_timeout(IDLE_WAIT);
        }
    }
    Ok(())
}
