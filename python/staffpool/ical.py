"""Per-person iCalendar files of a stored rota (RFC 5545), for staff to subscribe to.

One file per person on the rota, ``<staff>.ics``: one VEVENT per worked shift, from the shift
type's start to start + length (a night shift ends the next day), location = the site's name.
Times are floating local times (no time zone): a rota is planned in the service's wall-clock
time.

Stable identities, so that a re-published rota updates calendars instead of duplicating events:
a person works at most one shift a day, so an event's UID is made of the staff id and the date
(``<date>/<staff>@staffpool-rota``) whatever shift is worked; SEQUENCE is the rota id, which
grows with every rota written, so a changed shift replaces the earlier version. A published
shift that the rota removed (rota_changes with no after-shift) is written as a CANCELLED event
with the same UID, so calendars that imported it drop it.

Uses Debian's python3-icalendar, imported when a calendar is written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from typing import Any, Dict, List
from urllib.parse import quote

PRODID = "-//staffpool//rota//EN"


def _icalendar() -> Any:
    try:
        import icalendar
    except ImportError:  # pragma: no cover - install-deps.sh installs it
        from .errors import StaffpoolError

        raise StaffpoolError("writing iCalendar files needs icalendar (Debian: apt-get install "
                             "python3-icalendar)") from None
    return icalendar


def event_uid(staff: str, date: str) -> str:
    """The UID of a person's shift on a date: the same in every rota."""
    return f"{date}/{quote(staff, safe='')}@staffpool-rota"


def file_name(staff: str) -> str:
    """A safe, distinct file name for a staff id (ids may hold any character): the id itself
    when it is plain, else its plain characters and a short hash of the whole id."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", staff)
    if plain == staff and staff and not staff.startswith("."):
        return f"{staff}.ics"
    digest = hashlib.sha256(staff.encode("utf-8")).hexdigest()[:8]
    return f"{plain.strip('.') or 'staff'}-{digest}.ics"


def _stamp(created_at: str) -> dt.datetime:
    """rotas.created_at (UTC, 2027-01-04T02:00:00.123Z) as an aware datetime."""
    text = created_at.rstrip("Z")
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def calendars(tables: Dict[str, List[Dict[str, Any]]], shifts: Dict[str, Dict[str, Any]],
              sites: Dict[str, str], names: Dict[str, str]) -> Dict[str, bytes]:
    """staff id -> the .ics bytes of their calendar, for a stored rota (Store.rota_tables);
    shifts: rota_shifts records by id (for names), sites: site id -> name, names: staff id ->
    name."""
    icalendar = _icalendar()
    head = tables["rotas"][0]
    stamp = _stamp(head["created_at"])
    by_person: Dict[str, List[Any]] = {p["staff"]: [] for p in tables["rota_people"]}
    for a in tables["rota_assignments"]:
        start = dt.datetime.fromisoformat(a["start"])
        event = icalendar.Event()
        event.add("uid", event_uid(a["staff"], a["date"]))
        event.add("sequence", int(head["id"]))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=int(a["minutes"])))
        shift_name = (shifts.get(a["shift"]) or {}).get("name") or a["shift"]
        event.add("summary", shift_name + (f" ({a['skill']})" if a["skill"] else ""))
        if a["site"]:
            event.add("location", sites.get(a["site"]) or a["site"])
        event.add("description", f"rota {head['id']}: shift {a['shift']}"
                                 + (f" at {a['site']}" if a["site"] else "")
                                 + (f", skill {a['skill']}" if a["skill"] else "")
                                 + (" (pinned)" if a["pinned"] else ""))
        event.add("status", "CONFIRMED")
        by_person.setdefault(a["staff"], []).append(event)
    for c in tables["rota_changes"]:
        if c["after_shift"] is not None:
            continue  # a changed shift: its new version above carries the same UID
        shift = shifts.get(c["before_shift"]) or {}
        event = icalendar.Event()
        event.add("uid", event_uid(c["staff"], c["date"]))
        event.add("sequence", int(head["id"]))
        event.add("dtstamp", stamp)
        if "start_minute" in shift:
            start = dt.datetime.fromisoformat(c["date"]) + \
                dt.timedelta(minutes=int(shift["start_minute"]))
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=int(shift["length_minutes"])))
        else:
            event.add("dtstart", dt.date.fromisoformat(c["date"]))
        event.add("summary", f"Cancelled: {shift.get('name') or c['before_shift']}")
        event.add("status", "CANCELLED")
        by_person.setdefault(c["staff"], []).append(event)
    out = {}
    for staff, events in by_person.items():
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", f"Rota: {names.get(staff) or staff}")
        for event in sorted(events, key=lambda e: str(e["uid"])):
            cal.add_component(event)
        out[staff] = cal.to_ical()
    return out


def write_calendars(store: Any, directory: str, rota_id: int) -> List[str]:
    """Writes one .ics file per person on rota rota_id into directory (created if needed; each
    file replaced atomically); returns the paths written."""
    tables = store.rota_tables(rota_id)
    shifts = {s["id"]: s for s in store.records("rota_shifts")}
    sites = {s["id"]: s["name"] or s["id"] for s in store.records("sites")}
    names = {s["id"]: s["name"] or s["id"] for s in store.records("staff")}
    os.makedirs(directory, exist_ok=True)
    written = []
    for staff, data in calendars(tables, shifts, sites, names).items():
        path = os.path.join(directory, file_name(staff))
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        written.append(path)
    return written
