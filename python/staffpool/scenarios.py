"""Scenario sweeps: many independent solves of variants of one pool, in parallel.

A scenario is plain data (a dict), so it can be written to JSON, stored in a table, or sent to a
worker process or a Dask worker:

    {"kind": "base"}                                   the pool as it is
    {"kind": "absent", "staff": ["EH-07", ...]}        these people have no hours all horizon
    {"kind": "withdraw", "partner": "WBD"}             the partner's staff and demand removed
    {"kind": "alone", "partner": "WBD"}                only the partner's own staff and demand
    {"kind": "grow", "skill": "noise", "pct": 10,      demand hours of a skill ("all": every
     "partner": None}                                  skill) times 1 + pct/100, one partner or all
    {"kind": "combo", "steps": [{...}, {...}]}         steps applied in order

Each may carry a "name" (default: derived from its fields). `run_scenarios` solves them all and
returns one DataFrame, one row per (scenario, partner) plus a "(total)" row per scenario, with each
solve's status and gap. The same call runs on a process pool (default) or, given a
``dask.distributed.Client``, on a Dask cluster; the results are identical either way.

No optimisation happens here: each scenario is one call of the C solver (`staffpool.solve`) on a
pool rebuilt from a dict in the worker (C handles cannot be pickled).
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import threading
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .errors import ValidationError
from .pool import PRIORITIES

TOTAL = "(total)"
DEFAULT_TIME_LIMIT = 60.0
KINDS = ("base", "absent", "withdraw", "alone", "grow", "combo")

# Columns of the sweep DataFrame, in order.
SWEEP_COLUMNS = (
    "scenario", "kind", "subject", "status", "stopped_by", "gap", "seconds", "partner",
    "hours_demanded", "hours_received", "hours_unmet", "unmet_statutory", "unmet_core",
    "unmet_discretionary", "weighted_unmet", "unmet_fraction", "cost", "people", "pairs",
    "single_person_pairs", "two_person_pairs", "uncovered_pairs")


# ---- scenario constructors ---------------------------------------------------------------------

def base() -> dict:
    return {"kind": "base", "name": "base"}


def absent(*staff: str) -> dict:
    return {"kind": "absent", "staff": list(staff), "name": "absent:" + "+".join(staff)}


def withdraw(partner: str) -> dict:
    return {"kind": "withdraw", "partner": partner, "name": f"withdraw:{partner}"}


def alone(partner: str) -> dict:
    return {"kind": "alone", "partner": partner, "name": f"alone:{partner}"}


def grow(skill: str, pct: float, partner: Optional[str] = None) -> dict:
    where = f"{partner}:" if partner else ""
    return {"kind": "grow", "skill": skill, "pct": float(pct), "partner": partner,
            "name": f"grow:{where}{skill}{float(pct):+g}%"}


def n_minus_1(pool_or_dict: Any) -> List[dict]:
    """One absence scenario per person of the pool."""
    data = _as_dict(pool_or_dict)
    return [absent(s["id"]) for s in data["staff"]]


def withdrawals(pool_or_dict: Any) -> List[dict]:
    """One withdrawal scenario per partner with staff or demand."""
    data = _as_dict(pool_or_dict)
    return [withdraw(p["id"]) for p in data["partners"]
            if any(s["partner"] == p["id"] for s in data["staff"])
            or any(d["partner"] == p["id"] for d in data["demand"])]


def scenario_name(spec: Mapping[str, Any]) -> str:
    if spec.get("name"):
        return str(spec["name"])
    kind = spec.get("kind")
    if kind == "absent":
        return absent(*spec["staff"])["name"]
    if kind in ("withdraw", "alone"):
        return f"{kind}:{spec['partner']}"
    if kind == "grow":
        return grow(spec["skill"], spec["pct"], spec.get("partner"))["name"]
    if kind == "combo":
        return " & ".join(scenario_name(s) for s in spec["steps"])
    return str(kind)


def _subject(spec: Mapping[str, Any]) -> Optional[str]:
    kind = spec.get("kind")
    if kind == "absent":
        return "+".join(spec["staff"])
    if kind in ("withdraw", "alone"):
        return spec["partner"]
    if kind == "grow":
        return f"{spec.get('partner') + ':' if spec.get('partner') else ''}{spec['skill']}"
    return None


# ---- applying a scenario to a pool dict (pure functions on plain data) -------------------------

def _as_dict(pool_or_dict: Any) -> dict:
    return pool_or_dict.to_dict() if hasattr(pool_or_dict, "to_dict") else pool_or_dict


def _bad(spec: Any, field: str, message: str) -> ValidationError:
    record = f"scenario {scenario_name(spec) if isinstance(spec, Mapping) else spec!r}"
    return ValidationError(f"{record}: {field}: {message}", record, field)


def apply_scenario(pool_dict: Mapping[str, Any], spec: Mapping[str, Any]) -> dict:
    """A new scenario dict: ``pool_dict`` (docs/scenario-format.md) changed as ``spec`` says.
    The input is not modified. Unknown partners, staff or skills raise ValidationError."""
    if not isinstance(spec, Mapping) or spec.get("kind") not in KINDS:
        raise _bad(spec, "kind", f"must be one of {', '.join(KINDS)}")
    d = copy.deepcopy(dict(pool_dict))
    kind = spec["kind"]
    partners = {p["id"] for p in d["partners"]}
    if kind in ("withdraw", "alone") and spec.get("partner") not in partners:
        raise _bad(spec, "partner", f"unknown partner {spec.get('partner')!r}")
    if kind == "base":
        return d
    if kind == "combo":
        for step in spec.get("steps") or []:
            d = apply_scenario(d, step)
        return d
    if kind == "absent":
        staff_ids = {s["id"] for s in d["staff"]}
        gone = list(spec.get("staff") or [])
        for s in gone:
            if s not in staff_ids:
                raise _bad(spec, "staff", f"unknown staff {s!r}")
        gone_set = set(gone)
        d["availability"] = [a for a in d.get("availability", []) if a["staff"] not in gone_set]
        d["availability"] += [{"staff": s, "period": t, "hours": 0.0}
                              for s in gone for t in range(int(d["periods"]))]
        return d
    if kind == "withdraw":
        p = spec["partner"]
        gone_set = {s["id"] for s in d["staff"] if s["partner"] == p}
        d["staff"] = [s for s in d["staff"] if s["partner"] != p]
        d["demand"] = [x for x in d["demand"] if x["partner"] != p]
        d["resilience"] = [r for r in d.get("resilience", []) if r["partner"] != p]
        d["availability"] = [a for a in d.get("availability", []) if a["staff"] not in gone_set]
        return d
    if kind == "alone":
        p = spec["partner"]
        kept = {s["id"] for s in d["staff"] if s["partner"] == p}
        d["staff"] = [s for s in d["staff"] if s["partner"] == p]
        d["demand"] = [x for x in d["demand"] if x["partner"] == p]
        d["resilience"] = [r for r in d.get("resilience", []) if r["partner"] == p]
        d["availability"] = [a for a in d.get("availability", []) if a["staff"] in kept]
        return d
    # grow
    skill, partner = spec.get("skill"), spec.get("partner")
    skills = {k["id"] for k in d["skills"]}
    if skill != "all" and skill not in skills:
        raise _bad(spec, "skill", f"unknown skill {skill!r} (or \"all\")")
    if partner is not None and partner not in partners:
        raise _bad(spec, "partner", f"unknown partner {partner!r}")
    pct = spec.get("pct")
    if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not pct > -100:
        raise _bad(spec, "pct", f"must be a number above -100 (got {pct!r})")
    factor = 1.0 + float(pct) / 100.0
    for x in d["demand"]:
        if (skill == "all" or x["skill"] == skill) and (partner is None or x["partner"] == partner):
            x["hours"] = float(x["hours"]) * factor
    return d


# ---- one solve, reduced to plain data ----------------------------------------------------------

def digest(solution: Any, pool_dict: Mapping[str, Any]) -> dict:
    """The parts of a Solution the analyses need, as plain (picklable, JSON-able) data: status,
    gap, per-partner summaries, per (partner, skill) cover and per (staff, partner, skill) hours."""
    weights = dict(pool_dict.get("settings", {}).get("priority_weights") or {})
    w = [float(weights.get(p, d)) for p, d in zip(PRIORITIES, (100.0, 10.0, 1.0))]
    people: Dict[str, set] = defaultdict(set)
    pair_people: Dict[tuple, set] = defaultdict(set)
    pair_cost: Dict[tuple, float] = defaultdict(float)
    pair_hours: Dict[tuple, float] = defaultdict(float)
    staff_hours: Dict[tuple, float] = defaultdict(float)
    for a in solution.assignments:
        if a.hours <= 0:
            continue
        people[a.partner].add(a.staff)
        pair_people[(a.partner, a.skill)].add(a.staff)
        pair_cost[(a.partner, a.skill)] += a.cost
        pair_hours[(a.partner, a.skill)] += a.hours
        staff_hours[(a.staff, a.partner, a.skill)] += a.hours
    pairs = []
    for r in solution.resilience:
        key = (r.partner, r.skill)
        pairs.append({"partner": r.partner, "skill": r.skill, "hours_demanded": r.hours_demanded,
                      "hours_received": pair_hours.get(key, 0.0),
                      "hours_unmet": max(0.0, r.hours_demanded - pair_hours.get(key, 0.0)),
                      "cost": pair_cost.get(key, 0.0), "distinct_people": r.distinct_people,
                      "people": sorted(pair_people.get(key, ())),
                      "largest_share": r.largest_share, "largest_staff": r.largest_staff})
    for key in set(pair_hours) - {(p["partner"], p["skill"]) for p in pairs}:
        pairs.append({"partner": key[0], "skill": key[1], "hours_demanded": 0.0,
                      "hours_received": pair_hours[key], "hours_unmet": 0.0,
                      "cost": pair_cost[key], "distinct_people": len(pair_people[key]),
                      "people": sorted(pair_people[key]), "largest_share": 0.0,
                      "largest_staff": None})
    partners = []
    for p in solution.partners:
        own = [x for x in pairs if x["partner"] == p.partner and x["hours_demanded"] > 0]
        partners.append({
            "partner": p.partner, "hours_demanded": p.hours_demanded,
            "hours_received": p.hours_received, "hours_unmet": p.hours_unmet,
            "unmet_statutory": p.unmet_statutory, "unmet_core": p.unmet_core,
            "unmet_discretionary": p.unmet_discretionary,
            "weighted_unmet": (w[0] * p.unmet_statutory + w[1] * p.unmet_core
                               + w[2] * p.unmet_discretionary),
            "unmet_fraction": p.unmet_fraction, "cost": p.cost,
            "people": len(people.get(p.partner, ())), "pairs": len(own),
            "single_person_pairs": sum(1 for x in own if x["hours_received"] > 0
                                       and x["distinct_people"] <= 1),
            "two_person_pairs": sum(1 for x in own if x["distinct_people"] == 2),
            "uncovered_pairs": sum(1 for x in own if x["hours_received"] <= 0)})
    return {"status": solution.status, "stopped_by": solution.stopped_by, "gap": solution.gap,
            "seconds": solution.seconds, "partners": partners,
            "pairs": sorted(pairs, key=lambda x: (x["partner"], x["skill"])),
            "staff_hours": [{"staff": k[0], "partner": k[1], "skill": k[2], "hours": v}
                            for k, v in sorted(staff_hours.items())]}


def solve_scenario(pool_dict: Mapping[str, Any], spec: Mapping[str, Any],
                   options: Optional[Mapping[str, Any]] = None) -> dict:
    """Applies ``spec`` to ``pool_dict``, rebuilds the pool, solves it and returns its digest with
    the scenario's name, kind and subject. Runs in worker processes; plain data in and out."""
    from .pool import Pool
    from .solve import solve

    options = dict(options or {})
    scenario = apply_scenario(pool_dict, spec)
    pool = Pool.from_dict(scenario)
    solution = solve(pool, time_limit=options.get("time_limit", DEFAULT_TIME_LIMIT),
                     gap=options.get("gap", 1e-6))
    out = digest(solution, scenario)
    out.update({"scenario": scenario_name(spec), "kind": spec["kind"], "subject": _subject(spec),
                "spec": dict(spec)})
    return out


# Worker-process state: the pool dict is sent once per worker, not once per scenario.
_WORKER_POOL: Optional[dict] = None


def _init_worker(pool_dict: dict) -> None:
    global _WORKER_POOL
    _WORKER_POOL = pool_dict


def _solve_in_worker(spec: dict, options: dict) -> dict:
    assert _WORKER_POOL is not None
    return solve_scenario(_WORKER_POOL, spec, options)


def _dask_solve(spec: dict, pool_dict: dict, options: dict) -> dict:
    return solve_scenario(pool_dict, spec, options)


def sweep(pool: Any, scenarios: Sequence[Mapping[str, Any]],
          time_limit: Optional[float] = DEFAULT_TIME_LIMIT, gap: float = 1e-6,
          client: Any = None, max_workers: Optional[int] = None,
          mp_context: Optional[str] = None) -> List[dict]:
    """Solves every scenario and returns their digests (plain dicts) in the order given.

    pool: a Pool or a scenario dict. time_limit: seconds per solve (must be given: a sweep never
    waits forever on one solve). client: a ``dask.distributed.Client`` to run on its cluster;
    otherwise a process pool of ``max_workers`` processes (default: the CPU count; 1 solves in
    this process). Workers rebuild the pool from a dict, so nothing native crosses a process.
    mp_context: how worker processes start; default "fork" when this process runs a single thread
    (quick, and a script needs no ``if __name__ == "__main__":`` guard), else "spawn" (forking a
    process with other threads running is unsafe; spawned workers re-import the main module, so a
    script then needs the guard).
    """
    if time_limit is None or isinstance(time_limit, bool) or \
            not isinstance(time_limit, (int, float)) or not time_limit >= 0:
        raise ValidationError(f"options: time_limit: a sweep needs a time limit in seconds (got "
                              f"{time_limit!r})", "options", "time_limit")
    pool_dict = _as_dict(pool)
    specs = [dict(s) for s in scenarios]
    for s in specs:  # fail fast, in the caller, on a bad scenario
        _check_spec(pool_dict, s)
    names = [scenario_name(s) for s in specs]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValidationError(f"scenario {dup!r}: name: two scenarios have this name",
                              f"scenario {dup!r}", "name")
    options = {"time_limit": float(time_limit), "gap": float(gap)}
    if not specs:
        return []
    if client is not None:
        # In a list: a dict given to scatter would be scattered value by value under its own
        # keys ("staff", "demand", ...), shared with any other sweep on the same cluster.
        # hash=False: a content-hashed key is shared by two sweeps of the same pool, and the
        # second scatter then races the release of the first (distributed drops the data while
        # a worker is still fetching it: "failed to acquire keys", CancelledError).
        [pool_future] = client.scatter([pool_dict], broadcast=True, hash=False)
        try:
            futures = client.map(_dask_solve, specs, pool_dict=pool_future, options=options,
                                 pure=False)
            return list(client.gather(futures))
        finally:
            client.cancel([pool_future])
    workers = max_workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(specs)))
    if workers == 1:
        return [solve_scenario(pool_dict, s, options) for s in specs]
    if mp_context is None:
        fork_ok = "fork" in multiprocessing.get_all_start_methods() and \
            threading.active_count() == 1
        mp_context = "fork" if fork_ok else "spawn"
    ctx = multiprocessing.get_context(mp_context)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(pool_dict,)) as executor:
        return list(executor.map(_solve_in_worker, specs, [options] * len(specs)))


def _check_spec(pool_dict: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """Validates a scenario's references without copying the pool."""
    if not isinstance(spec, Mapping) or spec.get("kind") not in KINDS:
        raise _bad(spec, "kind", f"must be one of {', '.join(KINDS)}")
    kind = spec["kind"]
    if kind in ("withdraw", "alone"):
        if spec.get("partner") not in {p["id"] for p in pool_dict["partners"]}:
            raise _bad(spec, "partner", f"unknown partner {spec.get('partner')!r}")
    elif kind == "absent":
        staff_ids = {s["id"] for s in pool_dict["staff"]}
        if not spec.get("staff"):
            raise _bad(spec, "staff", "name at least one person")
        for s in spec["staff"]:
            if s not in staff_ids:
                raise _bad(spec, "staff", f"unknown staff {s!r}")
    elif kind == "grow":
        if spec.get("skill") != "all" and \
                spec.get("skill") not in {k["id"] for k in pool_dict["skills"]}:
            raise _bad(spec, "skill", f"unknown skill {spec.get('skill')!r} (or \"all\")")
        if spec.get("partner") is not None and \
                spec["partner"] not in {p["id"] for p in pool_dict["partners"]}:
            raise _bad(spec, "partner", f"unknown partner {spec['partner']!r}")
        pct = spec.get("pct")
        if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not pct > -100:
            raise _bad(spec, "pct", f"must be a number above -100 (got {pct!r})")
    elif kind == "combo":
        for step in spec.get("steps") or []:
            _check_spec(pool_dict, step)


def digests_to_frame(digests: Iterable[Mapping[str, Any]]) -> Any:
    """One DataFrame: a row per (scenario, partner) and a "(total)" row per scenario."""
    import pandas as pd

    rows = []
    sums = ("hours_demanded", "hours_received", "hours_unmet", "unmet_statutory", "unmet_core",
            "unmet_discretionary", "weighted_unmet", "cost", "pairs", "single_person_pairs",
            "two_person_pairs", "uncovered_pairs")
    for d in digests:
        head = {"scenario": d["scenario"], "kind": d["kind"], "subject": d["subject"],
                "status": d["status"], "stopped_by": d["stopped_by"], "gap": d["gap"],
                "seconds": d["seconds"]}
        members = [p for p in d["partners"] if p["hours_demanded"] > 0 or p["hours_received"] > 0]
        for p in members:
            rows.append({**head, **p})
        total = {k: sum(p[k] for p in members) for k in sums}
        demanded = total["hours_demanded"]
        total["unmet_fraction"] = total["hours_unmet"] / demanded if demanded else 0.0
        total["people"] = len({x for pr in d["pairs"] for x in pr["people"]})
        rows.append({**head, "partner": TOTAL, **total})
    return pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))


def run_scenarios(pool: Any, scenarios: Sequence[Mapping[str, Any]],
                  time_limit: Optional[float] = DEFAULT_TIME_LIMIT, gap: float = 1e-6,
                  client: Any = None, max_workers: Optional[int] = None) -> Any:
    """Solves every scenario (see the module doc) and returns one DataFrame (`SWEEP_COLUMNS`):
    a row per (scenario, partner with demand or hours) and a "(total)" row per scenario. Runs on
    a process pool, or on a Dask cluster when ``client`` is given; same results either way."""
    return digests_to_frame(sweep(pool, scenarios, time_limit=time_limit, gap=gap,
                                  client=client, max_workers=max_workers))


def tidy(frame: Any, eps: float = 1e-6) -> Any:
    """Sets float noise left by differences of solver results (|x| < eps) to exactly 0."""
    for c in frame.columns:
        if frame[c].dtype.kind == "f":
            col = frame[c].copy()
            col[col.abs() < eps] = 0.0
            frame[c] = col
    return frame


def compare_to_base(frame: Any, base_name: str = "base") -> Any:
    """Adds ``*_change`` columns: each scenario's row minus the base scenario's row for the same
    partner (a partner missing from the base counts as zero)."""
    import pandas as pd

    metrics = ["hours_received", "hours_unmet", "unmet_statutory", "unmet_core",
               "unmet_discretionary", "weighted_unmet", "cost", "people", "single_person_pairs",
               "uncovered_pairs"]
    base_rows = frame[frame["scenario"] == base_name].set_index("partner")[metrics]
    out = frame.copy()
    for m in metrics:
        ref = out["partner"].map(base_rows[m]) if len(base_rows) else pd.Series(0.0,
                                                                               index=out.index)
        out[f"{m}_change"] = out[m] - ref.fillna(0.0)
    return tidy(out)
