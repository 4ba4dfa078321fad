"""Type checks for values coming from Python, JSON or DataFrames before they reach C. The C core
checks ranges and references; these only make sure a value is of a kind C can take, and name the
record and field when it is not."""
from __future__ import annotations

import math
import numbers
from typing import Any, Optional

from .errors import ValidationError


def json_safe(value: Any) -> Any:
    """value with every inf and nan (which JSON has not) turned into None, through dicts, lists
    and tuples."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def missing(value: Any) -> bool:
    """None, or a NaN (an empty DataFrame cell)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def text(value: Any, record: str, field: str, required: bool = True) -> Optional[bytes]:
    """A string as UTF-8 bytes for C."""
    if missing(value):
        if required:
            raise ValidationError(f"{record}: {field}: is required", record, field)
        return None
    if not isinstance(value, str):
        value = str(value)
    if "\x00" in value:
        raise ValidationError(f"{record}: {field}: must not contain NUL characters", record, field)
    return value.encode("utf-8")


def number(value: Any, record: str, field: str) -> float:
    if value is None:
        raise ValidationError(f"{record}: {field}: is required", record, field)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError(f"{record}: {field}: must be a number (got {value!r})", record, field)
    return float(value)


def integer(value: Any, record: str, field: str) -> int:
    as_number = number(value, record, field)
    if not math.isfinite(as_number) or as_number != int(as_number):
        raise ValidationError(f"{record}: {field}: must be a whole number (got {value!r})",
                              record, field)
    if abs(as_number) > 2**31 - 1:
        raise ValidationError(f"{record}: {field}: out of range (got {value!r})", record, field)
    return int(as_number)


def flag(value: Any, record: str, field: str) -> bool:
    if isinstance(value, bool) or (isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    raise ValidationError(f"{record}: {field}: must be true or false (got {value!r})", record, field)
