"""One verdict everywhere (#18): the library never answers from a memo, the CLI checks the copy you are in,
and `load()` refuses what `validate()` refuses."""

from __future__ import annotations

import os
from pathlib import Path

import nme_data

SNAPSHOT = Path("source") / "necrolytic-migratory-erythema.txt"


def _same_size_same_mtime_edit(path: Path) -> None:
    """Change bytes in place as `cp -p`, `rsync -t` or `touch -r` leave them: same size, same mtime."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] = ord("X") if data[len(data) // 2] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert path.stat().st_mtime_ns == info.st_mtime_ns


def test_the_library_has_no_memo_across_calls(package_copy: Path) -> None:
    assert nme_data.validate(package_copy).valid
    _same_size_same_mtime_edit(package_copy / SNAPSHOT)
    codes = {error.code for error in nme_data.validate(package_copy).errors}
    assert "source-hash-mismatch" in codes


def test_the_cli_in_one_process_has_no_memo_across_calls(package_copy: Path) -> None:
    from click.testing import CliRunner

    from nme_data.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(package_copy), "--no-cache"]).exit_code == 0
    _same_size_same_mtime_edit(package_copy / SNAPSHOT)
    second = runner.invoke(main, ["validate", str(package_copy), "--no-cache"])
    assert second.exit_code == 1
    assert "[source-hash-mismatch]" in second.output
