"""Scenario sweeps: scenarios as data, the process pool and a local Dask cluster giving the same
results, time limits and statuses, and the analysis subcommands on a database."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

import staffpool
import staffpool.cli
from staffpool import scenarios as sc

from test_resilience_analysis import SMALL

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(staffpool.__file__)))
SWEEP = ([sc.base()] + sc.n_minus_1(SMALL) + sc.withdrawals(SMALL)
         + [sc.alone("A"), sc.grow("noise", 25), sc.grow("all", -10, partner="B"),
            {"kind": "combo", "name": "B leaves, noise +50%",
             "steps": [sc.withdraw("B"), sc.grow("noise", 50)]}])


def comparable(frame):
    """Everything but the wall-clock seconds."""
    return frame.drop(columns=["seconds"]).reset_index(drop=True)


def test_apply_scenario_is_pure_and_does_what_it_says():
    before = copy.deepcopy(SMALL)
    d = sc.apply_scenario(SMALL, sc.absent("a1", "c2"))
    assert SMALL == before
    assert [a for a in d["availability"] if a["staff"] == "a1"] == [
        {"staff": "a1", "period": 0, "hours": 0.0}, {"staff": "a1", "period": 1, "hours": 0.0}]
    d = sc.apply_scenario(SMALL, sc.absent("a2"))  # replaces a2's own availability record
    assert [a["hours"] for a in d["availability"] if a["staff"] == "a2"] == [0.0, 0.0]
    d = sc.apply_scenario(SMALL, sc.withdraw("C"))
    assert {s["partner"] for s in d["staff"]} == {"A", "B"}
    assert {x["partner"] for x in d["demand"]} == {"A", "B"}
    d = sc.apply_scenario(SMALL, sc.alone("A"))
    assert {s["id"] for s in d["staff"]} == {"a1", "a2"}
    assert {x["partner"] for x in d["demand"]} == {"A"}
    assert d["resilience"] == SMALL["resilience"]
    d = sc.apply_scenario(SMALL, sc.grow("noise", 50, partner="A"))
    assert [x["hours"] for x in d["demand"]] == [21, 12, 16, 6, 9, 7]
    d = sc.apply_scenario(SMALL, {"kind": "combo", "steps": [sc.withdraw("C"),
                                                             sc.grow("all", 100)]})
    assert sum(x["hours"] for x in d["demand"]) == 2 * (14 + 12 + 16 + 6)
    for bad, field in ((sc.withdraw("Z"), "partner"), (sc.absent("zz"), "staff"),
                       (sc.grow("welding", 5), "skill"), (sc.grow("noise", -100), "pct"),
                       ({"kind": "explode"}, "kind")):
        with pytest.raises(staffpool.ValidationError) as e:
            sc.sweep(SMALL, [bad], max_workers=1)
        assert e.value.field == field


def test_sweep_needs_a_time_limit_and_reports_status_and_gap():
    with pytest.raises(staffpool.ValidationError) as e:
        sc.sweep(SMALL, [sc.base()], time_limit=None)
    assert e.value.field == "time_limit"
    with pytest.raises(staffpool.ValidationError):
        sc.sweep(SMALL, [sc.base(), sc.base()], max_workers=1)  # two with one name
    frame = sc.run_scenarios(SMALL, [sc.base(), sc.grow("noise", 10)], time_limit=0,
                             max_workers=1)
    assert set(frame["status"]) <= {"optimal", "feasible", "no_solution"}
    assert "gap" in frame and "stopped_by" in frame
    frame = sc.run_scenarios(SMALL, [sc.base()], time_limit=10, max_workers=1)
    assert (frame["status"] == "optimal").all() and (frame["gap"] == 0).all()
    assert list(frame["partner"]) == ["A", "B", "C", sc.TOTAL]
    total = frame.set_index("partner").loc[sc.TOTAL]
    assert total["hours_demanded"] == 14 + 12 + 16 + 6 + 9 + 7
    # the digest agrees with the solve it came from
    sol = staffpool.solve(staffpool.Pool.from_dict(SMALL), time_limit=10)
    assert total["hours_unmet"] == pytest.approx(sum(p.hours_unmet for p in sol.partners))
    assert total["cost"] == pytest.approx(sum(a.cost for a in sol.assignments))


def test_process_pool_equals_serial():
    serial = sc.run_scenarios(SMALL, SWEEP, time_limit=20, max_workers=1)
    pooled = sc.run_scenarios(SMALL, SWEEP, time_limit=20, max_workers=2)
    assert len(serial) > len(SWEEP)
    assert comparable(serial).equals(comparable(pooled))
    spawned = sc.digests_to_frame(sc.sweep(SMALL, SWEEP[:4], time_limit=20, max_workers=2,
                                           mp_context="spawn"))
    assert comparable(spawned).equals(comparable(serial[serial["scenario"].isin(
        [sc.scenario_name(s) for s in SWEEP[:4]])]))
    changed = sc.compare_to_base(pooled)
    base_rows = changed[changed["scenario"] == "base"]
    assert (base_rows["hours_unmet_change"] == 0).all()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # tornado, inside distributed
def test_dask_local_cluster_equals_process_pool(monkeypatch):
    distributed = pytest.importorskip("distributed")
    # Worker processes must find the package whatever their working directory.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [PYTHON_DIR] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    process_pool = sc.run_scenarios(SMALL, SWEEP, time_limit=20, max_workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        on_dask = sc.run_scenarios(SMALL, SWEEP, time_limit=20, client=client)
        # the same call for the analyses built on sweeps
        from staffpool.resilience import n_minus_1

        a_dask = n_minus_1(SMALL, top=3, time_limit=20, client=client)
        # another pool on the same cluster keeps its own data
        bigger = sc.apply_scenario(SMALL, sc.grow("all", 50))
        other = sc.run_scenarios(bigger, [sc.base()], time_limit=20, client=client)
    assert comparable(other).equals(comparable(
        sc.run_scenarios(bigger, [sc.base()], time_limit=20, max_workers=1)))
    assert comparable(on_dask).equals(comparable(process_pool))
    a_local = n_minus_1(SMALL, top=3, time_limit=20, max_workers=2)
    assert a_dask.people.drop(columns=[]).equals(a_local.people)


# ---- the subcommands -------------------------------------------------------------------------

@pytest.fixture
def small_db(tmp_path):
    path = str(tmp_path / "small.db")
    with staffpool.Store.create(path) as store:
        store.save_pool(staffpool.Pool.from_dict(SMALL))
    return path


def run_cli(capsys, *argv):
    rc = staffpool.cli.main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_cli_report_economics(small_db, capsys, tmp_path):
    rc, out, _ = run_cli(capsys, "report", small_db, "--economics", "--workers", "1")
    assert rc == 0 and "Value of pooling" in out and "fixed+var" in out
    agreements = tmp_path / "ag.json"
    agreements.write_text(json.dumps([{"name": "noise", "skills": ["noise"],
                                       "rule": "population"},
                                      {"name": "food", "skills": "food", "rule": "equal"}]))
    rc, out, _ = run_cli(capsys, "report", small_db, "--economics", "--json", "--workers", "1",
                         "--agreements", str(agreements))
    data = json.loads(out)
    assert rc == 0 and data["pooled"]["status"] == "optimal"
    assert {r["agreement"] for r in data["shares"]} == {"noise", "food"}
    for name in ("noise", "food"):
        rows = [r for r in data["shares"] if r["agreement"] == name]
        assert round(sum(r["cost_borne"] for r in rows), 2) == rows[0]["total_cost"]
    assert [r["partner"] for r in data["value_of_pooling"]] == ["A", "B", "C", sc.TOTAL]


def test_cli_resilience_and_scenario(small_db, capsys):
    rc, out, _ = run_cli(capsys, "resilience", small_db, "--top", "2", "--json",
                         "--workers", "1")
    data = json.loads(out)
    assert rc == 0 and len(data["people"]) == 2 and len(data["scores"]) == 3
    rc, out, _ = run_cli(capsys, "resilience", small_db, "--workers", "1")
    assert rc == 0 and "Resilience score per partner" in out
    rc, out, _ = run_cli(capsys, "scenario", small_db, "--withdraw", "C", "--grow", "noise=20",
                         "--grow", "B:all=-10", "--json", "--workers", "1")
    data = json.loads(out)
    assert rc == 0 and data["withdrawals"][0]["partner"] == "C"
    assert {r["scenario"] for r in data["growth"]} == {"base", "grow:noise+20%",
                                                       "grow:B:all-10%"}
    rc, out, _ = run_cli(capsys, "scenario", small_db, "--withdraw", "C", "--workers", "1")
    assert rc == 0 and "What C faces alone" in out


def test_cli_errors(small_db, tmp_path, capsys):
    assert run_cli(capsys, "scenario", small_db, "--grow", "noise")[0] == 2
    assert run_cli(capsys, "scenario", small_db)[0] == 2
    assert run_cli(capsys, "scenario", small_db, "--withdraw", "Z", "--workers", "1")[0] == 2
    missing = str(tmp_path / "missing.db")
    assert run_cli(capsys, "resilience", missing)[0] == 5
    assert not os.path.exists(missing)


def test_cli_module_runs_as_a_program(small_db):
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    p = subprocess.run([sys.executable, "-m", "staffpool", "scenario", small_db,
                        "--grow", "food=10", "--json"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["growth"]
