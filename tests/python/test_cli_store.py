"""The `staffpool` command on a database, run as a real process: the round trip CSV -> plan ->
export, exit codes and messages for every bad database, processes killed during the nightly write,
two jobs at once."""
from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import staffpool
from staffpool import csvio

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSV_TINY = os.path.join(ROOT, "tests", "data", "csv_tiny")
ENV = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
ENV.pop("STAFFPOOL_TEST_WRITE_DELAY_US", None)


def run(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "staffpool", *map(str, args)],
                          capture_output=True, text=True, env=env or ENV, timeout=timeout)


def start(*args, env=None):
    return subprocess.Popen([sys.executable, "-m", "staffpool", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or ENV)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "pool.db"
    r = run("init", path)
    assert r.returncode == 0, r.stderr
    r = run("import", path, CSV_TINY)
    assert r.returncode == 0, r.stderr
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_round_trip_csv_plan_export(db, tmp_path):
    r = run("plan", db)
    assert r.returncode == 0, r.stderr
    assert "plan 1 written and current: optimal" in r.stdout
    out = tmp_path / "out"
    r = run("export", db, "--format", "csv", out)
    assert r.returncode == 0, r.stderr
    expected = staffpool.solve(csvio.read_pool(CSV_TINY))
    exported = read_csv(out / "plan_assignments.csv")
    key = lambda s, p, k, t, h: (s, p, k, t, round(float(h), 9))  # noqa: E731
    assert sorted(key(a["staff"], a["partner"], a["skill"], a["period_label"], a["hours"])
                  for a in exported) == \
        sorted(key(a.staff, a.partner, a.skill, a.period, a.hours) for a in expected.assignments)
    unmet = read_csv(out / "plan_unmet.csv")
    assert [(u["partner"], u["reason"]) for u in unmet] == \
        [(u.partner, u.reason) for u in expected.unmet]
    # the exported input tables are the import format: they import back to the same pool
    assert csvio.read_pool(str(out)).to_dict() == csvio.read_pool(CSV_TINY).to_dict()
    names = {p["id"]: p["name"] for p in read_csv(out / "partners.csv")}
    assert names["B"] == "Council B'; DROP TABLE staff; --"  # stored verbatim
    # one table to stdout, and the workbook
    r = run("export", db, "--format", "csv", "--table", "plan_partners", "-")
    assert r.returncode == 0 and r.stdout.startswith("plan_id,partner,")
    xlsx = tmp_path / "plan.xlsx"
    r = run("export", db, "--format", "xlsx", xlsx)
    assert r.returncode == 0, r.stderr
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert wb.sheetnames[:2] == ["Plan", "Assignments"]
    rows = list(wb["Assignments"].iter_rows(values_only=True))
    hours = rows[0].index("hours")
    assert sum(row[hours] for row in rows[1:]) == pytest.approx(
        sum(a.hours for a in expected.assignments))


def test_report_runs_validate_json(db):
    assert run("plan", db, "-q").returncode == 0
    r = run("report", db, "--json")
    assert r.returncode == 0
    import json
    data = json.loads(r.stdout)
    assert data["plan"] == 1 and data["current"] and data["status"] == "optimal"
    r = run("report", db)
    assert "Plan 1 (current)" in r.stdout and "Coverage per partner" in r.stdout
    r = run("runs", db, "--json")
    assert json.loads(r.stdout)[0]["status"] == "optimal"
    r = run("validate", db)
    assert r.returncode == 0 and "ok" in r.stdout
    r = run("plan", "--help")
    assert r.returncode == 0 and "--periods" in r.stdout


def test_no_plan_exit_3(db):
    assert run("plan", db).returncode == 0
    r = run("plan", db, "--time-limit", "0")
    assert r.returncode == 3, r.stderr
    assert "no plan: no_solution" in r.stderr and "current plan is unchanged" in r.stderr
    r = run("report", db, "--plan", "2")
    assert r.returncode == 3 and "no plan 2" in r.stderr


def test_bad_csv_exit_2_names_file_line_column(db, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(CSV_TINY, bad)
    with open(bad / "staff.csv", "a", encoding="utf-8") as f:
        f.write("C1,Cy,A,A-HQ,abc,30,,\n")
        f.write("C2,Cy,A,nowhere,20,30,,\n")
    before = sqlite3.connect(db).execute("SELECT count(*) FROM staff").fetchone()
    r = run("import", db, bad)
    assert r.returncode == 2
    assert "staff.csv, line 5, column 5 (contracted_hours): must be a number (got 'abc')" \
        in r.stderr
    assert "staff.csv, line 6, column 4 (site)" in r.stderr and "unknown site 'nowhere'" in r.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM staff").fetchone() == before


def test_hand_edited_database_exit_2(db):
    con = sqlite3.connect(db)
    con.execute("UPDATE demand SET hours = -3 WHERE id = 2")
    con.commit()
    con.close()
    for command in ("validate", "plan"):
        r = run(command, db)
        assert r.returncode == 2, r.stderr
        assert "table demand, row 2" in r.stderr and "hours" in r.stderr


def test_wrong_path_exit_5_never_created(tmp_path):
    missing = tmp_path / "missing.db"
    for command in (("plan",), ("report",), ("runs",), ("validate",),
                    ("import", missing, CSV_TINY)):
        args = command if command[0] == "import" else (command[0], missing)
        r = run(*args)
        assert r.returncode == 5, (command, r.stderr)
        assert "cannot open" in r.stderr
        assert not missing.exists()
    r = run("init", tmp_path / "no" / "such" / "dir.db")
    assert r.returncode == 5


def test_not_a_database_exit_5(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 20)
    r = run("plan", text)
    assert r.returncode == 5 and "not a database" in r.stderr
    assert text.read_text() == "not a database " * 20
    r = run("init", text)
    assert r.returncode == 2 and "already exists" in r.stderr


def test_read_only_exit_5(db):
    assert run("plan", db).returncode == 0
    uri = f"file:{db}?mode=ro"
    r = run("plan", uri)
    assert r.returncode == 5 and "read-only" in r.stderr
    r = run("import", uri, CSV_TINY)
    assert r.returncode == 5 and "read-only" in r.stderr
    assert run("report", uri).returncode == 0
    assert run("export", uri, "--format", "csv", "--table", "runs", "-").returncode == 0


def test_busy_exit_4(db):
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = run("plan", db, "--busy-timeout", "0.3")
        assert r.returncode == 4, r.stderr
        assert "locked" in r.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run("plan", db).returncode == 0


def integrity(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def snapshot(path):
    """(current plan id, that plan's rows in every plan table, orphan rows)."""
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT plan_id FROM current_plan").fetchone()
        current = row[0] if row else None
        tables = {}
        for t in ("plans", "plan_objective", "plan_assignments", "plan_unmet", "plan_partners",
                  "plan_resilience"):
            col = "id" if t == "plans" else "plan_id"
            tables[t] = con.execute(f"SELECT * FROM {t} WHERE {col} = ? ORDER BY rowid",
                                    (current,)).fetchall()
        orphans = sum(con.execute(f"SELECT count(*) FROM {t} WHERE plan_id NOT IN "
                                  "(SELECT id FROM plans)").fetchone()[0]
                      for t in ("plan_objective", "plan_assignments", "plan_unmet",
                                "plan_partners", "plan_resilience"))
        return current, tables, orphans
    finally:
        con.close()


def content(tables):
    """A plan's content without its id and timestamps, to compare plans of different runs."""
    out = {}
    for t, rows in tables.items():
        if t == "plans":
            out[t] = [r[2:4] + r[6:] for r in rows]  # status, stopped_by, first_period...
        else:
            out[t] = [r[1:] for r in rows]
    return out


def test_killed_during_write_leaves_previous_plan_current(db):
    """50 processes killed at random points, most of them inside the write transaction (slowed
    by the STAFFPOOL_TEST_WRITE_DELAY_US hook): every time the database is intact and the current
    plan is either the previous one, untouched, or a complete new one."""
    assert run("plan", db).returncode == 0
    current, tables, orphans = snapshot(db)
    reference = content(tables)
    n_rows = sum(len(rows) for rows in tables.values())
    delay_us = 4000
    env = dict(ENV, STAFFPOOL_TEST_WRITE_DELAY_US=str(delay_us))
    write_window = (n_rows + 2) * delay_us / 1e6
    rng = random.Random(20260401)
    outcomes = {"kept": 0, "new": 0}
    for trial in range(50):
        p = start("plan", db, "-v", env=env)
        if trial % 5 == 0:  # anywhere in the process's life
            time.sleep(rng.uniform(0.0, 0.5))
        else:  # inside the write: wait for the progress line, then a random part of the window
            line = ""
            while "writing plan" not in line:
                line = p.stderr.readline()
                if not line:
                    break
            time.sleep(rng.uniform(0.0, 1.2 * write_window))
        p.send_signal(signal.SIGKILL)
        p.communicate()
        assert integrity(db) == "ok", trial
        now, now_tables, now_orphans = snapshot(db)
        assert now_orphans == 0, trial
        if now == current:
            assert now_tables == tables, trial  # intact
            outcomes["kept"] += 1
        else:
            assert now > current and content(now_tables) == reference, trial  # complete
            current, tables = now, now_tables
            outcomes["new"] += 1
    print("kill trials:", outcomes)
    assert outcomes["kept"] >= 25  # most kills landed before the commit
    r = run("plan", db)
    assert r.returncode == 0, r.stderr


def test_two_jobs_at_once(db):
    env = dict(ENV, STAFFPOOL_TEST_WRITE_DELAY_US="20000")
    jobs = [start("plan", db, "--busy-timeout", "10", env=env) for _ in range(2)]
    codes = [p.wait(timeout=60) for p in jobs]
    for p in jobs:
        p.communicate()
    assert sorted(codes) in ([0, 0], [0, 4]), codes
    assert integrity(db) == "ok"
    con = sqlite3.connect(db)
    runs = con.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
    current = con.execute("SELECT plan_id FROM current_plan").fetchone()[0]
    con.close()
    assert current == max(run_id for run_id, status in runs if status == "optimal")
    # one waited: with a short timeout the other gives up with exit 4 and a clear message
    jobs = [start("plan", db, "--busy-timeout", "0.05", env=env) for _ in range(2)]
    results = [p.communicate(timeout=60) + (p.returncode,) for p in jobs]
    codes = sorted(r[2] for r in results)
    assert codes in ([0, 0], [0, 4]), results
    for out, err, code in results:
        if code == 4:
            assert "locked" in err
    assert integrity(db) == "ok"
