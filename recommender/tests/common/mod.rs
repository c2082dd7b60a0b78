//! Builders for generated libraries whose right answers are known.
#![allow(dead_code)]

use aidj_recommender::features::SIMILARITY_COLUMNS;
use aidj_recommender::{Dataset, Key, TrackFeatures};

/// A track with the given tempo, key, energy and timbre (one value per similarity column).
pub fn track(
    name: &str,
    artist: &str,
    bpm: f64,
    key: &str,
    energy: f64,
    timbre: &[f64],
) -> TrackFeatures {
    let mut t = TrackFeatures::default();
    t.meta.path = format!("/music/{name}.mp3");
    t.meta.title = Some(name.to_string());
    t.meta.artist = Some(artist.to_string());
    t.meta.duration = Some(300.0);
    t.key = Some(Key::parse(key).expect("key"));
    t.set("tempo_bpm", Some(bpm)).expect("column");
    t.set("energy", Some(energy)).expect("column");
    for (c, v) in SIMILARITY_COLUMNS.iter().zip(timbre) {
        t.set(c, Some(*v)).expect("column");
    }
    t
}

/// Deterministic pseudo-random numbers in [0, 1).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn timbre(&mut self) -> Vec<f64> {
        (0..SIMILARITY_COLUMNS.len()).map(|_| self.next()).collect()
    }
}

/// `base` moved by up to `amount` per column.
pub fn near(base: &[f64], amount: f64, rng: &mut Lcg) -> Vec<f64> {
    base.iter()
        .map(|x| x + amount * (rng.next() - 0.5))
        .collect()
}

/// `n` filler tracks with random timbre, tempo 90..150 and keys, by distinct artists.
pub fn filler(n: usize, rng: &mut Lcg) -> Vec<TrackFeatures> {
    (0..n)
        .map(|i| {
            let key = Key::from_index((rng.next() * 24.0) as u8).name();
            track(
                &format!("filler {i}"),
                &format!("filler artist {i}"),
                90.0 + 60.0 * rng.next(),
                &key,
                rng.next(),
                &rng.timbre(),
            )
        })
        .collect()
}

pub fn dataset(tracks: Vec<TrackFeatures>) -> Dataset {
    let mut d = Dataset::new();
    for t in tracks {
        let src = format!("{}.json", t.meta.path);
        d.push(t, src);
    }
    d
}
