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
"$HERE/fetch.sh" "$OUT" nexuiz-music singularity-music warzone2100-music
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
for d in debs/*.deb; do
  dpkg-deb -x "$d" "extract/$(dpkg-deb -f "$d" Package)"
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
"$HERE/readings.sh" "$HERE" "$OUT"
