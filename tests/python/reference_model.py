"""Independent PuLP/CBC reference implementation of the staffpool allocation model.

This module re-implements, from docs/model.md and docs/scenario-format.md only, the model that the
C engine builds with GLPK.  The test suite solves the same scenarios with both and compares the four
objective terms (U, F, R, C).  It deliberately shares no code with the ``staffpool`` package: it
reads the plain scenario dict, applies the documented defaults itself, and builds the MIP from
scratch.

Entry point: :func:`solve_reference`.  :func:`prepare` exposes the normalised data (travel
minutes, overheads, capacities, eligible pairs) for tests.
"""

from __future__ import annotations

import math
import tempfile
import time

import pulp

EARTH_RADIUS_KM = 6371.0
CBC_PATH = "/usr/bin/cbc"
STAGE_TOLERANCE = 1e-7  # stage j's value may be exceeded by 1e-7 * max(1, |v_j|) later on

DEFAULT_SETTINGS = {
    "reserve_share": 0.0,
    "travel_speed_kmh": 40.0,
    "visit_hours": 7.5,
    "min_engagement_hours": 1.0,
}
DEFAULT_PRIORITY_WEIGHTS = {"statutory": 100.0, "core": 10.0, "discretionary": 1.0}
TERMS = ("unmet", "fairness", "resilience", "cost")


# --------------------------------------------------------------------------------------------
# Data preparation
# --------------------------------------------------------------------------------------------

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371 km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2.0) ** 2
    a = min(1.0, max(0.0, a))
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _index(records, what):
    ids = {}
    for i, rec in enumerate(records):
        rid = rec["id"]
        if rid in ids:
            raise ValueError(f"duplicate {what} id {rid!r}")
        ids[rid] = i
    return ids


def prepare(scenario: dict) -> dict:
    """Normalise a scenario dict: apply defaults, compute travel, capacity and eligibility.

    Returns a dict with keys: n_periods, settings, weights, partners, sites, skills, staff,
    demand (each demand with defaults applied), travel (site id -> site id -> minutes),
    cap ({(s, t): hours}), tau ({(s, d): overhead}), eligible (sorted list of (s, d)),
    rules ({(partner id, skill id): (min_people, max_share)}).  Staff and demand are referred to
    by their list index.
    """
    n_periods = int(scenario["periods"])
    if n_periods < 1:
        raise ValueError("periods must be >= 1")

    raw_settings = dict(scenario.get("settings") or {})
    settings = dict(DEFAULT_SETTINGS)
    for key in DEFAULT_SETTINGS:
        if raw_settings.get(key) is not None:
            settings[key] = float(raw_settings[key])
    weights = dict(DEFAULT_PRIORITY_WEIGHTS)
    for key, val in (raw_settings.get("priority_weights") or {}).items():
        weights[key] = float(val)
    if any(w <= 0 for w in weights.values()):
        raise ValueError("priority weights must be positive")

    partners = list(scenario.get("partners") or [])
    sites = list(scenario.get("sites") or [])
    skills = list(scenario.get("skills") or [])
    staff = list(scenario.get("staff") or [])
    partner_ix = _index(partners, "partner")
    site_ix = _index(sites, "site")
    skill_ix = _index(skills, "skill")
    _index(staff, "staff")

    first_site = {}
    site_partner = {}
    for site in sites:
        if site["partner"] not in partner_ix:
            raise ValueError(f"site {site['id']!r}: unknown partner {site['partner']!r}")
        site_partner[site["id"]] = site["partner"]
        first_site.setdefault(site["partner"], site["id"])

    # ---- travel minutes between sites
    speed = settings["travel_speed_kmh"]
    coords = {s["id"]: (float(s["lat"]), float(s["lon"])) for s in sites}
    travel = {a: {} for a in coords}
    for a, (la, lo) in coords.items():
        for b, (lb, mb) in coords.items():
            travel[a][b] = 0.0 if a == b else haversine_km(la, lo, lb, mb) / speed * 60.0
    given = {}
    for rec in scenario.get("travel_minutes") or []:
        a, b = rec["from"], rec["to"]
        if a not in site_ix or b not in site_ix:
            raise ValueError(f"travel_minutes: unknown site in {a!r} -> {b!r}")
        given[(a, b)] = float(rec["minutes"])
    for (a, b), minutes in given.items():
        if a == b:
            continue  # a site to itself is always 0
        travel[a][b] = minutes
        if (b, a) not in given:  # one direction given: applies to both
            travel[b][a] = minutes

    # ---- staff
    n_partners = len(partners)
    staff_n = []
    for s in staff:
        sid = s["id"]
        if s["partner"] not in partner_ix:
            raise ValueError(f"staff {sid!r}: unknown partner")
        if s["site"] not in site_ix:
            raise ValueError(f"staff {sid!r}: unknown site")
        levels = {k: int(v) for k, v in (s.get("skills") or {}).items()}
        for k in levels:
            if k not in skill_ix:
                raise ValueError(f"staff {sid!r}: unknown skill {k!r}")
        auth = s.get("authorised")
        auth = set(partner_ix) if auth is None else set(auth)
        maxtr = s.get("max_travel_minutes")
        maxp = s.get("max_partners")
        staff_n.append({
            "id": sid,
            "partner": s["partner"],
            "site": s["site"],
            "contracted": float(s["contracted_hours"]),
            "cost": float(s["cost_per_hour"]),
            "levels": levels,
            "authorised": auth,
            "max_travel": math.inf if maxtr is None else float(maxtr),
            "max_partners": n_partners if maxp is None else int(maxp),
        })
    staff_ix = {s["id"]: i for i, s in enumerate(staff_n)}

    avail = {(i, t): s["contracted"] for i, s in enumerate(staff_n) for t in range(n_periods)}
    for rec in scenario.get("availability") or []:
        if rec["staff"] not in staff_ix:
            raise ValueError(f"availability: unknown staff {rec['staff']!r}")
        t = int(rec["period"])
        if not 0 <= t < n_periods:
            raise ValueError(f"availability: period {t} out of range")
        avail[(staff_ix[rec["staff"]], t)] = float(rec["hours"])
    r = settings["reserve_share"]
    cap = {key: (1.0 - r) * hrs for key, hrs in avail.items()}

    # ---- demand
    demand_n = []
    for j, d in enumerate(scenario.get("demand") or []):
        p = d["partner"]
        if p not in partner_ix:
            raise ValueError(f"demand {j}: unknown partner {p!r}")
        if d["skill"] not in skill_ix:
            raise ValueError(f"demand {j}: unknown skill {d['skill']!r}")
        t = int(d["period"])
        if not 0 <= t < n_periods:
            raise ValueError(f"demand {j}: period {t} out of range")
        site = d.get("site")
        if site is None:
            if p not in first_site:
                raise ValueError(f"demand {j}: partner {p!r} has no site")
            site = first_site[p]
        elif site_partner.get(site) != p:
            raise ValueError(f"demand {j}: site {site!r} is not a site of partner {p!r}")
        prio = d.get("priority") or "core"
        if prio not in weights:
            raise ValueError(f"demand {j}: unknown priority {prio!r}")
        demand_n.append({
            "partner": p,
            "skill": d["skill"],
            "period": t,
            "site": site,
            "hours": float(d["hours"]),
            "min_level": 1 if d.get("min_level") is None else int(d["min_level"]),
            "priority": prio,
            "weight": weights[prio],
            "local_only": bool(d.get("local_only", False)),
        })

    # ---- eligibility and travel overhead
    visit = settings["visit_hours"]
    tau = {}
    eligible = []
    for i, s in enumerate(staff_n):
        for j, d in enumerate(demand_n):
            tr = travel[s["site"]][d["site"]]
            if s["levels"].get(d["skill"], 0) < d["min_level"]:
                continue
            if d["partner"] not in s["authorised"]:
                continue
            if d["local_only"] and s["partner"] != d["partner"]:
                continue
            if tr > s["max_travel"]:
                continue
            if cap[(i, d["period"])] <= 0:
                continue
            eligible.append((i, j))
            tau[(i, j)] = 2.0 * tr / 60.0 / visit

    # ---- resilience rules
    rules = {}
    for rec in scenario.get("resilience") or []:
        key = (rec["partner"], rec["skill"])
        if key[0] not in partner_ix or key[1] not in skill_ix:
            raise ValueError(f"resilience: unknown partner/skill {key!r}")
        if key in rules:
            raise ValueError(f"resilience: duplicate rule for {key!r}")
        m = rec.get("min_people")
        sig = rec.get("max_share")
        rules[key] = (0 if m is None else int(m), 1.0 if sig is None else float(sig))

    return {
        "n_periods": n_periods,
        "settings": settings,
        "weights": weights,
        "partners": [p["id"] for p in partners],
        "sites": sites,
        "skills": [k["id"] for k in skills],
        "staff": staff_n,
        "demand": demand_n,
        "travel": travel,
        "cap": cap,
        "tau": tau,
        "eligible": eligible,
        "rules": rules,
    }


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------

def build_model(data: dict):
    """Build the PuLP problem.

    Returns (problem, terms, x, plan_terms): terms maps each objective name to its PuLP
    expression, x maps (staff index, demand index) to the hours variable, and plan_terms() gives
    the four terms evaluated tightly on the current variable values (see solve_reference).
    """
    staff, demand, cap, tau = data["staff"], data["demand"], data["cap"], data["tau"]
    eligible = data["eligible"]
    prob = pulp.LpProblem("staffpool_reference", pulp.LpMinimize)

    x = {(i, j): pulp.LpVariable(f"x_{i}_{j}", lowBound=0) for (i, j) in eligible}
    u = {j: pulp.LpVariable(f"u_{j}", lowBound=0, upBound=d["hours"]) for j, d in enumerate(demand)}
    F = pulp.LpVariable("F", lowBound=0)

    by_staff = {i: [] for i in range(len(staff))}
    by_demand = {j: [] for j in range(len(demand))}
    for (i, j) in eligible:
        by_staff[i].append(j)
        by_demand[j].append(i)

    # Demand balance
    for j, d in enumerate(demand):
        prob += pulp.lpSum(x[i, j] for i in by_demand[j]) + u[j] == d["hours"], f"demand_{j}"

    # Capacity, travel included
    for i in range(len(staff)):
        for t in range(data["n_periods"]):
            js = [j for j in by_staff[i] if demand[j]["period"] == t]
            if js:
                prob += (pulp.lpSum((1.0 + tau[i, j]) * x[i, j] for j in js) <= cap[i, t],
                         f"cap_{i}_{t}")

    # Partner limits: binaries only where they can bind
    for i, s in enumerate(staff):
        partners_i = sorted({demand[j]["partner"] for j in by_staff[i]})
        if s["max_partners"] >= len(partners_i):
            continue
        z = {p: pulp.LpVariable(f"z_{i}_{pi}", cat=pulp.LpBinary) for pi, p in enumerate(partners_i)}
        for j in by_staff[i]:
            d = demand[j]
            big_m = min(d["hours"], cap[i, d["period"]] / (1.0 + tau[i, j]))
            prob += x[i, j] <= big_m * z[d["partner"]], f"link_{i}_{j}"
        prob += pulp.lpSum(z.values()) <= s["max_partners"], f"maxp_{i}"

    # Resilience
    h_min = data["settings"]["min_engagement_hours"]
    r_terms = []
    rule_parts = []  # (min_people, max_share, H_pk, y vars, served expressions) per live rule
    for ri, ((p, k), (m, sigma)) in enumerate(sorted(data["rules"].items())):
        d_pk = [j for j, d in enumerate(demand) if d["partner"] == p and d["skill"] == k]
        h_pk = sum(demand[j]["hours"] for j in d_pk)
        if h_pk <= 0:
            continue  # vacuous rule
        s_pk = sorted({i for j in d_pk for i in by_demand[j]})
        served = {i: pulp.lpSum(x[i, j] for j in d_pk if (i, j) in x) for i in s_pk}
        y = {}
        if m > 0:
            short = pulp.LpVariable(f"short_{ri}", lowBound=0)
            y = {i: pulp.LpVariable(f"y_{ri}_{i}", cat=pulp.LpBinary) for i in s_pk}
            for i in s_pk:
                prob += h_min * y[i] <= served[i], f"depth_{ri}_{i}"
            prob += pulp.lpSum(y.values()) + short >= m, f"people_{ri}"
            r_terms.append(short)
        if sigma < 1.0:
            for i in s_pk:
                e = pulp.LpVariable(f"e_{ri}_{i}", lowBound=0)
                prob += served[i] <= sigma * h_pk + e, f"share_{ri}_{i}"
                r_terms.append((1.0 / h_pk) * e)
        rule_parts.append((m, sigma, h_pk, y, served))

    # Fairness
    fair_parts = []  # (H_p, demand indices of p) per partner with demand
    for p in data["partners"]:
        d_p = [j for j, d in enumerate(demand) if d["partner"] == p]
        h_p = sum(demand[j]["hours"] for j in d_p)
        if h_p > 0:
            fair_parts.append((h_p, d_p))
            prob += pulp.lpSum(u[j] for j in d_p) <= h_p * F, f"fair_{p}"

    terms = {
        "unmet": pulp.lpSum(d["weight"] * u[j] for j, d in enumerate(demand)),
        "fairness": pulp.LpAffineExpression(F),
        "resilience": pulp.lpSum(r_terms),
        "cost": pulp.lpSum(staff[i]["cost"] * (1.0 + tau[i, j]) * x[i, j] for (i, j) in eligible),
    }

    def plan_terms() -> dict:
        # F and R evaluated on the plan itself rather than read from the F / short / e variables,
        # which later stages may leave up to the stage tolerance above their tight values.
        uval = {j: _var_value(var) for j, var in u.items()}
        fairness = max((sum(uval[j] for j in d_p) / h_p for h_p, d_p in fair_parts), default=0.0)
        resilience = 0.0
        for m, sigma, h_pk, y, served in rule_parts:
            people = sum(round(_var_value(var)) for var in y.values())
            resilience += max(0.0, m - people)
            if sigma < 1.0:
                resilience += sum(max(0.0, _expr_value(expr) - sigma * h_pk)
                                  for expr in served.values()) / h_pk
        return {"unmet": _expr_value(terms["unmet"]), "fairness": fairness,
                "resilience": resilience, "cost": _expr_value(terms["cost"])}

    return prob, terms, x, plan_terms


def _var_value(var) -> float:
    val = var.value()
    return 0.0 if val is None else float(val)


def _expr_value(expr) -> float:
    val = pulp.value(expr)
    return 0.0 if val is None else float(val)


# CBC 2.10 occasionally aborts on an assertion in OsiPresolve::postsolve after its MIP
# preprocessing (seen on these small pools); the same problem then solves fine with the
# preprocessing switched off.  Try the defaults first, then these fallbacks.
_CBC_FALLBACK_OPTIONS = ([], ["preprocess off"], ["preprocess off", "presolve off"])


def _run_cbc(prob, tmp_dir: str, deadline: float) -> None:
    last_error = None
    for options in _CBC_FALLBACK_OPTIONS:
        remaining = max(deadline - time.monotonic(), 0.01)
        solver = pulp.COIN_CMD(path=CBC_PATH, msg=False, timeLimit=remaining, gapRel=0.0,
                               gapAbs=1e-10, threads=1, options=list(options))
        solver.tmpDir = tmp_dir
        try:
            prob.solve(solver)
            return
        except pulp.PulpSolverError as exc:
            last_error = exc
    raise last_error


def solve_reference(scenario: dict, time_limit: float = 60) -> dict:
    """Solve the scenario lexicographically (U, then F, then R, then C) with CBC.

    Returns {"status", "unmet", "fairness", "resilience", "cost", "hours", ...} where hours maps
    (staff id, demand index) to hours (non-zero entries only).  status is "optimal" when every
    stage was proven optimal, "feasible" when the time limit stopped a stage with a solution,
    otherwise a description of the failure.
    """
    t0 = time.monotonic()
    deadline = t0 + float(time_limit)
    data = prepare(scenario)
    prob, terms, x, plan_terms = build_model(data)

    status = "optimal"
    stage_values = {}
    stage_times = {}
    have_solution = False
    with tempfile.TemporaryDirectory(prefix="staffpool-ref-") as tmp:
        for name in TERMS:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and have_solution:
                status = "feasible"
                break
            if not terms[name].keys():  # constant term (e.g. no resilience rule applies)
                stage_values[name] = _expr_value(terms[name])
                continue
            prob.setObjective(terms[name])
            saved = {var.name: var.value() for var in prob.variables()}
            ts = time.monotonic()
            _run_cbc(prob, tmp, deadline)
            stage_times[name] = time.monotonic() - ts
            if prob.sol_status == pulp.LpSolutionOptimal:
                pass
            elif prob.sol_status == pulp.LpSolutionIntegerFeasible:
                status = "feasible"
            else:
                status = (pulp.LpStatus.get(prob.status, "undefined").lower()
                          if not have_solution else "feasible")
                for var in prob.variables():  # a failed stage may have clobbered the values
                    var.varValue = saved.get(var.name)
                if not have_solution:
                    return {"status": status, "unmet": None, "fairness": None,
                            "resilience": None, "cost": None, "hours": {},
                            "stage_values": stage_values, "stage_times": stage_times,
                            "solve_time": time.monotonic() - t0}
                break
            have_solution = True
            v = _expr_value(terms[name])
            stage_values[name] = v
            prob += terms[name] <= v + STAGE_TOLERANCE * max(1.0, abs(v)), f"stage_{name}"

    hours = {}
    for (i, j), var in x.items():
        val = var.value() or 0.0
        if abs(val) > 1e-9:
            hours[(data["staff"][i]["id"], j)] = val
    result = plan_terms()
    result.update(status=status, hours=hours, stage_values=stage_values,
                  stage_times=stage_times, solve_time=time.monotonic() - t0)
    return result
