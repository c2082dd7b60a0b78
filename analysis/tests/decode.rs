//! Decoding every supported format, sample rate and channel layout, with tags; and every
//! kind of bad input giving a clear error naming the file, or a report with warnings.
//! Fixtures are encoded by ffmpeg (scripts/test.sh installs it).

mod common;
use aidj_analysis::decode::AudioFile;
use aidj_analysis::{analyze_file, AnalysisConfig, Error};
use aidj_synth::signals::sine;
use std::path::{Path, PathBuf};
use std::process::Command;

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg is needed by these tests: run scripts/test.sh to install it");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 6 s stereo WAV: a 440 Hz tone at -12 dBFS left, 660 Hz right, with clicks.
fn source_wav(dir: &Path, rate: u32, channels: usize) -> PathBuf {
    let secs = 6.0;
    let mut planes: Vec<Vec<f32>> = (0..channels)
        .map(|c| sine(440.0 * (1.0 + 0.5 * c as f64), 0.25, secs, rate))
        .collect();
    for p in &mut planes {
        for i in (0..p.len()).step_by(rate as usize / 2) {
            p[i] = 0.9;
        }
    }
    let path = dir.join(format!("src_{rate}_{channels}.wav"));
    common::audio(rate, planes)
        .write_wav(&path)
        .expect("write wav");
    path
}

fn config() -> AnalysisConfig {
    AnalysisConfig::default()
}

#[test]
fn every_format_decodes_with_tags_duration_and_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = source_wav(dir.path(), 44_100, 2);
    let reference = analyze_file(&wav, &config()).expect("wav");
    let ref_lufs = reference.report.analysis.dynamics.lufs.expect("lufs");
    assert_eq!(
        reference.report.metadata.title.as_deref(),
        Some("src_44100_2")
    );
    let cases: &[(&str, &[&str])] = &[
        ("flac", &["-c:a", "flac"]),
        ("mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]),
        ("ogg", &["-c:a", "libvorbis", "-q:a", "5"]),
        ("m4a", &["-c:a", "aac", "-b:a", "192k"]),
        ("aiff", &["-c:a", "pcm_s16be", "-write_id3v2", "1"]),
    ];
    for (ext, codec) in cases {
        let out = dir.path().join(format!("tagged.{ext}"));
        let out_s = out.to_string_lossy().into_owned();
        let mut args = vec!["-i", wav.to_str().expect("utf8")];
        args.extend_from_slice(codec);
        args.extend_from_slice(&[
            "-metadata",
            "title=Night Drive",
            "-metadata",
            "artist=The Testers",
            "-metadata",
            "album=Fixtures",
            &out_s,
        ]);
        ffmpeg(&args);
        let a = analyze_file(&out, &config()).unwrap_or_else(|e| panic!("{ext}: {e}"));
        let m = &a.report.metadata;
        assert_eq!(m.title.as_deref(), Some("Night Drive"), "{ext} title");
        assert_eq!(m.artist.as_deref(), Some("The Testers"), "{ext} artist");
        assert_eq!(m.channels, Some(2), "{ext}");
        assert_eq!(m.sample_rate, Some(44_100), "{ext}");
        let duration = m.duration.expect("duration");
        // Lossy encoders pad a little at the ends.
        assert!((duration - 6.0).abs() < 0.1, "{ext}: duration {duration}");
        let lufs = a.report.analysis.dynamics.lufs.expect("lufs");
        assert!(
            (lufs - ref_lufs).abs() < 0.3,
            "{ext}: {lufs} LUFS vs {ref_lufs}"
        );
    }
}

#[test]
fn any_rate_and_channel_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rate, channels) in [
        (8_000, 1),
        (22_050, 2),
        (48_000, 2),
        (96_000, 2),
        (44_100, 6),
    ] {
        let wav = source_wav(dir.path(), rate, channels);
        let a = analyze_file(&wav, &config()).unwrap_or_else(|e| panic!("{rate}/{channels}: {e}"));
        let r = &a.report;
        assert_eq!(r.metadata.sample_rate, Some(rate));
        assert_eq!(r.metadata.channels, Some(channels));
        assert!((a.audio_secs - 6.0).abs() < 1e-3);
        // The 440 Hz tone dominates every layout's mono downmix below 2 kHz.
        let mid = r.analysis.instrumentation.mid_presence.expect("mid");
        assert!(mid > 0.9, "{rate}/{channels}: mid presence {mid}");
        assert!(r.analysis.dynamics.lufs.is_some());
    }
}

/// The first frame of a file's decoded left channel louder than half its peak, and the
/// frames decoded.
fn first_click(path: &Path) -> (usize, u64) {
    let mut file = AudioFile::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut samples = Vec::new();
    while file.next_block().unwrap_or_else(|e| panic!("{e}")) {
        samples.extend_from_slice(&file.block()[0]);
    }
    let peak = samples.iter().fold(0f32, |m, x| m.max(x.abs()));
    let at = samples.iter().position(|x| x.abs() > 0.5 * peak);
    (at.unwrap_or(0), file.frames_decoded)
}

#[test]
fn every_format_keeps_the_sources_timeline() {
    // Encoders prime their decoders (AAC with 1024 frames here) and say so in the
    // container (MP4's edit list, MP3's LAME header): beats are where the source has them.
    let dir = tempfile::tempdir().expect("tempdir");
    let rate = 44_100;
    let secs = 3.0;
    let mut mono = vec![0f32; (secs * rate as f64) as usize];
    let click = rate as usize; // at 1.000 s
    for (i, x) in mono[click..click + 32].iter_mut().enumerate() {
        *x = 0.8 * (1.0 - i as f32 / 32.0) * if i % 2 == 0 { 1.0 } else { -1.0 };
    }
    let wav = dir.path().join("click.wav");
    common::audio(rate, vec![mono.clone(), mono])
        .write_wav(&wav)
        .expect("write wav");
    let cases: &[(&str, &[&str])] = &[
        ("flac", &["-c:a", "flac"]),
        ("mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]),
        ("ogg", &["-c:a", "libvorbis", "-q:a", "5"]),
        ("m4a", &["-c:a", "aac", "-b:a", "192k"]),
        ("mp4", &["-c:a", "alac"]),
    ];
    for (ext, codec) in cases {
        let out = dir.path().join(format!("click.{ext}"));
        let mut args = vec!["-i", wav.to_str().expect("utf8")];
        args.extend_from_slice(codec);
        args.push(out.to_str().expect("utf8"));
        ffmpeg(&args);
        let (at, frames) = first_click(&out);
        // Within 0.5 ms (the lossy codecs smear the click's start a little).
        assert!(
            at.abs_diff(click) <= 22,
            "{ext}: click at frame {at}, the source's at {click}"
        );
        // The padding after the music is cut too (the MP3 and MP4 headers say how much).
        let want = (secs * rate as f64) as u64;
        assert!(
            frames.abs_diff(want) <= 1,
            "{ext}: {frames} frames, the source's {want}"
        );
    }
}

fn expect_error(path: &Path, want: impl Fn(&Error) -> bool) -> String {
    match analyze_file(path, &config()) {
        Ok(_) => panic!("{} analysed without error", path.display()),
        Err(e) => {
            let msg = e.to_string();
            assert!(want(&e), "{}: unexpected error {msg}", path.display());
            assert!(
                msg.contains(&*path.to_string_lossy()),
                "message names the file: {msg}"
            );
            assert!(!msg.contains('\n'), "one line: {msg}");
            msg
        }
    }
}

#[test]
fn bad_files_give_one_line_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();

    let empty = d.join("empty.mp3");
    std::fs::write(&empty, b"").expect("write");
    expect_error(&empty, |e| matches!(e, Error::EmptyFile { .. }));

    let text = d.join("notes.flac");
    std::fs::write(&text, "this is not audio at all\n".repeat(100)).expect("write");
    expect_error(&text, |e| matches!(e, Error::UnrecognisedFormat { .. }));

    let missing = d.join("missing.wav");
    expect_error(&missing, |e| matches!(e, Error::Io { .. }));

    // Opus is not among symphonia's codecs: unsupported, not a crash.
    let wav = source_wav(d, 48_000, 2);
    let opus = d.join("voice.ogg");
    ffmpeg(&[
        "-i",
        wav.to_str().expect("utf8"),
        "-c:a",
        "libopus",
        opus.to_str().expect("utf8"),
    ]);
    expect_error(&opus, |e| {
        matches!(
            e,
            Error::UnsupportedCodec { .. } | Error::UnrecognisedFormat { .. }
        )
    });

    // A WAV header with nothing after it.
    let header_only = d.join("header.wav");
    let bytes = std::fs::read(&wav).expect("read");
    std::fs::write(&header_only, &bytes[..44]).expect("write");
    expect_error(&header_only, |e| matches!(e, Error::NoAudio { .. }));
}

#[test]
fn truncated_and_corrupt_files_still_give_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let wav = source_wav(d, 44_100, 2);
    let mp3 = d.join("full.mp3");
    ffmpeg(&[
        "-i",
        wav.to_str().expect("utf8"),
        "-c:a",
        "libmp3lame",
        mp3.to_str().expect("utf8"),
    ]);
    let bytes = std::fs::read(&mp3).expect("read");

    // Cut in half: the first half is analysed.
    let cut = d.join("cut.mp3");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let a = analyze_file(&cut, &config()).expect("truncated mp3 gives a report");
    let secs = a.audio_secs;
    assert!((2.0..4.0).contains(&secs), "truncated duration {secs}");

    // A WAV cut mid-sample-data: the rest is analysed.
    let bytes_wav = std::fs::read(&wav).expect("read");
    let cut_wav = d.join("cut.wav");
    std::fs::write(&cut_wav, &bytes_wav[..bytes_wav.len() / 3]).expect("write");
    let a = analyze_file(&cut_wav, &config()).expect("truncated wav gives a report");
    assert!((a.audio_secs - 2.0).abs() < 0.05, "{}", a.audio_secs);

    // Garbage in the middle of the mp3 stream: skipped, counted, warned.
    let mut corrupt = bytes.clone();
    let mid = corrupt.len() / 2;
    for (i, b) in corrupt[mid..mid + 4000].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    let bad = d.join("corrupt.mp3");
    std::fs::write(&bad, &corrupt).expect("write");
    let a = analyze_file(&bad, &config()).expect("corrupt mp3 gives a report");
    assert!(
        a.audio_secs > 4.5,
        "most of the audio survives: {}",
        a.audio_secs
    );
    let json = a.report.to_json();
    assert!(!json.contains("NaN"));
}

#[test]
fn silent_and_very_short_files_give_reports_with_nulls_and_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let silent = dir.path().join("silent.wav");
    common::audio(44_100, vec![vec![0.0; 44_100 * 5]; 2])
        .write_wav(&silent)
        .expect("write");
    let a = analyze_file(&silent, &config()).expect("silent file gives a report");
    let r = &a.report;
    assert!(
        r.warnings.iter().any(|w| w.contains("silent")),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.analysis.dynamics.lufs, None);
    assert_eq!(r.analysis.rhythm.tempo_bpm_global, None);
    assert_eq!(r.analysis.tonal.harmony.key, None);

    let short = dir.path().join("short.wav");
    common::audio(44_100, vec![sine(440.0, 0.5, 0.5, 44_100)])
        .write_wav(&short)
        .expect("write");
    let a = analyze_file(&short, &config()).expect("short file gives a report");
    let r = &a.report;
    assert!(
        r.warnings.iter().any(|w| w.contains("short")),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.analysis.rhythm.tempo_bpm_global, None);
    assert!(r.analysis.dynamics.sample_peak_dbfs.is_some());
    // The JSON parses back into the same report.
    let back = aidj_analysis::Report::from_json(&r.to_json()).expect("parse");
    assert_eq!(&back, r);
}

#[test]
fn a_very_long_file_gives_a_full_report() {
    // 40 minutes of a 1 kHz tone with a 120 BPM pulse, as FLAC (small on disk).
    let dir = tempfile::tempdir().expect("tempdir");
    let flac = dir.path().join("long.flac");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=1000:sample_rate=22050:beep_factor=4:duration=2400",
        "-ac",
        "2",
        "-c:a",
        "flac",
        flac.to_str().expect("utf8"),
    ]);
    let a = analyze_file(&flac, &config()).expect("long file");
    assert!((a.audio_secs - 2400.0).abs() < 0.1, "{}", a.audio_secs);
    let r = &a.report;
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // Curves stay at the configured length however long the file.
    assert!(r.analysis.rhythm.onset_envelope.values.len() <= 512);
    assert!(r.analysis.dynamics.energy_curve.values.len() <= 512);
    assert!(r.analysis.dynamics.lufs.is_some());
    assert!(
        r.to_json().len() < 400_000,
        "report size {}",
        r.to_json().len()
    );
}
