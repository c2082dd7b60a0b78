//! Learned embeddings (`analysis.embeddings`). The report field and the "no `onnx` feature"
//! error are tested in every build; the model runner only with `--features onnx`, on tiny
//! ONNX graphs written here with tract's protobuf types (no downloaded files), whose
//! output on generated audio is known in closed form.

use aidj_analysis::report::{Embeddings, Report};
use aidj_analysis::{AnalysisConfig, Analyzer, Error};

#[test]
fn reports_without_embeddings_have_no_field_and_reports_with_them_parse() {
    let analysis = serde_json::to_string(&Report::default().analysis).expect("json");
    assert!(!analysis.contains("\"embeddings\""), "{analysis}");
    let json = r#"{"analysis": {"embeddings": {"model": "m", "dim": 2, "windows": 3,
        "window_secs": 1.0, "hop_secs": 0.5, "frames_hop_secs": 0.5,
        "mean": [0.5, 1.0], "frames": [[0.5, 1.0]]}}}"#;
    let parsed = Report::from_json(json).expect("parses");
    let e = parsed.analysis.embeddings.expect("embeddings");
    assert_eq!((e.dim, e.windows, e.mean.len()), (2, 3, 2));
    // And it round-trips.
    let again = Report::from_json(&parsed_with(e.clone()).to_json()).expect("round trip");
    assert_eq!(again.analysis.embeddings, Some(e));
}

fn parsed_with(e: Embeddings) -> Report {
    let mut r = Report::default();
    r.analysis.embeddings = Some(e);
    r
}

#[cfg(not(feature = "onnx"))]
#[test]
fn a_configured_model_without_the_feature_is_a_clear_error() {
    let config = AnalysisConfig {
        embedding_model: Some("model.onnx".into()),
        ..AnalysisConfig::default()
    };
    let err = Analyzer::new(44_100, 2, config).err().expect("error");
    assert!(matches!(err, Error::Model { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("model.onnx") && msg.contains("built without the `onnx` feature"));
}

#[cfg(feature = "onnx")]
#[path = "common/onnx_graph.rs"]
mod onnx_graph;

#[cfg(feature = "onnx")]
mod onnx {
    use super::*;
    use aidj_analysis::embeddings::{mel_filterbank, EmbeddingRunner, ModelSpec};
    use prost::Message;
    use std::f64::consts::PI;
    use std::path::Path;
    use tract_onnx::pb;

    use super::onnx_graph::*;

    fn ints_attr(name: &str, ints: &[i64]) -> pb::AttributeProto {
        pb::AttributeProto {
            name: name.into(),
            r#type: pb::attribute_proto::AttributeType::Ints as i32,
            ints: ints.to_vec(),
            ..Default::default()
        }
    }

    fn model_bytes(graph: pb::GraphProto) -> Vec<u8> {
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

    /// `x: [1, n]` -> outputs `first: [1, 1]` = mean(x) and
    /// `embedding: [1, 2]` = [mean(x), mean(x^2)].
    fn waveform_model(n: usize) -> Vec<u8> {
        let w = vec![1.0 / n as f32; n];
        let graph = pb::GraphProto {
            name: "waveform_moments".into(),
            node: vec![
                node("MatMul", &["x", "w"], &["first"], vec![]),
                node("Mul", &["x", "x"], &["sq"], vec![]),
                node("MatMul", &["sq", "w"], &["second"], vec![]),
                node(
                    "Concat",
                    &["first", "second"],
                    &["embedding"],
                    vec![int_attr("axis", 1)],
                ),
            ],
            initializer: vec![initializer("w", &[n as i64, 1], w)],
            input: vec![value_info("x", Some(&[1, n as i64]))],
            output: vec![value_info("first", None), value_info("embedding", None)],
            ..Default::default()
        };
        model_bytes(graph)
    }

    /// `x: [1, frames, mels]` -> `frame_means: [1, frames]`, each frame's mean log-mel.
    fn mel_mean_model(frames: usize, mels: usize) -> Vec<u8> {
        reduce_mean_model(&[1, frames as i64, mels as i64], 2)
    }

    /// `x: dims` -> the mean over `axis` (dropped).
    fn reduce_mean_model(dims: &[i64], axis: i64) -> Vec<u8> {
        let graph = pb::GraphProto {
            name: "mel_means".into(),
            node: vec![node(
                "ReduceMean",
                &["x"],
                &["frame_means"],
                vec![ints_attr("axes", &[axis]), int_attr("keepdims", 0)],
            )],
            input: vec![value_info("x", Some(dims))],
            output: vec![value_info("frame_means", None)],
            ..Default::default()
        };
        model_bytes(graph)
    }

    fn write_model(dir: &Path, stem: &str, bytes: &[u8], sidecar: &str) -> std::path::PathBuf {
        let onnx = dir.join(format!("{stem}.onnx"));
        std::fs::write(&onnx, bytes).expect("write model");
        std::fs::write(dir.join(format!("{stem}.json")), sidecar).expect("write sidecar");
        onnx
    }

    const WAVE_SIDECAR: &str = r#"{"name": "moments", "input": "waveform", "sample_rate": 16000,
        "window_secs": 1.0, "hop_secs": 0.5, "output": "embedding"}"#;

    /// Analyses `secs` of `f(t)` (same on every channel) at `rate`, pushed in odd blocks.
    fn analyse(
        model: &Path,
        rate: u32,
        channels: usize,
        secs: f64,
        max_points: usize,
        f: impl Fn(f64) -> f64,
    ) -> (Option<Embeddings>, Vec<String>) {
        let config = AnalysisConfig {
            embedding_model: Some(model.to_path_buf()),
            ..AnalysisConfig::default().with_max_curve_points(max_points)
        };
        let mut a = Analyzer::new(rate, channels, config).expect("analyzer");
        let n = (secs * f64::from(rate)).round() as usize;
        let x: Vec<f32> = (0..n)
            .map(|i| f(i as f64 / f64::from(rate)) as f32)
            .collect();
        for block in x.chunks(1237) {
            let planes: Vec<&[f32]> = vec![block; channels];
            a.push(&planes);
        }
        let (analysis, warnings, _) = a.finish();
        (analysis.embeddings, warnings)
    }

    #[test]
    fn the_runner_can_move_to_an_analysis_thread() {
        fn is_send<T: Send>() {}
        is_send::<EmbeddingRunner>();
        is_send::<Analyzer>();
    }

    #[test]
    fn waveform_model_gives_the_closed_form_moments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let model = write_model(dir.path(), "moments", &waveform_model(16_000), WAVE_SIDECAR);
        // x = a + b sin(2 pi 250 t): a 1 s window holds 250 whole periods, so
        // mean(x) = a and mean(x^2) = a^2 + b^2 / 2 on every window.
        let (a, b) = (0.2, 0.5);
        let (emb, warnings) = analyse(&model, 16_000, 2, 5.25, 512, |t| {
            a + b * (2.0 * PI * 250.0 * t).sin()
        });
        let emb = emb.expect("embeddings");
        assert!(
            warnings.iter().all(|w| !w.contains("embedding")),
            "{warnings:?}"
        );
        assert_eq!(emb.model, "moments");
        assert_eq!(emb.dim, 2);
        // 84 000 samples, window 16 000, hop 8 000: floor(68 000 / 8 000) + 1 = 9.
        assert_eq!(emb.windows, 9);
        assert!((emb.hop_secs - 0.5).abs() < 1e-12 && (emb.window_secs - 1.0).abs() < 1e-12);
        let want = [a, a * a + b * b / 2.0];
        for (got, want) in emb.mean.iter().zip(want) {
            assert!(
                (f64::from(*got) - want).abs() < 1e-4,
                "{:?} vs {want:?}",
                emb.mean
            );
        }
        assert_eq!(emb.frames.len(), 9);
        for frame in &emb.frames {
            assert!((f64::from(frame[1]) - want[1]).abs() < 1e-4, "{frame:?}");
        }
    }

    #[test]
    fn the_stream_is_resampled_to_the_models_rate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let model = write_model(dir.path(), "moments", &waveform_model(16_000), WAVE_SIDECAR);
        // 441 Hz: a 1 s window holds 441 whole periods whatever its phase.
        let (a, b) = (0.25, 0.3);
        let (emb, _) = analyse(&model, 44_100, 1, 3.0, 512, |t| {
            a + b * (2.0 * PI * 441.0 * t).sin()
        });
        let emb = emb.expect("embeddings");
        // 48 000 samples at 16 kHz: floor(32 000 / 8 000) + 1 = 5 windows.
        assert_eq!(emb.windows, 5);
        let want = [a, a * a + b * b / 2.0];
        for (got, want) in emb.mean.iter().zip(want) {
            // The resampler's start-up ramp touches a few dozen samples of window 0.
            assert!(
                (f64::from(*got) - want).abs() < 2e-3,
                "{:?} vs {want:?}",
                emb.mean
            );
        }
    }

    #[test]
    fn windows_start_every_hop_even_when_the_hop_exceeds_the_window() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sidecar = r#"{"name": "m", "input": "waveform", "sample_rate": 16000,
            "window_secs": 0.1, "hop_secs": 0.25, "output": "embedding"}"#;
        let model = write_model(dir.path(), "m", &waveform_model(1600), sidecar);
        // x(t) = t: window k covers samples [4000 k, 4000 k + 1600), so its mean is
        // (4000 k + 799.5) / 16000 s.
        let (emb, _) = analyse(&model, 16_000, 1, 2.0, 0, |t| t);
        let emb = emb.expect("embeddings");
        // 32 000 samples: floor((32 000 - 1 600) / 4 000) + 1 = 8 windows.
        assert_eq!(emb.windows, 8);
        for (k, f) in emb.frames.iter().enumerate() {
            let want = (4000.0 * k as f64 + 799.5) / 16_000.0;
            assert!(
                (f64::from(f[0]) - want).abs() < 1e-4,
                "window {k}: {} vs {want}",
                f[0]
            );
        }
    }

    #[test]
    fn a_clip_shorter_than_a_window_runs_once_zero_padded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let model = write_model(dir.path(), "moments", &waveform_model(16_000), WAVE_SIDECAR);
        let (emb, _) = analyse(&model, 16_000, 1, 0.3, 512, |_| 0.5);
        let emb = emb.expect("embeddings");
        assert_eq!(emb.windows, 1);
        // 4 800 samples of 0.5 then zeros: mean 0.5 * 0.3, mean square 0.25 * 0.3.
        assert!((emb.mean[0] - 0.15).abs() < 1e-5 && (emb.mean[1] - 0.075).abs() < 1e-5);
    }

    #[test]
    fn frames_are_downsampled_to_max_points_and_memory_stays_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Windows of 2 048 samples: the model's weights (1/2 048) and every partial sum of
        // its dot products are exact in f32, so the moments are exact whatever order the
        // matrix kernel (chosen by the CPU's features) adds in. With 1/1 600 one machine's
        // kernel gave 0.250 004.
        let sidecar = r#"{"name": "m", "input": "waveform", "sample_rate": 16000,
            "window_secs": 0.128, "output": "embedding"}"#;
        let model = write_model(dir.path(), "m", &waveform_model(2048), sidecar);
        // Constant windows: every down-sampled frame equals the constant.
        let mut runner = EmbeddingRunner::new(&model, 16_000, 8).expect("runner");
        // Blocks of 640 samples straddle the windows' edges, as a host's blocks do.
        let block = vec![0.25f32; 640];
        for _ in 0..128 {
            runner.push(&block);
        }
        let (emb, _) = runner.finish().expect("finish");
        // 81 920 samples / 2 048 = 40 windows, kept as at most 8 frames of 8 windows.
        assert_eq!(emb.windows, 40);
        assert!(emb.frames.len() <= 8 && !emb.frames.is_empty());
        assert!(
            (emb.frames_hop_secs - 1.024).abs() < 1e-9,
            "{}",
            emb.frames_hop_secs
        );
        assert_eq!(emb.frames.len(), 5);
        for f in &emb.frames {
            assert!(
                (f[0] - 0.25).abs() < 1e-6 && (f[1] - 0.0625).abs() < 1e-6,
                "{f:?}"
            );
        }
    }

    #[test]
    fn log_mel_model_sees_the_closed_form_mel_energies() {
        let sidecar = r#"{"name": "mel-means", "input": "log_mel", "sample_rate": 16000,
            "n_mels": 40, "n_fft": 512, "mel_hop": 160, "patch_frames": 50,
            "hop_secs": 0.5, "log": "ln", "log_offset": 0.01}"#;
        check_log_mel(sidecar, &mel_mean_model(50, 40));
    }

    #[test]
    fn log_mel_band_major_layout_and_a_4d_input_shape() {
        // The same front end, the patch laid out [mels][frames] in a [1, 1, 40, 50] tensor:
        // averaging over axis 2 gives the same per-frame means.
        let sidecar = r#"{"name": "mel-means", "input": "log_mel", "sample_rate": 16000,
            "n_mels": 40, "n_fft": 512, "mel_hop": 160, "window_secs": 0.5,
            "hop_secs": 0.5, "log": "ln", "log_offset": 0.01, "mel_layout": "mels_frames",
            "input_shape": [1, 1, 40, 50]}"#;
        check_log_mel(sidecar, &reduce_mean_model(&[1, 1, 40, 50], 2));
    }

    fn check_log_mel(sidecar: &str, model_bytes: &[u8]) {
        let dir = tempfile::tempdir().expect("tempdir");
        let model = write_model(dir.path(), "mel", model_bytes, sidecar);
        // A 1 kHz sine, amplitude 0.5, sits on bin 32 of a 512-point FFT at 16 kHz. With a
        // periodic Hann window, |X[32]| = A n / 4 = 64 and |X[31]| = |X[33]| = A n / 8 = 32,
        // every other bin 0. Mel energy j = sum_k fb[j][k] |X[k]|^2; each interior frame's
        // model output is mean_j ln(energy_j + 0.01).
        let amp = 0.5;
        let (emb, _) = analyse(&model, 16_000, 1, 3.0, 0, |t| {
            amp * (2.0 * PI * 1000.0 * t).sin()
        });
        let emb = emb.expect("embeddings");
        // ceil(48 000 / 160) = 300 mel frames; floor((300 - 50) / 50) + 1 = 6 windows.
        assert_eq!(emb.windows, 6);
        assert_eq!(emb.dim, 50);
        let spec = ModelSpec::load(&model).expect("spec");
        let mel = spec.mel.as_ref().expect("log_mel spec");
        let fb = mel_filterbank(16_000, mel);
        let bins = 257;
        let power = |k: usize| match k {
            32 => 64.0f64 * 64.0,
            31 | 33 => 32.0 * 32.0,
            _ => 0.0,
        };
        let want: f64 = fb
            .chunks_exact(bins)
            .map(|row| {
                let e: f64 = (30..35).map(|k| f64::from(row[k]) * power(k)).sum();
                (e + 0.01).ln()
            })
            .sum::<f64>()
            / 40.0;
        // Windows 1..=4 hold interior frames only (window 0 starts with the centring pad).
        for w in 1..5 {
            for (t, &got) in emb.frames[w].iter().enumerate() {
                assert!(
                    (f64::from(got) - want).abs() < 1e-3,
                    "window {w} frame {t}: {got} vs {want}"
                );
            }
        }
        // Sanity: the sine lifts a few of the 40 bands well above the floor ln(0.01).
        assert!(want > 0.01f64.ln() + 0.1, "{want}");
    }

    #[test]
    fn mel_filterbank_matches_librosas_construction() {
        let sidecar = r#"{"name": "m", "input": "log_mel", "sample_rate": 16000, "n_mels": 20,
            "n_fft": 512, "mel_hop": 160, "patch_frames": 10, "mel_scale": "htk",
            "mel_norm": "none"}"#;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.json");
        std::fs::write(&path, sidecar).expect("write");
        let spec = ModelSpec::load(&path).expect("spec");
        let fb = mel_filterbank(16_000, spec.mel.as_ref().expect("mel"));
        let bins = 257;
        // Unnormalised triangles peak at <= 1, and overlapping neighbours sum to 1 between
        // the first and the last filter's centres (HTK centre of band 0: mel(8000)/21 ->
        // ~ 147 Hz, bin 4.7; of band 19: ~ 6 420 Hz, bin 205).
        assert!(fb.iter().all(|&w| (0.0..=1.0 + 1e-6).contains(&w)));
        for k in 6..200 {
            let s: f32 = fb.chunks_exact(bins).map(|row| row[k]).sum();
            assert!((s - 1.0).abs() < 1e-4, "bin {k}: {s}");
        }
        // Slaney normalisation scales each triangle by 2 / (f_hi - f_lo).
        let slaney = ModelSpec {
            mel: spec.mel.clone().map(|mut m| {
                m.mel_norm = aidj_analysis::embeddings::MelNorm::Slaney;
                m
            }),
            ..spec.clone()
        };
        let fb2 = mel_filterbank(16_000, slaney.mel.as_ref().expect("mel"));
        let peak = |f: &[f32], j: usize| {
            f[j * bins..(j + 1) * bins]
                .iter()
                .cloned()
                .fold(0.0, f32::max)
        };
        assert!(
            peak(&fb2, 0) < peak(&fb, 0) * 0.05,
            "slaney rows are scaled down"
        );
    }

    #[test]
    fn bad_models_and_sidecars_are_clear_errors_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let load = |p: &Path| EmbeddingRunner::new(p, 44_100, 16).err().expect("an error");
        let expect_model_err = |err: Error, file: &str, words: &[&str]| {
            let msg = err.to_string();
            match &err {
                Error::Model { path, .. } => {
                    assert!(path.ends_with(file), "{msg}");
                }
                _ => panic!("not Error::Model: {msg}"),
            }
            for w in words {
                assert!(msg.contains(w), "{msg:?} lacks {w:?}");
            }
        };

        // No sidecar next to the model.
        let lone = dir.path().join("lone.onnx");
        std::fs::write(&lone, waveform_model(16)).expect("write");
        expect_model_err(load(&lone), "lone.json", &["lone.json", "sidecar"]);

        // A sidecar naming a model that does not exist.
        let json = dir.path().join("ghost.json");
        std::fs::write(&json, WAVE_SIDECAR).expect("write");
        expect_model_err(load(&json), "ghost.onnx", &["ghost.onnx", "no such file"]);

        // Corrupt model bytes.
        let corrupt = write_model(
            dir.path(),
            "corrupt",
            b"this is not protobuf \xff\xff",
            WAVE_SIDECAR,
        );
        expect_model_err(load(&corrupt), "corrupt.onnx", &["corrupt.onnx", "ONNX"]);

        // A wrong value, a misspelt field, a missing field, a shape that does not fit.
        let model = waveform_model(16_000);
        let cases = [
            (
                r#"{"name": "m", "input": "spectrogram", "sample_rate": 16000, "window_secs": 1}"#,
                "spectrogram",
            ),
            (
                r#"{"name": "m", "input": "waveform", "sample_rate": 16000, "windw_secs": 1}"#,
                "unknown field `windw_secs`",
            ),
            (
                r#"{"name": "m", "input": "waveform", "sample_rate": 16000}"#,
                "`window_secs` is required",
            ),
            (
                r#"{"name": "m", "input": "waveform", "sample_rate": 16000, "window_secs": 1, "n_mels": 64}"#,
                "`n_mels` is only for",
            ),
            (
                r#"{"name": "m", "input": "waveform", "sample_rate": 16000, "window_secs": 1, "input_shape": [1, 100]}"#,
                "input_shape",
            ),
            (
                r#"{"name": "m", "input": "log_mel", "sample_rate": 16000, "n_mels": 64, "n_fft": 511, "mel_hop": 160, "patch_frames": 96}"#,
                "`n_fft` 511",
            ),
            (
                r#"{"name": "m", "input": "waveform", "sample_rate": 16000, "window_secs": 1000}"#,
                "`window_secs` 1000",
            ),
        ];
        for (i, (sidecar, words)) in cases.iter().enumerate() {
            let p = write_model(dir.path(), &format!("case{i}"), &model, sidecar);
            let file = format!("case{i}.json");
            expect_model_err(load(&p), &file, &[&file, "invalid sidecar", words]);
        }

        // A valid sidecar whose window does not fit the model's weights (tract rejects the
        // shape when optimising): the error names the ONNX file.
        let half =
            r#"{"name": "m", "input": "waveform", "sample_rate": 16000, "window_secs": 0.5}"#;
        let p = write_model(dir.path(), "misfit", &model, half);
        expect_model_err(load(&p), "misfit.onnx", &["misfit.onnx", "[1, 8000]"]);

        // And through the analyser: the model is loaded in `new`.
        let config = AnalysisConfig {
            embedding_model: Some(corrupt.clone()),
            ..AnalysisConfig::default()
        };
        let err = Analyzer::new(44_100, 2, config).err().expect("error");
        expect_model_err(err, "corrupt.onnx", &[]);
    }

    #[test]
    fn a_preloaded_model_serves_many_analyses() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write_model(dir.path(), "moments", &waveform_model(16_000), WAVE_SIDECAR);
        let model = aidj_analysis::embeddings::EmbeddingModel::load(&path).expect("model");
        // The files may go; the loaded model stays usable.
        drop(dir);
        let config = AnalysisConfig {
            embedding_preloaded: aidj_analysis::PreloadedModel::new(model),
            ..AnalysisConfig::default()
        };
        for rate in [16_000, 48_000] {
            let mut a = Analyzer::new(rate, 1, config.clone()).expect("analyzer");
            a.push(&[&vec![0.5f32; rate as usize * 2][..]]);
            let (analysis, _, _) = a.finish();
            let emb = analysis.embeddings.expect("embeddings");
            assert_eq!(emb.windows, 3);
            assert!((emb.mean[1] - 0.25).abs() < 2e-3, "{:?}", emb.mean);
        }
    }

    #[test]
    fn analyze_file_records_that_embeddings_ran() {
        let dir = tempfile::tempdir().expect("tempdir");
        let model = write_model(dir.path(), "moments", &waveform_model(16_000), WAVE_SIDECAR);
        let wav = dir.path().join("tone.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&wav, spec).expect("wav");
        for i in 0..32_000 {
            w.write_sample(0.1 + 0.2 * (2.0 * PI * 500.0 * f64::from(i) / 16_000.0).sin() as f32)
                .expect("sample");
        }
        w.finalize().expect("finalize");
        let config = AnalysisConfig {
            embedding_model: Some(model),
            ..AnalysisConfig::default()
        };
        let fa = aidj_analysis::analyze_file(&wav, &config).expect("analysis");
        assert!(fa.report.analyzer.optional.embeddings);
        assert!(!fa.report.analyzer.optional.stems);
        let emb = fa.report.analysis.embeddings.as_ref().expect("embeddings");
        // 2 s: windows at 0, 0.5, 1.0 s.
        assert_eq!(emb.windows, 3);
        assert!((emb.mean[0] - 0.1).abs() < 1e-4);
        let back = Report::from_json(&fa.report.to_json()).expect("parse");
        assert_eq!(back.analysis.embeddings.as_ref(), Some(emb));
    }
}
