"""The one summary line every benchmark ends with, so ``run_all.py`` and a reader see at a glance
where the project stands: ``name: figure (target X) OK|MISS[; figure (target Y) OK|MISS ...]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure against its target; ``at_most`` False for a floor (e.g. accuracy)."""

    label: str
    value: float
    target: float
    unit: str = ""
    digits: int = 2
    at_most: bool = True

    @property
    def met(self) -> bool:
        return self.value <= self.target if self.at_most else self.value >= self.target

    def text(self) -> str:
        sign = "<=" if self.at_most else ">="
        value, target = f"{self.value:.{self.digits}f}", f"{self.target:g}"
        return (f"{self.label} {value}{self.unit} (target {sign} {target}{self.unit}) "
                f"{'OK' if self.met else 'MISS'}")


def summary(name: str, *figures: Figure) -> str:
    """The benchmark's summary line."""
    return f"{name}: " + "; ".join(figure.text() for figure in figures)


def print_summary(name: str, *figures: Figure) -> bool:
    """Print the summary line; True when every figure meets its target."""
    print(summary(name, *figures), flush=True)
    return all(figure.met for figure in figures)
