//! `aidj`: AI DJ's command line. Thin: parses arguments, finds files, shows progress; the
//! work is in the libraries (`aidj-analysis`, `aidj-recommender`, `aidj-mixdown`).

/// `println!` to standard output that ends the program quietly when the reader has gone
/// (`aidj ... | head`), instead of panicking on the broken pipe.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}
/// `print!` with the same broken-pipe care.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_out(format_args!($($arg)*)) };
}

mod batch;
mod bench;
mod demo;
mod files;
mod library;
mod live;
mod mix;
mod recommend;
mod train;

use aidj_analysis::AnalysisConfig;
use anyhow::{bail, Result};
use batch::{BatchOptions, Job};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aidj",
    version,
    about = "AI DJ: analyse a music library for DJing and suggest what to play next"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse audio files into JSON reports (tempo, beats, key, loudness, ...).
    Analyze(AnalyzeArgs),
    /// Generate a small synthetic library with known tempo and key, analyse it, compare.
    Demo(demo::DemoArgs),
    /// Measure analysis speed (x real time per stage) on generated audio or given files.
    Bench(bench::BenchArgs),
    /// Train the recommender on analysis reports (analysing audio that has none).
    Train(train::TrainArgs),
    /// Suggest what to play next, with DJ rules and reasons; --chain N builds a set.
    Recommend(recommend::RecommendArgs),
    /// List or search a model's tracks; --csv exports them.
    Library(library::LibraryArgs),
    /// Run the plugin's live analysis on a file and print a deck's read-out every second.
    Live(live::LiveArgs),
    /// Render a transition between two tracks (or a whole playlist) to a WAV, beat-matched
    /// and phrase-aligned, with the plugin's presets.
    Mix(mix::MixArgs),
}

/// Analysis settings shared by the commands that analyse.
#[derive(Args, Clone, Debug)]
pub struct EngineArgs {
    /// Points kept in each curve of a report (0 keeps all).
    #[arg(long, default_value_t = 512)]
    max_points: usize,
    /// Lowest tempo to report (BPM); tempi outside the range are folded by octaves into it.
    #[arg(long)]
    min_bpm: Option<f64>,
    /// Highest tempo to report (BPM).
    #[arg(long)]
    max_bpm: Option<f64>,
    /// Skip true-peak measurement (4x oversampling; a few percent of the time).
    #[arg(long)]
    no_true_peak: bool,
    /// Learned embeddings from this ONNX model (`model.onnx` with a `model.json` sidecar
    /// next to it, or the sidecar's path). Needs a build with `--features onnx`.
    #[arg(long, value_name = "PATH")]
    embedding_model: Option<PathBuf>,
    /// Per-stem RMS, energy share and spectral centroid from this mask-based ONNX stem
    /// separator (`model.onnx` with a `model.json` sidecar saying `"kind": "stems"`, or the
    /// sidecar's path). Needs a build with `--features onnx`.
    #[arg(long, value_name = "PATH")]
    stem_model: Option<PathBuf>,
}

impl EngineArgs {
    fn config(&self) -> Result<AnalysisConfig> {
        let mut c = AnalysisConfig::default().with_max_curve_points(self.max_points);
        if let Some(lo) = self.min_bpm {
            c.rhythm.min_bpm = lo;
        }
        if let Some(hi) = self.max_bpm {
            c.rhythm.max_bpm = hi;
        }
        if !(c.rhythm.min_bpm > 0.0 && c.rhythm.max_bpm >= 2.0 * c.rhythm.min_bpm * 0.99) {
            bail!(
                "tempo range {}..{} BPM must be positive and span an octave",
                c.rhythm.min_bpm,
                c.rhythm.max_bpm
            );
        }
        c.true_peak = !self.no_true_peak;
        if let Some(path) = &self.embedding_model {
            if !cfg!(feature = "onnx") {
                bail!(
                    "--embedding-model: this aidj was built without the `onnx` feature \
                     (rebuild with `cargo build -p aidj-cli --features onnx`)"
                );
            }
            // Load once for the whole batch (and fail before the first file on a bad model).
            #[cfg(feature = "onnx")]
            {
                let model = aidj_analysis::embeddings::EmbeddingModel::load(path)?;
                c.embedding_preloaded = aidj_analysis::PreloadedModel::new(model);
            }
            c.embedding_model = Some(path.clone());
        }
        if let Some(path) = &self.stem_model {
            if !cfg!(feature = "onnx") {
                bail!(
                    "--stem-model: this aidj was built without the `onnx` feature \
                     (rebuild with `cargo build -p aidj-cli --features onnx`)"
                );
            }
            #[cfg(feature = "onnx")]
            {
                let model = aidj_analysis::stems::StemModel::load(path)?;
                c.stem_preloaded = aidj_analysis::PreloadedStemModel::new(model);
            }
            c.stem_model = Some(path.clone());
        }
        Ok(c)
    }
}

#[derive(Args)]
struct AnalyzeArgs {
    /// Audio files to analyse (reports go next to each file unless --output/--batch-out).
    files: Vec<PathBuf>,
    /// Analyse every file in this folder that matches --batch-pattern.
    #[arg(long)]
    batch_folder: Option<PathBuf>,
    /// Glob relative to --batch-folder: `*` stays in the folder, `**` recurses
    /// (e.g. "**/*.mp3"). Default: every supported audio file directly in the folder.
    #[arg(long)]
    batch_pattern: Option<String>,
    /// Report path for a single file, or `-` for standard output.
    #[arg(long, short)]
    output: Option<String>,
    /// Folder for the reports of a batch (mirrors the batch folder's subfolders).
    #[arg(long)]
    batch_out: Option<PathBuf>,
    /// Replace existing reports (otherwise files with a report are skipped).
    #[arg(long)]
    overwrite: bool,
    /// Files analysed in parallel (default: every core).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Print the time each stage took and its multiple of real time.
    #[arg(long)]
    timings: bool,
    /// Print only errors and the summary.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(a) => analyze(a),
        Command::Demo(d) => demo::run(d),
        Command::Bench(b) => bench::run(b),
        Command::Train(t) => train::run(t),
        Command::Recommend(r) => recommend::run(r),
        Command::Library(l) => library::run(l),
        Command::Live(l) => live::run(l),
        Command::Mix(m) => mix::run(m),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes to standard output; a closed pipe ends the program with success.
pub fn write_out(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// Default parallelism: every core.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn analyze(a: AnalyzeArgs) -> Result<ExitCode> {
    let config = a.engine.config()?;
    let to_stdout = a.output.as_deref() == Some("-");
    let mut jobs: Vec<Job> = Vec::new();
    let mut audio: Vec<PathBuf> = a.files.clone();
    let root = a.batch_folder.clone();
    if let Some(folder) = &a.batch_folder {
        let pattern = a
            .batch_pattern
            .clone()
            .unwrap_or_else(files::default_pattern);
        let found = files::find_audio(folder, &pattern)?;
        if found.is_empty() {
            eprintln!(
                "warning: no file in {} matches {pattern:?}",
                folder.display()
            );
        }
        audio.extend(found);
    } else if a.batch_pattern.is_some() {
        bail!("--batch-pattern needs --batch-folder");
    }
    if audio.is_empty() {
        bail!("nothing to analyse: give audio files or --batch-folder");
    }
    if a.output.is_some() && audio.len() > 1 {
        bail!("--output takes one file; use --batch-out DIR for several");
    }
    if to_stdout {
        jobs.push(Job {
            audio: audio[0].clone(),
            report: None,
        });
    } else {
        let paths: Vec<PathBuf> = match &a.output {
            Some(out) => vec![PathBuf::from(out)],
            None => audio
                .iter()
                .map(|p| files::report_path(p, root.as_deref(), a.batch_out.as_deref()))
                .collect(),
        };
        let paths = files::unique_report_paths(paths, &audio);
        jobs.extend(audio.iter().zip(paths).map(|(p, r)| Job {
            audio: p.clone(),
            report: Some(r),
        }));
    }
    let opts = BatchOptions {
        config,
        overwrite: a.overwrite,
        threads: a.jobs.unwrap_or_else(all_cores),
        keep_reports: false,
        quiet: a.quiet,
    };
    let (_, summary) = batch::run(&jobs, &opts);
    eprintln!("{}", summary.line());
    if a.timings && summary.analysed > 0 {
        eprint!(
            "{}",
            batch::timings_table(&summary.timings, summary.audio_secs)
        );
    }
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
