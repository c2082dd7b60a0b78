#!/usr/bin/env bash
# Builds the tracker-module tempo set from scratch into OUTDIR (default target/trackerset):
# downloads the Debian game-data packages that hold the pinned modules (apt-get download,
# unpacked with dpkg -x; nothing is installed but libxmp4), plays each selected module with
# libxmp (xmpplay.py, ctypes, stdlib Python only), writes the WAV, the beat times and a
# playback summary from that same playback, then truth.tsv (make_truth.py).
#   scripts/trackerset/build.sh [OUTDIR]      then   scripts/trackerset/score.sh [OUTDIR]
# Debian 12, run as root. About 2 min on 2 cores (4.5 min with DISCOVER=1); 2.4 GB of audio
# plus ~410 MB of packages (.debs and unpacked).
# Generated files in OUTDIR are wiped first.
#
# Environment:
#   DISCOVER=1   also redo the discovery: download 2 more candidate packages, play all
#                193 candidate modules (survey/), run select.py and compare its choice with
#                the pinned selection.tsv. The build still uses the pinned selection.
#   PY=python3   the Python interpreter (stdlib only).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../target/trackerset}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ "$OUT" != "$HERE" ] || { echo "OUTDIR must not be the scripts folder" >&2; exit 2; }
cd "$OUT"
PY=${PY:-python3}
NICE="nice -n 10"
SEL=$HERE/selection.tsv          # pinned: out_name, package, module path (relative to OUTDIR)
VERSIONS=$HERE/packages.tsv      # package, version used for the pinned build
SCORE=${AIDJ_DEVSET_SRC:-$HERE/../../../shared/devset}/score.py
LIBXMP_VERSION=4.5.0-2           # the truth and audio were made with this libxmp

# Every package that ships candidate modules (DISCOVER=1); the pinned selection uses 35.
ALL_PKGS="ballz-data bb biniax2-data bomberclone-data bugsquish ceferino-data circuslinux-data
criticalmass-data cuyo-data dodgindiamond2 fb-music-high flobopuyo freedroid-data gemdropx
gl-117-data gltron gweled heroes-sound-tracks ironseed-data madbomber-data monsterz-data
njam-data open-invaders-data pachi-data pathogen pekka-kana-2-data penguin-command pingus-data
rafkill-data ri-li-data solarwolf tecnoballz-data tomatoes-data tuxmath-data vectoroids vodovod vor"
if [ "${DISCOVER:-0}" = 1 ]; then
  PKGS=$ALL_PKGS
else
  PKGS=$(cut -f2 "$SEL" | sort -u)
fi

# 1. libxmp
if ! dpkg-query -W -f '${Status}' libxmp4 2>/dev/null | grep -q 'ok installed'; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxmp4 >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxmp4; }
fi
v=$(dpkg-query -W -f '${Version}' libxmp4)
[ "$v" = "$LIBXMP_VERSION" ] || \
  echo "warning: libxmp4 $v, the pinned truth was made with $LIBXMP_VERSION" >&2

rm -rf debs x survey audio beats meta reports ref_essentia truth.tsv selection.tsv packages.tsv
mkdir -p debs x audio beats meta

# 2. download (the pinned version when apt still has it) and unpack
npkg=$(echo "$PKGS" | wc -w)
echo "== download + unpack $npkg packages"
updated=0
for p in $PKGS; do
  ver=$(awk -F'\t' -v p="$p" '$1 == p {print $2}' "$VERSIONS")
  if (cd debs && apt-get download -q "$p=$ver" >/dev/null 2>&1); then continue; fi
  if [ $updated = 0 ]; then apt-get update -qq; updated=1; fi
  if ! (cd debs && apt-get download -q "$p=$ver" >/dev/null 2>&1); then
    echo "warning: $p $ver is not available; using apt's current version" >&2
    (cd debs && apt-get download -q "$p" >/dev/null)
  fi
done
for d in debs/*.deb; do
  p=$(dpkg-deb -f "$d" Package)
  printf '%s\t%s\n' "$p" "$(dpkg-deb -f "$d" Version)" >> packages.tsv
  mkdir -p "x/$p"
  dpkg-deb -x "$d" "x/$p"
done

# 3. optional discovery: survey every module and choose the set again
if [ "${DISCOVER:-0}" = 1 ]; then
  echo "== survey all candidate modules (DISCOVER=1)"
  mkdir -p survey
  find x -type f | grep -iE '\.(xm|s3m|it|mod)$' | grep -v '/doc/' | grep -v 'language.It' \
    | LC_ALL=C sort > survey/candidates.txt
  while read -r f; do
    $NICE "$PY" "$HERE/xmpplay.py" "$f" --json "survey/$(echo "$f" | tr '/' '_').json" >/dev/null
  done < survey/candidates.txt
  "$PY" "$HERE/select.py" survey > survey/selection.tsv
  if cmp -s survey/selection.tsv "$SEL"; then
    echo "select.py on $(wc -l < survey/candidates.txt) candidates gives the pinned selection"
  else
    echo "select.py differs from the pinned selection (survey/selection.tsv; the pinned one is used):"
    diff "$SEL" survey/selection.tsv || true
  fi
fi

# 4. render and measure each selected module from the same playback
echo "== render $(wc -l < "$SEL") modules"
cp "$SEL" selection.tsv
while IFS=$'\t' read -r name _pkg path; do
  $NICE "$PY" "$HERE/xmpplay.py" "$path" --wav "audio/$name.wav" \
    --beats "beats/$name.beats" --downbeats "beats/$name.downbeats" \
    --json "meta/$name.json" >/dev/null
done < selection.tsv

# 5. truth.tsv (checked by the dev set's scorer when it is there)
"$PY" "$HERE/make_truth.py" selection.tsv meta > truth.tsv
if [ -f "$SCORE" ]; then
  empty=$(mktemp -d)
  n=$(PYTHONDONTWRITEBYTECODE=1 "$PY" "$SCORE" truth.tsv "$empty" --quiet |
      sed -n 's/^missing reports (\([0-9]*\) of .*/\1/p')
  echo "score.py reads ${n:-no} rows of truth.tsv"
  rmdir "$empty"
fi
awk -F'\t' 'NR > 1 {n++; t += $3} END {printf "truth.tsv: %d rows, %d tempo-trusted\n", n, t}' truth.tsv
echo "built $OUT ($(du -sh audio | cut -f1) of audio)"
