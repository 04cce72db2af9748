"""The spec worker's sandbox is a second wall behind the package model: given a descriptor that pre-flight
would refuse, the worker itself still opens no connection, reads nothing outside the package, never
blocks on a special file, and answers with located errors as JSON, never a traceback.

These tests hand such descriptors to the worker directly, as `nme_data.validation.spec` does.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_package, descriptor_of
from loopback import Listener, listening
from nme_data.validation import spec
from nme_data.validation.sandbox import scrubbed_environment

#: Hostile descriptors, each handed to a worker interpreter: make test runs these in its slow phase.
pytestmark = pytest.mark.slow

CANARY = "CANARY-8d1f0c-must-never-be-read"
Damage = Callable[[dict, Path, Listener, Path], None]


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def run_worker(descriptor: dict, root: Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    job = json.dumps({"descriptor": descriptor, "root": str(root)}).encode()
    return subprocess.run(
        spec.worker_command(), input=job, capture_output=True, cwd=cwd, env=env, timeout=120, check=False
    )


def set_profile(value: Callable[[Listener], str]) -> Damage:
    def damage(descriptor: dict, root: Path, listener: Listener, outside: Path) -> None:
        descriptor["profile"] = value(listener)

    return damage


def set_property(table: str, key: str, value: Callable[[Listener, Path], object]) -> Damage:
    def damage(descriptor: dict, root: Path, listener: Listener, outside: Path) -> None:
        resource(descriptor, table)[key] = value(listener, outside)

    return damage


def fifo_path(descriptor: dict, root: Path, listener: Listener, outside: Path) -> None:
    os.mkfifo(root / "data" / "pipe.csv")
    resource(descriptor, "sites")["path"] = "data/pipe.csv"


def symlink_out(descriptor: dict, root: Path, listener: Listener, outside: Path) -> None:
    (root / "data" / "link.csv").symlink_to(outside / "canary.csv")
    resource(descriptor, "sites")["path"] = "data/link.csv"


CASES: dict[str, Damage] = {
    "fiscal-data-package profile": set_profile(lambda listener: "fiscal-data-package"),
    "profile URL": set_profile(lambda listener: f"{listener.url}/profile.json"),
    "profile URL, leading tab": set_profile(lambda listener: f"\t{listener.url}/profile.json"),
    "profile in the caller's directory": set_profile(lambda listener: "some.json"),
    "schema URL": set_property("sites", "schema", lambda listener, outside: f"{listener.url}/schema.json"),
    "schema URL, leading space": set_property("sites", "schema", lambda listener, outside: f" {listener.url}/s.json"),
    "dialect URL, upper-case scheme": set_property(
        "sites", "dialect", lambda listener, outside: f"HTTP://127.0.0.1:{listener.port}/d.json"
    ),
    "path URL": set_property("sites", "path", lambda listener, outside: f"{listener.url}/sites.csv"),
    "path URL without scheme": set_property("sites", "path", lambda lsn, outside: f"//127.0.0.1:{lsn.port}/x"),
    "absolute path outside": set_property("sites", "path", lambda listener, outside: str(outside / "canary.csv")),
    "file URL outside": set_property("sites", "path", lambda listener, outside: f"file://{outside / 'canary.csv'}"),
    "climbing path": set_property("sites", "path", lambda listener, outside: "../outside/canary.csv"),
    "symlink leaving the package": symlink_out,
    "FIFO as path": fifo_path,
}


@pytest.mark.parametrize("damage", CASES.values(), ids=CASES.keys())
def test_worker_stays_inside(tmp_path: Path, damage: Damage) -> None:
    root = copy_package(tmp_path / "package")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "canary.csv").write_text(f"id\n{CANARY}\n", encoding="utf-8")
    caller = tmp_path / "caller"  # a caller's working directory with a file the descriptor names
    caller.mkdir()
    (caller / "some.json").write_text(json.dumps({"title": CANARY}), encoding="utf-8")
    with listening() as listener:
        descriptor = descriptor_of(root)
        damage(descriptor, root, listener, outside)
        env = dict(os.environ, HTTP_PROXY=listener.url, HTTPS_PROXY=listener.url, ALL_PROXY=listener.url)
        env = scrubbed_environment(env)
        done = run_worker(descriptor, root, caller, env)
        connections = list(listener.connections)
    assert connections == []
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    errors = json.loads(done.stdout)
    assert errors, "a refused property must leave the copy invalid"
    assert CANARY not in done.stdout.decode() + done.stderr.decode()
    assert all({"table", "row", "field", "code", "message"} <= set(error) for error in errors)


def test_worker_refuses_a_read_outside_as_unsafe_path(tmp_path: Path) -> None:
    """A refusal is reported as such, at the table whose file it was."""
    root = copy_package(tmp_path / "package")
    (tmp_path / "canary.csv").write_text(f"id\n{CANARY}\n", encoding="utf-8")
    (root / "data" / "link.csv").symlink_to(tmp_path / "canary.csv")
    descriptor = descriptor_of(root)
    resource(descriptor, "history")["path"] = "data/link.csv"
    done = run_worker(descriptor, root, tmp_path, dict(os.environ))
    errors = json.loads(done.stdout)
    assert ("history", "unsafe-path") in {(e["table"], e["code"]) for e in errors}


def test_proxy_variables_are_scrubbed() -> None:
    env = {"HTTP_PROXY": "x", "https_proxy": "x", "ALL_PROXY": "x", "no_proxy": "x", "PATH": "/bin", "LANG": "C"}
    assert scrubbed_environment(env) == {"PATH": "/bin", "LANG": "C"}
