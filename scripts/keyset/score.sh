#!/usr/bin/env bash
# Analyses the key set (built by build.sh) with the release aidj and scores the keys.
#   scripts/keyset/score.sh [OUTDIR]      (default target/keyset)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/keyset}
[ -f "$OUT/truth.tsv" ] || { echo "no key set in $OUT: run scripts/keyset/build.sh first" >&2; exit 2; }
cd "$HERE/../.."
cargo build --release -q -p aidj-cli
./target/release/aidj analyze --batch-folder "$OUT/audio" --batch-out "$OUT/reports" \
  --overwrite --max-points 16 --quiet | tail -n 1
python3 "$HERE/score.py" "$OUT/truth.tsv" "$OUT/reports"
