"""Reference readings of the electronic set (see build.sh).

    refs.py OUT_DIR FILE...         one JSON per file in OUT_DIR (skips existing ones)
    refs.py --summary OUT_DIR AUDIO_DIR
                                    writes ../refs.tsv (every reading) and ../truth.tsv
                                    (file, key: the tracks where bgate and madmom agree)
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")


def shim_numpy():
    # madmom 0.16.1 predates numpy 1.24 and Python 3.10: restore the removed aliases.
    import collections
    import collections.abc

    import numpy as np

    for name, typ in (("float", float), ("int", int), ("complex", complex), ("bool", bool)):
        if not hasattr(np, name):
            setattr(np, name, typ)
    for name in ("MutableSequence", "Iterable", "Mapping", "MutableMapping", "Sequence"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))


def readings(out, files):
    shim_numpy()
    import essentia.standard as es
    from madmom.features.key import CNNKeyRecognitionProcessor, key_prediction_to_label

    cnn = CNNKeyRecognitionProcessor()
    for f in files:
        stem = os.path.splitext(os.path.basename(f))[0]
        path = os.path.join(out, stem + ".json")
        if os.path.exists(path):
            continue
        audio = es.MonoLoader(filename=f, sampleRate=44100)()
        r = {}
        for prof in ("edma", "bgate", "temperley"):
            key, scale, strength = es.KeyExtractor(profileType=prof)(audio)
            r[prof] = [key + " " + scale, float(strength)]
        bpm, _, conf, _, _ = es.RhythmExtractor2013(method="multifeature")(audio)
        r["essentia_bpm"] = float(bpm)
        r["essentia_bpm_confidence"] = float(conf)
        r["madmom"] = key_prediction_to_label(cnn(f))
        tmp = path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(r, fh)
        os.replace(tmp, path)
        print(stem, r["madmom"], r["bgate"][0], flush=True)


SHARP = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#"}


def norm(key):
    root, mode = key.split()[:2]
    return SHARP.get(root, root) + " " + mode.lower()


def summary(out, audio):
    base = os.path.dirname(os.path.abspath(out))
    rows, agree = [], []
    for name in sorted(os.listdir(audio)):
        stem = os.path.splitext(name)[0]
        path = os.path.join(out, stem + ".json")
        if not os.path.exists(path):
            continue
        r = json.load(open(path))
        keys = [norm(r[p][0]) for p in ("edma", "bgate", "temperley")] + [norm(r["madmom"])]
        rows.append([name] + keys + ["%.2f" % r["essentia_bpm"]])
        if keys[1] == keys[3]:
            agree.append((name, keys[1]))
    header = ["file", "edma", "bgate", "temperley", "madmom", "essentia_bpm"]
    write_tsv(os.path.join(base, "refs.tsv"), header, rows)
    write_tsv(os.path.join(base, "truth.tsv"), ["file", "key"], agree)


def write_tsv(path, header, rows):
    lines = ["\t".join(header)] + ["\t".join(row) for row in rows]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2], sys.argv[3])
    else:
        readings(sys.argv[1], sys.argv[2:])
