#!/usr/bin/env python3
"""Are strict-key suggestions right by the true keys and tempi?

    suggestions.py AIDJ REPORTS KEYS_TSV [TEMPI_TSV] [--tempo-col C] [--trusted-col C]
                   [-n N] [--window PCT]

Trains a model on the analyser's own reports in REPORTS (`aidj train --no-analyze
--test-size 0`, into a temporary folder), then asks `aidj recommend REPORT --strict-key
--json` for every track that has a true key. Each suggestion whose track has a true key
(and, with TEMPI_TSV, a true tempo) is judged as a DJ would hear it:
- tempo: the suggestion's true tempo, at the half, same or double time the recommender
  chose, within the tempo window (default 6 %, the recommender's) of the playing track's
  true tempo; half and double time count as the recommender counts them;
- key: the suggestion's true key, moved by the semitones that true tempo change gives
  (round(12 log2(rate)), as the recommender moves it; without TEMPI_TSV, the semitones the
  recommender moved it; `--keylock` leaves it), is the same, +-1 or the relative of the
  playing track's true key on the Camelot wheel.
KEYS_TSV has columns `file` and `key` ("A minor", "Db major"); TEMPI_TSV has `file` and
the tempo column (default `bpm`; rows whose trusted column, when given, is not 1 are
left out). Prints per query its suggestions' marks (+ right, k wrong key, t wrong tempo,
? not judged) and the share of judged suggestions right. Standard library only.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # leave no __pycache__ in keyset/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "keyset"))
from score import parse as parse_key  # noqa: E402  "A minor" -> (pitch class, minor)


def camelot(key):
    """(number 1-12, minor) on the Camelot wheel: C major 8B, A minor 8A."""
    pc, minor = key
    major_pc = (pc + 3) % 12 if minor else pc
    return (major_pc * 7 % 12 + 7) % 12 + 1, minor


def strict_move(a, b):
    """Same, +-1 or relative on the wheel (what --strict-key keeps)."""
    (na, ma), (nb, mb) = camelot(a), camelot(b)
    if ma == mb:
        return (na - nb) % 12 in (0, 1, 11)
    return na == nb


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def read_tsv(path, col, trusted=None):
    out = {}
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if trusted and r.get(trusted, "1") != "1":
                continue
            if r.get(col):
                out[stem(r["file"])] = r[col]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("aidj")
    ap.add_argument("reports")
    ap.add_argument("keys")
    ap.add_argument("tempi", nargs="?")
    ap.add_argument("--tempo-col", default="bpm")
    ap.add_argument("--trusted-col")
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--window", type=float, default=6.0)
    ap.add_argument("--keylock", action="store_true")
    a = ap.parse_args()
    keys = {s: k for s, t in read_tsv(a.keys, "key").items() if (k := parse_key(t))}
    tempi = {}
    if a.tempi:
        for s, t in read_tsv(a.tempi, a.tempo_col, a.trusted_col).items():
            try:
                tempi[s] = float(t)
            except ValueError:
                pass
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "model.json")
        subprocess.run([a.aidj, "train", "--reports", a.reports, "--model-out", model,
                        "--no-analyze", "--test-size", "0"], check=True,
                       stdout=subprocess.DEVNULL)
        judged = right = key_wrong = tempo_wrong = unjudged = 0
        for name in sorted(os.listdir(a.reports)):
            s = stem(name)
            if not name.endswith(".json") or s not in keys or (a.tempi and s not in tempi):
                continue
            cmd = [a.aidj, "recommend", "--model", model, os.path.join(a.reports, name),
                   "--strict-key", "--json", "-n", str(a.n), "--bpm-window", str(a.window)]
            if a.keylock:
                cmd.append("--keylock")
            got = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                            text=True).stdout)
            marks = []
            for sug in got.get("suggestions", []):
                t = stem(sug["track"]["path"] or sug["track"]["title"])
                if t not in keys or (a.tempi and t not in tempi):
                    unjudged += 1
                    marks.append("?")
                    continue
                judged += 1
                ok_key = ok_tempo = True
                # Without true tempi, the key is heard at the rate the recommender chose.
                shift = 0 if a.keylock else sug["reasons"].get("pitch_semitones") or 0
                if a.tempi:
                    # Half, same or double time as the recommender chose it.
                    m = sug["reasons"].get("tempo_multiplier") or 1.0
                    rate = tempi[s] / (tempi[t] * m)
                    ok_tempo = any(abs(tempi[s] / (tempi[t] * mm) - 1) <= a.window / 100
                                   for mm in (0.5, 1.0, 2.0))
                    if ok_tempo:
                        rate = min((tempi[s] / (tempi[t] * mm) for mm in (0.5, 1.0, 2.0)),
                                   key=lambda r: abs(math.log(r)))
                    if not a.keylock:
                        shift = round(12 * math.log2(rate))
                if not ok_tempo:
                    # Out of the window: no rate to hear the key at.
                    tempo_wrong += 1
                    marks.append("t")
                    continue
                pc, minor = keys[t]
                ok_key = strict_move(keys[s], ((pc + shift) % 12, minor))
                right += ok_key
                key_wrong += not ok_key
                marks.append("+" if ok_key else "k")
            print(f"{s[:40]:40s} {''.join(marks) or '-'}")
    share = right / judged if judged else float("nan")
    print(f"strict-key suggestions judged {judged} (not judged: {unjudged}, no truth): "
          f"right {right} ({share:.3f}); wrong key {key_wrong}, wrong tempo {tempo_wrong}")


if __name__ == "__main__":
    sys.exit(main())
