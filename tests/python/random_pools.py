"""Small random staff pools for cross-checking the C engine against the PuLP reference model.

``random_scenario(seed)`` returns a scenario dict in the documented format (docs/scenario-format.md).
The pools are small (2-4 partners, 3-8 staff, 4-12 demand records) so that every lexicographic stage
solves to proven optimality in a fraction of a second, but they exercise every rule of the model:
skill levels, authorised lists, local-only demand, travel limits (haversine and overrides), partner
limits, reduced availability (including zero), the reserve share, priorities, and resilience rules.
Demand is sized to exceed the eligible capacity in most seeds so the unmet, fairness and resilience
terms are usually non-zero.

Generated travel limits are kept at least ``TRAVEL_MARGIN`` minutes away from every travel time in
the pool, so the eligibility test ``travel <= max_travel_minutes`` cannot flip on rounding
differences between two haversine implementations.
"""

from __future__ import annotations

import math
import random

EARTH_RADIUS_KM = 6371.0
TRAVEL_MARGIN = 0.05  # minutes
PRIORITIES = ("statutory", "core", "discretionary")


def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _safe_limit(rng, candidates, travel_times):
    """A travel limit from candidates, nudged away from every travel time in the pool."""
    limit = float(rng.choice(candidates))
    for _ in range(100):
        if all(abs(limit - t) > TRAVEL_MARGIN for t in travel_times):
            return limit
        limit += 0.37
    return limit


def random_scenario(seed: int) -> dict:
    rng = random.Random(seed)

    n_periods = rng.randint(2, 3)
    n_partners = rng.randint(2, 4)
    n_skills = rng.randint(2, 4)
    n_staff = rng.randint(3, 8)
    n_demand = rng.randint(4, 12)

    # ---- settings: sometimes defaults, sometimes explicit values
    settings = {}
    if rng.random() < 0.7:
        settings["reserve_share"] = rng.choice([0.0, 0.05, 0.1, 0.15, 0.2])
    speed = 40.0
    if rng.random() < 0.4:
        speed = float(rng.choice([25, 30, 50, 60]))
        settings["travel_speed_kmh"] = speed
    if rng.random() < 0.3:
        settings["visit_hours"] = rng.choice([3.5, 6.0, 7.5, 8.0])
    if rng.random() < 0.4:
        settings["min_engagement_hours"] = rng.choice([0.5, 1, 2, 4])
    if rng.random() < 0.3:
        settings["priority_weights"] = {
            "statutory": rng.choice([50, 100, 1000]),
            "core": rng.choice([5, 10, 20]),
            "discretionary": rng.choice([0.5, 1, 2]),
        }

    # ---- partners and sites, all within roughly 40 km of each other
    lat0, lon0 = 52.0 + rng.uniform(-1, 1), -1.5 + rng.uniform(-1, 1)
    partners, sites, sites_of = [], [], {}
    for p in range(n_partners):
        pid = f"P{p}"
        partners.append({"id": pid, "name": f"Partner {p}", "population": rng.randint(20, 200) * 1000})
        sites_of[pid] = []
        for s in range(rng.randint(1, 2)):
            sid = f"{pid}-S{s}"
            sites.append({
                "id": sid, "partner": pid, "name": f"Site {s} of {pid}",
                "lat": round(lat0 + rng.uniform(-0.13, 0.13), 5),   # +-14.5 km
                "lon": round(lon0 + rng.uniform(-0.19, 0.19), 5),   # +-13 km at ~52N
            })
            sites_of[pid].append(sid)
    site_ids = [s["id"] for s in sites]

    travel_minutes = []
    if len(site_ids) >= 2 and rng.random() < 0.4:
        pairs = [(a, b) for a in site_ids for b in site_ids if a != b]
        for a, b in rng.sample(pairs, min(len(pairs), rng.randint(1, 2))):
            if any(r["from"] == a and r["to"] == b for r in travel_minutes):
                continue
            travel_minutes.append({"from": a, "to": b, "minutes": rng.choice([5, 12, 25, 40, 55, 75, 95])})

    # every travel time the documented rule could produce, to keep limits clear of them
    coords = {s["id"]: (s["lat"], s["lon"]) for s in sites}
    travel_times = [_haversine_km(*coords[a], *coords[b]) / speed * 60
                    for a in site_ids for b in site_ids if a != b]
    travel_times += [float(r["minutes"]) for r in travel_minutes] + [0.0]

    skills = [{"id": f"K{k}", "name": f"Skill {k}"} for k in range(n_skills)]
    skill_ids = [k["id"] for k in skills]
    partner_ids = [p["id"] for p in partners]

    # ---- staff
    staff = []
    for i in range(n_staff):
        home = rng.choice(partner_ids)
        held = rng.sample(skill_ids, rng.randint(1, min(3, n_skills)))
        person = {
            "id": f"E{i}", "name": f"Employee {i}", "partner": home,
            "site": rng.choice(sites_of[home]),
            "contracted_hours": float(rng.choice([8, 12, 15, 18.5, 22.5, 30, 37])),
            "cost_per_hour": round(rng.uniform(22, 48), 2),
            "skills": {k: rng.randint(1, 5) for k in held},
        }
        if rng.random() < 0.3:
            others = [p for p in partner_ids if p != home]
            person["authorised"] = [home] + rng.sample(others, rng.randint(0, len(others)))
        if rng.random() < 0.35:
            person["max_travel_minutes"] = _safe_limit(rng, [10, 20, 30, 45, 60], travel_times)
        roll = rng.random()
        if roll < 0.3:
            person["max_partners"] = 1
        elif roll < 0.4:
            person["max_partners"] = 2
        staff.append(person)

    # ---- availability reductions (sickness, leave, training), including zero
    availability = []
    for person in staff:
        for t in range(n_periods):
            if rng.random() < 0.2:
                hours = rng.choice([0.0, 0.0, round(person["contracted_hours"] * rng.choice([0.25, 0.5, 0.8]), 2)])
                availability.append({"staff": person["id"], "period": t, "hours": hours})

    # ---- demand: sized so the pool is usually short of capacity
    demand = []
    held_skills = sorted({k for person in staff for k in person["skills"]})
    for _ in range(n_demand):
        pid = rng.choice(partner_ids)
        rec = {
            "partner": pid,
            # mostly skills someone holds, so that partners compete for the same people
            "skill": rng.choice(held_skills if rng.random() < 0.85 else skill_ids),
            "period": rng.randrange(n_periods),
            "hours": float(rng.choice([2, 4, 6, 7.5, 10, 12, 16, 20, 25, 30, 40])),
        }
        if rng.random() < 0.6:
            rec["site"] = rng.choice(sites_of[pid])
        if rng.random() < 0.7:
            rec["min_level"] = rng.choice([1, 1, 2, 2, 3, 4])
        if rng.random() < 0.8:
            rec["priority"] = rng.choice(PRIORITIES)
        if rng.random() < 0.2:
            rec["local_only"] = True
        elif rng.random() < 0.2:
            rec["local_only"] = False
        demand.append(rec)

    # ---- resilience rules on (partner, skill) pairs with demand (plus sometimes a vacuous one)
    with_demand = sorted({(d["partner"], d["skill"]) for d in demand})
    chosen = rng.sample(with_demand, min(len(with_demand), rng.randint(1, 3)))
    if rng.random() < 0.2:
        vacant = [(p, k) for p in partner_ids for k in skill_ids if (p, k) not in with_demand]
        if vacant:
            chosen.append(rng.choice(vacant))
    resilience = []
    for p, k in chosen:
        rule = {"partner": p, "skill": k}
        if rng.random() < 0.85:
            rule["min_people"] = rng.randint(1, 3)
        if rng.random() < 0.75:
            rule["max_share"] = rng.choice([0.4, 0.5, 0.6, 0.75, 0.9, 1.0])
        resilience.append(rule)

    scenario = {
        "format": "staffpool-scenario",
        "version": 1,
        "name": f"random pool {seed}",
        "periods": n_periods,
        "settings": settings,
        "partners": partners,
        "sites": sites,
        "skills": skills,
        "staff": staff,
        "availability": availability,
        "demand": demand,
        "resilience": resilience,
    }
    if travel_minutes:
        scenario["travel_minutes"] = travel_minutes
    return scenario
