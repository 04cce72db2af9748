"""The one exception root: every exception the library raises on purpose is an `NmeDataError`.

A caller (the CLI first) catches `NmeDataError` to tell a refused input from a library bug, which
must surface as one. Where Python callers expect a stdlib base, the exception mixes it in too
(`KeyError` for an unknown table, `ValueError` for a value that cannot be read). Standard library
only: the lowest layer (`nme_data.package`) builds on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class ReportLike(Protocol):
    """What an `InvalidPackageError` needs of the validator's `Report` (named structurally, so that this lowest
    module never imports the validation layer above it)."""

    @property
    def errors(self) -> Sequence[Any]: ...
    @property
    def valid(self) -> bool: ...
    def summary(self) -> str: ...
    def sorted_errors(self) -> Sequence[Any]: ...
    def to_text(self) -> str: ...
    def render(self, fmt: str, encoding: str | None, workdir: str | Path | None = None) -> str: ...


class NmeDataError(Exception):
    """Root of every exception the library raises on purpose; its message says what and where."""


@dataclass(frozen=True)
class Problem:
    """A located problem found while reading a copy; the validator reports it, the loader raises it."""

    table: str | None
    row: int | None
    field: str | None
    code: str
    message: str
    #: What to do about it, when the message alone does not say (a command to run, say).
    hint: str | None = None


class PackageError(NmeDataError):
    """A copy of the package cannot be found or read; `code` is the validator's error code for it."""

    code = "descriptor-invalid"

    def __init__(self, message: str, code: str | None = None, table: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.table = table

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def problem(self, table: str | None = None) -> Problem:
        return Problem(table if table is not None else self.table, None, None, self.code, self.message)


class ArgumentError(NmeDataError, ValueError):
    """An argument the library cannot act on (a column, an option, a threshold); a ValueError too."""


class ExportError(NmeDataError):
    """An export that cannot be written or whose source cannot be read; the message says which."""


class SiteError(NmeDataError):
    """The site cannot be built or written; the message says why."""


class InvalidPackageError(PackageError, ExportError, SiteError):
    """The copy fails validation, so nothing was read or written; `report` holds every error.

    One class for every entry point that validates first (load, export, site, diff): it is a
    `PackageError` (its `code` and `table` are the first error's) and both an `ExportError` and a
    `SiteError`, so handlers written for any of them keep catching it.
    """

    def __init__(self, report: ReportLike, action: str = "nothing was written", message: str | None = None) -> None:
        errors = report.sorted_errors()
        super().__init__(
            message or f"the package is invalid, {action}: {report.summary()}",
            code=errors[0].code if errors else None,
            table=errors[0].table if errors else None,
        )
        self.report = report


__all__ = [
    "ArgumentError",
    "ExportError",
    "InvalidPackageError",
    "NmeDataError",
    "PackageError",
    "Problem",
    "SiteError",
]
