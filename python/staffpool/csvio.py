"""CSV import and CSV / .xlsx export (docs/schema.md lists every file and column).

Import reads one CSV file per input table from a directory and builds a `staffpool.Pool` record by
record, so every value is validated in C; an error names the file, line and column. Export writes
any table (or a plan) through the C store; .xlsx workbooks are made by openpyxl (Debian's
python3-openpyxl), never by hand.
"""
from __future__ import annotations

import csv
import math
import os
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from .errors import StaffpoolError, ValidationError
from .pool import PRIORITIES, Pool

# Columns of each input file: (required, optional). They are the database columns (docs/schema.md).
COLUMNS: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    "settings": (("key", "value"), ()),
    "periods": (("period",), ("label",)),
    "partners": (("id",), ("name", "population")),
    "sites": (("id", "partner", "lat", "lon"), ("name",)),
    "travel_minutes": (("from_site", "to_site", "minutes"), ()),
    "skills": (("id",), ("name",)),
    "staff": (("id", "partner", "site", "contracted_hours", "cost_per_hour"),
              ("name", "max_travel_minutes", "max_partners")),
    "staff_skills": (("staff", "skill", "level"), ()),
    "authorisations": (("staff", "partner"), ()),
    "availability": (("staff", "period", "hours"), ()),
    "demand": (("partner", "skill", "period", "hours"),
               ("id", "site", "min_level", "priority", "local_only")),
    "resilience": (("partner", "skill"), ("min_people", "max_share")),
}
REQUIRED_FILES = ("periods", "partners", "sites", "skills", "staff")
OUTPUT_FILES = ("runs", "plans", "plan_objective", "plan_assignments", "plan_unmet",
                "plan_partners", "plan_resilience", "current_plan")
REDEPLOY_OUTPUT_FILES = ("redeploy_results", "redeploy_objective", "redeploy_outcomes",
                         "redeploy_fills", "redeploy_pool_work")
SETTINGS = {"name": "text", "reserve_share": "number", "travel_speed_kmh": "number",
            "visit_hours": "number", "min_engagement_hours": "number",
            "weight_statutory": "number", "weight_core": "number",
            "weight_discretionary": "number"}
MAX_ERRORS = 50


class CsvImportError(ValidationError):
    """Bad CSV input. ``errors`` lists every problem found as "file, line N, column C: why"."""

    def __init__(self, errors: Sequence[str]) -> None:
        shown = list(errors[:MAX_ERRORS])
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(text, errors[0].split(",")[0] if errors else "", "")
        self.errors = list(errors)


class _Row:
    """One CSV record: its cells by column, and where it came from."""

    def __init__(self, file: str, line: int, header: Sequence[str], cells: Sequence[str]):
        self.file, self.line, self.header = file, line, list(header)
        self.cells = dict(zip(header, cells))

    def where(self, column: Optional[str] = None) -> str:
        if column and column in self.header:
            return (f"{self.file}, line {self.line}, column {self.header.index(column) + 1} "
                    f"({column})")
        return f"{self.file}, line {self.line}"

    def fail(self, column: Optional[str], why: str) -> ValidationError:
        return ValidationError(f"{self.where(column)}: {why}", self.where(), column or "")

    def text(self, column: str, required: bool = False) -> Optional[str]:
        value = self.cells.get(column, "")
        if value == "":
            if required:
                raise self.fail(column, "is required")
            return None
        return value

    def number(self, column: str, required: bool = False) -> Optional[float]:
        value = self.text(column, required)
        if value is None:
            return None
        try:
            number = float(value.strip())
        except ValueError:
            raise self.fail(column, f"must be a number (got {value!r})") from None
        if not math.isfinite(number):
            raise self.fail(column, f"must be a finite number (got {value!r})")
        return number

    def integer(self, column: str, required: bool = False) -> Optional[int]:
        value = self.text(column, required)
        if value is None:
            return None
        try:
            return int(value.strip())
        except ValueError:
            raise self.fail(column, f"must be a whole number (got {value!r})") from None

    def boolean(self, column: str) -> Optional[bool]:
        value = self.text(column)
        if value is None:
            return None
        v = value.strip().lower()
        if v in ("1", "true", "yes", "y", "t"):
            return True
        if v in ("0", "false", "no", "n", "f"):
            return False
        raise self.fail(column, f"must be true or false (got {value!r})")


def _read(directory: str, table: str,
          columns: Optional[Tuple[Tuple[str, ...], Tuple[str, ...]]] = None) -> Iterator[_Row]:
    name = f"{table}.csv"
    path = os.path.join(directory, name)
    required, optional = columns or COLUMNS[table]
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        if table in REQUIRED_FILES:
            raise ValidationError(f"{name}: missing (required in {directory})", name, "") from None
        return
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
            if header is None:
                if table in REQUIRED_FILES:
                    raise ValidationError(f"{name}, line 1: empty file (expected a header: "
                                          f"{','.join(required + optional)})", name, "")
                return
            header = [h.strip() for h in header]
            for i, column in enumerate(header):
                if column not in required and column not in optional:
                    raise ValidationError(
                        f"{name}, line 1, column {i + 1} ({column}): unknown column (expected "
                        f"{', '.join(required + optional)})", name, column)
                if header.count(column) > 1:
                    raise ValidationError(f"{name}, line 1, column {i + 1} ({column}): given "
                                          "twice", name, column)
            for column in required:
                if column not in header:
                    raise ValidationError(f"{name}, line 1: missing column {column}", name,
                                          column)
            line = reader.line_num + 1
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not cells or all(c == "" for c in cells):
                    continue
                if len(cells) != len(header):
                    raise ValidationError(f"{name}, line {start}: {len(cells)} cells, the header "
                                          f"has {len(header)}", name, "")
                yield _Row(name, start, header, cells)
        except csv.Error as e:
            raise ValidationError(f"{name}, line {reader.line_num}: {e}", name, "") from None
        except UnicodeDecodeError as e:
            raise ValidationError(f"{name}: not UTF-8 text ({e.reason})", name, "") from None


def read_pool(directory: str) -> Pool:
    """Builds a pool from the CSV files in directory (docs/schema.md). Raises CsvImportError
    (a ValidationError) listing every problem by file, line and column."""
    if not os.path.isdir(directory):
        raise ValidationError(f"{directory}: not a directory of CSV files", directory, "")
    known = set(COLUMNS) | set(OUTPUT_FILES) | set(REDEPLOY_REQUIRED) | \
        set(REDEPLOY_OUTPUT_FILES) | set(AGREEMENT_FILES) | {"agreement_skills"} | \
        set(ROTA_FILES) | set(ROTA_OUTPUT_FILES)
    for entry in sorted(os.listdir(directory)):
        if entry.endswith(".csv") and entry[:-4] not in known:
            raise ValidationError(f"{entry}: unknown file (expected "
                                  f"{', '.join(t + '.csv' for t in COLUMNS)})", entry, "")
    errors: List[str] = []

    def each(table: str, add: Callable[[_Row], None]) -> None:
        for row in _read(directory, table):
            try:
                add(row)
            except ValidationError as e:
                message = str(e)
                if not message.startswith(row.file):
                    column = e.field if e.field in row.header else None
                    message = f"{row.where(column)}: {message}"
                errors.append(message)
        if errors:
            raise CsvImportError(errors)

    try:
        # settings and periods first: they make the pool
        settings: Dict[str, Any] = {}
        where: Dict[str, _Row] = {}

        def add_setting(row: _Row) -> None:
            key = row.text("key", True) or ""
            if key not in SETTINGS:
                raise row.fail("key", f"unknown setting {key!r} (expected "
                                      f"{', '.join(SETTINGS)})")
            if key in settings:
                raise row.fail("key", f"setting {key!r} given twice")
            settings[key] = row.text("value", True) if SETTINGS[key] == "text" \
                else row.number("value", True)
            where[key] = row

        each("settings", add_setting)
        labels: List[Optional[str]] = []

        def add_period(row: _Row) -> None:
            period = row.integer("period", True)
            if period != len(labels):
                raise row.fail("period", f"periods must be numbered 0, 1, 2... in order "
                                         f"(expected {len(labels)}, got {period})")
            labels.append(row.text("label"))

        each("periods", add_period)
        if not labels:
            raise CsvImportError(["periods.csv: no periods"])
        given = [label for label in labels if label is not None]
        if given and len(given) != len(labels):
            raise CsvImportError(["periods.csv: give every period a label, or none"])
        if len(set(given)) != len(given):
            raise CsvImportError(["periods.csv: period labels must be distinct"])
        pool = Pool(len(labels), given or None, settings.get("name") or "")
        for key, value in settings.items():
            if key == "name":
                continue
            try:
                if key.startswith("weight_"):
                    pool.configure(priority_weights={key[len("weight_"):]: value})
                else:
                    pool.configure(**{key: value})
            except ValidationError as e:
                errors.append(f"{where[key].where('value')}: {e}")
        if errors:
            raise CsvImportError(errors)

        def period_of(row: _Row) -> int:
            text = row.text("period", True) or ""
            try:
                return int(text.strip())
            except ValueError:
                pass
            if given and text in given:
                return given.index(text)
            raise row.fail("period", f"unknown period {text!r} (give its index, or its label "
                                     "from periods.csv)")

        each("partners", lambda r: pool.add_partner(r.text("id", True), r.text("name"),
                                                    r.number("population") or 0))
        each("sites", lambda r: pool.add_site(r.text("id", True), r.text("partner", True),
                                              r.number("lat", True), r.number("lon", True),
                                              r.text("name")))
        each("travel_minutes", lambda r: pool.set_travel_minutes(
            r.text("from_site", True), r.text("to_site", True), r.number("minutes", True)))
        each("skills", lambda r: pool.add_skill(r.text("id", True), r.text("name")))
        skill_ids = {s["id"] for s in pool.records("skills")}
        partner_ids = {p["id"] for p in pool.records("partners")}

        # Staff skills and authorisations are checked here, row by row, and given to add_staff.
        staff_rows = list(_read(directory, "staff"))
        staff_ids = {r.cells.get("id") for r in staff_rows}
        skills: Dict[str, Dict[str, int]] = {}
        authorised: Dict[str, List[str]] = {}

        def add_skill(row: _Row) -> None:
            staff = row.text("staff", True) or ""
            skill = row.text("skill", True) or ""
            level = row.integer("level", True)
            if staff not in staff_ids:
                raise row.fail("staff", f"unknown staff {staff!r} (not in staff.csv)")
            if skill not in skill_ids:
                raise row.fail("skill", f"unknown skill {skill!r} (not in skills.csv)")
            if level is None or not 1 <= level <= 5:
                raise row.fail("level", f"must be 1..5 (got {level})")
            if skill in skills.setdefault(staff, {}):
                raise row.fail("skill", f"skill {skill!r} given twice for staff {staff!r}")
            skills[staff][skill] = level

        def add_authorisation(row: _Row) -> None:
            staff = row.text("staff", True) or ""
            partner = row.text("partner", True) or ""
            if staff not in staff_ids:
                raise row.fail("staff", f"unknown staff {staff!r} (not in staff.csv)")
            if partner not in partner_ids:
                raise row.fail("partner", f"unknown partner {partner!r} (not in partners.csv)")
            authorised.setdefault(staff, []).append(partner)

        each("staff_skills", add_skill)
        each("authorisations", add_authorisation)

        def add_staff(r: _Row) -> None:
            staff_id = r.text("id", True)
            pool.add_staff(staff_id, r.text("partner", True), r.text("site", True),
                           r.number("contracted_hours", True), r.number("cost_per_hour", True),
                           skills.get(staff_id or "", {}), r.text("name"),
                           authorised.get(staff_id or ""), r.number("max_travel_minutes"),
                           r.integer("max_partners"))

        for row in staff_rows:
            try:
                add_staff(row)
            except ValidationError as e:
                column = e.field if e.field in row.header else None
                message = str(e)
                errors.append(message if message.startswith(row.file)
                              else f"{row.where(column)}: {message}")
        if errors:
            raise CsvImportError(errors)
        each("availability", lambda r: pool.set_availability(
            r.text("staff", True), period_of(r), r.number("hours", True)))

        def add_demand(r: _Row) -> None:
            priority = r.text("priority") or "core"
            if priority not in PRIORITIES:
                raise r.fail("priority", f"unknown priority {priority!r} (use "
                                         f"{', '.join(PRIORITIES)})")
            level = r.integer("min_level")
            local = r.boolean("local_only")
            pool.add_demand(r.text("partner", True), r.text("skill", True), period_of(r),
                            r.number("hours", True), r.text("site"),
                            1 if level is None else level, priority, bool(local))

        each("demand", add_demand)

        def add_rule(r: _Row) -> None:
            people = r.integer("min_people")
            share = r.number("max_share")
            pool.set_resilience(r.text("partner", True), r.text("skill", True),
                                0 if people is None else people, 1.0 if share is None else share)

        each("resilience", add_rule)
    except CsvImportError:
        raise
    except ValidationError as e:
        raise CsvImportError([str(e)]) from None
    return pool


# ---- export ------------------------------------------------------------------------------------

def write_csv(path: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """One CSV file (path "-" writes to stdout). Floats are written exactly (repr)."""
    import sys

    def emit(f: Any) -> None:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])

    if path == "-":
        emit(sys.stdout)
        return
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        emit(f)
    os.replace(tmp, path)


def export_csv_dir(store: Any, directory: str, plan_id: Optional[int],
                   redeploy_run: Optional[int] = None, rota_id: Optional[int] = None,
                   plan_tables: bool = True) -> List[str]:
    """Every input table (in the import format; redeployment and rota inputs included), the run
    history, the plan's tables (when there is a plan), one redeployment result's tables (when
    redeploy_run is given) and one rota's tables (when rota_id is given) into directory;
    returns the files written."""
    from .store import (AGREEMENT_TABLES, INPUT_TABLES, PLAN_TABLES, REDEPLOY_INPUT_TABLES,
                        REDEPLOY_RESULT_TABLES, ROTA_INPUT_TABLES, ROTA_RESULT_TABLES)

    os.makedirs(directory, exist_ok=True)
    written = []
    tables = list(INPUT_TABLES) + list(REDEPLOY_INPUT_TABLES) + list(AGREEMENT_TABLES) + \
        list(ROTA_INPUT_TABLES) + ["runs"]
    if plan_id is not None and plan_tables:
        tables += ["plans"] + list(PLAN_TABLES)
    if redeploy_run is not None:
        tables += list(REDEPLOY_RESULT_TABLES)
    if rota_id is not None:
        tables += list(ROTA_RESULT_TABLES)
    for table in tables:
        key = plan_id if table in PLAN_TABLES or table == "plans" else \
            redeploy_run if table in REDEPLOY_RESULT_TABLES else \
            rota_id if table in ROTA_RESULT_TABLES else None
        columns, rows = store.rows(table, key)
        path = os.path.join(directory, f"{table}.csv")
        write_csv(path, columns, rows)
        written.append(path)
    return written


SHEETS = (("Assignments", "plan_assignments"), ("Unmet", "plan_unmet"),
          ("Partners", "plan_partners"), ("Resilience", "plan_resilience"),
          ("Objective", "plan_objective"))


def _table_sheet(wb: Any, title: str, columns: List[str], rows: List[tuple], drop: str,
                 bold: Any) -> None:
    """A sheet of one stored table: a bold header, the rows, the key column `drop` left out."""
    keep = [i for i, c in enumerate(columns) if c != drop]
    sheet = wb.create_sheet(title)
    sheet.append([columns[i] for i in keep])
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([row[i] for i in keep])
    sheet.freeze_panes = "A2"


def export_xlsx(store: Any, path: str, plan_id: int) -> None:
    """The plan as a workbook for planners: a summary sheet, one sheet per plan table, and hours
    per staff member and period."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:  # pragma: no cover - install-deps.sh installs it
        raise StaffpoolError("writing .xlsx needs openpyxl (Debian: apt-get install "
                             "python3-openpyxl)") from None
    bold = Font(bold=True)
    wb = Workbook()
    summary = wb.active
    summary.title = "Plan"
    plan = store.records("plans", plan_id)[0]
    run = next((r for r in store.runs() if r["id"] == plan_id), {})
    summary.append(["staffpool plan", plan_id])
    summary["A1"].font = bold
    for key in ("status", "stopped_by", "gap", "seconds", "first_period", "periods",
                "assignments", "unmet_records", "created_at"):
        summary.append([key, plan[key]])
    for key in ("command", "input_hash", "library_version"):
        summary.append([key, run.get(key)])
    summary.column_dimensions["A"].width = 18
    summary.column_dimensions["B"].width = 40
    for title, table in SHEETS:
        _table_sheet(wb, title, *store.rows(table, plan_id), "plan_id", bold)
    # hours per staff member (rows) and period (columns)
    columns, rows = store.rows("plan_assignments", plan_id)
    col = {c: i for i, c in enumerate(columns)}
    periods: Dict[Any, None] = {}
    hours: Dict[str, Dict[Any, float]] = {}
    for row in rows:
        label = row[col["period_label"]] if row[col["period_label"]] is not None \
            else row[col["period"]]
        periods.setdefault((row[col["period"]], label), None)
        by = hours.setdefault(row[col["staff"]], {})
        by[label] = by.get(label, 0.0) + row[col["hours"]]
    ordered = [label for _, label in sorted(periods)]
    sheet = wb.create_sheet("Staff hours")
    sheet.append(["staff"] + [str(p) for p in ordered] + ["total"])
    for cell in sheet[1]:
        cell.font = bold
    for staff in sorted(hours):
        values = [round(hours[staff].get(p, 0.0), 4) for p in ordered]
        sheet.append([staff] + values + [round(sum(values), 4)])
    sheet.freeze_panes = "B2"
    tmp = f"{path}.tmp{os.getpid()}"
    wb.save(tmp)
    os.replace(tmp, path)


# ---- redeployment (docs/schema.md "Redeployment") -----------------------------------------------

# Column -> kind for every redeploy_* input file; the first `required` columns must be present.
def _redeploy_kinds() -> Dict[str, Dict[str, str]]:
    from .redeploy import INT_RULES, RULES

    rules = {r: "int" if r in INT_RULES else "real" for r in RULES}
    return {
        "redeployments": dict(id="text", name="text", periods="int", period_labels="list",
                              grades="list", **rules),
        "redeploy_people": dict(id="text", name="text", partner="text", post="text",
                                site="text", grade="grade", pay="real", hours="real",
                                home_site="text", home_lat="real", home_lon="real",
                                max_travel_minutes="real", relocate="bool", post_ends="int",
                                redundancy_cost="real"),
        "redeploy_person_skills": dict(person="text", skill="text", level="int"),
        "redeploy_preferences": dict(person="text", rank="int", partner="text"),
        "redeploy_vacancies": dict(id="text", name="text", partner="text", site="text",
                                   skill="text", min_level="int", grade="grade", pay="real",
                                   hours="real", start="int", natural_wastage="bool"),
        "redeploy_leaving_rates": dict(id="text", partner="text", site="text", skill="text",
                                       min_level="int", grade="grade", pay="real", hours="real",
                                       headcount="real", annual_rate="real"),
        "redeploy_routes": dict(from_skill="text", from_level="int", to_skill="text",
                                to_level="int", weeks="real", cost="real"),
    }


REDEPLOY_REQUIRED: Dict[str, Tuple[str, ...]] = {
    "redeployments": ("id", "periods"),
    "redeploy_people": ("id", "partner", "site", "grade", "pay", "hours"),
    "redeploy_person_skills": ("person", "skill", "level"),
    "redeploy_preferences": ("person", "rank", "partner"),
    "redeploy_vacancies": ("id", "partner", "skill", "grade", "pay", "hours"),
    "redeploy_leaving_rates": ("id", "partner", "skill", "grade", "pay", "hours", "headcount",
                               "annual_rate"),
    "redeploy_routes": ("from_skill", "from_level", "to_skill", "to_level", "weeks", "cost"),
}


def _list_cell(row: _Row, column: str) -> Optional[str]:
    """A list of names: a JSON list, or names separated by '|'. Stored as a JSON list."""
    import json

    value = row.text(column)
    if value is None:
        return None
    text = value.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise row.fail(column, f"must be a JSON list of names or names separated by '|' "
                                   f"(got {value!r})")
    else:
        items = [part.strip() for part in text.split("|")]
    return json.dumps(items)


def has_redeployment(directory: str) -> bool:
    return os.path.exists(os.path.join(directory, "redeployments.csv"))


def read_redeployment(directory: str) -> Tuple[Dict[str, List[tuple]], Dict[str, List[int]]]:
    """Rows of the redeploy_* input tables from directory's CSV files (redeployments.csv
    required; the others optional), and the CSV line of each row. Raises CsvImportError naming
    file, line and column."""
    kinds = _redeploy_kinds()
    tables: Dict[str, List[tuple]] = {}
    lines: Dict[str, List[int]] = {}
    errors: List[str] = []
    for table, columns in kinds.items():
        required = REDEPLOY_REQUIRED[table]
        spec = (required, tuple(c for c in columns if c not in required))
        rows, where = [], []
        try:
            if table == "redeployments" and not has_redeployment(directory):
                raise ValidationError(f"redeployments.csv: missing (required in {directory} "
                                      "for a redeployment)", "redeployments.csv", "")
            for row in _read(directory, table, spec):
                try:
                    values = []
                    for column, kind in columns.items():
                        req = column in required
                        if kind == "text":
                            values.append(row.text(column, req))
                        elif kind == "int":
                            values.append(row.integer(column, req))
                        elif kind == "real":
                            values.append(row.number(column, req))
                        elif kind == "bool":
                            flag = row.boolean(column)
                            values.append(None if flag is None else int(flag))
                        elif kind == "list":
                            values.append(_list_cell(row, column))
                        else:  # grade: a name, or a whole number (a rank)
                            text = row.text(column, req)
                            values.append(int(text) if text is not None and
                                          text.strip().lstrip("-").isdigit() else text)
                    rows.append(tuple(values))
                    where.append(row.line)
                except ValidationError as e:
                    errors.append(str(e))
        except ValidationError as e:
            errors.append(str(e))
        tables[table], lines[table] = rows, where
    if errors:
        raise CsvImportError(errors)
    return tables, lines


# ---- sharing agreements (docs/schema.md "Sharing agreements") -----------------------------------

AGREEMENT_FILES: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    "agreements": (("name",), ("skills", "rule", "fixed_share", "fixed_rule", "tolerance",
                               "total_cost", "members")),
    "agreement_partners": (("agreement", "partner"), ("weight", "agreed_share")),
}


def _agreement_error(row: _Row, e: ValidationError) -> str:
    """An `economics.Agreement` error ("agreement 'a': field: why") at row's file and line, with
    the column when the field is one."""
    why = str(e)
    if e.record and why.startswith(f"{e.record}: "):
        why = why[len(e.record) + 2:]
    if e.field in row.header:
        if why.startswith(f"{e.field}: "):
            why = why[len(e.field) + 2:]
        return f"{row.where(e.field)}: {why}"
    return f"{row.where()}: {why}"


def has_agreements(directory: str) -> bool:
    return any(os.path.exists(os.path.join(directory, f"{t}.csv")) for t in AGREEMENT_FILES)


def read_agreements(directory: str, pool: Any = None) -> List[Any]:
    """The sharing agreements in directory's agreements.csv and agreement_partners.csv, as
    `economics.Agreement` objects; partner and skill ids are checked against pool when given.
    Raises CsvImportError naming file, line and column."""
    from .economics import agreements_from_frames, check_skills

    errors: List[str] = []
    heads: List[Tuple[_Row, dict]] = []
    members: List[Tuple[_Row, dict]] = []
    partners = skills = None
    if pool is not None:
        partners = {p["id"] for p in pool.records("partners")}
        skills = {k["id"] for k in pool.records("skills")}
    if not os.path.exists(os.path.join(directory, "agreements.csv")):
        errors.append("agreements.csv: missing (agreement_partners.csv needs it)")
    try:
        for row in _read(directory, "agreements", AGREEMENT_FILES["agreements"]):
            try:
                d = {"name": row.text("name", True), "skills": row.text("skills"),
                     "rule": row.text("rule"), "fixed_share": row.number("fixed_share"),
                     "fixed_rule": row.text("fixed_rule"), "tolerance": row.number("tolerance"),
                     "total_cost": row.number("total_cost"), "members": row.text("members")}
                first = next((r for r, h in heads if h["name"] == d["name"]), None)
                if first is not None:
                    raise row.fail("name", f"agreement {d['name']!r} is already on line "
                                           f"{first.line}")
                if skills is not None and d["skills"] not in (None, "all"):
                    for k in (x.strip() for x in d["skills"].split(",")):
                        if k and k not in skills:
                            raise row.fail("skills", f"unknown skill {k!r} (not in skills.csv)")
                heads.append((row, {k: v for k, v in d.items() if v is not None}))
            except ValidationError as e:
                errors.append(str(e))
        names = {h["name"] for _, h in heads}
        for row in _read(directory, "agreement_partners", AGREEMENT_FILES["agreement_partners"]):
            try:
                m = {"agreement": row.text("agreement", True),
                     "partner": row.text("partner", True), "weight": row.number("weight"),
                     "agreed_share": row.number("agreed_share")}
                if m["agreement"] not in names:
                    raise row.fail("agreement", f"no agreement {m['agreement']!r} in "
                                                "agreements.csv")
                if partners is not None and m["partner"] not in partners:
                    raise row.fail("partner", f"unknown partner {m['partner']!r} (not in "
                                              "partners.csv)")
                first = next((r for r, x in members if (x["agreement"], x["partner"]) ==
                              (m["agreement"], m["partner"])), None)
                if first is not None:
                    raise row.fail("partner", f"partner {m['partner']!r} is already listed for "
                                              f"this agreement on line {first.line}")
                for column in ("weight", "agreed_share"):
                    if m[column] is not None and m[column] < 0:
                        raise row.fail(column, f"must be >= 0 (got {m[column]!r})")
                members.append((row, m))
            except ValidationError as e:
                errors.append(str(e))
    except ValidationError as e:  # a bad header
        errors.append(str(e))
    out = []
    for row, head in heads:
        mine = [m for _, m in members if m["agreement"] == head["name"]]
        try:
            out.extend(agreements_from_frames([head], mine))
        except ValidationError as e:
            errors.append(_agreement_error(row, e))
    if not errors:
        try:
            check_skills(out)
        except ValidationError as e:
            row = next(r for r, h in heads if f"agreement {h['name']!r}" == e.record)
            errors.append(_agreement_error(row, e))
    if errors:
        raise CsvImportError(errors)
    return out


def csv_location(message: str, lines: Dict[str, List[int]]) -> str:
    """Turns the store's "table T row N" in an error message into "T.csv, line L"."""
    import re

    m = re.search(r"table '?(redeploy\w*|redeployments)[ ,]+row (\d+)'?", message)
    if not m:
        return message
    table, row = m.group(1), int(m.group(2))
    where = lines.get(table, [])
    line = where[row - 1] if 0 < row <= len(where) else None
    if line is None:
        return message
    return message.replace(m.group(0), f"{table}.csv, line {line}")


REDEPLOY_SHEETS = (("Outcomes", "redeploy_outcomes"), ("Vacancies", "redeploy_fills"),
                   ("Pool work", "redeploy_pool_work"), ("Objective", "redeploy_objective"))


def export_redeploy_xlsx(store: Any, path: str, run_id: int) -> None:
    """A stored redeployment result as a workbook: totals, then one sheet per result table."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:  # pragma: no cover - install-deps.sh installs it
        raise StaffpoolError("writing .xlsx needs openpyxl (Debian: apt-get install "
                             "python3-openpyxl)") from None
    bold = Font(bold=True)
    wb = Workbook()
    summary = wb.active
    summary.title = "Redeployment"
    head = store.records("redeploy_results", run_id)[0]
    summary.append(["staffpool redeployment run", run_id])
    summary["A1"].font = bold
    for key, value in head.items():
        if key != "run_id":
            summary.append([key, value])
    summary.column_dimensions["A"].width = 26
    summary.column_dimensions["B"].width = 50
    for title, table in REDEPLOY_SHEETS:
        _table_sheet(wb, title, *store.rows(table, run_id), "run_id", bold)
    tmp = f"{path}.tmp{os.getpid()}"
    wb.save(tmp)
    os.replace(tmp, path)


# ---- rotas (docs/schema.md "Rotas") ------------------------------------------------------------

# Column -> kind for every rota input file, in table column order; required columns first in
# ROTA_REQUIRED. Kinds: text, int, real, bool (0/1, true/false, yes/no), date (YYYY-MM-DD),
# weekday (0-6 from Monday, or mon..sun), minute (HH:MM or whole minutes), kind (on/off).
ROTA_FILES: Dict[str, Dict[str, str]] = {
    "rota_settings": dict(key="text", value="real"),
    "rota_shifts": dict(id="text", name="text", start_minute="minute", length_minutes="int",
                        night="bool", unpopular="bool"),
    "rota_shift_posts": dict(shift="text", site="text", skill="text"),
    "rota_cover": dict(shift="text", site="text", skill="text", weekday="weekday",
                       requirement="int", under_weight="real", over_weight="real",
                       hard_min="int"),
    "rota_cover_dates": dict(shift="text", site="text", skill="text", date="date",
                             requirement="int", under_weight="real", over_weight="real",
                             hard_min="int"),
    "rota_staff": dict(staff="text", contract="text", min_minutes_per_week="int",
                       max_minutes_per_week="int", min_consecutive="int", max_consecutive="int",
                       min_days_off="int", max_weekends_per_4_weeks="int"),
    "rota_weekly_days_off": dict(staff="text", weekday="weekday"),
    "rota_max_shifts": dict(staff="text", shift="text", max_per_4_weeks="int"),
    "rota_absences": dict(id="int", staff="text", from_date="date", to_date="date",
                          reason="text"),
    "rota_requests": dict(staff="text", date="date", shift="text", kind="kind", weight="real"),
    "rota_pins": dict(staff="text", date="date", shift="text", site="text", skill="text"),
}
ROTA_REQUIRED: Dict[str, Tuple[str, ...]] = {
    "rota_settings": ("key", "value"),
    "rota_shifts": ("id", "start_minute", "length_minutes"),
    "rota_shift_posts": ("shift",),
    "rota_cover": ("shift", "weekday", "requirement"),
    "rota_cover_dates": ("shift", "date", "requirement"),
    "rota_staff": ("staff",),
    "rota_weekly_days_off": ("staff", "weekday"),
    "rota_max_shifts": ("staff", "shift", "max_per_4_weeks"),
    "rota_absences": ("staff", "from_date", "to_date"),
    "rota_requests": ("staff", "date", "kind", "weight"),
    "rota_pins": ("staff", "date", "shift"),
}
ROTA_OUTPUT_FILES = ("rotas", "rota_penalties", "rota_assignments", "rota_cover_results",
                     "rota_people", "rota_changes", "rota_published")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
POOL_FILE = {"staff": "staff.csv", "site": "sites.csv", "skill": "skills.csv"}


def has_rota(directory: str) -> bool:
    """Whether directory holds rota input files (then rota_shifts.csv must be among them)."""
    return any(os.path.exists(os.path.join(directory, f"{t}.csv")) for t in ROTA_FILES)


def _rota_cell(row: _Row, column: str, kind: str, required: bool) -> Any:
    if kind == "text":
        return row.text(column, required)
    if kind == "int":
        return row.integer(column, required)
    if kind == "real":
        return row.number(column, required)
    if kind == "bool":
        flag = row.boolean(column)
        return None if flag is None else int(flag)
    value = row.text(column, required)
    if value is None:
        return None
    text = value.strip()
    if kind == "date":
        import datetime

        try:
            if len(text) != 10:
                raise ValueError
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise row.fail(column, f"must be a date YYYY-MM-DD (got {value!r})") from None
    if kind == "weekday":
        if text.isdigit() and 0 <= int(text) <= 6:
            return int(text)
        if text[:3].lower() in WEEKDAYS and (len(text) == 3 or text.lower() in (
                "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")):
            return WEEKDAYS.index(text[:3].lower())
        raise row.fail(column, f"must be a weekday 0-6 (0 = Monday) or mon..sun (got {value!r})")
    if kind == "minute":
        if text.isdigit() and int(text) <= 1439:
            return int(text)
        parts = text.split(":")
        if len(parts) == 2 and all(p.isdigit() for p in parts) and len(parts[1]) == 2 and \
                int(parts[0]) <= 23 and int(parts[1]) <= 59:
            return int(parts[0]) * 60 + int(parts[1])
        raise row.fail(column, f"must be a time HH:MM or minutes 0-1439 (got {value!r})")
    if kind == "kind":
        if text.lower() in ("on", "off"):
            return text.lower()
        raise row.fail(column, f"must be on or off (got {value!r})")
    raise AssertionError(kind)


def read_rota(directory: str, pool: Any = None) -> Tuple[Dict[str, List[tuple]],
                                                         Dict[str, List[int]]]:
    """Rows of the rota input tables from directory's rota_*.csv files (rota_shifts.csv
    required; the others optional) and the CSV line of each row. References between the files,
    and to the staff, sites and skills of pool when given, are checked here; the store checks
    them again on save. Raises CsvImportError naming file, line and column."""
    from .store import ROTA_COLUMNS

    tables: Dict[str, List[tuple]] = {}
    lines: Dict[str, List[int]] = {}
    errors: List[str] = []
    ids: Dict[str, set] = {"rota_shifts": set(), "rota_staff": set()}
    posts: Dict[str, set] = {}  # shift -> its (site, skill) posts
    known = {}
    if pool is not None:
        known = {"staff": {s["id"] for s in pool.records("staff")},
                 "site": {s["id"] for s in pool.records("sites")},
                 "skill": {s["id"] for s in pool.records("skills")}}
    for table, columns in ROTA_FILES.items():
        assert tuple(columns) == ROTA_COLUMNS[table], table
        required = ROTA_REQUIRED[table]
        spec = (required, tuple(c for c in columns if c not in required))
        rows: List[tuple] = []
        where: List[int] = []
        try:
            if table == "rota_shifts" and \
                    not os.path.exists(os.path.join(directory, "rota_shifts.csv")):
                raise ValidationError(f"rota_shifts.csv: missing (required in {directory} for "
                                      "a rota)", "rota_shifts.csv", "")
            for row in _read(directory, table, spec):
                try:
                    values = {c: _rota_cell(row, c, kind, c in required)
                              for c, kind in columns.items()}
                    for column in ("shift", "staff", "site", "skill"):
                        value = values.get(column)
                        if value is None or column not in columns:
                            continue
                        if column == "shift" and table != "rota_shifts" and \
                                value not in ids["rota_shifts"]:
                            raise row.fail(column, f"unknown shift type {value!r} (not in "
                                                   "rota_shifts.csv)")
                        if column == "staff" and table != "rota_staff" and \
                                value not in ids["rota_staff"]:
                            raise row.fail(column, f"{value!r} is not on the rota (not in "
                                                   "rota_staff.csv)")
                        if column in known and value not in known[column] and \
                                (column != "staff" or table == "rota_staff"):
                            raise row.fail(column, f"unknown {column} {value!r} (not in "
                                                   f"{POOL_FILE[column]})")
                    if table in ("rota_cover", "rota_cover_dates", "rota_pins") and \
                            (values["site"], values["skill"]) != (None, None) and \
                            posts.get(values["shift"]) and \
                            (values["site"], values["skill"]) not in posts[values["shift"]]:
                        raise row.fail("site" if values["site"] else "skill",
                                       f"shift {values['shift']!r} has no post "
                                       f"({values['site']}, {values['skill']}) in "
                                       "rota_shift_posts.csv")
                    if table == "rota_shift_posts":
                        posts.setdefault(values["shift"], set()).add((values["site"],
                                                                     values["skill"]))
                    key = {"rota_shifts": "id", "rota_staff": "staff"}.get(table)
                    if key:
                        if values[key] in ids[table]:
                            raise row.fail(key, f"{values[key]!r} given twice")
                        ids[table].add(values[key])
                    for low, high in (("min_minutes_per_week", "max_minutes_per_week"),
                                      ("min_consecutive", "max_consecutive"),
                                      ("hard_min", "requirement"),
                                      ("from_date", "to_date")):
                        if values.get(low) is not None and values.get(high) is not None and \
                                values[low] > values[high]:
                            raise row.fail(low, f"must not be above {high} ({values[low]} > "
                                                f"{values[high]})")
                    for column, value in values.items():
                        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                                value < 0 and column != "id":
                            raise row.fail(column, f"must be >= 0 (got {value})")
                    if table == "rota_shifts" and not 1 <= values["length_minutes"] <= 1440:
                        raise row.fail("length_minutes", "must be 1..1440 minutes (got "
                                                         f"{values['length_minutes']})")
                    if table == "rota_requests" and values["kind"] == "on" and \
                            values["shift"] is None:
                        raise row.fail("shift", "an on-request names the shift wanted")
                    rows.append(tuple(values[c] for c in columns))
                    where.append(row.line)
                except ValidationError as e:
                    errors.append(str(e))
        except ValidationError as e:
            errors.append(str(e))
        tables[table], lines[table] = rows, where
    if errors:
        raise CsvImportError(errors)
    return tables, lines


def rota_csv_location(message: str, lines: Dict[str, List[int]]) -> str:
    """Turns the store's "table rota_x, row N" (or "rota_x row N") in an error message into
    "rota_x.csv, line L"."""
    import re

    m = re.search(r"table '?(rota_\w+)[ ,]+row (\d+)'?|(rota_\w+) row (\d+)", message)
    if not m:
        return message
    table = m.group(1) or m.group(3)
    row = int(m.group(2) or m.group(4))
    where = lines.get(table, [])
    if not 0 < row <= len(where):
        return message
    return message.replace(m.group(0), f"{table}.csv, line {where[row - 1]}")
