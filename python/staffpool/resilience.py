"""Resilience analysis: N-1 absences, fragile cover, and a partner's withdrawal (docs/economics.md).

Every number comes from re-solving the pool with the C solver (nothing is estimated): an absence
is the pool with that person's availability set to 0 for every period; a withdrawal is the pool
without the partner's staff, demand and resilience rules. The solves run as one sweep
(`staffpool.scenarios.sweep`): a process pool by default, a Dask cluster when given a client.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .errors import ValidationError
from .pool import PRIORITIES
from .scenarios import DEFAULT_TIME_LIMIT, TOTAL, absent, alone, base, sweep, tidy, withdraw

# The solver's staged objectives carry tolerances of about 1e-7 relative (docs/model.md), so
# differences of two solves below these are noise, not lost cover: hours, and weighted hours.
EPS = 1e-3
PRIORITY_COLS = ("unmet_statutory", "unmet_core", "unmet_discretionary")


def _as_dict(pool: Any) -> dict:
    return pool.to_dict() if hasattr(pool, "to_dict") else pool


def _weights(data: Mapping[str, Any]) -> Dict[str, float]:
    w = dict((data.get("settings") or {}).get("priority_weights") or {})
    return {p: float(w.get(p, d)) for p, d in zip(PRIORITIES, (100.0, 10.0, 1.0))}


def reliance(base_digest: Mapping[str, Any], pool: Any = None) -> Any:
    """How much the plan relies on each person, as a DataFrame sorted most relied upon first.

    reliance(s) = sum over the (partner, skill) pairs s works on of
    h_s(p, k) * wbar(p, k) / n(p, k), where h_s(p, k) is the hours s gives (p, k) over the horizon,
    n(p, k) the number of people giving (p, k) any hours, and wbar(p, k) the mean priority weight
    of (p, k)'s demanded hours (1 without ``pool``). An hour of statutory work on a pair one person
    covers counts in full; an hour of discretionary work on a pair five people share, a 500th of
    that. Ties: more hours first, then staff id. People with no hours come last. It is a cheap
    ranking for choosing whom to re-solve (``n_minus_1(top=k)``), not a substitute for it."""
    import pandas as pd

    data = _as_dict(pool) if pool is not None else None
    wbar: Dict[tuple, float] = {}
    if data is not None:
        w = _weights(data)
        num: Dict[tuple, float] = defaultdict(float)
        den: Dict[tuple, float] = defaultdict(float)
        for d in data["demand"]:
            k = (d["partner"], d["skill"])
            num[k] += w[d.get("priority", "core")] * float(d["hours"])
            den[k] += float(d["hours"])
        wbar = {k: num[k] / den[k] for k in num if den[k] > 0}
    n: Dict[tuple, int] = defaultdict(int)
    for r in base_digest["staff_hours"]:
        n[(r["partner"], r["skill"])] += 1
    score: Dict[str, float] = defaultdict(float)
    hours: Dict[str, float] = defaultdict(float)
    pairs: Dict[str, int] = defaultdict(int)
    sole: Dict[str, int] = defaultdict(int)
    for r in base_digest["staff_hours"]:
        k = (r["partner"], r["skill"])
        score[r["staff"]] += r["hours"] * wbar.get(k, 1.0) / n[k]
        hours[r["staff"]] += r["hours"]
        pairs[r["staff"]] += 1
        sole[r["staff"]] += n[k] == 1
    home = {s["id"]: s["partner"] for s in data["staff"]} if data is not None else {}
    ids = list(home) if home else sorted(score)
    rows = [{"staff": s, "partner": home.get(s), "reliance": score.get(s, 0.0),
             "hours": hours.get(s, 0.0), "pairs": pairs.get(s, 0),
             "sole_cover_pairs": sole.get(s, 0)} for s in ids]
    rows.sort(key=lambda r: (-r["reliance"], -r["hours"], r["staff"]))
    return pd.DataFrame(rows, columns=["staff", "partner", "reliance", "hours", "pairs",
                                       "sole_cover_pairs"])


def fragile_cover(base_digest: Mapping[str, Any], max_people: int = 2) -> Any:
    """The (partner, skill) pairs with demand whose cover in the plan rests on 1..max_people
    people (the solver's distinct people: those giving at least min_engagement_hours), with who
    they are; fewest people first."""
    import pandas as pd

    rows = [{"partner": p["partner"], "skill": p["skill"], "hours_demanded": p["hours_demanded"],
             "hours_received": p["hours_received"], "distinct_people": p["distinct_people"],
             "people": ", ".join(p["people"]), "largest_staff": p["largest_staff"],
             "largest_share": p["largest_share"]}
            for p in base_digest["pairs"]
            if p["hours_demanded"] > 0 and p["hours_received"] > 0
            and p["distinct_people"] <= max_people]
    rows.sort(key=lambda r: (r["distinct_people"], -r["hours_received"], r["partner"],
                             r["skill"]))
    return pd.DataFrame(rows, columns=["partner", "skill", "hours_demanded", "hours_received",
                                       "distinct_people", "people", "largest_staff",
                                       "largest_share"])


@dataclass
class AbsenceAnalysis:
    """N-1 results. ``people``: one row per absent person (extra unmet demand in total and by
    priority, the partner hit hardest, status and gap of the re-solve), worst first.
    ``by_partner``: extra unmet per (person, partner). ``by_pair``: extra unmet per (person,
    partner, skill) where it rose. ``scores``: per partner, its resilience score and worst cases.
    ``fragile``: pairs whose cover rests on one or two people. ``reliance``: everyone, most relied
    upon first. ``base``: the digest of the unchanged plan."""
    people: Any
    by_partner: Any
    by_pair: Any
    scores: Any
    fragile: Any
    reliance: Any
    base: dict

    def to_dict(self) -> dict:
        def recs(frame: Any) -> list:
            return [{k: _json(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {"base": {"status": self.base["status"], "gap": self.base["gap"]},
                "people": recs(self.people), "scores": recs(self.scores),
                "fragile": recs(self.fragile), "by_partner": recs(self.by_partner),
                "by_pair": recs(self.by_pair)}


def _json(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):
        return _json(v.item())
    return v


def n_minus_1(pool: Any, top: Optional[int] = None, staff: Optional[Sequence[str]] = None,
              time_limit: Optional[float] = DEFAULT_TIME_LIMIT, gap: float = 1e-6,
              client: Any = None, max_workers: Optional[int] = None,
              base_digest: Optional[dict] = None) -> AbsenceAnalysis:
    """For each person (``staff``: these; ``top``: the k most relied upon, see `reliance`;
    default: everyone), re-solves the pool with their availability 0 for the whole horizon and
    reports the extra unmet demand against the unchanged plan, by priority and by partner.

    A partner's resilience score is 1 - (the worst extra priority-weighted unmet demand any one
    absence causes it) / (its priority-weighted demand), in [0, 1]: 1 means no single absence
    examined leaves any more of its demand unmet. With ``top``, only those people are examined.
    """
    import pandas as pd

    data = _as_dict(pool)
    if base_digest is None:
        base_digest = sweep(data, [base()], time_limit=time_limit, gap=gap, max_workers=1)[0]
    rel = reliance(base_digest, data)
    if staff is not None:
        known = {s["id"] for s in data["staff"]}
        for s in staff:
            if s not in known:
                raise ValidationError(f"n_minus_1: staff: unknown staff {s!r}", "n_minus_1",
                                      "staff")
        chosen = list(staff)
    elif top is not None:
        if isinstance(top, bool) or not isinstance(top, int) or top < 1:
            raise ValidationError(f"n_minus_1: top: must be a whole number >= 1 (got {top!r})",
                                  "n_minus_1", "top")
        chosen = list(rel["staff"][:top])
    else:
        chosen = [s["id"] for s in data["staff"]]
    digests = sweep(data, [absent(s) for s in chosen], time_limit=time_limit, gap=gap,
                    client=client, max_workers=max_workers)
    w = _weights(data)
    base_p = {p["partner"]: p for p in base_digest["partners"]}
    base_pair = {(p["partner"], p["skill"]): p for p in base_digest["pairs"]}
    rel_by = rel.set_index("staff")
    home = {s["id"]: s["partner"] for s in data["staff"]}
    people_rows, partner_rows, pair_rows = [], [], []
    for s, d in zip(chosen, digests):
        extra: Dict[str, float] = defaultdict(float)
        worst_p, worst_w = None, 0.0
        for p in d["partners"]:
            b = base_p.get(p["partner"])
            if b is None:
                continue
            delta = {c: p[c] - b[c] for c in ("hours_unmet",) + PRIORITY_COLS}
            delta_w = sum(w[pr] * delta[f"unmet_{pr}"] for pr in PRIORITIES)
            for c, v in delta.items():
                extra[c] += v
            extra["weighted"] += delta_w
            extra["cost"] += p["cost"] - b["cost"]
            if b["hours_demanded"] > 0:
                partner_rows.append({"staff": s, "partner": p["partner"],
                                     "extra_unmet_hours": delta["hours_unmet"],
                                     **{f"extra_{c}": delta[c] for c in PRIORITY_COLS},
                                     "extra_weighted_unmet": delta_w,
                                     "status": d["status"], "gap": d["gap"]})
            if delta_w > worst_w + EPS:
                worst_p, worst_w = p["partner"], delta_w
        lost = []
        for pr in d["pairs"]:
            b = base_pair.get((pr["partner"], pr["skill"]))
            if b is None:
                continue
            more = pr["hours_unmet"] - b["hours_unmet"]
            if more > EPS:
                lost.append(f"{pr['partner']}/{pr['skill']}")
                pair_rows.append({"staff": s, "partner": pr["partner"], "skill": pr["skill"],
                                  "extra_unmet_hours": more,
                                  "people_base": b["distinct_people"],
                                  "people_absent": pr["distinct_people"]})
        worst_hours = next((r["extra_unmet_hours"] for r in partner_rows
                            if r["staff"] == s and r["partner"] == worst_p), 0.0)
        people_rows.append({
            "staff": s, "partner": home.get(s), "reliance": float(rel_by["reliance"].get(s, 0.0)),
            "hours_base": float(rel_by["hours"].get(s, 0.0)),
            "extra_unmet_hours": extra["hours_unmet"],
            **{f"extra_{c}": extra[c] for c in PRIORITY_COLS},
            "extra_weighted_unmet": extra["weighted"],
            "partners_hit": sum(1 for r in partner_rows if r["staff"] == s
                                and r["extra_weighted_unmet"] > EPS),
            "worst_partner": worst_p, "worst_partner_extra_hours": worst_hours,
            "pairs_losing_cover": ", ".join(lost), "cost_change": extra["cost"],
            "status": d["status"], "stopped_by": d["stopped_by"], "gap": d["gap"]})
    people = pd.DataFrame(people_rows)
    if len(people):
        people = people.sort_values(["extra_weighted_unmet", "extra_unmet_hours", "staff"],
                                    ascending=[False, False, True], kind="mergesort")
        people = people.reset_index(drop=True)
    by_partner = pd.DataFrame(partner_rows, columns=[
        "staff", "partner", "extra_unmet_hours", "extra_unmet_statutory", "extra_unmet_core",
        "extra_unmet_discretionary", "extra_weighted_unmet", "status", "gap"])
    by_pair = pd.DataFrame(pair_rows, columns=["staff", "partner", "skill", "extra_unmet_hours",
                                               "people_base", "people_absent"])
    fragile = fragile_cover(base_digest)
    if len(fragile):
        worst = {}
        for r in pair_rows:
            k = (r["partner"], r["skill"])
            if r["extra_unmet_hours"] > worst.get(k, (0.0, ""))[0]:
                worst[k] = (r["extra_unmet_hours"], r["staff"])
        fragile["worst_absence"] = [worst.get((p, k), (0.0, None))[1]
                                    for p, k in zip(fragile["partner"], fragile["skill"])]
        fragile["worst_absence_extra_hours"] = [worst.get((p, k), (0.0, None))[0]
                                                for p, k in zip(fragile["partner"],
                                                                fragile["skill"])]
    scores = _scores(data, base_digest, partner_rows, len(chosen), w)
    return AbsenceAnalysis(people=tidy(people), by_partner=tidy(by_partner),
                           by_pair=tidy(by_pair), scores=tidy(scores), fragile=fragile,
                           reliance=rel, base=base_digest)


def _scores(data: Mapping[str, Any], base_digest: Mapping[str, Any], partner_rows: List[dict],
            cases: int, w: Mapping[str, float]) -> Any:
    import pandas as pd

    demand_w: Dict[str, float] = defaultdict(float)
    for d in data["demand"]:
        demand_w[d["partner"]] += w[d.get("priority", "core")] * float(d["hours"])
    rows = []
    for b in base_digest["partners"]:
        p = b["partner"]
        if b["hours_demanded"] <= 0:
            continue
        mine = sorted((r for r in partner_rows if r["partner"] == p),
                      key=lambda r: (-r["extra_weighted_unmet"], -r["extra_unmet_hours"],
                                     r["staff"]))
        hurt = [r for r in mine if r["extra_weighted_unmet"] > EPS]
        worst_w = hurt[0]["extra_weighted_unmet"] if hurt else 0.0
        rows.append({
            "partner": p, "weighted_demand": demand_w[p],
            "base_weighted_unmet": b["weighted_unmet"],
            "score": 1.0 - min(1.0, worst_w / demand_w[p]) if demand_w[p] > 0 else 1.0,
            "absences_examined": cases, "absences_hurting": len(hurt),
            "worst_extra_unmet_hours": hurt[0]["extra_unmet_hours"] if hurt else 0.0,
            "worst_extra_statutory": hurt[0]["extra_unmet_statutory"] if hurt else 0.0,
            "worst_cases": ", ".join(f"{r['staff']} (+{r['extra_unmet_hours']:.1f} h)"
                                     for r in hurt[:3]),
            "single_person_pairs": b["single_person_pairs"],
            "two_person_pairs": b["two_person_pairs"]})
    rows.sort(key=lambda r: (r["score"], r["partner"]))
    return pd.DataFrame(rows, columns=[
        "partner", "weighted_demand", "base_weighted_unmet", "score", "absences_examined",
        "absences_hurting", "worst_extra_unmet_hours", "worst_extra_statutory", "worst_cases",
        "single_person_pairs", "two_person_pairs"])


# ---- a partner withdraws -----------------------------------------------------------------------

WITHDRAWAL_METRICS = ("hours_received", "hours_unmet", "unmet_statutory", "unmet_core",
                      "unmet_discretionary", "weighted_unmet", "cost", "people",
                      "single_person_pairs", "uncovered_pairs")


@dataclass
class WithdrawalAnalysis:
    """What a partner's withdrawal does. ``others``: each remaining partner before and after
    (``<metric>_before/_after/_change``) and a "(total)" row. ``alone``: the withdrawing partner
    pooled versus alone (its own staff, its own demand). ``costs``: every partner's cost borne
    under the agreements before and after (the withdrawing partner's "after" is its cost alone).
    ``statuses``: status and gap of the three solves."""
    partner: str
    others: Any
    alone: Any
    costs: Any
    statuses: Dict[str, dict]

    def to_dict(self) -> dict:
        def recs(frame: Any) -> list:
            return [{k: _json(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {"partner": self.partner, "solves": self.statuses, "others": recs(self.others),
                "alone": recs(self.alone), "costs": recs(self.costs)}


def withdrawal(pool: Any, partner: str, agreements: Any = None,
               time_limit: Optional[float] = DEFAULT_TIME_LIMIT, gap: float = 1e-6,
               client: Any = None, max_workers: Optional[int] = None) -> WithdrawalAnalysis:
    """Removes ``partner``'s staff and demand and re-solves: what the others lose, what the
    withdrawing partner faces alone, and the costs re-shared under ``agreements`` (see
    `staffpool.economics.cost_shares`; the withdrawing partner leaves every agreement)."""
    import pandas as pd

    from .economics import cost_shares, partner_totals

    data = _as_dict(pool)
    b, wd, al = sweep(data, [base(), withdraw(partner), alone(partner)], time_limit=time_limit,
                      gap=gap, client=client, max_workers=max_workers)
    before = {p["partner"]: p for p in b["partners"]}
    after = {p["partner"]: p for p in wd["partners"]}
    rows = []
    for p, x in before.items():
        if p == partner or x["hours_demanded"] <= 0:
            continue
        y = after[p]
        row: dict = {"partner": p, "hours_demanded": x["hours_demanded"]}
        for m in WITHDRAWAL_METRICS:
            row[f"{m}_before"], row[f"{m}_after"] = x[m], y[m]
            row[f"{m}_change"] = y[m] - x[m]
        rows.append(row)
    total: dict = {"partner": TOTAL, "hours_demanded": sum(r["hours_demanded"] for r in rows)}
    for m in WITHDRAWAL_METRICS:
        for k in ("before", "after", "change"):
            total[f"{m}_{k}"] = sum(r[f"{m}_{k}"] for r in rows)
    total["people_before"] = len({x for pr in b["pairs"] if pr["partner"] != partner
                                  for x in pr["people"]})
    total["people_after"] = len({x for pr in wd["pairs"] for x in pr["people"]})
    total["people_change"] = total["people_after"] - total["people_before"]
    rows.append(total)
    others = tidy(pd.DataFrame(rows))
    pooled = before[partner]
    own = next((p for p in al["partners"] if p["partner"] == partner), None)
    alone_rows = []
    for m in WITHDRAWAL_METRICS:
        v_alone = own[m] if own else 0.0
        alone_rows.append({"metric": m, "pooled": pooled[m], "alone": v_alone,
                           "change": v_alone - pooled[m]})
    alone_frame = pd.DataFrame(alone_rows)
    cb = partner_totals(cost_shares(b, data, agreements)).set_index("partner")
    ca = partner_totals(cost_shares(wd, data, agreements, exclude=[partner])).set_index("partner")
    cost_rows = []
    for p in cb.index:
        if p == partner:
            after_cost, after_hours = (own["cost"], own["hours_received"]) if own else (0.0, 0.0)
        else:
            after_cost = float(ca["cost_borne"].get(p, 0.0))
            after_hours = float(ca["hours_received"].get(p, 0.0))
        bc, bh = float(cb["cost_borne"][p]), float(cb["hours_received"][p])
        cost_rows.append({"partner": p, "withdrawing": p == partner,
                          "cost_borne_before": bc, "cost_borne_after": after_cost,
                          "cost_change": after_cost - bc, "hours_received_before": bh,
                          "hours_received_after": after_hours,
                          "cost_per_hour_before": bc / bh if bh > 0 else math.nan,
                          "cost_per_hour_after": after_cost / after_hours if after_hours > 0
                          else math.nan})
    statuses = {name: {"status": d["status"], "stopped_by": d["stopped_by"], "gap": d["gap"],
                       "seconds": d["seconds"]}
                for name, d in (("pooled", b), ("withdrawn", wd), ("alone", al))}
    return WithdrawalAnalysis(partner=partner, others=others, alone=tidy(alone_frame),
                              costs=tidy(pd.DataFrame(cost_rows)), statuses=statuses)
