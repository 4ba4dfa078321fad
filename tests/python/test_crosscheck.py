"""Cross-check of the C/GLPK engine against the independent PuLP/CBC reference model.

For each random pool (tests/python/random_pools.py) both engines solve the lexicographic model of
docs/model.md; the four objective terms must agree.  Individual assignments are not compared:
different optimal plans may have the same objective terms.
"""

import copy
import os
import sys

import pytest

import staffpool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from random_pools import random_scenario  # noqa: E402
from reference_model import solve_reference  # noqa: E402

SEEDS = range(25)
TERMS = ("unmet", "fairness", "resilience", "cost")
ABS_TOL = 1e-4
REL_TOL = 1e-5


def _close(engine_value, reference_value):
    return abs(engine_value - reference_value) <= ABS_TOL + REL_TOL * abs(reference_value)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: f"seed{seed}")
def test_engine_matches_reference(seed):
    scenario = random_scenario(seed)

    reference = solve_reference(copy.deepcopy(scenario), time_limit=60)
    assert reference["status"] == "optimal", f"reference model not optimal for seed {seed}"

    pool = staffpool.Pool.from_dict(copy.deepcopy(scenario))
    sol = staffpool.solve(pool, time_limit=60)
    assert sol.status == "optimal"

    engine = {term: float(getattr(sol.objective, term)) for term in TERMS}
    mismatches = {
        term: (engine[term], reference[term])
        for term in TERMS
        if not _close(engine[term], reference[term])
    }
    assert not mismatches, (
        f"seed {seed}: engine vs reference (engine, reference) differ on {mismatches}; "
        f"engine={engine}, reference={ {t: reference[t] for t in TERMS} }"
    )
