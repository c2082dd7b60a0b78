#!/usr/bin/env python3
"""Scores beats on the tempo-change set (build.py): beat F-measure at +-70 ms per file
(beats before 5 s left out, as ../../shared/devset/score.py) and per section of the truth
(each section's own beats, none left out), then the means; and per section the share of
the reported downbeats within 70 ms of a bar start.

    score.py TRUTH_TSV REPORTS_DIR
"""
import argparse
import bisect
import csv
import json
import os


def f_measure(ref, est, tol=0.07):
    """F-measure of `est` against `ref` (sorted seconds), each beat matched once."""
    if not ref or not est:
        return float('nan') if not ref else 0.0
    used, hits = set(), 0
    for r in ref:
        i = bisect.bisect_left(est, r - tol)
        while i < len(est) and est[i] <= r + tol:
            if i not in used:
                used.add(i)
                hits += 1
                break
            i += 1
    if hits == 0:
        return 0.0
    p, q = hits / len(est), hits / len(ref)
    return 2 * p * q / (p + q)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('truth')
    ap.add_argument('reports')
    args = ap.parse_args()
    beats_dir = os.path.join(os.path.dirname(os.path.abspath(args.truth)), 'beats')
    files, minority, bar_shares = [], [], []
    for row in csv.DictReader(open(args.truth), delimiter='\t'):
        stem = os.path.splitext(row['file'])[0]
        rep = os.path.join(args.reports, stem + '.json')
        if not os.path.exists(rep):
            print(f'{stem}: no report')
            continue
        rhythm = json.load(open(rep))['analysis']['rhythm']
        est = sorted(rhythm.get('beat_times') or [])
        ref = [float(x) for x in open(os.path.join(beats_dir, stem + '.beats')) if x.strip()]
        bars = [float(x) for x in open(os.path.join(beats_dir, stem + '.downbeats')) if x.strip()]
        downs = sorted(rhythm.get('downbeat_times') or [])
        whole = f_measure([t for t in ref if t >= 5], [t for t in est if t >= 5])
        files.append(whole)
        secs = []
        for s in row['sections'].split():
            start, rest = s.split('+')
            length, bpm = (float(x) for x in rest.split('@'))
            lo, hi = float(start), float(start) + length
            f = f_measure([t for t in ref if lo <= t < hi], [t for t in est if lo - 0.07 <= t < hi - 0.07])
            ours = [t for t in downs if lo <= t < hi]
            on_bar = sum(any(abs(t - b) <= 0.07 for b in bars) for t in ours)
            secs.append((lo, hi, bpm, f, on_bar / len(ours) if ours else float('nan')))
            bar_shares.append(secs[-1][4])
        longest = max(s[1] - s[0] for s in secs)
        minority += [s[3] for s in secs if s[1] - s[0] < longest]
        bar_shares = [v for v in bar_shares if v == v]
        tempo = rhythm.get('tempo_bpm_global') or 0.0
        print(f"{stem[:34]:34s} F {whole:.3f}  tempo {tempo:6.1f}  "
              + '  '.join(f"{lo:.0f}-{hi:.0f} s @{bpm:.0f}: {f:.2f} (bars {d:.2f})"
                          for lo, hi, bpm, f, d in secs))
    if files:
        print(f'mean F {sum(files) / len(files):.3f} over {len(files)} files; '
              f'sections other than the longest: mean F {sum(minority) / max(len(minority), 1):.3f} '
              f'over {len(minority)}')
        right = sum(v >= 0.8 for v in bar_shares)
        print(f'downbeats on bar starts (>= 80 % of a section\'s): {right} of {len(bar_shares)} sections')


if __name__ == '__main__':
    main()
