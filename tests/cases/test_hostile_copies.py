"""Crafted copies of the package, validated through the CLI in a subprocess, as CI runs it on a stranger's
pull request. Each case applies one crafted damage and checks the whole promise:

* the expected exit code (1: invalid) and exactly one JSON document on stdout;
* the error located: at least the table (None = the package itself) and an expected code;
* no traceback on stderr, and the process ends within a wall-clock and memory cap;
* no connection reaches a loopback listener, whose URL is in the damaged property and in the proxy
  variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY);
* no canary outside the copy is read: its content never appears in the output;
* no file of the copy changes (SHA-256 of every regular file, before and after).

A supported but unusual spelling of the data (CRLF line ends, a byte-order mark) must still get the
semantic checks: an invented evidence quote hidden in it is caught. Since 3.0.0 a case that crafts the
descriptor (a schema in a JSON file, URLs in a profile, inline data, ...) is refused as `schema-differs`
before anything else runs, and the same promises (no connection, no canary, nothing changed) hold.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_schema_refused, schema_edited
from hostile_cases import (
    CANARY,
    CASES,
    Damage,
    Expected,
    make_copy,
    surrogate_name,
)
from loopback import Listener, listening

#: Each case starts the CLI (and its spec worker); the module takes minutes on a loaded 2-core machine.
pytestmark = pytest.mark.slow

#: Per case; the spec layer's own budget is 60 s, so a case that needs it still ends in time.
TIME_CAP = 150
#: Address space of the CLI process (pandas, pyarrow, pandera and the report), far below what a
#: 1.2 GB file read whole would need.
MEMORY_CAP = 3 * 1024**3
#: Files larger than this (the sparse snapshot) are compared by size and modification time, not hashed.
HASHED_UP_TO = 64 * 1024**2
NME_DATA = Path(sys.executable).with_name("nme-data")


ANY_TABLE = "*"


# ---- damages --------------------------------------------------------------------------------------


# ---- the harness ----------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, object]:
    """What every entry of the copy is, without following links or opening special files."""
    state: dict[str, object] = {}
    for directory, names, files in os.walk(root, followlinks=False):
        for name in names + files:
            path = Path(directory) / name
            info = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                state[key] = ("link", str(path.readlink()))
            elif stat.S_ISREG(info.st_mode) and info.st_size <= HASHED_UP_TO:
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISREG(info.st_mode):
                state[key] = ("large", info.st_size, info.st_mtime_ns)
            elif not stat.S_ISDIR(info.st_mode):
                state[key] = ("special", stat.S_IFMT(info.st_mode))
    return state


def capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(root: Path, cwd: Path, listener: Listener) -> subprocess.CompletedProcess:
    """The CLI as CI runs it: a UTF-8 locale, no PYTHONIOENCODING, proxies pointing at the listener."""
    env = {k: v for k, v in os.environ.items() if k not in ("NME_DATA_SERIAL", "PYTHONIOENCODING", "LC_ALL")}
    env.update(HTTP_PROXY=listener.url, HTTPS_PROXY=listener.url, ALL_PROXY=listener.url, http_proxy=listener.url)
    env["LANG"] = "C.UTF-8"
    return subprocess.run(
        [str(NME_DATA), "validate", str(root), "--format", "json"],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=TIME_CAP,
        preexec_fn=capped,  # the cap must be set in the child before it starts
        check=False,
    )


def matches(errors: list[dict], table: str | None, codes: set[str]) -> bool:
    return any(table in (e["table"], ANY_TABLE) and (not codes or e["code"] in codes) for e in errors)


@pytest.mark.parametrize(("damage", "expected"), CASES.values(), ids=CASES.keys())
def test_crafted_copy(tmp_path: Path, damage: Damage, expected: Expected) -> None:
    with listening() as listener:
        copy = make_copy(tmp_path, listener)
        damage(copy)
        before = snapshot(copy.root)
        done = run_cli(copy.root, tmp_path / "caller", listener)
        connections = list(listener.connections)
    stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == 1, (done.returncode, stdout[-2000:], stderr[-2000:])
    report = json.loads(stdout)  # exactly one JSON document: json.loads refuses anything after it
    assert report["valid"] is False
    errors = report["errors"]
    assert not [e for e in errors if e["code"] == "check-error"], "a crash is a failure, never an expected verdict"
    if schema_edited(copy.root):  # since 3.0.0: a crafted descriptor is refused first, nothing else runs on it
        assert_schema_refused([e["code"] for e in errors], report["tables"])
    else:
        for table, codes in expected:
            assert matches(errors, table, codes), (table, codes, [(e["table"], e["code"]) for e in errors][:40])
    assert connections == []
    assert CANARY not in stdout + stderr
    assert snapshot(copy.root) == before
    if copy.root.joinpath("data", "pipe").exists():
        shutil.rmtree(copy.root / "data", ignore_errors=True)


def test_surrogate_comes_out_escaped(tmp_path: Path) -> None:
    """A lone surrogate in a name reaches the output as an escape, in JSON and in text, with no
    PYTHONIOENCODING and a UTF-8 locale."""
    with listening() as listener:
        copy = make_copy(tmp_path, listener)
        surrogate_name(copy)
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
        env.pop("PYTHONIOENCODING", None)
        for fmt in ("json", "text"):
            done = subprocess.run(
                [str(NME_DATA), "validate", str(copy.root), "--format", fmt],
                capture_output=True,
                env=env,
                timeout=TIME_CAP,
                check=False,
            )
            assert done.returncode == 1
            assert b"Traceback" not in done.stderr
            assert b"si\\udc80tes" in done.stdout
            done.stdout.decode("utf-8")  # valid UTF-8 throughout
        assert listener.connections == []
