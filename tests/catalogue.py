"""The one runner of the damage catalogues (corruption, curation, cues, anchors, crafted copies, profile).

`case_copy` is a case's damaged copy, validated once through the CLI on a fresh cache and shared by every test
of the case (conftest's `validated_copy`, keyed "<catalogue>:<case>"); `found_locations` reads the errors as
sorted (table, row, field, code) locations, from the library's report or the CLI's JSON alike, so each
catalogue compares them with its expected list the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from conftest import Validated, ValidatedCopy, tree_hashes

Location = tuple[str | None, int | None, str | None, str]


def case_copy(
    validated_copy: ValidatedCopy,
    catalogue: str,
    case: str,
    damage: Callable[[Path], None],
    hashes: Callable[[Path], dict[str, str]] = tree_hashes,
) -> Validated:
    """The case's damaged copy and its reports, made once for every test of the case."""
    return validated_copy(f"{catalogue}:{case}", damage, hashes)


def location(error: Any) -> Location:
    """(table, row, field, code) of one error: a report's record or an error object of the CLI's JSON."""
    if isinstance(error, Mapping):
        return (error["table"], error["row"], error["field"], error["code"])
    return (error.table, error.row, error.field, error.code)


def found_locations(errors: Iterable[Any]) -> list[Location]:
    """The errors' locations, sorted as the catalogues sort their expected lists (by their text)."""
    return sorted((location(e) for e in errors), key=str)
