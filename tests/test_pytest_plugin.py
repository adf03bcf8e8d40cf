"""The pytest plugin: one line of configuration runs a rubric's checks in a user's suite."""

from __future__ import annotations


import pytest

from tests.conftest import rubric_text, single_indicator

pytest_plugins = ["pytester"]

FIELDS = '[fields]\na = { type = "count", max = 20, direction = "higher_is_better" }\nb = { type = "count" }\nflag = { type = "bool" }\n'
GOOD = rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 10'), fields=FIELDS) + \
    '\n[[example]]\ntitle = "full marks"\nevidence = { a = 10, b = 0, flag = true }\nexpect = { score = 100 }\n'


def test_one_line_of_configuration_runs_a_rubrics_checks(pytester: pytest.Pytester):
    pytester.makefile(".toml", good=GOOD)
    pytester.makeini("[pytest]\nscoring_rubrics = good.toml\nscoring_max_examples = 10\n")
    pytester.makepyfile(test_mine="def test_engine_fixture(scoring_engine):\n"
                                  "    assert 'deduction' in scoring_engine.registry.methods\n")
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)  # fixture test, validate, lint, 1 example, 4 properties
    result.stdout.fnmatch_lines(["*good.toml::example 0: full marks PASSED*",
                                 "*good.toml::property monotone a PASSED*"])


def test_a_faulty_rubric_fails_with_its_counterexample(pytester: pytest.Pytester):
    bad = rubric_text(single_indicator(10, "expression", 'value = "10 - a / 2"'), fields=FIELDS)
    pytester.makefile(".toml", bad=bad)
    result = pytester.runpytest("--scoring-rubric", "bad.toml", "--scoring-max-examples", "20", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*monotone a: raising a from*", "*[[]example[]]*"])


def test_an_invalid_rubric_fails_its_validate_item(pytester: pytest.Pytester):
    pytester.makefile(".toml", broken=GOOD.replace("target = 10", "tagret = 10"))
    result = pytester.runpytest("--scoring-rubric", "broken.toml", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*unknown key 'tagret'; did you mean 'target'*"])


def test_no_configuration_adds_nothing(pytester: pytest.Pytester):
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_is_registered_by_entry_point():
    from importlib.metadata import entry_points

    assert any(ep.value == "scoring.pytest_plugin" for ep in entry_points(group="pytest11"))


def test_rubric_items_can_be_selected_and_rerun_by_node_id(pytester: pytest.Pytester):
    pytester.makefile(".toml", good=GOOD)
    pytester.makeini("[pytest]\nscoring_rubrics = good.toml\nscoring_max_examples = 5\n")
    pytester.makepyfile(test_mine="def test_a():\n    pass\n")
    only_mine = pytester.runpytest("test_mine.py::test_a", "-p", "no:cacheprovider")
    only_mine.assert_outcomes(passed=1)  # naming a test runs that test, not the rubric's items
    one_item = pytester.runpytest("good.toml::example 0: full marks", "-p", "no:cacheprovider")
    one_item.assert_outcomes(passed=1)
    whole = pytester.runpytest("good.toml", "-p", "no:cacheprovider")
    whole.assert_outcomes(passed=7)
