"""An independent evaluator of multi-site rotas for the tests: builds a Rota from a plain dict,
and checks a roster against every hard rule and recomputes its objective written from
docs/rota.md, not from the engine (own travel times, run counting, weekends, fairness). Also
enumerates every roster of a tiny instance (brute force).

An instance is a dict:
  days, first_weekday, partners, sites {id: (partner, lat, lon) or (partner, None, None)},
  travel {(a, b): minutes} (given one way, mirrored unless the other way is given), speed (km/h),
  skills [ids], shifts {id: dict(length, start, sites, skills, night, unpopular)},
  forbid [(first, next)],
  people {id: dict(site, skills, min_minutes, max_minutes, min_consecutive, max_consecutive,
                   min_days_off, max_weekends, contract, max_travel, max_shifts {shift: n})},
  days_off {person: [days]}, requests [(person, day, shift, on, weight)],
  cover {(day, shift, site, skill): (requirement, under, over, hard_min)},
  pins {(person, day): (shift, site, skill)}, published {(person, day): (shift, site, skill)},
  freeze (days), weights dict(travel_per_minute, fairness_nights, fairness_weekends,
  fairness_unpopular, change).
A roster is {(person, day): (shift, site, skill)} (days off absent).
"""
from __future__ import annotations

import itertools
import math

from staffpool.rota import Rota

DEFAULT_PERSON = dict(site=None, skills=(), min_minutes=0, max_minutes=-1, min_consecutive=1,
                      max_consecutive=-1, min_days_off=1, max_weekends=-1, contract=None,
                      max_travel=-1, max_shifts={})


def person(inst, p):
    return dict(DEFAULT_PERSON, **inst["people"][p])


def build(inst) -> Rota:
    r = Rota(days=inst["days"], first_weekday=inst.get("first_weekday", 0))
    for partner in inst.get("partners", ()):
        r.add_partner(partner)
    for s, (partner, lat, lon) in inst.get("sites", {}).items():
        r.add_site(s, partner, latitude=lat, longitude=lon)
    for (a, b), m in inst.get("travel", {}).items():
        r.set_travel_minutes(a, b, m)
    if "speed" in inst:
        r.set_travel_speed(inst["speed"])
    for k in inst.get("skills", ()):
        r.add_skill(k)
    for t, s in inst["shifts"].items():
        r.add_shift(t, s["length"], s.get("start", -1), sites=s.get("sites") or None,
                    skills=s.get("skills") or None, night=s.get("night", False),
                    unpopular=s.get("unpopular", False))
    for a, b in inst.get("forbid", ()):
        r.forbid_succession(a, b)
    if inst.get("weights"):
        r.set_weights(**inst["weights"])
    for p in inst["people"]:
        q = person(inst, p)
        r.add_person(p, site=q["site"], min_minutes=q["min_minutes"],
                     max_minutes=q["max_minutes"], min_consecutive=q["min_consecutive"],
                     max_consecutive=q["max_consecutive"], min_days_off=q["min_days_off"],
                     max_weekends=q["max_weekends"], skills=list(q["skills"]),
                     max_shifts=q["max_shifts"], contract=q["contract"],
                     max_travel_minutes=q["max_travel"])
    for p, days in inst.get("days_off", {}).items():
        for d in days:
            r.add_day_off(p, d)
    for p, d, t, on, w in inst.get("requests", ()):
        r.add_request(p, d, t, on, w)
    for (d, t, site, skill), (req, u, o, hm) in inst.get("cover", {}).items():
        r.set_cover(d, t, req, u, o, hm, site=site, skill=skill)
    for (p, d), (t, site, skill) in inst.get("pins", {}).items():
        r.pin(p, d, t, site=site, skill=skill)
    for (p, d), (t, site, skill) in inst.get("published", {}).items():
        r.publish(p, d, t, site=site, skill=skill)
    if inst.get("freeze"):
        r.set_freeze_days(inst["freeze"])
    return r


def minutes_between(inst, a, b):
    """One-way minutes, or math.inf when unreachable; 0 when either side has no site."""
    if a is None or b is None or a == b:
        return 0.0
    travel = inst.get("travel", {})
    if (a, b) in travel:
        return float(travel[(a, b)])
    if (b, a) in travel:
        return float(travel[(b, a)])
    _, la1, lo1 = inst["sites"][a]
    _, la2, lo2 = inst["sites"][b]
    if la1 is None or la2 is None:
        return math.inf
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
    return km / inst.get("speed", 40.0) * 60.0


def posts(inst, t):
    s = inst["shifts"][t]
    return [(t, site, skill) for site in (s.get("sites") or [None])
            for skill in (s.get("skills") or [None])]


def all_posts(inst):
    return [k for t in inst["shifts"] for k in posts(inst, t)]


def eligible(inst, p, post):
    q = person(inst, p)
    t, site, skill = post
    if skill is not None and skill not in q["skills"]:
        return False
    if q["max_shifts"].get(t, -1) == 0:
        return False
    m = minutes_between(inst, q["site"], site)
    return m != math.inf and (q["max_travel"] < 0 or m <= q["max_travel"])


def is_weekend(inst, d):
    return (inst.get("first_weekday", 0) + d) % 7 >= 5


def weekends_worked(inst, line):
    H, n = inst["days"], 0
    for d in range(H):
        if is_weekend(inst, d) and (d == 0 or not is_weekend(inst, d - 1)):
            days = [d] + ([d + 1] if d + 1 < H and is_weekend(inst, d + 1) else [])
            n += any(line[j] is not None for j in days)
    return n


def hard_fixed(inst, p, d):
    """The post a pin or the freeze window fixes for (p, d), or None."""
    if (p, d) in inst.get("pins", {}):
        return inst["pins"][(p, d)]
    pub = inst.get("published", {}).get((p, d))
    if pub and d < inst.get("freeze", 0) and d not in inst.get("days_off", {}).get(p, ()) \
            and eligible(inst, p, pub):
        return pub
    return None


def line_problems(inst, p, line):
    """Hard rules person p's line (list of post or None per day) breaks."""
    q, H, bad = person(inst, p), inst["days"], []
    for d, k in enumerate(line):
        fixed = hard_fixed(inst, p, d)
        if fixed is not None and k != fixed:
            bad.append(f"{p} day {d}: fixed {fixed}")
        if k is None:
            continue
        if d in inst.get("days_off", {}).get(p, ()):
            bad.append(f"{p} day {d}: day off")
        if not eligible(inst, p, k):
            bad.append(f"{p} day {d}: not eligible for {k}")
        if d + 1 < H and line[d + 1] is not None and \
                (k[0], line[d + 1][0]) in set(inst.get("forbid", ())):
            bad.append(f"{p} day {d}: succession")
    for t, mx in q["max_shifts"].items():
        if sum(1 for k in line if k and k[0] == t) > mx:
            bad.append(f"{p}: max shifts {t}")
    minutes = sum(inst["shifts"][k[0]]["length"] for k in line if k)
    if minutes < q["min_minutes"] or (q["max_minutes"] >= 0 and minutes > q["max_minutes"]):
        bad.append(f"{p}: minutes {minutes}")
    runs = [(w, len(list(g))) for w, g in itertools.groupby(k is not None for k in line)]
    pos = 0
    for i, (w, n) in enumerate(runs):
        inner = i > 0 and i < len(runs) - 1
        if w and q["max_consecutive"] >= 0 and n > q["max_consecutive"]:
            bad.append(f"{p}: run of {n} at {pos}")
        if inner and w and n < q["min_consecutive"]:
            bad.append(f"{p}: short run at {pos}")
        if inner and not w and n < q["min_days_off"]:
            bad.append(f"{p}: short rest at {pos}")
        pos += n
    if q["max_weekends"] >= 0 and weekends_worked(inst, line) > q["max_weekends"]:
        bad.append(f"{p}: weekends")
    return bad


def lines_of(inst, roster):
    return {p: [roster.get((p, d)) for d in range(inst["days"])] for p in inst["people"]}


def evaluate(inst, roster):
    """(problems, objective, parts) of a roster."""
    H, lines = inst["days"], lines_of(inst, roster)
    bad = [b for p in inst["people"] for b in line_problems(inst, p, lines[p])]
    cover = inst.get("cover", {})
    for d in range(min(H, inst.get("freeze", 0))):  # freeze: new ones only into the gap
        for k in all_posts(inst):
            kept = sum(1 for p in inst["people"] if hard_fixed(inst, p, d) == k)
            new = sum(1 for p in inst["people"]
                      if hard_fixed(inst, p, d) is None and lines[p][d] == k)
            req = cover.get((d,) + k, (0, 0, 0, 0))[0]
            if new > max(0, req - kept):
                bad.append(f"freeze: day {d} {k} gets {new} new")
    parts = dict(shift_on=0.0, shift_off=0.0, cover_under=0.0, cover_over=0.0, fairness=0.0,
                 travel=0.0, changes=0.0)
    for p, d, t, on, w in inst.get("requests", ()):
        k = lines[p][d]
        if on and (k is None or k[0] != t):
            parts["shift_on"] += w
        if not on and k is not None and k[0] == t:
            parts["shift_off"] += w
    for d in range(H):
        for k in all_posts(inst):
            req, u, o, hm = cover.get((d,) + k, (0, 0, 0, 0))
            n = sum(1 for p in inst["people"] if lines[p][d] == k)
            if n < hm:
                bad.append(f"hard minimum day {d} {k}")
            parts["cover_under"] += u * max(0, req - n)
            parts["cover_over"] += o * max(0, n - req)
    w = dict(dict(travel_per_minute=0, fairness_nights=0, fairness_weekends=0,
                  fairness_unpopular=0, change=0), **inst.get("weights", {}))
    for p in inst["people"]:
        site = person(inst, p)["site"]
        for k in lines[p]:
            if k is not None:
                m = minutes_between(inst, site, k[1])
                parts["travel"] += w["travel_per_minute"] * (0 if m == math.inf else m)
    for (p, d), k in inst.get("published", {}).items():
        if lines[p][d] != k:
            parts["changes"] += w["change"]
    groups = {}
    for p in inst["people"]:
        c = person(inst, p)["contract"]
        if c is not None:
            groups.setdefault(c, []).append(p)
    for members in groups.values():
        counts = {
            "fairness_nights": [sum(1 for k in lines[p] if k and inst["shifts"][k[0]].get("night"))
                                for p in members],
            "fairness_weekends": [weekends_worked(inst, lines[p]) for p in members],
            "fairness_unpopular": [sum(1 for k in lines[p]
                                       if k and inst["shifts"][k[0]].get("unpopular"))
                                   for p in members]}
        for key, values in counts.items():
            parts["fairness"] += w[key] * (max(values) - min(values))
    return bad, sum(parts.values()), parts


def roster_of(result):
    return {(a.person, a.day): (a.shift, a.site, a.skill) for a in result.assignments}


def brute_force(inst):
    """The optimum objective over every roster (None if none is feasible)."""
    H, choices = inst["days"], [None] + all_posts(inst)
    per_person = {}
    for p in inst["people"]:
        per_person[p] = [list(line) for line in itertools.product(choices, repeat=H)
                         if not line_problems(inst, p, list(line))]
    best = None
    for combo in itertools.product(*per_person.values()):
        roster = {(p, d): k for p, line in zip(inst["people"], combo)
                  for d, k in enumerate(line) if k is not None}
        bad, objective, _ = evaluate(inst, roster)
        if not bad and (best is None or objective < best - 1e-9):
            best = objective
    return best
