"""Results as plain data: frozen dataclasses, lists of them with ``to_frame()``, and a Solution that
holds one solve's plan. Nothing here refers to C memory: it is copied out when a solve returns."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple, Union

Period = Union[int, str]
TERMS = ("unmet", "fairness", "resilience", "cost")


class Records(tuple):
    """A tuple of result records with ``to_frame()``."""

    columns: Tuple[str, ...] = ()
    types: Tuple[Optional[str], ...] = ()

    def __new__(cls, items: Any = (), columns: Tuple[str, ...] = (),
                types: Tuple[Optional[str], ...] = ()) -> "Records":
        obj = super().__new__(cls, items)
        obj.columns = columns
        obj.types = types
        return obj

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per record (pandas is imported only here)."""
        import pandas as pd

        rows = [dataclasses.astuple(r) for r in self]
        frame = pd.DataFrame(rows, columns=list(self.columns))
        if not rows and self.types:  # no records: keep numeric columns numeric
            frame = frame.astype({c: t for c, t in zip(self.columns, self.types) if t})
        return frame


_DTYPES = {"float": "float64", "int": "int64"}


def records(cls: type, items: Any) -> Records:
    fields = dataclasses.fields(cls)
    return Records(items, tuple(f.name for f in fields),
                   tuple(_DTYPES.get(f.type if isinstance(f.type, str) else f.type.__name__)
                         for f in fields))


@dataclass(frozen=True)
class Assignment:
    """Hours one person gives to one demand record."""
    staff: str
    partner: str
    skill: str
    site: str
    period: Period
    demand_index: int
    hours: float
    travel_hours: float
    cost: float


@dataclass(frozen=True)
class Unmet:
    """Hours of one demand record left unmet, and why (see docs/model.md)."""
    partner: str
    skill: str
    site: str
    period: Period
    demand_index: int
    priority: str
    hours_demanded: float
    hours_unmet: float
    reason: str
    explanation: str


@dataclass(frozen=True)
class PartnerSummary:
    partner: str
    hours_demanded: float
    hours_received: float
    hours_unmet: float
    unmet_statutory: float
    unmet_core: float
    unmet_discretionary: float
    unmet_fraction: float
    cost: float


@dataclass(frozen=True)
class Resilience:
    """Cover of one (partner, skill) over the horizon."""
    partner: str
    skill: str
    hours_demanded: float
    hours_received: float
    distinct_people: int
    largest_share: float
    largest_staff: Optional[str]
    min_people: int
    max_share: float
    people_short: int
    share_excess_hours: float


@dataclass(frozen=True)
class Term:
    """One objective term: its value, the best proved bound and the relative gap between them."""
    value: float
    bound: float
    gap: float

    def __float__(self) -> float:
        return self.value


@dataclass(frozen=True)
class Objective:
    """The four terms in their strict order (docs/model.md)."""
    unmet: float
    fairness: float
    resilience: float
    cost: float
    terms: Dict[str, Term] = field(compare=False)

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(
            [(name, t.value, t.bound, t.gap) for name, t in self.terms.items()],
            columns=["term", "value", "bound", "gap"]).set_index("term")


@dataclass(frozen=True)
class Solution:
    """One solve: status, objective, plan, unmet demand, partner summaries and resilience.

    ``status`` is "optimal", "feasible" (a plan not proved optimal: see ``gap`` and
    ``stopped_by``), "infeasible" or "no_solution" (stopped before any plan was found).
    """
    status: str
    stopped_by: Optional[str]
    gap: float
    seconds: float
    objective: Objective
    assignments: Records
    unmet: Records
    partners: Records
    resilience: Records
    model_size: Dict[str, int]
    build_seconds: float = 0.0  # of `seconds`, the time spent building the model

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    def to_frame(self) -> Any:
        """The plan: hours per (staff, partner, skill, period), summed over sites and records."""
        frame = self.assignments.to_frame()
        keys = ["staff", "partner", "skill", "period"]
        return (frame.groupby(keys, sort=False, as_index=False)[["hours", "travel_hours", "cost"]]
                .sum())

    def summary(self, pool: Any = None) -> str:
        """A plain-text report; pass the pool to show partner names."""
        from .report import solution_summary

        return solution_summary(self, pool)

    def __repr__(self) -> str:
        gap = "" if self.status == "optimal" else f", gap {self.gap:.2%}"
        return (f"<Solution {self.status}{gap}: {len(self.assignments)} assignments, "
                f"{sum(u.hours_unmet for u in self.unmet):.1f} h unmet, {self.seconds:.2f} s>")

    def _repr_html_(self) -> str:
        """A compact summary for notebooks (staffpool.html)."""
        from .html import solution_html

        return solution_html(self)
