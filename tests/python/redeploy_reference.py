"""Independent brute-force reference for the redeployment model of docs/redeployment.md.

Written from the documentation only; it shares no code with the ``staffpool`` package. It reads
the plain input dict (format "staffpool-redeployment"), applies the documented defaults, generates
expected vacancies from leaving rates, decides which (person, vacancy) pairs are feasible and what
each costs, enumerates every matching and picks the best in strict (lexicographic) order with the
same stage tolerance as the solver layer. It also states, for each person, which filter each
vacancy fails, so that tests can check every redundancy reason is true.

Entry points: :func:`prepare`, :func:`brute_force`, :func:`terms_of`.
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

DEFAULT_RULES = {
    "grades_down": 1000, "grades_up": 0, "period_weeks": 4.0, "training_limit_weeks": 26.0,
    "trial_weeks": 4.0, "protection_periods": 13, "redundancy_cost": 0.0,
    "relocation_cost": 8000.0, "travel_speed_kmh": 40.0, "excess_travel_cost": 0.0,
    "excess_travel_periods": 13, "waiting_cost_share": 0.0,
}
FILTERS = ("grade", "travel", "no_route", "training_limit", "training_time")
STAGE_TOLERANCE = 1e-7


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def prepare(data: dict) -> dict:
    rules = dict(DEFAULT_RULES)
    rules.update(data.get("rules") or {})
    grades = data.get("grades")

    def rank(g):
        return grades.index(g) + 1 if isinstance(g, str) else int(g)

    periods = data["periods"]
    sites = {s["id"]: s for s in data["sites"]}
    first_site = {}
    for s in data["sites"]:
        first_site.setdefault(s["partner"], s["id"])
    override = {}
    for t in data.get("travel_minutes", []):
        override[(t["from"], t["to"])] = (t["minutes"], True)
        if not override.get((t["to"], t["from"]), (0, False))[1]:
            override[(t["to"], t["from"])] = (t["minutes"], False)

    def site_minutes(a, b):
        if a == b:
            return 0.0
        if (a, b) in override:
            return override[(a, b)][0]
        sa, sb = sites[a], sites[b]
        return haversine_km(sa["lat"], sa["lon"], sb["lat"], sb["lon"]) / \
            rules["travel_speed_kmh"] * 60

    def home_minutes(p, site):
        if p.get("home_site"):
            return site_minutes(p["home_site"], site)
        if p.get("home_lat") is not None:
            s = sites[site]
            return haversine_km(p["home_lat"], p["home_lon"], s["lat"], s["lon"]) / \
                rules["travel_speed_kmh"] * 60
        return site_minutes(p["site"], site)

    vacancies = []
    for v in data.get("vacancies", []):
        vacancies.append(dict(v, grade=rank(v["grade"]), site=v.get("site") or
                              first_site[v["partner"]], min_level=v.get("min_level", 1),
                              start=v.get("start", 0),
                              kind="natural_wastage" if v.get("natural_wastage") else "open"))
    for r in data.get("leaving_rates", []):
        q = 1 - (1 - r["annual_rate"]) ** (rules["period_weeks"] / 52)
        j = 1
        for t in range(periods - 1):
            expected = r["headcount"] * (1 - (1 - q) ** (t + 1))
            while expected >= j - 1e-9:
                vacancies.append({"id": f"{r['id']}#{j}", "partner": r["partner"],
                                  "site": r.get("site") or first_site[r["partner"]],
                                  "skill": r["skill"], "min_level": r.get("min_level", 1),
                                  "grade": rank(r["grade"]), "pay": r["pay"],
                                  "hours": r["hours"], "start": t + 1, "kind": "expected"})
                j += 1
    people = []
    for p in data["people"]:
        people.append(dict(p, grade=rank(p["grade"]), post_ends=p.get("post_ends", 0),
                           skills=p.get("skills", {}), preferences=p.get("preferences", []),
                           redundancy_cost=p["redundancy_cost"]
                           if p.get("redundancy_cost") is not None else rules["redundancy_cost"]))
    routes = data.get("routes", [])

    def check(p, v) -> Tuple[Optional[str], Optional[dict]]:
        """(first failing filter, None) or (None, pair costs)."""
        diff = v["grade"] - p["grade"]
        if diff > rules["grades_up"] or -diff > rules["grades_down"]:
            return "grade", None
        minutes = home_minutes(p, v["site"])
        limit = p.get("max_travel_minutes")
        relocate = False
        if limit is not None and minutes > limit:
            if not p.get("relocate"):
                return "travel", None
            relocate = True
        route = None
        if p["skills"].get(v["skill"], 0) < v["min_level"]:
            usable = [r for r in routes if r["to_skill"] == v["skill"]
                      and r["to_level"] >= v["min_level"]
                      and p["skills"].get(r["from_skill"], 0) >= r["from_level"]]
            if not usable:
                return "no_route", None
            usable = [r for r in usable if r["weeks"] <= rules["training_limit_weeks"]]
            if not usable:
                return "training_limit", None
            deadline = v["start"] * rules["period_weeks"] + rules["trial_weeks"]
            usable = [r for r in usable if r["weeks"] <= deadline + 1e-9]
            if not usable:
                return "training_time", None
            route = min(usable, key=lambda r: (r["cost"], r["weeks"]))
        waiting = max(0, v["start"] - p["post_ends"])
        current = home_minutes(p, p["site"])
        costs = {
            "training": route["cost"] if route else 0.0,
            "protection": max(0.0, p["pay"] * v["hours"] / p["hours"] - v["pay"])
            * rules["protection_periods"],
            "travel": 0.0 if relocate else max(0.0, minutes - current)
            * rules["excess_travel_cost"] * rules["excess_travel_periods"],
            "relocation": rules["relocation_cost"] if relocate else 0.0,
            "waiting": waiting * p["pay"] * rules["waiting_cost_share"],
        }
        prefs = p["preferences"]
        rank_ = prefs.index(v["partner"]) if v["partner"] in prefs else len(prefs)
        pair = {"cost": sum(costs.values()), "relocate": relocate, "costs": costs,
                "misfit": max(0, -diff) + abs(v["hours"] - p["hours"]) / p["hours"] + rank_,
                "waiting": waiting, "route": route}
        return None, pair

    status = {}
    pairs = {}
    for i, p in enumerate(people):
        for j, v in enumerate(vacancies):
            fail, pair = check(p, v)
            status[(i, j)] = fail
            if pair is not None:
                pairs[(i, j)] = pair
    return {"rules": rules, "people": people, "vacancies": vacancies, "pairs": pairs,
            "status": status}


def terms_of(prep: dict, match: Dict[int, int]) -> Tuple[float, float, float, float]:
    """(redundancies, net cost, relocations, misfit) of a matching person index -> vacancy."""
    people = prep["people"]
    redundancies = len(people) - len(match)
    net = sum(prep["pairs"][(i, j)]["cost"] - people[i]["redundancy_cost"]
              for i, j in match.items())
    relocations = sum(prep["pairs"][(i, j)]["relocate"] for i, j in match.items())
    misfit = sum(prep["pairs"][(i, j)]["misfit"] for i, j in match.items())
    return (float(redundancies), net, float(relocations), misfit)


def matchings(prep: dict):
    n = len(prep["people"])
    options = [[j for j in range(len(prep["vacancies"])) if (i, j) in prep["pairs"]]
               for i in range(n)]

    def rec(i, used, current):
        if i == n:
            yield dict(current)
            return
        yield from rec(i + 1, used, current)
        for j in options[i]:
            if j not in used:
                used.add(j)
                current[i] = j
                yield from rec(i + 1, used, current)
                del current[i]
                used.discard(j)

    yield from rec(0, set(), {})


def brute_force(prep: dict) -> Tuple[Tuple[float, ...], List[Dict[int, int]]]:
    """The lexicographic optimum's terms and every matching that attains it (stage by stage,
    each earlier term kept within the solver layer's tolerance of its optimum)."""
    candidates = [(terms_of(prep, m), m) for m in matchings(prep)]
    best = []
    for stage in range(4):
        value = min(t[stage] for t, _ in candidates)
        best.append(value)
        bound = value + STAGE_TOLERANCE * max(1.0, abs(value))
        candidates = [(t, m) for t, m in candidates if t[stage] <= bound]
    return tuple(best), [m for _, m in candidates]
