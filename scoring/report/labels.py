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
    # amendments (--amend) and committee decisions (--decisions) in the reports
    "sheet_amendments": "Amendments", "sheet_decisions": "Committee decisions",
    "amendments": "Amendments", "decisions": "Committee decisions",
    "workflow": "Amendments and committee decisions", "old_value": "Old value",
    "new_value": "New value", "approved_by": "Approved by", "target": "Decision on", "action": "Decision",
    "by_rules": "By the rules", "by_committee": "Now stands", "decided_by": "Decided by", "date": "Date",
    "source": "Source", "action_grant": "grant", "action_deny": "deny", "action_set": "set to {value}",
    "side_granted": "granted", "side_not_granted": "not granted", "side_amount": "{text}, amount {amount}",
    "side_grade": "{grade}", "overridden_mark": "decided by the committee",
    "decision_cell": "{target}: rules {rule} → {decided} ({reason}; {by}, {date})",
    "amendment_cell": "{field}{period}: {old} → {new} ({reason}; {by})", "period_in": " (period {period})",
    "list_sep": "; ", "decision_reason": "Reason",
    "self_score": "Self-assessment", "self_gap": "Gap (self − review)",
    # rejected rows and warnings (a Chinese report adds the column and names rows 第 3 行)
    "column": "Column", "id_column": "Unit id", "parent_column": "Parent", "stage_column": "Stage",
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
    "sheet_amendments": "复核更正", "sheet_decisions": "会议决定",
    "amendments": "复核更正", "decisions": "会议决定",
    "workflow": "复核更正与会议决定", "old_value": "原值",
    "new_value": "新值", "approved_by": "批准人", "target": "事项", "action": "决定",
    "by_rules": "按规则", "by_committee": "现结果", "decided_by": "决定人", "date": "日期",
    "source": "来源", "action_grant": "授予", "action_deny": "不予", "action_set": "改为{value}",
    "side_granted": "给予", "side_not_granted": "不给予", "side_amount": "{text}，金额 {amount}",
    "side_grade": "{grade}", "overridden_mark": "经会议决定",
    "decision_cell": "{target}：规则{rule}→现{decided}（{reason}；{by}，{date}）",
    "amendment_cell": "{field}{period}：{old}→{new}（{reason}；{by}）", "period_in": "（{period}）",
    "list_sep": "；", "decision_reason": "理由",
    "self_score": "自评得分", "self_gap": "自评差(自评−复评)",
    "column": "列", "id_column": "单位编号", "parent_column": "上级单位", "stage_column": "评审阶段",
}

# `scoring explain`, in the rubric's language: section titles (`ex_sec_*`, looked
# up by the section's key, so a new section only adds its title here) and the
# phrases of its lines. The English entries are the explanation's own words.
EXPLAIN_EN: dict[str, str] = {
    "ex_sec_head": "{unit} {id} — {title} ({rubric} {version})", "ex_sec_dimension": "{title} [{id}]",
    "ex_sec_totals": "Totals", "ex_sec_grade": "Grade", "ex_sec_rank": "Rank", "ex_sec_consequences": "Consequences",
    "ex_sec_amendments": "Amendments (复核更正, applied to the evidence before scoring)",
    "ex_sec_decisions": "Committee decisions (override the rules above)", "ex_sec_margins": "Margins",
    "ex_sec_earlier": "Earlier results the rules read (--previous, --history)",
    "ex_not_assessable": "not assessable: no item of the rubric applies to this unit, so it has no score, grade or rank",
    "ex_review_ended": "review ended (不予评审) by {vetoes}: the unit has no score, grade or rank; the items below "
                       "are the evidence's figures, which make no total",
    "ex_veto_ends": "the review ends: no score, grade or rank",
    "ex_sec_member_results": "{title} (each member's own result; not part of the unit's score)",
    "ex_member_score": "score = {score}", "ex_member_result": "member {id}{name}: {shown}",
    "ex_member_graded": "{score}, grade {grade}", "ex_member_ungraded": "{score}, no grade",
    "ex_member_none": "no result (a figure it reads is blank or undefined)",
    "ex_summary": "score {score}, grade {grade}, rank {rank}", "ex_phase_of": ", phase {phase}",
    "ex_bonus_mark": " (bonus)", "ex_indicator": "{title} [{id}], {points} points, {method}: {rule}",
    "ex_period": "period {period}: ", "ex_blank": "(blank)", "ex_sep": ", ",
    "ex_cond_holds": "; {param} `{source}` holds", "ex_cond_fails": "; {param} `{source}` does not hold",
    "ex_na_fields": "{fields} not applicable", "ex_na_method": "not applicable (method)",
    "ex_item_na": "{label}{inputs} → {why} → item rescaled away",
    "ex_undefined": " (the figure is undefined, a division by zero?, so it earns 0)",
    "ex_floored": " (floored at 0 from {raw}: 扣完为止)", "ex_capped": " (capped at {points} from {raw})",
    "ex_item": "{label}{inputs} → value {value} → {points} points{note}", "ex_member": "member {id}: {figures}",
    "ex_combined": "combined over periods ({how}): {points} points",
    "ex_na_every": "not applicable in every period: rescaled away", "ex_bonus_earned": "bonus items earn {earned}{cap}",
    "ex_bonus_cap": "; capped at {points}",
    "ex_dimension": "dimension: {earned} of {applicable} applicable points (full {full})",
    "ex_phase": "phase {name}: {earned} / {applicable} × {scale} = {score}, weight {weight}",
    "ex_base": "base total (缺项折算 {rule}): {base}", "ex_bonus": "bonus: {bonus}",
    "ex_veto_zero": "score set to 0", "ex_veto_fail": "grade forced to the lowest, score kept",
    "ex_veto_grade": "grade set to {grade}, score kept", "ex_veto": "veto {id} — {title} ({when}): {effect}",
    "ex_total": "total {raw} → rounded half-up to {places} decimal(s): {score}",
    "ex_require_fails": "{grade} (≥ {min}) reached on score, but require `{require}` fails",
    "ex_grade_set": "by the rules: {rule}; set to {grade} by a committee decision: {reason} ({by}, {date})",
    "ex_vetoed_lowest": "vetoed: grade {grade} (the lowest)", "ex_vetoed_set": "vetoed: grade {grade} (set by the veto)",
    "ex_grade_line": "{score} ≥ {min}: {grade}", "ex_within": "ranked within {field} = {value}",
    "ex_rank_line": "rank {rank} ({ties} ties) on the rounded total {score}",
    "ex_vetoed_last": "vetoed units rank after every unit without a veto", "ex_equal": "equal total with: {units}",
    "ex_tie_break": "tie-break {name}: {mine}; {others}", "ex_no_tie_break": "no tie-break declared: the tie stands",
    "ex_granted": "{id} — {title}{who}: granted{amount}; {reason}", "ex_amount": ", amount {amount}",
    "ex_to_person": " (to the {role})", "ex_not_granted": "{id} — {title}: not granted, {reason}",
    "ex_cr_not_hold": "condition `{when}` does not hold", "ex_cr_overruled": "denied by a committee decision",
    "ex_cr_veto": "blocked by veto {id} ({title})", "ex_cr_blocked": "blocked by {id} ({title})",
    "ex_cr_group": " in {field} {value}", "ex_cr_no_group": "no {field} value, so no place in any {field}'s quota",
    "ex_cr_tie": "; tied at the cut, and ties are excluded", "ex_cr_outside": "rank {rank}, quota {size}{group}{tie}",
    "ex_cr_once": "the same achievement ({achievement}) is rewarded once, by {id} at the higher amount",
    "ex_cr_holds": "`{when}` holds", "ex_cr_within": "rank {rank} within quota {size}{group}", "ex_cr_sep": "; ",
    "ex_amendment": "{field}{period}: {old} → {new} — {reason} (approved by {by})", "ex_period_in": " (period {period})",
    "ex_override": "{target}: rule {rule}; committee {action} → {decided} — {reason} ({by}, {date})",
    "ex_action_grant": "grant", "ex_action_deny": "deny", "ex_action_set": "set {value}",
    "ex_side_grade": "grade {grade}", "ex_side_granted": "granted", "ex_side_not_granted": "not granted",
    "ex_side_amount": "{text}, amount {amount}", "ex_side_why": "{text} ({why})",
    "ex_earlier": "{name} = {value}", "ex_none": "(none)",
    # margins (scoring.analysis.margins)
    "mg_not_assessed": "not assessed: no margins", "mg_floor": "{grade}: {above} above its floor {floor}",
    "mg_top": " (the top grade)", "mg_veto": "{grade}: out of reach, a veto fixed the grade",
    "mg_require": "{grade}: out of reach on points, its require `{require}` fails on the unit's figures",
    "mg_to_go": "{grade}: {points} point(s) to go", "mg_inside": "inside the quota",
    "mg_nobody_out": "; nobody was left out", "mg_ahead": ", {margin} ahead of the best unit left out",
    "mg_outside": "outside the quota", "mg_nobody_in": "; nobody was let in",
    "mg_behind": ", {margin} behind the last unit let in", "mg_cut": ", cut at rank {rank}",
    "mg_quota": "{consequence} ({title}): rank {rank}{cut}, {where}", "mg_flag": "flag: {flag}",
    # rater panels (scoring.panels) and the self-assessment (scoring.stages)
    "rater": "Rater", "dropped": "Dropped",
    "ex_sec_panel": "Rater panel", "ex_sec_stages": "Self-assessment and review",
    "ex_panel_raters": "raters: {raters}", "ex_panel_dropped": " (dropped)", "ex_panel_na": "not applicable",
    "ex_panel_too_few": " (too few raters to drop any: the mean)",
    "ex_panel_item": "{item}{period}: {given} → {how}{note} {combined} (spread {spread})",
    "ex_stage_none": "no self-assessment rows: self.* conditions do not hold",
    "ex_stage_total": "self-assessment {own} ({grade}{vetoed}), review {review}: gap (self − review) {gap}",
    "ex_stage_no_grade": "no grade", "ex_stage_vetoed": ", vetoed", "ex_stage_item": "{item}: self {own}, gap {gap}",
}

EXPLAIN_ZH: dict[str, str] = {
    "ex_sec_head": "{unit} {id} — {title}（{rubric} {version}）", "ex_sec_dimension": "{title} [{id}]",
    "ex_sec_totals": "合计", "ex_sec_grade": "等级", "ex_sec_rank": "排名", "ex_sec_consequences": "奖惩",
    "ex_sec_amendments": "复核更正（计分前已更正数据）", "ex_sec_decisions": "会议决定（优先于以上规则结果）",
    "ex_sec_margins": "差距", "ex_sec_earlier": "规则读取的往年结果（--previous、--history）",
    "ex_not_assessable": "不参评：考核方案的各项均不适用于该单位，故无得分、等级和排名",
    "ex_review_ended": "不予评审（{vetoes}）：该单位无得分、等级和排名；以下各项为数据中的数值，不计总分",
    "ex_veto_ends": "终止评审：不计分、不定级、不排名",
    "ex_sec_member_results": "{title}（各成员自身结果，不计入本单位得分）",
    "ex_member_score": "得分 = {score}", "ex_member_result": "成员 {id}{name}：{shown}",
    "ex_member_graded": "{score}，等级 {grade}", "ex_member_ungraded": "{score}，无等级",
    "ex_member_none": "无结果（所需数值空缺或无定义）",
    "ex_summary": "得分 {score}，等级 {grade}，排名 {rank}", "ex_phase_of": "，阶段 {phase}",
    "ex_bonus_mark": "（加分项）", "ex_indicator": "{title} [{id}]，{points} 分，{method}：{rule}",
    "ex_period": "{period}：", "ex_blank": "（空）", "ex_sep": "，",
    "ex_cond_holds": "；{param} `{source}` 成立", "ex_cond_fails": "；{param} `{source}` 不成立",
    "ex_na_fields": "{fields} 不适用", "ex_na_method": "不适用（计分方法判定）",
    "ex_item_na": "{label}{inputs} → {why} → 该项按缺项折算剔除",
    "ex_undefined": "（数值无定义，可能除以 0，计 0 分）",
    "ex_floored": "（由 {raw} 计为 0：扣完为止）", "ex_capped": "（由 {raw} 封顶为 {points}）",
    "ex_item": "{label}{inputs} → 数值 {value} → {points} 分{note}", "ex_member": "成员 {id}：{figures}",
    "ex_combined": "各期合并（{how}）：{points} 分", "ex_na_every": "各期均不适用：按缺项折算剔除",
    "ex_bonus_earned": "加分项共得 {earned}{cap}", "ex_bonus_cap": "；封顶 {points}",
    "ex_dimension": "本维度：适用分值 {applicable} 中得 {earned}（满分 {full}）",
    "ex_phase": "阶段 {name}：{earned} / {applicable} × {scale} = {score}，权重 {weight}",
    "ex_base": "基础分（缺项折算 {rule}）：{base}", "ex_bonus": "加分：{bonus}",
    "ex_veto_zero": "得分计为 0", "ex_veto_fail": "定为最低等级，保留得分",
    "ex_veto_grade": "等级定为{grade}，保留得分", "ex_veto": "一票否决 {id} — {title}（{when}）：{effect}",
    "ex_total": "总分 {raw} → 四舍五入保留 {places} 位小数：{score}",
    "ex_require_fails": "得分达到{grade}（≥ {min}），但条件 `{require}` 不满足",
    "ex_grade_set": "按规则：{rule}；会议决定改为{grade}：{reason}（{by}，{date}）",
    "ex_vetoed_lowest": "一票否决：等级 {grade}（最低等级）", "ex_vetoed_set": "一票否决：等级 {grade}（由否决项确定）",
    "ex_grade_line": "{score} ≥ {min}：{grade}", "ex_within": "在 {field} = {value} 范围内排名",
    "ex_rank_line": "第 {rank} 名（并列方式 {ties}），依据四舍五入后的总分 {score}",
    "ex_vetoed_last": "被一票否决的单位排在所有未被否决的单位之后", "ex_equal": "总分相同：{units}",
    "ex_tie_break": "并列比较 {name}：{mine}；{others}", "ex_no_tie_break": "未规定并列比较项：保持并列",
    "ex_granted": "{id} — {title}{who}：给予{amount}；{reason}", "ex_amount": "，金额 {amount}",
    "ex_to_person": "（对{role}）", "ex_not_granted": "{id} — {title}：不给予，{reason}",
    "ex_cr_not_hold": "条件 `{when}` 不满足", "ex_cr_overruled": "会议决定不予",
    "ex_cr_veto": "因一票否决 {id}（{title}）而不予", "ex_cr_blocked": "因 {id}（{title}）而不予",
    "ex_cr_group": "（{field} {value}）", "ex_cr_no_group": "无 {field} 值，不占任何名额",
    "ex_cr_tie": "；在名额线上并列，并列者不计入", "ex_cr_outside": "排名 {rank}，名额 {size}{group}{tie}",
    "ex_cr_once": "同一成绩（{achievement}）只奖励一次，已由 {id} 按较高金额奖励",
    "ex_cr_holds": "满足 `{when}`", "ex_cr_within": "排名 {rank}，在名额 {size}{group} 内", "ex_cr_sep": "；",
    "ex_amendment": "{field}{period}：{old} → {new} — {reason}（批准人 {by}）", "ex_period_in": "（{period}）",
    "ex_override": "{target}：规则{rule}；会议决定{action} → {decided} — {reason}（{by}，{date}）",
    "ex_action_grant": "授予", "ex_action_deny": "不予", "ex_action_set": "改为{value}",
    "ex_side_grade": "等级 {grade}", "ex_side_granted": "给予", "ex_side_not_granted": "不给予",
    "ex_side_amount": "{text}，金额 {amount}", "ex_side_why": "{text}",  # the rules' why is in 奖惩 above
    "ex_earlier": "{name} = {value}", "ex_none": "（无）",
    "mg_not_assessed": "不参评：无差距", "mg_floor": "{grade}：高出该等级下限（{floor}）{above} 分",
    "mg_top": "（最高等级）", "mg_veto": "{grade}：无法达到，等级已由一票否决确定",
    "mg_require": "{grade}：得分够也无法达到，其条件 `{require}` 不满足",
    "mg_to_go": "{grade}：还差 {points} 分", "mg_inside": "在名额内",
    "mg_nobody_out": "；无单位落在名额外", "mg_ahead": "，领先名额外最高者 {margin} 分",
    "mg_outside": "在名额外", "mg_nobody_in": "；名额内无单位",
    "mg_behind": "，落后名额内最后一名 {margin} 分", "mg_cut": "，名额线为第 {rank} 名",
    "mg_quota": "{consequence}（{title}）：排名 {rank}{cut}，{where}", "mg_flag": "提示：{flag}",
    "rater": "评分人", "dropped": "去掉",
    "ex_sec_panel": "评分组", "ex_sec_stages": "自评与复评",
    "ex_panel_raters": "评分人：{raters}", "ex_panel_dropped": "（去掉）", "ex_panel_na": "不适用",
    "ex_panel_too_few": "（评分人不足，不去掉最高最低：取平均）",
    "ex_panel_item": "{item}{period}：{given} → {how}{note} {combined}（极差 {spread}）",
    "ex_stage_none": "无自评数据：self.* 条件均不成立",
    "ex_stage_total": "自评 {own}（{grade}{vetoed}），复评 {review}：自评差（自评−复评）{gap}",
    "ex_stage_no_grade": "无等级", "ex_stage_vetoed": "，被一票否决", "ex_stage_item": "{item}：自评 {own}，差 {gap}",
}

EN.update(EXPLAIN_EN)
ZH.update(EXPLAIN_ZH)

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
     r"counted", r"在期限（\1）内整改的隐患数 ÷ (按期整改数 + 逾期未整改数)，每期检查(\2)；未整改隐患结转以后各期，"
     r"仍在整改期限内的不计"),
    (r"(\S+) on (\d{4}-\d{2}-\d{2})", r"\1 于 \2"),
    # The built-in pool payout's rule (plugins/scoring_std/payouts.py).
    (r"^pro rata to score above (\S+); ", r"按得分超出 \1 分的部分比例分配；"),
    (r"^pro rata to grade weights (.+?); paid", r"按等级权重（\1）比例分配；paid"),
    (r"paid in units of (\S+), largest remainder so the shares add up to (\S+)",
     r"以 \1 为最小支付单位，按最大余数法分配，合计 \2"),
    (r"; no unit had a positive weight, so nothing was paid", r"；无单位权重为正，未分配"),
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
