"""Redeployment from Python: strict order on hand-built cases, each reason, costs and timing,
expected vacancies, the input format (dict, JSON, DataFrames), error paths, determinism, the demo,
scenario comparison and honest status under a zero time limit."""
from __future__ import annotations

import copy
import json
import math

import pytest

import staffpool
from staffpool import Redeployment, ValidationError

# Two partners 22.5 minutes apart at 40 km/h (0.135 degrees of latitude = 15.01 km).
BASE = {
    "format": "staffpool-redeployment", "version": 1, "name": "hand-built",
    "periods": 6, "grades": ["g1", "g2", "g3", "g4", "g5"],
    "partners": [{"id": "A"}, {"id": "B"}],
    "sites": [{"id": "A1", "partner": "A", "lat": 52.0, "lon": -1.0},
              {"id": "B1", "partner": "B", "lat": 52.135, "lon": -1.0}],
    "skills": [{"id": "food"}, {"id": "noise"}],
    "people": [], "vacancies": [], "routes": [],
}


def person(pid, grade="g4", skills=None, **kw):
    rec = {"id": pid, "partner": "A", "site": "A1", "grade": grade, "pay": 3000, "hours": 37,
           "skills": skills or {"food": 3}, "post_ends": 2}
    rec.update(kw)
    return rec


def vacancy(vid, skill="food", level=3, grade="g4", **kw):
    rec = {"id": vid, "partner": "B", "skill": skill, "min_level": level, "grade": grade,
           "pay": 3000, "hours": 37, "start": 0}
    rec.update(kw)
    return rec


def problem(people, vacancies, routes=(), rules=None, **extra):
    data = copy.deepcopy(BASE)
    data["people"] = list(people)
    data["vacancies"] = list(vacancies)
    data["routes"] = list(routes)
    if rules:
        data["rules"] = rules
    data.update(extra)
    return data


def solve(data, **kw):
    return Redeployment.from_dict(copy.deepcopy(data)).solve(**kw)


def by_person(result):
    return {o.person: o for o in result.outcomes}


# ---- strict order ------------------------------------------------------------------------------

def test_fewer_redundancies_beat_any_saving():
    """Placing both costs 11,500 (training and pay protection) and saves no redundancy cost; placing
    one costs nothing. The dearer plan with fewer redundancies wins."""
    data = problem(
        [person("p1"), person("p2", skills={"food": 3, "noise": 2})],
        [vacancy("v1"), vacancy("v2", skill="noise", level=3, grade="g3", pay=2500, start=3)],
        [{"from_skill": "noise", "from_level": 2, "to_skill": "noise", "to_level": 3,
          "weeks": 10, "cost": 5000}])
    r = solve(data)
    assert r.status == "optimal"
    assert r.objective.redundancies == 0
    assert r.objective.net_cost == pytest.approx(5000 + 500 * 13)
    o = by_person(r)
    assert (o["p1"].vacancy, o["p2"].vacancy) == ("v1", "v2")
    assert o["p2"].route == "noise 2 -> noise 3"
    assert o["p2"].protection_cost == pytest.approx(6500)
    assert o["p2"].new_grade == "g3" and o["p2"].grade_change == -1
    # Raising the cost a thousandfold changes nothing: no weights, a strict order.
    data["routes"][0]["cost"] = 5_000_000
    assert solve(data).objective.redundancies == 0


def test_cost_then_relocations_then_misfit():
    """Same redundancies: the cheaper plan wins even with a relocation; with equal cost, fewer
    relocations win; with equal relocations, the preferred partner wins."""
    far = {"id": "C1", "partner": "B", "lat": 53.0, "lon": -1.0}   # about 1.5 h away
    base = problem([person("p", max_travel_minutes=30, relocate=True)],
                   [vacancy("near", pay=2000), vacancy("far", site="C1")],
                   rules={"relocation_cost": 1000})
    base["sites"].append(far)
    r = solve(base)
    o = by_person(r)["p"]
    assert o.vacancy == "far" and o.relocated and o.relocation_cost == 1000  # 1000 < 13,000
    base["rules"]["relocation_cost"] = 0
    base["vacancies"][0]["pay"] = 3000
    assert by_person(solve(base))["p"].vacancy == "near"  # equal cost: no relocation
    # Equal everything but preference: the preferred partner's post wins on misfit.
    data = problem([person("p", preferences=["A", "B"])],
                   [vacancy("atB"), vacancy("atA", partner="A")])
    r = solve(data)
    assert by_person(r)["p"].vacancy == "atA"
    assert r.objective.misfit == 0


def test_net_cost_keeps_the_dearest_redundancy_avoided():
    """One post, two candidates: the one whose redundancy costs more is redeployed."""
    data = problem([person("cheap", redundancy_cost=5000), person("dear", redundancy_cost=40000)],
                   [vacancy("v")])
    r = solve(data)
    o = by_person(r)
    assert o["dear"].vacancy == "v"
    assert o["cheap"].reason == "taken"
    assert "went to dear" in o["cheap"].detail
    assert r.totals.redundancy_cost_avoided == 40000
    assert r.totals.redundancy_cost_incurred == 5000
    assert r.objective.net_cost == -40000


# ---- reasons -----------------------------------------------------------------------------------

def test_each_reason_is_reported():
    people = [
        person("grade", grade="g1"),                                     # every post above g1
        person("travel", max_travel_minutes=10),                         # 22.5 min away
        person("route", skills={"noise": 2}),                            # no route from noise 2
        person("limit", skills={"noise": 3}),                            # route takes 30 weeks
        person("time", skills={"food": 2}),                              # 12 weeks, post week 4
    ]
    routes = [{"from_skill": "noise", "from_level": 3, "to_skill": "food", "to_level": 4,
               "weeks": 30, "cost": 1},
              {"from_skill": "food", "from_level": 2, "to_skill": "food", "to_level": 4,
               "weeks": 12, "cost": 1}]
    data = problem(people, [vacancy("v", start=1, level=4)], routes,
                   rules={"trial_weeks": 4, "grades_down": 0})
    o = by_person(solve(data))
    assert {k: v.reason for k, v in o.items()} == {
        "grade": "grade", "travel": "travel", "route": "no_route", "limit": "training_limit",
        "time": "training_time"}
    assert "grades 1..1" in o["grade"].detail
    assert "v (23 min)" in o["travel"].detail
    # A longer trial lets the training finish within it.
    data["rules"]["trial_weeks"] = 8
    assert by_person(solve(data))["time"].vacancy == "v"
    # No vacancy at all.
    assert by_person(solve(problem([person("x")], [])))["x"].reason == "no_vacancy"


def test_redundancy_reasons_explain_with_text():
    r = solve(problem([person("x", grade="g1")], [vacancy("v")], rules={"grades_up": 0}))
    o = r.outcomes[0]
    assert o.outcome == "redundant" and o.vacancy is None and o.start is None
    assert o.explanation == "no vacancy at an acceptable grade"
    assert r.reasons() == {"grade": 1}
    assert r.redundancies[0].person == "x"


# ---- costs and time ----------------------------------------------------------------------------

def test_costs_waiting_and_pool_work():
    data = problem([person("p", post_ends=1, home_site="A1")],
                   [vacancy("v", start=4, hours=30, pay=2000)],
                   rules={"waiting_cost_share": 0.5, "excess_travel_cost": 10,
                          "excess_travel_periods": 2, "protection_periods": 3},
                   period_labels=["P1", "P2", "P3", "P4", "P5", "P6"])
    r = solve(data)
    o = r.outcomes[0]
    assert o.start == "P5" and o.waiting_periods == 3
    assert o.pool_hours == pytest.approx(3 * 37 * 4)
    assert o.waiting_cost == pytest.approx(3 * 3000 * 0.5)
    # Protection on the hourly rate: 3000 / 37 * 30 - 2000 per period, for 3 periods.
    assert o.protection_cost == pytest.approx((3000 / 37 * 30 - 2000) * 3)
    assert o.travel_minutes == pytest.approx(22.517, abs=1e-3)
    assert o.travel_cost == pytest.approx(o.travel_minutes * 10 * 2)
    assert o.misfit == pytest.approx(7 / 37)
    assert o.cost == pytest.approx(o.waiting_cost + o.protection_cost + o.travel_cost)
    assert [(w.period, w.hours) for w in r.pool_work] == [("P2", 148), ("P3", 148), ("P4", 148)]
    assert r.totals.pool_hours == pytest.approx(444)


def test_expected_vacancies_from_leaving_rates():
    data = problem([person("p", post_ends=5)], [], period_labels=None)
    data["periods"] = 6
    data["leaving_rates"] = [{"id": "B-g4", "partner": "B", "grade": "g4", "headcount": 40,
                              "annual_rate": 0.3, "skill": "food", "min_level": 3,
                              "pay": 3000, "hours": 37}]
    r = solve(data)
    # q = 1 - 0.7 ** (4 / 52); expected leavers reach 1, 2, ... 5 by the ends of periods 0..4.
    q = 1 - 0.7 ** (4 / 52)
    starts = [t + 1 for t in range(5) for _ in range(int(40 * (1 - (1 - q) ** (t + 1)) + 1e-9)
                                                     - int(40 * (1 - (1 - q) ** t) + 1e-9))]
    assert [v.start for v in r.vacancies] == starts == [1, 2, 3, 4, 5]
    assert [v.kind for v in r.vacancies] == ["expected"] * 5
    assert r.outcomes[0].vacancy_kind == "expected"
    assert r.totals.expected_vacancies == 5
    data["leaving_rates"][0]["annual_rate"] = 0
    assert solve(data).outcomes[0].reason == "no_vacancy"


def test_natural_wastage_kind_and_fills():
    r = solve(problem([person("p")], [vacancy("v", natural_wastage=True), vacancy("w", level=5)]))
    assert [(v.vacancy, v.kind, v.person, v.candidates) for v in r.vacancies] == [
        ("v", "natural_wastage", "p", 1), ("w", "open", None, 0)]
    assert r.outcomes[0].vacancy_kind == "natural_wastage"


# ---- input formats -----------------------------------------------------------------------------

def test_dict_json_roundtrip(tmp_path):
    rd = Redeployment.demo()
    d = rd.to_dict()
    path = tmp_path / "reorg.json"
    rd.to_json(path)
    again = Redeployment.from_json(path)
    assert again.to_dict() == d
    assert again.solve().objective == rd.solve().objective


def test_frames_roundtrip():
    pytest.importorskip("pandas")
    rd = Redeployment.demo()
    frames = rd.to_frames()
    again = Redeployment.from_frames(
        periods=rd.periods, period_labels=rd.period_labels, grades=rd.grades, rules=rd.rules,
        partners=frames["partners"], sites=frames["sites"], skills=frames["skills"],
        people=frames["people"], person_skills=frames["person_skills"],
        preferences=frames["preferences"], vacancies=frames["vacancies"],
        leaving_rates=frames["leaving_rates"], routes=frames["routes"],
        travel_minutes=frames["travel_minutes"], name=rd.name)
    assert again.solve().objective == rd.solve().objective


def test_python_api_builds_the_same_problem():
    rd = Redeployment(periods=6, grades=BASE["grades"])
    rd.add_partner("A"), rd.add_partner("B")
    rd.add_site("A1", "A", 52.0, -1.0), rd.add_site("B1", "B", 52.135, -1.0)
    rd.add_skill("food"), rd.add_skill("noise")
    rd.add_person("p1", "A", "A1", "g4", 3000, 37, skills={"food": 3}, post_ends=2)
    rd.add_vacancy("v1", "B", "food", "g4", 3000, 37, min_level=3)
    assert rd.solve().objective == solve(problem([person("p1")], [vacancy("v1")])).objective
    assert "1 at risk" in repr(rd)


# ---- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, record, field", [
    (lambda d: d["people"][0].update(pay=float("nan")), "person 'p'", "pay"),
    (lambda d: d["people"][0].update(hours=-1), "person 'p'", "hours"),
    (lambda d: d["people"][0].update(grade="g9"), "person 'p'", "grade"),
    (lambda d: d["people"][0].update(post_ends=6), "person 'p'", "post_ends"),
    (lambda d: d["people"][0].update(partner="Z"), "person 'p'", "partner"),
    (lambda d: d["people"][0].update(skills={"food": 7}), "person 'p'", "skills"),
    (lambda d: d["people"][0].update(skills={"cooking": 2}), "person 'p'", "skills"),
    (lambda d: d["people"][0].update(max_travel_minutes=-5), "person 'p'", "max_travel_minutes"),
    (lambda d: d["people"][0].update(redundancy_cost=-1), "person 'p'", "redundancy_cost"),
    (lambda d: d["people"][0].update(relocate="yes"), "person 'p'", "relocate"),
    (lambda d: d["people"][0].update(preferences=["Q"]), "person 'p'", "preferences"),
    (lambda d: d["people"][0].update(home_lat=52.0), "person 'p'", "home_lon"),
    (lambda d: d["people"][0].update(shoe_size=9), "people #0 ('p')", "shoe_size"),
    (lambda d: d["people"].append(person("p")), "person 'p'", "id"),
    (lambda d: d["vacancies"][0].update(start=99), "vacancy 'v'", "start"),
    (lambda d: d["vacancies"][0].update(min_level=0), "vacancy 'v'", "min_level"),
    (lambda d: d["vacancies"][0].update(hours=float("inf")), "vacancy 'v'", "hours"),
    (lambda d: d["vacancies"][0].update(site="nowhere"), "vacancy 'v'", "site"),
    (lambda d: d["routes"].append({"from_skill": "food", "from_level": 3, "to_skill": "food",
                                   "to_level": 2, "weeks": 1, "cost": 1}), "route '#0'",
     "to_level"),
    (lambda d: d["routes"].append({"from_skill": "food", "from_level": 3, "to_skill": "noise",
                                   "to_level": 2, "weeks": -1, "cost": 1}), "route '#0'", "weeks"),
    (lambda d: d.update(leaving_rates=[{"id": "r", "partner": "B", "grade": "g1", "headcount": 3,
                                        "annual_rate": 1.5, "skill": "food", "pay": 1,
                                        "hours": 37}]), "leaving_rate 'r'", "annual_rate"),
    (lambda d: d.update(rules={"trial_weeks": float("nan")}), "rules", "trial_weeks"),
    (lambda d: d.update(rules={"grades_down": 1.5}), "rules", "grades_down"),
    (lambda d: d.update(rules={"speed": 3}), "rules", "speed"),
    (lambda d: d.update(periods=0), "redeployment", "periods"),
    (lambda d: d.update(colour="red"), "redeployment", "colour"),
])
def test_errors_name_record_and_field(change, record, field):
    data = problem([person("p")], [vacancy("v")])
    change(data)
    with pytest.raises(ValidationError) as info:
        Redeployment.from_dict(data)
    assert info.value.record == record
    assert info.value.field == field
    assert record in str(info.value)


def test_refused_record_leaves_the_problem_as_it_was():
    rd = Redeployment.from_dict(problem([person("p")], [vacancy("v")]))
    before = rd.to_dict()
    with pytest.raises(ValidationError):
        rd.add_person("q", "A", "A1", "g4", 3000, 37, skills={"food": 3, "nope": 2})
    assert rd.to_dict() == before
    rd.add_person("q", "A", "A1", "g4", 3000, 37, skills={"food": 3})  # the id is still free
    with pytest.raises(ValidationError):
        rd.set_rules(period_weeks=-1)
    assert rd.rules["period_weeks"] == 4
    with pytest.raises(ValidationError) as info:
        rd.solve(time_limit=-1)
    assert info.value.field == "time_limit"


def test_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{ not json")
    with pytest.raises(ValidationError, match="not valid JSON"):
        Redeployment.from_json(path)


# ---- status, determinism, demo, comparison -----------------------------------------------------

def test_time_limit_zero_is_no_solution():
    r = Redeployment.demo().solve(time_limit=0)
    assert r.status == "no_solution" and r.stopped_by == "time_limit"
    assert not r.has_plan and len(r.outcomes) == 0 and math.isinf(r.gap)
    assert "no plan" in r.summary()


def test_deterministic():
    a = Redeployment.demo().solve()
    b = Redeployment.demo().solve()
    assert a.outcomes == b.outcomes and a.vacancies == b.vacancies and a.totals == b.totals


def test_demo():
    rd = Redeployment.demo()
    d = rd.to_dict()
    assert len(d["people"]) == 12
    assert {p["partner"] for p in d["people"]} == {"WBD", "AVD", "HFD"}
    assert any(v["natural_wastage"] for v in d["vacancies"])
    world = json.load(open(staffpool.__path__[0] + "/data/demo.json"))
    assert [p["id"] for p in d["partners"]] == [p["id"] for p in world["partners"]]
    r = rd.solve()
    assert r.status == "optimal" and r.gap == 0
    t = r.totals
    assert t.people == 12 and t.redeployed + t.redundant == 12
    assert t.expected_vacancies >= 1 and t.relocations >= 1 and t.retrained >= 1
    assert t.waiting >= 1 and t.pool_hours > 0
    assert t.redundancy_cost_avoided > t.cost_of_avoiding  # redeployment pays for itself
    assert all(o.reason in ("grade", "travel", "no_route", "training_limit", "training_time",
                            "taken") for o in r.redundancies)
    assert "compulsory redundancies" in r.summary()


def test_compare_side_by_side():
    pd = pytest.importorskip("pandas")
    base = Redeployment.demo()
    frame = staffpool.compare({
        "policy": base,
        "two grades down": base.with_rules(grades_down=2),
        "no relocation help": base.with_rules(relocation_cost=50000),
        "KSD withdraws": base.without(partners=["KSD"]),
    })
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["policy", "two grades down", "no relocation help",
                                   "KSD withdraws"]
    assert frame.loc["redundant", "two grades down"] <= frame.loc["redundant", "policy"]
    assert frame.loc["redundant", "KSD withdraws"] >= frame.loc["redundant", "policy"]
    assert all(str(i).startswith("redundant: ") for i in frame.index[-1:])
    assert frame.loc["status"].tolist() == ["optimal"] * 4


def test_to_frame_and_objective_frame():
    pytest.importorskip("pandas")
    r = Redeployment.demo().solve()
    frame = r.to_frame()
    assert len(frame) == 12 and {"person", "outcome", "reason", "detail"} <= set(frame.columns)
    assert list(r.objective.to_frame().index) == ["redundancies", "net_cost", "relocations",
                                                  "misfit"]
    assert len(r.vacancies.to_frame()) == r.totals.vacancies
