//! Loudness, peaks, crest factor, stereo image, spectral shape, band presence, HPSS and
//! pitch against closed-form values on generated signals.

mod common;
use aidj_synth::signals::{db_to_amp, mid_side, silence, sine, white_noise};
use common::{analyze_audio, assert_close, audio};

#[test]
fn ebu_tech_3341_integrated_loudness_within_0_1_lu() {
    for rate in [48_000, 44_100] {
        for case in aidj_synth::ebu3341::all(rate) {
            let (a, _) = analyze_audio(&case.audio);
            assert_close(
                &format!("EBU 3341 case {} at {rate} Hz", case.number),
                a.dynamics.lufs,
                case.expected_lufs,
                0.1,
            );
        }
    }
}

#[test]
fn a_mono_file_measures_as_dual_mono() {
    // Case 1 as a one-channel file plays on both speakers: still -23 LUFS.
    let case = aidj_synth::ebu3341::case(1, 48_000);
    let mono = audio(48_000, vec![case.audio.channels[0].clone()]);
    let (a, _) = analyze_audio(&mono);
    assert_close("mono case 1", a.dynamics.lufs, -23.0, 0.1);
    assert!(!a.spatial.is_stereo);
    assert_close("mono width", a.spatial.width, 0.0, 1e-9);
}

#[test]
fn sine_levels_crest_factor_and_true_peak() {
    // A 997 Hz sine at -6 dBFS peak: crest factor sqrt(2), sample peak -6 dBFS,
    // RMS -9.01 dBFS, true peak -6 dBTP (within the meter's 0.5 dB oversampling error).
    let amp = db_to_amp(-6.0);
    let x = sine(997.0, amp, 10.0, 44_100);
    let (a, warnings) = analyze_audio(&audio(44_100, vec![x.clone(), x]));
    assert!(warnings.is_empty(), "{warnings:?}");
    let d = &a.dynamics;
    assert_close("crest factor", d.crest_factor, 2f64.sqrt(), 0.01);
    assert_close("crest factor dB", d.crest_factor_db, 3.0103, 0.05);
    assert_close("sample peak", d.sample_peak_dbfs, -6.0, 0.01);
    assert_close("rms total", d.rms_total_dbfs, -9.0103, 0.02);
    assert_close("true peak", d.true_peak_dbtp, -6.0, 0.5);
    // A steady tone has no loudness range to speak of.
    assert_close("loudness range", d.loudness_range_lu, 0.0, 0.5);
}

#[test]
fn stereo_image_matches_closed_form() {
    let rate = 44_100;
    // Mono: L == R.
    let x = sine(440.0, 0.5, 5.0, rate);
    let (a, _) = analyze_audio(&audio(rate, vec![x.clone(), x.clone()]));
    let s = &a.spatial;
    assert_close("mono width", s.width, 0.0, 1e-9);
    assert_close("mono side/mid", s.side_mid_db, -100.0, 1e-9);
    assert_close("mono balance", s.balance_db, 0.0, 1e-9);
    assert_close("mono coherence", s.phase_coherence, 1.0, 1e-9);

    // One-sided: everything in L.
    let (a, _) = analyze_audio(&audio(rate, vec![x.clone(), vec![0.0; x.len()]]));
    let s = &a.spatial;
    assert_close("one-sided width", s.width, 1.0, 1e-6);
    assert_close("one-sided side/mid", s.side_mid_db, 0.0, 1e-6);
    assert_close("one-sided balance", s.balance_db, 100.0, 1e-9);
    assert_close("one-sided coherence", s.phase_coherence, 0.0, 1e-9);

    // Mid = sine amplitude A at 440 Hz, side = sine amplitude B at 1234 Hz (unrelated):
    // width = mean|S|/mean|M| = B/A, side/mid = 20 log10(B/A),
    // coherence = (A^2 - B^2)/(A^2 + B^2).
    let (amp_m, amp_s) = (0.4f32, 0.1f32);
    let m = sine(440.0, amp_m, 20.0, rate);
    let sd = sine(1234.0, amp_s, 20.0, rate);
    let (a, _) = analyze_audio(&mid_side(&m, &sd, rate));
    let s = &a.spatial;
    let ratio = f64::from(amp_s / amp_m);
    assert_close("width", s.width, ratio, 0.002);
    assert_close("side/mid", s.side_mid_db, 20.0 * ratio.log10(), 0.02);
    assert_close("balance", s.balance_db, 0.0, 0.02);
    let (a2, b2) = (f64::from(amp_m * amp_m), f64::from(amp_s * amp_s));
    assert_close("coherence", s.phase_coherence, (a2 - b2) / (a2 + b2), 0.002);

    // Balance: R = L at -6 dB.
    let r: Vec<f32> = x.iter().map(|v| v * db_to_amp(-6.0)).collect();
    let (a, _) = analyze_audio(&audio(rate, vec![x, r]));
    assert_close("balance 6 dB", a.spatial.balance_db, 6.0, 1e-3);
}

#[test]
fn band_presence_is_each_band_share_of_power() {
    // Sines at 80 Hz, 1 kHz and 5 kHz with amplitudes 0.4, 0.2, 0.1: power shares
    // 16:4:1 of 21.
    let rate = 44_100;
    let secs = 10.0;
    let (b, m, t) = (
        sine(80.0, 0.4, secs, rate),
        sine(1000.0, 0.2, secs, rate),
        sine(5000.0, 0.1, secs, rate),
    );
    let x: Vec<f32> = b
        .iter()
        .zip(&m)
        .zip(&t)
        .map(|((a, b), c)| a + b + c)
        .collect();
    let (a, _) = analyze_audio(&audio(rate, vec![x]));
    let i = &a.instrumentation;
    assert_close("bass", i.bass_presence, 16.0 / 21.0, 0.02);
    assert_close("mid", i.mid_presence, 4.0 / 21.0, 0.02);
    assert_close("treble", i.treble_presence, 1.0 / 21.0, 0.02);
    assert_eq!(i.likely_bass_heavy, Some(true));
}

#[test]
fn spectral_shape_of_tone_and_noise() {
    let rate = 22_050;
    let (a, _) = analyze_audio(&audio(rate, vec![sine(1000.0, 0.5, 5.0, rate)]));
    let t = &a.tonal;
    assert_close("centroid of 1 kHz", t.spectral_centroid.mean, 1000.0, 20.0);
    assert!(t.spectral_flatness.mean.expect("flatness") < 0.05);
    // A sine crosses zero twice a period: 2 * 1000 / 22050 per sample.
    assert_close("zcr", t.zero_crossing_rate.mean, 2000.0 / 22050.0, 0.002);

    let (a, _) = analyze_audio(&audio(rate, vec![white_noise(0.3, 5.0, rate, 7)]));
    let t = &a.tonal;
    // White noise: centroid near half of Nyquist, flat spectrum.
    assert_close("centroid of noise", t.spectral_centroid.mean, 5512.0, 300.0);
    assert!(t.spectral_flatness.mean.expect("flatness") > 0.4);
}

#[test]
fn percussive_ratio_separates_sustained_tones_from_clicks() {
    let rate = 44_100;
    let secs = 8.0;
    let chord: Vec<f32> = [261.63, 329.63, 392.0]
        .iter()
        .map(|&f| sine(f, 0.2, secs, rate))
        .fold(vec![0.0; (secs * rate as f64) as usize], |acc, s| {
            acc.iter().zip(&s).map(|(a, b)| a + b).collect()
        });
    let (a, _) = analyze_audio(&audio(rate, vec![chord]));
    let sustained = a.instrumentation.percussive_ratio.expect("ratio");
    assert!(
        sustained < 0.2,
        "sustained chord percussive ratio {sustained}"
    );

    // Noise bursts of 5 ms, 4 per second: all onset, no sustain.
    let noise = white_noise(0.8, secs, rate, 3);
    let burst = (0.005 * rate as f64) as usize;
    let period = rate as usize / 4;
    let clicks: Vec<f32> = noise
        .iter()
        .enumerate()
        .map(|(i, &v)| if i % period < burst { v } else { 0.0 })
        .collect();
    let (a, _) = analyze_audio(&audio(rate, vec![clicks]));
    let percussive = a.instrumentation.percussive_ratio.expect("ratio");
    assert!(percussive > 0.7, "clicks percussive ratio {percussive}");
}

#[test]
fn predominant_pitch_of_a_harmonic_tone() {
    // A 220 Hz tone with 6 harmonics (1/h amplitudes) is voiced throughout at A3.
    let rate = 44_100;
    let secs = 6.0;
    let n = (secs * rate as f64) as usize;
    let mut x = vec![0.0f32; n];
    for h in 1..=6 {
        for (v, s) in x
            .iter_mut()
            .zip(sine(220.0 * h as f64, 0.3 / h as f32, secs, rate))
        {
            *v += s;
        }
    }
    let (a, _) = analyze_audio(&audio(rate, vec![x]));
    let v = &a.vocal;
    assert_close("pitch", v.pitch_median_hz, 220.0, 2.2);
    assert!(v.voiced_ratio.expect("voiced") > 0.9, "{v:?}");
    assert_eq!(v.main_note.as_deref(), Some("A3"));

    let (a, _) = analyze_audio(&audio(rate, vec![white_noise(0.3, secs, rate, 11)]));
    assert!(a.vocal.voiced_ratio.expect("voiced") < 0.1, "{:?}", a.vocal);
}

#[test]
fn silence_and_garbage_samples_give_nulls_and_warnings_not_nan() {
    let rate = 44_100;
    let (a, warnings) = analyze_audio(&audio(rate, vec![silence(5.0, rate), silence(5.0, rate)]));
    assert!(
        warnings.iter().any(|w| w.contains("silent")),
        "{warnings:?}"
    );
    assert_eq!(a.dynamics.lufs, None);
    assert_eq!(a.dynamics.crest_factor, None);
    assert_eq!(a.spatial.width, None);
    let json = serde_json::to_string(&a).expect("json");
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");

    let mut x = sine(440.0, 0.5, 5.0, rate);
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    x[3000] = f32::NEG_INFINITY;
    let (a, warnings) = analyze_audio(&audio(rate, vec![x.clone(), x]));
    assert!(
        warnings.iter().any(|w| w.contains("non-finite")),
        "{warnings:?}"
    );
    assert!(a.dynamics.lufs.is_some_and(f64::is_finite));
    assert_close("peak despite inf", a.dynamics.sample_peak_dbfs, -6.02, 0.01);
}

#[test]
fn results_do_not_depend_on_block_size() {
    let rate = 48_000;
    let x = white_noise(0.3, 6.0, rate, 5);
    let track = audio(rate, vec![x.clone(), x]);
    let (a, _) = common::analyze_with(&track, Default::default(), 4096);
    let (b, _) = common::analyze_with(&track, Default::default(), 313);
    assert_eq!(a.dynamics.lufs, b.dynamics.lufs);
    assert_eq!(a.tonal.spectral_centroid, b.tonal.spectral_centroid);
    assert_eq!(a.rhythm.onset_envelope, b.rhythm.onset_envelope);
}

#[test]
fn out_of_phase_stereo_gives_the_tempo_and_key_of_the_track() {
    // A track whose right channel is the left one inverted (tracker "surround", a flipped
    // channel): the channel mean is silence, but the analysis must hear the music.
    let spec = aidj_synth::TrackSpec::new(
        "Antiphase",
        126.0,
        7,
        true,
        aidj_synth::Groove::FourOnTheFloor,
    );
    let left = aidj_synth::render(&spec).channels.swap_remove(0);
    let rate = spec.sample_rate;
    let right: Vec<f32> = left.iter().map(|x| -x).collect();
    let (a, _) = analyze_audio(&audio(rate, vec![left, right]));
    assert_close("tempo", a.rhythm.tempo_bpm_global, 126.0, 0.5);
    assert_eq!(a.tonal.harmony.key.as_deref(), Some("G minor"));
    assert!(
        a.dynamics.rms_total_dbfs.is_some_and(|d| d > -40.0),
        "{:?}",
        a.dynamics.rms_total_dbfs
    );
}
