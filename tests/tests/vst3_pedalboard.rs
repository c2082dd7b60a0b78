//! `AI DJ.vst3` in a real headless VST3 host: Spotify's `pedalboard` (JUCE's VST3 hosting),
//! driven by `tests/vst3/pedalboard_check.py` (see its docs for the checks).
//!
//! The Python interpreter is `AIDJ_PYTHON` (default `python3`; a relative path is from the
//! workspace root); it needs `pedalboard` and
//! `numpy` (`python3 -m pip install pedalboard numpy`). Skips when the bundle, the interpreter
//! or pedalboard is missing; with `AIDJ_REQUIRE_BUNDLE=1` each of those fails instead.

use std::path::Path;
use std::process::Command;

use aidj_e2e::{bundle_or_skip, bundle_required, note, vst3_bundle_path, workspace_root};

const TEST: &str = "vst3_bundle_in_pedalboard";

/// Skip, or fail when the CI requires the bundle and its host.
fn skip_or_fail(why: &str) {
    if bundle_required() {
        panic!("{TEST}: AIDJ_REQUIRE_BUNDLE=1 but {why}");
    }
    note(&format!("SKIP {TEST}: {why}"));
}

#[test]
fn vst3_bundle_in_pedalboard() {
    let Some(bundle) = bundle_or_skip(TEST, vst3_bundle_path(), "VST3") else {
        return;
    };
    let python = std::env::var("AIDJ_PYTHON").unwrap_or_else(|_| "python3".to_string());
    // A relative path (`target/venv/bin/python`) is taken from the workspace root: cargo runs
    // the test in this crate's directory.
    let python = if python.contains('/') && Path::new(&python).is_relative() {
        workspace_root()
            .join(&python)
            .to_string_lossy()
            .into_owned()
    } else {
        python
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("vst3/pedalboard_check.py");
    let output = match Command::new(&python)
        .arg(&script)
        .arg("--bundle")
        .arg(&bundle)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            skip_or_fail(&format!("cannot run {python} ({e}); set AIDJ_PYTHON"));
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: Option<serde_json::Value> = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l.trim()).ok());
    match output.status.code() {
        Some(2) => {
            skip_or_fail(&format!(
                "{python} cannot import pedalboard and numpy (`{python} -m pip install pedalboard numpy`): {stdout}{stderr}"
            ));
            return;
        }
        Some(0) => {}
        _ => panic!(
            "{TEST}: pedalboard check failed ({}):\n{stdout}\n{stderr}",
            output.status
        ),
    }
    let report = report.unwrap_or_else(|| panic!("{TEST}: no JSON report in {stdout:?}"));
    assert_eq!(report["ok"], serde_json::Value::Bool(true), "{report}");
    let failures = report["failures"].as_array().map_or(0, Vec::len);
    assert_eq!(failures, 0, "{report}");
    // The figures that matter, checked here too (the script's own limits are the same).
    let figures = &report["figures"];
    let err = figures["default_max_abs_error"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!(err <= 1e-6, "deck A at defaults changed by {err}");
    assert_eq!(figures["parameters"].as_u64(), Some(27), "{figures}");
    assert_eq!(
        figures["state_round_trip_max_abs_diff"].as_f64(),
        Some(0.0),
        "{figures}"
    );
    note(&format!("{TEST}: pedalboard figures {figures}"));
}
