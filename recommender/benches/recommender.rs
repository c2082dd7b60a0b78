//! Speed targets: training on 100,000 synthetic reports' vectors (< 10 s), a query over a
//! 100,000-track library (< 2 ms, one core: the query is single-threaded), loading a
//! 10,000-track model (< 100 ms).
//!
//! `cargo bench -p aidj-recommender`

use aidj_recommender::features::SIMILARITY_COLUMNS;
use aidj_recommender::{Dataset, Key, Model, QueryOptions, Seed, TrackFeatures, TrainOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` tracks around 40 timbre centres, with DJ-like tempi, every key, some holes.
fn synthetic(n: usize) -> Dataset {
    let mut rng = Lcg(1);
    let d = SIMILARITY_COLUMNS.len();
    let centres: Vec<Vec<f64>> = (0..40)
        .map(|_| (0..d).map(|_| rng.next()).collect())
        .collect();
    let tempi = [85.0, 100.0, 122.0, 124.0, 126.0, 128.0, 132.0, 140.0, 174.0];
    let mut data = Dataset::new();
    for i in 0..n {
        let c = &centres[(rng.next() * 40.0) as usize % 40];
        let mut t = TrackFeatures::default();
        t.meta.path = format!("/music/{i}.mp3");
        t.meta.artist = Some(format!("artist {}", i % 5000));
        t.key = Some(Key::from_index((rng.next() * 24.0) as u8));
        let bpm = tempi[(rng.next() * tempi.len() as f64) as usize % tempi.len()];
        t.set("tempo_bpm", Some(bpm + 2.0 * (rng.next() - 0.5)))
            .expect("column");
        t.set("energy", Some(rng.next())).expect("column");
        for (j, col) in SIMILARITY_COLUMNS.iter().enumerate() {
            // About 3 % missing, as in real libraries.
            let v = (rng.next() > 0.03).then(|| c[j] + 0.15 * (rng.next() - 0.5));
            t.set(col, v).expect("column");
        }
        data.push(t, "");
    }
    data
}

fn train(c: &mut Criterion) {
    let data = synthetic(100_000);
    let mut g = c.benchmark_group("train");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("100k tracks, test size 0.2", |b| {
        b.iter(|| Model::train(black_box(&data), &TrainOptions::default()).expect("train"))
    });
    g.finish();
}

fn query(c: &mut Criterion) {
    let data = synthetic(100_000);
    let opts = TrainOptions {
        test_size: 0.0,
        ..TrainOptions::default()
    };
    let model = Model::train(&data, &opts).expect("train");
    let q = QueryOptions::default();
    let mut g = c.benchmark_group("query");
    let mut i = 0usize;
    g.bench_function("100k library, 10 suggestions", |b| {
        b.iter(|| {
            i = (i + 7919) % model.len();
            model.recommend(Seed::Track(i), &q).expect("query")
        })
    });
    let wide = QueryOptions {
        bpm_window_pct: 50.0,
        count: 50,
        ..QueryOptions::default()
    };
    g.bench_function("100k library, 50 suggestions, 50% window", |b| {
        b.iter(|| {
            i = (i + 7919) % model.len();
            model.recommend(Seed::Track(i), &wide).expect("query")
        })
    });
    g.finish();
}

fn load(c: &mut Criterion) {
    let model = Model::train(&synthetic(10_000), &TrainOptions::default()).expect("train");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("model.json");
    std::fs::write(&path, model.to_json()).expect("write");
    let mut g = c.benchmark_group("load");
    g.bench_function("10k-track model from file", |b| {
        b.iter(|| Model::load(black_box(&path)).expect("load"))
    });
    g.finish();
}

criterion_group!(benches, train, query, load);
criterion_main!(benches);
