"""The redeployment engine against an independent PuLP/CBC model, at sizes brute force cannot reach.

Pairs and their costs come from tests/python/redeploy_reference.py (written from
docs/redeployment.md, sharing no code with the package); the matching MIP is built here with PuLP
and solved lexicographically by CBC with the same stage tolerance. The four terms must agree.
"""
from __future__ import annotations

import copy
import random
import tempfile

import pytest

import staffpool
from redeploy_reference import STAGE_TOLERANCE, prepare

pulp = pytest.importorskip("pulp")
CBC_PATH = "/usr/bin/cbc"
SEEDS = range(8)


def medium_instance(seed: int) -> dict:
    rng = random.Random(1000 + seed)
    partners = ["A", "B", "C", "D"]
    skills = ["food", "noise", "housing", "licensing"]
    grades = ["g1", "g2", "g3", "g4", "g5"]
    sites = [{"id": f"{p}{i}", "partner": p, "lat": round(52 + rng.uniform(-0.3, 0.3), 4),
              "lon": round(-1 + rng.uniform(-0.3, 0.3), 4)} for p in partners for i in (1, 2)]
    data = {"format": "staffpool-redeployment", "version": 1, "periods": 13, "grades": grades,
            "rules": {"grades_down": rng.choice([1, 2]), "grades_up": rng.choice([0, 1]),
                      "redundancy_cost": 10000, "excess_travel_cost": 10,
                      "waiting_cost_share": 0.2, "relocation_cost": 6000},
            "partners": [{"id": p} for p in partners], "sites": sites,
            "skills": [{"id": k} for k in skills], "people": [], "vacancies": [],
            "leaving_rates": [], "routes": []}
    for i in range(25):
        site = rng.choice(sites)
        p = {"id": f"p{i}", "partner": site["partner"], "site": site["id"],
             "grade": rng.choice(grades), "pay": rng.randint(2000, 4000),
             "hours": rng.choice([37, 30, 22.5]),
             "skills": {k: rng.randint(2, 4) for k in rng.sample(skills, rng.randint(1, 2))},
             "post_ends": rng.randrange(13), "relocate": rng.random() < 0.3,
             "max_travel_minutes": rng.choice([20, 30, 45, None]),
             "redundancy_cost": rng.randint(4000, 50000)}
        if rng.random() < 0.5:
            p["preferences"] = rng.sample(partners, 2)
        data["people"].append(p)
    for j in range(30):
        site = rng.choice(sites)
        data["vacancies"].append({
            "id": f"v{j}", "partner": site["partner"], "site": site["id"],
            "skill": rng.choice(skills), "min_level": rng.randint(2, 4),
            "grade": rng.choice(grades), "pay": rng.randint(2000, 4000),
            "hours": rng.choice([37, 30, 22.5]), "start": rng.randrange(13),
            "natural_wastage": rng.random() < 0.3})
    data["leaving_rates"].append({"id": "lr", "partner": "B", "grade": "g3", "headcount": 20,
                                  "annual_rate": 0.15, "skill": "food", "min_level": 3,
                                  "pay": 3000, "hours": 37})
    for a in skills:
        for b in skills:
            if rng.random() < 0.4:
                data["routes"].append({"from_skill": a, "from_level": 3, "to_skill": b,
                                       "to_level": 3 if a != b else 4,
                                       "weeks": rng.choice([6, 12, 20, 30]),
                                       "cost": rng.choice([500, 1500, 3000])})
    return data


def solve_with_cbc(prep: dict) -> tuple:
    people = prep["people"]
    pairs = prep["pairs"]
    prob = pulp.LpProblem("redeploy", pulp.LpMinimize)
    x = {key: pulp.LpVariable(f"x_{key[0]}_{key[1]}", cat="Binary") for key in sorted(pairs)}
    for i in range(len(people)):
        prob += pulp.lpSum(x[k] for k in x if k[0] == i) <= 1
    for j in range(len(prep["vacancies"])):
        prob += pulp.lpSum(x[k] for k in x if k[1] == j) <= 1
    terms = [
        len(people) - pulp.lpSum(x.values()),
        pulp.lpSum((pairs[k]["cost"] - people[k[0]]["redundancy_cost"]) * x[k] for k in x),
        pulp.lpSum(int(pairs[k]["relocate"]) * x[k] for k in x),
        pulp.lpSum(pairs[k]["misfit"] * x[k] for k in x),
    ]
    values = []
    with tempfile.TemporaryDirectory(prefix="staffpool-rdref-") as tmp:
        for term in terms:
            prob.setObjective(term)
            solver = pulp.COIN_CMD(path=CBC_PATH, msg=False, gapRel=0.0, gapAbs=1e-9,
                                   threads=1, timeLimit=60)
            solver.tmpDir = tmp
            prob.solve(solver)
            assert prob.sol_status == pulp.LpSolutionOptimal
            value = pulp.value(term)
            values.append(value)
            prob += term <= value + STAGE_TOLERANCE * max(1.0, abs(value))
    return tuple(values)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_engine_matches_cbc(seed):
    data = medium_instance(seed)
    reference = solve_with_cbc(prepare(copy.deepcopy(data)))
    result = staffpool.Redeployment.from_dict(data).solve(gap=0.0, time_limit=60)
    assert result.status == "optimal"
    engine = (result.objective.redundancies, result.objective.net_cost,
              result.objective.relocations, result.objective.misfit)
    for e, r in zip(engine, reference):
        assert abs(e - r) <= 1e-5 + 1e-6 * abs(r), (seed, engine, reference)
    assert result.model_size["pairs"] == len(prepare(copy.deepcopy(data))["pairs"])
