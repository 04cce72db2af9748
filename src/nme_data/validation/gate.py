"""Validate, then refuse: the one `require_valid` that `load`, `show`, `export`, `site` and `diff` all use.

Why one: each entry point used to validate and refuse in its own way (some through the verdict cache,
some not), so one copy could cost a full validation per command. Here the verdict always comes through
the validation cache (`nme_data.validation.cache`): a repeat on unchanged bytes costs a hash of the
files, and every entry point gives the one verdict of `validate()`. What differs between entry points
is only a `Policy`: which errors refuse the copy (`diff` compares a copy that breaks only the semantic
rules or has another release's schema) and whether the bundled copy is trusted (`load` reads it
unvalidated: it is validated in CI and at build, so reading it stays as fast as `read_csv`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nme_data.errors import InvalidPackageError
from nme_data.package import DESCRIPTOR_NAME, DataPackage, PackageError, bundled_root
from nme_data.validation.errors import CODES, Finding
from nme_data.validation.report import Report

#: Layers whose errors leave a copy comparable: the semantic rules (they change between releases), and the
#: one schema (`schema-differs`): a copy with another schema is another release (the base branch of a pull
#: request that changes the schema, an older release), read as its own descriptor says, through the package
#: model's path gate and budgets, and compared.
COMPARABLE_LAYERS = frozenset({"semantic", "schema"})


def invalid(report: Report) -> bool:
    """Any error refuses the copy: what reading, exporting or publishing a copy needs."""
    return not report.valid


def unreadable(report: Report) -> bool:
    """Only errors that leave the copy unreadable (`blocking_errors`) refuse it: what a diff needs."""
    return bool(blocking_errors(report.errors))


def blocking_errors(errors: Sequence[Finding]) -> list[Finding]:
    """The errors that make a copy unreadable for a diff: everything but the semantic layer's and
    `schema-differs` (`COMPARABLE_LAYERS`).

    Semantic rules (evidence, identifiers against the shipped ontology snapshot, curation rules) change
    between releases, so an older release is often "invalid" under a newer validator while being a perfectly
    readable package; diff compares it and says so, rather than refusing to compare releases at all.
    """
    return [e for e in errors if e.code not in CODES or CODES[e.code].layer not in COMPARABLE_LAYERS]


@dataclass(frozen=True)
class Policy:
    """What an entry point refuses: a report `refuses` says no to, and whether the bundled copy is read
    without validation."""

    refuses: Callable[[Report], bool] = invalid
    trust_bundled: bool = False


#: load and show: any error refuses; the bundled copy is trusted.
READ = Policy(invalid, trust_bundled=True)
#: export and site: any error refuses, whichever copy it is.
PUBLISH = Policy(invalid)
#: diff: only errors that leave the copy unreadable refuse; the others are the caller's to mention.
COMPARE = Policy(unreadable)


def is_bundled(package: DataPackage) -> bool:
    """Whether this is the copy installed with the library (or the checkout it was installed from)."""
    try:
        bundled = bundled_root() / DESCRIPTOR_NAME
    except PackageError:
        return False
    return Path(package.descriptor_path).resolve() == bundled.resolve()


def require_valid(
    package: DataPackage | str | Path | None, action: str | None = None, policy: Policy = READ
) -> Report | None:
    """The copy's report, through the verdict cache; raise InvalidPackageError (carrying it) when the
    `policy` refuses the copy. `action` says what was not done ("nothing was exported"); without one, the
    message names the first error and how to see them all. None when the policy trusts the bundled copy.

    A copy the package model cannot open is validated by its path, so the report says why, in full.
    """
    if policy.trust_bundled and isinstance(package, DataPackage) and is_bundled(package):
        return None
    from nme_data.validation import cache

    report = cache.validate(package)  # keyed by, then validating, the bytes this package keeps
    if policy.refuses(report):
        raise InvalidPackageError(report, action or "nothing was read", message=None if action else _message(report))
    return report


def _message(report: Report) -> str:
    errors = report.sorted_errors()
    first = f"; first: {errors[0].location()}: [{errors[0].code}] {errors[0].message}" if errors else ""
    return (
        f"{report.package} is not a valid package ({report.summary()}{first}); run 'nme-data validate' "
        "on it for every error (in Python, validate=False reads it anyway)"
    )
