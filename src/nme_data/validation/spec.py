"""The spec layer, run in a fresh interpreter beside the caller: frictionless' start-up and validation
overlap with pandas' and the semantic rules' in the caller (two cores, about half the wall time), and the
worker's sandbox (no network, no reads outside the package, a memory cap) and its wall-clock budget
never touch the caller's process.

No `os.fork`: forking a process that runs threads (pyarrow's, a Jupyter kernel's, a web server's)
can deadlock the child. `subprocess` starts a new interpreter instead. With NME_DATA_SERIAL set
(or where no interpreter can be started) the same work runs in the caller, without the sandbox.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from nme_data.validation.errors import SPEC_SECONDS_PER_MIB, SPEC_TIMEOUT_SECONDS, Finding
from nme_data.validation.sandbox import scrubbed_environment

#: Wall-clock budget of the spec layer, from the worker's start to its result: this base, plus
#: SPEC_SECONDS_PER_MIB for every MiB of the table files named in the descriptor.
SPEC_TIMEOUT = float(SPEC_TIMEOUT_SECONDS)


def time_budget(descriptor: dict[str, Any], root: Path) -> float:
    """The wall-clock budget for this package: the base plus an allowance for the size of its tables."""
    size = 0
    resources = descriptor.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        path = resource.get("path") if isinstance(resource, dict) else None
        try:
            size += (root / path).stat().st_size if isinstance(path, str) else 0
        except (OSError, ValueError):
            continue  # a file that cannot be looked at is the other layers' error
    return SPEC_TIMEOUT + SPEC_SECONDS_PER_MIB * size / 2**20


#: The worker's program: the caller's module search path, then the worker. -P keeps the working directory
#: off sys.path; -S skips the site module (the caller's path, site-packages included, is handed over
#: whole, so .pth files have done their work already); -W ignore keeps the caller's warning filters
#: (say, warnings as errors) off frictionless. Once the result is written the worker leaves at once:
#: its caller waits for the exit, and tearing down frictionless' modules would only add to the wait.
BOOTSTRAP = (
    "import sys; sys.path[:] = {path!r}; from nme_data.validation.spec_worker import main; main(); "
    "import os; sys.stderr.flush(); os._exit(0)"
)


def worker_command() -> list[str]:
    """How the worker is started: the caller's interpreter, finding modules where the caller finds them,
    and this library first where it is installed (an editable install may find it by an import hook)."""
    home = str(Path(__file__).resolve().parents[2])
    path = [home] + [str(Path(entry).absolute()) if entry else str(Path.cwd()) for entry in sys.path]
    return [sys.executable, "-S", "-P", "-W", "ignore", "-c", BOOTSTRAP.format(path=list(dict.fromkeys(path)))]


def validate_spec(
    descriptor: dict[str, Any], root: Path, max_errors: int | None = None, tables: Sequence[str] | None = None
) -> list[Finding]:
    """The spec layer in this process (no sandbox): see `nme_data.validation.spec_worker`."""
    from nme_data.validation.spec_worker import error_limit
    from nme_data.validation.spec_worker import validate_spec as run

    return run(descriptor, root, limit=error_limit(max_errors), tables=tables)


def _check_error(message: str, table: str | None = None, code: str = "check-error") -> Finding:
    return Finding(table, None, None, code, message)


class PendingSpec:
    """The spec layer's errors, computed already or by a worker still running."""

    def __init__(
        self,
        errors: list[Finding] | None = None,
        process: subprocess.Popen[bytes] | None = None,
        files: tuple[IO[bytes], IO[bytes]] | None = None,
        workdir: str | None = None,
        budget: float = SPEC_TIMEOUT,
    ) -> None:
        self._errors, self._process, self._files, self._workdir = errors, process, files, workdir
        self._budget = budget
        self._deadline = time.monotonic() + budget

    def result(self) -> list[Finding]:
        if self._errors is not None:
            return self._errors
        assert self._process is not None
        assert self._files is not None
        timed_out = False
        try:
            self._process.wait(timeout=max(self._deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
        out, err = self._files
        try:
            out.seek(0)
            err.seek(0)
            payload, diagnostics = out.read(), err.read().decode("utf-8", "replace")
        finally:
            out.close()
            err.close()
            if self._workdir:
                shutil.rmtree(self._workdir, ignore_errors=True)
        self._errors = self._interpret(payload, diagnostics, timed_out)
        return self._errors

    def _interpret(self, payload: bytes, diagnostics: str, timed_out: bool) -> list[Finding]:
        from nme_data.validation.spec_worker import PROGRESS_PREFIX

        table = None
        for line in diagnostics.splitlines():
            if line.startswith(PROGRESS_PREFIX):
                try:
                    table = json.loads(line[len(PROGRESS_PREFIX) :])
                except ValueError:
                    table = None
        where = f" while checking table {table!r}" if table else ""
        if timed_out:
            return [
                _check_error(
                    f"frictionless validation took longer than its {self._budget:.0f} s budget{where} and was stopped",
                    table,
                    "budget-exceeded",
                )
            ]
        try:
            items = json.loads(payload)
            return [Finding(**item) for item in items]
        except (ValueError, TypeError):
            code = self._process.returncode if self._process else None
            last = [line for line in diagnostics.splitlines() if line.strip() and not line.startswith(PROGRESS_PREFIX)]
            detail = f": {last[-1][:200]}" if last else ""
            memory = "MemoryError" in diagnostics
            return [
                _check_error(
                    f"frictionless validation ended without a result (exit code {code}){where}{detail}",
                    table,
                    "budget-exceeded" if memory else "check-error",
                )
            ]


def in_process() -> bool:
    """Whether the spec layer runs in the calling process (NME_DATA_SERIAL, or no interpreter to start)."""
    return bool(os.environ.get("NME_DATA_SERIAL")) or not sys.executable


def failure_spec(exc: BaseException) -> PendingSpec:
    """The spec layer's result when it could not even be started: a located check-error."""
    from nme_data.validation.spec_worker import failure

    return PendingSpec([failure(None, "the spec layer could not start", exc)])


def start_spec(
    descriptor: dict[str, Any], root: Path, max_errors: int | None = None, tables: Sequence[str] | None = None
) -> PendingSpec:
    """Start the spec layer in a worker interpreter and return at once; `.result()` waits for it. `tables`
    names the resources frictionless reads (None: all); the others are still there for its foreign keys.

    The worker runs in an empty directory of its own, so it is handed the package root as an absolute path:
    a copy named relatively (`nme-data show data-copy`) is the same copy there as here. frictionless stops
    a table at `error_limit(max_errors)` errors (the report lists no more anyway)."""
    from nme_data.validation.spec_worker import error_limit

    root = root.absolute()
    if in_process():
        return PendingSpec(validate_spec(descriptor, root, max_errors, tables))
    budget = time_budget(descriptor, root)
    try:
        job = json.dumps(
            {
                "descriptor": descriptor,
                "root": str(root),
                "budget": budget,
                "limit_errors": error_limit(max_errors),
                "tables": None if tables is None else list(tables),
                "parent": os.getpid(),  # the worker ends itself when this process is gone
            },
            ensure_ascii=True,
        )
    except (ValueError, TypeError, RecursionError) as exc:
        return PendingSpec([_check_error(f"the descriptor cannot be handed to frictionless: {exc!r}"[:300])])
    workdir = tempfile.mkdtemp(prefix="nme-data-spec-")
    # files, not pipes: neither side ever blocks on the other; closed in result() (or below on failure)
    stdin, out, err = (tempfile.TemporaryFile() for _ in range(3))  # noqa: SIM115
    try:
        stdin.write(job.encode("ascii"))
        stdin.seek(0)
        process = subprocess.Popen(
            worker_command(),
            stdin=stdin,
            stdout=out,
            stderr=err,
            cwd=workdir,  # an empty directory: a relative open by a library reaches nothing of the caller's
            env=scrubbed_environment(os.environ),
            close_fds=True,
        )
    except OSError:
        out.close()
        err.close()
        shutil.rmtree(workdir, ignore_errors=True)
        return PendingSpec(validate_spec(descriptor, root, max_errors, tables))
    finally:
        stdin.close()
    return PendingSpec(process=process, files=(out, err), workdir=workdir, budget=budget)
