"""The built-in words of every report, one small table per language.

A rubric's own titles (dimensions, indicators, grades, vetoes, consequences)
come from the rubric; only the words the engine itself adds live here, so a
report never mixes an English header into a Chinese table. A writer asks for a
word by key (`labels["rank"]`); a key missing from a language is a bug caught
by a test that compares every table with the English one.
"""

from __future__ import annotations

from collections.abc import Mapping

EN: dict[str, str] = {
    "rank": "Rank", "id": "ID", "name": "Name", "score": "Score", "grade": "Grade",
    "vetoes": "Vetoes", "consequences": "Consequences", "not_applicable": "not applicable",
    "na_mark": "—", "reason": "Reason", "amount": "Amount", "total": "Total", "units": "Units",
    "dimension": "Dimension", "indicator": "Indicator", "points": "Points", "max": "Full marks",
    "lost": "Points lost", "value": "Value", "explanation": "Explanation", "effect": "Effect",
    "row": "Row", "unit": "Unit", "field": "Field", "cell": "Value", "granted": "granted",
    "pool": "Pool", "pool_total": "Pool total", "pool_used": "Paid out", "rule": "Rule",
    "status": "Status", "not_assessable": "not assessable (no item applies)",
    "review_ended": "review ended (not scored)",
    "members": "Members", "member": "Member", "figures": "Figures", "bonus": "Bonus", "base": "Base",
    # sheet names (Excel allows 31 characters, no []:*?/\)
    "sheet_ranking": "Ranking", "sheet_deductions": "Deductions", "sheet_consequences": "Consequences",
    "sheet_vetoes": "Vetoes", "sheet_rejected": "Rejected", "sheet_about": "About",
    # the 说明 sheet and the report's header
    "about_rubric": "Rubric", "about_rubric_id": "Rubric id", "about_version": "Rubric version",
    "about_rubric_sha": "Rubric sha256", "about_evidence": "Evidence", "about_evidence_sha": "Evidence sha256",
    "about_rows": "Rows read", "about_scored": "Rows scored", "about_rejected": "Rows rejected",
    "about_engine": "Engine version", "about_created": "Run time", "about_warnings": "Warnings",
    # reason phrases
    "reason_veto": "veto: {titles}", "reason_direct": "directly determined: {titles}", "reason_require": "score reached {grade} (≥ {min}), but not: {require}",
    "effect_zero": "score set to 0", "effect_fail": "lowest grade", "effect_grade": "grade set to {grade}",
    "effect_ends_review": "review ended (no score, grade or rank)", "sheet_members": "Members", "period": "Period",
    # HTML report
    "summary": "Summary", "units_scored": "units scored", "rows_rejected": "rows rejected",
    "grade_distribution": "Grade distribution", "lost_overall": "Where points are lost (all units)",
    "lost_by_group": "Where points are lost, by {group}", "lost_axis": "points lost per unit",
    "ranking": "Ranking", "filter_all": "all", "search": "Search id or name", "shown": "shown",
    "unit_details": "Each unit", "consequence_totals": "Consequences and pools", "rejected_rows": "Rejected rows",
    "analysis": "Analysis", "count": "Count", "generated": "Generated", "print_note": "Click a header to sort.",
    "more_units": "{shown} of {total} units are detailed here; see the JSON result or `scoring explain` for the rest.",
    "share": "share", "vetoed": "vetoed", "previous_score": "last score", "previous_grade": "last grade",
    "previous_rank": "last rank", "previous_vetoed": "vetoed last time",
    "person": "Person", "about_key": "Item", "about_value": "Value",
    "more_rows": "… {rows} more rows: one sheet holds 1,048,576; see the JSON result",
    "reason_granted": "{when} holds", "reason_quota": "within the quota", "reason_pool": "a share of the pool",
}

ZH: dict[str, str] = {
    "rank": "排名", "id": "编号", "name": "名称", "score": "得分", "grade": "等级",
    "vetoes": "否决", "consequences": "奖惩", "not_applicable": "不适用",
    "na_mark": "—", "reason": "原因", "amount": "金额", "total": "合计", "units": "单位数",
    "dimension": "维度", "indicator": "指标", "points": "得分", "max": "满分",
    "lost": "扣分", "value": "数值", "explanation": "说明", "effect": "后果",
    "row": "行", "unit": "单位", "field": "字段", "cell": "值", "granted": "是",
    "pool": "资金池", "pool_total": "资金总额", "pool_used": "已分配", "rule": "分配规则",
    "status": "状态", "not_assessable": "不参评(无适用指标)", "review_ended": "不予评审",
    "members": "成员", "member": "成员", "figures": "指标数据", "bonus": "加分", "base": "基础分",
    "sheet_ranking": "排名", "sheet_deductions": "扣分明细", "sheet_consequences": "奖惩",
    "sheet_vetoes": "否决", "sheet_rejected": "未评", "sheet_about": "说明",
    "about_rubric": "考核方案", "about_rubric_id": "方案编号", "about_version": "方案版本",
    "about_rubric_sha": "方案 sha256", "about_evidence": "数据文件", "about_evidence_sha": "数据 sha256",
    "about_rows": "读入行数", "about_scored": "计分行数", "about_rejected": "未评行数",
    "about_engine": "评分引擎版本", "about_created": "生成时间", "about_warnings": "提示",
    "reason_veto": "一票否决：{titles}", "reason_direct": "直接判定：{titles}", "reason_require": "得分达{grade}线(≥{min})，但不满足：{require}",
    "effect_zero": "得分计为0", "effect_fail": "定为最低等级", "effect_grade": "定为{grade}",
    "effect_ends_review": "不予评审(不计分、不定级、不排名)", "sheet_members": "成员", "period": "期间",
    "summary": "概况", "units_scored": "参评单位", "rows_rejected": "未评行",
    "grade_distribution": "等级分布", "lost_overall": "失分最多的指标(全部单位)",
    "lost_by_group": "失分最多的指标(按{group})", "lost_axis": "平均每单位扣分",
    "ranking": "排名", "filter_all": "全部", "search": "按编号或名称查找", "shown": "显示",
    "unit_details": "逐单位说明", "consequence_totals": "奖惩与资金", "rejected_rows": "未评数据行",
    "analysis": "分析", "count": "数量", "generated": "生成", "print_note": "点击表头可排序。",
    "more_units": "此处列出 {shown} 个单位的说明(共 {total} 个)；其余请查 JSON 结果或 `scoring explain`。",
    "share": "占比", "vetoed": "被一票否决", "previous_score": "上期得分", "previous_grade": "上期等级",
    "previous_rank": "上期排名", "previous_vetoed": "上期被否决",
    "person": "责任人", "about_key": "项目", "about_value": "内容",
    "more_rows": "… 另有 {rows} 行未列出(单个工作表最多 1,048,576 行)，请查 JSON 结果",
    "reason_granted": "满足条件：{when}", "reason_quota": "名额内", "reason_pool": "按资金池分配",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}


def labels_for(language: str) -> Mapping[str, str]:
    """The built-in words of `language`; English for a language without a table."""
    return TABLES.get(language, EN)


# How the built-in methods' one-line rules (`Method.describe`, written in
# English) read in Chinese reports: ordered (pattern, replacement) pairs, tried
# in turn on the whole line. A rule no pattern fits is shown as it is.
RULES_ZH: list[tuple[str, str]] = [
    (r"; all (\S+) deducted when (.+)$", r"；\2 时扣除全部 \1 分"),
    (r"^(\S+) if (\S+) is yes, else (\S+)$", r"\2 为“是”得 \1 分，否则 \3 分"),
    (r", at most (\S+)$", r"，最多 \1 分"),
    (r"^rate = (.+?); ", r"比率 = \1；"),
    (r"full ([-\d.]+) at ≥ ([-\d.]+), 0 at ≤ ([-\d.]+), linear between", r"≥ \2 得满分 \1，≤ \3 得 0，其间按比例"),
    (r"full at ≤ ([-\d.]+), 0 at ≥ ([-\d.]+)", r"≤ \1 满分，≥ \2 得 0"),
    (r"^CV of (\S+) across the member schools, weighted by enrolment; (\S+) points by stage \((.+)\), linear between;"
     r" fewer than (\d+) schools", r"各校 \1 的差异系数(按在校生数加权)；按学段计 \2 分(\3)，其间按比例；少于 \4 所学校"),
    (r"^CV of (\S+) across the member schools; (\S+) points by stage \((.+)\), linear between; fewer than (\d+) schools",
     r"各校 \1 的差异系数；按学段计 \2 分(\3)，其间按比例；少于 \4 所学校"),
    (r"other stage: not applicable", r"其他学段：不适用"),
    (r"^mean of (\S+) / the (.+?) school's (\S+) over the other schools", r"其他各校 \1 与 \2 学校之比的平均"),
    (r"no single lead school", r"龙头校不唯一"),
    (r"^worst D = (.+) over the hazard sources, at most (\S+); no source, or a blank factor",
     r"各危险源 D = \1 的最大值，最多 \2；无危险源或有因子空缺"),
    (r"^hazards rectified by their (\S+) / \(those \+ hazards past their \S+ and not rectified by it\), "
     r"at each check \((.+?)\); open hazards carry into later checks, a hazard still within its deadline is not "
     r"counted", r"按\1整改的隐患数 ÷ (按期整改数 + 逾期未整改数)，每期检查(\2)；未整改隐患结转以后各期，"
     r"仍在整改期限内的不计"),
    (r"(\S+) on (\d{4}-\d{2}-\d{2})", r"\1 于 \2"),
    (r"; no hazard to judge → ", r"；无待判定隐患 → "),
    (r"; denominator 0 → ", r"；分母为 0 → "),
    (r"; ", r"；"),
    (r", else (\S+)$", r"，其他 \1 分"),
    (r"→ not applicable", r"→ 不适用"),
    (r"→ zero$", r"→ 0 分"),
    (r"→ full$", r"→ 满分"),
]

RULES: dict[str, list[tuple[str, str]]] = {"zh": RULES_ZH}

# What the built-in member-row methods report per member (school, hazard
# source), in each language; a name not listed is shown as it is.
MEMBER_WORDS: dict[str, dict[str, str]] = {
    "zh": {"ratio": "比值", "contribution": "差异贡献", "relative": "相对均值", "D": "D值",
           "worst": "最高(1=是)", "overdue_checks": "逾期次数", "on_time": "按期整改(1=是)"},
}


def member_word(name: str, language: str) -> str:
    return MEMBER_WORDS.get(language, {}).get(name, name)
