"""Hand-solved pools with known optima, solved through the Python API, plus consistency checks of
the demo's solution against a recount in Python.

Every expected number is derived by hand in the comments next to it. Unless said otherwise the
pools use partners A and B with one site each, A-HQ and B-HQ; travel between them is overridden to
0 minutes where a test wants no travel overhead, so the arithmetic stays exact.
"""
from __future__ import annotations

import gc
import math
from collections import defaultdict

import pytest

import staffpool
from staffpool import Pool

TOL = 1e-5
EARTH_RADIUS_KM = 6371.0


def approx(value):
    return pytest.approx(value, abs=TOL, rel=1e-6)


def person(id, partner="A", hours=20, cost=30, skills=None, **extra):
    record = {"id": id, "partner": partner, "site": f"{partner}-HQ", "contracted_hours": hours,
              "cost_per_hour": cost, "skills": {"noise": 3} if skills is None else skills}
    record.update(extra)
    return record


def need(partner, hours, period=0, skill="noise", **extra):
    record = {"partner": partner, "skill": skill, "period": period, "hours": hours}
    record.update(extra)
    return record


def scenario(staff, demand, periods=1, resilience=(), availability=(), settings=None,
             travel=0):
    """A and B, sites 15 km apart; ``travel``: minutes between them (None: from the distance)."""
    s = {
        "periods": periods,
        "settings": dict(settings or {}),
        "partners": [{"id": "A"}, {"id": "B"}],
        "sites": [{"id": "A-HQ", "partner": "A", "lat": 52.0, "lon": -1.0},
                  {"id": "B-HQ", "partner": "B", "lat": 52.135, "lon": -1.0}],
        "skills": [{"id": "noise"}, {"id": "food"}],
        "staff": list(staff),
        "availability": list(availability),
        "demand": list(demand),
        "resilience": list(resilience),
    }
    if travel is not None:
        s["travel_minutes"] = [{"from": "A-HQ", "to": "B-HQ", "minutes": travel}]
    return s


def solve(s, **options):
    sol = staffpool.solve(Pool.from_dict(s), **options)
    assert sol.status == "optimal", sol
    assert sol.stopped_by is None
    assert sol.gap == 0
    return sol


def hours_of(sol, **match):
    return sum(a.hours for a in sol.assignments
               if all(getattr(a, key) == value for key, value in match.items()))


def partner(sol, pid):
    (summary,) = [p for p in sol.partners if p.partner == pid]
    return summary


# ---- (a) capacity shortfall ----------------------------------------------------------------------


def test_capacity_shortfall_is_unmet_fully_booked():
    # A1 has 20 h; A needs 30 h (core, weight 10). Best plan: A1 works all 20 h.
    #   unmet 30 - 20 = 10 h -> U = 10 * 10 = 100; F = 10 / 30 = 1/3; R = 0; C = 20 * 30 = 600.
    sol = solve(scenario([person("A1", hours=20, cost=30)], [need("A", 30)]))
    assert sol.objective.unmet == approx(100)
    assert sol.objective.fairness == approx(1 / 3)
    assert sol.objective.resilience == approx(0)
    assert sol.objective.cost == approx(600)
    (a,) = sol.assignments
    assert (a.staff, a.partner, a.skill, a.site, a.period, a.demand_index) == \
        ("A1", "A", "noise", "A-HQ", 0, 0)
    assert a.hours == approx(20) and a.travel_hours == approx(0) and a.cost == approx(600)
    (u,) = sol.unmet
    assert (u.partner, u.skill, u.site, u.period, u.demand_index, u.priority) == \
        ("A", "noise", "A-HQ", 0, 0, "core")
    assert u.hours_demanded == approx(30) and u.hours_unmet == approx(10)
    assert u.reason == "fully_booked"
    assert u.explanation
    pa = partner(sol, "A")
    assert (pa.hours_demanded, pa.hours_received, pa.hours_unmet) == (approx(30), approx(20),
                                                                      approx(10))
    assert (pa.unmet_statutory, pa.unmet_core, pa.unmet_discretionary) == (0, approx(10), 0)
    assert pa.unmet_fraction == approx(1 / 3)
    assert pa.cost == approx(600)
    pb = partner(sol, "B")  # no demand: all zero
    assert (pb.hours_demanded, pb.hours_received, pb.unmet_fraction, pb.cost) == (0, 0, 0, 0)
    # objective terms are proved: bound == value, gap 0
    for term in sol.objective.terms.values():
        assert term.gap == 0
        assert term.bound == approx(term.value)


# ---- (b) every unmet reason from a tiny pool ----------------------------------------------------

REASON_CASES = {
    # nobody holds noise at level 3: A1 has level 2, A2 has food 5 only
    "no_skill": scenario(
        [person("A1", skills={"noise": 2}), person("A2", skills={"food": 5})],
        [need("A", 10, min_level=3)]),
    # only B's B1 holds noise; A's own A1 holds food only, and the demand is local-only
    "local_only": scenario(
        [person("A1", skills={"food": 3}), person("B1", partner="B")],
        [need("A", 10, local_only=True)]),
    # B1 is qualified but authorised for B only
    "not_authorised": scenario(
        [person("B1", partner="B", authorised=["B"])],
        [need("A", 10)]),
    # B-HQ to A-HQ is 15.01 km = 22.5 min at 40 km/h; B1 travels at most 20 min
    "travel": scenario(
        [person("B1", partner="B", max_travel_minutes=20)],
        [need("A", 10)], travel=None),
    # A1 is eligible but on leave in period 0 (availability 0)
    "unavailable": scenario(
        [person("A1")], [need("A", 10)], availability=[{"staff": "A1", "period": 0, "hours": 0}]),
    # B1 (20 h) may serve one partner; B's 5 h are statutory (weight 100), A's 5 h discretionary
    # (weight 1), so B1 serves B: U = 5 * 1 = 5 and 15 h of B1 stay free but may not go to A.
    "partner_limit": scenario(
        [person("B1", partner="B", max_partners=1)],
        [need("B", 5, priority="statutory"), need("A", 5, priority="discretionary")]),
}


@pytest.mark.parametrize("reason", list(REASON_CASES))
def test_unmet_reason(reason):
    sol = solve(REASON_CASES[reason])
    unmet = [u for u in sol.unmet if u.partner == "A"]
    assert len(unmet) == 1, sol.unmet
    (u,) = unmet
    assert u.reason == reason
    assert u.explanation
    if reason == "partner_limit":
        # A's 5 discretionary hours unmet; B fully served by B1
        assert u.hours_unmet == approx(5)
        assert sol.objective.unmet == approx(5)
        assert hours_of(sol, staff="B1", partner="B") == approx(5)
        assert hours_of(sol, partner="A") == 0
    else:
        # nobody can serve A at all: all 10 core hours are unmet, U = 10 * 10 = 100, F = 1
        assert u.hours_unmet == approx(10)
        assert sol.assignments == ()
        assert sol.objective.unmet == approx(100)
        assert sol.objective.fairness == approx(1)


def test_travel_limit_just_above_the_distance_makes_staff_eligible():
    # the same pool as the "travel" case with a 23-minute limit (travel is 22.52 min): B1 serves
    # all 10 h, with travel overhead tau = 2 * 22.52 / 60 / 7.5 = 0.1001 h per hour
    s = scenario([person("B1", partner="B", max_travel_minutes=23)], [need("A", 10)],
                 travel=None)
    sol = solve(s)
    assert not sol.unmet
    (a,) = sol.assignments
    minutes = EARTH_RADIUS_KM * math.radians(0.135) / 40 * 60
    assert minutes == pytest.approx(22.52, abs=0.01)
    assert a.hours == approx(10)
    assert a.travel_hours == approx(10 * 2 * minutes / 60 / 7.5)


# ---- (c) priority ------------------------------------------------------------------------------


def test_statutory_before_core_before_discretionary():
    # A1: 10 h in period 0, 6 h in period 1. Each period A needs 4 h of each priority.
    #   period 0: 12 h wanted, 10 h: statutory 4, core 4, discretionary 2 -> 2 h disc. unmet
    #   period 1: 12 h wanted,  6 h: statutory 4, core 2, discretionary 0 -> 2 core + 4 disc.
    #   U = (2 + 4) * 1 + 2 * 10 = 26; F = 8 / 24 = 1/3; C = 16 * 30 = 480
    demand = [need("A", 4, period=t, priority=p) for t in (0, 1)
              for p in ("discretionary", "core", "statutory")]
    s = scenario([person("A1", hours=10)], demand, periods=2,
                 availability=[{"staff": "A1", "period": 1, "hours": 6}])
    sol = solve(s)
    assert sol.objective.unmet == approx(26)
    assert sol.objective.fairness == approx(1 / 3)
    assert sol.objective.cost == approx(480)
    unmet = {(u.period, u.priority): u.hours_unmet for u in sol.unmet}
    assert unmet == {(0, "discretionary"): approx(2), (1, "discretionary"): approx(4),
                     (1, "core"): approx(2)}
    assert all(u.reason == "fully_booked" for u in sol.unmet)
    pa = partner(sol, "A")
    assert (pa.unmet_statutory, pa.unmet_core, pa.unmet_discretionary) == \
        (approx(0), approx(2), approx(6))


def test_priority_comes_before_fairness():
    # A1 has 10 h; A needs 10 discretionary hours, B 5 statutory (no travel between the sites).
    #   U is minimised first: B's 5 statutory hours are all met, A gets the other 5:
    #   U = 5 * 1 = 5, and F = 5 / 10 = 0.5 although sharing the shortfall (5 h over 15 h,
    #   F = 1/3) would be fairer.
    s = scenario([person("A1", hours=10)],
                 [need("A", 10, priority="discretionary"), need("B", 5, priority="statutory")])
    sol = solve(s)
    assert sol.objective.unmet == approx(5)
    assert sol.objective.fairness == approx(0.5)
    assert partner(sol, "B").hours_unmet == approx(0)
    assert partner(sol, "A").hours_unmet == approx(5)


def test_priority_weights_setting_changes_the_order():
    # the same pool with discretionary weighted 1000 (above statutory's 100): A's 10 h now win.
    #   U = 5 * 100 = 500 (B's statutory hours unmet)
    s = scenario([person("A1", hours=10)],
                 [need("A", 10, priority="discretionary"), need("B", 5, priority="statutory")],
                 settings={"priority_weights": {"discretionary": 1000}})
    sol = solve(s)
    assert sol.objective.unmet == approx(500)
    assert partner(sol, "A").hours_unmet == approx(0)
    assert partner(sol, "B").unmet_statutory == approx(5)


# ---- (d) fairness ------------------------------------------------------------------------------


def test_two_partners_share_the_shortfall_equally():
    # A1 has 12 h and serves both partners (0 travel minutes). A needs 20 h, B 10 h, all core.
    #   U = (30 - 12) * 10 = 180 whatever the split; F is then minimised: both partners get the
    #   same unmet fraction 18 / 30 = 0.6, i.e. A receives 8 h (unmet 12), B receives 4 h
    #   (unmet 6). C = 12 * 30 = 360.
    sol = solve(scenario([person("A1", hours=12)], [need("A", 20), need("B", 10)]))
    assert sol.objective.unmet == approx(180)
    assert sol.objective.fairness == approx(0.6)
    assert sol.objective.cost == approx(360)
    for pid, received in (("A", 8), ("B", 4)):
        summary = partner(sol, pid)
        assert summary.unmet_fraction == approx(0.6)
        assert summary.hours_received == approx(received)
        assert hours_of(sol, partner=pid) == approx(received)
        assert summary.cost == approx(received * 30)


def test_fairness_with_two_people_and_equal_demands():
    # A1 (8 h) and B1 (4 h) serve anyone (0 travel). A and B each need 10 h.
    #   U = 8 * 10 = 80; F = 8 / 20 = 0.4: each partner receives 6 h, 4 unmet.
    sol = solve(scenario([person("A1", hours=8), person("B1", partner="B", hours=4)],
                         [need("A", 10), need("B", 10)]))
    assert sol.objective.fairness == approx(0.4)
    assert partner(sol, "A").hours_unmet == approx(4)
    assert partner(sol, "B").hours_unmet == approx(4)


# ---- (e) resilience ----------------------------------------------------------------------------

TRIO = [person("A1", hours=40, cost=20), person("A2", hours=40, cost=30),
        person("A3", hours=40, cost=40)]


@pytest.mark.parametrize("rule, settings, hours, cost", [
    # no rule: the cheapest person does everything: 20 h * 20 = 400
    ({"min_people": 0}, {}, {"A1": 20}, 400),
    # 2 people with >= 1 h each (default min engagement): A1 19 h, A2 1 h:
    #   19 * 20 + 1 * 30 = 410
    ({"min_people": 2}, {}, {"A1": 19, "A2": 1}, 410),
    # 2 people, nobody above 60 % of 20 h = 12 h: A1 12 h, A2 8 h: 240 + 240 = 480
    ({"min_people": 2, "max_share": 0.6}, {}, {"A1": 12, "A2": 8}, 480),
    # 3 people with >= 4 h each: A1 12, A2 4, A3 4: 240 + 120 + 160 = 520
    ({"min_people": 3}, {"min_engagement_hours": 4}, {"A1": 12, "A2": 4, "A3": 4}, 520),
    # max share 0.25 alone: the cap is 5 h a person. Demand comes first, so all 20 h are worked;
    #   at most 3 * 5 = 15 h fit under the cap, so the excess is at least 5 h, and exactly 5 h
    #   only if everyone works >= 5 h. Cheapest such plan: A2 5, A3 5, the rest on A1 (10 h,
    #   5 h over the cap): 200 + 150 + 200 = 550; R = 5 / 20 = 0.25
    ({"max_share": 0.25}, {}, {"A1": 10, "A2": 5, "A3": 5}, 550),
])
def test_resilience_rule_with_cost_tie_break(rule, settings, hours, cost):
    s = scenario(TRIO, [need("A", 20)], settings=settings,
                 resilience=[dict({"partner": "A", "skill": "noise"}, **rule)])
    sol = solve(s)
    assert sol.objective.unmet == approx(0)
    assert sol.objective.cost == approx(cost)
    worked = {a.staff: a.hours for a in sol.assignments}
    assert worked == {k: approx(v) for k, v in hours.items()}
    (res,) = sol.resilience
    assert (res.partner, res.skill) == ("A", "noise")
    assert res.hours_demanded == approx(20) and res.hours_received == approx(20)
    assert res.min_people == rule.get("min_people", 0)
    assert res.max_share == approx(rule.get("max_share", 1.0))
    assert res.largest_staff == "A1"
    assert res.largest_share == approx(hours["A1"] / 20)
    min_engagement = settings.get("min_engagement_hours", 1)
    assert res.distinct_people == sum(h >= min_engagement for h in hours.values())
    if rule.get("max_share", 1.0) == 0.25:
        # R = 5 h excess / 20 h = 0.25
        assert res.share_excess_hours == approx(5)
        assert sol.objective.resilience == approx(0.25)
    else:
        assert res.people_short == 0 and res.share_excess_hours == approx(0)
        assert sol.objective.resilience == approx(0)


def test_resilience_shortfall_when_the_rule_cannot_be_met():
    # Only A1 holds noise (A2 holds food). Rule: 2 people, nobody above 50 % of 20 h.
    #   A1 must still work all 20 h (demand comes first): 1 person short, excess 20 - 10 = 10 h:
    #   R = 1 + 10 / 20 = 1.5; C = 20 * 20 = 400
    s = scenario([person("A1", hours=40, cost=20), person("A2", skills={"food": 3})],
                 [need("A", 20)],
                 resilience=[{"partner": "A", "skill": "noise", "min_people": 2,
                              "max_share": 0.5}])
    sol = solve(s)
    assert sol.objective.unmet == approx(0)
    assert sol.objective.resilience == approx(1.5)
    assert sol.objective.cost == approx(400)
    (res,) = sol.resilience
    assert res.distinct_people == 1
    assert res.people_short == 1
    assert res.share_excess_hours == approx(10)
    assert res.largest_share == approx(1.0)
    assert res.largest_staff == "A1"


def test_resilience_never_buys_back_fairness_or_unmet():
    # A1 (10 h, cost 20) and A2 (10 h, cost 30) hold noise; A needs 20 h. A rule asking for a max
    # share of 0.25 (5 h) cannot be met without leaving demand unmet: both work 10 h, U = 0 and
    # R = (5 + 5) / 20 = 0.5.
    s = scenario([person("A1", hours=10, cost=20), person("A2", hours=10, cost=30)],
                 [need("A", 20)],
                 resilience=[{"partner": "A", "skill": "noise", "max_share": 0.25}])
    sol = solve(s)
    assert sol.objective.unmet == approx(0)
    assert sol.objective.resilience == approx(0.5)
    assert sol.objective.cost == approx(500)


def test_resilience_rule_without_demand_is_vacuous():
    # a rule for (B, food) where B wants no food: ignored, no resilience record for it
    s = scenario([person("A1")], [need("A", 5)],
                 resilience=[{"partner": "B", "skill": "food", "min_people": 3}])
    sol = solve(s)
    assert sol.objective.resilience == approx(0)
    assert [(r.partner, r.skill) for r in sol.resilience] == [("A", "noise")]


# ---- (f) reserve share -------------------------------------------------------------------------


def test_reserve_share_reduces_capacity():
    # reserve 25 %: A1's 20 contracted hours give (1 - 0.25) * 20 = 15 h in period 0 and
    # (1 - 0.25) * 8 = 6 h in period 1 (availability 8). A needs 20 h in each period.
    #   received 15 + 6 = 21, unmet 5 + 14 = 19: U = 190; F = 19 / 40; C = 21 * 30 = 630
    s = scenario([person("A1", hours=20)], [need("A", 20, period=0), need("A", 20, period=1)],
                 periods=2, availability=[{"staff": "A1", "period": 1, "hours": 8}],
                 settings={"reserve_share": 0.25})
    sol = solve(s)
    assert hours_of(sol, period=0) == approx(15)
    assert hours_of(sol, period=1) == approx(6)
    assert sol.objective.unmet == approx(190)
    assert sol.objective.fairness == approx(19 / 40)
    assert sol.objective.cost == approx(630)
    assert {u.period: (u.hours_unmet, u.reason) for u in sol.unmet} == {
        0: (approx(5), "fully_booked"), 1: (approx(14), "fully_booked")}


# ---- (g) travel overhead -----------------------------------------------------------------------


def test_travel_overhead_consumes_capacity_and_is_paid():
    # A1 (A-HQ, 20 h a period, 30 per hour) serves B at B-HQ, 45 minutes away; visit 7.5 h:
    #   tau = 2 * 45 / 60 / 7.5 = 0.2 h of travel per hour worked.
    # period 0: B needs 10 h: hours 10, travel 2, capacity used 12, cost 30 * 12 = 360
    # period 1: B needs 30 h: (1 + 0.2) x <= 20 -> x = 16.667, travel 3.333, cost 30 * 20 = 600,
    #           unmet 30 - 16.667 = 13.333 (fully booked)
    s = scenario([person("A1", hours=20, cost=30)],
                 [need("B", 10, period=0), need("B", 30, period=1)], periods=2, travel=45)
    sol = solve(s)
    by_period = {a.period: a for a in sol.assignments}
    a0, a1 = by_period[0], by_period[1]
    assert (a0.hours, a0.travel_hours, a0.cost) == (approx(10), approx(2), approx(360))
    assert (a1.hours, a1.travel_hours, a1.cost) == (approx(50 / 3), approx(10 / 3), approx(600))
    assert a1.hours + a1.travel_hours == approx(20)
    for a in sol.assignments:
        assert a.cost == approx(30 * (a.hours + a.travel_hours))
        assert a.site == "B-HQ"
    (u,) = sol.unmet
    assert (u.period, u.hours_unmet, u.reason) == (1, approx(30 - 50 / 3), "fully_booked")
    assert sol.objective.cost == approx(960)
    assert partner(sol, "B").cost == approx(960)
    assert partner(sol, "B").hours_received == approx(10 + 50 / 3)


def test_travel_prefers_the_nearer_person_at_equal_pay():
    # A1 (A-HQ) and B1 (B-HQ) both 30 per hour; B needs 10 h at B-HQ, 45 minutes from A-HQ.
    #   B1 has no travel: 10 * 30 = 300; A1 would cost 10 * 1.2 * 30 = 360.
    sol = solve(scenario([person("A1"), person("B1", partner="B")], [need("B", 10)], travel=45))
    assert {a.staff for a in sol.assignments} == {"B1"}
    assert sol.objective.cost == approx(300)


def test_travel_override_each_direction():
    # A-HQ -> B-HQ given as 45 min and B-HQ -> A-HQ as 15 min: B1 serving A travels 15 min:
    #   tau = 2 * 15 / 60 / 7.5 = 1/15; 15 h worked -> travel 1 h, cost 16 * 30 = 480
    s = scenario([person("B1", partner="B")], [need("A", 15)], travel=45)
    s["travel_minutes"].append({"from": "B-HQ", "to": "A-HQ", "minutes": 15})
    sol = solve(s)
    (a,) = sol.assignments
    assert a.travel_hours == approx(1)
    assert a.cost == approx(480)


def test_visit_hours_and_speed_settings():
    # haversine travel at 30 km/h: 15.01 km -> 30.02 min; visit 4 h: tau = 2 * 30.02 / 60 / 4
    s = scenario([person("B1", partner="B")], [need("A", 8)], travel=None,
                 settings={"travel_speed_kmh": 30, "visit_hours": 4})
    sol = solve(s)
    (a,) = sol.assignments
    minutes = EARTH_RADIUS_KM * math.radians(0.135) / 30 * 60
    assert a.travel_hours == approx(8 * 2 * minutes / 60 / 4)


# ---- (h) a solution is a self-contained copy -----------------------------------------------------


def _solve_and_drop_the_pool():
    pool = Pool.from_dict(scenario([person("A1", hours=20)], [need("A", 30)],
                                   resilience=[{"partner": "A", "skill": "noise",
                                                "min_people": 2}]))
    sol = staffpool.solve(pool)
    del pool
    return sol


def test_solution_outlives_its_pool():
    sol = _solve_and_drop_the_pool()
    gc.collect()
    # churn the allocator so freed C memory would be reused
    for _ in range(20):
        Pool.from_dict(scenario([person(f"X{i}") for i in range(30)], [need("B", 1)]))
    gc.collect()
    assert sol.status == "optimal"
    (a,) = sol.assignments
    assert (a.staff, a.partner, a.skill, a.site, a.period) == ("A1", "A", "noise", "A-HQ", 0)
    assert a.hours == approx(20)
    (u,) = sol.unmet
    assert (u.partner, u.skill, u.site, u.reason) == ("A", "noise", "A-HQ", "fully_booked")
    (res,) = sol.resilience
    assert (res.partner, res.skill, res.largest_staff, res.people_short) == ("A", "noise", "A1", 1)
    assert [p.partner for p in sol.partners] == ["A", "B"]
    assert sol.objective.unmet == approx(100)
    assert len(sol.to_frame()) == 1
    assert len(sol.unmet.to_frame()) == 1
    assert "A1" in repr(sol.assignments)


# ---- the gap tolerance ---------------------------------------------------------------------------


@pytest.mark.parametrize("source, gap", [("generated", 1e-6), ("random-12", 0.01)],
                         ids=["default gap", "gap 0.01"])
def test_reaching_the_gap_tolerance_finishes_the_stage(source, gap):
    from random_pools import random_scenario
    from test_determinism_and_cancel import generated_scenario

    if source == "generated":
        s = generated_scenario(0, n_partners=4, n_staff=15, n_skills=5, periods=2, load=1.2)
    else:
        s = random_scenario(12)
    sol = staffpool.solve(Pool.from_dict(s), gap=gap, time_limit=60)
    assert sol.stopped_by is None
    # docs: `gap` is "the relative gap at which each objective stage counts as solved"
    assert sol.status == "optimal", sol.objective.terms
    assert sol.gap <= 2 * gap, sol.objective.terms


# ---- time limit ----------------------------------------------------------------------------------


def test_time_limit_zero_gives_no_solution(tiny_scenario):
    sol = staffpool.solve(Pool.from_dict(tiny_scenario), time_limit=0)
    assert sol.status == "no_solution"
    assert sol.stopped_by == "time_limit"
    assert not sol.has_plan
    assert sol.assignments == ()
    assert len(sol.assignments.to_frame()) == 0
    assert sol.gap > 0


def test_tiny_scenario_solves(tiny_scenario):
    sol = staffpool.solve(Pool.from_dict(tiny_scenario), time_limit=30)
    assert sol.status == "optimal" and sol.stopped_by is None and sol.has_plan
    assert sol.model_size["columns"] > 0 and sol.model_size["rows"] > 0


# ---- the demo: consistency against a recount in Python -------------------------------------------


class Recount:
    """The demo's data recomputed from pool.records(...) (docs/model.md, "Eligibility")."""

    def __init__(self, pool):
        self.pool = pool
        self.settings = pool.settings
        self.reserve = self.settings["reserve_share"]
        self.staff = {s["id"]: s for s in pool.records("staff")}
        self.sites = {s["id"]: s for s in pool.records("sites")}
        self.first_site = {}
        for s in pool.records("sites"):
            self.first_site.setdefault(s["partner"], s["id"])
        self.demand = pool.records("demand")
        self.available = {(sid, t): s["contracted_hours"] for sid, s in self.staff.items()
                          for t in range(pool.periods)}
        for a in pool.records("availability"):
            self.available[(a["staff"], a["period"])] = a["hours"]
        self.override = {}
        for t in pool.records("travel_minutes"):  # given pairs first, then reverses not given
            self.override[(t["from"], t["to"])] = t["minutes"]
        for t in pool.records("travel_minutes"):
            self.override.setdefault((t["to"], t["from"]), t["minutes"])

    def site_of(self, d):
        return d["site"] or self.first_site[d["partner"]]

    def minutes(self, a, b):
        if a == b:
            return 0.0
        if (a, b) in self.override:
            return self.override[(a, b)]
        sa, sb = self.sites[a], self.sites[b]
        p1, p2 = math.radians(sa["lat"]), math.radians(sb["lat"])
        h = (math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2)
             * math.sin(math.radians(sb["lon"] - sa["lon"]) / 2) ** 2)
        km = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))
        return km / self.settings["travel_speed_kmh"] * 60

    def capacity(self, sid, period):
        return (1 - self.reserve) * self.available[(sid, period)]

    def eligible(self, sid, d):
        s = self.staff[sid]
        if s["skills"].get(d["skill"], 0) < d["min_level"]:
            return False
        if s["authorised"] is not None and d["partner"] not in s["authorised"]:
            return False
        if d["local_only"] and s["partner"] != d["partner"]:
            return False
        limit = s["max_travel_minutes"]
        if limit is not None and self.minutes(s["site"], self.site_of(d)) > limit:
            return False
        return self.capacity(sid, d["period"]) > 0


@pytest.fixture(scope="module")
def recount(demo_pool):
    return Recount(demo_pool)


@pytest.mark.slow
def test_demo_is_optimal_and_unmet_reasons_are_definite(demo_solution):
    assert demo_solution.status == "optimal"
    assert demo_solution.unmet, "the demo is meant to be short of capacity"
    for u in demo_solution.unmet:
        assert u.reason not in ("search_stopped", None, ""), u


@pytest.mark.slow
def test_demo_fully_booked_is_true(demo_pool, demo_solution, recount):
    index = {label: i for i, label in enumerate(demo_pool.period_labels or [])}
    used = defaultdict(float)
    for a in demo_solution.assignments:
        used[(a.staff, index.get(a.period, a.period))] += a.hours + a.travel_hours
    # capacity is never exceeded
    for (sid, t), hours in used.items():
        assert hours <= recount.capacity(sid, t) + 1e-6, (sid, t)
    checked = 0
    for u in demo_solution.unmet:
        if u.reason != "fully_booked":
            continue
        d = recount.demand[u.demand_index]
        assert (d["partner"], d["skill"]) == (u.partner, u.skill)
        eligible = [sid for sid in recount.staff if recount.eligible(sid, d)]
        assert eligible, f"demand #{u.demand_index}: fully_booked but nobody is eligible"
        for sid in eligible:
            spare = recount.capacity(sid, d["period"]) - used[(sid, d["period"])]
            assert spare <= 1e-4, (u.demand_index, sid, spare)
        checked += 1
    assert checked > 0


@pytest.mark.slow
def test_demo_other_reasons_are_true(demo_solution, recount):
    for u in demo_solution.unmet:
        d = recount.demand[u.demand_index]
        qualified = [sid for sid, s in recount.staff.items()
                     if s["skills"].get(d["skill"], 0) >= d["min_level"]]
        eligible = [sid for sid in recount.staff if recount.eligible(sid, d)]
        if u.reason == "no_skill":
            assert not qualified
        elif u.reason == "local_only":
            assert qualified and d["local_only"]
            assert not [sid for sid in qualified if recount.staff[sid]["partner"] == d["partner"]]
        elif u.reason in ("not_authorised", "travel", "unavailable"):
            assert qualified and not eligible


@pytest.mark.slow
def test_demo_partner_summaries_add_up(demo_pool, demo_solution):
    received = defaultdict(float)
    cost = defaultdict(float)
    for a in demo_solution.assignments:
        received[a.partner] += a.hours
        cost[a.partner] += a.cost
    unmet = defaultdict(float)
    for u in demo_solution.unmet:
        unmet[u.partner] += u.hours_unmet
    demanded = defaultdict(float)
    for d in demo_pool.records("demand"):
        demanded[d["partner"]] += d["hours"]
    assert {p.partner for p in demo_solution.partners} == \
        {p["id"] for p in demo_pool.records("partners")}
    for p in demo_solution.partners:
        assert p.hours_received + p.hours_unmet == pytest.approx(p.hours_demanded, abs=1e-6)
        assert p.hours_demanded == pytest.approx(demanded[p.partner], abs=1e-6)
        assert received[p.partner] == pytest.approx(p.hours_received, abs=1e-4)
        # unmet records below the report threshold are left out, so allow a little slack
        assert unmet[p.partner] == pytest.approx(p.hours_unmet, abs=1e-2)
        assert p.unmet_statutory + p.unmet_core + p.unmet_discretionary == \
            pytest.approx(p.hours_unmet, abs=1e-6)
        assert cost[p.partner] == pytest.approx(p.cost, rel=1e-9, abs=1e-6)
        if p.hours_demanded:
            assert p.unmet_fraction == pytest.approx(p.hours_unmet / p.hours_demanded, abs=1e-9)
    assert demo_solution.objective.fairness == pytest.approx(
        max(p.unmet_fraction for p in demo_solution.partners), abs=1e-9)
    assert demo_solution.objective.cost == pytest.approx(sum(cost.values()), rel=1e-9)


@pytest.mark.slow
def test_demo_resilience_matches_a_recount(demo_pool, demo_solution):
    h_min = demo_pool.settings["min_engagement_hours"]
    per_person = defaultdict(float)
    for a in demo_solution.assignments:
        per_person[(a.partner, a.skill, a.staff)] += a.hours
    rules = {(r["partner"], r["skill"]): r for r in demo_pool.records("resilience")}
    with_demand = {(d["partner"], d["skill"]) for d in demo_pool.records("demand")}
    assert {(r.partner, r.skill) for r in demo_solution.resilience} == with_demand
    total = 0.0
    for r in demo_solution.resilience:
        hours = {s: h for (p, k, s), h in per_person.items() if (p, k) == (r.partner, r.skill)}
        people = sum(h >= h_min - 1e-6 for h in hours.values())
        assert r.distinct_people == people, (r.partner, r.skill, sorted(hours.values()))
        rule = rules.get((r.partner, r.skill), {"min_people": 0, "max_share": 1.0})
        assert r.min_people == rule["min_people"]
        assert r.max_share == pytest.approx(rule["max_share"])
        assert r.people_short == max(0, r.min_people - people)
        if hours:
            assert r.largest_share == pytest.approx(max(hours.values()) / r.hours_demanded,
                                                    abs=1e-9)
            assert hours[r.largest_staff] == pytest.approx(max(hours.values()), abs=1e-9)
        else:
            assert r.largest_staff is None
        excess = sum(max(0.0, h - r.max_share * r.hours_demanded) for h in hours.values()) \
            if r.max_share < 1 else 0.0
        assert r.share_excess_hours == pytest.approx(excess, abs=1e-6)
        total += r.people_short + r.share_excess_hours / r.hours_demanded
    assert demo_solution.objective.resilience == pytest.approx(total, abs=1e-6)
