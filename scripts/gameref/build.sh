#!/bin/bash
# Builds a reference set of real produced game music of many genres into OUTDIR (default
# target/gameref): the 29 soundtrack pieces of SuperTuxKart (`supertuxkart-data`:
# produced pieces in many styles by about a dozen composers; Ogg), decoded to 44.1 kHz FLAC
# with ffmpeg. The
# sped-up "_fast" copies and the two 14-second jingles are left out. Like ../elecref there
# is no human truth: Essentia 2.1 and madmom 0.16 read every key and tempo (refs.tsv), and
# truth.tsv / tempo_truth.tsv keep the tracks where they agree.
#   scripts/gameref/build.sh [OUTDIR]      then   scripts/elecref/score.sh OUTDIR
# Needs apt-get download access (a 630 MB package), ffmpeg and python3. The readings are
# kept in refs.tsv here (for the package version in packages.tsv here): with that version
# the build takes about a minute. REFS=1, or another version, runs the tools (about 8
# minutes on 2 cores) in OUTDIR/venv (pip: essentia, madmom and their build requirements).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/gameref}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
rm -rf debs extract
mkdir -p debs extract audio refs
echo "== download + extract"
(cd debs && { apt-get download supertuxkart-data >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get download supertuxkart-data >/dev/null; }; })
: > packages.tsv
for d in debs/*.deb; do
  printf '%s\t%s\n' "$(dpkg-deb -f "$d" Package)" "$(dpkg-deb -f "$d" Version)" >> packages.tsv
  dpkg-deb --fsys-tarfile "$d" | tar -x -C extract --wildcards '*/data/music/*.ogg'
done
echo "== decode to FLAC"
find extract -name '*.ogg' | sort | while read -r f; do
  b=$(basename "$f" .ogg)
  case $b in *_fast | farm_f | lose_theme | race_win_theme) continue ;; esac
  n="stk_$(echo "$b" | tr -- '- ' '__').flac"
  [ -f "audio/$n" ] || ffmpeg -v error -nostdin -i "$f" -ar 44100 "audio/$n"
done
echo "$(ls audio | wc -l) tracks in $OUT/audio"
if [ "${REFS:-0}" != 1 ] && [ -f "$HERE/refs.tsv" ] && cmp -s packages.tsv "$HERE/packages.tsv"; then
  echo "== reference readings kept in $HERE/refs.tsv (REFS=1 runs the tools again)"
  python3 "$HERE/../elecref/refs.py" --pinned "$HERE/refs.tsv" "$OUT"
else
  echo "== reference tools (venv)"
  if [ ! -x venv/bin/python ] || ! venv/bin/python -c "import essentia, madmom" 2>/dev/null; then
    python3 -m venv venv
    venv/bin/pip install -q --disable-pip-version-check "numpy<2" scipy cython wheel mido essentia
    # madmom 0.16.1 (the last release) builds only without build isolation.
    venv/bin/pip install -q --disable-pip-version-check --no-build-isolation madmom
  fi
  ls audio/*.flac | xargs -n 4 -P 2 venv/bin/python "$HERE/../elecref/refs.py" refs
  ls audio/*.flac | xargs -n 4 -P 2 venv/bin/python "$HERE/../elecref/refs.py" --beats refs
  venv/bin/python "$HERE/../elecref/refs.py" --summary refs audio > /dev/null
fi
echo "wrote $OUT/refs.tsv, $OUT/tempo_truth.tsv ($(($(wc -l < tempo_truth.tsv) - 1)) tracks where the tools' tempi agree) and $OUT/truth.tsv ($(($(wc -l < truth.tsv) - 1)) where their keys do)"
