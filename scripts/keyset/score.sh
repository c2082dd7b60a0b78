#!/usr/bin/env bash
# Analyses the key set (built by build.sh) with the release aidj and scores the keys, then
# the tempo and beats against the MIDI tempo maps (tempo_truth.tsv, with
# ../shared/devset/score.py), then the downbeats (score_downbeats.py).
#   scripts/keyset/score.sh [OUTDIR]      (default target/keyset)
# Environment: AIDJ_DEVSET_SRC (default ../shared/devset beside the repo: score.py).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/keyset}
[ -f "$OUT/truth.tsv" ] || { echo "no key set in $OUT: run scripts/keyset/build.sh first" >&2; exit 2; }
cd "$HERE/../.."
cargo build --release -q -p aidj-cli
./target/release/aidj analyze --batch-folder "$OUT/audio" --batch-out "$OUT/reports" \
  --overwrite --max-points 16 --quiet | tail -n 1
python3 "$HERE/score.py" "$OUT/truth.tsv" "$OUT/reports"
src=${AIDJ_DEVSET_SRC:-$PWD/../shared/devset}
if [ -f "$OUT/tempo_truth.tsv" ] && [ -f "$src/score.py" ]; then
  echo "== tempo (MIDI tempo maps; trusted rows have set_tempo and time_signature events)"
  python3 "$src/score.py" "$OUT/tempo_truth.tsv" "$OUT/reports" --quiet
  echo "== downbeats (bar starts of the MIDI time signature)"
  python3 "$HERE/score_downbeats.py" "$OUT" "$OUT/reports" --quiet
fi
echo "== strict-key suggestions (../suggestions.py): true keys; at our tempo ratio, then at the trusted MIDI tempi"
python3 "$HERE/../suggestions.py" ./target/release/aidj "$OUT/reports" "$OUT/truth.tsv" | tail -n 1
if [ -f "$OUT/tempo_truth.tsv" ]; then
  python3 "$HERE/../suggestions.py" ./target/release/aidj "$OUT/reports" "$OUT/truth.tsv" \
    "$OUT/tempo_truth.tsv" --trusted-col bpm_trusted | tail -n 1
fi
