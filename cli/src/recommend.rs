//! `aidj recommend`: what to play after a track, with the DJ rules and their reasons;
//! `--chain N` walks the suggestions into a set, `--m3u` writes it as a playlist.

use crate::train::{evaluation, load_model};
use crate::{files, EngineArgs};
use aidj_recommender::dataset::read_report;
use aidj_recommender::export;
use aidj_recommender::{
    Dataset, EnergyFlow, Model, QueryOptions, Seed, Suggestion, TrackFeatures, TrainOptions,
};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Energy {
    Hold,
    Build,
    Drop,
}

#[derive(Args)]
pub struct RecommendArgs {
    /// The model written by `aidj train` (default: the defaults file's `model`).
    #[arg(long)]
    model: Option<PathBuf>,
    /// What is playing: a library track (its path, or words from artist/title), a report
    /// (.json), or an audio file (analysed now).
    input: String,
    /// Suggestions to show (default: the model's --neighbors).
    #[arg(short = 'n', long = "count")]
    count: Option<usize>,
    /// Tempo window in percent; half and double time count as a match (default: the
    /// defaults file's, else 6).
    #[arg(long)]
    bpm_window: Option<f64>,
    /// Energy flow: hold the level, build it up, or drop it (default: the defaults file's,
    /// else hold).
    #[arg(long, value_enum)]
    energy: Option<Energy>,
    /// Only same, +-1 and relative keys on the Camelot wheel.
    #[arg(long)]
    strict_key: bool,
    /// You mix with keylock: match the tracks' own keys, not the keys heard off-speed
    /// (default: the defaults file's `keylock`).
    #[arg(long)]
    keylock: bool,
    /// The defaults file (see the README); default: $AIDJ_CONFIG, else the platform's.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Leave out tracks shorter than this many seconds (intros, jingles).
    #[arg(long, value_name = "SECONDS")]
    min_duration: Option<f64>,
    /// Leave out tracks longer than this many seconds (hour-long mixes).
    #[arg(long, value_name = "SECONDS")]
    max_duration: Option<f64>,
    /// Straight tempo only: no half- or double-time partners.
    #[arg(long)]
    no_half_double: bool,
    /// Tracks already played (one path or title per line, an M3U works): never suggested.
    #[arg(long)]
    history: Option<PathBuf>,
    /// Walk the suggestions greedily into a set of N tracks.
    #[arg(long)]
    chain: Option<usize>,
    /// Write the suggestions (or the chained set, after the input track) as an M3U playlist.
    #[arg(long)]
    m3u: Option<PathBuf>,
    /// Replace an existing --m3u file.
    #[arg(long)]
    overwrite: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

/// The seed as resolved from the command line.
enum Input {
    Track(usize),
    Features(Box<TrackFeatures>),
}

fn is_audio(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| files::AUDIO_EXTENSIONS.contains(&e.as_str()))
}

/// A library track by exact path, else by a unique search match.
fn find_track(model: &Model, text: &str) -> Result<usize> {
    if let Some(i) = model.track_by_path(text) {
        return Ok(i);
    }
    let hits = model.search(text);
    match hits.len() {
        0 => bail!("no track in the model matches {text:?} (list them with `aidj library`)"),
        1 => Ok(hits[0]),
        _ => {
            let lower = text.trim().to_lowercase();
            let exact: Vec<usize> = hits
                .iter()
                .copied()
                .filter(|&i| {
                    let t = &model.tracks[i];
                    t.label().to_lowercase() == lower
                        || t.title.as_deref().map(str::to_lowercase) == Some(lower.clone())
                })
                .collect();
            if exact.len() == 1 {
                return Ok(exact[0]);
            }
            let some: Vec<String> = hits
                .iter()
                .take(5)
                .map(|&i| model.tracks[i].label())
                .collect();
            bail!(
                "{text:?} matches {} tracks ({}{}); be more specific",
                hits.len(),
                some.join("; "),
                if hits.len() > 5 { "; ..." } else { "" }
            )
        }
    }
}

fn resolve(model: &Model, input: &str, engine: &EngineArgs) -> Result<Input> {
    let p = Path::new(input);
    if p.is_file() {
        let features = if p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            read_report(p).with_context(|| format!("cannot use {input} as the seed"))?
        } else if is_audio(p) {
            let analysed = aidj_analysis::analyze_file(p, &engine.config()?)
                .with_context(|| format!("cannot analyse {input}"))?;
            TrackFeatures::from_report(&analysed.report)?
        } else {
            bail!("{input}: neither a report (.json) nor an audio file");
        };
        return Ok(match model.track_by_path(&features.meta.path) {
            Some(i) => Input::Track(i),
            None => Input::Features(Box::new(features)),
        });
    }
    Ok(Input::Track(find_track(model, input)?))
}

/// History lines (paths or titles; `#` lines and blanks ignored) -> library tracks.
fn read_history(model: &Model, path: &Path) -> Result<Vec<usize>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read history {}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match find_track(model, line) {
            Ok(i) => out.push(i),
            Err(e) => eprintln!("warning: {}: {e}", path.display()),
        }
    }
    Ok(out)
}

fn describe(model: &Model, i: usize) -> String {
    let t = &model.tracks[i];
    format!(
        "{} ({}, {}, energy {})",
        t.label(),
        t.bpm.map_or("? BPM".into(), |b| format!("{b:.1} BPM")),
        t.camelot.as_deref().unwrap_or("key ?"),
        t.energy.map_or("?".into(), |e| format!("{e:.2}"))
    )
}

fn seed_line(model: &Model, input: &Input) -> String {
    match input {
        Input::Track(i) => describe(model, *i),
        Input::Features(f) => format!(
            "{} ({}, {}, energy {})",
            f.meta.title.as_deref().unwrap_or(&f.meta.path),
            f.bpm().map_or("? BPM".into(), |b| format!("{b:.1} BPM")),
            f.key.map_or("key ?".into(), |k| k.camelot_code()),
            f.energy().map_or("?".into(), |e| format!("{e:.2}"))
        ),
    }
}

/// Suggestions as text: rank, track, score, and the reasons on the next line.
pub fn suggestions_text(model: &Model, s: &[Suggestion]) -> String {
    let mut out = String::new();
    for (r, x) in s.iter().enumerate() {
        out.push_str(&format!(
            "{:>3}. {:<60} score {:.3}\n       {}\n",
            r + 1,
            describe(model, x.track),
            x.score,
            x.reasons.text()
        ));
    }
    out
}

fn suggestions_json(model: &Model, s: &[Suggestion]) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = s
        .iter()
        .enumerate()
        .map(|(r, x)| {
            let t = &model.tracks[x.track];
            json!({
                "rank": r + 1,
                "score": x.score,
                "track": {
                    "index": x.track, "path": t.path, "title": t.title, "artist": t.artist,
                    "bpm": t.bpm, "key": t.key, "camelot": t.camelot, "energy": t.energy,
                    "duration": t.duration, "cluster": t.cluster,
                },
                "reason": x.reasons.text(),
                "reasons": x.reasons,
                "parts": x.parts,
            })
        })
        .collect();
    serde_json::Value::Array(rows)
}

pub fn run(a: RecommendArgs) -> Result<ExitCode> {
    if let Some(m) = &a.m3u {
        if m.exists() && !a.overwrite {
            bail!("{} exists (use --overwrite to replace it)", m.display());
        }
    }
    let config = aidj_config::load(a.config.as_deref())?;
    for (flag, v) in [
        ("--min-duration", a.min_duration),
        ("--max-duration", a.max_duration),
    ] {
        if v.is_some_and(|s| !(s.is_finite() && s >= 0.0)) {
            bail!("{flag}: a number of seconds, 0 or more");
        }
    }
    let Some(model_path) = a.model.clone().or(config.model.clone()) else {
        bail!("no model: give --model FILE (made by `aidj train`) or set `model` in the defaults file");
    };
    let model = load_model(&model_path)?;
    let input = resolve(&model, &a.input, &a.engine)?;
    let energy = match (a.energy, config.energy) {
        (Some(Energy::Hold), _) | (None, Some(aidj_config::Energy::Hold) | None) => {
            EnergyFlow::Hold
        }
        (Some(Energy::Build), _) | (None, Some(aidj_config::Energy::Build)) => EnergyFlow::Build,
        (Some(Energy::Drop), _) | (None, Some(aidj_config::Energy::Drop)) => EnergyFlow::Drop,
    };
    let mut opts = QueryOptions {
        count: a.count.unwrap_or(model.neighbors),
        bpm_window_pct: a.bpm_window.or(config.bpm_window).unwrap_or(6.0),
        half_double: !a.no_half_double,
        keylock: a.keylock || config.keylock.unwrap_or(false),
        strict_key: a.strict_key,
        energy,
        min_duration_secs: a.min_duration,
        max_duration_secs: a.max_duration,
        ..QueryOptions::default()
    };
    if let Some(h) = &a.history {
        opts.history = read_history(&model, h)?;
    }
    let seed = match &input {
        Input::Track(i) => Seed::Track(*i),
        Input::Features(f) => Seed::Features(f),
    };
    let picks = match a.chain {
        Some(n) => model.chain(seed, n, &opts)?,
        None => model.recommend(seed, &opts)?,
    };
    if a.json {
        let out = json!({
            "seed": seed_line(&model, &input),
            "mode": if a.chain.is_some() { "chain" } else { "suggestions" },
            "suggestions": suggestions_json(&model, &picks),
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let what = if a.chain.is_some() {
            "a set starting from"
        } else {
            "after"
        };
        outln!("{what}: {}", seed_line(&model, &input));
        if picks.is_empty() {
            outln!("nothing fits: try a wider --bpm-window, or drop --strict-key");
        }
        out!("{}", suggestions_text(&model, &picks));
    }
    if let Some(m) = &a.m3u {
        let mut list: Vec<&aidj_recommender::Track> = Vec::new();
        if let Input::Track(i) = input {
            list.push(&model.tracks[i]);
        }
        list.extend(picks.iter().map(|s| &model.tracks[s.track]));
        files::write_atomic(m, export::m3u(list).as_bytes(), a.overwrite)?;
        eprintln!("playlist: {}", m.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The end of `aidj demo`: trains on the demo's reports, writes `model.json` into the demo
/// folder, and prints suggestions with their reasons for a few tracks.
pub fn demo_suggestions(dir: &Path) -> Result<()> {
    let path = dir.join("model.json");
    // A previous run's model sits among the reports: it is not one.
    let mut reports = aidj_recommender::dataset::report_files(dir)?;
    reports.retain(|r| *r != path);
    let data = Dataset::from_files(&reports);
    let opts = TrainOptions {
        neighbors: 3,
        // A demo library is small: keep every track for training and suggestions.
        test_size: 0.0,
        ..TrainOptions::default()
    };
    let model = Model::train(&data, &opts)?;
    files::write_atomic(&path, model.to_json().as_bytes(), true)?;
    outln!(
        "\n== recommender: trained on the demo library ({})",
        path.display()
    );
    out!("{}", evaluation(&model, data.skipped.len()));
    let q = QueryOptions {
        count: 3,
        ..QueryOptions::default()
    };
    for i in 0..model.len().min(3) {
        outln!("\nafter {}:", describe(&model, i));
        let s = model.recommend(Seed::Track(i), &q)?;
        if s.is_empty() {
            outln!("  nothing within the tempo window");
        }
        out!("{}", suggestions_text(&model, &s));
    }
    if let Some(t) = model.tracks.first() {
        outln!(
            "\ntry: aidj recommend --model {} {:?} --chain 5",
            path.display(),
            t.title.as_deref().unwrap_or(&t.path)
        );
    }
    Ok(())
}
