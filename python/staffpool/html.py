"""Compact HTML summaries for notebooks: what ``_repr_html_`` of Pool, Solution,
RedeploymentResult and RotaResult shows. A summary, not the data: a few headline figures and one
short table (partners, the people made redundant, or the people on a rota), each capped at
``MAX_ROWS`` rows. The full data is
always one ``to_frame()`` away.

Everything is escaped; nothing here needs pandas or matplotlib.
"""
from __future__ import annotations

import html as _html
import math
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Optional, Sequence

MAX_ROWS = 12
PRIORITIES = ("statutory", "core", "discretionary")

_STYLE = ("<style>.staffpool-repr table{border-collapse:collapse;margin:2px 0 6px 0}"
          ".staffpool-repr th,.staffpool-repr td{padding:1px 8px;text-align:right}"
          ".staffpool-repr th:first-child,.staffpool-repr td:first-child{text-align:left}"
          ".staffpool-repr caption{text-align:left;font-weight:bold}</style>")


def esc(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def num(value: Any, decimals: int = 1) -> str:
    """A number with thousands separators; '-' when missing or not finite."""
    if value is None:
        return "-"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return esc(value)
    if not math.isfinite(x):
        return "-" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{x:,.{decimals}f}"


def pct(value: Any, decimals: int = 1) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "-"
    return f"{x:.{decimals}%}" if math.isfinite(x) else "-"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "",
          total: Optional[Sequence[Any]] = None, max_rows: int = MAX_ROWS) -> str:
    """An HTML table of already formatted cells (they are escaped here); rows beyond
    ``max_rows`` are left out with a note saying how many."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
    for row in rows[:max_rows]:
        out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
    if len(rows) > max_rows:
        out.append(f"<tr><td colspan=\"{len(header)}\"><i>... and {len(rows) - max_rows} more "
                   f"(see to_frame())</i></td></tr>")
    if total is not None:
        out.append("<tr>" + "".join(f"<th>{esc(c)}</th>" for c in total) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _wrap(title: str, lines: Iterable[str], body: Iterable[str]) -> str:
    parts = [_STYLE, "<div class=\"staffpool-repr\">", f"<b>{esc(title)}</b>"]
    for line in lines:
        parts.append(f"<div>{line}</div>")
    parts.extend(body)
    parts.append("</div>")
    return "".join(parts)


# ---- Pool --------------------------------------------------------------------------------------

def pool_html(pool: Any) -> str:
    """Counts, the horizon, and per partner: population, staff, contracted hours per period and
    hours demanded by priority over the horizon."""
    r = {k: pool.records(k) for k in ("partners", "sites", "skills", "staff", "demand")}
    labels = pool.period_labels
    horizon = f"{pool.periods} periods"
    if labels:
        horizon += f" ({esc(labels[0])} to {esc(labels[-1])})" if len(labels) > 1 \
            else f" ({esc(labels[0])})"
    staff: Dict[str, int] = defaultdict(int)
    contracted: Dict[str, float] = defaultdict(float)
    for s in r["staff"]:
        staff[s["partner"]] += 1
        contracted[s["partner"]] += float(s["contracted_hours"])
    demand: Dict[tuple, float] = defaultdict(float)
    for d in r["demand"]:
        demand[(d["partner"], d["priority"])] += float(d["hours"])
    rows, tot = [], [0.0] * 6
    for p in r["partners"]:
        vals = [staff[p["id"]], contracted[p["id"]]] + \
               [demand[(p["id"], pr)] for pr in PRIORITIES]
        vals.append(sum(vals[2:]))
        for i, v in enumerate(vals):
            tot[i] += v
        rows.append([f"{p['id']} · {p['name']}" if p["name"] != p["id"] else p["id"],
                     num(p.get("population") or 0, 0), num(vals[0]), num(vals[1])]
                    + [num(v) for v in vals[2:]])
    total = ["Total", num(sum(float(p.get("population") or 0) for p in r["partners"]), 0),
             num(int(tot[0])), num(tot[1])] + [num(v) for v in tot[2:]]
    lines = [f"{len(r['partners'])} partners, {len(r['sites'])} sites, {len(r['skills'])} "
             f"skills, {len(r['staff'])} staff, {len(r['demand'])} demand records; {horizon}"]
    body = [table(["partner", "population", "staff", "contracted h/period", "statutory h",
                   "core h", "discretionary h", "demand h"], rows, "Per partner", total)]
    return _wrap(f"Pool {pool.name!r}" if pool.name else "Pool", lines, body)


# ---- Solution ----------------------------------------------------------------------------------

def _status_line(status: str, gap: float, stopped_by: Optional[str], seconds: float) -> str:
    s = f"<b>{esc(status)}</b>"
    if status != "optimal" and gap is not None and math.isfinite(gap):
        s += f", gap {pct(gap, 2)}"
    if stopped_by:
        s += f", stopped by {esc(stopped_by)}"
    return s + f", {seconds:.2f} s"


def solution_html(solution: Any) -> str:
    """Status, the four objective terms, and per partner: hours demanded, received, unmet (by
    priority), unmet share and cost; the main reasons for unmet demand."""
    lines = [_status_line(solution.status, solution.gap, solution.stopped_by, solution.seconds)
             + f"; {len(solution.assignments):,} assignments"]
    body: List[str] = []
    if not solution.has_plan:
        return _wrap("Solution", lines + ["no plan"], body)
    o = solution.objective
    lines.append(f"objective: unmet (priority-weighted) {num(o.unmet)} · largest unmet share "
                 f"{pct(o.fairness)} · resilience shortfall {num(o.resilience)} · cost "
                 f"{num(o.cost, 0)}")
    rows = []
    tot = [0.0] * 7
    for p in solution.partners:
        vals = [p.hours_demanded, p.hours_received, p.hours_unmet, p.unmet_statutory,
                p.unmet_core, p.unmet_discretionary, p.cost]
        for i, v in enumerate(vals):
            tot[i] += v
        rows.append([p.partner] + [num(v) for v in vals[:6]] + [pct(p.unmet_fraction),
                                                                 num(p.cost, 0)])
    total = ["Total"] + [num(v) for v in tot[:6]] + [
        pct(tot[2] / tot[0]) if tot[0] > 0 else "-", num(tot[6], 0)]
    body.append(table(["partner", "demanded h", "received h", "unmet h", "statutory", "core",
                       "discretionary", "unmet %", "cost"], rows, "Per partner", total))
    reasons: Dict[str, float] = defaultdict(float)
    for u in solution.unmet:
        reasons[u.reason] += u.hours_unmet
    if reasons:
        top = sorted(reasons.items(), key=lambda kv: -kv[1])
        lines_r = [[k, num(v)] for k, v in top]
        body.append(table(["reason", "unmet h"], lines_r, "Unmet demand by reason", max_rows=6))
    spof = [r for r in solution.resilience if r.hours_received > 0 and r.distinct_people <= 1]
    if spof:
        body.append(f"<div>{len(spof)} (partner, skill) pairs rest on one person "
                    f"(single points of failure)</div>")
    return _wrap("Solution", lines, body)


# ---- RedeploymentResult ------------------------------------------------------------------------

def redeployment_html(result: Any) -> str:
    """Status, the headline totals, costs, and each compulsory redundancy with its reason."""
    lines = [_status_line(result.status, result.gap, result.stopped_by, result.seconds)]
    if not result.has_plan:
        return _wrap(f"Redeployment {result.name!r}", lines + ["no plan"], [])
    t = result.totals
    lines.append(f"{t.people} at risk: <b>{t.redeployed} redeployed</b>, <b>{t.redundant} "
                 f"compulsory redundancies</b>; {t.relocations} relocations, {t.retrained} "
                 f"retrained, {t.waiting} wait for their post; {t.filled} of {t.vacancies} "
                 f"vacancies filled")
    costs = [["cost of avoiding redundancy", num(t.cost_of_avoiding, 0)],
             ["· training", num(t.training_cost, 0)],
             ["· pay protection", num(t.protection_cost, 0)],
             ["· travel", num(t.travel_cost, 0)],
             ["· relocation", num(t.relocation_cost, 0)],
             ["· waiting", num(t.waiting_cost, 0)],
             ["redundancy cost avoided", num(t.redundancy_cost_avoided, 0)],
             ["redundancy cost incurred", num(t.redundancy_cost_incurred, 0)],
             ["net cost", num(t.net_cost, 0)]]
    body = [table(["", "amount"], costs, "Costs", max_rows=len(costs))]
    red = [o for o in result.outcomes if o.outcome == "redundant"]
    if red:
        rows = [[o.person, o.partner, o.reason, num(o.redundancy_cost, 0),
                 o.detail if len(o.detail) <= 90 else o.detail[:87] + "..."] for o in red]
        body.append(table(["person", "partner", "reason", "redundancy cost", "detail"], rows,
                          "Compulsory redundancies"))
    return _wrap(f"Redeployment {result.name!r}", lines, body)


# ---- RotaResult --------------------------------------------------------------------------------

def rota_html(result: Any) -> str:
    """Status, the objective and its penalty parts, cover gaps with their reasons, and per
    person: shifts, hours, weekends, nights, travel and changes to what was published."""
    lines = [_status_line(result.status, result.gap if result.gap is not None else math.nan,
                          result.stopped_by, result.seconds)
             + f"; {len(result.assignments):,} shifts"]
    if result.objective is None:
        return _wrap("Rota", lines + ["no rota"], [])
    parts = [f"{esc(k)} {num(v, 2)}" for k, v in result.penalties.items() if v]
    lines.append(f"objective {num(result.objective, 2)}" + (f" = {' + '.join(parts)}"
                                                               if parts else "")
                 + f"; bound {num(result.bound, 2)}")
    body: List[str] = []
    gaps = [c for c in result.cover if c.assigned < c.requirement]
    if gaps:
        reasons: Dict[str, int] = defaultdict(int)
        for c in gaps:
            reasons[(c.reason or "").split(":")[0] or "-"] += c.requirement - c.assigned
        body.append(table(["reason", "people short"],
                          [[k, num(v)] for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])],
                          f"Cover gaps: {len(gaps)} posts short", max_rows=6))
    else:
        lines.append("cover: every requirement met")
    changes = getattr(result, "changes", None) or []
    removed = sum(1 for c in changes if c.before_shift is not None)
    if changes:
        lines.append(f"{removed} published assignments changed or removed, "
                     f"{len(changes) - removed} added")
    rows = [[p.person, num(p.shifts), num(p.minutes / 60.0), num(p.weekends), num(p.nights),
             num(p.travel_minutes / 60.0), num(p.changes)] for p in result.people]
    body.append(table(["person", "shifts", "hours", "weekends", "nights", "travel h",
                       "changes"], rows, "Per person"))
    return _wrap("Rota", lines, body)
