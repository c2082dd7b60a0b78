#!/usr/bin/env python3
"""Confidence calibration of tempo and key on scored reports.

    calibration.py TRUTH.tsv REPORTS_DIR

For each trusted row, reads REPORTS_DIR/<stem>.json and pairs the reported confidence
(analysis.rhythm.tempo_confidence, analysis.tonal.key_confidence) with whether the
estimate is right (tempo: within 4 % of the truth, Accuracy1; key: exact). Prints, per
confidence bin, how many estimates fall there and how many of them are right, and the
share right among the estimates at or above 0.5 (the target: at least 95 %).
Plain Python 3, no dependencies; reuses score.py's key parser from the truth's folder.
"""
import json
import os
import sys

BINS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    truth_path, rep_dir = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(truth_path)))
    sys.dont_write_bytecode = True  # the dev set's folder is read-only
    import score  # noqa: E402  (the dev set's scorer, beside truth.tsv)

    tempo, key = [], []
    for r in score.read_truth(truth_path):
        stem = os.path.splitext(r["file"])[0]
        try:
            with open(os.path.join(rep_dir, stem + ".json"), encoding="utf-8") as fh:
                rep = json.load(fh)
        except (OSError, ValueError):
            continue
        rh = score.get(rep, "analysis", "rhythm") or {}
        to = score.get(rep, "analysis", "tonal") or {}
        if r.get("bpm_trusted") == "1" and r.get("bpm"):
            a1, _ = score.tempo_scores(float(r["bpm"]), rh.get("tempo_bpm_global"))
            c = rh.get("tempo_confidence")
            if isinstance(c, (int, float)):
                tempo.append((c, a1))
        tk = score.parse_key(r.get("key", "")) if r.get("key_trusted") == "1" else None
        if tk:
            ex, _ = score.key_scores(tk, score.parse_key(to.get("key")))
            c = to.get("key_confidence")
            if isinstance(c, (int, float)):
                key.append((c, ex))

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
