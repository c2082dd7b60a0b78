#!/usr/bin/python3
"""Print counts for README: kept per package, keys, duration, rejection reasons."""
import collections
import csv
import re
import sys

truth = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
cands = list(csv.DictReader(open(sys.argv[2]), delimiter='\t'))
dur = 0.0
for r in truth:
    dur += float(re.search(r'audio=([\d.]+)s', r['note']).group(1))
print(f'kept: {len(truth)} files, {dur:.0f} s = {dur / 60:.1f} min')
print('per package:', dict(collections.Counter(r['package'] for r in truth).most_common()))
modes = collections.Counter(r['key'].split()[1] for r in truth)
print('modes:', dict(modes))
print('keys:', dict(sorted(collections.Counter(r['key'] for r in truth).items(),
                         key=lambda kv: (-kv[1], kv[0]))))
print('tonics:', dict(collections.Counter(r['key'].split()[0] for r in truth).most_common()))
ks = collections.Counter()
for r in truth:
    m = re.search(r'keysig=([^;]*)', r['note'])
    ks[m.group(1).split(': ')[-1] if m and m.group(1) != 'none' else 'no key_signature'] += 1
print('key_signature vs truth:', dict(ks))
cat = collections.Counter()
for c in cands:
    if c['verdict'] == 'kept':
        continue
    why = c['reason']
    for pat, name in (('groove-library', 'MMA groove-library loop'),
                      ('too short', 'shorter than 60 s'), ('identical to ', 'byte-identical duplicate'),
                      ('near-duplicate', 'near-duplicate'), ('same composition', 'same composition'),
                      ('profiles disagree', 'profiles disagree'),
                      ('KK margin', 'KK margin < 0.05'), ('key signature changes', 'key signature changes'),
                      ('windowed', 'windowed key unstable (>25%)'), ('pitched', 'no pitched notes'),
                      ('error', 'parse error')):
        if pat in why:
            cat[name] += 1
            break
    else:
        cat['other: ' + why] += 1
print(f'candidates: {len(cands)} MIDI files, not kept: {sum(cat.values())}')
for k, v in cat.most_common():
    print(f'  {v:3d}  {k}')
