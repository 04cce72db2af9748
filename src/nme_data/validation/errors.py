"""Validation errors: one record type (`Finding`); the catalogue of stable codes users can rely on is
`nme_data.validation.codes` (re-exported here: `CODES`, `Code`).

Codes of the spec layer are frictionless' own error types, passed through unchanged; the others are
ours. Renaming a code is a breaking change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as _extra

from nme_data.validation.codes import CODES, SPEC_MEMORY_GIB, SPEC_SECONDS_PER_MIB, SPEC_TIMEOUT_SECONDS, Code


@dataclass(frozen=True)
class Finding:
    """One problem in a package copy, located as precisely as it can be (a record, not an exception).

    Identity (equality, hashing) is the location, code and message; what `validation.hints` adds
    afterwards (the file, its line, the cell's value, a hint) describes the same error, so it is left out
    of comparisons and never makes one error two. Findings have no order of their own (package-level
    ones have no table or row): sort with `sorted(report.errors, key=Finding.sort_key)`, or take
    `Report.sorted_errors()`, which orders tables as the descriptor does.
    """

    table: str | None
    row: int | None
    field: str | None
    code: str
    message: str
    #: The file, relative to the package root (datapackage.json for problems of the descriptor).
    path: str | None = _extra(default=None, compare=False)
    #: The line of that file where the row starts (differs from row when a cell spans lines).
    line: int | None = _extra(default=None, compare=False)
    #: The offending cell's text, truncated.
    value: str | None = _extra(default=None, compare=False)
    #: What to do about it, when the error alone does not say.
    hint: str | None = _extra(default=None, compare=False)

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


__all__ = ["CODES", "SPEC_MEMORY_GIB", "SPEC_SECONDS_PER_MIB", "SPEC_TIMEOUT_SECONDS", "Code", "Finding"]
