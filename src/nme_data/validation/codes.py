"""The code catalogue: every stable code a report can carry, with its layer, meaning and an example.

Generated, not written twice: the codes rules own are declared by their plug-ins (`nme_data.rules.registry`),
the codes of the other layers (the schema check, the pre-flight, the spec layer, the command line) are
declared once, below, in `OTHER_CODES`. `catalogue()` merges the two; `CODES` is that catalogue, built on
first use (the rules import pandas; this module does not) and rebuilt when the registry changes.
docs/validation.md's table of codes is generated from it (`nme_data.docs.code_catalogue`). Renaming a
code is a breaking change; a code's meaning is the message of an error that carries no message of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from nme_data.rules.base import Code

#: The spec layer's budgets, named here for the catalogue (nme_data.validation.spec and .sandbox use them):
#: wall-clock time is a base plus an allowance per MiB of table files, so that a large honest package
#: (frictionless reads about 1 MiB in 0.3 s here) is never stopped, while a hang still ends.
SPEC_TIMEOUT_SECONDS = 60
SPEC_SECONDS_PER_MIB = 2
SPEC_MEMORY_GIB = 2

#: The layers, in the order a copy meets them (the catalogue and its docs are listed in this order).
LAYERS = ("schema", "preflight", "spec", "profile", "semantic", "cli")

#: The codes no rule owns, each declared once.
OTHER_CODES: dict[str, Code] = {
    # First of all: the copy's descriptor against the release's schema (nme_data.package.reference).
    "schema-differs": Code(
        "schema",
        "The copy's datapackage.json differs from the installed release's schema at one JSON path (the "
        "error's value); the message gives both values. Only version, created, contributors and sources may differ. "
        "No other check runs on such a copy; `nme-data adopt` gives it the release's schema.",
        "an enum value added at /resources/3/schema/fields/2/constraints/enum",
    ),
    # Pre-flight: the descriptor and the raw bytes, before any parser sees them (package, validation.preflight).
    "descriptor-not-found": Code(
        "preflight",
        "The path holds no datapackage.json (or does not exist): the input is unusable, exit 2, as a usage error.",
        "nme-data validate /tmp/empty-dir",
    ),
    "descriptor-invalid-json": Code("preflight", "datapackage.json is not valid UTF-8 JSON.", "a trailing comma"),
    "descriptor-invalid": Code(
        "preflight", "The descriptor is not a JSON object, or a resource is malformed.", "resources is a string"
    ),
    "unsafe-path": Code(
        "preflight",
        "A path, schema, dialect, profile or snapshot path is not a regular file inside the package: a URL "
        "(in any spelling), an absolute path, '..', a backslash, a symlink leaving the package or looping, "
        "a FIFO, device or directory, a control character or an over-long name. It is never opened.",
        '"path": "../../etc/passwd"',
    ),
    "unsupported-feature": Code(
        "preflight",
        "The descriptor uses a feature outside the one form this validator reads (CSV files in the package, "
        "UTF-8, comma-delimited, one header row, standard profiles), or a pattern only a backtracking engine "
        "can run; the message names resource and property.",
        '"dialect": {"delimiter": ";"}',
    ),
    "descriptor-too-large": Code(
        "preflight",
        "datapackage.json (or a schema or dialect file it names) exceeds a budget: size, nesting depth "
        "or digits in a number (see Limits).",
        "an integer of 5000 digits",
    ),
    "header-order": Code(
        "preflight",
        "The header has exactly the schema's fields but in another order; the message gives the expected "
        "order. The table's rows are not checked until it is fixed.",
        "two columns swapped",
    ),
    "header-too-wide": Code(
        "preflight", "The header row has more columns or bytes than the budget (see Limits).", "100,000 columns"
    ),
    "too-many-rows": Code("preflight", "A table has more data rows than the budget (see Limits).", "2 million rows"),
    "cell-too-large": Code(
        "preflight", "A cell is longer than the budget (see Limits); the table is not parsed further.", "a 5 MB cell"
    ),
    "file-too-large": Code(
        "preflight",
        "A table or source snapshot file is larger than the budget (see Limits); it is not read.",
        "a 1 GB snapshot",
    ),
    "file-not-found": Code("preflight", "A resource's file does not exist.", "data/sites.csv deleted"),
    "empty-file": Code("preflight", "A resource's file is empty (not even a header row).", "a 0-byte sites.csv"),
    "nul-byte": Code("preflight", "A NUL byte in a text file; row is the line it is on.", "binary pasted into a cell"),
    "encoding-error": Code(
        "preflight",
        "Bytes that are not valid UTF-8; row is the line they are on, the message and hint name the likely "
        "encoding (cp1252, latin-1, utf-16) and the 'nme-data fmt --encoding' that converts it.",
        "a cell saved as Latin-1",
    ),
    "wrong-delimiter": Code(
        "preflight",
        "A table whose header splits into the schema's fields with another delimiter (';', tab, '|'): one error "
        "per table, naming it, instead of one per label; 'nme-data fmt --delimiter' converts it.",
        "sites.csv saved by a spreadsheet with ';'",
    ),
    # Spec layer: frictionless' error types, passed through (the common ones; tier 1 reports the same);
    # `foreign-key` is the foreign_keys rule's, which checks it on typed frames too.
    "type-error": Code("spec", "A cell cannot be read as its field's type.", 'year "nineteen"'),
    "constraint-error": Code(
        "spec", "A cell breaks a constraint: required, enum, pattern, length, range.", 'prominence "often"'
    ),
    "primary-key": Code("spec", "Two rows share a primary key.", "two rows with id nme"),
    "unique-error": Code(
        "spec", "Two rows share a value in a unique field.", "a repeated value in a unique non-key field"
    ),
    "blank-row": Code("spec", "A row with no values.", "an empty line in the middle"),
    "extra-cell": Code("spec", "A row with more cells than the header.", "an unquoted comma"),
    "missing-cell": Code("spec", "A row with fewer cells than the header.", "a truncated row"),
    # The header, checked by the pre-flight under frictionless' names.
    "extra-label": Code(
        "preflight",
        "A header column with no schema field (field names it): add the field to datapackage.json or drop the column.",
        "a column 'notes' added",
    ),
    "missing-label": Code(
        "preflight",
        "A schema field with no header column: add the column or remove the field from datapackage.json.",
        "column 'evidence' deleted",
    ),
    "incorrect-label": Code(
        "preflight",
        "A header label that differs from the schema's field name at that position (labels compare exactly).",
        "a column renamed, or ' id' with a space",
    ),
    "duplicate-label": Code("preflight", "The same label twice in the header.", "two 'id' columns"),
    "blank-label": Code("preflight", "An empty header label.", "a trailing comma in the header"),
    # The spec layer's refusals of a file or a descriptor.
    "source-error": Code("spec", "The file cannot be parsed as CSV.", "an unbalanced quote"),
    "scheme-error": Code("spec", "The file cannot be opened.", "a path that is a directory"),
    "format-error": Code("spec", "The file is not in the declared format.", "format: xlsx for a CSV"),
    "package-error": Code("spec", "The descriptor breaks the Data Package spec.", "a resource without a name"),
    "resource-error": Code("spec", "A resource breaks the Data Resource spec.", "a resource without a path"),
    "schema-error": Code("spec", "A Table Schema is invalid.", "a field without a name"),
    "field-error": Code("spec", "A field definition is invalid.", 'type "strnig"'),
    "general-error": Code("spec", "Any other error frictionless reports.", ""),
    # Any layer: a check that could not run; a spec layer stopped by its budget.
    "check-error": Code("semantic", "A check could not run on this table; the cause is in the message.", ""),
    "budget-exceeded": Code(
        "spec",
        f"The spec layer went past its time ({SPEC_TIMEOUT_SECONDS} s plus {SPEC_SECONDS_PER_MIB} s per MiB of "
        f"table files) or memory ({SPEC_MEMORY_GIB} GiB) budget and was stopped, or frictionless stopped a table at "
        "its error limit (see `--max-errors`).",
        "a table so wide that frictionless takes minutes",
    ),
    # The command line: a JSON or GitHub report even when the command itself was misused.
    "usage-error": Code(
        "cli", "The command line was wrong (exit 2); nothing was validated.", "validate A B --format json"
    ),
}


def catalogue() -> dict[str, Code]:
    """Every code: `OTHER_CODES` and the registered rules' codes, by layer (`LAYERS`), each layer's codes in
    declaration order (other layers' first, then the rules' in the order they run). A code declared twice
    is a programming error."""
    from nme_data.rules.registry import codes

    rules = codes()
    twice = sorted(set(rules) & set(OTHER_CODES))
    if twice:
        raise ValueError(f"codes declared by a rule and in OTHER_CODES: {', '.join(twice)}")
    merged = {**OTHER_CODES, **rules}
    order = {layer: number for number, layer in enumerate(LAYERS)}
    return dict(sorted(merged.items(), key=lambda item: order.get(item[1].layer, len(LAYERS))))


class Catalogue(Mapping[str, Code]):
    """`catalogue()` as a read-only mapping, built on first use and again whenever the registry changes."""

    def __init__(self) -> None:
        self._codes: dict[str, Code] | None = None
        self._generation = -1

    def _current(self) -> dict[str, Code]:
        from nme_data.rules.registry import generation

        if self._codes is None or self._generation != generation():
            self._generation = generation()
            self._codes = catalogue()
        return self._codes

    def __getitem__(self, code: str) -> Code:
        return self._current()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def __contains__(self, code: object) -> bool:
        return code in self._current()

    def __repr__(self) -> str:
        return f"Catalogue({len(self)} codes)"


#: The code catalogue used by reports, hints, the JSON output and the docs.
CODES: Mapping[str, Code] = Catalogue()

__all__ = [
    "CODES",
    "LAYERS",
    "OTHER_CODES",
    "SPEC_MEMORY_GIB",
    "SPEC_SECONDS_PER_MIB",
    "SPEC_TIMEOUT_SECONDS",
    "Catalogue",
    "Code",
    "catalogue",
]
