"""Each export format is declared once (`registry.EXPORTERS`, plus the zip): the writers `export` runs, the
folders of the release zip and the CLI's `--format` help are all read from those declarations (#30)."""

from __future__ import annotations

import click
import pytest

from nme_data.cli import main
from nme_data.export import archive, formats, registry


def test_the_writers_are_the_declared_formats_and_the_zip() -> None:
    assert list(registry.FILE_WRITERS) == [e.name for e in registry.EXPORTERS]
    assert list(formats.WRITERS) == [*(e.name for e in registry.EXPORTERS), formats.ZIP.name]
    assert (*formats.WRITERS, "all") == formats.FORMATS
    assert all(formats.WRITERS[e.name] is e.writer for e in (*registry.EXPORTERS, formats.ZIP))


def test_the_zip_carries_every_format_that_declares_a_folder() -> None:
    declared = {e.name: e.zip_folder for e in registry.EXPORTERS if e.zip_folder is not None}
    assert declared == archive.ZIP_FORMATS
    assert set(declared) == set(registry.FILE_WRITERS), "every file format travels in the release zip"
    assert declared["croissant"] == "", "croissant describes the package: it sits at the zip's root"


@pytest.mark.parametrize("exporter", [*registry.EXPORTERS, formats.ZIP], ids=lambda e: e.name)
def test_the_cli_help_names_each_format_with_its_declared_text(exporter: registry.Exporter) -> None:
    command = main.commands["export"]
    [option] = [p for p in command.params if p.name == "fmt"]
    assert isinstance(option, click.Option)
    assert f"{exporter.name}: {exporter.help}" in (option.help or "")
    assert isinstance(option.type, click.Choice)
    assert exporter.name in option.type.choices
