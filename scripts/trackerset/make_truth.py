#!/usr/bin/env python3
"""Write truth.tsv (devset format) from selection.tsv and meta/<name>.json.

    make_truth.py selection.tsv META_DIR > truth.tsv

bpm          = duration-weighted dominant beat tempo, 24*bpm/(rows_per_beat*speed)
               measured per beat (rows_per_beat rows from the pattern start);
bpm_trusted  = 1 when that tempo covers >= 85 % of the audible part, playback
               stopped at the module's own loop/end point (not the 8-minute cap)
               and the tempo is between 40 and 320 BPM (above 320 the
               rows-per-beat convention is certainly not the musical beat and no
               x2/x3 allowance can reach it);
note         = also flags modules whose note onsets follow a 3-row grid
               (onset_grid from xmpplay.py), where 6 rows per beat is likely the
               composer's beat; the tempo is NOT changed for them.
time_sig     = only for IT files whose header sets the highlight: rows per
               measure / rows per beat, over 4 (a guess of the composer's grid).
"""
import json
import os
import sys

LICENCE = {
    "ballz-data": "BSD-3 (Olof Naessen, Per Larsson)",
    "bb": "GPL-2+ (AA-group)",
    "biniax2-data": "Zlib (Jordan Tuzsuzov)",
    "bomberclone-data": "GPL-2 (Steffen Pohle et al.)",
    "bugsquish": "GPL-2 (Bill Kendrick)",
    "circuslinux-data": "GPL (Bill Kendrick)",
    "criticalmass-data": "GPL-2+ (Frank Becker)",
    "cuyo-data": "GPL-2+ (cuyo developers)",
    "dodgindiamond2": "GPL-2+ (Juan J. Martinez)",
    "flobopuyo": "GPL-2+ (iOS-Software)",
    "freedroid-data": "GPL-2+ (Freedroid team)",
    "gemdropx": "GPL-2 package; composers credited per file, hr_suds 'used with permission'",
    "gl-117-data": "GPL-2 (Thomas Drexl)",
    "gltron": "GPL-2+ (Andreas Umbach)",
    "gweled": "GPL-2+",
    "heroes-sound-tracks": "GPL-2+ (Heroes team)",
    "ironseed-data": "GPL-3+ (Channel 7)",
    "madbomber-data": "GPL-2 (Bill Kendrick)",
    "monsterz-data": "public domain (music.s3m by MenTaLguY)",
    "njam-data": "GPL-2+ (Milan Babuskov)",
    "open-invaders-data": "GPL-2+ (Darryl LeCount)",
    "pachi-data": "GPL-2+ (Dragontech; music Peter Hajba/Skaven)",
    "pathogen": "GPL-2+ (Jetro Lauha)",
    "pekka-kana-2-data": "BSD-2-Clause (Piste Gamez)",
    "penguin-command": "GPL-2+ (Karl Bartel)",
    "pingus-data": "GPL-2+ (Pingus team)",
    "rafkill-data": "LGPL-2 (Jon Rafkind)",
    "ri-li-data": "GPL-2 or GPL-3 (Roux-Serret, Maf464)",
    "solarwolf": "LGPL-2.1 (Pete Shinners)",
    "tecnoballz-data": "GPL-3+ (TLK Games)",
    "tomatoes-data": "Zlib (Mika Halttunen)",
    "tuxmath-data": "public domain (Mystra/Stone Arts, Groo/CNCD, Tjoppbass)",
    "vectoroids": "GPL (Bill Kendrick)",
    "vodovod": "GPL-2+ (Milan Babuskov)",
    "vor": "GPL-2+",
}

FMT = {".mod": "MOD", ".s3m": "S3M", ".xm": "XM", ".it": "IT", ".mptm": "MPTM"}


def fmt_bpm(x):
    s = "%.3f" % x
    return s.rstrip("0").rstrip(".")


def clean(s):
    return " ".join(str(s).replace("\t", " ").split())


def main(sel_path, meta_dir):
    cols = ["file", "bpm", "bpm_trusted", "beats_file", "time_sig", "key", "key_trusted",
            "truth_source", "seconds", "note"]
    print("\t".join(cols))
    for line in open(sel_path):
        name, pkg, path = line.rstrip("\n").split("\t")
        m = json.load(open(os.path.join(meta_dir, name + ".json")))
        bpm = m["beat_bpm"]
        cov = m["beat_cov"]
        trusted = int(cov >= 0.85 and m["stop"] in ("loop", "end") and 40 <= bpm <= 320)
        ext = os.path.splitext(path)[1].lower()
        fmt = FMT.get(ext, ext)
        if m["type"].startswith("Scream Tracker 3") and ext == ".mod":
            fmt = "S3M-as-MOD"
        rpb = m["rows_per_beat"]
        tsig = ""
        if m["rpb_source"] == "it-header" and m["rows_per_measure"] % rpb == 0:
            tsig = "%d/4" % (m["rows_per_measure"] // rpb)
        sp = ", ".join("%s %.0f%%" % (k, 100 * v) for k, v in m["speed_bpm"][:3] if v >= 0.005)
        why = []
        if cov < 0.85:
            why.append("dominant tempo covers only %.0f%%" % (100 * cov))
        if m["stop"] not in ("loop", "end"):
            why.append("hit the 8-minute cap")
        if not 40 <= bpm <= 320:
            why.append("tempo outside 40-320 at this rows/beat")
        alt = []
        if bpm > 180:
            alt.append("8 rows/beat would give %s" % fmt_bpm(bpm / 2))
        if bpm < 80:
            alt.append("2 rows/beat would give %s" % fmt_bpm(bpm * 2))
        g = {int(k): v for k, v in m["onset_grid"].items() if v is not None}
        ternary = g.get(3, 0) > g.get(2, 0) and g.get(6, 0) > 1.2 * g.get(4, 0)
        if ternary and rpb != 6:
            alt.append("note onsets follow a 3-row grid (onset accent x%.2f on rows %%3 vs x%.2f "
                       "on rows %%2): 6 rows/beat would give %s" % (
                           g[3], g[2], fmt_bpm(bpm * rpb / 6.0)))
        nom = m["nominal_bpm"]
        groove = ""
        if nom and abs(nom - bpm) > 0.01 * bpm:
            groove = "; per-frame 24*bpm/(rpb*speed) mode %s covers %.0f%% (alternating " \
                     "speeds/groove or pattern delays: per-beat tempo used)" % (
                         fmt_bpm(nom), 100 * m["nominal_cov"])
        note = "%s: %s (%s), %s; libxmp type '%s'; title '%s'; speed/bpm %s; rows_per_beat %d (%s%s); " \
               "coverage %.1f%%; stop %s at %.1f s%s%s%s; licence %s" % (
                   pkg, path.split("/usr/share/", 1)[-1], fmt, "%d ch" % m["channels"],
                   clean(m["type"]), clean(m["title"]), sp, rpb, m["rpb_source"],
                   (", %d rows/measure" % m["rows_per_measure"]) if m["rows_per_measure"] else "",
                   100 * cov, m["stop"], m["seconds"],
                   ("; %d sequences, first played" % m["num_sequences"]) if m["num_sequences"] > 1 else "",
                   groove,
                   ("; " + "; ".join(alt)) if alt else "",
                   LICENCE.get(pkg, "?"))
        if why:
            note += "; untrusted: " + ", ".join(why)
        row = [name + ".wav", fmt_bpm(bpm), str(trusted), "beats/%s.beats" % name, tsig, "", "0",
               "tracker-module", "%.2f" % m["seconds"], clean(note)]
        print("\t".join(row))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
