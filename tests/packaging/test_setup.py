"""Setup truth: `make test` checks for the browser first, installs it as root, else prints the one command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

#: make runs as a child process: the slow phase.
pytestmark = pytest.mark.slow


def make_chromium(*variables: str) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    assert make, "make is installed"
    return subprocess.run(
        [make, "-s", "--no-print-directory", "-C", str(ROOT), "chromium", *variables],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_present_browser_passes_silently(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n", encoding="utf-8")
    browser.chmod(0o755)
    result = make_chromium(f"CHROMIUM={browser}", "AS_USER=1000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_without_root_it_prints_the_one_command_and_stops(tmp_path: Path) -> None:
    result = make_chromium(f"CHROMIUM={tmp_path / 'none'}", "AS_USER=1000", "APT_GET=false")
    assert result.returncode != 0
    assert result.stdout.splitlines() == [
        f"make test needs Debian's chromium at {tmp_path / 'none'} for the site's browser tests; run:",
        "  sudo apt-get install chromium",
    ]


def test_as_root_it_installs_with_apt(tmp_path: Path) -> None:
    """A stand-in apt-get records its calls and installs a browser where make looks for it."""
    browser, log = tmp_path / "chromium", tmp_path / "apt.log"
    apt = tmp_path / "apt-get"
    apt.write_text(
        f'#!/bin/sh\necho "$@" >> {log}\n'
        f'if [ "$1" = install ]; then printf "#!/bin/sh\\n" > {browser}; chmod 755 {browser}; fi\n',
        encoding="utf-8",
    )
    apt.chmod(0o755)
    result = make_chromium(f"CHROMIUM={browser}", "AS_USER=0", f"APT_GET={apt}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert log.read_text(encoding="utf-8").splitlines() == ["update -q", "install -y -q chromium"]
    assert browser.is_file()


def test_a_failed_install_stops_make(tmp_path: Path) -> None:
    result = make_chromium(f"CHROMIUM={tmp_path / 'none'}", "AS_USER=0", "APT_GET=true")
    assert result.returncode != 0
    assert "still missing" in result.stdout


def test_make_test_checks_the_browser_before_installing_anything() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest: chromium $(INSTALLED_TEST)\n" in makefile
    assert "\ntest-slow: chromium $(INSTALLED_TEST)\n" in makefile


def test_the_quick_start_names_the_browser() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "chromium" in quick
    assert "sudo apt-get install chromium" in quick
