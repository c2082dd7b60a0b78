#!/usr/bin/env python3
"""Reference tempo: Essentia RhythmExtractor2013(method="multifeature") per WAV or FLAC.

    ref_essentia.py AUDIO_DIR OUT_DIR

Writes OUT_DIR/<stem>.json = {"analysis": {"rhythm": {"tempo_bpm_global": X,
"beat_times": [...]}}}, the keys score.py reads.  Existing outputs are kept.
"""
import glob
import json
import os
import sys

import essentia
import essentia.standard as es

essentia.log.infoActive = False


def main(audio_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rex = es.RhythmExtractor2013(method="multifeature")
    for wav in sorted(glob.glob(os.path.join(audio_dir, "*.wav"))
                      + glob.glob(os.path.join(audio_dir, "*.flac"))):
        stem = os.path.splitext(os.path.basename(wav))[0]
        out = os.path.join(out_dir, stem + ".json")
        if os.path.exists(out):
            continue
        audio = es.MonoLoader(filename=wav, sampleRate=44100)()
        bpm, beats, conf, _, _ = rex(audio)
        rep = {"analysis": {"rhythm": {"tempo_bpm_global": round(float(bpm), 3),
                                       "beat_times": [round(float(b), 4) for b in beats],
                                       "confidence": round(float(conf), 3)}}}
        with open(out, "w") as fh:
            json.dump(rep, fh)
        print("%-45s %8.2f" % (stem, bpm), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
