#!/usr/bin/env python3
"""Scores the analyser's downbeats on the key set's renders.

    score_downbeats.py OUT_DIR REPORTS_DIR [--quiet] [--truth NAME]

Reads OUT_DIR/tempo_truth.tsv (or OUT_DIR/NAME: the tracker set's truth.tsv has the same
columns) and the bar starts tempo.py wrote (beats/<file>.downbeats: trusted rows with one
time signature; the tracker set's xmpplay.py writes them for modules whose patterns are
whole bars). A downbeat can only be right where the tempo is right
(within 4 %) and the beats are (at least 90 % of them within 70 ms of a notated beat), so
only those files count. For each, the share of the report's downbeats within 70 ms of a bar
start, and which beat of the notated bar the report calls 1 (its most common one). A file's
downbeats are right when at least 80 % of them sit on bar starts.
"""
import collections
import csv
import json
import os
import sys

TOLERANCE = 0.07


def load_times(path):
    with open(path, encoding='utf-8') as f:
        return [float(line.split()[0]) for line in f if line.strip()]


def nearest(xs, t):
    return min(xs, key=lambda x: abs(x - t))


def main(argv):
    truth_name = 'tempo_truth.tsv'
    if '--truth' in argv:
        i = argv.index('--truth')
        truth_name = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    args = [a for a in argv if not a.startswith('--')]
    quiet = '--quiet' in argv
    if len(args) != 2:
        sys.exit(__doc__)
    out, reports = args
    counted = right = 0
    with open(os.path.join(out, truth_name), encoding='utf-8') as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    for r in rows:
        stem = os.path.splitext(r['file'])[0]
        bars_path = os.path.join(out, 'beats', stem + '.downbeats')
        report = os.path.join(reports, stem + '.json')
        if r['bpm_trusted'] != '1' or not r['beats_file'] or not os.path.exists(bars_path) \
                or not os.path.exists(report):
            continue
        with open(report, encoding='utf-8') as f:
            rh = json.load(f)['analysis']['rhythm']
        bpm, truth_bpm = rh.get('tempo_bpm_global'), float(r['bpm'])
        beats, downs = rh.get('beat_times') or [], rh.get('downbeat_times') or []
        if not bpm or abs(bpm / truth_bpm - 1) > 0.04 or len(beats) < 8 or len(downs) < 4:
            continue
        truth_beats = load_times(os.path.join(out, r['beats_file']))
        bars = load_times(bars_path)
        on_beat = sum(abs(nearest(truth_beats, b) - b) <= TOLERANCE for b in beats) / len(beats)
        if on_beat < 0.9:
            continue
        on_bar = sum(abs(nearest(bars, d) - d) <= TOLERANCE for d in downs) / len(downs)
        # Which notated beat our "1" falls on: count beats from the bar start before it.
        which = collections.Counter()
        for d in downs:
            start = max((b for b in bars if b <= d + TOLERANCE), default=None)
            if start is not None:
                which[sum(start - TOLERANCE < t < d - TOLERANCE for t in truth_beats) + 1] += 1
        counted += 1
        right += on_bar >= 0.8
        if not quiet:
            beat = which.most_common(1)[0][0] if which else '-'
            print(f"{r['file'][:40]:40s} {r.get('time_sig', ''):5s} on bar starts {on_bar:5.2f}  "
                  f"our 1 = notated beat {beat}  confidence {rh.get('downbeat_confidence') or 0:.2f}")
    print(f'downbeats right on {right} of {counted} files whose tempo and beats are right')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
