#!/usr/bin/env bash
# Analyses the electronic reference set (build.sh) with the release aidj and scores the
# keys against the tracks where Essentia (bgate) and madmom agree, with
# ../keyset/score.py; then prints how often we agree with each reference on all tracks.
#   scripts/elecref/score.sh [OUTDIR]     (default target/elecref)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/elecref}
cd "$HERE/../.."
cargo build --release -q -p aidj-cli
./target/release/aidj analyze --batch-folder "$OUT/audio" --batch-out "$OUT/reports" \
  --overwrite --max-points 16 --quiet | tail -n 1
python3 "$HERE/../keyset/score.py" "$OUT/truth.tsv" "$OUT/reports" | tail -n 2
python3 - "$OUT" "$HERE" <<'PY'
import csv, json, os, sys
out = sys.argv[1]
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from refs import norm  # the key spelling refs.tsv is written in
rows = list(csv.DictReader(open(os.path.join(out, "refs.tsv")), delimiter="\t"))
same = {k: 0 for k in ("edma", "bgate", "temperley", "madmom")}
n = 0
for r in rows:
    rep = os.path.join(out, "reports", os.path.splitext(r["file"])[0] + ".json")
    if not os.path.exists(rep):
        continue
    key = json.load(open(rep))["analysis"]["tonal"].get("key")
    if not key:
        continue
    n += 1
    for k in same:
        same[k] += norm(key) == r[k]
print("all %d tracks, same key as: " % n + ", ".join("%s %d" % kv for kv in same.items()))
PY
if [ -f "$OUT/tempo_truth.tsv" ]; then
  echo "== tempo on tempo_truth.tsv (Essentia and madmom agree within 4 %)"
  python3 - "$OUT" <<'PY'
import csv, json, os, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "tempo_truth.tsv")), delimiter="\t"))
a1 = a2 = sure = sure_right = n = 0
for r in rows:
    rep = os.path.join(out, "reports", os.path.splitext(r["file"])[0] + ".json")
    if not os.path.exists(rep):
        continue
    rh = json.load(open(rep))["analysis"]["rhythm"]
    ours, truth = rh.get("tempo_bpm_global"), float(r["bpm"])
    if not ours:
        continue
    n += 1
    right = abs(ours / truth - 1) < 0.04
    a1 += right
    a2 += any(abs(ours * m / truth - 1) < 0.04 for m in (1, 2, 0.5, 3, 1 / 3))
    if (rh.get("tempo_confidence") or 0) >= 0.5:
        sure += 1
        sure_right += right
print("tempo %d tracks: A1 %.3f, A2 %.3f; confidence >= 0.5: %d of %d right"
      % (n, a1 / max(n, 1), a2 / max(n, 1), sure_right, sure))
PY
fi
echo "== strict-key suggestions (../suggestions.py): true keys; heard at our tempo ratio, then at the true tempi (tempo_truth.tsv: Essentia and madmom agree)"
python3 "$HERE/../suggestions.py" ./target/release/aidj "$OUT/reports" "$OUT/truth.tsv" | tail -n 1
if [ -f "$OUT/tempo_truth.tsv" ]; then
  python3 "$HERE/../suggestions.py" ./target/release/aidj "$OUT/reports" "$OUT/truth.tsv" \
    "$OUT/tempo_truth.tsv" | tail -n 1
fi
