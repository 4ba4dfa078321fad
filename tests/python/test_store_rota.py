"""The rota's tables in the store (docs/schema.md "Rotas", schema version 4): saving and reading
the inputs, the migration from version 3, the nightly rota write and what it stores, checked
against the inputs by an independent recount; re-planning against the published rota."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3

import pytest

import staffpool
from staffpool import rota_db
from staffpool.cli import main
from staffpool.errors import ValidationError
from staffpool.store import ROTA_COLUMNS, ROTA_RESULT_COLUMNS, InputsChangedError, Store

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSV_TINY = os.path.join(ROOT, "tests", "data", "csv_tiny")
CSV_ROTA = os.path.join(ROOT, "tests", "data", "csv_rota")
FROM, DAYS = "2027-01-04", 14


@pytest.fixture
def csv_dir(tmp_path):
    d = tmp_path / "csv"
    d.mkdir()
    for src in (CSV_TINY, CSV_ROTA):
        for name in os.listdir(src):
            shutil.copy(os.path.join(src, name), d / name)
    return d


@pytest.fixture
def db(tmp_path, csv_dir):
    path = str(tmp_path / "pool.db")
    assert main(["init", path, "-q"]) == 0
    assert main(["import", path, str(csv_dir), "-q"]) == 0
    return path


def rota_input_records(store):
    return {t: store.records(t) for t in ROTA_COLUMNS}


# ---- schema ------------------------------------------------------------------------------------

def test_columns_match_the_schema(db):
    con = sqlite3.connect(db)
    for table, columns in ROTA_COLUMNS.items():
        assert tuple(r[1] for r in con.execute(f"PRAGMA table_info({table})")) == columns
    for table, columns in ROTA_RESULT_COLUMNS.items():
        stored = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        skip = {"rota_id", "id", "created_at", "current"} if table == "rotas" else {"rota_id"}
        assert tuple(c for c in stored if c not in skip) == columns
    assert con.execute("PRAGMA user_version").fetchone()[0] == staffpool._native.lib.\
        SP_STORE_SCHEMA_VERSION == 4
    con.close()
    for t in list(ROTA_COLUMNS) + list(ROTA_RESULT_COLUMNS) + ["rota_published"]:
        assert t in Store.tables()


def _v3_database(path):
    with open(os.path.join(HERE, "schema_v3.sql"), encoding="utf-8") as f:
        schema = f.read()
    con = sqlite3.connect(path)
    con.executescript(schema)
    con.execute("PRAGMA application_id = 1397772108")  # 0x53504F4C
    con.execute("PRAGMA user_version = 3")
    con.executescript("""
        INSERT INTO partners(id, name, population) VALUES ('A', 'Council ''A''', 1000);
        INSERT INTO sites(id, partner, name, lat, lon) VALUES ('A-HQ', 'A', 'HQ', 52, -1);
        INSERT INTO skills(id, name) VALUES ('food', NULL);
        INSERT INTO staff(id, name, partner, site, contracted_hours, cost_per_hour)
            VALUES ('A1', 'Ann', 'A', 'A-HQ', 37, 30);
        INSERT INTO staff_skills VALUES ('A1', 'food', 3);
        INSERT INTO periods VALUES (0, 'W1');
        INSERT INTO runs(started_at, finished_at, command, status, library_version)
            VALUES ('2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 'plan', 'infeasible', '0');
        INSERT INTO agreements(name) VALUES ('all');
    """)
    con.commit()
    con.close()


def test_migration_from_version_3_keeps_the_data(tmp_path, capsys):
    old = str(tmp_path / "v3.db")
    _v3_database(old)
    con = sqlite3.connect(old)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    con.close()
    assert "rota_shifts" not in tables
    # read-only cannot migrate: exit 5, and the file is left at version 3
    assert main(["rota", f"file:{old}?mode=ro", "--show", "-q"]) == 5
    assert "needs upgrading to 4" in capsys.readouterr().err
    with Store(old) as store:  # a writable open migrates, in one transaction
        store.check()
        assert store.current_rota() is None
        assert store.records("rota_shifts") == [] and store.records("rota_published") == []
        store.save_rota({"rota_shifts": [{"id": "D", "start_minute": 540,
                                          "length_minutes": 450}],
                         "rota_shift_posts": [{"shift": "D", "site": "A-HQ", "skill": "food"}],
                         "rota_staff": [{"staff": "A1"}]})
        assert store.records("rota_staff") == [{
            "staff": "A1", "contract": None, "min_minutes_per_week": 0,
            "max_minutes_per_week": None, "min_consecutive": 1, "max_consecutive": None,
            "min_days_off": 1, "max_weekends_per_4_weeks": None}]
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 4
    after = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert after == before


# ---- saving the inputs -------------------------------------------------------------------------

def test_save_and_read_back_the_demo_rota(tmp_path):
    import json

    path = str(tmp_path / "demo.db")
    assert main(["init", path, "--demo", "-q"]) == 0
    with open(os.path.join(os.path.dirname(staffpool.__file__), "data", "demo_rota.json")) as f:
        demo = json.load(f)["tables"]
    with Store(path) as store:
        got = rota_input_records(store)
    for table, rows in demo.items():
        assert len(got[table]) == len(rows), table
        for want, have in zip(rows, got[table]):
            assert {k: v for k, v in have.items() if k in want} == want, table
    # the demo is multi-partner: shifts serve sites of several councils
    sites = {r["site"] for r in got["rota_shift_posts"]}
    partners = {s["partner"] for s in Store(path, readonly=True).records("sites")
                if s["id"] in sites}
    assert len(partners) >= 3
    assert len(got["rota_staff"]) >= 20 and got["rota_absences"] and got["rota_requests"]


@pytest.mark.parametrize("table,row,match", [
    ("rota_shifts", {"id": "X", "start_minute": 1500, "length_minutes": 60},
     r"table rota_shifts, row 3: .*CHECK constraint failed: start_minute"),
    ("rota_absences", {"staff": "A1", "from_date": "2027-02-30", "to_date": "2027-03-01"},
     r"table rota_absences, row 2: .*from_date"),
    ("rota_staff", {"staff": "nobody"},
     r"rota_staff row 4.*refers to a staff record that does not exist"),
])
def test_bad_rows_are_refused_naming_table_and_row(db, table, row, match):
    with Store(db) as store:
        before = rota_input_records(store)
        data = {t: list(r) for t, r in before.items()}
        data[table].append(row)  # after the rows of tests/data/csv_rota
        with pytest.raises(ValidationError, match=match):
            store.save_rota(data)
        assert rota_input_records(store) == before  # nothing written
        store.check()


def test_a_pool_import_cannot_drop_staff_on_the_rota(db):
    with Store(db) as store:
        pool = store.load_pool()
        d = pool.to_dict()
        d["staff"] = [s for s in d["staff"] if s["id"] != "B1"]
        d["demand"] = d.get("demand", [])
        with pytest.raises(ValidationError, match="rota_staff row 3.*staff record"):
            store.save_pool(staffpool.Pool.from_dict(d))
        assert len(store.records("staff")) == 3
        store.check()


# ---- import batches: several input saves, all or nothing ----------------------------------------

def all_inputs(store):
    return {t: store.records(t) for t in ("partners", "staff", "skills", *ROTA_COLUMNS)}


def pool_without_b1(store):
    d = store.load_pool().to_dict()
    d["staff"] = [s for s in d["staff"] if s["id"] != "B1"]
    d["demand"] = d.get("demand", [])
    return staffpool.Pool.from_dict(d)


def test_a_batch_may_drop_staff_that_a_later_save_of_it_stops_naming(db):
    with Store(db) as store:
        rota = rota_input_records(store)
        rota = {t: [r for r in rows if r.get("staff") != "B1"] for t, rows in rota.items()}
        pool = pool_without_b1(store)
        with store.import_batch():
            store.save_pool(pool)  # alone it is refused (test above)
            store.save_rota(rota)
        assert {s["id"] for s in store.records("staff")} == {"A1", "A2"}
        assert "B1" not in {r["staff"] for r in store.records("rota_staff")}
        store.check()


def test_a_batch_whose_references_do_not_resolve_writes_nothing(db):
    with Store(db) as store:
        before = all_inputs(store)
        pool = pool_without_b1(store)
        with pytest.raises(ValidationError, match="rota_staff row 3.*staff record"):
            with store.import_batch():
                store.save_pool(pool)
                store.save_rota({t: before[t] for t in ROTA_COLUMNS})  # still names B1
        assert all_inputs(store) == before
        store.check()
        store.save_rota(rota_input_records(store))  # the connection is usable again


def test_an_error_inside_a_batch_undoes_its_earlier_saves(db):
    with Store(db) as store:
        before = all_inputs(store)
        data = rota_input_records(store)
        data["rota_shifts"].append({"id": "X", "start_minute": 1500, "length_minutes": 60})
        pool = pool_without_b1(store)
        with pytest.raises(ValidationError, match="CHECK constraint failed: start_minute"):
            with store.import_batch():
                store.save_pool(pool)
                store.save_rota(data)
        assert all_inputs(store) == before
        with pytest.raises(RuntimeError):
            with store.import_batch():
                store.save_rota({t: [] for t in ROTA_COLUMNS})
                raise RuntimeError("the caller's own failure")
        assert all_inputs(store) == before
        store.check()


def test_reads_and_result_writes_wait_for_the_batch(db):
    with Store(db) as store:
        with store.import_batch():
            with pytest.raises(staffpool.StaffpoolError, match="import batch is open"):
                store.rota(FROM, DAYS, time_limit=5)
            with pytest.raises(staffpool.StaffpoolError, match="already open"):
                with store.import_batch():
                    pass
        assert store.rota(FROM, DAYS, time_limit=5).status in ("optimal", "feasible")


# ---- the nightly write -------------------------------------------------------------------------

def check_against_inputs(store, rota_id):
    """Recounts a stored rota from the inputs, independently of the engine's own accounting."""
    tables = store.rota_tables(rota_id)
    head = tables["rotas"][0]
    first = dt.date.fromisoformat(head["from_date"])
    dates = [(first + dt.timedelta(days=d)).isoformat() for d in range(head["days"])]
    shifts = {s["id"]: s for s in store.records("rota_shifts")}
    posts = {}
    for p in store.records("rota_shift_posts"):
        posts.setdefault(p["shift"], set()).add((p["site"], p["skill"]))
    held = {(r["staff"], r["skill"]) for r in store.records("staff_skills")}
    weekly = {(r["staff"], r["weekday"]) for r in store.records("rota_weekly_days_off")}
    absent = set()
    for a in store.records("rota_absences"):
        for d in dates:
            if a["from_date"] <= d <= a["to_date"]:
                absent.add((a["staff"], d))
    seen = set()
    count = {}
    for a in tables["rota_assignments"]:
        assert a["date"] in dates
        assert (a["staff"], a["date"]) not in seen  # one shift a day
        seen.add((a["staff"], a["date"]))
        assert (a["site"], a["skill"]) in posts.get(a["shift"], {(None, None)})
        assert a["skill"] is None or (a["staff"], a["skill"]) in held
        assert (a["staff"], a["date"]) not in absent
        assert (a["staff"], dt.date.fromisoformat(a["date"]).weekday()) not in weekly
        shift = shifts[a["shift"]]
        assert a["start"] == "%sT%02d:%02d" % (a["date"], *divmod(shift["start_minute"], 60))
        assert a["minutes"] == shift["length_minutes"]
        key = (a["date"], a["shift"], a["site"], a["skill"])
        count[key] = count.get(key, 0) + 1
    for c in tables["rota_cover_results"]:
        assert c["assigned"] == count.get((c["date"], c["shift"], c["site"], c["skill"]), 0)
        if c["assigned"] < c["requirement"]:
            assert c["under_penalty"] > 0
    minutes = {}
    for a in tables["rota_assignments"]:
        minutes[a["staff"]] = minutes.get(a["staff"], 0) + a["minutes"]
    for p in tables["rota_people"]:
        assert p["minutes"] == minutes.get(p["staff"], 0)
    total = sum(r["value"] for r in tables["rota_penalties"])
    assert head["objective"] == pytest.approx(total, abs=1e-6)
    assert head["assignments"] == len(tables["rota_assignments"])
    return tables


def test_rota_write_stores_a_consistent_current_rota(db):
    with Store(db) as store:
        run = store.rota(FROM, DAYS, time_limit=30)
        assert run.has_rota and run.rota_id == run.run_id == store.current_rota()
        tables = check_against_inputs(store, run.rota_id)
        assert tables["rotas"][0]["current"] == 1 and tables["rotas"][0]["status"] == run.status
        # the engine's result and the stored rows agree
        assert sorted((a.person, FROM_DAY(a.day), a.shift) for a in run.result.assignments) == \
            sorted((a["staff"], a["date"], a["shift"]) for a in tables["rota_assignments"])
        # what was written is now published
        published = store.records("rota_published")
        assert sorted((p["staff"], p["date"], p["shift"]) for p in published) == \
            sorted((a["staff"], a["date"], a["shift"]) for a in tables["rota_assignments"])
        last = store.runs()[-1]
        assert last["id"] == run.run_id and last["command"] == "rota"
        assert last["input_hash"] == run.input_hash and len(run.input_hash) == 64
        # the inputs of the tiny rota: A1 absent 11-12 Jan, A2 never on Sundays
        assert not [a for a in tables["rota_assignments"]
                    if a["staff"] == "A1" and a["date"] in ("2027-01-11", "2027-01-12")]
        store.check()


def FROM_DAY(day):
    return (dt.date.fromisoformat(FROM) + dt.timedelta(days=day)).isoformat()


def test_no_roster_records_the_run_and_keeps_the_current_rota(db):
    with Store(db) as store:
        first = store.rota(FROM, DAYS, time_limit=30)
        assert first.has_rota
        before = store.rota_tables()
        # three noise people needed on a Tuesday; only A1 and B1 hold the skill: infeasible
        records = rota_input_records(store)
        records["rota_cover_dates"].append({"shift": "LB", "site": "B-HQ", "skill": "noise",
                                            "date": "2027-01-05", "requirement": 3,
                                            "under_weight": 1, "over_weight": 1, "hard_min": 3})
        store.save_rota(records)
        run = store.rota(FROM, DAYS, time_limit=30)
        assert not run.has_rota and run.status in ("infeasible", "no_solution")
        assert store.current_rota() == first.rota_id
        assert store.rota_tables() == before
        assert store.runs()[-1]["status"] == run.status


def test_bad_horizon_is_bad_input_and_recorded(db):
    with Store(db) as store:
        for first, days, field in (("2027-13-01", 7, "from"), ("2027-01-04", 0, "days"),
                                   ("4 Jan 2027", 7, "from")):
            with pytest.raises(ValidationError, match=field):
                store.rota(first, days)
            assert store.runs()[-1]["status"] == "bad_input"
        assert store.current_rota() is None


def test_inputs_changed_during_the_solve_writes_nothing(db, monkeypatch):
    real = staffpool.rota.Rota.solve

    def solve_while_someone_edits(self, *args, **kwargs):
        with Store(db) as other:
            records = rota_input_records(other)
            records["rota_absences"].append({"id": 9, "staff": "B1", "from_date": "2027-01-05",
                                             "to_date": "2027-01-05", "reason": "sick"})
            other.save_rota(records)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(staffpool.rota.Rota, "solve", solve_while_someone_edits)
    with Store(db) as store:
        with pytest.raises(InputsChangedError) as e:
            store.rota(FROM, DAYS, time_limit=30)
        assert e.value.run_id and store.runs()[-1]["status"] == "inputs_changed"
        assert store.current_rota() is None and store.records("rota_assignments") == []


def test_a_rota_stored_during_the_solve_counts_as_a_change(db, monkeypatch):
    """Two rota jobs at once: the one that commits second planned against a published rota that
    is no longer the newest, so it must not write."""
    real = staffpool.rota.Rota.solve
    calls = []

    def solve_and_let_another_job_commit(self, *args, **kwargs):
        if not calls:
            calls.append(1)
            with Store(db) as other:
                other_run = other.rota(FROM, DAYS, time_limit=30)
                calls.append(other_run.rota_id)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(staffpool.rota.Rota, "solve", solve_and_let_another_job_commit)
    with Store(db) as store:
        with pytest.raises(InputsChangedError):
            store.rota(FROM, DAYS, time_limit=30)
        assert store.current_rota() == calls[1]


def test_read_only_database_refuses_the_write(db):
    with Store(f"file:{db}?mode=ro", readonly=True) as store:
        with pytest.raises(staffpool.store.ReadOnlyDatabaseError):
            store.rota(FROM, DAYS)


# ---- re-planning -------------------------------------------------------------------------------

def test_replan_after_an_absence_keeps_other_published_assignments(db):
    with Store(db) as store:
        first = store.rota(FROM, DAYS, time_limit=30)
        before = store.rota_tables(first.rota_id)["rota_assignments"]
        victim = "B1"
        days = sorted(a["date"] for a in before if a["staff"] == victim)[:2]
        records = rota_input_records(store)
        records["rota_absences"].append({"id": 99, "staff": victim, "from_date": days[0],
                                         "to_date": days[-1], "reason": "sick"})
        store.save_rota(records)
        second = store.rota(FROM, DAYS, time_limit=30)
        assert second.has_rota and second.published == len(before)
        after = check_against_inputs(store, second.rota_id)
        kept = {(a["staff"], a["date"], a["shift"], a["site"], a["skill"])
                for a in after["rota_assignments"]}
        for a in before:
            if a["staff"] != victim:
                assert (a["staff"], a["date"], a["shift"], a["site"], a["skill"]) in kept, a
        was = {(a["staff"], a["date"], a["shift"], a["site"], a["skill"]) for a in before}
        for a in after["rota_assignments"]:  # the published flag says exactly that
            assert a["published"] == ((a["staff"], a["date"], a["shift"], a["site"],
                                       a["skill"]) in was)
        removed = [c for c in after["rota_changes"] if c["staff"] == victim]
        assert {c["date"] for c in removed} >= {d for d in days}
        # the engine's list of changes equals a diff of the two rosters
        horizon = rota_db.Horizon(dt.date.fromisoformat(FROM), DAYS, 0, {}, {}, {},
                                  published=store.records("rota_published")[:0] + [
                                      {"staff": a["staff"], "date": a["date"],
                                       "shift": a["shift"], "site": a["site"],
                                       "skill": a["skill"]} for a in before])

        class A:
            def __init__(self, r):
                self.person, self.shift, self.site, self.skill = (r["staff"], r["shift"],
                                                                  r["site"], r["skill"])
                self.day = (dt.date.fromisoformat(r["date"]) - horizon.first).days

        diff = rota_db.diff_published(horizon, [A(r) for r in after["rota_assignments"]])
        assert sorted(tuple(c[k] for k in ROTA_RESULT_COLUMNS["rota_changes"])
                      for c in after["rota_changes"]) == sorted(diff)
        # the published view now shows the new rota on every date it covers
        assert {(p["rota_id"]) for p in store.records("rota_published")} == {second.rota_id}


def test_freeze_days_come_from_the_option_or_the_setting(db):
    with Store(db) as store:
        run = store.rota(FROM, DAYS, time_limit=30, freeze_days=3)
        assert run.freeze_days == 3 and store.rota_tables()["rotas"][0]["freeze_days"] == 3
        records = rota_input_records(store)
        records["rota_settings"].append({"key": "freeze_days", "value": 5})
        store.save_rota(records)
        run = store.rota(FROM, DAYS, time_limit=30)
        assert run.freeze_days == 5 and store.rota_tables()["rotas"][0]["freeze_days"] == 5
        records["rota_settings"].append({"key": "freeze_weeks", "value": 1})
        store.save_rota(records)
        with pytest.raises(ValidationError, match="rota_settings, row 4: key: unknown setting "
                                                  "'freeze_weeks'"):
            store.rota(FROM, DAYS)
