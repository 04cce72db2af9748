"""The spec worker's walls: no network, no reads outside the package, a memory cap.

They are installed only in the worker process (`nme_data.validation.spec_worker`), a fresh interpreter
that exits when the spec layer is done: an audit hook cannot be removed once added, so the caller's
process must never get one. The package model's path checks are the first wall; this is the second,
for whatever frictionless (or a library it calls) might still try to open or fetch.
"""

from __future__ import annotations

import os
import socket
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nme_data.errors import NmeDataError
from nme_data.validation.errors import SPEC_MEMORY_GIB

#: Address space of the worker; frictionless streams rows, so a real package needs a small fraction of it.
MEMORY_LIMIT = SPEC_MEMORY_GIB * 1024**3
#: Every message of a refusal carries this, so the worker can turn it into an `unsafe-path` error.
REFUSAL_MARKER = "refused by the validator's sandbox"
#: Events that reach the network. socket.__new__ is allowed for AF_UNIX only.
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "imaplib.open",
        "poplib.connect",
        "webbrowser.open",
    }
)
#: Events that start other programs; the worker never needs one.
PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn"}
)
#: Write access in os.open flags.
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

#: What the sandbox refused that a package copy asked for (a fetch, a read), with the table being
#: validated then; the worker reports each one. Socket creation and binding are refused too but not
#: listed: libraries probe for IPv6 that way at import, whatever the package says.
refusals: list[tuple[str | None, str]] = []
#: The table being validated, named in refusals and budget errors.
current_table: str | None = None


class Refused(NmeDataError, PermissionError):
    """An operation the sandbox does not allow; an OSError, so libraries report it as a failed open."""


def scrubbed_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """The environment without proxy settings (HTTP_PROXY, https_proxy, ALL_PROXY, NO_PROXY, ...)."""
    return {key: value for key, value in environ.items() if not key.lower().endswith("_proxy")}


def limit_memory(limit: int = MEMORY_LIMIT) -> None:
    """Cap the address space; a lower limit set by the caller's environment is kept (POSIX only)."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the wall-clock budget still applies
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _inside(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _refuse(what: str, listed: bool = True) -> None:
    message = f"{what}: {REFUSAL_MARKER}"
    if listed:
        refusals.append((current_table, message))
    raise Refused(message)


def _readable_roots(package_root: Path) -> tuple[str, ...]:
    """The package and the Python installation (stdlib, site-packages, PYTHONPATH) the worker imports from."""
    places = [str(package_root), sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.devnull]
    places += [entry for entry in sys.path if entry and Path(entry).is_dir()]
    return tuple(sorted({os.path.realpath(place) for place in places}))


def _check_open(path: Any, mode: Any, flags: Any, roots: tuple[str, ...]) -> None:
    if path is None or isinstance(path, int):
        return  # an already open descriptor
    name = os.fsdecode(path)
    shown = name if len(name) <= 200 else name[:200] + "..."
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and flags & WRITE_FLAGS
    )
    if writing and os.path.realpath(name) != os.devnull:
        _refuse(f"writing {shown!r}")
    real = os.path.realpath(name)
    if not _inside(real, roots):
        _refuse(f"reading {shown!r}, which is outside the package")
    try:
        info = os.stat(real)  # noqa: PTH116 - an audit hook stays on the lowest layer
    except OSError:
        return  # the open fails by itself
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)) and real != os.devnull:
        _refuse(f"reading {shown!r}, which is not a regular file")


def _check_listing(path: str, roots: tuple[str, ...]) -> None:
    if not _inside(os.path.realpath(path), roots):
        _refuse(f"listing {path[:200]!r}, which is outside the package")


def install(package_root: Path) -> None:
    """Refuse sockets (but AF_UNIX), name look-ups, URL requests, new processes, writes and reads outside
    the package or the Python installation, from now until the process exits."""
    roots = _readable_roots(package_root)
    sys.dont_write_bytecode = True

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            _check_open(args[0], args[1], args[2], roots)
        elif event == "socket.__new__":
            if len(args) > 1 and args[1] != socket.AF_UNIX:
                _refuse(f"opening a network socket (family {args[1]})", listed=False)
        elif event == "socket.bind":
            _refuse(f"binding a socket to {args[1]!r}", listed=False)
        elif event in NETWORK_EVENTS:
            target = args[1] if event in ("socket.connect", "socket.sendto") else args[:2]
            _refuse(f"network access ({event} {target!r})")
        elif event in PROCESS_EVENTS:
            _refuse(f"starting a process ({event})")
        elif event in ("os.listdir", "os.scandir") and args and isinstance(args[0], str | bytes):
            _check_listing(os.fsdecode(args[0]), roots)

    sys.addaudithook(hook)
