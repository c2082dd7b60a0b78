#!/usr/bin/env python3
"""Tempo truth for the key set's renders, from their MIDI tempo maps.

    tempo.py OUT_DIR        (after build.sh: reads work/selected.tsv and truth.tsv)

Writes OUT_DIR/tempo_truth.tsv in the format of ../shared/devset/truth.tsv, so that the dev
set's score.py scores it. For each rendered file:
* bpm: the quarter-note tempo (set_tempo) that covers the most time between the first note
  and the end of the rendered span, weighted by duration;
* time_sig: the most common time_signature event of those in force from the first note
  (one superseded before the first note sounds is left out: Simutrans opens with an
  empty 1/8 bar before its 4/4);
* bpm_trusted = 1 when that tempo covers at least 85 % of the span, the file has a
  set_tempo event and a time_signature event. The Doom music lumps converted from MUS
  (freedoom, freedm) carry neither: their tempo is the converter's tick rate, not a beat.

The truth is the notated quarter note. In 6/8 or 12/8 the felt beat is the dotted quarter
(2/3 of it), which A2 does not cover; such rows are kept but their note says so.
Trusted rows in simple metres also get beats/<file>.beats: the quarter-note grid of the
tempo map from the first note to the last, counted from the time signature in force at the
first note (audio time 0 is MIDI time 0), for beat F; and
those with one time signature get beats/<file>.downbeats, its bar starts (score_downbeats.py).
"""
import collections
import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyze  # noqa: E402  (its lenient mido patch and its loader)

MIN_COVERAGE = 0.85


def tempo_map(mf):
    """(set_tempo events as (tick, µs per quarter), time signatures, first and last note
    ticks)."""
    tempos, sigs, first, last = [], [], None, 0
    for track in mf.tracks:
        tick = 0
        for m in track:
            tick += m.time
            if m.type == 'set_tempo':
                tempos.append((tick, m.tempo))
            elif m.type == 'time_signature':
                sigs.append(f'{m.numerator}/{m.denominator}')
            elif m.type == 'note_on' and m.velocity > 0:
                if first is None or tick < first:
                    first = tick
                last = max(last, tick)
    # Stable by tick: of two set_tempo events on one tick, the later in the file holds.
    tempos.sort(key=lambda e: e[0])
    return tempos, sigs, first or 0, last


def seconds_at(tick, tempos, tpb):
    secs, last, tempo = 0.0, 0, 500000
    for t, v in tempos:
        if t >= tick:
            break
        secs += (t - last) / tpb * tempo / 1e6
        last, tempo = t, v
    return secs + (tick - last) / tpb * tempo / 1e6


def dominant(tempos, tpb, start, end):
    """Seconds per BPM value between start and end (seconds)."""
    share = collections.Counter()
    secs, last, tempo = 0.0, 0, 500000
    for t, v in tempos + [(float('inf'), None)]:
        seg_end = secs + (t - last) / tpb * tempo / 1e6
        a, b = max(secs, start), min(seg_end, end)
        if b > a:
            share[round(60e6 / tempo, 2)] += b - a
        if v is None:
            break
        secs, last, tempo = seg_end, t, v
    return share


def signatures(mf):
    """The time_signature events in force from the first note on, as (tick, numerator,
    denominator) by tick: the last one at or before the first note and those after it."""
    found, first = [], None
    for track in mf.tracks:
        tick = 0
        for m in track:
            tick += m.time
            if m.type == 'time_signature':
                found.append((tick, m.numerator, m.denominator))
            elif m.type == 'note_on' and m.velocity > 0 and (first is None or tick < first):
                first = tick
    found.sort(key=lambda e: e[0])
    first = first or 0
    start = max([i for i, e in enumerate(found) if e[0] <= first] or [0])
    return found[start:]


def gm_resets(mf):
    """Ticks of the General MIDI reset sysex messages."""
    out = []
    for track in mf.tracks:
        tick = 0
        for m in track:
            tick += m.time
            if m.type == 'sysex' and tuple(m.data[:4]) == (0x7E, 0x7F, 0x09, 0x01):
                out.append(tick)
    return out


def mma_lead_in(pkg, resets, origin, first, tpb):
    """Where bar 1 starts in a file MMA wrote: its includes/init.mma (used by its examples)
    sends a GM reset, then 'beatadjust 1': one silent beat, so bar 1 starts at tick `tpb`,
    not at the time_signature event at 0. `origin` otherwise."""
    if pkg == 'mma' and resets and origin < tpb <= first and min(resets) < tpb:
        return tpb
    return origin


def one_metre(mf):
    """(tick of the time signature in force at the first note, numerator) when that is the
    file's only one (see `signatures`), in quarter notes (n/4); else None."""
    found = signatures(mf)
    if not found or len({(n, d) for _, n, d in found}) != 1 or found[0][2] != 4:
        return None
    return found[0][0], found[0][1]


def write_downbeats(out, file, tempos, tpb, first, last, span, metre):
    """Writes beats/<file>.downbeats: the bar starts of the single time signature `metre`
    (tick of its event, quarter notes a bar), counted from that event (a pickup is written
    as a bar of rests in MIDI), from the first note's bar to the last note."""
    origin, per_bar = metre
    bar = per_bar * tpb
    rel = os.path.join('beats', os.path.splitext(file)[0] + '.downbeats')
    k = (first - origin) // bar
    with open(os.path.join(out, rel), 'w', encoding='utf-8') as f:
        while origin + k * bar <= last:
            t = seconds_at(origin + k * bar, tempos, tpb)
            if t > span:
                break
            f.write(f'{t:.4f}\n')
            k += 1
    return rel


def write_beats(out, file, tempos, tpb, first, last, span, origin):
    """Writes beats/<file>.beats, the quarter-note grid of the tempo map counted from tick
    `origin` (the time signature in force), from the first note's beat to the last note
    (within the rendered span), as ../shared/devset does; returns its path relative to
    OUT_DIR. Audio time 0 is MIDI time 0 (the render is not trimmed)."""
    os.makedirs(os.path.join(out, 'beats'), exist_ok=True)
    rel = os.path.join('beats', os.path.splitext(file)[0] + '.beats')
    k = (first - origin) // tpb
    with open(os.path.join(out, rel), 'w', encoding='utf-8') as f:
        while origin + k * tpb <= last:
            t = seconds_at(origin + k * tpb, tempos, tpb)
            if t > span:
                break
            f.write(f'{t:.4f}\n')
            k += 1
    return rel


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    out = argv[0]
    rendered = set()
    with open(os.path.join(out, 'truth.tsv'), encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter='\t'):
            rendered.add(r['file'])
    rows = []
    with open(os.path.join(out, 'work', 'selected.tsv'), encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter='\t'):
            if r['file'] not in rendered:
                continue
            mf = analyze.mido.MidiFile(file=io.BytesIO(analyze.load(os.path.join(out, r['midi']))))
            tempos, _, first, last = tempo_map(mf)
            in_force = signatures(mf)
            sigs = [f'{n}/{d}' for _, n, d in in_force]
            span = float(r['span'])
            share = dominant(tempos, mf.ticks_per_beat, seconds_at(first, tempos, mf.ticks_per_beat), span)
            total = sum(share.values())
            if total <= 0:
                continue
            bpm, secs = share.most_common(1)[0]
            sig = collections.Counter(sigs).most_common(1)[0][0] if sigs else ''
            coverage = secs / total
            trusted = int(coverage >= MIN_COVERAGE and bool(tempos) and bool(sig))
            why = []
            if not tempos:
                why.append('no set_tempo (MIDI default 120)')
            if not sig:
                why.append('no time_signature (MUS conversion or unannotated)')
            compound = sig.split('/')[0] in ('6', '9', '12') and sig.endswith('/8')
            if compound:
                why.append('compound metre: felt beat is the dotted quarter, 2/3 of bpm')
            note = f"coverage {coverage:.2f}; {len(share)} tempi; time signatures {dict(collections.Counter(sigs))}"
            if why:
                note += '; ' + '; '.join(why)
            beats_file = ''
            if trusted and not compound:
                origin = in_force[0][0] if in_force else 0
                beats_file = write_beats(out, r['file'], tempos, mf.ticks_per_beat, first, last,
                                         span, origin)
                metre = one_metre(mf)
                if metre:
                    pkg = r['file'].split('__')[0]
                    metre = (mma_lead_in(pkg, gm_resets(mf), metre[0], first, mf.ticks_per_beat),
                             metre[1])
                    write_downbeats(out, r['file'], tempos, mf.ticks_per_beat, first, last, span,
                                    metre)
            rows.append((r['file'], f'{bpm:g}', str(trusted), beats_file, sig, '', '0', 'midi-tempo-map',
                         f'{span:.1f}', note))
    with open(os.path.join(out, 'tempo_truth.tsv'), 'w', encoding='utf-8') as f:
        f.write('file\tbpm\tbpm_trusted\tbeats_file\ttime_sig\tkey\tkey_trusted\ttruth_source'
                '\tseconds\tnote\n')
        for row in rows:
            f.write('\t'.join(row) + '\n')
    print(f'tempo_truth.tsv: {len(rows)} rows, {sum(r[2] == "1" for r in rows)} trusted')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
