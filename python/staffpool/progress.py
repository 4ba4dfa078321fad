"""Progress of a long solve, shown while it runs: in a notebook a line that updates in place, on the
command line lines on stderr, or any callable of the caller's.

The C solve posts its best objective and bound to a progress board (``sp_progress``); the waiting
Python thread (``solve.run_cancellable``) reads it about every 50 ms and reports each change. Reading
never slows or changes the solve.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence, TextIO, Union

from ._native import ffi, lib
from .errors import ValidationError, raise_for

ProgressArg = Union[None, bool, Callable[["Progress"], None]]


@dataclass(frozen=True)
class Progress:
    """Where a running solve stands. ``stage`` names the objective being optimised (an allocation
    solves "unmet", "fairness", "resilience", "cost" in that order; a rota one "penalty")."""
    stage: str
    stage_index: int  # 0-based
    stages: int
    incumbent: Optional[float]  # the stage's best objective so far; None before a solution
    bound: Optional[float]      # the stage's best proved bound; None before one
    gap: Optional[float]        # relative; None without a solution and a bound
    seconds: float              # since the solve started

    def __str__(self) -> str:
        parts = ["no solution yet" if self.incumbent is None else f"best {self.incumbent:.6g}"]
        if self.bound is not None:
            parts.append(f"bound {self.bound:.6g}")
        if self.gap is not None:
            parts.append(f"gap {self.gap:.2%}")
        return (f"stage {self.stage_index + 1} of {self.stages} ({self.stage}): "
                f"{', '.join(parts)} ({self.seconds:.1f} s)")


def attach_board(opts: Any) -> Any:
    """A new progress board set on ``sp_solve_options`` ``opts``; keep it alive while C runs."""
    err = ffi.new("sp_error *")
    out = ffi.new("sp_progress **")
    raise_for(lib.sp_progress_new(out, err), err)
    board = ffi.gc(out[0], lib.sp_progress_free)
    opts.progress = board
    return board


def read_board(board: Any, stage_names: Sequence[str]) -> Optional[Progress]:
    """The board's state, or None before the first post."""
    snap = ffi.new("sp_progress_snapshot *")
    lib.sp_progress_read(board, snap)
    if snap.updates == 0:
        return None
    index = int(snap.stage)
    name = stage_names[index] if 0 <= index < len(stage_names) else f"stage {index + 1}"
    has = bool(snap.has_incumbent)
    bound = float(snap.bound)
    return Progress(stage=name, stage_index=index, stages=int(snap.stages),
                    incumbent=float(snap.incumbent) if has else None,
                    bound=bound if math.isfinite(bound) else None,
                    gap=float(snap.gap) if snap.gap >= 0 else None, seconds=float(snap.seconds))


def watcher(board: Any, stage_names: Sequence[str],
            report: Callable[[Progress], None]) -> Callable[[float], None]:
    """An ``on_wait(elapsed)`` for run_cancellable that calls ``report`` on each change."""
    seen = [0]
    snap = ffi.new("sp_progress_snapshot *")

    def on_wait(elapsed: float) -> None:
        lib.sp_progress_read(board, snap)
        if snap.updates != seen[0]:
            seen[0] = snap.updates
            now = read_board(board, stage_names)
            if now is not None:
                report(now)

    return on_wait


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where a live display can update in place)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and hasattr(ip, "kernel")


class NotebookLine:
    """One output line in a notebook cell that shows the latest progress; it appears only once a
    solve has run for ``delay`` seconds, so quick solves leave no trace."""

    def __init__(self, delay: float = 1.0) -> None:
        self.delay = delay
        self.handle: Any = None

    def __call__(self, progress: Progress) -> None:
        if progress.seconds < self.delay and self.handle is None:
            return
        from IPython.display import display  # only ever called inside a notebook

        text = f"staffpool: {progress}"
        if self.handle is None:
            self.handle = display({"text/plain": text}, raw=True, display_id=True)
        else:
            self.handle.update({"text/plain": text}, raw=True)


class StderrLines:
    """Progress as lines on a stream (stderr by default): always when a stage starts or finds its
    first solution, otherwise at most one line per ``every`` seconds."""

    def __init__(self, stream: Optional[TextIO] = None, every: float = 2.0,
                 prefix: str = "staffpool: ") -> None:
        self.stream = stream
        self.every = every
        self.prefix = prefix
        self.last: Optional[Progress] = None

    def __call__(self, progress: Progress) -> None:
        last = self.last
        news = last is None or last.stage_index != progress.stage_index \
            or (last.incumbent is None) != (progress.incumbent is None)
        if not news and progress.seconds - last.seconds < self.every:
            return
        self.last = progress
        stream = self.stream or sys.stderr
        print(f"{self.prefix}{progress}", file=stream, flush=True)


def reporter(progress: ProgressArg) -> Optional[Callable[[Progress], None]]:
    """What to do with progress: None shows it in a notebook and nowhere else; True in a notebook
    or else on stderr; False nowhere; a callable gets every Progress."""
    if progress is None:
        return NotebookLine() if in_notebook() else None
    if progress is False:
        return None
    if progress is True:
        return NotebookLine() if in_notebook() else StderrLines()
    if callable(progress):
        return progress
    raise ValidationError(f"options: progress: must be None, True, False or a callable (got "
                          f"{progress!r})", "options", "progress")
