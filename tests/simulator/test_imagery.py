"""A prompt is drawn with the pictures its words name, as a model draws what it is asked for."""

from __future__ import annotations

import pytest

from reelgate.simulator.imagery import choose_plate, choose_subject

# Prompts as the Kling adapter sends them: the preset's layers, then the camera sentence.
CYPHER = ("a breakdancer in a white tank top. night street corner under sodium lights, a ring of "
          "onlookers. gritty handheld documentary. Camera: moderate front-left tracking.")


@pytest.mark.parametrize(("prompt", "subject", "plate"), [
    (CYPHER, "person", "wall"),  # a compound noun still names a person; a street is its walls
    ("a white running sneaker on a turntable in a studio", "cup", "table"),
    ("a young woman runs over a footbridge. Camera: tracking.", "person", "path"),
])
def test_the_words_of_a_prompt_pick_its_subject_and_plate(prompt: str, subject: str, plate: str) -> None:
    assert (choose_subject(prompt), choose_plate(prompt)) == (subject, plate)

