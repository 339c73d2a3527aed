"""Rescreen (backtest): replay stored contents through a candidate policy, lexicon or model, writing nothing.

For each stored content (the newest version of each, narrowed by time, account or book) the rescreen

1. rebuilds the detector outcomes from the stored signals (a failed detector stays failed);
2. re-runs only the detectors the candidate changes (``lexicon`` with a candidate term list, ``classifier``
   with a candidate model folder) on the stored title, text and links, replacing their stored outcomes; the
   other detectors' stored signals (images, QR codes, the register and account stages) are used as they were;
3. evaluates the candidate policy (or the live one) over the outcomes;
4. compares the result with the version's current automatic decision, and both with the people's answer where
   a case on the content was closed as ``violation`` or ``no_violation`` (:mod:`qinglang.domain.rescreen`).

Versions are read in pages of ``page_size`` rows by primary key, each page in its own short transaction, so
memory stays bounded and no lock is held while detectors run. Nothing is written: not decisions, not audit
events (a rescreen changes no state).
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain import DetectorOutcome, Evidence, Signal
from qinglang.domain.model import ContentItem
from qinglang.domain.rescreen import Replayed, Tally
from qinglang.domain.review import CaseOutcome, TargetKind
from qinglang.errors import InvalidInput
from qinglang.pipeline.prepare import prepare
from qinglang.pipeline.screener import run_detector
from qinglang.policy import Policy, default_policy, evaluate, load_policy
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow
from qinglang.storage.tables.review import Case

PAGE_SIZE = 500
LEXICON_COLUMNS = ("term", "category", "sublabel", "severity", "source", "variant_of")


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a rescreen tries: a policy (``None``: the live one) and detectors that replace the live ones."""

    policy: Policy
    detectors: tuple[Any, ...] = ()  # loaded Detector instances, by name replacing the stored outcomes
    describe: str = "the live policy"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which stored contents to replay; every field ``None`` means all of them."""

    since: datetime | None = None
    until: datetime | None = None
    account_id: str | None = None
    book_id: str | None = None


# --- the candidate -------------------------------------------------------------------------------------------


def live_policy(screening: Any) -> Policy:
    return load_policy(screening.policy_path) if screening.policy_path else default_policy()


def build_candidate(screening: Any, *, policy_path: Path | None = None, extra_terms: Path | None = None,
                    lexicon_path: Path | None = None, model_dir: Path | None = None) -> Candidate:
    """A candidate from files: a policy, extra lexicon terms (added to the live lexicon) or a replacement lexicon
    TSV, a classifier model folder. ``rescreen_no_candidate`` when none is given; the files' own errors
    (``policy_invalid``, ``lexicon_invalid``, ...) otherwise."""
    if extra_terms is not None and lexicon_path is not None:
        raise InvalidInput("give extra terms or a replacement lexicon, not both", code="rescreen_no_candidate")
    if not any((policy_path, extra_terms, lexicon_path, model_dir)):
        raise InvalidInput("a rescreen needs a candidate: a policy, a lexicon or a model",
                           code="rescreen_no_candidate")
    policy = load_policy(policy_path) if policy_path else live_policy(screening)
    detectors, parts = [], [f"policy {policy.id} {policy.version}"]
    if extra_terms is not None or lexicon_path is not None:
        detectors.append(_lexicon(screening, extra_terms, lexicon_path))
        parts.append(f"lexicon {'+ ' + extra_terms.name if extra_terms else lexicon_path.name}")
    if model_dir is not None:
        detectors.append(_detector(screening, "classifier", {"model_dir": str(model_dir)}))
        parts.append(f"model {model_dir}")
    return Candidate(policy, tuple(detectors), ", ".join(parts))


def _detector(screening: Any, name: str, overrides: dict[str, Any]) -> Any:
    from qinglang.detectors.registry import create_detector

    detector = create_detector(name, {**screening.detector_config.get(name, {}), **overrides})
    detector.ensure_loaded()  # a bad file fails here, once, not as a failed outcome per item
    return detector


def _lexicon(screening: Any, extra: Path | None, replacement: Path | None) -> Any:
    if replacement is not None:
        return _detector(screening, "lexicon", {"lexicon_path": str(replacement)})
    from qinglang.detectors.lexicon.detector import HERE, read_terms

    configured = screening.detector_config.get("lexicon", {}).get("lexicon_path")
    terms = read_terms(Path(configured) if configured else HERE / "lexicon.tsv") + read_terms(extra)
    with tempfile.TemporaryDirectory(prefix="qinglang-rescreen-") as folder:
        merged = Path(folder) / "lexicon.tsv"
        with merged.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
            writer.writerow(LEXICON_COLUMNS)
            writer.writerows((t.term, t.category, t.sublabel, t.severity, t.source, t.variant_of) for t in terms)
        return _detector(screening, "lexicon", {"lexicon_path": str(merged)})


# --- reading pages -------------------------------------------------------------------------------------------


def _scoped(stmt: Select, scope: Scope) -> Select:
    newest = select(func.max(ContentVersionRow.pk)).group_by(ContentVersionRow.content_id)
    stmt = stmt.where(ContentVersionRow.pk.in_(newest))
    if scope.since is not None:
        stmt = stmt.where(ContentVersionRow.received_at >= scope.since)
    if scope.until is not None:
        stmt = stmt.where(ContentVersionRow.received_at < scope.until)
    if scope.account_id is not None:
        stmt = stmt.where(ContentVersionRow.account_id == scope.account_id)
    if scope.book_id is not None:
        stmt = stmt.where(ContentVersionRow.book_id == scope.book_id)
    return stmt


def count(sessions: sessionmaker[Session], scope: Scope) -> int:
    """How many contents a rescreen of ``scope`` replays (for a progress bar)."""
    with transaction(sessions) as session:
        return session.scalar(_scoped(select(func.count()).select_from(ContentVersionRow), scope)) or 0


@dataclass(frozen=True, slots=True)
class _Stored:
    row: ContentVersionRow
    outcomes: list[DetectorOutcome]
    decision: DecisionRow | None
    human: str | None


def _pages(sessions: sessionmaker[Session], scope: Scope, page_size: int) -> Iterator[list[_Stored]]:
    after = 0
    while True:
        with transaction(sessions) as session:
            stmt = _scoped(select(ContentVersionRow), scope).where(ContentVersionRow.pk > after)
            rows = list(session.scalars(stmt.order_by(ContentVersionRow.pk).limit(page_size)))
            if not rows:
                return
            page = _load(session, rows)
            session.expunge_all()
        after = rows[-1].pk
        yield page


def _load(session: Session, rows: list[ContentVersionRow]) -> list[_Stored]:
    pks = [r.pk for r in rows]
    signals: dict[int, list[SignalRow]] = defaultdict(list)
    for s in session.scalars(select(SignalRow).where(SignalRow.content_version_id.in_(pks)).order_by(SignalRow.id)):
        signals[s.content_version_id].append(s)
    decisions = {d.content_version_id: d for d in session.scalars(
        select(DecisionRow).where(DecisionRow.content_version_id.in_(pks), DecisionRow.decided_by == "policy")
        .order_by(DecisionRow.id))}
    human = _human_answers(session, {r.content_id for r in rows})
    return [_Stored(r, _outcomes(signals[r.pk]), decisions.get(r.pk), human.get(r.content_id)) for r in rows]


def _human_answers(session: Session, content_ids: set[str]) -> dict[str, str]:
    """The newest closed case's outcome per content, for cases closed as violation or no violation."""
    stmt = (select(Case.target_id, Case.outcome)
            .where(Case.target_kind == TargetKind.CONTENT, Case.target_id.in_(content_ids),
                   Case.outcome.in_((CaseOutcome.VIOLATION, CaseOutcome.NO_VIOLATION)))
            .order_by(Case.closed_at, Case.id))
    return {target: str(outcome) for target, outcome in session.execute(stmt)}


def _evidence(d: dict[str, Any]) -> Evidence:
    return Evidence(d.get("kind", ""), d.get("field", ""), d.get("start"), d.get("end"), d.get("text", ""),
                    d.get("detail") or {})


def _outcomes(rows: list[SignalRow]) -> list[DetectorOutcome]:
    """The stored signals back as one outcome per detector; a ``detector_failed`` row makes it ``failed``."""
    by_detector: dict[str, list[SignalRow]] = defaultdict(list)
    for row in rows:
        by_detector[row.detector].append(row)
    outcomes = []
    for name, stored in by_detector.items():
        failed = [r for r in stored if r.label == "detector_failed"]
        signals = tuple(Signal(r.detector, r.label, r.score, tuple(_evidence(e) for e in r.evidence or []),
                               r.severity, dict(r.attrs or {})) for r in stored if r.label != "detector_failed")
        status = "failed" if failed else "ok"
        error = (failed[0].attrs or {}).get("error") if failed else None
        outcomes.append(DetectorOutcome(name, stored[0].detector_version, status, signals, error))
    return outcomes


# --- replaying -----------------------------------------------------------------------------------------------


def _item(row: ContentVersionRow) -> ContentItem:
    return ContentItem(id=row.content_id, title=row.title, text=row.body_text, html=row.body_html,
                       links=tuple(row.links or ()), original_link=row.original_link, account_id=row.account_id,
                       book_id=row.book_id, chapter=row.chapter)


def replay(candidate: Candidate, stored: _Stored) -> Replayed:
    """One stored version through the candidate."""
    outcomes = stored.outcomes
    if candidate.detectors:
        prepared = prepare(_item(stored.row))
        replaced = {d.name: run_detector(d, prepared) for d in candidate.detectors}
        outcomes = [o for o in outcomes if o.detector not in replaced] + list(replaced.values())
    after = evaluate(candidate.policy, outcomes)
    before = stored.decision
    return Replayed(stored.row.pk, stored.row.content_id, stored.row.version,
                    before.verdict if before else "pass", before.category if before else "none",
                    after.verdict.value, after.category.value, tuple(after.rules), stored.human)


def rescreen(sessions: sessionmaker[Session], candidate: Candidate, scope: Scope = Scope(), *,
             page_size: int = PAGE_SIZE, max_changes: int = 10_000,
             on_page: Callable[[int], None] | None = None) -> Tally:
    """Replay every stored content in ``scope`` through ``candidate``; returns the tally. ``on_page(n)`` is called
    after each page with the number of contents it held (a progress bar)."""
    tally = Tally(max_changes=max_changes)
    for page in _pages(sessions, scope, page_size):
        for stored in page:
            tally.add(replay(candidate, stored))
        if on_page is not None:
            on_page(len(page))
    return tally
