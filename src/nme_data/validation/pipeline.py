"""The validation pipeline: every step `validate()` takes, in order, one small function each.

Why one module: the steps used to be spread over `validate`, tier 1's thread (which hid the frictionless
fallback) and the cache around them. Here they read top to bottom:

1. `open_copy`: the package model opens the copy (a copy it cannot open is that one error);
2. `schema_check`: the copy's datapackage.json against the release's (`schema-differs`); a copy with
   another schema is judged by nothing else;
3. `preflight`: bytes, budgets and headers, before any parser runs;
4. `profile`: the tool-owned profile's descriptor rules;
5. `start_spec_layer`: tier 1 (a vectorised proof, table by table, that frictionless would find nothing),
   and frictionless (`spec`, in its worker) only on the tables tier 1 cannot prove; both in a thread beside
6. `semantic_rules`: the rules Table Schema cannot express;
7. `spec_verdict`: tier 1's answer and frictionless' errors, when they are in;

then `finish`: one error per bad cell, the cap (`max_errors`), and the hints (file, line, value).

Each step is given the one `Run` and returns whether the next may run. A step that breaks is reported
as a located `check-error`, never a traceback, with what the earlier steps found kept. The verdict
cache (`validation.cache`) and the one refusal (`validation.gate.require_valid`) sit around this, not in it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nme_data.package import DataPackage, PackageError, resolve_descriptor
from nme_data.validation.errors import Finding
from nme_data.validation.report import ErrorCap, Report

if TYPE_CHECKING:
    from nme_data.validation.preflight import Preflight
    from nme_data.validation.spec import PendingSpec
    from nme_data.validation.tier1 import Proof

#: What the `schema-differs` hint tells a curator to run.
ADOPT_HINT = (
    "the release's schema judges every copy; run 'nme-data adopt {root}' to give this copy the release's "
    "datapackage.json (its data and its {allowed} are kept); schema changes are made in the project's own "
    "datapackage.json"
)


@dataclass
class Run:
    """One validation as it goes: what was asked, the report so far, and what each step hands the next."""

    source: str | Path | DataPackage | None
    engine: str
    cap: ErrorCap
    report: Report
    package: DataPackage | None = None
    pre: Preflight | None = None
    spec: SpecLayer | None = None
    #: What the steps read, for the hints: "original", the descriptor as the package model parsed it (for the
    #: file each error is in), "safe", the one the pre-flight let through (whose tables hints may read), and
    #: "tables", those tables of the package model by name (hints read their kept bytes).
    read: dict[str, Any] = field(default_factory=dict)


Step = Callable[[Run], bool]


def run_pipeline(source: str | Path | DataPackage | None, engine: str, max_errors: int | None) -> Report:
    """The steps in order, then `finish`; arguments are checked by `validate`, the public entry point."""
    shown = source.descriptor_path if isinstance(source, DataPackage) else source
    report = Report(package=str(shown) if shown is not None else "bundled package")
    report.engine = {"requested": engine, "tier": None, "note": None, "frictionless_tables": []}
    run = Run(source, engine, ErrorCap(max_errors), report)
    try:
        _through(run, STEPS)
    except Exception as exc:  # whatever broke, the caller gets a report that says so, never a traceback
        report.errors.append(_failure("validation could not finish", exc))
    return finish(run, max_errors)


def _through(run: Run, steps: tuple[Step, ...]) -> None:
    try:
        for step in steps:
            if not step(run):
                return
    finally:
        if run.spec is not None:  # started, and a later step broke: its verdict is still collected
            spec_verdict(run)


# ---- 1. open the copy -------------------------------------------------------------------------------


def open_copy(run: Run) -> bool:
    """The package model's view of the copy; a copy it cannot open is reported as that one error."""
    if isinstance(run.source, DataPackage):
        run.package = run.source
        run.report.package = str(run.package.descriptor_path.absolute())
    else:
        path = resolve_descriptor(run.source, must_exist=False).absolute()
        run.report.package = str(path)
        try:
            run.package = DataPackage.open(path)
        except PackageError as exc:
            run.report.errors.append(Finding(None, None, None, exc.code, exc.message))
            return False
    run.read["original"] = run.package.descriptor
    run.report.version = run.package.version
    return True


# ---- 2. the release's schema ------------------------------------------------------------------------


def schema_check(run: Run) -> bool:
    """Judged by the release's schema only: a copy with a schema of its own is refused before anything runs."""
    assert run.package is not None
    differs = schema_differences(run.package)
    run.report.errors.extend(differs)
    return not differs


def schema_differences(package: DataPackage) -> list[Finding]:
    """One `schema-differs` finding per place the copy's descriptor differs from the release's
    (`nme_data.package.reference`); nothing but the two parsed descriptors is read."""
    from nme_data.package.reference import ALLOWED_METADATA, differences, reference_descriptor

    try:
        release = reference_descriptor()
    except (OSError, PackageError) as exc:
        message = f"the release's schema cannot be read, so no copy can be judged: {exc}"
        return [Finding(None, None, None, "check-error", message)]
    hint = ADOPT_HINT.format(root=package.root, allowed=", ".join(ALLOWED_METADATA))
    return [
        Finding(d.table, None, d.field, "schema-differs", d.message(), value=d.pointer, hint=hint)
        for d in differences(release, package.descriptor)
    ]


# ---- 3. the pre-flight ------------------------------------------------------------------------------


def preflight(run: Run) -> bool:
    """Bytes, budgets and headers of each table the model found sound; damaged ones are kept from the rest."""
    from nme_data.validation.preflight import run_preflight

    assert run.package is not None
    run.pre = run_preflight(run.package)
    run.report.tables_checked = run.pre.table_names
    run.report.errors.extend(run.pre.errors)
    return True


# ---- 4. the profile ---------------------------------------------------------------------------------


def profile(run: Run) -> bool:
    """The tool-owned profile's descriptor rules; a crash is a located check-error, and the steps go on."""
    assert run.package is not None
    assert run.pre is not None
    try:
        run.report.errors.extend(profile_errors(run.package))
    except Exception as exc:
        run.report.errors.append(_failure("the profile checks could not finish", exc))
    if run.pre.descriptor is None:  # no table is fit to read: nothing more to check
        return False
    run.read["safe"] = run.pre.descriptor
    run.read["tables"] = {table.name: table for table in run.pre.tables}  # hints read these kept bytes
    return True


def profile_errors(package: DataPackage) -> list[Finding]:
    """The tool-owned profile's descriptor rules (nme_data.rules.profile): whatever the copy declares."""
    from nme_data.rules.profile import descriptor_violations, table_field_violations

    found = descriptor_violations(package.descriptor)
    for table in package.sound_tables.values():
        found.extend(table_field_violations(table))
    refused = {p.table for p in package.problems if p.table is not None}  # reported once, by the model
    return [finding for finding in found if finding.table not in refused]


# ---- 5. tier 1, and frictionless on the tables tier 1 cannot prove (beside the rules) ---------------


def start_spec_layer(run: Run) -> bool:
    """Tier 1 starts beside the semantic rules (pyarrow works without the GIL), or at once for small tables."""
    assert run.pre is not None
    run.spec = SpecLayer(run.pre, run.engine, run.cap.limit).start()
    return True


def tier_one(pre: Preflight, engine: str) -> Proof:
    """Which tables tier 1 proves frictionless would report nothing in, and why it cannot tell for the rest."""
    from nme_data.validation import tier1

    return tier1.prove_tables(pre) if engine == "auto" else tier1.Proof("--engine frictionless")


def frictionless(pre: Preflight, max_errors: int | None, tables: tuple[str, ...] | None = None) -> PendingSpec:
    """frictionless in its worker (or in this process under NME_DATA_SERIAL): tier 2, the full spec check,
    on the named tables only (None: all), each still read against the whole package (its foreign keys)."""
    from nme_data.validation.spec import start_spec

    assert pre.descriptor is not None
    return start_spec(pre.descriptor, pre.root, max_errors, tables)


def checked_by_frictionless(pre: Preflight, proof: Proof) -> list[str]:
    """The tables frictionless reads for this proof, in the descriptor's order (none when all are proved)."""
    if proof.proved or pre.descriptor is None:
        return []
    if proof.undecided is not None:
        return list(proof.undecided)
    resources = pre.descriptor.get("resources")
    names = (r.get("name") for r in resources if isinstance(r, dict)) if isinstance(resources, list) else ()
    return [name for name in names if isinstance(name, str)]


class SpecLayer:
    """Tier 1, then frictionless' worker at once on the tables tier 1 cannot prove; in a thread for large
    tables, so both overlap the semantic rules. A proved table: frictionless would report nothing in it, so
    it is not read again, and the report is the same without it."""

    def __init__(self, pre: Preflight, engine: str, max_errors: int | None) -> None:
        from nme_data.validation.tier1 import Proof

        self.pre, self.engine, self.max_errors = pre, engine, max_errors
        self.proof: Proof = Proof("tier 1 did not run")
        self.pending: PendingSpec | None = None
        self._thread = threading.Thread(target=self._run, name="nme-data tier 1", daemon=True)

    def start(self) -> SpecLayer:
        """A copy of small tables is decided at once, here, before the semantic rules import pandas: an
        invalid one then starts frictionless as early as before tier 1; large ones in the thread."""
        from nme_data.validation.tier1 import room_for_both
        from nme_data.validation.tier1_ops import ARROW_FROM_BYTES

        try:  # the bytes the pre-flight read (kept by the package model): no file is opened again
            sizes = [len(table.read_bytes()) for table in self.pre.tables]
        except (OSError, PackageError):
            sizes = [ARROW_FROM_BYTES]
        if all(size < ARROW_FROM_BYTES for size in sizes) or not room_for_both(sum(sizes)):
            self._run()  # small: at once; large under a memory limit: one after the other, not side by side
        else:
            self._thread.start()
        return self

    def _run(self) -> None:
        from nme_data.validation.spec import in_process
        from nme_data.validation.tier1 import Proof

        try:
            self.proof = tier_one(self.pre, self.engine)
            if self.needs_frictionless and not in_process():  # the worker starts now, beside the semantic rules
                self.pending = frictionless(self.pre, self.max_errors, self.proof.undecided)
        except BaseException as exc:  # the caller always gets a result, never a silent pass
            from nme_data.validation.spec import failure_spec

            self.proof = Proof(self.proof.why or "tier 1 failed")
            self.pending = failure_spec(exc)

    @property
    def why(self) -> str | None:
        """Why tier 1 could not prove every table (None: it did)."""
        return self.proof.why

    @property
    def needs_frictionless(self) -> bool:
        return not self.proof.proved and self.pre.descriptor is not None

    def result(self) -> tuple[str | None, list[Finding]]:
        """Why tier 1 could not decide (None: proved), and frictionless' errors (none when proved).

        frictionless in this process (NME_DATA_SERIAL) runs here, in the caller's thread, after the
        semantic rules: never two csv readers at once (the csv module's cell limit is process-wide)."""
        if self._thread.ident is not None:
            self._thread.join()
        if self.pending is None:
            if not self.needs_frictionless:
                return self.why, []
            return self.why, frictionless(self.pre, self.max_errors, self.proof.undecided).result()
        return self.why, self.pending.result()


# ---- 6. the semantic rules --------------------------------------------------------------------------


def semantic_rules(run: Run) -> bool:
    """The rules Table Schema cannot express, on the tables the pre-flight let through."""
    from nme_data.validation.semantic import validate_semantics

    assert run.package is not None
    assert run.pre is not None
    try:
        run.report.errors.extend(validate_semantics(run.package, run.pre.tables, run.cap))
    except Exception as exc:
        run.report.errors.append(_failure("semantic checks could not finish", exc))
    return True


# ---- 7. the spec layer's verdict --------------------------------------------------------------------


def spec_verdict(run: Run) -> bool:
    """Tier 1's answer (`report.engine`) and frictionless' errors, waited for once."""
    spec, run.spec = run.spec, None
    if spec is None:
        return True
    why, errors = spec.result()
    tables = checked_by_frictionless(spec.pre, spec.proof)
    engine = {"tier": 1 if why is None else 2, "note": why, "frictionless_tables": tables}
    run.report.engine = {**(run.report.engine or {}), **engine}
    run.report.errors.extend(errors)
    return True


#: The steps, in the order they run.
STEPS: tuple[Step, ...] = (
    open_copy,
    schema_check,
    preflight,
    profile,
    start_spec_layer,
    semantic_rules,
    spec_verdict,
)


# ---- then: one error per cell, the cap, the hints ---------------------------------------------------


def finish(run: Run, max_errors: int | None) -> Report:
    """Every exit's last steps: one error per bad cell, the cap, then the hints (which read files for each
    listed error, so they come after the cap)."""
    report = run.report
    report.errors = without_profile_twins(report.errors)
    report.cap(max_errors, run.cap.omitted)
    return with_hints(report, run.read)


def without_profile_twins(errors: list[Finding]) -> list[Finding]:
    """An id the copy's own pattern already refused (constraint-error) is not reported again as
    profile-unsafe-value: one bad cell, one error. The profile's error stands wherever the copy's
    schema let the value through."""
    refused = {(e.table, e.row, e.field) for e in errors if e.code == "constraint-error"}
    return [e for e in errors if not (e.code == "profile-unsafe-value" and (e.table, e.row, e.field) in refused)]


def with_hints(report: Report, read: dict[str, Any]) -> Report:
    """File, line, value and hint on each error (validation.hints), as a courtesy that can never cost the
    report itself."""
    try:
        from nme_data.validation.hints import add_hints

        report.errors = add_hints(
            report.errors, Path(report.package), read.get("safe"), read.get("original"), read.get("tables")
        )
    except Exception:  # noqa: S110 - the errors stand without their hints
        pass
    return report


def _failure(what: str, exc: BaseException) -> Finding:
    from nme_data.validation.spec_worker import failure

    return failure(None, what, exc)
