"""The rota of a database: builds a `staffpool.rota.Rota` from the rota tables (docs/schema.md
"Rotas") over a horizon of calendar dates, and turns its result into the rows the store writes.

The store (csrc/store_rota.c) reads and writes plain rows; this module only translates between
dated records and the engine's day indices (day 0 = the first date of the horizon). No
optimisation happens here: the engine decides everything, including which published assignments
to change. What is translated, and how:

- weekly cover templates apply to every date of their weekday; a ``rota_cover_dates`` row
  replaces the template of its (shift, site, skill) on that date;
- limits given per week / per 4 weeks are scaled to the horizon: minutes per week x (days the
  person is not absent) / 7 (minimum rounded down, maximum up), weekends and shifts per 4 weeks x
  days / 28 rounded up;
- absences and weekly days off are days off (hard); requests on those days are dropped (they
  cannot be granted or violated); an off-request without a shift is one off-request per shift
  type (a person works at most one shift a day, so its weight is paid once);
- the shift types whose rest gap is shorter than the ``min_rest_minutes`` setting may not follow
  each other on consecutive days (forbidden successions);
- published assignments (view ``rota_published``: for each date, the newest stored rota covering
  it) inside the horizon are handed to ``Rota.publish``, so that changing them costs
  ``weight_change`` each, and the first ``freeze_days`` days change only to fill a gap.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .errors import ValidationError

# rota_settings keys and their defaults (docs/schema.md "Rotas").
SETTINGS: Dict[str, float] = {
    "travel_speed_kmh": 40.0,
    "min_rest_minutes": 660.0,         # 11 hours between shifts (Working Time Regulations)
    "weight_change": 50.0,
    "weight_travel_per_minute": 0.0,
    "weight_fairness_nights": 0.0,
    "weight_fairness_weekends": 0.0,
    "weight_fairness_unpopular": 0.0,
    "freeze_days": 0.0,
    "time_limit": 0.0,                 # seconds for a solve without --time-limit; 0: none
}
MAX_DAYS = 3660


def parse_date(text: Any, where: str = "rota", field_name: str = "from") -> dt.date:
    """An ISO calendar date (YYYY-MM-DD); ValidationError naming where/field otherwise."""
    if isinstance(text, dt.date):
        return text
    try:
        value = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(f"{where}: {field_name}: must be a date YYYY-MM-DD (got "
                              f"{text!r})", where, field_name) from None
    if len(str(text).strip()) != 10:
        raise ValidationError(f"{where}: {field_name}: must be a date YYYY-MM-DD (got "
                              f"{text!r})", where, field_name)
    return value


def clock(minute: int) -> str:
    return "%02d:%02d" % divmod(int(minute), 60)


@dataclass
class Horizon:
    """The dates planned and what the result rows need to know of the inputs."""
    first: dt.date
    days: int
    freeze_days: int
    shifts: Dict[str, Dict[str, Any]]           # id -> rota_shifts record
    posts: Dict[str, List[Tuple[Optional[str], Optional[str]]]]
    contracts: Dict[str, Optional[str]]         # staff -> contract
    published: List[Dict[str, Any]] = field(default_factory=list)  # inside the horizon
    dropped_published: int = 0                  # published rows no longer expressible
    time_limit: float = 0.0                     # rota_settings time_limit (0: none)

    def date(self, day: int) -> str:
        return (self.first + dt.timedelta(days=int(day))).isoformat()

    def day(self, date: str) -> int:
        return (dt.date.fromisoformat(date) - self.first).days


def _fail(table: str, row: int, field_name: str, why: str) -> ValidationError:
    return ValidationError(f"table {table}, row {row}: {field_name}: {why}",
                           f"{table} row {row}", field_name)


def _kw(**pairs: Any) -> Dict[str, Any]:
    """Keyword arguments that are not None (older engines take fewer of them)."""
    return {k: v for k, v in pairs.items() if v is not None}


def _post_kw(posts: Dict[str, List[Tuple[Optional[str], Optional[str]]]], table: str,
             row: int, r: Dict[str, Any]) -> Dict[str, Any]:
    """site=/skill= for a record naming a post of its shift type: none when the shift type has a
    single post (it is implied), and an error when the post is not one the shift serves."""
    pairs = posts[r["shift"]] or [(None, None)]
    given = (r["site"], r["skill"])
    if len(pairs) == 1 and given in (pairs[0], (None, None)):
        return {}
    if given not in pairs:
        raise _fail(table, row, "site", f"shift {r['shift']!r} has no post ({given[0]}, "
                                        f"{given[1]}) (its posts: "
                                        f"{', '.join(f'({a}, {b})' for a, b in pairs)})")
    return _kw(site=r["site"], skill=r["skill"])


def _check_references(records: Dict[str, List[Dict[str, Any]]]) -> None:
    """The ids the rota tables name exist (the store's foreign keys check this on every save,
    but a database edited by hand with foreign keys off may not hold to it)."""
    known = {"staff": {r["staff"] for r in records["rota_staff"]},
             "shift": {r["id"] for r in records["rota_shifts"]},
             "site": {r["id"] for r in records["sites"]},
             "skill": {r["id"] for r in records["skills"]}}
    what = {"staff": "is not on the rota (rota_staff)", "shift": "is not a shift type",
            "site": "is not a site", "skill": "is not a skill"}
    pool_staff = {r["id"] for r in records["staff"]}
    for row, r in enumerate(records["rota_staff"], 1):
        if r["staff"] not in pool_staff:
            raise _fail("rota_staff", row, "staff", f"{r['staff']!r} is not in staff")
    for table in ("rota_shift_posts", "rota_cover", "rota_cover_dates", "rota_weekly_days_off",
                  "rota_max_shifts", "rota_absences", "rota_requests", "rota_pins"):
        for row, r in enumerate(records[table], 1):
            for column, ids in known.items():
                if r.get(column) is not None and r[column] not in ids:
                    raise _fail(table, row, column, f"{r[column]!r} {what[column]}")


def _settings(records: Sequence[Dict[str, Any]]) -> Dict[str, float]:
    out = dict(SETTINGS)
    for row, r in enumerate(records, 1):
        key, value = r["key"], r["value"]
        if key not in SETTINGS:
            raise _fail("rota_settings", row, "key", f"unknown setting {key!r} (expected "
                                                     f"{', '.join(SETTINGS)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not math.isfinite(value) or value < 0:
            raise _fail("rota_settings", row, "value", f"{key}: must be a number >= 0 (got "
                                                       f"{value!r})")
        out[key] = float(value)
    return out


def _shift_posts(records: Dict[str, List[Dict[str, Any]]]
                 ) -> Dict[str, List[Tuple[Optional[str], Optional[str]]]]:
    """Posts of each shift type; they must be every (site, skill) pair of the shift's sites and
    skills, which is what a shift type serves in the engine."""
    posts: Dict[str, List[Tuple[Optional[str], Optional[str]]]] = {
        s["id"]: [] for s in records["rota_shifts"]}
    for r in records["rota_shift_posts"]:
        posts[r["shift"]].append((r["site"], r["skill"]))
    for shift, pairs in posts.items():
        sites = sorted({p[0] for p in pairs}, key=str)
        skills = sorted({p[1] for p in pairs}, key=str)
        missing = [(a, b) for a in sites for b in skills if (a, b) not in pairs]
        if missing or (len(sites) > 1 and None in sites) or (len(skills) > 1 and None in skills):
            row = next(i for i, r in enumerate(records["rota_shift_posts"], 1)
                       if r["shift"] == shift)
            what = f"missing ({missing[0][0]}, {missing[0][1]})" if missing else \
                "a post without a site (or skill) beside posts with one"
            raise _fail("rota_shift_posts", row, "shift",
                        f"shift {shift!r}: its posts must be every (site, skill) pair of its "
                        f"sites and skills ({what})")
    return posts


def build(records: Dict[str, List[Dict[str, Any]]], first: Any, days: int,
          freeze_days: Optional[int] = None) -> Tuple[Any, Horizon]:
    """(engine Rota, Horizon) for the dates first .. first + days - 1 from the records of the
    rota's tables (table -> list of dicts, as `Store.records` gives them; "rota_published" holds
    the published assignments). Raises ValidationError naming the table, row and field."""
    from .rota import Rota

    first = parse_date(first)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"rota: days: must be 1..{MAX_DAYS} (got {days!r})", "rota",
                              "days")
    if not records["rota_shifts"]:
        raise ValidationError("rota_shifts: the database has no shift types (import "
                              "rota_shifts.csv, or `staffpool init --demo`)", "rota_shifts", "")
    if not records["rota_staff"]:
        raise ValidationError("rota_staff: nobody is on the rota (import rota_staff.csv)",
                              "rota_staff", "")
    _check_references(records)
    settings = _settings(records["rota_settings"])
    if freeze_days is None:
        freeze_days = int(settings["freeze_days"])
    if not 0 <= freeze_days <= days:
        raise ValidationError(f"rota: freeze_days: must be 0..{days} (got {freeze_days})",
                              "rota", "freeze_days")
    last = first + dt.timedelta(days=days - 1)
    shifts = {s["id"]: s for s in records["rota_shifts"]}
    posts = _shift_posts(records)
    staff = {s["id"]: s for s in records["staff"]}
    held: Dict[str, List[str]] = {}
    for r in records["staff_skills"]:
        held.setdefault(r["staff"], []).append(r["skill"])
    horizon = Horizon(first, days, freeze_days, shifts, posts,
                      {r["staff"]: r["contract"] for r in records["rota_staff"]},
                      time_limit=settings["time_limit"])

    def in_horizon(date: str) -> bool:
        return first.isoformat() <= date <= last.isoformat()

    rota = Rota(days, first.weekday())
    for r in records["partners"]:
        rota.add_partner(r["id"])
    for r in records["sites"]:
        rota.add_site(r["id"], r["partner"], latitude=r["lat"], longitude=r["lon"])
    rota.set_travel_speed(settings["travel_speed_kmh"])
    for r in records["travel_minutes"]:
        rota.set_travel_minutes(r["from_site"], r["to_site"], r["minutes"])
    for r in records["skills"]:
        rota.add_skill(r["id"])

    for row, s in enumerate(records["rota_shifts"], 1):
        pairs = posts[s["id"]]
        sites = sorted({p[0] for p in pairs if p[0] is not None})
        skills = sorted({p[1] for p in pairs if p[1] is not None})
        try:
            rota.add_shift(s["id"], s["length_minutes"], s["start_minute"],
                           sites=sites or None, skills=skills or None,
                           night=bool(s["night"]), unpopular=bool(s["unpopular"]))
        except ValidationError as e:
            raise _fail("rota_shifts", row, e.field or "id", str(e)) from None
    rest = settings["min_rest_minutes"]
    for a in records["rota_shifts"]:
        for b in records["rota_shifts"]:
            gap = 1440 + b["start_minute"] - (a["start_minute"] + a["length_minutes"])
            if gap < rest:
                rota.forbid_succession(a["id"], b["id"])

    weights = {"travel_per_minute": settings["weight_travel_per_minute"],
               "fairness_nights": settings["weight_fairness_nights"],
               "fairness_weekends": settings["weight_fairness_weekends"],
               "fairness_unpopular": settings["weight_fairness_unpopular"],
               "change": settings["weight_change"]}
    rota.set_weights(**weights)

    # days off: absences and weekly days off
    off: Dict[str, Dict[int, str]] = {r["staff"]: {} for r in records["rota_staff"]}
    for r in records["rota_weekly_days_off"]:
        for d in range(days):
            if (first + dt.timedelta(days=d)).weekday() == r["weekday"]:
                off[r["staff"]].setdefault(d, "weekly day off")
    absent: Dict[str, int] = {}  # absence days that are not weekly days off
    for row, r in enumerate(records["rota_absences"], 1):
        where = f"table rota_absences, row {row}"
        lo = max(parse_date(r["from_date"], where, "from_date"), first)
        hi = min(parse_date(r["to_date"], where, "to_date"), last)
        mine = off[r["staff"]]
        for d in range((lo - first).days, (hi - first).days + 1):
            if d not in mine:
                absent[r["staff"]] = absent.get(r["staff"], 0) + 1
            if mine.get(d, "weekly day off") == "weekly day off":
                mine[d] = r["reason"] or "absent"

    max_shifts: Dict[str, Dict[str, int]] = {}
    for r in records["rota_max_shifts"]:
        max_shifts.setdefault(r["staff"], {})[r["shift"]] = \
            math.ceil(r["max_per_4_weeks"] * days / 28)
    for row, r in enumerate(records["rota_staff"], 1):
        sid = r["staff"]
        person = staff[sid]
        worked = (days - absent.get(sid, 0)) / 7.0
        low = math.floor(r["min_minutes_per_week"] * worked + 1e-9)
        high = -1 if r["max_minutes_per_week"] is None else \
            math.ceil(r["max_minutes_per_week"] * worked - 1e-9)
        weekends = -1 if r["max_weekends_per_4_weeks"] is None else \
            math.ceil(r["max_weekends_per_4_weeks"] * days / 28)
        options = dict(site=person["site"], min_minutes=low, max_minutes=high,
                       min_consecutive=r["min_consecutive"],
                       max_consecutive=-1 if r["max_consecutive"] is None
                       else r["max_consecutive"],
                       min_days_off=r["min_days_off"], max_weekends=weekends,
                       skills=sorted(held.get(sid, [])), max_shifts=max_shifts.get(sid))
        extra = _kw(contract=r["contract"],
                    max_travel_minutes=person.get("max_travel_minutes"))
        try:
            rota.add_person(sid, **options, **extra)
            for d in sorted(off[sid]):
                rota.add_day_off(sid, d)
        except ValidationError as e:
            raise _fail("rota_staff", row, e.field or "staff", str(e)) from None

    for row, r in enumerate(records["rota_requests"], 1):
        if not in_horizon(r["date"]):
            continue
        d = horizon.day(r["date"])
        if d in off[r["staff"]]:
            continue
        targets = [r["shift"]] if r["shift"] is not None else list(shifts)
        try:
            for shift in targets:
                rota.add_request(r["staff"], d, shift, r["kind"] == "on", r["weight"])
        except ValidationError as e:
            raise _fail("rota_requests", row, e.field or "shift", str(e)) from None

    for row, r in enumerate(records["rota_pins"], 1):
        if not in_horizon(r["date"]):
            continue
        d = horizon.day(r["date"])
        if d in off[r["staff"]]:
            raise _fail("rota_pins", row, "date", f"{r['staff']!r} is pinned to {r['shift']!r} "
                                                  f"on {r['date']}, a day off "
                                                  f"({off[r['staff']][d]})")
        try:
            rota.pin(r["staff"], d, r["shift"], **_post_kw(posts, "rota_pins", row, r))
        except ValidationError as e:
            raise _fail("rota_pins", row, e.field or "shift", str(e)) from None

    dated = {(r["shift"], r["site"], r["skill"], r["date"]) for r in records["rota_cover_dates"]}
    for d in range(days):
        date = horizon.date(d)
        weekday = (first + dt.timedelta(days=d)).weekday()
        for table, rows in (("rota_cover", records["rota_cover"]),
                            ("rota_cover_dates", records["rota_cover_dates"])):
            for row, r in enumerate(rows, 1):
                if table == "rota_cover" and (r["weekday"] != weekday or
                                              (r["shift"], r["site"], r["skill"], date) in dated):
                    continue
                if table == "rota_cover_dates" and r["date"] != date:
                    continue
                try:
                    rota.set_cover(d, r["shift"], r["requirement"], r["under_weight"],
                                   r["over_weight"], r["hard_min"],
                                   **_post_kw(posts, table, row, r))
                except ValidationError as e:
                    raise _fail(table, row, e.field or "shift", str(e)) from None

    rota.set_freeze_days(freeze_days)
    people = set(off)
    for r in records.get("rota_published", []):
        if not in_horizon(r["date"]):
            continue
        shift = r["shift"]
        if r["staff"] not in people or shift not in shifts or \
                (posts[shift] and (r["site"], r["skill"]) not in posts[shift]):
            horizon.dropped_published += 1  # the person or post is no longer on the rota
            continue
        horizon.published.append(r)
        rota.publish(r["staff"], horizon.day(r["date"]), shift,
                     **_post_kw(posts, "rota_published", 0, r))
    return rota, horizon


# ---- result -> rows ------------------------------------------------------------------------

def diff_published(horizon: Horizon, assignments: Iterable[Any]) -> List[Tuple]:
    """(staff, date, before shift, site, skill, after shift, site, skill) for every published
    assignment inside the horizon that the new roster changes or removes (after: None),
    computed from the two rosters themselves."""
    before = {(r["staff"], r["date"]): (r["shift"], r["site"], r["skill"])
              for r in horizon.published}
    after = {}
    for a in assignments:
        after[(a.person, horizon.date(a.day))] = (a.shift, a.site, a.skill)
    out = []
    for key in sorted(before):
        if after.get(key) != before[key]:
            out.append(key + before[key] + (after.get(key) or (None, None, None)))
    return out


def result_rows(result: Any, horizon: Horizon) -> Dict[str, List[tuple]]:
    """The rows of the result tables (docs/schema.md) for a result with a roster, in the column
    order of store.ROTA_RESULT_COLUMNS."""
    assignments = []
    for a in result.assignments:
        shift = horizon.shifts[a.shift]
        date = horizon.date(a.day)
        assignments.append((date, a.person, a.shift, a.site, a.skill,
                            f"{date}T{clock(shift['start_minute'])}", shift["length_minutes"],
                            int(a.pinned), int(a.published)))
    cover = [(horizon.date(c.day), c.shift, c.site, c.skill, c.requirement, c.assigned,
              c.under_penalty, c.over_penalty, c.reason) for c in result.cover]
    changes = [(ch.person, horizon.date(ch.day), ch.before_shift, ch.before_site,
                ch.before_skill, ch.after_shift, ch.after_site, ch.after_skill)
               for ch in result.changes]
    people = [(p.person, horizon.contracts.get(p.person), p.shifts, p.minutes, p.weekends,
               p.nights, p.unpopular, p.travel_minutes, p.shift_on_penalty, p.shift_off_penalty,
               p.changes) for p in result.people]
    gaps = sum(1 for c in result.cover if c.assigned < c.requirement)
    size = result.model_size
    head = (horizon.first.isoformat(), horizon.days, result.status, result.stopped_by,
            result.objective, result.bound, result.gap, result.seconds, horizon.freeze_days,
            size.get("columns", 0), size.get("rows", 0), size.get("binaries", 0),
            len(assignments), gaps, len(changes))
    return {
        "rotas": [head],
        "rota_penalties": [(part, float(value)) for part, value in result.penalties.items()],
        "rota_assignments": assignments,
        "rota_cover_results": cover,
        "rota_people": people,
        "rota_changes": changes,
    }
