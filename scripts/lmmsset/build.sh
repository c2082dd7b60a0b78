#!/bin/bash
# Builds a set of produced electronic music with exact tempo and beat truth into OUTDIR
# (default target/lmmsset): the 26 demo projects of LMMS (`lmms-common`: house, trance,
# dubstep, drum and bass, reggaeton, chiptune ... by their authors) and the 7 demo songs of
# Hydrogen (`hydrogen-data`: drum machine patterns, some swung and humanised), rendered
# to WAV by the programs themselves. Both play a project at one tempo from its first tick,
# so the project's BPM is the truth and the beats fall on its grid (truth.py).
#   scripts/lmmsset/build.sh [OUTDIR]      then   scripts/lmmsset/score.sh OUTDIR
# Needs lmms, hydrogen and Debian's python3-mido (apt-get install --no-install-recommends
# lmms hydrogen python3-mido; the renders run headless). About 5 minutes on 2 cores and
# 1 GB of WAV.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/lmmsset}
for tool in lmms h2cli; do
  command -v $tool > /dev/null || { echo "lmmsset: $tool is not installed (apt-get install lmms hydrogen)" >&2; exit 2; }
done
mkdir -p "$OUT/audio"
OUT=$(cd "$OUT" && pwd)
ROOT=()
[ "$(id -u)" = 0 ] && ROOT=(--allowroot)
projects=$(find /usr/share/lmms/projects -name '*.mmp' -o -name '*.mmpz' | sort)
songs=$(find /usr/share/hydrogen/data/demo_songs -name '*.h2song' | sort)
stem() { python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import truth; print(truth.stem_of(sys.argv[2]))' "$HERE" "$1"; }
echo "== render $(echo "$projects" | wc -l) LMMS projects, $(echo "$songs" | wc -l) Hydrogen songs"
render_lmms() {
  local w="$OUT/audio/$(stem "$1").wav"
  [ -s "$w" ] && return 0
  QT_QPA_PLATFORM=offscreen lmms "${ROOT[@]}" render "$1" -o "$w.tmp.wav" -f wav > /dev/null 2>&1 \
    && mv "$w.tmp.wav" "$w" || echo "lmmsset: $1 did not render" >&2
}
render_hydrogen() {
  local w="$OUT/audio/$(stem "$1").wav"
  [ -s "$w" ] && return 0
  h2cli -s "$1" -o "$w.tmp.wav" > /dev/null 2>&1 && mv "$w.tmp.wav" "$w" \
    || echo "lmmsset: $1 did not render" >&2
}
# h2cli exports in real time (4 minutes for the longest song) on almost no CPU: all at
# once, beside the LMMS renders, which take a core each.
for s in $songs; do render_hydrogen "$s" & done
par=$(nproc 2> /dev/null || echo 2)
pids=()
for p in $projects; do
  while [ ${#pids[@]} -ge "$par" ]; do
    wait -n || true
    alive=()
    for q in "${pids[@]}"; do kill -0 "$q" 2> /dev/null && alive+=("$q"); done
    pids=("${alive[@]}")
  done
  render_lmms "$p" &
  pids+=($!)
done
wait
# Debian's python3 has mido (python3-mido), which ../keyset/analyze.py imports.
/usr/bin/python3 "$HERE/truth.py" "$OUT" $projects $songs
