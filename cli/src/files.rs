//! File plumbing for the CLI: finding audio in a folder, naming reports, writing atomically.

use anyhow::{bail, Context, Result};
use globset::{GlobBuilder, GlobMatcher};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Extensions the default batch pattern picks up (what symphonia decodes here).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "mp3", "flac", "wav", "wave", "aif", "aiff", "aifc", "ogg", "oga", "m4a", "mp4", "aac", "caf",
    "mka", "mkv", "webm",
];

/// The default `--batch-pattern`: every supported audio file directly in the folder.
pub fn default_pattern() -> String {
    format!("*.{{{}}}", AUDIO_EXTENSIONS.join(","))
}

/// A glob over paths relative to the batch folder: `*` stays within one folder, `**`
/// crosses folders; matching is case-insensitive (`.MP3` is an mp3).
pub fn matcher(pattern: &str) -> Result<GlobMatcher> {
    Ok(GlobBuilder::new(pattern)
        .literal_separator(true)
        .case_insensitive(true)
        .build()
        .with_context(|| format!("bad --batch-pattern {pattern:?}"))?
        .compile_matcher())
}

/// Files under `folder` whose relative path matches `pattern`, sorted.
pub fn find_audio(folder: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    if !folder.is_dir() {
        bail!("{}: not a folder", folder.display());
    }
    let glob = matcher(pattern)?;
    let recursive = pattern.contains("**") || pattern.contains('/');
    // Libraries are often folders of links into other folders: follow them (walkdir
    // reports a link loop as an error, skipped below, rather than looping).
    let walker = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .max_depth(if recursive { usize::MAX } else { 1 })
        .sort_by_file_name();
    let mut found = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            // An unreadable subfolder should not stop the batch.
            Err(_) => continue,
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(folder).unwrap_or(entry.path());
        if glob.is_match(rel) {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

/// Where a report goes: next to the audio (`song.json`), or under `batch_out` keeping the
/// audio's folder structure relative to `root`.
pub fn report_path(audio: &Path, root: Option<&Path>, batch_out: Option<&Path>) -> PathBuf {
    let name = format!(
        "{}.json",
        audio
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".to_string())
    );
    match batch_out {
        Some(out) => {
            let rel_dir = root
                .and_then(|r| audio.parent().and_then(|p| p.strip_prefix(r).ok()))
                .map(Path::to_path_buf)
                .unwrap_or_default();
            out.join(rel_dir).join(name)
        }
        None => audio.with_file_name(name),
    }
}

/// Gives every input its own report path: when two inputs would share one (`a.mp3` and
/// `a.flac`), the later ones keep their extension (`a.flac.json`).
pub fn unique_report_paths(paths: Vec<PathBuf>, audio: &[PathBuf]) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    paths
        .into_iter()
        .zip(audio)
        .map(|(p, a)| {
            if seen.insert(p.clone()) {
                p
            } else {
                let full = a.file_name().map(|n| n.to_string_lossy().into_owned());
                let q = p.with_file_name(format!("{}.json", full.unwrap_or_default()));
                seen.insert(q.clone());
                q
            }
        })
        .collect()
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed
/// to disk, then renamed over the target. Readers see the old file or the new one, never
/// half of one. Refuses to replace an existing file unless `overwrite`.
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: bool) -> Result<()> {
    if !overwrite && path.exists() {
        bail!("{} exists (use --overwrite to replace it)", path.display());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_the_seed() {
        let m = matcher("*.mp3").expect("glob");
        assert!(m.is_match("a.mp3"));
        assert!(m.is_match("A.MP3"));
        assert!(!m.is_match("sub/a.mp3"));
        let m = matcher("**/*.mp3").expect("glob");
        assert!(m.is_match("a.mp3"));
        assert!(m.is_match("x/y/a.mp3"));
        let m = matcher(&default_pattern()).expect("glob");
        assert!(m.is_match("a.flac") && m.is_match("b.m4a") && !m.is_match("c.txt"));
    }

    #[test]
    fn report_paths_mirror_folders_and_never_collide() {
        let root = Path::new("/music");
        let a = PathBuf::from("/music/house/a.mp3");
        assert_eq!(
            report_path(&a, Some(root), None),
            PathBuf::from("/music/house/a.json")
        );
        assert_eq!(
            report_path(&a, Some(root), Some(Path::new("/r"))),
            PathBuf::from("/r/house/a.json")
        );
        let audio = vec![PathBuf::from("/m/a.mp3"), PathBuf::from("/m/a.flac")];
        let paths = audio.iter().map(|p| report_path(p, None, None)).collect();
        let unique = unique_report_paths(paths, &audio);
        assert_eq!(unique[0], PathBuf::from("/m/a.json"));
        assert_eq!(unique[1], PathBuf::from("/m/a.flac.json"));
    }

    #[cfg(unix)]
    #[test]
    fn linked_files_and_folders_are_found_and_loops_end() {
        use std::os::unix::fs::symlink;
        let music = tempfile::tempdir().expect("tempdir");
        let library = tempfile::tempdir().expect("tempdir");
        fs::write(music.path().join("a.flac"), b"x").expect("write");
        fs::create_dir(music.path().join("house")).expect("mkdir");
        fs::write(music.path().join("house/b.mp3"), b"x").expect("write");
        symlink(music.path().join("a.flac"), library.path().join("a.flac")).expect("link");
        symlink(music.path().join("house"), library.path().join("house")).expect("link");
        // A link back up: recursion must not loop.
        symlink(library.path(), library.path().join("house-loop")).expect("link");
        let names = |found: Vec<PathBuf>| -> Vec<String> {
            found
                .iter()
                .map(|p| {
                    let rel = p.strip_prefix(library.path()).expect("under the library");
                    rel.to_string_lossy().into_owned()
                })
                .collect()
        };
        let flat = find_audio(library.path(), &default_pattern()).expect("find");
        assert_eq!(names(flat), vec!["a.flac".to_string()]);
        let deep = find_audio(library.path(), "**/*.{flac,mp3}").expect("find");
        let deep = names(deep);
        assert!(deep.contains(&"a.flac".to_string()), "{deep:?}");
        assert!(deep.contains(&"house/b.mp3".to_string()), "{deep:?}");
    }

    #[test]
    fn atomic_write_refuses_to_overwrite_without_flag() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("r.json");
        write_atomic(&p, b"one", false).expect("first write");
        assert!(write_atomic(&p, b"two", false).is_err());
        assert_eq!(fs::read(&p).expect("read"), b"one");
        write_atomic(&p, b"two", true).expect("overwrite");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }
}
