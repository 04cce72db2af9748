"""The `nme-data` command: a thin click layer over the library.

Only click and the standard library load at start-up; each command imports what it needs.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from nme_data._package import DataPackage, PackageError, UnknownTableError

PATH_ARGUMENT = click.Path(exists=True, path_type=Path)


def _version() -> str:
    try:
        return DataPackage.open().version
    except PackageError:
        return "unknown"


def _open(source: Path | None) -> DataPackage:
    try:
        return DataPackage.open(source)
    except PackageError as exc:
        raise click.UsageError(str(exc)) from None


@contextmanager
def _readable() -> Iterator[None]:
    """Turn a damaged copy's read errors into a one-line message (exit 1), never a traceback."""
    try:
        yield
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, PackageError) as exc:
        raise click.ClickException(f"{exc} (run 'nme-data validate' on the package for every error)") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=_version(), prog_name="nme-data", message="%(prog)s %(version)s")
def main() -> None:
    """Necrolytic migratory erythema as validated tables: list, show, validate and export them."""


@main.command()
@click.argument("path", required=False, type=PATH_ARGUMENT)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json prints exactly one JSON document on stdout.",
)
@click.option("--no-cache", is_flag=True, help="Validate afresh: neither read nor store the verdict for this copy.")
def validate(path: Path | None, fmt: str, no_cache: bool) -> None:
    """Check a package copy against the Frictionless spec and the semantic rules.

    PATH is a directory holding datapackage.json, or that file (default: the bundled package).
    Exits 0 when valid, 1 when invalid, 2 on a usage error. The verdict on an unchanged copy (same
    bytes in every file, same validator) is reused from the user's cache directory unless --no-cache.
    """
    from nme_data.validation import validate as run

    if no_cache:
        report = run(path)
    else:
        from nme_data.validation.cache import validate as cached

        report = cached(path, run)
    click.echo(report.render(fmt, getattr(sys.stdout, "encoding", None)))
    sys.exit(0 if report.valid else 1)


@main.command()
@click.option("--source", type=PATH_ARGUMENT, help="Another copy of the package (directory or descriptor).")
def tables(source: Path | None) -> None:
    """List the tables with their row counts and descriptions."""
    package = _open(source)
    with _readable():
        width = max((len(name) for name in package.tables), default=0)
    for table in package.tables.values():
        with _readable():
            rows = table.count_rows()
        click.echo(f"{table.name:<{width}}  {rows:>5} rows  {table.description}")


@main.command()
@click.argument("table")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--source", type=PATH_ARGUMENT, help="Another copy of the package (directory or descriptor).")
def show(table: str, fmt: str, source: Path | None) -> None:
    """Print TABLE as an aligned table, CSV or JSON records."""
    package = _open(source)
    try:
        package.table(table)
    except UnknownTableError as exc:
        raise click.BadParameter(str(exc), param_hint="TABLE") from None
    except PackageError as exc:  # a table the package model refuses: the validator's message
        raise click.ClickException(str(exc)) from None
    from nme_data.loader import read_table

    with _readable():
        frame = read_table(package.table(table))
    if fmt == "csv":
        click.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso"))
    else:
        import pandas as pd

        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
        ):
            click.echo(frame.to_string(index=False))


@main.command("docs")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs") / "data-dictionary.md",
    show_default=True,
    help="Where to write the Markdown data dictionary (relative to the current directory).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file differs from what would be generated.")
@click.option("--source", type=PATH_ARGUMENT, help="Another copy of the package (directory or descriptor).")
def docs_command(out: Path, check: bool, source: Path | None) -> None:
    """Generate the data dictionary from datapackage.json, or check that the committed one is current."""
    from nme_data.docs import data_dictionary

    package = _open(source)
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sqlite", "parquet", "zip"]),
    required=True,
    help="sqlite: one database with keys (Datasette); parquet: one file per table; zip: the package as published.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write into; created if missing, existing exports in it are replaced.",
)
@click.option("--source", type=PATH_ARGUMENT, help="Another copy of the package (directory or descriptor).")
def export_command(fmt: str, out: Path, source: Path | None) -> None:
    """Export the tables as SQLite or Parquet, or the whole package as a reproducible zip; print the files written."""
    from nme_data.export import ExportError, export_parquet, export_sqlite, export_zip

    package = _open(source)
    try:
        if fmt == "sqlite":
            written = [export_sqlite(package, out)]
        elif fmt == "parquet":
            written = export_parquet(package, out)
        else:
            written = [export_zip(package, out)]
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(str(path))
