"""Positioned preset problems, printed the way a compiler prints them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
PRESET_SUFFIXES = (".yaml", ".yml")  # what a preset file (and a file it extends) is named


@dataclass(frozen=True, order=True)
class Where:
    """A position in a preset file; line and column count from 1."""

    path: Path
    line: int
    col: int

    def display(self, root: Path | None = None) -> str:
        return f"{_relative(self.path, root)}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem of a preset: where, which field, what is wrong and how to fix it."""

    where: Where
    field: str
    message: str
    severity: Severity = "error"

    def headline(self, root: Path | None = None) -> str:
        field = f"{self.field}: " if self.field else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.where.display(root)}: {tag}{field}{self.message}"

    def render(self, lines: list[str] | None, root: Path | None = None) -> str:
        """The headline, then the offending source line with a caret under the column."""
        out = self.headline(root)
        if lines and 0 < self.where.line <= len(lines):
            source = lines[self.where.line - 1].rstrip("\n")
            if len(source) > 160:
                source = source[:157] + "..."
            number = f"{self.where.line:>5} | "
            caret = " " * (len(number) + min(self.where.col - 1, len(source))) + "^"
            out += f"\n{number}{source}\n{caret}"
        return out


class PresetLoadError(Exception):
    """A preset file could not be read as a YAML mapping at all."""

    def __init__(self, diagnostic: Diagnostic, lines: list[str] | None = None) -> None:
        super().__init__(diagnostic.headline())
        self.diagnostic = diagnostic
        self.lines = lines or []


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return os.path.relpath(path, root)
        except ValueError:
            pass
    return str(path)
