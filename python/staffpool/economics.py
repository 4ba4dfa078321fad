"""Partner economics: cost sharing under agreed rules, and the value of pooling (docs/economics.md).

Sharing agreements are plain data, one per service or skill family, so they can come from code, a
JSON file, DataFrames or the database (`staffpool.Store.agreements`; docs/schema.md):

    {"name": "regulatory", "skills": "all", "rule": "fixed_variable", "fixed_share": 0.3,
     "fixed_rule": "population", "tolerance": 0.03}

Rules: ``population`` (population ratio), ``equal`` (equal split), ``usage`` (hours received),
``weights`` (explicit weights: caseload, headcount, time recorded...), ``fixed_variable`` (a fixed
share of the cost split by ``fixed_rule``, the rest by usage). The tolerance: partners pay an
agreed split (``agreed_shares``, by default the rule applied to the hours they *asked for*); it is
re-balanced to the rule applied to the hours they *received* only when some partner's share would
move by more than ``tolerance`` (a fraction of the total: 0.03 is 3 percentage points).

Amounts are allocated in whole pence by the largest-remainder method, so every agreement's shares
add up exactly to its total. Nothing here optimises: the plan comes from the C solver.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import ValidationError

RULES = ("population", "equal", "usage", "weights", "fixed_variable")
FIXED_RULES = ("population", "equal", "weights")
UNCOVERED = "(other skills)"
SHARE_COLUMNS = (
    "agreement", "skills", "rule", "partner", "population", "hours_demanded", "hours_received",
    "usage_share", "rule_share", "agreed_share", "share", "tolerance", "rebalanced",
    "max_deviation", "cost_borne", "cost_per_hour", "usage_cost", "difference_from_usage",
    "total_cost", "note")


# ---- agreements --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Agreement:
    """How one service (a skill family) shares its cost between partners.

    name: the agreement's id. skills: ``"all"`` or skill ids. rule: one of RULES.
    partners: the partners party to it (None: every partner of the pool).
    weights: partner -> weight, for rule ``weights`` (or ``fixed_rule="weights"``).
    fixed_share: for ``fixed_variable``, the fraction of the total split by ``fixed_rule``.
    tolerance: re-balance only when some partner's share would move by more than this (0..1).
    agreed_shares: the split partners pay unless re-balanced (None: the rule applied to the hours
    each partner demanded). total_cost: the amount to share (None: the plan's cost, pay and
    travel, of the family's hours received by the partners).
    """
    name: str
    skills: Union[str, Tuple[str, ...]] = "all"
    rule: str = "usage"
    partners: Optional[Tuple[str, ...]] = None
    weights: Optional[Dict[str, float]] = field(default=None, compare=False)
    fixed_share: float = 0.0
    fixed_rule: str = "population"
    tolerance: float = 0.0
    agreed_shares: Optional[Dict[str, float]] = field(default=None, compare=False)
    total_cost: Optional[float] = None

    def __post_init__(self) -> None:
        rec = f"agreement {self.name!r}"

        def bad(f: str, msg: str) -> ValidationError:
            return ValidationError(f"{rec}: {f}: {msg}", rec, f)

        if not isinstance(self.name, str) or not self.name:
            raise ValidationError("agreement: name: is required", "agreement", "name")
        if isinstance(self.skills, str):
            if self.skills != "all":
                object.__setattr__(self, "skills",
                                   tuple(s.strip() for s in self.skills.split(",") if s.strip()))
        else:
            object.__setattr__(self, "skills", tuple(self.skills))
        if self.skills != "all" and not self.skills:
            raise bad("skills", 'give skill ids or "all"')
        if self.rule not in RULES:
            raise bad("rule", f"unknown rule {self.rule!r} (use {', '.join(RULES)})")
        if self.fixed_rule not in FIXED_RULES:
            raise bad("fixed_rule", f"unknown rule {self.fixed_rule!r} (use "
                                    f"{', '.join(FIXED_RULES)})")
        for f, lo, hi in (("fixed_share", 0, 1), ("tolerance", 0, 1)):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise bad(f, f"must be a number in [{lo}, {hi}] (got {v!r})")
        if self.rule != "fixed_variable" and self.fixed_share:
            raise bad("fixed_share", "only with rule fixed_variable")
        if self.partners is not None:
            object.__setattr__(self, "partners", tuple(self.partners))
            if not self.partners:
                raise bad("partners", "empty list (leave it out for every partner)")
        if (self.rule == "weights" or (self.rule == "fixed_variable"
                                       and self.fixed_rule == "weights")) and not self.weights:
            raise bad("weights", "rule 'weights' needs a weight per partner")
        for f in ("weights", "agreed_shares"):
            v = getattr(self, f)
            if v is None:
                continue
            if not isinstance(v, Mapping):
                raise bad(f, "must map partner ids to numbers")
            for k, x in v.items():
                if isinstance(x, bool) or not isinstance(x, (int, float)) or not x >= 0 \
                        or not math.isfinite(x):
                    raise bad(f, f"partner {k!r}: must be a number >= 0 (got {x!r})")
        if self.agreed_shares is not None and not sum(self.agreed_shares.values()) > 0:
            raise bad("agreed_shares", "must not all be zero")
        if self.total_cost is not None and (isinstance(self.total_cost, bool) or not isinstance(
                self.total_cost, (int, float)) or not 0 <= self.total_cost < math.inf):
            raise bad("total_cost", f"must be a number >= 0 (got {self.total_cost!r})")

    def covers(self, skill: str) -> bool:
        return self.skills == "all" or skill in self.skills

    def to_dict(self) -> dict:
        out: dict = {"name": self.name,
                     "skills": "all" if self.skills == "all" else list(self.skills),
                     "rule": self.rule}
        if self.partners is not None:
            out["partners"] = list(self.partners)
        if self.weights is not None:
            out["weights"] = dict(self.weights)
        if self.rule == "fixed_variable":
            out["fixed_share"] = self.fixed_share
            out["fixed_rule"] = self.fixed_rule
        out["tolerance"] = self.tolerance
        if self.agreed_shares is not None:
            out["agreed_shares"] = dict(self.agreed_shares)
        if self.total_cost is not None:
            out["total_cost"] = self.total_cost
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Agreement":
        known = {"name", "skills", "rule", "partners", "weights", "fixed_share", "fixed_rule",
                 "tolerance", "agreed_shares", "total_cost"}
        name = d.get("name", "?")
        for k in d:
            if k not in known:
                raise ValidationError(f"agreement {name!r}: {k}: unknown field",
                                      f"agreement {name!r}", str(k))
        args = {k: v for k, v in d.items() if v is not None and not (isinstance(v, float)
                                                                     and math.isnan(v))}
        return cls(**args)


def agreements_from_frames(agreements: Any, members: Any = None) -> List[Agreement]:
    """Agreements from DataFrames (or lists of dicts) shaped like the store tables
    (docs/schema.md "Sharing agreements"): ``agreements`` (name, skills, rule, fixed_share,
    fixed_rule, tolerance, total_cost, members; skills is "all" or comma-separated ids) and
    optional ``members`` (agreement, partner, weight, agreed_share: one row per partner listed for
    an agreement). The listed partners are the agreement's partners (none listed: every partner),
    unless its ``members`` is "all": then every partner is party to it and the rows only give
    weights and agreed shares."""
    rows = agreements.to_dict("records") if hasattr(agreements, "to_dict") else list(agreements)
    mem = [] if members is None else (members.to_dict("records") if hasattr(members, "to_dict")
                                      else list(members))
    out = []
    for r in rows:
        d = {k: v for k, v in r.items() if k in ("name", "skills", "rule", "fixed_share",
                                                  "fixed_rule", "tolerance", "total_cost")}
        every = r.get("members") == "all"
        if r.get("members") not in (None, "all", "listed") and _present(r.get("members")):
            raise ValidationError(f"agreement {r.get('name')!r}: members: must be 'listed' or "
                                  f"'all' (got {r['members']!r})", f"agreement {r.get('name')!r}",
                                  "members")
        mine = [m for m in mem if m["agreement"] == r["name"]]
        if mine:
            if not every:
                d["partners"] = [m["partner"] for m in mine]
            w = {m["partner"]: m["weight"] for m in mine if _present(m.get("weight"))}
            a = {m["partner"]: m["agreed_share"] for m in mine if _present(m.get("agreed_share"))}
            if w:
                d["weights"] = w
            if a:
                d["agreed_shares"] = a
        out.append(Agreement.from_dict(d))
    return out


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def parse_agreements(agreements: Any) -> List[Agreement]:
    """Agreements from None (one usage split of every skill), Agreement objects, dicts, a
    DataFrame (`agreements_from_frames`), or a JSON file path holding a list of dicts (or
    ``{"agreements": [...]}``)."""
    if agreements is None:
        return [Agreement("all", skills="all", rule="usage")]
    if isinstance(agreements, (str, os.PathLike)):
        with open(agreements, encoding="utf-8") as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                raise ValidationError(f"{os.fspath(agreements)}: line {e.lineno}: not valid "
                                      f"JSON: {e.msg}", os.fspath(agreements), "") from None
        agreements = data.get("agreements", []) if isinstance(data, Mapping) else data
    if hasattr(agreements, "to_dict") and hasattr(agreements, "columns"):
        return agreements_from_frames(agreements)
    if isinstance(agreements, (Agreement, Mapping)):
        agreements = [agreements]
    out = [a if isinstance(a, Agreement) else Agreement.from_dict(a) for a in agreements]
    names = [a.name for a in out]
    for n in names:
        if names.count(n) > 1:
            raise ValidationError(f"agreement {n!r}: name: used twice", f"agreement {n!r}", "name")
    return out


def check_skills(agreements: Sequence[Agreement]) -> Dict[str, str]:
    """Checks that a skill is in one agreement only (and "all" is the only agreement when
    used); returns skill -> agreement name."""
    seen: Dict[str, str] = {}
    for a in agreements:
        if a.skills == "all":
            if len(agreements) > 1:
                raise ValidationError(f"agreement {a.name!r}: skills: \"all\" overlaps the other "
                                      f"agreements", f"agreement {a.name!r}", "skills")
            continue
        for k in a.skills:
            if k in seen:
                raise ValidationError(f"agreement {a.name!r}: skills: {k!r} is already in "
                                      f"agreement {seen[k]!r}", f"agreement {a.name!r}", "skills")
            seen[k] = a.name
    return seen


def agreement_rows(agreements: Any) -> Tuple[List[dict], List[dict]]:
    """The rows of the store tables agreements and agreement_partners for some agreements
    (anything `parse_agreements` takes), the inverse of `agreements_from_frames`."""
    ags = parse_agreements(agreements) if agreements is not None else []
    check_skills(ags)
    heads, members = [], []
    for a in ags:
        listed = list(a.partners) if a.partners is not None else []
        extra = [] if a.partners is not None else [  # weights of an every-partner agreement
            p for m in (a.weights or {}, a.agreed_shares or {}) for p in m]
        every = a.partners is None and bool(extra)
        heads.append({"name": a.name, "skills": "all" if a.skills == "all" else ",".join(a.skills),
                      "rule": a.rule, "fixed_share": float(a.fixed_share),
                      "fixed_rule": a.fixed_rule, "tolerance": float(a.tolerance),
                      "total_cost": None if a.total_cost is None else float(a.total_cost),
                      "members": "all" if every else "listed"})
        for p in dict.fromkeys(listed + extra):
            w = (a.weights or {}).get(p)
            g = (a.agreed_shares or {}).get(p)
            members.append({"agreement": a.name, "partner": p,
                            "weight": None if w is None else float(w),
                            "agreed_share": None if g is None else float(g)})
    return heads, members


DEMO_DISTRICTS = ("WBD", "AVD", "HFD", "FMD", "KSD", "BDD")


def demo_agreements() -> List[Agreement]:
    """The demo pool's sharing agreements (what `staffpool init --demo` stores): environmental
    health fixed + variable (30% by population, the rest by usage, 3% tolerance) and licensing
    by population, both between the six districts (the county has no such duties), and the
    other skills (trading standards and animal health) by usage between every partner (3%
    tolerance)."""
    return [
        Agreement("environmental health",
                  skills=("food", "hs", "noise", "contam", "air", "housing"),
                  rule="fixed_variable", partners=DEMO_DISTRICTS, fixed_share=0.3,
                  fixed_rule="population", tolerance=0.03),
        Agreement("licensing", skills=("licensing", "taxi"), rule="population",
                  partners=DEMO_DISTRICTS),
        Agreement("trading standards and animal health",
                  skills=("animal", "product", "metrology", "fairtrade"), rule="usage",
                  tolerance=0.03),
    ]


# ---- usage: hours and cost per (partner, skill) ------------------------------------------------

def usage_table(source: Any) -> List[dict]:
    """Hours demanded, hours received and cost per (partner, skill), as dicts, from a Solution,
    a sweep digest (`staffpool.scenarios.digest`), a DataFrame or a list of such dicts."""
    from .scenarios import digest

    if hasattr(source, "assignments") and hasattr(source, "resilience"):
        return digest(source, {})["pairs"]
    if isinstance(source, Mapping) and "pairs" in source:
        return list(source["pairs"])
    if hasattr(source, "to_dict") and hasattr(source, "columns"):
        return source.to_dict("records")
    return list(source)


def _partner_records(pool: Any) -> List[dict]:
    if hasattr(pool, "records"):
        return pool.records("partners")
    if isinstance(pool, Mapping):
        return list(pool["partners"])
    return list(pool)


# ---- the arithmetic ----------------------------------------------------------------------------

def allocate(total: float, weights: Sequence[Any], decimals: int = 2) -> List[float]:
    """Splits ``total`` in proportion to ``weights`` in units of 10**-decimals (pence), by the
    largest-remainder method: each part is its exact quota rounded down, and the units left go
    to the largest remainders (ties: the earlier part). The parts add up exactly to ``total``
    rounded to ``decimals``. All weights zero: an equal split."""
    unit = 10 ** decimals
    units = to_units(total, decimals)
    if units < 0:
        raise ValueError("allocate: total must be >= 0")
    w = [Fraction(x) for x in weights]
    if any(x < 0 for x in w):
        raise ValueError("allocate: weights must be >= 0")
    if not w:
        return []
    s = sum(w)
    if s == 0:
        w, s = [Fraction(1)] * len(w), Fraction(len(w))
    quotas = [units * x / s for x in w]
    parts = [math.floor(q) for q in quotas]
    left = units - sum(parts)
    order = sorted(range(len(w)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [p / unit for p in parts]


def to_units(amount: float, decimals: int = 2) -> int:
    """``amount`` in units of 10**-decimals (pence), rounded half up on its decimal form (so
    1.005 is 101 pence, as a person reading "1.005" would round it)."""
    d = Decimal(repr(float(amount))) * (10 ** decimals)
    return int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _normalise(weights: Sequence[Fraction]) -> Tuple[List[Fraction], bool]:
    s = sum(weights)
    if s == 0:
        return [Fraction(1, len(weights))] * len(weights), False
    return [w / s for w in weights], True


def _rule_shares(rule: str, members: Sequence[str], population: Mapping[str, float],
                 hours: Mapping[str, float], weights: Optional[Mapping[str, float]],
                 fixed_share: float, fixed_rule: str) -> Tuple[List[Fraction], List[str]]:
    notes: List[str] = []

    def by(kind: str) -> List[Fraction]:
        if kind == "population":
            ws = [Fraction(population.get(p, 0) or 0) for p in members]
        elif kind == "equal":
            ws = [Fraction(1)] * len(members)
        elif kind == "weights":
            ws = [Fraction((weights or {}).get(p, 0)) for p in members]
        else:  # usage
            ws = [Fraction(hours.get(p, 0.0)) for p in members]
        shares, ok = _normalise(ws)
        if not ok:
            notes.append(f"no {kind} to split by: split equally")
        return shares

    if rule != "fixed_variable":
        return by(rule), notes
    f = Fraction(fixed_share)
    fixed, variable = by(fixed_rule), by("usage")
    return [f * a + (1 - f) * b for a, b in zip(fixed, variable)], notes


def cost_shares(source: Any, pool: Any, agreements: Any = None,
                exclude: Iterable[str] = (), decimals: int = 2) -> Any:
    """Each partner's share of each agreement's cost, as a DataFrame (`SHARE_COLUMNS`), one row
    per (agreement, partner).

    source: the plan (a Solution, a sweep digest, or usage rows: partner, skill, hours_demanded,
    hours_received, cost). pool: the Pool (or scenario dict, or partner records) for populations
    and the list of partners. agreements: see `parse_agreements` (None: one usage split of all
    skills). Skills no agreement covers get an implicit usage agreement named "(other skills)".
    exclude: partners left out of every agreement (e.g. one that withdrew).

    cost_borne adds up exactly to total_cost for every agreement (amounts in units of
    10**-decimals). usage_cost is the pure usage split of the same total, and
    difference_from_usage = cost_borne - usage_cost.
    """
    import pandas as pd

    rows = usage_table(source)
    partner_recs = _partner_records(pool)
    excluded = set(exclude)
    population = {p["id"]: float(p.get("population") or 0) for p in partner_recs}
    all_partners = [p["id"] for p in partner_recs if p["id"] not in excluded]
    ags = parse_agreements(agreements)
    seen = check_skills(ags)
    if not any(a.skills == "all" for a in ags):
        rest = sorted({r["skill"] for r in rows if r["skill"] not in seen
                       and (r.get("hours_received", 0) > 0 or r.get("cost", 0) > 0
                            or r.get("hours_demanded", 0) > 0)})
        if rest:
            ags.append(Agreement(UNCOVERED, skills=tuple(rest), rule="usage"))
    out = []
    for a in ags:
        members = [p for p in (a.partners or all_partners) if p not in excluded]
        known = set(population)
        for p in members:
            if p not in known:
                raise ValidationError(f"agreement {a.name!r}: partners: unknown partner {p!r}",
                                      f"agreement {a.name!r}", "partners")
        if not members:
            continue
        mine = [r for r in rows if a.covers(r["skill"]) and r["partner"] in members]
        hours = {p: sum(r.get("hours_received", 0.0) for r in mine if r["partner"] == p)
                 for p in members}
        demanded = {p: sum(r.get("hours_demanded", 0.0) for r in mine if r["partner"] == p)
                    for p in members}
        plan_cost = math.fsum(r.get("cost", 0.0) for r in mine)
        total = a.total_cost if a.total_cost is not None else plan_cost
        total = to_units(total, decimals) / 10 ** decimals
        target, notes = _rule_shares(a.rule, members, population, hours, a.weights,
                                     a.fixed_share, a.fixed_rule)
        if a.agreed_shares is not None:
            agreed, _ = _normalise([Fraction(a.agreed_shares.get(p, 0)) for p in members])
        else:
            agreed, _ = _rule_shares(a.rule, members, population, demanded, a.weights,
                                     a.fixed_share, a.fixed_rule)
        deviation = max(abs(float(t - g)) for t, g in zip(target, agreed))
        rebalanced = deviation > a.tolerance
        charged = target if rebalanced else agreed
        usage_shares, has_usage = _normalise([Fraction(hours[p]) for p in members])
        if not has_usage:
            notes.append("no hours received: the usage split is an equal split")
        borne = allocate(total, charged, decimals)
        usage_cost = allocate(total, usage_shares, decimals)
        note = "; ".join(dict.fromkeys(notes))
        skills = "all" if a.skills == "all" else ",".join(a.skills)
        for i, p in enumerate(members):
            out.append({
                "agreement": a.name, "skills": skills, "rule": a.rule, "partner": p,
                "population": population.get(p, 0.0), "hours_demanded": demanded[p],
                "hours_received": hours[p], "usage_share": float(usage_shares[i]),
                "rule_share": float(target[i]), "agreed_share": float(agreed[i]),
                "share": float(charged[i]), "tolerance": a.tolerance,
                "rebalanced": rebalanced,
                "max_deviation": deviation, "cost_borne": borne[i],
                "cost_per_hour": borne[i] / hours[p] if hours[p] > 0 else math.nan,
                "usage_cost": usage_cost[i],
                "difference_from_usage": round(borne[i] - usage_cost[i], decimals),
                "total_cost": total, "note": note})
    return pd.DataFrame(out, columns=list(SHARE_COLUMNS))


def partner_totals(shares: Any) -> Any:
    """Per partner, over every agreement: cost borne, hours received, cost per hour received,
    the pure usage cost and the difference from it."""
    g = shares.groupby("partner", sort=False)[["cost_borne", "hours_received", "usage_cost",
                                               "difference_from_usage"]].sum().reset_index()
    g["cost_per_hour"] = [c / h if h > 0 else math.nan
                          for c, h in zip(g["cost_borne"], g["hours_received"])]
    return g[["partner", "cost_borne", "hours_received", "cost_per_hour", "usage_cost",
              "difference_from_usage"]]


def compare_rules(source: Any, pool: Any, skills: Union[str, Sequence[str]] = "all",
                  fixed_share: float = 0.3, fixed_rule: str = "population",
                  tolerance: float = 0.0, decimals: int = 2) -> Any:
    """One partner per row, the cost each would bear under each rule (population, equal,
    usage, fixed_variable with ``fixed_share`` by ``fixed_rule``) for the same skills and plan;
    each cost column adds up to the same total. With a ``tolerance``, a usage-based rule charges
    the agreed split (the rule on the hours demanded) unless it is re-balanced: the
    ``rebalanced_<rule>`` and ``deviation_<rule>`` columns say which happened."""
    import pandas as pd

    frames = {}
    for rule in ("population", "equal", "usage", "fixed_variable"):
        a = Agreement(rule, skills=skills if isinstance(skills, str) else tuple(skills),
                      rule=rule, fixed_share=fixed_share if rule == "fixed_variable" else 0.0,
                      fixed_rule=fixed_rule, tolerance=tolerance)
        frames[rule] = cost_shares(source, pool, [a], decimals=decimals)
    base = frames["usage"]
    out = pd.DataFrame({"partner": base["partner"], "population": base["population"],
                        "hours_received": base["hours_received"],
                        "usage_share": base["usage_share"]})
    for rule, f in frames.items():
        out[f"cost_{rule}"] = f["cost_borne"].to_numpy()
    for rule, f in frames.items():  # with a tolerance: was the agreed split re-balanced?
        out[f"rebalanced_{rule}"] = f["rebalanced"].to_numpy()
        out[f"deviation_{rule}"] = f["max_deviation"].to_numpy()
    for rule in ("population", "equal", "usage", "fixed_variable"):
        out[f"per_hour_{rule}"] = [c / h if h > 0 else math.nan
                                   for c, h in zip(out[f"cost_{rule}"], out["hours_received"])]
    return out


# ---- the value of pooling ----------------------------------------------------------------------

POOLING_METRICS = ("hours_received", "hours_unmet", "unmet_statutory", "unmet_core",
                   "unmet_discretionary", "weighted_unmet", "cost", "people",
                   "single_person_pairs", "two_person_pairs", "uncovered_pairs")


def value_of_pooling(pool: Any, agreements: Any = None,
                     time_limit: Optional[float] = 60.0, gap: float = 1e-6, client: Any = None,
                     max_workers: Optional[int] = None, digests: Optional[Sequence[dict]] = None
                     ) -> Any:
    """Each partner alone (only its own staff, its own demand) versus the pooled plan, side by
    side: one DataFrame with a row per partner with demand and a "(total)" row.

    Columns: ``<metric>_alone``, ``<metric>_pooled`` and ``<metric>_change`` (pooled - alone) for
    hours received, unmet hours (total and by priority, and priority-weighted), cost of the hours
    received (pay and travel), distinct people serving the partner, and (partner, skill) pairs
    served by one person, by two, or by nobody; ``cost_borne_pooled`` is the partner's share of
    the pooled cost under ``agreements`` (default: usage), and ``status_*``/``gap_*`` the solves'.

    The 1 + (number of partners) solves run as one sweep (`staffpool.scenarios.sweep`), in
    parallel; pass ``digests`` (base first, then one "alone" per partner) to reuse a sweep.
    """
    import pandas as pd

    from .scenarios import TOTAL, alone, base, sweep

    data = pool.to_dict() if hasattr(pool, "to_dict") else pool
    partners = [p["id"] for p in data["partners"]
                if any(d["partner"] == p["id"] for d in data["demand"])]
    if digests is None:
        digests = sweep(data, [base()] + [alone(p) for p in partners], time_limit=time_limit,
                        gap=gap, client=client, max_workers=max_workers)
    pooled = digests[0]
    alone_by = {d["subject"]: d for d in digests[1:]}
    shares = partner_totals(cost_shares(pooled, data, agreements)).set_index("partner")
    rows = []
    for p in partners:
        a = next(x for x in alone_by[p]["partners"] if x["partner"] == p)
        b = next(x for x in pooled["partners"] if x["partner"] == p)
        row: dict = {"partner": p, "hours_demanded": b["hours_demanded"],
                     "status_alone": alone_by[p]["status"], "gap_alone": alone_by[p]["gap"],
                     "status_pooled": pooled["status"], "gap_pooled": pooled["gap"]}
        for m in POOLING_METRICS:
            row[f"{m}_alone"], row[f"{m}_pooled"] = a[m], b[m]
        row["cost_borne_pooled"] = float(shares["cost_borne"].get(p, 0.0))
        rows.append(row)
    total: dict = {"partner": TOTAL, "hours_demanded": sum(r["hours_demanded"] for r in rows),
                   "status_alone": _worst([alone_by[p]["status"] for p in partners]),
                   "gap_alone": max([alone_by[p]["gap"] for p in partners], default=0.0),
                   "status_pooled": pooled["status"], "gap_pooled": pooled["gap"]}
    for m in POOLING_METRICS:
        total[f"{m}_alone"] = sum(r[f"{m}_alone"] for r in rows)
        total[f"{m}_pooled"] = sum(r[f"{m}_pooled"] for r in rows)
    total["people_pooled"] = len({x for pr in pooled["pairs"] for x in pr["people"]})
    total["cost_borne_pooled"] = sum(r["cost_borne_pooled"] for r in rows)
    rows.append(total)
    frame = pd.DataFrame(rows)
    for m in POOLING_METRICS:
        frame[f"{m}_change"] = frame[f"{m}_pooled"] - frame[f"{m}_alone"]
    frame["cost_borne_change"] = frame["cost_borne_pooled"] - frame["cost_alone"]
    first = ["partner", "hours_demanded", "status_alone", "gap_alone", "status_pooled",
             "gap_pooled"]
    rest = [f"{m}_{k}" for m in POOLING_METRICS for k in ("alone", "pooled", "change")]
    from .scenarios import tidy

    return tidy(frame[first + rest + ["cost_borne_pooled", "cost_borne_change"]])


def _worst(statuses: Sequence[str]) -> str:
    for s in ("no_solution", "infeasible", "feasible"):
        if s in statuses:
            return s
    return "optimal"
