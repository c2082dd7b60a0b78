#!/usr/bin/env bash
# Accuracy on real recordings: builds the development set once (../shared/devset, 54 real
# recordings with tempo/beat/key truth from Debian packages), analyses it with the release
# `aidj analyze`, prints the score table (tempo A1/A2, key exact/MIREX, beat F, per truth
# source), the confidence calibration and the downbeats of the MIDI renders.
#
#   scripts/accuracy.sh [--build-only]
#
# Environment: AIDJ_DEVSET_SRC (default ../shared/devset: the scripts and truth),
# AIDJ_DEVSET (default target/devset-audio: where the audio is built, ~1.2 GB),
# AIDJ_DEVSET_REPORTS (default target/devset-reports).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
src=${AIDJ_DEVSET_SRC:-$root/../shared/devset}
audio=${AIDJ_DEVSET:-$root/target/devset-audio}
reports=${AIDJ_DEVSET_REPORTS:-$root/target/devset-reports}

if [ ! -f "$src/make_devset.sh" ]; then
  echo "accuracy: no development set scripts at $src (set AIDJ_DEVSET_SRC)" >&2
  exit 2
fi
# make_devset.sh keeps files that exist; the truth it regenerates marks a finished build.
if [ ! -f "$audio/truth/truth.tsv" ]; then
  echo "== building the development set into $audio (once; about 3 minutes)"
  mkdir -p "$audio"
  sh "$src/make_devset.sh" "$audio"
fi
[ "${1:-}" = "--build-only" ] && exit 0

echo "== aidj analyze (release) on $(ls "$audio" | grep -c -E '\.(wav|flac)$') recordings"
cargo build --release -q -p aidj-cli
mkdir -p "$reports"
./target/release/aidj analyze --batch-folder "$audio" --batch-pattern "*.*" \
  --batch-out "$reports" --overwrite --max-points 64 | tail -n 1
echo "== score (../shared/devset/score.py)"
python3 "$src/score.py" "$src/truth.tsv" "$reports"
echo "== confidence calibration"
python3 scripts/calibration.py "$src/truth.tsv" "$reports"
echo "== downbeats (bar starts of the MIDI renders' time signatures)"
# AIDJ_PYTHON: a python with mido (the dev set's build.py reads the MIDI files).
py=${AIDJ_PYTHON:-python3}
if "$py" -c "import mido" 2>/dev/null; then
  "$py" scripts/devset_downbeats.py "$src" "$root/target/devset-downbeats" >/dev/null
  python3 scripts/keyset/score_downbeats.py "$root/target/devset-downbeats" "$reports" --quiet
else
  echo "(skipped: $py has no mido; set AIDJ_PYTHON to one that has)"
fi
