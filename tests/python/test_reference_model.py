"""Tests of the PuLP reference model on its own, against answers computed by hand.

Every expected value below is worked out in the comment next to it from docs/model.md.  The staged
solve lets each later stage use the 1e-7 * max(1, |v|) tolerance on earlier terms, so values are
compared with a relative tolerance of 1e-6.
"""

import math
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from random_pools import random_scenario  # noqa: E402
from reference_model import haversine_km, prepare, solve_reference  # noqa: E402

REL = 1e-6
ABS = 1e-6


def approx(value):
    return pytest.approx(value, rel=REL, abs=ABS)


def site(sid, partner, lat=52.0, lon=-1.0):
    return {"id": sid, "partner": partner, "lat": lat, "lon": lon}


def person(sid, partner, site_id, hours, cost, skills=None, **extra):
    rec = {"id": sid, "partner": partner, "site": site_id, "contracted_hours": hours,
           "cost_per_hour": cost, "skills": skills if skills is not None else {"k": 3}}
    rec.update(extra)
    return rec


def need(partner, hours, period=0, skill="k", **extra):
    rec = {"partner": partner, "skill": skill, "period": period, "hours": hours}
    rec.update(extra)
    return rec


def scenario(partners=("A",), sites=None, staff=(), demand=(), periods=1, skills=("k",), **extra):
    sc = {
        "periods": periods,
        "partners": [{"id": p} for p in partners],
        "sites": list(sites) if sites is not None else [site(f"{p}1", p) for p in partners],
        "skills": [{"id": k} for k in skills],
        "staff": list(staff),
        "demand": list(demand),
    }
    sc.update(extra)
    return sc


def hours_of(result):
    return {key: val for key, val in result["hours"].items() if val > 1e-6}


def check(result, unmet, fairness, resilience, cost):
    assert result["status"] == "optimal"
    assert result["unmet"] == approx(unmet)
    assert result["fairness"] == approx(fairness)
    assert result["resilience"] == approx(resilience)
    assert result["cost"] == approx(cost)


# ---------------------------------------------------------------------------------------------
# (a) one partner, one skill, one person short of capacity
# ---------------------------------------------------------------------------------------------

def test_single_person_short_of_capacity():
    sc = scenario(staff=[person("s1", "A", "A1", 10, 30)],
                  demand=[need("A", 15, priority="statutory")])
    res = solve_reference(sc)
    # x = 10 (all capacity), u = 5 statutory hours -> U = 5 * 100 = 500;
    # F = 5 / 15; no resilience rule -> R = 0; C = 10 h * 30 = 300 (same site, no travel).
    check(res, unmet=500, fairness=5 / 15, resilience=0, cost=300)
    assert hours_of(res) == {("s1", 0): approx(10)}


def test_default_priority_is_core_and_custom_weights():
    sc = scenario(staff=[person("s1", "A", "A1", 10, 30)], demand=[need("A", 15)])
    # default priority 'core' weighs 10: U = 5 * 10 = 50
    check(solve_reference(sc), unmet=50, fairness=5 / 15, resilience=0, cost=300)
    sc["settings"] = {"priority_weights": {"statutory": 1000, "core": 4, "discretionary": 0.5}}
    # U = 5 * 4 = 20
    check(solve_reference(sc), unmet=20, fairness=5 / 15, resilience=0, cost=300)


def test_reserve_and_availability():
    sc = scenario(
        periods=3,
        staff=[person("s1", "A", "A1", 20, 25)],
        demand=[need("A", 20, period=0, priority="statutory"),
                need("A", 20, period=1, priority="statutory"),
                need("A", 20, period=2, priority="statutory")],
        availability=[{"staff": "s1", "period": 1, "hours": 10},
                      {"staff": "s1", "period": 2, "hours": 0}],
        settings={"reserve_share": 0.1},
    )
    res = solve_reference(sc)
    # cap = 0.9 * avail: period 0 -> 18, period 1 -> 9, period 2 -> 0 (not eligible at all).
    # unmet hours 2 + 11 + 20 = 33 -> U = 3300; F = 33 / 60 = 0.55; C = (18 + 9) * 25 = 675.
    check(res, unmet=3300, fairness=0.55, resilience=0, cost=675)
    assert hours_of(res) == {("s1", 0): approx(18), ("s1", 1): approx(9)}
    assert (0, 2) not in prepare(sc)["eligible"]


# ---------------------------------------------------------------------------------------------
# (b) travel: limits, overrides (symmetric rule), haversine and the tau overhead
# ---------------------------------------------------------------------------------------------

def travel_scenario(cheap_limit):
    # Two sites of partner A; the override is given A2 -> A1 only, so it applies both ways.
    return scenario(
        sites=[site("A1", "A", 52.0, -1.0), site("A2", "A", 52.3, -1.4)],
        travel_minutes=[{"from": "A2", "to": "A1", "minutes": 45}],
        staff=[person("cheap", "A", "A1", 37, 20, max_travel_minutes=cheap_limit),
               person("dear", "A", "A2", 37, 35)],
        demand=[need("A", 10, site="A2")],
    )


def test_cheaper_person_out_of_travel_reach():
    res = solve_reference(travel_scenario(cheap_limit=30))
    # travel A1 -> A2 = 45 min (override, reverse direction) > 30: only 'dear' (same site,
    # no travel) is eligible. U = 0, F = 0, C = 10 * 35 = 350.
    check(res, unmet=0, fairness=0, resilience=0, cost=350)
    assert hours_of(res) == {("dear", 0): approx(10)}


def test_travel_limit_is_inclusive_and_overhead_is_paid():
    res = solve_reference(travel_scenario(cheap_limit=45))
    # 45 <= 45: 'cheap' is eligible. tau = 2 * 45 / 60 / 7.5 = 0.2, so an hour of 'cheap' costs
    # 20 * 1.2 = 24 < 35. C = 10 * 24 = 240; capacity use 12 h <= 37.
    check(res, unmet=0, fairness=0, resilience=0, cost=240)
    assert hours_of(res) == {("cheap", 0): approx(10)}


def test_override_both_directions_given():
    sc = travel_scenario(cheap_limit=45)
    sc["travel_minutes"].append({"from": "A1", "to": "A2", "minutes": 50})
    # Now A1 -> A2 is 50 > 45 and the A2 -> A1 record no longer applies to it: 'dear' is used.
    data = prepare(sc)
    assert data["travel"]["A1"]["A2"] == 50
    assert data["travel"]["A2"]["A1"] == 45
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=350)


def test_haversine_travel_and_overhead():
    # 1 degree of arc on a 6371 km sphere = 6371 * pi / 180 = 111.19492664 km.
    assert haversine_km(0, 0, 0, 1) == pytest.approx(6371 * math.pi / 180, rel=1e-12)
    # Sites 0.2 degrees of latitude apart: 22.2389853 km; at the default 40 km/h that is
    # 33.3584780 minutes one way; tau = 2 * 33.358478 / 60 / 7.5 = 0.14826035.
    km = 6371 * math.radians(0.2)
    minutes = km / 40 * 60
    tau = 2 * minutes / 60 / 7.5
    sc = scenario(
        sites=[site("A1", "A", 52.0, -1.0), site("A2", "A", 52.2, -1.0)],
        staff=[person("far", "A", "A1", 10, 30, max_travel_minutes=34)],
        demand=[need("A", 20, site="A2", priority="statutory")],
    )
    data = prepare(sc)
    assert data["travel"]["A1"]["A2"] == pytest.approx(minutes, rel=1e-9)
    assert data["travel"]["A1"]["A1"] == 0
    res = solve_reference(sc)
    # (1 + tau) x <= 10 -> x = 10 / 1.14826035 = 8.70882; u = 20 - x.
    # U = 100 * (20 - 10 / (1 + tau)); F = u / 20; C = 30 * (1 + tau) * x = 30 * 10 = 300.
    x = 10 / (1 + tau)
    check(res, unmet=100 * (20 - x), fairness=(20 - x) / 20, resilience=0, cost=300)
    # With a limit of 33 minutes the same person is out of reach: everything unmet.
    sc["staff"][0]["max_travel_minutes"] = 33
    check(solve_reference(sc), unmet=2000, fairness=1, resilience=0, cost=0)


def test_travel_speed_and_visit_hours_settings():
    sc = scenario(
        sites=[site("A1", "A", 52.0, -1.0), site("A2", "A", 52.2, -1.0)],
        staff=[person("far", "A", "A1", 37, 30)],
        demand=[need("A", 10, site="A2")],
        settings={"travel_speed_kmh": 60, "visit_hours": 4},
    )
    minutes = 6371 * math.radians(0.2) / 60 * 60       # 22.2389853 min at 60 km/h
    tau = 2 * minutes / 60 / 4                          # 0.18532493
    # C = 30 * (1 + tau) * 10
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=300 * (1 + tau))


# ---------------------------------------------------------------------------------------------
# (c) fairness and the strict order of the terms
# ---------------------------------------------------------------------------------------------

def two_partner_sites():
    # Both partners' offices at the same spot: no travel.
    return [site("A1", "A"), site("B1", "B")]


def test_fairness_equal_demand_splits_unmet_evenly():
    sc = scenario(partners=("A", "B"), sites=two_partner_sites(),
                  staff=[person("s1", "A", "A1", 16, 30)],
                  demand=[need("A", 10, priority="statutory"), need("B", 10, priority="statutory")])
    res = solve_reference(sc)
    # 20 h demanded, 16 h capacity: 4 h unmet whatever the split -> U = 400.
    # min max(uA / 10, uB / 10) with uA + uB = 4 -> uA = uB = 2, F = 0.2. C = 16 * 30 = 480.
    check(res, unmet=400, fairness=0.2, resilience=0, cost=480)
    assert hours_of(res) == {("s1", 0): approx(8), ("s1", 1): approx(8)}


def test_fairness_unequal_demand_equal_fractions():
    sc = scenario(partners=("A", "B"), sites=two_partner_sites(),
                  staff=[person("s1", "B", "B1", 20, 30)],
                  demand=[need("A", 10), need("B", 30)])
    res = solve_reference(sc)
    # 40 h demanded, 20 h capacity: 20 h unmet (core, U = 200). Equal fractions:
    # uA / 10 = uB / 30 = F with uA + uB = 20 -> F = 0.5, uA = 5, uB = 15. C = 20 * 30 = 600.
    check(res, unmet=200, fairness=0.5, resilience=0, cost=600)
    assert hours_of(res) == {("s1", 0): approx(5), ("s1", 1): approx(15)}


def test_priority_beats_fairness():
    sc = scenario(partners=("A", "B"), sites=two_partner_sites(),
                  staff=[person("s1", "A", "A1", 10, 30)],
                  demand=[need("A", 10, priority="statutory"),
                          need("B", 10, priority="discretionary")])
    res = solve_reference(sc)
    # All 10 h go to A's statutory demand: U = 10 * 1 = 10 (any hour moved to B costs 100 - 1).
    # B is left with everything unmet: F = 1.
    check(res, unmet=10, fairness=1, resilience=0, cost=300)
    assert hours_of(res) == {("s1", 0): approx(10)}


# ---------------------------------------------------------------------------------------------
# (d) resilience
# ---------------------------------------------------------------------------------------------

def resilience_scenario(rule, **settings):
    return scenario(
        staff=[person("cheap", "A", "A1", 37, 20), person("dear", "A", "A1", 37, 30)],
        demand=[need("A", 10)],
        resilience=[dict(partner="A", skill="k", **rule)],
        settings=settings,
    )


def test_no_rule_cheapest_does_everything():
    sc = resilience_scenario({})
    del sc["resilience"]
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=200)


def test_min_people_splits_and_cost_breaks_tie():
    res = solve_reference(resilience_scenario({"min_people": 2}))
    # Either person could do all 10 h, but two people must each give >= h_min = 1 h.
    # Cheapest way: 'dear' gives exactly 1 h, 'cheap' 9 h -> R = 0, C = 9 * 20 + 1 * 30 = 210.
    check(res, unmet=0, fairness=0, resilience=0, cost=210)
    assert hours_of(res) == {("cheap", 0): approx(9), ("dear", 0): approx(1)}


def test_min_engagement_hours_setting():
    res = solve_reference(resilience_scenario({"min_people": 2}, min_engagement_hours=2.5))
    # 'dear' must give 2.5 h: C = 7.5 * 20 + 2.5 * 30 = 225.
    check(res, unmet=0, fairness=0, resilience=0, cost=225)


def test_max_share_caps_one_person():
    res = solve_reference(resilience_scenario({"min_people": 1, "max_share": 0.6}))
    # Nobody may carry more than 0.6 * 10 = 6 h: cheap 6, dear 4 -> C = 120 + 120 = 240.
    check(res, unmet=0, fairness=0, resilience=0, cost=240)
    assert hours_of(res) == {("cheap", 0): approx(6), ("dear", 0): approx(4)}


def test_resilience_shortfall_when_rule_cannot_be_met():
    sc = resilience_scenario({"min_people": 3, "max_share": 0.5})
    sc["staff"][1]["skills"] = {"k": 1}
    sc["demand"][0]["min_level"] = 2          # 'dear' is no longer qualified
    res = solve_reference(sc)
    # Demand comes first: 'cheap' does all 10 h (U = 0). One person of three -> short = 2;
    # share 10 h > 0.5 * 10 = 5 h -> e = 5, counted as 5 / 10. R = 2 + 0.5 = 2.5. C = 200.
    check(res, unmet=0, fairness=0, resilience=2.5, cost=200)


def test_resilience_never_bought_with_unmet_demand():
    sc = resilience_scenario({"min_people": 2})
    sc["skills"].append({"id": "k2"})
    sc["staff"][0]["skills"] = {"k": 3, "k2": 3}   # only 'cheap' holds k2
    sc["demand"].append(need("A", 37, skill="k2", priority="statutory"))
    res = solve_reference(sc)
    # 'cheap' must spend all 37 h on statutory k2 and 'dear' does the 10 h of k: U = 0, F = 0.
    # A second person on (A, k) would need an hour of 'cheap', leaving 1 statutory hour unmet,
    # so the rule stays one person short: R = 1. C = 37 * 20 + 10 * 30 = 1040.
    check(res, unmet=0, fairness=0, resilience=1, cost=1040)
    assert hours_of(res) == {("cheap", 1): approx(37), ("dear", 0): approx(10)}


def test_person_below_min_engagement_does_not_count():
    sc = resilience_scenario({"min_people": 2})
    sc["staff"][1]["contracted_hours"] = 0.5  # 'dear' can never reach h_min = 1 h
    sc["demand"][0]["hours"] = 40             # more than both can give together
    res = solve_reference(sc)
    # cap: cheap 37, dear 0.5 -> 2.5 h unmet (core: U = 25, F = 2.5 / 40 = 0.0625).
    # Only 'cheap' counts as serving: short = 1. C = 37 * 20 + 0.5 * 30 = 755.
    check(res, unmet=25, fairness=0.0625, resilience=1, cost=755)


def test_vacuous_rule_is_ignored():
    sc = resilience_scenario({"min_people": 3})
    sc["resilience"][0]["skill"] = "k2"
    sc["skills"].append({"id": "k2"})
    # (A, k2) has no demand: the rule is ignored, R = 0 and 'cheap' does everything.
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=200)


# ---------------------------------------------------------------------------------------------
# (e) eligibility: local_only, authorised, skill level; partner limits
# ---------------------------------------------------------------------------------------------

def test_local_only_excludes_non_home_employee():
    sc = scenario(partners=("A", "B"), sites=two_partner_sites(),
                  staff=[person("b1", "B", "B1", 37, 25)],
                  demand=[need("A", 5, priority="statutory", local_only=True),
                          need("A", 5, local_only=False)])
    res = solve_reference(sc)
    # b1 (employed by B) may not serve A's local-only demand: 5 statutory h unmet, U = 500.
    # The other record is served: F = 5 / 10 = 0.5, C = 5 * 25 = 125.
    check(res, unmet=500, fairness=0.5, resilience=0, cost=125)
    assert hours_of(res) == {("b1", 1): approx(5)}
    # An A employee may serve it.
    sc["staff"].append(person("a1", "A", "A1", 37, 40))
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=125 + 200)


def test_authorised_and_skill_level():
    sc = scenario(partners=("A", "B"), sites=two_partner_sites(),
                  staff=[person("noauth", "B", "B1", 37, 10, authorised=["B"]),
                         person("junior", "B", "B1", 37, 15, skills={"k": 2}),
                         person("senior", "B", "B1", 37, 50, skills={"k": 4})],
                  demand=[need("A", 8, min_level=3)])
    # 'noauth' may not work for A, 'junior' lacks level 3: 'senior' does 8 h, C = 400.
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=400)
    assert [p for p in prepare(sc)["eligible"]] == [(2, 0)]


def test_partner_limit():
    sc = scenario(partners=("A", "B"), sites=two_partner_sites(),
                  staff=[person("s1", "A", "A1", 10, 30, max_partners=1)],
                  demand=[need("A", 5, priority="statutory"), need("B", 5, priority="core")])
    res = solve_reference(sc)
    # s1 may serve only one partner: A's statutory 5 h (serving B instead would leave U = 500).
    # U = 5 * 10 = 50, B entirely unmet -> F = 1, C = 5 * 30 = 150.
    check(res, unmet=50, fairness=1, resilience=0, cost=150)
    assert hours_of(res) == {("s1", 0): approx(5)}
    # Without the limit both are served: U = 0, C = 300.
    del sc["staff"][0]["max_partners"]
    check(solve_reference(sc), unmet=0, fairness=0, resilience=0, cost=300)


# ---------------------------------------------------------------------------------------------
# random pools used by the cross-check
# ---------------------------------------------------------------------------------------------

def test_random_pools_are_deterministic_and_valid():
    for seed in range(25):
        sc = random_scenario(seed)
        assert sc == random_scenario(seed)
        data = prepare(sc)
        assert 2 <= len(data["partners"]) <= 4
        assert 3 <= len(data["staff"]) <= 8
        assert 4 <= len(data["demand"]) <= 12
        assert 2 <= data["n_periods"] <= 3


def test_random_pools_solve_optimally_and_exercise_every_term():
    results = [solve_reference(random_scenario(seed), time_limit=60) for seed in range(25)]
    assert all(r["status"] == "optimal" for r in results)
    assert all(r["solve_time"] < 5 for r in results)
    assert sum(r["unmet"] > 1e-6 for r in results) >= 10
    assert sum(1e-6 < r["fairness"] < 1 - 1e-6 for r in results) >= 10
    assert sum(r["resilience"] > 1e-6 for r in results) >= 10
