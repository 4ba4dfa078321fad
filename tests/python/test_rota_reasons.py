"""Cover gap reasons (docs/rota.md "Why a post is under-covered"): every under-covered (day,
shift, site, skill) carries a reason, and every count in it is recounted here from the data and
the roster with the independent evaluator's own rules (rota_eval), not the engine's."""
from __future__ import annotations

import math
import re

import rota_eval


def instance():
    return dict(
        days=4, partners=["P"],
        sites={s: ("P", None, None) for s in ("S1", "S2", "S3")},
        travel={("S1", "S2"): 20, ("S1", "S3"): 100, ("S2", "S3"): 100},
        skills=["nurse", "icu", "lab", "xray"],
        shifts={"D": dict(length=480, sites=["S1", "S2", "S3"],
                          skills=["nurse", "icu", "lab", "xray"])},
        people={"A": dict(site="S1", skills=["nurse"], max_minutes=960),
                "B": dict(site="S1", skills=["nurse", "icu"], max_travel=60),
                "C": dict(site="S2", skills=["nurse", "xray"]),
                "E": dict(site="S1", skills=["xray"], max_travel=10)},
        requests=[("E", 1, "D", False, 5)],  # E would rather not: 5 > the gap's 2
        days_off={"C": [2, 3]},
        cover={**{(d, "D", "S1", "lab"): (1, 10, 0, 0) for d in range(4)},
               **{(d, "D", "S3", "icu"): (1, 10, 0, 0) for d in range(4)},
               **{(d, "D", "S2", "nurse"): (2, 50, 0, 0) for d in range(4)},
               (2, "D", "S2", "xray"): (1, 10, 0, 0),
               (1, "D", "S1", "xray"): (1, 2, 0, 0),
               (0, "D", "S1", "nurse"): (1, 0, 0, 0)},  # no weight: left unmet for free
    )


def recount(inst, roster, day, post):
    """The facts behind a reason, by the evaluator's rules."""
    t, site, skill = post
    lines = rota_eval.lines_of(inst, roster)
    f = dict(holders=0, reach=0, off=0, barred=0, on_it=0, elsewhere=0, free=0, could=0)
    for p in inst["people"]:
        q = rota_eval.person(inst, p)
        if skill is not None and skill not in q["skills"]:
            continue
        f["holders"] += 1
        m = rota_eval.minutes_between(inst, q["site"], site)
        if m == math.inf or (q["max_travel"] >= 0 and m > q["max_travel"]):
            continue
        f["reach"] += 1
        if day in inst.get("days_off", {}).get(p, ()):
            f["off"] += 1
        elif q["max_shifts"].get(t, -1) == 0:
            f["barred"] += 1
        elif lines[p][day] == post:
            f["on_it"] += 1
        elif lines[p][day] is not None:
            f["elsewhere"] += 1
        else:
            f["free"] += 1
            line = list(lines[p])
            line[day] = post
            f["could"] += not rota_eval.line_problems(inst, p, line)
    return f


def numbers(text, *labels):
    return [int(re.search(r"(\d+) " + re.escape(label), text).group(1)) for label in labels]


def test_every_gap_reason_is_true_by_an_independent_recount():
    inst = instance()
    result = rota_eval.build(inst).solve()
    assert result.status == "optimal"
    roster = rota_eval.roster_of(result)
    assert rota_eval.evaluate(inst, roster)[0] == []
    seen = set()
    for c in result.cover:
        if c.assigned >= c.requirement:
            assert c.reason is None
            continue
        post = (c.shift, c.site, c.skill)
        f = recount(inst, roster, c.day, post)
        text = c.reason
        assert text, c
        if text.startswith("nobody holds"):
            seen.add("skill")
            assert f["holders"] == 0 and f"'{c.skill}'" in text
        elif text.startswith("out of travel reach"):
            seen.add("reach")
            assert f["holders"] > 0 and f["reach"] == 0
            assert re.search(r"holding the skill \((\d+)\)", text).group(1) == str(f["holders"])
        elif text.startswith("qualified people are off that day"):
            seen.add("off")
            assert f["reach"] > 0 and f["off"] + f["barred"] == f["reach"]
            assert numbers(text, "qualified and in reach", "off") == [f["reach"], f["off"]]
        elif text.startswith("qualified people are working elsewhere or at their limits"):
            seen.add("busy")
            assert f["could"] == 0
            assert numbers(text, "qualified and in reach", "off", "on this post",
                           "working another post", "free but") == \
                [f["reach"], f["off"], f["on_it"], f["elsewhere"], f["free"]]
        elif text.startswith("left unmet: cheaper"):
            seen.add("trade-off")
            assert f["could"] > 0
            assert re.search(r"hard rules: (\d+);", text).group(1) == str(f["could"])
        else:
            raise AssertionError(f"unexpected reason: {text}")
    # the instance is built so that each kind of gap occurs
    assert seen == {"skill", "reach", "off", "busy", "trade-off"}, seen


def test_reason_wording_for_the_plain_cases():
    inst = instance()
    result = rota_eval.build(inst).solve()
    reasons = {(c.day, c.site, c.skill): c.reason for c in result.cover if c.reason}
    assert reasons[(0, "S1", "lab")] == "nobody holds the skill 'lab'"
    assert reasons[(0, "S3", "icu")] == ("out of travel reach: everyone holding the skill (1) is "
                                         "too far from site 'S3'")
    assert reasons[(1, "S1", "xray")].startswith("left unmet: cheaper than the alternatives "
                                                 "(qualified, free that day and able to take it "
                                                 "within the hard rules: 1;")
    assert reasons[(2, "S2", "xray")].startswith("qualified people are off that day: of 1 "
                                                 "qualified and in reach, 1 off")
