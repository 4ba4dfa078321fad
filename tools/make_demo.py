#!/usr/bin/python3
"""Generate the demo scenario shipped with staffpool (python/staffpool/data/demo.json).

The demo is a fictional two-tier English shire, Wrenshire, where the county council and its six
district councils pool environmental health, licensing and trading standards into one regulatory
service (see docs/scenario-format.md for the file format, docs/model.md for the model).

Deterministic: one seeded random.Random, no iteration over sets or unordered containers, lists
sorted before writing, json.dump(indent=1) plus a trailing newline. Running it twice gives the same
bytes. Standard library only:

    /usr/bin/python3 tools/make_demo.py

What the data is meant to show:
- 13 ISO weeks of Q1 2027 (2027-W01 starts Mon 4 Jan; W07 is February half-term; Good Friday falls
  in W12 and Easter Monday in W13; weeks 10-13 are the year-end push to finish the food inspection
  programme; weeks 8-11 bring applications for the summer's events to licensing).
- Demand is about 97% of the hours staff have after leave, so a good plan leaves some demand
  unmet, mostly discretionary; statutory work is almost all coverable.
- Single points of failure: one contaminated land specialist (the only contam holder at level 3+),
  one metrology officer (the only metrology holder at level 3+), one air quality specialist at
  level 4; nobody holds air quality at level 5, which an AQMA modelling job needs (no_skill).
- Fenmarsh's senior licensing post is vacant: its local-only licensing committee work (level 3)
  has no own employee able to do it (local_only).
"""

import json
import math
import os
import random

SEED = 20270104
TARGET_DEMAND_RATIO = 0.97  # total demand hours / total available hours (before reserve)
N_PERIODS = 13

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, os.pardir, "python", "staffpool", "data", "demo.json")

PRIORITIES = ("statutory", "core", "discretionary")

# ---------------------------------------------------------------------------------------------
# Partners and sites
# ---------------------------------------------------------------------------------------------

# id, name, population (county population is the sum of its districts: two-tier area)
DISTRICTS = [
    ("WBD", "Wrenbury District Council", 148200),
    ("AVD", "Ashby Vale District Council", 92400),
    ("HFD", "Harrowfield District Council", 121600),
    ("FMD", "Fenmarsh District Council", 73800),
    ("KSD", "Kingsmere District Council", 113500),
    ("BDD", "Bramley Downs District Council", 104300),
]
COUNTY = ("WCC", "Wrenshire County Council", sum(d[2] for d in DISTRICTS))
DISTRICT_IDS = [d[0] for d in DISTRICTS]
POP = {d[0]: d[2] for d in DISTRICTS}

# id, partner, name, lat, lon
SITES = [
    ("WCC-HALL", "WCC", "County Hall, Wrenbury", 52.507, -1.196),
    ("WCC-TSD", "WCC", "Trading Standards depot, Carrow Lane, Wrenbury", 52.486, -1.151),
    ("WBD-HQ", "WBD", "Wrenbury Civic Centre", 52.498, -1.214),
    ("AVD-HQ", "AVD", "Ashby Vale House, Ashby St Giles", 52.731, -1.462),
    ("HFD-HQ", "HFD", "Harrowfield Council Offices, Harrowfield", 52.622, -0.968),
    ("FMD-HQ", "FMD", "Fenmarsh District Offices, Holme Market", 52.772, -0.846),
    ("KSD-HQ", "KSD", "Kingsmere Town Hall, Kingsmere", 52.283, -1.524),
    ("BDD-HQ", "BDD", "Bramley Downs Council House, Bramley", 52.236, -0.992),
]
HQ = {d: d + "-HQ" for d in DISTRICT_IDS}

# The only cross-country road from Holme Market to Ashby St Giles is a slow single-track fen road.
TRAVEL_OVERRIDES = [("FMD-HQ", "AVD-HQ", 80)]

SKILLS = [
    ("food", "Food hygiene and standards"),
    ("hs", "Health and safety at work"),
    ("noise", "Noise and statutory nuisance"),
    ("contam", "Contaminated land"),
    ("air", "Air quality"),
    ("animal", "Animal welfare and animal licensing"),
    ("housing", "Private sector housing"),
    ("licensing", "Licensing (alcohol, entertainment, gambling)"),
    ("taxi", "Taxi and private hire licensing"),
    ("product", "Product safety"),
    ("metrology", "Weights and measures (metrology)"),
    ("fairtrade", "Fair trading and scams"),
]
SKILL_IDS = [s[0] for s in SKILLS]

# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------

SURNAMES = [
    "Adams", "Ahmed", "Allen", "Atkinson", "Bailey", "Baker", "Barker", "Bennett", "Bhatt",
    "Bird", "Booth", "Bradley", "Brooks", "Burton", "Butler", "Campbell", "Carter", "Chadwick",
    "Chapman", "Chauhan", "Clarke", "Cole", "Collins", "Cooper", "Cox", "Davies", "Dawson",
    "Dixon", "Doyle", "Edwards", "Ellis", "Evans", "Farrell", "Fisher", "Fletcher", "Foster",
    "Fox", "Gardner", "Gibson", "Gill", "Graham", "Grant", "Gray", "Green", "Griffiths",
    "Hall", "Hamilton", "Harper", "Harris", "Hart", "Hayes", "Hill", "Holmes", "Hughes",
    "Hussain", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Kelly", "Khan",
    "King", "Knight", "Lambert", "Lane", "Lawrence", "Lee", "Lewis", "Lloyd", "Lowe",
    "Marsh", "Marshall", "Mason", "Matthews", "Mills", "Mistry", "Mitchell", "Moore",
    "Morgan", "Morris", "Murphy", "Nash", "Newman", "Nowak", "O'Brien", "Okafor", "Owen",
    "Palmer", "Parker", "Patel", "Payne", "Pearce", "Perry", "Phillips", "Porter", "Price",
    "Reid", "Reynolds", "Richards", "Roberts", "Robinson", "Rogers", "Rose", "Russell",
    "Saunders", "Scott", "Sharma", "Shaw", "Simpson", "Singh", "Smith", "Spencer", "Stevens",
    "Stone", "Sutton", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Wallace", "Ward",
    "Watson", "Webb", "Wells", "West", "White", "Wilkinson", "Williams", "Wilson", "Wood",
    "Wright", "Young",
]
INITIALS = "ABCDEFGHIJKLMNPRSTVW"

# Grades: hourly cost including on-costs (GBP), by grade; staff sit on one of three spinal
# points (+0, +0.7, +1.4) within it.
GRADES = {
    "scale6": 19.2,     # technical officer / licensing assistant
    "so1": 23.6,        # officer
    "so2": 26.9,        # officer (qualified)
    "po1": 30.4,        # senior officer
    "po2": 34.1,        # principal / team leader
    "spec": 39.5,       # lead specialist (core team)
    "spec_lead": 42.8,  # principal specialist
}

# District roles: code -> (title, mandatory skills {skill: (lo, hi)}, optional skill pool,
# number of optional skills (lo, hi)). Optional skills are held at level 2.
DISTRICT_ROLES = {
    "EH": ("Environmental health officer (food)", {"food": (3, 4), "hs": (2, 4)},
           ["noise", "housing", "contam", "animal"], (0, 1)),
    "EP": ("Environmental protection officer", {"noise": (3, 4)},
           ["hs", "food", "contam", "air", "licensing"], (1, 2)),
    "HS": ("Private sector housing officer", {"housing": (3, 4), "hs": (2, 2)},
           ["noise", "food"], (0, 1)),
    "LO": ("Licensing officer", {"licensing": (3, 4), "taxi": (2, 4)},
           ["noise", "animal"], (0, 1)),
    "TO": ("Technical officer", {"food": (2, 2), "hs": (2, 2), "animal": (2, 3)},
           ["noise", "taxi"], (0, 1)),
}

# Role counts per district (EH, EP, HS, LO, TO). Harrowfield is short of food officers,
# Kingsmere has more than it needs, Fenmarsh's senior licensing post is vacant (see below).
DISTRICT_TEAMS = {
    "WBD": {"EH": 6, "EP": 4, "HS": 3, "LO": 3, "TO": 3},
    "AVD": {"EH": 4, "EP": 2, "HS": 2, "LO": 2, "TO": 2},
    "HFD": {"EH": 3, "EP": 3, "HS": 2, "LO": 3, "TO": 3},
    "FMD": {"EH": 3, "EP": 2, "HS": 1, "LO": 0, "TO": 2},
    "KSD": {"EH": 6, "EP": 3, "HS": 2, "LO": 2, "TO": 3},
    "BDD": {"EH": 4, "EP": 3, "HS": 2, "LO": 2, "TO": 3},
}

# County trading standards and animal health roles.
COUNTY_ROLES = {
    "TS": ("Trading standards officer", {"product": (2, 4), "fairtrade": (2, 4)},
           ["metrology", "animal", "food"], (0, 2)),
    "AH": ("Animal health officer", {"animal": (3, 4)}, ["product", "fairtrade"], (1, 1)),
}
COUNTY_TEAMS = {"TS": 18, "AH": 3}

# The core specialist team, written out by hand: these are the people the resilience analysis
# is about. id suffix, title, skills, grade, base site.
CORE_TEAM = [
    ("SP-01", "Contaminated land specialist", {"contam": 4, "air": 2, "hs": 2}, "spec", "WCC-HALL"),
    ("SP-02", "Air quality specialist", {"air": 4, "noise": 3, "contam": 2}, "spec_lead", "WCC-HALL"),
    ("SP-03", "Pollution scientist", {"air": 3, "noise": 3}, "po2", "WCC-HALL"),
    ("SP-04", "Animal welfare specialist", {"animal": 4, "noise": 2}, "spec", "WCC-HALL"),
    ("SP-05", "Senior animal welfare officer", {"animal": 4, "fairtrade": 2}, "po2", "WCC-TSD"),
    ("SP-06", "Product safety specialist", {"product": 4, "fairtrade": 3}, "spec", "WCC-TSD"),
    ("SP-07", "Product safety lead", {"product": 4, "metrology": 2}, "spec_lead", "WCC-TSD"),
    ("SP-08", "Metrology officer", {"metrology": 4, "product": 3}, "spec", "WCC-TSD"),
    ("SP-09", "Noise and vibration specialist", {"noise": 4, "licensing": 2}, "spec", "WCC-HALL"),
]

PART_TIME_HOURS = [18.5, 22.5, 29.6, 29.6]


def make_name(rng, used):
    while True:
        name = rng.choice(INITIALS) + ". " + rng.choice(SURNAMES)
        if name not in used:
            used.append(name)
            return name


def grade_for(role, skills):
    top = max(skills.values())
    if role in ("TO",) or top <= 2:
        return "scale6"
    if top == 3:
        return "so2"
    return "po1"


def draw_skills(rng, mandatory, optional, n_opt):
    skills = {}
    for k in sorted(mandatory):
        lo, hi = mandatory[k]
        skills[k] = rng.randint(lo, hi)
    pool = [k for k in optional if k not in skills]
    for k in rng.sample(pool, rng.randint(n_opt[0], n_opt[1])):
        skills[k] = 2
    return skills


def make_staff(rng):
    staff = []
    used_names = []

    def add(sid, name, partner, site, hours, grade, skills, travel, role_title):
        cost = round(GRADES[grade] + 0.7 * rng.randint(0, 2), 2)
        rec = {
            "id": sid, "name": name, "partner": partner, "site": site,
            "contracted_hours": hours, "cost_per_hour": cost,
            "skills": {k: skills[k] for k in SKILL_IDS if k in skills},
            "max_travel_minutes": travel,
            "_role": role_title,
        }
        staff.append(rec)
        return rec

    for pid in DISTRICT_IDS:
        for role in ("EH", "EP", "HS", "LO", "TO"):
            title, mand, opt, n_opt = DISTRICT_ROLES[role]
            for i in range(DISTRICT_TEAMS[pid][role]):
                skills = draw_skills(rng, mand, opt, n_opt)
                part_time = rng.random() < 0.2
                hours = rng.choice(PART_TIME_HOURS) if part_time else 37
                if part_time:
                    travel = rng.choice([45, 45, 60])
                else:
                    travel = rng.choice([45, 60, 60, 75, 90, 90, None])
                grade = grade_for(role, skills)
                if role == "EH" and i == 0:
                    grade = "po2"  # the district's lead EHO
                    skills["food"] = 4
                    skills["hs"] = max(skills["hs"], 3)
                add("%s-%s-%02d" % (pid, role, i + 1), make_name(rng, used_names), pid, HQ[pid],
                    hours, grade, skills, travel, title)
        if pid == "FMD":
            # Senior licensing officer post vacant since December: two level-2 officers remain,
            # so Fenmarsh's local-only licensing committee work (level 3) has nobody local.
            add("FMD-LO-01", make_name(rng, used_names), "FMD", "FMD-HQ", 37, "so1",
                {"licensing": 2, "taxi": 3, "noise": 2}, 60, "Licensing officer")
            add("FMD-LO-02", make_name(rng, used_names), "FMD", "FMD-HQ", 22.5, "scale6",
                {"licensing": 2, "taxi": 2}, 45, "Licensing assistant")

    for role in ("TS", "AH"):
        title, mand, opt, n_opt = COUNTY_ROLES[role]
        for i in range(COUNTY_TEAMS[role]):
            skills = draw_skills(rng, mand, opt, n_opt)
            part_time = rng.random() < 0.15
            hours = rng.choice(PART_TIME_HOURS) if part_time else 37
            travel = rng.choice([60, 75, 90, None])
            site = "WCC-TSD" if role == "TS" or i > 0 else "WCC-HALL"
            grade = grade_for(role, skills)
            if role == "TS" and i < 2:
                grade = "po2"  # team leaders
            add("WCC-%s-%02d" % (role, i + 1), make_name(rng, used_names), "WCC", site, hours,
                grade, skills, travel, title)

    for suffix, title, skills, grade, site in CORE_TEAM:
        add("WCC-" + suffix, make_name(rng, used_names), "WCC", site, 37, grade, dict(skills),
            None, title)

    staff.sort(key=lambda s: s["id"])

    # A few people on local contracts who work only for their own council (part-timers first).
    district_staff = [s for s in staff if s["partner"] != "WCC"]
    local_only_people = []
    for s in district_staff:  # one part-timer each in the first three districts that have one
        if s["contracted_hours"] < 37 and len(local_only_people) < 3 and \
                s["partner"] not in [p["partner"] for p in local_only_people]:
            local_only_people.append(s)
    local_only_people += rng.sample([s for s in district_staff if s["contracted_hours"] == 37
                                     and "-TO-" in s["id"]
                                     and s["partner"] not in [p["partner"]
                                                              for p in local_only_people]], 2)
    for s in sorted(local_only_people, key=lambda s: s["id"]):
        s["authorised"] = [s["partner"]]

    # A few senior officers who agreed to cover at most two or three councils.
    candidates = [s for s in staff if "authorised" not in s and s["contracted_hours"] == 37
                  and ("-EH-01" in s["id"] or "-EP-01" in s["id"])]
    for s in rng.sample(candidates, 6):
        s["max_partners"] = rng.choice([2, 2, 3])
    return staff


# ---------------------------------------------------------------------------------------------
# Availability: annual leave, bank holidays, long-term sickness, training
# ---------------------------------------------------------------------------------------------

# Relative chance of annual leave falling in each week: post-New-Year week, February half-term
# (W07), Easter (W12-W13); fewer during the food-inspection push.
LEAVE_WEEK_WEIGHTS = [1.3, 0.7, 0.7, 0.8, 0.8, 0.9, 2.2, 0.8, 0.8, 0.6, 0.6, 1.3, 1.6]
BANK_HOLIDAYS = {11: 1, 12: 1}  # Good Friday 26 Mar 2027 (W12), Easter Monday 29 Mar (W13)


def weighted_week(rng, exclude):
    weeks = [t for t in range(N_PERIODS) if t not in exclude]
    total = sum(LEAVE_WEEK_WEIGHTS[t] for t in weeks)
    x = rng.random() * total
    for t in weeks:
        x -= LEAVE_WEEK_WEIGHTS[t]
        if x < 0:
            return t
    return weeks[-1]


def make_availability(rng, staff):
    days_off = {s["id"]: [0.0] * N_PERIODS for s in staff}

    # Annual leave: 5-10 days per person in the quarter, as a full week and/or part weeks.
    for s in staff:
        off = days_off[s["id"]]
        total = rng.randint(5, 10)
        pattern = rng.random()
        taken = []
        if pattern < 0.45:  # one full week, rest as a part week
            t = weighted_week(rng, taken)
            off[t] += 5
            taken.append(t)
            total -= 5
        while total > 0:
            chunk = min(total, rng.randint(1, 3))
            t = weighted_week(rng, taken)
            off[t] += chunk
            taken.append(t)
            total -= chunk

    # Fixed leave of the people the resilience story is about (overrides the random draw).
    days_off["WCC-SP-08"] = [0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 3]  # metrology: half-term week
    days_off["WCC-SP-01"] = [0, 0, 5, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]  # contaminated land

    for s in staff:
        for t, n in sorted(BANK_HOLIDAYS.items()):
            days_off[s["id"]][t] += n

    # Training days (one day each): food CPD for lead food officers in W04, licensing law update
    # in W03, trading standards legal update in W09.
    for s in staff:
        sid = s["id"]
        if "-EH-" in sid and s["skills"].get("food", 0) >= 3:
            days_off[sid][3] += 1
        if "-LO-" in sid:
            days_off[sid][2] += 1
        if "-TS-" in sid:
            days_off[sid][8] += 1
    # A few people on two-day courses (e.g. PACE interviewing, HMO licensing).
    for s in rng.sample(staff, 8):
        days_off[s["id"]][rng.randrange(N_PERIODS)] += 2

    avail = {}
    for s in staff:
        per_day = s["contracted_hours"] / 5.0
        avail[s["id"]] = [max(0.0, round(s["contracted_hours"] - min(5.0, d) * per_day, 2))
                          for d in days_off[s["id"]]]

    # Long-term sickness: a Kingsmere food officer off W02-W07 with a phased return (half
    # hours) in W08-W09; an Ashby Vale licensing officer off W06-W12.
    ksd = "KSD-EH-02"
    for t in range(1, 7):
        avail[ksd][t] = 0.0
    for t in (7, 8):
        avail[ksd][t] = min(avail[ksd][t], round(0.5 * contracted(staff, ksd), 2))
    for t in range(5, 12):
        avail["AVD-LO-01"][t] = 0.0

    records = []
    for s in staff:
        for t in range(N_PERIODS):
            h = avail[s["id"]][t]
            if h < s["contracted_hours"]:
                records.append({"staff": s["id"], "period": t, "hours": h})
    return records, avail


def contracted(staff, sid):
    for s in staff:
        if s["id"] == sid:
            return s["contracted_hours"]
    raise KeyError(sid)


# ---------------------------------------------------------------------------------------------
# Demand
# ---------------------------------------------------------------------------------------------

# Weekly hours per 100,000 residents in a district, before global scaling, split into records:
# skill -> list of (share, priority, min_level, local_only).
DISTRICT_DEMAND = {
    "food": (142, [(0.62, "statutory", 3, False), (0.20, "core", 2, False),
                   (0.18, "discretionary", 2, False)]),
    "hs": (58, [(0.45, "core", 3, False), (0.55, "discretionary", 2, False)]),
    "noise": (66, [(0.75, "statutory", 3, False), (0.25, "core", 2, False)]),
    "housing": (50, [(0.60, "statutory", 3, False), (0.40, "discretionary", 2, False)]),
    # Licensing committee reports and hearings stay with each district's own officers; the
    # processing of applications is done by the pooled team.
    "licensing": (44, [(0.30, "statutory", 3, True), (0.70, "statutory", 2, False)]),
    "taxi": (30, [(1.00, "core", 2, False)]),
    "animal": (30, [(1.00, "core", 2, False)]),
    "contam": (4.5, [(0.60, "core", 4, False), (0.40, "discretionary", 3, False)]),
    "air": (5.5, [(1.00, "core", 3, False)]),
}

# Local character: multipliers on the per-capita demand (town-centre night-time economy in
# Wrenbury, food manufacturing in Harrowfield, farms and kennels in Fenmarsh, old industrial
# land in Kingsmere, a motorway AQMA in Bramley Downs).
DISTRICT_MULT = {
    ("WBD", "noise"): 1.25, ("WBD", "licensing"): 1.35, ("WBD", "taxi"): 1.3,
    ("HFD", "food"): 1.2, ("HFD", "hs"): 1.15,
    ("FMD", "animal"): 1.6, ("FMD", "food"): 0.85, ("FMD", "licensing"): 0.8,
    ("KSD", "contam"): 1.8, ("KSD", "housing"): 1.2, ("KSD", "food"): 0.9,
    ("BDD", "air"): 1.7, ("BDD", "noise"): 0.9,
    ("AVD", "contam"): 0.5, ("FMD", "air"): 0.4, ("FMD", "contam"): 0.6,
}

# County (trading standards and animal health) demand, weekly hours before global scaling:
# skill -> (hours, site, splits).
COUNTY_DEMAND = {
    "product": (250, "WCC-TSD", [(0.45, "statutory", 3, False), (0.35, "core", 2, False),
                                 (0.20, "discretionary", 2, False)]),
    "metrology": (26, "WCC-TSD", [(1.00, "statutory", 3, False)]),
    "fairtrade": (290, "WCC-TSD", [(0.60, "core", 3, False), (0.40, "discretionary", 2, False)]),
    "animal": (95, "WCC-HALL", [(1.00, "core", 3, False)]),
}


def seasonal(skill, t):
    """Multiplier for week index t (0 = 2027-W01)."""
    if skill == "food":
        if t <= 1:
            return 0.85   # quiet first weeks of January
        if t >= 9:
            return 1.30   # year-end push to finish the inspection programme
        return 1.0
    if skill == "licensing":
        return 1.55 if 7 <= t <= 10 else 1.0  # applications for summer events
    if skill == "taxi":
        return 1.25 if 2 <= t <= 4 else 1.0  # annual driver licence renewals
    if skill == "housing":
        return 1.2 if t <= 5 else 1.0  # winter damp, mould and disrepair complaints
    if skill == "noise":
        return 1.15 if t >= 10 else 1.0  # spring building works and early outdoor events
    if skill == "fairtrade":
        return 1.2 if 3 <= t <= 5 else 1.0  # doorstep crime after the winter storms
    return 1.0


def make_demand(rng, total_available):
    raw = []  # (partner, site, skill, period, hours, min_level, priority, local_only)
    for pid in DISTRICT_IDS:
        for skill in SKILL_IDS:
            if skill not in DISTRICT_DEMAND:
                continue
            per100k, splits = DISTRICT_DEMAND[skill]
            weekly = per100k * POP[pid] / 100000.0 * DISTRICT_MULT.get((pid, skill), 1.0)
            for t in range(N_PERIODS):
                base = weekly * seasonal(skill, t) * rng.uniform(0.88, 1.12)
                for share, prio, lvl, local in splits:
                    raw.append([pid, HQ[pid], skill, t, base * share, lvl, prio, local])
    for skill in SKILL_IDS:
        if skill not in COUNTY_DEMAND:
            continue
        weekly, site, splits = COUNTY_DEMAND[skill]
        for t in range(N_PERIODS):
            base = weekly * seasonal(skill, t) * rng.uniform(0.9, 1.1)
            for share, prio, lvl, local in splits:
                raw.append(["WCC", site, skill, t, base * share, lvl, prio, local])

    scale = TARGET_DEMAND_RATIO * total_available / sum(r[4] for r in raw)
    demand = []
    for pid, site, skill, t, h, lvl, prio, local in raw:
        hours = round(h * scale * 2) / 2.0
        if hours <= 0:
            continue
        demand.append({"partner": pid, "site": site, "skill": skill, "period": t,
                       "hours": hours, "min_level": lvl, "priority": prio,
                       "local_only": local})
    # Dispersion modelling for Bramley Downs' motorway AQMA action plan: needs a level-5 air
    # quality modeller, which nobody in the pool is (no_skill).
    demand.append({"partner": "BDD", "site": "BDD-HQ", "skill": "air", "period": 5,
                   "hours": 30.0, "min_level": 5, "priority": "core", "local_only": False})
    return demand


def demand_key(d):
    return (d["partner"], d["skill"], d["period"], PRIORITIES.index(d["priority"]),
            d["min_level"], d["local_only"], d["hours"])


# ---------------------------------------------------------------------------------------------
# Resilience rules
# ---------------------------------------------------------------------------------------------

def make_resilience():
    rules = []
    for pid in DISTRICT_IDS:
        for skill in ("food", "noise", "licensing"):
            rules.append({"partner": pid, "skill": skill, "min_people": 2, "max_share": 0.7})
        for skill in ("contam", "air"):
            rules.append({"partner": pid, "skill": skill, "min_people": 2})
    for skill in ("product", "metrology", "fairtrade", "animal"):
        rules.append({"partner": "WCC", "skill": skill, "min_people": 2})
    return rules


# ---------------------------------------------------------------------------------------------
# Assembly, self-check, summary
# ---------------------------------------------------------------------------------------------

def build():
    rng = random.Random(SEED)
    staff = make_staff(rng)
    availability, avail = make_availability(rng, staff)
    total_available = sum(sum(v) for v in avail.values())
    demand = make_demand(rng, total_available)
    demand.sort(key=demand_key)
    availability.sort(key=lambda a: (a["staff"], a["period"]))

    staff_out = []
    for s in staff:
        rec = {k: s[k] for k in ("id", "name", "partner", "site", "contracted_hours",
                                 "cost_per_hour", "skills")}
        if "authorised" in s:
            rec["authorised"] = s["authorised"]
        rec["max_travel_minutes"] = s["max_travel_minutes"]
        if "max_partners" in s:
            rec["max_partners"] = s["max_partners"]
        staff_out.append(rec)

    partners = [{"id": COUNTY[0], "name": COUNTY[1], "population": COUNTY[2]}]
    partners += [{"id": i, "name": n, "population": p} for i, n, p in DISTRICTS]

    return {
        "format": "staffpool-scenario",
        "version": 1,
        "name": "Wrenshire regulatory services: seven councils, Q1 2027",
        "periods": N_PERIODS,
        "period_labels": ["2027-W%02d" % (t + 1) for t in range(N_PERIODS)],
        "settings": {
            "reserve_share": 0.05,
            "travel_speed_kmh": 45,
            "visit_hours": 7.5,
            "min_engagement_hours": 4,
            "priority_weights": {"statutory": 100, "core": 10, "discretionary": 1},
        },
        "partners": partners,
        "sites": [{"id": i, "partner": p, "name": n, "lat": la, "lon": lo}
                  for i, p, n, la, lo in SITES],
        "travel_minutes": [{"from": a, "to": b, "minutes": m} for a, b, m in TRAVEL_OVERRIDES],
        "skills": [{"id": i, "name": n} for i, n in SKILLS],
        "staff": staff_out,
        "availability": availability,
        "demand": demand,
        "resilience": make_resilience(),
    }


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def check(sc):
    """Assert the rules of docs/scenario-format.md (and a few of this demo's own)."""
    assert sc["format"] == "staffpool-scenario" and sc["version"] == 1
    n = sc["periods"]
    assert isinstance(n, int) and n >= 1
    assert len(sc["period_labels"]) == n
    st = sc["settings"]
    assert 0 <= st["reserve_share"] < 1
    assert st["travel_speed_kmh"] > 0 and st["visit_hours"] > 0
    assert st["min_engagement_hours"] > 0
    assert all(is_num(w) and w > 0 for w in st["priority_weights"].values())
    assert sorted(st["priority_weights"]) == sorted(PRIORITIES)

    def ids(lst):
        out = [r["id"] for r in lst]
        for i in out:
            assert isinstance(i, str) and 1 <= len(i) <= 128, i
        assert len(out) == len(set(out)), "duplicate ids"
        return out

    partners = ids(sc["partners"])
    for p in sc["partners"]:
        assert is_num(p["population"]) and p["population"] >= 0
    sites = ids(sc["sites"])
    site_partner = {}
    for s in sc["sites"]:
        assert s["partner"] in partners, s
        assert -90 <= s["lat"] <= 90 and -180 <= s["lon"] <= 180
        site_partner[s["id"]] = s["partner"]
    for tr in sc["travel_minutes"]:
        assert tr["from"] in sites and tr["to"] in sites and is_num(tr["minutes"])
        assert tr["minutes"] >= 0
    skills = ids(sc["skills"])
    staff_ids = ids(sc["staff"])
    contracted_of = {}
    for s in sc["staff"]:
        assert s["partner"] in partners, s["id"]
        assert s["site"] in sites, s["id"]
        assert site_partner[s["site"]] == s["partner"], s["id"]  # demo rule: based at home
        assert is_num(s["contracted_hours"]) and 0 <= s["contracted_hours"] <= 1e7
        assert is_num(s["cost_per_hour"]) and 0 <= s["cost_per_hour"] <= 1e7
        assert s["skills"], s["id"]
        for k, lvl in s["skills"].items():
            assert k in skills, (s["id"], k)
            assert isinstance(lvl, int) and 1 <= lvl <= 5, (s["id"], k)
        for p in s.get("authorised", []):
            assert p in partners, s["id"]
        mt = s.get("max_travel_minutes")
        assert mt is None or (is_num(mt) and mt >= 0)
        mp = s.get("max_partners")
        assert mp is None or (isinstance(mp, int) and mp >= 1)
        contracted_of[s["id"]] = s["contracted_hours"]
    seen = []
    for a in sc["availability"]:
        assert a["staff"] in contracted_of, a
        assert isinstance(a["period"], int) and 0 <= a["period"] < n, a
        assert is_num(a["hours"]) and 0 <= a["hours"] <= contracted_of[a["staff"]], a
        seen.append((a["staff"], a["period"]))
    assert len(seen) == len(set(seen)), "duplicate availability records"
    for d in sc["demand"]:
        assert d["partner"] in partners and d["skill"] in skills, d
        assert d["site"] in sites and site_partner[d["site"]] == d["partner"], d
        assert isinstance(d["period"], int) and 0 <= d["period"] < n, d
        assert is_num(d["hours"]) and 0 <= d["hours"] <= 1e7, d
        assert isinstance(d["min_level"], int) and 1 <= d["min_level"] <= 5, d
        assert d["priority"] in PRIORITIES, d
        assert isinstance(d["local_only"], bool), d
    rules = []
    for r in sc["resilience"]:
        assert r["partner"] in partners and r["skill"] in skills, r
        assert isinstance(r["min_people"], int) and r["min_people"] >= 0
        assert 0 < r.get("max_share", 1) <= 1
        rules.append((r["partner"], r["skill"]))
    assert len(rules) == len(set(rules)), "duplicate resilience rules"
    assert len(sc["demand"]) < 1500
    # Demo rules: demand near capacity, every period labelled, hours in half-hour steps.
    available = sum(c * n for c in contracted_of.values())
    for a in sc["availability"]:
        available -= contracted_of[a["staff"]] - a["hours"]
    ratio = sum(d["hours"] for d in sc["demand"]) / available
    assert 0.90 <= ratio <= 1.05, ratio
    assert all(d["hours"] * 2 == int(d["hours"] * 2) for d in sc["demand"])
    assert 110 <= len(staff_ids) <= 130


def summary(sc):
    n = sc["periods"]
    avail = {s["id"]: [s["contracted_hours"]] * n for s in sc["staff"]}
    for a in sc["availability"]:
        avail[a["staff"]][a["period"]] = a["hours"]
    contracted_total = sum(s["contracted_hours"] for s in sc["staff"]) * n
    available = sum(sum(v) for v in avail.values())
    reserve = sc["settings"]["reserve_share"]
    demand_total = sum(d["hours"] for d in sc["demand"])
    print("staff: %d (%d county, %d district), partners %d, sites %d, skills %d"
          % (len(sc["staff"]), sum(1 for s in sc["staff"] if s["partner"] == "WCC"),
             sum(1 for s in sc["staff"] if s["partner"] != "WCC"), len(sc["partners"]),
             len(sc["sites"]), len(sc["skills"])))
    print("records: availability %d, demand %d, resilience %d"
          % (len(sc["availability"]), len(sc["demand"]), len(sc["resilience"])))
    print("hours: contracted %.0f, available %.0f (%.1f%% of contracted), "
          "after %.0f%% reserve %.0f"
          % (contracted_total, available, 100 * available / contracted_total, 100 * reserve,
             available * (1 - reserve)))
    print("demand: %.0f hours = %.1f%% of available, %.1f%% of available after reserve"
          % (demand_total, 100 * demand_total / available,
             100 * demand_total / (available * (1 - reserve))))
    for prio in PRIORITIES:
        h = sum(d["hours"] for d in sc["demand"] if d["priority"] == prio)
        print("  %-13s %8.0f hours (%4.1f%%)" % (prio, h, 100 * h / demand_total))
    local = sum(d["hours"] for d in sc["demand"] if d["local_only"])
    print("  local_only    %8.0f hours" % local)
    print("demand by skill (hours) / holders at the levels asked:")
    for k in [s["id"] for s in sc["skills"]]:
        ds = [d for d in sc["demand"] if d["skill"] == k]
        if not ds:
            continue
        levels = sorted(set(d["min_level"] for d in ds))
        parts = []
        for lvl in levels:
            holders = [s["id"] for s in sc["staff"] if s["skills"].get(k, 0) >= lvl]
            h = sum(d["hours"] for d in ds if d["min_level"] == lvl)
            parts.append("L%d %.0fh/%d people" % (lvl, h, len(holders)))
        print("  %-10s %s" % (k, ", ".join(parts)))
    print("single points of failure (skill at a level demand asks for):")
    for k in [s["id"] for s in sc["skills"]]:
        levels = sorted(set(d["min_level"] for d in sc["demand"] if d["skill"] == k))
        for lvl in levels:
            holders = [s["id"] for s in sc["staff"] if s["skills"].get(k, 0) >= lvl]
            if len(holders) <= 1:
                print("  %s level %d: %s" % (k, lvl, holders[0] if holders else "NOBODY"))
    local_gaps = []
    for d in sc["demand"]:
        if d["local_only"]:
            own = [s for s in sc["staff"] if s["partner"] == d["partner"]
                   and s["skills"].get(d["skill"], 0) >= d["min_level"]]
            if not own and (d["partner"], d["skill"]) not in local_gaps:
                local_gaps.append((d["partner"], d["skill"]))
    for p, k in local_gaps:
        print("  local-only %s demand in %s: no own employee at the level" % (k, p))


# ---------------------------------------------------------------------------------------------
# The demo rota (python/staffpool/data/demo_rota.json; docs/schema.md "Rotas")
# ---------------------------------------------------------------------------------------------
#
# The pooled service's duty rota for four weeks from Mon 4 Jan 2027: early food and health and
# safety duty at Wrenbury and Harrowfield, late licensing visits at Wrenbury and Kingsmere, and
# a night noise patrol at Wrenbury from Thursday to Saturday. Staff of five councils who hold
# those skills and can reach two posts within their travel limit take part; they travel from
# their own offices. It is a separate file (the
# scenario format of demo.json has no rota) made from the same staff, with its own random
# stream so that demo.json does not change.

ROTA_SEED = 20270105
ROTA_FROM = "2027-01-04"
ROTA_DAYS = 28
ROTA_OUT_PATH = os.path.join(HERE, os.pardir, "python", "staffpool", "data", "demo_rota.json")
ROTA_PARTNERS = ("WCC", "WBD", "HFD", "KSD", "BDD")
ROTA_PEOPLE_PER_PARTNER = 4
# id, name, start minute, length minutes, night, unpopular, sites, skills
ROTA_SHIFTS = [
    ("E", "Early duty", 7 * 60, 480, 0, 0, ("WBD-HQ", "HFD-HQ"), ("food", "hs")),
    ("L", "Late licensing visits", 14 * 60, 480, 0, 0, ("WBD-HQ", "KSD-HQ"), ("licensing",)),
    ("N", "Night noise patrol", 22 * 60, 540, 1, 1, ("WBD-HQ",), ("noise",)),
]
# (shift, site, skill) -> requirement Mon..Sun; under weight per missing person, over weight
ROTA_COVER = [
    ("E", "WBD-HQ", "food", (1, 1, 1, 1, 1, 1, 1), 100, 10),
    ("E", "HFD-HQ", "food", (1, 1, 1, 1, 1, 0, 0), 100, 10),
    ("E", "WBD-HQ", "hs", (1, 1, 1, 1, 1, 0, 0), 60, 10),
    ("E", "HFD-HQ", "hs", (0, 1, 0, 1, 0, 0, 0), 40, 10),
    ("L", "WBD-HQ", "licensing", (1, 1, 1, 1, 2, 2, 0), 80, 10),
    ("L", "KSD-HQ", "licensing", (0, 0, 0, 1, 1, 1, 0), 80, 10),
    ("N", "WBD-HQ", "noise", (0, 0, 0, 1, 1, 1, 0), 120, 10),
]


def rota_date(day):
    import datetime

    return (datetime.date.fromisoformat(ROTA_FROM) + datetime.timedelta(days=day)).isoformat()


def rota_reachable(person, sites, speed_kmh):
    """The (shift, site, skill) posts of the demo rota a person holds the skill for and can
    reach from their office within their travel limit (haversine distance at speed_kmh, as the
    engine measures it)."""
    def minutes(a, b):
        la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
        h = math.sin((la2 - la1) / 2) ** 2 + \
            math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        return 2 * 6371.0 * math.asin(math.sqrt(h)) / speed_kmh * 60

    home = sites[person["site"]]
    limit = person.get("max_travel_minutes")
    return [(shift[0], site, skill) for shift in ROTA_SHIFTS for site in shift[6]
            for skill in shift[7] if skill in person["skills"] and
            (limit is None or minutes(home, sites[site]) <= limit)]


def build_rota(sc):
    rng = random.Random(ROTA_SEED)
    sites = {s["id"]: s for s in sc["sites"]}
    reach = {s["id"]: rota_reachable(s, sites, 45) for s in sc["staff"]}
    people = []
    for partner in ROTA_PARTNERS:
        # people who can reach two posts at least; licensing and noise holders first, since
        # the late and night shifts need them
        mine = [s for s in sc["staff"] if s["partner"] == partner and len(reach[s["id"]]) >= 2]
        mine.sort(key=lambda s: (-len({"licensing", "noise"} & set(s["skills"])), s["id"]))
        people += mine[:ROTA_PEOPLE_PER_PARTNER]
    people.sort(key=lambda s: s["id"])
    rota_staff, days_off, absences, requests, max_shifts = [], [], [], [], []
    for s in people:
        part_time = s["contracted_hours"] < 30
        rota_staff.append({
            "staff": s["id"], "contract": "part_time" if part_time else "full_time",
            "min_minutes_per_week": 0 if part_time else 480,
            "max_minutes_per_week": 1440 if part_time else 1920,
            "min_consecutive": 1, "max_consecutive": 4 if part_time else 5, "min_days_off": 1,
            "max_weekends_per_4_weeks": 2})
        if part_time:
            days_off.append({"staff": s["id"], "weekday": rng.choice((0, 2, 4))})
        if "noise" in s["skills"] and rng.random() < 0.3 and \
                any(post[0] != "N" for post in reach[s["id"]]):
            max_shifts.append({"staff": s["id"], "shift": "N", "max_per_4_weeks": 0})
    for s in rng.sample(people, 4):  # leave and training booked before the rota
        start = rng.randrange(0, ROTA_DAYS - 5)
        length = rng.choice((2, 3, 5))
        absences.append({"id": len(absences) + 1, "staff": s["id"], "from_date": rota_date(start),
                         "to_date": rota_date(start + length - 1),
                         "reason": rng.choice(("annual leave", "training course"))})
    for _ in range(16):
        s = rng.choice(people)
        day = rng.randrange(ROTA_DAYS)
        if rng.random() < 0.6:
            requests.append({"staff": s["id"], "date": rota_date(day), "shift": None,
                             "kind": "off", "weight": rng.choice((2, 5, 10))})
        else:
            requests.append({"staff": s["id"], "date": rota_date(day), "shift": "E",
                             "kind": "on", "weight": rng.choice((2, 5))})
    requests.sort(key=lambda r: (r["date"], r["staff"]))
    # drop a second request on the same day for the same person
    seen, unique = set(), []
    for r in requests:
        if (r["staff"], r["date"]) not in seen:
            seen.add((r["staff"], r["date"]))
            unique.append(r)
    tables = {
        "rota_settings": [{"key": k, "value": v} for k, v in (
            ("travel_speed_kmh", 45), ("min_rest_minutes", 660), ("weight_change", 50),
            ("weight_travel_per_minute", 0.2), ("weight_fairness_nights", 20),
            ("weight_fairness_weekends", 10), ("weight_fairness_unpopular", 10),
            ("freeze_days", 3), ("time_limit", 30))],
        "rota_shifts": [{"id": i, "name": n, "start_minute": st, "length_minutes": ln,
                         "night": ni, "unpopular": un}
                        for i, n, st, ln, ni, un, _, _ in ROTA_SHIFTS],
        "rota_shift_posts": [{"shift": i, "site": site, "skill": skill}
                             for i, _, _, _, _, _, sites, kinds in ROTA_SHIFTS
                             for site in sites for skill in kinds],
        "rota_cover": [{"shift": sh, "site": site, "skill": skill, "weekday": wd,
                        "requirement": req[wd], "under_weight": under, "over_weight": over}
                       for sh, site, skill, req, under, over in ROTA_COVER
                       for wd in range(7) if req[wd]],
        # the Friday of week 3 is the county show: a second late licensing visit at Kingsmere
        "rota_cover_dates": [{"shift": "L", "site": "KSD-HQ", "skill": "licensing",
                              "date": rota_date(18), "requirement": 2, "under_weight": 80,
                              "over_weight": 10, "hard_min": 1}],
        "rota_staff": rota_staff,
        "rota_weekly_days_off": days_off,
        "rota_max_shifts": max_shifts,
        "rota_absences": absences,
        "rota_requests": unique,
        "rota_pins": [],
    }
    return {"format": "staffpool-rota", "version": 1,
            "name": "Wrenshire regulatory services: duty rota, four weeks from 4 January 2027",
            "from_date": ROTA_FROM, "days": ROTA_DAYS, "tables": tables}


def rota_summary(rota):
    t = rota["tables"]
    shifts = sum(r["requirement"] for r in t["rota_cover"]) * ROTA_DAYS // 7
    print("demo rota: %d people (%s), %d shift types, %d posts, about %d shifts to cover in "
          "%d days, %d absences, %d requests"
          % (len(t["rota_staff"]), ", ".join(ROTA_PARTNERS), len(t["rota_shifts"]),
             len(t["rota_shift_posts"]), shifts, ROTA_DAYS, len(t["rota_absences"]),
             len(t["rota_requests"])))


def main():
    sc = build()
    check(sc)
    out = os.path.normpath(OUT_PATH)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        json.dump(sc, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("wrote %s" % os.path.relpath(out, os.path.join(HERE, os.pardir)))
    summary(sc)
    rota = build_rota(sc)
    out = os.path.normpath(ROTA_OUT_PATH)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        json.dump(rota, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("wrote %s" % os.path.relpath(out, os.path.join(HERE, os.pardir)))
    rota_summary(rota)


if __name__ == "__main__":
    main()
