#!/usr/bin/python3
"""Generate the demo reorganisation shipped with staffpool (python/staffpool/data/demo_reorg.json).

The world is the allocation demo's (python/staffpool/data/demo.json): Wrenshire's seven councils,
their sites, skills and grades. Partners, sites, skills and the travel override are read from it,
so the two demos cannot drift apart.

The story: Wrenbury (WBD), Ashby Vale (AVD) and Harrowfield (HFD) merge their environmental
health, environmental protection and licensing management into one shared management team hosted
at County Hall, deleting twelve posts across the three councils. The other councils and the county
have vacancies, some opening later through known retirements (natural wastage), and steady
turnover elsewhere is expected to open a few more posts over the year (leaving rates). The shared
service's redeployment policy: posts at the same grade or one below, pay protected for a year,
retraining up to 26 weeks (finishing by the start of the post or within its four-week trial), an
excess travel allowance for a year, relocation support for those willing to move.

The horizon is the 2027/28 financial year in thirteen four-week periods (P01 starts 5 Apr 2027).
Pay is per four-week period: the demo's hourly cost by grade less on-costs (x 0.76) x weekly
hours x 4. Redundancy costs follow the statutory formula's shape (1.5 weeks' pay per year of
service, at most 20 years) plus a pension strain for those over 55.

Deterministic: one seeded random.Random used in a fixed order, no iteration over sets, json.dump
with indent=1 and a trailing newline; running it twice gives the same bytes. Standard library only:

    /usr/bin/python3 tools/make_demo_reorg.py
"""

import json
import math
import os
import random

SEED = 20270405
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, os.pardir, "python", "staffpool", "data")
WORLD = os.path.join(DATA, "demo.json")
OUT_PATH = os.path.join(DATA, "demo_reorg.json")

PERIODS = 13
PERIOD_LABELS = ["2027-P%02d" % (i + 1) for i in range(PERIODS)]

# Hourly cost including on-costs by grade, lowest first (tools/make_demo.py's GRADES).
GRADES = [("scale6", 19.2), ("so1", 23.6), ("so2", 26.9), ("po1", 30.4), ("po2", 34.1),
          ("spec", 39.5), ("spec_lead", 42.8)]
HOURLY = dict(GRADES)

RULES = {
    "grades_down": 1,
    "grades_up": 0,
    "period_weeks": 4,
    "training_limit_weeks": 26,
    "trial_weeks": 4,
    "protection_periods": 13,
    "redundancy_cost": 15000,
    "relocation_cost": 8000,
    "travel_speed_kmh": 45,
    # 20 extra minutes each way is about 600 km a period at 45 km/h; at 45p a mile-ish
    # allowance that is about 270 a period, i.e. 13.5 per extra one-way minute per period.
    "excess_travel_cost": 13.5,
    "excess_travel_periods": 13,
    "waiting_cost_share": 0.2,
}

# The twelve deleted posts: id, post title, partner, site, grade, weekly hours, skills,
# max travel minutes (None: unlimited), willing to relocate, period the post ends, years of
# service, age, preferred partners.
AT_RISK = [
    ("WBD-M01", "Head of Regulatory Services", "WBD", "WBD-HQ", "spec_lead", 37,
     {"food": 5, "hs": 4, "licensing": 3}, 60, False, 3, 24, 58, []),
    ("WBD-M02", "Food and safety team leader", "WBD", "WBD-HQ", "po2", 37,
     {"food": 4, "hs": 4, "noise": 2}, 50, False, 2, 15, 47, ["WCC", "KSD"]),
    ("WBD-M03", "Licensing team leader", "WBD", "WBD-HQ", "po2", 37,
     {"licensing": 4, "taxi": 4, "animal": 2}, 40, False, 3, 11, 44, []),
    ("WBD-M04", "Senior environmental protection officer", "WBD", "WBD-HQ", "po1", 37,
     {"noise": 4, "air": 2, "contam": 2}, 50, True, 4, 6, 36, ["WCC"]),
    ("WBD-M05", "Licensing support officer", "WBD", "WBD-HQ", "so1", 29.6,
     {"licensing": 2, "taxi": 2}, 30, False, 2, 9, 51, ["WBD"]),
    ("AVD-M01", "Environmental health manager", "AVD", "AVD-HQ", "po2", 37,
     {"food": 4, "hs": 4, "housing": 3}, 50, True, 3, 19, 52, ["AVD", "HFD"]),
    ("AVD-M02", "Housing standards lead", "AVD", "AVD-HQ", "po1", 37,
     {"housing": 4, "hs": 3}, 40, False, 2, 13, 49, ["AVD"]),
    ("AVD-M03", "Senior licensing officer", "AVD", "AVD-HQ", "so2", 37,
     {"licensing": 3, "taxi": 3}, 55, False, 4, 7, 33, []),
    ("AVD-M04", "Food safety coordinator", "AVD", "AVD-HQ", "so2", 22.5,
     {"food": 3, "hs": 2, "animal": 2}, 50, False, 2, 4, 29, []),
    ("HFD-M01", "Licensing manager", "HFD", "HFD-HQ", "po2", 37,
     {"licensing": 4, "taxi": 3, "fairtrade": 2}, 45, False, 3, 17, 55, ["HFD", "WCC"]),
    ("HFD-M02", "Principal environmental protection officer", "HFD", "HFD-HQ", "po2", 37,
     {"noise": 4, "contam": 3, "air": 2}, 45, False, 5, 21, 57, []),
    ("HFD-M03", "Trading standards liaison officer", "HFD", "HFD-HQ", "po1", 37,
     {"product": 3, "fairtrade": 3}, 45, False, 3, 8, 41, ["WCC"]),
]

# Vacancies: id, title, partner, site, skill, level, grade, weekly hours, start period,
# natural wastage (a known retirement or leaver).
VACANCIES = [
    ("KSD-V01", "Senior environmental health officer (food)", "KSD", "KSD-HQ", "food", 4, "po1",
     37, 1, False),
    ("WCC-V02", "Contaminated land officer", "WCC", "WCC-HALL", "contam", 3, "po1", 37, 2, False),
    ("BDD-V03", "Private sector housing lead", "BDD", "BDD-HQ", "housing", 4, "po1", 37, 1, False),
    ("FMD-V04", "Environmental protection officer", "FMD", "FMD-HQ", "noise", 3, "po1", 37, 3,
     True),
    ("WBD-V05", "Licensing assistant", "WBD", "WBD-HQ", "licensing", 2, "so1", 29.6, 5, True),
    ("WCC-V06", "Shared licensing lead", "WCC", "WCC-HALL", "licensing", 4, "po2", 37, 2, False),
    ("WCC-V07", "Metrology officer", "WCC", "WCC-TSD", "metrology", 3, "po1", 37, 2, False),
    ("BDD-V08", "Food and safety team leader", "BDD", "BDD-HQ", "food", 4, "po2", 37, 4, True),
    ("WCC-V09", "Air quality officer", "WCC", "WCC-HALL", "air", 3, "po1", 37, 3, False),
    ("KSD-V10", "Taxi licensing officer", "KSD", "KSD-HQ", "taxi", 3, "so2", 37, 2, False),
    ("HFD-V11", "Health and safety officer", "HFD", "HFD-HQ", "hs", 3, "so2", 37, 1, False),
    ("WCC-V12", "Product safety officer", "WCC", "WCC-TSD", "product", 3, "so2", 37, 6, False),
    ("AVD-V13", "Food safety assistant", "AVD", "AVD-HQ", "food", 2, "so1", 22.5, 2, True),
    ("HFD-V14", "Noise and nuisance officer", "HFD", "HFD-HQ", "noise", 3, "po1", 37, 0, False),
    ("KSD-V15", "Animal licensing officer", "KSD", "KSD-HQ", "animal", 3, "so2", 37, 3, True),
]

# Turnover where no post is deleted: id, partner, site, grade, headcount, annual leaving rate,
# skill and level of the posts leavers leave, weekly hours.
LEAVING_RATES = [
    ("WCC-TS-po1", "WCC", "WCC-TSD", "po1", 14, 0.09, "fairtrade", 3, 37),
    ("KSD-EH-so2", "KSD", "KSD-HQ", "so2", 12, 0.10, "food", 3, 37),
    ("WBD-HS-so2", "WBD", "WBD-HQ", "so2", 15, 0.08, "hs", 3, 37),
]

# Retraining routes: from skill, level -> to skill, level, weeks, cost.
ROUTES = [
    ("food", 3, "food", 4, 12, 1800),       # Higher Certificate in Food Control modules
    ("hs", 3, "hs", 4, 10, 1500),
    ("noise", 3, "air", 3, 8, 1200),       # air quality management course
    ("noise", 4, "contam", 3, 20, 3500),   # contaminated land (Part 2A) training
    ("housing", 3, "hs", 3, 8, 900),
    ("licensing", 3, "taxi", 3, 4, 400),
    ("taxi", 3, "licensing", 3, 6, 700),
    ("licensing", 4, "fairtrade", 3, 18, 2600),
    ("food", 3, "product", 3, 16, 2400),   # trading standards product safety module
    ("fairtrade", 3, "product", 3, 10, 1500),
    ("product", 3, "metrology", 3, 30, 5200),  # weights and measures qualification: too long
    ("animal", 2, "animal", 3, 6, 600),
    ("housing", 4, "contam", 3, 32, 4800),
]


def pay_per_period(grade, hours):
    return round(HOURLY[grade] * 0.76 * hours * 4, -1)


def redundancy_cost(pay, years, age):
    weekly = pay / 4
    cost = weekly * 1.5 * min(years, 20)
    if age >= 55:
        cost += 2.5 * weekly * years  # pension strain of unreduced early retirement
    return round(cost, -2)


def jitter(rng, lat, lon, km):
    """A home some km from the office, in a random direction (fixed by the seed)."""
    angle = rng.uniform(0, 2 * math.pi)
    dist = rng.uniform(0.3, 1.0) * km
    dlat = dist * math.cos(angle) / 111.2
    dlon = dist * math.sin(angle) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 4), round(lon + dlon, 4)


def main():
    rng = random.Random(SEED)
    with open(WORLD, encoding="utf-8") as f:
        world = json.load(f)
    names = {s["id"]: s["name"] for s in world["staff"]}
    sites = {s["id"]: s for s in world["sites"]}
    surnames = sorted({n.split(". ", 1)[1] for n in names.values()})
    people = []
    for (pid, title, partner, site, grade, hours, skills, travel, relocate, ends, years, age,
         prefs) in AT_RISK:
        pay = pay_per_period(grade, hours)
        lat, lon = jitter(rng, sites[site]["lat"], sites[site]["lon"], 12)
        person = {
            "id": pid, "name": rng.choice("ABCDEFGHJKLMNPRSTW") + ". " + rng.choice(surnames),
            "partner": partner, "post": title, "site": site, "grade": grade, "pay": pay,
            "hours": hours, "skills": skills, "home_lat": lat, "home_lon": lon,
            "max_travel_minutes": travel, "relocate": relocate, "post_ends": ends,
            "redundancy_cost": redundancy_cost(pay, years, age)}
        if prefs:
            person["preferences"] = prefs
        people.append(person)
    vacancies = [
        {"id": vid, "name": title, "partner": partner, "site": site, "skill": skill,
         "min_level": level, "grade": grade, "pay": pay_per_period(grade, hours), "hours": hours,
         "start": start, "natural_wastage": wastage}
        for vid, title, partner, site, skill, level, grade, hours, start, wastage in VACANCIES]
    leaving = [
        {"id": rid, "partner": partner, "site": site, "grade": grade, "headcount": headcount,
         "annual_rate": rate, "skill": skill, "min_level": level,
         "pay": pay_per_period(grade, hours), "hours": hours}
        for rid, partner, site, grade, headcount, rate, skill, level, hours in LEAVING_RATES]
    routes = [{"from_skill": a, "from_level": la, "to_skill": b, "to_level": lb, "weeks": w,
               "cost": c} for a, la, b, lb, w, c in ROUTES]
    out = {
        "format": "staffpool-redeployment",
        "version": 1,
        "name": "Wrenshire 2027/28: merged management team (WBD, AVD, HFD)",
        "periods": PERIODS,
        "period_labels": PERIOD_LABELS,
        "grades": [g for g, _ in GRADES],
        "rules": RULES,
        "partners": [{"id": p["id"], "name": p["name"]} for p in world["partners"]],
        "sites": [{"id": s["id"], "partner": s["partner"], "name": s["name"], "lat": s["lat"],
                   "lon": s["lon"]} for s in world["sites"]],
        "travel_minutes": world.get("travel_minutes", []),
        "skills": world["skills"],
        "people": people,
        "vacancies": vacancies,
        "leaving_rates": leaving,
        "routes": routes,
    }
    with open(OUT_PATH, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT_PATH))


if __name__ == "__main__":
    main()
