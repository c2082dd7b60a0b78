#!/usr/bin/env bash
# Analyses a built set of renders with exact truth (OUTDIR/truth.tsv, beats/, audio/: the
# LMMS and MMA sets) with the release aidj and scores it with the dev set's score.py, then
# the confidence calibration and the downbeats.
#   scripts/render_score.sh NAME OUTDIR PATTERN BUILD_SCRIPT
# (NAME names the set in messages, PATTERN its audio files, BUILD_SCRIPT what builds it.)
# Environment:
#   AIDJ_DEVSET_SRC  folder of score.py (default ../shared/devset beside the repo)
#   NO_BUILD=1       skip `cargo build` and use the existing target/release/aidj
#   ESSENTIA=1       also score Essentia's RhythmExtractor2013 (pip install essentia into
#                    OUTDIR/venv on first use, then about 2 minutes)
#   LIBROSA=1        also score librosa's beat tracker, the issue's other peer on rendered
#                    music (pip install librosa into OUTDIR/venv-librosa on first use,
#                    then about 4 minutes a hundred renders)
set -euo pipefail
NAME=$1 OUT=$2 PATTERN=$3 BUILD=$4
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
[ -f "$OUT/truth.tsv" ] || {
  echo "no $NAME in $OUT: run $BUILD first" >&2; exit 2; }
OUT=$(cd "$OUT" && pwd)
src=${AIDJ_DEVSET_SRC:-$ROOT/../shared/devset}
[ -f "$src/score.py" ] || {
  echo "no score.py in $src (set AIDJ_DEVSET_SRC)" >&2; exit 2; }
src=$(cd "$src" && pwd)
export PYTHONDONTWRITEBYTECODE=1
cd "$ROOT"

[ "${NO_BUILD:-0}" = 1 ] || cargo build --release -q -p aidj-cli
echo "== aidj analyze (release) on $(ls "$OUT"/audio/$PATTERN | wc -l) renders"
./target/release/aidj analyze --batch-folder "$OUT/audio" --batch-pattern "$PATTERN" \
  --batch-out "$OUT/reports" --overwrite --max-points 16 --quiet | tail -n 1
echo "== score ($src/score.py)"
python3 "$src/score.py" "$OUT/truth.tsv" "$OUT/reports"
echo "== confidence calibration"
PYTHONPATH=$src python3 scripts/calibration.py --range 60 200 "$OUT/truth.tsv" "$OUT/reports"
echo "== downbeats (bar starts)"
python3 scripts/keyset/score_downbeats.py "$OUT" "$OUT/reports" --truth truth.tsv --quiet

if [ "${ESSENTIA:-0}" = 1 ]; then
  echo "== Essentia RhythmExtractor2013 (multifeature) reference"
  if [ ! -x "$OUT/venv/bin/python" ]; then
    python3 -m venv "$OUT/venv"
    nice -n 10 "$OUT/venv/bin/pip" install -q numpy essentia
  fi
  nice -n 10 "$OUT/venv/bin/python" "$HERE/trackerset/ref_essentia.py" "$OUT/audio" \
    "$OUT/ref_essentia" > "$OUT/essentia.log" 2>&1
  python3 "$src/score.py" "$OUT/truth.tsv" "$OUT/ref_essentia" --quiet
fi

if [ "${LIBROSA:-0}" = 1 ]; then
  echo "== librosa beat_track reference"
  if [ ! -x "$OUT/venv-librosa/bin/python" ]; then
    python3 -m venv "$OUT/venv-librosa"
    nice -n 10 "$OUT/venv-librosa/bin/pip" install -q librosa
  fi
  nice -n 10 "$OUT/venv-librosa/bin/python" "$HERE/ref_librosa.py" "$OUT/audio" \
    "$OUT/ref_librosa" > "$OUT/librosa.log" 2>&1
  python3 "$src/score.py" "$OUT/truth.tsv" "$OUT/ref_librosa" --quiet
fi
