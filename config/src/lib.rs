//! AI DJ's defaults file: what the old toolkit kept in `instructions.json` (library and
//! allowed folders, reports folder, model, default transition, BPM window, energy mode,
//! keylock), read by `aidj` and by the plugin's library panel.
//!
//! # Where
//! `--config FILE` when given (it must exist); else `$AIDJ_CONFIG`; else
//! `config.toml` in the platform's config folder ([`default_path`]: on Linux
//! `~/.config/aidj/config.toml`), used when it exists. No file: every default is the
//! built-in one.
//!
//! # Schema (TOML; every key optional)
//! ```toml
//! library = ["~/Music/House", "~/Music/Techno"]  # library folders (the plugin's default library)
//! reports = "~/Music/aidj-reports"              # where reports are kept
//! model = "~/Music/aidj-model.json"             # the recommender model (`aidj train`)
//! preset = "Long blend"                         # transition preset: a name or a .json file
//! bars = 16                                     # transition length, bars (1 to 64)
//! bpm_window = 6.0                              # tempo window for suggestions, ± percent (0 to 50)
//! energy = "hold"                               # energy mode: "hold", "build" or "drop"
//! keylock = false                               # tempo changes keep the pitch
//! ```
//! Paths may start with `~/`; relative paths are relative to the file's folder. Any other
//! key, a wrong type or a value out of range is an error naming the file, line and key.
//! Each key is overridden by the command-line flag of the same name.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Energy mode of the suggestions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Energy {
    Hold,
    Build,
    Drop,
}

/// The defaults, as read (unset keys `None`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub library: Vec<PathBuf>,
    pub reports: Option<PathBuf>,
    pub model: Option<PathBuf>,
    pub preset: Option<String>,
    pub bars: Option<f32>,
    pub bpm_window: Option<f64>,
    pub energy: Option<Energy>,
    pub keylock: Option<bool>,
    /// The file this came from (`None`: built-in defaults).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// A defaults file that cannot be used: `FILE:LINE: key: reason`, on one line.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `config.toml` in the platform's config folder for AI DJ.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "aidj").map(|d| d.config_dir().join("config.toml"))
}

/// Reads the defaults: `explicit` (must exist), else `$AIDJ_CONFIG` (must exist), else
/// [`default_path`] when it exists, else the built-in defaults.
///
/// # Errors
/// A missing explicit file, an unreadable or invalid one.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let env = std::env::var_os("AIDJ_CONFIG").map(PathBuf::from);
    let (path, required) = match (explicit, env) {
        (Some(p), _) => (Some(p.to_path_buf()), true),
        (None, Some(p)) => (Some(p), true),
        (None, None) => (default_path(), false),
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    if !path.exists() {
        if required {
            return Err(ConfigError {
                path,
                line: None,
                message: "no such file".into(),
            });
        }
        return Ok(Config::default());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        path: path.clone(),
        line: None,
        message: e.to_string(),
    })?;
    parse(&text, &path)
}

/// Parses and validates the text of the file at `path`.
///
/// # Errors
/// Bad TOML, an unknown key, a wrong type, a value out of range.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut c: Config = toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of(s.start)),
        message: e.message().replace('\n', " "),
    })?;
    let bad = |key: &str, message: String| {
        // The line of the key, when it starts a line.
        let line = text.lines().position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        });
        ConfigError {
            path: path.to_path_buf(),
            line: line.map(|l| l + 1),
            message: format!("key `{key}`: {message}"),
        }
    };
    if let Some(b) = c.bars {
        if !(b.is_finite() && (1.0..=64.0).contains(&b)) {
            return Err(bad(
                "bars",
                format!("{b} is not a transition length (1 to 64 bars)"),
            ));
        }
    }
    if let Some(w) = c.bpm_window {
        if !(w.is_finite() && (0.0..=50.0).contains(&w)) {
            return Err(bad(
                "bpm_window",
                format!("{w} is not a tempo window (0 to 50 %)"),
            ));
        }
    }
    if let Some(p) = &c.preset {
        if p.trim().is_empty() {
            return Err(bad("preset", "empty".into()));
        }
    }
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let fix = |p: &Path| resolve(p, &base);
    c.library = c.library.iter().map(|p| fix(p)).collect();
    c.reports = c.reports.as_deref().map(fix);
    c.model = c.model.as_deref().map(fix);
    if let Some(p) = &c.preset {
        if p.ends_with(".json") {
            c.preset = Some(fix(Path::new(p)).display().to_string());
        }
    }
    c.source = Some(path.to_path_buf());
    Ok(c)
}

/// `~/x` from the home folder; a relative path from `base`.
fn resolve(p: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()) {
            return home.join(rest);
        }
    }
    if p.is_relative() {
        base.join(p)
    } else {
        p.to_path_buf()
    }
}

impl Config {
    /// Whether `path` is inside one of the library folders (any path when none is set).
    pub fn allows(&self, path: &Path) -> bool {
        self.library.is_empty() || self.library.iter().any(|l| path.starts_with(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_reads_and_resolves_its_paths() {
        let text = r#"
library = ["music", "/srv/dj"]
reports = "reports"
model = "/tmp/model.json"
preset = "presets/mine.json"
bars = 16
bpm_window = 4.5
energy = "build"
keylock = true
"#;
        let c = parse(text, Path::new("/home/dj/.config/aidj/config.toml")).expect("valid");
        assert_eq!(
            c.library,
            vec![
                PathBuf::from("/home/dj/.config/aidj/music"),
                PathBuf::from("/srv/dj")
            ]
        );
        assert_eq!(
            c.reports,
            Some(PathBuf::from("/home/dj/.config/aidj/reports"))
        );
        assert_eq!(
            c.preset.as_deref(),
            Some("/home/dj/.config/aidj/presets/mine.json")
        );
        assert_eq!(
            (c.bars, c.bpm_window, c.energy, c.keylock),
            (Some(16.0), Some(4.5), Some(Energy::Build), Some(true))
        );
        assert!(c.allows(Path::new("/srv/dj/a.flac")) && !c.allows(Path::new("/tmp/a.flac")));
        assert!(parse("", Path::new("c.toml"))
            .expect("empty")
            .allows(Path::new("/x")));
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        let p = Path::new("/etc/aidj.toml");
        let e = parse("bars = 16\nbpm_windw = 3\n", p).expect_err("unknown key");
        let s = e.to_string();
        assert!(
            s.starts_with("/etc/aidj.toml:2: ") && s.contains("bpm_windw"),
            "{s}"
        );
        let e = parse("keylock = \"yes\"\n", p).expect_err("type");
        assert!(e.to_string().starts_with("/etc/aidj.toml:1: "), "{e}");
        let e = parse("preset = \"Long blend\"\nbars = 0\n", p).expect_err("range");
        assert_eq!(
            e.to_string(),
            "/etc/aidj.toml:2: key `bars`: 0 is not a transition length (1 to 64 bars)"
        );
        let e = parse("energy = \"up\"\n", p).expect_err("enum");
        assert!(e.to_string().contains("up"), "{e}");
        assert!(!parse("bars = [\n", p)
            .expect_err("toml")
            .to_string()
            .contains('\n'));
        let missing = load(Some(Path::new("/nonexistent/aidj.toml"))).expect_err("missing");
        assert_eq!(missing.to_string(), "/nonexistent/aidj.toml: no such file");
    }
}
