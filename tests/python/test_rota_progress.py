"""Rota.solve(progress=...): the rota search posts its whole roster's penalty and bound (one stage,
"penalty"), never a sub-problem's, and watching does not change the roster."""
from __future__ import annotations

import pytest

from staffpool import ValidationError
from test_rota import instance_text
from staffpool.curtois import parse, to_rota


def busy_instance(tmp_path):
    # 6 people, 2 shift types, 14 days, cover 3 + 2 a day: small, but the search runs its
    # neighbourhoods until the time limit unless it proves the optimum first.
    staff = [(f"E{i}", {"D": 14, "N": 4}, 4800, 2400, 5, 2, 2, 1) for i in range(6)]
    text = instance_text(
        14, [("D", 480, []), ("N", 600, ["D"])], staff, {f"E{i}": [i, i + 7] for i in range(6)},
        on=[(f"E{i}", (3 * i) % 14, "N", 2) for i in range(6)],
        off=[(f"E{i}", (5 * i + 1) % 14, "D", 3) for i in range(6)],
        cover=[(d, t, n, 100, 1) for d in range(14) for t, n in (("D", 3), ("N", 2))])
    path = tmp_path / "busy.txt"
    path.write_text(text, newline="")
    return to_rota(parse(str(path)))


def test_progress_reports_the_whole_rosters_penalty(tmp_path):
    rota = busy_instance(tmp_path)
    seen = []
    result = rota.solve(time_limit=3, progress=seen.append)
    assert result.status in ("optimal", "feasible")
    assert seen, "the final state is always read once the solve returns"
    assert all((p.stage, p.stage_index, p.stages) == ("penalty", 0, 1) for p in seen)
    last = seen[-1]
    assert last.incumbent == pytest.approx(result.objective, abs=1e-6)
    for p in seen:
        if p.incumbent is not None and p.bound is not None:
            assert p.bound <= p.incumbent + 1e-6
    # Incumbents only improve (a sub-problem's objective would be far below the roster's).
    values = [p.incumbent for p in seen if p.incumbent is not None]
    assert values == sorted(values, reverse=True)
    assert min(values) == pytest.approx(result.objective, abs=1e-6)


def test_watching_does_not_change_the_rota(tmp_path):
    rota = busy_instance(tmp_path)
    quiet = rota.solve(time_limit=60)
    watched = rota.solve(time_limit=60, progress=lambda p: None)
    assert quiet.status == watched.status == "optimal"
    assert watched.objective == quiet.objective


def test_rota_progress_argument_is_checked(tmp_path):
    with pytest.raises(ValidationError, match="progress"):
        busy_instance(tmp_path).solve(progress="yes")
