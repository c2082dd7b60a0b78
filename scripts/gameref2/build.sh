#!/bin/bash
# Builds a second reference set of real produced game music into OUTDIR (default
# target/gameref2): the soundtracks of Hedgewars (24 pieces: orchestral, rock, ethnic,
# electronic), Extreme Tux Racer (7) and Frozen Bubble (3), decoded to 44.1 kHz FLAC with
# ffmpeg. Jingles under 20 s and Hedgewars' sudden-death copies are left out. As in
# ../gameref there is no human truth: Essentia 2.1 and madmom 0.16 read every key and
# tempo (refs.tsv), and truth.tsv / tempo_truth.tsv keep the tracks where they agree.
#   scripts/gameref2/build.sh [OUTDIR]      then   scripts/elecref/score.sh OUTDIR
# Needs apt-get download access (210 MB of packages), ffmpeg and python3. The readings are
# kept in refs.tsv here (for the package versions in packages.tsv here): with those
# versions the build takes about a minute. REFS=1, or other versions, runs the tools
# (about 10 minutes on 2 cores) in OUTDIR/venv.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/gameref2}
"$HERE/../elecref/fetch.sh" "$OUT" 'extremetuxracer-data=*/etr/music/*.ogg' \
  'frozen-bubble-data=*/frozen-bubble/snd/*zik*.ogg' 'hedgewars-data=*/hedgewars/Data/Music/*.ogg'
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
echo "== decode to FLAC"
decode() { [ -f "audio/$2" ] || ffmpeg -v error -nostdin -i "$1" -ar 44100 "audio/$2"; }
find extract -name '*.ogg' | sort | while read -r f; do
  b=$(basename "$f" .ogg)
  case $f in
  */hedgewars/*)
    case $b in olympics_sd | sdmusic) continue ;; esac
    decode "$f" "hw_$b.flac" ;;
  */etr/*)
    case $b in lostrace-ks | raceintro-ks | wonrace1-jt) continue ;; esac
    decode "$f" "etr_$(echo "$b" | tr - _).flac" ;;
  */frozen-bubble/*) decode "$f" "fb_$(echo "$b" | tr - _).flac" ;;
  esac
done
echo "$(ls audio | wc -l) tracks in $OUT/audio"
"$HERE/../elecref/readings.sh" "$HERE" "$OUT"
