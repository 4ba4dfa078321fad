"""Ctrl-C during a long redeployment solve: KeyboardInterrupt promptly, no solver left running, and
the next solve works. The child process builds a large random reorganisation (1000 people, 1400
posts: about 48,000 feasible pairs, over ten seconds to solve) and the parent sends SIGINT."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.join(HERE, os.pardir, os.pardir, "python")


def large_instance(n_people: int = 1000, n_posts: int = 1400, seed: int = 1) -> dict:
    """A reorganisation in the demo's world with random people and posts."""
    import staffpool

    rng = random.Random(seed)
    d = staffpool.Redeployment.demo().to_dict()
    site_partner = {s["id"]: s["partner"] for s in d["sites"]}
    sites, partners = sorted(site_partner), [p["id"] for p in d["partners"]]
    skills, grades = [k["id"] for k in d["skills"]], d["grades"][:6]
    d["people"], d["vacancies"], d["leaving_rates"] = [], [], []
    for i in range(n_people):
        site = rng.choice(sites)
        d["people"].append({
            "id": f"p{i}", "partner": site_partner[site], "site": site,
            "grade": rng.choice(grades), "pay": rng.randint(2000, 4500),
            "hours": rng.choice([37, 37, 30, 22.5]),
            "skills": {k: rng.randint(2, 4) for k in rng.sample(skills, rng.randint(1, 3))},
            "max_travel_minutes": rng.choice([30, 45, 60, None]), "relocate": rng.random() < 0.2,
            "post_ends": rng.randrange(13), "redundancy_cost": rng.randint(5000, 60000),
            "preferences": rng.sample(partners, rng.randint(0, 2))})
    for j in range(n_posts):
        site = rng.choice(sites)
        d["vacancies"].append({
            "id": f"v{j}", "partner": site_partner[site], "site": site,
            "skill": rng.choice(skills), "min_level": rng.randint(2, 4),
            "grade": rng.choice(grades), "pay": rng.randint(2000, 4500),
            "hours": rng.choice([37, 30, 22.5]), "start": rng.randrange(13),
            "natural_wastage": rng.random() < 0.3})
    return d


CHILD = r"""
import time
import staffpool
from test_redeploy_cancel import large_instance

rd = staffpool.Redeployment.from_dict(large_instance())
print("READY", flush=True)
try:
    result = rd.solve(time_limit=120, gap=0)
    print("FINISHED", result.status, flush=True)
except KeyboardInterrupt:
    print("CAUGHT %.6f" % time.monotonic(), flush=True)
cpu = time.process_time()
time.sleep(1.0)
print("CPU %.3f" % (time.process_time() - cpu), flush=True)
small = staffpool.Redeployment.demo().solve()
print("DEMO", small.status, small.totals.redeployed, flush=True)
"""


@pytest.mark.slow
def test_ctrl_c_stops_a_redeployment_solve():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([PACKAGE_DIR, HERE] + (
        [env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        ready = child.stdout.readline()
        assert ready.strip() == "READY", (ready, child.stderr.read())
        time.sleep(1.5)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert "FINISHED" not in lines, "the solve ended before the signal: scale the instance up"
    assert "CAUGHT" in lines, (out, err)
    assert 0 <= float(lines["CAUGHT"]) - sent < 3.0
    assert float(lines["CPU"]) < 0.9, "a solver kept running after the interrupt"
    assert lines["DEMO"].split()[0] == "optimal", (out, err)
    assert child.returncode == 0, (out, err)
