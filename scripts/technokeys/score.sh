#!/usr/bin/env bash
# Renders the generated techno key sets (render.py; needs a python with numpy) unless they
# exist, analyses them with the release aidj and scores the keys (../keyset/score.py).
#   scripts/technokeys/score.sh [OUTDIR]      (default target/technokeys)
# Environment: AIDJ_PYTHON (default python3) for the renders.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/technokeys}
PY=${AIDJ_PYTHON:-python3}
cd "$HERE/../.."
cargo build --release -q -p aidj-cli
for set in "random 11" "tonic 12"; do
  read -r kick seed <<<"$set"
  dir="$OUT/kick-$kick"
  if [ ! -f "$dir/truth.tsv" ]; then
    echo "== rendering $dir (about a minute)"
    "$PY" "$HERE/render.py" "$dir" --kick "$kick" --seed "$seed"
  fi
  echo "== kick tail $kick: 96 tracks"
  ./target/release/aidj analyze --batch-folder "$dir" --batch-out "$dir/reports" \
    --overwrite --max-points 16 --quiet | tail -n 1
  python3 "$HERE/../keyset/score.py" "$dir/truth.tsv" "$dir/reports" | tail -n 2
done
