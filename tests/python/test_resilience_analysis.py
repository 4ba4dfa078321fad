"""N-1 absences, fragile cover, resilience scores and a partner's withdrawal: checked against
re-solving by hand (pools built independently through the Pool API) and hand-computed numbers."""
from __future__ import annotations

import copy

import pytest

import staffpool
from staffpool import resilience as rs
from staffpool.scenarios import TOTAL

from test_economics import swap_pool

# Three councils, one site each 15 km apart, two skills, five people: enough for absences that
# cost nothing, absences that cost one partner, and absences that cost several.
SMALL = {
    "periods": 2,
    "settings": {"min_engagement_hours": 2},
    "partners": [{"id": "A", "population": 90000}, {"id": "B", "population": 60000},
                 {"id": "C", "population": 30000}],
    "sites": [{"id": "A1", "partner": "A", "lat": 52.0, "lon": -1.0},
              {"id": "B1", "partner": "B", "lat": 52.135, "lon": -1.0},
              {"id": "C1", "partner": "C", "lat": 52.0, "lon": -1.2}],
    "skills": [{"id": "noise"}, {"id": "food"}],
    "staff": [
        {"id": "a1", "partner": "A", "site": "A1", "contracted_hours": 20, "cost_per_hour": 30,
         "skills": {"noise": 3, "food": 2}},
        {"id": "a2", "partner": "A", "site": "A1", "contracted_hours": 10, "cost_per_hour": 25,
         "skills": {"food": 4}},
        {"id": "b1", "partner": "B", "site": "B1", "contracted_hours": 15, "cost_per_hour": 28,
         "skills": {"noise": 2}, "max_travel_minutes": 60},
        {"id": "c1", "partner": "C", "site": "C1", "contracted_hours": 12, "cost_per_hour": 33,
         "skills": {"food": 3}, "authorised": ["C", "A"]},
        {"id": "c2", "partner": "C", "site": "C1", "contracted_hours": 8, "cost_per_hour": 20,
         "skills": {"noise": 1}},
    ],
    "availability": [{"staff": "a2", "period": 1, "hours": 5}],
    "demand": [
        {"partner": "A", "skill": "noise", "period": 0, "hours": 14, "priority": "statutory"},
        {"partner": "A", "skill": "food", "period": 1, "hours": 12, "min_level": 2},
        {"partner": "B", "skill": "noise", "period": 0, "hours": 16, "min_level": 2},
        {"partner": "B", "skill": "food", "period": 1, "hours": 6, "priority": "discretionary"},
        {"partner": "C", "skill": "food", "period": 0, "hours": 9, "min_level": 3,
         "priority": "statutory"},
        {"partner": "C", "skill": "noise", "period": 1, "hours": 7},
    ],
    "resilience": [{"partner": "A", "skill": "noise", "min_people": 2, "max_share": 1.0}],
}


def solve_by_hand(scenario, absent=None):
    """The pool built record by record, the absent person's hours set to 0 with the Pool API."""
    pool = staffpool.Pool.from_dict(scenario)
    if absent:
        for t in range(pool.periods):
            pool.set_availability(absent, t, 0)
    return staffpool.solve(pool, time_limit=10)


def test_n_minus_1_equals_re_solving_by_hand():
    a = rs.n_minus_1(SMALL, time_limit=10, max_workers=1)
    base = {p.partner: p for p in solve_by_hand(SMALL).partners}
    assert set(a.people["staff"]) == {s["id"] for s in SMALL["staff"]}
    assert (a.people["status"] == "optimal").all() and (a.people["gap"] == 0).all()
    weights = {"statutory": 100, "core": 10, "discretionary": 1}
    for s in SMALL["staff"]:
        hand = {p.partner: p for p in solve_by_hand(SMALL, absent=s["id"]).partners}
        rows = a.by_partner[a.by_partner["staff"] == s["id"]].set_index("partner")
        for p in ("A", "B", "C"):
            for pr in ("statutory", "core", "discretionary"):
                want = getattr(hand[p], f"unmet_{pr}") - getattr(base[p], f"unmet_{pr}")
                assert rows.loc[p, f"extra_unmet_{pr}"] == pytest.approx(want, abs=1e-6)
            assert rows.loc[p, "extra_unmet_hours"] == pytest.approx(
                hand[p].hours_unmet - base[p].hours_unmet, abs=1e-6)
        person = a.people.set_index("staff").loc[s["id"]]
        want_w = sum(w * (getattr(hand[p], f"unmet_{pr}") - getattr(base[p], f"unmet_{pr}"))
                     for p in hand for pr, w in weights.items())
        assert person["extra_weighted_unmet"] == pytest.approx(want_w, abs=1e-5)
    # worst first
    assert list(a.people["extra_weighted_unmet"]) == sorted(a.people["extra_weighted_unmet"],
                                                           reverse=True)


def test_top_k_takes_the_most_relied_upon():
    full = rs.n_minus_1(SMALL, time_limit=10, max_workers=1)
    top = rs.n_minus_1(SMALL, top=2, time_limit=10, max_workers=1)
    assert list(top.people["staff"]) == sorted(
        full.reliance["staff"][:2], key=lambda s: list(top.people["staff"]).index(s))
    assert set(top.people["staff"]) == set(full.reliance["staff"][:2])
    for s in top.people["staff"]:
        a = top.people.set_index("staff").loc[s]
        b = full.people.set_index("staff").loc[s]
        assert a["extra_weighted_unmet"] == pytest.approx(b["extra_weighted_unmet"])
    assert (top.scores["absences_examined"] == 2).all()
    with pytest.raises(staffpool.ValidationError):
        rs.n_minus_1(SMALL, top=0, time_limit=10, max_workers=1)
    with pytest.raises(staffpool.ValidationError):
        rs.n_minus_1(SMALL, staff=["nobody"], time_limit=10, max_workers=1)


def test_hand_computed_absences_scores_and_fragile_cover():
    # swap_pool: a (noise) and b (food) each alone on their skill for both councils.
    pool = swap_pool()
    a = rs.n_minus_1(pool, time_limit=10, max_workers=1)
    people = a.people.set_index("staff")
    # Without a, nobody does noise: A loses 10 h, B 5 h (all core, weight 10).
    assert people.loc["a", "extra_unmet_hours"] == pytest.approx(15)
    assert people.loc["a", "extra_unmet_core"] == pytest.approx(15)
    assert people.loc["a", "extra_weighted_unmet"] == pytest.approx(150)
    assert people.loc["a", "worst_partner"] == "A"
    assert people.loc["a", "worst_partner_extra_hours"] == pytest.approx(10)
    assert people.loc["b", "worst_partner"] == "B"
    assert set(people.loc["a", "pairs_losing_cover"].split(", ")) == {"A/noise", "B/noise"}
    # Score: 1 - worst weighted loss / weighted demand = 1 - 100/150 for both councils.
    scores = a.scores.set_index("partner")
    assert scores.loc["A", "score"] == pytest.approx(1 / 3)
    assert scores.loc["B", "score"] == pytest.approx(1 / 3)
    assert scores.loc["A", "worst_cases"].startswith("a (+10.0 h)")
    assert scores.loc["A", "absences_hurting"] == 2
    # Every (partner, skill) rests on one person.
    assert len(a.fragile) == 4 and (a.fragile["distinct_people"] == 1).all()
    f = a.fragile.set_index(["partner", "skill"])
    assert f.loc[("A", "noise"), "people"] == "a"
    assert f.loc[("A", "noise"), "worst_absence"] == "a"
    assert f.loc[("A", "noise"), "worst_absence_extra_hours"] == pytest.approx(10)
    # Reliance: a carries 10 h of A/noise and 5 h of B/noise, core work (weight 10), each on
    # one person: 150.
    rel = a.reliance.set_index("staff")
    assert rel.loc["a", "reliance"] == pytest.approx(150)
    assert rel.loc["a", "sole_cover_pairs"] == 2
    d = a.to_dict()
    assert d["people"][0]["staff"] in ("a", "b") and len(d["scores"]) == 2


def test_withdrawal_hand_checked():
    pool = swap_pool()
    w = rs.withdrawal(pool, "B", agreements=[{"name": "p", "rule": "population"}],
                      time_limit=10, max_workers=1)
    assert all(v["status"] == "optimal" for v in w.statuses.values())
    others = w.others.set_index("partner")
    assert list(others.index) == ["A", TOTAL]
    # A loses b's food cover: 5 h core unmet; it no longer pays for b's hours.
    assert others.loc["A", "hours_unmet_before"] == pytest.approx(0, abs=1e-6)
    assert others.loc["A", "hours_unmet_after"] == pytest.approx(5)
    assert others.loc["A", "unmet_core_change"] == pytest.approx(5)
    assert others.loc["A", "people_change"] == -1
    assert others.loc["A", "cost_after"] == pytest.approx(100)
    # B alone: its food 10 h met by b, its noise 5 h unmet.
    alone = w.alone.set_index("metric")
    assert alone.loc["hours_unmet", "pooled"] == pytest.approx(0, abs=1e-6)
    assert alone.loc["hours_unmet", "alone"] == pytest.approx(5)
    assert alone.loc["cost", "alone"] == pytest.approx(200)
    # Costs: pooled 450 by population 100:300 = 112.50 : 337.50. After: A alone in the
    # agreement bears the 100 of its own hours; B bears its cost alone, 200.
    costs = w.costs.set_index("partner")
    assert costs.loc["A", "cost_borne_before"] == 112.5
    assert costs.loc["B", "cost_borne_before"] == 337.5
    assert costs.loc["A", "cost_borne_after"] == pytest.approx(100)
    assert costs.loc["B", "cost_borne_after"] == pytest.approx(200)
    assert bool(costs.loc["B", "withdrawing"]) and not bool(costs.loc["A", "withdrawing"])
    assert w.to_dict()["partner"] == "B"
    with pytest.raises(staffpool.ValidationError):
        rs.withdrawal(pool, "Z", time_limit=10, max_workers=1)


def test_withdrawal_equals_re_solving_without_the_partner():
    w = rs.withdrawal(SMALL, "C", time_limit=10, max_workers=1)
    hand = copy.deepcopy(SMALL)
    gone = {s["id"] for s in hand["staff"] if s["partner"] == "C"}
    hand["staff"] = [s for s in hand["staff"] if s["partner"] != "C"]
    hand["demand"] = [d for d in hand["demand"] if d["partner"] != "C"]
    hand["availability"] = [a for a in hand["availability"] if a["staff"] not in gone]
    sol = {p.partner: p for p in solve_by_hand(hand).partners}
    others = w.others.set_index("partner")
    for p in ("A", "B"):
        assert others.loc[p, "hours_unmet_after"] == pytest.approx(sol[p].hours_unmet, abs=1e-6)
        assert others.loc[p, "cost_after"] == pytest.approx(sol[p].cost, abs=1e-6)
