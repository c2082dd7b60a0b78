//! Running analysis over many files: a rayon pool, a progress bar on a terminal (plain
//! lines otherwise), one bad file never stopping the rest, and a closing summary.

use crate::files::write_atomic;
use aidj_analysis::{analyze_file, AnalysisConfig, Report, Timings};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One file to analyse and where its report goes (`None`: standard output).
#[derive(Clone, Debug)]
pub struct Job {
    pub audio: PathBuf,
    pub report: Option<PathBuf>,
}

/// What happened to one job.
pub enum Outcome {
    Analysed {
        audio_secs: f64,
        timings: Timings,
        warnings: Vec<String>,
        /// Kept when the caller asked for the reports back.
        report: Option<Box<Report>>,
    },
    /// The report already exists and `--overwrite` was not given.
    Skipped,
    Failed(String),
}

/// How to run a batch.
pub struct BatchOptions {
    pub config: AnalysisConfig,
    pub overwrite: bool,
    pub threads: usize,
    pub keep_reports: bool,
    /// Print nothing but errors.
    pub quiet: bool,
}

/// Totals over a batch.
#[derive(Default)]
pub struct Summary {
    pub analysed: usize,
    pub skipped: usize,
    pub failed: usize,
    pub audio_secs: f64,
    pub wall: Duration,
    pub timings: Timings,
}

impl Summary {
    /// "analysed 12, skipped 3, failed 1: 0.62 h of audio in 8.1 s (275x real time)".
    pub fn line(&self) -> String {
        let wall = self.wall.as_secs_f64().max(1e-9);
        format!(
            "analysed {}, skipped {}, failed {}: {:.2} h of audio in {:.1} s ({:.0}x real time)",
            self.analysed,
            self.skipped,
            self.failed,
            self.audio_secs / 3600.0,
            wall,
            self.audio_secs / wall
        )
    }
}

/// Runs every job; returns the outcomes in job order and the totals.
pub fn run(jobs: &[Job], opts: &BatchOptions) -> (Vec<Outcome>, Summary) {
    let start = Instant::now();
    let terminal = std::io::stderr().is_terminal() && !opts.quiet;
    let bar = if terminal && jobs.len() > 1 {
        let bar = ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    };
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let work = |(i, job): (usize, &Job)| {
        let outcome = run_one(job, opts);
        match &outcome {
            Outcome::Failed(msg) => say(format!("error: {msg}")),
            Outcome::Skipped if !opts.quiet => say(format!(
                "skipped {} (report exists; --overwrite to redo)",
                job.audio.display()
            )),
            Outcome::Analysed {
                warnings,
                audio_secs,
                timings,
                ..
            } if !opts.quiet => {
                for w in warnings {
                    say(format!("warning: {}: {w}", job.audio.display()));
                }
                if bar.is_none() {
                    let secs = timings.analysis().as_secs_f64() + timings.decode.as_secs_f64();
                    say(format!(
                        "analysed {} ({:.1} s of audio, {:.0}x real time)",
                        job.audio.display(),
                        audio_secs,
                        audio_secs / secs.max(1e-9)
                    ));
                }
            }
            _ => {}
        }
        if let Some(b) = &bar {
            b.set_message(
                job.audio
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            b.inc(1);
        }
        if let Ok(mut all) = outcomes.lock() {
            all[i] = Some(outcome);
        }
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(|| jobs.par_iter().enumerate().for_each(work)),
        Err(_) => jobs.iter().enumerate().for_each(work),
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let outcomes: Vec<Outcome> = outcomes
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Failed("not run".to_string())))
        .collect();
    let mut summary = Summary {
        wall: start.elapsed(),
        ..Summary::default()
    };
    for o in &outcomes {
        match o {
            Outcome::Analysed {
                audio_secs,
                timings,
                ..
            } => {
                summary.analysed += 1;
                summary.audio_secs += audio_secs;
                summary.timings.add(timings);
            }
            Outcome::Skipped => summary.skipped += 1,
            Outcome::Failed(_) => summary.failed += 1,
        }
    }
    (outcomes, summary)
}

fn run_one(job: &Job, opts: &BatchOptions) -> Outcome {
    if let Some(out) = &job.report {
        if out.exists() && !opts.overwrite {
            return Outcome::Skipped;
        }
    }
    // A panic in one file's analysis must not take the batch down: report it as a failure.
    let analysed = std::panic::catch_unwind(|| analyze_file(&job.audio, &opts.config));
    let analysis = match analysed {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return Outcome::Failed(e.to_string()),
        Err(_) => {
            return Outcome::Failed(format!(
                "{}: internal error while analysing (please report this file)",
                job.audio.display()
            ))
        }
    };
    let json = analysis.report.to_json();
    match &job.report {
        Some(path) => {
            if let Err(e) = write_atomic(path, json.as_bytes(), opts.overwrite) {
                return Outcome::Failed(format!("{e:#}"));
            }
        }
        None => outln!("{json}"),
    }
    Outcome::Analysed {
        audio_secs: analysis.audio_secs,
        warnings: analysis.report.warnings.clone(),
        timings: analysis.timings,
        report: opts.keep_reports.then(|| Box::new(analysis.report)),
    }
}

/// Per-stage timing table for `--timings`: seconds and multiple of real time per stage.
pub fn timings_table(t: &Timings, audio_secs: f64) -> String {
    let mut out = String::from("stage                                   seconds   x real time\n");
    let mut row = |name: &str, d: Duration| {
        let s = d.as_secs_f64();
        // A stage that did not run (no model given) has no multiple.
        out.push_str(&if d.is_zero() {
            format!("{name:<38} {:>8} {:>12}\n", "-", "-")
        } else {
            format!("{name:<38} {s:>8.3} {:>12.0}\n", audio_secs / s)
        });
    };
    for (name, d) in t.stages() {
        row(name, d);
    }
    row("analysis (all but decode)", t.analysis());
    row("total (one core)", t.analysis() + t.decode);
    out
}
