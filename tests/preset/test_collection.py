"""Presets collected as pytest items: ids, selection, marks, fixtures, reports and xdist."""

from __future__ import annotations

import pytest

from tests.suites import VALID, SuiteWriter


def test_each_preset_yields_a_schema_item_with_a_yaml_node_id(suite: SuiteWriter) -> None:
    suite.preset("ad/cup.yaml")
    suite.preset("product/shoe.yml", VALID.replace("scenario: ad", "scenario: product"))
    result = suite.pytester.runpytest("presets", "--co", "-q")
    result.stdout.fnmatch_lines(["presets/ad/cup.yaml::schema", "presets/product/shoe.yml::schema"])
    assert "scenarios.yaml" not in result.stdout.str()


def test_collection_order_is_sorted_and_skips_references(suite: SuiteWriter) -> None:
    for name in ("zeta.yaml", "alpha.yaml", "mid/beta.yaml"):
        suite.preset(name, VALID)
    suite.preset("references/notes.yaml", "just: data\n")
    result = suite.pytester.runpytest("presets", "--co", "-q")
    files = [line.split("::")[0] for line in result.outlines if "::schema" in line]
    assert files == sorted(files) == ["presets/alpha.yaml", "presets/mid/beta.yaml", "presets/zeta.yaml"]
    assert not any("references" in line for line in result.outlines)


def test_valid_preset_passes_and_invalid_fails_without_traceback(suite: SuiteWriter) -> None:
    suite.preset("good.yaml")
    suite.preset("bad.yaml", VALID.replace("score: 3", "score: 30"))
    result = suite.pytester.runpytest("presets", "-k", "schema")
    result.assert_outcomes(passed=1, failed=1, deselected=4)
    result.stdout.fnmatch_lines(["presets/bad.yaml:6:17: motion.score: 30 is out of range*"])
    assert "Traceback" not in result.stdout.str()
    assert "reelgate/" not in result.stdout.str()


def test_k_selects_by_preset_and_item_name(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    suite.preset("shoe.yaml")
    result = suite.pytester.runpytest("presets", "-k", "shoe and schema")
    result.assert_outcomes(passed=1, deselected=9)
    result = suite.pytester.runpytest("presets", "-k", "shoe and sweep and not mid", "--co", "-q")
    result.stdout.fnmatch_lines(["presets/shoe.yaml::sweep?low?", "*1/10 tests collected (9 deselected)*"])


def test_marks_from_yaml_select_with_m_and_xfail_applies(suite: SuiteWriter) -> None:
    suite.pytester.makeini("[pytest]\nmarkers =\n    smoke: quick ones\n")
    suite.preset("cup.yaml", VALID + "marks: [smoke]\n")
    suite.preset("shoe.yaml", VALID)
    suite.preset("broken.yaml", VALID.replace("score: 3", "score: 30")
                 + "marks: [{xfail: {reason: known drift, only: [schema]}}]\n")
    result = suite.pytester.runpytest("presets", "-m", "smoke", "--strict-markers", "-k", "schema")
    result.assert_outcomes(passed=1, deselected=10)
    result = suite.pytester.runpytest("presets", "-k", "broken", "-rx")
    result.assert_outcomes(xfailed=1, deselected=10)
    result.stdout.fnmatch_lines(["*known drift*"])


def test_yaml_marks_need_no_registration_and_every_item_is_marked_preset(suite: SuiteWriter) -> None:
    suite.pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    suite.preset("cup.yaml", VALID + "marks: [smoke]\n")
    suite.preset("shoe.yaml", VALID)
    result = suite.pytester.runpytest("presets", "test_plain.py", "-m", "smoke", "--strict-markers",
                                      "-W", "error::pytest.PytestUnknownMarkWarning", "--co", "-q")
    result.stdout.fnmatch_lines(["presets/cup.yaml::schema", "*5/11 tests collected (6 deselected)*"])
    result = suite.pytester.runpytest("presets", "test_plain.py", "-m", "preset", "--co", "-q")
    result.stdout.fnmatch_lines(["*10/11 tests collected (1 deselected)*"])  # all but test_plain


def test_skip_mark_with_reason(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml", VALID + "marks: [{skip: waiting for the new reference}]\n")
    result = suite.pytester.runpytest("presets", "-rs")
    result.assert_outcomes(skipped=5)  # schema, the three sweep points and regression
    assert "renders replayed" not in result.stdout.str()  # nothing is rendered for skipped items
    result.stdout.fnmatch_lines(["*waiting for the new reference*"])


def test_module_scoped_fixtures_work_on_preset_items(suite: SuiteWriter) -> None:
    suite.pytester.makeconftest(
        """
        import pytest

        SEEN = []

        @pytest.fixture(scope="module", autouse=True)
        def per_file(request):
            SEEN.append(request.path.name)
            yield request.module.__file__

        def pytest_sessionfinish(session):
            print("modules seen:", sorted(SEEN))
        """
    )
    suite.preset("cup.yaml")
    suite.preset("shoe.yaml")
    result = suite.pytester.runpytest("presets", "-s", "-k", "schema")
    result.assert_outcomes(passed=2, deselected=8)
    assert "modules seen: ['cup.yaml', 'shoe.yaml']" in result.stdout.str()


def test_last_failed_reruns_only_the_failing_preset(suite: SuiteWriter) -> None:
    suite.preset("good.yaml")
    bad = suite.preset("bad.yaml", VALID.replace("slow push-in", "slow spin"))
    suite.pytester.runpytest("presets", "-k", "schema").assert_outcomes(passed=1, failed=1, deselected=4)
    result = suite.pytester.runpytest("presets", "--lf", "-k", "schema")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*rerun previous 1 failure*"])
    bad.write_text(VALID)
    suite.pytester.runpytest("presets", "--lf", "-k", "schema").assert_outcomes(passed=1)


def test_junit_xml_names_the_preset_file(suite: SuiteWriter) -> None:
    suite.preset("bad.yaml", VALID.replace("scenario: ad", "scenario: add"))
    suite.pytester.runpytest("presets", "--junitxml=out.xml")
    xml = (suite.root / "out.xml").read_text()
    assert 'name="schema"' in xml
    assert "presets/bad.yaml:2:11: scenario: unknown scenario 'add' (did you mean 'ad'?)" in xml


def test_failure_location_is_the_yaml_file(suite: SuiteWriter) -> None:
    suite.preset("bad.yaml", "id: named-one\n" + VALID.replace("version: 1", "version: 0"))
    result = suite.pytester.runpytest("presets", "-rf")
    result.stdout.fnmatch_lines(["FAILED presets/bad.yaml::schema - 1 schema error in bad.yaml:"])
    reports = suite.pytester.inline_run("presets").getreports("pytest_runtest_logreport")
    failed = [r for r in reports if r.failed]
    assert failed[0].location[0] == "presets/bad.yaml"
    assert failed[0].location[1] == 0  # the line of 'id:', counted from 0


@pytest.mark.parametrize("workers", ["2"])
def test_xdist_runs_the_same_items(suite: SuiteWriter, workers: str) -> None:
    for i in range(6):
        suite.preset(f"p{i}.yaml", VALID if i % 2 else VALID.replace("score: 3", "score: 9"))
    result = suite.pytester.runpytest_subprocess("presets", "-n", workers, "-k", "schema")
    result.assert_outcomes(passed=3, failed=3)


def test_plugin_can_be_disabled(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    result = suite.pytester.runpytest("presets", "-p", "no:reelgate")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_custom_preset_paths_and_scenarios_file(suite: SuiteWriter) -> None:
    suite.pytester.makeini("[pytest]\npreset_paths = suites/video\npreset_scenarios = conf/sc.yaml\n")
    (suite.root / "conf").mkdir()
    (suite.root / "conf" / "sc.yaml").write_text((suite.root / "presets" / "scenarios.yaml").read_text())
    target = suite.root / "suites" / "video" / "cup.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(VALID)
    suite.preset("ignored.yaml")
    result = suite.pytester.runpytest("suites", "presets", "-k", "schema")
    result.assert_outcomes(passed=1, deselected=4)
