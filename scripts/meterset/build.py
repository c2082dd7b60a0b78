#!/usr/bin/env python3
"""Builds the metre set: rendered MIDI files with one known time signature and one tempo.

    build.py [--extract DIR] [--out DIR] [--max-duple N] [--scan-only]

Defaults: --keyset target/keyset (the key set's unpacked Debian packages in extract/, see
../keyset/build.sh), --out target/meterset, --max-duple 25. Needs fluidsynth, sox and
/usr/share/sounds/sf2/FluidR3_GM.sf2; runs under any python3 with mido (numpy not needed).

Writes into OUT:
  work/candidates.tsv   every MIDI file scanned, with verdict and reason
  audio/<package>__<name>.wav   22.05 kHz mono 16-bit renders, at most 120 s
  truth.tsv             one row per render (columns in README.md)
  beats/<stem>.beats, .downbeats, .tactus   quarter-note grid, bar starts, counted beats (s)
Generated dirs (audio, beats, work) are wiped first. See README.md for the rules.
"""
import argparse
import collections
import csv
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # leave no __pycache__ in ../keyset
sys.path.insert(0, os.path.join(HERE, '..', 'keyset'))
import analyze  # noqa: E402  lenient key_signature patch for mido, load() un-gzips
import tempo as ktempo  # noqa: E402  tempo_map-style helpers: seconds_at, dominant

mido = analyze.mido

MAX_SPAN = 120.0      # rendered span: first 120 s at most
MIN_LEN = 40.0        # skip files shorter than this
TEMPO_TOL = 0.02      # all tempi in the span within +-2 % of the weighted mean
MIN_PITCHED = 20      # pitched (non-drum) note onsets needed in the span
SF = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
RATE_RENDER, RATE_OUT = 44100, 22050
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
KEYSET = os.path.join(REPO, 'target', 'keyset')

TRIPLE = {(3, 4), (3, 8), (6, 8), (9, 8), (12, 8), (6, 4), (3, 2)}
DUPLE = {(2, 4), (4, 4), (2, 2)}
COMPOUND_DOTTED = {(3, 8), (6, 8), (9, 8), (12, 8)}   # counted beat = dotted quarter


def beat_quarters(n, d):
    """Length of the counted beat in quarter notes: the dotted quarter (1.5) for
    3/8, 6/8, 9/8, 12/8; otherwise the denominator's note (4/d)."""
    return 1.5 if (n, d) in COMPOUND_DOTTED else 4.0 / d


def plain_smf(data):
    """Bytes fluidsynth will play (as ../keyset/prepmid.py: >64 tracks merged to type 0)."""
    mf = mido.MidiFile(file=io.BytesIO(data))
    if len(mf.tracks) <= 64:
        return data
    out = mido.MidiFile(type=0, ticks_per_beat=mf.ticks_per_beat)
    out.tracks.append(mido.merge_tracks(mf.tracks))
    buf = io.BytesIO()
    out.save(file=buf)
    return buf.getvalue()


def tick_at(secs, tempos, tpb):
    """Inverse of ktempo.seconds_at: the (fractional) tick at `secs`."""
    t0, last, tempo = 0.0, 0, 500000
    for t, v in tempos:
        seg = (t - last) / tpb * tempo / 1e6
        if t0 + seg >= secs:
            break
        t0 += seg
        last, tempo = t, v
    return last + (secs - t0) * 1e6 / tempo * tpb


def events(mf):
    """(tempos [(tick, us/qn)], sigs [(tick, n, d)] sorted by tick,
    note onsets [(tick, channel, pitched, key, velocity)], ticks of GM-reset sysex)."""
    tempos, sigs, notes, resets = [], [], [], []
    prog, drum_ch = {}, {9}
    tick = 0
    for m in mido.merge_tracks(mf.tracks):
        tick += m.time
        if m.type == 'set_tempo':
            tempos.append((tick, m.tempo))
        elif m.type == 'time_signature':
            sigs.append((tick, m.numerator, m.denominator))
        elif m.type == 'control_change' and m.control == 0 and m.value in analyze.DRUM_BANKS:
            drum_ch.add(m.channel)
        elif m.type == 'program_change':
            prog[m.channel] = m.program
        elif m.type == 'sysex' and tuple(m.data[:4]) == (0x7E, 0x7F, 0x09, 0x01):
            resets.append(tick)
        elif m.type == 'note_on' and m.velocity > 0:
            pitched = m.channel not in drum_ch and prog.get(m.channel, 0) not in analyze.UNPITCHED_PROGRAMS
            notes.append((tick, m.channel, pitched, m.note, m.velocity))
    tempos.sort(key=lambda e: e[0])
    sigs.sort(key=lambda e: e[0])
    return tempos, sigs, notes, resets


def examine(path, pkg=''):
    """Returns (info dict, reason) - reason None when the file qualifies."""
    data = analyze.load(path)
    info = {'sha': hashlib.sha256(data).hexdigest()}
    mf = mido.MidiFile(file=io.BytesIO(data))
    tpb = mf.ticks_per_beat
    info['length'] = L = mf.length
    if L < MIN_LEN:
        return info, f'too short ({L:.1f} s < {MIN_LEN:.0f} s)'
    span = min(L, MAX_SPAN)
    info['span'] = span
    tempos, sigs, notes, resets = events(mf)
    if not sigs:
        return info, 'no time_signature event'
    span_tick = tick_at(span, tempos, tpb)
    in_span = [n for n in notes if n[0] <= span_tick]
    if not in_span:
        return info, 'no notes in span'
    first = min(n[0] for n in in_span)
    last = max(n[0] for n in in_span)
    info.update(first=first, last=last, tempos=tempos, tpb=tpb, onsets=in_span)
    info['notes_fp'] = hashlib.sha256(repr((tpb, sorted((t, k) for t, _, _, k, _ in notes))).encode()).hexdigest()
    pitched = sum(1 for n in in_span if n[2])
    info['drum_notes'] = sum(1 for n in in_span if n[1] == 9)
    info['pitched_notes'] = pitched
    # Time signatures that matter: the one in effect at the first note (one superseded
    # before any note sounds is ignored), then every change up to the last note in the span.
    eff = []
    before = [s for s in sigs if s[0] <= first]
    if before:
        eff.append(before[-1])
    else:  # first event after the first note: the notes before it are in implicit 4/4
        eff.append((0, 4, 4))
    for s in sigs:
        if first < s[0] <= last and (s[1], s[2]) != (eff[-1][1], eff[-1][2]):
            eff.append(s)
    notes_txt = []
    if len({(n, d) for _, n, d in sigs}) > 1 or len(sigs) > 1:
        notes_txt.append('time_signature events ' + ' '.join(f'{n}/{d}@{t}' for t, n, d in sigs[:8]))
    pickup = False
    if len(eff) >= 2:
        t0, n0, d0 = eff[0]
        # A leading signature that lasts at most one of its own bars before the main one is
        # an anacrusis (pickup) bar: simutrans writes 1/8 then 4/4 this way.
        if eff[1][0] - t0 <= n0 * tpb * 4 / d0 and len({(n, d) for _, n, d in eff[1:]}) == 1:
            pickup = True
            notes_txt.append(f'pickup bar in {n0}/{d0} before bar 1')
            eff = eff[1:]
    if len({(n, d) for _, n, d in eff}) != 1:
        return info, 'time signature changes in span: ' + ' '.join(f'{n}/{d}@{t}' for t, n, d in eff)
    origin, num, den = eff[0]
    # MMA's one silent beat (its 6/8 examples restate the signature at tick tpb).
    if ktempo.mma_lead_in(pkg, resets, origin, first, tpb) != origin:
        origin = tpb
        notes_txt.append('MMA one-beat lead-in: bars counted from tick %d' % tpb)
    info.update(origin=origin, num=num, den=den, pickup=pickup)
    # Tempo between the first note and the last note in the span.
    start = ktempo.seconds_at(first, tempos, tpb)
    end = min(ktempo.seconds_at(last, tempos, tpb), span)
    share = ktempo.dominant(tempos, tpb, start, max(end, start + 1e-3))
    tot = sum(share.values())
    mean = sum(b * s for b, s in share.items()) / tot
    info['bpm'] = mean
    info['n_tempi'] = len(share)
    dev = max(abs(b / mean - 1) for b in share)
    if not tempos:
        notes_txt.append('no set_tempo (MIDI default 120)')
    if len(share) > 1:
        notes_txt.append(f'{len(share)} tempi {min(share):g}-{max(share):g}, max dev {dev:.1%}')
    info['note'] = notes_txt
    if dev > TEMPO_TOL:
        return info, (f'tempo changes in span: {len(share)} tempi {min(share):g}-{max(share):g} bpm '
                      f'(max {dev:.1%} from mean)')
    if pitched < MIN_PITCHED:
        return info, f'only {pitched} pitched (non-drum) notes in span'
    if (num, den) in TRIPLE:
        info['cls'] = 'triple'
    elif (num, den) in DUPLE:
        info['cls'] = 'duple'
    else:
        return info, f'metre {num}/{den} is neither triple nor duple/quadruple'
    return info, None


def grid(info, step_q):
    """Times (s) of origin + k*step (step in quarter notes; origin = tick of the time
    signature event) from the step holding the first note (from the origin itself when
    there is a pickup bar) to the last note, within the span."""
    tpb, tempos = info['tpb'], info['tempos']
    step = step_q * tpb
    origin, first, last = info['origin'], info['first'], info['last']
    k = 0 if info['pickup'] else math.floor((first - origin) / step + 1e-9)
    out = []
    while origin + k * step <= last + 1e-6:
        t = ktempo.seconds_at(origin + k * step, tempos, tpb)
        if t > info['span'] + 1e-6:
            break
        out.append(t)
        k += 1
    return out


def metre_check(info):
    """Symbolic plausibility of the notated metre (diagnostic only, never used to select).
    Onsets in the span, weighted by velocity (kick/crash and pitched notes below C3 count
    more, hi-hats less), on a grid of 1/12 quarter note. Returns (ac3, ac4): the
    autocorrelation at lags of 3 and 4 quarter notes, normalised by lag 0. A triple metre
    should give ac3 > ac4, a duple/quadruple one ac4 > ac3; dense textures give ~equal values."""
    tpb = info['tpb']
    x = collections.Counter()
    for tick, ch, pitched, key, vel in info['onsets']:
        w = vel / 127.0
        if ch == 9:
            w *= 2.0 if key in (35, 36, 49, 57) else 0.3 if key in (42, 44, 46) else 1.0
        elif key < 48:
            w *= 1.5
        x[round(tick * 12 / tpb)] += w
    e0 = sum(v * v for v in x.values()) or 1.0
    return tuple(sum(v * x.get(i + lag, 0.0) for i, v in x.items()) / e0 for lag in (36, 48))


# What the notes show for files whose notated metre and played rhythm disagree (from
# inspecting kick/snare/chord positions bar by bar; see README.md). Written to truth.tsv.
MANUAL_NOTES = {
    'freedm__D_MESSG2': 'notated 3/4, but chords and drums group the eighths 3+3 and the snare '
                        'falls on every other bar: a 6/8 (or 12/8 over two bars) feel; the felt '
                        'beat is probably the dotted quarter (106.7 bpm), not the quarter',
    'freedoom__D_E1M8': 'notated 3/4, but the kick is on eighth 1 and the snare on eighth 4 with '
                        'hi-hat eighths: a 6/8 rock feel; felt beat probably the dotted quarter (56.7 bpm)',
    'mma__mandala': 'notated 6/8, but the plectrum plays three even quarter notes a bar: it '
                    'sounds like 3/4 at 100 bpm rather than 6/8 at 66.7',
    'mma__pldemo': 'notated 6/8, but the plectrum plays three even quarter notes a bar: it '
                   'sounds like 3/4 at 160 bpm rather than 6/8 at 106.7',
    'mma__lullaby2': 'notated 6/8: an even eighth-note arpeggio over the bar, with no accents; '
                     '3/4 and 6/8 are both plausible hearings',
    'freedoom__D_ROMER2': 'notated 6/4, but each bar repeats a 3/4 drum pattern (snare on quarters 3 '
                          'and 6): a listener counts 3/4; half the 3/4 bar starts fall mid-bar',
    'simutrans-data__15-The-Wayside-Blues': '12/8 shuffle, snare on dotted-quarter beats 2 and 4 '
                                            '(a 4/4 hearing with triplets is defensible); its few '
                                            'crashes and chord stabs fall on the bar midpoint: the '
                                            'notated phase may be half a bar off',
    'simutrans-data__24-needlessly-striking': 'at 216 bpm; crash cymbals and the A bass root fall '
                                              'mostly on beat 3 of the notated bar: the felt bar '
                                              'may be half a bar off (or half-time, 108 bpm)',
}


def write_list(path, times):
    with open(path, 'w', encoding='utf-8') as f:
        for t in times:
            f.write(f'{t:.4f}\n')


def fingerprint(c):
    """(onset on a 0.25 s grid, key) set of the pitched notes in the span, as
    ../keyset/analyze.py uses for near-duplicates."""
    tempos, tpb = c['tempos'], c['tpb']
    out, secs, last, tempo, i = set(), 0.0, 0, 500000, 0
    for tick, ch, pitched, key, vel in sorted(c['onsets']):
        while i < len(tempos) and tempos[i][0] <= tick:
            secs += (tempos[i][0] - last) / tpb * tempo / 1e6
            last, tempo = tempos[i]
            i += 1
        if pitched:
            out.add((round((secs + (tick - last) / tpb * tempo / 1e6) * 4), key))
    return out


def near_dup(c, chosen):
    """Name of a chosen file whose fingerprint overlaps c's (Jaccard > 0.3), else None."""
    fc = c.setdefault('fp', fingerprint(c))
    for o in chosen:
        fo = o.setdefault('fp', fingerprint(o))
        if len(fc & fo) > 0.3 * max(1, len(fc | fo)):
            return o['stem']
    return None


def pick_duple(duple, n):
    """Up to n duple files, round-robin over packages (most channel-10 notes first within a
    package), taking in turn: files with drums on channel 10 and a span of 60 s or more,
    drums and shorter, no drums and 60 s or more, no drums and shorter."""
    chosen = []
    for drums, long_ in ((True, True), (True, False), (False, True), (False, False)):
        group = [c for c in duple if (c['drum_notes'] > 0) == drums and (c['span'] >= 60) == long_]
        by_pkg = collections.OrderedDict()
        for c in sorted(group, key=lambda c: (c['pkg'], -c['drum_notes'], c['stem'])):
            by_pkg.setdefault(c['pkg'], []).append(c)
        while len(chosen) < n and any(by_pkg.values()):
            for pkg in list(by_pkg):
                while by_pkg[pkg] and len(chosen) < n:
                    c = by_pkg[pkg].pop(0)
                    dup = near_dup(c, chosen)
                    if dup:
                        c['near_dup'] = dup
                        continue
                    chosen.append(c)
                    break
    return chosen


def run(cmd, log):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log.write(' '.join(cmd) + '\n' + r.stdout)
    return r


def render(c, out, work, log):
    """fluidsynth + sox as ../keyset/build.sh; returns (audio seconds, rms) or None."""
    mid = os.path.join(work, 'tmp.mid')
    tmp = os.path.join(work, 'tmp_render.wav')
    with open(mid, 'wb') as f:
        f.write(plain_smf(analyze.load(c['path'])))
    run(['nice', '-n', '10', 'fluidsynth', '-ni', '-q', '-F', tmp, '-T', 'wav', '-O', 'float',
         '-r', str(RATE_RENDER), SF, mid], log)
    dst = os.path.join(out, 'audio', c['stem'] + '.wav')
    L = c['length']
    if L + 2 > MAX_SPAN:  # cut: first 120 s with a 1 s fade-out
        trim = ['trim', '0', f'{MAX_SPAN:g}', 'fade', 't', '0', f'{MAX_SPAN:g}', '1']
        c['cut'] = L > MAX_SPAN
    else:                 # whole piece plus up to 2 s of release tail
        trim = ['trim', '0', f'{L + 2:.3f}']
        c['cut'] = False
    run(['nice', '-n', '10', 'sox', '-V1', '-q', tmp, '-r', str(RATE_OUT), '-c', '1', '-b', '16',
         dst] + trim + ['gain', '-n', '-1'], log)
    for p in (mid, tmp):
        if os.path.exists(p):
            os.remove(p)
    if not os.path.exists(dst):
        return None
    dur = float(subprocess.run(['soxi', '-D', dst], capture_output=True, text=True).stdout or 0)
    st = subprocess.run(['sox', '-V1', dst, '-n', 'stat'], capture_output=True, text=True).stderr
    rms = next((float(l.split()[-1]) for l in st.splitlines() if l.startswith('RMS     amplitude')), 0.0)
    return dur, rms


def main():
    global TEMPO_TOL
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--keyset', default=KEYSET,
                    help='the key set built by ../keyset/build.sh (its extract/ and audio/)')
    ap.add_argument('--extract', default=None, help='default: KEYSET/extract')
    ap.add_argument('--out', default=os.path.join(REPO, 'target', 'meterset'))
    ap.add_argument('--max-duple', type=int, default=25)
    ap.add_argument('--tempo-tol', type=float, default=0.02,
                    help='largest relative deviation of any tempo in the span from the mean (0.02)')
    ap.add_argument('--scan-only', action='store_true')
    a = ap.parse_args()
    TEMPO_TOL = a.tempo_tol
    out, ext = a.out, a.extract or os.path.join(a.keyset, 'extract')
    for d in ('audio', 'beats', 'work'):
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
        os.makedirs(os.path.join(out, d))
    if os.path.exists(os.path.join(out, 'truth.tsv')):
        os.remove(os.path.join(out, 'truth.tsv'))

    files = []
    for pkg in sorted(os.listdir(ext)):
        for root, dirs, fs in os.walk(os.path.join(ext, pkg)):
            dirs.sort()
            for f in sorted(fs):
                if f.lower().endswith(('.mid', '.midi', '.kar', '.mid.gz', '.midi.gz')):
                    files.append((pkg, os.path.join(root, f)))
    keyset_audio = os.path.join(a.keyset, 'audio')
    keyset = set(os.listdir(keyset_audio)) if os.path.isdir(keyset_audio) else set()
    seen, seen_notes, used, cands, rows = {}, {}, set(), [], []
    for pkg, path in files:
        rel = '/' + os.path.relpath(path, os.path.join(ext, pkg))
        row = {'pkg': pkg, 'rel': rel, 'path': path}
        try:
            info, why = examine(path, pkg)
        except Exception as e:  # noqa: BLE001
            info, why = {}, f'unreadable: {e}'
        row.update(info)
        sig = f"{info['num']}/{info['den']}" if 'num' in info else ''
        if 'sha' in info and info['sha'] in seen:
            why, verdict = 'byte-identical to ' + seen[info['sha']], 'duplicate'
        elif 'notes_fp' in info and info['notes_fp'] in seen_notes:
            why, verdict = 'same notes (onset ticks and keys) as ' + seen_notes[info['notes_fp']], 'duplicate'
        elif '/usr/share/mma/lib/' in rel:
            why, verdict = 'MMA groove-library loop, not a piece', 'rejected'
        else:
            if 'sha' in info:
                seen[info['sha']] = f'{pkg}:{rel}'
            if 'notes_fp' in info:
                seen_notes[info['notes_fp']] = f'{pkg}:{rel}'
            verdict = 'rejected' if why else 'qualifies'
        if not why:
            row['stem'] = analyze.stem_of(pkg, rel, used)
            row['in_keyset'] = int(row['stem'] + '.wav' in keyset)
            cands.append(row)
        rows.append([pkg, rel, f"{info.get('length', 0):.1f}", sig,
                     f"{info['bpm']:.2f}" if 'bpm' in info else '', str(info.get('drum_notes', '')),
                     verdict, why or info.get('cls', ''), '; '.join(info.get('note', []))])
    triple = [c for c in cands if c['cls'] == 'triple']
    duple = [c for c in cands if c['cls'] == 'duple']
    chosen_duple = pick_duple(duple, a.max_duple)
    chosen_ids = {id(c) for c in triple + chosen_duple}
    for r, (pkg, path) in zip(rows, files):
        if r[6] == 'qualifies':
            c = next(c for c in cands if c['path'] == path)
            r[6] = 'selected' if id(c) in chosen_ids else 'qualifies (not picked)'
            if 'near_dup' in c:
                r[6] = 'duplicate'
                r[7] = f"near-duplicate of {c['near_dup']} (onset/pitch Jaccard > 0.3)"
    with open(os.path.join(out, 'work', 'candidates.tsv'), 'w', encoding='utf-8') as f:
        f.write('package\tpath\tmidi_len_s\ttime_sig\tbpm\tch10_notes\tverdict\treason\tnote\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')
    print(f'{len(files)} MIDI files, {len(seen)} distinct, {len(triple)} triple + {len(duple)} duple qualify; '
          f'rendering {len(triple)} + {len(chosen_duple)}', file=sys.stderr)
    if a.scan_only:
        return 0

    sel = triple + chosen_duple
    truth = []
    with open(os.path.join(out, 'work', 'render.log'), 'w', encoding='utf-8') as log:
        for i, c in enumerate(sel, 1):
            res = render(c, out, os.path.join(out, 'work'), log)
            if not res or res[0] < MIN_LEN or res[1] < 0.005:
                print(f'drop {c["stem"]}: render {res}', file=sys.stderr)
                wav = os.path.join(out, 'audio', c['stem'] + '.wav')
                if os.path.exists(wav):
                    os.remove(wav)
                continue
            dur, _ = res
            n, d = c['num'], c['den']
            bq = beat_quarters(n, d)
            stem = c['stem']
            write_list(os.path.join(out, 'beats', stem + '.beats'), grid(c, 1.0))
            downs = grid(c, n * 4.0 / d)
            write_list(os.path.join(out, 'beats', stem + '.downbeats'), downs)
            write_list(os.path.join(out, 'beats', stem + '.tactus'), grid(c, bq))
            note = list(c.get('note', []))
            ac3, ac4 = metre_check(c)
            if (c['cls'] == 'triple' and ac4 > ac3 + 0.03) or (c['cls'] == 'duple' and ac3 > ac4 + 0.03):
                note.append(f'CHECK: onset autocorrelation favours a {"3" if ac3 > ac4 else "4"}-quarter period')
            if stem in MANUAL_NOTES:
                note.append('LISTEN: ' + MANUAL_NOTES[stem])
            if c['cut']:
                note.append(f"cut at {MAX_SPAN:g} s of {c['length']:.1f} s, 1 s fade")
            truth.append({
                'file': stem + '.wav', 'time_sig': f'{n}/{d}', 'numerator': n, 'denominator': d,
                'bpm': f"{c['bpm']:.2f}", 'beat_bpm': f"{c['bpm'] / bq:.2f}", 'n_bars': len(downs),
                'package': c['pkg'], 'source': c['rel'], 'class': c['cls'],
                'beats_per_bar': f'{n * 4.0 / d / bq:g}', 'seconds': f'{dur:.1f}',
                'first_note_s': f"{ktempo.seconds_at(c['first'], c['tempos'], c['tpb']):.3f}",
                'ch10_notes': c['drum_notes'], 'in_keyset': c['in_keyset'],
                'ac3q': f'{ac3:.3f}', 'ac4q': f'{ac4:.3f}',
                'note': '; '.join(note)})
            print(f'[{i}/{len(sel)}] {stem}.wav {n}/{d} {dur:.1f}s', file=sys.stderr)
    cols = ['file', 'time_sig', 'numerator', 'denominator', 'bpm', 'beat_bpm', 'n_bars', 'package', 'source',
            'class', 'beats_per_bar', 'seconds', 'first_note_s', 'ch10_notes', 'in_keyset', 'ac3q', 'ac4q', 'note']
    with open(os.path.join(out, 'truth.tsv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.DictWriter(f, cols, delimiter='\t', lineterminator='\n')
        w.writeheader()
        w.writerows(truth)
    by_sig = collections.Counter(r['time_sig'] for r in truth)
    total = sum(float(r['seconds']) for r in truth)
    print(f"truth.tsv: {len(truth)} files, {total:.0f} s; " +
          ', '.join(f'{k}: {v}' for k, v in sorted(by_sig.items())), file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
