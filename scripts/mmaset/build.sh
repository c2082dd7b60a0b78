#!/bin/bash
# Builds the MMA ensemble set into OUTDIR (default target/mmaset): one song per groove of
# MMA's standard library (waltzes, 6/8, swing, latin, rock, ballads...) over a chord
# progression in a known key, rendered with fluidsynth. Tempo, beats, bars and key are
# exact: they are what the song is written at. About 1 minute on 2 cores; a rebuild is
# the same bit for bit.
#   scripts/mmaset/build.sh [OUTDIR]      then   scripts/mmaset/score.sh [OUTDIR]
# MMASET_LIBS=all adds the Casio, Yamaha and contributed libraries (217 songs, 2.5 minutes).
# MMASET_DRUMS=off renders the same songs without their drums (pitched parts alone).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/mmaset}
PY=${AIDJ_PYTHON:-/usr/bin/python3}   # a python with mido (python3-mido is installed if not)
case "$PY" in */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;; esac   # absolute: we cd below
SF=/usr/share/sounds/sf2/FluidR3_GM.sf2
need=""
for p in fluidsynth fluid-soundfont-gm sox; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
"$PY" -c "import mido" 2>/dev/null || need="$need python3-mido"
if [ -n "$need" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
rm -rf debs extract work songs audio beats truth.tsv songs.tsv
mkdir -p debs extract work
(cd debs && { apt-get download mma >/dev/null 2>&1 || { apt-get update -qq && apt-get download mma >/dev/null; }; })
dpkg-deb -x debs/mma_*.deb extract
printf 'mma\t%s\n' "$(dpkg-deb -f debs/mma_*.deb Version)" > work/packages.tsv
# MMA looks its grooves up in a database it writes beside the library.
cp -r extract/usr/share/mma work/mmahome
mkdir -p work/mmahome/plugins
MMA_HOME="$OUT/work/mmahome" python3 extract/usr/bin/mma -G >/dev/null
$PY "$HERE/gen.py" work/mmahome/lib .
$PY "$HERE/render.py" . extract/usr/bin/mma "$SF" "$(nproc)"
echo "mmaset: $(ls audio | wc -l) renders in $OUT"
