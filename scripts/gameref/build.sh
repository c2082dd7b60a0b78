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
"$HERE/../elecref/fetch.sh" "$OUT" supertuxkart-data
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
for d in debs/*.deb; do
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
"$HERE/../elecref/readings.sh" "$HERE" "$OUT"
