"""Simulated defects behave like a model's: likelier and stronger with motion, rarer when the
negative prompt names them, seeded per render, visible in the clip, and named in a header."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from reelgate.simulator.defects import (
    KINDS,
    Defect,
    defect_chance,
    from_header,
    named_kinds,
    plan_defects,
    to_header,
)
from reelgate.simulator.render import ClipSpec, render_frames

RENDERS = 400  # per motion score: the rates below hold with many standard errors to spare


def plans(motion: float, negative: str = "") -> list[tuple[Defect, ...]]:
    return [plan_defects(np.random.default_rng([seed, 0, 7]), motion, 5.0, negative)
            for seed in range(RENDERS)]


def test_defect_rate_and_strength_grow_with_motion_score() -> None:
    by_motion = {m: plans(m) for m in (2, 4, 6, 8)}
    rates = [sum(bool(p) for p in ps) / RENDERS for ps in by_motion.values()]
    assert rates[0] < 0.05 < rates[1] + 0.05 < rates[2] < rates[3]
    assert rates[3] - rates[1] > 0.5, rates  # the sweep goes from usable to mostly broken
    strengths = [np.mean([d.strength for p in ps for d in p]) for ps in list(by_motion.values())[1:]]
    assert strengths == sorted(strengths)


def test_negative_prompt_naming_a_defect_makes_it_rarer_not_impossible() -> None:
    assert named_kinds("warped limbs, melting faces, sudden cuts") == {"morph", "camera_jump"}
    plain = sum(any(d.kind == "morph" for d in p) for p in plans(8))
    named = sum(any(d.kind == "morph" for d in p) for p in plans(8, "warped limbs"))
    assert 0 < named < plain / 2
    assert defect_chance("morph", 8, named=True) < defect_chance("morph", 8)


def test_a_render_s_generator_decides_its_defects() -> None:
    same = [plan_defects(np.random.default_rng([9, 0, 7]), 8, 5.0) for _ in range(2)]
    assert same[0] == same[1]
    repeats = {plan_defects(np.random.default_rng([9, n, 7]), 8, 5.0) for n in range(10)}
    assert len(repeats) > 5
    for defect in (d for p in plans(9) for d in p):
        assert 0 <= defect.start <= defect.end <= 5.0 and 0 < defect.strength <= 1
        assert defect.kind in KINDS


def test_the_header_round_trips_and_is_ascii() -> None:
    defects = (Defect("morph", 1.25, 2.0, 0.8), Defect("camera_jump", 3.0, 3.0, 0.5))
    value = to_header(defects)
    assert value.isascii() and from_header(value) == defects
    assert from_header(to_header(())) == ()


def spec(*defects: Defect, move: str = "locked") -> ClipSpec:
    return ClipSpec(width=128, height=72, fps=12, duration=2.0, seed=3, motion=2.0, move=move,
                    prompt="a cat on a brick wall", defects=defects)


def luma(frame: np.ndarray) -> float:
    return float(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).mean())


@pytest.fixture(scope="module")
def clean() -> list[np.ndarray]:
    return render_frames(spec())


def test_injected_defects_show_where_the_header_says(clean: list[np.ndarray]) -> None:
    flicker = render_frames(spec(Defect("flicker", 0.5, 1.5, 1.0)))
    jumps = [abs(luma(b) - luma(a)) for a, b in itertools.pairwise(flicker)]
    assert max(jumps[6:17]) > 10 and max(jumps[:5] + jumps[19:]) < 3
    stall = render_frames(spec(Defect("stall", 0.5, 1.25, 0.8)))
    still = [i for i, (a, b) in enumerate(itertools.pairwise(stall), 1) if np.array_equal(a, b)]
    assert still == list(range(7, 16))
    jumped = render_frames(spec(Defect("camera_jump", 1.0, 1.0, 1.0)))
    gray = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY).astype(np.float32) for f in jumped[10:14]]
    shifts = [np.hypot(*cv2.phaseCorrelate(a, b)[0]) for a, b in itertools.pairwise(gray)]
    assert shifts[1] > 5 > max(shifts[0], shifts[2])
    morph = render_frames(spec(Defect("morph", 0.5, 1.5, 1.0)))
    changed = [float(np.abs(m.astype(int) - c.astype(int)).mean()) for m, c in zip(morph, clean, strict=True)]
    assert max(changed[9:15]) > 3 * max(changed[:5])
