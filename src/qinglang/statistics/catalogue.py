"""The catalogue of figures: a period's numbers as traceable ``Figure``s, grouped in the supervision report's sections.

Each function below turns one section of ``FigureSet`` into figures with stable keys, Chinese and English
labels and a drill-down (``trace.py``). The dashboard, the supervision report (PDF, XLSX, CSV) and period
comparisons all read figures from here, so a number is defined, labelled and traced in one place only;
docs/statistics.md lists every key.
"""

from __future__ import annotations

from collections.abc import Mapping

from qinglang.domain.model import HARM_CATEGORIES
from qinglang.statistics.aggregate import combine
from qinglang.statistics.figures import PeriodFigures, ReviewerFigures
from qinglang.statistics.trace import Figure, Scope, Section, breakdown, cross, drill, figure

HEADLINE = ("screening.screened", "screening.automatic_blocks", "decisions.decided", "decisions.violations",
            "reports.received", "reports.handled", "reports.within_sla_rate", "reports.time_to_handle.median",
            "actions.taken", "works.books", "accounts.closed", "appeals.overturn_rate", "rewards.paid_cents")


def headline(period: PeriodFigures) -> tuple[Figure, ...]:
    """The overview: the few numbers a lead reads first and period comparisons are made of. They are picked
    from the sections by key, so an overview figure is the same figure (label, value, drill-down) as in its
    section."""
    by_key = {f.key: f for build in SECTIONS for f in build(period).figures}
    return tuple(by_key[key] for key in HEADLINE)


def content_section(period: PeriodFigures) -> Section:
    """Content handled by category: automatic verdicts, reviewers' outcomes, case sources, detectors."""
    s, f = Scope(period.start, period.end), period.figures
    figures = [
        figure("screening.screened", f.screening.screened, "机器审核内容", "Contents screened",
               drill("/console/contents", decided=s.span)),
        figure("screening.automatic_blocks", f.screening.automatic_blocks, "自动拦截", "Blocked automatically",
               drill("/console/contents", decided=s.span, verdict="block")),
        figure("decisions.decided", f.decisions.decided, "人工审核处理案件", "Cases decided by reviewers",
               drill("/console/cases", decided=s.span)),
        figure("decisions.violations", f.decisions.violations, "人工认定违规", "Violations found by reviewers",
               drill("/console/cases", decided=s.span, outcome="violation")),
        *cross("screening", _every_harm_flagged(f.screening.verdicts), ("category", "verdict"), "机器审核结论",
               "Automatic verdict", lambda c, v: drill("/console/contents", decided=s.span, category=c, verdict=v)),
        *cross("decisions", f.decisions.outcomes, ("category", "outcome"), "人工审核结论", "Reviewer outcome",
               lambda q, o: drill("/console/cases", decided=s.span, queue=q, outcome=o)),
        *breakdown("decisions.source", f.decisions.by_source, "source", "人工审核案件来源", "Cases by source",
                   lambda v: drill("/console/cases", decided=s.span, source=v)),
        *breakdown("screening.detector_hits", f.screening.detector_hits, "detector", "检测器命中",
                   "Detector hits", lambda d: drill("/console/contents", decided=s.span, detector=d)),
        *breakdown("screening.detector_failures", f.screening.detector_failures, "detector", "检测器失败",
                   "Detector failures",
                   lambda d: drill("/console/contents", decided=s.span, detector=d, detector_status="failed")),
    ]
    return Section("content", "内容审核处置情况", "Content handled", tuple(figures),
                   "机器审核结论按内容类别统计；人工审核结论按审核队列（类别）统计，不含校准案件。")


def _every_harm_flagged(verdicts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """The verdict cross count with a (possibly 0) review and block cell for every harm category, so the report
    says "赌博 / 自动拦截 0" instead of leaving the row out."""
    cells = {c.value: {"review": 0, "block": 0} for c in HARM_CATEGORIES}
    for category, row in verdicts.items():
        cells.setdefault(category, {}).update(row)
    return cells


def works_section(period: PeriodFigures) -> Section:
    """Works taken off the shelves: books (distinct), chapters and articles (distinct contents)."""
    s, w = Scope(period.start, period.end), period.figures.works
    taken = {"created": s.span, "kind": "take_down"}
    figures = (
        figure("works.books", len(w.books), "下架作品（书）", "Books taken down, whole or by chapter",
               drill("/console/actions", created=s.span, group="book")),
        figure("works.chapters", len(w.chapters), "下架章节", "Chapters taken down",
               drill("/console/actions", **taken, target="chapter")),
        figure("works.articles", len(w.articles), "下架文章", "Articles taken down",
               drill("/console/actions", **taken, target="article")),
    )
    return Section("works", "作品下架情况", "Works taken off the shelves", figures,
                   "书目按书号去重：同一本书多章下架计为一部作品。")


def accounts_section(period: PeriodFigures) -> Section:
    """Accounts restricted, suspended and closed (distinct accounts), and every action by kind."""
    s, f = Scope(period.start, period.end), period.figures
    accounts = f.accounts
    figures = [
        figure("accounts.restricted", len(accounts.restricted), "限制账号", "Accounts restricted",
               drill("/console/accounts", restricted=s.span)),
        figure("accounts.suspended", len(accounts.suspended), "暂停账号", "Accounts suspended",
               drill("/console/accounts", suspended=s.span)),
        figure("accounts.closed", len(accounts.closed), "关闭账号", "Accounts closed",
               drill("/console/accounts", closed=s.span)),
        figure("actions.taken", f.actions.taken, "处置措施合计", "Actions taken", drill("/console/actions", created=s.span)),
        *breakdown("actions", f.actions.by_kind, "action", "处置措施", "Actions by kind",
                   lambda k: drill("/console/actions", created=s.span, kind=k), complete=True),
        figure("actions.expired", f.actions.expired, "到期解除的处置", "Actions expired",
               drill("/console/actions", expired=s.span)),
        figure("actions.reverted", f.actions.reverted, "被撤销的处置", "Actions reverted",
               drill("/console/actions", reverted=s.span)),
    ]
    return Section("accounts", "账号处置情况", "Accounts handled", tuple(figures),
                   "账号数按账号去重：同一账号在本期内多次被同类处置计为一个。")


def reports_section(period: PeriodFigures) -> Section:
    """Reports received and resolved, with time to resolve and the SLA."""
    s, r = Scope(period.start, period.end), period.figures.reports
    closed = {"closed": s.span}
    figures = [
        figure("reports.received", r.received, "收到举报", "Reports received", drill("/console/reports", received=s.span)),
        figure("reports.merged", r.merged, "合并处理的举报", "Reports merged into an existing case",
               drill("/console/reports", received=s.span, merged="yes")),
        *breakdown("reports.reason", r.by_reason, "category", "举报理由", "Reports by reason",
                   lambda v: drill("/console/reports", received=s.span, reason=v)),
        figure("reports.handled", r.handled, "办结举报", "Reports handled", drill("/console/reports", **closed)),
        figure("reports.verified", r.verified, "查证属实", "Verified", drill("/console/reports", **closed, status="verified")),
        figure("reports.rejected", r.rejected, "查无违规", "Rejected", drill("/console/reports", **closed, status="rejected")),
        figure("reports.handled_within_sla", r.handled_within_sla, "按时办结", "Handled within SLA",
               drill("/console/reports", **closed, within_sla="yes")),
        figure("reports.handled_late", r.handled_late, "超时办结", "Handled late",
               drill("/console/reports", **closed, within_sla="no")),
        figure("reports.within_sla_rate", r.within_sla_rate, "按时办结率", "Share handled within SLA",
               drill("/console/reports", **closed), unit="ratio"),
        figure("reports.time_to_handle.median", r.time_to_handle.median, "办结用时中位数", "Median time to handle",
               drill("/console/reports", **closed, sort="time_to_handle"), unit="seconds"),
        figure("reports.time_to_handle.p90", r.time_to_handle.p90, "办结用时（90%分位）", "Time to handle, p90",
               drill("/console/reports", **closed, sort="time_to_handle"), unit="seconds"),
        figure("reports.open_at_end", r.open_at_end, "期末未办结", "Open at the end of the period",
               drill("/console/reports", open_on=s.on)),
        figure("reports.overdue_at_end", r.overdue_at_end, "期末已超时未办结", "Overdue at the end of the period",
               drill("/console/reports", overdue_on=s.on)),
    ]
    return Section("reports", "举报受理与办结情况", "Reports received and resolved", tuple(figures),
                   "办结用时为举报提交至所属案件办结的时长；中位数与90%分位按本期全部办结举报计算（最近秩法），"
                   "非逐日数值的平均。")


def rewards_section(period: PeriodFigures) -> Section:
    """The reward ledger: credited, paid (approved by a lead) and refused."""
    s, r = Scope(period.start, period.end), period.figures.rewards
    figures = (
        figure("rewards.credited", r.credited, "记入奖励（笔）", "Rewards credited", drill("/console/rewards", credited=s.span)),
        figure("rewards.credited_cents", r.credited_cents, "记入奖励金额", "Amount credited",
               drill("/console/rewards", credited=s.span), unit="cents"),
        figure("rewards.paid", r.paid, "已发放奖励（笔）", "Rewards paid", drill("/console/rewards", approved=s.span)),
        figure("rewards.paid_cents", r.paid_cents, "已发放奖励金额", "Amount paid",
               drill("/console/rewards", approved=s.span), unit="cents"),
        figure("rewards.refused", r.refused, "不予奖励（笔）", "Rewards refused", drill("/console/rewards", refused=s.span)),
    )
    return Section("rewards", "举报奖励情况", "Reporter rewards", figures)


def lists_section(period: PeriodFigures) -> Section:
    """The blacklist register: entries added, removed and active, by list and kind."""
    s, lists = Scope(period.start, period.end), period.figures.lists
    figures = (
        *breakdown("lists.added.block", lists.added.get("block", {}), "list_kind", "黑名单新增登记",
                   "Blacklist entries added", lambda k: drill("/console/lists", added=s.span, list="block", kind=k),
                   complete=True),
        *cross("lists.added", {k: v for k, v in lists.added.items() if k != "block"}, ("list", "list_kind"),
               "新增登记", "Entries added", lambda li, k: drill("/console/lists", added=s.span, list=li, kind=k)),
        *cross("lists.removed", lists.removed, ("list", "list_kind"), "移除或到期", "Entries removed or expired",
               lambda li, k: drill("/console/lists", removed=s.span, list=li, kind=k)),
        *cross("lists.active", lists.active_at_end, ("list", "list_kind"), "期末在册", "Active at the end",
               lambda li, k: drill("/console/lists", active_on=s.on, list=li, kind=k)),
    )
    return Section("lists", "黑名单登记情况", "The blacklist register", tuple(figures))


def appeals_section(period: PeriodFigures) -> Section:
    s, a = Scope(period.start, period.end), period.figures.appeals
    figures = (
        figure("appeals.received", a.received, "收到申诉", "Appeals received", drill("/console/appeals", filed=s.span)),
        figure("appeals.upheld", a.upheld, "维持原处置", "Upheld", drill("/console/appeals", decided=s.span, status="upheld")),
        figure("appeals.overturned", a.overturned, "撤销原处置", "Overturned",
               drill("/console/appeals", decided=s.span, status="overturned")),
        figure("appeals.overturn_rate", a.overturn_rate, "申诉改判率", "Overturn rate",
               drill("/console/appeals", decided=s.span), unit="ratio"),
        figure("appeals.open_at_end", a.open_at_end, "期末待处理申诉", "Open at the end", drill("/console/appeals", open_on=s.on)),
    )
    return Section("appeals", "申诉复核情况", "Appeals", figures, "改判率 = 撤销原处置 ÷ 已决定申诉。")


def team_section(period: PeriodFigures) -> Section:
    """The review team and its quality: per reviewer workload, time per case and agreement."""
    s, team = Scope(period.start, period.end), period.figures.team.reviewers
    figures = _team_totals(s, team)
    for name in sorted(team):
        figures += _reviewer_figures(s, name, team[name])
    return Section("team", "审核团队与质量", "The review team and its quality", tuple(figures),
                   "二审一致率：经复核或申诉再审的决定中，复审与原决定一致的比例；校准一致率：校准（已知答案）案件中答对的比例。")


def _team_totals(s: Scope, team: Mapping[str, ReviewerFigures]) -> list[Figure]:
    """The whole team as one reviewer (every reviewer's figures combined: times merged, agreements summed)."""
    whole = ReviewerFigures()
    for name in sorted(team):
        whole = combine(whole, team[name])
    dim = ("全体审核人员", "All reviewers")
    return [
        figure("team.reviewers", len(team), "参与审核人员", "Reviewers who decided or answered",
               drill("/console/cases", decided=s.span, group="reviewer"), dim=dim),
        figure("team.decisions", whole.decisions, "审核案件数", "Cases decided", drill("/console/cases", decided=s.span),
               dim=dim),
        figure("team.time_per_case.median", whole.time_per_case.median, "单案用时中位数", "Median time per case",
               drill("/console/cases", decided=s.span, sort="time_per_case"), "seconds", dim),
        figure("team.second_agreement", whole.second_agreement, "二审一致率", "Agreement with second review",
               drill("/console/cases", decided=s.span, second_review="yes"), "ratio", dim),
        figure("team.calibration_agreement", whole.calibration_agreement, "校准一致率", "Calibration agreement",
               drill("/console/calibration", answered=s.span), "ratio", dim),
    ]


def _reviewer_figures(s: Scope, name: str, r: ReviewerFigures) -> list[Figure]:
    cases = {"decided": s.span, "reviewer": name}
    dim = (name, name)
    return [
        figure(f"team.reviewer.{name}.decisions", r.decisions, "审核案件数", "Cases decided", drill("/console/cases", **cases), dim=dim),
        figure(f"team.reviewer.{name}.time_per_case.median", r.time_per_case.median, "单案用时中位数", "Median time per case",
               drill("/console/cases", **cases, sort="time_per_case"), "seconds", dim),
        figure(f"team.reviewer.{name}.second_reviewed", r.second_reviewed, "被复审决定数", "Decisions second-reviewed",
               drill("/console/cases", **cases, second_review="yes"), dim=dim),
        figure(f"team.reviewer.{name}.second_agreement", r.second_agreement, "二审一致率", "Agreement with second review",
               drill("/console/cases", **cases, second_review="yes"), "ratio", dim),
        figure(f"team.reviewer.{name}.calibration_answered", r.calibration_answered, "校准案件数", "Calibration cases",
               drill("/console/calibration", answered=s.span, reviewer=name), dim=dim),
        figure(f"team.reviewer.{name}.calibration_agreement", r.calibration_agreement, "校准一致率", "Calibration agreement",
               drill("/console/calibration", answered=s.span, reviewer=name), "ratio", dim),
    ]


def sweeps_section(period: PeriodFigures) -> Section:
    s, w = Scope(period.start, period.end), period.figures.sweeps
    where = drill("/console/sweeps", finished=s.span)
    figures = (
        figure("sweeps.runs", w.runs, "开展排查次数", "Sweeps run", where),
        figure("sweeps.contents_found", w.contents_found, "发现相似内容", "Similar contents found", where),
        figure("sweeps.accounts_found", w.accounts_found, "发现关联账号", "Linked accounts found", where),
        figure("sweeps.cases_opened", w.cases_opened, "新立案件", "Cases opened", where),
    )
    return Section("sweeps", "举一反三排查情况", "Sweeps (one case, three inferences)", figures)


SECTIONS = (content_section, works_section, accounts_section, reports_section, rewards_section, lists_section,
            appeals_section, team_section, sweeps_section)


def report_sections(period: PeriodFigures) -> tuple[Section, ...]:
    """The supervision report's sections, in the order a regulator reads them (the overview comes first)."""
    sections = tuple(build(period) for build in SECTIONS)
    by_key = {f.key: f for section in sections for f in section.figures}
    overview = Section("overview", "总体情况", "Overview", tuple(by_key[key] for key in HEADLINE))
    return (overview, *sections)


def all_figures(period: PeriodFigures) -> tuple[Figure, ...]:
    """Every figure once (the overview repeats figures of the sections)."""
    return tuple(fig for section in report_sections(period)[1:] for fig in section.figures)
