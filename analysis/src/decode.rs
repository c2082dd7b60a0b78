//! Decoding any audio file symphonia supports into planar `f32` blocks, as a stream.
//!
//! The loop is written as policy (as symphonia's own tools do): packets of other tracks
//! are skipped, a corrupt packet (`DecodeError`) is skipped and counted, the end of the
//! stream ends the stream, and anything else is an error naming the file.

use crate::error::{Error, Result};
use crate::mp4_edits;
use std::fs::File;
use std::path::{Path, PathBuf};
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, MetadataRevision, StandardTag};

/// Tags read from the file's metadata (ID3, Vorbis comments, MP4 atoms, RIFF INFO...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub genre: Option<String>,
}

/// What we know about a stream before decoding it.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    pub path: PathBuf,
    /// Native sample rate in Hz.
    pub sample_rate: u32,
    /// Channels in the stream (planes of each decoded block).
    pub channels: usize,
    /// Codec short name ("mp3", "flac", "vorbis", "pcm_s16le", ...).
    pub codec: String,
    /// Container short name ("wav", "ogg", "isomp4", ...).
    pub container: String,
    /// Frames the container announces, when it does.
    pub frames_hint: Option<u64>,
    pub tags: Tags,
}

impl SourceInfo {
    /// Announced duration in seconds, if the container announces its length.
    pub fn duration_hint_secs(&self) -> Option<f64> {
        self.frames_hint
            .map(|n| n as f64 / f64::from(self.sample_rate.max(1)))
    }
}

/// A file being decoded block by block.
pub struct AudioFile {
    info: SourceInfo,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    planes: Vec<Vec<f32>>,
    /// Packets skipped because they failed to decode.
    pub skipped_packets: usize,
    /// Frames delivered so far.
    pub frames_decoded: u64,
    /// The container's edit (MP4): frames of silence still to deliver first, decoded
    /// frames still to drop (encoder priming) and frames left to deliver after them.
    silence_left: u64,
    skip_left: u64,
    keep_left: Option<u64>,
}

impl AudioFile {
    /// Opens and probes `path`, reading its tags.
    ///
    /// # Errors
    /// I/O errors, empty files, unrecognised formats, unsupported codecs, files without audio.
    pub fn open(path: &Path) -> Result<AudioFile> {
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let len = file
            .metadata()
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?
            .len();
        if len == 0 {
            return Err(Error::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let mut format = symphonia::default::get_probe()
            .probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| Error::UnrecognisedFormat {
                path: path.to_path_buf(),
                reason: describe(&e),
            })?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| Error::NoAudioTrack {
                path: path.to_path_buf(),
            })?;
        let track_id = track.id;
        let frames_hint = track.num_frames;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| Error::NoAudioTrack {
                path: path.to_path_buf(),
            })?
            .clone();
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .map_err(|e| Error::UnsupportedCodec {
                path: path.to_path_buf(),
                reason: describe(&e),
            })?;
        let sample_rate = params.sample_rate.unwrap_or(0);
        let channels = params.channels.as_ref().map(|c| c.count()).unwrap_or(0);
        let codec = decoder.codec_info().short_name.to_string();
        let container = format.format_info().short_name.to_string();
        // The reader ignores MP4 edit lists: read the audio track's here (on a handle of
        // its own: a clone would share the reader's file position).
        let edit = (container == "isomp4" && sample_rate > 0)
            .then(|| File::open(path).ok())
            .flatten()
            .and_then(|mut f| mp4_edits::audio_edit(&mut f, sample_rate))
            .unwrap_or_default();
        let frames_hint = match edit.keep {
            Some(keep) => Some(edit.silence + keep),
            None => frames_hint.map(|n| edit.silence + n.saturating_sub(edit.skip)),
        };
        let mut tags = Tags::default();
        {
            let mut meta = format.metadata();
            if let Some(rev) = meta.skip_to_latest() {
                read_tags(rev, &mut tags);
            }
        }
        Ok(AudioFile {
            info: SourceInfo {
                path: path.to_path_buf(),
                sample_rate,
                channels,
                codec,
                container,
                frames_hint,
                tags,
            },
            format,
            decoder,
            track_id,
            planes: Vec::new(),
            skipped_packets: 0,
            frames_decoded: 0,
            silence_left: edit.silence,
            skip_left: edit.skip,
            keep_left: edit.keep,
        })
    }

    /// Stream parameters and tags. `sample_rate`/`channels` may be 0 until the first
    /// block when the container does not state them; they are updated from the decoder.
    pub fn info(&self) -> &SourceInfo {
        &self.info
    }

    /// The block decoded by the last successful [`AudioFile::next_block`], one `Vec` per channel.
    pub fn block(&self) -> &[Vec<f32>] {
        &self.planes
    }

    /// Decodes the next block into [`AudioFile::block`]; `false` at the end of the stream.
    ///
    /// # Errors
    /// An unrecoverable decode or I/O error part-way through.
    pub fn next_block(&mut self) -> Result<bool> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(false),
                // A truncated file ends in an unexpected EOF: treat it as the end.
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(false)
                }
                Err(SymError::DecodeError(_)) => {
                    self.skipped_packets += 1;
                    if self.skipped_packets > 10_000 {
                        return Err(self.decode_error("too many corrupt packets"));
                    }
                    continue;
                }
                Err(e) => return Err(self.decode_error(&describe(&e))),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    let spec = buf.spec();
                    let rate = spec.rate();
                    let channels = spec.channels().count();
                    let frames = buf.frames();
                    if frames == 0 {
                        continue;
                    }
                    buf.copy_to_vecs_planar::<f32>(&mut self.planes);
                    let frames = self.apply_edit(frames);
                    if frames == 0 {
                        if self.keep_left == Some(0) {
                            return Ok(false);
                        }
                        continue;
                    }
                    if self.info.sample_rate == 0 {
                        self.info.sample_rate = rate;
                    }
                    if self.info.channels == 0 {
                        self.info.channels = channels;
                    }
                    self.frames_decoded += frames as u64;
                    return Ok(true);
                }
                Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {
                    self.skipped_packets += 1;
                    if self.skipped_packets > 10_000 {
                        return Err(self.decode_error("too many corrupt packets"));
                    }
                }
                Err(SymError::ResetRequired) => {
                    // A new stream configuration mid-file (chained Ogg): we analyse only the first.
                    return Ok(false);
                }
                Err(e) => return Err(self.decode_error(&describe(&e))),
            }
        }
    }

    /// Applies the container's edit to the block just decoded (`frames` long): drops the
    /// priming, cuts the padding after the presented length, and puts the silence of an
    /// empty edit before the first frames. Returns the block's new length.
    fn apply_edit(&mut self, frames: usize) -> usize {
        let mut frames = frames;
        if self.skip_left > 0 {
            let k = frames.min(usize::try_from(self.skip_left).unwrap_or(usize::MAX));
            for p in &mut self.planes {
                p.drain(..k);
            }
            self.skip_left -= k as u64;
            frames -= k;
        }
        if let Some(left) = self.keep_left {
            let k = frames.min(usize::try_from(left).unwrap_or(usize::MAX));
            for p in &mut self.planes {
                p.truncate(k);
            }
            self.keep_left = Some(left - k as u64);
            frames = k;
        }
        if frames > 0 && self.silence_left > 0 {
            let s = usize::try_from(self.silence_left).unwrap_or(0);
            for p in &mut self.planes {
                p.splice(0..0, std::iter::repeat_n(0.0, s));
            }
            self.silence_left = 0;
            frames += s;
        }
        frames
    }

    fn decode_error(&self, reason: &str) -> Error {
        Error::Decode {
            path: self.info.path.clone(),
            reason: reason.to_string(),
        }
    }
}

fn describe(e: &SymError) -> String {
    match e {
        SymError::Unsupported(what) => format!("unsupported: {what}"),
        SymError::DecodeError(what) => format!("malformed: {what}"),
        SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "file ends before any audio".to_string()
        }
        other => other.to_string(),
    }
}

fn read_tags(rev: &MetadataRevision, tags: &mut Tags) {
    let all = rev
        .media
        .tags
        .iter()
        .chain(rev.per_track.iter().flat_map(|t| t.metadata.tags.iter()));
    for tag in all {
        let slot = match &tag.std {
            Some(StandardTag::TrackTitle(s)) => (&mut tags.title, s),
            Some(StandardTag::Artist(s)) => (&mut tags.artist, s),
            Some(StandardTag::Album(s)) => (&mut tags.album, s),
            Some(StandardTag::Genre(s)) => (&mut tags.genre, s),
            _ => continue,
        };
        let value = slot.1.trim();
        if slot.0.is_none() && !value.is_empty() {
            *slot.0 = Some(value.to_string());
        }
    }
}
