"""What a replaying CI installs: the base install against the one with every runtime extra.

For each install (``.`` and ``.[simulator,postgres,report]``) the bench makes a fresh venv, times
``pip install`` of a copy of this repository (not editable: what a user's CI gets), measures the
venv's site-packages, and runs ``pytest presets`` on a copy of the example presets (with their cassettes and approvals), so a base
install that misses a dependency the replay needs shows as FAIL. Too slow for the suite (two
installs); pip's wheel cache makes the second run of a spec mostly copying.

Run: python tests/bench/bench_install.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPECS = (".", ".[simulator,postgres,report]")
sys.path.insert(0, str(REPO))
from tests.bench.figures import Figure, print_summary  # noqa: E402

#: What the copy of the repository leaves out: build output, venvs, caches, the run's own files.
SKIPPED = shutil.ignore_patterns(".venv*", ".git", "build", "dist", "*.egg-info", "__pycache__",
                                 ".reelgate", ".pytest_cache", ".ruff_cache", ".hypothesis")
#: What ``pytest presets`` replays from: the presets, their recordings and their approvals.
REPLAY_INPUTS = ("presets", "cassettes", "approved")
#: Modules the example replay must not need; a base venv that has them did not test the base.
EXTRA_MODULES = ("starlette", "uvicorn", "matplotlib", "psycopg", "jinja2")


@dataclass(frozen=True)
class Outcome:
    spec: str
    install_s: float
    site_mb: float
    distributions: int
    extras_present: tuple[str, ...]
    passed: bool
    tail: str


def _tree_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return total / 1e6


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def measure(spec: str, work: Path, label: str, repo: Path = REPO) -> Outcome:
    """One fresh venv with ``pip install <spec>`` from a copy of ``repo``; then ``pytest presets``."""
    source, venv, project = work / f"src-{label}", work / f"venv-{label}", work / f"project-{label}"
    shutil.copytree(repo, source, ignore=SKIPPED)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    empty = _tree_mb(_site_packages(venv))
    start = time.perf_counter()
    subprocess.run([str(python), "-m", "pip", "install", "-q", spec], cwd=source, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    install_s = time.perf_counter() - start
    site = _site_packages(venv)
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], check=True,
                            capture_output=True, text=True).stdout.split()
    probe = f"import importlib.util as u;print(' '.join(m for m in {EXTRA_MODULES!r} if u.find_spec(m)))"
    present = subprocess.run([str(python), "-c", probe], check=True, capture_output=True,
                             text=True).stdout.split()
    project.mkdir()
    for part in REPLAY_INPUTS:
        shutil.copytree(repo / part, project / part)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REELGATE_", "PYTEST_"))}
    run = subprocess.run([str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", "presets"],
                         cwd=project, env=env, capture_output=True, text=True)
    tail = (run.stdout.strip().splitlines() or [run.stderr.strip()])[-1]
    return Outcome(f"{spec} ({label})", install_s, _tree_mb(site) - empty, len(listed), tuple(present),
                   run.returncode == 0, tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work here and keep the venvs (default: a temp dir)")
    parser.add_argument("--today", type=Path, metavar="CHECKOUT",
                        help="also measure `pip install .` of another checkout (e.g. the last release)")
    parser.add_argument("--quick", action="store_true", help="the base install only")
    args = parser.parse_args(argv)
    specs = SPECS[:1] if args.quick else SPECS
    with tempfile.TemporaryDirectory(prefix="reelgate-install-") as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        outcomes = [measure(spec, work, label) for spec, label in zip(specs, ("base", "extras"), strict=False)]
        if args.today:
            outcomes.append(measure(".", work, "today", args.today.resolve()))
    print(f"{'pip install':44} {'time':>7} {'site-packages':>14} {'dists':>5}  pytest presets")
    for o in outcomes:
        print(f"{o.spec:44} {o.install_s:6.1f}s {o.site_mb:11.1f} MB {o.distributions:5}  "
              f"{'PASS' if o.passed else 'FAIL'}: {o.tail}")
        if o.extras_present:
            print(f"{'':44} extra modules present: {', '.join(o.extras_present)}")
    base = outcomes[0]
    for other in outcomes[1:]:
        print(f"base install against {other.spec}: {other.site_mb - base.site_mb:.1f} MB and "
              f"{other.install_s - base.install_s:.1f} s less ({base.site_mb / other.site_mb:.0%} of the size)")
    print_summary("bench_install",
                  Figure("installs failing pytest presets", sum(not o.passed for o in outcomes), 0, "", 0),
                  Figure("extra modules in the base install", len(base.extras_present), 0, "", 0))
    return 0 if all(o.passed for o in outcomes) and not base.extras_present else 1


if __name__ == "__main__":
    sys.exit(main())
