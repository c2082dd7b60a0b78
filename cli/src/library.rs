//! `aidj library`: list or search the tracks of a model; export them as CSV.

use crate::files;
use crate::train::load_model;
use aidj_recommender::export;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct LibraryArgs {
    /// The model written by `aidj train`.
    #[arg(long)]
    model: PathBuf,
    /// Words to look for in path, artist and title (case-insensitive); all tracks if absent.
    search: Option<String>,
    /// Write the listed tracks as CSV (path, artist, title, bpm, key, camelot, energy,
    /// duration, cluster) to this file.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Replace an existing --csv file.
    #[arg(long)]
    overwrite: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(a: LibraryArgs) -> Result<ExitCode> {
    let model = load_model(&a.model)?;
    let hits = model.search(a.search.as_deref().unwrap_or(""));
    if let Some(csv) = &a.csv {
        files::write_atomic(
            csv,
            export::library_csv(&model, &hits).as_bytes(),
            a.overwrite,
        )?;
        eprintln!("{} tracks written to {}", hits.len(), csv.display());
    }
    if a.json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|&i| {
                let t = &model.tracks[i];
                serde_json::json!({
                    "index": i, "path": t.path, "title": t.title, "artist": t.artist,
                    "bpm": t.bpm, "key": t.key, "camelot": t.camelot, "energy": t.energy,
                    "duration": t.duration, "cluster": t.cluster,
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{:>5} {:>7} {:>4} {:<9} {:>6} {:>7}  track",
        "#",
        "BPM",
        "cam",
        "key",
        "energy",
        "cluster"
    );
    for &i in &hits {
        let t = &model.tracks[i];
        outln!(
            "{:>5} {:>7} {:>4} {:<9} {:>6} {:>7}  {}",
            i,
            t.bpm.map_or("-".into(), |b| format!("{b:.1}")),
            t.camelot.as_deref().unwrap_or("-"),
            t.key.as_deref().unwrap_or("-"),
            t.energy.map_or("-".into(), |e| format!("{e:.2}")),
            t.cluster,
            t.label()
        );
    }
    outln!(
        "{} of {} tracks; model trained {} ({}, schema {})",
        hits.len(),
        model.len(),
        model.trained_at,
        model.trainer,
        model.schema_version
    );
    Ok(ExitCode::SUCCESS)
}
