"""The base install replays without the extras, loads none of them by accident, and a missing
extra is one line naming it.

"Not installed" is made real, not mocked: the child interpreter runs without site (``-S``) over a
copy of this venv's site-packages made of symlinks, minus the extras' packages, so ``find_spec``
finds nothing and ``import`` raises ModuleNotFoundError exactly as in a base install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
#: What the [simulator], [postgres] and [report] extras bring, as import names.
EXTRA_MODULES = ("starlette", "uvicorn", "matplotlib", "psycopg", "jinja2", "ruamel")
#: Heavy modules the pytest glue and the console script's parser must not import: the extras, and
#: SQLAlchemy (base, but only a run with presets opens the ledger).
UNWANTED = (*EXTRA_MODULES, "sqlalchemy")
#: Distributions hidden from the child, as they are spelled in site-packages (module and dist-info).
HIDDEN_PREFIXES = ("starlette", "uvicorn", "matplotlib", "mpl_toolkits", "psycopg", "jinja2", "ruamel")
CHILD_TIMEOUT_S = 600  # the example suite replays in well under a minute; this only stops a hang


def _loaded(code: str, env: dict[str, str] | None = None, *prefix: str) -> set[str]:
    """Run ``code`` in a fresh interpreter; which of UNWANTED did it import?"""
    probe = f"{code}\nimport sys\nprint('loaded:', *(m for m in {UNWANTED!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, *prefix, "-c", probe], capture_output=True, text=True,
                          env=env, timeout=CHILD_TIMEOUT_S, cwd=REPO)
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1].split()
    assert last[0] == "loaded:", done.stdout
    return set(last[1:])


def test_importing_the_plugin_and_the_glue_loads_no_extra() -> None:
    assert _loaded("import reelgate.plugin, reelgate.collect") == set()


@pytest.mark.parametrize("argv", [["--help"], ["simulate", "--help"], ["report", "--help"]])
def test_the_console_script_parser_loads_no_extra(argv: list[str]) -> None:
    code = (f"from reelgate.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit as exit:\n"
            "    assert exit.code == 0, exit.code")
    assert _loaded(code) == set()


def test_the_output_contract_does_not_load_the_simulator_server() -> None:
    """A sweep item checks its clip's contract; that must not start the web-server stack."""
    assert _loaded("import reelgate.render.contract") == set()


@pytest.fixture(scope="module")
def base_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for ``python -S``: this venv's packages without the extras, and ``src``."""
    site = Path(sysconfig.get_paths()["purelib"])
    farm = tmp_path_factory.mktemp("base-site-packages")
    for entry in site.iterdir():
        if not entry.name.lower().startswith(HIDDEN_PREFIXES) and entry.suffix != ".pth":
            (farm / entry.name).symlink_to(entry)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REELGATE_", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(farm)])
    return env


def _base(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-S", *argv], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=CHILD_TIMEOUT_S)


def test_the_base_environment_really_lacks_the_extras(base_env: dict[str, str]) -> None:
    code = "import importlib.util as u\nimport reelgate\nprint(all(u.find_spec(m) is None for m in %r))"
    done = _base(["-c", code % (EXTRA_MODULES,)], base_env, REPO)
    assert done.stdout.split() == ["True"], done.stderr


def test_the_example_suite_replays_on_the_base_install(base_env: dict[str, str], tmp_path: Path) -> None:
    done = _base(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly",
                  "--rootdir", str(REPO), str(REPO / "presets"), "-o",
                  f"cache_dir={tmp_path / 'cache'}"], base_env, REPO)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]


def test_simulate_without_the_simulator_extra_says_which_extra(base_env: dict[str, str],
                                                               tmp_path: Path) -> None:
    done = _base(["-c", "import sys\nfrom reelgate.cli import main\nsys.exit(main(['simulate', '--port', '0']))"],
                 base_env, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "reelgate simulate: the Kling simulator (reelgate simulate) needs uvicorn, which is not "
        "installed: pip install 'pytest-reelgate[simulator]'"]


def test_html_report_without_the_report_extra_says_which_extra(base_env: dict[str, str],
                                                               tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    done = _base(["-c", "import sys\nfrom reelgate.cli import main\n"
                  f"sys.exit(main(['report', '--ledger', {str(ledger)!r}, '--format', 'html']))"],
                 base_env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        "reelgate report: --format html: the HTML report, its charts and --winners --write needs matplotlib, which is not "
        "installed: pip install 'pytest-reelgate[report]'"]
    assert not ledger.exists()


def test_write_without_the_report_extra_says_which_extra(base_env: dict[str, str], tmp_path: Path) -> None:
    done = _base(["-c", "import sys\nfrom reelgate.cli import main\n"
                  "sys.exit(main(['report', '--ledger', 'l.sqlite', '--winners', '--write']))"],
                 base_env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        "reelgate report: --write: the HTML report, its charts and --winners --write needs matplotlib, "
        "which is not installed: pip install 'pytest-reelgate[report]'"]


def test_preset_html_without_the_report_extra_is_a_usage_error(base_env: dict[str, str],
                                                               tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    done = _base(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                  "--rootdir", str(REPO), str(REPO / "presets"), "--preset-html", str(report)],
                 base_env, REPO)
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stderr.strip().splitlines() == [
        f"ERROR: --preset-html {report}: the HTML report, its charts and --winners --write needs matplotlib, which is "
        "not installed: pip install 'pytest-reelgate[report]'"]
    assert not report.exists()


def test_postgres_ledger_without_the_postgres_extra_says_which_extra(base_env: dict[str, str],
                                                                     tmp_path: Path) -> None:
    code = ("from reelgate.records import LedgerError, open_ledger\ntry:\n"
            "    open_ledger('postgresql://reelgate:hunter2@127.0.0.1:1/reelgate')\n"
            "except LedgerError as exc:\n    print(exc)\n")
    done = _base(["-c", code], base_env, tmp_path)
    assert done.stdout.strip().splitlines() == [
        "ledger postgresql://reelgate:***@127.0.0.1:1/reelgate: a PostgreSQL ledger needs psycopg, "
        "which is not installed: pip install 'pytest-reelgate[postgres]'"], done.stderr
