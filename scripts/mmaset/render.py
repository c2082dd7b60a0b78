#!/usr/bin/env python3
"""Renders the songs gen.py wrote and writes their truth.

    render.py OUT_DIR MMA_BIN SOUNDFONT [JOBS]

For each row of OUT_DIR/songs.tsv: MMA writes the MIDI file (work/<name>.mid), fluidsynth
renders it (22.05 kHz), sox makes it mono FLAC (audio/<name>.flac, cut 2 s after the last
bar; `-R` dithers the same way every build, so a rebuild is bit for bit the same).
With MMASET_DRUMS=off the drum channel is left out of the render: the same songs and truth
with the pitched parts alone, as an ensemble without a kit plays them.
The truth comes from the song itself: MMA plays its beats at 60 / tempo seconds from
tick 0 (checked against the MIDI file's tempo), bars start every `beats_per_bar` beats,
and the key is the one the progression is written in. A groove counted in eighths (6/8
"in 6") has its beat written as the dotted quarter, in bars of two. Writes truth.tsv in the
development set's columns, beats/<name>.beats and beats/<name>.downbeats.
"""
import csv
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import mido

TICKS_PER_BEAT = 192  # MMA's


def without_drums(midi, path):
    """Writes `midi` to `path` without its drum channel (GM channel 10), times kept."""
    for track in midi.tracks:
        kept, carry = [], 0
        for m in track:
            if getattr(m, 'channel', None) == 9:
                carry += m.time
                continue
            kept.append(m.copy(time=m.time + carry))
            carry = 0
        track[:] = kept
    midi.save(path)


def render(out, mma, sf2, row):
    name = row['name']
    mid = os.path.join(out, 'work', name + '.mid')
    wav = os.path.join(out, 'work', name + '.wav')
    flac = os.path.join(out, 'audio', name + '.flac')
    env = dict(os.environ, MMA_HOME=os.path.join(out, 'work', 'mmahome'))
    subprocess.run(['python3', mma, os.path.join(out, 'songs', name + '.mma'), '-f', mid],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    midi = mido.MidiFile(mid)
    tempo = int(row['tempo'])
    metas = [m for m in midi.tracks[0] if m.type in ('set_tempo', 'time_signature')]
    tempos = {m.tempo for m in metas if m.type == 'set_tempo'}
    sig = next((f'{m.numerator}/{m.denominator}' for m in metas if m.type == 'time_signature'), '')
    pitched = sum(1 for tr in midi.tracks for m in tr
                  if m.type == 'note_on' and m.velocity > 0 and m.channel != 9)
    if pitched == 0:  # a drum machine's pattern alone (the Zoom library): no ensemble, no key
        os.remove(mid)
        return None
    assert midi.ticks_per_beat == TICKS_PER_BEAT and len(tempos) == 1 and abs(tempos.pop() - 60e6 / tempo) <= 1, (name, tempos)
    beats_per_bar = int(row['beats_per_bar'])
    bars = int(row['bars'])
    period = 60.0 / tempo
    if beats_per_bar == 6:  # counted in eighths: the beat is the dotted quarter
        period *= 3
        beats_per_bar = 2
    seconds = bars * beats_per_bar * period
    if os.environ.get('MMASET_DRUMS') == 'off':
        without_drums(midi, mid)
    subprocess.run(['fluidsynth', '-ni', '-q', '-g', '0.6', '-r', '22050', '-F', wav, sf2, mid],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(['sox', '-R', wav, '-c', '1', flac, 'trim', '0', f'{seconds + 2.0:.3f}'], check=True)
    os.remove(wav)
    beats = [k * period for k in range(bars * beats_per_bar)]
    with open(os.path.join(out, 'beats', name + '.beats'), 'w') as f:
        f.writelines(f'{t:.4f}\n' for t in beats)
    with open(os.path.join(out, 'beats', name + '.downbeats'), 'w') as f:
        f.writelines(f'{t:.4f}\n' for t in beats[::beats_per_bar])
    return dict(file=name + '.flac', bpm=f'{60.0 / period:.3f}', bpm_trusted='1',
                beats_file=f'beats/{name}.beats', time_sig=sig, key=row['key'], key_trusted='1',
                truth_source='mma-groove', seconds=f'{seconds + 2.0:.2f}',
                note=f"{row['note']}; groove {row['groove']}; MMA tempo {tempo} ({row['beat_unit']}s); {bars} bars of {beats_per_bar}")


def main(out, mma, sf2, jobs=2):
    for d in ('work', 'audio', 'beats'):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    with open(os.path.join(out, 'songs.tsv')) as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    with ThreadPoolExecutor(int(jobs)) as ex:
        truth = [t for t in ex.map(lambda r: render(out, mma, sf2, r), rows) if t]
    cols = ['file', 'bpm', 'bpm_trusted', 'beats_file', 'time_sig', 'key', 'key_trusted',
            'truth_source', 'seconds', 'note']
    with open(os.path.join(out, 'truth.tsv'), 'w') as f:
        f.write('\t'.join(cols) + '\n')
        for t in truth:
            f.write('\t'.join(t[c] for c in cols) + '\n')
    print(f'{len(truth)} renders', file=sys.stderr)


if __name__ == '__main__':
    main(*sys.argv[1:])
