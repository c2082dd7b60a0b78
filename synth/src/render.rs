//! Mixing the score into audio.

use crate::arrangement::{self, place, Drum};
use crate::audio::Audio;
use crate::instruments::{self as ins, OneShot, Tables};
use crate::rng::Rng;
use crate::signals::db_to_amp;
use crate::spec::{StereoImage, TrackSpec};

/// Renders a track: 2 channels (even for `Mono`/`LeftOnly`), `spec.frames()` frames,
/// peak-normalised to `spec.peak_dbfs`.
///
/// Every event of [`arrangement::drum_hits`], [`arrangement::bass_notes`],
/// [`arrangement::pad_chords`] and [`arrangement::lead_notes`] is placed at
/// `round(time * sample_rate)`. The last 10 ms fade out.
///
/// # Panics
/// If `bpm` is not finite and positive, or `sample_rate` is 0.
pub fn render(spec: &TrackSpec) -> Audio {
    assert!(
        spec.bpm.is_finite() && spec.bpm > 0.0,
        "bpm must be finite and > 0"
    );
    assert!(spec.sample_rate > 0, "sample_rate must be > 0");
    let sr = spec.sample_rate;
    let fs = f64::from(sr);
    let n = spec.frames();
    let mut mid = vec![0.0f32; n];
    let mut side = vec![0.0f32; n];
    let to_frame = |t: f64| (t * fs).round().max(0.0) as usize;

    // Drums.
    let mut rng = Rng::stream(spec.seed, 3);
    let kick_tail = spec.midi_hz(f64::from(place(spec.key_root, 26)));
    let kick = ins::kick(sr, kick_tail, &mut rng);
    let snare = ins::snare(sr, &mut rng);
    let clap = ins::clap(sr, &mut rng);
    let closed: Vec<OneShot> = (0..4).map(|_| ins::closed_hat(sr, &mut rng)).collect();
    let open: Vec<OneShot> = (0..2).map(|_| ins::open_hat(sr, &mut rng)).collect();
    let ride: Vec<OneShot> = (0..2).map(|_| ins::ride(sr, &mut rng)).collect();
    let crash = ins::crash(sr, &mut rng);
    for (i, h) in arrangement::drum_hits(spec).iter().enumerate() {
        let shot = match h.drum {
            Drum::Kick => &kick,
            Drum::Snare => &snare,
            Drum::Clap => &clap,
            Drum::ClosedHat => &closed[i % closed.len()],
            Drum::OpenHat => &open[i % open.len()],
            Drum::Ride => &ride[i % ride.len()],
            Drum::Crash => &crash,
        };
        ins::add_shot(&mut mid, &mut side, shot, to_frame(h.time_secs), h.velocity);
    }

    // Pitched parts.
    let tables = Tables::new();
    let mut prng = Rng::stream(spec.seed, 4);
    for b in arrangement::bass_notes(spec) {
        let start = to_frame(b.start_secs);
        let gate = to_frame(b.start_secs + b.dur_secs).saturating_sub(start);
        let hz = spec.midi_hz(f64::from(b.midi));
        ins::add_bass_note(&mut mid, sr, &tables, start, gate, hz, b.velocity);
    }
    for p in arrangement::pad_chords(spec) {
        let start = to_frame(p.start_secs);
        let gate = to_frame(p.start_secs + p.dur_secs).saturating_sub(start);
        let attack = if p.slow_attack { 1.2 } else { 0.06 };
        for &m in &p.midis {
            let hz = spec.midi_hz(f64::from(m));
            ins::add_pad_voice(
                &mut mid, &mut side, sr, &tables, start, gate, hz, attack, p.velocity, &mut prng,
            );
        }
    }
    for l in arrangement::lead_notes(spec) {
        let start = to_frame(l.start_secs);
        let gate = to_frame(l.start_secs + l.dur_secs).saturating_sub(start);
        let hz = spec.midi_hz(f64::from(l.midi));
        ins::add_lead_note(
            &mut mid, &mut side, sr, &tables, start, gate, hz, l.velocity, &mut prng,
        );
    }

    // Final fade (10 ms).
    let fade = ((0.01 * fs).round() as usize).min(n);
    for (k, (m, s)) in mid[n - fade..]
        .iter_mut()
        .zip(side[n - fade..].iter_mut())
        .enumerate()
    {
        let g = 1.0 - (k + 1) as f32 / fade as f32;
        *m *= g;
        *s *= g;
    }

    // Stereo image.
    let (mut l, mut r) = match spec.stereo {
        StereoImage::Mono => (mid.clone(), mid),
        StereoImage::LeftOnly => (mid, vec![0.0f32; n]),
        StereoImage::Wide { side_gain } => {
            let g = side_gain.clamp(0.0, 1.0);
            let l: Vec<f32> = mid.iter().zip(&side).map(|(&m, &s)| m + g * s).collect();
            let r: Vec<f32> = mid.iter().zip(&side).map(|(&m, &s)| m - g * s).collect();
            (l, r)
        }
    };

    // Peak normalisation.
    let peak = l
        .iter()
        .chain(r.iter())
        .fold(0.0f32, |p, &x| p.max(x.abs()));
    if peak > 0.0 {
        let g = db_to_amp(spec.peak_dbfs) / peak;
        for x in l.iter_mut().chain(r.iter_mut()) {
            *x *= g;
        }
    }
    Audio {
        sample_rate: sr,
        channels: vec![l, r],
    }
}
