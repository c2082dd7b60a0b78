#!/usr/bin/env bash
# Analyses the LMMS / Hydrogen set (built by build.sh) with the release aidj and scores
# tempo, beats and the trusted keys, the confidence calibration and the downbeats (bar
# starts of the 4/4 projects): scripts/render_score.sh, whose environment applies
# (NO_BUILD=1, ESSENTIA=1, LIBROSA=1, AIDJ_DEVSET_SRC).
#   scripts/lmmsset/score.sh [OUTDIR]      (default target/lmmsset)
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../render_score.sh" "LMMS set" "${1:-$HERE/../../target/lmmsset}" "*.wav" \
  scripts/lmmsset/build.sh
