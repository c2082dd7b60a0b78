#!/usr/bin/env python3
"""Compare two report folders against truth.tsv and classify the misses.

    results.py truth.tsv OURS_DIR REF_DIR META_DIR

Prints: A1/A2 on trusted rows for both; the same on the rows whose truth lies
in 60-200 BPM; "A1 at the composer's level" (A1 against the truth or against
the alternative rows-per-beat level that the note names: 8 rows/beat for
4-row tempos > 180, 6 rows/beat for 3-row onset grids, 2 rows/beat for tempos
< 80); and a table of the trusted rows where OURS misses A1, with a category:
  rpb-8 convention   ours = truth/2 and truth > 180 (speed 2-4 modules whose
                     4-row beat is faster than any usual beat)
  rpb-6 (ternary)    ours = truth*rpb/6 and the note onsets follow a 3-row grid
  rpb-2 convention   ours = truth*2 and truth < 80
  bar level          ours = truth/3 and the IT header says 3 beats per bar
  octave choice      ours = truth x 1/2 or 2 with truth in 80-180 (A2 holds;
                     the analyser picked the other metrical level)
  genuine            anything else
"""
import csv
import json
import os
import sys


def est(d, stem):
    try:
        return float(json.load(open(os.path.join(d, stem + ".json")))["analysis"]["rhythm"]
                     ["tempo_bpm_global"])
    except (OSError, KeyError, ValueError, TypeError):
        return float("nan")


def near(e, t):
    return abs(e - t) <= 0.04 * t


def a2(e, t):
    return any(near(e, t * f) for f in (1, 2, 3, 0.5, 1 / 3))


def alt_levels(r, m):
    t = float(r["bpm"])
    rpb = m["rows_per_beat"]
    out = [t]
    if t > 180:
        out.append(t * rpb / 8.0)
    if "3-row grid" in r["note"]:
        out.append(t * rpb / 6.0)
    if t < 80:
        out.append(t * 2)
    return out


def main(truth, ours, ref, meta):
    rows = [r for r in csv.DictReader(open(truth), delimiter="\t")]
    tr = [r for r in rows if r["bpm_trusted"] == "1"]
    res = []
    for r in tr:
        stem = r["file"][:-4]
        m = json.load(open(os.path.join(meta, stem + ".json")))
        t = float(r["bpm"])
        res.append((r, m, t, est(ours, stem), est(ref, stem)))

    def summary(sel, label):
        n = len(sel)
        if not n:
            return
        o1 = sum(near(o, t) for _, _, t, o, _ in sel) / n
        o2 = sum(a2(o, t) for _, _, t, o, _ in sel) / n
        e1 = sum(near(e, t) for _, _, t, _, e in sel) / n
        e2 = sum(a2(e, t) for _, _, t, _, e in sel) / n
        oa = sum(any(near(o, x) for x in alt_levels(r, m)) for r, m, t, o, _ in sel) / n
        ea = sum(any(near(e, x) for x in alt_levels(r, m)) for r, m, t, _, e in sel) / n
        print("%-44s %3d   ours A1 %.3f A2 %.3f A1alt %.3f   essentia A1 %.3f A2 %.3f A1alt %.3f"
              % (label, n, o1, o2, oa, e1, e2, ea))

    print("Tempo accuracy on trusted rows (A1 = within 4 %; A2 = also x2, x3, x1/2, x1/3;")
    print("A1alt = A1 against the truth or the alternative rows-per-beat level named in the note)")
    summary(res, "all trusted rows")
    summary([x for x in res if 60 <= x[2] <= 200], "trusted, truth 60-200 BPM")
    summary([x for x in res if x[2] > 200], "trusted, truth > 200 BPM")
    for fmt in ("MOD", "S3M", "XM", "IT"):
        summary([x for x in res if "(%s)" % fmt in x[0]["note"]], "trusted, format %s" % fmt)
    print()
    print("Trusted rows where ours misses A1:")
    print("%-34s %8s %8s %8s %7s %7s %3s %-4s %-6s %s" % (
        "file", "truth", "ours", "essent.", "o/t", "e/t", "rpb", "fmt", "speed", "category"))
    cats = {}
    for r, m, t, o, e in res:
        if near(o, t):
            continue
        rpb = m["rows_per_beat"]
        ratio = o / t
        if near(o, t / 2) and t > 180:
            cat = "rpb-8 convention"
        elif "3-row grid" in r["note"] and near(o, t * rpb / 6.0):
            cat = "rpb-6 (ternary grid)"
        elif near(o, 2 * t) and t < 80:
            cat = "rpb-2 convention"
        elif near(o, t / 3) and m["rows_per_measure"] == 3 * rpb:
            cat = "bar level (3-beat bar, A2 ok)"
        elif near(o, t / 2) or near(o, 2 * t):
            cat = "octave choice (A2 ok)"
        else:
            cat = "genuine"
        cats[cat] = cats.get(cat, 0) + 1
        fmt = r["note"].split("(", 1)[1].split(")", 1)[0]
        print("%-34s %8.2f %8.2f %8.2f %7.3f %7.3f %3d %-4s %-6s %s" % (
            r["file"][:-4][:34], t, o, e, ratio, e / t, rpb, fmt, m["speed_bpm"][0][0], cat))
    print()
    print("categories: " + ", ".join("%s %d" % kv for kv in sorted(cats.items())))
    print()
    print("Trusted rows where Essentia misses A2 (ours for comparison):")
    for r, m, t, o, e in res:
        if not a2(e, t):
            print("  %-34s truth %7.2f  essentia %7.2f (x%.3f)  ours %7.2f" % (
                r["file"][:-4], t, e, e / t, o))
    print()
    print("Untrusted rows (not scored):")
    for r in rows:
        if r["bpm_trusted"] != "1":
            stem = r["file"][:-4]
            print("  %-34s truth %7s  ours %7.2f  essentia %7.2f  -- %s" % (
                stem, r["bpm"], est(ours, stem), est(ref, stem),
                r["note"].split("untrusted: ", 1)[-1]))


if __name__ == "__main__":
    main(*sys.argv[1:5])
