#!/bin/bash
# Downloads the Debian packages PACKAGE... afresh into OUTDIR/debs, lists them with their
# versions in OUTDIR/packages.tsv (the versions the kept readings are for) and makes
# OUTDIR/extract and OUTDIR/audio. A PACKAGE=GLOB argument also extracts the package's
# files matching GLOB (tar wildcards) into OUTDIR/extract.
#   scripts/elecref/fetch.sh OUTDIR PACKAGE[=GLOB]...   (build.sh here and ../gameref*)
set -euo pipefail
mkdir -p "$1"
cd "$1"
shift
declare -A glob=()
pkgs=()
for a in "$@"; do
  pkgs+=("${a%%=*}")
  [[ $a == *=* ]] && glob[${a%%=*}]=${a#*=}
done
set -- "${pkgs[@]}"
rm -rf debs extract
mkdir -p debs extract audio
echo "== download + extract"
(cd debs && { apt-get download "$@" >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get download "$@" >/dev/null; }; })
: > packages.tsv
for d in debs/*.deb; do
  p=$(dpkg-deb -f "$d" Package)
  printf '%s\t%s\n' "$p" "$(dpkg-deb -f "$d" Version)" >> packages.tsv
  if [ -n "${glob[$p]:-}" ]; then
    dpkg-deb --fsys-tarfile "$d" | tar -x -C extract --wildcards "${glob[$p]}"
  fi
done
