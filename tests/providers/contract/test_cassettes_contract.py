"""The example suite's recordings hold what Kling's API documents: each recorded create body is a
valid request for its endpoint and each recorded answer a documented envelope, so replay never
trains the gate on a wire the live provider would refuse."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from tests.providers.contract import kling_wire as wire
from tests.providers.contract.answers import answer_check
from tests.providers.contract.cases import REPO
from tests.providers.contract.strict import check_model_input

CASSETTES = sorted((REPO / "cassettes").glob("*/*.yaml"))
KLING_API = "/v1/videos/"


def test_the_examples_have_recordings() -> None:
    assert len(CASSETTES) >= 8


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_recorded_requests_and_answers_are_documented(cassette: Path) -> None:
    interactions = yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]
    api = [i for i in interactions if urlsplit(i["request"]["uri"]).path.startswith(KLING_API)]
    assert api, f"{cassette} records no call to Kling's API"
    check = answer_check("kling")
    for interaction in api:
        sent, answer = interaction["request"], interaction["response"]
        path = urlsplit(sent["uri"]).path
        if sent["method"] == "POST":
            check_model_input(wire.ENDPOINTS[path], json.loads(sent["body"]),
                              f"{cassette.name}: POST {path}")
        check(httpx.Request(sent["method"], sent["uri"]),
              httpx.Response(answer["status"]["code"], content=answer["body"]["string"],
                             headers={"content-type": "application/json"}))
