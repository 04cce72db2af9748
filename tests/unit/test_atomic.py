"""The one atomic write (nme_data.package.atomic): the whole file or nothing, and no temporary file left."""

from __future__ import annotations

from pathlib import Path

import pytest

from nme_data.package.atomic import atomic_target, atomic_write


@pytest.mark.parametrize("existed", [True, False])
def test_a_failed_write_leaves_the_target_as_it_was(tmp_path: Path, existed: bool) -> None:
    target = tmp_path / "table.csv"
    if existed:
        target.write_bytes(b"old\n")

    def write_half() -> None:
        with atomic_target(target) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("the writer failed")

    with pytest.raises(RuntimeError, match="the writer failed"):
        write_half()
    assert target.exists() is existed
    if existed:
        assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == (["table.csv"] if existed else [])


@pytest.mark.parametrize(("mode", "expected"), [(None, 0o640), (0o600, 0o600), (0o644, 0o644)])
def test_a_write_replaces_the_file_with_its_mode(tmp_path: Path, mode: int | None, expected: int) -> None:
    target = tmp_path / "table.csv"
    target.write_bytes(b"old\n")
    target.chmod(0o640)  # without a mode the file keeps the old one's permissions
    atomic_write(target, b"new\n", mode)
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o7777 == expected
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]
