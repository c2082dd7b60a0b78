#!/bin/bash
# Builds a third reference set of real produced game music into OUTDIR (default
# target/gameref3): the soundtracks of SuperTux (chiptune, electronic, orchestral, rock),
# X-Moto and LinCity-NG, decoded to 44.1 kHz FLAC with ffmpeg. Jingles
# under 20 s are left out. As in ../gameref there is no human truth: Essentia 2.1 and
# madmom 0.16 read every key and tempo (refs.tsv), and truth.tsv / tempo_truth.tsv keep
# the tracks where they agree.
#   scripts/gameref3/build.sh [OUTDIR]      then   scripts/elecref/score.sh OUTDIR
# Needs apt-get download access (240 MB of packages), ffmpeg and python3. The readings are
# kept in refs.tsv here (for the package versions in packages.tsv here): with those
# versions the build takes about a minute. REFS=1, or other versions, runs the tools
# (about 15 minutes on 2 cores) in OUTDIR/venv.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/gameref3}
"$HERE/../elecref/fetch.sh" "$OUT" 'supertux-data=*/supertux2/music/*.ogg' \
  'xmoto-data=*/xmoto/Textures/Musics/*.ogg' 'lincity-ng-data=*/lincity-ng/music/default/[0-9]*'
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
echo "== decode to FLAC"
# Pieces of 20 s or more only (jingles and stingers are no DJ material).
decode() {
  [ -f "audio/$2" ] && return
  local secs
  secs=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" | cut -d. -f1) || return 0
  [ "${secs:-0}" -ge 20 ] || return 0
  ffmpeg -v error -nostdin -i "$1" -ar 44100 "audio/$2"
}
find extract -type f | sort | while read -r f; do
  b=$(basename "$f"); b=${b%.*}; b=$(echo "$b" | tr -s -- '- ' '_')
  case $f in
  */supertux2/*) decode "$f" "stux_$b.flac" ;;
  */xmoto/*) decode "$f" "xm_$b.flac" ;;
  */lincity-ng/*) decode "$f" "lc_$b.flac" ;;
  esac
done
echo "$(ls audio | wc -l) tracks in $OUT/audio"
"$HERE/../elecref/readings.sh" "$HERE" "$OUT"
