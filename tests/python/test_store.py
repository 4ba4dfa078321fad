"""The store through Python: save and load, the nightly write, stored plans, bad databases,
hand-edited databases validated on load, names stored verbatim."""
from __future__ import annotations

import sqlite3

import pytest

import staffpool
from staffpool.store import (DatabaseBusyError, InputsChangedError, NotADatabaseError,
                             ReadOnlyDatabaseError, Store)

NASTY = "O'Brien\"; DROP TABLE staff; --"


@pytest.fixture
def tiny_db(tmp_path, tiny_scenario):
    path = str(tmp_path / "pool.db")
    with Store.create(path) as db:
        db.save_pool(staffpool.Pool.from_dict(tiny_scenario))
    return path


def test_save_load_round_trip(tiny_db, tiny_scenario):
    with Store(tiny_db) as db:
        pool = db.load_pool()
    original = staffpool.Pool.from_dict(tiny_scenario).to_dict()
    loaded = pool.to_dict()
    assert loaded["period_labels"] == ["W1", "W2"] and loaded["name"] == "tiny"
    assert loaded["settings"] == original["settings"]
    for kind in ("partners", "skills", "resilience"):
        assert loaded[kind] == original[kind]
    assert [s["skills"] for s in loaded["staff"]] == [s["skills"] for s in original["staff"]]
    assert [(d["partner"], d["skill"], d["period"], d["hours"]) for d in loaded["demand"]] == \
        [(d["partner"], d["skill"], d["period"], d["hours"]) for d in original["demand"]]


def test_plan_matches_direct_solve(tiny_db, tiny_scenario):
    direct = staffpool.solve(staffpool.Pool.from_dict(tiny_scenario))
    with Store(tiny_db) as db:
        assert db.current_plan() is None
        result = db.plan()
        assert result.has_plan and result.plan_id == result.run_id == 1
        assert db.current_plan() == 1
        stored = db.plan_solution()
        runs = db.runs()
    assert stored.status == direct.status == "optimal"
    for term in ("unmet", "fairness", "resilience", "cost"):
        assert getattr(stored.objective, term) == pytest.approx(getattr(direct.objective, term))
    key = lambda a: (a.staff, a.partner, a.skill, a.period, round(a.hours, 9))  # noqa: E731
    assert sorted(map(key, stored.assignments)) == sorted(map(key, direct.assignments))
    assert [(u.partner, u.reason, u.hours_unmet) for u in stored.unmet] == \
        [(u.partner, u.reason, u.hours_unmet) for u in direct.unmet]
    assert runs[0]["status"] == "optimal" and len(runs[0]["input_hash"]) == 64
    assert runs[0]["library_version"] == staffpool.__version__


def test_horizon(tiny_db):
    with Store(tiny_db) as db:
        pool = db.load_pool("W2", 1)
        assert pool.periods == 1 and pool.period_labels == ["W2"]
        assert [d["skill"] for d in pool.records("demand")] == ["food", "food"]
        result = db.plan(first_period="W2", periods=1)
        sol = result.solution
        assert {a.period for a in sol.assignments} == {"W2"}
        assert {a.demand_index for a in sol.assignments} <= {2, 4}  # database demand ids
        with pytest.raises(staffpool.ValidationError, match="periods"):
            db.load_pool(1, 5)
        with pytest.raises(staffpool.ValidationError, match="unknown period"):
            db.load_pool("W9")


def test_no_plan_keeps_current(tiny_db):
    with Store(tiny_db) as db:
        first = db.plan()
        stopped = db.plan(time_limit=0)
        assert stopped.status == "no_solution" and stopped.plan_id is None
        assert db.current_plan() == first.plan_id
        assert [r["status"] for r in db.runs()] == ["optimal", "no_solution"]


def test_inputs_changed_between_read_and_write(tiny_db, tiny_scenario, monkeypatch):
    with Store(tiny_db) as db, Store(tiny_db) as other:
        original = Store._solve

        def solve_then_edit(self, *args, **kwargs):
            native = original(self, *args, **kwargs)
            tiny_scenario["staff"][0]["contracted_hours"] = 21
            other.save_pool(staffpool.Pool.from_dict(tiny_scenario))
            return native

        monkeypatch.setattr(Store, "_solve", solve_then_edit)
        with pytest.raises(InputsChangedError, match="inputs changed"):
            db.plan()
        assert db.current_plan() is None
        assert db.runs()[-1]["status"] == "inputs_changed"


def test_busy(tiny_db):
    holder = sqlite3.connect(tiny_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(tiny_db, busy_timeout=0.2) as db:
            with pytest.raises(DatabaseBusyError, match="locked"):
                db.plan()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_wrong_path_is_never_created(tmp_path):
    path = tmp_path / "nope.db"
    with pytest.raises(NotADatabaseError, match="cannot open"):
        Store(path)
    assert not path.exists()
    with pytest.raises(NotADatabaseError):
        Store(tmp_path / "no" / "dir.db")
    with pytest.raises(NotADatabaseError):
        Store(tmp_path)  # a directory


def test_not_a_database(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("hello, this is not a database at all, just text " * 10)
    with pytest.raises(NotADatabaseError, match="not a database"):
        Store(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(NotADatabaseError, match="not a staffpool database"):
        Store(other)


def test_newer_schema_is_refused(tiny_db):
    con = sqlite3.connect(tiny_db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(NotADatabaseError, match="newer"):
        Store(tiny_db)


def test_read_only(tiny_db):
    with Store(tiny_db) as db:
        db.plan()
    with Store(f"file:{tiny_db}?mode=ro") as db:
        assert db.readonly
        assert db.plan_solution().status == "optimal"
        with pytest.raises(ReadOnlyDatabaseError):
            db.plan()
    with Store(tiny_db, readonly=True) as db:
        with pytest.raises(ReadOnlyDatabaseError):
            db.save_pool(db.load_pool())


def test_names_stored_verbatim(tmp_path, tiny_scenario):
    sc = tiny_scenario
    sc["partners"][1]["id"] = NASTY
    for record in sc["sites"] + sc["demand"]:
        if record["partner"] == "B":
            record["partner"] = NASTY
    sc["staff"][2]["partner"] = NASTY
    sc["staff"][2]["authorised"] = ["A", NASTY]
    sc["staff"][2]["id"] = "B1'--"
    sc["skills"][0]["name"] = "Noise'); DELETE FROM skills; --"
    path = tmp_path / "nasty.db"
    with Store.create(path) as db:
        db.save_pool(staffpool.Pool.from_dict(sc))
        result = db.plan()
        pool = db.load_pool()
        assert NASTY in {p["id"] for p in pool.records("partners")}
        assert pool.records("skills")[0]["name"] == "Noise'); DELETE FROM skills; --"
        assert {a.partner for a in result.solution.assignments} >= {NASTY}
        assert "B1'--" in {s["id"] for s in pool.records("staff")}
        db.check()


def test_hand_edited_database_is_validated(tiny_db):
    con = sqlite3.connect(tiny_db)
    con.execute("UPDATE staff SET contracted_hours = -5 WHERE id = 'A2'")
    con.commit()
    con.close()
    with Store(tiny_db) as db:
        with pytest.raises(staffpool.ValidationError) as e:
            db.load_pool()
        assert e.value.record == "staff 'A2'" and e.value.field == "contracted_hours"
        assert "table staff, row 2" in str(e.value)
        with pytest.raises(staffpool.ValidationError):
            db.plan()
        assert db.runs()[-1]["status"] == "bad_input"
    con = sqlite3.connect(tiny_db)
    con.execute("UPDATE staff SET contracted_hours = 10 WHERE id = 'A2'")
    con.execute("UPDATE settings SET value = 'fast' WHERE key = 'travel_speed_kmh'")
    con.commit()
    con.close()
    with Store(tiny_db) as db:
        with pytest.raises(staffpool.ValidationError, match="travel_speed_kmh.*must be a number"):
            db.load_pool()


def test_tables_and_rows(tiny_db):
    with Store(tiny_db) as db:
        tables = db.tables()
        assert tables[0] == "settings" and "plan_assignments" in tables
        columns, rows = db.rows("staff")
        assert columns[:2] == ["id", "name"] and len(rows) == 3
        with pytest.raises(staffpool.ValidationError, match="unknown table"):
            db.rows("sqlite_master")
