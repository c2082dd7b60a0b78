#!/usr/bin/env python3
"""Does the live read-out's beat sit where `aidj analyze` puts the beats?

    live_phase.py AIDJ REPORTS AUDIO_DIR [--every S] [--from S] [--jobs N]
    live_phase.py AIDJ --truth TRUTH.tsv AUDIO_DIR [...]

For every audio file in AUDIO_DIR with a report in REPORTS (`aidj analyze`'s, of the whole
file), plays the file through `aidj live --json --every S` (the plugin's live analysis)
and, at each read-out from `--from` seconds on (default 20), takes the beat the read-out
says was last (now minus beat_phase beats of its tempo). A read-out counts when its tempo
is within 4 % of the report's; it agrees when that beat is within 70 ms of one of the
report's beats; of those, its beat_in_bar (0 on beat 1) is checked against the report's
downbeats (the beats since the last one before it, modulo the bar). Prints per file the
read-outs on the report's beat and bar position, those at its tempo, and all, then the
shares over the set. The live analysis only has the music up to now, the report the whole
file: where a window's beat phase is read half a beat off, the share shows it.

With `--truth`, the second argument is a truth table instead (the key set's
tempo_truth.tsv, the tracker set's or the tempo-change set's truth.tsv): each row's
beats and downbeats (its `beats_file`, else beats/<stem>.beats, beside the table; the
downbeats in the same place with `.downbeats`) stand for the report, at its `bpm` (else
60 over the median beat interval); rows whose `bpm_trusted` is 0 are left out. Standard
library only.
"""
import argparse
import bisect
import csv
import json
import math
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def truth_rhythms(table):
    """{stem: rhythm dict like a report's} from a truth table (see the module docs)."""
    here = os.path.dirname(os.path.abspath(table))
    out = {}
    with open(table, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            stem = os.path.splitext(r["file"])[0]
            if r.get("bpm_trusted", "1") == "0":
                continue
            path = os.path.join(here, r.get("beats_file") or f"beats/{stem}.beats")
            if not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8") as b:
                beats = [float(x) for x in b.read().split()]
            downs_path = os.path.splitext(path)[0] + ".downbeats"
            downs = []
            if os.path.isfile(downs_path):
                with open(downs_path, encoding="utf-8") as d:
                    downs = [float(x) for x in d.read().split()]
            try:
                bpm = float(r.get("bpm") or "nan")
            except ValueError:
                bpm = float("nan")
            if math.isnan(bpm) and len(beats) > 1:
                bpm = 60.0 / statistics.median(b - a for a, b in zip(beats, beats[1:]))
            out[stem] = {"beat_times": beats, "tempo_bpm_global": bpm,
                         "downbeat_times": downs}
    return out


def one(aidj, report, audio, every, start):
    if isinstance(report, dict):
        rh = report
    else:
        with open(report, encoding="utf-8") as f:
            rh = json.load(f)["analysis"]["rhythm"]
    beats, bpm = rh.get("beat_times") or [], rh.get("tempo_bpm_global")
    downs = rh.get("downbeat_times") or []
    if not beats or not bpm:
        return None
    out = subprocess.run([aidj, "live", "--json", "--every", str(every), audio],
                         capture_output=True, text=True, check=True).stdout
    agree = in_bar = counted = total = 0
    for line in out.splitlines():
        s = json.loads(line)
        if (s["t"] < start or s.get("silent") or s.get("beat_phase") is None
                or not s.get("bpm")):
            continue
        total += 1
        if abs(s["bpm"] / bpm - 1) > 0.04:
            continue
        counted += 1
        last = s["t"] - s["beat_phase"] * 60.0 / s["bpm"]
        i = bisect.bisect_left(beats, last)
        near = [k for k in (i - 1, i) if 0 <= k < len(beats)]
        if not near:
            continue
        k = min(near, key=lambda j: abs(beats[j] - last))
        if abs(beats[k] - last) > 0.070:
            continue
        agree += 1
        d = bisect.bisect_right(downs, beats[k] + 0.001) - 1
        bar = s.get("beats_per_bar")
        if d >= 0 and bar and s.get("beat_in_bar") is not None:
            first = bisect.bisect_left(beats, downs[d] - 0.001)
            in_bar += (k - first) % bar == s["beat_in_bar"]
    return agree, in_bar, counted, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("aidj")
    ap.add_argument("reports")
    ap.add_argument("audio")
    ap.add_argument("--every", type=float, default=2.0)
    ap.add_argument("--from", dest="start", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--truth", action="store_true",
                    help="REPORTS is a truth table: score against its beats and downbeats")
    a = ap.parse_args()
    truth = truth_rhythms(a.reports) if a.truth else None
    jobs = []
    for name in sorted(os.listdir(a.audio)):
        stem = os.path.splitext(name)[0]
        if truth is not None:
            if stem in truth:
                jobs.append((name, truth[stem], os.path.join(a.audio, name)))
            continue
        report = os.path.join(a.reports, stem + ".json")
        if os.path.exists(report):
            jobs.append((name, report, os.path.join(a.audio, name)))
    agree = in_bar = counted = total = 0
    with ThreadPoolExecutor(a.jobs) as ex:
        results = ex.map(lambda j: (j[0], one(a.aidj, j[1], j[2], a.every, a.start)), jobs)
        for name, r in results:
            if r is None:
                continue
            print(f"{name[:40]:40s} {r[0]:4d} {r[1]:4d} {r[2]:4d} {r[3]:4d}")
            agree, in_bar = agree + r[0], in_bar + r[1]
            counted, total = counted + r[2], total + r[3]
    print(f"read-outs at the report's tempo: {counted} of {total} "
          f"({counted / max(total, 1):.3f}); their beat on the report's: {agree} "
          f"({agree / max(counted, 1):.3f}); of those, in the report's place in the bar: "
          f"{in_bar} ({in_bar / max(agree, 1):.3f})")


if __name__ == "__main__":
    sys.exit(main())
