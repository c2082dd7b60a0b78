#!/usr/bin/env python3
"""Builds the tempo-change set: rendered MIDI files whose tempo changes between sections.

    build.py [--keyset DIR] [--openmsx DIR] [--out DIR] [--scan-only]

Defaults: --keyset target/keyset (its unpacked Debian packages in extract/, see
../keyset/build.sh), --openmsx /usr/share/games/openttd/baseset/openmsx (the dev set's
openttd-openmsx package), --out target/tempochange. Needs fluidsynth, sox and
/usr/share/sounds/sf2/FluidR3_GM.sf2; runs under any python3 with mido.

A file qualifies when, between its first and last note (40 s to 5 min), at least two
sections of 10 s or more are at tempi (set_tempo, sections merged within 3 %) that differ
by 8 % or more; duplicates (same length and section tempi) are kept once. Each is rendered
whole (22.05 kHz mono 16-bit, as ../meterset/build.py renders) with truth:
  beats/<stem>.beats      the quarter-note grid of the tempo map, counted from the
                          time_signature event at or before the first note (some files
                          open with a 1/8 bar that puts every beat half a beat later)
  beats/<stem>.downbeats  bar starts of the time signatures (4/4 without one)
  truth.tsv               file, seconds, sections ("start+length@bpm", 10 s or more)
Generated dirs (audio, beats, work) are wiped first. See README.md.
"""
import argparse
import io
import math
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # leave no __pycache__ in ../keyset or ../meterset
sys.path.insert(0, os.path.join(HERE, '..', 'keyset'))
sys.path.insert(0, os.path.join(HERE, '..', 'meterset'))
import analyze  # noqa: E402  lenient mido patch, load() un-gzips
import tempo as ktempo  # noqa: E402  tempo_map, seconds_at
import build as mbuild  # noqa: E402  render() and events() of the metre set

mido = analyze.mido
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
MIN_LEN, MAX_LEN = 40.0, 300.0
MIN_SECTION = 10.0     # seconds
MERGE = 0.03           # consecutive tempi within 3 % are one section
MIN_CHANGE = 0.08      # sections whose tempi differ by 8 % or more


def sections(tempos, tpb, first, last):
    """[(start s, length s, bpm)] between the first and last note, merged within MERGE."""
    ticks = [first] + [t for t, _ in tempos if first < t < last] + [last]
    out = []
    for a, b in zip(ticks, ticks[1:]):
        tempo = 500000
        for t, v in tempos:
            if t <= a:
                tempo = v
        s0 = ktempo.seconds_at(a, tempos, tpb)
        d = ktempo.seconds_at(b, tempos, tpb) - s0
        bpm = 6e7 / tempo
        if out and abs(bpm / out[-1][2] - 1) < MERGE:
            ps, pd, pb = out[-1]
            out[-1] = (ps, pd + d, (pb * pd + bpm * d) / (pd + d) if pd + d > 0 else bpm)
        else:
            out.append((s0, d, bpm))
    return out


def examine(path):
    """(info, reason): reason is None when the file qualifies."""
    data = analyze.load(path)
    mf = mido.MidiFile(file=io.BytesIO(data))
    tpb = mf.ticks_per_beat
    tempos, _, first, last = ktempo.tempo_map(mf)
    if not tempos:
        return None, 'no set_tempo'
    t0 = ktempo.seconds_at(first, tempos, tpb)
    t1 = ktempo.seconds_at(last, tempos, tpb)
    if not MIN_LEN <= t1 - t0 <= MAX_LEN:
        return None, f'length {t1 - t0:.0f} s'
    long = [s for s in sections(tempos, tpb, first, last) if s[1] >= MIN_SECTION]
    bpms = [s[2] for s in long]
    if len(long) < 2 or max(bpms) / min(bpms) < 1 + MIN_CHANGE:
        return None, 'one tempo'
    _, sigs, _, _ = mbuild.events(mf)  # time signatures (tick, numerator, denominator)
    origin = max([t for t, _, _ in sigs if t <= first] or [0])
    k = math.ceil((first - origin) / tpb - 1e-9)
    beats = []
    while origin + k * tpb <= last:
        beats.append(ktempo.seconds_at(origin + k * tpb, tempos, tpb))
        k += 1
    # Bar starts: every bar of each time signature (4/4 from tick 0 without one).
    bars = []
    for i, (t0, num, den) in enumerate(sigs or [(0, 4, 4)]):
        end = sigs[i + 1][0] if i + 1 < len(sigs) else last + 1
        step = tpb * 4 * num / den
        tick = t0
        while tick < end:
            if first - 1e-6 <= tick <= last:
                bars.append(ktempo.seconds_at(tick, tempos, tpb))
            tick += step
    return {'path': path, 'length': t1, 'sections': long, 'beats': beats, 'bars': bars}, None


def midi_files(roots):
    for root in roots:
        for dirpath, _, names in sorted(os.walk(root)):
            for name in sorted(names):
                if name.lower().endswith(('.mid', '.midi', '.kar', '.mid.gz')):
                    yield os.path.join(dirpath, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--keyset', default=os.path.join(REPO, 'target', 'keyset'))
    ap.add_argument('--openmsx', default='/usr/share/games/openttd/baseset/openmsx')
    ap.add_argument('--out', default=os.path.join(REPO, 'target', 'tempochange'))
    ap.add_argument('--scan-only', action='store_true')
    args = ap.parse_args()
    roots = [os.path.join(args.keyset, 'extract'), args.openmsx]
    for r in roots:
        if not os.path.isdir(r):
            sys.exit(f'build.py: no {r} (build the key set / install openttd-openmsx)')
    chosen, seen = [], set()
    for path in midi_files(roots):
        try:
            info, why = examine(path)
        except Exception as e:  # a broken MIDI file is skipped, not fatal
            info, why = None, f'unreadable: {e}'
        if info is None:
            continue
        key = (round(info['length']), tuple(round(s[2]) for s in info['sections']))
        if key in seen:
            continue
        seen.add(key)
        stem = os.path.basename(path).split('.')[0]
        info['stem'] = stem
        chosen.append(info)
        print(f"{stem:40s} " + ' '.join(f"{s[0]:.0f}+{s[1]:.0f}@{s[2]:.0f}" for s in info['sections']))
    if args.scan_only:
        return
    for d in ('audio', 'beats', 'work'):
        shutil.rmtree(os.path.join(args.out, d), ignore_errors=True)
        os.makedirs(os.path.join(args.out, d))
    mbuild.MAX_SPAN = MAX_LEN + 10  # render whole pieces, not the metre set's 120 s
    work = os.path.join(args.out, 'work')
    with open(os.path.join(work, 'render.log'), 'w') as log, \
            open(os.path.join(args.out, 'truth.tsv'), 'w') as truth:
        truth.write('file\tseconds\tsections\tsource\n')
        for c in chosen:
            if mbuild.render(c, args.out, work, log) is None:
                print(f"{c['stem']}: render failed (see work/render.log)", file=sys.stderr)
                continue
            for ext, times in (('.beats', c['beats']), ('.downbeats', c['bars'])):
                with open(os.path.join(args.out, 'beats', c['stem'] + ext), 'w') as f:
                    f.write(''.join(f'{t:.4f}\n' for t in times))
            secs = ' '.join(f"{s[0]:.2f}+{s[1]:.2f}@{s[2]:.2f}" for s in c['sections'])
            src = os.path.relpath(c['path'], args.keyset) if c['path'].startswith(args.keyset) else c['path']
            truth.write(f"{c['stem']}.wav\t{c['length']:.2f}\t{secs}\t{src}\n")
    print(f"{len(chosen)} files in {args.out}")


if __name__ == '__main__':
    main()
