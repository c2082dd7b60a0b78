//! `aidj live FILE`: the plugin's live analysis run on a file, as fast as it goes, in
//! host-sized blocks, printing what a deck would show once per second of audio.

use aidj_analysis::decode::AudioFile;
use aidj_analysis::downmix::Downmix;
use aidj_analysis::live::{LiveAnalyzer, LiveConfig, LiveSnapshot};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct LiveArgs {
    /// Audio file to play through the live analysis.
    file: PathBuf,
    /// One JSON object per line: {"t", "bpm", "bpm_confidence", "key", "camelot",
    /// "key_confidence", "lufs_short", "energy", ...} (null while unknown).
    #[arg(long)]
    json: bool,
    /// Frames per block, as a host would deliver them.
    #[arg(long, default_value_t = 512)]
    block: usize,
    /// Seconds of audio between two snapshots.
    #[arg(long, default_value_t = 1.0)]
    every: f64,
}

pub fn run(a: LiveArgs) -> Result<ExitCode> {
    if a.block == 0 || a.every.is_nan() || a.every <= 0.0 {
        bail!("--block and --every must be positive");
    }
    let name = a.file.display().to_string();
    let mut file = AudioFile::open(&a.file).with_context(|| name.clone())?;
    let mut live: Option<LiveAnalyzer> = None;
    let mut mono: Vec<f32> = Vec::new();
    let mut downmix = Downmix::new();
    let mut pending: Vec<f32> = Vec::new();
    let mut next_report = a.every;
    while file.next_block().with_context(|| name.clone())? {
        let planes = file.block();
        if live.is_none() {
            let rate = file.info().sample_rate;
            live =
                Some(LiveAnalyzer::new(rate, LiveConfig::default()).with_context(|| name.clone())?);
        }
        let Some(live) = live.as_mut() else { continue };
        // The plugin's copy: the analysis' downmix of the deck's channels.
        let len = planes.iter().map(Vec::len).min().unwrap_or(0);
        let views: Vec<&[f32]> = planes.iter().map(|p| &p[..len]).collect();
        downmix.observe(&views, 0..len);
        mono.clear();
        downmix.mix_into(&views, 0..len, &mut mono);
        pending.extend_from_slice(&mono);
        let mut start = 0;
        while pending.len() - start >= a.block {
            live.push(&pending[start..start + a.block]);
            start += a.block;
            if live.secs() + 1e-9 >= next_report {
                print(&live.snapshot(), a.json)?;
                next_report += a.every;
            }
        }
        pending.drain(..start);
    }
    let Some(mut live) = live else {
        bail!("{name}: no audio");
    };
    if !pending.is_empty() {
        live.push(&pending);
    }
    print(&live.snapshot(), a.json)?;
    Ok(ExitCode::SUCCESS)
}

fn print(s: &LiveSnapshot, json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string(s)?);
        return Ok(());
    }
    let num = |v: Option<f64>, digits: usize| {
        v.map_or_else(|| "-".to_string(), |x| format!("{x:.digits$}"))
    };
    // Beat of the bar, "2/3" in a waltz.
    let beat = match (s.beat_in_bar, s.beats_per_bar) {
        (Some(b), Some(n)) => format!("{}/{n}", u16::from(b) + 1),
        _ => "-".to_string(),
    };
    outln!(
        "{:7.1} s  track {}  {:>7} BPM ({})  beat {beat:<3}  {:>3} {:<9} ({})  {:>6} LUFS  energy {}",
        s.t,
        s.track,
        num(s.bpm, 2),
        num(s.bpm_confidence, 2),
        s.camelot.as_deref().unwrap_or("-"),
        s.key.as_deref().unwrap_or("-"),
        num(s.key_confidence, 2),
        num(s.lufs_short, 1),
        num(s.energy, 2),
    );
    Ok(())
}
