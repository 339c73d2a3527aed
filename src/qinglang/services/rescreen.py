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
memory stays bounded and no lock is held while detectors run. Each page is one chunk of the batch engine
(``batch`` settings: this process by default, a local pool or Ray when given): the replay itself is
:mod:`qinglang.pipeline.replay`, pure, and the candidate travels to the workers as data (its files' contents
included), so every engine gives the same tally. Nothing is written: not decisions, not audit events (a rescreen
changes no state).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain import DetectorOutcome, Evidence, Signal
from qinglang.domain.model import ContentItem
from qinglang.domain.rescreen import Tally
from qinglang.domain.review import CaseOutcome, TargetKind
from qinglang.engine import inline_engine, open_engine
from qinglang.errors import InvalidInput
from qinglang.pipeline.replay import Candidate, DetectorSpec, StoredVersion, detectors_of, replay_chunk
from qinglang.policy import Policy, default_policy, load_policy
from qinglang.storage.db import transaction
from qinglang.storage.tables.core import ContentVersionRow, DecisionRow, SignalRow
from qinglang.storage.tables.review import Case

PAGE_SIZE = 500
LEXICON_COLUMNS = ("term", "category", "sublabel", "severity", "source", "variant_of")


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
        detectors.append(DetectorSpec.with_folder("classifier", _config(screening, "classifier"), "model_dir",
                                                  Path(model_dir)))
        parts.append(f"model {model_dir}")
    candidate = Candidate(policy, tuple(detectors), ", ".join(parts))
    detectors_of(candidate)  # a bad file fails here, once, not as a failed outcome per item
    return candidate


def _config(screening: Any, name: str) -> dict[str, Any]:
    return dict(screening.detector_config.get(name, {}))


def _lexicon(screening: Any, extra: Path | None, replacement: Path | None) -> DetectorSpec:
    config = _config(screening, "lexicon")
    if replacement is not None:
        return DetectorSpec.with_file("lexicon", config, "lexicon_path", "lexicon.tsv", Path(replacement).read_bytes())
    from qinglang.detectors.lexicon.detector import HERE, read_terms

    configured = config.get("lexicon_path")
    terms = read_terms(Path(configured) if configured else HERE / "lexicon.tsv") + read_terms(extra)
    merged = io.StringIO(newline="")
    writer = csv.writer(merged, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\r\n")
    writer.writerow(LEXICON_COLUMNS)
    writer.writerows((t.term, t.category, t.sublabel, t.severity, t.source, t.variant_of) for t in terms)
    return DetectorSpec.with_file("lexicon", config, "lexicon_path", "lexicon.tsv", merged.getvalue().encode("utf-8"))


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


def _pages(sessions: sessionmaker[Session], scope: Scope, page_size: int) -> Iterator[list[StoredVersion]]:
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


def _load(session: Session, rows: list[ContentVersionRow]) -> list[StoredVersion]:
    pks = [r.pk for r in rows]
    signals: dict[int, list[SignalRow]] = defaultdict(list)
    for s in session.scalars(select(SignalRow).where(SignalRow.content_version_id.in_(pks)).order_by(SignalRow.id)):
        signals[s.content_version_id].append(s)
    decisions = {d.content_version_id: d for d in session.scalars(
        select(DecisionRow).where(DecisionRow.content_version_id.in_(pks), DecisionRow.decided_by == "policy")
        .order_by(DecisionRow.id))}
    human = _human_answers(session, {r.content_id for r in rows})
    return [_stored(r, signals[r.pk], decisions.get(r.pk), human.get(r.content_id)) for r in rows]


def _stored(row: ContentVersionRow, signals: list[SignalRow], decision: DecisionRow | None,
            human: str | None) -> StoredVersion:
    return StoredVersion(row.pk, row.version, _item(row), tuple(_outcomes(signals)),
                         decision.verdict if decision else "pass", decision.category if decision else "none", human)


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


def rescreen(sessions: sessionmaker[Session], candidate: Candidate, scope: Scope = Scope(), *,
             page_size: int = PAGE_SIZE, max_changes: int = 10_000,
             on_page: Callable[[int], None] | None = None, batch: Any | None = None) -> Tally:
    """Replay every stored content in ``scope`` through ``candidate``; returns the tally. ``on_page(n)`` is called
    after each page with the number of contents it held (a progress bar). ``batch`` (``BatchSettings``) runs the
    pages on the batch engine it names; ``None`` replays them in this process."""
    tally = Tally(max_changes=max_changes)
    with open_engine(batch) if batch is not None else inline_engine() as engine:
        for replayed in engine.map_chunks(partial(replay_chunk, candidate), _pages(sessions, scope, page_size)):
            for one in replayed:
                tally.add(one)
            if on_page is not None:
                on_page(len(replayed))
    return tally
