#!/usr/bin/env python3
"""Tempo A1/A2 on the trusted rows whose truth lies in a BPM range, and how many of the
estimates with tempo_confidence >= 0.5 there are right (A1).

    tempo_range.py TRUTH.tsv REPORTS_DIR [LO HI]      (default 60 200)

Uses the dev set's score.py (tempo_scores, read_truth, get), found on PYTHONPATH, so the
numbers match score.py's totals restricted to LO <= truth <= HI. A missing report counts
as a miss here (score.py leaves it out; it lists missing reports).
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # the dev set's folder is read-only
import score  # noqa: E402  (../shared/devset/score.py via PYTHONPATH)


def main(argv):
    if len(argv) not in (2, 4):
        sys.exit(__doc__)
    truth_path, rep_dir = argv[:2]
    lo, hi = (float(argv[2]), float(argv[3])) if len(argv) == 4 else (60.0, 200.0)
    a1s, a2s, sure = [], [], []
    for r in score.read_truth(truth_path):
        if r.get("bpm_trusted") != "1" or not r.get("bpm"):
            continue
        t = float(r["bpm"])
        if not lo <= t <= hi:
            continue
        est = conf = None
        try:
            with open(os.path.join(rep_dir, os.path.splitext(r["file"])[0] + ".json"),
                      encoding="utf-8") as fh:
                rep = json.load(fh)
            est = score.get(rep, "analysis", "rhythm", "tempo_bpm_global")
            conf = score.get(rep, "analysis", "rhythm", "tempo_confidence")
        except (OSError, ValueError):
            pass
        a1, a2 = score.tempo_scores(t, est)
        a1s.append(a1)
        a2s.append(a2)
        if conf is not None and conf >= 0.5:
            sure.append(a1)
    print("trusted rows with truth %g-%g BPM  n_bpm %d  A1 %.3f  A2 %.3f" % (
        lo, hi, len(a1s), score.mean(a1s), score.mean(a2s)))
    print("  of them with tempo_confidence >= 0.5: %d, %d right (A1)" % (len(sure), sum(sure)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
