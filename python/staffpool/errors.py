"""Exceptions: one hierarchy rooted at StaffpoolError, and the one function that maps C codes."""
from __future__ import annotations

from typing import Any


class StaffpoolError(Exception):
    """Base of every staffpool error."""


class ValidationError(StaffpoolError, ValueError):
    """Bad input: names the record (``staff 'EH-07'``) and the field (``contracted_hours``)."""

    def __init__(self, message: str, record: str = "", field: str = "") -> None:
        super().__init__(message)
        self.record = record
        self.field = field


class SolverError(StaffpoolError):
    """The optimiser itself failed (a GLPK error was trapped); the process is unaffected."""


class StateError(StaffpoolError):
    """A call that is not valid in the object's current state."""


class OutOfMemoryError(StaffpoolError, MemoryError):
    """The C core could not allocate memory."""


def raise_for(rc: int, err: Any) -> None:
    """Raises the exception for C return code ``rc`` with the text of the C ``sp_error``."""
    if rc == 0:
        return
    from ._native import ffi, lib

    message = ffi.string(err.message).decode("utf-8", "replace") or ffi.string(
        lib.sp_strerror(rc)
    ).decode()
    if rc == lib.SP_EINVAL:
        raise ValidationError(
            message,
            ffi.string(err.record).decode("utf-8", "replace"),
            ffi.string(err.field).decode("utf-8", "replace"),
        )
    if rc == lib.SP_ENOMEM:
        raise OutOfMemoryError(message)
    if rc == lib.SP_ESOLVER:
        raise SolverError(message)
    if rc == lib.SP_ERANGE:
        raise ValidationError(message)
    raise StateError(message)
