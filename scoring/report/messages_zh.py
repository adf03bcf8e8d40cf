"""The engine's rejection reasons and warnings in Chinese, for the reports of a Chinese rubric.

The engine makes its messages in English at some fifty sites (`Refused(...)` in
`scoring.cells`, the row checks in `scoring.evidence`, periods, rater panels,
stages, the built-in plugins' checks, `Notice(...)` warnings). The JSON result
keeps them in English, because programs read it; a director's report must not.

Rather than give every site a code and parameters (invasive, and the JSON result
would still hold only the English text that `scoring render` reads), each
English message TEMPLATE is listed here beside its Chinese one with the same
named parts: `"not one of the allowed values: {values}"` is compiled to a regex
that finds `values` in the English text, and the Chinese template is filled
with them. So a message translates the same from a live result and from a JSON
result written years ago, and a message nobody listed (a third-party plugin's
own words) passes through unchanged, in English, rather than being lost.

Two tests keep the catalogue honest (tests/test_messages_zh.py): every entry
must be matched by a message the code really produces (bad evidence driven
through the real loaders), and a scan of `scoring/` and `plugins/` fails when a
literal message at a `Refused(`/`Notice(`/`reject(` site has no entry, telling
the developer who added it to add its Chinese here.

A part's name says how its text is shown (see `_part`): `row` as 第 3 行,
`field` by the field's title from the rubric, `type` as the field type's
Chinese name, `reason`/`message`/`rule`/`where`/`what` translated in turn
(a message wrapping another), lists joined with 、; any other part verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

# English template -> Chinese template. Keep the "what to do" of each message.
CATALOGUE: tuple[tuple[str, str], ...] = (
    # --- a cell that is not a number, a yes/no or a choice (scoring/cells.py) ---
    ("not a number: {count} characters (limit MAX_NUMBER_CHARS = {limit})",
     "不是数字：共 {count} 个字符（上限 MAX_NUMBER_CHARS = {limit}）；请填写阿拉伯数字"),
    ("not a finite number; leave the cell blank if the figure is unknown",
     "不是有效的数字；数字不详时请留空"),
    ("a % sign is only for rate fields; this field is a {type}: write the figure",
     "百分号只用于比率类字段；本字段是{type}，请直接填写数字"),
    ("a currency sign or 元 is only for amounts; this field is a {type}",
     "货币符号或“元”只用于金额；本字段是{type}，请只填写数字"),
    ("write the whole figure in digits (12000, not 1.2万)",
     "请用阿拉伯数字写出完整数字（写 12000，不要写 1.2万）"),
    ("'_' is not a digit separator here; write 1000 or 1,000",
     "“_”不能用作数字分隔符；请写 1000 或 1,000"),
    ("only decimal numbers are read; write the figure in decimal digits",
     "只接受十进制数字；请用十进制阿拉伯数字填写"),
    ("two decimal points; write one, and use commas for thousands (1,234.5)",
     "有两个小数点；只能写一个，千位分隔请用逗号（1,234.5）"),
    ("a space inside a figure may only separate thousands (1 000 000); write the figure without it",
     "数字中的空格只能用作千位分隔（1 000 000）；请去掉空格后填写"),
    ("commas must separate thousands (1,234,567); write a decimal point as '.'",
     "逗号只能用作千位分隔（1,234,567）；小数点请写成“.”"),
    ("not a number", "不是数字；请填写阿拉伯数字"),
    ("too large to be a figure", "数字过大，不是有效数值；请核对"),
    ("not a yes/no value; use 是/否, √/×, Y/N, TRUE/FALSE or 1/0",
     "不是“是/否”值；请填写 是/否、√/×、Y/N、TRUE/FALSE 或 1/0"),
    ("not a yes/no value; use true/false or 1/0", "不是“是/否”值；请填写 true/false 或 1/0"),
    ("not one of the allowed values: {values}", "不是允许的选项；请填写以下之一：{values}"),
    ("not a finite number", "不是有效的数字"),
    # --- a field's checks (scoring/evidence.py) ---
    ("{reason} (field type {type})", "{reason}（字段类型：{type}）"),
    ("a count must be a whole number of 0 or more", "计数必须是 0 或正整数"),
    ("a rate must lie between 0 and 1 (or 0% and 100%)", "比率必须在 0 到 1 之间（或 0% 到 100%）"),
    ('empty, and this field is required; fill it in, or declare missing = "zero" or "not_applicable" for the field',
     '为空，但本字段必填；请填写，或在方案中为该字段声明 missing = "zero" 或 "not_applicable"'),
    ("more than max is {field} ({limit}); check both cells", "大于上限“{field}”（{limit}）；请核对这两格"),
    ("less than min is {field} ({limit}); check both cells", "小于下限“{field}”（{limit}）；请核对这两格"),
    ("above the maximum {limit}", "超过上限 {limit}"),
    ("below the minimum {limit}", "低于下限 {limit}"),
    ("a {key} of {count} characters; the limit is MAX_KEY_CHARS = {limit}",
     "{key}过长：共 {count} 个字符（上限 MAX_KEY_CHARS = {limit}）；请核对"),
    ("a cell of {count} characters; the limit is MAX_CELL_CHARS = {limit}",
     "单元格过长：共 {count} 个字符（上限 MAX_CELL_CHARS = {limit}）；请核对"),
    ("has {count} cells but the header has {width} columns",
     "本行有 {count} 格，但表头有 {width} 列；请检查是否多了或少了单元格"),
    ("key {key} appears twice in this row; keep one", "键 {key} 在本行出现了两次；请只保留一个"),
    ("no unit id; every row needs its {unit}'s id", "缺少单位编号；每一行都要填写所属单位的编号"),
    ("no unit id", "缺少单位编号；请填写"),
    ("a total or average row (合计, 平均 ...), not a unit: delete the row; the engine makes its own totals",
     "合计或平均行（合计、平均等）不是考核单位：请删除该行；合计由评分程序自行计算"),
    ("no period; fill in the period of every row", "缺少考核期；每一行都要填写考核期"),
    ("duplicate unit id (also at {row}); add a period column if a unit has several rows",
     "单位编号重复（另见{row}）；一个单位有多行时请增加考核期列"),
    ("duplicate unit id (also at {row})", "重复的行：与{row}的单位编号（及考核期等）相同；请删除或合并重复的行"),
    ("a row cannot be its own parent", "上级单位不能是本单位自己；请核对上级单位编号"),
    ("the parent is itself a member row; only one level of members is supported",
     "所填的上级单位本身是成员行；只支持一级成员，请填写最上一级单位的编号"),
    ("the parent unit has no row of its own for this period; its fields without a rollup must come from one",
     "上级单位在本考核期没有自己的行；其不由成员汇总的字段要从这一行读取，请补上该单位本身的行"),
    ("the parent unit has no row of its own; its fields without a rollup must come from one",
     "上级单位没有自己的行；其不由成员汇总的字段要从这一行读取，请补上该单位本身的行"),
    ("another row of this unit was rejected ({row})", "同一单位的其他行未通过校验（{row}）；改正该行后本单位即可计分"),
    # --- period labels (scoring/periods.py) ---
    ("period label not declared: it must be {rule}; did you mean {near}?",
     "考核期不符合方案：应为{rule}；是否应为 {near}？"),
    ("period label not declared: it must be {rule} (period_pattern = {pattern})",
     "考核期不符合方案：应为{rule}（period_pattern = {pattern}）"),
    ("period label not declared: it must be {rule}", "考核期不符合方案：应为{rule}"),
    ("one of the rubric's periods ({periods})", "方案规定的考核期之一（{periods}）"),
    ("a year such as 2026", "年份，如 2026"),
    ("a half year such as 2026H1", "半年，如 2026H1"),
    ("a quarter such as 2026Q1", "季度，如 2026Q1"),
    ("a month such as 2026-01", "月份，如 2026-01"),
    ("period labels {first} and {second} differ only in case; use one (or declare periods in the rubric)",
     "考核期 {first} 与 {second} 只有大小写不同；请统一写法（或在方案中声明考核期）"),
    # --- rater panels and self-assessment rows (scoring/panel_rows.py) ---
    ("no stage; fill in the stage of every row", "缺少评审阶段；每一行都要填写评审阶段"),
    ("not a stage of the rubric; write one of {values}", "不是方案规定的评审阶段；请填写以下之一：{values}"),
    ("member rows are not rated; leave the rater blank on a member row", "成员行不评分；成员行的评分人请留空"),
    ("empty in every rater's row, and this field is required; fill it in (in one rater's row is enough), "
     'or declare missing = "zero" or "not_applicable"',
     '每位评分人的行都为空，但本字段必填；请填写（填在任一评分人的行即可），或在方案中声明 missing = "zero" 或 "not_applicable"'),
    ("no rater, while {count} other row(s) of this unit and period {period} name theirs; name the rater of every row",
     "未填评分人，而本单位 {period} 的其他 {count} 行都填了；请为每一行填写评分人"),
    ("no rater, while {count} other row(s) of this unit name theirs; name the rater of every row",
     "未填评分人，而本单位的其他 {count} 行都填了；请为每一行填写评分人"),
    ("the raters disagree on a figure that is not rated ({said}); a fact must be the same in every rater's row "
     "(or blank), or declare the field rated = true",
     "各评分人填写的这项数据不一致（{said}）；非评分的事实数据在每位评分人的行中必须相同（或留空），"
     "或在方案中将该字段声明为 rated = true"),
    # --- hazard registers (plugins/scoring_safety) ---
    ("a hazard needs its {field} date (write 2026-03-15 or 2026年3月15日)",
     "隐患行必须填写“{field}”（日期，如 2026-03-15 或 2026年3月15日）"),
    ("{field} is not a date (write 2026-03-15 or 2026年3月15日)", "“{field}”不是日期；请写成 2026-03-15 或 2026年3月15日"),
    ("{field} falls before the hazard was found ({field2})", "“{field}”早于隐患发现日期“{field2}”；请核对日期"),
    # --- warnings (Notice) ---
    ("{count} column(s) not in the rubric's [fields] were ignored: {columns}",
     "有 {count} 列不在方案的字段（[fields]）中，已忽略：{columns}"),
    ("{count} unit(s) lack some of the {periods} periods ({units}); each is scored on the periods it has, "
     "its last one taken as final",
     "有 {count} 个单位缺少部分考核期（共 {periods} 期）：{units}；按各自已有的考核期计分，以最后一期为终期"),
    ("unit {unit}: no member rows (rows whose '{column}' names this {word}); the items read from member rows are "
     "not applicable to it, which can raise its score",
     "单位 {unit}：没有成员行（{column} 列填写本单位编号的行）；从成员行读取的指标对其不适用，可能使其得分偏高"),
    ("unit {unit}: field {id} ({title}) is blank for {periods}, where other units filled it in and this unit did "
     "in another period; the blank counts as not applicable and is rescaled away, which can raise the score; "
     "fill it in if the figure exists",
     "单位 {unit}：“{title}”（{id}）在 {periods} 为空，而其他单位填了、本单位在其他考核期也填了；"
     "空白按不适用处理并折算，可能使得分偏高；如有该数据请补填"),
    ("unit {unit}: field {field} is blank for {periods}, where other units filled it in and this unit did "
     "in another period; the blank counts as not applicable and is rescaled away, which can raise the score; "
     "fill it in if the figure exists",
     "单位 {unit}：“{field}”在 {periods} 为空，而其他单位填了、本单位在其他考核期也填了；"
     "空白按不适用处理并折算，可能使得分偏高；如有该数据请补填"),
    ("unit {unit}: the raters of '{indicator}' in {period} differ by {spread} points "
     "(more than the spread {limit} the rubric allows)",
     "单位 {unit}：{period} 各评分人对“{indicator}”的评分相差 {spread} 分（超过方案允许的 {limit} 分）；请核实评分"),
    ("unit {unit}: the raters of '{indicator}' differ by {spread} points (more than the spread {limit} the rubric allows)",
     "单位 {unit}：各评分人对“{indicator}”的评分相差 {spread} 分（超过方案允许的 {limit} 分）；请核实评分"),
    ("{count} unit(s) assessed themselves but have no review rows, so they are not scored ({units})",
     "有 {count} 个单位只有自评、没有复评行，未计分（{units}）"),
    ("{count} unit(s) have no self-assessment rows ({units}); conditions on self.* do not hold for them",
     "有 {count} 个单位没有自评行（{units}）；涉及自评（self.*）的条件对其不成立"),
    ("self-assessment (自评) rows: {message}", "自评行：{message}"),
    ("the previous result used rubric version {old}, this run {new}", "上期结果使用的方案版本为 {old}，本次为 {new}"),
    ("the previous result was scored with a different rubric file (sha256 {old}..., this run {new}...); "
     "check that its grades and scale mean what they mean now",
     "上期结果所用的方案文件与本次不同（sha256 {old}…，本次 {new}…）；请确认其等级和分制与本次含义相同"),
    ("{count} unit(s) in the previous result are not assessed now ({units})", "上期结果中有 {count} 个单位本次未参评（{units}）"),
    ("{count} unit(s) have no previous result ({units}); conditions on previous.* do not hold for them",
     "有 {count} 个单位没有上期结果（{units}）；涉及上期（previous.*）的条件对其不成立"),
    ("history {source}: {message}", "往年结果 {source}：{message}"),
    ("consequence(s) {consequences} read earlier years (history.*) but no earlier results were given (--history): "
     "every streak and count is 0 and every earlier score or grade is missing, so a rule needing earlier years "
     "holds for no unit",
     "奖惩“{consequences}”要读取往年结果（history.*），但本次未提供往年结果（--history）：连续年数和次数都按 0 计，"
     "往年得分和等级都缺失，因此需要往年结果的规则对任何单位都不成立；如需评定，请用 --history 提供往年结果"),
    ("{where}: {what} {field} = '{lead}'; indicator '{indicator}' needs exactly one lead school and is not "
     "applicable to this group, which can raise its score",
     "{where}：{what}“{field}”为“{lead}”；指标“{indicator}”要求恰好有一所牵头学校，因此对该集团不适用，可能使其得分偏高"),
    ("group {unit}, period {period}", "集团 {unit}（{period}）"),
    ("group {unit}", "集团 {unit}"),
    ("no member row has", "没有成员行的"),
    ("{count} member rows have", "有 {count} 个成员行的"),
)

TYPES = {"count": "计数", "number": "数值", "rate": "比率", "bool": "是/否", "enum": "选项", "text": "文本"}
KEYS = {"unit id": "单位编号", "period": "考核期", "parent id": "上级单位编号", "rater": "评分人", "stage": "评审阶段"}
NESTED = frozenset({"reason", "message", "rule", "where", "what"})  # parts that are messages themselves


@dataclass(frozen=True)
class Names:
    """What the rubric calls the names a message holds: field, indicator and consequence titles by id."""

    fields: Mapping[str, str] = field(default_factory=dict)
    indicators: Mapping[str, str] = field(default_factory=dict)
    consequences: Mapping[str, str] = field(default_factory=dict)


NO_NAMES = Names()
_PART = re.compile(r"\{([a-z_0-9]+)\}")
# Parts that are one word (an id, a number): matched without spaces, so a phrase around them splits one way.
_WORDS = ("field", "indicator", "type", "count", "width", "id", "limit")
_WORD = r"\S+?"


Entry = tuple[re.Pattern[str], str, str, str, str]  # regex, Chinese, English, literal prefix, literal suffix


@lru_cache(maxsize=1)
def _compiled() -> tuple[Entry, ...]:
    """Each entry as (regex, Chinese, English), the most specific first: wrappers, then more literal text,
    so `duplicate unit id (also at {row}); add ...` is tried before `duplicate unit id (also at {row})`."""
    out = []
    for en, zh in CATALOGUE:
        pieces, last = [], 0
        for m in _PART.finditer(en):
            pieces.append(re.escape(en[last:m.start()]))
            pieces.append(f"(?P<{m.group(1)}>{_WORD if m.group(1).startswith(_WORDS) else '.+?'})")
            last = m.end()
        pieces.append(re.escape(en[last:]))
        # The literal text before the first part and after the last: a cheap test before the regex
        # (a run with a million rejected rows translates each reason).
        prefix, suffix = en.split("{", 1)[0], en.rsplit("}", 1)[-1] if "}" in en else ""
        out.append((re.compile("".join(pieces), re.DOTALL), zh, en, prefix, suffix))
    literal = {en: len(_PART.sub("", en)) for en, _ in CATALOGUE}
    # A prefix wrapping another message (`self-assessment (自评) rows: {message}`) comes first: the
    # message it wraps may match a longer entry too, whose first part would swallow the prefix.
    # Likewise a suffix wrapping a reason (`{reason} (field type {type})`): tried after the prefixes,
    # before any message it may wrap, whose last part would swallow the suffix.
    def wrapper(en: str) -> bool:
        return (en.endswith("{message}") and not en.startswith("{")) or en.startswith("{reason}")

    return tuple(sorted(out, key=lambda t: (not wrapper(t[2]), -literal[t[2]])))


def row_label(label: str) -> str:
    """Where a row is, in Chinese: `row 3` → 第 3 行, `Sheet1 row 3` → Sheet1 第 3 行,
    `line 3` (JSONL) → 第 3 行, `item 3` (a JSON array) → 第 3 项; anything else as it is."""
    m = re.fullmatch(r"(?:(.*\S)\s+)?(row|line|item) (\d+)", label.strip())
    if m is None:
        return label
    prefix = f"{m.group(1)} " if m.group(1) else ""
    return f"{prefix}第 {m.group(3)} {'项' if m.group(2) == 'item' else '行'}"


def field_name(name: str, names: Names) -> str:
    """A field as a message names it: its title from the rubric, or the id where it has none."""
    return names.fields.get(name) or name


def _listed(text: str, title: Callable[[str], str]) -> str:
    return "、".join(title(x) for x in text.split(", "))


def _part(name: str, value: str, names: Names, hits: set[str] | None) -> str:
    if name in NESTED:
        return translate(value, names, hits=hits)
    if name.startswith("row"):
        return row_label(value)
    if name.startswith("field"):
        return field_name(value, names)
    if name == "type":
        return TYPES.get(value, value)
    if name == "key":
        return KEYS.get(value, value)
    if name == "indicator":
        return names.indicators.get(value) or value
    if name == "consequences":
        return _listed(value, lambda c: names.consequences.get(c) or c)
    if name == "values":
        return value.replace(", ", "、")
    if name == "said":
        return value.replace("(no rater)", "（未填评分人）")
    return value


def translate(message: str, names: Names = NO_NAMES, *, hits: set[str] | None = None) -> str:
    """`message` in Chinese when the catalogue knows its template, else unchanged.

    `hits`, when given, collects the English templates used (the tests' proof that every
    entry is matched by a message the code really makes).
    """
    for pattern, zh, en, prefix, suffix in _compiled():
        if not (message.startswith(prefix) and message.endswith(suffix)):
            continue
        m = pattern.fullmatch(message)
        if m is None:
            continue
        if hits is not None:
            hits.add(en)
        parts = {k: _part(k, v, names, hits) for k, v in m.groupdict().items()}
        return _PART.sub(lambda p: parts[p.group(1)], zh)
    return message
