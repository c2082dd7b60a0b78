#!/usr/bin/env bash
# Analyses the MMA ensemble set (built by build.sh) with the release aidj and scores
# tempo, beats and keys, the confidence calibration and the downbeats:
# scripts/render_score.sh, whose environment applies (NO_BUILD=1, ESSENTIA=1, LIBROSA=1,
# AIDJ_DEVSET_SRC).
#   scripts/mmaset/score.sh [OUTDIR]      (default target/mmaset)
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../render_score.sh" "MMA set" "${1:-$HERE/../../target/mmaset}" "*.flac" \
  scripts/mmaset/build.sh
