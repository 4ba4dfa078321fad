"""Shift-level rotas (docs/rota.md): a thin wrapper over the C rota engine.

A ``Rota`` is built record by record; every record is validated in C as it is added and a bad one
raises ValidationError naming the record and field. A shift type serves every (site, skill) post
of its sites x skills; people work one post a day, only with the skill and within travel reach.
``solve()`` runs the C model in a worker thread (Ctrl-C cancels it) and returns a ``RotaResult``
(assignments with site and skill, cover per post with the reason for each gap, per-person totals,
changes against the published rota, DataFrames). No optimisation logic lives here.

    >>> rota = Rota(days=14)
    >>> rota.add_partner("P"); rota.add_site("S1", "P"); rota.add_site("S2", "P")
    >>> rota.set_travel_minutes("S1", "S2", 30)
    >>> rota.add_shift("D", length=480, sites=["S1", "S2"])
    >>> rota.set_weights(travel_per_minute=0.1)
    >>> rota.add_person("A", site="S1", max_minutes=4800, max_consecutive=5)
    >>> rota.set_cover(0, "D", requirement=1, under_weight=100, over_weight=1, site="S2")
    >>> result = rota.solve(time_limit=10)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ._native import ffi, lib
from .errors import ValidationError, raise_for
from .progress import ProgressArg
from .solve import STATUS, STOP, _s, run_cancellable, solve_options, with_progress

PARTS = ("shift_on", "shift_off", "cover_under", "cover_over", "fairness", "travel", "changes")


def _b(text: Optional[str]) -> Any:
    return ffi.NULL if text is None else str(text).encode("utf-8")


def _opt(ptr: Any) -> Optional[str]:
    return None if ptr == ffi.NULL else _s(ptr)


@dataclass(frozen=True)
class RotaAssignment:
    person: str
    day: int
    shift: str
    site: Optional[str] = None
    skill: Optional[str] = None
    pinned: bool = False
    published: bool = False


@dataclass(frozen=True)
class CoverResult:
    day: int
    shift: str
    site: Optional[str]
    skill: Optional[str]
    requirement: int
    assigned: int
    under_penalty: float
    over_penalty: float
    reason: Optional[str] = None  # None when met; a true sentence for a gap


@dataclass(frozen=True)
class PersonResult:
    person: str
    shifts: int
    minutes: int
    weekends: int
    shift_on_penalty: float
    shift_off_penalty: float
    nights: int = 0
    unpopular: int = 0
    travel_minutes: float = 0.0
    changes: int = 0  # published assignments changed or removed


@dataclass(frozen=True)
class RotaChange:
    """Published vs new for (person, day): before_* None: a new assignment on a day nothing was
    published; after_* None: the published assignment is removed."""
    person: str
    day: int
    before_shift: Optional[str]
    before_site: Optional[str]
    before_skill: Optional[str]
    after_shift: Optional[str]
    after_site: Optional[str]
    after_skill: Optional[str]


def _frame(rows: List[Any], columns: List[str]) -> Any:
    import pandas as pd  # lazily: the core works without pandas

    return pd.DataFrame([[getattr(r, c) for c in columns] for r in rows], columns=columns)


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
    changes: List[RotaChange] = field(default_factory=list, repr=False)

    def to_frame(self) -> Any:
        """Assignments: person, day, shift, site, skill, pinned, published."""
        return _frame(self.assignments, ["person", "day", "shift", "site", "skill", "pinned",
                                         "published"])

    def cover_frame(self) -> Any:
        """Cover per (day, shift, site, skill), with the gap and its reason."""
        df = _frame(self.cover, ["day", "shift", "site", "skill", "requirement", "assigned",
                                 "under_penalty", "over_penalty", "reason"])
        df.insert(6, "gap", (df["requirement"] - df["assigned"]).clip(lower=0))
        return df

    def people_frame(self) -> Any:
        return _frame(self.people, ["person", "shifts", "minutes", "weekends", "nights",
                                    "unpopular", "travel_minutes", "changes", "shift_on_penalty",
                                    "shift_off_penalty"])

    def changes_frame(self) -> Any:
        return _frame(self.changes, ["person", "day", "before_shift", "before_site",
                                     "before_skill", "after_shift", "after_site", "after_skill"])

    def _repr_html_(self) -> str:
        from .html import rota_html

        return rota_html(self)


def _names(one: Optional[str], many: Optional[Sequence[str]], what: str, shift: str) -> List[str]:
    if one is not None and many is not None:
        raise ValidationError(f"shift '{shift}': give {what} or {what}s, not both",
                              f"shift '{shift}'", what)
    if many is not None and isinstance(many, str):
        raise ValidationError(f"shift '{shift}': {what}s must be a list of ids, not a string",
                              f"shift '{shift}'", what + "s")
    return [one] if one is not None else list(many or ())


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

    def add_site(self, id: str, partner: str, latitude: Optional[float] = None,
                 longitude: Optional[float] = None) -> None:
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            raise ValidationError(f"site '{id}': {missing}: give both coordinates or neither",
                                  f"site '{id}'", missing)
        if latitude is None:
            self._call(lib.sp_rota_add_site, _b(id), _b(partner))
        else:
            self._call(lib.sp_rota_add_located_site, _b(id), _b(partner), float(latitude),
                       float(longitude))

    def add_skill(self, id: str) -> None:
        self._call(lib.sp_rota_add_skill, _b(id))

    def add_shift(self, id: str, length: int, start: int = -1, site: Optional[str] = None,
                  skill: Optional[str] = None, *, sites: Optional[Sequence[str]] = None,
                  skills: Optional[Sequence[str]] = None, night: bool = False,
                  unpopular: bool = False) -> None:
        """A shift type serving every (site, skill) of sites x skills (site=/skill= are shorthand
        for one-element lists; none: the single "anywhere, no skill" post)."""
        site_list = _names(site, sites, "site", id)
        skill_list = _names(skill, skills, "skill", id)
        self._call(lib.sp_rota_add_shift, _b(id), int(start), int(length),
                   _b(site_list[0] if site_list else None),
                   _b(skill_list[0] if skill_list else None))
        for s in site_list[1:]:
            self._call(lib.sp_rota_add_shift_site, _b(id), _b(s))
        for k in skill_list[1:]:
            self._call(lib.sp_rota_add_shift_skill, _b(id), _b(k))
        if night or unpopular:
            self._call(lib.sp_rota_set_shift_categories, _b(id), 1 if night else 0,
                       1 if unpopular else 0)

    def forbid_succession(self, first: str, next: str) -> None:
        self._call(lib.sp_rota_forbid_succession, _b(first), _b(next))

    def set_travel_minutes(self, from_site: str, to_site: str, minutes: float) -> None:
        self._call(lib.sp_rota_set_travel_minutes, _b(from_site), _b(to_site), float(minutes))

    def set_travel_speed(self, kmh: float) -> None:
        self._call(lib.sp_rota_set_travel_speed, float(kmh))

    def set_weights(self, *, travel_per_minute: float = 0.0, fairness_nights: float = 0.0,
                    fairness_weekends: float = 0.0, fairness_unpopular: float = 0.0,
                    change: float = 0.0) -> None:
        w = ffi.new("sp_rota_weights *")
        lib.sp_rota_weights_init(w)
        w.travel_per_minute = float(travel_per_minute)
        w.fairness_nights = float(fairness_nights)
        w.fairness_weekends = float(fairness_weekends)
        w.fairness_unpopular = float(fairness_unpopular)
        w.change = float(change)
        self._call(lib.sp_rota_set_weights, w)

    def add_person(self, id: str, site: Optional[str] = None, min_minutes: int = 0,
                   max_minutes: int = -1, min_consecutive: int = 1, max_consecutive: int = -1,
                   min_days_off: int = 1, max_weekends: int = -1,
                   skills: Optional[List[str]] = None,
                   max_shifts: Optional[Dict[str, int]] = None, *,
                   contract: Optional[str] = None, max_travel_minutes: float = -1) -> None:
        person = ffi.new("sp_rota_person *")
        lib.sp_rota_person_init(person)
        keep = [ffi.new("char[]", str(id).encode("utf-8")),
                ffi.NULL if site is None else ffi.new("char[]", str(site).encode("utf-8")),
                ffi.NULL if contract is None else ffi.new("char[]",
                                                          str(contract).encode("utf-8"))]
        person.id, person.site_id, person.contract_id = keep
        person.min_minutes, person.max_minutes = int(min_minutes), int(max_minutes)
        person.min_consecutive, person.max_consecutive = int(min_consecutive), int(max_consecutive)
        person.min_days_off, person.max_weekends = int(min_days_off), int(max_weekends)
        person.max_travel_minutes = float(max_travel_minutes)
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
                  over_weight: float = 0.0, hard_min: int = 0, *, site: Optional[str] = None,
                  skill: Optional[str] = None) -> None:
        self._call(lib.sp_rota_set_post_cover, int(day), _b(shift), _b(site), _b(skill),
                   int(requirement), float(under_weight), float(over_weight), int(hard_min))

    def pin(self, person: str, day: int, shift: str, *, site: Optional[str] = None,
            skill: Optional[str] = None) -> None:
        """Hard: the person works exactly this (day, shift, site, skill)."""
        self._call(lib.sp_rota_pin, _b(person), int(day), _b(shift), _b(site), _b(skill))

    def publish(self, person: str, day: int, shift: str, *, site: Optional[str] = None,
                skill: Optional[str] = None) -> None:
        """An assignment staff were already told; changing or removing it costs
        set_weights(change=...)."""
        self._call(lib.sp_rota_publish, _b(person), int(day), _b(shift), _b(site), _b(skill))

    def set_freeze_days(self, n: int) -> None:
        """Days 0..n-1: published assignments stay unless the person is now off; new assignments
        there only fill a gap."""
        self._call(lib.sp_rota_set_freeze_days, int(n))

    def solve(self, time_limit: Optional[float] = None, gap: float = 1e-6,
              log_level: int = 0, progress: ProgressArg = None) -> RotaResult:
        """Solves the rota. ``progress``: the best penalty and bound as they improve (one stage,
        "penalty"), as for ``staffpool.solve``: None shows them in a notebook only, True also on
        stderr, False nowhere, or a callable taking a ``staffpool.progress.Progress``."""
        opts, cancel = solve_options(time_limit, gap, log_level)
        wait = with_progress(opts, ("penalty",), progress)
        err = ffi.new("sp_error *")
        out = ffi.new("sp_rota_result **")
        rc = run_cancellable(lambda: lib.sp_rota_solve(out, self._ptr, opts, err), cancel,
                             lambda: lib.sp_rota_result_free(out[0]), wait)
        raise_for(rc, err)
        res = ffi.gc(out[0], lib.sp_rota_result_free)
        try:
            return _read(res)
        finally:
            ffi.release(res)


def _read(res: Any) -> RotaResult:
    n = ffi.new("size_t *")
    arr = lib.sp_rota_result_assignments(res, n)
    assignments = [RotaAssignment(_s(a.person_id), a.day, _s(a.shift_id), _opt(a.site_id),
                                  _opt(a.skill_id), bool(a.pinned), bool(a.published))
                   for a in (arr[i] for i in range(n[0]))]
    arr = lib.sp_rota_result_cover(res, n)
    cover = [CoverResult(c.day, _s(c.shift_id), _opt(c.site_id), _opt(c.skill_id), c.requirement,
                         c.assigned, c.under_penalty, c.over_penalty, _opt(c.reason))
             for c in (arr[i] for i in range(n[0]))]
    arr = lib.sp_rota_result_people(res, n)
    people = [PersonResult(_s(p.person_id), p.shifts, p.minutes, p.weekends, p.shift_on_penalty,
                           p.shift_off_penalty, p.nights, p.unpopular, p.travel_minutes,
                           p.changes) for p in (arr[i] for i in range(n[0]))]
    arr = lib.sp_rota_result_changes(res, n)
    changes = [RotaChange(_s(c.person_id), c.day, _opt(c.before_shift_id),
                          _opt(c.before_site_id), _opt(c.before_skill_id),
                          _opt(c.after_shift_id), _opt(c.after_site_id), _opt(c.after_skill_id))
               for c in (arr[i] for i in range(n[0]))]
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
                    "binaries": lib.sp_rota_result_binaries(res)},
        changes=changes)
