"""The lists behind the dashboard's numbers: a console list path and its filters (``trace.py``'s three forms) to
one page of items, read through ``items.py``, ``enforcement_items.py`` and ``screened.py`` exactly as the day's
figures were counted.

``list_page(session, path, params, time_zone)`` parses the filters (refusing an unknown filter with
``list_filter_unknown`` and a malformed date or value with ``list_filter_invalid``), selects the items, applies
the equality filters and ``sort``, and returns a ``ListPage`` whose ``count`` is what the figure counts (distinct
accounts, distinct books with ``group=book``, rows otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from qinglang.errors import InvalidInput
from qinglang.services.statistics import enforcement_items, items, sweep_items
from qinglang.services.statistics.screened import list_screened
from qinglang.statistics import labels
from qinglang.statistics.periods import Window, day_window, period_window
from qinglang.storage.base import utcnow

PAGE_ROWS = 200


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class ListPage:
    path: str
    title: tuple[str, str]  # (Chinese, English)
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Cell, ...], ...]
    count: int  # what the figure behind this list counts
    total_rows: int
    filters: tuple[tuple[str, str], ...]
    page: int = 1
    pages: int = 1
    note: str = ""
    breaches: tuple[bool, ...] = ()  # per shown row: past its SLA deadline (closed late, or open and overdue)


@dataclass(frozen=True)
class Filters:
    ranges: dict[str, Window]
    states: dict[str, datetime]
    equal: dict[str, str]
    page: int

    def only(self, *names: str) -> tuple[str, Any]:
        """The one event or state filter of the list (the period it is traced within)."""
        found = [(k, v) for k, v in {**self.ranges, **self.states}.items() if k in names]
        if len(found) != 1:
            raise InvalidInput(f"give exactly one of {', '.join(names)} (as FROM..TO or a day)",
                               code="list_filter_invalid")
        return found[0]


def _day(value: str, key: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{key}: {value!r} is not a day; write YYYY-MM-DD", code="list_filter_invalid") from None


def parse_filters(params: Mapping[str, str], ranges: Sequence[str], states: Sequence[str], equal: Sequence[str],
                  time_zone: str) -> Filters:
    out = Filters({}, {}, {}, 1)
    for key, value in params.items():
        if key in ranges:
            first, sep, last = value.partition("..")
            start, end = _day(first, key), _day(last if sep else first, key)
            if end < start:
                raise InvalidInput(f"{key}: {value} ends before it starts", code="list_filter_invalid")
            out.ranges[key] = period_window(start, end, time_zone)
        elif key in states:
            out.states[key] = day_window(_day(value, key), time_zone).end
        elif key == "page":
            if not value.isdigit() or not 1 <= int(value) <= 100_000:
                raise InvalidInput("page must be a whole number from 1", code="list_filter_invalid")
            out = Filters(out.ranges, out.states, out.equal, int(value))
        elif key in equal or key in ("sort", "group"):
            if len(value) > 128:
                raise InvalidInput(f"{key}: at most 128 characters", code="list_filter_invalid")
            out.equal[key] = value
        else:
            known = ", ".join((*ranges, *states, *equal, "sort", "group", "page"))
            raise InvalidInput(f"this list has no filter {key!r}; it takes {known}", code="list_filter_unknown")
    return out


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def _name(kind: str, value: str, lang: int) -> str:
    return labels.name(kind, value)[lang]


def _keep(rows: list, filters: Filters, getters: dict[str, Callable[[Any], Any]]) -> list:
    for key, value in filters.equal.items():
        if key in getters:
            rows = [r for r in rows if str(getters[key](r)) == value]
    return rows


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _page(path, title, columns, rows, count, filters: Filters, note: str = "", breaches=()) -> ListPage:
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(filters.page, pages)
    shown = slice((page - 1) * PAGE_ROWS, page * PAGE_ROWS)
    params = tuple((k, v) for k, v in filters.equal.items())
    return ListPage(path, title, columns, tuple(rows[shown]), count, len(rows), params, page, pages, note,
                    tuple(breaches[shown]))


# --- one builder per console list --------------------------------------------------------------------------------


def contents_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("decided",), (), ("verdict", "category", "detector", "detector_status"), tz)
    _, window = f.only("decided")
    total, found = list_screened(session, window, offset=(f.page - 1) * PAGE_ROWS, limit=PAGE_ROWS,
                                 verdict=f.equal.get("verdict"), category=f.equal.get("category"),
                                 detector=f.equal.get("detector"), failed=f.equal.get("detector_status") == "failed")
    rows = [(Cell(i.content_id), Cell(i.version), Cell(i.account_id or "—"), Cell(i.title),
             Cell(_name("verdict", i.verdict, lang)), Cell(_name("category", i.category, lang)), Cell(_when(i.decided_at)))
            for i in found]
    pages = max(1, -(-total // PAGE_ROWS))
    return ListPage("/console/contents", ("机器审核内容", "Contents screened"),
                    (("内容ID", "Content"), ("版本", "Version"), ("账号", "Account"), ("标题", "Title"),
                     ("结论", "Verdict"), ("类别", "Category"), ("决定时间", "Decided")),
                    tuple(rows), total, total, tuple(f.equal.items()), min(f.page, pages), pages)


CASE_COLUMNS = (("案件", "Case"), ("对象", "Target"), ("队列", "Queue"), ("来源", "Source"), ("结论", "Outcome"),
                ("审核员", "Reviewer"), ("单案用时(秒)", "Time per case (s)"), ("办结时间", "Closed"))


def cases_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("decided",), (), ("queue", "outcome", "source", "reviewer", "second_review"), tz)
    _, window = f.only("decided")
    if f.equal.get("second_review") == "yes":
        return _second_reviews_page(session, window, f)
    rows = _keep(items.cases_decided(session, window), f, {"queue": lambda c: c.queue, "outcome": lambda c: c.outcome,
                                                         "source": lambda c: c.source, "reviewer": lambda c: c.reviewer})
    if f.equal.get("sort") == "time_per_case":
        rows.sort(key=lambda c: (c.time_per_case is None, c.time_per_case or 0))
    group = f.equal.get("group") == "reviewer"
    count = len({c.reviewer for c in rows}) if group else len(rows)
    cells = [(Cell(f"#{c.id}", f"/console/cases/{c.id}"), Cell(c.target), Cell(_name("category", c.queue, lang)),
              Cell(_name("source", c.source, lang)), Cell(_name("outcome", c.outcome, lang)), Cell(c.reviewer),
              Cell("—" if c.time_per_case is None else str(c.time_per_case)), Cell(_when(c.closed_at))) for c in rows]
    return _page("/console/cases", ("人工审核案件", "Cases decided"), CASE_COLUMNS, cells, count, f)


def _second_reviews_page(session: Session, window: Window, f: Filters) -> ListPage:
    rows = _keep(items.second_reviews(session, window), f, {"reviewer": lambda s: s.reviewer})
    cells = [(Cell(f"#{s.case_id}", f"/console/cases/{s.case_id}"), Cell(s.reviewer), Cell(s.judged_by), Cell(s.stage),
              Cell("一致" if s.agreed else "不一致"), Cell(_when(s.at))) for s in rows]
    columns = (("案件", "Case"), ("原审核员", "Reviewer"), ("复审人", "Second reviewer"), ("环节", "Stage"),
               ("是否一致", "Agreed"), ("复审时间", "When"))
    return _page("/console/cases", ("被复审的决定", "Decisions second-reviewed"), columns, cells, len(rows), f)


def reports_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("received", "closed"), ("open_on", "overdue_on"),
                      ("merged", "reason", "status", "within_sla"), tz)
    key, value = f.only("received", "closed", "open_on", "overdue_on")
    if key == "received":
        rows = items.reports_received(session, value)
    elif key == "closed":
        rows = items.reports_closed(session, value)
    else:
        rows = items.reports_open_at(session, value)
        rows = [r for r in rows if r.overdue_at(value)] if key == "overdue_on" else rows
    rows = _keep(rows, f, {"merged": lambda r: _yes(r.merged), "reason": lambda r: r.reason,
                           "status": lambda r: r.status, "within_sla": lambda r: _yes(r.within_sla)})
    if f.equal.get("sort") == "time_to_handle":
        rows.sort(key=lambda r: (r.time_to_handle is None, r.time_to_handle or 0))
    cells = [(Cell(r.tracking_code), Cell(r.target), Cell(_name("category", r.reason, lang)), Cell(r.status),
              Cell(f"#{r.case_id}", f"/console/cases/{r.case_id}"), Cell(_when(r.received_at)), Cell(_when(r.closed_at)),
              Cell(_when(r.sla_due_at)), Cell("—" if r.time_to_handle is None else str(r.time_to_handle)))
             for r in rows]
    columns = (("查询码", "Tracking code"), ("对象", "Target"), ("理由", "Reason"), ("状态", "Status"), ("案件", "Case"),
               ("收到", "Received"), ("办结", "Closed"), ("时限", "SLA due"), ("办结用时(秒)", "Time to handle (s)"))
    now = utcnow()
    breaches = [(r.closed_at or now) > r.sla_due_at for r in rows]
    return _page("/console/reports", ("举报", "Reports"), columns, cells, len(rows), f, breaches=breaches)


def actions_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("created", "expired", "reverted"), (), ("kind", "target"), tz)
    key, window = f.only("created", "expired", "reverted")
    rows = enforcement_items.actions_created(session, window) if key == "created" else enforcement_items.actions_ended(session, window, key)
    rows = _keep(rows, f, {"kind": lambda a: a.kind, "target": lambda a: a.work})
    group = f.equal.get("group") == "book"
    if group:  # works.books: the take-downs of chapters and of whole books, one count per book
        rows = [a for a in rows if a.takes_a_book_down]
    if group:
        count = len({a.book_id for a in rows})
    elif "target" in f.equal:  # works.chapters / works.articles count distinct contents
        count = len({a.target_id for a in rows})
    else:
        count = len(rows)
    cells = [(Cell(f"#{a.id}"), Cell(_name("action", a.kind, lang)), Cell(f"{a.target_kind}:{a.target_id}"),
              Cell(a.book_id or "—"), Cell(a.status), Cell(_when(a.created_at)), Cell(_when(a.ended_at)),
              Cell(f"#{a.case_id}", f"/console/cases/{a.case_id}") if a.case_id else Cell("—")) for a in rows]
    columns = (("处置", "Action"), ("类型", "Kind"), ("对象", "Target"), ("书号", "Book"), ("状态", "Status"),
               ("时间", "Created"), ("结束", "Ended"), ("案件", "Case"))
    return _page("/console/actions", ("处置措施", "Actions"), columns, cells, count, f)


def accounts_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, tuple(enforcement_items.STATUS_KINDS), (), (), tz)
    status, window = f.only(*enforcement_items.STATUS_KINDS)
    rows = enforcement_items.accounts_given(session, window, status)
    cells = [(Cell(a.id), Cell(a.name), Cell(a.status), Cell(f"#{a.action_id}"), Cell(_name("action", a.action_kind, lang)),
              Cell(_when(a.at))) for a in rows]
    columns = (("账号", "Account"), ("名称", "Name"), ("当前状态", "Status now"), ("处置", "Action"), ("类型", "Kind"),
               ("时间", "When"))
    return _page("/console/accounts", ("被处置账号", "Accounts handled"), columns, cells, len({a.id for a in rows}), f)


def lists_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("added", "removed"), ("active_on",), ("list", "kind"), tz)
    key, value = f.only("added", "removed", "active_on")
    rows = {"added": enforcement_items.entries_added, "removed": enforcement_items.entries_ended,
            "active_on": enforcement_items.entries_active_at}[key](session, value)
    rows = _keep(rows, f, {"list": lambda e: e.list, "kind": lambda e: e.kind})
    cells = [(Cell(f"#{e.id}"), Cell(_name("list", e.list, lang)), Cell(_name("list_kind", e.kind, lang)), Cell(e.value),
              Cell(e.reason), Cell(_when(e.created_at)), Cell(_when(e.ended_at))) for e in rows]
    columns = (("登记", "Entry"), ("名单", "List"), ("类型", "Kind"), ("值", "Value"), ("理由", "Reason"),
               ("登记时间", "Added"), ("移除/到期", "Ended"))
    return _page("/console/lists", ("黑白名单登记", "Register entries"), columns, cells, len(rows), f)


def appeals_list_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("filed", "decided"), ("open_on",), ("status",), tz)
    key, value = f.only("filed", "decided", "open_on")
    rows = {"filed": enforcement_items.appeals_filed, "decided": enforcement_items.appeals_decided,
            "open_on": enforcement_items.appeals_open_at}[key](session, value)
    rows = _keep(rows, f, {"status": lambda a: a.status})
    cells = [(Cell(f"#{a.id}"), Cell(f"#{a.action_id}"), Cell(a.account_id), Cell(a.status), Cell(_when(a.filed_at)),
              Cell(_when(a.decided_at))) for a in rows]
    columns = (("申诉", "Appeal"), ("处置", "Action"), ("账号", "Account"), ("状态", "Status"), ("提交", "Filed"),
               ("决定", "Decided"))
    return _page("/console/appeals", ("申诉", "Appeals"), columns, cells, len(rows), f)


def calibration_list_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("answered",), (), ("reviewer",), tz)
    _, window = f.only("answered")
    rows = _keep(items.calibration_answers(session, window), f, {"reviewer": lambda a: a.reviewer})
    cells = [(Cell(f"#{a.case_id}", f"/console/cases/{a.case_id}"), Cell(a.reviewer), Cell(_name("category", a.queue, lang)),
              Cell(a.known_answer), Cell(a.choice), Cell("一致" if a.agreed else "不一致"), Cell(_when(a.at))) for a in rows]
    columns = (("案件", "Case"), ("审核员", "Reviewer"), ("队列", "Queue"), ("已知答案", "Known answer"),
               ("作答", "Answer"), ("是否一致", "Agreed"), ("时间", "When"))
    return _page("/console/calibration", ("校准作答", "Calibration answers"), columns, cells, len(rows), f)


def sweeps_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("finished",), (), (), tz)
    _, window = f.only("finished")
    rows = sweep_items.sweeps_finished(session, window)
    cells = [(Cell(f"#{s.id}", f"/console/sweeps/{s.id}"),
              Cell(f"case #{s.seed_case_id}" if s.seed_case_id else f"{s.seed_kind}: {s.seed_value[:40]}"),
              Cell(str(s.contents)), Cell(str(s.accounts)), Cell(str(s.opened)), Cell(_when(s.finished_at)))
             for s in rows]
    columns = (("排查", "Sweep"), ("起点", "Seed"), ("发现内容", "Contents found"), ("关联账号", "Accounts"),
               ("新立案件", "Cases opened"), ("完成时间", "Finished"))
    return _page("/console/sweeps", ("举一反三排查", "Sweeps"), columns, cells, len(rows), f,
                 note="发现内容、关联账号、新立案件三项数字为本表对应列之和。")


def rewards_list_page(session: Session, params, tz: str, lang: int) -> ListPage:
    f = parse_filters(params, ("credited", "approved", "refused"), (), (), tz)
    key, window = f.only("credited", "approved", "refused")
    rows = enforcement_items.rewards_credited(session, window) if key == "credited" else enforcement_items.rewards_settled(session, window, key)
    cells = [(Cell(f"#{r.id}"), Cell(f"#{r.report_id}"), Cell(f"¥{r.amount_cents / 100:,.2f}"), Cell(r.status),
              Cell(_when(r.credited_at)), Cell(_when(r.settled_at))) for r in rows]
    columns = (("奖励", "Reward"), ("举报", "Report"), ("金额", "Amount"), ("状态", "Status"), ("记入", "Credited"),
               ("审批", "Settled"))
    return _page("/console/rewards", ("举报奖励", "Rewards"), columns, cells, len(rows), f)


BUILDERS = {
    "/console/contents": contents_page, "/console/cases": cases_page, "/console/reports": reports_page,
    "/console/actions": actions_page, "/console/accounts": accounts_page, "/console/lists": lists_page,
    "/console/appeals": appeals_list_page, "/console/calibration": calibration_list_page,
    "/console/sweeps": sweeps_page, "/console/rewards": rewards_list_page,
}


def list_page(session: Session, path: str, params: Mapping[str, str], time_zone: str, lang: str = "zh") -> ListPage:
    """The page of ``path`` (one of ``trace.CONSOLE_LISTS``) with ``params`` as its filters."""
    return BUILDERS[path](session, dict(params), time_zone, 1 if lang == "en" else 0)
