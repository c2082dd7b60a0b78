#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need,
# then runs formatting, lints and every test. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# ffmpeg encodes the mp3/aac/vorbis/flac/aiff fixtures the decoding tests generate.
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
# (The plugin's editor needs no X11/GL -dev packages: baseview loads them at run time.)
# libclang for the `keylock` feature's bindings (Signalsmith Stretch, `aidj mix --keylock`).
dpkg -s libclang-dev >/dev/null 2>&1 || need_apt+=(libclang-dev)
# A real VST3 host for the tests: pedalboard (PyPI) in a venv.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
python3 -c "import ensurepip" >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust from https://rustup.rs"; exit 1; }
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== plugin bundles (CLAP + VST3) for the host tests"
cargo xtask bundle aidj-plugin --release
echo "== pedalboard (VST3 host) in target/py"
[ -x target/py/bin/python ] || python3 -m venv target/py
target/py/bin/python -c "import pedalboard, numpy, mido" >/dev/null 2>&1 ||
  target/py/bin/python -m pip install -q --disable-pip-version-check pedalboard numpy mido
# The host tests fail, instead of skipping, when a bundle or the host is missing.
export AIDJ_REQUIRE_BUNDLE=1 AIDJ_PYTHON="$PWD/target/py/bin/python"
# Real recordings with truth (../shared/devset, beside the repository in CI): build the set
# once into target/devset-audio, and the accuracy test scores the engine on it.
if [ -f ../shared/devset/make_devset.sh ]; then
  echo "== development set of real recordings (scripts/accuracy.sh --build-only)"
  if ./scripts/accuracy.sh --build-only; then
    export AIDJ_DEVSET="$PWD/target/devset-audio" AIDJ_REQUIRE_DEVSET=1
    # Bar starts of the renders' MIDI time signatures (mido reads the installed MIDI files).
    if target/py/bin/python scripts/devset_downbeats.py ../shared/devset target/devset-downbeats; then
      export AIDJ_DEVSET_DOWNBEATS="$PWD/target/devset-downbeats/beats"
    else
      echo "warning: no bar truth for the dev set; its downbeats are not scored"
    fi
  else
    echo "warning: the development set could not be built; its accuracy test is skipped"
  fi
fi
# Produced electronic music with exact truth (scripts/lmmsset): LMMS and Hydrogen render
# their own demo projects into target/lmmsset, and an accuracy test scores the engine on
# them. The programs come from apt; where they cannot be installed the test is skipped.
lmms_tools() { command -v lmms && command -v h2cli && /usr/bin/python3 -c "import mido"; } >/dev/null 2>&1
if ! lmms_tools && command -v apt-get >/dev/null 2>&1; then
  echo "installing: lmms hydrogen python3-mido (the LMMS set)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      lmms hydrogen python3-mido; } >/dev/null || true
fi
if lmms_tools; then
  echo "== LMMS / Hydrogen set (scripts/lmmsset/build.sh)"
  if ./scripts/lmmsset/build.sh target/lmmsset; then
    export AIDJ_LMMSSET="$PWD/target/lmmsset" AIDJ_REQUIRE_LMMSSET=1
  else
    echo "warning: the LMMS set could not be built; its accuracy test is skipped"
  fi
else
  echo "warning: no lmms / hydrogen / python3-mido; the LMMS set's accuracy test is skipped"
fi
# Ensemble accompaniment in many styles and metres with exact truth (scripts/mmaset): MMA
# (one .deb, downloaded) writes a song per groove of its library and fluidsynth renders it.
echo "== MMA ensemble set (scripts/mmaset/build.sh)"
if AIDJ_PYTHON="$PWD/target/py/bin/python" ./scripts/mmaset/build.sh target/mmaset; then
  export AIDJ_MMASET="$PWD/target/mmaset" AIDJ_REQUIRE_MMASET=1
  # The same songs without their drums: an ensemble with no kit.
  if MMASET_DRUMS=off AIDJ_PYTHON="$PWD/target/py/bin/python" \
    ./scripts/mmaset/build.sh target/mmaset-nodrums; then
    export AIDJ_MMASET_NODRUMS="$PWD/target/mmaset-nodrums" AIDJ_REQUIRE_MMASET_NODRUMS=1
  else
    echo "warning: the MMA set without drums could not be built; its test is skipped"
  fi
else
  echo "warning: the MMA set could not be built; its accuracy test is skipped"
fi
echo "== cargo test"
cargo test --workspace --quiet 2>&1 | tee target/test-output.txt
echo "== plugin without the editor (headless build)"
cargo clippy -p aidj-plugin --no-default-features --all-targets --quiet -- -D warnings
echo "== cargo test -p aidj-analysis --features onnx (learned embeddings)"
cargo clippy -p aidj-analysis --features onnx --all-targets --quiet -- -D warnings
# Only the parts the feature adds (the rest ran above).
cargo test -p aidj-analysis --features onnx --quiet --lib --test embeddings --test stems 2>&1 | tee -a target/test-output.txt
echo "== keylock (aidj mix --keylock: time-stretch with the pitch kept)"
cargo clippy -p aidj-mixdown -p aidj-cli --features aidj-mixdown/keylock,aidj-cli/keylock --all-targets --quiet -- -D warnings
cargo test -p aidj-mixdown --features keylock --quiet --test keylock --test mix 2>&1 | tee -a target/test-output.txt
# Summarise in one line that counts every test binary.
awk '/^test result:/ {p+=$4; f+=$6; i+=$8} END {printf "%d passed, %d failed, %d skipped\n", p, f, i}' target/test-output.txt
