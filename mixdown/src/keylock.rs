//! Keylock: during a transition, a deck's tempo change by time-stretching with the pitch
//! kept (Signalsmith Stretch, `keylock` feature) instead of resampling. Each join's stretch
//! of each deck is made when the render reaches it: the stretcher is fed the source so
//! that output frame `k` is centred on the source position the beat clock asks for
//! (its input and output latencies allowed for), and joins the unstretched audio on
//! either side with a short crossfade.

#[cfg(not(feature = "keylock"))]
use crate::error::Error;
use crate::error::Result;
use crate::layout::Layout;
use crate::track::Track;

/// Crossfade between stretched and plain audio at a join's edges, seconds.
#[cfg(feature = "keylock")]
const EDGE_SECS: f64 = 0.02;

/// One track's stretched audio over a range of output samples.
#[cfg(feature = "keylock")]
struct Piece {
    track: usize,
    start: u64,
    audio: [Vec<f32>; 2],
    /// Frames of crossfade in at the start (0 when the track enters silent) and out at
    /// the end (0 when it leaves faded out).
    fade_in: usize,
    fade_out: usize,
}

/// The stretched pieces of the join being rendered (nothing without keylock).
pub struct Stretched {
    #[cfg(feature = "keylock")]
    on: bool,
    #[cfg(feature = "keylock")]
    join: Option<usize>,
    #[cfg(feature = "keylock")]
    pieces: Vec<Piece>,
}

impl Stretched {
    /// Keylock on or off.
    ///
    /// # Errors
    /// [`Error::NoKeylock`] when on in a build without the `keylock` feature.
    pub fn new(on: bool) -> Result<Self> {
        #[cfg(not(feature = "keylock"))]
        {
            if on {
                return Err(Error::NoKeylock);
            }
            Ok(Stretched {})
        }
        #[cfg(feature = "keylock")]
        {
            Ok(Stretched {
                on,
                join: None,
                pieces: Vec::new(),
            })
        }
    }

    /// Track `track`'s stretched frame at output sample `n` with its weight (1 inside a
    /// join; less in the edge crossfades, where the caller mixes in the plain audio), or
    /// `None` where the plain audio plays.
    #[cfg(not(feature = "keylock"))]
    pub fn frame(&mut self, _: &[Track], _: &Layout, _: usize, _: u64) -> Option<([f32; 2], f32)> {
        None
    }

    /// See the other `frame`.
    #[cfg(feature = "keylock")]
    pub fn frame(
        &mut self,
        tracks: &[Track],
        layout: &Layout,
        track: usize,
        n: u64,
    ) -> Option<([f32; 2], f32)> {
        if !self.on {
            return None;
        }
        let edge = (EDGE_SECS * f64::from(layout.rate)) as u64;
        let k = layout
            .joins
            .iter()
            .position(|j| n + edge >= j.start && n < j.end() + edge)?;
        if self.join != Some(k) {
            self.join = Some(k);
            self.pieces = stretch_join(tracks, layout, k, edge);
        }
        let piece = self.pieces.iter().find(|p| p.track == track)?;
        let i = usize::try_from(n.checked_sub(piece.start)?).ok()?;
        let len = piece.audio[0].len();
        if i >= len {
            return None;
        }
        let mut w = 1.0f32;
        if i < piece.fade_in {
            w = i as f32 / piece.fade_in as f32;
        }
        if piece.fade_out > 0 && i + piece.fade_out >= len {
            w = w.min((len - i) as f32 / piece.fade_out as f32);
        }
        Some(([piece.audio[0][i], piece.audio[1][i]], w))
    }
}

/// Both tracks of join `k`, stretched over the join and `edge` frames either side.
#[cfg(feature = "keylock")]
fn stretch_join(tracks: &[Track], layout: &Layout, k: usize, edge: u64) -> Vec<Piece> {
    let join = &layout.joins[k];
    let rate = f64::from(layout.rate);
    let mut pieces = Vec::new();
    for &(i, outgoing) in &[(join.out_track, true), (join.in_track, false)] {
        // The outgoing track crossfades in from its plain audio before the join; the
        // incoming one enters silent (the crossfader) and crossfades out into its plain
        // audio after the join.
        let start = if outgoing {
            join.start.saturating_sub(edge)
        } else {
            join.start
        };
        let end = if outgoing {
            join.end()
        } else {
            join.end() + edge
        };
        let positions: Vec<f64> = (start..end)
            .map_while(|n| layout.source_secs(i, n).map(|s| s * rate))
            .collect();
        if positions.len() < 2 {
            continue;
        }
        let audio = stretch(&tracks[i].audio, layout.rate, &positions);
        pieces.push(Piece {
            track: i,
            start,
            audio,
            fade_in: if outgoing { edge as usize } else { 0 },
            fade_out: if outgoing { 0 } else { edge as usize },
        });
    }
    pieces
}

/// Output frames `positions.len()`, frame `k` centred on source sample `positions[k]`
/// (increasing), with the pitch of the source.
#[cfg(feature = "keylock")]
pub fn stretch(src: &[Vec<f32>; 2], rate: u32, positions: &[f64]) -> [Vec<f32>; 2] {
    use signalsmith_stretch::Stretch;
    const BLOCK: usize = 256;
    let mut st = Stretch::preset_default(2, rate);
    let in_lat = st.input_latency() as f64;
    let out_lat = st.output_latency();
    let n = positions.len();
    let slope = (positions[n - 1] - positions[0]) / (n - 1) as f64;
    // Source position wanted at output frame `k`, extrapolated past the end.
    let want = |k: usize| -> f64 {
        if k < n {
            positions[k]
        } else {
            positions[n - 1] + (k - n + 1) as f64 * slope
        }
    };
    let frame = |i: i64| -> [f32; 2] {
        if i < 0 {
            return [0.0; 2];
        }
        let i = i as usize;
        [
            src[0].get(i).copied().unwrap_or(0.0),
            src[1].get(i).copied().unwrap_or(0.0),
        ]
    };
    let interleave = |from: i64, to: i64| -> Vec<f32> { (from..to).flat_map(frame).collect() };
    // Pre-roll: the input just before the first block's, at the starting rate.
    let mut fed = (want(0) + in_lat).round() as i64;
    let preroll = 2 * (in_lat as i64 + out_lat as i64);
    st.seek(interleave(fed - preroll, fed), slope.max(0.01));
    let mut out = [
        Vec::with_capacity(n + out_lat),
        Vec::with_capacity(n + out_lat),
    ];
    let mut obuf = vec![0.0f32; 2 * BLOCK];
    let mut k = 0usize;
    // Frame `k` comes out `out_lat` frames after the input centred on it went in.
    let total = n + out_lat;
    while k < total {
        let m = BLOCK.min(total - k);
        let to = (want(k + m) + in_lat).round() as i64;
        let input = interleave(fed, to.max(fed));
        fed = to.max(fed);
        st.process(&input, &mut obuf[..2 * m]);
        for f in obuf[..2 * m].chunks_exact(2) {
            out[0].push(f[0]);
            out[1].push(f[1]);
        }
        k += m;
    }
    for c in out.iter_mut() {
        c.drain(..out_lat.min(c.len()));
        c.truncate(n);
    }
    out
}
