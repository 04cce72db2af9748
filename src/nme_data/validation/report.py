"""The outcome of a validation run, as text for people and JSON for machines."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nme_data.package import copy_header
from nme_data.validation.errors import Finding

#: The formats a report renders as; json and github are for machines, so they hold on every exit.
REPORT_FORMATS = ("text", "json", "github")

#: Lone surrogates: a str may hold them (a file name, a JSON escape), no UTF-8 output can.
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """Lone surrogates as backslash escapes (`\\udc80`): inside a JSON string that is the JSON escape
    of the same character, so the document stays valid and decodes to what the package held."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: Errors listed per (table, code) unless the caller says otherwise (`--max-errors`): like frictionless'
#: `limit_errors`, a flood of one error (a million rows without anchors) is listed only so far and
#: counted beyond, so the report, and the memory that builds it, stays the size of the data, not of the
#: damage. The damage catalogues stay far below it.
DEFAULT_MAX_ERRORS = 1000

Key = tuple[str | None, str]


class ErrorCap:
    """At most `limit` listed errors per (table, code) (None: no cap); the rest are only counted.

    A layer that can produce many errors asks `take` before it builds them, so that errors beyond the cap
    are never materialised; `Report.cap` applies the same limit to the whole report at the end."""

    def __init__(self, limit: int | None = DEFAULT_MAX_ERRORS) -> None:
        if limit is not None and limit < 0:
            raise ValueError(f"max_errors must be at least 0, not {limit}")
        self.limit = limit
        self.listed: Counter[Key] = Counter()
        self.omitted: Counter[Key] = Counter()

    def take(self, table: str | None, code: str, count: int) -> int:
        """How many of `count` new errors of (table, code) to build; the rest are counted as omitted."""
        if self.limit is None or count <= 0:
            return max(count, 0)
        key = (table, code)
        room = min(max(self.limit - self.listed[key], 0), count)
        self.listed[key] += room
        self.omitted[key] += count - room
        return room


#: Codes that mean nothing was checked because the input is unusable: the command line, or no package there.
#: A report of these alone exits 2 (as a usage error), whichever way the input was given, and says so.
UNUSABLE = {
    "usage-error": "not checked: the command line is wrong",
    "descriptor-not-found": "not checked: there is no datapackage.json there",
}
#: The exit codes of `nme-data validate`: valid, invalid, unusable input.
EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


@dataclass
class Report:
    """Every error found (up to `max_errors` listed per table and code, the rest counted in `omitted`),
    plus what was checked."""

    package: str
    errors: list[Finding] = field(default_factory=list)
    tables_checked: list[str] = field(default_factory=list)
    #: The copy's `version` as its descriptor says, None when the descriptor could not be read.
    version: str | None = None
    #: Which tier gave the spec layer's verdict: {"requested": engine, "tier": 1 or 2, "note": why tier 1
    #: could not decide, "frictionless_tables": the tables frictionless read (those tier 1 could not prove;
    #: all of them under --engine frictionless)}; None for a report that validated nothing (a usage error).
    engine: dict[str, object] | None = None
    #: Errors found but not listed, per (table, code): beyond `max_errors` of that table and code.
    omitted: dict[Key, int] = field(default_factory=dict)
    #: The cap on listed errors per (table, code) this report was made with (None: no cap).
    max_errors: int | None = None

    @property
    def valid(self) -> bool:
        return not self.errors and not any(self.omitted.values())

    @property
    def error_count(self) -> int:
        """Every error found, listed or not."""
        return len(self.sorted_errors()) + sum(self.omitted.values())

    def cap(self, limit: int | None, omitted: Counter[Key] | None = None) -> Report:
        """Keep the first `limit` errors of each (table, code) in report order; count the rest, plus what
        a layer counted without building (`omitted`), in `self.omitted`."""
        self.max_errors = limit
        total: Counter[Key] = Counter(self.omitted)
        total.update(omitted or {})
        if limit is not None:
            kept: list[Finding] = []
            seen: Counter[Key] = Counter()
            for error in self.sorted_errors():
                key = (error.table, error.code)
                seen[key] += 1
                if seen[key] <= limit:
                    kept.append(error)
                else:
                    total[key] += 1
            self.errors = kept
        self.omitted = {key: count for key, count in total.items() if count}
        return self

    def omitted_lines(self) -> list[str]:
        """One line per (table, code) with errors not listed."""
        order = {str(name): i for i, name in enumerate(self.tables_checked)}
        keys = sorted(self.omitted, key=lambda k: (order.get(str(k[0] or ""), -1), str(k[0] or ""), k[1]))
        return [
            f"{table or 'package'}: {self.omitted[(table, code)]:,} more [{code}] errors not listed "
            f"(at most {self.max_errors} per table and code; --max-errors)"
            for table, code in keys
        ]

    def sorted_errors(self) -> list[Finding]:
        order = {str(name): i for i, name in enumerate(self.tables_checked)}

        def key(e: Finding) -> tuple[int, int, str, str, str]:  # str() everywhere: never a TypeError
            row = e.row if isinstance(e.row, int) else 0
            return (order.get(str(e.table or ""), -1), row, str(e.field or ""), str(e.code), str(e.message))

        return sorted(dict.fromkeys(self.errors), key=key)

    @property
    def exit_code(self) -> int:
        """0 valid, 1 invalid, 2 the input is unusable (a wrong command line, no package at the path)."""
        if self.valid:
            return EXIT_VALID
        unusable = not self.omitted and all(e.code in UNUSABLE for e in self.errors)
        return EXIT_UNUSABLE if unusable else EXIT_INVALID

    def summary(self) -> str:
        """One line; tables are counted only when errors are in tables, so an empty directory is no "1 of 0";
        an unusable input is "not checked", never "invalid: 1 error"."""
        errors = self.sorted_errors()
        if self.valid:
            return f"valid: {len(self.tables_checked)} tables checked, no errors"
        if self.exit_code == EXIT_UNUSABLE:
            return UNUSABLE[errors[0].code]
        in_tables = sum(1 for e in errors if e.table is not None)
        in_tables += sum(count for (table, _), count in self.omitted.items() if table is not None)
        tables = {e.table for e in errors if e.table is not None} | {t for t, _ in self.omitted if t is not None}
        total = len(errors) + sum(self.omitted.values())
        in_package = total - in_tables
        where = []
        if in_package:
            where.append(f"{in_package} in the package")
        if tables:
            where.append(f"{in_tables} in {len(tables)} of {max(len(self.tables_checked), len(tables))} tables")
        if len(where) == 1:
            text = f"invalid: {_count(total)} {where[0].split(' ', 1)[1]}"
        else:
            text = f"invalid: {_count(total)}: {', '.join(where)}"
        if self.omitted:
            text += f" ({len(errors)} listed)"
        return text if self.tables_checked else f"{text}, no tables checked"

    def to_dict(self) -> dict[str, object]:
        errors = self.sorted_errors()
        return {
            "valid": self.valid,
            "package": self.package,
            "source": {"path": self.package, "version": self.version},
            "tables": self.tables_checked,
            "error_count": len(errors) + sum(self.omitted.values()),
            "errors": [e.to_dict() for e in errors],
            "summary": self.summary(),
            "engine": self.engine,
            "max_errors": self.max_errors,
            "errors_not_listed": [
                {"table": table, "code": code, "count": count} for (table, code), count in sorted_omitted(self.omitted)
            ],
        }

    def to_json(self, ascii_only: bool = False) -> str:
        """One JSON document; with ascii_only, every non-ASCII character is a JSON escape (for an output
        that cannot encode them). Either way lone surrogates come out escaped, never raise."""
        return escape_surrogates(json.dumps(self.to_dict(), indent=2, ensure_ascii=ascii_only))

    def to_github(self, workdir: str | Path | None = None) -> str:
        """GitHub Actions workflow commands, one `::error` per error, so that they annotate the pull request.

        File names are relative to `workdir` (the repository checkout, normally the current directory)
        when the package lies inside it, else relative to the package.
        """
        root = Path(self.package).parent
        lines = []
        for error in self.sorted_errors():
            properties = {"title": f"nme-data {error.code}"}
            if error.path and error.code != "descriptor-not-found":  # no file to annotate
                properties["file"] = _file_name(root / error.path, workdir) if workdir is not None else error.path
            line = error.line if error.line is not None else error.row
            if line is not None and error.path and error.path != "datapackage.json":
                properties["line"] = str(line)
            text = f"{error.location()}: {error.message}"
            if error.hint:
                text += f" Hint: {error.hint}"
            rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in sorted(properties.items()))
            lines.append(f"::error {rendered}::{_escape_data(text)}")
        title = "::warning title=nme-data errors not listed::"
        lines.extend(f"{title}{_escape_data(line)}" for line in self.omitted_lines())
        lines.append(self.summary())
        return escape_surrogates("\n".join(lines))

    def header(self) -> str:
        """The first line of a report for people: which copy was checked (path and version)."""
        return copy_header(self.package, self.version)

    def engine_line(self) -> str | None:
        """Which tier proved a valid verdict, in words; None for an invalid one, whose text report is
        exactly what it was before tier 1 existed (the JSON report always names the tier)."""
        tier = (self.engine or {}).get("tier") if not self.errors else None
        if tier == 1:
            return "checked by: tier 1 (vectorised proof; frictionless not needed) and the semantic rules"
        if tier == 2:
            read = (self.engine or {}).get("frictionless_tables")
            if isinstance(read, list) and read and set(read) < set(self.tables_checked):
                tables = ", ".join(map(str, read))
                return f"checked by: tier 1, tier 2 (frictionless) on {tables}, and the semantic rules"
            return "checked by: tier 2 (frictionless) and the semantic rules"
        return None

    def to_text(self) -> str:
        lines = [self.header()]
        for error in self.sorted_errors():
            lines.append(f"{error.location()}: [{error.code}] {error.message}")
            if error.hint:
                lines.append(f"  hint: {error.hint}")
        lines.extend(self.omitted_lines())
        if self.engine_line():
            lines.append(str(self.engine_line()))
        lines.append(self.summary())
        return escape_surrogates("\n".join(lines))

    def render(self, fmt: str, encoding: str | None, workdir: str | Path | None = None) -> str:
        """The report as text, JSON or GitHub commands that the output's encoding can write: what it cannot
        encode is backslash-escaped in text and GitHub commands, JSON-escaped in JSON."""
        if fmt == "json":
            text = self.to_json()
        elif fmt == "github":
            text = self.to_github(workdir)
        else:
            text = self.to_text()
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


def usage_report(message: str, code: str = "usage-error", package: str = "") -> Report:
    """A report of one error that stopped the check before it began (a wrong command line, a missing path,
    a validator that crashed), so that a machine reading JSON or GitHub commands still gets one document."""
    path = "datapackage.json" if code == "descriptor-not-found" else None
    return Report(package=package, errors=[Finding(None, None, None, code, message, path=path)])


def sorted_omitted(omitted: dict[Key, int]) -> list[tuple[Key, int]]:
    """The not-listed counts in a stable order (table, then code)."""
    return sorted(omitted.items(), key=lambda item: (str(item[0][0] or ""), item[0][1]))


def _count(number: int) -> str:
    return f"{number} error" if number == 1 else f"{number} errors"


def _file_name(path: Path, workdir: str | Path) -> str:
    """The path as GitHub expects it: relative to the checkout, forward slashes."""
    try:
        return Path(os.path.relpath(path.absolute(), Path(workdir).absolute())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _escape_data(text: str) -> str:
    """Workflow-command message escaping, as GitHub's toolkit does it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """Property escaping: the message rules plus ':' and ',', which delimit properties."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
