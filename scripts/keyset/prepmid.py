#!/usr/bin/python3
"""prepmid.py IN OUT: write a plain SMF for fluidsynth.  Un-gzips *.gz and merges
files with more than 64 tracks into one track (type 0): fluidsynth's player
refuses files with more than 128 tracks (crimson's default.mid has 380)."""
import gzip
import io
import sys

import mido

src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
if src.endswith('.gz'):
    data = gzip.decompress(data)
mf = mido.MidiFile(file=io.BytesIO(data))
if len(mf.tracks) > 64:
    out = mido.MidiFile(type=0, ticks_per_beat=mf.ticks_per_beat)
    out.tracks.append(mido.merge_tracks(mf.tracks))
    out.save(dst)
else:
    open(dst, 'wb').write(data)
