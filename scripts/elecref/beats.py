"""Our beats against madmom's, on a reference set built by build.sh (or ../gameref).

    venv/bin/python beats.py --madmom SET_DIR   madmom's RNN + DBN beats on the first 90 s
                                                of every track, into SET_DIR/beats (skips
                                                tracks that have them; about 10 s a track)
    python3 beats.py SET_DIR                    scores SET_DIR/reports against them

madmom's beats are not truth, but a strong independent reading: on the tracks where our
tempo agrees with its beats' (median interval within 4 %), a beat F-measure (+-70 ms, as
../../../shared/devset/score.py counts it) far below 1 is a phase disagreement. Prints
those tracks and the counts.
"""
import bisect
import cmath
import glob
import json
import math
import os
import statistics
import sys
import warnings

TOLERANCE = 0.07  # seconds, as the dev set's beat F
SKIP = 5.0  # seconds at the start left out, as the dev set's beat F


def beat_f(ref, est):
    ref = [b for b in ref if b >= SKIP]
    est = [b for b in est if b >= SKIP]
    if not ref or not est:
        return 0.0
    used, hits = set(), 0
    for b in est:
        i = bisect.bisect_left(ref, b)
        for j in (i - 1, i):
            if 0 <= j < len(ref) and j not in used and abs(ref[j] - b) <= TOLERANCE:
                used.add(j)
                hits += 1
                break
    p, r = hits / len(est), hits / len(ref)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def madmom_beats(base):
    sys.dont_write_bytecode = True  # leave no __pycache__ beside refs.py
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    warnings.filterwarnings("ignore")
    import refs

    refs.shim_numpy()
    from madmom.audio.signal import Signal
    from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor

    rnn, dbn = RNNBeatProcessor(), DBNBeatTrackingProcessor(fps=100)
    os.makedirs(os.path.join(base, "beats"), exist_ok=True)
    for f in sorted(glob.glob(os.path.join(base, "audio", "*.flac"))):
        path = os.path.join(base, "beats", os.path.splitext(os.path.basename(f))[0] + ".beats")
        if os.path.exists(path):
            continue
        beats = dbn(rnn(Signal(f, sample_rate=44100, num_channels=1, stop=90.0)))
        with open(path + ".tmp", "w") as fh:
            fh.write("".join("%.4f\n" % b for b in beats))
        os.replace(path + ".tmp", path)


def score(base):
    same = agree = n = 0
    for path in sorted(glob.glob(os.path.join(base, "beats", "*.beats"))):
        stem = os.path.basename(path)[: -len(".beats")]
        rep = os.path.join(base, "reports", stem + ".json")
        ref = [float(x) for x in open(path).read().split()]
        if not os.path.exists(rep) or len(ref) < 8:
            continue
        ours = [b for b in json.load(open(rep))["analysis"]["rhythm"]["beat_times"] if b <= 90.0]
        if len(ours) < 8:
            continue
        n += 1
        ratio = statistics.median(b - a for a, b in zip(ref, ref[1:])) / statistics.median(
            b - a for a, b in zip(ours, ours[1:])
        )
        if abs(ratio - 1) >= 0.04:
            continue
        same += 1
        f = beat_f(ref, ours)
        agree += f >= 0.8
        if f < 0.8:
            # Where our beats sit in madmom's beat, 0..1 (0.5: on its off-beats).
            z = []
            for b in ours:
                i = bisect.bisect_left(ref, b)
                if 0 < i < len(ref):
                    z.append(cmath.exp(2j * math.pi * (b - ref[i - 1]) / (ref[i] - ref[i - 1])))
            phase = (cmath.phase(sum(z) / max(len(z), 1)) / (2 * math.pi)) % 1.0
            print("%-40s F %.2f, our beats at %.2f of madmom's" % (stem, f, phase))
    print("%d tracks; our tempo is madmom's beats' on %d; beats agree (F >= 0.8) on %d of those"
          % (n, same, agree))


if __name__ == "__main__":
    if sys.argv[1] == "--madmom":
        madmom_beats(sys.argv[2])
    else:
        score(sys.argv[1])
