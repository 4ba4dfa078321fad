"""Multi-post shift types (docs/rota.md): a shift type serves sites x skills, people work one
post a day, only with the skill and within travel reach; travel cost picks the near site. Hand-
computed cases, a brute-force cross-check over every roster of tiny multi-site instances (the
independent evaluator rota_eval.py), and bad input naming record and field."""
from __future__ import annotations

import math
import random

import pytest

import rota_eval
from staffpool import ValidationError
from staffpool.rota import Rota


def two_sites(**weights):
    return dict(days=3, partners=["P1", "P2"],
                sites={"S1": ("P1", None, None), "S2": ("P2", None, None)},
                travel={("S1", "S2"): 40}, skills=["nurse", "icu"], weights=weights)


def check(inst, result):
    bad, objective, parts = rota_eval.evaluate(inst, rota_eval.roster_of(result))
    assert bad == []
    assert objective == pytest.approx(result.objective)
    assert parts == pytest.approx(result.penalties)
    return parts


def test_person_without_the_skill_never_gets_the_post():
    # A lacks icu; icu cover is wanted (weight 100) and A is otherwise idle: still never placed.
    inst = two_sites()
    inst["shifts"] = {"D": dict(length=480, sites=["S1"], skills=["nurse", "icu"])}
    inst["people"] = {"A": dict(site="S1", skills=["nurse"])}
    inst["cover"] = {(d, "D", "S1", "icu"): (1, 100, 0, 0) for d in range(3)}
    result = rota_eval.build(inst).solve()
    assert result.status == "optimal" and result.assignments == []
    assert result.objective == 300
    assert all(c.reason == "nobody holds the skill 'icu'" for c in result.cover if c.assigned <
               c.requirement)
    check(inst, result)


def test_travel_limit_excludes_and_travel_cost_picks_the_near_site():
    # One shift serving S1 and S2 (nurse). A lives at S1, 40 minutes from S2. Cover 1 at each site
    # with under-staffing weight 10, travel 0.5 per minute: sending A to S2 costs 20 > nothing at
    # S1 costs 10... both posts cost 10 unfilled, A fills one: S1 (travel 0) is the optimum.
    inst = two_sites(travel_per_minute=0.5)
    inst["shifts"] = {"D": dict(length=480, sites=["S1", "S2"], skills=["nurse"])}
    inst["people"] = {"A": dict(site="S1", skills=["nurse"])}
    inst["cover"] = {(d, "D", s, "nurse"): (1, 10, 0, 0) for d in range(3) for s in ("S1", "S2")}
    result = rota_eval.build(inst).solve()
    assert result.status == "optimal" and result.objective == 30
    assert {(a.site, a.skill) for a in result.assignments} == {("S1", "nurse")}
    assert len(result.assignments) == 3
    # Only S2 wanted, weight 100: A travels (3 x 40 min x 0.5 = 60 < 300)...
    inst["cover"] = {(d, "D", "S2", "nurse"): (1, 100, 0, 0) for d in range(3)}
    result = rota_eval.build(inst).solve()
    assert result.objective == 60 and result.penalties["travel"] == 60
    assert {a.site for a in result.assignments} == {"S2"}
    assert result.people[0].travel_minutes == 120
    check(inst, result)
    # ... unless 40 minutes is beyond A's limit: then nobody can, and the reason says so.
    inst["people"]["A"]["max_travel"] = 30
    result = rota_eval.build(inst).solve()
    assert result.assignments == [] and result.objective == 300
    assert all(c.reason.startswith("out of travel reach") for c in result.cover if c.reason)
    check(inst, result)


def test_unreachable_without_times_or_coordinates_and_haversine_with_them():
    inst = two_sites()
    del inst["travel"]
    inst["shifts"] = {"D": dict(length=480, sites=["S2"])}
    inst["people"] = {"A": dict(site="S1")}
    inst["cover"] = {(0, "D", "S2", None): (1, 100, 0, 0)}
    result = rota_eval.build(inst).solve()
    assert result.assignments == []  # S1 -> S2 neither given nor computable: unreachable
    # London -> Oxford is about 84 km: at 60 km/h about 84 minutes (own haversine in rota_eval)
    inst["sites"] = {"S1": ("P1", 51.5074, -0.1278), "S2": ("P2", 51.7520, -1.2577)}
    inst["speed"] = 60
    inst["weights"] = dict(travel_per_minute=1.0)
    result = rota_eval.build(inst).solve()
    expected = rota_eval.minutes_between(inst, "S1", "S2")
    assert 80 < expected < 90
    assert result.people[0].travel_minutes == pytest.approx(expected, rel=1e-9)
    check(inst, result)


def test_one_site_a_day_and_rules_count_the_shift_type_over_all_posts():
    # D serves S1 and S2; cover 1 at each, every day. One person can fill one a day. max_shifts
    # D = 2 counts both sites: 2 shifts in all, 4 posts missing x 10 = 40.
    inst = two_sites()
    inst["travel"] = {("S1", "S2"): 0}
    inst["shifts"] = {"D": dict(length=480, sites=["S1", "S2"])}
    inst["people"] = {"A": dict(site="S1", max_shifts={"D": 2})}
    inst["cover"] = {(d, "D", s, None): (1, 10, 0, 0) for d in range(3) for s in ("S1", "S2")}
    result = rota_eval.build(inst).solve()
    assert result.objective == 40 and len(result.assignments) == 2
    check(inst, result)
    # forbidden succession N -> D counts D at either site
    inst["shifts"]["N"] = dict(length=480, sites=["S2"], night=True)
    inst["forbid"] = [("N", "D")]
    inst["people"]["A"]["max_shifts"] = {}
    inst["cover"] = {(0, "N", "S2", None): (1, 10, 0, 0), (1, "D", "S2", None): (1, 10, 0, 0)}
    result = rota_eval.build(inst).solve()
    assert result.objective == 10  # N day 0 blocks D (here at S2) on day 1: one is lost
    assert len(result.assignments) == 1
    check(inst, result)


def random_instance(seed):
    rng = random.Random(seed)
    inst = dict(days=4, first_weekday=3, partners=["P1", "P2"],
                sites={"S1": ("P1", None, None), "S2": ("P2", None, None)},
                travel={("S1", "S2"): rng.choice([10, 30, 50])}, skills=["a", "b"],
                shifts={"D": dict(length=480, sites=["S1", "S2"], skills=["a"]),
                        "N": dict(length=600, sites=["S2"], skills=["a", "b"], night=True,
                                  unpopular=True)},
                forbid=[("N", "D")],
                weights=dict(travel_per_minute=rng.choice([0, 0.1, 0.5]),
                             fairness_nights=rng.choice([0, 3]),
                             fairness_weekends=rng.choice([0, 2]), change=rng.choice([0, 4])))
    inst["people"] = {}
    for p in ("A", "B", "C"):
        inst["people"][p] = dict(site=rng.choice(["S1", "S2"]),
                                 skills=rng.sample(["a", "b"], rng.randint(1, 2)),
                                 max_consecutive=rng.randint(2, 3),
                                 min_days_off=rng.randint(1, 2),
                                 max_minutes=rng.choice([-1, 1500]),
                                 contract="FT" if p != "C" else rng.choice(["FT", "PT"]),
                                 max_travel=rng.choice([-1, 35]))
    inst["days_off"] = {"B": [rng.randrange(4)]}
    inst["requests"] = [("A", rng.randrange(4), "N", False, 2), ("C", rng.randrange(4), "D", True, 3)]
    inst["cover"] = {}
    for d in range(4):
        for k in (("D", "S1", "a"), ("D", "S2", "a"), ("N", "S2", "a"), ("N", "S2", "b")):
            if rng.random() < 0.6:
                inst["cover"][(d,) + k] = (rng.randint(0, 1), rng.choice([5, 20]), 1, 0)
    inst["published"] = {("A", 0): ("D", "S1", "a"), ("C", 1): ("N", "S2", rng.choice("ab"))}
    if rng.random() < 0.5:
        inst["pins"] = {("A", 3): ("D", "S2", "a")} if "a" in inst["people"]["A"]["skills"] \
            and inst["people"]["A"]["max_travel"] < 0 else {}
        inst["freeze"] = 2
    return inst


@pytest.mark.parametrize("seed", [1, 3, 4, 5, 6, 7, 8])  # seed 2: 290k rosters, 30 s
def test_brute_force_tiny_multi_site(seed):
    inst = random_instance(seed)
    # C may lack the skill of its published night: then it is simply not kept
    result = rota_eval.build(inst).solve()
    best = rota_eval.brute_force(inst)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    check(inst, result)
    assert result.objective == pytest.approx(best)


def test_bad_input_names_record_and_field():
    r = Rota(days=7)
    r.add_partner("P")
    r.add_site("S1", "P")
    r.add_skill("icu")
    with pytest.raises(ValidationError) as e:
        r.add_site("S2", "P", latitude=95, longitude=0)
    assert e.value.record == "site 'S2'" and e.value.field == "latitude"
    with pytest.raises(ValidationError) as e:
        r.add_site("S3", "P", latitude=51.0)
    assert e.value.field == "longitude"
    with pytest.raises(ValidationError) as e:
        r.set_travel_minutes("S1", "SX", 10)
    assert e.value.record == "travel_minutes 'S1'" and e.value.field == "to"
    r.add_site("S2", "P")
    with pytest.raises(ValidationError) as e:
        r.set_travel_minutes("S1", "S2", math.nan)
    assert e.value.field == "minutes"
    with pytest.raises(ValidationError) as e:
        r.set_travel_minutes("S1", "S2", -3)
    assert e.value.field == "minutes"
    with pytest.raises(ValidationError) as e:
        r.set_travel_minutes("S1", "S1", 3)
    assert e.value.field == "to"
    with pytest.raises(ValidationError) as e:
        r.set_travel_speed(0)
    assert e.value.field == "travel_speed_kmh"
    with pytest.raises(ValidationError) as e:
        r.add_shift("D", 480, sites=["S1", "SX"])
    assert e.value.record == "shift 'D'" and e.value.field == "site"
    with pytest.raises(ValidationError) as e:
        r.add_shift("E", 480, sites=["S1", "S1"])
    assert e.value.record == "shift 'E'" and "twice" in str(e.value)
    with pytest.raises(ValidationError) as e:
        r.add_shift("F", 480, site="S1", sites=["S2"])
    assert e.value.field == "site"
    r.add_shift("G", 480, sites=["S1", "S2"], skills=["icu"])
    with pytest.raises(ValidationError) as e:
        r.set_weights(travel_per_minute=-1)
    assert e.value.record == "weights" and e.value.field == "travel_per_minute"
    with pytest.raises(ValidationError) as e:
        r.set_weights(fairness_nights=math.inf)
    assert e.value.field == "fairness_nights"
    with pytest.raises(ValidationError) as e:
        r.add_person("A", max_travel_minutes=-5)
    assert e.value.record == "person 'A'" and e.value.field == "max_travel_minutes"
    with pytest.raises(ValidationError) as e:
        r.add_person("A", contract="")
    assert e.value.record == "person 'A'" and e.value.field == "contract"
    with pytest.raises(ValidationError) as e:
        r.add_person("A", site="S9")
    assert e.value.record == "person 'A'" and e.value.field == "site"
    r.add_person("A", site="S1", skills=["icu"], contract="FT")
    with pytest.raises(ValidationError) as e:
        r.add_shift("H", 480)  # shift types are complete once people exist
    assert e.value.field == "id"
    with pytest.raises(ValidationError) as e:
        r.set_cover(0, "G", 1)
    assert e.value.record == "cover 'day 0'" and e.value.field == "site"
    with pytest.raises(ValidationError) as e:
        r.set_cover(0, "G", 1, site="S3")
    assert e.value.field == "site"
    with pytest.raises(ValidationError) as e:
        r.set_cover(0, "G", 1, site="S1", skill="none")
    assert e.value.field == "skill"
    r.set_cover(0, "G", 1, site="S1")  # the only skill may be left out
    with pytest.raises(ValidationError) as e:
        r.pin("A", 0, "G")
    assert e.value.record == "pin 'A'" and e.value.field == "site"
    with pytest.raises(ValidationError) as e:
        r.pin("A", 0, "G", site="S2", skill="lab")
    assert e.value.record == "pin 'A'" and e.value.field == "skill"
    with pytest.raises(ValidationError) as e:
        r.publish("A", -1, "G", site="S2")
    assert e.value.record == "published 'A'" and e.value.field == "day"
    with pytest.raises(ValidationError) as e:
        r.publish("A", 0, "X", site="S2")
    assert e.value.field == "shift"
    with pytest.raises(ValidationError) as e:
        r.set_cover(0, "G", 1, site="S1", skill="icu")
    assert "given twice" in str(e.value)


@pytest.mark.parametrize("seed", [4, 5, 7])  # 2, 3 and 2 hard minimums
def test_brute_force_with_hard_minimums(seed):
    # The same instances with a hard minimum on every post of day 1 that wants someone: now a
    # roster must staff them (or the instance is infeasible, which the engine must say too).
    inst = random_instance(seed)
    inst["cover"] = {key: (req, u, o, req if key[0] == 1 else 0)
                     for key, (req, u, o, _) in inst["cover"].items()}
    result = rota_eval.build(inst).solve()
    best = rota_eval.brute_force(inst)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    check(inst, result)
    assert result.objective == pytest.approx(best)
