#!/usr/bin/env python3
"""Play a tracker module with libxmp (Debian libxmp4, via ctypes) frame by frame.

    xmpplay.py MODULE [--wav OUT.wav] [--beats OUT.beats] [--downbeats OUT.downbeats]
               [--json OUT.json] [--cap 480]

Records per frame: position, pattern, row, frame, speed (ticks/row), bpm (tick
rate), and the number of output samples.  Playback stops at the first loop
(libxmp's loop_count > 0), at the end of the module, or at the cap (seconds).
Prints/writes a JSON summary with the tempo truth:

  rows_per_beat : 4, or the IT/MPTM header highlight (byte 0x1E) when 2..8
  nominal tempo : per frame, 24*bpm/(rpb*speed)  (= 6*bpm/speed for rpb 4),
                  weighted by frame duration (2.5/bpm s)
  beat tempo    : per beat segment (rows between multiples of rpb, counted
                  from the pattern start), 60*(rows/rpb)/duration; this also
                  covers pattern delays and alternating-speed grooves
Both histograms are restricted to the audible part (leading / trailing
frames quieter than -60 dBFS are left out).

  bars          : rows_per_measure rows (the IT header's byte 0x1F when it is a
                  multiple of rpb, 2..4 beats; else 4 beats), counted from the
                  pattern start. Downbeats are written only when every pattern
                  played is a whole number of bars ("bars_whole"): a pattern of
                  another length would restart the count mid-bar.
"""
import ctypes as C
import json
import math
import os
import struct
import sys
import wave

RATE = 44100
XMP_PLAYER_INTERP = 2
XMP_INTERP_SPLINE = 2
XMP_PLAYER_MIX = 1


class Event(C.Structure):
    _fields_ = [(n, C.c_ubyte) for n in ("note", "ins", "vol", "fxt", "fxp", "f2t", "f2p", "flag")]


class ChannelInfo(C.Structure):
    _fields_ = [("period", C.c_uint), ("position", C.c_uint), ("pitchbend", C.c_short),
                ("note", C.c_ubyte), ("instrument", C.c_ubyte), ("sample", C.c_ubyte),
                ("volume", C.c_ubyte), ("pan", C.c_ubyte), ("reserved", C.c_ubyte),
                ("event", Event)]


class FrameInfo(C.Structure):
    _fields_ = [(n, C.c_int) for n in ("pos", "pattern", "row", "num_rows", "frame", "speed",
                                       "bpm", "time", "total_time", "frame_time")] + \
               [("buffer", C.c_void_p), ("buffer_size", C.c_int), ("total_size", C.c_int),
                ("volume", C.c_int), ("loop_count", C.c_int), ("virt_channels", C.c_int),
                ("virt_used", C.c_int), ("sequence", C.c_int),
                ("channel_info", ChannelInfo * 64)]


class Module(C.Structure):
    _fields_ = [("name", C.c_char * 64), ("type", C.c_char * 64)] + \
               [(n, C.c_int) for n in ("pat", "trk", "chn", "ins", "smp", "spd", "bpm", "len",
                                       "rst", "gvl")]


class Sequence(C.Structure):
    _fields_ = [("entry_point", C.c_int), ("duration", C.c_int)]


class ModuleInfo(C.Structure):
    _fields_ = [("md5", C.c_ubyte * 16), ("vol_base", C.c_int), ("mod", C.POINTER(Module)),
                ("comment", C.c_char_p), ("num_sequences", C.c_int),
                ("seq_data", C.POINTER(Sequence))]


lib = C.CDLL("libxmp.so.4")
lib.xmp_create_context.restype = C.c_void_p
lib.xmp_load_module.argtypes = [C.c_void_p, C.c_char_p]
lib.xmp_start_player.argtypes = [C.c_void_p, C.c_int, C.c_int]
lib.xmp_play_frame.argtypes = [C.c_void_p]
lib.xmp_get_frame_info.argtypes = [C.c_void_p, C.POINTER(FrameInfo)]
lib.xmp_get_module_info.argtypes = [C.c_void_p, C.POINTER(ModuleInfo)]
lib.xmp_set_player.argtypes = [C.c_void_p, C.c_int, C.c_int]
lib.xmp_end_player.argtypes = [C.c_void_p]
lib.xmp_release_module.argtypes = [C.c_void_p]
lib.xmp_free_context.argtypes = [C.c_void_p]


def rows_per_beat(path):
    with open(path, "rb") as fh:
        head = fh.read(0x20)
    if len(head) >= 0x20 and head[:4] == b"IMPM":
        rpb, rpm = head[0x1E], head[0x1F]
        if 2 <= rpb <= 8:
            return rpb, rpm, "it-header"
        return 4, rpm, "default(it-header %d)" % rpb
    return 4, 0, "default"


def dominant(hist, total, tol=0.01):
    """hist: {tempo: seconds}. Returns (tempo, coverage within +-tol)."""
    if not hist or total <= 0:
        return None, 0.0
    best = max(hist, key=lambda t: hist[t])
    cov = sum(w for t, w in hist.items() if abs(t - best) <= tol * best) / total
    return best, cov


def play(path, cap=480.0, wav_out=None):
    ctx = lib.xmp_create_context()
    if lib.xmp_load_module(ctx, os.fsencode(path)) != 0:
        lib.xmp_free_context(ctx)
        raise RuntimeError("libxmp cannot load " + path)
    mi = ModuleInfo()
    lib.xmp_get_module_info(ctx, C.byref(mi))
    mod = mi.mod.contents
    info = {"type": mod.type.decode("latin-1").strip(), "title": mod.name.decode("latin-1").strip(),
            "channels": mod.chn, "init_speed": mod.spd, "init_bpm": mod.bpm, "orders": mod.len,
            "num_sequences": mi.num_sequences,
            "seq0_duration_ms": mi.seq_data[0].duration if mi.num_sequences else None,
            "comment": (mi.comment or b"").decode("latin-1")[:400]}
    lib.xmp_start_player(ctx, RATE, 0)
    lib.xmp_set_player(ctx, XMP_PLAYER_INTERP, XMP_INTERP_SPLINE)
    fi = FrameInfo()
    frames = []      # (pos, row, frame, speed, bpm, nsamples, rms_db)
    chunks = []
    t = 0.0
    stop = "cap"
    while t < cap:
        if lib.xmp_play_frame(ctx) != 0:
            stop = "end"
            break
        lib.xmp_get_frame_info(ctx, C.byref(fi))
        if fi.loop_count > 0:
            stop = "loop"
            break
        buf = C.string_at(fi.buffer, fi.buffer_size)
        n = fi.buffer_size // 4
        # cheap rms on a subsample of 16-bit values
        vals = struct.unpack("<%dh" % (n * 2), buf)
        ss = sum(v * v for v in vals[::7]) / max(1, len(vals[::7]))
        rms_db = 10 * math.log10(ss / 32768.0 ** 2 + 1e-20)
        notes = 0
        if fi.frame == 0:
            for ch in range(min(mod.chn, 64)):
                if 1 <= fi.channel_info[ch].event.note <= 0x80:
                    notes += 1
        frames.append((fi.pos, fi.pattern, fi.row, fi.frame, fi.speed, fi.bpm, n, rms_db, notes,
                       fi.num_rows))
        if wav_out:
            chunks.append(buf)
        t += n / RATE
    lib.xmp_end_player(ctx)
    lib.xmp_release_module(ctx)
    lib.xmp_free_context(ctx)
    info["stop"] = stop
    if wav_out:
        with wave.open(wav_out, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(b"".join(chunks))
    return info, frames


def analyse(path, info, frames):
    rpb, rpm, rpb_src = rows_per_beat(path)
    # sample-accurate start time of every frame
    times = []
    t = 0
    for f in frames:
        times.append(t / RATE)
        t += f[6]
    seconds = t / RATE
    # audible part
    loud = [i for i, f in enumerate(frames) if f[7] > -60.0]
    a0 = times[loud[0]] if loud else 0.0
    a1 = (times[loud[-1]] + frames[loud[-1]][6] / RATE) if loud else 0.0
    # nominal per-frame tempo
    nom = {}
    for i, f in enumerate(frames):
        if f[5] <= 0 or f[4] <= 0:
            continue
        ft = f[6] / RATE
        ts, te = times[i], times[i] + ft
        w = max(0.0, min(te, a1) - max(ts, a0))
        if w > 0:
            key = round(24.0 * f[5] / (rpb * f[4]), 4)
            nom[key] = nom.get(key, 0.0) + w
    # rows: a new row starts at frame 0
    # nominal clock: a tick lasts exactly 2.5/bpm s (the rendered frames are
    # whole samples, so the audio clock differs by < 0.1 %)
    ntimes = []
    tn = 0.0
    for f in frames:
        ntimes.append(tn)
        tn += 2.5 / f[5] if f[5] > 0 else f[6] / RATE
    rows = []   # (start_time, pos, pattern, row, nominal_start_time)
    for i, f in enumerate(frames):
        if f[3] == 0 or i == 0:
            rows.append((times[i], f[0], f[1], f[2], ntimes[i]))
    rows.append((seconds, None, None, None, tn))
    # beat segments: boundaries at rows with row % rpb == 0
    bounds = [k for k in range(len(rows) - 1) if rows[k][3] % rpb == 0]
    beats = [rows[k][0] for k in bounds]
    bar_rows = rpm if rpm and rpm % rpb == 0 and 2 <= rpm // rpb <= 4 else 4 * rpb
    bars_whole = all(f[9] % bar_rows == 0 for f in frames if f[9] > 0)
    downbeats = [rows[k][0] for k in range(len(rows) - 1) if rows[k][3] % bar_rows == 0]
    bhist = {}
    for j, k in enumerate(bounds):
        k2 = bounds[j + 1] if j + 1 < len(bounds) else len(rows) - 1
        nrows = k2 - k
        ts, te = rows[k][0], rows[k2][0]
        dur = rows[k2][4] - rows[k][4]
        if dur <= 0:
            continue
        w = max(0.0, min(te, a1) - max(ts, a0))
        if w <= 0:
            continue
        tempo = round(60.0 * nrows / rpb / dur, 2)
        bhist[tempo] = bhist.get(tempo, 0.0) + w
    # note-onset grid: how much more often notes start on rows that are a
    # multiple of P (from the pattern start) than on rows in general
    cnt = [f[8] for f in frames if f[3] == 0]
    rws = [f[2] for f in frames if f[3] == 0]
    mean_all = sum(cnt) / max(1, len(cnt))
    grid = {}
    for P in (2, 3, 4, 6, 8, 12, 16, 24, 32):
        sel = [c for c, r in zip(cnt, rws) if r % P == 0]
        grid[P] = round((sum(sel) / len(sel)) / mean_all, 3) if sel and mean_all > 0 else None
    music = max(1e-9, a1 - a0)
    nb, ncov = dominant(nom, music)
    bb, bcov = dominant(bhist, music)
    if bb:   # duration-weighted mean of the segments within 1 % of the mode
        near = [(t, w) for t, w in bhist.items() if abs(t - bb) <= 0.01 * bb]
        bb = round(sum(t * w for t, w in near) / sum(w for _, w in near), 3)
    sp = {}
    for f in frames:
        sp[(f[4], f[5])] = sp.get((f[4], f[5]), 0) + f[6]
    top_sp = sorted(sp.items(), key=lambda kv: -kv[1])[:4]
    res = dict(info)
    res.update({
        "file": path, "rows_per_beat": rpb, "rows_per_measure": rpm, "rpb_source": rpb_src,
        "seconds": round(seconds, 3), "music_start": round(a0, 3), "music_end": round(a1, 3),
        "nominal_bpm": nb, "nominal_cov": round(ncov, 4),
        "beat_bpm": bb, "beat_cov": round(bcov, 4),
        "speed_bpm": [["%d/%d" % k, round(v / RATE / max(seconds, 1e-9), 3)] for k, v in top_sp],
        "nominal_hist": sorted(([k, round(v, 2)] for k, v in nom.items()), key=lambda x: -x[1])[:6],
        "beat_hist": sorted(([k, round(v, 2)] for k, v in bhist.items()), key=lambda x: -x[1])[:6],
        "n_beats": len(beats),
        "bar_rows": bar_rows, "bars_whole": bars_whole,
        "onset_grid": grid,
    })
    audible = lambda ts: [b for b in ts if a0 - 1e-6 <= b <= a1]  # noqa: E731
    return res, audible(beats), audible(downbeats) if bars_whole else None


def main(argv):
    args = {"--wav": None, "--beats": None, "--downbeats": None, "--json": None, "--cap": "480"}
    pos = []
    i = 0
    while i < len(argv):
        if argv[i] in args:
            args[argv[i]] = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    path = pos[0]
    info, frames = play(path, float(args["--cap"]), args["--wav"])
    res, beats, downbeats = analyse(path, info, frames)
    if args["--beats"]:
        with open(args["--beats"], "w") as fh:
            fh.write("".join("%.4f\n" % b for b in beats))
    if args["--downbeats"] and downbeats is not None:
        with open(args["--downbeats"], "w") as fh:
            fh.write("".join("%.4f\n" % b for b in downbeats))
    s = json.dumps(res)
    if args["--json"]:
        with open(args["--json"], "w") as fh:
            fh.write(s + "\n")
    print(s)


if __name__ == "__main__":
    main(sys.argv[1:])
