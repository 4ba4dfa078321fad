"""Pools from and to pandas DataFrames. Column names are the scenario's field names
(docs/scenario-format.md); staff skills and authorisations, which are lists in a scenario, come as
their own long frames. pandas is imported lazily by callers, never at package import."""
from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Optional, Sequence

from .errors import ValidationError
from .scenario import FIELDS


def _rows(frame: Any, kind: str) -> list:
    if frame is None:
        return []
    if isinstance(frame, list):
        return frame
    if not hasattr(frame, "to_dict"):
        raise ValidationError(f"frames: {kind}: expected a DataFrame (got {type(frame).__name__})",
                              kind, "")
    rows = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if hasattr(value, "item"):  # numpy scalar -> Python scalar
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                continue  # an empty cell is a field left out
            clean[str(key)] = value
        rows.append(clean)
    return rows


def pool_from_frames(cls: Any, *, periods: int, partners: Any, sites: Any, skills: Any,
                     staff: Any, staff_skills: Any = None, authorised: Any = None,
                     availability: Any = None, demand: Any = None, resilience: Any = None,
                     travel_minutes: Any = None, settings: Optional[Mapping[str, Any]] = None,
                     period_labels: Optional[Sequence[str]] = None, name: str = "") -> Any:
    """Builds a pool from DataFrames.

    staff_skills has columns staff, skill, level; authorised has columns staff, partner (a person
    with no rows there may work for every partner). Every other frame has the columns of the
    scenario list of the same name; empty cells take the field's default.
    """
    staff_rows = _rows(staff, "staff")
    by_id: Dict[Any, dict] = {}
    for row in staff_rows:
        if "id" in row:
            by_id[row["id"]] = row
    for i, row in enumerate(_rows(staff_skills, "staff_skills")):
        for field in ("staff", "skill", "level"):
            if field not in row:
                raise ValidationError(f"staff_skills row {i}: {field}: is required",
                                      f"staff_skills row {i}", field)
        if row["staff"] not in by_id:
            raise ValidationError(f"staff_skills row {i}: staff: unknown staff {row['staff']!r}",
                                  f"staff_skills row {i}", "staff")
        by_id[row["staff"]].setdefault("skills", {})[row["skill"]] = row["level"]
    for i, row in enumerate(_rows(authorised, "authorised")):
        if row.get("staff") not in by_id:
            raise ValidationError(f"authorised row {i}: staff: unknown staff {row.get('staff')!r}",
                                  f"authorised row {i}", "staff")
        by_id[row["staff"]].setdefault("authorised", []).append(row.get("partner"))
    scenario: Dict[str, Any] = {"periods": periods, "name": name, "settings": dict(settings or {}),
                                "staff": staff_rows}
    if period_labels is not None:
        scenario["period_labels"] = list(period_labels)
    for kind, frame in (("partners", partners), ("sites", sites), ("skills", skills),
                        ("availability", availability), ("demand", demand),
                        ("resilience", resilience), ("travel_minutes", travel_minutes)):
        scenario[kind] = _rows(frame, kind)
    return cls.from_dict(scenario)


def pool_to_frames(pool: Any) -> Dict[str, Any]:
    """One DataFrame per scenario list, plus staff_skills and authorised in long form."""
    import pandas as pd

    frames: Dict[str, Any] = {}
    for kind in FIELDS:
        required, optional = FIELDS[kind]
        columns = [c for c in ("id", "name", "staff", "partner", "site", "from", "to", "skill",
                               "period", "hours", "minutes", "lat", "lon", "population",
                               "contracted_hours", "cost_per_hour", "max_travel_minutes",
                               "max_partners", "min_level", "priority", "local_only", "min_people",
                               "max_share") if c in required | optional]
        frames[kind] = pd.DataFrame(pool.records(kind), columns=columns)
    staff = pool.records("staff")
    frames["staff_skills"] = pd.DataFrame(
        [(s["id"], k, v) for s in staff for k, v in s["skills"].items()],
        columns=["staff", "skill", "level"])
    frames["authorised"] = pd.DataFrame(
        [(s["id"], p) for s in staff for p in (s["authorised"] or [])],
        columns=["staff", "partner"])
    return frames
