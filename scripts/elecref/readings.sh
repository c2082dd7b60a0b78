#!/bin/bash
# The reference readings of a set built in OUTDIR (audio/*.flac, packages.tsv): the
# readings kept in PINNED_DIR/refs.tsv when the packages are the versions in
# PINNED_DIR/packages.tsv and REFS is not 1, else Essentia's and madmom's, run in
# OUTDIR/venv (pip: essentia, madmom and their build requirements; about 20 s a track on
# 2 cores). Writes OUTDIR/refs.tsv, truth.tsv and tempo_truth.tsv (refs.py).
#   scripts/elecref/readings.sh PINNED_DIR OUTDIR       (build.sh here and ../gameref)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PINNED=$1
cd "$2"
if [ "${REFS:-0}" != 1 ] && [ -f "$PINNED/refs.tsv" ] && cmp -s packages.tsv "$PINNED/packages.tsv"; then
  echo "== reference readings kept in $PINNED/refs.tsv (REFS=1 runs the tools again)"
  python3 "$HERE/refs.py" --pinned "$PINNED/refs.tsv" .
else
  echo "== reference tools (venv)"
  # madmom imports only after refs.py's numpy/collections shim (Python >= 3.10).
  if [ ! -x venv/bin/python ] || ! venv/bin/python -c "import sys; sys.path.insert(0, '$HERE'); import refs; refs.shim_numpy(); import essentia, madmom" 2>/dev/null; then
    python3 -m venv venv
    venv/bin/pip install -q --disable-pip-version-check "numpy<2" scipy cython wheel mido essentia
    # madmom 0.16.1 (the last release) builds only without build isolation.
    venv/bin/pip install -q --disable-pip-version-check --no-build-isolation madmom
  fi
  mkdir -p refs
  ls audio/*.flac | xargs -n 4 -P 2 venv/bin/python "$HERE/refs.py" refs
  ls audio/*.flac | xargs -n 4 -P 2 venv/bin/python "$HERE/refs.py" --beats refs
  venv/bin/python "$HERE/refs.py" --summary refs audio > /dev/null
fi
echo "wrote $(pwd)/refs.tsv, tempo_truth.tsv ($(($(wc -l < tempo_truth.tsv) - 1)) tracks where the tools' tempi agree) and truth.tsv ($(($(wc -l < truth.tsv) - 1)) where bgate and madmom agree on the key)"
