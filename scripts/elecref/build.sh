#!/bin/bash
# Builds a reference set of real electronic music into OUTDIR (default target/elecref):
# the 63 soundtrack pieces of three Debian packages (singularity-music: 16 industrial /
# electronic tracks; warzone2100-music: 30 electronic / orchestral tracks, Opus;
# nexuiz-music: 17 techno / industrial / drum-and-bass tracks, Ogg in a zip), decoded to
# 44.1 kHz FLAC with ffmpeg. There is no human truth: two independent reference tools
# read every key (Essentia 2.1's KeyExtractor with the edma, bgate and temperley
# profiles, and madmom 0.16's CNN key classifier), and truth.tsv keeps the tracks where
# bgate and madmom agree. Tempo: Essentia's RhythmExtractor2013 (refs.tsv).
#   scripts/elecref/build.sh [OUTDIR]     then   scripts/elecref/score.sh [OUTDIR]
# Needs apt-get download access, ffmpeg and python3-venv. The readings are kept in refs.tsv
# here (for the package versions in packages.tsv here): with those packages the build takes
# about a minute. REFS=1, or other versions, runs the tools (about 20 minutes on 2 cores)
# in OUTDIR/venv (pip: essentia, madmom and their build requirements).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/elecref}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
rm -rf debs extract
mkdir -p debs extract audio refs
echo "== download + extract"
PACKAGES="nexuiz-music singularity-music warzone2100-music"
# shellcheck disable=SC2086
(cd debs && { apt-get download $PACKAGES >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get download $PACKAGES >/dev/null; }; })
: > packages.tsv
for d in debs/*.deb; do
  p=$(dpkg-deb -f "$d" Package)
  printf '%s\t%s\n' "$p" "$(dpkg-deb -f "$d" Version)" >> packages.tsv
  dpkg-deb -x "$d" "extract/$p"
done
echo "== decode to FLAC"
find extract/singularity-music -name '*.ogg' | sort | while read -r f; do
  n="sing_$(basename "$f" .ogg | tr ' ' '_').flac"
  [ -f "audio/$n" ] || ffmpeg -v error -nostdin -i "$f" -ar 44100 "audio/$n"
done
find extract/warzone2100-music -name '*.opus' | sort | while read -r f; do
  album=$(basename "$(dirname "$f")"); album=${album%%_*}
  n="wz_${album}_$(basename "$f" .opus).flac"
  [ -f "audio/$n" ] || ffmpeg -v error -nostdin -i "$f" -ar 44100 "audio/$n"
done
# Nexuiz keeps its music in a zip (a Quake-style .pk3); thunder.ogg is a sound effect.
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
  extract/nexuiz-music/usr/share/games/nexuiz/data/music.pk3 extract/nexuiz-music/pk3
find extract/nexuiz-music/pk3 -name '*.ogg' ! -name thunder.ogg | sort | while read -r f; do
  n="nx_$(basename "$f" .ogg | tr -- '- ' '__').flac"
  [ -f "audio/$n" ] || ffmpeg -v error -nostdin -i "$f" -ar 44100 "audio/$n"
done
echo "$(ls audio | wc -l) tracks in $OUT/audio"
# The readings of the build of 2026-11-28 (refs.tsv and packages.tsv beside this script)
# stand in for the tools when the packages are the same versions; REFS=1 runs the tools.
if [ "${REFS:-0}" != 1 ] && [ -f "$HERE/refs.tsv" ] && cmp -s packages.tsv "$HERE/packages.tsv"; then
  echo "== reference readings kept in $HERE/refs.tsv (REFS=1 runs the tools again)"
  python3 "$HERE/refs.py" --pinned "$HERE/refs.tsv" "$OUT"
  echo "wrote $OUT/refs.tsv, $OUT/tempo_truth.tsv and $OUT/truth.tsv ($(($(wc -l < truth.tsv) - 1)) tracks where bgate and madmom agree)"
  exit 0
fi
echo "== reference tools (venv)"
if [ ! -x venv/bin/python ] || ! venv/bin/python -c "import essentia, madmom" 2>/dev/null; then
  python3 -m venv venv
  venv/bin/pip install -q --disable-pip-version-check "numpy<2" scipy cython wheel mido essentia
  # madmom 0.16.1 (the last release) builds only without build isolation.
  venv/bin/pip install -q --disable-pip-version-check --no-build-isolation madmom
fi
ls audio/*.flac | xargs -n 8 -P 2 venv/bin/python "$HERE/refs.py" refs
ls audio/*.flac | xargs -n 8 -P 2 venv/bin/python "$HERE/refs.py" --beats refs
venv/bin/python "$HERE/refs.py" --summary refs audio > /dev/null
echo "wrote $OUT/refs.tsv, $OUT/tempo_truth.tsv and $OUT/truth.tsv ($(($(wc -l < truth.tsv) - 1)) tracks where bgate and madmom agree)"
