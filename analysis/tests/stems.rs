//! Stem summaries (`analysis.stems`). The report field and the "no `onnx` feature" error are
//! tested in every build; the separator only with `--features onnx`, on tiny ONNX graphs
//! written here (constant masks), whose per-stem sums on generated sines are known in
//! closed form.

use aidj_analysis::report::{Report, Stem, Stems};
use aidj_analysis::{AnalysisConfig, Analyzer, Error};

#[test]
fn reports_without_stems_have_no_field_and_reports_with_them_round_trip() {
    let analysis = serde_json::to_string(&Report::default().analysis).expect("json");
    assert!(!analysis.contains("\"stems\""), "{analysis}");
    let mut r = Report::default();
    r.analysis.stems = Some(Stems {
        model: "m".into(),
        windows: 2,
        window_secs: 1.0,
        hop_secs: 1.0,
        stems: vec![Stem {
            name: "vocals".into(),
            rms: 0.1,
            rms_db: Some(-20.0),
            energy_share: Some(1.0),
            spectral_centroid_hz: Some(440.0),
        }],
    });
    let back = Report::from_json(&r.to_json()).expect("parse");
    assert_eq!(back.analysis.stems, r.analysis.stems);
}

#[cfg(not(feature = "onnx"))]
#[test]
fn a_configured_stem_model_without_the_feature_is_a_clear_error() {
    let config = AnalysisConfig {
        stem_model: Some("sep.onnx".into()),
        ..AnalysisConfig::default()
    };
    let err = Analyzer::new(44_100, 2, config).err().expect("error");
    assert!(matches!(err, Error::Model { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("sep.onnx") && msg.contains("built without the `onnx` feature"));
}

#[cfg(feature = "onnx")]
#[path = "common/onnx_graph.rs"]
mod onnx_graph;

#[cfg(feature = "onnx")]
mod onnx {
    use super::*;
    use aidj_analysis::stems::{StemModel, StemRunner};
    use prost::Message;
    use std::f64::consts::PI;
    use std::path::{Path, PathBuf};
    use tract_onnx::pb;

    use super::onnx_graph::*;

    /// `x: [1, bins, frames]` -> `masks = x * 0 + m`, broadcast to `[1, S, bins, frames]`;
    /// `m` is `[1, S, m_bins, 1]` (`m_bins` is `bins` or 1), row-major.
    fn mask_model(bins: usize, frames: usize, stems: usize, m_bins: usize, m: Vec<f32>) -> Vec<u8> {
        let graph = pb::GraphProto {
            name: "constant_masks".into(),
            node: vec![
                node("Mul", &["x", "zero"], &["zeros"], vec![]),
                node("Add", &["zeros", "m"], &["masks"], vec![]),
            ],
            initializer: vec![
                initializer("zero", &[1], vec![0.0]),
                initializer("m", &[1, stems as i64, m_bins as i64, 1], m),
            ],
            input: vec![value_info("x", Some(&[1, bins as i64, frames as i64]))],
            output: vec![value_info("masks", None)],
            ..Default::default()
        };
        pb::ModelProto {
            ir_version: 7,
            opset_import: vec![pb::OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            }],
            producer_name: "aidj-analysis tests".into(),
            graph: Some(graph),
            ..Default::default()
        }
        .encode_to_vec()
    }

    fn write_model(dir: &Path, stem: &str, bytes: &[u8], sidecar: &str) -> PathBuf {
        let onnx = dir.join(format!("{stem}.onnx"));
        std::fs::write(&onnx, bytes).expect("write model");
        std::fs::write(dir.join(format!("{stem}.json")), sidecar).expect("write sidecar");
        onnx
    }

    const BINS: usize = 257; // n_fft 512
    const FRAMES: usize = 50;

    fn sidecar(stems: &[&str]) -> String {
        let names: Vec<String> = stems.iter().map(|s| format!("{s:?}")).collect();
        format!(
            r#"{{"name": "sep", "kind": "stems", "stems": [{}], "sample_rate": 16000,
                "n_fft": 512, "stft_hop": 256, "patch_frames": {FRAMES}}}"#,
            names.join(", ")
        )
    }

    /// Analyses `secs` of `f(t)` at 16 kHz mono, pushed in odd blocks.
    fn analyse(model: &Path, secs: f64, f: impl Fn(f64) -> f64) -> (Option<Stems>, Vec<String>) {
        let config = AnalysisConfig {
            stem_model: Some(model.to_path_buf()),
            ..AnalysisConfig::default()
        };
        let rate = 16_000;
        let mut a = Analyzer::new(rate, 1, config).expect("analyzer");
        let n = (secs * f64::from(rate)).round() as usize;
        let x: Vec<f32> = (0..n)
            .map(|i| f(i as f64 / f64::from(rate)) as f32)
            .collect();
        for block in x.chunks(1237) {
            a.push(&[block]);
        }
        let (analysis, warnings, _) = a.finish();
        (analysis.stems, warnings)
    }

    fn close(got: f64, want: f64, tol: f64, what: &str) {
        assert!(
            (got - want).abs() <= tol,
            "{what}: {got} vs {want} (tol {tol})"
        );
    }

    #[test]
    fn the_runner_can_move_to_an_analysis_thread() {
        fn is_send<T: Send>() {}
        is_send::<StemRunner>();
    }

    #[test]
    fn quarter_masks_split_a_sine_in_four_equal_stems() {
        let dir = tempfile::tempdir().expect("tempdir");
        let names = ["vocals", "drums", "bass", "other"];
        let bytes = mask_model(BINS, FRAMES, 4, 1, vec![0.25; 4]);
        let model = write_model(dir.path(), "sep", &bytes, &sidecar(&names));
        // 1 kHz sits on bin 32 of a 512-point FFT at 16 kHz (bins 31..=33 hold it).
        let amp = 0.5;
        let (stems, warnings) = analyse(&model, 3.0, |t| amp * (2.0 * PI * 1000.0 * t).sin());
        let stems = stems.expect("stems");
        assert!(warnings.iter().all(|w| !w.contains("stem")), "{warnings:?}");
        assert_eq!(stems.model, "sep");
        // ceil(48 000 / 256) = 188 frames: floor((188 - 50) / 50) + 1 = 3 windows.
        assert_eq!(stems.windows, 3);
        close(stems.window_secs, 0.8, 1e-12, "window_secs");
        assert_eq!(stems.stems.len(), 4);
        // Each stem holds a quarter of the energy: rms = sqrt(1/4) * amp / sqrt(2).
        let want_rms = 0.5 * amp / 2f64.sqrt();
        for (s, name) in stems.stems.iter().zip(names) {
            assert_eq!(s.name, name);
            close(s.energy_share.expect("share"), 0.25, 1e-6, "share");
            close(s.rms, want_rms, want_rms * 0.01, "rms");
            close(
                s.rms_db.expect("db"),
                20.0 * want_rms.log10(),
                0.1,
                "rms_db",
            );
            close(
                s.spectral_centroid_hz.expect("centroid"),
                1000.0,
                5.0,
                "centroid",
            );
        }
    }

    #[test]
    fn binary_masks_split_two_sines_by_frequency() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Stem "low" takes bins 0..=100 (up to 3 125 Hz), "high" the rest.
        let cutoff = 100;
        let mut m = vec![0.0f32; 2 * BINS];
        for f in 0..BINS {
            m[if f <= cutoff { f } else { BINS + f }] = 1.0;
        }
        let bytes = mask_model(BINS, FRAMES, 2, BINS, m);
        let model = write_model(dir.path(), "split", &bytes, &sidecar(&["low", "high"]));
        // 1 kHz (bin 32) and 5 kHz (bin 160), both on bin centres.
        let (a1, a2) = (0.4, 0.2);
        let (stems, _) = analyse(&model, 3.0, |t| {
            a1 * (2.0 * PI * 1000.0 * t).sin() + a2 * (2.0 * PI * 5000.0 * t).sin()
        });
        let stems = stems.expect("stems");
        let (low, high) = (&stems.stems[0], &stems.stems[1]);
        let share = a1 * a1 / (a1 * a1 + a2 * a2);
        close(low.energy_share.expect("share"), share, 1e-3, "low share");
        close(
            high.energy_share.expect("share"),
            1.0 - share,
            1e-3,
            "high share",
        );
        close(low.rms, a1 / 2f64.sqrt(), 0.01 * a1, "low rms");
        close(high.rms, a2 / 2f64.sqrt(), 0.01 * a2, "high rms");
        close(
            low.spectral_centroid_hz.expect("c"),
            1000.0,
            5.0,
            "low centroid",
        );
        close(
            high.spectral_centroid_hz.expect("c"),
            5000.0,
            5.0,
            "high centroid",
        );
        // Masks of all ones would give the mono RMS: the stems' energies add up to it.
        let total = (low.rms.powi(2) + high.rms.powi(2)).sqrt();
        close(
            total,
            ((a1 * a1 + a2 * a2) / 2.0).sqrt(),
            0.01 * a1,
            "total rms",
        );
    }

    #[test]
    fn silence_gives_zero_rms_and_null_shares() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes = mask_model(BINS, FRAMES, 2, 1, vec![0.5; 2]);
        let model = write_model(dir.path(), "sep", &bytes, &sidecar(&["a", "b"]));
        // Shorter than one window: runs once, padded.
        let (stems, _) = analyse(&model, 0.5, |_| 0.0);
        let stems = stems.expect("stems");
        assert_eq!(stems.windows, 1);
        for s in &stems.stems {
            assert_eq!(s.rms, 0.0);
            assert!(s.rms_db.is_none() && s.energy_share.is_none());
            assert!(s.spectral_centroid_hz.is_none());
        }
    }

    fn expect_model_err(err: Error, file: &str, words: &[&str]) {
        let msg = err.to_string();
        match &err {
            Error::Model { path, .. } => assert!(path.ends_with(file), "{msg}"),
            _ => panic!("not Error::Model: {msg}"),
        }
        for w in words {
            assert!(msg.contains(w), "{msg:?} lacks {w:?}");
        }
    }

    #[test]
    fn masks_that_do_not_match_the_listed_stems_are_a_clear_error_naming_the_sidecar() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The model gives 4 masks; the sidecar lists 3 stems.
        let bytes = mask_model(BINS, FRAMES, 4, 1, vec![0.25; 4]);
        let model = write_model(dir.path(), "three", &bytes, &sidecar(&["a", "b", "c"]));
        let err = StemModel::load(&model).expect_err("error");
        expect_model_err(
            err,
            "three.json",
            &["three.json", "4 masks", "lists 3 stems"],
        );
        // And through the analyser.
        let config = AnalysisConfig {
            stem_model: Some(model),
            ..AnalysisConfig::default()
        };
        let err = Analyzer::new(16_000, 1, config).err().expect("error");
        expect_model_err(err, "three.json", &["lists 3 stems"]);
    }

    #[test]
    fn bad_stem_sidecars_are_clear_errors_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes = mask_model(BINS, FRAMES, 2, 1, vec![0.5; 2]);
        let cases = [
            (
                r#"{"name": "m", "input": "waveform", "sample_rate": 16000, "window_secs": 1}"#,
                "unknown field `input`",
            ),
            (
                r#"{"name": "m", "kind": "embedding", "stems": ["a"], "sample_rate": 16000, "n_fft": 512, "stft_hop": 256, "patch_frames": 50}"#,
                "`kind` must be \"stems\"",
            ),
            (
                r#"{"name": "m", "kind": "stems", "stems": [], "sample_rate": 16000, "n_fft": 512, "stft_hop": 256, "patch_frames": 50}"#,
                "`stems` lists 0 names",
            ),
            (
                r#"{"name": "m", "kind": "stems", "stems": ["a", "a"], "sample_rate": 16000, "n_fft": 512, "stft_hop": 256, "patch_frames": 50}"#,
                "twice",
            ),
            (
                r#"{"name": "m", "kind": "stems", "stems": ["a"], "sample_rate": 16000, "n_fft": 512, "stft_hop": 256}"#,
                "`patch_frames` or `window_secs`",
            ),
            (
                r#"{"name": "m", "kind": "stems", "stems": ["a"], "sample_rate": 16000, "n_fft": 512, "stft_hop": 256, "patch_frames": 50, "bins": 300}"#,
                "`bins` 300",
            ),
            (
                r#"{"name": "m", "kind": "stems", "stems": ["a"], "sample_rate": 16000, "n_fft": 512, "stft_hop": 256, "patch_frames": 50, "n_mels": 4}"#,
                "unknown field `n_mels`",
            ),
        ];
        for (i, (json, words)) in cases.iter().enumerate() {
            let p = write_model(dir.path(), &format!("case{i}"), &bytes, json);
            let file = format!("case{i}.json");
            let err = StemModel::load(&p).expect_err("error");
            expect_model_err(err, &file, &[&file, "invalid sidecar", words]);
        }
        // A stem sidecar given as an embedding model is refused too.
        let p = write_model(dir.path(), "sep", &bytes, &sidecar(&["a", "b"]));
        let err = aidj_analysis::embeddings::EmbeddingModel::load(&p).expect_err("error");
        expect_model_err(err, "sep.json", &["stem separator"]);
    }

    #[test]
    fn analyze_file_records_that_stems_ran() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes = mask_model(BINS, FRAMES, 2, 1, vec![0.5; 2]);
        let model = write_model(dir.path(), "sep", &bytes, &sidecar(&["a", "b"]));
        let wav = dir.path().join("tone.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&wav, spec).expect("wav");
        for i in 0..32_000 {
            w.write_sample(0.3 * (2.0 * PI * 1000.0 * f64::from(i) / 16_000.0).sin() as f32)
                .expect("sample");
        }
        w.finalize().expect("finalize");
        // Preloaded, as `aidj analyze --stem-model` does.
        let config = AnalysisConfig {
            stem_preloaded: aidj_analysis::PreloadedStemModel::new(
                StemModel::load(&model).expect("model"),
            ),
            ..AnalysisConfig::default()
        };
        let fa = aidj_analysis::analyze_file(&wav, &config).expect("analysis");
        assert!(fa.report.analyzer.optional.stems);
        assert!(!fa.report.analyzer.optional.embeddings);
        let stems = fa.report.analysis.stems.as_ref().expect("stems");
        close(
            stems.stems[0].energy_share.expect("share"),
            0.5,
            1e-6,
            "share",
        );
        let back = Report::from_json(&fa.report.to_json()).expect("parse");
        assert_eq!(back.analysis.stems.as_ref(), Some(stems));
    }
}
