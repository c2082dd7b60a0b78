//! The edit list of an MP4 file's audio track: which of the decoded frames the file presents.
//!
//! AAC encoders prime the decoder with frames that are not part of the music (1024 from
//! ffmpeg, 2112 from iTunes) and say so in the track's edit list (`elst`); players and
//! DAWs drop them. symphonia 0.6's MP4 reader does not apply edit lists (a TODO in its
//! demuxer), so every beat of an `.m4a` came out 23 ms late against the same music in any
//! other format or host. Written here because the MP4 crates parse whole files through a
//! `Read`; this reads the `moov` box only.

use std::io::{Read, Seek, SeekFrom};

/// Largest `moov` box read (its sample tables grow with the length: about 1 MB an hour).
const MAX_MOOV_BYTES: u64 = 64 << 20;

/// What an audio track's edit list presents, in frames at the track's sample rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AudioEdit {
    /// Silence before the first decoded frame (empty edits).
    pub silence: u64,
    /// Decoded frames to drop from the start (encoder priming).
    pub skip: u64,
    /// Decoded frames to keep after those, when the edit says (drops the end padding).
    pub keep: Option<u64>,
}

/// The edit of the first audio track of the MP4 file `file`, at `sample_rate`; `None`
/// when the file is not MP4, has no edit list, or lists edits other than empty ones
/// followed by one normal-speed edit (what encoders write).
pub(crate) fn audio_edit<F: Read + Seek>(file: &mut F, sample_rate: u32) -> Option<AudioEdit> {
    let moov = read_moov(file)?;
    let movie_scale = children(&moov)
        .find(|(t, _)| t == b"mvhd")
        .and_then(|(_, b)| header_timescale(b))?;
    let edit = children(&moov)
        .filter(|(t, _)| t == b"trak")
        .find_map(|(_, trak)| track_edit(trak, movie_scale, sample_rate));
    edit
}

/// The `moov` box's content, found among the top-level boxes by seeking past the others.
fn read_moov<F: Read + Seek>(file: &mut F) -> Option<Vec<u8>> {
    let end = file.seek(SeekFrom::End(0)).ok()?;
    let mut pos = 0u64;
    while pos + 8 <= end {
        file.seek(SeekFrom::Start(pos)).ok()?;
        let mut head = [0u8; 16];
        file.read_exact(&mut head[..8]).ok()?;
        let mut size = u64::from(u32::from_be_bytes(head[..4].try_into().ok()?));
        let mut header = 8;
        if size == 1 {
            file.read_exact(&mut head[8..]).ok()?;
            size = u64::from_be_bytes(head[8..].try_into().ok()?);
            header = 16;
        } else if size == 0 {
            size = end - pos;
        }
        if size < header || pos + size > end {
            return None;
        }
        if &head[4..8] == b"moov" {
            let len = size - header;
            if len > MAX_MOOV_BYTES {
                return None;
            }
            let mut body = vec![0u8; usize::try_from(len).ok()?];
            file.read_exact(&mut body).ok()?;
            return Some(body);
        }
        // Only the first bytes of a file can be anything but boxes.
        if pos == 0 && !matches!(&head[4..8], b"ftyp" | b"free" | b"skip" | b"wide" | b"mdat") {
            return None;
        }
        pos += size;
    }
    None
}

/// The child boxes (type, content) of a box's content; stops at the first malformed one.
fn children(body: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.len() < 8 {
            return None;
        }
        let size = u32::from_be_bytes(rest[..4].try_into().ok()?) as usize;
        let kind: [u8; 4] = rest[4..8].try_into().ok()?;
        let (header, size) = match size {
            0 => (8, rest.len()),
            1 => (16, usize::try_from(be_u64(rest, 8)?).ok()?),
            s => (8, s),
        };
        if size < header || size > rest.len() {
            return None;
        }
        let content = &rest[header..size];
        rest = &rest[size..];
        Some((kind, content))
    })
}

fn child<'a>(body: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    children(body).find(|(t, _)| t == kind).map(|(_, b)| b)
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The timescale of an `mvhd` or `mdhd` box (both: version, flags, two dates, timescale).
fn header_timescale(b: &[u8]) -> Option<u32> {
    let at = if *b.first()? == 1 { 20 } else { 12 };
    be_u32(b, at).filter(|&s| s > 0)
}

/// The edit of one `trak`, if it is an audio track with an edit list of the usual shape.
fn track_edit(trak: &[u8], movie_scale: u32, sample_rate: u32) -> Option<AudioEdit> {
    let mdia = child(trak, b"mdia")?;
    if child(mdia, b"hdlr")?.get(8..12)? != b"soun" {
        return None;
    }
    let media_scale = header_timescale(child(mdia, b"mdhd")?)?;
    let elst = child(child(trak, b"edts")?, b"elst")?;
    let wide = *elst.first()? == 1;
    let count = be_u32(elst, 4)? as usize;
    let entry_len = if wide { 20 } else { 12 };
    let frames = |t: u64, scale: u32| {
        (u128::from(t) * u128::from(sample_rate) / u128::from(scale.max(1))) as u64
    };
    let mut edit = AudioEdit::default();
    for i in 0..count {
        let at = 8 + i * entry_len;
        let (duration, media_time) = if wide {
            (be_u64(elst, at)?, be_u64(elst, at + 8)? as i64)
        } else {
            (
                u64::from(be_u32(elst, at)?),
                i64::from(be_u32(elst, at + 4)? as i32),
            )
        };
        let rate = be_u32(elst, at + entry_len - 4)?;
        if media_time == -1 {
            edit.silence += frames(duration, movie_scale);
            continue;
        }
        // One normal-speed edit after any empty ones, and nothing after it.
        if media_time < 0 || rate != 0x0001_0000 || i + 1 != count {
            return None;
        }
        edit.skip = frames(media_time as u64, media_scale);
        edit.keep = (duration > 0).then(|| frames(duration, movie_scale));
        return Some(edit);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn boxed(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
        let mut b = ((content.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(content);
        b
    }

    /// A version-0 `mvhd`/`mdhd` body with `scale`.
    fn timescale_header(scale: u32) -> Vec<u8> {
        let mut b = vec![0u8; 12];
        b.extend_from_slice(&scale.to_be_bytes());
        b.extend_from_slice(&[0u8; 8]);
        b
    }

    fn file(handler: &[u8; 4], edits: &[(u32, i32)]) -> Vec<u8> {
        let mut elst = vec![0u8; 4];
        elst.extend_from_slice(&(edits.len() as u32).to_be_bytes());
        for &(duration, media_time) in edits {
            elst.extend_from_slice(&duration.to_be_bytes());
            elst.extend_from_slice(&media_time.to_be_bytes());
            elst.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        }
        let mut hdlr = vec![0u8; 8];
        hdlr.extend_from_slice(handler);
        hdlr.extend_from_slice(&[0u8; 12]);
        let mdia = [
            boxed(b"mdhd", &timescale_header(44_100)),
            boxed(b"hdlr", &hdlr),
        ]
        .concat();
        let trak = [
            boxed(b"tkhd", &[0u8; 84]),
            boxed(b"edts", &boxed(b"elst", &elst)),
            boxed(b"mdia", &mdia),
        ]
        .concat();
        let moov = [
            boxed(b"mvhd", &timescale_header(1000)),
            boxed(b"trak", &trak),
        ]
        .concat();
        [
            boxed(b"ftyp", b"M4A \0\0\0\0"),
            boxed(b"mdat", &[7u8; 1000]),
            boxed(b"moov", &moov),
        ]
        .concat()
    }

    #[test]
    fn the_priming_and_the_presented_length_of_an_audio_track() {
        // 2 s presented (movie scale 1000), starting 2112 frames into the media.
        let f = file(b"soun", &[(2000, 2112)]);
        let edit = audio_edit(&mut Cursor::new(f), 44_100);
        assert_eq!(
            edit,
            Some(AudioEdit {
                silence: 0,
                skip: 2112,
                keep: Some(88_200)
            })
        );
        // At another output rate the frames scale with it.
        let f = file(b"soun", &[(100, -1), (2000, 1024)]);
        let edit = audio_edit(&mut Cursor::new(f), 22_050).expect("edit");
        assert_eq!(
            (edit.silence, edit.skip, edit.keep),
            (2205, 512, Some(44_100))
        );
    }

    #[test]
    fn no_edit_unless_an_audio_track_lists_the_usual_shape() {
        assert_eq!(
            audio_edit(&mut Cursor::new(file(b"vide", &[(2000, 1024)])), 44_100),
            None
        );
        // Two media edits (a cut inside the track) are not a priming.
        let two = file(b"soun", &[(1000, 1024), (1000, 50_000)]);
        assert_eq!(audio_edit(&mut Cursor::new(two), 44_100), None);
        // Not MP4 at all, or cut short.
        assert_eq!(
            audio_edit(&mut Cursor::new(b"RIFF\0\0\0\0WAVE".to_vec()), 44_100),
            None
        );
        let mut cut = file(b"soun", &[(2000, 1024)]);
        cut.truncate(cut.len() - 10);
        assert_eq!(audio_edit(&mut Cursor::new(cut), 44_100), None);
    }
}
