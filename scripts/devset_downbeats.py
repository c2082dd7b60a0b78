#!/usr/bin/env python3
"""Downbeat truth for the development set's MIDI renders, beside its beat truth.

    devset_downbeats.py DEVSET_SRC OUT_DIR

DEVSET_SRC is ../shared/devset (its build.py reads the MIDI files the renders came from;
needs mido and the Debian packages make_devset.sh installed). For every tempo-trusted msx
or blupi row with beats and a single n/4 time signature, writes OUT_DIR/beats/<file>.beats
(a copy of the set's beat truth) and OUT_DIR/beats/<file>.downbeats: the bar starts of that
time signature on the same grid as the beats (build.py's tick offset included), counted
from the time-signature event. OUT_DIR/tempo_truth.tsv lists those rows, so that
scripts/keyset/score_downbeats.py scores the downbeats of a reports folder against them.
"""
import csv
import os
import shutil
import sys


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    src, out = argv
    sys.path.insert(0, src)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'keyset'))
    import build  # noqa: E402  (the dev set's own builder: MIDI regions and grid offsets)
    import tempo  # noqa: E402  (the key set's tempo truth: one_metre)

    pieces = {name: path for _, path, name in build.midi_pieces()}
    os.makedirs(os.path.join(out, 'beats'), exist_ok=True)
    rows = []
    with open(os.path.join(src, 'truth.tsv'), encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter='\t'):
            if r['file'] not in pieces or r['bpm_trusted'] != '1' or not r['beats_file']:
                continue
            mf, tm, a, b = build.midi_region(pieces[r['file']])
            offset = build.grid_offset(mf, tm, b)[0]
            metre = tempo.one_metre(mf)
            if metre is None:
                continue
            origin, per_bar = metre
            bar = per_bar * tm.tpb
            k = (tm.tick_at(a) - origin - offset) // bar
            start = tm.sec(tm.tick_at(a)) - 0.2
            times = []
            while True:
                t = tm.sec(origin + k * bar + offset)
                if t > b + 1e-6:
                    break
                if t >= start:
                    times.append(t)
                k += 1
            stem = os.path.splitext(r['file'])[0]
            with open(os.path.join(out, 'beats', stem + '.downbeats'), 'w',
                      encoding='utf-8') as g:
                g.writelines(f'{t:.4f}\n' for t in times)
            shutil.copy(os.path.join(src, r['beats_file']),
                        os.path.join(out, 'beats', stem + '.beats'))
            r['beats_file'] = f'beats/{stem}.beats'
            rows.append(r)
    if not rows:
        sys.exit('devset_downbeats: no row with one time signature')
    with open(os.path.join(out, 'tempo_truth.tsv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter='\t')
        w.writeheader()
        w.writerows(rows)
    print(f'devset_downbeats: {len(rows)} rows with bar starts in {out}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
