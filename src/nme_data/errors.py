"""The one exception root: every exception the library raises on purpose is an `NmeDataError`.

A caller (the CLI first) catches `NmeDataError` to tell a refused input from a library bug, which
must surface as one. Where Python callers expect a stdlib base, the exception mixes it in too
(`KeyError` for an unknown table, `ValueError` for a value that cannot be read). Standard library
only: the lowest layer (`nme_data.package`) builds on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nme_data.validation.report import Report


class NmeDataError(Exception):
    """Root of every exception the library raises on purpose; its message says what and where."""


class ArgumentError(NmeDataError, ValueError):
    """An argument the library cannot act on (a column, an option, a threshold); a ValueError too."""


class ExportError(NmeDataError):
    """An export that cannot be written or whose source cannot be read; the message says which."""


class SiteError(NmeDataError):
    """The site cannot be built or written; the message says why."""


class InvalidPackageError(ExportError, SiteError):
    """The copy fails validation, so nothing was written; `report` holds every error.

    One class for every command that validates first (export, site): it is both an `ExportError`
    and a `SiteError`, so handlers written for either keep catching it.
    """

    def __init__(self, report: Report, action: str = "nothing was written") -> None:
        super().__init__(f"the package is invalid, {action}: {report.summary()}")
        self.report = report


__all__ = ["ArgumentError", "ExportError", "InvalidPackageError", "NmeDataError", "SiteError"]
