"""Verdicts: the rubric on each clip, k-of-n per sweep point, motion response, regression compare."""
