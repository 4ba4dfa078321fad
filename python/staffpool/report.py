"""Plain-text summaries of a solution, for terminals, logs and `make demo`."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, List, Optional, Sequence

TERM_LABELS = {
    "unmet": "1 unmet demand, priority-weighted",
    "fairness": "2 largest unmet share of a partner",
    "resilience": "3 resilience shortfall",
    "cost": "4 cost: pay and travel time",
}


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A left/right aligned text table (numbers right, text left)."""
    rows = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in rows) and rows for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w)
                         for c, w, n in zip(cells, widths, numeric)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.1f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return "" if v is None else str(v)


def _is_number(s: str) -> bool:
    return s.replace(",", "").replace(".", "").replace("-", "").replace("%", "").isdigit() or s == ""


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _term_cells(name: str, term: Any) -> tuple:
    if name == "fairness":  # a fraction: shown as a percentage
        return _pct(term.value), _pct(term.bound), _pct(term.gap)
    return term.value, term.bound, _pct(term.gap)


def solution_summary(sol: Any, pool: Optional[Any] = None, top: int = 12) -> str:
    out: List[str] = []
    status = sol.status
    if sol.stopped_by:
        status += f" (stopped by {sol.stopped_by.replace('_', ' ')})"
    if status.startswith("feasible"):
        status += f", gap {sol.gap:.2%}"
    size = sol.model_size
    out.append(f"Status: {status} in {sol.seconds:.2f} s "
               f"(model: {size['columns']:,} columns, {size['rows']:,} rows, "
               f"{size['binaries']:,} binaries)")
    if not sol.has_plan:
        return "\n".join(out)

    out += ["", "Objective, in strict order:"]
    out.append(table(["term", "value", "best bound", "gap"],
                     [(TERM_LABELS[k], *_term_cells(k, t)) for k, t in
                      sol.objective.terms.items()]))

    names = {p["id"]: p["name"] for p in pool.records("partners")} if pool else {}
    out += ["", "Coverage per partner (hours over the horizon):"]
    out.append(table(
        ["partner", "demanded", "received", "unmet", "unmet %", "statutory unmet", "cost"],
        [(names.get(p.partner, p.partner), p.hours_demanded, p.hours_received, p.hours_unmet,
          _pct(p.unmet_fraction), p.unmet_statutory, p.cost) for p in sol.partners]))
    total_demand = sum(p.hours_demanded for p in sol.partners)
    total_unmet = sum(p.hours_unmet for p in sol.partners)
    out.append(f"Total: {total_demand:,.1f} h demanded, {total_unmet:,.1f} h unmet "
               f"({_pct(total_unmet / total_demand if total_demand else 0)}), cost "
               f"{sum(p.cost for p in sol.partners):,.0f}")

    if sol.unmet:
        out += ["", "Unmet demand by reason:"]
        by_reason: dict = defaultdict(lambda: [0, 0.0, 0.0, ""])
        for u in sol.unmet:
            entry = by_reason[u.reason]
            entry[0] += 1
            entry[1] += u.hours_unmet
            entry[2] += u.hours_unmet if u.priority == "statutory" else 0.0
            entry[3] = u.explanation
        out.append(table(["reason", "records", "hours", "statutory h", "meaning"],
                         [(k, v[0], v[1], v[2], v[3]) for k, v in
                          sorted(by_reason.items(), key=lambda kv: -kv[1][1])]))
        worst = sorted(sol.unmet, key=lambda u: (u.priority != "statutory", -u.hours_unmet))[:top]
        out += ["", f"Largest unmet statutory and other demand (top {len(worst)}):"]
        out.append(table(["partner", "skill", "period", "priority", "unmet h", "reason"],
                         [(u.partner, u.skill, u.period, u.priority, u.hours_unmet, u.reason)
                          for u in worst]))

    weak = [r for r in sol.resilience if r.people_short > 0 or r.distinct_people <= 1
            or r.share_excess_hours > 1e-6]
    out += ["", f"Resilience: {len(sol.resilience)} (partner, skill) pairs with demand; "
            f"{sum(1 for r in sol.resilience if r.distinct_people <= 1)} rest on one person or "
            f"nobody; {sum(1 for r in sol.resilience if r.people_short)} below their rule."]
    if weak:
        weak.sort(key=lambda r: (-r.people_short, r.distinct_people, -r.largest_share))
        out.append(table(["partner", "skill", "people", "rule", "largest share", "carried by",
                          "short"],
                         [(r.partner, r.skill, r.distinct_people,
                           f">= {r.min_people}" if r.min_people else "", _pct(r.largest_share),
                           r.largest_staff, r.people_short) for r in weak[:top]]))
        if len(weak) > top:
            out.append(f"... and {len(weak) - top} more (Solution.resilience.to_frame())")
    return "\n".join(out)
