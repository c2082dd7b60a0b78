#!/usr/bin/env python3
"""Render generated techno in known keys, for the key-finding classes that the real-music
sets lack (the dev and key sets hold almost no dance music).

    render.py OUT_DIR [--kick random|tonic|none] [--seed N] [--bars N]

96 mono WAVs (44.1 kHz, 16-bit) and OUT_DIR/truth.tsv (file, key): four arrangements in
all 24 keys at 124-140 BPM, each with a four-on-the-floor kick whose pitch sweeps down
130 Hz to its tail (F1-E2 at random against the key, or the tonic, or no kick), off-beat
hats, a clap on 2 and 4 and a sub bass on the chord root on the off-beats:
  A  one-chord stab (the tonic triad, short saws on four off-16ths a bar)
  C  an arpeggio of i-iv (I-IV), two bars each
  D  an acid riff (a 30-harmonic saw on the 16ths around the tonic, octave 2-3)
  E  pads on i-VI-iv-v (I-vi-IV-V) with a lead on the scale
Needs numpy. Score with `score.sh OUT_DIR` (see README.md).
"""
import argparse
import os
import wave

import numpy as np

SR = 44100
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MINOR = [0, 2, 3, 5, 7, 8, 10]
MAJOR = [0, 2, 4, 5, 7, 9, 11]


def hz(m):
    return 440 * 2 ** ((m - 69) / 12)


class Kit:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def kick(self, tail_hz, dur=0.35, dist=2.0):
        t = np.arange(int(dur * SR)) / SR
        f = tail_hz + 130 * np.exp(-t * 30)
        x = np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t * 7)
        return np.tanh(dist * x) / np.tanh(dist)

    def hat(self, dur=0.05):
        t = np.arange(int(dur * SR)) / SR
        n = np.diff(np.concatenate([[0], self.rng.standard_normal(len(t))]))
        return 0.3 * n * np.exp(-t * 90)

    def clap(self, dur=0.2):
        t = np.arange(int(dur * SR)) / SR
        return 0.5 * self.rng.standard_normal(len(t)) * np.exp(-t * 25)

    def saw(self, f, dur, g=0.3, dec=6, nh=20, detune=0.0):
        t = np.arange(int(dur * SR)) / SR
        x = 0
        for d in [0] if detune == 0 else [-detune, 0, detune]:
            ff = f * 2 ** (d / 1200)
            x = x + sum(
                np.sin(2 * np.pi * ff * h * t + self.rng.uniform(0, 6.28)) / h
                for h in range(1, nh)
                if ff * h < 12000
            )
        env = np.minimum(1, t / 0.003) * np.exp(-t * dec)
        return g * x * env * 0.4

    def sub(self, f, dur, g=0.5):
        t = np.arange(int(dur * SR)) / SR
        x = np.sin(2 * np.pi * f * t) + 0.25 * np.sin(4 * np.pi * f * t) + 0.1 * np.sin(6 * np.pi * f * t)
        env = np.minimum(1, t / 0.005) * np.minimum(1, (dur - t) / 0.01)
        return g * x * env

    def pad(self, notes, dur, g=0.2):
        return sum(self.saw(hz(m), dur, g=g, dec=0.3, nh=12, detune=12) for m in notes)


def place(buf, x, t, g=1.0):
    i = int(round(t * SR))
    j = min(len(buf), i + len(x))
    if i < len(buf):
        buf[i:j] += g * x[: j - i]


def triad(root, deg, scale):
    """Diatonic triad on scale degree `deg` (0-based), MIDI notes."""
    return [root + scale[(deg + i) % 7] + 12 * ((deg + i) // 7) for i in (0, 2, 4)]


def render(kit, variant, tonic, minor, bpm, bars, kick):
    b = 60 / bpm
    s16 = b / 4
    buf = np.zeros(int((bars * 4 * b + 1) * SR))
    scale = MINOR if minor else MAJOR
    root = 48 + tonic  # C3..B3
    # A random kick tail, F1..E2 (44-82 Hz); drawn whatever the kick mode, so that every
    # mode renders the same notes.
    tail = hz(29 + kit.rng.integers(0, 12))
    if kick == "tonic":
        tail = hz(36 + tonic - 12 * (tonic >= 8))
    prog = {"A": [0], "C": [0, 3], "D": [0], "E": [0, 5, 3, 4]}[variant]
    riff = [0, 0, 7, 0, 3 if minor else 4, 0, 10 if minor else 11, 0, 0, 5, 0, 7, 0, 3 if minor else 4, 2, 0]
    for bar in range(bars):
        t0 = bar * 4 * b
        ch = triad(root, prog[(bar // 2) % len(prog)], scale)
        for k in range(16):
            t = t0 + k * s16
            if k % 4 == 0 and kick != "none":
                place(buf, kit.kick(tail), t, 0.9)
            if k % 4 == 2:
                place(buf, kit.hat(), t, 0.5)
            if k % 8 == 4:
                place(buf, kit.clap(), t, 0.4)
            if variant in "ACE" and k % 4 == 2:
                place(buf, kit.sub(hz(ch[0] - 24 + (12 if ch[0] - root >= 7 else 0)), b / 4), t, 0.6)
            if variant == "A" and k in (3, 6, 10, 14):
                place(buf, sum(kit.saw(hz(m + 12), 0.15, dec=18) for m in ch), t, 0.35)
            if variant == "E" and k == 0:
                place(buf, kit.pad([m + 12 for m in ch], 4 * b), t, 0.5)
            if variant == "C" and k % 2 == 0:
                place(buf, kit.saw(hz(ch[(k // 2) % 3] + 24), s16 * 1.5, dec=14), t, 0.35)
            if variant == "D":
                place(buf, kit.saw(hz(root - 12 + riff[k]), s16, dec=10, nh=30), t, 0.5)
            if variant == "E" and k in (0, 3, 6, 8, 11, 14):
                m = root + 24 + scale[(k * 3 + bar) % 7]
                place(buf, kit.saw(hz(m), s16 * 2, dec=8), t, 0.25)
    return buf / (np.abs(buf).max() * 1.1)


def write(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes((x * 32767).astype(np.int16).tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--kick", choices=["random", "tonic", "none"], default="random")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--bars", type=int, default=20)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    kit = Kit(a.seed)
    i = 0
    with open(os.path.join(a.out, "truth.tsv"), "w") as truth:
        truth.write("file\tkey\n")
        for v in "ACDE":
            for minor in (True, False):
                for tonic in range(12):
                    bpm = [124, 128, 132, 136, 140][i % 5]
                    i += 1
                    name = f'{v}_{NAMES[tonic]}{"m" if minor else ""}_{bpm}.wav'.replace("#", "s")
                    write(os.path.join(a.out, name), render(kit, v, tonic, minor, bpm, a.bars, a.kick))
                    truth.write(f'{name}\t{NAMES[tonic]} {"minor" if minor else "major"}\n')


if __name__ == "__main__":
    main()
