"""RotaResult as pandas DataFrames: tidy snake_case columns, one row per record, days as int."""
from __future__ import annotations

import pytest

import rota_eval

pd = pytest.importorskip("pandas")


def solved():
    inst = dict(days=3, partners=["P"], sites={"S1": ("P", None, None), "S2": ("P", None, None)},
                travel={("S1", "S2"): 15}, skills=["icu"],
                shifts={"D": dict(length=480, sites=["S1", "S2"], skills=["icu"]),
                        "N": dict(length=600, night=True)},
                people={"A": dict(site="S1", skills=["icu"]), "B": dict(site="S2")},
                cover={**{(d, "D", "S2", "icu"): (1, 10, 1, 0) for d in range(3)},
                       (0, "N", None, None): (0, 0, 5, 0)},
                published={("B", 0): ("N", None, None)}, pins={("A", 2): ("D", "S1", "icu")},
                weights=dict(change=3, travel_per_minute=0.1))
    return rota_eval.build(inst).solve()


def test_frames_have_tidy_columns_and_match_the_records():
    result = solved()
    df = result.to_frame()
    assert list(df.columns) == ["person", "day", "shift", "site", "skill", "pinned", "published"]
    assert len(df) == len(result.assignments) and df["day"].dtype.kind == "i"
    pinned = df[df["pinned"]]
    assert pinned[["person", "day", "shift", "site"]].values.tolist() == [["A", 2, "D", "S1"]]
    cover = result.cover_frame()
    assert list(cover.columns) == ["day", "shift", "site", "skill", "requirement", "assigned",
                                   "gap", "under_penalty", "over_penalty", "reason"]
    assert len(cover) == len(result.cover)
    assert (cover["gap"] == (cover["requirement"] - cover["assigned"]).clip(lower=0)).all()
    assert cover.loc[cover["gap"] > 0, "reason"].notna().all()
    people = result.people_frame()
    assert people["person"].tolist() == ["A", "B"]
    assert {"nights", "travel_minutes", "changes", "weekends"} <= set(people.columns)
    changes = result.changes_frame()
    assert list(changes.columns) == ["person", "day", "before_shift", "before_site",
                                     "before_skill", "after_shift", "after_site", "after_skill"]
    # B's published night on day 0 is dropped (over-staffing 5 > change 3): one removal
    assert changes[changes["person"] == "B"][["day", "before_shift", "after_shift"]] \
        .values.tolist() == [[0, "N", None]]
