//! Round trips, the seed's report format, and bad input.

mod common;

use aidj_recommender::{
    Dataset, EnergyFlow, Error, Model, QueryOptions, Seed, TrackFeatures, TrainOptions,
    MODEL_SCHEMA_VERSION,
};
use common::{dataset, filler, Lcg};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

fn library(n: usize) -> Model {
    let mut rng = Lcg(21);
    Model::train(&dataset(filler(n, &mut rng)), &TrainOptions::default()).expect("train")
}

#[test]
fn train_save_load_query_gives_identical_results() {
    let model = library(120);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    std::fs::write(&path, model.to_json()).unwrap();
    let loaded = Model::load(&path).unwrap();
    assert_eq!(loaded.tracks, model.tracks);
    assert_eq!(loaded.medians, model.medians);
    assert_eq!(loaded.scaler, model.scaler);
    assert_eq!(loaded.clusters, model.clusters);
    let o = QueryOptions {
        count: 15,
        energy: EnergyFlow::Build,
        history: vec![3, 4],
        ..QueryOptions::default()
    };
    for seed in [0, 7, 50, 119] {
        let a = model.recommend(Seed::Track(seed), &o).unwrap();
        let b = loaded.recommend(Seed::Track(seed), &o).unwrap();
        assert!(!a.is_empty());
        assert_eq!(a, b, "seed {seed}");
        assert_eq!(
            model.chain(Seed::Track(seed), 5, &o).unwrap(),
            loaded.chain(Seed::Track(seed), 5, &o).unwrap()
        );
    }
    // Saving what was loaded writes the same file.
    assert_eq!(loaded.to_json(), model.to_json());
}

#[test]
fn training_is_reproducible_and_the_seed_matters() {
    let mut rng = Lcg(4);
    let data = dataset(filler(200, &mut rng));
    let strip = |m: &Model| m.to_json().replace(&m.trained_at, "");
    let a = Model::train(&data, &TrainOptions::default()).unwrap();
    let b = Model::train(&data, &TrainOptions::default()).unwrap();
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(
        a.clusters.k, 16,
        "k = clamp(160 / 10, 2, 25) on the training split"
    );
    assert_eq!((a.evaluation.train, a.evaluation.test), (160, 40));
    assert!(a.evaluation.heldout_mean_distance.is_some());
    assert!(a.evaluation.silhouette.is_some());
    let c = Model::train(
        &data,
        &TrainOptions {
            seed: 7,
            ..TrainOptions::default()
        },
    )
    .unwrap();
    assert_ne!(strip(&a), strip(&c));
    // No split: every track trains; the held-out figures are absent.
    for ts in [0.0, 1.0] {
        let m = Model::train(
            &data,
            &TrainOptions {
                test_size: ts,
                ..TrainOptions::default()
            },
        )
        .unwrap();
        assert_eq!((m.evaluation.train, m.evaluation.test), (200, 0));
        assert_eq!(m.evaluation.heldout_mean_distance, None);
        assert_eq!(m.clusters.k, 20);
    }
    assert!(matches!(
        Model::train(
            &data,
            &TrainOptions {
                test_size: 1.5,
                ..TrainOptions::default()
            }
        ),
        Err(Error::InvalidOption(_))
    ));
}

/// Reports as the seed's Python toolkit writes them: no schema_version, nulls, missing
/// families, keys as "C# major".
#[test]
fn seed_format_reports_with_missing_fields_train() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.json",
        r#"{"metadata": {"path": "/m/a.mp3", "title": "A", "artist": "X", "duration": 301.5},
        "analysis": {"rhythm": {"tempo_bpm_global": 128.0, "danceability_score": 0.8,
                                "groove_confidence": 0.6, "swing_analysis": {"swing_ratio": 1.1}},
                     "tonal": {"key": "C# major", "spectral_centroid": {"mean": 2100.0},
                               "spectral_flatness": {"mean": 0.1}, "dissonance_index": 0.3},
                     "dynamics": {"rms": {"mean": 0.2}, "crest_factor": 4.0, "lufs": -9.0},
                     "mood": {"valence": 0.6, "arousal": 0.7, "energy": 0.8},
                     "instrumentation": {"bass_presence": 0.5, "mid_presence": 0.3,
                                         "treble_presence": 0.2, "percussive_ratio": 0.6}}}"#,
    );
    write(
        d,
        "b.json",
        r#"{"metadata": {"path": "/m/b.mp3", "title": "B"},
        "analysis": {"rhythm": {"tempo_bpm_global": 126.0, "swing_analysis": null},
                     "tonal": {"key": "A# minor"}, "mood": {"energy": null}}}"#,
    );
    write(
        d,
        "c.json",
        r#"{"metadata": {"path": "/m/c.mp3"},
        "analysis": {"rhythm": {}, "tonal": {"key": null}, "dynamics": null}}"#,
    );
    write(
        d,
        "d.json",
        r#"{"metadata": {}, "analysis": {"rhythm": {"tempo_bpm_global": "fast"}}}"#,
    );
    std::fs::create_dir(d.join("sub")).unwrap();
    write(
        &d.join("sub"),
        "e.json",
        r#"{"metadata": {"path": "/m/e.mp3", "artist": "X"},
        "analysis": {"rhythm": {"tempo_bpm_global": 64.0}, "tonal": {"key": "G# major"},
                     "mood": {"energy": 0.7}}}"#,
    );
    // Absurd numbers count as missing rather than overflowing the scaler.
    write(
        d,
        "f.json",
        r#"{"metadata": {"path": "/m/f.mp3"},
        "analysis": {"dynamics": {"lufs": 1e300, "crest_factor": -1e308}}}"#,
    );
    let data = Dataset::from_dir(d).unwrap();
    assert_eq!(data.len(), 6, "{:?}", data.skipped);
    assert!(data.skipped.is_empty());
    let model = Model::train(&data, &TrainOptions::default()).unwrap();
    assert_eq!(model.len(), 6);
    assert!(Model::from_json(&model.to_json()).is_ok());
    let a = model.track_by_path("/m/a.mp3").unwrap();
    assert_eq!(model.tracks[a].camelot.as_deref(), Some("3B"));
    assert_eq!(model.tracks[a].duration, Some(301.5));
    // A report without a path stands for itself; its title comes from the file name.
    let dd = model.search("d.json");
    assert_eq!(dd.len(), 1);
    assert_eq!(model.tracks[dd[0]].title.as_deref(), Some("d"));
    let s = model
        .recommend(Seed::Track(a), &QueryOptions::default())
        .unwrap();
    let names: Vec<_> = s
        .iter()
        .map(|x| model.tracks[x.track].path.clone())
        .collect();
    assert!(
        names.contains(&"/m/b.mp3".to_string()),
        "126 BPM, 3A after 3B: {names:?}"
    );
    assert!(
        names.contains(&"/m/e.mp3".to_string()),
        "half time, 4B after 3B: {names:?}"
    );
}

#[test]
fn bad_input_gives_clear_errors_or_degenerate_models() {
    // An empty folder.
    let dir = tempfile::tempdir().unwrap();
    let data = Dataset::from_dir(dir.path()).unwrap();
    let e = Model::train(&data, &TrainOptions::default()).unwrap_err();
    assert!(matches!(e, Error::EmptyDataset { .. }));
    assert!(e.to_string().contains("aidj analyze"), "{e}");
    // A missing folder.
    assert!(matches!(
        Dataset::from_dir(&dir.path().join("nope")),
        Err(Error::Io { .. })
    ));
    // Only bad files: skipped and counted, then empty.
    write(dir.path(), "broken.json", "{ not json");
    write(
        dir.path(),
        "model.json",
        r#"{"format": "aidj-recommender-model"}"#,
    );
    write(dir.path(), "list.json", "[1, 2]");
    let data = Dataset::from_dir(dir.path()).unwrap();
    assert_eq!(data.skipped.len(), 3);
    assert!(data
        .skipped
        .iter()
        .any(|s| s.reason.contains("not valid JSON")));
    let e = Model::train(&data, &TrainOptions::default()).unwrap_err();
    assert!(e.to_string().contains("all 3 files were skipped"), "{e}");

    // One report: a model of one track, one cluster; queries return nothing, no panic.
    write(
        dir.path(),
        "one.json",
        r#"{"metadata": {"path": "/m/1.mp3"}, "analysis": {"rhythm": {"tempo_bpm_global": 120}}}"#,
    );
    let data = Dataset::from_dir(dir.path()).unwrap();
    let m = Model::train(&data, &TrainOptions::default()).unwrap();
    assert_eq!((m.len(), m.clusters.k, m.evaluation.test), (1, 1, 0));
    assert_eq!(m.evaluation.silhouette, None);
    assert!(m
        .recommend(Seed::Track(0), &QueryOptions::default())
        .unwrap()
        .is_empty());
    assert!(Model::from_json(&m.to_json()).is_ok());
    assert!(matches!(
        m.recommend(Seed::Track(5), &QueryOptions::default()),
        Err(Error::NoSuchTrack { index: 5, len: 1 })
    ));

    // Duplicates: the same track twice (two reports of one audio file) counts once.
    write(
        dir.path(),
        "one again.json",
        r#"{"metadata": {"path": "/m/1.mp3"}, "analysis": {}}"#,
    );
    let data = Dataset::from_dir(dir.path()).unwrap();
    assert_eq!(data.len(), 1);
    assert!(data.skipped.iter().any(|s| s.reason.contains("duplicate")));

    // Identical reports of different files, and all-null columns: a sensible model.
    let mut data = Dataset::new();
    for i in 0..30 {
        let mut t = TrackFeatures::default();
        t.meta.path = format!("/m/{i}.mp3");
        t.set("tempo_bpm", Some(120.0)).unwrap();
        data.push(t, "");
    }
    let m = Model::train(&data, &TrainOptions::default()).unwrap();
    assert_eq!(m.evaluation.empty_columns.len(), 15);
    assert_eq!(m.clusters.k, 1, "identical points make one cluster");
    assert!(m.scaler.scale.iter().all(|s| *s == 1.0));
    let s = m
        .recommend(Seed::Track(0), &QueryOptions::default())
        .unwrap();
    assert_eq!(s.len(), 10);
    assert!(s.iter().all(|x| x.score.is_finite()));
    assert!(Model::from_json(&m.to_json()).is_ok(), "no NaN in the file");
    // Bad options.
    assert!(m
        .recommend(
            Seed::Track(0),
            &QueryOptions {
                count: 0,
                ..QueryOptions::default()
            }
        )
        .is_err());
    assert!(m
        .recommend(
            Seed::Track(0),
            &QueryOptions {
                bpm_window_pct: f64::NAN,
                ..QueryOptions::default()
            }
        )
        .is_err());
}

#[test]
fn corrupt_and_other_version_models_are_refused_clearly() {
    let json = library(30).to_json();
    let newer = json.replacen(
        &format!("\"schema_version\":{MODEL_SCHEMA_VERSION}"),
        &format!("\"schema_version\":{}", MODEL_SCHEMA_VERSION + 1),
        1,
    );
    assert_ne!(newer, json);
    let e = Model::from_json(&newer).unwrap_err();
    assert!(matches!(e, Error::SchemaTooNew { .. }), "{e}");
    assert!(e.to_string().contains("update aidj"));
    // A newer model whose fields also changed shape is still named as newer.
    let reshaped = newer.replacen("\"tracks\":[", "\"library\":[", 1);
    assert!(matches!(
        Model::from_json(&reshaped),
        Err(Error::SchemaTooNew { .. })
    ));
    let older = json.replacen(
        &format!("\"schema_version\":{MODEL_SCHEMA_VERSION}"),
        "\"schema_version\":0",
        1,
    );
    let e = Model::from_json(&older).unwrap_err();
    assert!(matches!(e, Error::SchemaTooOld { .. }));
    assert!(e.to_string().contains("retrain"));

    for bad in [
        json[..json.len() / 2].to_string(),
        String::new(),
        "garbage".to_string(),
        r#"{"metadata": {}, "analysis": {}}"#.to_string(),
        json.replacen("\"aidj-recommender-model\"", "\"something-else\"", 1),
        // Lengths that disagree: one median too many.
        json.replacen("\"medians\":[", "\"medians\":[1.0,", 1),
        // A cluster index out of range.
        json.replacen("\"cluster\":0", "\"cluster\":99", 1),
    ] {
        match Model::from_json(&bad) {
            Err(Error::Corrupt { reason }) => assert!(!reason.is_empty()),
            other => panic!("expected Corrupt, got {:?}", other.map(|m| m.len())),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.json");
    std::fs::write(&p, &json[..100]).unwrap();
    assert!(matches!(Model::load(&p), Err(Error::Corrupt { .. })));
    assert!(matches!(
        Model::load(&dir.path().join("missing.json")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn a_track_is_found_by_any_name_of_its_file() {
    // The model stores absolute paths; a seed given relatively (or through a link) is the
    // same track, so it is not suggested to itself.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().canonicalize().unwrap();
    for (name, bpm) in [("a", 120.0), ("b", 121.0)] {
        std::fs::write(d.join(format!("{name}.wav")), b"").unwrap();
        let path = d.join(format!("{name}.wav"));
        write(
            &d,
            &format!("{name}.json"),
            &format!(
                r#"{{"metadata": {{"path": {:?}, "title": "{name}"}},
                "analysis": {{"rhythm": {{"tempo_bpm_global": {bpm}}}, "tonal": {{"key": "A minor"}}}}}}"#,
                path.to_string_lossy()
            ),
        );
    }
    let model = Model::train(&Dataset::from_dir(&d).unwrap(), &TrainOptions::default()).unwrap();
    let exact = d.join("a.wav").to_string_lossy().into_owned();
    let a = model.track_by_path(&exact).expect("exact path");
    let roundabout = d.join("sub/../a.wav");
    std::fs::create_dir(d.join("sub")).unwrap();
    assert_eq!(model.track_by_path(&roundabout.to_string_lossy()), Some(a));
    assert_eq!(model.track_by_path("/no/such/file.wav"), None);
}
