#!/usr/bin/env python3
"""Choose the evaluation modules from the survey JSONs (one per candidate module).

    select.py SURVEY_DIR > selection.tsv

Rules (deterministic):
  * 30 s <= played length <= 480 s and playback ended at a loop/end (not the cap);
  * byte-identical modules are kept once;
  * at most 3 modules per package (pingus-data: 5, to include the IT files whose
    header sets 6 or 2 rows per beat; 2 for a few small packages); ceferino-data
    and fb-music-high are left out (speed-2 modules, > 500 BPM at 4 rows/beat); within a package, modules with a trusted
    tempo come first, then the ones whose tempo differs most from those already
    taken, then the longer ones.
Output columns: out_name  package  module_path
"""
import glob
import hashlib
import json
import os
import re
import sys

PER_PKG = {"pingus-data": 5, "vodovod": 2, "njam-data": 2, "circuslinux-data": 2,
           "tuxmath-data": 2, "bb": 2}
# speed-2 modules whose 4-rows-per-beat tempo is > 500 BPM: no usable truth
SKIP_PKG = {"ceferino-data", "fb-music-high"}
FORCE = {"pingus-3.it", "pingus-7.it", "pingus-1.it", "pingus-4.it"}


def short_pkg(p):
    for suf in ("-sound-tracks", "-data"):
        if p.endswith(suf):
            p = p[: -len(suf)]
    return re.sub(r"[^a-z0-9]+", "_", p.lower()).strip("_")


def out_name(pkg, path):
    stem = os.path.splitext(os.path.basename(path))[0]
    stem = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")
    return "%s_%s" % (short_pkg(pkg), stem)


def main(survey):
    by_pkg = {}
    seen = set()
    for p in sorted(glob.glob(os.path.join(survey, "*.json"))):
        r = json.load(open(p))
        f = r["file"]
        md5 = hashlib.md5(open(f, "rb").read()).hexdigest()
        if md5 in seen:
            continue
        seen.add(md5)
        if not (30 <= r["seconds"] <= 480) or r["stop"] == "cap":
            continue
        pkg = f.split("/")[1]
        if pkg in SKIP_PKG:
            continue
        by_pkg.setdefault(pkg, []).append(r)
    for pkg in sorted(by_pkg):
        cands = by_pkg[pkg]
        n = PER_PKG.get(pkg, 3)
        taken = [r for r in cands if os.path.basename(r["file"]) in FORCE]
        rest = [r for r in cands if r not in taken]
        while len(taken) < n and rest:
            def score(r):
                trusted = r["beat_cov"] >= 0.85
                dist = min([abs(r["beat_bpm"] - t["beat_bpm"]) for t in taken] or [999])
                return (trusted, min(dist, 30), r["seconds"])
            best = max(rest, key=score)
            taken.append(best)
            rest.remove(best)
        for r in sorted(taken, key=lambda r: r["file"]):
            print("%s\t%s\t%s" % (out_name(pkg, r["file"]), pkg, r["file"]))


if __name__ == "__main__":
    main(sys.argv[1])
