//! `aidj bench`: speed figures without a timed test. On generated audio it times the
//! analysis alone (in memory, one core); on files it times decoding alone and decoding
//! plus analysis, so the cost of analysis over decoding is plain.

use crate::batch::timings_table;
use aidj_analysis::decode::AudioFile;
use aidj_analysis::{analyze_file, AnalysisConfig, Analyzer, Timings};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    /// Files to time (decode alone, then decode + analysis). Without files: generated audio.
    files: Vec<PathBuf>,
    /// Minutes of generated audio.
    #[arg(long, default_value_t = 3.0)]
    minutes: f64,
    /// Runs per measurement; the fastest counts.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    #[command(flatten)]
    engine: crate::EngineArgs,
}

pub fn run(args: BenchArgs) -> Result<ExitCode> {
    let config = args.engine.config()?;
    if args.files.is_empty() {
        bench_generated(&args, &config);
    }
    for path in &args.files {
        bench_file(path, &config, args.runs.max(1))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn bench_generated(args: &BenchArgs, config: &AnalysisConfig) {
    // A real-sounding track (drums, bass, chords), rendered once (at most a minute of it)
    // and played in a loop to the asked length, so a two-hour run needs no two hours of RAM.
    let mut spec = aidj_synth::demo_library().remove(1);
    let bars_per_minute = spec.bpm / 4.0;
    spec.bars = (args.minutes.min(1.0) * bars_per_minute).ceil().max(1.0) as u32;
    let audio = aidj_synth::render(&spec);
    let total_frames = (args.minutes * 60.0 * f64::from(audio.sample_rate)) as usize;
    let secs = total_frames as f64 / f64::from(audio.sample_rate);
    outln!(
        "generated: {:.1} min, {} Hz, {} channels ({} at {:.1} BPM, looped every {:.0} s)",
        secs / 60.0,
        audio.sample_rate,
        audio.channels.len(),
        spec.title,
        spec.bpm,
        audio.duration_secs()
    );
    let mut best: Option<Timings> = None;
    for _ in 0..args.runs.max(1) {
        let Ok(mut analyzer) =
            Analyzer::new(audio.sample_rate, audio.channels.len(), config.clone())
        else {
            return;
        };
        // Blocks of 4096 frames, as a decoder delivers them.
        let block = 4096;
        let frames = audio.frames();
        let mut done = 0;
        while done < total_frames {
            let start = done % frames;
            let end = (start + block).min(frames).min(start + total_frames - done);
            let planes: Vec<&[f32]> = audio.channels.iter().map(|c| &c[start..end]).collect();
            analyzer.push(&planes);
            done += end - start;
        }
        let (_, _, t) = analyzer.finish();
        if best.as_ref().is_none_or(|b| t.analysis() < b.analysis()) {
            best = Some(t);
        }
    }
    if let Some(t) = best {
        out!("{}", timings_table(&t, secs));
    }
    if let Some(mb) = peak_memory_mb() {
        outln!("peak memory: {mb:.0} MB");
    }
}

/// Peak resident memory of this process (Linux: VmHWM), in MB.
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench_file(path: &std::path::Path, config: &AnalysisConfig, runs: usize) -> Result<()> {
    let mut decode_best = f64::INFINITY;
    let mut audio_secs = 0.0;
    for _ in 0..runs {
        let t = Instant::now();
        let mut file = AudioFile::open(path)?;
        let mut frames = 0u64;
        while file.next_block()? {
            frames += file.block().first().map_or(0, |p| p.len() as u64);
        }
        decode_best = decode_best.min(t.elapsed().as_secs_f64());
        audio_secs = frames as f64 / f64::from(file.info().sample_rate.max(1));
    }
    let mut full_best = f64::INFINITY;
    let mut timings = Timings::default();
    for _ in 0..runs {
        let t = Instant::now();
        let a = analyze_file(path, config).with_context(|| format!("{}", path.display()))?;
        let s = t.elapsed().as_secs_f64();
        if s < full_best {
            full_best = s;
            timings = a.timings;
        }
    }
    outln!(
        "{}: {:.1} s of audio; decode alone {:.0}x real time; decode + analysis {:.0}x ({:.2}x the decode time)",
        path.display(),
        audio_secs,
        audio_secs / decode_best,
        audio_secs / full_best,
        full_best / decode_best
    );
    out!("{}", timings_table(&timings, audio_secs));
    if let Some(mb) = peak_memory_mb() {
        outln!("peak memory: {mb:.0} MB");
    }
    Ok(())
}
