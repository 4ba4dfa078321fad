"""Independent evaluator of Curtois & Qu rosters, written from shared/benchmarks/curtois/FORMAT.md
(sections 2-5) without reference to the engine or its parser.

    evaluate(instance_path, roster_csv_path) -> (violations: list[str], objective: int, parts: dict)

A roster is a CSV with header ``employee,day,shift``, one row per worked shift.
"""
from __future__ import annotations

import csv
from collections import defaultdict


def read_instance(path):
    with open(path, newline="") as f:
        lines = [ln.rstrip("\r\n").rstrip("\r") for ln in f.read().split("\n")]
    sections, name = {}, None
    for ln in lines:
        if ln.startswith("#"):
            continue
        if ln.startswith("SECTION_"):
            name = ln.strip()
            sections[name] = []
        elif not ln.strip():
            name = None
        elif name:
            sections[name].append(ln.split(","))
    H = int(sections["SECTION_HORIZON"][0][0])
    shifts = {}
    for f in sections["SECTION_SHIFTS"]:
        shifts[f[0]] = (int(f[1]), set(x for x in f[2].split("|") if x))
    staff = {}
    for f in sections["SECTION_STAFF"]:
        maxs = {}
        for item in f[1].split("|"):
            if item:
                k, v = item.split("=")
                maxs[k] = int(v)
        staff[f[0]] = dict(max_shifts=maxs, max_min=int(f[2]), min_min=int(f[3]),
                           max_cons=int(f[4]), min_cons=int(f[5]), min_off=int(f[6]),
                           max_we=int(f[7]))
    days_off = {f[0]: set(int(x) for x in f[1:] if x) for f in sections["SECTION_DAYS_OFF"]}
    on = [(f[0], int(f[1]), f[2], int(f[3])) for f in sections.get("SECTION_SHIFT_ON_REQUESTS", [])]
    off = [(f[0], int(f[1]), f[2], int(f[3]))
           for f in sections.get("SECTION_SHIFT_OFF_REQUESTS", [])]
    cover = [(int(f[0]), f[1], int(f[2]), int(f[3]), int(f[4])) for f in sections["SECTION_COVER"]]
    return dict(H=H, shifts=shifts, staff=staff, days_off=days_off, on=on, off=off, cover=cover)


def read_roster(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows and rows[0] == ["employee", "day", "shift"], rows[:1]
    return [(r[0], int(r[1]), r[2]) for r in rows[1:]]


def runs(seq):
    """Maximal runs of equal booleans: (value, start, length)."""
    out, start = [], 0
    for i in range(1, len(seq) + 1):
        if i == len(seq) or seq[i] != seq[start]:
            out.append((seq[start], start, i - start))
            start = i
    return out


def evaluate_rows(inst, rows):
    H, shifts, staff = inst["H"], inst["shifts"], inst["staff"]
    bad = []
    x = {e: [None] * H for e in staff}
    for e, d, t in rows:
        if e not in staff or t not in shifts or not 0 <= d < H:
            bad.append(f"unknown row {e},{d},{t}")
            continue
        if x[e][d] is not None:
            bad.append(f"{e} day {d}: two shifts (rule 1)")
        x[e][d] = t
    for e, s in staff.items():
        xs = x[e]
        for d in range(H - 1):
            if xs[d] is not None and xs[d + 1] is not None and xs[d + 1] in shifts[xs[d]][1]:
                bad.append(f"{e} day {d}: {xs[d]} then {xs[d + 1]} (rule 2)")
        for t in shifts:
            n = sum(1 for v in xs if v == t)
            if n > s["max_shifts"].get(t, 0):
                bad.append(f"{e}: {n} shifts {t} > {s['max_shifts'].get(t, 0)} (rule 3)")
        minutes = sum(shifts[v][0] for v in xs if v is not None)
        if not s["min_min"] <= minutes <= s["max_min"]:
            bad.append(f"{e}: {minutes} minutes outside [{s['min_min']}, {s['max_min']}] (rule 4)")
        work = [v is not None for v in xs]
        for value, start, length in runs(work):
            inside = start > 0 and start + length < H
            if value and length > s["max_cons"]:
                bad.append(f"{e}: run of {length} working days from {start} (rule 5)")
            if value and inside and length < s["min_cons"]:
                bad.append(f"{e}: run of {length} working days from {start} (rule 6)")
            if not value and inside and length < s["min_off"]:
                bad.append(f"{e}: run of {length} days off from {start} (rule 7)")
        weekends = sum(1 for w in range(H // 7) if work[7 * w + 5] or work[7 * w + 6])
        if weekends > s["max_we"]:
            bad.append(f"{e}: {weekends} weekends > {s['max_we']} (rule 8)")
        for d in inst["days_off"].get(e, ()):
            if work[d]:
                bad.append(f"{e}: works fixed day off {d} (rule 9)")
    parts = dict(on=0, off=0, under=0, over=0)
    for e, d, t, w in inst["on"]:
        if x[e][d] != t:
            parts["on"] += w
    for e, d, t, w in inst["off"]:
        if x[e][d] == t:
            parts["off"] += w
    n = defaultdict(int)
    for e in staff:
        for d, v in enumerate(x[e]):
            if v is not None:
                n[(d, v)] += 1
    for d, t, req, under, over in inst["cover"]:
        parts["under"] += under * max(0, req - n[(d, t)])
        parts["over"] += over * max(0, n[(d, t)] - req)
    return bad, sum(parts.values()), parts


def evaluate(instance_path, roster_path):
    return evaluate_rows(read_instance(instance_path), read_roster(roster_path))
