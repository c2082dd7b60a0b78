//! `aidj train`: reports (and audio without a report, analysed first) -> a model file.

use crate::batch::{self, BatchOptions, Job};
use crate::{all_cores, files, EngineArgs};
use aidj_recommender::dataset::report_files;
use aidj_recommender::{Dataset, Model, TrainOptions};
use anyhow::{bail, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct TrainArgs {
    /// Folder of analysis reports (ours or the seed toolkit's), searched recursively. Audio
    /// found there without a report next to it is analysed first. Repeatable.
    #[arg(long, required = true)]
    reports: Vec<PathBuf>,
    /// Where to write the model (JSON).
    #[arg(long)]
    model_out: PathBuf,
    /// Default number of suggestions a query returns.
    #[arg(long, default_value_t = 10)]
    neighbors: usize,
    /// Fraction of tracks held out to evaluate the model (0 or 1: no split).
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// Seed of the split and of k-means (the same seed trains the same model).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Train on the reports only; do not analyse audio that has none.
    #[arg(long)]
    no_analyze: bool,
    /// Replace an existing model file.
    #[arg(long)]
    overwrite: bool,
    /// Files analysed in parallel (default: every core).
    #[arg(long, short)]
    jobs: Option<usize>,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(a: TrainArgs) -> Result<ExitCode> {
    if a.model_out.exists() && !a.overwrite {
        bail!(
            "{} exists (use --overwrite to replace it)",
            a.model_out.display()
        );
    }
    let mut failed = 0;
    if !a.no_analyze {
        failed = analyse_missing(&a)?;
    }
    let mut found = Vec::new();
    for dir in &a.reports {
        found.extend(report_files(dir)?);
    }
    // The model being replaced may sit among the reports: it is not one.
    let out = a.model_out.canonicalize().ok();
    found.retain(|f| f.canonicalize().ok() != out || out.is_none());
    let data = Dataset::from_files(&found);
    for s in &data.skipped {
        eprintln!("skipped {}: {}", s.path.display(), s.reason);
    }
    let opts = TrainOptions {
        neighbors: a.neighbors,
        test_size: a.test_size,
        seed: a.seed,
        ..TrainOptions::default()
    };
    let model = Model::train(&data, &opts)?;
    out!("{}", evaluation(&model, data.skipped.len()));
    files::write_atomic(&a.model_out, model.to_json().as_bytes(), a.overwrite)?;
    outln!("model: {} ({} tracks)", a.model_out.display(), model.len());
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Analyses the audio under the report folders that has no report next to it, with the
/// same progress bar as `aidj analyze`. Returns the number of files that failed.
fn analyse_missing(a: &TrainArgs) -> Result<usize> {
    let pattern = format!("**/{}", files::default_pattern());
    let mut jobs = Vec::new();
    for dir in &a.reports {
        if !dir.is_dir() {
            bail!("{}: not a folder", dir.display());
        }
        for audio in files::find_audio(dir, &pattern)? {
            let report = files::report_path(&audio, None, None);
            if !report.exists() {
                jobs.push(Job {
                    audio,
                    report: Some(report),
                });
            }
        }
    }
    if jobs.is_empty() {
        return Ok(0);
    }
    eprintln!("analysing {} audio files without a report ...", jobs.len());
    let opts = BatchOptions {
        config: a.engine.config()?,
        overwrite: false,
        threads: a.jobs.unwrap_or_else(all_cores),
        keep_reports: false,
        quiet: false,
    };
    let (_, summary) = batch::run(&jobs, &opts);
    eprintln!("{}", summary.line());
    Ok(summary.failed)
}

/// The evaluation as `aidj train` prints it.
pub fn evaluation(model: &Model, skipped: usize) -> String {
    let e = &model.evaluation;
    let mut s = format!(
        "trained on {} of {} tracks ({} held out), {} features, {} clusters (k-means, {} iterations)\n",
        e.train,
        e.tracks,
        e.test,
        model.columns.len(),
        model.clusters.k,
        model.clusters.iterations
    );
    s.push_str(&match e.silhouette {
        Some(v) => format!(
            "silhouette: {v:.3} (-1..1, higher = better separated; {} tracks)\n",
            e.silhouette_sample
        ),
        None => "silhouette: n/a (fewer than two clusters)\n".to_string(),
    });
    s.push_str(
        &match (e.heldout_mean_distance, e.heldout_median_distance) {
            (Some(m), Some(md)) => format!(
                "held-out cosine distance to the nearest training track: mean {m:.3}, median {md:.3} ({} tracks)\n",
                e.heldout_sample
            ),
            _ => "held-out distance: n/a (no split; --test-size between 0 and 1 makes one)\n"
                .to_string(),
        },
    );
    if !e.empty_columns.is_empty() {
        s.push_str(&format!(
            "no report had: {} (left neutral)\n",
            e.empty_columns.join(", ")
        ));
    }
    if skipped > 0 {
        s.push_str(&format!("skipped {skipped} files (listed above)\n"));
    }
    s
}

/// Loads a model, naming the file in any error.
pub fn load_model(path: &Path) -> Result<Model> {
    Model::load(path).map_err(|e| match e {
        aidj_recommender::Error::Io { .. } => anyhow::anyhow!("{e}"),
        other => anyhow::anyhow!("{}: {other}", path.display()),
    })
}
