"""Scenario dicts (docs/scenario-format.md) into pools. Unknown fields are errors, so a misspelt
field is reported rather than silently ignored."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .errors import ValidationError

FIELDS = {
    "partners": ({"id"}, {"name", "population"}),
    "sites": ({"id", "partner", "lat", "lon"}, {"name"}),
    "travel_minutes": ({"from", "to", "minutes"}, set()),
    "skills": ({"id"}, {"name"}),
    "staff": ({"id", "partner", "site", "contracted_hours", "cost_per_hour"},
              {"name", "skills", "authorised", "max_travel_minutes", "max_partners"}),
    "availability": ({"staff", "period", "hours"}, set()),
    "demand": ({"partner", "skill", "period", "hours"},
               {"site", "min_level", "priority", "local_only"}),
    "resilience": ({"partner", "skill"}, {"min_people", "max_share"}),
}
TOP_LEVEL = {"format", "version", "name", "periods", "period_labels", "settings", *FIELDS}
SETTINGS = {"reserve_share", "travel_speed_kmh", "visit_hours", "min_engagement_hours",
            "priority_weights"}


def _label(kind: str, index: int, record: Mapping[str, Any]) -> str:
    key = record.get("id", record.get("staff", record.get("partner")))
    singular = {"partners": "partner", "sites": "site", "skills": "skill"}.get(kind, kind)
    return f"{singular} #{index}" + (f" ({key!r})" if key is not None else "")


def _check_fields(kind: str, index: int, record: Any) -> None:
    if not isinstance(record, Mapping):
        raise ValidationError(f"{kind} #{index}: must be an object (got {type(record).__name__})",
                              f"{kind} #{index}", "")
    required, optional = FIELDS[kind]
    label = _label(kind, index, record)
    for field in sorted(required - set(record)):
        raise ValidationError(f"{label}: {field}: is required", label, field)
    for field in sorted(set(record) - required - optional):
        raise ValidationError(f"{label}: {field}: unknown field (expected one of "
                              f"{', '.join(sorted(required | optional))})", label, field)


def _add_each(pool: Any, kind: str, records: Any, add: Callable[[Mapping[str, Any]], None]) -> None:
    if records is None:
        return
    if not isinstance(records, list):
        raise ValidationError(f"scenario: {kind}: must be a list", "scenario", kind)
    for index, record in enumerate(records):
        _check_fields(kind, index, record)
        add(record)


def pool_from_dict(cls: Any, scenario: Mapping[str, Any]) -> Any:
    if not isinstance(scenario, Mapping):
        raise ValidationError("scenario: must be an object", "scenario", "")
    for key in sorted(set(scenario) - TOP_LEVEL):
        raise ValidationError(f"scenario: {key}: unknown field", "scenario", key)
    if scenario.get("format", "staffpool-scenario") != "staffpool-scenario":
        raise ValidationError(f"scenario: format: expected 'staffpool-scenario' (got "
                              f"{scenario.get('format')!r})", "scenario", "format")
    if scenario.get("version", 1) != 1:
        raise ValidationError(f"scenario: version: this staffpool reads version 1 (got "
                              f"{scenario.get('version')!r})", "scenario", "version")
    if "periods" not in scenario:
        raise ValidationError("scenario: periods: is required", "scenario", "periods")
    pool = cls(scenario["periods"], scenario.get("period_labels"), scenario.get("name", ""))
    settings = scenario.get("settings") or {}
    if not isinstance(settings, Mapping):
        raise ValidationError("scenario: settings: must be an object", "settings", "")
    for key in sorted(set(settings) - SETTINGS):
        raise ValidationError(f"settings: {key}: unknown setting", "settings", key)
    pool.configure(**settings)

    _add_each(pool, "partners", scenario.get("partners"), lambda r: pool.add_partner(
        r["id"], r.get("name"), r.get("population", 0)))
    _add_each(pool, "sites", scenario.get("sites"), lambda r: pool.add_site(
        r["id"], r["partner"], r["lat"], r["lon"], r.get("name")))
    _add_each(pool, "travel_minutes", scenario.get("travel_minutes"), lambda r: pool.set_travel_minutes(
        r["from"], r["to"], r["minutes"]))
    _add_each(pool, "skills", scenario.get("skills"), lambda r: pool.add_skill(r["id"], r.get("name")))

    def add_staff(r: Mapping[str, Any]) -> None:
        skills = r.get("skills") or {}
        if not isinstance(skills, Mapping):
            raise ValidationError(f"staff {r['id']!r}: skills: must map skill id to level",
                                  f"staff {r['id']!r}", "skills")
        authorised = r.get("authorised")
        if authorised is not None and not isinstance(authorised, list):
            raise ValidationError(f"staff {r['id']!r}: authorised: must be a list of partner ids",
                                  f"staff {r['id']!r}", "authorised")
        pool.add_staff(r["id"], r["partner"], r["site"], r["contracted_hours"], r["cost_per_hour"],
                       skills, r.get("name"), authorised, r.get("max_travel_minutes"),
                       r.get("max_partners"))

    _add_each(pool, "staff", scenario.get("staff"), add_staff)
    _add_each(pool, "availability", scenario.get("availability"), lambda r: pool.set_availability(
        r["staff"], r["period"], r["hours"]))
    _add_each(pool, "demand", scenario.get("demand"), lambda r: pool.add_demand(
        r["partner"], r["skill"], r["period"], r["hours"], r.get("site"), r.get("min_level", 1),
        r.get("priority", "core"), r.get("local_only", False)))
    _add_each(pool, "resilience", scenario.get("resilience"), lambda r: pool.set_resilience(
        r["partner"], r["skill"], r.get("min_people", 0), r.get("max_share", 1.0)))
    return pool
