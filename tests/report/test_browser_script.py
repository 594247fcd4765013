""".ci/browser.sh against a fake apt-get: installs only when the browser is missing, says why it fails."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "browser.sh"
FAKE_CHROMIUM = '#!/bin/sh\necho "Chromium 1.2.3 fake"\n'
# Logs each call with DEBIAN_FRONTEND; fails where FAIL_ON names the subcommand; "installs" when told to.
FAKE_APT = """#!/bin/sh
echo "$DEBIAN_FRONTEND $*" >> "$APT_LOG"
case "$*" in *"$FAIL_ON"*) [ -n "$FAIL_ON" ] && exit 100;; esac
case "$*" in *install*) [ -n "$INSTALLS" ] && printf '%s' "$FAKE_CHROMIUM" > "$REELGATE_CHROMIUM" \
    && chmod +x "$REELGATE_CHROMIUM";; esac
exit 0
"""
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="the install path runs only as root")


def _run(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "apt-get").write_text(FAKE_APT)
    (bin_dir / "apt-get").chmod(0o755)
    log = tmp_path / "apt.log"
    full = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "APT_LOG": str(log), "FAIL_ON": "",
            "INSTALLS": "", "DEBIAN_FRONTEND": "", "FAKE_CHROMIUM": FAKE_CHROMIUM, "REELGATE_CHROMIUM": str(tmp_path / "chromium"), **env}
    done = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    return done, log.read_text().splitlines() if log.exists() else []


def test_present_browser_is_left_alone(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text(FAKE_CHROMIUM)
    browser.chmod(0o755)
    done, calls = _run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert calls == []
    assert "already installed" in done.stderr and "ready: Chromium 1.2.3 fake" in done.stderr
    assert done.stdout == ""


@root_only
def test_missing_browser_is_installed_from_debian(tmp_path: Path) -> None:
    done, calls = _run(tmp_path, INSTALLS="1")
    assert done.returncode == 0, done.stderr
    assert calls == [" update -qq", "noninteractive install -y -qq --no-install-recommends chromium"]
    assert "ready: Chromium 1.2.3 fake" in done.stderr


@root_only
@pytest.mark.parametrize(("fail_on", "installs", "message"), [
    ("update", "1", "apt-get update failed"),
    ("install", "1", "apt-get install chromium failed"),
    ("never", "", "is still missing"),
])
def test_failures_exit_non_zero_with_the_reason(tmp_path: Path, fail_on: str, installs: str, message: str) -> None:
    done, _ = _run(tmp_path, FAIL_ON=fail_on, INSTALLS=installs)
    assert done.returncode != 0
    assert "browser.sh: error: " in done.stderr and message in done.stderr


def test_a_browser_that_does_not_start_fails(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\nexit 3\n")
    browser.chmod(0o755)
    done, _ = _run(tmp_path)
    assert done.returncode != 0 and "does not start" in done.stderr
