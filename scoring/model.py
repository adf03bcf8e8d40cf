"""The rubric format as pydantic models.

One declaration gives parsing, the error messages and (later) the JSON Schema,
so every key of the format lives here and nowhere else. Unknown keys are
refused everywhere except on an indicator, whose extra keys are its method's
parameters and are checked against that method's own model when the plan is
compiled (the core does not know any method's parameters).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .names import name_problem


class _Strict(BaseModel):
    # inf and nan are valid TOML floats, but no points, weight or amount can be one.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_name(value: str, what: str) -> str:
    # Names are read by rubric expressions and written as result columns, so
    # they must be identifiers that mean one thing: see scoring.names.
    problem = name_problem(value, what)
    if problem:
        raise ValueError(problem)
    return value


# Table keys checked as names; an error's key path ends in the offending key
# (`fields.score`), see scoring.rubric.key_path.
FieldName = Annotated[str, AfterValidator(lambda v: _check_name(v, "field name"))]
PhaseName = Annotated[str, AfterValidator(lambda v: _check_name(v, "phase name"))]

FieldType = Literal["count", "number", "rate", "bool", "enum", "text"]
MissingPolicy = Literal["error", "zero", "not_applicable"]
Rollup = Literal["sum", "mean", "min", "max", "weighted_mean"]
PeriodCombiner = Literal["mean", "min", "max", "last"]
# How the figures of several raters (an inspection panel) combine: see scoring.panels.
RaterCombiner = Literal["mean", "median", "trimmed_mean", "min", "max"]


class FieldSpec(_Strict):
    """One evidence column."""

    type: FieldType
    title: str = ""
    missing: MissingPolicy = "error"
    min: float | str | None = None
    max: float | str | None = None
    values: list[str] | None = None
    direction: Literal["higher_is_better", "lower_is_better"] | None = None
    rollup: Rollup | None = None
    weight: str | None = None
    unit: str = ""
    # Other headers this column may carry in evidence (besides its id and title).
    aliases: list[str] = []
    # A label (a name, an industry): reports show it beside the unit. Like any field no rule reads,
    # it may be left out or blank.
    label: bool = False
    # Each rater of a panel gives their own figure (a judgement), combined by `[raters] combine`;
    # a field that is not rated is a fact, which the raters who fill it in must agree on.
    rated: bool = False

    @property
    def numeric(self) -> bool:
        return self.type in ("count", "number", "rate")


class RubricInfo(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=100)
    title: str
    version: str
    unit: str = "unit"
    scale: float = Field(default=100, gt=0)
    precision: int = Field(default=1, ge=0, le=6)
    not_applicable: Literal["rescale", "full"] = "rescale"
    description: str = ""
    sample: str | None = None
    # Earlier results that go with the sample (a directory of result files, or one),
    # read as --history when the sample is run and no --history is given.
    sample_history: str | None = None
    id_column: str = "id"
    period_column: str = "period"
    parent_column: str = "parent"
    # Headers the key columns may carry besides their names: a title (used in templates) and aliases.
    id_title: str = ""
    id_aliases: list[str] = []
    period_title: str = ""
    period_aliases: list[str] = []
    parent_title: str = ""
    parent_aliases: list[str] = []
    # The period labels evidence may use, in time order; or their form.
    periods: list[str] | None = Field(default=None, min_length=1)
    period_pattern: Literal["year", "half", "quarter", "month"] | None = None
    # Reports: their language ("zh" or "en") for built-in words, the text field
    # that names a unit in tables, and the fields reports filter and chart by.
    language: Literal["zh", "en"] = "en"
    name: str | None = None
    groups: list[str] = []


class PhaseSpec(_Strict):
    weight: float = Field(ge=0, le=1)
    periods: PeriodCombiner | None = None


class IndicatorSpec(BaseModel):
    """An indicator; keys other than these are its method's parameters."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    id: str
    title: str = ""
    points: float = Field(gt=0)
    method: str
    note: str = ""
    replaces: str | None = Field(default=None, description=(
        "The id this indicator had in the rubric's previous version, so `scoring impact OLD NEW` "
        "compares the renamed indicator with its old self."))

    # How this item's points from several raters combine, when not as `[raters] combine` says.
    raters: RaterCombiner | None = None

    _id = field_validator("id")(lambda v: _check_name(v, "indicator id"))
    _replaces = field_validator("replaces")(lambda v: v if v is None else _check_name(v, "replaces"))

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class DimensionSpec(_Strict):
    id: str
    title: str = ""
    phase: str | None = None
    points: float = Field(gt=0)
    kind: Literal["base", "bonus"] = "base"
    indicator: list[IndicatorSpec] = Field(min_length=1)

    _id = field_validator("id")(lambda v: _check_name(v, "dimension id"))


class VetoSpec(_Strict):
    """一票否决. `fail`: the lowest grade, score kept; `zero`: score 0;
    `grade`: the named `grade`, score kept (a direct determination, 直接判定)."""

    id: str
    title: str
    when: str
    effect: Literal["fail", "zero", "grade"] = "fail"
    grade: str | None = None
    blocks: list[str] = []
    # The review ends here (评审前提条件 / 不予评审): no score, grade or rank at
    # all, rather than a score vetoed afterwards (scoring.review).
    ends_review: bool = False

    _id = field_validator("id")(lambda v: _check_name(v, "veto id"))

    @model_validator(mode="after")
    def _ends_alone(self) -> VetoSpec:
        if self.ends_review and (self.effect != "fail" or self.grade is not None):
            raise ValueError("a veto with ends_review = true gives no score and no grade: "
                             "leave out effect and grade")
        return self


class GradeSpec(_Strict):
    name: str = Field(min_length=1)
    min: float
    require: str | None = None


class RankSpec(_Strict):
    ties: Literal["min", "dense"] = "min"
    tie_break: list[str] = []
    within: str | None = None
    vetoed: Literal["last", "score"] = "last"


class QuotaSpec(_Strict):
    """At most `count` units, or `share` of the assessed units, best rank first."""

    count: int | None = Field(default=None, ge=0)
    share: float | None = Field(default=None, ge=0, le=1)
    rounding: Literal["floor", "half_up", "ceil"] = "floor"
    ties: Literal["include", "exclude"] = "exclude"
    within: str | None = None


class PayoutSpec(BaseModel):
    """How a granted unit is paid: `kind` names a payout kind registered by a plugin;
    the other keys are that kind's parameters (checked against its own model)."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    kind: str


class ConsequenceSpec(_Strict):
    id: str
    title: str
    when: str
    quota: QuotaSpec | None = None
    # `amount` and `pool` are shorthands claimed by payout kinds (a number, an
    # expression, a table by grade; a pool's parameters); `payout` names any kind.
    amount: float | str | dict[str, float] | None = None
    pool: dict[str, Any] | None = None
    payout: PayoutSpec | None = None
    blocks: list[str] = []
    achievement: str | None = None
    applies_to: Literal["unit", "person"] = "unit"
    person_role: str | None = None
    person_field: str | None = None

    _id = field_validator("id")(lambda v: _check_name(v, "consequence id"))


class ExampleExpect(_Strict):
    # "review_ended": a veto with ends_review held, so there is no score, grade or rank.
    status: Literal["scored", "not_assessable", "review_ended"] | None = None
    score: float | None = None
    grade: str | None = None
    vetoed: bool | None = None
    vetoes: list[str] | None = None
    bonus: float | None = None
    indicators: dict[str, float] | None = None
    dimensions: dict[str, float] | None = None
    consequences: list[str] | None = None


class ExampleSpec(_Strict):
    """A worked example: one unit's evidence and what the rubric must give.

    `evidence` is one row; `rows` is several (one per period).
    """

    title: str
    evidence: dict[str, Any] | None = None
    rows: list[dict[str, Any]] | None = None
    expect: ExampleExpect


class MemberGradeSpec(_Strict):
    name: str = Field(min_length=1)
    min: float


class MemberResultSpec(_Strict):
    """Each member row's own result (a school under its education group): a score
    from its own figures and the figures the unit's items report for it, and
    grades on that score (scoring.member_results)."""

    title: str = ""
    score: str
    scale: float = Field(default=100, gt=0)
    grade: list[MemberGradeSpec] = []

    @model_validator(mode="after")
    def _bands(self) -> MemberResultSpec:
        mins = [g.min for g in self.grade]
        if any(a <= b for a, b in zip(mins, mins[1:])):
            raise ValueError("member_result grades are listed from the highest min down, strictly")
        if len({g.name for g in self.grade}) != len(self.grade):
            raise ValueError("member_result grades need distinct names")
        return self


class RatersSpec(_Strict):
    """Rater panels (scoring.panels): evidence rows name their rater in `column`."""

    column: str = "rater"
    title: str = ""
    aliases: list[str] = []
    combine: RaterCombiner = "mean"
    # trimmed_mean drops the highest and the lowest figure when at least this many raters scored.
    trim_from: int = Field(default=3, ge=3)
    # A warning when an item's rater points differ by more than this (largest - smallest).
    spread: float | None = Field(default=None, ge=0)


class StagesSpec(_Strict):
    """Self-assessment and review (scoring.stages): evidence rows name their stage in `column`."""

    column: str = "stage"
    title: str = ""
    aliases: list[str] = []
    # Labels accepted besides `self` and `review` (after NFKC, trimming and case folding).
    self_labels: list[str] = ["自评"]
    review_labels: list[str] = ["复评"]


class RubricModel(_Strict):
    format: Literal[1]
    rubric: RubricInfo
    fields: dict[FieldName, FieldSpec]
    phases: dict[PhaseName, PhaseSpec] = {}
    dimension: list[DimensionSpec] = Field(min_length=1)
    veto: list[VetoSpec] = []
    grade: list[GradeSpec] = Field(min_length=1)
    rank: RankSpec = RankSpec()
    consequence: list[ConsequenceSpec] = []
    example: list[ExampleSpec] = []
    member_result: MemberResultSpec | None = None
    raters: RatersSpec | None = None
    stages: StagesSpec | None = None
