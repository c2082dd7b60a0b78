"""Reference readings of the electronic set (see build.sh).

    refs.py OUT_DIR FILE...         one JSON per file in OUT_DIR (skips existing ones)
    refs.py --beats OUT_DIR FILE... adds madmom's beat tempo to each file's JSON (skips
                                    files that have it)
    refs.py --summary OUT_DIR AUDIO_DIR
                                    writes ../refs.tsv (every reading), ../truth.tsv
                                    (file, key: the tracks where bgate and madmom agree)
                                    and ../tempo_truth.tsv (file, bpm: where Essentia's
                                    and madmom's tempo agree within 4 %)
    refs.py --pinned REFS_TSV SET_DIR
                                    the same three files in SET_DIR from readings kept
                                    earlier (this folder's refs.tsv), without the tools
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


def beat_tempo(out, files):
    """madmom's beat tempo (RNN + DBN beat tracker, first 90 s): 60 / median interval."""
    shim_numpy()
    import numpy as np
    from madmom.audio.signal import Signal
    from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor

    rnn, dbn = RNNBeatProcessor(), DBNBeatTrackingProcessor(fps=100)
    for f in files:
        path = os.path.join(out, os.path.splitext(os.path.basename(f))[0] + ".json")
        r = json.load(open(path))
        if "madmom_bpm" in r:
            continue
        beats = dbn(rnn(Signal(f, sample_rate=44100, num_channels=1, stop=90.0)))
        r["madmom_bpm"] = float(60.0 / np.median(np.diff(beats))) if len(beats) > 2 else None
        tmp = path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(r, fh)
        os.replace(tmp, path)
        print(os.path.basename(f), r["madmom_bpm"], flush=True)


SHARP = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#"}


def norm(key):
    root, mode = key.split()[:2]
    return SHARP.get(root, root) + " " + mode.lower()


HEADER = ["file", "edma", "bgate", "temperley", "madmom", "essentia_bpm", "madmom_bpm"]


def summary(out, audio):
    rows = []
    for name in sorted(os.listdir(audio)):
        stem = os.path.splitext(name)[0]
        path = os.path.join(out, stem + ".json")
        if not os.path.exists(path):
            continue
        r = json.load(open(path))
        keys = [norm(r[p][0]) for p in ("edma", "bgate", "temperley")] + [norm(r["madmom"])]
        mm = r.get("madmom_bpm")
        rows.append([name] + keys + ["%.2f" % r["essentia_bpm"], "%.2f" % mm if mm else ""])
    write_set(os.path.dirname(os.path.abspath(out)), rows)


def pinned(refs_tsv, base):
    lines = open(refs_tsv).read().splitlines()
    if lines[0].split("\t") != HEADER:
        sys.exit(f"{refs_tsv}: header is not {' '.join(HEADER)}")
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    missing = [r[0] for r in rows if not os.path.exists(os.path.join(base, "audio", r[0]))]
    if missing:
        sys.exit(f"{refs_tsv}: {len(missing)} files not in {base}/audio, e.g. {missing[0]}")
    write_set(base, rows)


def write_set(base, rows):
    """refs.tsv, and the key and tempo truth where the two tools agree."""
    agree, tempi = [], []
    for name, _edma, bgate, _temperley, madmom, ess_bpm, mm_bpm in rows:
        if bgate == madmom:
            agree.append((name, bgate))
        if mm_bpm and abs(float(ess_bpm) / float(mm_bpm) - 1) < 0.04:
            tempi.append((name, ess_bpm))
    write_tsv(os.path.join(base, "refs.tsv"), HEADER, rows)
    write_tsv(os.path.join(base, "truth.tsv"), ["file", "key"], agree)
    write_tsv(os.path.join(base, "tempo_truth.tsv"), ["file", "bpm"], tempi)


def write_tsv(path, header, rows):
    lines = ["\t".join(header)] + ["\t".join(row) for row in rows]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--pinned":
        pinned(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--beats":
        beat_tempo(sys.argv[2], sys.argv[3:])
    else:
        readings(sys.argv[1], sys.argv[2:])
