"""Progress during long solves: what the C solve posts reaches Python while it runs, ends on the
solve's own final values, never changes the plan, and shows up where the caller asked."""
from __future__ import annotations

import io
import re

import pytest

import staffpool
from staffpool.errors import ValidationError
from staffpool.progress import NotebookLine, Progress, StderrLines, reporter


def test_callable_receives_the_final_state_of_every_stage_it_saw(demo_pool):
    seen = []
    sol = demo_pool.solve(time_limit=120, progress=seen.append)
    assert sol.status == "optimal"
    assert seen, "a solve of about a second is polled every 50 ms: something must be seen"
    last = seen[-1]
    # The last report is read after the solve returned: the cost stage's proved value.
    assert (last.stage, last.stage_index, last.stages) == ("cost", 3, 4)
    assert last.incumbent == pytest.approx(sol.objective.cost, rel=1e-9)
    assert last.gap == pytest.approx(0.0, abs=1e-6)
    # Reports come in solve order and their clock never runs backwards.
    assert [p.stage_index for p in seen] == sorted(p.stage_index for p in seen)
    assert all(a.seconds <= b.seconds for a, b in zip(seen, seen[1:]))
    for p in seen:
        if p.incumbent is not None and p.bound is not None:
            assert p.bound <= p.incumbent * (1 + 1e-9) + 1e-9  # a minimisation's bound


def test_watching_does_not_change_the_plan(tiny_pool):
    quiet = tiny_pool.solve()
    watched = tiny_pool.solve(progress=lambda p: None)
    assert watched.objective == quiet.objective
    assert watched.assignments == quiet.assignments


def test_progress_argument_is_checked(tiny_pool):
    with pytest.raises(ValidationError, match="progress"):
        tiny_pool.solve(progress="yes")


def test_reporter_outside_a_notebook():
    assert reporter(None) is None
    assert reporter(False) is None
    assert isinstance(reporter(True), StderrLines)
    fn = print
    assert reporter(fn) is fn


def _p(stage: int, seconds: float, incumbent=None) -> Progress:
    return Progress(stage=f"s{stage}", stage_index=stage, stages=4, incumbent=incumbent,
                    bound=None if incumbent is None else incumbent - 1.0,
                    gap=None if incumbent is None else 1.0 / incumbent, seconds=seconds)


def test_stderr_lines_report_news_at_once_and_throttle_the_rest():
    out = io.StringIO()
    lines = StderrLines(stream=out, every=2.0)
    lines(_p(0, 0.0))                   # a stage starts: shown
    lines(_p(0, 0.5, incumbent=100.0))  # its first solution: shown
    lines(_p(0, 1.0, incumbent=90.0))   # an improvement within 2 s: held back
    lines(_p(0, 2.6, incumbent=80.0))   # 2 s later: shown
    lines(_p(1, 2.7))                   # the next stage: shown at once
    shown = out.getvalue().splitlines()
    assert len(shown) == 4
    assert shown[0] == "staffpool: stage 1 of 4 (s0): no solution yet (0.0 s)"
    assert shown[1] == "staffpool: stage 1 of 4 (s0): best 100, bound 99, gap 1.00% (0.5 s)"
    assert "best 80" in shown[2] and shown[3].startswith("staffpool: stage 2 of 4 (s1)")


def test_notebook_line_stays_silent_for_quick_solves():
    line = NotebookLine(delay=1.0)
    line(_p(0, 0.2, incumbent=5.0))  # would need IPython if it tried to display
    assert line.handle is None


@pytest.fixture
def tiny_pool(tiny_scenario):
    return staffpool.Pool.from_dict(tiny_scenario)


def test_plan_command_shows_solver_progress_on_stderr_with_v(tmp_path, capsys):
    from staffpool.cli import main

    db = str(tmp_path / "pool.db")
    assert main(["init", db, "--demo", "-q"]) == 0
    capsys.readouterr()
    assert main(["plan", db, "-v", "--periods", "2"]) == 0
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if " of 4 (" in line]
    # Which intermediate states are seen depends on timing (the board is read every 50 ms);
    # the final state is always read once the solve has returned.
    assert lines and all(re.match(r"staffpool: stage [1-4] of 4 \((unmet|fairness|resilience"
                                  r"|cost)\): ", line) for line in lines)
    assert lines[-1].startswith("staffpool: stage 4 of 4 (cost): best ")
    assert " of 4 (" not in captured.out  # stdout carries only the result
    assert main(["plan", db, "-q", "--periods", "2"]) == 0
    assert capsys.readouterr().err == ""


def test_rota_command_shows_the_search_progress_with_v(tmp_path, capsys):
    from staffpool.cli import main

    db = str(tmp_path / "pool.db")
    assert main(["init", db, "--demo", "-q"]) == 0
    capsys.readouterr()
    assert main(["rota", db, "--from", "2027-01-04", "--days", "14", "--time-limit", "5",
                 "-v"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "(penalty)" in line]
    assert lines and all(line.startswith("staffpool: stage 1 of 1 (penalty): best ")
                         for line in lines)


def test_redeployment_reports_its_four_stages():
    seen = []
    result = staffpool.Redeployment.demo().solve(progress=seen.append)
    assert seen and seen[-1].stage == "misfit" and seen[-1].stages == 4
    assert seen[-1].incumbent == pytest.approx(result.objective.misfit)
