"""Redeployment: at-risk staff matched to vacancies across partners (docs/redeployment.md).

A ``Redeployment`` is built record by record (or from a dict / JSON file / DataFrames); every record
is validated in C as it is added, and a bad one raises ValidationError naming the record and field.
``solve()`` runs the C model in a worker thread (Ctrl-C cancels it) and returns a
``RedeploymentResult`` of frozen dataclasses, each list with ``to_frame()``. ``compare()`` solves
several variants and returns one DataFrame side by side.

The problem keeps its records as plain data, so ``to_dict()`` gives back the input format and
variants (``with_rules``, ``without``) are rebuilt from it. No optimisation logic lives here.
"""
from __future__ import annotations

import copy as _copy
import dataclasses
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from ._native import ffi, lib
from .errors import ValidationError, raise_for
from .results import Records, Term, records
from .progress import ProgressArg
from .solve import STATUS, STOP, _s, run_cancellable, solve_options, with_progress
from .values import flag as _flag
from .values import integer as _integer
from .values import missing as _missing
from .values import number as _number
from .values import text as _text

FORMAT = "staffpool-redeployment"
VERSION = 1
KINDS = ("open", "natural_wastage", "expected")
TERMS = ("redundancies", "net_cost", "relocations", "misfit")
RULES = ("grades_down", "grades_up", "period_weeks", "training_limit_weeks", "trial_weeks",
         "protection_periods", "redundancy_cost", "relocation_cost", "travel_speed_kmh",
         "excess_travel_cost", "excess_travel_periods", "waiting_cost_share")
INT_RULES = {"grades_down", "grades_up", "protection_periods", "excess_travel_periods"}
LISTS = ("partners", "sites", "travel_minutes", "skills", "people", "vacancies", "leaving_rates",
         "routes")
FIELDS = {
    "partners": ({"id"}, {"name"}),
    "sites": ({"id", "partner", "lat", "lon"}, {"name"}),
    "travel_minutes": ({"from", "to", "minutes"}, set()),
    "skills": ({"id"}, {"name"}),
    "people": ({"id", "partner", "site", "grade", "pay", "hours"},
               {"name", "post", "skills", "home_site", "home_lat", "home_lon",
                "max_travel_minutes", "relocate", "post_ends", "redundancy_cost", "preferences"}),
    "vacancies": ({"id", "partner", "skill", "grade", "pay", "hours"},
                  {"name", "site", "min_level", "start", "natural_wastage"}),
    "leaving_rates": ({"id", "partner", "skill", "grade", "pay", "hours", "headcount",
                       "annual_rate"}, {"site", "min_level"}),
    "routes": ({"from_skill", "from_level", "to_skill", "to_level", "weeks", "cost"}, set()),
}
TOP_LEVEL = {"format", "version", "name", "periods", "period_labels", "grades", "rules", *FIELDS}

Period = Union[int, str]


def default_rules() -> Dict[str, Any]:
    """The C defaults of every rule (docs/redeployment.md "Rules")."""
    rules = ffi.new("sp_redeploy_rules *")
    lib.sp_redeploy_rules_init(rules)
    return {name: getattr(rules, name) for name in RULES}





def _check_fields(kind: str, index: int, record: Any) -> None:
    label = f"{kind} #{index}"
    if not isinstance(record, Mapping):
        raise ValidationError(f"{label}: must be an object (got {type(record).__name__})", label, "")
    required, optional = FIELDS[kind]
    key = record.get("id", record.get("from_skill"))
    if key is not None:
        label += f" ({key!r})"
    for name in sorted(required - set(record)):
        raise ValidationError(f"{label}: {name}: is required", label, name)
    for name in sorted(set(record) - required - optional):
        raise ValidationError(f"{label}: {name}: unknown field (expected one of "
                              f"{', '.join(sorted(required | optional))})", label, name)


class Redeployment:
    """A reorganisation: at-risk people, vacancies, leaving rates, retraining routes and rules.

    >>> rd = Redeployment(periods=13, grades=["so1", "so2", "po1"])
    >>> rd.add_partner("A"); rd.add_site("A1", "A", lat=52.5, lon=-1.2); rd.add_skill("food")
    >>> rd.add_person("P1", "A", "A1", grade="so2", pay=2600, hours=37, skills={"food": 3})
    >>> rd.add_vacancy("V1", "A", "food", grade="so2", pay=2600, hours=37, start=2)
    >>> result = rd.solve()
    """

    def __init__(self, periods: int, period_labels: Optional[Sequence[str]] = None,
                 grades: Optional[Sequence[str]] = None, name: str = "") -> None:
        periods = _integer(periods, "redeployment", "periods")
        err = ffi.new("sp_error *")
        out = ffi.new("sp_redeploy **")
        raise_for(lib.sp_redeploy_new(out, periods, err), err)
        self._ptr = ffi.gc(out[0], lib.sp_redeploy_free)
        self.name = name
        self.periods = periods
        if period_labels is not None:
            period_labels = [str(x) for x in period_labels]
            if len(period_labels) != periods or len(set(period_labels)) != periods:
                raise ValidationError(f"redeployment: period_labels: need {periods} distinct "
                                      f"labels (got {len(period_labels)})", "redeployment",
                                      "period_labels")
        self.period_labels = period_labels
        if grades is not None:
            grades = [str(g) for g in grades]
            if not grades or len(set(grades)) != len(grades):
                raise ValidationError("redeployment: grades: need distinct grade names, lowest "
                                      "first", "redeployment", "grades")
        self.grades = grades
        self._rules = default_rules()
        self._records: Dict[str, list] = {kind: [] for kind in LISTS}

    # ---- helpers -------------------------------------------------------------------------------

    def _call(self, fn: Any, *args: Any) -> None:
        err = ffi.new("sp_error *")
        raise_for(fn(self._ptr, *args, err), err)

    def period_index(self, period: Period, record: str, field: str) -> int:
        if isinstance(period, str):
            if self.period_labels and period in self.period_labels:
                return self.period_labels.index(period)
            raise ValidationError(f"{record}: {field}: unknown period label {period!r}", record,
                                  field)
        return _integer(period, record, field)

    def period_label(self, index: int) -> Period:
        return self.period_labels[index] if self.period_labels and 0 <= index < self.periods \
            else index

    def grade_rank(self, grade: Any, record: str, field: str = "grade") -> int:
        """A grade name's rank (1 = lowest of ``grades``), or a whole number as given."""
        if isinstance(grade, str):
            if self.grades and grade in self.grades:
                return self.grades.index(grade) + 1
            known = f" (grades are {', '.join(self.grades)})" if self.grades else \
                " (no grade names were given: use whole numbers, higher is more senior)"
            raise ValidationError(f"{record}: {field}: unknown grade {grade!r}{known}", record,
                                  field)
        return _integer(grade, record, field)

    def grade_label(self, rank: int) -> Union[int, str]:
        return self.grades[rank - 1] if self.grades and 1 <= rank <= len(self.grades) else rank

    # ---- rules ---------------------------------------------------------------------------------

    def set_rules(self, **rules: Any) -> None:
        """Changes rules by name (docs/redeployment.md "Rules"); others keep their value."""
        new = dict(self._rules)
        for name, value in rules.items():
            if name not in RULES:
                raise ValidationError(f"rules: {name}: unknown rule (rules are "
                                      f"{', '.join(RULES)})", "rules", name)
            new[name] = _integer(value, "rules", name) if name in INT_RULES else \
                _number(value, "rules", name)
        c_rules = ffi.new("sp_redeploy_rules *")
        for name, value in new.items():
            setattr(c_rules, name, value)
        self._call(lib.sp_redeploy_set_rules, c_rules)
        self._rules = new

    @property
    def rules(self) -> Dict[str, Any]:
        return dict(self._rules)

    # ---- records -------------------------------------------------------------------------------

    def add_partner(self, id: str, name: Optional[str] = None) -> None:
        self._call(lib.sp_redeploy_add_partner, _text(id, "partner", "id"))
        self._records["partners"].append({"id": id, "name": name or id})

    def add_site(self, id: str, partner: str, lat: float, lon: float,
                 name: Optional[str] = None) -> None:
        rec = f"site {id!r}"
        self._call(lib.sp_redeploy_add_site, _text(id, "site", "id"),
                   _text(partner, rec, "partner"), _number(lat, rec, "lat"),
                   _number(lon, rec, "lon"))
        self._records["sites"].append({"id": id, "partner": partner, "name": name or id,
                                       "lat": lat, "lon": lon})

    def set_travel_minutes(self, from_site: str, to_site: str, minutes: float) -> None:
        rec = f"travel_minutes {from_site!r}"
        self._call(lib.sp_redeploy_set_travel_minutes, _text(from_site, rec, "from"),
                   _text(to_site, rec, "to"), _number(minutes, rec, "minutes"))
        self._records["travel_minutes"].append({"from": from_site, "to": to_site,
                                                "minutes": minutes})

    def add_skill(self, id: str, name: Optional[str] = None) -> None:
        self._call(lib.sp_redeploy_add_skill, _text(id, "skill", "id"))
        self._records["skills"].append({"id": id, "name": name or id})

    def add_person(self, id: str, partner: str, site: str, grade: Union[int, str], pay: float,
                   hours: float, skills: Optional[Mapping[str, int]] = None,
                   post: Optional[str] = None, name: Optional[str] = None,
                   home_site: Optional[str] = None, home_lat: Optional[float] = None,
                   home_lon: Optional[float] = None, max_travel_minutes: Optional[float] = None,
                   relocate: bool = False, post_ends: Period = 0,
                   redundancy_cost: Optional[float] = None,
                   preferences: Optional[Iterable[str]] = None) -> None:
        """A person at risk. ``pay`` is per period, ``hours`` per week; ``post_ends`` is the
        first period without their post; ``max_travel_minutes`` None is unlimited;
        ``redundancy_cost`` None uses the rule; ``preferences`` lists partners, most preferred
        first."""
        rec = f"person {id!r}"
        keep: List[Any] = []

        def cstr(value: Optional[bytes]) -> Any:
            if value is None:
                return ffi.NULL
            buf = ffi.new("char[]", value)
            keep.append(buf)
            return buf

        p = ffi.new("sp_redeploy_person *")
        lib.sp_redeploy_person_init(p)
        p.id = cstr(_text(id, "person", "id"))
        p.partner_id = cstr(_text(partner, rec, "partner"))
        p.post_id = cstr(_text(post, rec, "post", False))
        p.site_id = cstr(_text(site, rec, "site"))
        p.home_site_id = cstr(_text(home_site, rec, "home_site", False))
        if not _missing(home_lat):
            p.home_lat = _number(home_lat, rec, "home_lat")
        if not _missing(home_lon):
            p.home_lon = _number(home_lon, rec, "home_lon")
        p.grade = self.grade_rank(grade, rec)
        p.pay = _number(pay, rec, "pay")
        p.hours = _number(hours, rec, "hours")
        if not _missing(max_travel_minutes):
            travel = _number(max_travel_minutes, rec, "max_travel_minutes")
            if travel < 0:
                raise ValidationError(f"{rec}: max_travel_minutes: must be >= 0 or null (got "
                                      f"{max_travel_minutes!r})", rec, "max_travel_minutes")
            p.max_travel_minutes = travel
        p.relocate = int(_flag(relocate, rec, "relocate"))
        p.post_ends = self.period_index(post_ends, rec, "post_ends")
        if not _missing(redundancy_cost):
            cost = _number(redundancy_cost, rec, "redundancy_cost")
            if cost < 0:
                raise ValidationError(f"{rec}: redundancy_cost: must be >= 0 or null (got "
                                      f"{redundancy_cost!r})", rec, "redundancy_cost")
            p.redundancy_cost = cost
        skills = dict(skills or {})
        preferences = [] if preferences is None else list(preferences)
        if isinstance(skills, str) or not all(isinstance(k, str) for k in skills):
            raise ValidationError(f"{rec}: skills: must map skill ids to levels", rec, "skills")
        levels = {skill: _integer(level, rec, "skills") for skill, level in skills.items()}
        prefs = [_text(partner_id, rec, "preferences") for partner_id in preferences]
        self._call(lib.sp_redeploy_add_person, p)
        try:
            for skill, level in levels.items():
                self._call(lib.sp_redeploy_add_person_skill, p.id,
                           _text(skill, rec, "skills"), level)
            for partner_id in prefs:
                self._call(lib.sp_redeploy_add_preference, p.id, partner_id)
        except ValidationError:
            # The person is in the C problem already: rebuild without them, so that a refused
            # record leaves the problem as it was.
            self._rebuild_from(self.to_dict())
            raise
        self._records["people"].append({
            "id": id, "name": name or id, "partner": partner, "post": post, "site": site,
            "grade": grade, "pay": pay, "hours": hours, "skills": skills,
            "home_site": home_site, "home_lat": None if _missing(home_lat) else home_lat,
            "home_lon": None if _missing(home_lon) else home_lon,
            "max_travel_minutes": None if _missing(max_travel_minutes) else max_travel_minutes,
            "relocate": bool(relocate), "post_ends": p.post_ends,
            "redundancy_cost": None if _missing(redundancy_cost) else redundancy_cost,
            "preferences": list(preferences)})

    def _post_fields(self, rec: str, partner: str, site: Optional[str], skill: str,
                     min_level: int, grade: Any, pay: float, hours: float, c: Any,
                     keep: list) -> None:
        def cstr(value: Optional[bytes]) -> Any:
            if value is None:
                return ffi.NULL
            buf = ffi.new("char[]", value)
            keep.append(buf)
            return buf

        c.partner_id = cstr(_text(partner, rec, "partner"))
        c.site_id = cstr(_text(site, rec, "site", False))
        c.skill_id = cstr(_text(skill, rec, "skill"))
        c.min_level = _integer(min_level, rec, "min_level")
        c.grade = self.grade_rank(grade, rec)
        c.pay = _number(pay, rec, "pay")
        c.hours = _number(hours, rec, "hours")

    def add_vacancy(self, id: str, partner: str, skill: str, grade: Union[int, str], pay: float,
                    hours: float, start: Period = 0, site: Optional[str] = None,
                    min_level: int = 1, natural_wastage: bool = False,
                    name: Optional[str] = None) -> None:
        """A vacant post from period ``start``; ``natural_wastage`` marks a post that opens
        through a known leaver or retirement. ``site`` None is the partner's first site."""
        rec = f"vacancy {id!r}"
        keep: list = []
        v = ffi.new("sp_redeploy_vacancy *")
        lib.sp_redeploy_vacancy_init(v)
        ident = ffi.new("char[]", _text(id, "vacancy", "id"))
        v.id = ident
        self._post_fields(rec, partner, site, skill, min_level, grade, pay, hours, v, keep)
        v.start = self.period_index(start, rec, "start")
        v.kind = lib.SP_VACANCY_WASTAGE if _flag(natural_wastage, rec, "natural_wastage") \
            else lib.SP_VACANCY_OPEN
        self._call(lib.sp_redeploy_add_vacancy, v)
        self._records["vacancies"].append({
            "id": id, "name": name or id, "partner": partner, "site": site, "skill": skill,
            "min_level": int(min_level), "grade": grade, "pay": pay, "hours": hours,
            "start": v.start, "natural_wastage": bool(natural_wastage)})

    def add_leaving_rate(self, id: str, partner: str, grade: Union[int, str], headcount: float,
                         annual_rate: float, skill: str, pay: float, hours: float,
                         site: Optional[str] = None, min_level: int = 1) -> None:
        """Expected leavers among ``headcount`` staff (not at risk) at ``partner`` and
        ``grade``; their posts (``skill`` at ``min_level``, ``pay``, ``hours``) open as expected
        vacancies "<id>#1", "<id>#2", ... (docs/redeployment.md "Expected vacancies")."""
        rec = f"leaving_rate {id!r}"
        keep: list = []
        c = ffi.new("sp_redeploy_leaving *")
        lib.sp_redeploy_leaving_init(c)
        ident = ffi.new("char[]", _text(id, "leaving_rate", "id"))
        c.id = ident
        self._post_fields(rec, partner, site, skill, min_level, grade, pay, hours, c, keep)
        c.headcount = _number(headcount, rec, "headcount")
        c.annual_rate = _number(annual_rate, rec, "annual_rate")
        self._call(lib.sp_redeploy_add_leaving, c)
        self._records["leaving_rates"].append({
            "id": id, "partner": partner, "site": site, "skill": skill,
            "min_level": int(min_level), "grade": grade, "pay": pay, "hours": hours,
            "headcount": headcount, "annual_rate": annual_rate})

    def add_route(self, from_skill: str, from_level: int, to_skill: str, to_level: int,
                  weeks: float, cost: float) -> None:
        """Retraining: holding ``from_skill`` at ``from_level`` or above, reach ``to_skill`` at
        ``to_level`` in ``weeks`` for ``cost``."""
        rec = f"route '#{len(self._records['routes'])}'"
        self._call(lib.sp_redeploy_add_route, _text(from_skill, rec, "from_skill"),
                   _integer(from_level, rec, "from_level"), _text(to_skill, rec, "to_skill"),
                   _integer(to_level, rec, "to_level"), _number(weeks, rec, "weeks"),
                   _number(cost, rec, "cost"))
        self._records["routes"].append({"from_skill": from_skill, "from_level": int(from_level),
                                        "to_skill": to_skill, "to_level": int(to_level),
                                        "weeks": weeks, "cost": cost})

    # ---- views ---------------------------------------------------------------------------------

    def records(self, kind: str) -> list:
        """A copy of one list's records (``"people"``, ``"vacancies"``, ...)."""
        if kind not in self._records:
            raise KeyError(f"unknown list {kind!r}; lists are {', '.join(LISTS)}")
        return _copy.deepcopy(self._records[kind])

    def __repr__(self) -> str:
        r = self._records
        return (f"<Redeployment {self.name!r}: {len(r['people'])} at risk, "
                f"{len(r['vacancies'])} vacancies, {len(r['leaving_rates'])} leaving rates, "
                f"{len(r['routes'])} routes, {self.periods} periods>")

    def to_dict(self) -> dict:
        """The problem in the input format of docs/redeployment.md."""
        out: dict = {"format": FORMAT, "version": VERSION, "name": self.name,
                     "periods": self.periods}
        if self.period_labels:
            out["period_labels"] = list(self.period_labels)
        if self.grades:
            out["grades"] = list(self.grades)
        out["rules"] = self.rules
        for kind in LISTS:
            recs = self.records(kind)
            out[kind] = [{k: v for k, v in rec.items() if v is not None} for rec in recs]
        return out

    def to_json(self, path: Union[str, os.PathLike]) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_dict(), f, indent=1)
            f.write("\n")

    def to_frames(self) -> Dict[str, Any]:
        """One DataFrame per list; people's skills and preferences as long frames."""
        import pandas as pd

        d = self.to_dict()
        frames = {kind: pd.DataFrame(d[kind]) for kind in LISTS if kind != "people"}
        people = [{k: v for k, v in p.items() if k not in ("skills", "preferences")}
                  for p in d["people"]]
        frames["people"] = pd.DataFrame(people)
        frames["person_skills"] = pd.DataFrame(
            [(p["id"], k, lvl) for p in d["people"] for k, lvl in p.get("skills", {}).items()],
            columns=["person", "skill", "level"])
        frames["preferences"] = pd.DataFrame(
            [(p["id"], partner, rank + 1) for p in d["people"]
             for rank, partner in enumerate(p.get("preferences", []))],
            columns=["person", "partner", "rank"])
        return frames

    def _rebuild_from(self, data: Mapping[str, Any]) -> None:
        fresh = type(self).from_dict(data)
        self._ptr, self._records, self._rules = fresh._ptr, fresh._records, fresh._rules

    # ---- constructors and variants -------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Redeployment":
        """Builds a problem from the input format of docs/redeployment.md. Unknown fields are
        errors, so a misspelt field is reported rather than ignored."""
        if not isinstance(data, Mapping):
            raise ValidationError("redeployment: must be an object", "redeployment", "")
        for key in sorted(set(data) - TOP_LEVEL):
            raise ValidationError(f"redeployment: {key}: unknown field", "redeployment", key)
        if data.get("format", FORMAT) != FORMAT:
            raise ValidationError(f"redeployment: format: expected {FORMAT!r} (got "
                                  f"{data.get('format')!r})", "redeployment", "format")
        if data.get("version", VERSION) != VERSION:
            raise ValidationError(f"redeployment: version: only version {VERSION} is known (got "
                                  f"{data.get('version')!r})", "redeployment", "version")
        if "periods" not in data:
            raise ValidationError("redeployment: periods: is required", "redeployment", "periods")
        rd = cls(data["periods"], data.get("period_labels"), data.get("grades"),
                 data.get("name", ""))
        rules = data.get("rules") or {}
        if not isinstance(rules, Mapping):
            raise ValidationError("redeployment: rules: must be an object", "rules", "")
        rd.set_rules(**rules)
        adders = {
            "partners": lambda r: rd.add_partner(r["id"], r.get("name")),
            "sites": lambda r: rd.add_site(r["id"], r["partner"], r["lat"], r["lon"],
                                           r.get("name")),
            "travel_minutes": lambda r: rd.set_travel_minutes(r["from"], r["to"], r["minutes"]),
            "skills": lambda r: rd.add_skill(r["id"], r.get("name")),
            "people": lambda r: rd.add_person(**r),
            "vacancies": lambda r: rd.add_vacancy(**r),
            "leaving_rates": lambda r: rd.add_leaving_rate(**r),
            "routes": lambda r: rd.add_route(**r),
        }
        for kind in LISTS:
            items = data.get(kind)
            if items is None:
                continue
            if not isinstance(items, list):
                raise ValidationError(f"redeployment: {kind}: must be a list", "redeployment", kind)
            for index, record in enumerate(items):
                _check_fields(kind, index, record)
                adders[kind](record)
        return rd

    @classmethod
    def from_json(cls, path: Union[str, os.PathLike]) -> "Redeployment":
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except json.JSONDecodeError as e:
            raise ValidationError(f"{os.fspath(path)}: line {e.lineno}, column {e.colno}: "
                                  f"not valid JSON: {e.msg}", os.fspath(path), "") from None
        return cls.from_dict(data)

    @classmethod
    def from_frames(cls, *, periods: int, partners: Any, sites: Any, skills: Any, people: Any,
                    vacancies: Any = None, person_skills: Any = None, preferences: Any = None,
                    leaving_rates: Any = None, routes: Any = None, travel_minutes: Any = None,
                    rules: Optional[Mapping[str, Any]] = None,
                    grades: Optional[Sequence[str]] = None,
                    period_labels: Optional[Sequence[str]] = None,
                    name: str = "") -> "Redeployment":
        """Builds a problem from DataFrames whose columns are the input format's field names;
        ``person_skills`` (person, skill, level) and ``preferences`` (person, partner, rank) are
        long frames. Empty cells are fields left out."""
        from .frames import _rows

        data: dict = {"periods": periods, "name": name, "rules": dict(rules or {})}
        if grades is not None:
            data["grades"] = list(grades)
        if period_labels is not None:
            data["period_labels"] = list(period_labels)
        for kind, frame in (("partners", partners), ("sites", sites), ("skills", skills),
                            ("vacancies", vacancies), ("leaving_rates", leaving_rates),
                            ("routes", routes), ("travel_minutes", travel_minutes)):
            data[kind] = _rows(frame, kind)
        data["people"] = [dict(r) for r in _rows(people, "people")]
        by_id = {p.get("id"): p for p in data["people"]}
        for row in _rows(person_skills, "person_skills"):
            person = by_id.get(row.get("person"))
            if person is None:
                raise ValidationError(f"person_skills: person: unknown person "
                                      f"{row.get('person')!r}", "person_skills", "person")
            person.setdefault("skills", {})[row.get("skill")] = row.get("level")
        prefs = sorted(_rows(preferences, "preferences"), key=lambda r: r.get("rank", 0))
        for row in prefs:
            person = by_id.get(row.get("person"))
            if person is None:
                raise ValidationError(f"preferences: person: unknown person "
                                      f"{row.get('person')!r}", "preferences", "person")
            person.setdefault("preferences", []).append(row.get("partner"))
        return cls.from_dict(data)

    @classmethod
    def demo(cls) -> "Redeployment":
        """The shipped reorganisation: Wrenshire's merged management team (docs/redeployment.md)."""
        return cls.from_json(os.path.join(os.path.dirname(__file__), "data", "demo_reorg.json"))

    def copy(self) -> "Redeployment":
        return type(self).from_dict(self.to_dict())

    def with_rules(self, **rules: Any) -> "Redeployment":
        """A copy with some rules changed."""
        other = self.copy()
        other.set_rules(**rules)
        return other

    def without(self, partners: Iterable[str] = (), vacancies: Iterable[str] = (),
                people: Iterable[str] = (), leaving_rates: Iterable[str] = ()) -> "Redeployment":
        """A copy without some vacancies, people or leaving rates; a partner listed here
        withdraws its vacancies and leaving rates (its at-risk people stay in scope)."""
        partners, vacancies = set(partners), set(vacancies)
        people, leaving_rates = set(people), set(leaving_rates)
        d = self.to_dict()
        d["vacancies"] = [v for v in d["vacancies"]
                          if v["id"] not in vacancies and v["partner"] not in partners]
        d["leaving_rates"] = [r for r in d["leaving_rates"]
                              if r["id"] not in leaving_rates and r["partner"] not in partners]
        d["people"] = [p for p in d["people"] if p["id"] not in people]
        return type(self).from_dict(d)

    # ---- solving -------------------------------------------------------------------------------

    def solve(self, time_limit: Optional[float] = None, gap: float = 1e-6,
              log_level: int = 0, progress: ProgressArg = None) -> "RedeploymentResult":
        """Solves in strict order (docs/redeployment.md); see ``staffpool.solve`` for the options
        (``progress`` names the stages as TERMS). Ctrl-C stops the solve promptly and raises
        KeyboardInterrupt."""
        return solve_redeployment(self, time_limit=time_limit, gap=gap, log_level=log_level,
                                  progress=progress)


# ---- results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """One person's outcome: a post (with what it takes) or redundancy with its true reason."""
    person: str
    name: str
    partner: str
    post: Optional[str]
    grade: Union[int, str]
    outcome: str                       # "redeployed" or "redundant"
    vacancy: Optional[str]
    vacancy_partner: Optional[str]
    vacancy_site: Optional[str]
    vacancy_kind: Optional[str]        # "open", "natural_wastage", "expected"
    start: Optional[Period]
    new_grade: Optional[Union[int, str]]
    grade_change: int
    route: Optional[str]               # e.g. "noise 2 -> noise 3"
    training_weeks: float
    training_cost: float
    protection_cost: float
    travel_minutes: float
    travel_cost: float
    relocated: bool
    relocation_cost: float
    waiting_periods: int
    pool_hours: float
    waiting_cost: float
    cost: float
    redundancy_cost: float
    misfit: float
    reason: str                        # "none" when redeployed
    explanation: str
    suitable_posts: int
    detail: str


@dataclass(frozen=True)
class VacancyFill:
    """One vacancy (expected ones included) and who fills it."""
    vacancy: str
    partner: str
    site: str
    skill: str
    min_level: int
    grade: Union[int, str]
    start: Period
    kind: str
    person: Optional[str]
    candidates: int


@dataclass(frozen=True)
class PoolWork:
    """Hours an at-risk person can give the pool in one period while waiting for their post."""
    person: str
    partner: str
    period: Period
    hours: float


@dataclass(frozen=True)
class RedeploymentTotals:
    people: int
    redeployed: int
    redundant: int
    relocations: int
    retrained: int
    protected_pay: int
    waiting: int
    vacancies: int
    expected_vacancies: int
    filled: int
    training_cost: float
    protection_cost: float
    travel_cost: float
    relocation_cost: float
    waiting_cost: float
    cost_of_avoiding: float
    redundancy_cost_avoided: float
    redundancy_cost_incurred: float
    net_cost: float
    pool_hours: float
    misfit: float

    def as_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RedeploymentObjective:
    """The four terms in their strict order."""
    redundancies: float
    net_cost: float
    relocations: float
    misfit: float
    terms: Dict[str, Term] = field(compare=False)

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([(name, t.value, t.bound, t.gap) for name, t in self.terms.items()],
                            columns=["term", "value", "bound", "gap"]).set_index("term")


@dataclass(frozen=True)
class RedeploymentResult:
    """One solve. ``status`` is "optimal", "feasible" (see ``gap``, ``stopped_by``) or
    "no_solution" (stopped before any plan; outcomes are then empty)."""
    name: str
    status: str
    stopped_by: Optional[str]
    gap: float
    seconds: float
    objective: RedeploymentObjective
    outcomes: Records
    vacancies: Records
    totals: RedeploymentTotals
    model_size: Dict[str, int]
    pool_work: Records

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def redundancies(self) -> Records:
        return records(Outcome, [o for o in self.outcomes if o.outcome == "redundant"])

    def to_frame(self) -> Any:
        """One row per person."""
        return self.outcomes.to_frame()

    def reasons(self) -> Dict[str, int]:
        """Redundancies per reason."""
        counts: Dict[str, int] = {}
        for o in self.outcomes:
            if o.outcome == "redundant":
                counts[o.reason] = counts.get(o.reason, 0) + 1
        return counts

    def summary_row(self) -> Dict[str, Any]:
        """The figures ``compare`` puts side by side."""
        row: Dict[str, Any] = {"status": self.status, "gap": self.gap,
                               "seconds": round(self.seconds, 3)}
        row.update(self.totals.as_dict())
        for reason, count in sorted(self.reasons().items()):
            row[f"redundant: {reason}"] = count
        return row

    def summary(self) -> str:
        """A plain-text report."""
        t = self.totals
        lines = [f"Redeployment {self.name!r}: {self.status}"
                 + ("" if self.status == "optimal" else f" (gap {self.gap:.2%})")
                 + f", {self.seconds:.2f} s"]
        if not self.has_plan:
            return lines[0] + "\nno plan"
        lines.append(f"  {t.people} at risk: {t.redeployed} redeployed, {t.redundant} compulsory "
                     f"redundancies; {t.relocations} relocations, {t.retrained} retrained, "
                     f"{t.waiting} wait for their post ({t.pool_hours:,.0f} pool hours)")
        lines.append(f"  vacancies: {t.vacancies} ({t.expected_vacancies} expected from leaving "
                     f"rates), {t.filled} filled")
        lines.append(f"  cost of avoiding redundancy {t.cost_of_avoiding:,.0f} (training "
                     f"{t.training_cost:,.0f}, pay protection {t.protection_cost:,.0f}, travel "
                     f"{t.travel_cost:,.0f}, relocation {t.relocation_cost:,.0f}, waiting "
                     f"{t.waiting_cost:,.0f})")
        lines.append(f"  redundancy cost avoided {t.redundancy_cost_avoided:,.0f}; incurred "
                     f"{t.redundancy_cost_incurred:,.0f}; net {t.net_cost:,.0f}")
        for o in self.outcomes:
            if o.outcome == "redundant":
                lines.append(f"  REDUNDANT {o.person} ({o.partner}): {o.reason}: {o.detail}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        t = self.totals
        return (f"<RedeploymentResult {self.status}: {t.redeployed} redeployed, {t.redundant} "
                f"redundant, net cost {t.net_cost:,.0f}, {self.seconds:.2f} s>")

    def _repr_html_(self) -> str:
        """A compact summary for notebooks (staffpool.html)."""
        from .html import redeployment_html

        return redeployment_html(self)


def solve_redeployment(rd: Redeployment, time_limit: Optional[float] = None, gap: float = 1e-6,
                       log_level: int = 0, progress: ProgressArg = None) -> RedeploymentResult:
    """Solves ``rd`` in a worker thread; Ctrl-C raises the C cancel flag and re-raises."""
    opts, cancel = solve_options(time_limit, gap, log_level)
    wait = with_progress(opts, TERMS, progress)
    err = ffi.new("sp_error *")
    out = ffi.new("sp_redeploy_result **")
    rc = run_cancellable(lambda: lib.sp_redeploy_solve(out, rd._ptr, opts, err), cancel,
                         lambda: lib.sp_redeploy_result_free(out[0]), wait)
    raise_for(rc, err)
    res = ffi.gc(out[0], lib.sp_redeploy_result_free)
    try:
        return _read_result(res, rd)
    finally:
        ffi.release(res)


def _read_result(res: Any, rd: Redeployment) -> RedeploymentResult:
    n = ffi.new("size_t *")
    people = {p["id"]: p for p in rd._records["people"]}
    label = rd.period_label
    outcomes = []
    arr = lib.sp_redeploy_result_outcomes(res, n)
    for o in (arr[i] for i in range(n[0])):
        pid = _s(o.person_id)
        person = people[pid]
        rank = rd.grade_rank(person["grade"], f"person {pid!r}")
        moved = bool(o.redeployed)
        route = None
        if o.route_from_skill != ffi.NULL:
            route = (f"{_s(o.route_from_skill)} {o.route_from_level} -> "
                     f"{_s(o.route_to_skill)} {o.route_to_level}")
        outcomes.append(Outcome(
            pid, person.get("name") or pid, _s(o.partner_id), _s(o.post_id), person["grade"],
            "redeployed" if moved else "redundant", _s(o.vacancy_id), _s(o.vacancy_partner_id),
            _s(o.vacancy_site_id), KINDS[o.vacancy_kind] if moved else None,
            label(o.start) if moved else None,
            rd.grade_label(rank + o.grade_change) if moved else None, o.grade_change, route,
            o.training_weeks, o.training_cost, o.protection_cost, o.travel_minutes,
            o.travel_cost, bool(o.relocated), o.relocation_cost, o.waiting_periods,
            o.pool_hours, o.waiting_cost, o.cost, o.redundancy_cost, o.misfit,
            _s(lib.sp_redeploy_reason_name(o.reason)),
            _s(lib.sp_redeploy_reason_text(o.reason)), o.suitable_posts, _s(o.detail)))
    arr = lib.sp_redeploy_result_fills(res, n)
    fills = [VacancyFill(_s(f.vacancy_id), _s(f.partner_id), _s(f.site_id), _s(f.skill_id),
                         f.min_level, rd.grade_label(f.grade), label(f.start), KINDS[f.kind],
                         _s(f.person_id), f.candidates)
             for f in (arr[i] for i in range(n[0]))]
    t = ffi.new("sp_redeploy_totals *")
    lib.sp_redeploy_result_totals(t, res)
    totals = RedeploymentTotals(*(getattr(t, f.name)
                                  for f in dataclasses.fields(RedeploymentTotals)))
    term = ffi.new("sp_term *")
    terms = {}
    for index, name in enumerate(TERMS):
        lib.sp_redeploy_result_term(term, res, index)
        terms[name] = Term(term.value, term.bound, term.gap)
    objective = RedeploymentObjective(*(terms[name].value for name in TERMS), terms=terms)
    weeks = rd.rules["period_weeks"]
    pool_work = []
    for o in outcomes:
        if o.outcome != "redeployed" or not o.waiting_periods:
            continue
        person = people[o.person]
        first = rd.period_index(o.start, "outcome", "start") - o.waiting_periods
        for t_index in range(first, first + o.waiting_periods):
            pool_work.append(PoolWork(o.person, o.partner, label(t_index),
                                      person["hours"] * weeks))
    return RedeploymentResult(
        name=rd.name,
        status=STATUS[lib.sp_redeploy_result_status(res)],
        stopped_by=STOP[lib.sp_redeploy_result_stop_reason(res)],
        gap=lib.sp_redeploy_result_gap(res),
        seconds=lib.sp_redeploy_result_seconds(res),
        objective=objective,
        outcomes=records(Outcome, outcomes),
        vacancies=records(VacancyFill, fills),
        totals=totals,
        model_size={"columns": lib.sp_redeploy_result_columns(res),
                    "rows": lib.sp_redeploy_result_rows(res),
                    "pairs": lib.sp_redeploy_result_pairs(res)},
        pool_work=records(PoolWork, pool_work),
    )


def compare(variants: Mapping[str, Union[Redeployment, RedeploymentResult]],
            **solve_options: Any) -> Any:
    """Solves each variant (or takes its result) and returns one DataFrame: one column per
    variant, one row per figure (status, totals, redundancies by reason).

    >>> base = Redeployment.demo()
    >>> compare({"policy": base, "two grades down": base.with_rules(grades_down=2),
    ...          "KSD withdraws": base.without(partners=["KSD"])})
    """
    import pandas as pd

    columns = {}
    for name, item in variants.items():
        result = item if isinstance(item, RedeploymentResult) else item.solve(**solve_options)
        columns[name] = result.summary_row()
    frame = pd.DataFrame(columns)
    reasons = sorted(r for r in frame.index if str(r).startswith("redundant: "))
    frame.loc[reasons] = frame.loc[reasons].fillna(0)
    return frame
