#!/bin/bash
# Downloads the Debian packages PACKAGE... afresh into OUTDIR/debs, lists them with their
# versions in OUTDIR/packages.tsv (the versions the kept readings are for) and makes
# OUTDIR/extract and OUTDIR/audio.
#   scripts/elecref/fetch.sh OUTDIR PACKAGE...       (build.sh here and ../gameref)
set -euo pipefail
mkdir -p "$1"
cd "$1"
shift
rm -rf debs extract
mkdir -p debs extract audio
echo "== download + extract"
(cd debs && { apt-get download "$@" >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get download "$@" >/dev/null; }; })
: > packages.tsv
for d in debs/*.deb; do
  printf '%s\t%s\n' "$(dpkg-deb -f "$d" Package)" "$(dpkg-deb -f "$d" Version)" >> packages.tsv
done
