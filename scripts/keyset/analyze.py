#!/usr/bin/python3
"""Symbolic key truth for MIDI files shipped in Debian packages.

Usage: analyze.py EXTRACT_DIR OUT_DIR
  EXTRACT_DIR/<package>/... holds the unpacked .deb contents.
Writes OUT_DIR/candidates.tsv (one row per distinct MIDI file, with the verdict)
and OUT_DIR/selected.tsv (what build.sh should render).

Rules (see README.md):
  * rendered span = whole piece if its length <= 180 s, else the first 150 s;
    pieces shorter than 60 s are not used.
  * duration-weighted pitch-class histogram over the rendered span, MIDI channel
    10 (index 9) excluded, as well as channels switched to an XG/GS drum bank
    (bank MSB 127/120/128) -- fluidsynth plays those as drum kits too -- and
    notes played with unpitched GM programs 116-128 (1-based: woodblock, taiko,
    melodic tom, synth drum, reverse cymbal, sound effects).
  * Pearson correlation with 24 rotated key profiles, for Krumhansl-Kessler,
    Temperley (2007, Kostka-Payne) and Aarden-Essen; keep only if all three
    pick the same key and KK best - KK runner-up >= 0.05.
  * reject if the key_signature meta events inside the rendered span disagree
    with each other (key signature change).
  * reject if the KK key of 30 s windows (hop 10 s) differs from the global key
    in more than 25 % of the windows.
  * drop byte-identical files, near-duplicates of an already kept file
    (Jaccard > 0.3 of (onset on a 0.25 s grid, pitch) sets), a listed second
    arrangement of the same composition, and MMA's groove-library loops.
"""
import gzip
import hashlib
import io
import os
import sys

import mido
import mido.midifiles.meta as _meta

# ---------------------------------------------------------------- mido patch
# Some files (simutrans) carry key_signature events with mode byte 255.
# Decode them with the accidentals only (as major) and remember the oddity.
ODD_KEYSIG = []
_orig_decode = _meta.MetaSpec_key_signature.decode


def _lenient_decode(self, message, data):
    try:
        _orig_decode(self, message, data)
    except _meta.KeySignatureError:
        key = _meta.signed('byte', data[0])
        ODD_KEYSIG.append((key, data[1]))
        message.key = _meta._key_signature_decode[(key, 0)]


_meta.MetaSpec_key_signature.decode = _lenient_decode

# ---------------------------------------------------------------- profiles
PROFILES = {
    'KK': ([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88],
           [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]),
    'Temperley': ([0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400],
                  [0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330]),
    'Aarden': ([17.7661, 0.145624, 14.9265, 0.160186, 19.8049, 11.3587, 0.291248, 22.062, 0.145624, 8.15494, 0.232998, 4.95122],
               [18.2648, 0.737619, 14.0499, 16.8599, 0.702494, 14.4362, 0.702494, 18.6161, 4.56621, 1.93186, 7.37619, 1.75623]),
}
MAJ_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B']
MIN_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B']
PC = {'C': 0, 'C#': 1, 'Db': 1, 'D': 2, 'D#': 3, 'Eb': 3, 'E': 4, 'F': 5, 'F#': 6,
      'Gb': 6, 'G': 7, 'G#': 8, 'Ab': 8, 'A': 9, 'A#': 10, 'Bb': 10, 'B': 11, 'Cb': 11}

MIN_LEN, MAX_LEN, TRIM_LEN = 60.0, 180.0, 150.0
MIN_MARGIN = 0.05
WIN, HOP, MAX_WIN_CHANGE = 30.0, 10.0, 0.25
DRUM_BANKS = {120, 127, 128}
# GM programs (0-based) without a usable pitch: 115 Woodblock, 116 Taiko,
# 117 Melodic Tom, 118 Synth Drum, 119 Reverse Cymbal, 120-127 sound effects.
UNPITCHED_PROGRAMS = set(range(115, 128))
# other MIDI arrangements of a composition that is already in the set
SAME_PIECE = {
    ('freedink-data', '/usr/share/games/dink/dink/Sound/13.mid'):
        'same composition (Pachelbel Canon in D) as faust-common pachelbel.mid',
}
NEAR_DUP_JACCARD = 0.3  # onset (0.25 s grid) + pitch sets of two kept files


def key_name(k):  # k in 0..23: 0-11 major, 12-23 minor
    return f"{MAJ_NAMES[k]} major" if k < 12 else f"{MIN_NAMES[k - 12]} minor"


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    saa = sum((x - ma) ** 2 for x in a)
    sbb = sum((y - mb) ** 2 for y in b)
    if saa <= 0 or sbb <= 0:
        return 0.0
    return sab / (saa * sbb) ** 0.5


def correlate(hist, prof):
    maj, mnr = PROFILES[prof]
    out = []
    for mode, p in ((0, maj), (1, mnr)):
        for t in range(12):
            rot = [p[(i - t) % 12] for i in range(12)]
            out.append(pearson(hist, rot))
    return out  # index = mode*12 + tonic


def ranked(corrs):
    return sorted(range(24), key=lambda k: -corrs[k])


def load(path):
    data = open(path, 'rb').read()
    if path.endswith('.gz'):
        data = gzip.decompress(data)
    return data


def notes_of(mf):
    """Return (notes, keysigs, drum_channels_extra).
    notes: list of (start_s, end_s, pitch); keysigs: list of (time_s, key)."""
    t = 0.0
    active = {}
    notes, keysigs = [], []
    bank = {}
    prog = {}
    drum_ch = {9}
    unpitched = 0
    for msg in mf:  # merged tracks, msg.time in seconds
        t += msg.time
        if msg.is_meta:
            if msg.type == 'key_signature':
                keysigs.append((t, msg.key))
            continue
        if msg.type == 'control_change' and msg.control == 0:
            bank[msg.channel] = msg.value
            if msg.value in DRUM_BANKS and msg.channel != 9:
                drum_ch.add(msg.channel)
        if msg.type == 'program_change':
            prog[msg.channel] = msg.program
        if msg.type not in ('note_on', 'note_off'):
            continue
        k = (msg.channel, msg.note)
        if msg.type == 'note_on' and msg.velocity > 0:
            if prog.get(msg.channel, 0) in UNPITCHED_PROGRAMS and msg.channel not in drum_ch:
                unpitched += 1
                continue
            # retrigger: close a still-sounding identical note first
            if k in active and active[k]:
                st = active[k].pop(0)
                notes.append((st, t, msg.note, msg.channel))
            active.setdefault(k, []).append(t)
        else:
            if k in active and active[k]:
                st = active[k].pop(0)
                notes.append((st, t, msg.note, msg.channel))
    for (ch, n), starts in active.items():
        for st in starts:
            notes.append((st, t, n, ch))
    notes = [(s, e, p) for (s, e, p, ch) in notes if ch not in drum_ch]
    return notes, keysigs, sorted(drum_ch - {9}), unpitched


def histogram(notes, a, b):
    h = [0.0] * 12
    for s, e, p in notes:
        d = min(e, b) - max(s, a)
        if d > 0:
            h[p % 12] += d
    return h


def keysig_relation(ks, k):
    """Compare a key_signature string (mido, e.g. 'Am', 'Eb') with key index k."""
    minor = ks.endswith('m')
    ton = PC[ks[:-1] if minor else ks]
    ksk = ton + (12 if minor else 0)
    if ksk == k:
        return 'agrees'
    # same number of accidentals = relative key
    rel = (ton + 3) % 12 if minor else (ton + 9) % 12 + 12
    if rel == k:
        return 'relative (same signature, other mode)'
    return 'disagrees'


def analyse(path):
    res = {}
    data = load(path)
    ODD_KEYSIG.clear()
    mf = mido.MidiFile(file=io.BytesIO(data))
    L = mf.length
    res['length'] = L
    res['sha'] = hashlib.sha256(data).hexdigest()
    if L < MIN_LEN:
        return res, f'too short ({L:.1f} s < {MIN_LEN:.0f} s)'
    span = L if L <= MAX_LEN else TRIM_LEN
    res['span'] = span
    notes, keysigs, xdrum, unp = notes_of(mf)
    res['odd_keysig'] = bool(ODD_KEYSIG)
    res['xdrum'] = xdrum
    res['unpitched'] = unp
    h = histogram(notes, 0.0, span)
    tot = sum(h)
    if tot < 10.0:
        return res, 'almost no pitched notes (drum-only or silent)'
    best = {}
    corr = {}
    for p in PROFILES:
        corr[p] = correlate(h, p)
        best[p] = ranked(corr[p])[0]
    r = ranked(corr['KK'])
    kk, kk2 = r[0], r[1]
    margin = corr['KK'][kk] - corr['KK'][kk2]
    res.update(key=kk, runner=kk2, margin=margin, r_kk=corr['KK'][kk],
               r_t=corr['Temperley'][best['Temperley']], r_a=corr['Aarden'][best['Aarden']],
               best=best)
    # key signatures inside the rendered span
    ks_in = [k for (t, k) in keysigs if t <= span + 1e-6]
    res['keysigs'] = sorted(set(ks_in))
    # windowed stability
    wins = []
    starts = [i * HOP for i in range(int((span - WIN) // HOP) + 1)]
    for s0 in starts:
        wh = histogram(notes, s0, s0 + WIN)
        if sum(wh) >= 1.0:
            wins.append(ranked(correlate(wh, 'KK'))[0])
    changed = sum(1 for w in wins if w != kk)
    res['win_change'] = changed / len(wins) if wins else 0.0
    res['n_win'] = len(wins)
    if len(set(best.values())) != 1:
        return res, ('profiles disagree: ' + ', '.join(f"{p}={key_name(best[p])}" for p in PROFILES))
    if margin < MIN_MARGIN:
        return res, f'KK margin {margin:.3f} < {MIN_MARGIN} ({key_name(kk)} vs {key_name(kk2)})'
    if len(res['keysigs']) > 1:
        return res, 'key signature changes: ' + '->'.join(k for (t, k) in keysigs if t <= span + 1e-6)
    if res['win_change'] > MAX_WIN_CHANGE:
        return res, f"windowed key differs in {res['win_change']:.0%} of {len(wins)} 30s windows"
    res['fingerprint'] = set((round(a * 4), p) for a, b, p in notes if a < span)
    return res, None


def stem_of(pkg, rel, used):
    """`<package>__<midi name>` of a MIDI file, unique among `used` (which it joins)."""
    base = os.path.basename(rel)
    for sfx in ('.gz', '.mid', '.midi', '.kar', '.MID'):
        if base.endswith(sfx):
            base = base[: -len(sfx)]
    stem = f'{pkg}__{base}'.replace(' ', '_')
    n = 2
    while stem in used:
        stem = f'{pkg}__{base}_{n}'.replace(' ', '_')
        n += 1
    used.add(stem)
    return stem


def main():
    ext, out = sys.argv[1], sys.argv[2]
    files = []
    for pkg in sorted(os.listdir(ext)):
        for root, dirs, fs in os.walk(os.path.join(ext, pkg)):
            dirs.sort()
            for f in sorted(fs):
                lf = f.lower()
                if lf.endswith(('.mid', '.midi', '.kar', '.mid.gz', '.midi.gz')):
                    files.append((pkg, os.path.join(root, f)))
    seen = {}
    cand_rows, sel_rows = [], []
    used_names = set()
    kept_fp = []
    for pkg, path in files:
        rel = '/' + os.path.relpath(path, os.path.join(ext, pkg))
        try:
            sha = hashlib.sha256(load(path)).hexdigest()
        except Exception as e:  # noqa
            cand_rows.append([pkg, rel, '', '', 'rejected', f'unreadable: {e}'])
            continue
        if sha in seen:
            cand_rows.append([pkg, rel, '', '', 'duplicate', 'identical to ' + seen[sha]])
            continue
        seen[sha] = f'{pkg}:{rel}'
        if (pkg, rel) in SAME_PIECE:
            cand_rows.append([pkg, rel, '', '', 'duplicate', SAME_PIECE[(pkg, rel)]])
            continue
        if '/usr/share/mma/lib/' in rel:
            cand_rows.append([pkg, rel, '', '', 'rejected',
                              'MMA groove-library source loop (near-identical C-major patterns, not a piece)'])
            continue
        try:
            res, why = analyse(path)
        except Exception as e:  # noqa
            cand_rows.append([pkg, rel, '', '', 'rejected', f'parse error: {e}'])
            continue
        keytxt = key_name(res['key']) if 'key' in res else ''
        mtxt = f"{res['margin']:.3f}" if 'margin' in res else ''
        if why:
            cand_rows.append([pkg, rel, f"{res['length']:.1f}", keytxt, 'rejected', why])
            continue
        fpr = res['fingerprint']
        dup = None
        for other, ofp in kept_fp:
            jac = len(fpr & ofp) / max(1, len(fpr | ofp))
            if jac > NEAR_DUP_JACCARD:
                dup = (other, jac)
                break
        if dup:
            cand_rows.append([pkg, rel, f"{res['length']:.1f}", keytxt, 'duplicate',
                              f'near-duplicate of {dup[0]} (onset/pitch Jaccard {dup[1]:.2f})'])
            continue
        kept_fp.append((f'{pkg}:{rel}', fpr))
        stem = stem_of(pkg, rel, used_names)
        notes = [f"src={rel}", f"midi_len={res['length']:.1f}s", f"span={res['span']:.1f}s",
                 f"r_KK={res['r_kk']:.3f}", f"r_Temperley={res['r_t']:.3f}", f"r_Aarden={res['r_a']:.3f}",
                 f"runner_up={key_name(res['runner'])}",
                 f"win_change={res['win_change']:.2f}/{res['n_win']}w"]
        if res['keysigs']:
            ks = res['keysigs'][0]
            odd = ' (mode byte invalid, read as major)' if res['odd_keysig'] else ''
            notes.append(f"keysig={ks}{odd}: {keysig_relation(ks, res['key'])}")
        else:
            notes.append('keysig=none')
        if res['unpitched']:
            notes.append(f"unpitched-program notes excluded={res['unpitched']}")
        if res['xdrum']:
            notes.append('extra drum channels excluded=' + ','.join(str(c + 1) for c in res['xdrum']))
        cand_rows.append([pkg, rel, f"{res['length']:.1f}", keytxt, 'kept', stem + '.wav'])
        sel_rows.append([stem + '.wav', keytxt, 'symbolic: KK+Temperley2007+Aarden agree', mtxt, pkg,
                         '; '.join(notes), path, f"{res['span']:.3f}"])
    with open(os.path.join(out, 'candidates.tsv'), 'w') as f:
        f.write('package\tpath\tmidi_len_s\tkk_key\tverdict\treason\n')
        for r in cand_rows:
            f.write('\t'.join(r) + '\n')
    with open(os.path.join(out, 'selected.tsv'), 'w') as f:
        f.write('file\tkey\tkey_source\tmargin\tpackage\tnote\tmidi\tspan\n')
        for r in sel_rows:
            f.write('\t'.join(r) + '\n')
    print(f'{len(files)} files, {len(seen)} distinct, {len(sel_rows)} kept', file=sys.stderr)


if __name__ == '__main__':
    main()
