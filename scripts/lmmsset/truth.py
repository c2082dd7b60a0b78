#!/usr/bin/env python3
"""Tempo, beat and key truth for the LMMS / Hydrogen renders of scripts/lmmsset/build.sh.

Both programs play a project at one tempo from its first tick, and their export starts
there, so the beats of a render fall on k * 60 / bpm seconds. This writes truth.tsv (the
columns of ../shared/devset/truth.tsv) and beats/<stem>.beats up to the last sound, and for
LMMS projects in 4/4 the bar starts, every fourth beat from the first (beats/<stem>.downbeats).

The key of an LMMS project comes from its notes, as ../keyset does it for MIDI files: a
pitch-class histogram weighted by note length and by how often each pattern plays, with
the three symbolic profiles of ../keyset/analyze.py; trusted when they agree and the
Krumhansl-Kessler margin is at least 0.05. Only synthesisers count: a sample's pitch is
unknown (drum samples, but also sampled guitars and basses), so a project whose sampled
non-drum notes hold a fifth or more of the note time, or whose tracks are detuned by a
quarter tone, has no trusted key.

  truth.py OUT_DIR PROJECT...      (python3 with mido, for ../keyset/analyze.py)
"""
import array
import os
import re
import sys
import wave
import xml.etree.ElementTree as ET
import zlib

KEYSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "keyset")

# Instruments without a usable pitch: drum and effect synthesisers.
UNPITCHED = {"kicker", "sfxr"}
# LMMS: 192 ticks a bar of 4/4; a step note (length < 0) sounds about a 16th.
STEP_TICKS = 12
SAMPLED_SHARE_MAX = 0.2
# The key of note 57 (A4) at the default base note; the sounding pitch class of a note is
# (key - base note + 57 + master pitch) mod 12.
A4 = 57


def project_xml(path):
    data = open(path, "rb").read()
    if path.endswith(".mmpz"):
        # qCompress: a 4-byte big-endian length, then a zlib stream.
        data = zlib.decompress(data[4:])
    return data.decode("utf-8", "replace")


def lmms_head(xml):
    head = re.search(r"<head\b[^>]*>", xml).group(0)
    bpm = float(re.search(r'\bbpm="([\d.]+)"', head).group(1))
    num = re.search(r'timesig_numerator="(\d+)"', head)
    den = re.search(r'timesig_denominator="(\d+)"', head)
    # An automated tempo is a <bpm id=...> element instead of the attribute.
    automated = re.search(r"<bpm\b[^>]*\bid=", xml) is not None
    sig = f"{num.group(1)}/{den.group(1)}" if num and den else ""
    return bpm, sig, automated


def pattern_notes(pattern, repeats):
    """(key, ticks x repeats) of a pattern's notes, clipped to its length when it has one."""
    length = int(pattern.get("len", "0") or 0)
    out = []
    for note in pattern.findall("note"):
        pos, ticks = int(note.get("pos")), int(note.get("len"))
        ticks = STEP_TICKS if ticks <= 0 else ticks
        if length > 0:
            ticks = min(ticks, max(length - pos, 0))
        if ticks > 0 and float(note.get("vol", "100")) > 0:
            out.append((int(note.get("key")), ticks * repeats))
    return out


def track_pitch(track, master):
    """(semitone offset, pitched?, sampled non-drum?, quarter-tone detuned?) of an instrument track."""
    it = track.find("instrumenttrack")
    inst = it.find("instrument").get("name")
    cents = float(it.get("pitch", "0") or 0)
    offset = A4 - int(float(it.get("basenote", A4))) + master + round(cents / 100)
    quarter = abs(cents / 100 - round(cents / 100)) > 0.25
    if inst == "audiofileprocessor":
        src = (it.find("instrument/audiofileprocessor").get("src", "") or "").lower()
        drum = src.startswith(("drums/", "drumsynth/", "misc/")) or "drum" in src
        return offset, False, not drum, quarter
    return offset, inst not in UNPITCHED, False, quarter


def lmms_key(xml):
    """(key name, trusted, note) of an LMMS project from its synthesisers' notes."""
    sys.path.insert(0, KEYSET)
    import analyze  # ../keyset: the key profiles and their correlation (needs mido)

    root = ET.fromstring(xml)
    song = root.find("song")
    head = song.find("head")
    master = int(float(head.get("masterpitch", "0") or 0)) if head is not None else 0
    hist = [0.0] * 12
    sampled = detuned = 0.0
    tracks = song.find("trackcontainer").findall("track")
    bb_tracks = [t for t in tracks if t.get("type") == "1"]
    # One container holds every beat+bassline pattern: its tracks' i-th pattern is the
    # i-th bb track's, which plays where that track has a bbtco.
    bb_repeats = []
    for t in bb_tracks:
        bars = sum(max(int(c.get("len", "192")), 0) for c in t.findall("bbtco")) / 192.0
        bb_repeats.append(bars)
    inner = []
    for t in bb_tracks:
        c = t.find("bbtrack/trackcontainer")
        if c is not None:
            inner = c.findall("track")
            break
    plays = []  # (track, pattern, repeats)
    for t in tracks:
        if t.get("type") == "0" and t.get("muted", "0") != "1":
            plays += [(t, p, 1.0) for p in t.findall("pattern")]
    for t in inner:
        if t.get("type") != "0" or t.get("muted", "0") == "1":
            continue
        for i, p in enumerate(t.findall("pattern")):
            if i < len(bb_repeats) and bb_repeats[i] > 0:
                # A one-bar pattern repeats once a bar of its bbtcos.
                bars = max(int(p.get("steps", "16") or 16) / 16.0, 1.0)
                plays.append((t, p, bb_repeats[i] / bars))
    for t, p, repeats in plays:
        offset, pitched, sampled_tonal, quarter = track_pitch(t, master)
        for key, w in pattern_notes(p, repeats):
            if sampled_tonal:
                sampled += w
            elif pitched and quarter:
                detuned += w
            elif pitched:
                hist[(key + offset) % 12] += w
    total = sum(hist) + sampled + detuned
    if total <= 0:
        return "", False, "no pitched notes"
    best = {}
    corr = {}
    for prof in analyze.PROFILES:
        corr[prof] = analyze.correlate(hist, prof)
        best[prof] = analyze.ranked(corr[prof])[0]
    kk, kk2 = analyze.ranked(corr["KK"])[:2]
    margin = corr["KK"][kk] - corr["KK"][kk2]
    why = []
    if len(set(best.values())) != 1:
        why.append("profiles disagree: " + ", ".join(f"{q}={analyze.key_name(k)}" for q, k in best.items()))
    if margin < analyze.MIN_MARGIN:
        why.append(f"KK margin {margin:.3f} ({analyze.key_name(kk)} vs {analyze.key_name(kk2)})")
    if (sampled + detuned) / total >= SAMPLED_SHARE_MAX:
        why.append(f"{(sampled + detuned) / total:.0%} of the note time sampled or detuned")
    note = "; ".join(why) if why else f"key from notes, KK margin {margin:.3f}"
    return analyze.key_name(kk), not why, note


def hydrogen_head(xml):
    bpm = float(re.search(r"<bpm>([\d.]+)</bpm>", xml).group(1))
    # A tempo timeline (tempo markers) would change the tempo mid-song.
    markers = re.findall(r"<BPMTimeLine>(.*?)</BPMTimeLine>", xml, re.S)
    automated = any("<bpm>" in m for m in markers)
    return bpm, "", automated


def stem_of(path):
    name = os.path.basename(path)
    for ext in (".mmpz", ".mmp", ".h2song"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    prefix = "h2_" if path.endswith(".h2song") else "lm_"
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "_", name)


def sound_span(wav_path):
    """(seconds, last second with sound): frames quieter than -60 dBFS at the end are tail."""
    with wave.open(wav_path) as w:
        rate, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        raw = w.readframes(n)
    if width != 2:
        return n / rate, n / rate
    samples = array.array("h", raw)
    block = rate // 10 * ch
    last = 0
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block]
        if chunk and max(abs(min(chunk)), abs(max(chunk))) > 33:
            last = start + len(chunk)
    return n / rate, last / ch / rate


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[0]
    os.makedirs(os.path.join(out, "beats"), exist_ok=True)
    rows = []
    for path in argv[1:]:
        stem = stem_of(path)
        wav = os.path.join(out, "audio", stem + ".wav")
        if not os.path.exists(wav):
            print(f"truth: no render for {path}, skipped", file=sys.stderr)
            continue
        xml = project_xml(path)
        bpm, sig, automated = (hydrogen_head if path.endswith(".h2song") else lmms_head)(xml)
        key, key_trusted, key_note = ("", False, "drums only") if path.endswith(".h2song") else lmms_key(xml)
        seconds, last = sound_span(wav)
        period = 60.0 / bpm
        beats = [k * period for k in range(int(last / period) + 1)]
        with open(os.path.join(out, "beats", stem + ".beats"), "w") as f:
            f.write("".join(f"{b:.4f}\n" for b in beats))
        # Bars: an LMMS project's song editor lays its patterns out in bars from tick 0; only
        # 4/4 projects (an 8/4 or 1/1 "bar" says little about the phrase) get bar truth.
        downbeats = os.path.join(out, "beats", stem + ".downbeats")
        if sig == "4/4":
            with open(downbeats, "w") as f:
                f.write("".join(f"{b:.4f}\n" for b in beats[::4]))
        elif os.path.exists(downbeats):
            os.remove(downbeats)
        source = "hydrogen-song" if path.endswith(".h2song") else "lmms-project"
        trusted = "0" if automated else "1"
        note = f"{path}; tempo {'automated' if automated else 'constant'}; sound to {last:.1f} s; {key_note}"
        rows.append([stem + ".wav", f"{bpm:g}", trusted, f"beats/{stem}.beats", sig, key, "1" if key_trusted else "0",
                     source, f"{seconds:.2f}", note])
    with open(os.path.join(out, "truth.tsv"), "w") as f:
        f.write("file\tbpm\tbpm_trusted\tbeats_file\ttime_sig\tkey\tkey_trusted\ttruth_source\tseconds\tnote\n")
        for r in sorted(rows):
            f.write("\t".join(r) + "\n")
    print(f"truth: {len(rows)} rows in {out}/truth.tsv")


if __name__ == "__main__":
    main(sys.argv[1:])
