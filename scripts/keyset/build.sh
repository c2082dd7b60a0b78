#!/bin/bash
# Builds the key set into OUTDIR (default target/keyset): downloads the Debian packages
# that ship MIDI files (apt-get download, nothing installed but fluidsynth, the GM
# soundfont, python3-mido and sox), extracts them, computes symbolic key truth, renders
# the kept files with fluidsynth and writes truth.tsv. Generated dirs are wiped first.
#   scripts/keyset/build.sh [OUTDIR]      then   scripts/keyset/score.sh [OUTDIR]
# Optional: DISCOVER=1 also re-runs the apt-file search that found the candidate
# packages (writes aptfile_mid.txt).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/keyset}
mkdir -p "$OUT"
cd "$OUT"
NICE="nice -n 10"
PY=/usr/bin/python3          # Debian's python3 (python3-mido lives there)
SF=/usr/share/sounds/sf2/FluidR3_GM.sf2
RATE_RENDER=44100
RATE_OUT=22050               # output: 22.05 kHz mono 16-bit WAV

# Packages inspected (from apt-file); openttd-openmsx and planetblupi-music-midi
# are deliberately excluded (used elsewhere).  freedoom/freedm ship their MIDI
# music as lumps inside Doom WAD files (extracted by wadlumps.py).
PKGS="mma simutrans-data freedink-data faust-common pianobooster playmidi
      kobodeluxe-data liquidwar-data pinball-table-hurd-data pangzero python3-pyo
      chuck-data sfront yoshimi-data crimson nyquist pd-mrpeach texlive-music
      solfege timidity freedoom freedm"

need=""
for p in fluidsynth fluid-soundfont-gm python3-mido sox; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
fi

if [ "${DISCOVER:-0}" = 1 ]; then
  dpkg -s apt-file >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apt-file
  apt-file update >/dev/null
  apt-file search -x -i '\.(mid|midi|kar)(\.gz)?$' > aptfile_mid.txt
  echo "apt-file: $(cut -d: -f1 aptfile_mid.txt | sort -u | wc -l) packages ship MIDI files"
fi

rm -rf debs extract work audio truth.tsv
mkdir -p debs extract work audio

echo "== download + extract"
(cd debs && apt-get download $PKGS >/dev/null 2>../work/apt-download.log || \
   { apt-get update -qq && apt-get download $PKGS >/dev/null; })
: > work/packages.tsv
for d in debs/*.deb; do
  p=$(dpkg-deb -f "$d" Package); v=$(dpkg-deb -f "$d" Version)
  printf '%s\t%s\n' "$p" "$v" >> work/packages.tsv
  mkdir -p "extract/$p"
  dpkg-deb -x "$d" "extract/$p"
done
$PY "$HERE/wadlumps.py" $(find extract/freedoom extract/freedm -name '*.wad' | sort)

echo "== symbolic analysis"
$NICE $PY "$HERE/analyze.py" extract work

echo "== render"
: > work/render.log
printf 'file\tkey\tkey_source\tmargin\tpackage\tnote\n' > truth.tsv
tail -n +2 work/selected.tsv | while IFS=$'\t' read -r file key src margin pkg note midi span; do
  tmp=work/tmp_render.wav
  m=work/tmp.mid
  $PY "$HERE/prepmid.py" "$midi" "$m"
  $NICE fluidsynth -ni -q -F "$tmp" -T wav -O float -r $RATE_RENDER "$SF" "$m" >>work/render.log 2>&1
  # span <= 180 s: whole piece plus up to 2 s of release tail (max 180 s);
  # longer pieces: first 150 s with a 1 s fade-out.
  if awk "BEGIN{exit !($span >= 149.99 && $span <= 150.01)}" && \
     awk "BEGIN{exit !($(soxi -V1 -D "$tmp" 2>/dev/null) > 151)}"; then
    $NICE sox -V1 -q "$tmp" -r $RATE_OUT -c 1 -b 16 "audio/$file" trim 0 150 fade t 0 150 1 gain -n -1
  else
    len=$(awk "BEGIN{l=$span+2; if(l>180)l=180; print l}")
    $NICE sox -V1 -q "$tmp" -r $RATE_OUT -c 1 -b 16 "audio/$file" trim 0 "$len" gain -n -1
  fi
  dur=$(soxi -D "audio/$file" 2>/dev/null)
  rms=$(sox -V1 "audio/$file" -n stat 2>&1 | awk '/RMS +amplitude/{print $3}')
  if awk "BEGIN{exit !($dur >= 60 && $dur <= 180 && $rms > 0.005)}"; then
    printf '%s\t%s\t%s\t%s\t%s\t%s; audio=%.1fs\n' "$file" "$key" "$src" "$margin" "$pkg" "$note" "$dur" >> truth.tsv
  else
    echo "drop $file: duration $dur s, rms $rms" | tee -a work/render.log
    rm -f "audio/$file"
  fi
done
rm -f work/tmp_render.wav work/tmp.mid

echo "== tempo truth (MIDI tempo maps)"
$PY "$HERE/tempo.py" .

echo "== summary"
$PY "$HERE/summary.py" truth.tsv work/candidates.tsv | tee work/summary.txt
