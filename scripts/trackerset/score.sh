#!/usr/bin/env bash
# Analyses the tracker-module set (built by build.sh) with the release aidj and scores the
# tempo and beats: the dev set's score.py table, A1/A2 on the trusted rows with truth in
# 60-200 BPM (the analyser's default range), the tempo-confidence calibration and the
# downbeats (../keyset/score_downbeats.py against the pattern-start bars).
#   scripts/trackerset/score.sh [OUTDIR]      (default target/trackerset)
# Environment:
#   AIDJ_DEVSET_SRC  folder of score.py (default ../shared/devset beside the repo)
#   NO_BUILD=1       skip `cargo build` and use the existing target/release/aidj
#   ESSENTIA=1       also score Essentia's RhythmExtractor2013 (pip install essentia into
#                    OUTDIR/venv, ~3.5 min) and print results.py's comparison and the
#                    analyser's A1 misses by category
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$ROOT/target/trackerset}
[ -f "$OUT/truth.tsv" ] || {
  echo "no tracker set in $OUT: run scripts/trackerset/build.sh first" >&2; exit 2; }
OUT=$(cd "$OUT" && pwd)
src=${AIDJ_DEVSET_SRC:-$ROOT/../shared/devset}
[ -f "$src/score.py" ] || {
  echo "no score.py in $src (set AIDJ_DEVSET_SRC)" >&2; exit 2; }
src=$(cd "$src" && pwd)
export PYTHONDONTWRITEBYTECODE=1
cd "$ROOT"

[ "${NO_BUILD:-0}" = 1 ] || cargo build --release -q -p aidj-cli
wavs=("$OUT"/audio/*.wav)
echo "== aidj analyze (release) on ${#wavs[@]} modules"
./target/release/aidj analyze --batch-folder "$OUT/audio" --batch-pattern "*.wav" \
  --batch-out "$OUT/reports" --overwrite --max-points 16 --quiet | tail -n 1
echo "== score ($src/score.py)"
python3 "$src/score.py" "$OUT/truth.tsv" "$OUT/reports"
PYTHONPATH=$src python3 "$HERE/tempo_range.py" "$OUT/truth.tsv" "$OUT/reports" 60 200
echo "== confidence calibration"
# calibration.py imports score.py from beside truth.tsv; PYTHONPATH supplies it otherwise.
PYTHONPATH=$src python3 scripts/calibration.py "$OUT/truth.tsv" "$OUT/reports"
echo "== downbeats"
python3 scripts/keyset/score_downbeats.py "$OUT" "$OUT/reports" --truth truth.tsv --quiet

if [ "${ESSENTIA:-0}" = 1 ]; then
  echo "== Essentia RhythmExtractor2013 (multifeature) reference"
  if [ ! -x "$OUT/venv/bin/python" ]; then
    python3 -m venv "$OUT/venv"
    nice -n 10 "$OUT/venv/bin/pip" install -q numpy essentia
  fi
  nice -n 10 "$OUT/venv/bin/python" "$HERE/ref_essentia.py" "$OUT/audio" "$OUT/ref_essentia" \
    > "$OUT/essentia.log" 2>&1
  python3 "$src/score.py" "$OUT/truth.tsv" "$OUT/ref_essentia" --quiet
  PYTHONPATH=$src python3 "$HERE/tempo_range.py" "$OUT/truth.tsv" "$OUT/ref_essentia" 60 200
  echo "== aidj vs Essentia (results.py)"
  python3 "$HERE/results.py" "$OUT/truth.tsv" "$OUT/reports" "$OUT/ref_essentia" "$OUT/meta"
fi
