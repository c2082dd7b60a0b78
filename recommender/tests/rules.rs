//! DJ rules on a generated library where the right answers are known.

mod common;

use aidj_recommender::{EnergyFlow, Key, Model, QueryOptions, Seed, TrainOptions, Weights};
use common::{dataset, filler, near, track, Lcg};

fn opts() -> QueryOptions {
    QueryOptions {
        count: 40,
        ..QueryOptions::default()
    }
}

fn index(model: &Model, title: &str) -> usize {
    model
        .tracks
        .iter()
        .position(|t| t.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("{title} not in the model"))
}

fn titles(model: &Model, s: &[aidj_recommender::Suggestion]) -> Vec<String> {
    s.iter()
        .map(|x| model.tracks[x.track].title.clone().unwrap_or_default())
        .collect()
}

/// Seed at 128 BPM in A minor (8A); harmonic/tempo neighbours with a different timbre;
/// timbral twins in clashing keys or at a far tempo; and random filler.
fn library() -> Model {
    let mut rng = Lcg(11);
    let t0 = rng.timbre();
    let mut tracks = vec![track("seed", "Seed Artist", 128.0, "A minor", 0.6, &t0)];
    for (i, key) in ["A minor", "E minor", "D minor", "C major"]
        .iter()
        .enumerate()
    {
        let bpm = 127.0 + 0.8 * i as f64;
        let tim = near(&t0, 0.8, &mut rng);
        tracks.push(track(
            &format!("neighbour {key}"),
            &format!("N{i}"),
            bpm,
            key,
            0.62,
            &tim,
        ));
    }
    // 8A -> 2A, 11A, 1B, 5B: all clashes on the wheel.
    for (i, key) in ["D# minor", "F# minor", "B major", "D# major"]
        .iter()
        .enumerate()
    {
        let tim = near(&t0, 0.02, &mut rng);
        tracks.push(track(
            &format!("clash {key}"),
            &format!("C{i}"),
            128.0,
            key,
            0.6,
            &tim,
        ));
    }
    for (i, bpm) in [100.0, 150.0, 175.0].iter().enumerate() {
        let tim = near(&t0, 0.02, &mut rng);
        tracks.push(track(
            &format!("far {bpm}"),
            &format!("F{i}"),
            *bpm,
            "A minor",
            0.6,
            &tim,
        ));
    }
    tracks.push(track("half time", "H", 64.5, "A minor", 0.6, &rng.timbre()));
    tracks.push(track("dnb seed", "D", 87.0, "C major", 0.5, &rng.timbre()));
    tracks.push(track(
        "dnb double",
        "DD",
        174.5,
        "C major",
        0.5,
        &rng.timbre(),
    ));
    tracks.extend(filler(80, &mut rng));
    Model::train(&dataset(tracks), &TrainOptions::default()).expect("train")
}

#[test]
fn harmonic_tempo_neighbours_beat_timbral_twins_in_a_clashing_key_or_far_tempo() {
    let model = library();
    let seed = index(&model, "seed");
    let s = model.recommend(Seed::Track(seed), &opts()).unwrap();
    let names = titles(&model, &s);
    let pos = |t: &str| names.iter().position(|x| x == t);
    let worst_neighbour = ["A minor", "E minor", "D minor", "C major"]
        .iter()
        .map(|k| pos(&format!("neighbour {k}")).unwrap_or_else(|| panic!("{k} missing: {names:?}")))
        .max()
        .unwrap();
    for k in ["D# minor", "F# minor", "B major", "D# major"] {
        // Clashing twins may be listed (non-strict), but below every harmonic neighbour.
        if let Some(p) = pos(&format!("clash {k}")) {
            assert!(
                p > worst_neighbour,
                "clash {k} at {p}, neighbour at {worst_neighbour}: {names:?}"
            );
        }
    }
    for bpm in [100, 150, 175] {
        assert!(
            pos(&format!("far {bpm}")).is_none(),
            "far tempo {bpm} listed: {names:?}"
        );
    }
    assert!(
        !names.contains(&"seed".to_string()),
        "the seed never suggests itself"
    );
    // The twin in the same key is the best of all: same key, same tempo... it is a neighbour.
    assert_eq!(names[0], "neighbour A minor", "{names:?}");
    // Reasons in words and numbers.
    let r = &s[0].reasons;
    assert_eq!(r.key_from.as_deref(), Some("8A"));
    assert_eq!(r.key_to.as_deref(), Some("8A"));
    let text = r.text();
    assert!(
        text.starts_with("8A -> 8A (same), -0.8% BPM, energy +0.02, similarity "),
        "{text}"
    );
}

#[test]
fn half_and_double_time_partners_are_found() {
    let model = library();
    let seed = index(&model, "seed");
    let s = model.recommend(Seed::Track(seed), &opts()).unwrap();
    let half = s
        .iter()
        .find(|x| model.tracks[x.track].title.as_deref() == Some("half time"))
        .expect("64.5 BPM partner of a 128 BPM seed");
    assert_eq!(half.reasons.tempo_multiplier, 2.0);
    assert!(half.reasons.text().contains("(half time)"));
    assert!((half.reasons.bpm_change_pct.unwrap() - 0.78125).abs() < 1e-9);

    let dnb = index(&model, "dnb seed");
    let s = model.recommend(Seed::Track(dnb), &opts()).unwrap();
    let double = s
        .iter()
        .find(|x| model.tracks[x.track].title.as_deref() == Some("dnb double"))
        .expect("174.5 BPM partner of an 87 BPM seed");
    assert_eq!(double.reasons.tempo_multiplier, 0.5);
    assert!(double.reasons.text().contains("(double time)"));

    // Without half/double, neither is found.
    let straight = QueryOptions {
        half_double: false,
        ..opts()
    };
    let s = model.recommend(Seed::Track(seed), &straight).unwrap();
    assert!(!titles(&model, &s).contains(&"half time".to_string()));
}

#[test]
fn strict_key_never_returns_an_incompatible_key() {
    let model = library();
    let mut loose_clashes = 0;
    for seed in 0..model.len() {
        let strict = QueryOptions {
            strict_key: true,
            bpm_window_pct: 8.0,
            ..opts()
        };
        let seed_key = Key::parse(model.tracks[seed].key.as_deref().unwrap()).unwrap();
        let seed_bpm = model.tracks[seed].bpm.unwrap();
        for s in model.recommend(Seed::Track(seed), &strict).unwrap() {
            let t = &model.tracks[s.track];
            // Recompute the heard key independently: played at the seed's tempo, no keylock.
            let rate = seed_bpm / (t.bpm.unwrap() * s.reasons.tempo_multiplier);
            let heard = Key::parse(t.key.as_deref().unwrap()).unwrap().pitched(rate);
            assert!(
                seed_key.compatibility(heard).is_harmonic(),
                "{} -> {} ({})",
                seed_key,
                heard,
                s.reasons.text()
            );
        }
        let loose = QueryOptions {
            bpm_window_pct: 8.0,
            ..opts()
        };
        loose_clashes += model
            .recommend(Seed::Track(seed), &loose)
            .unwrap()
            .iter()
            .filter(|s| s.reasons.key_move.as_deref() == Some("clash"))
            .count();
    }
    assert!(
        loose_clashes > 0,
        "the loose mode does list clashes, so the filter is doing work"
    );
}

#[test]
fn pitched_key_without_keylock_and_own_key_with_it() {
    let mut rng = Lcg(5);
    let t0 = rng.timbre();
    let mut tracks = vec![track("seed", "S", 120.0, "A minor", 0.5, &t0)];
    // A# minor at 127 BPM, slowed to 120 (rate 0.945, -0.98 st) is heard as A minor.
    tracks.push(track(
        "a sharp",
        "X",
        127.0,
        "A# minor",
        0.5,
        &near(&t0, 0.3, &mut rng),
    ));
    tracks.extend(filler(30, &mut rng));
    let model = Model::train(&dataset(tracks), &TrainOptions::default()).unwrap();
    let seed = index(&model, "seed");
    let find = |o: &QueryOptions| {
        model
            .recommend(Seed::Track(seed), o)
            .unwrap()
            .into_iter()
            .find(|s| model.tracks[s.track].title.as_deref() == Some("a sharp"))
    };
    let pitched = find(&opts()).expect("listed");
    assert_eq!(pitched.reasons.pitch_semitones, -1);
    assert_eq!(pitched.reasons.key_to.as_deref(), Some("8A"));
    assert_eq!(pitched.reasons.key_original.as_deref(), Some("3A"));
    assert_eq!(pitched.reasons.key_move.as_deref(), Some("same"));
    assert!(
        pitched.reasons.text().contains("3A pitched -1 st"),
        "{}",
        pitched.reasons.text()
    );
    let locked = find(&QueryOptions {
        keylock: true,
        ..opts()
    })
    .expect("listed");
    // With keylock it stays A# minor: a semitone up, the "energy boost" move, not harmonic.
    assert_eq!(locked.reasons.key_move.as_deref(), Some("energy boost"));
    assert!(find(&QueryOptions {
        keylock: true,
        strict_key: true,
        ..opts()
    })
    .is_none());
}

#[test]
fn energy_flow_build_and_drop_pick_the_right_direction() {
    let mut rng = Lcg(9);
    let t0 = rng.timbre();
    let tim = near(&t0, 0.1, &mut rng);
    let tracks = vec![
        track("seed", "S", 124.0, "C major", 0.5, &t0),
        track("lower", "L", 124.0, "C major", 0.35, &tim),
        track("same", "M", 124.0, "C major", 0.5, &tim),
        track("higher", "H", 124.0, "C major", 0.6, &tim),
        track("other", "O", 90.0, "C major", 0.5, &rng.timbre()),
    ];
    let model = Model::train(&dataset(tracks), &TrainOptions::default()).unwrap();
    let seed = index(&model, "seed");
    let first = |e: EnergyFlow| {
        let s = model
            .recommend(
                Seed::Track(seed),
                &QueryOptions {
                    energy: e,
                    ..opts()
                },
            )
            .unwrap();
        model.tracks[s[0].track].title.clone().unwrap()
    };
    assert_eq!(first(EnergyFlow::Hold), "same");
    assert_eq!(first(EnergyFlow::Build), "higher");
    assert_eq!(first(EnergyFlow::Drop), "lower");
}

#[test]
fn history_is_never_repeated_and_artists_spread() {
    let mut rng = Lcg(3);
    let t0 = rng.timbre();
    let twin = near(&t0, 0.05, &mut rng);
    let tracks = vec![
        track("seed", "Same Artist", 124.0, "C major", 0.5, &t0),
        track(
            "by same artist",
            "Same Artist",
            124.0,
            "C major",
            0.5,
            &twin,
        ),
        track(
            "by someone else",
            "Other",
            124.0,
            "C major",
            0.5,
            &near(&t0, 0.3, &mut rng),
        ),
        track("played", "P", 124.0, "C major", 0.5, &twin),
        track("far", "F", 80.0, "C major", 0.5, &rng.timbre()),
    ];
    let model = Model::train(&dataset(tracks), &TrainOptions::default()).unwrap();
    let seed = index(&model, "seed");
    let played = index(&model, "played");
    let no_variety = QueryOptions {
        weights: Weights {
            artist_repeat: 0.0,
            ..Weights::default()
        },
        ..opts()
    };
    let s = model.recommend(Seed::Track(seed), &no_variety).unwrap();
    assert_eq!(
        model.tracks[s[0].track].title.as_deref(),
        Some("by same artist"),
        "twin is closest"
    );
    let o = QueryOptions {
        history: vec![played],
        ..opts()
    };
    let s = model.recommend(Seed::Track(seed), &o).unwrap();
    let names = titles(&model, &s);
    assert!(!names.contains(&"played".to_string()));
    assert_eq!(names[0], "by someone else", "artist variety: {names:?}");
    assert!(s[1].reasons.repeats_artist);
}

#[test]
fn chain_walks_a_set_without_repeats() {
    let model = library();
    let seed = index(&model, "seed");
    let set = model.chain(Seed::Track(seed), 8, &opts()).unwrap();
    assert!(set.len() >= 4, "{}", set.len());
    let mut ids: Vec<usize> = set.iter().map(|s| s.track).collect();
    ids.push(seed);
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "no track twice, seed included");
    // Each step is within the tempo window of the previous one.
    let mut prev = model.tracks[seed].bpm.unwrap();
    for s in &set {
        let b = model.tracks[s.track].bpm.unwrap() * s.reasons.tempo_multiplier;
        assert!(((b / prev) - 1.0).abs() <= 0.06 + 1e-9, "{prev} -> {b}");
        prev = model.tracks[s.track].bpm.unwrap();
    }
}

#[test]
fn query_from_live_features_matches_the_library_track() {
    let mut rng = Lcg(11);
    let t0 = rng.timbre();
    let mut tracks = vec![track("seed", "Seed Artist", 128.0, "A minor", 0.6, &t0)];
    tracks.extend(filler(40, &mut rng));
    let model = Model::train(&dataset(tracks.clone()), &TrainOptions::default()).unwrap();
    let by_track = model.recommend(Seed::Track(0), &opts()).unwrap();
    let by_features = model
        .recommend(Seed::Features(&tracks[0]), &opts())
        .unwrap();
    let ids = |v: &[aidj_recommender::Suggestion]| v.iter().map(|s| s.track).collect::<Vec<_>>();
    assert_eq!(ids(&by_track), ids(&by_features));
    // A live vector without a path (the plugin's) is not excluded from anything.
    let mut live = tracks[0].clone();
    live.meta.path.clear();
    let s = model.recommend(Seed::Features(&live), &opts()).unwrap();
    assert_eq!(s[0].track, 0, "the identical library track comes first");
    assert!(s[0].reasons.similarity > 0.999);
}

#[test]
fn the_bounded_pool_keeps_exactly_the_best() {
    let mut rng = Lcg(17);
    let model = Model::train(&dataset(filler(400, &mut rng)), &TrainOptions::default()).unwrap();
    let plain = Weights {
        artist_repeat: 0.0,
        cluster_repeat: 0.0,
        ..Weights::default()
    };
    for seed in [0, 99, 250] {
        let o = |count| QueryOptions {
            count,
            bpm_window_pct: 30.0,
            weights: plain,
            ..QueryOptions::default()
        };
        let all = model.recommend(Seed::Track(seed), &o(300)).unwrap();
        assert!(all.len() > 100, "{}", all.len());
        assert!(
            all.windows(2).all(|w| w[0].score >= w[1].score),
            "sorted best first"
        );
        let few = model.recommend(Seed::Track(seed), &o(3)).unwrap();
        assert_eq!(few, all[..3].to_vec());
    }
}

#[test]
fn unknown_tempo_is_neutral_not_excluded() {
    let mut rng = Lcg(23);
    let t0 = rng.timbre();
    let mut tracks = vec![
        track("seed", "S", 126.0, "A minor", 0.5, &t0),
        track(
            "no bpm",
            "U",
            1.0,
            "A minor",
            0.5,
            &near(&t0, 0.2, &mut rng),
        ),
        track(
            "in window",
            "W",
            127.0,
            "A minor",
            0.5,
            &near(&t0, 0.2, &mut rng),
        ),
        track(
            "out of window",
            "O",
            150.0,
            "A minor",
            0.5,
            &near(&t0, 0.2, &mut rng),
        ),
    ];
    tracks[1].set("tempo_bpm", None).unwrap();
    let mut unknown_seed = tracks[0].clone();
    unknown_seed.set("tempo_bpm", None).unwrap();
    unknown_seed.meta.path = "/elsewhere/seed.mp3".into();
    tracks.extend(filler(20, &mut rng));
    let model = Model::train(&dataset(tracks), &TrainOptions::default()).unwrap();
    let seed = index(&model, "seed");
    let s = model.recommend(Seed::Track(seed), &opts()).unwrap();
    let names = titles(&model, &s);
    assert!(names.contains(&"no bpm".to_string()), "{names:?}");
    assert!(names.contains(&"in window".to_string()));
    assert!(!names.contains(&"out of window".to_string()));
    let nb = s
        .iter()
        .find(|x| model.tracks[x.track].title.as_deref() == Some("no bpm"))
        .unwrap();
    assert_eq!(nb.parts.tempo, 0.5);
    assert!(nb.reasons.text().contains("BPM unknown"));
    // A seed without a tempo: every tempo is a candidate, scored neutrally.
    let s = model
        .recommend(Seed::Features(&unknown_seed), &opts())
        .unwrap();
    let names = titles(&model, &s);
    assert!(names.contains(&"out of window".to_string()), "{names:?}");
    assert!(
        names.contains(&"seed".to_string()),
        "a different file with the seed's sound"
    );
    assert!(s.iter().all(|x| x.parts.tempo == 0.5));
}

#[test]
fn duration_bounds_leave_out_intros_and_mixes_and_unsure_seeds_weigh_less() {
    let mut model = library();
    let seed = index(&model, "seed");
    let all = model.recommend(Seed::Track(seed), &opts()).expect("query");
    assert!(all.len() >= 4);
    // Give the first two suggestions an intro's and a mix's length.
    let (short, long) = (all[0].track, all[1].track);
    model.tracks[short].duration = Some(30.0);
    model.tracks[long].duration = Some(3600.0);
    let bounded = QueryOptions {
        min_duration_secs: Some(60.0),
        max_duration_secs: Some(1200.0),
        ..opts()
    };
    let picks = model.recommend(Seed::Track(seed), &bounded).expect("query");
    assert!(picks.iter().all(|p| p.track != short && p.track != long));
    // Unknown lengths stay in.
    assert!(
        picks
            .iter()
            .any(|p| model.tracks[p.track].duration.is_none())
            || picks.len() == all.len() - 2
    );
    // A seed whose key is unsure: the key part counts for nothing, the rest as before.
    let unsure = QueryOptions {
        seed_key_confidence: 0.0,
        ..opts()
    };
    let u = model.recommend(Seed::Track(seed), &unsure).expect("query");
    let w = Weights::default();
    for s in &u {
        let expected =
            w.similarity * s.parts.similarity + w.tempo * s.parts.tempo + w.energy * s.parts.energy
                - s.parts.variety_penalty;
        assert!(
            (s.score - expected).abs() < 1e-9,
            "{} vs {expected}",
            s.score
        );
    }
}

#[test]
fn an_unsure_key_counts_less_than_a_sure_one() {
    let mut rng = Lcg(23);
    let t0 = rng.timbre();
    let tim = near(&t0, 0.1, &mut rng);
    let mut tracks = vec![track("seed", "S", 128.0, "A minor", 0.6, &t0)];
    // The same tempo, key, energy and timbre; only the analyser's confidence in the key
    // differs (the unsure one is listed first, so input order cannot explain the ranking).
    for (name, conf) in [("unsure", 0.05), ("sure", 0.9), ("no confidence", f64::NAN)] {
        let mut t = track(name, name, 128.0, "A minor", 0.6, &tim);
        t.key_confidence = conf.is_finite().then_some(conf);
        tracks.push(t);
    }
    tracks.extend(filler(40, &mut rng));
    let model = Model::train(&dataset(tracks), &TrainOptions::default()).expect("train");
    let s = model
        .recommend(Seed::Track(index(&model, "seed")), &opts())
        .unwrap();
    let rank = |title: &str| {
        titles(&model, &s)
            .iter()
            .position(|t| t == title)
            .unwrap_or_else(|| panic!("{title} not suggested"))
    };
    assert!(rank("sure") < rank("unsure"), "{:?}", titles(&model, &s));
    let part = |title: &str| s[rank(title)].parts.key;
    assert_eq!(part("sure"), 1.0);
    assert_eq!(part("no confidence"), 1.0);
    // Trust 0.5 + 0.5 * 0.05 / 0.5 = 0.55: the same key scores 0.5 + 0.5 * 0.55.
    assert!((part("unsure") - 0.775).abs() < 1e-9, "{}", part("unsure"));
    // The confidence survives the model file.
    let back = Model::from_json(&model.to_json()).expect("round trip");
    let unsure = index(&back, "unsure");
    assert_eq!(back.tracks[unsure].key_confidence, Some(0.05));
}
