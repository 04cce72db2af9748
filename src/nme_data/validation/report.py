"""The outcome of a validation run, as text for people and JSON for machines."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from nme_data.validation.errors import ValidationError

#: Lone surrogates: a str may hold them (a file name, a JSON escape), no UTF-8 output can.
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """Lone surrogates as backslash escapes (`\\udc80`): inside a JSON string that is the JSON escape
    of the same character, so the document stays valid and decodes to what the package held."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
        order = {str(name): i for i, name in enumerate(self.tables_checked)}

        def key(e: ValidationError) -> tuple[int, int, str, str, str]:  # str() everywhere: never a TypeError
            row = e.row if isinstance(e.row, int) else 0
            return (order.get(str(e.table or ""), -1), row, str(e.field or ""), str(e.code), str(e.message))

        return sorted(dict.fromkeys(self.errors), key=key)

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

    def to_json(self, ascii_only: bool = False) -> str:
        """One JSON document; with ascii_only, every non-ASCII character is a JSON escape (for an output
        that cannot encode them). Either way lone surrogates come out escaped, never raise."""
        return escape_surrogates(json.dumps(self.to_dict(), indent=2, ensure_ascii=ascii_only))

    def to_text(self) -> str:
        lines = [f"{e.location()}: [{e.code}] {e.message}" for e in self.sorted_errors()]
        lines.append(self.summary())
        return escape_surrogates("\n".join(lines))

    def render(self, fmt: str, encoding: str | None) -> str:
        """The report as text or JSON that the output's encoding can write: what it cannot encode is
        backslash-escaped in text, JSON-escaped in JSON."""
        text = self.to_json() if fmt == "json" else self.to_text()
        try:
            text.encode(encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            if fmt == "json":
                return self.to_json(ascii_only=True)
            try:
                return text.encode(encoding or "utf-8", "backslashreplace").decode(encoding or "utf-8")
            except LookupError:
                return text.encode("ascii", "backslashreplace").decode("ascii")
        return text
