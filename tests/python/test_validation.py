"""Every error path reachable from Python: the exception type, and that ``.record`` and ``.field``
name the record and field (docs/scenario-format.md: "every error names the record and the field").

Most cases start from the ``tiny_scenario`` fixture, break one value and load it with
``Pool.from_dict``; the rest call the Pool methods or ``staffpool.solve`` directly.
"""
from __future__ import annotations

import gc
import json

import pytest

import staffpool
from staffpool import Pool, ValidationError

NAN = float("nan")
INF = float("inf")
SQL_ID = "Robert'); DROP TABLE staff;--"


def check_error(excinfo, kind, key, field):
    """The error is a ValidationError (a ValueError) naming record ``kind``/``key`` and ``field``."""
    err = excinfo.value
    assert isinstance(err, ValidationError)
    assert isinstance(err, ValueError)
    assert isinstance(err, staffpool.StaffpoolError)
    assert err.field == field, (err.field, str(err))
    assert kind in err.record, (err.record, str(err))
    if key is not None:
        assert key in err.record, (err.record, str(err))
    # the message repeats both, so a user who only sees str(err) still knows where to look
    assert err.record in str(err)
    if field:
        assert field in str(err)


def _set(path, value):
    """A mutation setting scenario[path[0]][path[1]]...[path[-1]] = value."""
    def mutate(s):
        target = s
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def _append(kind, record):
    def mutate(s):
        s.setdefault(kind, []).append(record)
    return mutate


def _pop(path):
    def mutate(s):
        target = s
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return mutate


# (test id, mutation of tiny_scenario, record kind, id in the record (or None), field)
SCENARIO_CASES = [
    # ---- negative / NaN / infinite hours and costs
    ("contracted_hours negative", _set(("staff", 0, "contracted_hours"), -1), "staff", "A1",
     "contracted_hours"),
    ("contracted_hours NaN", _set(("staff", 0, "contracted_hours"), NAN), "staff", "A1",
     "contracted_hours"),
    ("contracted_hours inf", _set(("staff", 0, "contracted_hours"), INF), "staff", "A1",
     "contracted_hours"),
    ("contracted_hours above the 1e7 cap", _set(("staff", 0, "contracted_hours"), 1.5e7), "staff",
     "A1", "contracted_hours"),
    ("cost_per_hour negative", _set(("staff", 1, "cost_per_hour"), -0.01), "staff", "A2",
     "cost_per_hour"),
    ("cost_per_hour NaN", _set(("staff", 1, "cost_per_hour"), NAN), "staff", "A2",
     "cost_per_hour"),
    ("cost_per_hour inf", _set(("staff", 1, "cost_per_hour"), INF), "staff", "A2",
     "cost_per_hour"),
    ("demand hours negative", _set(("demand", 0, "hours"), -5), "demand", "#0", "hours"),
    ("demand hours NaN", _set(("demand", 1, "hours"), NAN), "demand", "#1", "hours"),
    ("demand hours -inf", _set(("demand", 2, "hours"), -INF), "demand", "#2", "hours"),
    ("availability hours negative", _set(("availability", 0, "hours"), -1), "availability", "A2",
     "hours"),
    ("availability hours NaN", _set(("availability", 0, "hours"), NAN), "availability", "A2",
     "hours"),
    ("availability above contracted", _set(("availability", 0, "hours"), 10.5), "availability",
     "A2", "hours"),
    ("travel minutes negative", _append("travel_minutes", {"from": "A-HQ", "to": "B-HQ",
                                                            "minutes": -1}),
     "travel_minutes", "A-HQ", "minutes"),
    ("travel minutes NaN", _append("travel_minutes", {"from": "A-HQ", "to": "B-HQ",
                                                       "minutes": NAN}),
     "travel_minutes", "A-HQ", "minutes"),
    ("population negative", _set(("partners", 0, "population"), -1), "partner", "A",
     "population"),
    ("latitude out of range", _set(("sites", 0, "lat"), 90.5), "site", "A-HQ", "lat"),
    ("longitude NaN", _set(("sites", 1, "lon"), NAN), "site", "B-HQ", "lon"),
    ("max_travel_minutes negative", _set(("staff", 2, "max_travel_minutes"), -5), "staff", "B1",
     "max_travel_minutes"),
    ("max_partners 0", _set(("staff", 2, "max_partners"), 0), "staff", "B1", "max_partners"),
    ("max_partners 1.5", _set(("staff", 2, "max_partners"), 1.5), "staff", "B1", "max_partners"),
    # ---- unknown ids
    ("unknown partner of a site", _set(("sites", 1, "partner"), "Z"), "site", "B-HQ", "partner"),
    ("unknown partner of staff", _set(("staff", 0, "partner"), "Z"), "staff", "A1", "partner"),
    ("unknown site of staff", _set(("staff", 0, "site"), "Z-HQ"), "staff", "A1", "site"),
    ("unknown skill of staff", _set(("staff", 0, "skills", "plumbing"), 2), "staff", "A1",
     "skills"),
    ("unknown authorised partner", _set(("staff", 2, "authorised"), ["A", "Z"]), "staff", "B1",
     "authorised"),
    ("unknown staff in availability", _set(("availability", 0, "staff"), "ZZ"), "availability",
     "ZZ", "staff"),
    ("unknown partner of demand", _set(("demand", 0, "partner"), "Z"), "demand", "#0", "partner"),
    ("unknown skill of demand", _set(("demand", 0, "skill"), "plumbing"), "demand", "#0", "skill"),
    ("unknown site of demand", _set(("demand", 0, "site"), "Z-HQ"), "demand", "#0", "site"),
    ("unknown travel site", _append("travel_minutes", {"from": "A-HQ", "to": "Z-HQ",
                                                        "minutes": 3}),
     "travel_minutes", "A-HQ", "to"),
    ("unknown partner of a rule", _set(("resilience", 0, "partner"), "Z"), "resilience", "Z",
     "partner"),
    ("unknown skill of a rule", _set(("resilience", 0, "skill"), "plumbing"), "resilience", "A",
     "skill"),
    # ---- duplicate ids
    ("duplicate partner", _append("partners", {"id": "A"}), "partner", "A", "id"),
    ("duplicate site", _append("sites", {"id": "B-HQ", "partner": "A", "lat": 52, "lon": -1}),
     "site", "B-HQ", "id"),
    ("duplicate skill", _append("skills", {"id": "food"}), "skill", "food", "id"),
    ("duplicate staff", _append("staff", {"id": "A2", "partner": "B", "site": "B-HQ",
                                          "contracted_hours": 1, "cost_per_hour": 1}),
     "staff", "A2", "id"),
    ("duplicate resilience rule", _append("resilience", {"partner": "A", "skill": "noise",
                                                         "min_people": 2}),
     "resilience", "A", "skill"),
    # ---- demand fields
    ("demand at a site of another partner", _set(("demand", 0, "site"), "B-HQ"), "demand", "#0",
     "site"),
    ("unknown priority", _set(("demand", 1, "priority"), "urgent"), "demand", "#1", "priority"),
    ("priority in capitals", _set(("demand", 1, "priority"), "Statutory"), "demand", "#1",
     "priority"),
    ("min_level 0", _set(("demand", 0, "min_level"), 0), "demand", "#0", "min_level"),
    ("min_level 6", _set(("demand", 0, "min_level"), 6), "demand", "#0", "min_level"),
    ("local_only as text", _set(("demand", 0, "local_only"), "yes"), "demand", "#0",
     "local_only"),
    # ---- skill levels
    ("skill level 0", _set(("staff", 0, "skills", "noise"), 0), "staff", "A1", "skills"),
    ("skill level 6", _set(("staff", 0, "skills", "noise"), 6), "staff", "A1", "skills"),
    ("skills not a mapping", _set(("staff", 0, "skills"), ["noise"]), "staff", "A1", "skills"),
    ("authorised not a list", _set(("staff", 2, "authorised"), "A"), "staff", "B1",
     "authorised"),
    # ---- periods
    ("demand period out of range", _set(("demand", 0, "period"), 2), "demand", "#0", "period"),
    ("demand period negative", _set(("demand", 0, "period"), -1), "demand", "#0", "period"),
    ("demand period not whole", _set(("demand", 0, "period"), 0.5), "demand", "#0", "period"),
    ("unknown period label", _set(("demand", 3, "period"), "W3"), "demand", "#3", "period"),
    ("availability period out of range", _set(("availability", 0, "period"), 7), "availability",
     "A2", "period"),
    ("availability unknown period label", _set(("availability", 0, "period"), "2027-W01"),
     "availability", "A2", "period"),
    ("periods 0", lambda s: (s.update(periods=0), s.pop("period_labels")), "pool", None,
     "periods"),
    ("periods negative", lambda s: (s.update(periods=-3), s.pop("period_labels")), "pool", None,
     "periods"),
    ("period_labels of the wrong length", _set(("period_labels",), ["W1"]), "pool", None,
     "period_labels"),
    ("period_labels not distinct", _set(("period_labels",), ["W1", "W1"]), "pool", None,
     "period_labels"),
    # ---- resilience rules
    ("max_share 0", _set(("resilience", 0, "max_share"), 0), "resilience", "A", "max_share"),
    ("max_share above 1", _set(("resilience", 0, "max_share"), 1.01), "resilience", "A",
     "max_share"),
    ("max_share NaN", _set(("resilience", 0, "max_share"), NAN), "resilience", "A", "max_share"),
    ("min_people negative", _set(("resilience", 0, "min_people"), -1), "resilience", "A",
     "min_people"),
    # ---- settings
    ("reserve_share 1", _set(("settings", "reserve_share"), 1.0), "settings", None,
     "reserve_share"),
    ("reserve_share negative", _set(("settings", "reserve_share"), -0.1), "settings", None,
     "reserve_share"),
    ("travel speed 0", _set(("settings", "travel_speed_kmh"), 0), "settings", None,
     "travel_speed_kmh"),
    ("visit_hours NaN", _set(("settings", "visit_hours"), NAN), "settings", None, "visit_hours"),
    ("min_engagement_hours 0", _set(("settings", "min_engagement_hours"), 0), "settings", None,
     "min_engagement_hours"),
    ("priority weight 0", _set(("settings", "priority_weights"), {"core": 0}), "settings", None,
     "priority_weights"),
    ("unknown priority weight", _set(("settings", "priority_weights"), {"urgent": 5}), "settings",
     None, "priority_weights"),
    ("unknown setting", _set(("settings", "reserve"), 0.1), "settings", None, "reserve"),
    # ---- unknown fields (typos) and missing required fields
    ("typo in a staff field", _set(("staff", 0, "contracted_hour"), 37), "staff", "A1",
     "contracted_hour"),
    ("typo in a demand field", _set(("demand", 2, "prority"), "core"), "demand", "#2", "prority"),
    ("typo in a rule field", _set(("resilience", 0, "min_peeple"), 2), "resilience", "#0",
     "min_peeple"),
    ("typo in a top-level list", _set(("partner",), []), "scenario", None, "partner"),
    ("missing staff site", _pop(("staff", 1, "site")), "staff", "A2", "site"),
    ("missing staff cost", _pop(("staff", 1, "cost_per_hour")), "staff", "A2", "cost_per_hour"),
    ("missing demand hours", _pop(("demand", 0, "hours")), "demand", "#0", "hours"),
    ("missing site coordinates", _pop(("sites", 0, "lat")), "site", "A-HQ", "lat"),
    ("missing partner id", _pop(("partners", 1, "id")), "partner", "#1", "id"),
    ("missing periods", _pop(("periods",)), "scenario", None, "periods"),
    ("required field null", _set(("staff", 0, "site"), None), "staff", "A1", "site"),
    # ---- wrong types
    ("hours as text", _set(("staff", 0, "contracted_hours"), "37"), "staff", "A1",
     "contracted_hours"),
    ("hours as bool", _set(("staff", 0, "contracted_hours"), True), "staff", "A1",
     "contracted_hours"),
    ("demand hours as bool", _set(("demand", 0, "hours"), False), "demand", "#0", "hours"),
    ("cost as list", _set(("staff", 0, "cost_per_hour"), [30]), "staff", "A1", "cost_per_hour"),
    ("periods as text", _set(("periods",), "2"), "pool", None, "periods"),
    ("skill level as text", _set(("staff", 0, "skills", "noise"), "3"), "staff", "A1", "skills"),
    ("skill level as bool", _set(("staff", 0, "skills", "noise"), True), "staff", "A1", "skills"),
    ("min_people as float", _set(("resilience", 0, "min_people"), 1.5), "resilience", "A",
     "min_people"),
    ("a record that is not an object", _append("staff", "A9"), "staff", "#3", ""),
    ("a list that is not a list", _set(("demand",), {"partner": "A"}), "scenario", None,
     "demand"),
    # ---- ids
    ("NUL in a staff id", _set(("staff", 0, "id"), "A\x001"), "staff", None, "id"),
    ("NUL in a partner id", _set(("partners", 0, "id"), "\x00A"), "partner", None, "id"),
    ("NUL in a name", _set(("skills", 0, "name"), "No\x00ise"), "skill", "noise", "name"),
    ("empty skill id", _set(("skills", 1, "id"), ""), "skill", None, "id"),
    ("id longer than 128", _append("skills", {"id": "k" * 129}), "skill", None, "id"),
    ("travel minutes to itself", _append("travel_minutes", {"from": "B-HQ", "to": "B-HQ",
                                                             "minutes": 0}),
     "travel_minutes", "B-HQ", "to"),
    # ---- file header
    ("wrong format", _set(("format",), "other-format"), "scenario", None, "format"),
    ("wrong version", _set(("version",), 2), "scenario", None, "version"),
]


@pytest.mark.parametrize("mutate, kind, key, field",
                         [case[1:] for case in SCENARIO_CASES],
                         ids=[case[0] for case in SCENARIO_CASES])
def test_scenario_error_names_record_and_field(tiny_scenario, mutate, kind, key, field):
    Pool.from_dict(tiny_scenario)  # the unbroken scenario loads
    mutate(tiny_scenario)
    with pytest.raises(ValidationError) as excinfo:
        Pool.from_dict(tiny_scenario)
    check_error(excinfo, kind, key, field)


def test_error_record_is_the_documented_form(tiny_scenario):
    # docs: every error names the record (`staff 'EH-07'`) and the field (`contracted_hours`)
    tiny_scenario["staff"][0]["contracted_hours"] = -1
    with pytest.raises(ValidationError) as excinfo:
        Pool.from_dict(tiny_scenario)
    assert excinfo.value.record == "staff 'A1'"
    assert excinfo.value.field == "contracted_hours"
    assert str(excinfo.value).startswith("staff 'A1': contracted_hours: ")


def test_the_scenario_itself_must_be_an_object():
    with pytest.raises(ValidationError) as excinfo:
        Pool.from_dict([{"periods": 2}])
    assert excinfo.value.record == "scenario"


# ---- the same errors through the Pool methods --------------------------------------------------


@pytest.fixture
def pool(tiny_scenario):
    return Pool.from_dict(tiny_scenario)


METHOD_CASES = [
    ("add_staff NaN hours",
     lambda p: p.add_staff("X", "A", "A-HQ", NAN, 20), "staff", "X", "contracted_hours"),
    ("add_staff inf cost",
     lambda p: p.add_staff("X", "A", "A-HQ", 10, INF), "staff", "X", "cost_per_hour"),
    ("add_staff bool hours",
     lambda p: p.add_staff("X", "A", "A-HQ", False, 20), "staff", "X", "contracted_hours"),
    ("add_staff string cost",
     lambda p: p.add_staff("X", "A", "A-HQ", 10, "20"), "staff", "X", "cost_per_hour"),
    ("add_staff duplicate id",
     lambda p: p.add_staff("B1", "A", "A-HQ", 10, 20), "staff", "B1", "id"),
    ("add_staff NUL in id",
     lambda p: p.add_staff("X\x00Y", "A", "A-HQ", 10, 20), "staff", None, "id"),
    ("add_partner duplicate", lambda p: p.add_partner("B"), "partner", "B", "id"),
    ("add_partner NaN population",
     lambda p: p.add_partner("C", population=NAN), "partner", "C", "population"),
    ("add_site duplicate", lambda p: p.add_site("A-HQ", "B", 52, -1), "site", "A-HQ", "id"),
    ("add_site unknown partner", lambda p: p.add_site("C-HQ", "C", 52, -1), "site", "C-HQ",
     "partner"),
    ("add_skill duplicate", lambda p: p.add_skill("noise"), "skill", "noise", "id"),
    ("set_travel_minutes to itself",
     lambda p: p.set_travel_minutes("A-HQ", "A-HQ", 0), "travel_minutes", "A-HQ", "to"),
    ("set_travel_minutes inf",
     lambda p: p.set_travel_minutes("A-HQ", "B-HQ", INF), "travel_minutes", "A-HQ", "minutes"),
    ("set_availability above contracted",
     lambda p: p.set_availability("A1", 0, 20.5), "availability", "A1", "hours"),
    ("set_availability unknown label",
     lambda p: p.set_availability("A1", "W0", 5), "availability", "A1", "period"),
    ("set_availability period out of range",
     lambda p: p.set_availability("A1", 2, 5), "availability", "A1", "period"),
    ("add_demand unknown priority",
     lambda p: p.add_demand("A", "noise", 0, 5, priority="high"), "demand", "#4", "priority"),
    ("add_demand site of another partner",
     lambda p: p.add_demand("B", "noise", 0, 5, site="A-HQ"), "demand", "#4", "site"),
    ("add_demand level 6",
     lambda p: p.add_demand("A", "noise", 0, 5, min_level=6), "demand", "#4", "min_level"),
    ("add_demand unknown label",
     lambda p: p.add_demand("A", "noise", "W9", 5), "demand", "#4", "period"),
    ("add_demand NaN hours",
     lambda p: p.add_demand("A", "noise", 1, NAN), "demand", "#4", "hours"),
    ("set_resilience duplicate",
     lambda p: p.set_resilience("A", "noise", min_people=3), "resilience", "A", "skill"),
    ("set_resilience max_share 0",
     lambda p: p.set_resilience("B", "noise", max_share=0.0), "resilience", "B", "max_share"),
    ("configure reserve_share NaN",
     lambda p: p.configure(reserve_share=NAN), "settings", None, "reserve_share"),
    ("configure priority weight inf",
     lambda p: p.configure(priority_weights={"statutory": INF}), "settings", None,
     "priority_weights"),
]


@pytest.mark.parametrize("call, kind, key, field", [case[1:] for case in METHOD_CASES],
                         ids=[case[0] for case in METHOD_CASES])
def test_method_error_names_record_and_field(pool, call, kind, key, field):
    before = {kind_: pool.records(kind_) for kind_ in ("staff", "demand", "resilience",
                                                        "availability", "partners", "sites")}
    with pytest.raises(ValidationError) as excinfo:
        call(pool)
    check_error(excinfo, kind, key, field)
    # a refused record is not mirrored on the Python side either
    assert {kind_: pool.records(kind_) for kind_ in before} == before


def test_period_label_without_labels():
    pool = Pool(periods=3)
    pool.add_partner("A")
    pool.add_site("A1", "A", 52, -1)
    pool.add_skill("k")
    with pytest.raises(ValidationError) as excinfo:
        pool.add_demand("A", "k", "week 1", 5)
    check_error(excinfo, "demand", "#0", "period")


def test_pool_constructor_errors():
    for periods in (0, -1, 100001):
        with pytest.raises(ValidationError) as excinfo:
            Pool(periods)
        check_error(excinfo, "pool", None, "periods")
    with pytest.raises(ValidationError) as excinfo:
        Pool(2.5)
    check_error(excinfo, "pool", None, "periods")
    with pytest.raises(ValidationError) as excinfo:
        Pool(True)
    check_error(excinfo, "pool", None, "periods")


# ---- solve options -------------------------------------------------------------------------------


@pytest.mark.parametrize("time_limit", [-1, -1e-9, NAN, "10", True, [5]],
                         ids=["-1", "tiny negative", "NaN", "text", "bool", "list"])
def test_solve_rejects_bad_time_limit(pool, time_limit):
    with pytest.raises(ValidationError) as excinfo:
        staffpool.solve(pool, time_limit=time_limit)
    check_error(excinfo, "options", None, "time_limit")
    with pytest.raises(ValidationError):
        pool.solve(time_limit=time_limit)


@pytest.mark.parametrize("gap", [-0.1, 1.0, NAN, INF], ids=["negative", "one", "NaN", "inf"])
def test_solve_rejects_bad_gap(pool, gap):
    with pytest.raises(ValidationError) as excinfo:
        staffpool.solve(pool, gap=gap)
    err = excinfo.value
    assert err.record == "options"
    # the Python parameter is `gap`; the C option behind it is `rel_gap`
    assert err.field in ("gap", "rel_gap")


def test_solve_rejects_gap_of_the_wrong_type(pool):
    with pytest.raises(ValidationError):
        staffpool.solve(pool, gap="0.01")


def test_bad_options_leave_the_pool_solvable(pool):
    with pytest.raises(ValidationError):
        staffpool.solve(pool, time_limit=NAN)
    assert staffpool.solve(pool).status == "optimal"


# ---- JSON files --------------------------------------------------------------------------------


def test_from_json_invalid_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"periods": 2,\n "partners": [\n', encoding="utf-8")
    with pytest.raises(ValidationError) as excinfo:
        Pool.from_json(path)
    err = excinfo.value
    assert isinstance(err, ValueError)
    assert str(path) in err.record
    assert "not valid JSON" in str(err)
    assert "line " in str(err)


def test_from_json_not_an_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        Pool.from_json(path)


def test_from_json_nan_literal_is_refused_by_validation(tmp_path, tiny_scenario):
    # Python's json module reads the non-standard literal NaN; validation must still catch it.
    text = json.dumps(tiny_scenario).replace('"hours": 12', '"hours": NaN')
    assert "NaN" in text
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as excinfo:
        Pool.from_json(path)
    check_error(excinfo, "demand", "#2", "hours")


def test_from_json_round_trip(tmp_path, tiny_scenario):
    path = tmp_path / "tiny.json"
    Pool.from_dict(tiny_scenario).to_json(path)
    again = Pool.from_json(path)
    assert again.to_dict() == Pool.from_dict(tiny_scenario).to_dict()


# ---- awkward but valid text --------------------------------------------------------------------


def awkward_scenario():
    partner = 'O\'Neill "North" Council'
    site = "Site; DELETE FROM sites WHERE 1=1; --"
    skill = "noise'--"
    return {
        "periods": 1,
        "period_labels": ["week 'one'; DROP TABLE weeks"],
        "partners": [{"id": partner, "name": "Robert'); DROP TABLE partners;--"}],
        "sites": [{"id": site, "partner": partner, "lat": 52, "lon": -1}],
        "skills": [{"id": skill, "name": 'Noise "nuisance"'}],
        "staff": [
            {"id": SQL_ID, "name": 'Bobby "Tables" O\'Hara', "partner": partner, "site": site,
             "contracted_hours": 10, "cost_per_hour": 20, "skills": {skill: 2},
             "authorised": [partner]},
            {"id": "Ærø ✓ 职员 \\ %s %n", "name": "\t\n", "partner": partner, "site": site,
             "contracted_hours": 10, "cost_per_hour": 30, "skills": {skill: 2}},
        ],
        "demand": [{"partner": partner, "site": site, "skill": skill, "period": 0, "hours": 15}],
        "resilience": [{"partner": partner, "skill": skill, "min_people": 1}],
    }


def test_quotes_and_sql_text_are_accepted_and_returned_verbatim(tmp_path):
    scenario = awkward_scenario()
    pool = Pool.from_dict(scenario)
    assert pool.records("staff")[0]["id"] == SQL_ID
    assert pool.records("staff")[0]["name"] == 'Bobby "Tables" O\'Hara'
    sol = staffpool.solve(pool)
    assert sol.status == "optimal"
    # 15 h wanted, 20 h available: the cheaper SQL_ID (20/h) works 10 h, the other 5 h
    by_staff = {a.staff: a for a in sol.assignments}
    assert set(by_staff) == {SQL_ID, "Ærø ✓ 职员 \\ %s %n"}
    assert by_staff[SQL_ID].hours == pytest.approx(10)
    assert by_staff[SQL_ID].partner == 'O\'Neill "North" Council'
    assert by_staff[SQL_ID].site == "Site; DELETE FROM sites WHERE 1=1; --"
    assert by_staff[SQL_ID].skill == "noise'--"
    assert by_staff[SQL_ID].period == "week 'one'; DROP TABLE weeks"
    assert sol.partners[0].partner == 'O\'Neill "North" Council'
    assert sol.resilience[0].largest_staff == SQL_ID
    assert SQL_ID in set(sol.to_frame()["staff"])
    # and back out through a file unchanged
    path = tmp_path / "awkward.json"
    pool.to_json(path)
    assert Pool.from_json(path).to_dict() == pool.to_dict()


def test_quotes_in_an_id_are_quoted_verbatim_in_errors():
    scenario = awkward_scenario()
    scenario["staff"].append(dict(scenario["staff"][0]))
    with pytest.raises(ValidationError) as excinfo:
        Pool.from_dict(scenario)
    assert excinfo.value.record == f"staff '{SQL_ID}'"
    assert excinfo.value.field == "id"


def test_id_of_128_bytes_is_accepted(tiny_scenario):
    tiny_scenario["skills"].append({"id": "k" * 128})
    pool = Pool.from_dict(tiny_scenario)
    assert pool.records("skills")[-1]["id"] == "k" * 128


# ---- a refused record leaves the pool usable ---------------------------------------------------


def test_refused_staff_leaves_pool_usable(pool):
    with pytest.raises(ValidationError):
        pool.add_staff("A3", "A", "A-HQ", -10, 20, skills={"noise": 3})
    with pytest.raises(ValidationError):
        pool.add_staff("A3", "A", "Nowhere", 10, 20, skills={"noise": 3})
    assert [s["id"] for s in pool.records("staff")] == ["A1", "A2", "B1"]
    pool.add_staff("A3", "A", "A-HQ", 40, 1, skills={"noise": 3, "food": 3})
    sol = staffpool.solve(pool)
    assert sol.status == "optimal"
    # A3 is by far the cheapest and has 40 h a period: the whole 30 h of demand is theirs
    assert not sol.unmet
    assert {a.staff for a in sol.assignments} == {"A3"}
    assert sum(a.hours for a in sol.assignments) == pytest.approx(30)


def test_refused_demand_and_rule_leave_pool_usable(pool):
    with pytest.raises(ValidationError):
        pool.add_demand("A", "noise", 0, -3)
    with pytest.raises(ValidationError):
        pool.set_resilience("A", "noise", min_people=2)  # duplicate rule
    pool.add_demand("A", "noise", 1, 3)
    assert len(pool.records("demand")) == 5
    sol = staffpool.solve(pool)
    assert sol.status == "optimal"
    # the new record is demand #4 (the refused one did not take a number)
    assert any(a.demand_index == 4 and a.hours == pytest.approx(3) for a in sol.assignments)


def test_refused_pool_is_freed_cleanly(tiny_scenario):
    # a scenario refused half-way frees its partial C pool without trouble
    tiny_scenario["demand"][2]["site"] = "A-HQ"
    for _ in range(50):
        with pytest.raises(ValidationError):
            Pool.from_dict(tiny_scenario)
    gc.collect()


def test_staff_refused_for_a_bad_skill_is_not_half_added(pool):
    with pytest.raises(ValidationError):
        pool.add_staff("A3", "A", "A-HQ", 10, 20, skills={"noise": 0})
    assert [s["id"] for s in pool.records("staff")] == ["A1", "A2", "B1"]
    pool.add_staff("A3", "A", "A-HQ", 10, 20, skills={"noise": 3})
    Pool.from_dict(pool.to_dict())


def test_staff_refused_for_a_bad_authorisation_gets_no_work(pool):
    with pytest.raises(ValidationError):
        pool.add_staff("A3", "A", "A-HQ", 40, 1, skills={"noise": 3}, authorised=["A", "Z"])
    sol = staffpool.solve(pool)
    assert "A3" not in {a.staff for a in sol.assignments}
