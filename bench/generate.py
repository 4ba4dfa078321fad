"""Seeded generator of benchmark pools (scenario dicts, docs/scenario-format.md).

Sizes follow issue 3: S (7 partners, 120 staff, 12 skills, 13 weeks), M (12, 400, 40, 13),
L (32, 2,000, 60, 13: every council of a small country pooling one service family) and
XL (32, 5,000, 80, 52). The pools look like the demo: councils spread over a region, staff with a
few skills from one family at levels 1-5, leave, peaks, local-only work, some people limited in
travel, authorisations or partners served, resilience rules on each partner's main skills, and
demand near the pool's capacity so that shortfall, fairness and resilience all matter.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from typing import Dict

SIZES: Dict[str, tuple] = {
    "S": (7, 120, 12, 13),
    "M": (12, 400, 40, 13),
    "L": (32, 2000, 60, 13),
    "XL": (32, 5000, 80, 52),
}
PRIORITIES = ("statutory", "core", "discretionary")


def generate(size: str, seed: int = 1) -> dict:
    n_partners, n_staff, n_skills, n_periods = SIZES[size]
    rng = random.Random(f"{size}-{seed}")
    # Partners on a rough grid over a region about 40 km per partner-width wide.
    side = math.ceil(math.sqrt(n_partners))
    partners, sites = [], []
    for p in range(n_partners):
        pid = f"P{p:02d}"
        lat = 52.0 + (p // side) * 0.25 + rng.uniform(-0.05, 0.05)
        lon = -2.0 + (p % side) * 0.35 + rng.uniform(-0.05, 0.05)
        partners.append({"id": pid, "name": f"Council {p}", "population": rng.randint(60, 400) * 1000})
        for s in range(1 + (rng.random() < 0.3)):
            sites.append({"id": f"{pid}-S{s}", "partner": pid, "name": f"Council {p} office {s}",
                          "lat": round(lat + s * 0.05, 4), "lon": round(lon - s * 0.06, 4)})
    partner_sites = {p["id"]: [s["id"] for s in sites if s["partner"] == p["id"]] for p in partners}
    skills = [{"id": f"K{k:02d}", "name": f"Skill {k}"} for k in range(n_skills)]
    # Skills come in families of about six; a person holds two to four from one family.
    family_size = 6
    families = [list(range(i, min(i + family_size, n_skills))) for i in range(0, n_skills, family_size)]

    staff = []
    for i in range(n_staff):
        partner = partners[i % n_partners]["id"]
        family = families[rng.randrange(len(families))]
        held = rng.sample(family, min(len(family), rng.randint(2, 4)))
        person = {
            "id": f"E{i:05d}", "partner": partner, "site": rng.choice(partner_sites[partner]),
            "contracted_hours": rng.choice([37, 37, 37, 37, 29.6, 22.5, 18.5]),
            "cost_per_hour": round(rng.uniform(19, 45), 2),
            "skills": {f"K{k:02d}": rng.choices([1, 2, 3, 4, 5], [1, 3, 4, 3, 1])[0] for k in held},
            "max_travel_minutes": rng.choice([45, 60, 60, 75, 90, 120, None]),
        }
        if rng.random() < 0.05:
            person["authorised"] = [partner]
        if rng.random() < 0.08:
            person["max_partners"] = rng.choice([1, 2, 3])
        staff.append(person)

    availability = []
    for person in staff:
        for _ in range(rng.randint(0, max(1, n_periods // 6))):
            availability.append({"staff": person["id"], "period": rng.randrange(n_periods),
                                 "hours": rng.choice([0, 0, round(person["contracted_hours"] / 2, 1)])})
    seen = set()
    availability = [a for a in availability if (a["staff"], a["period"]) not in seen
                    and not seen.add((a["staff"], a["period"]))]

    # Demand: each partner needs the skills its own staff hold plus a few more, sized so that the
    # pool's hours roughly match demand (target 100% of contracted hours, after leave ~ 104%).
    holders: Dict[str, int] = {}
    for person in staff:
        for k in person["skills"]:
            holders[k] = holders.get(k, 0) + 1
    total_hours = sum(p["contracted_hours"] for p in staff) * n_periods
    wanted = []
    for p in partners:
        own = {k for s in staff if s["partner"] == p["id"] for k in s["skills"]}
        extra = set(rng.sample([s["id"] for s in skills], max(1, n_skills // 8)))
        for k in sorted(own | extra):
            wanted.append((p["id"], k))
    weights = [holders.get(k, 0.5) * rng.uniform(0.6, 1.4) for _, k in wanted]
    scale = total_hours / sum(weights) / n_periods
    demand = []
    for (pid, k), w in zip(wanted, weights):
        base = w * scale
        local = rng.random() < 0.08
        for t in range(n_periods):
            peak = 1.3 if (t % 13) in (7, 8, 9) and rng.random() < 0.3 else 1.0
            hours = round(base * peak * rng.uniform(0.7, 1.3), 1)
            if hours <= 0:
                continue
            demand.append({"partner": pid, "site": rng.choice(partner_sites[pid]), "skill": k,
                           "period": t, "hours": hours,
                           "min_level": rng.choices([1, 2, 3, 4], [2, 4, 3, 1])[0],
                           "priority": rng.choices(PRIORITIES, [4, 4, 2])[0],
                           "local_only": local})
    resilience = []
    for pid, k in wanted:
        if rng.random() < 0.35:
            resilience.append({"partner": pid, "skill": k, "min_people": rng.choice([2, 2, 3]),
                               "max_share": rng.choice([0.5, 0.6, 0.7, 1.0])})
    return {
        "format": "staffpool-scenario", "version": 1, "name": f"benchmark {size} seed {seed}",
        "periods": n_periods,
        "settings": {"reserve_share": 0.05, "travel_speed_kmh": 45, "visit_hours": 7.5,
                     "min_engagement_hours": 4},
        "partners": partners, "sites": sites, "skills": skills, "staff": staff,
        "availability": availability, "demand": demand, "resilience": resilience,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    json.dump(generate(args.size, args.seed), sys.stdout, indent=1)


if __name__ == "__main__":
    main()
