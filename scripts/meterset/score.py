#!/usr/bin/env python3
"""Scores the analyser's metre, tempo and downbeats on the metre set.

    score.py TRUTH REPORTS_DIR [--quiet]

TRUTH is the set's truth.tsv (build.py); its bar starts are read from beats/<stem>.downbeats
beside it. REPORTS_DIR/<stem>.json are the analyser's reports; used fields, all optional:
report['analysis']['rhythm'] time_signature ("3/4"), downbeat_times, beat_times,
tempo_bpm_global.

Per file: the notated and reported time signature, the MIDI tempo (bpm = quarter notes,
beat_bpm = the counted beat, see README.md) and the reported one with the relation that
matches within 4 % (bpm, beat_bpm, or 2x / 0.5x of either; else, shown in brackets and not
counted as a match, 2/3, 3/2, 4/3 or 3/4 of bpm), and the share of reported
downbeats within 70 ms of a true bar start ("bars"; "half" also accepts bar midpoints, which
matters for 6/4, 12/8 and 4/4 heard as 2/4), and "our1@": the beat of the notated bar
(counted beats, from 1) on which most reported downbeats fall. Only reported downbeats
inside the annotated stretch (first bar start - 70 ms to last bar start + one bar) count.
Then: a confusion table of truth class (triple: 3/4 3/8 6/8 9/8 12/8 6/4 3/2; duple:
2/4 4/4 2/2) x reported beats per bar (the numerator: 3, 4, other/missing), and downbeat
accuracy over the files whose reported tempo matches: a file is right when >= 80 % of its
counted downbeats sit on bar starts.
"""
import argparse
import collections
import csv
import json
import math
import os
import sys

TOL = 0.07          # s, downbeat vs bar start
TEMPO_TOL = 0.04    # relative
RIGHT_SHARE = 0.8


def load_times(path):
    out = []
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                try:
                    out.append(float(line.split()[0]))
                except (ValueError, IndexError):
                    pass
    except OSError:
        pass
    return out


def num(x):
    try:
        x = float(x)
        return x if math.isfinite(x) else None
    except (TypeError, ValueError):
        return None


def times(x):
    if not isinstance(x, list):
        return []
    return sorted(v for v in (num(t) for t in x) if v is not None)


def rhythm_of(path):
    """(rhythm dict or None, problem text)."""
    if not os.path.exists(path):
        return None, 'no report'
    try:
        with open(path, encoding='utf-8') as f:
            rep = json.load(f)
    except (OSError, ValueError) as e:
        return None, f'unreadable report ({e.__class__.__name__})'
    rh = rep.get('analysis', {}).get('rhythm') if isinstance(rep, dict) and isinstance(rep.get('analysis'), dict) else None
    if not isinstance(rh, dict):
        return None, 'report has no analysis.rhythm'
    return rh, ''


def tempo_match(reported, bpm, beat_bpm):
    """Label of the first relation within TEMPO_TOL, else ''."""
    if not reported:
        return ''
    bases = [('bpm', bpm)]
    if beat_bpm and abs(beat_bpm / bpm - 1) > 1e-6:
        bases.append(('beat_bpm', beat_bpm))
    for f, prefix in ((1, ''), (2, '2x '), (0.5, '0.5x ')):
        for name, v in bases:
            if abs(reported / (f * v) - 1) <= TEMPO_TOL:
                return prefix + name
    # Shown but not counted as a match: a dotted-quarter (2/3) or 3/2 reading of the quarter.
    for f, prefix in ((2 / 3, '2/3x '), (1.5, '3/2x '), (4 / 3, '4/3x '), (0.75, '3/4x ')):
        if abs(reported / (f * bpm) - 1) <= TEMPO_TOL:
            return '(' + prefix + 'bpm)'
    return ''


def share_on(downs, marks):
    if not downs or not marks:
        return None
    j, hit = 0, 0
    for d in downs:  # both sorted
        while j + 1 < len(marks) and marks[j + 1] <= d:
            j += 1
        near = min(abs(d - marks[j]), abs(d - marks[j + 1]) if j + 1 < len(marks) else 1e9)
        hit += near <= TOL
    return hit / len(downs)


def phase_of(downs, bars, bar_len, beats_per_bar):
    """Most common position of the reported downbeats in the notated bar, in counted beats
    from 1 (1 = on the bar start; 3 = on the third beat; 2.5 = between beats 2 and 3)."""
    pos = collections.Counter()
    j = 0
    for d in downs:
        while j + 1 < len(bars) and bars[j + 1] <= d + TOL:
            j += 1
        if d + TOL < bars[j]:
            continue
        x = (d - bars[j]) / bar_len * beats_per_bar
        x = 0.0 if x > beats_per_bar - TOL / bar_len * beats_per_bar else x
        pos[round(x * 2) / 2 % beats_per_bar + 1] += 1
    return pos.most_common(1)[0][0] if pos else None


def reported_numerator(ts):
    if not isinstance(ts, str) or '/' not in ts:
        return None
    try:
        return int(ts.split('/')[0])
    except ValueError:
        return None


def fmt(x, spec):
    if x is not None:
        return format(x, spec)
    width = ''.join(ch for ch in spec.split('.')[0] if ch.isdigit())
    return '-'.rjust(int(width or 1))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('truth')
    ap.add_argument('reports')
    ap.add_argument('--quiet', action='store_true', help='totals only')
    a = ap.parse_args(argv)
    truth_path, reports, quiet = a.truth, a.reports, a.quiet
    base = os.path.dirname(os.path.abspath(truth_path))
    with open(truth_path, encoding='utf-8') as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    conf = collections.defaultdict(collections.Counter)      # class -> reported column
    by_sig = collections.defaultdict(collections.Counter)    # truth sig -> reported string
    acc = collections.defaultdict(lambda: [0, 0])            # key -> [right, counted]
    tempo_rel = collections.Counter()
    missing = 0
    if not quiet:
        print(f"{'file':44s} {'truth':5s} {'rep':5s} {'bpm':>6s} {'beat':>6s} {'rep_bpm':>7s} "
              f"{'tempo match':14s} {'bars':>5s} {'half':>5s} {'n_db':>4s} {'our1@':>5s}")
    for r in rows:
        stem = os.path.splitext(r['file'])[0]
        cls = r.get('class') or ('triple' if r.get('numerator') in ('3', '6', '9', '12') else 'duple')
        bpm, beat_bpm = num(r.get('bpm')), num(r.get('beat_bpm'))
        rh, problem = rhythm_of(os.path.join(reports, stem + '.json'))
        if rh is None:
            missing += 1
            conf[cls]['missing'] += 1
            by_sig[r['time_sig']]['(none)'] += 1
            if not quiet:
                print(f"{stem[:44]:44s} {r['time_sig']:5s} {problem}")
            continue
        ts = rh.get('time_signature')
        ts = ts if isinstance(ts, str) and ts else None
        n = reported_numerator(ts)
        conf[cls]['3' if n == 3 else '4' if n == 4 else 'other' if ts else 'missing'] += 1
        by_sig[r['time_sig']][ts or '(none)'] += 1
        rep_bpm = num(rh.get('tempo_bpm_global'))
        shown = tempo_match(rep_bpm, bpm, beat_bpm) if bpm else ''
        match = '' if shown.startswith('(') else shown
        tempo_rel[shown or 'no match'] += 1
        bars = load_times(os.path.join(base, 'beats', stem + '.downbeats'))
        downs = times(rh.get('downbeat_times'))
        on_bar = on_half = phase = None
        if len(bars) >= 2:
            bar_len = sorted(b - a for a, b in zip(bars, bars[1:]))[(len(bars) - 1) // 2]
            downs = [d for d in downs if bars[0] - TOL <= d <= bars[-1] + bar_len + TOL]
            halves = sorted(bars + [(a + b) / 2 for a, b in zip(bars, bars[1:])] + [bars[-1] + bar_len / 2])
            on_bar, on_half = share_on(downs, bars), share_on(downs, halves)
            bpb = num(r.get('beats_per_bar')) or num(r.get('numerator')) or 4
            phase = phase_of(downs, bars, bar_len, bpb)
        if match and on_bar is not None:
            ok = on_bar >= RIGHT_SHARE
            for key in ('all', cls, match):
                acc[key][0] += ok
                acc[key][1] += 1
        if not quiet:
            print(f"{stem[:44]:44s} {r['time_sig']:5s} {ts or '-':5s} {fmt(bpm, '6.1f')} {fmt(beat_bpm, '6.1f')} "
                  f"{fmt(rep_bpm, '7.1f')} {shown or 'no match':14s} {fmt(on_bar, '5.2f')} "
                  f"{fmt(on_half, '5.2f')} {len(downs):4d} {fmt(phase, '5g')}")
    print()
    print('metre: truth class x reported beats per bar (time_signature numerator)')
    cols = ['3', '4', 'other', 'missing']
    print(f"  {'':8s}" + ''.join(f'{c:>8s}' for c in cols) + f"{'right':>8s}")
    for cls in ('triple', 'duple'):
        c = conf[cls]
        right = c['3'] if cls == 'triple' else c['4']
        tot = sum(c.values())
        print(f'  {cls:8s}' + ''.join(f'{c[k]:8d}' for k in cols) + f'{right:5d}/{tot}')
    print('  by notated time signature: ' + '; '.join(
        f"{sig} -> " + ', '.join(f'{k} {v}' for k, v in cnt.most_common()) for sig, cnt in sorted(by_sig.items())))
    print('tempo (within 4 %; relations in brackets are not counted as matches): ' +
          ', '.join(f'{k} {v}' for k, v in tempo_rel.most_common()))
    r, n = acc['all']
    print(f'downbeats right (>= {RIGHT_SHARE:.0%} on bar starts) on {r} of {n} files whose tempo matches'
          + (' (' + '; '.join(f'{k}: {acc[k][0]}/{acc[k][1]}' for k in acc if k != 'all') + ')' if n else ''))
    if missing:
        print(f'{missing} of {len(rows)} files have no usable report')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
