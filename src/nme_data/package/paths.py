"""The one gate every path-like value of a copy goes through before anything opens it.

Resource paths, schema and dialect files, profiles and the snapshot paths in sources.csv are
all judged here: first by their text (after Unicode and whitespace normalisation, so that a URL
spelled with a leading tab or full-width letters is still a URL), then by the file system with
`os.stat`-family calls only, which never open a file (opening a FIFO would block forever).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from pathlib import Path, PurePosixPath
from typing import NoReturn

from nme_data.package.errors import MissingFileError, UnsafePathError
from nme_data.package.limits import MAX_NAME_BYTES, MAX_PATH_BYTES

#: A URI scheme ("https:", "file:", "data:") or a drive letter ("C:"): any colon is refused below.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _text_reason(text: str) -> str | None:
    """Why this spelling of a path may not be used, judged on the text alone."""
    if not text:
        return "is empty"
    if text != text.strip() or any(ch.isspace() and ch != " " for ch in text):
        return "has surrounding or non-space whitespace; paths are compared exactly"
    if not text.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        return "contains a control, format or unassigned character"
    if _SCHEME.match(text) or text.startswith("//") or "://" in text:
        return "is a URL; nothing is fetched from the network"
    if ":" in text:
        return "contains ':' (a URL, drive letter or stream name); only plain relative paths are read"
    if "\\" in text:
        return "contains a backslash; use '/' between directories"
    if text.startswith("/") or text.startswith("~"):
        return "is absolute; only paths inside the package are read"
    if ".." in PurePosixPath(text).parts:
        return "climbs out of the package with '..'"
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) > MAX_PATH_BYTES:
        return f"is longer than {MAX_PATH_BYTES} bytes"
    if any(len(part.encode("utf-8", errors="surrogatepass")) > MAX_NAME_BYTES for part in text.split("/")):
        return f"has a file or directory name longer than {MAX_NAME_BYTES} bytes"
    return None


def unsafe_reason(reference: object) -> str | None:
    """Why a path-like value may not be read, judged without touching the file system; None if it may."""
    if not isinstance(reference, str):
        return f"is a {type(reference).__name__}, not a path"
    if reference.isascii():  # Unicode normalisation cannot change ASCII: one spelling to judge
        return _text_reason(reference)
    for spelling in (reference, unicodedata.normalize("NFC", reference), unicodedata.normalize("NFKC", reference)):
        reason = _text_reason(spelling)
        if reason:
            return reason
    return None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve_reference(root: Path, reference: object, real_root: str | None = None) -> Path:
    """The regular file inside root that reference names, or UnsafePathError / MissingFileError.

    Each component is examined with os.lstat from the package's real root; only when one is a
    symbolic link is the whole path resolved (os.path.realpath, which uses lstat and readlink) to
    check where it leads. Nothing is opened, so a FIFO cannot block.
    """
    shown = repr(reference)[:120]
    reason = unsafe_reason(reference)
    if reason:
        raise UnsafePathError(f"{shown} {reason}")
    assert isinstance(reference, str)
    real_root = real_root or os.path.realpath(root)
    parts = [part for part in reference.split("/") if part not in ("", ".")]
    if not parts:
        raise UnsafePathError(f"{shown} names the package directory, not a file")
    current = real_root
    for part in parts:
        current = f"{current.rstrip(os.sep)}{os.sep}{part}"
        try:
            mode = os.lstat(current).st_mode
        except OSError as exc:
            _refuse_unreadable(shown, reference, exc)
        if stat.S_ISLNK(mode):
            mode = _mode_through_links(real_root, str(Path(real_root, *parts)), shown, reference)
            break
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
        raise UnsafePathError(f"{shown} is {kind}; only regular files are read")
    return Path(root, *parts)


def _refuse_unreadable(shown: str, reference: str, exc: OSError) -> NoReturn:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        raise MissingFileError(f"{reference} is missing: no such file in the package") from None
    if exc.errno == errno.ELOOP:
        raise UnsafePathError(f"{shown} is a loop of symbolic links") from None
    raise UnsafePathError(f"{shown} cannot be examined: {exc.strerror or exc}") from None


def _mode_through_links(real_root: str, candidate: str, shown: str, reference: str) -> int:
    """The file mode at the end of a path with symbolic links, once it is known to stay inside the package."""
    try:
        real = os.path.realpath(candidate, strict=True)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR) and not _inside(os.path.realpath(candidate), real_root):
            raise UnsafePathError(f"{shown} leaves the package through a symbolic link") from None
        _refuse_unreadable(shown, reference, exc)
    if not _inside(real, real_root):
        raise UnsafePathError(f"{shown} leaves the package through a symbolic link")
    try:
        return os.stat(real).st_mode  # noqa: PTH116 - a stat, never an open
    except OSError as exc:
        _refuse_unreadable(shown, reference, exc)


def regular_file_size(path: Path) -> int:
    """The size of a file that must be regular, checked without opening it (a FIFO would block)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise MissingFileError(f"{path.name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a regular file")
        raise UnsafePathError(f"{path.name} is {kind}; only regular files are read")
    return info.st_size
