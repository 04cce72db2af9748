"""`nme-data init`: start an editable copy of the package, complete or not at all."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nme_data.curate._common import CurateError
from nme_data.package import DESCRIPTOR_NAME, DataPackage, bundled_root

#: What a copy needs besides the descriptor: the tables and the article snapshot they quote.
PACKAGE_DIRS = ("data", "source")


def _copy_tree(source: Path, target: Path) -> None:
    """Copy file contents only: installed files may be read-only, a curator's copy must be editable."""
    target.mkdir()
    for item in sorted(source.iterdir()):
        if item.is_symlink():
            continue  # the bundled copy has none; a link would point outside the new copy
        if item.is_dir():
            _copy_tree(item, target / item.name)
        elif item.is_file() and not item.name.startswith("."):
            shutil.copyfile(item, target / item.name)


def init_copy(target: str | Path, source: str | Path | None = None) -> Path:
    """Copy the package (default: the bundled one) into `target`, which must be missing or an empty directory.

    The copy is assembled in a temporary directory beside `target` and renamed into place, so an
    interrupted init leaves no partial copy. Returns the new copy's descriptor.
    """
    origin = DataPackage.open(source).root if source is not None else bundled_root()
    target = Path(target)
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise CurateError(f"{target} exists and is not a directory")
        if any(target.iterdir()):
            raise CurateError(f"{target} is not empty; choose a new or empty directory")
    parent = target.absolute().parent
    if parent.exists() and not parent.is_dir():
        raise CurateError(f"{parent} is not a directory")
    parent.mkdir(parents=True, exist_ok=True)  # like `git init a/b`
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".init"))
    try:
        shutil.copyfile(origin / DESCRIPTOR_NAME, staging / DESCRIPTOR_NAME)
        for name in PACKAGE_DIRS:
            if (origin / name).is_dir():
                _copy_tree(origin / name, staging / name)
        staging.chmod((staging / "data").stat().st_mode & 0o777)  # mkdtemp's is owner-only; mkdir's follows umask
        if target.is_dir():
            target.rmdir()  # empty, checked above
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / DESCRIPTOR_NAME
