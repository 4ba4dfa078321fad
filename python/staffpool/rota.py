"""Shift-level rotas (docs/rota.md): a thin wrapper over the C rota engine.

A ``Rota`` is built record by record; every record is validated in C as it is added and a bad one
raises ValidationError naming the record and field. ``solve()`` runs the C model in a worker thread
(Ctrl-C cancels it) and returns a ``RotaResult``. No optimisation logic lives here.

    >>> rota = Rota(days=14)
    >>> rota.add_shift("D", length=480)
    >>> rota.add_person("A", max_minutes=4800, max_consecutive=5)
    >>> rota.set_cover(0, "D", requirement=1, under_weight=100, over_weight=1)
    >>> result = rota.solve(time_limit=10)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ._native import ffi, lib
from .errors import raise_for
from .solve import STATUS, STOP, _s, run_cancellable, solve_options

PARTS = ("shift_on", "shift_off", "cover_under", "cover_over")


def _b(text: Optional[str]) -> Any:
    return ffi.NULL if text is None else str(text).encode("utf-8")


@dataclass(frozen=True)
class RotaAssignment:
    person: str
    day: int
    shift: str


@dataclass(frozen=True)
class CoverResult:
    day: int
    shift: str
    requirement: int
    assigned: int
    under_penalty: float
    over_penalty: float


@dataclass(frozen=True)
class PersonResult:
    person: str
    shifts: int
    minutes: int
    weekends: int
    shift_on_penalty: float
    shift_off_penalty: float


@dataclass(frozen=True)
class RotaResult:
    status: str
    stopped_by: Optional[str]
    objective: Optional[float]  # None without a roster
    bound: float
    gap: Optional[float]
    seconds: float
    penalties: Dict[str, float]  # PARTS -> value
    assignments: List[RotaAssignment] = field(repr=False)
    cover: List[CoverResult] = field(repr=False)
    people: List[PersonResult] = field(repr=False)
    model_size: Dict[str, int] = field(default_factory=dict)


class Rota:
    """A rota problem over ``days`` days; day 0 falls on ``first_weekday`` (0 = Monday)."""

    def __init__(self, days: int, first_weekday: int = 0) -> None:
        err = ffi.new("sp_error *")
        out = ffi.new("sp_rota **")
        raise_for(lib.sp_rota_new(out, int(days), int(first_weekday), err), err)
        self._ptr = ffi.gc(out[0], lib.sp_rota_free)
        self.days = int(days)
        self._err = err

    def _call(self, fn: Any, *args: Any) -> None:
        raise_for(fn(self._ptr, *args, self._err), self._err)

    def add_partner(self, id: str) -> None:
        self._call(lib.sp_rota_add_partner, _b(id))

    def add_site(self, id: str, partner: str) -> None:
        self._call(lib.sp_rota_add_site, _b(id), _b(partner))

    def add_skill(self, id: str) -> None:
        self._call(lib.sp_rota_add_skill, _b(id))

    def add_shift(self, id: str, length: int, start: int = -1, site: Optional[str] = None,
                  skill: Optional[str] = None) -> None:
        self._call(lib.sp_rota_add_shift, _b(id), int(start), int(length), _b(site), _b(skill))

    def forbid_succession(self, first: str, next: str) -> None:
        self._call(lib.sp_rota_forbid_succession, _b(first), _b(next))

    def add_person(self, id: str, site: Optional[str] = None, min_minutes: int = 0,
                   max_minutes: int = -1, min_consecutive: int = 1, max_consecutive: int = -1,
                   min_days_off: int = 1, max_weekends: int = -1,
                   skills: Optional[List[str]] = None,
                   max_shifts: Optional[Dict[str, int]] = None) -> None:
        person = ffi.new("sp_rota_person *")
        lib.sp_rota_person_init(person)
        keep = [ffi.new("char[]", str(id).encode("utf-8")),
                ffi.NULL if site is None else ffi.new("char[]", str(site).encode("utf-8"))]
        person.id, person.site_id = keep
        person.min_minutes, person.max_minutes = int(min_minutes), int(max_minutes)
        person.min_consecutive, person.max_consecutive = int(min_consecutive), int(max_consecutive)
        person.min_days_off, person.max_weekends = int(min_days_off), int(max_weekends)
        raise_for(lib.sp_rota_add_person(self._ptr, person, self._err), self._err)
        for skill in skills or ():
            self._call(lib.sp_rota_add_person_skill, _b(id), _b(skill))
        for shift, n in (max_shifts or {}).items():
            self._call(lib.sp_rota_set_max_shifts, _b(id), _b(shift), int(n))

    def set_max_shifts(self, person: str, shift: str, max: int) -> None:
        self._call(lib.sp_rota_set_max_shifts, _b(person), _b(shift), int(max))

    def add_day_off(self, person: str, day: int) -> None:
        self._call(lib.sp_rota_add_day_off, _b(person), int(day))

    def add_request(self, person: str, day: int, shift: str, on: bool, weight: float) -> None:
        self._call(lib.sp_rota_add_request, _b(person), int(day), _b(shift), 1 if on else 0,
                   float(weight))

    def set_cover(self, day: int, shift: str, requirement: int, under_weight: float = 0.0,
                  over_weight: float = 0.0, hard_min: int = 0) -> None:
        self._call(lib.sp_rota_set_cover, int(day), _b(shift), int(requirement),
                   float(under_weight), float(over_weight), int(hard_min))

    def solve(self, time_limit: Optional[float] = None, gap: float = 1e-6,
              log_level: int = 0) -> RotaResult:
        opts, cancel = solve_options(time_limit, gap, log_level)
        err = ffi.new("sp_error *")
        out = ffi.new("sp_rota_result **")
        rc = run_cancellable(lambda: lib.sp_rota_solve(out, self._ptr, opts, err), cancel,
                             lambda: lib.sp_rota_result_free(out[0]))
        raise_for(rc, err)
        res = ffi.gc(out[0], lib.sp_rota_result_free)
        try:
            return _read(res)
        finally:
            ffi.release(res)


def _read(res: Any) -> RotaResult:
    n = ffi.new("size_t *")
    arr = lib.sp_rota_result_assignments(res, n)
    assignments = [RotaAssignment(_s(a.person_id), a.day, _s(a.shift_id))
                   for a in (arr[i] for i in range(n[0]))]
    arr = lib.sp_rota_result_cover(res, n)
    cover = [CoverResult(c.day, _s(c.shift_id), c.requirement, c.assigned, c.under_penalty,
                         c.over_penalty) for c in (arr[i] for i in range(n[0]))]
    arr = lib.sp_rota_result_people(res, n)
    people = [PersonResult(_s(p.person_id), p.shifts, p.minutes, p.weekends, p.shift_on_penalty,
                           p.shift_off_penalty) for p in (arr[i] for i in range(n[0]))]
    status = STATUS[lib.sp_rota_result_status(res)]
    have = status in ("optimal", "feasible")
    return RotaResult(
        status=status,
        stopped_by=STOP[lib.sp_rota_result_stop_reason(res)],
        objective=lib.sp_rota_result_objective(res) if have else None,
        bound=lib.sp_rota_result_bound(res),
        gap=lib.sp_rota_result_gap(res) if have else None,
        seconds=lib.sp_rota_result_seconds(res),
        penalties={name: lib.sp_rota_result_penalty(res, i) for i, name in enumerate(PARTS)},
        assignments=assignments, cover=cover, people=people,
        model_size={"columns": lib.sp_rota_result_columns(res),
                    "rows": lib.sp_rota_result_rows(res),
                    "binaries": lib.sp_rota_result_binaries(res)})
