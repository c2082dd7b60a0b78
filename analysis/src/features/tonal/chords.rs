//! Chord track: one chroma vector per beat (or per fixed step), 24 triad templates with
//! a bass-root cue, and a Viterbi pass that charges a penalty per chord change.

use super::{keyfind::pearson_rotated, ChordSegment, Chords, TonalConfig};
use crate::key::Key;
use crate::util::finite;
use std::collections::BTreeMap;

const MAJOR_TRIAD: [f64; 12] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
const MINOR_TRIAD: [f64; 12] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
/// Bass template: the root, and the fifth a little (inversions are rarer).
const BASS_ROOT: [f64; 12] = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0];
const BASS_WEIGHT: f64 = 0.4;
/// Score charged for changing chord between two steps.
const CHANGE_PENALTY: f64 = 0.15;
/// Index of the "no chord" state.
const N: usize = 24;

/// Step boundaries (seconds from the stream start) covering `[t0, t1)`.
fn steps(t0: f64, t1: f64, beats: &[f64], step: f64) -> (Vec<f64>, bool) {
    let inside: Vec<f64> = beats
        .iter()
        .copied()
        .filter(|&b| b.is_finite() && b > t0 && b < t1)
        .collect();
    let mut edges = vec![t0];
    let beat_sync = inside.len() >= 2;
    if beat_sync {
        for b in inside {
            // Skip beats closer than 0.1 s to the previous edge.
            if edges.last().is_some_and(|&e| b - e >= 0.1) {
                edges.push(b);
            }
        }
    } else {
        let step = if step.is_finite() && step > 0.05 {
            step
        } else {
            0.5
        };
        let mut t = t0 + step;
        while t < t1 - 0.5 * step {
            edges.push(t);
            t += step;
        }
    }
    if t1 - edges.last().copied().unwrap_or(t0) < 0.1 && edges.len() > 1 {
        edges.pop();
    }
    edges.push(t1);
    (edges, beat_sync)
}

/// The chord track of `treble`/`bass` (compressed chroma per frame, frame `i` at
/// `time0 + i / fr`).
pub(super) fn track(
    treble: &[[f64; 12]],
    bass: &[[f64; 12]],
    active: &[bool],
    time0: f64,
    fr: f64,
    beats: &[f64],
    cfg: &TonalConfig,
) -> Chords {
    let n = treble.len();
    let t1 = time0 + n as f64 / fr;
    let (edges, beat_synchronous) = steps(time0, t1, beats, cfg.chord_step_secs);
    let m = edges.len() - 1;
    // Emission scores per step: 24 triads + N.
    let mut emit: Vec<[f64; 25]> = Vec::with_capacity(m);
    let frame_of = |t: f64| (((t - time0) * fr).ceil().max(0.0) as usize).min(n);
    for w in edges.windows(2) {
        let (mut a, mut b) = (frame_of(w[0]), frame_of(w[1]));
        if b <= a {
            // A step shorter than a frame: use the nearest frame.
            a = (((w[0] - time0) * fr).round().max(0.0) as usize).min(n - 1);
            b = a + 1;
        }
        let mut t = [0.0; 12];
        let mut bs = [0.0; 12];
        let mut k = 0usize;
        for i in a..b {
            if active[i] {
                for j in 0..12 {
                    t[j] += treble[i][j];
                    bs[j] += bass[i][j];
                }
                k += 1;
            }
        }
        let mut e = [f64::NEG_INFINITY; 25];
        let energy: f64 = t.iter().sum::<f64>() / k.max(1) as f64;
        // No chord: silent, or too little pitched energy (compressed chroma sums to
        // roughly 12 * ln(11) for loud, rich frames).
        if k == 0 || energy < 0.3 {
            e[N] = 1.0;
        } else {
            let use_bass = bs.iter().sum::<f64>() > 1e-6;
            for (i, s) in e.iter_mut().take(24).enumerate() {
                let (root, minor) = (i / 2, i % 2 == 1);
                let tmpl = if minor { &MINOR_TRIAD } else { &MAJOR_TRIAD };
                let r = pearson_rotated(&t, tmpl, root);
                *s = if use_bass {
                    (r + BASS_WEIGHT * pearson_rotated(&bs, &BASS_ROOT, root)) / (1.0 + BASS_WEIGHT)
                } else {
                    r
                };
            }
            e[N] = 0.0;
        }
        emit.push(e);
    }
    let path = viterbi(&emit);
    // Merge equal consecutive labels.
    let mut segments: Vec<ChordSegment> = Vec::new();
    let mut conf_acc: (f64, f64) = (0.0, 0.0);
    let mut changes = 0usize;
    for (s, &state) in path.iter().enumerate() {
        let label = label(state);
        let (start, end) = (edges[s], edges[s + 1]);
        let c = if state == N {
            0.0
        } else {
            emit[s][state].clamp(0.0, 1.0)
        };
        match segments.last_mut() {
            Some(last) if last.chord == label => {
                last.end = end;
                conf_acc.0 += c * (end - start);
                conf_acc.1 += end - start;
            }
            _ => {
                if let Some(last) = segments.last_mut() {
                    last.confidence = finite(conf_acc.0 / conf_acc.1.max(1e-9));
                    changes += 1;
                }
                conf_acc = (c * (end - start), end - start);
                segments.push(ChordSegment {
                    start,
                    end,
                    chord: label,
                    confidence: None,
                });
            }
        }
    }
    if let Some(last) = segments.last_mut() {
        last.confidence = finite(conf_acc.0 / conf_acc.1.max(1e-9));
    }
    let total = t1 - time0;
    let mut histogram: BTreeMap<String, f64> = BTreeMap::new();
    for s in &segments {
        *histogram.entry(s.chord.clone()).or_insert(0.0) += (s.end - s.start) / total;
    }
    Chords {
        beat_synchronous,
        segments: downsample(segments, cfg.max_curve_points),
        histogram,
        changes_per_minute: finite(changes as f64 * 60.0 / total),
    }
}

fn label(state: usize) -> String {
    if state == N {
        "N".to_string()
    } else {
        Key::from_index(state as u8).short_name()
    }
}

/// Most likely state path: maximises the sum of emission scores minus
/// [`CHANGE_PENALTY`] per change.
fn viterbi(emit: &[[f64; 25]]) -> Vec<usize> {
    let m = emit.len();
    if m == 0 {
        return Vec::new();
    }
    let mut back: Vec<[u8; 25]> = vec![[0; 25]; m];
    let mut score = emit[0];
    for t in 1..m {
        // Best previous state overall (for a change) vs staying.
        let (mut bi, mut bv) = (0usize, f64::NEG_INFINITY);
        for (i, &v) in score.iter().enumerate() {
            if v > bv {
                bi = i;
                bv = v;
            }
        }
        let mut next = [f64::NEG_INFINITY; 25];
        for j in 0..25 {
            let stay = score[j];
            let change = bv - CHANGE_PENALTY;
            let (from, v) = if stay >= change {
                (j, stay)
            } else {
                (bi, change)
            };
            next[j] = v + emit[t][j];
            back[t][j] = from as u8;
        }
        score = next;
    }
    let mut state = (0..25)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]).then(b.cmp(&a)))
        .unwrap_or(N);
    let mut path = vec![0usize; m];
    for t in (0..m).rev() {
        path[t] = state;
        state = usize::from(back[t][state]);
    }
    path
}

/// At most `max` segments: consecutive segments grouped evenly, each group labelled by
/// the chord holding most of its time; equal neighbours merged again.
fn downsample(segments: Vec<ChordSegment>, max: usize) -> Vec<ChordSegment> {
    if max == 0 || segments.len() <= max {
        return segments;
    }
    let factor = segments.len().div_ceil(max);
    let mut out: Vec<ChordSegment> = Vec::new();
    for group in segments.chunks(factor) {
        let mut time: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        for s in group {
            let e = time.entry(&s.chord).or_insert((0.0, 0.0));
            e.0 += s.end - s.start;
            e.1 += s.confidence.unwrap_or(0.0) * (s.end - s.start);
        }
        let (label, (dur, cw)) = time
            .iter()
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
            .map(|(l, v)| (l.to_string(), *v))
            .unwrap_or_default();
        let seg = ChordSegment {
            start: group[0].start,
            end: group[group.len() - 1].end,
            chord: label,
            confidence: finite(cw / dur.max(1e-9)),
        };
        match out.last_mut() {
            Some(last) if last.chord == seg.chord => last.end = seg.end,
            _ => out.push(seg),
        }
    }
    out
}
