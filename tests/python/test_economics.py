"""Cost sharing (every rule, the tolerance, exact totals) and the value of pooling, checked against
numbers computed by hand."""
from __future__ import annotations

import json
import math
import random

import pandas as pd
import pytest

import staffpool
from staffpool import economics as ec
from staffpool.scenarios import TOTAL

PARTNERS = [{"id": "A", "population": 90_000}, {"id": "B", "population": 60_000},
            {"id": "C", "population": 50_000}]
# A received 10 h of noise, B 30 h; C nothing. Plan cost 1000 (pay and travel).
USAGE = [
    {"partner": "A", "skill": "noise", "hours_demanded": 12.0, "hours_received": 10.0,
     "cost": 400.0},
    {"partner": "B", "skill": "noise", "hours_demanded": 28.0, "hours_received": 30.0,
     "cost": 600.0},
]


def shares(agreement, usage=USAGE, partners=PARTNERS, **kw):
    frame = ec.cost_shares(usage, partners, [agreement], **kw)
    return dict(zip(frame["partner"], frame["cost_borne"])), frame


def pence(x):
    return ec.to_units(x)


@pytest.mark.parametrize("agreement, expected", [
    ({"name": "pop", "rule": "population"}, {"A": 450.0, "B": 300.0, "C": 250.0}),
    ({"name": "eq", "rule": "equal"}, {"A": 333.34, "B": 333.33, "C": 333.33}),
    ({"name": "use", "rule": "usage"}, {"A": 250.0, "B": 750.0, "C": 0.0}),
    ({"name": "w", "rule": "weights", "weights": {"A": 1, "B": 3, "C": 4}},
     {"A": 125.0, "B": 375.0, "C": 500.0}),
    # 20% (200) by population: 90/60/50; 80% (800) by usage: 200/600/0.
    ({"name": "fv", "rule": "fixed_variable", "fixed_share": 0.2},
     {"A": 290.0, "B": 660.0, "C": 50.0}),
    # 50% (500) equally: 166.67/166.67/166.66 by largest remainder (ties: the earlier partner);
    # 500 by usage: 125/375/0.
    ({"name": "fv2", "rule": "fixed_variable", "fixed_share": 0.5, "fixed_rule": "equal"},
     {"A": 291.67, "B": 541.67, "C": 166.66}),
])
def test_rules_match_hand_computed_and_add_up(agreement, expected):
    got, frame = shares(agreement)
    assert got == expected
    assert sum(pence(v) for v in got.values()) == 100_000
    assert (frame["total_cost"] == 1000.0).all()
    # the pure usage split of the same total, and the difference from it
    assert dict(zip(frame["partner"], frame["usage_cost"])) == {"A": 250.0, "B": 750.0, "C": 0.0}
    for p, diff in zip(frame["partner"], frame["difference_from_usage"]):
        assert pence(diff) == pence(got[p]) - pence({"A": 250, "B": 750, "C": 0}[p])
    row = frame.set_index("partner")
    assert row.loc["A", "hours_received"] == 10 and row.loc["B", "hours_received"] == 30
    assert row.loc["A", "cost_per_hour"] == pytest.approx(got["A"] / 10)
    assert math.isnan(row.loc["C", "cost_per_hour"])


def test_tolerance_rebalances_only_past_it():
    # Agreed split: usage of the hours *demanded*, 12:28 = 30%:70%. Received 10:30 = 25%:75%.
    # Every share moves by 5 points.
    usage = [dict(r) for r in USAGE]
    two = PARTNERS[:2]
    got, frame = shares({"name": "u", "rule": "usage", "tolerance": 0.03}, usage, two)
    assert got == {"A": 250.0, "B": 750.0} and frame["rebalanced"].all()
    assert frame["max_deviation"].iloc[0] == pytest.approx(0.05)
    got, frame = shares({"name": "u", "rule": "usage", "tolerance": 0.06}, usage, two)
    assert got == {"A": 300.0, "B": 700.0} and not frame["rebalanced"].any()
    # exactly at the tolerance: not past it, the agreed split stands
    got, frame = shares({"name": "u", "rule": "usage", "tolerance": 0.05}, usage, two)
    assert got == {"A": 300.0, "B": 700.0}
    # explicit agreed shares (e.g. last year's): 50:50; the rule gives 25:75, a 25-point move
    agreed = {"name": "u", "rule": "usage", "agreed_shares": {"A": 1, "B": 1}}
    assert shares({**agreed, "tolerance": 0.3}, usage, two)[0] == {"A": 500.0, "B": 500.0}
    assert shares({**agreed, "tolerance": 0.2}, usage, two)[0] == {"A": 250.0, "B": 750.0}
    # population does not depend on use: never re-balanced, whatever the tolerance
    _, frame = shares({"name": "p", "rule": "population", "tolerance": 0.0}, usage, two)
    assert not frame["rebalanced"].any() and frame["max_deviation"].iloc[0] == 0
    # fixed + variable: the agreed split is the same mix applied to the hours demanded
    # (50% equal + 50% of 30:70 = 40:60), the rule 50% equal + 50% of 25:75 = 37.5:62.5
    fv = {"name": "f", "rule": "fixed_variable", "fixed_share": 0.5, "fixed_rule": "equal"}
    assert shares({**fv, "tolerance": 0.03}, usage, two)[0] == {"A": 400.0, "B": 600.0}
    assert shares({**fv, "tolerance": 0.02}, usage, two)[0] == {"A": 375.0, "B": 625.0}


def test_allocate_is_exact_and_largest_remainder():
    assert ec.allocate(100, [1, 1, 1]) == [33.34, 33.33, 33.33]
    assert ec.allocate(0.05, [1, 1]) == [0.03, 0.02]
    assert ec.allocate(10, [0, 0]) == [5.0, 5.0]
    assert ec.allocate(1000, [1, 2, 0]) == [333.33, 666.67, 0.0]
    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 9)
        total = round(rng.uniform(0, 1e7), rng.randint(0, 4))
        weights = [rng.choice([0, rng.random(), rng.randint(1, 10 ** 6)]) for _ in range(n)]
        parts = ec.allocate(total, weights)
        assert sum(pence(x) for x in parts) == pence(total)
        assert all(x >= 0 for x in parts)


def test_every_rule_adds_up_exactly_on_random_usage():
    rng = random.Random(11)
    partners = [{"id": f"P{i}", "population": rng.randint(0, 500_000)} for i in range(7)]
    for _ in range(40):
        usage = [{"partner": p["id"], "skill": k, "hours_demanded": rng.uniform(0, 300),
                  "hours_received": rng.choice([0.0, rng.uniform(0, 300)]),
                  "cost": rng.uniform(0, 9000)}
                 for p in partners for k in ("x", "y")]
        ags = [{"name": "x", "skills": ["x"], "rule": rng.choice(ec.RULES[:3]),
                "tolerance": rng.choice([0, 0.03])},
               {"name": "y", "skills": "y", "rule": "fixed_variable",
                "fixed_share": rng.random(), "tolerance": 0.03}]
        frame = ec.cost_shares(usage, partners, ags)
        for name, part in frame.groupby("agreement"):
            expect = sum(r["cost"] for r in usage if r["skill"] == name)
            assert sum(pence(x) for x in part["cost_borne"]) == pence(expect)
            assert sum(pence(x) for x in part["usage_cost"]) == pence(expect)
            assert part["share"].sum() == pytest.approx(1.0)


def test_families_uncovered_skills_and_errors(tmp_path):
    usage = USAGE + [{"partner": "C", "skill": "food", "hours_demanded": 5,
                      "hours_received": 5, "cost": 123.45}]
    frame = ec.cost_shares(usage, PARTNERS, [{"name": "n", "skills": "noise",
                                              "rule": "equal"}])
    by = frame.groupby("agreement")["cost_borne"].sum()
    assert by["n"] == 1000 and by[ec.UNCOVERED] == 123.45
    assert frame[frame.agreement == ec.UNCOVERED].set_index("partner")["cost_borne"]["C"] == 123.45
    totals = ec.partner_totals(frame).set_index("partner")
    assert totals.loc["C", "cost_borne"] == pytest.approx(333.33 + 123.45)
    with pytest.raises(staffpool.ValidationError) as e:
        ec.cost_shares(usage, PARTNERS, [{"name": "a", "skills": "noise"},
                                         {"name": "b", "skills": ["noise", "food"]}])
    assert e.value.field == "skills" and "'b'" in e.value.record
    for bad, field in (({"name": "x", "rule": "caseload"}, "rule"),
                       ({"name": "x", "rule": "usage", "tolerance": 1.5}, "tolerance"),
                       ({"name": "x", "rule": "weights"}, "weights"),
                       ({"name": "x", "rule": "usage", "fixed_share": 0.2}, "fixed_share"),
                       ({"name": "x", "colour": "red"}, "colour")):
        with pytest.raises(staffpool.ValidationError) as e:
            ec.parse_agreements([bad])
        assert e.value.field == field
    with pytest.raises(staffpool.ValidationError):
        ec.cost_shares(USAGE, PARTNERS, [{"name": "x", "partners": ["A", "Z"]}])
    # a JSON file, and DataFrames shaped like the planned store tables
    path = tmp_path / "agreements.json"
    path.write_text(json.dumps({"agreements": [{"name": "w", "rule": "weights",
                                                "weights": {"A": 1, "B": 3, "C": 4}}]}))
    assert shares(ec.parse_agreements(str(path))[0])[0] == {"A": 125.0, "B": 375.0, "C": 500.0}
    ags = ec.agreements_from_frames(
        pd.DataFrame([{"name": "w", "skills": "all", "rule": "weights", "fixed_share": 0.0,
                       "fixed_rule": "population", "tolerance": 0.03, "total_cost": None}]),
        pd.DataFrame([{"agreement": "w", "partner": "A", "weight": 1, "agreed_share": None},
                      {"agreement": "w", "partner": "C", "weight": 3, "agreed_share": None}]))
    got, frame = shares(ags[0])
    # B is not party to it, so its usage is not in the shared cost: 400 (A's), split 1:3
    assert got == {"A": 100.0, "C": 300.0} and frame["total_cost"].iloc[0] == 400
    assert ec.Agreement.from_dict(ags[0].to_dict()) == ags[0]


def test_total_cost_override_and_compare_rules():
    got, _ = shares({"name": "u", "rule": "usage", "total_cost": 1_200_000})
    assert got == {"A": 300_000.0, "B": 900_000.0, "C": 0.0}
    frame = ec.compare_rules(USAGE, PARTNERS, fixed_share=0.2)
    row = frame.set_index("partner")
    assert row["cost_population"].to_dict() == {"A": 450.0, "B": 300.0, "C": 250.0}
    assert row["cost_fixed_variable"].to_dict() == {"A": 290.0, "B": 660.0, "C": 50.0}
    for c in ("cost_population", "cost_equal", "cost_usage", "cost_fixed_variable"):
        assert sum(pence(x) for x in frame[c]) == 100_000


# ---- on real solves --------------------------------------------------------------------------

def swap_pool():
    """Two councils on one site each (same place, no travel), one person each. A's person does
    noise (10/h), B's does food (20/h). Each council needs 10 h of its own person's skill and 5 h
    of the other's. Alone, each leaves 5 h unmet; pooled, nothing is unmet."""
    pool = staffpool.Pool(periods=1)
    pool.add_partner("A", population=100)
    pool.add_partner("B", population=300)
    pool.add_site("A1", "A", lat=52.0, lon=-1.0)
    pool.add_site("B1", "B", lat=52.0, lon=-1.0)
    pool.add_skill("noise")
    pool.add_skill("food")
    pool.add_staff("a", "A", "A1", contracted_hours=20, cost_per_hour=10, skills={"noise": 3})
    pool.add_staff("b", "B", "B1", contracted_hours=20, cost_per_hour=20, skills={"food": 3})
    pool.add_demand("A", "noise", 0, 10)
    pool.add_demand("A", "food", 0, 5)
    pool.add_demand("B", "food", 0, 10)
    pool.add_demand("B", "noise", 0, 5)
    return pool


def test_cost_shares_on_a_solve_use_the_plan():
    pool = swap_pool()
    sol = staffpool.solve(pool, time_limit=10)
    frame = ec.cost_shares(sol, pool, [{"name": "p", "rule": "population"}])
    # plan cost: noise 15 h x 10 + food 15 h x 20 = 450; population 100:300
    assert dict(zip(frame.partner, frame.cost_borne)) == {"A": 112.5, "B": 337.5}
    assert frame.hours_received.to_list() == pytest.approx([15.0, 15.0])
    # usage: A received noise 10 h (100) + food 5 h (100) = 200 of cost, but 15 of 30 hours
    assert dict(zip(frame.partner, frame.usage_cost)) == {"A": 225.0, "B": 225.0}


def test_value_of_pooling_hand_checked():
    frame = ec.value_of_pooling(swap_pool(), time_limit=10, max_workers=1)
    row = frame.set_index("partner")
    assert list(row.index) == ["A", "B", TOTAL]
    assert (frame["status_alone"] == "optimal").all()
    assert (frame["status_pooled"] == "optimal").all()
    assert row.loc["A", "hours_unmet_alone"] == pytest.approx(5)
    assert row.loc["B", "unmet_core_alone"] == pytest.approx(5)
    assert row["hours_unmet_pooled"].abs().max() < 1e-6
    assert row.loc[TOTAL, "hours_unmet_change"] == pytest.approx(-10)
    assert row.loc["A", "cost_alone"] == pytest.approx(100)      # 10 h x 10
    assert row.loc["B", "cost_alone"] == pytest.approx(200)      # 10 h x 20
    assert row.loc["A", "cost_pooled"] == pytest.approx(200)     # 10 x 10 + 5 x 20
    assert row.loc["B", "cost_pooled"] == pytest.approx(250)     # 10 x 20 + 5 x 10
    assert row.loc["A", "cost_borne_pooled"] == 225.0            # usage split of 450: 15/30
    assert row.loc[TOTAL, "cost_borne_pooled"] == 450.0
    assert row.loc["A", "people_alone"] == 1 and row.loc["A", "people_pooled"] == 2
    assert row.loc[TOTAL, "people_pooled"] == 2
    assert row.loc["A", "uncovered_pairs_alone"] == 1
    assert row.loc["A", "uncovered_pairs_pooled"] == 0
    assert row.loc["A", "single_person_pairs_alone"] == 1
    assert row.loc["A", "single_person_pairs_pooled"] == 2
