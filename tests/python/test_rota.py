"""Rota engine on small hand-made instances in the Curtois format (hand-computed optima, brute force
on tiny random ones), checked by the independent evaluator (curtois_eval.py), plus validation."""
from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys

import pytest

import curtois_eval
from staffpool import ValidationError
from staffpool.curtois import CurtoisFormatError, parse, solve_file, write_roster
from staffpool.rota import Rota

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def instance_text(H, shifts, staff, days_off, on=(), off=(), cover=()):
    """shifts: [(id, length, [forbidden])]; staff: [(id, {shift: max}, maxmin, minmin, maxc, minc,
    minoff, maxwe)]; days_off: {id: [days]}; on/off: [(e, d, t, w)]; cover: [(d, t, req, u, o)]."""
    out = ["# test instance", "SECTION_HORIZON", "# days", str(H), "",
           "SECTION_SHIFTS", "# ShiftID, Length, forbidden"]
    out += [f"{s},{n},{'|'.join(f)}" for s, n, f in shifts]
    out += ["", "SECTION_STAFF", "# ID, MaxShifts, ..."]
    for e, mx, *rest in staff:
        out.append(",".join([e, "|".join(f"{k}={v}" for k, v in mx.items())] + [str(v) for v in rest]))
    out += ["", "SECTION_DAYS_OFF", "# EmployeeID, DayIndexes"]
    out += [",".join([e] + [str(d) for d in ds]) for e, ds in days_off.items()]
    out += ["", "SECTION_SHIFT_ON_REQUESTS", "# e,d,t,w"] + [f"{e},{d},{t},{w}" for e, d, t, w in on]
    out += ["", "SECTION_SHIFT_OFF_REQUESTS", "# e,d,t,w"] + [f"{e},{d},{t},{w}" for e, d, t, w in off]
    out += ["", "SECTION_COVER", "# d,t,req,u,o"] + [f"{d},{t},{r},{u},{o}" for d, t, r, u, o in cover]
    return "\r\n".join(out) + "\r\n"


def solve_and_check(tmp_path, text, name="inst.txt", time_limit=20):
    path = tmp_path / name
    path.write_text(text, newline="")
    inst, result = solve_file(str(path), time_limit=time_limit)
    assert result.status == "optimal", result
    csv_path = tmp_path / (name + ".csv")
    write_roster(str(csv_path), result)
    bad, objective, parts = curtois_eval.evaluate(str(path), str(csv_path))
    assert bad == []
    assert objective == result.objective
    assert parts == {"on": result.penalties["shift_on"], "off": result.penalties["shift_off"],
                     "under": result.penalties["cover_under"],
                     "over": result.penalties["cover_over"]}
    return result, str(path), str(csv_path)


def test_hand_computed_cover_and_requests(tmp_path):
    # Two people, one 480-minute shift, 7 days, cover 2 every day (14 person-days wanted).
    # A: at most 3800 minutes (7 shifts) and 3 consecutive days, so at most 6 days (111 0 111);
    # B: at most 960 minutes = 2 shifts. 8 of 14 covered: 6 missing = 600. A wants day 3 off
    # (weight 2) and B wants days 0 and 6 (weight 1 each): 1110111 for A and days 0, 6 for B grant
    # all of them (one weekend each, the limit). Optimum 600.
    text = instance_text(
        7, [("D", 480, [])],
        [("A", {"D": 7}, 3800, 1440, 3, 1, 1, 1), ("B", {"D": 7}, 960, 0, 3, 1, 1, 1)],
        {"A": [], "B": []},
        on=[("B", 0, "D", 1), ("B", 6, "D", 1)], off=[("A", 3, "D", 2)],
        cover=[(d, "D", 2, 100, 1) for d in range(7)])
    result, _, _ = solve_and_check(tmp_path, text)
    assert result.objective == 600
    shifts = {(a.person, a.day) for a in result.assignments}
    assert {("B", 0), ("B", 6)} <= shifts and ("A", 3) not in shifts


def test_min_runs_exempt_at_the_edges(tmp_path):
    # min consecutive 3 and min days off 2: a single working day on day 0 and a single day off at
    # day 6 are allowed (they touch the horizon's edges); inside, runs must be long enough.
    # Cover wants exactly days 0 and 2..5 worked (1 0 1111 0): an inner off-run of 1 (day 1) is
    # forbidden. Dropping day 0 costs 100; working day 1 too (111111 0: a run of 6 <= max 6, the
    # off day 6 touches the edge) costs only the surplus on day 1 = 1, the optimum.
    text = instance_text(
        7, [("D", 480, [])],
        [("A", {"D": 7}, 10000, 0, 6, 3, 2, 2)], {"A": []},
        cover=[(d, "D", 1 if d in (0, 2, 3, 4, 5) else 0, 100, 1) for d in range(7)])
    result, _, _ = solve_and_check(tmp_path, text)
    assert result.objective == 1
    # And the edge exemption itself: only day 0 wanted -> a 1-day run at day 0 costs nothing.
    text = instance_text(
        7, [("D", 480, [])],
        [("A", {"D": 7}, 10000, 0, 6, 3, 2, 2)], {"A": []},
        cover=[(d, "D", 1 if d == 0 else 0, 100, 1) for d in range(7)])
    result, _, _ = solve_and_check(tmp_path, text, name="edge.txt")
    assert result.objective == 0
    assert [(a.person, a.day) for a in result.assignments] == [("A", 0)]


def test_forbidden_succession_and_per_type_maximum(tmp_path):
    # N may not be followed by D, and A may work one N at most. Cover wants N on days 0 and 3 and
    # D on day 1 (100 per person missing): N on day 0 blocks D on day 1 and uses up the one N, so
    # the best is D day 1 + N day 3, missing N on day 0 = 100.
    text = instance_text(
        7, [("D", 480, []), ("N", 480, ["D"])],
        [("A", {"D": 7, "N": 1}, 10000, 0, 7, 1, 1, 2)], {"A": []},
        cover=[(d, t, 1 if (d, t) in ((0, "N"), (1, "D"), (3, "N")) else 0, 100, 1)
               for d in range(7) for t in ("D", "N")])
    result, _, _ = solve_and_check(tmp_path, text)
    assert result.objective == 100
    assert sorted((a.day, a.shift) for a in result.assignments) == [(1, "D"), (3, "N")]


def _brute_force(path):
    inst = curtois_eval.read_instance(path)
    H, shifts = inst["H"], list(inst["shifts"])
    per_person = {}
    for e in inst["staff"]:
        one = dict(inst, staff={e: inst["staff"][e]}, on=[], off=[], cover=[])
        ok = []
        for seq in itertools.product([None] + shifts, repeat=H):
            rows = [(e, d, t) for d, t in enumerate(seq) if t is not None]
            if not curtois_eval.evaluate_rows(one, rows)[0]:
                ok.append(rows)
        assert ok, f"{e} has no feasible line"
        per_person[e] = ok
    best = None
    for combo in itertools.product(*per_person.values()):
        rows = [r for rs in combo for r in rs]
        _, objective, _ = curtois_eval.evaluate_rows(inst, rows)
        best = objective if best is None or objective < best else best
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_brute_force_tiny_random(tmp_path, seed):
    rng = random.Random(seed)
    H = 7
    shifts = [("D", 480, []), ("L", 600, ["D"])]
    staff, days_off, on, off = [], {}, [], []
    for e in ("A", "B"):
        staff.append((e, {"D": rng.randint(1, 7), "L": rng.randint(0, 3)},
                      rng.choice([2400, 3000, 3600]), rng.choice([0, 960, 1440]),
                      rng.randint(2, 4), rng.randint(1, 2), rng.randint(1, 2), rng.randint(0, 1)))
        days_off[e] = [rng.randrange(H)]
        for d in rng.sample(range(H), 3):
            if d in days_off[e]:
                continue
            (on if rng.random() < 0.5 else off).append((e, d, rng.choice("DL"), rng.randint(1, 3)))
    cover = [(d, t, rng.randint(0, 2), 100, 1) for d in range(H) for t in ("D", "L")]
    text = instance_text(H, shifts, staff, days_off, on, off, cover)
    result, path, _ = solve_and_check(tmp_path, text)
    assert result.objective == _brute_force(path)


def test_infeasible_is_a_status(tmp_path):
    # needs 4000 minutes but may work at most 3 shifts of 480
    text = instance_text(7, [("D", 480, [])], [("A", {"D": 3}, 5000, 4000, 7, 1, 1, 2)],
                         {"A": []}, cover=[(d, "D", 1, 100, 1) for d in range(7)])
    path = tmp_path / "bad.txt"
    path.write_text(text, newline="")
    _, result = solve_file(str(path), time_limit=10)
    assert result.status == "infeasible" and result.objective is None
    proc = subprocess.run([sys.executable, "-m", "staffpool", "curtois", str(path), "--out",
                           str(tmp_path / "r.csv")], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "python")))
    assert proc.returncode == 3 and "infeasible" in proc.stdout
    assert not (tmp_path / "r.csv").exists()


def test_parser_errors_name_section_and_line(tmp_path):
    good = instance_text(7, [("D", 480, [])], [("A", {"D": 7}, 5000, 0, 5, 1, 1, 2)], {"A": [1]},
                         cover=[(d, "D", 1, 100, 1) for d in range(7)])
    lines = good.split("\r\n")
    staff_line = lines.index("A,D=7,5000,0,5,1,1,2")
    bad = list(lines)
    bad[staff_line] = "A,D=7,5000,0,5,1,1"
    path = tmp_path / "bad.txt"
    path.write_text("\r\n".join(bad), newline="")
    with pytest.raises(CurtoisFormatError) as e:
        parse(str(path))
    assert e.value.section == "SECTION_STAFF" and e.value.line == staff_line + 1
    assert f"bad.txt:{staff_line + 1}: SECTION_STAFF" in str(e.value)
    bad = list(lines)
    bad[staff_line] = "A,D=7,5000,0,2,3,1,2"  # max consecutive 2 < min consecutive 3
    path.write_text("\r\n".join(bad), newline="")
    with pytest.raises(CurtoisFormatError) as e:
        solve_file(str(path))
    assert e.value.section == "SECTION_STAFF" and "max_consecutive" in str(e.value)
    bad = list(lines)
    bad[lines.index("A,1")] = "A,9"
    path.write_text("\r\n".join(bad), newline="")
    with pytest.raises(CurtoisFormatError, match="SECTION_DAYS_OFF: day 9 outside"):
        parse(str(path))
    proc = subprocess.run([sys.executable, "-m", "staffpool.curtois", str(path), "--out",
                           str(tmp_path / "r.csv")], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "python")))
    assert proc.returncode == 2 and "SECTION_DAYS_OFF" in proc.stderr


def test_c_validation_names_record_and_field():
    rota = Rota(days=7)
    with pytest.raises(ValidationError) as e:
        rota.add_shift("D", length=0)
    assert e.value.record == "shift 'D'" and e.value.field == "length_minutes"
    rota.add_shift("D", length=480)
    rota.add_person("A", max_consecutive=5)
    with pytest.raises(ValidationError) as e:
        rota.add_shift("N", length=480)
    assert e.value.field == "id"  # shift types come first
    with pytest.raises(ValidationError) as e:
        rota.add_request("A", 7, "D", True, 1)
    assert e.value.field == "day"
    with pytest.raises(ValidationError) as e:
        rota.set_cover(0, "X", 1)
    assert e.value.record == "cover 'day 0'" and e.value.field == "shift"
    with pytest.raises(ValidationError) as e:
        rota.add_person("A")
    assert e.value.field == "id"
    with pytest.raises(ValidationError):
        Rota(days=0)


def test_sites_and_skills_restrict_who_takes_a_shift():
    # Two partners' sites; the night shift at site S2 needs skill 'icu' which only B holds.
    rota = Rota(days=7)
    rota.add_partner("P1"), rota.add_partner("P2")
    rota.add_site("S1", "P1"), rota.add_site("S2", "P2")
    rota.add_skill("icu")
    rota.add_shift("D1", length=480, start=480, site="S1")
    rota.add_shift("N2", length=600, start=1260, site="S2", skill="icu")
    rota.forbid_succession("N2", "D1")
    rota.add_person("A", site="S1", max_consecutive=7)
    rota.add_person("B", site="S2", skills=["icu"], max_consecutive=7)
    for d in range(7):
        rota.set_cover(d, "N2", 1, under_weight=100, over_weight=1)
        rota.set_cover(d, "D1", 1, under_weight=10, over_weight=1, hard_min=1)
    result = rota.solve(time_limit=10)
    assert result.status == "optimal" and result.objective == 0
    assert {a.person for a in result.assignments if a.shift == "N2"} == {"B"}
    assert {a.person for a in result.assignments if a.shift == "D1"} == {"A"}
    assert [p.shifts for p in result.people] == [7, 7]
