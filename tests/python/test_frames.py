"""pandas in and out: Pool.from_frames, pool.to_frames and the results' to_frame()."""
from __future__ import annotations

import copy
import math

import pytest

pd = pytest.importorskip("pandas")

import staffpool  # noqa: E402
from staffpool import Pool  # noqa: E402

from random_pools import random_scenario  # noqa: E402

NAN = float("nan")
TERMS = ("unmet", "fairness", "resilience", "cost")

# the documented result columns (docs/python-api.md, "The solution")
COLUMNS = {
    "assignments": ["staff", "partner", "skill", "site", "period", "demand_index", "hours",
                    "travel_hours", "cost"],
    "unmet": ["partner", "skill", "site", "period", "demand_index", "priority", "hours_demanded",
              "hours_unmet", "reason", "explanation"],
    "partners": ["partner", "hours_demanded", "hours_received", "hours_unmet", "unmet_statutory",
                 "unmet_core", "unmet_discretionary", "unmet_fraction", "cost"],
    "resilience": ["partner", "skill", "hours_demanded", "hours_received", "distinct_people",
                   "largest_share", "largest_staff", "min_people", "max_share", "people_short",
                   "share_excess_hours"],
}


def objective(sol):
    return tuple(getattr(sol.objective, term) for term in TERMS)


def same_objective(a, b):
    assert a.status == b.status == "optimal"
    for term, x, y in zip(TERMS, objective(a), objective(b)):
        assert x == pytest.approx(y, rel=1e-9, abs=1e-9), term


def frames_from_scenario(s):
    """DataFrames for Pool.from_frames built by hand from a scenario dict, with empty (NaN) cells
    wherever the scenario leaves a field out."""
    staff = pd.DataFrame([{k: v for k, v in r.items() if k not in ("skills", "authorised")}
                          for r in s["staff"]])
    staff_skills = pd.DataFrame([(r["id"], k, v) for r in s["staff"]
                                 for k, v in r.get("skills", {}).items()],
                                columns=["staff", "skill", "level"])
    authorised = pd.DataFrame([(r["id"], p) for r in s["staff"]
                               for p in (r.get("authorised") or [])],
                              columns=["staff", "partner"])
    return dict(
        periods=s["periods"], period_labels=s.get("period_labels"), settings=s.get("settings"),
        partners=pd.DataFrame(s["partners"]), sites=pd.DataFrame(s["sites"]),
        skills=pd.DataFrame(s["skills"]), staff=staff, staff_skills=staff_skills,
        authorised=authorised,
        availability=pd.DataFrame(s.get("availability", []),
                                  columns=["staff", "period", "hours"]),
        demand=pd.DataFrame(s["demand"]), resilience=pd.DataFrame(s.get("resilience", [])),
        travel_minutes=(pd.DataFrame(s["travel_minutes"]) if s.get("travel_minutes") else None))


def test_tiny_frames_have_nan_cells(tiny_scenario):
    frames = frames_from_scenario(tiny_scenario)
    # the fixture leaves fields out on some records: those become NaN cells
    assert frames["demand"]["site"].isna().sum() == 3
    assert frames["demand"]["min_level"].isna().sum() == 3
    assert frames["staff"]["max_travel_minutes"].isna().sum() == 2


def test_from_frames_builds_the_same_pool_as_from_dict(tiny_scenario):
    by_dict = Pool.from_dict(copy.deepcopy(tiny_scenario))
    by_frames = Pool.from_frames(**frames_from_scenario(tiny_scenario))
    assert by_frames.records("staff") == by_dict.records("staff")
    assert by_frames.records("demand") == by_dict.records("demand")
    assert by_frames.records("resilience") == by_dict.records("resilience")
    assert by_frames.settings == by_dict.settings
    assert by_frames.period_labels == by_dict.period_labels
    a, b = staffpool.solve(by_dict), staffpool.solve(by_frames)
    same_objective(a, b)
    assert a.assignments == b.assignments


@pytest.mark.parametrize("seed", [0, 4, 9, 17])
def test_from_frames_matches_from_dict_on_random_pools(seed):
    s = random_scenario(seed)
    a = staffpool.solve(Pool.from_dict(copy.deepcopy(s)), time_limit=60)
    b = staffpool.solve(Pool.from_frames(**frames_from_scenario(s)), time_limit=60)
    same_objective(a, b)


def test_nan_cells_mean_not_given():
    # one frame per list, with NaN wherever a field is not given for that row
    frames = dict(
        periods=2,
        partners=pd.DataFrame({"id": ["A", "B"], "name": ["Council A", NAN],
                               "population": [1000.0, NAN]}),
        sites=pd.DataFrame({"id": ["A-HQ", "B-HQ"], "partner": ["A", "B"],
                            "name": [NAN, "B offices"], "lat": [52.0, 52.135],
                            "lon": [-1.0, -1.0]}),
        skills=pd.DataFrame({"id": ["noise"], "name": [NAN]}),
        staff=pd.DataFrame({"id": ["A1", "B1"], "partner": ["A", "B"], "site": ["A-HQ", "B-HQ"],
                            "contracted_hours": [20, 10], "cost_per_hour": [30.0, 25.0],
                            "max_travel_minutes": [NAN, 60.0], "max_partners": [NAN, 1.0],
                            "name": ["Ann", NAN]}),
        staff_skills=pd.DataFrame({"staff": ["A1", "B1"], "skill": ["noise", "noise"],
                                   "level": [3, 2]}),
        authorised=pd.DataFrame({"staff": ["A1"], "partner": ["A"]}),
        demand=pd.DataFrame({"partner": ["A", "B", "A"], "skill": ["noise"] * 3,
                             "period": [0, 0, 1], "hours": [25.0, 4.0, 5.0],
                             "site": [NAN, "B-HQ", NAN], "min_level": [NAN, 2, NAN],
                             "priority": [NAN, "statutory", "discretionary"],
                             "local_only": [NAN, NAN, True]}),
        resilience=pd.DataFrame({"partner": ["A"], "skill": ["noise"], "min_people": [NAN],
                                 "max_share": [0.8]}),
    )
    pool = Pool.from_frames(**frames)
    staff = {s["id"]: s for s in pool.records("staff")}
    assert staff["A1"]["max_travel_minutes"] is None and staff["A1"]["max_partners"] is None
    assert staff["A1"]["authorised"] == ["A"]
    assert staff["B1"]["authorised"] is None  # no rows in `authorised`: every partner
    assert staff["B1"]["max_partners"] == 1
    assert staff["B1"]["name"] == "B1"  # name left out: the id
    assert [d["site"] for d in pool.records("demand")] == [None, "B-HQ", None]
    assert [d["min_level"] for d in pool.records("demand")] == [1, 2, 1]
    assert [d["priority"] for d in pool.records("demand")] == ["core", "statutory",
                                                               "discretionary"]
    assert [d["local_only"] for d in pool.records("demand")] == [False, False, True]
    assert pool.records("resilience") == [{"partner": "A", "skill": "noise", "min_people": 0,
                                           "max_share": 0.8}]
    assert pool.records("partners")[1]["population"] == 0
    sol = staffpool.solve(pool)
    # Period 0: A1 (20 h) may only work for A; B1 (10 h) may serve one partner. B's 4 h are
    # statutory (weight 100) and only B1 can do them, so B1 serves B; A's 25 core hours get A1's
    # 20 h: 5 h unmet, although B1 has 6 h left -> "partner_limit". U = 5 * 10 = 50.
    # Period 1: A1 does A's 5 local-only hours.
    assert [(u.partner, u.period, u.hours_unmet, u.reason) for u in sol.unmet] == \
        [("A", 0, pytest.approx(5), "partner_limit")]
    assert sol.objective.unmet == pytest.approx(50)
    assert {(a.staff, a.partner, a.period) for a in sol.assignments} == \
        {("A1", "A", 0), ("B1", "B", 0), ("A1", "A", 1)}


def test_from_frames_errors_name_the_row(tiny_scenario):
    frames = frames_from_scenario(tiny_scenario)
    frames["staff_skills"] = pd.concat([frames["staff_skills"], pd.DataFrame(
        [{"staff": "Z9", "skill": "noise", "level": 2}])], ignore_index=True)
    with pytest.raises(staffpool.ValidationError) as excinfo:
        Pool.from_frames(**frames)
    assert excinfo.value.field == "staff"
    assert "staff_skills" in excinfo.value.record
    frames = frames_from_scenario(tiny_scenario)
    frames["staff"].loc[0, "contracted_hours"] = -4
    with pytest.raises(staffpool.ValidationError) as excinfo:
        Pool.from_frames(**frames)
    assert (excinfo.value.record, excinfo.value.field) == ("staff 'A1'", "contracted_hours")
    frames = frames_from_scenario(tiny_scenario)
    frames["staff_skills"].loc[0, "level"] = NAN
    with pytest.raises(staffpool.ValidationError) as excinfo:
        Pool.from_frames(**frames)
    assert excinfo.value.field == "level"


# ---- to_frames round trip ------------------------------------------------------------------------


def from_pool_frames(pool):
    frames = pool.to_frames()
    return Pool.from_frames(periods=pool.periods, period_labels=pool.period_labels,
                            settings=pool.settings, name=pool.name, **frames)


def test_to_frames_shape(tiny_scenario):
    pool = Pool.from_dict(tiny_scenario)
    frames = pool.to_frames()
    assert set(frames) == {"partners", "sites", "travel_minutes", "skills", "staff",
                           "availability", "demand", "resilience", "staff_skills", "authorised"}
    for kind, frame in frames.items():
        assert isinstance(frame, pd.DataFrame)
        if kind not in ("staff_skills", "authorised"):
            assert len(frame) == len(pool.records(kind)), kind
    assert "skills" not in frames["staff"].columns
    assert "authorised" not in frames["staff"].columns
    assert list(frames["staff_skills"].columns) == ["staff", "skill", "level"]
    assert list(frames["authorised"].columns) == ["staff", "partner"]
    assert len(frames["staff_skills"]) == 4  # A1: noise, food; A2: food; B1: noise
    assert sorted(map(tuple, frames["authorised"].values.tolist())) == [("B1", "A"), ("B1", "B")]
    assert {"partner", "skill", "period", "hours", "site", "min_level", "priority",
            "local_only"} <= set(frames["demand"].columns)


@pytest.mark.parametrize("source", ["tiny", "random-2", "random-6", "random-13"])
def test_to_frames_round_trip(source, tiny_scenario):
    s = tiny_scenario if source == "tiny" else random_scenario(int(source.split("-")[1]))
    pool = Pool.from_dict(s)
    again = from_pool_frames(pool)
    assert again.to_dict() == pool.to_dict()
    same_objective(staffpool.solve(pool, time_limit=60), staffpool.solve(again, time_limit=60))


@pytest.mark.slow
def test_demo_round_trips_through_frames(demo_pool, demo_solution):
    again = from_pool_frames(demo_pool)
    assert again.to_dict() == demo_pool.to_dict()
    sol = staffpool.solve(again, time_limit=120)
    same_objective(sol, demo_solution)


# ---- result frames -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_solution():
    from conftest import TINY_SCENARIO

    s = copy.deepcopy(TINY_SCENARIO)
    s["demand"].append({"partner": "A", "skill": "noise", "period": 0, "hours": 30})
    return staffpool.solve(Pool.from_dict(s))


@pytest.mark.parametrize("name", list(COLUMNS))
def test_result_frames_have_documented_columns(tiny_solution, name):
    records = getattr(tiny_solution, name)
    assert isinstance(records, staffpool.Records)
    assert len(records) > 0
    frame = records.to_frame()
    assert list(frame.columns) == COLUMNS[name]
    assert len(frame) == len(records)
    for row, record in zip(frame.itertuples(index=False), records):
        assert list(row) == [getattr(record, column) for column in COLUMNS[name]]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COLUMNS))
def test_demo_result_frames(demo_solution, name):
    records = getattr(demo_solution, name)
    frame = records.to_frame()
    assert list(frame.columns) == COLUMNS[name]
    assert len(frame) == len(records) > 0


def test_empty_result_frames_keep_their_columns(tiny_scenario):
    sol = staffpool.solve(Pool.from_dict(tiny_scenario), time_limit=0)
    for name, columns in COLUMNS.items():
        frame = getattr(sol, name).to_frame()
        assert list(frame.columns) == columns
        assert len(frame) == len(getattr(sol, name))


def test_empty_result_frames_are_numeric(tiny_scenario):
    import warnings

    sol = staffpool.solve(Pool.from_dict(tiny_scenario), time_limit=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = sol.to_frame()
    assert pd.api.types.is_float_dtype(sol.assignments.to_frame()["hours"])
    assert pd.api.types.is_float_dtype(frame["hours"])


def test_objective_frame(tiny_solution):
    frame = tiny_solution.objective.to_frame()
    assert list(frame.index) == list(TERMS)
    assert list(frame.columns) == ["value", "bound", "gap"]
    for term in TERMS:
        assert frame.loc[term, "value"] == getattr(tiny_solution.objective, term)


def test_solution_frame_groups_by_staff_partner_skill_period():
    # A has two sites; A1 (40 h) serves 6 h at A-N and 4 h at A-S in week 1, and 3 h at A-N in
    # week 2: three assignments, but two rows of (staff, partner, skill, period).
    s = {
        "periods": 2, "period_labels": ["week 1", "week 2"],
        "partners": [{"id": "A"}],
        "sites": [{"id": "A-N", "partner": "A", "lat": 52.0, "lon": -1.0},
                  {"id": "A-S", "partner": "A", "lat": 52.0, "lon": -1.0}],
        "skills": [{"id": "noise"}],
        "staff": [{"id": "A1", "partner": "A", "site": "A-N", "contracted_hours": 40,
                   "cost_per_hour": 10, "skills": {"noise": 1}}],
        "demand": [{"partner": "A", "site": "A-N", "skill": "noise", "period": 0, "hours": 6},
                   {"partner": "A", "site": "A-S", "skill": "noise", "period": 0, "hours": 4},
                   {"partner": "A", "site": "A-N", "skill": "noise", "period": 1, "hours": 3}],
    }
    sol = staffpool.solve(Pool.from_dict(s))
    assert len(sol.assignments) == 3
    frame = sol.to_frame()
    assert list(frame.columns[:4]) == ["staff", "partner", "skill", "period"]
    assert {"hours", "travel_hours", "cost"} <= set(frame.columns)
    rows = {(r.staff, r.partner, r.skill, r.period): (r.hours, r.cost)
            for r in frame.itertuples(index=False)}
    assert rows == {("A1", "A", "noise", "week 1"): (pytest.approx(10), pytest.approx(100)),
                    ("A1", "A", "noise", "week 2"): (pytest.approx(3), pytest.approx(30))}
    assert frame["hours"].sum() == pytest.approx(sum(a.hours for a in sol.assignments))


@pytest.mark.slow
def test_demo_solution_frame_is_grouped(demo_solution):
    frame = demo_solution.to_frame()
    keys = ["staff", "partner", "skill", "period"]
    assert not frame.duplicated(keys).any()
    expected = demo_solution.assignments.to_frame().groupby(keys)["hours"].sum()
    assert len(frame) == len(expected)
    got = frame.set_index(keys)["hours"].sort_index()
    assert got.values == pytest.approx(expected.sort_index().values)
    assert math.isclose(frame["cost"].sum(), demo_solution.objective.cost, rel_tol=1e-9)
