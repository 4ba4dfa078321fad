"""Plots for planners, with matplotlib (imported inside each function, so ``import staffpool``
never needs it). Each function draws on ``ax`` (a new figure when None) and returns the Axes.

- `coverage_heatmap(solution, pool)`: hours received / hours demanded, partner x skill by period;
- `unmet_by_priority(solution)`: unmet hours per partner, stacked by priority;
- `cost_vs_hours(shares)`: hours received against cost borne per partner (`cost_shares` output);
- `resilience(solution)`: distinct people per partner and skill, single points of failure marked;
- `redeployment_outcomes(result)`: each at-risk person's outcome, cost avoided against cost of
  avoiding, and the reason for each redundancy;
- `rota_chart(rota_result)`: people x days coloured by shift type, labelled by site, weekends
  shaded.

In a notebook the inline backend shows the figure; in a script or a test use the Agg backend and
``ax.figure.savefig(path)``.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .pool import PRIORITIES

PRIORITY_COLOURS = {"statutory": "#b2182b", "core": "#ef8a62", "discretionary": "#fddbc7"}
Period = Union[int, str]


def _axes(ax: Any, figsize: Tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _thousands(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.0f}"))


def _partner_order(pool: Any, seen: Sequence[str]) -> List[str]:
    if pool is not None:
        order = [p["id"] for p in pool.records("partners")]
        return [p for p in order if p in seen]
    return list(dict.fromkeys(seen))


# ---- coverage ----------------------------------------------------------------------------------

def coverage_table(solution: Any, pool: Any) -> Dict[Tuple[str, str, int], Tuple[float, float]]:
    """(partner, skill, period index) -> (hours demanded, hours received), from the pool's demand
    records and the plan's assignments (matched by their demand record)."""
    demand = pool.records("demand")
    cells: Dict[Tuple[str, str, int], List[float]] = defaultdict(lambda: [0.0, 0.0])
    for d in demand:
        cells[(d["partner"], d["skill"], int(d["period"]))][0] += float(d["hours"])
    for a in solution.assignments:
        d = demand[a.demand_index]
        cells[(d["partner"], d["skill"], int(d["period"]))][1] += a.hours
    return {k: (v[0], v[1]) for k, v in cells.items()}


def coverage_heatmap(solution: Any, pool: Any, period: Optional[Period] = None,
                     ax: Any = None, cmap: str = "RdYlGn") -> Any:
    """Hours received / hours demanded (0 to 1; grey: no demand).

    period None: one row per (partner, skill) with demand, one column per period. A period (index
    or label): partners x skills in that period. ``period="all"``: partners x skills over the
    whole horizon.
    """
    import numpy as np

    table = coverage_table(solution, pool)
    skills = [s["id"] for s in pool.records("skills")]
    partners = _partner_order(pool, [k[0] for k in table])
    labels = [str(pool.period_label(t)) for t in range(pool.periods)]
    if period is None:
        rows = [(p, k) for p in partners for k in skills
                if any(table.get((p, k, t), (0, 0))[0] > 0 for t in range(pool.periods))]
        data = np.full((len(rows), pool.periods), np.nan)
        for i, (p, k) in enumerate(rows):
            for t in range(pool.periods):
                dem, rec = table.get((p, k, t), (0.0, 0.0))
                if dem > 0:
                    data[i, t] = min(1.0, rec / dem)
        ylabels, xlabels = [f"{p} · {k}" for p, k in rows], labels
        title, xlab, ylab = "Coverage by period", "period", "partner · skill"
        size = (max(6.0, 0.55 * pool.periods + 2.5), max(3.0, 0.18 * len(rows) + 1.2))
    else:
        if period == "all":
            ts, what = list(range(pool.periods)), "the horizon"
        else:
            t = pool.period_index(period, "coverage_heatmap")
            ts, what = [t], f"period {pool.period_label(t)}"
        data = np.full((len(partners), len(skills)), np.nan)
        for i, p in enumerate(partners):
            for j, k in enumerate(skills):
                dem = sum(table.get((p, k, t), (0.0, 0.0))[0] for t in ts)
                rec = sum(table.get((p, k, t), (0.0, 0.0))[1] for t in ts)
                if dem > 0:
                    data[i, j] = min(1.0, rec / dem)
        ylabels, xlabels = partners, skills
        title, xlab, ylab = f"Coverage over {what}", "skill", "partner"
        size = (max(5.0, 0.6 * len(skills) + 2.5), max(3.0, 0.45 * len(partners) + 1.5))
    ax = _axes(ax, size)
    import matplotlib

    cm = matplotlib.colormaps[cmap].copy()
    cm.set_bad("#d9d9d9")
    im = ax.imshow(np.ma.masked_invalid(data), cmap=cm, vmin=0.0, vmax=1.0, aspect="auto",
                   interpolation="nearest")
    ax.set_xticks(range(len(xlabels)))
    ax.set_xticklabels(xlabels, rotation=90 if period is None else 45,
                       ha="center" if period is None else "right", fontsize=8)
    ax.set_yticks(range(len(ylabels)))
    ax.set_yticklabels(ylabels, fontsize=7 if len(ylabels) > 30 else 9)
    ax.set_xlabel(xlab)
    ax.set_ylabel(ylab)
    ax.set_title(title + ": hours received / demanded")
    ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="share of demand met")
    return ax


# ---- unmet demand ------------------------------------------------------------------------------

def unmet_by_priority(solution: Any, pool: Any = None, ax: Any = None,
                      share: bool = False) -> Any:
    """Unmet hours per partner, stacked statutory / core / discretionary. ``share=True``: as a
    fraction of each partner's demanded hours. Pass the pool to order partners as it does."""
    rows = {p.partner: p for p in solution.partners}
    partners = _partner_order(pool, list(rows))
    ax = _axes(ax, (max(5.0, 0.7 * len(partners) + 2), 4))
    bottom = [0.0] * len(partners)
    for pr in PRIORITIES:
        vals = []
        for p in partners:
            v = getattr(rows[p], f"unmet_{pr}")
            if share:
                v = v / rows[p].hours_demanded if rows[p].hours_demanded > 0 else 0.0
            vals.append(v)
        ax.bar(partners, vals, bottom=bottom, label=pr, color=PRIORITY_COLOURS[pr],
               edgecolor="#444444", linewidth=0.5)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_ylabel("unmet share of demand" if share else "unmet hours")
    if share:
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("partner")
    ax.set_title("Unmet demand by priority")
    ax.legend(title="priority", fontsize=8)
    return ax


# ---- economics ---------------------------------------------------------------------------------

def cost_vs_hours(shares: Any, ax: Any = None, annotate: bool = True) -> Any:
    """Hours received (x) against cost borne (y), one point per partner, from
    `staffpool.cost_shares` output (summed over agreements) or `economics.partner_totals`.
    The dashed line is the pool's average cost per hour: partners above it pay more per hour
    received than the average, those below less. Hollow markers: what each would pay on a pure
    usage split."""
    frame = shares
    if "agreement" in getattr(frame, "columns", ()):
        from .economics import partner_totals

        frame = partner_totals(frame)
    partners = list(frame["partner"])
    hours = [float(x) for x in frame["hours_received"]]
    cost = [float(x) for x in frame["cost_borne"]]
    ax = _axes(ax, (6, 4.5))
    ax.scatter(hours, cost, s=40, color="#2166ac", zorder=3, label="cost borne")
    if "usage_cost" in frame.columns:
        usage = [float(x) for x in frame["usage_cost"]]
        ax.scatter(hours, usage, s=40, facecolors="none", edgecolors="#999999", zorder=2,
                   label="usage split")
        for h, u, c in zip(hours, usage, cost):
            ax.plot([h, h], [u, c], color="#bbbbbb", linewidth=0.8, zorder=1)
    total_h, total_c = sum(hours), sum(cost)
    if total_h > 0:
        xmax = max(hours) * 1.08
        ax.plot([0, xmax], [0, xmax * total_c / total_h], "--", color="#666666", linewidth=1,
                label=f"pool average {total_c / total_h:,.2f}/h")
    if annotate:
        for p, h, c in zip(partners, hours, cost):
            ax.annotate(str(p), (h, c), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("hours received")
    ax.set_ylabel("cost borne")
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_title("Hours received against cost borne")
    ax.legend(fontsize=8, loc="upper left")
    return ax


# ---- resilience --------------------------------------------------------------------------------

def resilience(solution: Any, pool: Any = None, ax: Any = None, annotate: bool = True) -> Any:
    """Distinct people serving each (partner, skill) with demand over the horizon (grey: no
    demand). Single points of failure (cover resting on one person) are outlined in red; pairs
    with demand but nobody serving them are crossed; an asterisk marks a resilience rule not met
    (people short)."""
    import numpy as np

    recs = [r for r in solution.resilience if r.hours_demanded > 0]
    skills = [s["id"] for s in pool.records("skills")] if pool is not None else \
        list(dict.fromkeys(r.skill for r in recs))
    skills = [k for k in skills if any(r.skill == k for r in recs)]
    partners = _partner_order(pool, [r.partner for r in recs])
    by = {(r.partner, r.skill): r for r in recs}
    data = np.full((len(partners), len(skills)), np.nan)
    for i, p in enumerate(partners):
        for j, k in enumerate(skills):
            r = by.get((p, k))
            if r is not None:
                data[i, j] = r.distinct_people
    ax = _axes(ax, (max(5.0, 0.6 * len(skills) + 2.5), max(3.0, 0.45 * len(partners) + 1.5)))
    import matplotlib
    from matplotlib.patches import Rectangle

    cm = matplotlib.colormaps["Blues"].copy()
    cm.set_bad("#eeeeee")
    top = max(4.0, float(np.nanmax(data)) if len(recs) else 4.0)
    im = ax.imshow(np.ma.masked_invalid(data), cmap=cm, vmin=0, vmax=top, aspect="auto",
                   interpolation="nearest")
    spof = 0
    for i, p in enumerate(partners):
        for j, k in enumerate(skills):
            r = by.get((p, k))
            if r is None:
                continue
            if r.hours_received <= 0:
                ax.plot([j - 0.4, j + 0.4], [i - 0.4, i + 0.4], color="#b2182b", linewidth=1.5)
                ax.plot([j - 0.4, j + 0.4], [i + 0.4, i - 0.4], color="#b2182b", linewidth=1.5)
            elif r.distinct_people <= 1:
                spof += 1
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                       edgecolor="#d7301f", linewidth=2.5))
            if annotate:
                text = str(r.distinct_people) + ("*" if r.people_short > 0 else "")
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="white" if r.distinct_people > 0.6 * top else "black")
    ax.set_xticks(range(len(skills)))
    ax.set_xticklabels(skills, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(partners)))
    ax.set_yticklabels(partners, fontsize=9)
    ax.set_xlabel("skill")
    ax.set_ylabel("partner")
    ax.set_title(f"Distinct people per partner and skill ({spof} single points of failure "
                 f"outlined)")
    ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="distinct people")
    return ax


# ---- redeployment ------------------------------------------------------------------------------

OUTCOME_COLOURS = {"redeployed": "#1a9850", "relocated": "#91cf60", "redundant": "#d73027"}


def redeployment_outcomes(result: Any, ax: Any = None) -> Any:
    """One row per person at risk: for those redeployed, the redundancy cost avoided (light bar)
    against the cost of avoiding it (dark bar: training, pay protection, travel, relocation,
    waiting); for those made redundant, the redundancy cost incurred, labelled with the reason.
    Each row is labelled with the post found (or "redundant")."""
    outcomes = list(result.outcomes)
    ax = _axes(ax, (8, max(3.0, 0.38 * len(outcomes) + 1.5)))
    ys = list(range(len(outcomes)))[::-1]
    labels = []
    right = max([o.redundancy_cost for o in outcomes] + [o.cost for o in outcomes] + [1.0])
    for y, o in zip(ys, outcomes):
        if o.outcome == "redeployed":
            colour = OUTCOME_COLOURS["relocated" if o.relocated else "redeployed"]
            ax.barh(y, o.redundancy_cost, color=colour, alpha=0.35, edgecolor=colour)
            ax.barh(y, o.cost, height=0.45, color="#35495e")
            where = f"{o.vacancy} ({o.vacancy_partner})"
            extra = [w for w, on in (("retrained", o.route), ("relocated", o.relocated),
                                     (f"waits {o.waiting_periods}", o.waiting_periods)) if on]
            labels.append(f"{o.person} → {where}" + (f" [{', '.join(extra)}]" if extra else ""))
        else:
            ax.barh(y, o.redundancy_cost, color=OUTCOME_COLOURS["redundant"], alpha=0.85)
            ax.text(o.redundancy_cost + right * 0.01, y, o.reason, va="center", fontsize=8,
                    color=OUTCOME_COLOURS["redundant"])
            labels.append(f"{o.person}: redundant")
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, right * 1.15)
    ax.set_xlabel("cost")
    _thousands(ax.xaxis)
    t = result.totals
    ax.set_title(f"Redeployment: {t.redeployed} redeployed, {t.redundant} redundant "
                 f"(net cost {t.net_cost:,.0f})")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=OUTCOME_COLOURS["redeployed"], alpha=0.35,
                             label="redundancy cost avoided"),
                       Patch(color=OUTCOME_COLOURS["relocated"], alpha=0.35,
                             label="... (relocated)"),
                       Patch(color="#35495e", label="cost of avoiding it"),
                       Patch(color=OUTCOME_COLOURS["redundant"], alpha=0.85,
                             label="redundancy cost incurred")],
              fontsize=8, loc="lower right")
    return ax


# ---- rota --------------------------------------------------------------------------------------

def rota_grid(result: Any) -> Tuple[List[str], List[str], Dict[Tuple[int, int], Tuple[str, Any]]]:
    """(people, shift types, {(person row, day): (shift, site)}) of a roster; people in the
    result's order (those without a shift included), shift types in order of first use."""
    people = [p.person for p in getattr(result, "people", [])]
    cells: Dict[Tuple[int, int], Tuple[str, Any]] = {}
    shifts: List[str] = []
    row_of = {p: i for i, p in enumerate(people)}
    for a in result.assignments:
        if a.person not in row_of:
            row_of[a.person] = len(people)
            people.append(a.person)
        if a.shift not in shifts:
            shifts.append(a.shift)
        cells[(row_of[a.person], int(a.day))] = (a.shift, getattr(a, "site", None))
    return people, shifts, cells


def rota_chart(result: Any, days: Optional[int] = None, first_weekday: int = 0,
               day_labels: Optional[Sequence[str]] = None, ax: Any = None,
               max_site_labels: int = 1200) -> Any:
    """People x days, each worked day coloured by shift type and, when the roster uses more than
    one site, labelled with the site (while the grid has at most ``max_site_labels`` worked
    cells; beyond that only the colours are drawn). Weekends are shaded. ``result`` is a
    ``RotaResult``; ``days`` defaults to the last worked day + 1; ``day_labels`` replaces the
    day numbers (e.g. dates)."""
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    people, shifts, cells = rota_grid(result)
    if days is None:
        days = max([d for _, d in cells] + [-1]) + 1
    days = max(days, 1)
    ax = _axes(ax, (min(18.0, 2.5 + 0.32 * days), max(2.5, 0.28 * len(people) + 1.5)))
    grid = np.full((max(len(people), 1), days), np.nan)
    for (row, day), (shift, _site) in cells.items():
        if day < days:
            grid[row, day] = shifts.index(shift)
    base = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
            "#ff9da7", "#9c755f", "#bab0ac"]
    colours = [base[i % len(base)] for i in range(max(len(shifts), 1))]
    ax.imshow(np.ma.masked_invalid(grid), aspect="auto", interpolation="nearest",
              cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5)
    for day in range(days):
        if (first_weekday + day) % 7 >= 5:
            ax.axvspan(day - 0.5, day + 0.5, color="#000000", alpha=0.06, lw=0)
    sites = sorted({str(site) for _s, site in cells.values() if site is not None})
    if len(sites) > 1 and len(cells) <= max_site_labels:
        for (row, day), (_shift, site) in cells.items():
            if site is not None and day < days:
                ax.text(day, row, str(site)[:6], ha="center", va="center", fontsize=5,
                        color="white")
    ax.set_yticks(range(len(people)))
    ax.set_yticklabels(people, fontsize=7)
    step = max(1, days // 28)
    ticks = list(range(0, days, step))
    ax.set_xticks(ticks)
    labels = list(day_labels) if day_labels is not None else [str(d) for d in range(days)]
    ax.set_xticklabels([labels[d] for d in ticks], fontsize=7,
                       rotation=90 if day_labels is not None else 0)
    ax.set_xlabel("day")
    worked = sum(1 for _, d in cells if d < days)
    title = f"Rota: {len(people)} people, {days} days, {worked} shifts"
    if len(sites) > 1:
        title += f" at {len(sites)} sites"
    ax.set_title(title)
    ax.legend(handles=[Patch(color=colours[i], label=s) for i, s in enumerate(shifts)],
              fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="shift")
    return ax
