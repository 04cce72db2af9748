"""The package model's errors: one exception family for callers; the one located record (`Finding`)."""

from __future__ import annotations

from nme_data.errors import Finding, NmeDataError, PackageError

__all__ = ["Finding", "NmeDataError", "PackageError"]  # re-exported: defined with the exception root


class DescriptorError(PackageError):
    """datapackage.json (or a schema or dialect file it names) is missing, not JSON or over a budget."""


class UnsafePathError(PackageError):
    """A path-like value that may not be opened: a URL, absolute, climbing out, special file, loop."""

    code = "unsafe-path"


class MissingFileError(PackageError):
    """A path that is safe but names no file."""

    code = "file-not-found"


class UnsupportedFeatureError(PackageError):
    """A descriptor feature outside the canonical form this library reads (inline data, dialects, ...)."""

    code = "unsupported-feature"


class TableError(PackageError):
    """A table whose file cannot be read as the canonical CSV its descriptor promises."""


class HeaderError(TableError):
    """A header row that is not exactly the schema's field names, in order."""


class EmptyTableError(TableError):
    """A 0-byte table file, or one without a header row."""

    code = "empty-file"


class UnknownTableError(NmeDataError, KeyError):
    """A table name that the descriptor does not define (a KeyError too: a lookup by name that missed)."""

    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.valid = valid

    def __str__(self) -> str:
        return f"unknown table {self.name!r}; valid tables: {', '.join(self.valid)}"


#: The exception a reader gets for a table the model refused with this code.
ERROR_FOR_CODE: dict[str, type[PackageError]] = {
    "unsafe-path": UnsafePathError,
    "file-not-found": MissingFileError,
    "unsupported-feature": UnsupportedFeatureError,
    "empty-file": EmptyTableError,
    "header-order": HeaderError,
    "extra-label": HeaderError,
    "missing-label": HeaderError,
    "incorrect-label": HeaderError,
    "duplicate-label": HeaderError,
    "blank-label": HeaderError,
    "header-too-wide": HeaderError,
    "wrong-delimiter": HeaderError,
    "descriptor-invalid-json": DescriptorError,
    "descriptor-too-large": DescriptorError,
}


def error_for(problem: Finding) -> PackageError:
    """The exception that tells a reader about a refused table: the validator's message, as raised."""
    kind = ERROR_FOR_CODE.get(problem.code, TableError)
    location = problem.table or "package"
    return kind(f"{location}: {problem.message}", code=problem.code, table=problem.table)
