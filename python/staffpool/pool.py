"""Pool: the problem staffpool plans, built in the C core record by record.

Every record is validated in C as it is added; a bad one raises ValidationError naming the record
and field, and leaves the pool as it was. The pool also keeps the records as plain data so it can be
written back as a scenario (``to_dict``) or shown as DataFrames (``to_frames``).
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from ._native import ffi, lib
from .errors import ValidationError, raise_for
from .values import integer as _integer
from .values import missing as _missing
from .values import number as _number
from .values import text as _text

PRIORITIES = ("statutory", "core", "discretionary")
SCENARIO_FORMAT = "staffpool-scenario"
SCENARIO_VERSION = 1
DEFAULT_SETTINGS = {
    "reserve_share": 0.0,
    "travel_speed_kmh": 40.0,
    "visit_hours": 7.5,
    "min_engagement_hours": 1.0,
    "priority_weights": {"statutory": 100.0, "core": 10.0, "discretionary": 1.0},
}
# Lists in the order their records may refer to each other.
LISTS = ("partners", "sites", "travel_minutes", "skills", "staff", "availability", "demand",
         "resilience")

Period = Union[int, str]


class Pool:
    """Partners, sites, skills, staff, availability, demand and resilience rules over ``periods``.

    >>> pool = Pool(periods=2)
    >>> pool.add_partner("A", "Council A", population=90_000)
    >>> pool.add_site("A1", "A", lat=52.2, lon=-1.1)
    """

    def __init__(self, periods: int, period_labels: Optional[Sequence[str]] = None,
                 name: str = "") -> None:
        periods = _integer(periods, "pool", "periods")
        err = ffi.new("sp_error *")
        out = ffi.new("sp_pool **")
        raise_for(lib.sp_pool_new(out, periods, err), err)
        self._ptr = ffi.gc(out[0], lib.sp_pool_free)
        self.name = name
        self.periods = periods
        if period_labels is not None:
            period_labels = [str(x) for x in period_labels]
            if len(period_labels) != periods or len(set(period_labels)) != periods:
                raise ValidationError(
                    f"pool: period_labels: need {periods} distinct labels (got "
                    f"{len(period_labels)})", "pool", "period_labels")
        self.period_labels = period_labels
        self._settings: dict = json.loads(json.dumps(DEFAULT_SETTINGS))
        self._records: dict = {name: [] for name in LISTS}

    # ---- helpers -----------------------------------------------------------------------------

    def _call(self, fn: Any, *args: Any) -> None:
        err = ffi.new("sp_error *")
        raise_for(fn(self._ptr, *args, err), err)

    def period_index(self, period: Period, record: str = "record") -> int:
        """The 0-based index of a period given as an index or as one of ``period_labels``."""
        if isinstance(period, str):
            if self.period_labels and period in self.period_labels:
                return self.period_labels.index(period)
            raise ValidationError(f"{record}: period: unknown period label {period!r}", record,
                                  "period")
        return _integer(period, record, "period")

    def period_label(self, index: int) -> Union[int, str]:
        return self.period_labels[index] if self.period_labels else index

    # ---- settings ----------------------------------------------------------------------------

    def configure(self, reserve_share: Optional[float] = None,
                  travel_speed_kmh: Optional[float] = None, visit_hours: Optional[float] = None,
                  min_engagement_hours: Optional[float] = None,
                  priority_weights: Optional[Mapping[str, float]] = None) -> None:
        """Pool-wide settings; see docs/model.md. Arguments left as None keep their value."""
        rec = "settings"
        if reserve_share is not None:
            self._call(lib.sp_pool_set_reserve_share, _number(reserve_share, rec, "reserve_share"))
            self._settings["reserve_share"] = float(reserve_share)
        if travel_speed_kmh is not None:
            self._call(lib.sp_pool_set_travel_speed,
                       _number(travel_speed_kmh, rec, "travel_speed_kmh"))
            self._settings["travel_speed_kmh"] = float(travel_speed_kmh)
        if visit_hours is not None:
            self._call(lib.sp_pool_set_visit_hours, _number(visit_hours, rec, "visit_hours"))
            self._settings["visit_hours"] = float(visit_hours)
        if min_engagement_hours is not None:
            self._call(lib.sp_pool_set_min_engagement,
                       _number(min_engagement_hours, rec, "min_engagement_hours"))
            self._settings["min_engagement_hours"] = float(min_engagement_hours)
        for priority, weight in (priority_weights or {}).items():
            if priority not in PRIORITIES:
                raise ValidationError(f"settings: priority_weights: unknown priority {priority!r}"
                                      f" (use {', '.join(PRIORITIES)})", rec, "priority_weights")
            self._call(lib.sp_pool_set_priority_weight, PRIORITIES.index(priority),
                       _number(weight, rec, "priority_weights"))
            self._settings["priority_weights"][priority] = float(weight)

    @property
    def settings(self) -> dict:
        return json.loads(json.dumps(self._settings))

    # ---- records -----------------------------------------------------------------------------

    def add_partner(self, id: str, name: Optional[str] = None, population: float = 0) -> None:
        rec = f"partner {id!r}"
        self._call(lib.sp_pool_add_partner, _text(id, "partner", "id"),
                   _text(name, rec, "name", False) or ffi.NULL, _number(population, rec, "population"))
        self._records["partners"].append({"id": id, "name": name or id, "population": population})

    def add_site(self, id: str, partner: str, lat: float, lon: float,
                 name: Optional[str] = None) -> None:
        rec = f"site {id!r}"
        self._call(lib.sp_pool_add_site, _text(id, "site", "id"), _text(partner, rec, "partner"),
                   _text(name, rec, "name", False) or ffi.NULL, _number(lat, rec, "lat"),
                   _number(lon, rec, "lon"))
        self._records["sites"].append(
            {"id": id, "partner": partner, "name": name or id, "lat": lat, "lon": lon})

    def set_travel_minutes(self, from_site: str, to_site: str, minutes: float) -> None:
        """One-way minutes; also used the other way unless that direction is given too."""
        rec = f"travel_minutes {from_site!r}"
        self._call(lib.sp_pool_set_travel_minutes, _text(from_site, rec, "from"),
                   _text(to_site, rec, "to"), _number(minutes, rec, "minutes"))
        self._records["travel_minutes"].append({"from": from_site, "to": to_site,
                                                "minutes": minutes})

    def add_skill(self, id: str, name: Optional[str] = None) -> None:
        self._call(lib.sp_pool_add_skill, _text(id, "skill", "id"),
                   _text(name, f"skill {id!r}", "name", False) or ffi.NULL)
        self._records["skills"].append({"id": id, "name": name or id})

    def add_staff(self, id: str, partner: str, site: str, contracted_hours: float,
                  cost_per_hour: float, skills: Optional[Mapping[str, int]] = None,
                  name: Optional[str] = None, authorised: Optional[Iterable[str]] = None,
                  max_travel_minutes: Optional[float] = None,
                  max_partners: Optional[int] = None) -> None:
        """A staff member; ``skills`` maps skill id to level 1-5; ``authorised`` limits the
        partners they may work for (None: all)."""
        rec = f"staff {id!r}"
        travel = -1.0 if _missing(max_travel_minutes) else _number(
            max_travel_minutes, rec, "max_travel_minutes")
        if travel < 0 and not _missing(max_travel_minutes):
            raise ValidationError(f"{rec}: max_travel_minutes: must be >= 0 or null (got "
                                  f"{max_travel_minutes!r})", rec, "max_travel_minutes")
        limit = 0 if _missing(max_partners) else _integer(max_partners, rec, "max_partners")
        if limit < 0 or (limit == 0 and not _missing(max_partners)):
            raise ValidationError(f"{rec}: max_partners: must be >= 1 or null (got "
                                  f"{max_partners!r})", rec, "max_partners")
        skills = dict(skills or {})
        authorised = None if authorised is None else list(authorised)
        self._check_staff_lists(rec, skills, authorised)
        self._call(lib.sp_pool_add_staff, _text(id, "staff", "id"), _text(name, rec, "name", False)
                   or ffi.NULL, _text(partner, rec, "partner"), _text(site, rec, "site"),
                   _number(contracted_hours, rec, "contracted_hours"),
                   _number(cost_per_hour, rec, "cost_per_hour"), travel, limit)
        self._records["staff"].append({
            "id": id, "name": name or id, "partner": partner, "site": site,
            "contracted_hours": contracted_hours, "cost_per_hour": cost_per_hour, "skills": skills,
            "authorised": authorised, "max_travel_minutes": None if travel < 0 else travel,
            "max_partners": limit or None})
        for skill, level in skills.items():
            self._call(lib.sp_pool_add_staff_skill, _text(id, rec, "id"), _text(skill, rec, "skills"),
                       _integer(level, rec, "skills"))
        for partner_id in authorised or []:
            self._call(lib.sp_pool_authorise, _text(id, rec, "id"),
                       _text(partner_id, rec, "authorised"))

    def _check_staff_lists(self, rec: str, skills: dict, authorised: Optional[list]) -> None:
        """Checks skills and authorisations before the staff record goes in, so that a refused
        person is not left half-added (the C calls for them cannot fail otherwise)."""
        known_skills = {s["id"] for s in self._records["skills"]}
        for skill, level in skills.items():
            if skill not in known_skills:
                raise ValidationError(f"{rec}: skills: unknown skill {skill!r}", rec, "skills")
            level = _integer(level, rec, "skills")
            if not 1 <= level <= 5:
                raise ValidationError(f"{rec}: skills: level of {skill!r} must be 1..5 (got "
                                      f"{level})", rec, "skills")
        if authorised is not None:
            if not authorised:
                raise ValidationError(f"{rec}: authorised: empty list (leave it out to authorise "
                                      f"every partner)", rec, "authorised")
            known_partners = {p["id"] for p in self._records["partners"]}
            for partner_id in authorised:
                if partner_id not in known_partners:
                    raise ValidationError(f"{rec}: authorised: unknown partner {partner_id!r}",
                                          rec, "authorised")

    def set_availability(self, staff: str, period: Period, hours: float) -> None:
        """Hours ``staff`` can work in ``period`` (leave, sickness and training reduce it)."""
        rec = f"availability {staff!r}"
        index = self.period_index(period, rec)
        self._call(lib.sp_pool_set_availability, _text(staff, rec, "staff"), index,
                   _number(hours, rec, "hours"))
        self._records["availability"].append({"staff": staff, "period": index, "hours": hours})

    def add_demand(self, partner: str, skill: str, period: Period, hours: float,
                   site: Optional[str] = None, min_level: int = 1, priority: str = "core",
                   local_only: bool = False) -> None:
        """Hours of ``skill`` that ``partner`` needs in ``period`` at ``site`` (default: the
        partner's first site)."""
        rec = f"demand '#{len(self._records['demand'])}'"
        if priority not in PRIORITIES:
            raise ValidationError(f"{rec}: priority: unknown priority {priority!r} (use "
                                  f"{', '.join(PRIORITIES)})", rec, "priority")
        if isinstance(local_only, str) or local_only not in (0, 1):
            raise ValidationError(f"{rec}: local_only: must be true or false (got "
                                  f"{local_only!r})", rec, "local_only")
        index = self.period_index(period, rec)
        site_bytes = None if _missing(site) else _text(site, rec, "site")
        self._call(lib.sp_pool_add_demand, _text(partner, rec, "partner"),
                   site_bytes or ffi.NULL, _text(skill, rec, "skill"), index,
                   _number(hours, rec, "hours"), _integer(min_level, rec, "min_level"),
                   PRIORITIES.index(priority), int(bool(local_only)))
        self._records["demand"].append({
            "partner": partner, "site": None if _missing(site) else site, "skill": skill,
            "period": index, "hours": hours, "min_level": int(min_level), "priority": priority,
            "local_only": bool(local_only)})

    def set_resilience(self, partner: str, skill: str, min_people: int = 0,
                       max_share: float = 1.0) -> None:
        """At least ``min_people`` distinct people serve (partner, skill) over the horizon, and
        nobody carries more than ``max_share`` of its demand."""
        rec = f"resilience {partner!r}"
        self._call(lib.sp_pool_set_resilience, _text(partner, rec, "partner"),
                   _text(skill, rec, "skill"), _integer(min_people, rec, "min_people"),
                   _number(max_share, rec, "max_share"))
        self._records["resilience"].append({"partner": partner, "skill": skill,
                                            "min_people": int(min_people),
                                            "max_share": float(max_share)})

    # ---- views -------------------------------------------------------------------------------

    def records(self, kind: str) -> list:
        """A copy of the records of one list (``"staff"``, ``"demand"``, ...)."""
        if kind not in self._records:
            raise KeyError(f"unknown list {kind!r}; lists are {', '.join(LISTS)}")
        return json.loads(json.dumps(self._records[kind]))

    def __len__(self) -> int:
        return len(self._records["staff"])

    def __repr__(self) -> str:
        r = self._records
        return (f"<Pool {self.name!r}: {len(r['partners'])} partners, {len(r['staff'])} staff, "
                f"{len(r['skills'])} skills, {self.periods} periods, {len(r['demand'])} demand "
                f"records>")

    def _repr_html_(self) -> str:
        """A compact summary for notebooks (staffpool.html)."""
        from .html import pool_html

        return pool_html(self)

    def to_dict(self) -> dict:
        """The pool as a scenario (docs/scenario-format.md)."""
        out: dict = {"format": SCENARIO_FORMAT, "version": SCENARIO_VERSION, "name": self.name,
                     "periods": self.periods}
        if self.period_labels:
            out["period_labels"] = list(self.period_labels)
        out["settings"] = self.settings
        for kind in LISTS:
            out[kind] = self.records(kind)
        return out

    def to_json(self, path: Union[str, os.PathLike]) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_dict(), f, indent=1)
            f.write("\n")

    def to_frames(self) -> dict:
        """One pandas DataFrame per list, with the scenario's field names as columns."""
        from .frames import pool_to_frames

        return pool_to_frames(self)

    # ---- constructors ------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, scenario: Mapping[str, Any]) -> "Pool":
        """Builds a pool from a scenario dict (docs/scenario-format.md)."""
        from .scenario import pool_from_dict

        return pool_from_dict(cls, scenario)

    @classmethod
    def from_json(cls, path: Union[str, os.PathLike]) -> "Pool":
        """Reads a scenario file (docs/scenario-format.md)."""
        try:
            with open(path, encoding="utf-8") as f:
                scenario = json.load(f)
        except json.JSONDecodeError as e:
            raise ValidationError(f"{os.fspath(path)}: line {e.lineno}, column {e.colno}: "
                                  f"not valid JSON: {e.msg}", os.fspath(path), "") from None
        return cls.from_dict(scenario)

    @classmethod
    def from_frames(cls, **frames: Any) -> "Pool":
        """Builds a pool from DataFrames; see ``staffpool.frames.pool_from_frames``."""
        from .frames import pool_from_frames

        return pool_from_frames(cls, **frames)

    @classmethod
    def demo(cls) -> "Pool":
        """The shipped demo: seven councils pooling regulatory services over 13 weeks."""
        return cls.from_json(os.path.join(os.path.dirname(__file__), "data", "demo.json"))

    def solve(self, **options: Any) -> "Any":
        """Solves the pooled allocation; see ``staffpool.solve``."""
        from .solve import solve

        return solve(self, **options)
