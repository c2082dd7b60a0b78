#!/usr/bin/env python3
"""Confidence calibration of tempo and key on scored reports.

    calibration.py [--range LO HI] TRUTH.tsv REPORTS_DIR [TRUTH.tsv REPORTS_DIR ...]

For each trusted row, reads REPORTS_DIR/<stem>.json and pairs the reported confidence
(analysis.rhythm.tempo_confidence, analysis.tonal.key_confidence) with whether the
estimate is right (tempo: within 4 % of the truth, Accuracy1, or of `beat_bpm` where the
truth has that column, as the metre set's counted beat; key: exact). Prints, per
confidence bin, how many estimates fall there and how many of them are right, and the
share right among the estimates at or above 0.5 (the target: at least 95 %).
Several pairs are pooled (a file scored twice counts once, from its first pair), and
each pair's own share at 0.5 or more is printed too. A row is trusted unless its truth
has a `bpm_trusted` / `key_trusted` column that says otherwise. `--range LO HI` keeps
the tempo rows whose truth is within LO-HI BPM (the tracker set's 60-200).
Plain Python 3, no dependencies; reuses the dev set's score.py (AIDJ_DEVSET_SRC, else
beside the first truth, else ../shared/devset beside the repository).
"""
import json
import os
import sys

BINS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]


def scorer(first_truth):
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.environ.get("AIDJ_DEVSET_SRC"), os.path.dirname(os.path.abspath(first_truth)),
              os.path.join(here, "..", "..", "shared", "devset")):
        if d and os.path.exists(os.path.join(d, "score.py")):
            sys.path.insert(0, d)
            break
    sys.dont_write_bytecode = True  # the dev set's folder is read-only
    import score  # noqa: E402  (the dev set's scorer)
    return score


def main(argv):
    bpm_range = None
    if argv[:1] == ["--range"]:
        if len(argv) < 3:
            sys.exit(__doc__)
        bpm_range = (float(argv[1]), float(argv[2]))
        argv = argv[3:]
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    pairs_in = list(zip(argv[::2], argv[1::2]))
    score = scorer(pairs_in[0][0])

    tempo, key, per_pair = [], [], []
    seen_tempo, seen_key = set(), set()
    for truth_path, rep_dir in pairs_in:
        own = []
        for r in score.read_truth(truth_path):
            stem = os.path.splitext(r["file"])[0]
            try:
                with open(os.path.join(rep_dir, stem + ".json"), encoding="utf-8") as fh:
                    rep = json.load(fh)
            except (OSError, ValueError):
                continue
            rh = score.get(rep, "analysis", "rhythm") or {}
            to = score.get(rep, "analysis", "tonal") or {}
            try:
                bpm = float(r["bpm"]) if r.get("bpm_trusted", "1") == "1" else None
            except (KeyError, ValueError):
                bpm = None  # no tempo truth on this row ("-", or no column)
            in_range = bpm is not None and (bpm_range is None or
                                            bpm_range[0] <= bpm <= bpm_range[1])
            if in_range and stem not in seen_tempo:
                est = rh.get("tempo_bpm_global")
                a1 = max(score.tempo_scores(float(t), est)[0]
                         for t in (bpm, r.get("beat_bpm") or bpm))
                c = rh.get("tempo_confidence")
                if isinstance(c, (int, float)):
                    seen_tempo.add(stem)
                    tempo.append((c, a1))
                    own.append((c, a1))
            tk = score.parse_key(r.get("key", "")) if r.get("key_trusted", "1") == "1" else None
            if tk and stem not in seen_key:
                ex, _ = score.key_scores(tk, score.parse_key(to.get("key")))
                c = to.get("key_confidence")
                if isinstance(c, (int, float)):
                    seen_key.add(stem)
                    key.append((c, ex))
        if len(pairs_in) > 1:
            sure = [ok for c, ok in own if c >= 0.5]
            per_pair.append("  %s: tempo confidence >= 0.5 on %d of %d, %d right" % (
                truth_path, len(sure), len(own), sum(sure)))

    for line in per_pair:
        print(line)
    for name, pairs in (("tempo (right = A1)", tempo), ("key (right = exact)", key)):
        print("%s: %d estimates" % (name, len(pairs)))
        print("  %-11s %5s %6s" % ("confidence", "n", "right"))
        for lo, hi in zip(BINS, BINS[1:]):
            sel = [ok for c, ok in pairs if lo <= c < hi]
            if sel:
                print("  %4.1f - %-4.1f %5d %6.2f" % (lo, min(hi, 1.0), len(sel),
                                                     sum(sel) / len(sel)))
        hi_conf = [ok for c, ok in pairs if c >= 0.5]
        if hi_conf:
            print("  confidence >= 0.5: %d of %d estimates, %.2f right" % (
                len(hi_conf), len(pairs), sum(hi_conf) / len(hi_conf)))
        else:
            print("  confidence >= 0.5: none of %d estimates" % len(pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
