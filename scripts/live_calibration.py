#!/usr/bin/env python3
"""How often the live read-out's sure tempo and key are right, by time into the track.

    live_calibration.py [--aidj BIN] [--every S] [--until T] TRUTH AUDIO_DIR [TRUTH AUDIO_DIR ...]

Plays every file with truth through `aidj live --json --every S` (two at a time) and, for
the readings up to T seconds into the track with a confidence of 0.5 or more (what the
plugin shows without a "?"), counts those right: tempo within 4 % of the truth (rows of
60-200 BPM), key exact. A TRUTH file is a tab-separated table with `file` and `bpm` and/or
`key` columns (the dev set's truth.tsv, the key set's truth.tsv and tempo_truth.tsv, the
reference sets' truth.tsv and tempo_truth.tsv); rows whose `bpm_trusted` / `key_trusted`
column, where there is one, is not 1 are left out. Standard library only.
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "keyset"))
from score import parse as parse_key  # noqa: E402  "A minor" -> (pitch class, minor)

BUCKETS = [(0, 7.5), (7.5, 15), (15, 35), (35, 65), (65, float("inf"))]


def truths(pairs):
    """{audio path: {"bpm": float, "key": (pc, minor)}} from TRUTH AUDIO_DIR pairs."""
    out = {}
    for truth, audio in pairs:
        with open(truth, encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                stem = os.path.splitext(r["file"])[0]
                files = [p for p in glob.glob(os.path.join(audio, stem + ".*"))
                         if not p.endswith(".json")]
                if not files:
                    continue
                t = out.setdefault(files[0], {})
                try:
                    bpm = float(r.get("bpm") or "nan")
                except ValueError:
                    bpm = float("nan")
                if r.get("bpm_trusted", "1") == "1" and 60.0 <= bpm <= 200.0:
                    t["bpm"] = bpm
                key = parse_key(r.get("key") or "")
                if r.get("key_trusted", "1") == "1" and key is not None:
                    t["key"] = key
    return {f: t for f, t in out.items() if t}


def readings(aidj, every, until, path, truth):
    """(what, seconds, right) of the sure readings of one file."""
    out = subprocess.run([aidj, "live", "--json", "--every", str(every), path],
                         capture_output=True, text=True, check=True).stdout
    res = []
    for line in out.splitlines():
        d = json.loads(line)
        if d["t"] > until:
            break
        if "bpm" in truth and d.get("bpm") and (d.get("bpm_confidence") or 0) >= 0.5:
            res.append(("tempo", d["t"], abs(d["bpm"] / truth["bpm"] - 1) < 0.04))
        if "key" in truth and d.get("key") and (d.get("key_confidence") or 0) >= 0.5:
            res.append(("key", d["t"], parse_key(d["key"]) == truth["key"]))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aidj", default="target/release/aidj")
    ap.add_argument("--every", type=float, default=5.0)
    ap.add_argument("--until", type=float, default=600.0)
    ap.add_argument("pairs", nargs="+")
    a = ap.parse_args()
    if len(a.pairs) % 2:
        sys.exit("give TRUTH AUDIO_DIR pairs")
    t = truths(zip(a.pairs[::2], a.pairs[1::2]))
    with ThreadPoolExecutor(2) as ex:
        res = [x for r in ex.map(lambda f: readings(a.aidj, a.every, a.until, f, t[f]), t)
               for x in r]
    print("%d files; sure readings (confidence >= 0.5) right, by seconds into the track:" % len(t))
    for what in ("tempo", "key"):
        parts = []
        for lo, hi in BUCKETS + [(0, float("inf"))]:
            s = [r for r in res if r[0] == what and lo <= r[1] < hi]
            name = "all" if (lo, hi) == (0, float("inf")) else (
                "%g s+" % lo if hi == float("inf") else "%g-%g s" % (lo, hi))
            if s:
                parts.append("%s %d of %d (%.3f)" % (name, sum(r[2] for r in s), len(s),
                                                     sum(r[2] for r in s) / len(s)))
        print("  %s: %s" % (what, "; ".join(parts) or "none"))


if __name__ == "__main__":
    main()
