"""The pytest glue uses pytest's and pytest-xdist's public API only, so a pytest or xdist release
that moves a private name cannot break a team's gate: no ``_pytest`` imports, no private
attributes of pytest objects, no overrides of private methods of pytest or xdist classes."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "reelgate"
GLUE = sorted([SRC / "plugin.py", *(SRC / "collect").glob("*.py")])
# Names the glue gives pytest's and xdist's objects.
PYTEST_OBJECTS = {"config", "item", "session", "node", "parent", "report", "request", "collector",
                  "terminalreporter", "pluginmanager", "excinfo", "workeroutput", "workerinput"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _base_names(cls: ast.ClassDef, third_party: set[str]) -> list[str]:
    """The class's bases that are pytest's or xdist's (``pytest.Module``, an xdist import)."""
    names = []
    for base in cls.bases:
        if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "pytest":
            names.append(f"pytest.{base.attr}")
        elif isinstance(base, ast.Name) and base.id in third_party:
            names.append(base.id)
    return names


def private_uses(path: Path, root: Path = SRC) -> list[str]:
    """Each private use in one file, as ``file:line: what``, in the order of the lines."""
    tree = ast.parse(path.read_text(), str(path))
    third_party = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and (node.module or "").split(".")[0] in ("pytest", "xdist", "_pytest") for alias in node.names}
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{where}: imports {m}" for m in modules if m.split(".")[0] == "_pytest"
                      or any(_private(part) for part in m.split(".")[1:] if m.startswith("xdist"))]
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name in PYTEST_OBJECTS:
                found.append(f"{where}: {name}.{node.attr}")
        elif isinstance(node, ast.ClassDef) and _base_names(node, third_party):
            found += [f"{where}: {node.name} overrides {item.name}" for item in node.body
                      if isinstance(item, ast.FunctionDef) and _private(item.name)]
    return sorted(found, key=lambda use: int(use.split(":")[1]))


def test_the_glue_uses_public_pytest_and_xdist_api_only() -> None:
    assert len(GLUE) > 5
    assert [use for path in GLUE for use in private_uses(path)] == []


def test_the_check_sees_what_it_forbids(tmp_path: Path) -> None:
    """The check itself can fail: each forbidden form is found in a file that has it."""
    source = ("from _pytest.nodes import Node\nimport pytest\nfrom xdist.scheduler import LoadScopeScheduling\n"
              "class F(pytest.Module):\n    def _getobj(self):\n        return config._store\n"
              "class S(LoadScopeScheduling):\n    def _split_scope(self, nodeid):\n        return nodeid\n")
    (tmp_path / "example.py").write_text(source)
    assert [use.split(": ", 1)[1] for use in private_uses(tmp_path / "example.py", tmp_path)] == [
        "imports _pytest.nodes", "F overrides _getobj", "config._store", "S overrides _split_scope"]
