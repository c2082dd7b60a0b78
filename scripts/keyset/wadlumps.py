#!/usr/bin/python3
"""Extract MIDI music lumps (D_*, starting with 'MThd') from Doom WAD files.
Usage: wadlumps.py WAD... ; writes <wad>.lumps/<LUMP>.mid next to each WAD."""
import os
import struct
import sys

for wad in sys.argv[1:]:
    d = open(wad, 'rb').read()
    ident, n, off = struct.unpack('<4sii', d[:12])
    outdir = wad + '.lumps'
    os.makedirs(outdir, exist_ok=True)
    k = 0
    for i in range(n):
        fp, sz, name = struct.unpack('<ii8s', d[off + 16 * i: off + 16 * i + 16])
        name = name.rstrip(b'\0').decode('ascii', 'replace')
        if name.startswith('D_') and d[fp:fp + 4] == b'MThd':
            with open(os.path.join(outdir, name + '.mid'), 'wb') as f:
                f.write(d[fp:fp + sz])
            k += 1
    print(f'{wad}: {k} MIDI lumps', file=sys.stderr)
