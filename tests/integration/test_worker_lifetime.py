"""A spec worker never outlives its caller (#31): a caller killed mid-validation takes its worker with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import read_rows, write_rows

#: Rows of sites in the copy: enough that frictionless takes seconds, so the worker is still busy when killed.
ROWS = 40_000

PARENT = """
import sys, time
from nme_data.package import DataPackage
from nme_data.validation.preflight import run_preflight
from nme_data.validation.spec import start_spec
pre = run_preflight(DataPackage.open(sys.argv[1]))
pending = start_spec(pre.descriptor, pre.root)
print(pending._process.pid, flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    """Running (a zombie nobody reaped has ended: PID 1 of a container may not reap)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    state = next((line.split()[1] for line in status.splitlines() if line.startswith("State:")), "")
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_worker_ends_when_its_caller_is_killed(package_copy: Path) -> None:
    path = package_copy / "data" / "sites.csv"
    rows = read_rows(path)
    header, body = rows[0], rows[1:]
    key = header.index("id")
    grown = [[f"grown-{n}" if i == key else cell for i, cell in enumerate(body[n % len(body)])] for n in range(ROWS)]
    write_rows(path, [header, *body, *grown])
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(package_copy)],
        stdout=subprocess.PIPE,
        env={**os.environ, "NME_DATA_SERIAL": ""},
        text=True,
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        time.sleep(1.0)
        assert alive(worker), "the worker finished before its caller was killed: the test proves nothing"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker), "the worker outlived its killed caller"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
