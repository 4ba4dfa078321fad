"""Redeployment in the store and `staffpool redeploy` (docs/schema.md "Redeployment")."""
from __future__ import annotations

import csv
import json
import os
import sqlite3

import pytest

from staffpool import Pool
from staffpool.cli import main
from staffpool.errors import ValidationError
from staffpool.redeploy import Redeployment
from staffpool.store import (REDEPLOY_COLUMNS, RESULT_COLUMNS, Store, redeployment_rows)


@pytest.fixture()
def demo_db(tmp_path):
    path = str(tmp_path / "pool.db")
    assert main(["init", path, "--demo", "-q"]) == 0
    return path


def test_columns_match_the_schema(demo_db):
    with Store(demo_db) as db:
        for table, columns in REDEPLOY_COLUMNS.items():
            assert tuple(db.rows(table)[0]) == columns
        assert tuple(db.rows("redeploy_results")[0])[1:] == \
            RESULT_COLUMNS[:2] + ("created_at",) + RESULT_COLUMNS[2:]


def test_round_trip_matches_a_direct_solve(demo_db, tmp_path, capsys):
    assert main(["redeploy", demo_db, "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    run = data["runs"][0]
    direct = Redeployment.demo().solve()
    assert run["status"] == direct.status == "optimal"
    assert run["totals"]["redundant"] == direct.totals.redundant
    assert run["totals"]["net_cost"] == pytest.approx(direct.totals.net_cost)
    out = tmp_path / "out"
    assert main(["export", demo_db, "--format", "csv", "--redeploy", "latest", str(out),
                 "-q"]) == 0
    with open(out / "redeploy_outcomes.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(direct.outcomes)
    by_person = {r["person"]: r for r in rows}
    for o in direct.outcomes:
        r = by_person[o.person]
        assert r["outcome"] == o.outcome and r["reason"] == o.reason
        assert (r["vacancy"] or None) == o.vacancy
        assert float(r["cost"]) == pytest.approx(o.cost)
    with Store(demo_db) as db:
        head = db.redeploy_results(run["run"])[0]
        assert head["redundant"] == direct.totals.redundant
        assert db.runs()[-1]["status"] == "optimal"
        assert len(db.records("redeploy_pool_work", run["run"])) == len(direct.pool_work)
    xlsx = tmp_path / "r.xlsx"
    assert main(["export", demo_db, "--format", "xlsx", "--redeploy", str(run["run"]),
                 str(xlsx), "-q"]) == 0
    from openpyxl import load_workbook
    wb = load_workbook(xlsx)
    assert wb["Outcomes"].max_row == len(direct.outcomes) + 1
    # the exported directory imports again and solves the same
    db2 = str(tmp_path / "again.db")
    assert main(["init", db2, "-q"]) == 0
    assert main(["import", db2, str(out), "-q"]) == 0
    assert main(["redeploy", db2, "-q"]) == 0
    with Store(db2) as db:
        assert db.redeploy_results()[0]["net_cost"] == pytest.approx(direct.totals.net_cost)


def test_bad_input_is_recorded_and_exits_2(demo_db, capsys):
    con = sqlite3.connect(demo_db)
    con.execute("UPDATE redeploy_people SET pay = -5 WHERE rowid = 1")
    con.commit()
    con.close()
    assert main(["redeploy", demo_db]) == 2
    assert "pay" in capsys.readouterr().err
    with Store(demo_db) as db:
        run = db.runs()[-1]
        assert run["status"] == "bad_input" and run["command"] == "redeploy"
        assert db.redeploy_results() == []


def test_no_scenario_and_unknown_scenario_exit_2(tmp_path, demo_db):
    empty = str(tmp_path / "e.db")
    assert main(["init", empty, "-q"]) == 0
    assert main(["redeploy", empty, "-q"]) == 2
    assert main(["redeploy", demo_db, "--scenario", "nope", "-q"]) == 2


def test_exit_codes_no_db_and_busy(tmp_path, demo_db):
    assert main(["redeploy", str(tmp_path / "missing.db"), "-q"]) == 5
    assert not os.path.exists(tmp_path / "missing.db")
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    assert main(["redeploy", str(tmp_path / "junk.db"), "-q"]) == 5
    assert main(["redeploy", f"file:{demo_db}?mode=ro", "-q"]) == 5
    con = sqlite3.connect(demo_db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        assert main(["redeploy", demo_db, "--busy-timeout", "0.2", "-q"]) == 4
    finally:
        con.execute("ROLLBACK")
        con.close()


def test_no_solution_exits_3_and_is_recorded(demo_db):
    assert main(["redeploy", demo_db, "--time-limit", "0", "-q"]) in (0, 3)
    with Store(demo_db) as db:
        run = db.runs()[-1]
        assert run["status"] in ("optimal", "feasible", "no_solution")
        if run["status"] == "no_solution":
            assert db.redeploy_results(run["id"]) == []


def test_inputs_changed_during_the_solve(demo_db):
    with Store(demo_db) as db:
        input_hash, snap, scenarios = db.redeploy_inputs()
        con = sqlite3.connect(demo_db)
        con.execute("UPDATE redeploy_people SET pay = pay + 1 WHERE rowid = 1")
        con.commit()
        con.close()
        from staffpool._native import ffi, lib
        info = ffi.new("sp_run_info *")
        status = ffi.new("char[]", b"no_solution")
        info.status = status
        run = ffi.new("long long *")
        err = ffi.new("sp_error *")
        rc = lib.sp_store_write_redeployment(run, db._handle(), snap, b"redeploy", info,
                                             ffi.NULL, 0, err)
        assert rc == lib.SP_ECHANGED
        assert db.runs()[-1]["status"] == "inputs_changed"


def test_sql_text_in_names_is_stored_verbatim(tmp_path):
    nasty = "O'Brien\"); DROP TABLE runs; --"
    path = str(tmp_path / "n.db")
    with Store.create(path) as db:
        db.save_pool(Pool.demo())
        d = Redeployment.demo().to_dict()
        d["name"] = nasty
        d["people"][0]["name"] = nasty
        d["people"][0]["post"] = nasty
        db.save_redeployment(d, scenario_id=nasty)
        runs = db.redeploy()
        assert runs[0].redeployment == nasty
        head = db.redeploy_results()[0]
        assert head["redeployment"] == nasty and head["name"] == nasty
        outcome = db.records("redeploy_outcomes", runs[0].run_id)[0]
        assert outcome["name"] == nasty and outcome["post"] == nasty
        assert "runs" in db.tables()
        db.check()


def test_migration_from_version_1(tmp_path, demo_db):
    """A version-1 database (the schema before redeployment) is migrated on open, keeping its
    pool and plans."""
    old = str(tmp_path / "v1.db")
    con = sqlite3.connect(demo_db)
    v1_tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'redeploy%' "
        "AND name NOT LIKE 'agreement%' AND name NOT LIKE 'rota%'")]
    rota_tables = [r[0] for r in con.execute(  # version 4
        "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'rota%'")]
    con.close()
    import shutil
    shutil.copy(demo_db, old)
    con = sqlite3.connect(old)
    con.execute("DROP VIEW rota_published")
    for t in rota_tables:
        con.execute(f"DROP TABLE {t}")
    for t in ("agreement_skills", "agreement_partners", "agreements",  # version 3
              "redeploy_pool_work", "redeploy_fills", "redeploy_outcomes", "redeploy_objective",
              "redeploy_results", "redeploy_routes", "redeploy_leaving_rates",
              "redeploy_vacancies", "redeploy_preferences", "redeploy_person_skills",
              "redeploy_people", "redeployments"):
        con.execute(f"DROP TABLE {t}")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    con.close()
    # read-only cannot migrate: exit 5 with a clear message
    assert main(["runs", f"file:{old}?mode=ro", "-q"]) == 5
    with Store(old) as db:  # a writable open migrates
        assert "redeployments" in db.tables()
        assert len(db.records("staff")) == 115
        assert db.records("redeployments") == []
        db.check()
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 4  # through 2 and 3 to 4
    assert set(v1_tables) <= {r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert main(["plan", old, "-q", "--periods", "2"]) == 0


def test_pool_import_that_drops_a_referenced_partner_is_refused(demo_db):
    d = Pool.demo().to_dict()
    d["partners"] = [p for p in d["partners"] if p["id"] != "BDD"]
    d["sites"] = [s for s in d["sites"] if s["partner"] != "BDD"]
    keep = {s["id"] for s in d["sites"]}
    d["staff"] = [s for s in d["staff"] if s["site"] in keep]
    ids = {s["id"] for s in d["staff"]}
    d["availability"] = [a for a in d.get("availability", []) if a["staff"] in ids]
    d["demand"] = [x for x in d["demand"] if x["partner"] != "BDD"]
    d["resilience"] = [x for x in d.get("resilience", []) if x["partner"] != "BDD"]
    from staffpool.errors import ValidationError
    with Store(demo_db) as db:
        with pytest.raises(ValidationError, match="does not exist"):
            db.save_pool(Pool.from_dict(d))
        assert len(db.records("partners")) == 7


def test_csv_import_errors_name_file_line_column(tmp_path, demo_db, capsys):
    out = tmp_path / "csv"
    assert main(["export", demo_db, "--format", "csv", str(out), "-q"]) == 0
    path = out / "redeploy_people.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[3]]))
    cells[header.index("pay")] = "lots"
    import io
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    lines[3] = buf.getvalue().rstrip("\n")
    path.write_text("\n".join(lines) + "\n")
    assert main(["import", demo_db, str(out)]) == 2
    err = capsys.readouterr().err
    assert f"redeploy_people.csv, line 4, column {header.index('pay') + 1} (pay)" in err


def test_rows_helper_matches_to_dict():
    rows = redeployment_rows(Redeployment.demo().to_dict(), "x")
    assert len(rows["redeploy_people"]) == 12
    assert all(len(r) == len(REDEPLOY_COLUMNS[t]) for t, rs in rows.items() for r in rs)


def test_a_row_of_the_wrong_width_is_refused_before_c_reads_it(demo_db):
    """C reads rows x columns values: a short row must be caught, naming table and row."""
    with Store(demo_db) as db:
        before = db.records("redeploy_routes")
        rows = redeployment_rows(Redeployment.demo().to_dict())
        rows["redeploy_routes"] = [r[:-1] for r in rows["redeploy_routes"]]
        with pytest.raises(ValidationError, match=r"table redeploy_routes, row 1: expected 6 "
                                                  r"values \(got 5\)"):
            db.save_redeployment_rows(rows)
        assert before and db.records("redeploy_routes") == before  # nothing written
