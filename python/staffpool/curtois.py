"""Curtois & Qu (2014) staff-scheduling instances: parser, model and runner (docs/rota.md).

The `.txt` format is described in shared/benchmarks/curtois/FORMAT.md. ``parse`` reads it into a
plain ``Instance`` (errors name the section and line); ``to_rota`` states it through the rota
engine's C API (the single-site special case: one shift type per Curtois shift, hard per-person
rules, requests and cover as soft penalties); ``main`` is the command

    python3 -m staffpool.curtois INSTANCE.txt [--time-limit S] --out roster.csv

which writes ``employee,day,shift`` (day 0-based, ids as in the file) and prints the objective,
its parts and the status. The instance files are not part of this repository.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .errors import ValidationError

SECTIONS = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
            "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER")


class CurtoisFormatError(ValueError):
    """A malformed instance file; the message names the file, line and section."""

    def __init__(self, message: str, section: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.section = section
        self.line = line


@dataclass
class Staff:
    id: str
    max_shifts: Dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass
class Instance:
    name: str
    days: int = 0
    shifts: Dict[str, Tuple[int, List[str]]] = field(default_factory=dict)  # id -> (len, forbid)
    staff: List[Staff] = field(default_factory=list)
    days_off: Dict[str, List[int]] = field(default_factory=dict)
    on_requests: List[Tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: List[Tuple[str, int, str, int]] = field(default_factory=list)
    cover: List[Tuple[int, str, int, int, int]] = field(default_factory=list)
    lines: Dict[Tuple[str, int], int] = field(default_factory=dict)  # (section, row) -> line


def _int(text: str, what: str, fail) -> int:
    try:
        return int(text)
    except ValueError:
        fail(f"{what}: not an integer: {text!r}")
        raise  # not reached


def parse(path: str) -> Instance:
    """Reads an instance file; CurtoisFormatError names the section and line of any problem."""
    name = os.path.basename(path)
    with open(path, encoding="ascii", errors="replace", newline="") as f:
        raw = f.read().split("\n")
    inst = Instance(name=name)
    blocks: Dict[str, List[Tuple[int, str]]] = {}
    current: Optional[str] = None
    expected = 0
    for number, line in enumerate(raw, start=1):
        line = line.rstrip("\r")
        if line.startswith("#"):
            continue
        if not line.strip():
            current = None
            continue
        if line.startswith("SECTION_"):
            token = line.strip()
            if token not in SECTIONS:
                raise CurtoisFormatError(f"{name}:{number}: unknown section {token!r}", token,
                                         number)
            if expected >= len(SECTIONS) or token != SECTIONS[expected]:
                want = SECTIONS[expected] if expected < len(SECTIONS) else "end of file"
                raise CurtoisFormatError(f"{name}:{number}: {token}: out of order (expected "
                                         f"{want})", token, number)
            expected += 1
            current = token
            blocks[token] = []
            continue
        if current is None:
            raise CurtoisFormatError(f"{name}:{number}: data outside a section: {line!r}", "",
                                     number)
        blocks[current].append((number, line))
    if expected < len(SECTIONS):
        raise CurtoisFormatError(f"{name}: missing {SECTIONS[expected]}", SECTIONS[expected], 0)

    def section(sec: str, n_fields: Optional[int]):
        for number, line in blocks[sec]:
            def fail(msg: str, number=number) -> None:
                raise CurtoisFormatError(f"{name}:{number}: {sec}: {msg}", sec, number)
            fields = line.split(",")
            if n_fields is not None and len(fields) != n_fields:
                fail(f"expected {n_fields} fields, got {len(fields)}: {line!r}")
            yield number, fields, fail

    rows = list(section("SECTION_HORIZON", 1))
    if len(rows) != 1:
        raise CurtoisFormatError(f"{name}: SECTION_HORIZON: expected one line, got {len(rows)}",
                                 "SECTION_HORIZON", rows[0][0] if rows else 0)
    number, fields, fail = rows[0]
    inst.days = _int(fields[0], "days", fail)
    if inst.days < 1:
        fail(f"days must be >= 1 (got {inst.days})")

    pending: List[Tuple[int, str, List[str]]] = []
    for number, fields, fail in section("SECTION_SHIFTS", 3):
        sid = fields[0]
        if not sid or sid in inst.shifts:
            fail(f"shift id {sid!r} empty or duplicated")
        forbid = [s for s in fields[2].split("|") if s]
        inst.shifts[sid] = (_int(fields[1], f"shift {sid!r}: length", fail), forbid)
        inst.lines[("SECTION_SHIFTS", len(inst.shifts) - 1)] = number
        pending.append((number, sid, forbid))
    for number, sid, forbid in pending:
        for other in forbid:
            if other not in inst.shifts:
                raise CurtoisFormatError(f"{name}:{number}: SECTION_SHIFTS: shift {sid!r}: "
                                         f"unknown forbidden successor {other!r}",
                                         "SECTION_SHIFTS", number)

    for number, fields, fail in section("SECTION_STAFF", 8):
        max_shifts = {}
        for item in fields[1].split("|"):
            if not item:
                continue
            key, sep, value = item.partition("=")
            if not sep or key not in inst.shifts:
                fail(f"employee {fields[0]!r}: MaxShifts: bad item {item!r}")
            max_shifts[key] = _int(value, f"employee {fields[0]!r}: MaxShifts {key}", fail)
        nums = [_int(v, f"employee {fields[0]!r}: field {i + 3}", fail)
                for i, v in enumerate(fields[2:])]
        inst.lines[("SECTION_STAFF", len(inst.staff))] = number
        inst.staff.append(Staff(fields[0], max_shifts, *nums))

    ids = {s.id for s in inst.staff}

    def check_employee(eid: str, fail) -> None:
        if eid not in ids:
            fail(f"unknown employee {eid!r}")

    def check_day(day: int, fail) -> None:
        if not 0 <= day < inst.days:
            fail(f"day {day} outside 0..{inst.days - 1}")

    def check_shift(sid: str, fail) -> None:
        if sid not in inst.shifts:
            fail(f"unknown shift {sid!r}")

    for number, fields, fail in section("SECTION_DAYS_OFF", None):
        check_employee(fields[0], fail)
        days = [_int(v, "day", fail) for v in fields[1:] if v != ""]
        for day in days:
            check_day(day, fail)
        inst.lines[("SECTION_DAYS_OFF", fields[0])] = number
        inst.days_off.setdefault(fields[0], []).extend(days)

    for sec, target in (("SECTION_SHIFT_ON_REQUESTS", inst.on_requests),
                        ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests)):
        for number, fields, fail in section(sec, 4):
            check_employee(fields[0], fail)
            day = _int(fields[1], "day", fail)
            check_day(day, fail)
            check_shift(fields[2], fail)
            inst.lines[(sec, len(target))] = number
            target.append((fields[0], day, fields[2], _int(fields[3], "weight", fail)))

    for number, fields, fail in section("SECTION_COVER", 5):
        day = _int(fields[0], "day", fail)
        check_day(day, fail)
        check_shift(fields[1], fail)
        inst.lines[("SECTION_COVER", len(inst.cover))] = number
        inst.cover.append((day, fields[1], *(_int(v, "cover", fail) for v in fields[2:])))
    return inst


def to_rota(inst: Instance):
    """The instance stated through the rota engine (C validation errors are re-raised naming the
    instance's section and line)."""
    from .rota import Rota

    rota = Rota(days=inst.days, first_weekday=0)

    def at(sec: str, key, call, *args, **kwargs) -> None:
        try:
            call(*args, **kwargs)
        except ValidationError as exc:
            line = inst.lines.get((sec, key), 0)
            raise CurtoisFormatError(f"{inst.name}:{line}: {sec}: {exc}", sec, line) from exc

    for i, (sid, (length, _)) in enumerate(inst.shifts.items()):
        at("SECTION_SHIFTS", i, rota.add_shift, sid, length=length)
    for i, (sid, (_, forbid)) in enumerate(inst.shifts.items()):
        for other in forbid:
            at("SECTION_SHIFTS", i, rota.forbid_succession, sid, other)
    for i, s in enumerate(inst.staff):
        at("SECTION_STAFF", i, rota.add_person, s.id, min_minutes=s.min_minutes,
           max_minutes=s.max_minutes, min_consecutive=s.min_consecutive,
           max_consecutive=s.max_consecutive, min_days_off=s.min_days_off,
           max_weekends=s.max_weekends, max_shifts=s.max_shifts)
    for eid, days in inst.days_off.items():
        for day in days:
            at("SECTION_DAYS_OFF", eid, rota.add_day_off, eid, day)
    for sec, reqs, on in (("SECTION_SHIFT_ON_REQUESTS", inst.on_requests, True),
                          ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests, False)):
        for i, (eid, day, sid, w) in enumerate(reqs):
            at(sec, i, rota.add_request, eid, day, sid, on, w)
    for i, (day, sid, req, under, over) in enumerate(inst.cover):
        at("SECTION_COVER", i, rota.set_cover, day, sid, req, under, over)
    return rota


def write_roster(path: str, result) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["employee", "day", "shift"])
        for a in result.assignments:
            w.writerow([a.person, a.day, a.shift])


def solve_file(path: str, time_limit: Optional[float] = None, log_level: int = 0):
    inst = parse(path)
    return inst, to_rota(inst).solve(time_limit=time_limit, log_level=log_level)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("instance", help="a Curtois & Qu InstanceN.txt file")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S",
                        help="seconds of wall clock for the solve (default: none)")
    parser.add_argument("--out", required=True, help="roster CSV to write (employee,day,shift)")
    parser.add_argument("--log-level", type=int, default=0, help="0 silent .. 3 GLPK output")


def run(args: argparse.Namespace) -> int:
    """Exit codes (as `staffpool plan`): 0 roster written, 2 bad input, 3 no roster."""
    try:
        inst, result = solve_file(args.instance, args.time_limit, args.log_level)
    except (CurtoisFormatError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.objective is None:
        print(f"status: {result.status}" + (f" (stopped by {result.stopped_by})"
                                            if result.stopped_by else ""))
        return 3
    write_roster(args.out, result)
    p = result.penalties
    print(f"instance: {inst.name}")
    print(f"objective: {result.objective:g}")
    print(f"  shift_on_requests: {p['shift_on']:g}")
    print(f"  shift_off_requests: {p['shift_off']:g}")
    print(f"  cover_under: {p['cover_under']:g}")
    print(f"  cover_over: {p['cover_over']:g}")
    print(f"bound: {result.bound + 0.0:g}")  # + 0.0: a bound of -0 prints as 0
    print(f"gap: {result.gap:.4%}")
    print(f"status: {result.status}" + (f" (stopped by {result.stopped_by})"
                                        if result.stopped_by else ""))
    print(f"seconds: {result.seconds:.2f}")
    print(f"roster: {args.out} ({len(result.assignments)} shifts)")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m staffpool.curtois",
                                     description="Solve a Curtois & Qu instance with the rota "
                                                 "engine")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
