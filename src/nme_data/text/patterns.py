"""`pattern` constraints, run by RE2 in linear time instead of by Python's backtracking `re`.

frictionless evaluates `pattern` with `re`, where a pattern such as `^(a+)+$` meets a cell of
`aaaa...!` and never returns. The spec layer therefore takes every pattern out of the descriptor
before frictionless sees it and checks the cells itself with RE2 (google-re2), which has no
backtracking. A pattern RE2 cannot run (a backreference, a look-around) or that is not a regular
expression at all is reported for its table and field and not evaluated: the copy stays invalid.

Patterns match the whole cell, as the Table Schema spec says: `(?:pattern)` anchored at both ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from nme_data.errors import Finding

#: Longer patterns are refused unread: no schema needs one, and RE2's compile cost grows with length.
MAX_PATTERN_LENGTH = 1000
#: Memory RE2 may use for one compiled pattern (its default is 8 MiB); past it, compilation fails.
RE2_MAX_MEMORY = 8 * 1024 * 1024

Matcher = Callable[[str], bool]


def compile_linear(pattern: str) -> Matcher:
    """A whole-cell matcher for pattern, in linear time; raises ValueError if RE2 cannot run it."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print parse errors on stderr; they are reported instead
    options.never_capture = True
    options.max_mem = RE2_MAX_MEMORY
    wrapped = f"(?:{pattern})"
    low_level = getattr(getattr(re2, "_re2", None), "RE2", None)
    if low_level is not None and hasattr(low_level, "Anchor"):  # the binding's fast path: no Match objects
        compiled = low_level(wrapped.encode("utf-8", "surrogatepass"), options)
        if not compiled.ok():
            raise ValueError(compiled.error().decode("utf-8", "replace"))
        both = low_level.Anchor.ANCHOR_BOTH
        miss = (-1, -1)

        def matches(cell: str) -> bool:
            data = cell.encode("utf-8", "surrogatepass")
            return bool(compiled.Match(both, data, 0, len(data))[0] != miss)

        return matches
    try:
        public = re2.compile(wrapped, options)
    except re2.error as exc:
        raise ValueError(str(exc)) from None
    return lambda cell: public.fullmatch(cell) is not None


def vet_patterns(descriptor: dict[str, Any]) -> tuple[list[Finding], dict[tuple[str, str], tuple[str, Matcher]]]:
    """Remove every `pattern` constraint from the descriptor (in place); return the problems and,
    for the patterns RE2 can run, a matcher per (resource name, field name)."""
    problems: list[Finding] = []
    matchers: dict[tuple[str, str], tuple[str, Matcher]] = {}
    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(resource, dict) or not isinstance(resource.get("schema"), dict):
            continue
        table = resource["name"] if isinstance(resource.get("name"), str) else f"resource-{index + 1}"
        fields = resource["schema"].get("fields")
        for spec in fields if isinstance(fields, list) else []:
            constraints = spec.get("constraints") if isinstance(spec, dict) else None
            if not isinstance(constraints, dict) or "pattern" not in constraints:
                continue
            pattern = constraints.pop("pattern")
            name = spec.get("name") if isinstance(spec.get("name"), str) else None
            problem = _problem(pattern)
            if problem:
                code, message = problem
                problems.append(Finding(table, None, name, code, message))
                continue
            try:
                matcher = compile_linear(pattern)
            except ValueError as exc:
                problems.append(Finding(table, None, name, *_refusal(pattern, str(exc))))
                continue
            if name is not None:
                matchers[(table, name)] = (pattern, matcher)
    return problems, matchers


def _problem(pattern: Any) -> tuple[str, str] | None:
    if not isinstance(pattern, str):
        return "field-error", f"pattern must be a string, not {type(pattern).__name__}"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return (
            "unsupported-feature",
            f"pattern of {len(pattern)} characters is longer than the {MAX_PATTERN_LENGTH} this validator evaluates",
        )
    return None


def _refusal(pattern: str, reason: str) -> tuple[str, str]:
    """An invalid regular expression is a field error; a valid one RE2 cannot run is unsupported."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        return "field-error", f"pattern {pattern!r} is not a valid regular expression: {exc}"
    return (
        "unsupported-feature",
        f"pattern {pattern!r} needs backtracking (e.g. a backreference or look-around), which this validator "
        f"does not run: {reason}",
    )
