#!/usr/bin/env python3
"""Writes one MMA song per groove of MMA's libraries, with its truth.

    gen.py MMA_LIB OUT_DIR        (MMASET_LIBS=all: every library in ALL_LIBS)

For each groove file of the libraries in LIBS (a style: waltz, bossa nova, swing, rock
ballad, 6/8 march, house, techno...), a song of about 75 s plays the style's main groove,
with its "Sus" or "Plus" variant in the middle third, over a cadential chord progression in a key drawn for it (seeded by the
groove's name, so a rebuild writes the same songs). Writes OUT_DIR/songs/<name>.mma and
OUT_DIR/songs.tsv (name, groove, beats per bar, tempo, beat unit, bars, key, note).

The tempo is the style's: a range per kind of groove (ballads slow, fast styles fast,
waltzes in quarter notes, 6/8 in dotted quarters), drawn within it. Grooves whose own
documentation says they are written at another beat than the music's ("double the
tempo": polkas, marches and sambas written in 4 for music in 2) are left out, as their
notated tempo is not the one MMA plays; so are the metronomes, intros and endings, and
reggae, samba and ska.
"""
import os
import random
import re
import sys

NAMES_SHARP = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B']
NAMES_FLAT = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B']
# Tonics written with flats (major: F Bb Eb Ab Db; minor: D G C F Bb Eb).
FLAT_MAJOR = {5, 10, 3, 8, 1}
FLAT_MINOR = {2, 7, 0, 5, 10, 3}

# Four-bar phrases that end on a cadence or lead back to the tonic, as (semitones above
# the tonic, chord suffix). Minor uses the harmonic minor's dominant so the key is heard.
MAJOR_PHRASES = [
    [(0, ''), (9, 'm'), (5, ''), (7, '7')],
    [(0, ''), (5, ''), (7, '7'), (0, '')],
    [(0, ''), (7, ''), (9, 'm'), (5, '')],
    [(2, 'm7'), (7, '7'), (0, 'maj7'), (0, '')],
    [(0, ''), (5, ''), (0, ''), (7, '7')],
    [(4, 'm'), (9, 'm'), (2, 'm'), (7, '7')],
]
MINOR_PHRASES = [
    [(0, 'm'), (5, 'm'), (7, '7'), (0, 'm')],
    [(0, 'm'), (8, ''), (5, 'm'), (7, '7')],
    [(0, 'm'), (5, 'm'), (0, 'm'), (7, '7')],
    [(2, 'm7b5'), (7, '7'), (0, 'm'), (0, 'm')],
    [(0, 'm'), (3, ''), (8, ''), (7, '7')],
]

# Libraries: MMA's own (the default), and with MMASET_LIBS=all also the grooves converted
# from Casio, Zoom and Yamaha keyboard styles and contributed sets (more rock, pop, funk,
# and dance styles: house, techno, trance, rave, hip-hop). The Zoom library's drum machine
# patterns have no pitched part and are dropped at render time.
ALL_LIBS = ('stdlib', 'casio', 'zoom', 'kara', 'pflib', 'alexis', 'yamaha')
LIBS = ALL_LIBS if os.environ.get('MMASET_LIBS') == 'all' else ('stdlib',)
# Tempo ranges of genres, BPM (the common ranges of DJ and production practice).
GENRES = [
    (('dnb',), 160, 178),
    (('techno', 'rave'), 125, 145),
    (('trance',), 130, 142),
    (('house',), 118, 128),
    (('hiphop', 'hip-hop'), 82, 98),
    (('trip',), 70, 95),
    (('disco',), 110, 125),
    (('dance',), 115, 130),
    (('funk',), 95, 115),
    (('punk',), 150, 174),
    (('metal', 'mtl'), 100, 150),
]
SLOW = ('ballad', 'slow', 'lullaby', 'hymn', 'nitejazz', 'evansish', 'mellowjazz', 'popspiritual',
        'bald', 'serenade', 'ambient')
FAST = ('fast', 'jive', 'bluegrass', 'boggiewoggie', 'charleston', 'bebop', 'hillcountry')
# Metronomes, intro and ending files (no groove of their own) ...
SKIP_FILES = ('metronome', 'none', 'intro', 'ending')
# ... and styles whose written beat is a convention apart (reggae's one drop at half or
# double, sambas and ska written in 2 or 4).
SKIP_STYLES = ('reggae', 'samba', 'ska')
SECONDS = 75.0


def groove_info(path):
    """(beats per bar, main groove, variant groove or None, says 'double the tempo')."""
    text = open(path, encoding='latin-1').read()
    time = re.search(r'^\s*Time\s+(\d+)', text, re.M)
    grooves = re.findall(r'^\s*DefGroove\s+(\S+)', text, re.M)
    if not grooves:
        return None
    main = grooves[0]
    variant = next((g for g in grooves[1:] if g.lower() in (main.lower() + 'sus', main.lower() + 'plus')), None)
    doubled = re.search(r'double\b[^.]*tempo|tempo[^.]*double|three times', text, re.I | re.S) is not None
    return (int(time.group(1)) if time else 4), main, variant, doubled


def tempo_range(stem, beats):
    if beats == 2:
        return 96, 126, 'dotted quarter'  # 6/8 march in 2
    if beats == 6:
        return 150, 210, 'eighth'  # 6/8 counted in eighths; the truth is the dotted quarter
    if beats == 3:
        if 'fast' in stem or 'viene' in stem:
            return 150, 174, 'quarter'
        return 90, 150, 'quarter'
    if beats == 5:
        return 110, 160, 'quarter'
    for keys, lo, hi in GENRES:
        if any(k in stem for k in keys):
            return lo, hi, 'quarter'
    if any(k in stem for k in SLOW):
        return 62, 92, 'quarter'
    if any(k in stem for k in FAST):
        return 140, 174, 'quarter'
    return 84, 140, 'quarter'


def chord_name(tonic, minor, step, suffix):
    names = NAMES_FLAT if tonic in (FLAT_MINOR if minor else FLAT_MAJOR) else NAMES_SHARP
    return names[(tonic + step) % 12] + suffix


def main(root, out):
    os.makedirs(os.path.join(out, 'songs'), exist_ok=True)
    rows = []
    for lib in LIBS:
        for fname in sorted(os.listdir(os.path.join(root, lib))):
            row = song(root, lib, fname, out)
            if row:
                rows.append(row)
    with open(os.path.join(out, 'songs.tsv'), 'w') as f:
        f.write('name\tgroove\tbeats_per_bar\ttempo\tbeat_unit\tbars\tkey\tnote\n')
        for r in rows:
            f.write('\t'.join(str(x) for x in r) + '\n')
    print(f'{len(rows)} songs', file=sys.stderr)


def song(root, lib, fname, out):
    """Writes the song of one groove file; its songs.tsv row, or None when left out."""
    stem, ext = os.path.splitext(fname)
    low = stem.lower()
    if ext != '.mma' or low.startswith(SKIP_FILES) or any(s in low for s in SKIP_STYLES):
        return None
    info = groove_info(os.path.join(root, lib, fname))
    if info is None:
        return None
    beats, main_groove, variant, doubled = info
    if doubled:
        return None
    if lib != 'stdlib':
        # Groove names repeat across libraries: name the file too.
        main_groove = f'{lib}/{stem}:{main_groove}'
        variant = variant and f'{lib}/{stem}:{variant}'
    seed = 'aidj-mmaset-' + (stem if lib == 'stdlib' else f'{lib}/{stem}')
    rng = random.Random(seed)
    lo, hi, unit = tempo_range(low, beats)
    tempo = rng.randint(lo, hi)
    minor = rng.random() < 0.4
    tonic = rng.randrange(12)
    bar_secs = beats * 60.0 / tempo
    bars = max(16, int(round(SECONDS / bar_secs / 4.0)) * 4)
    phrases = MINOR_PHRASES if minor else MAJOR_PHRASES
    chords = []
    while len(chords) < bars - 4:
        chords += rng.choice(phrases)
    chords = chords[:bars - 4]
    # End on a full cadence and the tonic held.
    chords += [(5, 'm' if minor else ''), (7, '7'), (0, 'm' if minor else ''), (0, 'm' if minor else '')]
    # MMA humanises timing and velocity at random: a fixed seed makes every build the same.
    lines = [f'// {lib}/{stem}: generated by scripts/mmaset/gen.py', 'RndSeed 1', f'Tempo {tempo}',
             f'Groove {main_groove}']
    third = bars // 3
    for i, (step, suffix) in enumerate(chords):
        if variant and i == third:
            lines.append(f'Groove {variant}')
        if variant and i == 2 * third:
            lines.append(f'Groove {main_groove}')
        lines.append(f'{i + 1} {chord_name(tonic, minor, step, suffix)}')
    prefix = 'mma_' if lib == 'stdlib' else f'mma_{lib}_'
    name = prefix + re.sub(r'[^a-z0-9]+', '_', low)
    with open(os.path.join(out, 'songs', name + '.mma'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    key = NAMES_SHARP[tonic] + (' minor' if minor else ' major')
    return (name, main_groove, beats, tempo, unit, bars, key, f'{lib}/{stem}.mma; variant {variant or "-"}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
