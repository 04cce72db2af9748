"""The outcome of a validation run, as text for people and JSON for machines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from nme_data.validation.errors import ValidationError


@dataclass
class Report:
    """Every error found, plus what was checked."""

    package: str
    errors: list[ValidationError] = field(default_factory=list)
    tables_checked: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def sorted_errors(self) -> list[ValidationError]:
        order = {name: i for i, name in enumerate(self.tables_checked)}
        return sorted(
            set(self.errors),
            key=lambda e: (order.get(e.table or "", -1), e.row or 0, e.field or "", e.code, e.message),
        )

    def summary(self) -> str:
        errors = self.sorted_errors()
        if not errors:
            return f"valid: {len(self.tables_checked)} tables checked, no errors"
        tables = {e.table or "package" for e in errors}
        noun = "error" if len(errors) == 1 else "errors"
        return f"invalid: {len(errors)} {noun} in {len(tables)} of {len(self.tables_checked)} tables"

    def to_dict(self) -> dict[str, object]:
        errors = self.sorted_errors()
        return {
            "valid": not errors,
            "package": self.package,
            "tables": self.tables_checked,
            "error_count": len(errors),
            "errors": [e.to_dict() for e in errors],
            "summary": self.summary(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [f"{e.location()}: [{e.code}] {e.message}" for e in self.sorted_errors()]
        lines.append(self.summary())
        return "\n".join(lines)
