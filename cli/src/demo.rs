//! `aidj demo`: writes a small library of synthetic tracks whose tempo and key are known,
//! analyses it with the same batch code as `aidj analyze`, and prints what was found
//! against the truth.

use crate::batch::{self, BatchOptions, Job, Outcome};
use crate::{all_cores, files};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Marks a folder as the demo's own, so re-running may replace what is in it.
const MARKER: &str = ".aidj-demo";

#[derive(Args)]
pub struct DemoArgs {
    /// Render the whole suggested set to a WAV, not only its first transition.
    #[arg(long)]
    full: bool,
    /// Folder for the demo library and its reports (created; must be empty or a previous demo).
    #[arg(long, default_value = "aidj-demo")]
    dir: PathBuf,
    /// Files analysed in parallel (default: every core).
    #[arg(long, short)]
    jobs: Option<usize>,
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    prepare_folder(&args.dir)?;
    let specs = aidj_synth::demo_library();
    eprintln!(
        "writing {} synthetic tracks to {} ...",
        specs.len(),
        args.dir.display()
    );
    let mut jobs = Vec::new();
    for spec in &specs {
        let name = format!("{} - {}.wav", spec.artist, spec.title);
        let path = args.dir.join(name);
        aidj_synth::render(spec)
            .write_wav(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        jobs.push(Job {
            report: Some(files::report_path(&path, None, None)),
            audio: path,
        });
    }
    let opts = BatchOptions {
        config: aidj_analysis::AnalysisConfig::default(),
        overwrite: true,
        threads: args.jobs.unwrap_or_else(all_cores),
        keep_reports: true,
        quiet: true,
    };
    let (outcomes, summary) = batch::run(&jobs, &opts);
    outln!(
        "{:<28} {:>7} {:>7} {:>6}  {:<10} {:<14} {:>6} {:>6}",
        "track",
        "BPM",
        "found",
        "err%",
        "key",
        "found",
        "LUFS",
        "ok"
    );
    let (mut tempo_ok, mut key_ok) = (0, 0);
    for (spec, outcome) in specs.iter().zip(&outcomes) {
        let Outcome::Analysed {
            report: Some(report),
            ..
        } = outcome
        else {
            outln!("{:<28} analysis failed", spec.title);
            continue;
        };
        let a = &report.analysis;
        let bpm = a.rhythm.tempo_bpm_global;
        let err = bpm.map(|b| 100.0 * (b - spec.bpm) / spec.bpm);
        let key = a.tonal.harmony.key.clone().unwrap_or_else(|| "-".into());
        let camelot = a.tonal.harmony.camelot.clone().unwrap_or_default();
        let t_ok = err.is_some_and(|e| e.abs() <= 1.0);
        let k_ok = key == spec.key_name();
        tempo_ok += usize::from(t_ok);
        key_ok += usize::from(k_ok);
        outln!(
            "{:<28} {:>7.2} {:>7} {:>6}  {:<10} {:<14} {:>6} {:>6}",
            truncate(&spec.title, 28),
            spec.bpm,
            bpm.map_or("-".into(), |b| format!("{b:.2}")),
            err.map_or("-".into(), |e| format!("{e:+.2}")),
            spec.key_name(),
            format!("{key} {camelot}"),
            a.dynamics.lufs.map_or("-".into(), |l| format!("{l:.1}")),
            match (t_ok, k_ok) {
                (true, true) => "yes",
                (true, false) => "tempo",
                (false, true) => "key",
                (false, false) => "no",
            }
        );
    }
    outln!(
        "\ntempo within 1%: {tempo_ok}/{n}; key exact: {key_ok}/{n}",
        n = specs.len()
    );
    outln!("{}", summary.line());
    outln!(
        "reports are next to the audio in {}; try `aidj analyze --timings {}`",
        args.dir.display(),
        args.dir.join("*.wav").display()
    );
    crate::recommend::demo_suggestions(&args.dir)?;
    mix_demo_set(&args.dir, args.full)?;
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Tracks in the demo's suggested set.
const SET_LEN: usize = 5;

/// Chains the recommender's suggestions into a set from the first track, writes it as a
/// playlist, and renders its first transition (the whole set with `full`) through the
/// same code as `aidj mix`.
fn mix_demo_set(dir: &Path, full: bool) -> Result<()> {
    use aidj_mixdown::layout::LayoutOptions;
    use aidj_mixdown::{plan, render, RenderOptions, Track};
    use aidj_recommender::query::{QueryOptions, Seed};

    let model = aidj_recommender::model::Model::load(&dir.join("model.json"))?;
    let picks = model.chain(Seed::Track(0), SET_LEN - 1, &QueryOptions::default())?;
    let order: Vec<usize> = std::iter::once(0)
        .chain(picks.iter().map(|s| s.track))
        .collect();
    let paths: Vec<PathBuf> = order
        .iter()
        .map(|&i| PathBuf::from(&model.tracks[i].path))
        .collect();
    let m3u = dir.join("set.m3u");
    let list = aidj_recommender::export::m3u(order.iter().map(|&i| &model.tracks[i]));
    files::write_atomic(&m3u, list.as_bytes(), true)?;
    outln!(
        "\n== a set the recommender chained from the first track ({})",
        m3u.display()
    );
    for (n, &i) in order.iter().enumerate() {
        outln!("  {}. {}", n + 1, model.tracks[i].label());
    }
    let take = if full { paths.len() } else { 2 };
    let mut tracks: Vec<Track> = Vec::new();
    for p in &paths[..take] {
        let report = std::fs::read_to_string(files::report_path(p, None, None))
            .ok()
            .and_then(|t| aidj_analysis::Report::from_json(&t).ok());
        let rate = tracks.first().map(|t| t.rate);
        tracks.push(Track::load(p, report, rate)?);
    }
    let preset = aidj_mixer::presets::get(0).context("no built-in preset")?;
    let mut shape = preset.shape;
    shape.length_bars = 8.0;
    let opts = LayoutOptions {
        shape,
        at_secs: None,
        preview_bars: (!full).then_some(4.0),
    };
    let layout = plan(&tracks, tracks[0].rate, &opts)?;
    let out = render(&tracks, &layout, &RenderOptions::default(), &mut |_| {})?;
    let wav = dir.join(if full {
        "set.wav"
    } else {
        "first-transition.wav"
    });
    aidj_mixdown::wav::write_wav(&wav, &out.audio, out.rate, true)?;
    let rate = f64::from(layout.rate);
    for j in &layout.joins {
        let (from, to) = j.tempi();
        outln!(
            "  {} -> {}: {}, 8 bars from {:.1} s of the WAV, {from:.1} -> {to:.1} BPM",
            tracks[j.out_track].title(),
            tracks[j.in_track].title(),
            preset.name,
            j.start as f64 / rate
        );
    }
    outln!(
        "mix: {} ({:.1} s, {:.1} LUFS, true peak {:.1} dBTP){}",
        wav.display(),
        layout.len as f64 / rate,
        out.lufs.unwrap_or(f64::NAN),
        out.true_peak_dbtp.unwrap_or(f64::NAN),
        if full {
            String::new()
        } else {
            format!(
                "; the whole set: `aidj demo --full`, or `aidj mix --playlist {} --out set.wav`",
                m3u.display()
            )
        }
    );
    Ok(())
}

fn prepare_folder(dir: &Path) -> Result<()> {
    if dir.exists() {
        let is_demo = dir.join(MARKER).exists();
        let empty = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_none();
        if !is_demo && !empty {
            bail!(
                "{} exists and is not a previous demo folder; choose another with --dir",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(dir.join(MARKER), b"written by `aidj demo`\n")
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
