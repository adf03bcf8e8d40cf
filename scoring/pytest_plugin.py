"""A pytest plugin: a rubric's checks as test items in the user's own suite.

Installed with the package (entry point `pytest11`). One line of configuration
turns each listed rubric into test items, with readable ids:

    # pytest.ini (or [tool.pytest.ini_options] in pyproject.toml)
    [pytest]
    scoring_rubrics = rubrics/my-rubric.toml

    $ pytest -v
    rubrics/my-rubric.toml::validate PASSED
    rubrics/my-rubric.toml::lint PASSED
    rubrics/my-rubric.toml::example 0: a clean year PASSED
    rubrics/my-rubric.toml::property bounds PASSED
    ...

`--scoring-rubric PATH` adds rubrics from the command line, and
`scoring_max_examples` (ini) or `--scoring-max-examples N` sets how many
evidence tables each property draws. The `scoring_engine` fixture gives a
ready engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .engine import Engine
from .errors import ScoringError

_ENGINE_KEY = pytest.StashKey[Engine]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scoring", "rubric checks (scoring)")
    group.addoption("--scoring-rubric", action="append", default=[], metavar="PATH",
                    help="check this rubric file as test items (repeatable)")
    group.addoption("--scoring-max-examples", type=int, default=None, metavar="N",
                    help="evidence tables drawn per property check")
    parser.addini("scoring_rubrics", type="linelist", default=[], help="rubric files to check as test items")
    parser.addini("scoring_max_examples", default="50", help="evidence tables drawn per property check (50)")
    parser.addini("scoring_seed", default="0", help="hypothesis seed of the property checks (0)")


def _engine(config: pytest.Config) -> Engine:
    if _ENGINE_KEY not in config.stash:
        config.stash[_ENGINE_KEY] = Engine()
    return config.stash[_ENGINE_KEY]


@pytest.fixture
def scoring_engine(request: pytest.FixtureRequest) -> Engine:
    """A ready scoring engine with every installed plugin."""
    return _engine(request.config)


class RubricFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .check import property_names

        yield RubricItem.from_parent(self, name="validate", check="validate")
        try:
            rubric = _engine(self.config).load_rubric(self.path)
        except ScoringError:
            return  # the validate item reports it
        yield RubricItem.from_parent(self, name="lint", check="lint")
        for k, ex in enumerate(rubric.model.example):
            # No brackets: pytest would read them as parameters in node ids.
            title = " ".join(ex.title.split())
            yield RubricItem.from_parent(self, name=f"example {k}: {title}", check="example", index=k)
        for name in property_names(rubric):
            yield RubricItem.from_parent(self, name=f"property {name}", check="property", prop=name)


class RubricCheckFailed(Exception):
    pass


class RubricItem(pytest.Item):
    def __init__(self, *, check: str, index: int = 0, prop: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check, self.index, self.prop = check, index, prop

    def runtest(self) -> None:
        from .check import check_properties, lint
        from .examples import run_examples

        engine = _engine(self.config)
        try:
            rubric = engine.load_rubric(self.path)
        except ScoringError as exc:
            raise RubricCheckFailed(str(exc)) from None
        if self.check == "lint":
            errors = [f for f in lint(rubric) if f.severity == "error"]
            if errors:
                raise RubricCheckFailed("\n".join(f.render() for f in errors))
        elif self.check == "example":
            outcome = run_examples(engine, rubric)[self.index]
            if not outcome.passed:
                raise RubricCheckFailed("; ".join(outcome.problems))
        elif self.check == "property":
            option = self.config.getoption("scoring_max_examples")
            max_examples = option if option is not None else int(self.config.getini("scoring_max_examples"))
            seed = int(self.config.getini("scoring_seed"))
            findings = check_properties(engine, rubric, max_examples=max_examples, seed=seed, only=[self.prop])
            if findings:
                raise RubricCheckFailed("\n".join(f.render() for f in findings))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RubricCheckFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # pytest shows `domain` after the file, turning its dots into "::".
        return self.path, None, self.name


def _configured(config: pytest.Config) -> list[Path]:
    paths = list(config.getoption("scoring_rubric")) + list(config.getini("scoring_rubrics"))
    resolved: list[Path] = []
    for raw in paths:
        path = (Path(raw) if Path(raw).is_absolute() else config.rootpath / raw).resolve()
        if path not in resolved:
            resolved.append(path)
    return resolved


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> RubricFile | None:
    # A configured rubric named on the command line (or under a directory
    # collected) is collected like a test file, so its node ids can be rerun.
    if file_path.suffix == ".toml" and file_path.resolve() in _configured(parent.config):
        return RubricFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # A plain `pytest` run also checks configured rubrics outside the test
    # paths; when the user names what to run, only what they named runs.
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        return
    collected = {item.path.resolve() for item in items if isinstance(item, RubricItem)}
    for path in _configured(config):
        if path in collected:
            continue
        try:
            nodeid = path.relative_to(config.rootpath).as_posix()
        except ValueError:
            nodeid = path.as_posix()
        items.extend(RubricFile.from_parent(session, path=path, nodeid=nodeid).collect())
