//! `aidj mix A B --out mix.wav` and `aidj mix --playlist set.m3u --out set.wav`: the
//! plugin's transitions rendered offline (the `aidj-mixdown` library), with the defaults
//! file's settings unless a flag says otherwise.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aidj_analysis::Report;
use aidj_config::Config;
use aidj_mixdown::layout::LayoutOptions;
use aidj_mixdown::wav::{cue_sheet, write_text, write_wav, CueTrack};
use aidj_mixdown::{plan, render, Layout, RenderOptions, Track};
use aidj_mixer::{presets, TransitionPreset};
use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::files;

/// Bars either side of the transition in a `--preview`.
const PREVIEW_BARS: f64 = 4.0;

#[derive(Args)]
pub struct MixArgs {
    /// The outgoing track, then the incoming one.
    tracks: Vec<PathBuf>,
    /// Render a whole set from this playlist (M3U; one file per line, `#` lines ignored).
    #[arg(long, conflicts_with = "tracks")]
    playlist: Option<PathBuf>,
    /// The WAV to write (24-bit, at the first track's rate).
    #[arg(long, short)]
    out: PathBuf,
    /// Transition preset: a built-in name (Long blend, Bass swap, Filter out, Echo out,
    /// Quick cut) or a preset .json file. Default: the defaults file's, else Long blend.
    #[arg(long)]
    preset: Option<String>,
    /// Transition length in bars (default: the defaults file's, else the preset's).
    #[arg(long)]
    bars: Option<f32>,
    /// Where the first track's transition starts: `auto` (its last phrase start that
    /// leaves the transition's length of music) or seconds (snapped to the nearest bar).
    #[arg(long, default_value = "auto")]
    at: String,
    /// Tempo changes keep the pitch (time-stretch; needs a build with `--features
    /// keylock`). Default: the defaults file's, else off (resampling, as a turntable).
    #[arg(long)]
    keylock: bool,
    /// Render only the transition, with 4 bars either side.
    #[arg(long)]
    preview: bool,
    /// Folder of the tracks' reports (`aidj analyze --batch-out`); default: the defaults
    /// file's, else next to each track. Tracks without a report are analysed.
    #[arg(long)]
    reports: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    overwrite: bool,
    /// The defaults file (see the README); default: $AIDJ_CONFIG, else the platform's.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Only errors and the summary.
    #[arg(long, short)]
    quiet: bool,
}

/// `name` as a built-in preset or a preset file.
fn load_preset(name: &str) -> Result<TransitionPreset> {
    if name.ends_with(".json") || Path::new(name).is_file() {
        let text = std::fs::read_to_string(name).with_context(|| format!("preset {name}"))?;
        return TransitionPreset::from_json(&text).with_context(|| format!("preset {name}"));
    }
    match presets::index_of(name).and_then(presets::get) {
        Some(p) if presets::index_of(name).is_some_and(|i| i >= 0) => Ok(p.clone()),
        _ => bail!(
            "no preset named {name:?} (built in: {})",
            presets::builtin()
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The files a playlist names, relative to its folder; every missing one is an error.
fn read_playlist(path: &Path) -> Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the playlist", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let p = Path::new(l);
        let p = if p.is_relative() {
            base.join(p)
        } else {
            p.to_path_buf()
        };
        if !p.is_file() {
            missing.push(format!("line {}: {}", i + 1, p.display()));
        }
        out.push(p);
    }
    if !missing.is_empty() {
        bail!("{}: missing tracks: {}", path.display(), missing.join("; "));
    }
    if out.len() < 2 {
        bail!("{}: a set needs at least two tracks", path.display());
    }
    Ok(out)
}

/// The track's report from `reports` or next to it, if there is a readable one.
fn find_report(audio: &Path, reports: Option<&Path>) -> Option<Report> {
    let candidates = [
        reports.map(|r| files::report_path(audio, None, Some(r))),
        Some(files::report_path(audio, None, None)),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter(|p| p.is_file())
        .find_map(|p| Report::from_json(&std::fs::read_to_string(p).ok()?).ok())
}

fn clock(secs: f64) -> String {
    let s = secs.max(0.0);
    format!("{}:{:04.1}", (s / 60.0).floor() as u64, s % 60.0)
}

pub fn run(a: MixArgs) -> Result<ExitCode> {
    let config: Config = aidj_config::load(a.config.as_deref())?;
    let paths = match &a.playlist {
        Some(p) => read_playlist(p)?,
        None => {
            if a.tracks.len() != 2 {
                bail!("give two tracks (outgoing, incoming) or --playlist FILE");
            }
            a.tracks.clone()
        }
    };
    let preset_name = a
        .preset
        .clone()
        .or(config.preset.clone())
        .unwrap_or_else(|| "Long blend".into());
    let preset = load_preset(&preset_name)?;
    let mut shape = preset.shape;
    if let Some(bars) = a.bars.or(config.bars) {
        if !(bars.is_finite() && (0.25..=64.0).contains(&bars)) {
            bail!("--bars {bars}: a transition is 0.25 to 64 bars");
        }
        if let Some(b) = shape.bass_swap.as_mut() {
            b.over_bars = b.over_bars.min(bars);
        }
        shape.length_bars = bars;
    }
    let at_secs = match a.at.trim() {
        "auto" => None,
        s => Some(
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .with_context(|| format!("--at {s:?}: `auto` or seconds"))?,
        ),
    };
    if at_secs.is_some() && a.playlist.is_some() {
        bail!("--at is for two tracks; a set's transitions start at each track's mix-out");
    }
    let keylock = a.keylock || config.keylock.unwrap_or(false);
    let reports = a.reports.clone().or(config.reports.clone());
    if a.out.exists() && !a.overwrite {
        bail!("{} exists (use --overwrite to replace it)", a.out.display());
    }

    // Load (and analyse where needed) every track, at the first one's rate.
    let mut tracks: Vec<Track> = Vec::new();
    for p in &paths {
        let report = find_report(p, reports.as_deref());
        if report.is_none() && !a.quiet {
            eprintln!("analysing {} (no report found)", p.display());
        }
        let rate = tracks.first().map(|t| t.rate);
        tracks.push(Track::load(p, report, rate)?);
    }
    let rate = tracks[0].rate;
    let opts = LayoutOptions {
        shape,
        at_secs,
        preview_bars: a.preview.then_some(PREVIEW_BARS),
    };
    let layout = plan(&tracks, rate, &opts)?;
    for w in &layout.warnings {
        eprintln!("warning: {w}");
    }
    if !a.quiet {
        describe(&tracks, &layout, &preset.name, keylock, at_secs.is_some());
    }
    let bar = ProgressBar::new(1000);
    if a.quiet || paths.len() < 3 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("rendering [{bar:40}] {percent}% {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let t0 = std::time::Instant::now();
    let out = render(
        &tracks,
        &layout,
        &RenderOptions {
            keylock,
            ..RenderOptions::default()
        },
        &mut |f| bar.set_position((f * 1000.0) as u64),
    )?;
    bar.finish_and_clear();
    let took = t0.elapsed().as_secs_f64();
    write_wav(&a.out, &out.audio, out.rate, a.overwrite)?;
    let secs = layout.len as f64 / f64::from(rate);
    if a.playlist.is_some() {
        let cue_path = a.out.with_extension("cue");
        let wav_name = a
            .out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cues: Vec<CueTrack> = tracks
            .iter()
            .enumerate()
            .map(|(i, t)| CueTrack {
                title: t.title(),
                performer: t.report.metadata.artist.clone(),
                start_secs: i
                    .checked_sub(1)
                    .map_or(0.0, |k| layout.joins[k].start as f64 / f64::from(rate)),
            })
            .collect();
        write_text(&cue_path, &cue_sheet(&wav_name, &cues), a.overwrite)?;
        eprintln!("cue sheet: {}", cue_path.display());
    }
    let gains: Vec<String> = out
        .track_gains_db
        .iter()
        .skip(1)
        .map(|g| format!("{g:+.1} dB"))
        .collect();
    eprintln!(
        "wrote {} ({}, 24-bit {} Hz) in {took:.2} s ({:.0} % through the mixer); loudness matched to the first track ({}); {} LUFS, true peak {} dBTP{}",
        a.out.display(),
        clock(secs),
        rate,
        100.0 * out.mixer_share,
        gains.join(", "),
        out.lufs.map_or("-".into(), |l| format!("{l:.1}")),
        out.true_peak_dbtp.map_or("-".into(), |p| format!("{p:.1}")),
        if out.ceiling_gain_db < -0.05 {
            format!(" (mix lowered {:.1} dB to stay under -1 dBTP)", -out.ceiling_gain_db)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints the chosen points and transitions.
fn describe(tracks: &[Track], layout: &Layout, preset: &str, keylock: bool, at_given: bool) {
    let rate = f64::from(layout.rate);
    for j in &layout.joins {
        let (a, b) = (&tracks[j.out_track], &tracks[j.in_track]);
        let (from, to) = j.tempi();
        outln!(
            "{} -> {}: {preset}, {} bars at {} in the mix ({} to {}); {}",
            a.title(),
            b.title(),
            j.beats() / 4.0,
            clock(j.start as f64 / rate),
            clock(j.start as f64 / rate),
            clock(j.end() as f64 / rate),
            if j.plain {
                "plain crossfade (no beat grid)".to_string()
            } else {
                format!(
                    "tempo {from:.2} -> {to:.2} BPM{}",
                    if keylock { ", keylock" } else { "" }
                )
            }
        );
        let why = if at_given && j.out_track == 0 {
            "the bar nearest --at"
        } else {
            "its last phrase start leaving the transition's length of music"
        };
        outln!(
            "  out of {} at {} ({why}); into {} at {} (its mix-in)",
            a.path.display(),
            clock(j.out_secs),
            b.path.display(),
            clock(j.in_secs)
        );
    }
}
