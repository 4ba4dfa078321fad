"""The rota engine on the Curtois & Qu benchmark, when shared/benchmarks/curtois is present (the
instance files are never copied into this repository)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import curtois_eval

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(REPO, "..", "shared", "benchmarks", "curtois")
needs_bench = pytest.mark.skipif(not os.path.isfile(os.path.join(BENCH, "Instance1.txt")),
                                 reason="shared/benchmarks/curtois not present")


@needs_bench
def test_instance1_reaches_best_known(tmp_path):
    path = os.path.join(BENCH, "Instance1.txt")
    out = tmp_path / "roster.csv"
    proc = subprocess.run([sys.executable, "-m", "staffpool", "curtois", path, "--time-limit", "60",
                           "--out", str(out)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "python")))
    assert proc.returncode == 0, proc.stderr
    assert "objective: 607" in proc.stdout and "status: optimal" in proc.stdout
    bad, objective, parts = curtois_eval.evaluate(path, str(out))
    assert bad == [] and objective == 607  # best known (BEST_KNOWN.md: LB = UB = 607)
    assert parts == {"on": 4, "off": 3, "under": 600, "over": 0}


@needs_bench
def test_instance9_time_limited_search_is_honest(tmp_path):
    # Not proved within 8 s (instance 2 now is, by column generation: test_rota_colgen.py; the
    # column-generation bound of 9 is about 406 against the optimum 439): the evaluator must agree
    # with the roster, and the status, bound and gap must say it is not proved.
    from staffpool.curtois import solve_file, write_roster

    path = os.path.join(BENCH, "Instance9.txt")
    _, result = solve_file(path, time_limit=8)
    assert result.status == "feasible" and result.stopped_by == "time_limit"
    assert result.seconds < 8 + 2
    out = tmp_path / "roster.csv"
    write_roster(str(out), result)
    bad, objective, _ = curtois_eval.evaluate(path, str(out))
    assert bad == [] and objective == result.objective
    assert 439 <= result.objective < 3000  # best known 439 (proved optimal)
    assert result.bound <= 439 and result.gap == pytest.approx(
        (result.objective - result.bound) / result.objective)


@needs_bench
def test_instance13_has_a_roster_within_seconds(tmp_path):
    # 120 people, 28 days, 18 shift types: the first roster comes from dynamic programming per
    # person in a few seconds (a MIP per person needed about a minute); the evaluator confirms it.
    from staffpool.curtois import solve_file, write_roster

    path = os.path.join(BENCH, "Instance13.txt")
    _, result = solve_file(path, time_limit=15)
    assert result.status in ("feasible", "optimal") and result.objective is not None
    out = tmp_path / "roster.csv"
    write_roster(str(out), result)
    bad, objective, _ = curtois_eval.evaluate(path, str(out))
    assert bad == [] and objective == result.objective
    assert objective >= 1348  # best known (BEST_KNOWN.md)
    assert result.bound <= 1348
