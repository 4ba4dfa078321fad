"""`staffpool rota` as a real process: the round trip CSV -> rota -> export -> import, exit codes
for every kind of failure, bad CSV named by file, line and column, processes killed during the
rota write, and the demo database's multi-partner rota."""
from __future__ import annotations

import csv
import json
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
from staffpool.store import ROTA_COLUMNS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSV_TINY = os.path.join(ROOT, "tests", "data", "csv_tiny")
CSV_ROTA = os.path.join(ROOT, "tests", "data", "csv_rota")
# the processes run the staffpool package these tests import
ENV = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(staffpool.__file__)))
ENV.pop("STAFFPOOL_TEST_WRITE_DELAY_US", None)
FROM, DAYS = "2027-01-04", "14"


def run(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "staffpool", *map(str, args)],
                          capture_output=True, text=True, env=env or ENV, timeout=timeout)


def start(*args, env=None):
    return subprocess.Popen([sys.executable, "-m", "staffpool", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or ENV)


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
    path = tmp_path / "pool.db"
    assert run("init", path).returncode == 0
    r = run("import", path, csv_dir)
    assert r.returncode == 0, r.stderr
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_round_trip_import_rota_export_import(db, tmp_path):
    r = run("rota", db, "--from", FROM, "--days", DAYS, "--time-limit", "30")
    assert r.returncode == 0, r.stderr
    assert "written and current" in r.stdout and "2027-01-04 .. 2027-01-17" in r.stdout
    out = tmp_path / "out"
    r = run("rota", db, "--export", out, "--format", "csv")
    assert r.returncode == 0, r.stderr
    shown = json.loads(run("rota", db, "--show", "--json").stdout)
    exported = read_csv(out / "rota_assignments.csv")
    assert sorted((a["staff"], a["date"], a["shift"]) for a in exported) == \
        sorted((a["staff"], a["date"], a["shift"]) for a in shown["assignments"])
    assert len(exported) == shown["assignments"].__len__() > 0
    # the exported input files import into a new database unchanged
    again = tmp_path / "again.db"
    assert run("init", again).returncode == 0
    r = run("import", again, out)
    assert r.returncode == 0, r.stderr
    con1, con2 = sqlite3.connect(db), sqlite3.connect(again)
    for table in ROTA_COLUMNS:
        q = f"SELECT * FROM {table} ORDER BY rowid"
        assert con1.execute(q).fetchall() == con2.execute(q).fetchall(), table
    r = run("rota", again, "--from", FROM, "--days", DAYS, "--time-limit", "30", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["input_hash"] == shown["run"]["input_hash"]


def test_show_json_and_runs(db):
    assert run("rota", db, "--show").returncode == 3  # no rota yet
    r = run("rota", db, "--from", FROM, "--days", DAYS, "--json", "-q")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["status"] in ("optimal", "feasible") and data["rota"] == data["run"]
    assert set(data["penalties"]) >= {"shift_on", "shift_off", "cover_under", "cover_over"}
    r = run("rota", db, "--show")
    assert r.returncode == 0 and f"Rota {data['rota']} (current)" in r.stdout
    assert "Mo Tu We Th Fr Sa Su" in r.stdout  # the roster grid
    r = run("runs", db)
    assert "rota --from 2027-01-04 --days 14" in r.stdout
    assert run("rota", db, "--show", "--rota", "999").returncode == 3


@pytest.mark.parametrize("args,code,message", [
    (("--from", "2027-02-30", "--days", "7"), 2, "from: must be a date"),
    (("--from", FROM, "--days", "0"), 2, "days: must be 1..3660"),
    (("--from", FROM), 2, "--days N are required"),
    (("--from", FROM, "--days", "7", "--time-limit", "0"), 3, "no rota: no_solution"),
    (("--from", FROM, "--days", "7", "--freeze-days", "9"), 2, "freeze_days: must be 0..7"),
])
def test_exit_codes(db, args, code, message):
    r = run("rota", db, *args)
    assert r.returncode == code, r.stderr
    assert message in r.stderr


def test_database_problems_exit_4_and_5(db, tmp_path):
    missing = tmp_path / "nope.db"
    r = run("rota", missing, "--from", FROM, "--days", DAYS)
    assert r.returncode == 5 and not missing.exists()
    r = run("rota", f"file:{db}?mode=ro", "--from", FROM, "--days", DAYS)
    assert r.returncode == 5 and "read-only" in r.stderr
    con = sqlite3.connect(db)
    con.execute("BEGIN IMMEDIATE")
    try:
        r = run("rota", db, "--from", FROM, "--days", DAYS, "--busy-timeout", "0.5")
        assert r.returncode == 4, r.stderr
    finally:
        con.rollback()
        con.close()


@pytest.mark.parametrize("file,edit,where", [
    ("rota_shifts.csv", ("07:00", "7am"), "rota_shifts.csv, line 2, column 3 (start_minute): "
                                          "must be a time HH:MM"),
    ("rota_cover.csv", ("EA,A-HQ,food,tue", "EA,A-HQ,food,tuesdayish"),
     "rota_cover.csv, line 3, column 4 (weekday)"),
    ("rota_absences.csv", ("2027-01-11,2027-01-12", "2027-01-11,2027-01-32"),
     "rota_absences.csv, line 2, column 4 (to_date): must be a date"),
    ("rota_requests.csv", ("B1,2027-01-08,,off", "B1,2027-01-08,XX,off"),
     "rota_requests.csv, line 3, column 3 (shift): unknown shift type 'XX'"),
    ("rota_staff.csv", ("B1,part", "Z9,part"),
     "rota_staff.csv, line 4, column 1 (staff): unknown staff 'Z9'"),
    ("rota_shift_posts.csv", ("LB,B-HQ,noise", "LB,C-HQ,noise"),
     "rota_shift_posts.csv, line 3, column 2 (site): unknown site 'C-HQ'"),
    ("rota_cover.csv", ("LB,B-HQ,noise,mon", "LB,A-HQ,noise,mon"),
     "rota_cover.csv, line 7, column 2 (site): shift 'LB' has no post (A-HQ, noise)"),
])
def test_bad_csv_exit_2_names_file_line_column(db, csv_dir, file, edit, where):
    path = csv_dir / file
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    con = sqlite3.connect(db)
    before = con.execute("SELECT * FROM rota_shifts").fetchall()
    con.close()
    r = run("import", db, csv_dir)
    assert r.returncode == 2
    assert where in r.stderr, r.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT * FROM rota_shifts").fetchall() == before
    con.close()


def snapshot(db):
    con = sqlite3.connect(db)
    current = con.execute("SELECT id FROM rotas WHERE current = 1").fetchall()
    rows = con.execute("SELECT * FROM rota_assignments ORDER BY rota_id, staff, date").fetchall()
    published = con.execute("SELECT * FROM rota_published ORDER BY date, staff").fetchall()
    check = con.execute("PRAGMA integrity_check").fetchone()[0]
    # the current rota is complete: as many assignment rows as its head says
    complete = con.execute("SELECT r.assignments = (SELECT count(*) FROM rota_assignments a "
                           "WHERE a.rota_id = r.id) FROM rotas r WHERE current = 1").fetchall()
    con.close()
    assert complete in ([], [(1,)])
    return current, rows, published, check


def test_killed_during_the_write_leaves_the_previous_rota_current(db):
    """A few processes killed inside the rota write (slowed by the STAFFPOOL_TEST_WRITE_DELAY_US
    hook): each time the database is intact and the current rota is the previous one, untouched,
    or a complete new one."""
    assert run("rota", db, "--from", FROM, "--days", DAYS).returncode == 0
    current, rows, published, check = snapshot(db)
    assert check == "ok" and len(current) == 1
    env = dict(ENV, STAFFPOOL_TEST_WRITE_DELAY_US="20000")
    rng = random.Random(20270104)
    kept = 0
    for trial in range(6):
        p = start("rota", db, "--from", FROM, "--days", DAYS, "-v", env=env)
        line = ""
        while "writing rota" not in line:
            line = p.stderr.readline()
            if not line:
                break
        time.sleep(rng.uniform(0.0, 0.4))
        p.send_signal(signal.SIGKILL)
        p.communicate()
        now, now_rows, now_published, check = snapshot(db)
        assert check == "ok", trial
        if now == current:
            assert now_rows == rows and now_published == published, trial
            kept += 1
        else:
            assert now[0][0] > current[0][0], trial
            assert now_published != published or now_rows != rows, trial
            current, rows, published = now, now_rows, now_published
    assert kept >= 3  # most kills landed inside the transaction
    r = run("validate", db)
    assert r.returncode == 0, r.stderr


def test_demo_database_rota_and_replan(tmp_path):
    path = tmp_path / "demo.db"
    assert run("init", path, "--demo").returncode == 0
    # A short limit: the first rota is found in a second or two; the rest of a longer limit
    # would only be spent trying to close the gap to the bound.
    r = run("rota", path, "--from", "2027-01-04", "--days", "28", "--time-limit", "15", "--json")
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout)
    assert first["status"] in ("optimal", "feasible")
    sites = {a["site"] for a in first["assignments"]}
    assert len(sites) >= 3
    # someone is now off sick for three days: the re-plan changes little
    con = sqlite3.connect(path)
    victim = first["assignments"][0]["staff"]
    day = first["assignments"][0]["date"]
    con.execute("INSERT INTO rota_absences(staff, from_date, to_date, reason) "
                "VALUES (?, ?, date(?, '+2 days'), 'sick')", (victim, day, day))
    con.commit()
    con.close()
    r = run("rota", path, "--from", "2027-01-04", "--days", "28", "--time-limit", "60", "--json")
    assert r.returncode == 0, r.stderr
    second = json.loads(r.stdout)
    others = [c for c in second["changes"] if c["staff"] != victim]
    assert len(others) <= 6, others


def test_rota_files_without_shift_types_are_refused(db, csv_dir):
    os.remove(csv_dir / "rota_shifts.csv")
    r = run("import", db, csv_dir)
    assert r.returncode == 2 and "rota_shifts.csv: missing" in r.stderr


def test_hand_edited_database_is_bad_input_naming_table_row_field(db):
    con = sqlite3.connect(db)  # foreign keys are off in this connection
    con.execute("INSERT INTO rota_requests(staff, date, shift, kind, weight) "
                "VALUES ('ghost', '2027-01-05', NULL, 'off', 1)")
    con.commit()
    con.close()
    r = run("rota", db, "--from", FROM, "--days", DAYS)
    assert r.returncode == 2
    assert "table rota_requests, row 3: staff: 'ghost' is not on the rota" in r.stderr
    assert run("runs", db).stdout.count("bad_input") == 1
