"""Parse the package's JSON files within budgets: size, nesting depth, number length, JSON only.

Python's json module accepts NaN and Infinity, turns a 5000-digit integer into a ValueError
and a deeply nested array into a RecursionError; here each becomes a DescriptorError that
names the file, so no reader ever sees a traceback or a non-JSON value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from nme_data.package.errors import DescriptorError
from nme_data.package.limits import MAX_DESCRIPTOR_BYTES, MAX_JSON_DEPTH, MAX_NUMBER_DIGITS
from nme_data.package.paths import regular_file_size

_TOO_DEEP = object()


class _OverBudget(ValueError):
    """Raised from inside the JSON parser's hooks; turned into a DescriptorError below."""


def _constant(name: str) -> Any:
    raise _OverBudget(f"{name} is not JSON")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _OverBudget(f"an integer of {len(text.lstrip('-'))} digits exceeds the budget of {MAX_NUMBER_DIGITS}")
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if len(text) > MAX_NUMBER_DIGITS or not math.isfinite(value):
        raise _OverBudget(f"the number {text[:40]} exceeds the budget of {MAX_NUMBER_DIGITS} characters or is infinite")
    return value


def _too_deep(value: Any) -> bool:
    """Whether arrays and objects nest deeper than MAX_JSON_DEPTH, walked level by level (no recursion)."""
    frontier = [value] if type(value) in _CONTAINERS else []
    for _ in range(MAX_JSON_DEPTH):
        frontier = [
            child
            for node in frontier
            for child in (node.values() if type(node) is dict else node)
            if type(child) in _CONTAINERS
        ]
    return bool(frontier)


_CONTAINERS = (dict, list)


def parse_json(data: bytes, name: str) -> Any:
    """JSON text (UTF-8, a byte-order mark tolerated) to a value, or a DescriptorError naming `name`."""
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise DescriptorError(
            f"{name} is larger than the budget of {MAX_DESCRIPTOR_BYTES} bytes", code="descriptor-too-large"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DescriptorError(
            f"{name} is not UTF-8: {exc.reason} at offset {exc.start}", code="descriptor-invalid-json"
        ) from None
    try:
        value = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_number)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"{name}: {exc.msg} at line {exc.lineno}, column {exc.colno}", code="descriptor-invalid-json"
        ) from None
    except _OverBudget as exc:
        code = "descriptor-invalid-json" if "is not JSON" in str(exc) else "descriptor-too-large"
        raise DescriptorError(f"{name}: {exc}", code=code) from None
    except RecursionError:  # the C parser stops itself at the interpreter's recursion limit
        value = _TOO_DEEP
    except ValueError as exc:
        raise DescriptorError(f"{name}: {exc}", code="descriptor-invalid-json") from None
    if value is _TOO_DEEP or _too_deep(value):
        raise DescriptorError(
            f"{name} is nested deeper than the budget of {MAX_JSON_DEPTH} levels", code="descriptor-too-large"
        )
    return value


def read_json_file(path: Path, name: str) -> Any:
    """A JSON file that must be regular and within the size budget, checked before it is opened."""
    if regular_file_size(path) > MAX_DESCRIPTOR_BYTES:
        raise DescriptorError(
            f"{name} is larger than the budget of {MAX_DESCRIPTOR_BYTES} bytes", code="descriptor-too-large"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DESCRIPTOR_BYTES + 1)
    except OSError as exc:
        raise DescriptorError(f"{name} cannot be read: {exc.strerror or exc}") from None
    return parse_json(data, name)
