//! Runs a [`Layout`] through the plugin's mixer engine ([`aidj_mixer::Mixer`], the same
//! presets and transition automation on the same beat clock), then matches loudness and
//! keeps the true peak under the ceiling.

use aidj_analysis::features::loudness::LoudnessMeter;
use aidj_mixer::{Mixer, MixerParams, TransitionControl, TransitionDrive};

use crate::error::Result;
use crate::layout::Layout;
use crate::track::Track;
use crate::warp::Interpolator;

/// Frames per mixer call.
const BLOCK: usize = 256;
/// Loudness matching never moves a track by more than this, dB.
const MAX_MATCH_DB: f64 = 12.0;
/// The mixer starts this long before a join (its output is used from half-way: its filters
/// have settled by then).
const PRIME_SECS: f64 = 2.0;
/// A mixer whose output differs from its input by less than this is idle.
const TRANSPARENT: f32 = 1e-6;
/// Headroom kept under the ceiling, dB, so that other true-peak meters (ffmpeg's ebur128
/// among them) agree that it is under.
const CEILING_MARGIN_DB: f64 = 0.1;

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Tempo changes keep the pitch (time-stretch) instead of resampling.
    pub keylock: bool,
    /// Highest true peak of the output, dBTP.
    pub ceiling_dbtp: f64,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            keylock: false,
            ceiling_dbtp: -1.0,
        }
    }
}

/// A rendered mix.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub rate: u32,
    pub audio: [Vec<f32>; 2],
    /// Gain each track got to match the first one's loudness, dB.
    pub track_gains_db: Vec<f64>,
    /// Gain applied to the whole mix to stay under the ceiling, dB (0 or negative).
    pub ceiling_gain_db: f64,
    /// Integrated loudness of the output, LUFS.
    pub lufs: Option<f64>,
    /// True peak of the output, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Share of the output that went through the mixer (the rest is one track alone,
    /// where the idle mixer would pass it unchanged).
    pub mixer_share: f64,
}

/// Gains that bring every track to the first one's integrated loudness (from the reports).
pub fn loudness_gains_db(tracks: &[Track]) -> Vec<f64> {
    let reference = tracks.first().and_then(|t| t.report.analysis.dynamics.lufs);
    tracks
        .iter()
        .map(|t| match (reference, t.report.analysis.dynamics.lufs) {
            (Some(r), Some(l)) if r.is_finite() && l.is_finite() => {
                (r - l).clamp(-MAX_MATCH_DB, MAX_MATCH_DB)
            }
            _ => 0.0,
        })
        .collect()
}

/// Fills the two decks' inputs block by block: each track on its deck (track `i` on deck
/// `i % 2`), read at the layout's positions (or stretched, with keylock), at its loudness
/// gain.
struct Feeder<'a> {
    tracks: &'a [Track],
    layout: &'a Layout,
    gains: Vec<f32>,
    ranges: Vec<(u64, u64)>,
    interp: Interpolator,
    stretched: crate::keylock::Stretched,
}

impl<'a> Feeder<'a> {
    fn new(tracks: &'a [Track], layout: &'a Layout, opts: &RenderOptions) -> Result<Self> {
        let gains = loudness_gains_db(tracks)
            .iter()
            .map(|db| 10f32.powf(*db as f32 / 20.0))
            .collect();
        // Where each track plays in the output.
        let ranges = (0..tracks.len())
            .map(|i| {
                let begin = i
                    .checked_sub(1)
                    .and_then(|k| layout.joins.get(k))
                    .map_or(0, |j| j.start);
                let end = layout.joins.get(i).map_or(layout.len, |j| j.end());
                (begin, end)
            })
            .collect();
        Ok(Feeder {
            tracks,
            layout,
            gains,
            ranges,
            interp: Interpolator::new(),
            stretched: crate::keylock::Stretched::new(opts.keylock)?,
        })
    }

    /// Output samples `n0..n1` of both decks into `decks[deck][channel][..n1 - n0]`.
    fn fill(&mut self, n0: usize, n1: usize, decks: &mut [[[f32; BLOCK]; 2]; 2]) {
        let frames = n1 - n0;
        let (tracks, layout, rate) = (self.tracks, self.layout, f64::from(self.layout.rate));
        let (interp, stretched) = (&self.interp, &mut self.stretched);
        for d in decks.iter_mut() {
            for c in d.iter_mut() {
                c[..frames].fill(0.0);
            }
        }
        for (i, track) in tracks.iter().enumerate() {
            let (begin, end) = self.ranges[i];
            if end <= n0 as u64 || begin >= n1 as u64 {
                continue;
            }
            let deck = &mut decks[i % 2];
            let g = self.gains[i];
            for (k, n) in (n0..n1).enumerate() {
                let Some(secs) = layout.source_secs(i, n as u64) else {
                    continue;
                };
                let stretch = stretched.frame(tracks, layout, i, n as u64);
                if let Some(([l, r], 1.0)) = stretch {
                    deck[0][k] = l * g;
                    deck[1][k] = r * g;
                    continue;
                }
                let pos = secs * rate;
                let mut plain = [
                    interp.at(&track.audio[0], pos),
                    interp.at(&track.audio[1], pos),
                ];
                if let Some((s, w)) = stretch {
                    for (p, s) in plain.iter_mut().zip(s) {
                        *p = w * s + (1.0 - w) * *p;
                    }
                }
                deck[0][k] = plain[0] * g;
                deck[1][k] = plain[1] * g;
            }
        }
    }
}

/// The two decks' inputs as the mixer gets them over the whole layout (`[deck][channel]`):
/// for comparing with the plugin fed the same decks.
///
/// # Errors
/// As [`render`].
pub fn deck_signals(
    tracks: &[Track],
    layout: &Layout,
    opts: &RenderOptions,
) -> Result<[[Vec<f32>; 2]; 2]> {
    let len = usize::try_from(layout.len).unwrap_or(usize::MAX);
    let mut feeder = Feeder::new(tracks, layout, opts)?;
    let mut out: [[Vec<f32>; 2]; 2] = Default::default();
    let mut decks = [[[0.0f32; BLOCK]; 2]; 2];
    let mut n0 = 0;
    while n0 < len {
        let n1 = (n0 + BLOCK).min(len);
        feeder.fill(n0, n1, &mut decks);
        for (o, d) in out.iter_mut().zip(&decks) {
            for (oc, dc) in o.iter_mut().zip(d) {
                oc.extend_from_slice(&dc[..n1 - n0]);
            }
        }
        n0 = n1;
    }
    Ok(out)
}

/// Renders `layout` of `tracks` (all at the layout's rate); `progress` gets the fraction
/// done now and then.
///
/// # Errors
/// [`crate::Error::NoKeylock`] when keylock is asked of a build without it.
pub fn render(
    tracks: &[Track],
    layout: &Layout,
    opts: &RenderOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Rendered> {
    let rate = f64::from(layout.rate);
    let len = usize::try_from(layout.len).unwrap_or(usize::MAX);
    let mut feeder = Feeder::new(tracks, layout, opts)?;
    let mut mixer = Mixer::new(rate, BLOCK);
    let mut out = [vec![0.0f32; len], vec![0.0f32; len]];
    let mut decks = [[[0.0f32; BLOCK]; 2]; 2];
    let mut params = MixerParams {
        crossfader: -1.0,
        ..MixerParams::default()
    };
    let prime = (PRIME_SECS * rate) as u64;
    let (mut running, mut use_output) = (false, false);
    let mut mixed_frames = 0usize;
    let mut next_report = 0usize;
    let mut n0 = 0usize;
    while n0 < len {
        let n1 = (n0 + BLOCK).min(len);
        let frames = n1 - n0;
        feeder.fill(n0, n1, &mut decks);
        // The mixer runs around the joins; elsewhere one track plays through an idle,
        // transparent mixer, and its copy is the same audio at a fraction of the cost.
        let next = layout.joins.iter().find(|j| j.end() > n0 as u64);
        let in_window = next.is_some_and(|j| n1 as u64 > j.start.saturating_sub(prime));
        if in_window && !running {
            running = true;
        }
        let [ol, or] = &mut out;
        if running {
            if let Some(join) = layout.join_at(n0 as u64) {
                let u = join.clock.beat_at(n0 as f64 - join.start as f64, rate);
                params.tempo_bpm = join.clock.tempo(u.clamp(0.0, join.beats()));
                params.transition = Some(TransitionControl {
                    shape: join.shape,
                    direction: join.direction,
                    drive: TransitionDrive::Clock { start_beat: 0.0 },
                });
                mixer.set_beat_position(u);
            }
            mixer.process(
                &params,
                [&decks[0][0][..frames], &decks[0][1][..frames]],
                [&decks[1][0][..frames], &decks[1][1][..frames]],
                [&mut ol[n0..n1], &mut or[n0..n1]],
            );
            mixed_frames += frames;
            if !use_output {
                // Primed for half the lead-in: its output is the mix from here.
                use_output = next.is_some_and(|j| n0 as u64 + prime / 2 >= j.start);
            } else if !in_window {
                // After a join: back to copying once the mixer passes the audio unchanged
                // (the end state is neutral and any echo has died away).
                let same = (0..frames).all(|k| {
                    let copy = [
                        decks[0][0][k] + decks[1][0][k],
                        decks[0][1][k] + decks[1][1][k],
                    ];
                    (ol[n0 + k] - copy[0]).abs() < TRANSPARENT
                        && (or[n0 + k] - copy[1]).abs() < TRANSPARENT
                });
                if same {
                    running = false;
                    use_output = false;
                }
            }
        }
        if !use_output {
            for k in 0..frames {
                ol[n0 + k] = decks[0][0][k] + decks[1][0][k];
                or[n0 + k] = decks[0][1][k] + decks[1][1][k];
            }
        }
        if n0 >= next_report {
            progress(n0 as f64 / len as f64);
            next_report = n0 + (len / 100).max(BLOCK);
        }
        n0 = n1;
    }
    progress(1.0);
    let mixer_share = mixed_frames as f64 / len.max(1) as f64;

    // Loudness and the true-peak ceiling.
    let mut meter = LoudnessMeter::new(2, layout.rate, true);
    meter.push(&[&out[0], &out[1]]);
    let tp = meter.true_peak().filter(|p| *p > 0.0);
    let target = 10f64.powf((opts.ceiling_dbtp - CEILING_MARGIN_DB) / 20.0);
    let scale = match tp {
        Some(p) if p > target => target / p,
        _ => 1.0,
    };
    if scale < 1.0 {
        let s = scale as f32;
        out.iter_mut().flatten().for_each(|x| *x *= s);
    }
    let ceiling_gain_db = 20.0 * scale.log10();
    Ok(Rendered {
        rate: layout.rate,
        audio: out,
        track_gains_db: loudness_gains_db(tracks),
        ceiling_gain_db,
        lufs: meter.integrated().map(|l| l + ceiling_gain_db),
        true_peak_dbtp: tp.map(|p| 20.0 * (p * scale).log10()),
        mixer_share,
    })
}
