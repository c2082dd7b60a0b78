#!/usr/bin/env python3
"""Score aidj reports against the key set's truth.

    score.py TRUTH.tsv REPORTS_DIR

Key exact and MIREX-weighted (1 exact, 0.5 fifth, 0.3 relative, 0.2 parallel), the error
classes, and how often a key with key_confidence >= 0.5 is exact. Plain Python 3.
"""
import collections
import json
import os
import re
import sys

PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def parse(s):
    m = re.match(r"^([A-G])([#b]?)\s+(major|minor)$", (s or "").strip())
    if not m:
        return None
    pc = (PC[m.group(1)] + {"#": 1, "b": -1, "": 0}[m.group(2)]) % 12
    return pc, m.group(3) == "minor"


def mirex(t, e):
    if e is None:
        return 0.0, "none"
    (tp, tm), (ep, em) = t, e
    if (tp, tm) == (ep, em):
        return 1.0, "exact"
    if tm == em and (ep - tp) % 12 in (5, 7):
        return 0.5, "fifth"
    if (not tm and em and ep == (tp + 9) % 12) or (tm and not em and ep == (tp + 3) % 12):
        return 0.3, "relative"
    if tp == ep:
        return 0.2, "parallel"
    return 0.0, "other"


def main(truth_path, rep_dir):
    with open(truth_path, encoding="utf-8") as fh:
        hdr = fh.readline().rstrip("\n").split("\t")
        rows = [dict(zip(hdr, l.rstrip("\n").split("\t"))) for l in fh if l.strip()]
    scores, classes, sure = [], collections.Counter(), []
    for r in rows:
        path = os.path.join(rep_dir, os.path.splitext(r["file"])[0] + ".json")
        try:
            with open(path, encoding="utf-8") as fh:
                tonal = json.load(fh)["analysis"]["tonal"]
        except (OSError, ValueError, KeyError):
            continue
        w, cls = mirex(parse(r["key"]), parse(tonal.get("key")))
        scores.append(w)
        classes[cls] += 1
        if (tonal.get("key_confidence") or 0) >= 0.5:
            sure.append(cls == "exact")
        if cls != "exact":
            print("%-44s truth %-9s got %-9s %s" % (r["file"][:44], r["key"], tonal.get("key"), cls))
    n = len(scores)
    if not n:
        sys.exit("no reports in " + rep_dir)
    print("keys %d: exact %.3f, MIREX %.3f; %s" % (
        n, classes["exact"] / n, sum(scores) / n, dict(classes)))
    print("key_confidence >= 0.5: %d of %d, %.3f exact" % (
        len(sure), n, sum(sure) / max(1, len(sure))))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
