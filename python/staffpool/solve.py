"""Solving a pool: runs the C solve in a worker thread so that Ctrl-C is seen promptly.

Python only sees signals between bytecodes, and a long C call is one bytecode. So the solve runs in
a worker thread (CFFI releases the GIL during the call) while the calling thread waits in short
slices; on KeyboardInterrupt it raises the C cancel flag, which GLPK's branch-and-cut callback and
the stage loop poll, waits for the worker to return, frees everything and re-raises.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable, Optional, Sequence, Tuple

from ._native import ffi, lib
from .errors import ValidationError, raise_for
from .progress import ProgressArg, attach_board, reporter, watcher
from .results import (TERMS, Assignment, Objective, PartnerSummary, Resilience, Solution, Term,
                      Unmet, records)

STATUS = {lib.SP_STATUS_OPTIMAL: "optimal", lib.SP_STATUS_FEASIBLE: "feasible",
          lib.SP_STATUS_INFEASIBLE: "infeasible", lib.SP_STATUS_NO_SOLUTION: "no_solution"}
STOP = {lib.SP_STOP_NONE: None, lib.SP_STOP_TIME_LIMIT: "time_limit",
        lib.SP_STOP_CANCELLED: "cancelled"}
PRIORITY_NAMES = ("statutory", "core", "discretionary")


def _s(ptr: Any) -> Optional[str]:
    return None if ptr == ffi.NULL else ffi.string(ptr).decode("utf-8")


def solve(pool: Any, time_limit: Optional[float] = None, gap: float = 1e-6,
          log_level: int = 0, progress: ProgressArg = None) -> Solution:
    """Solves the pooled allocation of ``pool`` (docs/model.md).

    time_limit: seconds of wall clock for the whole solve (None: no limit; 0 stops at once).
    gap: relative gap at which each objective stage counts as solved.
    log_level: 0 silent, 1 errors, 2 progress, 3 everything (GLPK's output, on stderr).
    progress: the best objective and bound of the stage being solved, as they improve (see
    ``staffpool.progress.Progress``): None (default) shows them in a notebook only, True also on
    stderr outside one, False nowhere, a callable receives each ``Progress``.

    Infeasible or stopped solves are a ``Solution.status``, not an exception. Ctrl-C stops the
    solve promptly and raises KeyboardInterrupt; the next solve works as usual.
    """
    sol = ffi.gc(solve_native(pool._ptr, time_limit, gap, log_level, progress=progress),
                 lib.sp_solution_free)
    try:
        return _read_solution(sol, pool)
    finally:
        ffi.release(sol)


def solve_native(native_pool: Any, time_limit: Optional[float] = None, gap: float = 1e-6,
                 log_level: int = 0,
                 on_wait: Optional[Callable[[float], None]] = None,
                 progress: ProgressArg = None) -> Any:
    """``sp_solve`` in a worker thread; returns the native ``sp_solution *``, which the caller
    frees with ``lib.sp_solution_free``. ``on_wait(seconds_elapsed)`` is called about every
    50 ms while the solve runs (for progress notes); ``progress`` as for ``solve``."""
    opts, cancel = solve_options(time_limit, gap, log_level)
    wait = with_progress(opts, TERMS, progress, on_wait)
    err = ffi.new("sp_error *")
    out = ffi.new("sp_solution **")
    rc = run_cancellable(lambda: lib.sp_solve(out, native_pool, opts, err), cancel,
                         lambda: lib.sp_solution_free(out[0]), wait)
    raise_for(rc, err)
    return out[0]


def solve_options(time_limit: Optional[float], gap: float, log_level: int) -> Tuple[Any, Any]:
    """Validated ``sp_solve_options`` and the cancel flag they point to (keep both alive while
    the solve runs)."""
    opts = ffi.new("sp_solve_options *")
    lib.sp_solve_options_init(opts)
    if time_limit is not None:
        if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) \
                or math.isnan(time_limit) or time_limit < 0:
            raise ValidationError(f"options: time_limit: must be a number >= 0 or None (got "
                                  f"{time_limit!r})", "options", "time_limit")
        opts.time_limit = float(time_limit)
    if isinstance(gap, bool) or not isinstance(gap, (int, float)) or not 0 <= gap < 1:
        raise ValidationError(f"options: gap: must be a number in [0, 1) (got {gap!r})",
                              "options", "gap")
    opts.rel_gap = float(gap)
    opts.log_level = int(log_level)
    err = ffi.new("sp_error *")
    cancel_out = ffi.new("sp_cancel **")
    raise_for(lib.sp_cancel_new(cancel_out, err), err)
    cancel = ffi.gc(cancel_out[0], lib.sp_cancel_free)
    opts.cancel = cancel
    return opts, cancel


def with_progress(opts: Any, stage_names: Sequence[str], progress: ProgressArg,
                  on_wait: Optional[Callable[[float], None]] = None
                  ) -> Optional[Callable[[float], None]]:
    """The ``on_wait`` for run_cancellable that reports progress as ``progress`` asks (attaching a
    board to ``opts`` when someone watches) and also calls the caller's own ``on_wait``."""
    report = reporter(progress)
    if report is None:
        return on_wait
    watch = watcher(attach_board(opts), stage_names, report)
    if on_wait is None:
        return watch

    def both(elapsed: float) -> None:
        watch(elapsed)
        on_wait(elapsed)

    return both


def run_cancellable(call: Callable[[], int], cancel: Any, free_result: Callable[[], None],
                    on_wait: Optional[Callable[[float], None]] = None) -> int:
    """Runs the C ``call`` (which returns an SP_* code) in a worker thread, so that Ctrl-C is seen:
    it raises ``cancel``, waits for C to return, frees a result C made (``free_result``) and
    re-raises. Returns the C code."""
    result: dict = {}
    done = threading.Event()

    def work() -> None:
        try:
            result["rc"] = call()
        finally:
            done.set()

    worker = threading.Thread(target=work, name="staffpool-solve", daemon=True)
    started = time.monotonic()
    worker.start()
    # An Event, not Thread.join: on CPython 3.11 a KeyboardInterrupt inside join() can leave the
    # thread looking finished while the C solve still runs (bpo-45274).
    try:
        while not done.wait(0.05):
            if on_wait:
                on_wait(time.monotonic() - started)
        if on_wait:
            on_wait(time.monotonic() - started)  # once more: the final state, for displays
    except KeyboardInterrupt:
        lib.sp_cancel_raise(cancel)
        _wait_through_interrupts(done)
        if result.get("rc") == 0:
            free_result()
        raise
    return result["rc"]


def _wait_through_interrupts(done: threading.Event) -> None:
    """Waits for the C solve to return; further Ctrl-C presses must not cut the wait short, or the
    cancel flag and the pool could be freed while C still uses them."""
    while True:
        try:
            if done.wait(0.05):
                return
        except KeyboardInterrupt:
            continue


def _read_solution(sol: Any, pool: Any) -> Solution:
    n = ffi.new("size_t *")
    label = pool.period_label

    arr = lib.sp_solution_assignments(sol, n)
    assignments = [Assignment(_s(a.staff_id), _s(a.partner_id), _s(a.skill_id), _s(a.site_id),
                              label(a.period), a.demand_index, a.hours, a.travel_hours, a.cost)
                   for a in (arr[i] for i in range(n[0]))]
    arr = lib.sp_solution_unmet(sol, n)
    unmet = [Unmet(_s(u.partner_id), _s(u.skill_id), _s(u.site_id), label(u.period),
                   u.demand_index, PRIORITY_NAMES[u.priority], u.hours_demanded, u.hours_unmet,
                   _s(lib.sp_reason_name(u.reason)), _s(lib.sp_reason_text(u.reason)))
             for u in (arr[i] for i in range(n[0]))]
    arr = lib.sp_solution_partners(sol, n)
    partners = [PartnerSummary(_s(p.partner_id), p.hours_demanded, p.hours_received,
                               p.hours_unmet, *list(p.unmet_by_priority), p.unmet_fraction, p.cost)
                for p in (arr[i] for i in range(n[0]))]
    arr = lib.sp_solution_resilience(sol, n)
    resilience = [Resilience(_s(r.partner_id), _s(r.skill_id), r.hours_demanded, r.hours_received,
                             r.distinct_people, r.largest_share, _s(r.largest_staff_id),
                             r.min_people, r.max_share, r.people_short, r.share_excess_hours)
                  for r in (arr[i] for i in range(n[0]))]
    term = ffi.new("sp_term *")
    terms = {}
    for index, name in enumerate(TERMS):
        lib.sp_solution_term(term, sol, index)
        terms[name] = Term(term.value, term.bound, term.gap)
    objective = Objective(*(terms[name].value for name in TERMS), terms=terms)
    return Solution(
        status=STATUS[lib.sp_solution_status(sol)],
        stopped_by=STOP[lib.sp_solution_stop_reason(sol)],
        gap=lib.sp_solution_gap(sol),
        seconds=lib.sp_solution_seconds(sol),
        objective=objective,
        assignments=records(Assignment, assignments),
        unmet=records(Unmet, unmet),
        partners=records(PartnerSummary, partners),
        resilience=records(Resilience, resilience),
        model_size={"columns": lib.sp_solution_columns(sol), "rows": lib.sp_solution_rows(sol),
                    "binaries": lib.sp_solution_binaries(sol)},
        build_seconds=lib.sp_solution_build_seconds(sol),
    )


def selftest_glpk_trap() -> str:
    """Makes GLPK fail fatally inside the solver layer and returns the trapped message; the process
    carries on. Used by the tests and handy to check an installation."""
    err = ffi.new("sp_error *")
    rc = lib.sp_selftest_glpk_trap(err)
    if rc != lib.SP_ESOLVER:
        raise AssertionError(f"GLPK trap self-test returned {rc}, expected SP_ESOLVER")
    return ffi.string(err.message).decode()
