"""Per-person iCalendar export of a stored rota: files parsed back with icalendar match the rota;
UIDs are stable from one rota to the next (a re-published rota updates events instead of
duplicating them); night shifts end the next day; removed shifts are cancelled."""
from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from staffpool import ical
from staffpool.cli import main
from staffpool.store import Store

icalendar = pytest.importorskip("icalendar")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def events(data: bytes):
    cal = icalendar.Calendar.from_ical(data)
    return [c for c in cal.walk() if c.name == "VEVENT"]


def tables(rota_id, created, assignments, changes=(), people=None):
    return {
        "rotas": [{"id": rota_id, "created_at": created}],
        "rota_people": [{"staff": s} for s in (people or sorted({a["staff"]
                                                                   for a in assignments}))],
        "rota_assignments": list(assignments),
        "rota_changes": list(changes),
    }


def assignment(staff, date, shift, start, minutes, site="S1", skill=None):
    return {"staff": staff, "date": date, "shift": shift, "site": site, "skill": skill,
            "start": f"{date}T{start}", "minutes": minutes, "pinned": 0, "published": 0}


SHIFTS = {"E": {"id": "E", "name": "Early", "start_minute": 420, "length_minutes": 480},
          "N": {"id": "N", "name": "Night", "start_minute": 1320, "length_minutes": 540}}
SITES = {"S1": "Wrenbury Civic Centre", "S2": "Kingsmere Town Hall"}


def test_events_match_the_shifts_and_nights_end_next_day():
    t = tables(7, "2027-01-03T02:00:00.000Z", [
        assignment("P", "2027-01-04", "E", "07:00", 480, skill="food"),
        assignment("P", "2027-01-05", "N", "22:00", 540, site="S2")])
    cals = ical.calendars(t, SHIFTS, SITES, {"P": "Pat"})
    evs = sorted(events(cals["P"]), key=lambda e: e.decoded("dtstart"))
    assert len(evs) == 2
    early, night = evs
    assert early.decoded("dtstart") == dt.datetime(2027, 1, 4, 7, 0)
    assert early.decoded("dtend") == dt.datetime(2027, 1, 4, 15, 0)
    assert str(early["location"]) == "Wrenbury Civic Centre"
    assert str(early["summary"]) == "Early (food)"
    assert night.decoded("dtend") == dt.datetime(2027, 1, 6, 7, 0)  # 22:00 + 9 h
    assert str(night["location"]) == "Kingsmere Town Hall"
    assert int(night["sequence"]) == 7
    assert str(icalendar.Calendar.from_ical(cals["P"])["x-wr-calname"]) == "Rota: Pat"


def test_uids_are_stable_and_sequence_grows_when_a_shift_changes():
    one = ical.calendars(tables(3, "2027-01-03T02:00:00Z", [
        assignment("P", "2027-01-04", "E", "07:00", 480)]), SHIFTS, SITES, {})
    two = ical.calendars(tables(5, "2027-01-04T02:00:00Z", [
        assignment("P", "2027-01-04", "N", "22:00", 540)]), SHIFTS, SITES, {})
    (a,), (b,) = events(one["P"]), events(two["P"])
    assert str(a["uid"]) == str(b["uid"]) == ical.event_uid("P", "2027-01-04")
    assert int(b["sequence"]) > int(a["sequence"])
    assert b.decoded("dtstart") == dt.datetime(2027, 1, 4, 22, 0)


def test_a_removed_shift_is_cancelled_with_the_same_uid():
    t = tables(4, "2027-01-03T02:00:00Z", [], changes=[
        {"staff": "P", "date": "2027-01-06", "before_shift": "E", "before_site": "S1",
         "before_skill": None, "after_shift": None, "after_site": None, "after_skill": None}],
        people=["P"])
    (ev,) = events(ical.calendars(t, SHIFTS, SITES, {})["P"])
    assert str(ev["status"]) == "CANCELLED"
    assert str(ev["uid"]) == ical.event_uid("P", "2027-01-06")
    assert ev.decoded("dtstart") == dt.datetime(2027, 1, 6, 7, 0)


def test_file_names_are_safe_and_distinct():
    ids = ["A1", "a/b", "a_b", "../x", "O'Neil; DROP", ".hidden", "", "é"]
    names = [ical.file_name(i) for i in ids]
    assert len(set(names)) == len(names)
    assert ical.file_name("A1") == "A1.ics"
    for n in names:
        assert "/" not in n and not n.startswith(".") and n.endswith(".ics")


def test_export_from_the_database_parses_back(tmp_path):
    d = tmp_path / "csv"
    d.mkdir()
    for src in ("csv_tiny", "csv_rota"):
        for name in os.listdir(os.path.join(ROOT, "tests", "data", src)):
            shutil.copy(os.path.join(ROOT, "tests", "data", src, name), d / name)
    db = str(tmp_path / "pool.db")
    assert main(["init", db, "-q"]) == 0
    assert main(["import", db, str(d), "-q"]) == 0
    assert main(["rota", db, "--from", "2027-01-04", "--days", "14", "-q"]) == 0
    out = tmp_path / "ics"
    assert main(["rota", db, "--export", str(out), "--format", "ics", "-q"]) == 0
    with Store(db, readonly=True) as store:
        stored = store.rota_tables()
        sites = {s["id"]: s["name"] for s in store.records("sites")}
    assert sorted(os.listdir(out)) == ["A1.ics", "A2.ics", "B1.ics"]
    for person in ("A1", "A2", "B1"):
        evs = events((out / f"{person}.ics").read_bytes())
        mine = [a for a in stored["rota_assignments"] if a["staff"] == person]
        assert len(evs) == len(mine)
        by_uid = {str(e["uid"]): e for e in evs}
        for a in mine:
            e = by_uid[ical.event_uid(person, a["date"])]
            start = dt.datetime.fromisoformat(a["start"])
            assert e.decoded("dtstart") == start
            assert e.decoded("dtend") - start == dt.timedelta(minutes=a["minutes"])
            assert str(e["location"]) == sites[a["site"]]
