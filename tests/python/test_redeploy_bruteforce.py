"""The redeployment engine against brute force on tiny random instances.

For each seed a small random reorganisation (tests/python/redeploy_reference.py reads the same
dict independently) is solved by the engine and by enumerating every matching; the four objective
terms must agree, the engine's own plan must be one whose terms the reference recomputes to the
same values, and every redundancy reason must be true by the reference's own filters.
"""
from __future__ import annotations

import copy
import random

import pytest

import staffpool
from redeploy_reference import FILTERS, brute_force, prepare, terms_of

SEEDS = range(60)
PARTNERS = ("A", "B", "C")
SKILLS = ("food", "noise")


def random_instance(seed: int) -> dict:
    rng = random.Random(seed)
    periods = rng.randint(2, 8)
    sites = []
    for k, partner in enumerate(PARTNERS):
        sites.append({"id": f"{partner}1", "partner": partner,
                      "lat": round(52 + rng.uniform(-0.25, 0.25), 4),
                      "lon": round(-1 + rng.uniform(-0.25, 0.25), 4)})
    data = {
        "format": "staffpool-redeployment", "version": 1, "name": f"random {seed}",
        "periods": periods, "grades": ["g1", "g2", "g3", "g4"],
        "rules": {
            "grades_down": rng.choice([0, 1, 2, 1000]), "grades_up": rng.choice([0, 1, 1]),
            "period_weeks": rng.choice([1, 2, 4]), "training_limit_weeks": rng.choice([12, 26]),
            "trial_weeks": rng.choice([0, 4, 8]), "protection_periods": rng.randint(0, 13),
            "redundancy_cost": rng.choice([0, 5000, 20000]),
            "relocation_cost": rng.choice([0, 3000, 8000]),
            "excess_travel_cost": rng.choice([0, 5, 13.5]),
            "excess_travel_periods": rng.randint(0, 13),
            "waiting_cost_share": rng.choice([0, 0.2, 1.0]),
        },
        "partners": [{"id": p} for p in PARTNERS],
        "sites": sites,
        "skills": [{"id": k} for k in SKILLS],
        "people": [], "vacancies": [], "leaving_rates": [], "routes": [],
    }
    if rng.random() < 0.3:
        data["travel_minutes"] = [{"from": "A1", "to": "B1", "minutes": rng.choice([5, 90])}]
    for i in range(rng.randint(2, 5)):
        skills = {k: rng.randint(1, 4) for k in rng.sample(SKILLS, rng.randint(1, 2))}
        person = {"id": f"p{i}", "partner": rng.choice(PARTNERS),
                  "site": rng.choice(sites)["id"], "grade": rng.choice(data["grades"]),
                  "pay": rng.choice([2000, 2600, 3100]), "hours": rng.choice([18.5, 30, 37]),
                  "skills": skills, "post_ends": rng.randrange(periods),
                  "relocate": rng.random() < 0.4}
        if rng.random() < 0.6:
            person["max_travel_minutes"] = rng.choice([15, 30, 60])
        if rng.random() < 0.5:
            person["redundancy_cost"] = rng.choice([3000, 12000, 40000])
        if rng.random() < 0.4:
            person["home_lat"] = round(52 + rng.uniform(-0.4, 0.4), 4)
            person["home_lon"] = round(-1 + rng.uniform(-0.4, 0.4), 4)
        elif rng.random() < 0.3:
            person["home_site"] = rng.choice(sites)["id"]
        if rng.random() < 0.4:
            person["preferences"] = rng.sample(PARTNERS, rng.randint(1, 2))
        data["people"].append(person)
    for j in range(rng.randint(0 if seed % 10 == 0 else 2, 6)):
        data["vacancies"].append({
            "id": f"v{j}", "partner": rng.choice(PARTNERS), "skill": rng.choice(SKILLS),
            "min_level": rng.randint(1, 3), "grade": rng.choice(data["grades"]),
            "pay": rng.choice([1900, 2500, 3200]), "hours": rng.choice([18.5, 30, 37]),
            "start": rng.randrange(periods), "natural_wastage": rng.random() < 0.3})
    if rng.random() < 0.3:
        data["leaving_rates"].append({
            "id": "lr", "partner": rng.choice(PARTNERS), "grade": rng.choice(data["grades"]),
            "headcount": rng.choice([5, 20]), "annual_rate": rng.choice([0.1, 0.3]),
            "skill": rng.choice(SKILLS), "min_level": rng.randint(1, 3), "pay": 2400,
            "hours": 37})
    for _ in range(rng.randint(0, 5)):
        a, b = rng.choice(SKILLS), rng.choice(SKILLS)
        la = rng.randint(1, 3)
        lb = rng.randint(la + 1, 4) if a == b else rng.randint(1, 4)
        data["routes"].append({"from_skill": a, "from_level": la, "to_skill": b, "to_level": lb,
                               "weeks": rng.choice([2, 6, 12, 20, 30]),
                               "cost": rng.choice([300, 1500, 4000])})
    return data


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 + 1e-6 * abs(b)


def check_reason(prep: dict, i: int, outcome, filled: dict) -> None:
    """The reason the engine gives for person i is true by the reference's filters."""
    fails = [prep["status"][(i, j)] for j in range(len(prep["vacancies"]))]
    reason = outcome.reason
    if not fails:
        assert reason == "no_vacancy"
        return
    if reason in FILTERS:
        k = FILTERS.index(reason)
        # no vacancy gets past this filter, and at least one gets to it
        assert all(f is not None and FILTERS.index(f) <= k for f in fails), (reason, fails)
        assert any(f == reason for f in fails), (reason, fails)
    elif reason == "taken":
        suitable = [j for j, f in enumerate(fails) if f is None]
        assert suitable, fails
        assert all(filled.get(prep["vacancies"][j]["id"]) not in (None, outcome.person)
                   for j in suitable)
        assert outcome.suitable_posts == len(suitable)
    else:
        raise AssertionError(f"unexpected reason {reason!r}")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_engine_matches_brute_force(seed):
    data = random_instance(seed)
    prep = prepare(copy.deepcopy(data))
    best, optima = brute_force(prep)
    result = staffpool.Redeployment.from_dict(copy.deepcopy(data)).solve(gap=0.0)
    assert result.status == "optimal"
    engine = (result.objective.redundancies, result.objective.net_cost,
              result.objective.relocations, result.objective.misfit)
    assert all(close(e, b) for e, b in zip(engine, best)), (seed, engine, best)

    # The engine's plan, re-costed by the reference, gives the engine's terms.
    index = {v["id"]: j for j, v in enumerate(prep["vacancies"])}
    match = {i: index[o.vacancy] for i, o in enumerate(result.outcomes) if o.vacancy}
    assert all((i, j) in prep["pairs"] for i, j in match.items())
    recomputed = terms_of(prep, match)
    assert all(close(e, r) for e, r in zip(engine, recomputed)), (seed, engine, recomputed)
    for i, o in enumerate(result.outcomes):
        if o.vacancy:
            pair = prep["pairs"][(i, index[o.vacancy])]
            assert close(o.cost, pair["cost"])
            assert o.relocated == pair["relocate"]
            assert o.waiting_periods == pair["waiting"]

    # Every redundancy has a true reason; the vacancy list includes expected vacancies.
    assert [v.vacancy for v in result.vacancies] == [v["id"] for v in prep["vacancies"]]
    filled = {v.vacancy: v.person for v in result.vacancies}
    for i, o in enumerate(result.outcomes):
        if o.outcome == "redundant":
            check_reason(prep, i, o, filled)
            assert o.reason != "search_stopped"
        else:
            assert filled[o.vacancy] == o.person


def test_instances_exercise_every_reason():
    """The random family is rich enough: over the seeds, each reason shows up."""
    seen = set()
    for seed in SEEDS:
        data = random_instance(seed)
        result = staffpool.Redeployment.from_dict(data).solve()
        seen |= {o.reason for o in result.outcomes}
    assert {"none", "grade", "travel", "no_route", "training_limit", "taken"} <= seen, seen
