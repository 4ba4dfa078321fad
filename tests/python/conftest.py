"""Shared fixtures for the staffpool Python tests.

``tiny_scenario`` is a fresh, small scenario dict (docs/scenario-format.md) for tests that tweak one
field; ``demo_pool`` and ``demo_solution`` are the shipped demo and its solve, built once per session
because the demo solve takes a few seconds.
"""
from __future__ import annotations

import copy
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # random_pools, reference_model

import staffpool  # noqa: E402

DEMO_TIME_LIMIT = 120

# Two partners, one site each. The sites are 0.135 degrees of latitude apart: 6371 km * 0.135 *
# pi / 180 = 15.01 km, i.e. 22.5 minutes at the default 40 km/h.
TINY_SCENARIO = {
    "format": "staffpool-scenario",
    "version": 1,
    "name": "tiny",
    "periods": 2,
    "period_labels": ["W1", "W2"],
    "settings": {"reserve_share": 0.0},
    "partners": [
        {"id": "A", "name": "Council A", "population": 90000},
        {"id": "B", "name": "Council B", "population": 60000},
    ],
    "sites": [
        {"id": "A-HQ", "partner": "A", "name": "A offices", "lat": 52.000, "lon": -1.0},
        {"id": "B-HQ", "partner": "B", "name": "B offices", "lat": 52.135, "lon": -1.0},
    ],
    "skills": [
        {"id": "noise", "name": "Noise nuisance"},
        {"id": "food", "name": "Food safety"},
    ],
    "staff": [
        {"id": "A1", "name": "Ann", "partner": "A", "site": "A-HQ", "contracted_hours": 20,
         "cost_per_hour": 30, "skills": {"noise": 3, "food": 2}},
        {"id": "A2", "name": "Abe", "partner": "A", "site": "A-HQ", "contracted_hours": 10,
         "cost_per_hour": 25, "skills": {"food": 4}},
        {"id": "B1", "name": "Bea", "partner": "B", "site": "B-HQ", "contracted_hours": 15,
         "cost_per_hour": 28, "skills": {"noise": 2}, "authorised": ["A", "B"],
         "max_travel_minutes": 60},
    ],
    "availability": [{"staff": "A2", "period": 1, "hours": 5}],
    "demand": [
        {"partner": "A", "skill": "noise", "period": 0, "hours": 8, "priority": "statutory"},
        {"partner": "A", "skill": "food", "period": 1, "hours": 6, "min_level": 2},
        {"partner": "B", "site": "B-HQ", "skill": "noise", "period": 0, "hours": 12,
         "priority": "core"},
        {"partner": "B", "skill": "food", "period": 1, "hours": 4, "priority": "discretionary"},
    ],
    "resilience": [{"partner": "A", "skill": "noise", "min_people": 1, "max_share": 1.0}],
}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that takes several seconds (demo solve, "
                                       "cancellation subprocess)")


@pytest.fixture
def tiny_scenario():
    """A fresh copy of a small scenario dict that a test may modify."""
    return copy.deepcopy(TINY_SCENARIO)


@pytest.fixture(scope="session")
def demo_pool():
    return staffpool.Pool.demo()


@pytest.fixture(scope="session")
def demo_solution(demo_pool):
    return staffpool.solve(demo_pool, time_limit=DEMO_TIME_LIMIT)
