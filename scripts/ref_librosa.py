#!/usr/bin/env python3
"""Reference tempo and beats: librosa's beat tracker (`librosa.beat.beat_track`, its
defaults: 22.05 kHz mono, onset strength, tempo prior centred on 120 BPM, Ellis's DP) per
WAV or FLAC. The issue's peer table quotes librosa on its rendered set; this puts it
beside ours on the sets built here.

    ref_librosa.py AUDIO_DIR OUT_DIR

Writes OUT_DIR/<stem>.json = {"analysis": {"rhythm": {"tempo_bpm_global": X,
"beat_times": [...]}}}, the keys score.py reads. Existing outputs are kept.
"""
import glob
import json
import os
import sys
import warnings

import librosa
import numpy as np

warnings.filterwarnings("ignore")


def main(audio_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(audio_dir, "*.wav"))
                       + glob.glob(os.path.join(audio_dir, "*.flac"))):
        stem = os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(out_dir, stem + ".json")
        if os.path.exists(out):
            continue
        y, sr = librosa.load(path, sr=22050, mono=True)
        tempo, frames = librosa.beat.beat_track(y=y, sr=sr)
        bpm = float(np.atleast_1d(tempo)[0])
        beats = librosa.frames_to_time(frames, sr=sr)
        rep = {"analysis": {"rhythm": {"tempo_bpm_global": round(bpm, 3),
                                       "beat_times": [round(float(b), 4) for b in beats]}}}
        tmp = out + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(rep, fh)
        os.replace(tmp, out)
        print("%-45s %8.2f" % (stem, bpm), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
