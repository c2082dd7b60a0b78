//! Feature columns read from analysis reports by JSON path, so that our reports and the seed
//! toolkit's (no `schema_version`, any value missing or `null`) read the same way.

use crate::error::{Error, Result};
use aidj_analysis::key::Key;
use serde_json::Value;

/// How a column's value is found in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A number at this path under the report's root.
    Number(&'static [&'static str]),
    /// Root pitch class (0..=11, C = 0) of `analysis.tonal.key`.
    KeyRoot,
    /// 1 for a minor `analysis.tonal.key`, 0 for major.
    KeyMinor,
}

/// One feature column: its name (the seed's) and where it lives in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub source: Source,
}

const fn num(name: &'static str, path: &'static [&'static str]) -> Column {
    Column {
        name,
        source: Source::Number(path),
    }
}

/// Every column the seed flattens (SEED_FEATURES.md section 2), in the seed's order.
pub const COLUMNS: [Column; 19] = [
    num("tempo_bpm", &["analysis", "rhythm", "tempo_bpm_global"]),
    num(
        "danceability",
        &["analysis", "rhythm", "danceability_score"],
    ),
    num("groove_conf", &["analysis", "rhythm", "groove_confidence"]),
    num(
        "swing_ratio",
        &["analysis", "rhythm", "swing_analysis", "swing_ratio"],
    ),
    Column {
        name: "key_root",
        source: Source::KeyRoot,
    },
    Column {
        name: "key_mode_minor",
        source: Source::KeyMinor,
    },
    num(
        "spectral_centroid",
        &["analysis", "tonal", "spectral_centroid", "mean"],
    ),
    num(
        "spectral_flatness",
        &["analysis", "tonal", "spectral_flatness", "mean"],
    ),
    num("dissonance", &["analysis", "tonal", "dissonance_index"]),
    num("rms_mean", &["analysis", "dynamics", "rms", "mean"]),
    num("crest_factor", &["analysis", "dynamics", "crest_factor"]),
    num("lufs", &["analysis", "dynamics", "lufs"]),
    num("valence", &["analysis", "mood", "valence"]),
    num("arousal", &["analysis", "mood", "arousal"]),
    num("energy", &["analysis", "mood", "energy"]),
    num(
        "bass_presence",
        &["analysis", "instrumentation", "bass_presence"],
    ),
    num(
        "mid_presence",
        &["analysis", "instrumentation", "mid_presence"],
    ),
    num(
        "treble_presence",
        &["analysis", "instrumentation", "treble_presence"],
    ),
    num(
        "percussive_ratio",
        &["analysis", "instrumentation", "percussive_ratio"],
    ),
];

/// The columns of the similarity vector: timbre, groove, dynamics and mood.
///
/// Tempo, key and energy are left out on purpose: the DJ rules score them directly (a
/// tempo window with half/double time, the Camelot wheel, an energy flow the user picks),
/// and in the vector they would fight the rules. The seed's `key_root` in particular is a
/// pitch class on a line (B = 11 far from C = 0), which says nothing about harmony.
pub const SIMILARITY_COLUMNS: [&str; 15] = [
    "danceability",
    "groove_conf",
    "swing_ratio",
    "spectral_centroid",
    "spectral_flatness",
    "dissonance",
    "rms_mean",
    "crest_factor",
    "lufs",
    "valence",
    "arousal",
    "bass_presence",
    "mid_presence",
    "treble_presence",
    "percussive_ratio",
];

/// Index of a column in [`COLUMNS`].
pub fn column_index(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| c.name == name)
}

const TEMPO: usize = 0;
const ENERGY: usize = 14;

/// What a track is: where it came from and its tags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackMeta {
    /// The audio file's path as the report gives it (may be empty).
    pub path: String,
    pub title: Option<String>,
    pub artist: Option<String>,
    /// Seconds.
    pub duration: Option<f64>,
}

/// One track's features: every column of [`COLUMNS`] (missing = `None`), its key and tags.
///
/// Built from a report ([`TrackFeatures::from_report_value`]) or, in the plugin, from
/// live analysis ([`TrackFeatures::set`], [`TrackFeatures::key`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackFeatures {
    values: [Option<f64>; COLUMNS.len()],
    /// The track's key (drives `key_root`/`key_mode_minor` and the harmonic rules).
    pub key: Option<Key>,
    /// How sure the analyser was of that key, 0..1 (`analysis.tonal.key_confidence`).
    pub key_confidence: Option<f64>,
    pub meta: TrackMeta,
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// Larger magnitudes are treated as missing: no audio feature comes near, and squaring
/// them in the scaler could overflow.
pub const MAX_MAGNITUDE: f64 = 1e12;

fn sane(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

fn finite(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64).filter(|x| sane(*x))
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl TrackFeatures {
    /// Reads a report (ours or the seed's) from parsed JSON. Missing, `null`, non-numeric
    /// or absurd (beyond +-[`MAX_MAGNITUDE`]) values become `None`; the key comes from `analysis.tonal.key`, else
    /// `analysis.tonal.camelot`.
    ///
    /// # Errors
    /// [`Error::BadReport`] (with an empty path) when the JSON is not an object with an
    /// `analysis` object: then it is not a report at all.
    pub fn from_report_value(v: &Value) -> Result<TrackFeatures> {
        if !v.get("analysis").is_some_and(Value::is_object) {
            return Err(Error::BadReport {
                path: Default::default(),
                reason: "no \"analysis\" object".to_string(),
            });
        }
        let tonal = at(v, &["analysis", "tonal"]);
        let key = text(tonal.and_then(|t| t.get("key")))
            .and_then(|k| Key::parse(&k))
            .or_else(|| text(tonal.and_then(|t| t.get("camelot"))).and_then(|k| Key::parse(&k)));
        let key_confidence =
            finite(tonal.and_then(|t| t.get("key_confidence"))).map(|c| c.clamp(0.0, 1.0));
        let mut values = [None; COLUMNS.len()];
        for (slot, col) in values.iter_mut().zip(COLUMNS.iter()) {
            if let Source::Number(path) = col.source {
                *slot = finite(at(v, path));
            }
        }
        let m = v.get("metadata");
        let meta = TrackMeta {
            path: text(m.and_then(|m| m.get("path"))).unwrap_or_default(),
            title: text(m.and_then(|m| m.get("title"))),
            artist: text(m.and_then(|m| m.get("artist"))),
            duration: finite(m.and_then(|m| m.get("duration"))).filter(|d| *d >= 0.0),
        };
        Ok(TrackFeatures {
            values,
            key,
            key_confidence,
            meta,
        })
    }

    /// Reads one of our own reports.
    ///
    /// # Errors
    /// Never in practice (our reports always have an `analysis` object); the `Result` keeps
    /// the signature of [`TrackFeatures::from_report_value`].
    pub fn from_report(report: &aidj_analysis::Report) -> Result<TrackFeatures> {
        let v = serde_json::to_value(report).map_err(|e| Error::BadReport {
            path: Default::default(),
            reason: e.to_string(),
        })?;
        TrackFeatures::from_report_value(&v)
    }

    /// The value of a column by name (`None` when missing).
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] for a name not in [`COLUMNS`].
    pub fn get(&self, name: &str) -> Result<Option<f64>> {
        let i = column_index(name).ok_or_else(|| Error::UnknownColumn(name.to_string()))?;
        Ok(self.value(i))
    }

    /// The value of column `i` of [`COLUMNS`] (`None` when missing or out of range).
    pub fn value(&self, i: usize) -> Option<f64> {
        match COLUMNS.get(i)?.source {
            Source::Number(_) => self.values[i],
            Source::KeyRoot => self.key.map(|k| f64::from(k.root)),
            Source::KeyMinor => self.key.map(|k| if k.minor { 1.0 } else { 0.0 }),
        }
    }

    /// Sets a column by name; `None`, a non-finite or an absurd value (beyond
    /// +-[`MAX_MAGNITUDE`]) marks it missing. The key
    /// columns are set through [`TrackFeatures::key`] instead.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] for a name not in [`COLUMNS`] or for a key column.
    pub fn set(&mut self, name: &str, value: Option<f64>) -> Result<()> {
        let i = column_index(name)
            .filter(|&i| matches!(COLUMNS[i].source, Source::Number(_)))
            .ok_or_else(|| Error::UnknownColumn(name.to_string()))?;
        self.values[i] = value.filter(|x| sane(*x));
        Ok(())
    }

    /// Global tempo, BPM (positive), if known.
    pub fn bpm(&self) -> Option<f64> {
        self.values[TEMPO].filter(|b| *b > 0.0)
    }

    /// Mood energy, 0..1, if known.
    pub fn energy(&self) -> Option<f64> {
        self.values[ENERGY]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_columns_exist_and_exclude_rule_columns() {
        for c in SIMILARITY_COLUMNS {
            assert!(column_index(c).is_some(), "{c}");
        }
        for c in ["tempo_bpm", "key_root", "key_mode_minor", "energy"] {
            assert!(!SIMILARITY_COLUMNS.contains(&c));
        }
        assert_eq!(COLUMNS[TEMPO].name, "tempo_bpm");
        assert_eq!(COLUMNS[ENERGY].name, "energy");
    }

    #[test]
    fn reads_the_seed_format_with_holes() {
        let v: Value = serde_json::from_str(
            r#"{"metadata": {"path": "a.mp3", "title": "A", "artist": null},
                "analysis": {"rhythm": {"tempo_bpm_global": 128.0, "swing_analysis": null},
                             "tonal": {"key": "A minor", "key_confidence": 0.25,
                                       "spectral_centroid": {"mean": "x"}},
                             "mood": {"energy": 0.7}}}"#,
        )
        .unwrap();
        let f = TrackFeatures::from_report_value(&v).unwrap();
        assert_eq!(f.bpm(), Some(128.0));
        assert_eq!(f.energy(), Some(0.7));
        assert_eq!(f.get("key_root").unwrap(), Some(9.0));
        assert_eq!(f.get("key_mode_minor").unwrap(), Some(1.0));
        assert_eq!(f.key_confidence, Some(0.25));
        assert_eq!(f.get("swing_ratio").unwrap(), None);
        assert_eq!(f.get("spectral_centroid").unwrap(), None);
        assert_eq!(f.meta.artist, None);
        assert_eq!(f.meta.title.as_deref(), Some("A"));
        assert!(f.get("nope").is_err());
        let not_report: Value = serde_json::from_str(r#"{"format": "model"}"#).unwrap();
        assert!(TrackFeatures::from_report_value(&not_report).is_err());
    }

    #[test]
    fn camelot_code_stands_in_for_a_missing_key_name() {
        let v: Value =
            serde_json::from_str(r#"{"analysis": {"tonal": {"key": null, "camelot": "8B"}}}"#)
                .unwrap();
        let f = TrackFeatures::from_report_value(&v).unwrap();
        assert_eq!(f.key, Some(Key::new(0, false)));
        assert_eq!(f.key_confidence, None);
    }

    #[test]
    fn set_rejects_key_columns_and_non_finite_values() {
        let mut f = TrackFeatures::default();
        assert!(f.set("key_root", Some(1.0)).is_err());
        f.set("lufs", Some(f64::NAN)).unwrap();
        assert_eq!(f.get("lufs").unwrap(), None);
        f.set("lufs", Some(1e300)).unwrap();
        assert_eq!(f.get("lufs").unwrap(), None);
        f.set("lufs", Some(-9.0)).unwrap();
        assert_eq!(f.get("lufs").unwrap(), Some(-9.0));
    }
}
