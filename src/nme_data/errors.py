"""The one exception root: every exception the library raises on purpose is an `NmeDataError`.

A caller (the CLI first) catches `NmeDataError` to tell a refused input from a library bug, which
must surface as one. Where Python callers expect a stdlib base, the exception mixes it in too
(`KeyError` for an unknown table, `ValueError` for a value that cannot be read). Standard library
only: the lowest layer (`nme_data.package`) builds on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from dataclasses import field as _extra
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
class Finding:
    """One problem in a package copy, located as precisely as it can be: the one record of every layer.

    The package model finds it while reading a copy (and the loader raises it as a `PackageError`), a rule
    reports it, the validator lists it in its report (`nme_data.validation.Finding` is this class).

    Identity (equality, hashing) is the location, code and message; what `validation.hints` adds
    afterwards (the file, its line, the cell's value, a hint) describes the same error, so it is left out
    of comparisons and never makes one error two; it is given by keyword. Findings have no order of their
    own (package-level ones have no table or row): sort with `sorted(report.errors, key=Finding.sort_key)`,
    or take `Report.sorted_errors()`, which orders tables as the descriptor does.
    """

    table: str | None
    row: int | None
    field: str | None
    code: str
    message: str
    #: The file, relative to the package root (datapackage.json for problems of the descriptor).
    path: str | None = _extra(default=None, compare=False, kw_only=True)
    #: The line of that file where the row starts (differs from row when a cell spans lines).
    line: int | None = _extra(default=None, compare=False, kw_only=True)
    #: The offending cell's text, truncated.
    value: str | None = _extra(default=None, compare=False, kw_only=True)
    #: What to do about it, when the error alone does not say (a command to run, say).
    hint: str | None = _extra(default=None, compare=False, kw_only=True)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """A total order over any findings: the package's own first, then by table, row, field, code, message."""
        row = self.row if isinstance(self.row, int) else -1
        return (str(self.table or ""), row, str(self.field or ""), str(self.code), str(self.message))

    def location(self) -> str:
        parts = [self.table or "package"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


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

    def problem(self, table: str | None = None) -> Finding:
        """This refusal as the one finding record, located in `table` (default: its own)."""
        return Finding(table if table is not None else self.table, None, None, self.code, self.message)


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
    "Finding",
    "InvalidPackageError",
    "NmeDataError",
    "PackageError",
    "SiteError",
]
