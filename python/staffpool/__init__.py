"""staffpool: plans pooled specialist staff shared by partner organisations.

    >>> import staffpool
    >>> pool = staffpool.Pool.demo()
    >>> solution = staffpool.solve(pool, time_limit=30)
    >>> solution.status, solution.objective.unmet
    >>> solution.to_frame()           # hours per (staff, partner, skill, period)
    >>> solution.unmet.to_frame()     # what is left unmet, and why

See docs/ for the model, the scenario format and the Python API.
"""
from ._native import ffi as _ffi, lib as _lib
from .errors import OutOfMemoryError, SolverError, StaffpoolError, StateError, ValidationError
from .pool import PRIORITIES, Pool
from .results import (Assignment, Objective, PartnerSummary, Records, Resilience, Solution, Term,
                      Unmet)
from .solve import selftest_glpk_trap, solve
from .store import (DatabaseBusyError, DatabaseError, InputsChangedError, NotADatabaseError,
                    ReadOnlyDatabaseError, Store)
from .redeploy import (Outcome, PoolWork, Redeployment, RedeploymentObjective,
                       RedeploymentResult, RedeploymentTotals, VacancyFill, compare)
from .rota import Rota, RotaResult
from . import economics, resilience, scenarios
from .economics import Agreement, cost_shares, value_of_pooling
from .resilience import n_minus_1, withdrawal
from .scenarios import run_scenarios

__version__ = _ffi.string(_lib.sp_version()).decode()

__all__ = [
    "Pool", "solve", "Solution", "Objective", "Term", "Assignment", "Unmet", "PartnerSummary",
    "Resilience", "Records", "StaffpoolError", "ValidationError", "SolverError", "StateError",
    "OutOfMemoryError", "PRIORITIES", "selftest_glpk_trap", "__version__",
    "Store", "DatabaseError", "DatabaseBusyError", "NotADatabaseError", "ReadOnlyDatabaseError",
    "InputsChangedError",
    "Redeployment", "RedeploymentResult", "RedeploymentObjective", "RedeploymentTotals",
    "Outcome", "VacancyFill", "PoolWork", "compare",
    "economics", "resilience", "scenarios", "Agreement", "cost_shares", "value_of_pooling",
    "n_minus_1", "withdrawal", "run_scenarios",
    "Rota", "RotaResult",
]
