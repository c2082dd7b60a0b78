//! Exports a DJ can use elsewhere: an M3U playlist and a CSV of the library.

use crate::model::{Model, Track};

/// An extended M3U playlist of `tracks` in order: `#EXTINF:<seconds>,<Artist - Title>`
/// then the path. Unknown durations are written as -1, as the format asks.
pub fn m3u<'a>(tracks: impl IntoIterator<Item = &'a Track>) -> String {
    let mut out = String::from("#EXTM3U\n");
    for t in tracks {
        let secs = t.duration.map_or(-1, |d| d.round() as i64);
        // A line break inside a tag would start a new entry.
        let label = t.label().replace(['\n', '\r'], " ");
        out.push_str(&format!("#EXTINF:{secs},{label}\n{}\n", t.path));
    }
    out
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.map_or(String::new(), |v| format!("{v:.decimals$}"))
}

/// The library as CSV (RFC 4180, header row): path, artist, title, bpm, key, camelot,
/// energy (0..1), duration (s), cluster. Empty cells for unknown values.
pub fn library_csv(model: &Model, tracks: &[usize]) -> String {
    let mut out = String::from("path,artist,title,bpm,key,camelot,energy,duration_s,cluster\n");
    for &i in tracks {
        let Some(t) = model.tracks.get(i) else {
            continue;
        };
        let row = [
            field(&t.path),
            field(t.artist.as_deref().unwrap_or("")),
            field(t.title.as_deref().unwrap_or("")),
            num(t.bpm, 2),
            field(t.key.as_deref().unwrap_or("")),
            field(t.camelot.as_deref().unwrap_or("")),
            num(t.energy, 3),
            num(t.duration, 1),
            t.cluster.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_and_quotes() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
