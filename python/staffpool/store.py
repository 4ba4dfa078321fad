"""The SQLite store, through the C store (csrc/store.c is the only SQLite code).

    >>> import staffpool
    >>> with staffpool.Store.create("pool.db") as db:      # a new database
    ...     db.save_pool(staffpool.Pool.demo())
    >>> with staffpool.Store("pool.db") as db:             # an existing one; never creates a file
    ...     result = db.plan(time_limit=60)                 # the nightly write
    ...     print(result.status, result.plan_id)
    ...     plan = db.plan_solution()                      # the current plan, as a Solution

docs/schema.md documents the tables; docs/cli.md the `staffpool` command built on this module.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from ._native import ffi, lib
from .errors import StaffpoolError, ValidationError, raise_for
from .pool import PRIORITIES, Pool
from .progress import ProgressArg, reporter
from .solve import solve_native
from .redeploy import RULES, Redeployment, RedeploymentResult, RedeploymentTotals
from .results import (TERMS, Assignment, Objective, PartnerSummary, Resilience, Solution,
                      Term, Unmet, records)

Period = Union[int, str]

INPUT_TABLES = ("settings", "periods", "partners", "sites", "travel_minutes", "skills", "staff",
                "staff_skills", "authorisations", "availability", "demand", "resilience")
PLAN_TABLES = ("plan_objective", "plan_assignments", "plan_unmet", "plan_partners",
               "plan_resilience")
SETTING_KEYS = ("reserve_share", "travel_speed_kmh", "visit_hours", "min_engagement_hours",
                "weight_statutory", "weight_core", "weight_discretionary")
STATUS = {lib.SP_STATUS_OPTIMAL: "optimal", lib.SP_STATUS_FEASIBLE: "feasible",
          lib.SP_STATUS_INFEASIBLE: "infeasible", lib.SP_STATUS_NO_SOLUTION: "no_solution"}
STOP = {lib.SP_STOP_NONE: None, lib.SP_STOP_TIME_LIMIT: "time_limit",
        lib.SP_STOP_CANCELLED: "cancelled"}


# ---- errors ------------------------------------------------------------------------------------

class DatabaseError(StaffpoolError):
    """A problem with the database itself (not with the pool it holds)."""


class DatabaseBusyError(DatabaseError):
    """Another job held the database past the busy timeout; nothing was written. Try again."""


class NotADatabaseError(DatabaseError):
    """The database is missing, unreadable, corrupt, not a staffpool database, or too new."""


class ReadOnlyDatabaseError(DatabaseError):
    """A write was asked of a read-only database; nothing was written."""


class InputsChangedError(DatabaseError):
    """The inputs changed while a plan was solved; the plan was not written (the run was)."""

    def __init__(self, message: str, run_id: int = 0) -> None:
        super().__init__(message)
        self.run_id = run_id


def _check(rc: int, err: Any, run_id: int = 0) -> None:
    if rc == 0:
        return
    message = ffi.string(err.message).decode("utf-8", "replace")
    if rc == lib.SP_EBUSY:
        raise DatabaseBusyError(message)
    if rc == lib.SP_ENODB:
        raise NotADatabaseError(message)
    if rc == lib.SP_EREADONLY:
        raise ReadOnlyDatabaseError(message)
    if rc == lib.SP_ECHANGED:
        raise InputsChangedError(message, run_id)
    if rc == lib.SP_EDB:
        raise DatabaseError(message)
    raise_for(rc, err)


def _b(text: Optional[str]) -> Any:
    if text is None:
        return ffi.NULL
    if "\x00" in text:
        raise ValidationError(f"text must not contain NUL characters: {text!r}")
    return text.encode("utf-8")


def _s(ptr: Any) -> Optional[str]:
    return None if ptr == ffi.NULL else ffi.string(ptr).decode("utf-8")


# ---- results of the nightly write --------------------------------------------------------------

@dataclass(frozen=True)
class PlanResult:
    """What `Store.plan` did. ``plan_id`` is None when no plan was written (see ``status``)."""
    run_id: int
    plan_id: Optional[int]
    status: str
    stopped_by: Optional[str]
    gap: float
    solve_seconds: float
    write_seconds: float
    input_hash: str
    first_period: int
    periods: int
    solution: Optional[Solution]  # the plan as written, read back from the database

    @property
    def has_plan(self) -> bool:
        return self.plan_id is not None


class Inputs:
    """Inputs read by the C store in one read transaction: the validated pool over a horizon, the
    hash of every input table, and what is needed to check them again at write time."""

    def __init__(self, store: "Store", first_period: int, periods: int) -> None:
        out = ffi.new("sp_inputs **")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_read_inputs(out, store._handle(), first_period, periods, err), err)
        self._ptr = ffi.gc(out[0], lib.sp_inputs_free)
        self.hash = _s(lib.sp_inputs_hash(self._ptr)) or ""
        self.name = _s(lib.sp_inputs_name(self._ptr)) or ""
        self.first_period = lib.sp_inputs_first_period(self._ptr)
        self.total_periods = lib.sp_inputs_total_periods(self._ptr)
        self.periods = lib.sp_pool_periods(lib.sp_inputs_pool(self._ptr))
        labels = [_s(lib.sp_inputs_period_label(self._ptr, p)) for p in range(self.periods)]
        self.period_labels: Optional[List[str]] = None if labels and labels[0] is None else labels  # type: ignore[assignment]

    @property
    def native_pool(self) -> Any:
        return lib.sp_inputs_pool(self._ptr)


# ---- redeployment (csrc/store_redeploy.c; docs/schema.md "Redeployment") ------------------------

REDEPLOY_INPUT_TABLES = ("redeployments", "redeploy_people", "redeploy_person_skills",
                         "redeploy_preferences", "redeploy_vacancies", "redeploy_leaving_rates",
                         "redeploy_routes")
REDEPLOY_RESULT_TABLES = ("redeploy_results", "redeploy_objective", "redeploy_outcomes",
                          "redeploy_fills", "redeploy_pool_work")
# Columns in table order (the C store checks the count; tests check them against the schema).
REDEPLOY_COLUMNS: Dict[str, Tuple[str, ...]] = {
    "redeployments": ("id", "name", "periods", "period_labels", "grades") + RULES,
    "redeploy_people": ("id", "name", "partner", "post", "site", "grade", "pay", "hours",
                        "home_site", "home_lat", "home_lon", "max_travel_minutes", "relocate",
                        "post_ends", "redundancy_cost"),
    "redeploy_person_skills": ("person", "skill", "level"),
    "redeploy_preferences": ("person", "rank", "partner"),
    "redeploy_vacancies": ("id", "name", "partner", "site", "skill", "min_level", "grade", "pay",
                           "hours", "start", "natural_wastage"),
    "redeploy_leaving_rates": ("id", "partner", "site", "skill", "min_level", "grade", "pay",
                               "hours", "headcount", "annual_rate"),
    "redeploy_routes": ("from_skill", "from_level", "to_skill", "to_level", "weeks", "cost"),
}
RESULT_COLUMNS = ("redeployment", "name", "status", "stopped_by", "gap", "seconds",
                  "model_columns", "model_rows", "model_pairs") + tuple(
                      f.name for f in dataclasses.fields(RedeploymentTotals))


@dataclass(frozen=True)
class RedeployRun:
    """What `Store.redeploy` did for one scenario. ``result`` is the solve's result (outcomes
    empty when ``status`` has no plan); ``has_plan`` says whether results were written."""
    run_id: int
    redeployment: str
    status: str
    input_hash: str
    write_seconds: float
    result: RedeploymentResult

    @property
    def has_plan(self) -> bool:
        return self.result.has_plan


# ---- sharing agreements (docs/schema.md "Sharing agreements"; schema version 3) ------------------

AGREEMENT_TABLES = ("agreements", "agreement_partners")
AGREEMENT_COLUMNS: Dict[str, Tuple[str, ...]] = {
    "agreements": ("name", "skills", "rule", "fixed_share", "fixed_rule", "tolerance",
                   "total_cost", "members"),
    "agreement_partners": ("agreement", "partner", "weight", "agreed_share"),
}


def _values(rows: List[tuple], keep: list) -> Any:
    """A C array of sp_value for rows (row by row); C strings are kept alive in keep."""
    flat = [v for row in rows for v in row]
    values = ffi.new("sp_value[]", max(len(flat), 1))
    for i, v in enumerate(flat):
        cell = values[i]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            cell.type = lib.SP_VALUE_NULL
        elif isinstance(v, (bool, int)):
            cell.type, cell.i = lib.SP_VALUE_INT, int(v)
        elif isinstance(v, float):
            cell.type, cell.r = lib.SP_VALUE_REAL, v
        else:
            buf = ffi.new("char[]", _b(str(v)))
            keep.append(buf)
            cell.type, cell.text = lib.SP_VALUE_TEXT, buf
    keep.append(values)
    return values


def _table_rows(tables: Dict[str, List[tuple]], keep: list,
                columns: Dict[str, Tuple[str, ...]]) -> Tuple[Any, int]:
    """The C array of sp_table_rows for tables (name -> rows); C memory is kept alive in keep.
    A table is as wide as its entry in columns (else as its first row), and every row is checked
    against that width here, because C reads exactly rows x columns values."""
    arr = ffi.new("sp_table_rows[]", max(len(tables), 1))
    for k, (name, rows) in enumerate(tables.items()):
        width = len(columns[name]) if name in columns else len(rows[0]) if rows else 0
        for i, row in enumerate(rows, 1):
            if len(row) != width:
                raise ValidationError(f"table {name}, row {i}: expected {width} values (got "
                                      f"{len(row)})", f"{name} row {i}", "")
        cname = ffi.new("char[]", name.encode())
        keep.append(cname)
        arr[k].table = cname
        arr[k].rows = len(rows)
        arr[k].columns = width
        arr[k].values = _values(rows, keep)
    keep.append(arr)
    return arr, len(tables)


def redeployment_rows(data: Dict[str, Any], scenario_id: str = "main") -> Dict[str, List[tuple]]:
    """The records of a redeployment (the dict of `Redeployment.to_dict`) as rows of the
    redeploy_* input tables: one scenario row (scenario_id) and the shared records."""
    rules = dict(data.get("rules") or {})
    labels = data.get("period_labels")
    grades = data.get("grades")
    scenario = (scenario_id, data.get("name") or None, data["periods"],
                json.dumps(list(labels)) if labels else None,
                json.dumps(list(grades)) if grades else None) + tuple(rules.get(r) for r in RULES)
    out: Dict[str, List[tuple]] = {"redeployments": [scenario]}
    people, skills, prefs = [], [], []
    for p in data.get("people", []):
        people.append(tuple(p.get(c) for c in REDEPLOY_COLUMNS["redeploy_people"]))
        skills += [(p["id"], skill, level) for skill, level in (p.get("skills") or {}).items()]
        prefs += [(p["id"], rank + 1, partner)
                  for rank, partner in enumerate(p.get("preferences") or [])]
    out["redeploy_people"] = people
    out["redeploy_person_skills"] = skills
    out["redeploy_preferences"] = prefs
    for kind, table in (("vacancies", "redeploy_vacancies"),
                        ("leaving_rates", "redeploy_leaving_rates"),
                        ("routes", "redeploy_routes")):
        out[table] = [tuple(r.get(c) for c in REDEPLOY_COLUMNS[table])
                      for r in data.get(kind, [])]
    return out


def _json_list(value: Any, table: str, row: int, column: str) -> Optional[list]:
    if value is None:
        return None
    try:
        items = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise ValidationError(f"table redeployments, row {row}: {column}: must be a JSON list of "
                              f"names (got {value!r})", f"redeployments row {row}", column)
    return items


def _scenarios(records: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Dict[str, Any]]:
    """Input dicts of every scenario (Redeployment.from_dict format) from the tables' records."""
    def strip(r: Dict[str, Any]) -> Dict[str, Any]:
        return {k: v for k, v in r.items() if v is not None}

    base: Dict[str, Any] = {
        "partners": [strip({"id": r["id"], "name": r["name"]}) for r in records["partners"]],
        "sites": [strip(r) for r in records["sites"]],
        "travel_minutes": [{"from": r["from_site"], "to": r["to_site"], "minutes": r["minutes"]}
                           for r in records["travel_minutes"]],
        "skills": [strip(r) for r in records["skills"]],
    }
    people = [strip(r) for r in records["redeploy_people"]]
    by_id = {p["id"]: p for p in people}
    for p in people:
        p["relocate"] = bool(p.get("relocate", 0))
    for r in records["redeploy_person_skills"]:
        by_id[r["person"]].setdefault("skills", {})[r["skill"]] = r["level"]
    for r in sorted(records["redeploy_preferences"], key=lambda r: (r["person"], r["rank"])):
        by_id[r["person"]].setdefault("preferences", []).append(r["partner"])
    base["people"] = people
    base["vacancies"] = [dict(strip(r), natural_wastage=bool(r["natural_wastage"]))
                         for r in records["redeploy_vacancies"]]
    base["leaving_rates"] = [strip(r) for r in records["redeploy_leaving_rates"]]
    base["routes"] = [strip(r) for r in records["redeploy_routes"]]
    out = {}
    for row, s in enumerate(records["redeployments"], 1):
        d = dict(base, name=s["name"] or s["id"], periods=s["periods"],
                 rules={r: s[r] for r in RULES if s[r] is not None})
        labels = _json_list(s["period_labels"], "redeployments", row, "period_labels")
        grades = _json_list(s["grades"], "redeployments", row, "grades")
        if labels is not None:
            d["period_labels"] = labels
        if grades is not None:
            d["grades"] = grades
        out[s["id"]] = d
    return out


def _result_rows(scenario: str, res: RedeploymentResult) -> Dict[str, List[tuple]]:
    totals = res.totals.as_dict()
    head = (scenario, res.name or None, res.status, res.stopped_by, res.gap, res.seconds,
            res.model_size.get("columns", 0), res.model_size.get("rows", 0),
            res.model_size.get("pairs", 0)) + tuple(totals[k] for k in RESULT_COLUMNS[9:])
    return {
        "redeploy_results": [head],
        "redeploy_objective": [(name, t.value, t.bound, t.gap)
                               for name, t in res.objective.terms.items()],
        "redeploy_outcomes": [dataclasses.astuple(o) for o in res.outcomes],
        "redeploy_fills": [dataclasses.astuple(f) for f in res.vacancies],
        "redeploy_pool_work": [dataclasses.astuple(w) for w in res.pool_work],
    }


# ---- rotas (csrc/store_rota.c; docs/schema.md "Rotas"; schema version 4) ------------------------

# Columns in table order (the C store checks the count; tests check them against the schema).
ROTA_COLUMNS: Dict[str, Tuple[str, ...]] = {
    "rota_settings": ("key", "value"),
    "rota_shifts": ("id", "name", "start_minute", "length_minutes", "night", "unpopular"),
    "rota_shift_posts": ("shift", "site", "skill"),
    "rota_cover": ("shift", "site", "skill", "weekday", "requirement", "under_weight",
                   "over_weight", "hard_min"),
    "rota_cover_dates": ("shift", "site", "skill", "date", "requirement", "under_weight",
                         "over_weight", "hard_min"),
    "rota_staff": ("staff", "contract", "min_minutes_per_week", "max_minutes_per_week",
                   "min_consecutive", "max_consecutive", "min_days_off",
                   "max_weekends_per_4_weeks"),
    "rota_weekly_days_off": ("staff", "weekday"),
    "rota_max_shifts": ("staff", "shift", "max_per_4_weeks"),
    "rota_absences": ("id", "staff", "from_date", "to_date", "reason"),
    "rota_requests": ("staff", "date", "shift", "kind", "weight"),
    "rota_pins": ("staff", "date", "shift", "site", "skill"),
}
ROTA_INPUT_TABLES = tuple(ROTA_COLUMNS)
# Result tables and the columns the caller gives (without rota_id / id, created_at, current).
ROTA_RESULT_COLUMNS: Dict[str, Tuple[str, ...]] = {
    "rotas": ("from_date", "days", "status", "stopped_by", "objective", "bound", "gap",
              "seconds", "freeze_days", "model_columns", "model_rows", "model_binaries",
              "assignments", "cover_gaps", "changes"),
    "rota_penalties": ("part", "value"),
    "rota_assignments": ("date", "staff", "shift", "site", "skill", "start", "minutes",
                         "pinned", "published"),
    "rota_cover_results": ("date", "shift", "site", "skill", "requirement", "assigned",
                           "under_penalty", "over_penalty", "reason"),
    "rota_people": ("staff", "contract", "shifts", "minutes", "weekends", "nights", "unpopular",
                    "travel_minutes", "shift_on_penalty", "shift_off_penalty", "changes"),
    "rota_changes": ("staff", "date", "before_shift", "before_site", "before_skill",
                     "after_shift", "after_site", "after_skill"),
}
ROTA_RESULT_TABLES = tuple(ROTA_RESULT_COLUMNS)
# What the engine is built from: the pool's structure and the rota tables (one read snapshot).
ROTA_READ_TABLES = ("partners", "sites", "travel_minutes", "skills", "staff",
                    "staff_skills") + ROTA_INPUT_TABLES


@dataclass(frozen=True)
class RotaRun:
    """What `Store.rota` did. ``rota_id`` is None when no rota was written (see ``status``);
    ``rows`` are the result rows written (table -> rows in ROTA_RESULT_COLUMNS order)."""
    run_id: int
    rota_id: Optional[int]
    status: str
    stopped_by: Optional[str]
    objective: Optional[float]
    gap: Optional[float]
    solve_seconds: float
    write_seconds: float
    input_hash: str
    from_date: str
    days: int
    freeze_days: int
    published: int          # published assignments inside the horizon handed to the engine
    rows: Dict[str, List[tuple]]
    result: Any             # the engine's RotaResult

    @property
    def has_rota(self) -> bool:
        return self.rota_id is not None


def rota_rows(data: Dict[str, Any]) -> Dict[str, List[tuple]]:
    """Rows of the rota input tables from a dict of table -> list of records (dicts keyed by
    column; a missing column is NULL, i.e. its default), e.g. the shipped demo rota."""
    out: Dict[str, List[tuple]] = {}
    for table, records_ in data.items():
        if table not in ROTA_COLUMNS:
            raise ValidationError(f"rota: {table}: not a rota input table (expected one of "
                                  f"{', '.join(ROTA_COLUMNS)})", "rota", table)
        columns = ROTA_COLUMNS[table]
        rows = []
        for i, r in enumerate(records_, 1):
            unknown = sorted(set(r) - set(columns))
            if unknown:
                raise ValidationError(f"rota: {table} #{i}: {unknown[0]}: unknown column "
                                      f"(expected {', '.join(columns)})", f"{table} #{i}",
                                      unknown[0])
            rows.append(tuple(r.get(c) for c in columns))
        out[table] = rows
    return out


# ---- the store ---------------------------------------------------------------------------------

class Store:
    """An open staffpool database. A context manager; `close()` releases it.

    path: a file path or a ``file:`` URI (e.g. ``"file:pool.db?mode=ro"``). A path that does not
    exist is never created (use `Store.create`). readonly: open for reading only. busy_timeout:
    seconds to wait for another job's lock before DatabaseBusyError.
    """

    def __init__(self, path: Union[str, os.PathLike], readonly: bool = False,
                 busy_timeout: float = 30.0, _native: Any = None) -> None:
        self.path = os.fspath(path)
        if _native is None:
            out = ffi.new("sp_store **")
            err = ffi.new("sp_error *")
            flags = lib.SP_STORE_READONLY if readonly else 0
            _check(lib.sp_store_open(out, _b(self.path), flags, float(busy_timeout), err), err)
            _native = out[0]
        self._ptr: Any = ffi.gc(_native, lib.sp_store_close)

    @classmethod
    def create(cls, path: Union[str, os.PathLike]) -> "Store":
        """A new, empty database at path; fails (ValidationError) if anything exists there."""
        out = ffi.new("sp_store **")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_create(out, _b(os.fspath(path)), err), err)
        return cls(path, _native=out[0])

    def close(self) -> None:
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _handle(self) -> Any:
        if self._ptr is None:
            raise StaffpoolError(f"database '{self.path}' is closed")
        return self._ptr

    @property
    def readonly(self) -> bool:
        return bool(lib.sp_store_readonly(self._handle()))

    def set_write_delay(self, microseconds: int) -> None:
        """Test hook: sleep after each row written inside a write transaction (docs/cli.md)."""
        lib.sp_store_set_write_delay(self._handle(), int(microseconds))

    def check(self) -> None:
        """PRAGMA integrity_check and foreign_key_check; NotADatabaseError if not clean."""
        err = ffi.new("sp_error *")
        _check(lib.sp_store_check(self._handle(), err), err)

    # ---- tables ----------------------------------------------------------------------------

    @staticmethod
    def tables() -> List[str]:
        """Every table of the schema: inputs first, then outputs."""
        names = []
        while True:
            name = lib.sp_store_table(len(names))
            if name == ffi.NULL:
                return names
            names.append(ffi.string(name).decode())

    def rows(self, table: str, plan_id: Optional[int] = None) -> Tuple[List[str], List[tuple]]:
        """(column names, rows) of one table; plan tables restricted to plan_id when given."""
        out = ffi.new("sp_rows **")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_rows(out, self._handle(), _b(table), int(plan_id or 0), err), err)
        cur = ffi.gc(out[0], lib.sp_rows_free)
        try:
            n = lib.sp_rows_columns(cur)
            columns = [ffi.string(lib.sp_rows_column_name(cur, i)).decode() for i in range(n)]
            result = []
            INT, REAL, TEXT = lib.SP_VALUE_INT, lib.SP_VALUE_REAL, lib.SP_VALUE_TEXT
            while True:
                rc = lib.sp_rows_next(cur, err)
                if rc == 0:
                    break
                if rc < 0:
                    _check(rc, err)
                row = []
                for i in range(n):
                    t = lib.sp_rows_type(cur, i)
                    if t == INT:
                        row.append(int(lib.sp_rows_int(cur, i)))
                    elif t == REAL:
                        row.append(float(lib.sp_rows_real(cur, i)))
                    elif t == TEXT:
                        row.append(ffi.string(lib.sp_rows_text(cur, i)).decode("utf-8", "replace"))
                    else:
                        row.append(None)
                result.append(tuple(row))
            return columns, result
        finally:
            ffi.release(cur)

    def records(self, table: str, plan_id: Optional[int] = None) -> List[Dict[str, Any]]:
        """Rows of one table as dicts."""
        columns, rows = self.rows(table, plan_id)
        return [dict(zip(columns, row)) for row in rows]

    def current_plan(self) -> Optional[int]:
        """Id of the current plan, or None."""
        out = ffi.new("long long *")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_current_plan(out, self._handle(), err), err)
        return int(out[0]) or None

    def runs(self) -> List[Dict[str, Any]]:
        """The run history, oldest first."""
        return self.records("runs")

    # ---- the pool --------------------------------------------------------------------------

    def save_pool(self, pool: Pool) -> None:
        """Replaces every input table with pool's records (one transaction; plans are kept)."""
        labels = None
        keep: list = []
        if pool.period_labels:
            keep = [ffi.new("char[]", _b(label)) for label in pool.period_labels]
            labels = ffi.new("char *[]", keep)
        err = ffi.new("sp_error *")
        _check(lib.sp_store_save_pool(self._handle(), pool._ptr, _b(pool.name or None),
                                      labels if labels is not None else ffi.NULL, err), err)

    @contextmanager
    def import_batch(self) -> Iterator["Store"]:
        """The saves of inputs made inside (pool, redeployment, agreements, rota inputs) land
        together or not at all: an exception inside, or a reference between them that does not
        resolve at the end (a ValidationError naming the table and row), leaves the database as
        it was. Reads and result writes are refused inside.

            with store.import_batch():
                store.save_pool(pool)
                store.save_rota(rota)
        """
        err = ffi.new("sp_error *")
        _check(lib.sp_store_import_begin(self._handle(), err), err)
        try:
            yield self
        except BaseException:
            lib.sp_store_import_end(self._handle(), 0, ffi.new("sp_error *"))
            raise
        _check(lib.sp_store_import_end(self._handle(), 1, err), err)

    def read_inputs(self, first_period: Optional[Period] = None,
                    periods: Optional[int] = None) -> Inputs:
        """The pool over a horizon, validated by the C loader (see `Inputs`)."""
        return Inputs(self, self._period_index(first_period), int(periods or 0))

    def _period_index(self, period: Optional[Period]) -> int:
        if period is None:
            return 0
        if isinstance(period, int) and not isinstance(period, bool):
            return period
        text = str(period)
        for row in self.records("periods"):
            if row["label"] == text:
                return int(row["period"])
        try:
            return int(text)
        except ValueError:
            raise ValidationError(f"horizon: from: unknown period {text!r}", "horizon",
                                  "from") from None

    def load_pool(self, first_period: Optional[Period] = None,
                  periods: Optional[int] = None) -> Pool:
        """The stored pool as a `staffpool.Pool` (over a horizon: periods first_period ..
        first_period + periods - 1, renumbered from 0). The C loader validates the database first,
        so errors name the table, row, record and field."""
        inputs = self.read_inputs(first_period, periods)
        return Pool.from_dict(self._scenario(inputs))

    def _scenario(self, inputs: Inputs) -> dict:
        lo, hi = inputs.first_period, inputs.first_period + inputs.periods
        settings: dict = {"priority_weights": {}}
        name = ""
        for row in self.records("settings"):
            key, value = row["key"], row["value"]
            if key == "name":
                name = value
            elif key.startswith("weight_"):
                settings["priority_weights"][key[len("weight_"):]] = value
            else:
                settings[key] = value
        scenario: dict = {"name": name, "periods": inputs.periods, "settings": settings}
        if inputs.period_labels:
            scenario["period_labels"] = inputs.period_labels
        scenario["partners"] = [{"id": r["id"], "name": r["name"],
                                 "population": r["population"]}
                                for r in self.records("partners")]
        scenario["sites"] = self.records("sites")
        scenario["travel_minutes"] = [{"from": r["from_site"], "to": r["to_site"],
                                       "minutes": r["minutes"]}
                                      for r in self.records("travel_minutes")]
        scenario["skills"] = self.records("skills")
        staff = self.records("staff")
        by_id = {s["id"]: s for s in staff}
        for s in staff:
            s["skills"] = {}
        for r in self.records("staff_skills"):
            by_id[r["staff"]]["skills"][r["skill"]] = r["level"]
        for r in self.records("authorisations"):
            by_id[r["staff"]].setdefault("authorised", []).append(r["partner"])
        scenario["staff"] = staff
        scenario["availability"] = [{"staff": r["staff"], "period": r["period"] - lo,
                                     "hours": r["hours"]}
                                    for r in self.records("availability")
                                    if lo <= r["period"] < hi]
        scenario["demand"] = [{"partner": r["partner"], "site": r["site"], "skill": r["skill"],
                               "period": r["period"] - lo, "hours": r["hours"],
                               "min_level": r["min_level"], "priority": r["priority"],
                               "local_only": bool(r["local_only"])}
                              for r in sorted(self.records("demand"), key=lambda r: r["id"])
                              if lo <= r["period"] < hi]
        scenario["resilience"] = self.records("resilience")
        for kind in ("partners", "sites", "skills", "staff"):
            for r in scenario[kind]:
                for key in [k for k, v in r.items() if v is None]:
                    del r[key]
        for r in scenario["demand"]:
            if r["site"] is None:
                del r["site"]
        return scenario

    # ---- the nightly write -----------------------------------------------------------------

    def plan(self, first_period: Optional[Period] = None, periods: Optional[int] = None,
             time_limit: Optional[float] = None, gap: float = 1e-6, log_level: int = 0,
             command: str = "plan",
             progress: Optional[Callable[[str], None]] = None,
             watch: ProgressArg = None) -> PlanResult:
        """Reads the inputs, solves with no transaction open, and writes the plan (with its run)
        in one transaction that first checks the inputs did not change; the new plan becomes
        current only when that transaction commits (../shared/docs/RELIABILITY.md). A run without
        a plan (infeasible, stopped) is recorded and leaves the current plan as it was.
        ``progress`` gets notes on what is being done; ``watch`` the solver's best objective and
        bound as they improve (as ``staffpool.solve(progress=...)``).

        Raises ValidationError (bad inputs in the database; the run is recorded as
        "bad_input"), DatabaseBusyError, InputsChangedError, ReadOnlyDatabaseError."""
        say = progress or (lambda message: None)
        if self.readonly:
            raise ReadOnlyDatabaseError(f"database '{self.path}': read-only; no plan can be "
                                        "written")
        say("reading inputs")
        started = time.monotonic()
        try:
            inputs = self.read_inputs(first_period, periods)
        except ValidationError as e:
            self.record_run(command, "bad_input", str(e), time.monotonic() - started)
            raise
        say(f"solving {inputs.periods} period(s) from period {inputs.first_period} "
            f"(inputs sha256 {inputs.hash[:12]})")
        native = self._solve(inputs, time_limit, gap, log_level, say, watch)
        try:
            status = STATUS[lib.sp_solution_status(native)]
            say("writing plan" if status in ("optimal", "feasible") else
                f"recording run ({status})")
            run = ffi.new("long long *")
            err = ffi.new("sp_error *")
            t0 = time.monotonic()
            rc = lib.sp_store_write_plan(run, self._handle(), inputs._ptr, native,
                                         _b(command), err)
            write_seconds = time.monotonic() - t0
            _check(rc, err, int(run[0]))
            result_gap = lib.sp_solution_gap(native)
            solve_seconds = lib.sp_solution_seconds(native)
            stopped_by = STOP[lib.sp_solution_stop_reason(native)]
        finally:
            lib.sp_solution_free(native)
        has_plan = status in ("optimal", "feasible")
        run_id = int(run[0])
        return PlanResult(run_id=run_id, plan_id=run_id if has_plan else None, status=status,
                          stopped_by=stopped_by, gap=result_gap, solve_seconds=solve_seconds,
                          write_seconds=write_seconds, input_hash=inputs.hash,
                          first_period=inputs.first_period, periods=inputs.periods,
                          solution=self.plan_solution(run_id) if has_plan else None)

    def _solve(self, inputs: Inputs, time_limit: Optional[float], gap: float, log_level: int,
               say: Callable[[str], None], watch: ProgressArg) -> Any:
        """The native solution of a solve with Ctrl-C handling, the solver's progress on
        `watch` and, when nobody watches it, a "still solving" note on `say` now and then
        (staffpool.solve_native); the caller frees it."""
        next_note = [10.0]

        def note(elapsed: float) -> None:
            if elapsed >= next_note[0]:
                say(f"still solving ({elapsed:.0f} s)")
                next_note[0] += 10.0 if elapsed < 60 else 60.0

        report = reporter(watch)  # resolved once: None, or what gets each Progress
        return solve_native(inputs.native_pool, time_limit, gap, log_level,
                            on_wait=None if report else note, progress=report or False)

    def record_run(self, command: str, status: str, message: Optional[str] = None,
                   seconds: float = 0.0) -> int:
        """Records a run without a plan (e.g. "bad_input", "error") in its own transaction."""
        run = ffi.new("long long *")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_record_run(run, self._handle(), ffi.NULL, _b(command), _b(status),
                                       _b(message), float(seconds), err), err)
        return int(run[0])

    # ---- sharing agreements ----------------------------------------------------------------

    def save_agreement_rows(self, tables: Dict[str, List[tuple]]) -> None:
        """Replaces the sharing agreements with these rows (table -> rows in AGREEMENT_COLUMNS
        order; a table not given is emptied), in one transaction (docs/schema.md)."""
        for name in tables:
            if name not in AGREEMENT_COLUMNS:
                raise ValidationError(f"table {name!r}: not an agreement table", name, "")
        keep: list = []
        arr, n = _table_rows(tables, keep, AGREEMENT_COLUMNS)
        err = ffi.new("sp_error *")
        _check(lib.sp_store_save_agreements(self._handle(), arr, n, err), err)

    def save_agreements(self, agreements: Any) -> None:
        """Stores the sharing agreements (a list of `economics.Agreement` or dicts, or anything
        `economics.parse_agreements` takes; [] removes them all), replacing the stored ones in
        one transaction. Their partners and skills must be the pool's."""
        from .economics import agreement_rows

        heads, members = agreement_rows(list(agreements) if isinstance(agreements, (list, tuple))
                                        else agreements)
        self.save_agreement_rows({
            t: [tuple(r[c] for c in AGREEMENT_COLUMNS[t]) for r in rows]
            for t, rows in (("agreements", heads), ("agreement_partners", members))})

    def agreements(self) -> List[Any]:
        """The stored sharing agreements as `economics.Agreement` objects, in stored order
        ([] when none are stored), ready for `economics.cost_shares`."""
        from .economics import agreements_from_frames

        return agreements_from_frames(self.records("agreements"),
                                      self.records("agreement_partners"))

    # ---- redeployment ----------------------------------------------------------------------

    def save_redeployment_rows(self, tables: Dict[str, List[tuple]]) -> None:
        """Replaces every redeploy_* input table with these rows (table -> rows in
        REDEPLOY_COLUMNS order; a table not given is emptied), in one transaction."""
        for name, rows in tables.items():
            if name not in REDEPLOY_COLUMNS:
                raise ValidationError(f"table {name!r}: not a redeployment input table",
                                      name, "")
        keep: list = []
        arr, n = _table_rows(tables, keep, REDEPLOY_COLUMNS)
        err = ffi.new("sp_error *")
        _check(lib.sp_store_save_redeployment(self._handle(), arr, n, err), err)

    def save_redeployment(self, rd: Union[Redeployment, Dict[str, Any]],
                          scenario_id: str = "main") -> None:
        """Stores a reorganisation (a `Redeployment` or its dict) as the database's only
        scenario, scenario_id. Its partners, sites and skills must be the pool's."""
        data = rd.to_dict() if isinstance(rd, Redeployment) else dict(rd)
        self.save_redeployment_rows(redeployment_rows(data, scenario_id))

    def redeploy_inputs(self) -> Tuple[str, Any, Dict[str, Dict[str, Any]]]:
        """(input hash, native snapshot, scenario id -> input dict), read in one read
        transaction. The snapshot is what `write` checks against; free it with
        lib.sp_snapshot_free (Store.redeploy does)."""
        out = ffi.new("sp_snapshot **")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_redeploy_read_begin(out, self._handle(), err), err)
        snap = ffi.gc(out[0], lib.sp_snapshot_free)
        try:
            records = {t: self.records(t) for t in ("partners", "sites", "travel_minutes",
                                                    "skills") + REDEPLOY_INPUT_TABLES}
        finally:
            lib.sp_store_read_end(self._handle(), err)
        return _s(lib.sp_snapshot_hash(snap)) or "", snap, _scenarios(records)

    def redeploy(self, scenario: Optional[str] = None, time_limit: Optional[float] = None,
                 gap: float = 1e-6, log_level: int = 0, command: str = "redeploy",
                 progress: Optional[Callable[[str], None]] = None) -> List[RedeployRun]:
        """The redeployment write, scenario by scenario (default: every row of redeployments,
        in stored order): inputs read in one read transaction, each scenario solved with no
        transaction open, then its run and results written in one transaction that first checks
        the inputs did not change. Runs without a result (no solution) are recorded too.

        Raises ValidationError (bad scenario; a "bad_input" run is recorded and nothing is
        solved), DatabaseBusyError, InputsChangedError, ReadOnlyDatabaseError."""
        say = progress or (lambda message: None)
        if self.readonly:
            raise ReadOnlyDatabaseError(f"database '{self.path}': read-only; no redeployment "
                                        "can be written")
        started = time.monotonic()
        say("reading redeployment inputs")
        try:
            input_hash, snap, scenarios = self.redeploy_inputs()
            if scenario is not None:
                if scenario not in scenarios:
                    raise ValidationError(f"redeploy: scenario: no redeployment {scenario!r} "
                                          f"(scenarios: {', '.join(scenarios) or 'none'})",
                                          "redeploy", "scenario")
                scenarios = {scenario: scenarios[scenario]}
            if not scenarios:
                raise ValidationError("redeployments: the database has no redeployment scenario "
                                      "(import redeployments.csv, or `staffpool init --demo`)",
                                      "redeployments", "")
            problems = {}
            for sid, data in scenarios.items():
                try:
                    problems[sid] = Redeployment.from_dict(data)
                except ValidationError as e:
                    raise ValidationError(f"redeployment {sid!r}: {e}", e.record,
                                          e.field) from None
        except ValidationError as e:
            self.record_run(command, "bad_input", str(e), time.monotonic() - started)
            raise
        runs = []
        for sid, rd in problems.items():
            say(f"solving redeployment {sid!r} (inputs sha256 {input_hash[:12]})")
            cmd = command if scenario is not None or len(problems) == 1 else \
                f"{command} --scenario {sid}"
            try:
                res = rd.solve(time_limit=time_limit, gap=gap, log_level=log_level)
            except ValidationError as e:
                self.record_run(cmd, "bad_input", f"redeployment {sid!r}: {e}",
                                time.monotonic() - started)
                raise
            except StaffpoolError as e:
                self.record_run(cmd, "error", f"redeployment {sid!r}: {e}",
                                time.monotonic() - started)
                raise
            t = res.totals
            message = (f"redeployment {sid!r}: {t.redeployed} redeployed, {t.redundant} "
                       f"redundant" if res.has_plan else
                       f"redeployment {sid!r}: no result ({res.status})")
            say("writing redeployment results" if res.has_plan else
                f"recording run ({res.status})")
            keep: list = []
            arr, n = _table_rows(_result_rows(sid, res), keep,
                                 {"redeploy_results": RESULT_COLUMNS})
            info = ffi.new("sp_run_info *")
            texts = [ffi.new("char[]", _b(res.status)),
                     ffi.new("char[]", _b(res.stopped_by)) if res.stopped_by else ffi.NULL,
                     ffi.new("char[]", _b(message))]
            info.status, info.stopped_by, info.message = texts
            info.gap, info.seconds, info.periods = res.gap, res.seconds, rd.periods
            run = ffi.new("long long *")
            err = ffi.new("sp_error *")
            t0 = time.monotonic()
            rc = lib.sp_store_write_redeployment(run, self._handle(), snap, _b(cmd), info, arr,
                                                 n, err)
            _check(rc, err, int(run[0]))
            runs.append(RedeployRun(int(run[0]), sid, res.status, input_hash,
                                    time.monotonic() - t0, res))
        return runs

    def redeploy_results(self, run_id: Optional[int] = None) -> List[Dict[str, Any]]:
        """Stored redeployment results (one record per run that wrote one), oldest first."""
        return self.records("redeploy_results", run_id)

    def latest_redeploy_run(self) -> Optional[int]:
        """Run id of the newest stored redeployment result, or None."""
        rows = self.redeploy_results()
        return max(r["run_id"] for r in rows) if rows else None

    # ---- rotas -----------------------------------------------------------------------------

    def save_rota_rows(self, tables: Dict[str, List[tuple]]) -> None:
        """Replaces every rota input table with these rows (table -> rows in ROTA_COLUMNS
        order; a table not given is emptied), in one transaction (docs/schema.md "Rotas")."""
        for name in tables:
            if name not in ROTA_COLUMNS:
                raise ValidationError(f"table {name!r}: not a rota input table", name, "")
        keep: list = []
        arr, n = _table_rows(tables, keep, ROTA_COLUMNS)
        err = ffi.new("sp_error *")
        _check(lib.sp_store_save_rota(self._handle(), arr, n, err), err)

    def save_rota(self, data: Dict[str, Any]) -> None:
        """Stores a rota's inputs given as table -> list of records (see `rota_rows`),
        replacing the stored ones. Their staff, sites and skills must be the pool's."""
        self.save_rota_rows(rota_rows(data))

    def current_rota(self) -> Optional[int]:
        """Id of the current rota (the newest written), or None."""
        out = ffi.new("long long *")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_current_rota(out, self._handle(), err), err)
        return int(out[0]) or None

    def rota_inputs(self) -> Tuple[str, Any, Dict[str, List[Dict[str, Any]]]]:
        """(input hash, native snapshot, table -> records), the records of ROTA_READ_TABLES
        and the published assignments (view rota_published) read in one read transaction. The
        snapshot is what the write checks against; it is freed by the garbage collector."""
        out = ffi.new("sp_rota_snapshot **")
        err = ffi.new("sp_error *")
        _check(lib.sp_store_rota_read_begin(out, self._handle(), err), err)
        snap = ffi.gc(out[0], lib.sp_rota_snapshot_free)
        try:
            records = {t: self.records(t) for t in ROTA_READ_TABLES + ("rota_published",)}
        finally:
            lib.sp_store_read_end(self._handle(), err)
        return _s(lib.sp_rota_snapshot_hash(snap)) or "", snap, records

    def rota(self, from_date: Any, days: int, time_limit: Optional[float] = None,
             gap: float = 1e-6, freeze_days: Optional[int] = None, log_level: int = 0,
             command: str = "rota",
             progress: Optional[Callable[[str], None]] = None,
             watch: ProgressArg = None) -> RotaRun:
        """The nightly rota write (../shared/docs/RELIABILITY.md), as `plan`: the rota inputs
        and the published assignments are read in one read transaction; the engine is built
        (staffpool.rota_db) and solved with no transaction open; then one transaction checks
        that neither changed, records the run, writes the rota keyed by the run and makes it
        current. A run without a roster (infeasible, stopped) is recorded and leaves the current
        rota as it was. ``progress`` gets notes on what is being done, ``watch`` the search's best
        penalty and bound (as ``Rota.solve(progress=...)``).

        Raises ValidationError (bad inputs; a "bad_input" run is recorded), DatabaseBusyError,
        InputsChangedError, ReadOnlyDatabaseError."""
        from . import rota_db

        say = progress or (lambda message: None)
        if self.readonly:
            raise ReadOnlyDatabaseError(f"database '{self.path}': read-only; no rota can be "
                                        "written")
        started = time.monotonic()
        say("reading rota inputs")
        try:
            input_hash, snap, records = self.rota_inputs()
            engine, horizon = rota_db.build(records, from_date, days, freeze_days)
        except ValidationError as e:
            self.record_run(command, "bad_input", str(e), time.monotonic() - started)
            raise
        except StaffpoolError as e:
            self.record_run(command, "error", str(e), time.monotonic() - started)
            raise
        say(f"solving the rota {horizon.first} + {horizon.days} days: "
            f"{len(records['rota_staff'])} people, {len(records['rota_shifts'])} shift types, "
            f"{len(horizon.published)} published assignments, freeze {horizon.freeze_days} "
            f"days (inputs sha256 {input_hash[:12]})")
        if time_limit is None and horizon.time_limit > 0:
            time_limit = horizon.time_limit  # the rota_settings default
        try:
            result = engine.solve(time_limit=time_limit, gap=gap, log_level=log_level,
                                  progress=watch)
        except StaffpoolError as e:
            self.record_run(command, "error", str(e), time.monotonic() - started)
            raise
        has_rota = result.status in ("optimal", "feasible")
        rows = rota_db.result_rows(result, horizon) if has_rota else {}
        if has_rota:
            message = (f"rota {horizon.first} + {horizon.days} days: "
                       f"{len(rows['rota_assignments'])} shifts, {rows['rotas'][0][13]} cover "
                       f"gaps, {len(rows['rota_changes'])} changes to what was published")
        else:
            message = f"no rota ({result.status}); the current rota is unchanged"
        say("writing rota" if has_rota else f"recording run ({result.status})")
        keep: list = []
        arr, n_tables = _table_rows(rows, keep, ROTA_RESULT_COLUMNS)
        info = ffi.new("sp_run_info *")
        texts = [ffi.new("char[]", _b(result.status)),
                 ffi.new("char[]", _b(result.stopped_by)) if result.stopped_by else ffi.NULL,
                 ffi.new("char[]", _b(message))]
        info.status, info.stopped_by, info.message = texts
        info.gap = result.gap if result.gap is not None else math.nan
        info.seconds, info.periods = result.seconds, horizon.days
        run = ffi.new("long long *")
        err = ffi.new("sp_error *")
        t0 = time.monotonic()
        rc = lib.sp_store_write_rota(run, self._handle(), snap, _b(command), info, arr,
                                     n_tables, err)
        write_seconds = time.monotonic() - t0
        _check(rc, err, int(run[0]))
        run_id = int(run[0])
        return RotaRun(run_id=run_id, rota_id=run_id if has_rota else None,
                       status=result.status, stopped_by=result.stopped_by,
                       objective=result.objective, gap=result.gap,
                       solve_seconds=result.seconds, write_seconds=write_seconds,
                       input_hash=input_hash, from_date=horizon.first.isoformat(),
                       days=horizon.days, freeze_days=horizon.freeze_days,
                       published=len(horizon.published), rows=rows, result=result)

    def rota_tables(self, rota_id: Optional[int] = None) -> Dict[str, List[Dict[str, Any]]]:
        """A stored rota (default: the current one) as table -> records: rotas (one record),
        rota_penalties, rota_assignments, rota_cover_results, rota_people, rota_changes.
        Raises LookupError when there is no such rota."""
        if rota_id is None:
            rota_id = self.current_rota()
            if rota_id is None:
                raise LookupError(f"database '{self.path}': no rota yet (run `staffpool rota "
                                  f"{self.path} --from DATE --days N`)")
        head = self.records("rotas", rota_id)
        if not head:
            raise LookupError(f"database '{self.path}': no rota {rota_id}")
        return {t: head if t == "rotas" else self.records(t, rota_id)
                for t in ROTA_RESULT_TABLES}

    # ---- stored plans ----------------------------------------------------------------------

    def plan_solution(self, plan_id: Optional[int] = None) -> Solution:
        """A stored plan (default: the current one) as a `staffpool.Solution`. Periods are
        labels when the pool has them, else database period indices; ``demand_index`` holds the
        database demand id. Raises LookupError when there is no such plan."""
        if plan_id is None:
            plan_id = self.current_plan()
            if plan_id is None:
                raise LookupError(f"database '{self.path}': no current plan (run `staffpool "
                                  "plan`)")
        plans = self.records("plans", plan_id)
        if not plans:
            raise LookupError(f"database '{self.path}': no plan {plan_id}")
        p = plans[0]

        def period(r: dict) -> Period:
            return r["period_label"] if r["period_label"] is not None else r["period"]

        terms = {r["term"]: Term(r["value"], r["bound"], r["gap"])
                 for r in self.records("plan_objective", plan_id)}
        for name in TERMS:
            terms.setdefault(name, Term(math.nan, math.nan, math.nan))
        objective = Objective(*(terms[name].value for name in TERMS),
                              terms={name: terms[name] for name in TERMS})
        assignments = [Assignment(r["staff"], r["partner"], r["skill"], r["site"], period(r),
                                  r["demand_id"], r["hours"], r["travel_hours"], r["cost"])
                       for r in self.records("plan_assignments", plan_id)]
        unmet = [Unmet(r["partner"], r["skill"], r["site"], period(r), r["demand_id"],
                       r["priority"], r["hours_demanded"], r["hours_unmet"], r["reason"],
                       r["explanation"])
                 for r in self.records("plan_unmet", plan_id)]
        partners = [PartnerSummary(r["partner"], r["hours_demanded"], r["hours_received"],
                                   r["hours_unmet"], r["unmet_statutory"], r["unmet_core"],
                                   r["unmet_discretionary"], r["unmet_fraction"], r["cost"])
                    for r in self.records("plan_partners", plan_id)]
        resilience = [Resilience(r["partner"], r["skill"], r["hours_demanded"],
                                 r["hours_received"], r["distinct_people"], r["largest_share"],
                                 r["largest_staff"], r["min_people"], r["max_share"],
                                 r["people_short"], r["share_excess_hours"])
                      for r in self.records("plan_resilience", plan_id)]
        return Solution(status=p["status"], stopped_by=p["stopped_by"], gap=p["gap"],
                        seconds=p["seconds"], objective=objective,
                        assignments=records(Assignment, assignments),
                        unmet=records(Unmet, unmet),
                        partners=records(PartnerSummary, partners),
                        resilience=records(Resilience, resilience),
                        model_size={"columns": p["model_columns"], "rows": p["model_rows"],
                                    "binaries": p["model_binaries"]})


__all__ = ["Store", "Inputs", "PlanResult", "DatabaseError", "DatabaseBusyError",
           "NotADatabaseError", "ReadOnlyDatabaseError", "InputsChangedError", "INPUT_TABLES",
           "PLAN_TABLES", "PRIORITIES", "RedeployRun", "REDEPLOY_INPUT_TABLES",
           "REDEPLOY_RESULT_TABLES", "REDEPLOY_COLUMNS", "redeployment_rows", "RotaRun",
           "ROTA_COLUMNS", "ROTA_INPUT_TABLES", "ROTA_RESULT_COLUMNS", "ROTA_RESULT_TABLES",
           "rota_rows"]
