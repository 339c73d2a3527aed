"""Text fingerprints of stored content versions, and the near-duplicate index over them.

A fingerprint is written with its content version (``record_fingerprint``, called in the transaction that
stores the version). ``corpus_index`` builds the in-memory :class:`~qinglang.similarity.TextIndex` over the
newest version of every content; a version stored before fingerprints existed, or under an older scheme, is
fingerprinted from its text then and the fingerprint stored, so the index heals itself after an upgrade.

``near_duplicates`` is the sweep's search: the same answer as ``corpus_index(session).search(fp)``, but the
stored fingerprints are read in chunks and each chunk is decoded, indexed and searched on the batch engine
(:mod:`qinglang.engine`, ``batch.*`` settings), so a large corpus is searched on every core or a Ray cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qinglang.config import BatchSettings
from qinglang.domain import ContentItem
from qinglang.engine import open_engine
from qinglang.similarity import DEFAULT_RULE, SCHEME, Match, TextFingerprint, TextIndex, fingerprint
from qinglang.similarity.batch import content_text
from qinglang.similarity.encoding import decode, encode
from qinglang.similarity.shards import ShardEntry, merge, search_shard
from qinglang.storage.base import utcnow
from qinglang.storage.tables.core import ContentVersionRow
from qinglang.storage.tables.similarity import TextFingerprintRow


def version_text(row: ContentVersionRow) -> str:
    """The text a stored content version is fingerprinted by (as for ``qinglang similar``)."""
    return content_text(ContentItem(id=row.content_id, title=row.title or "", text=row.body_text or "",
                                    html=row.body_html or ""))


def record_fingerprint(session: Session, version_pk: int, text: str) -> TextFingerprint:
    """Fingerprint a content version's text and store it (replacing an older one)."""
    return store_fingerprint(session, version_pk, fingerprint(text))


def store_fingerprint(session: Session, version_pk: int, fp: TextFingerprint) -> TextFingerprint:
    """Store (or replace) a content version's fingerprint, computed beforehand outside the transaction."""
    session.execute(delete(TextFingerprintRow).where(TextFingerprintRow.content_version_pk == version_pk))
    session.add(TextFingerprintRow(content_version_pk=version_pk, scheme=fp.scheme, shingles=fp.size,
                                   data=encode(fp), created_at=utcnow()))
    session.flush()
    return fp


@dataclass(frozen=True, slots=True)
class IndexedVersion:
    """What the corpus index holds a key for: the newest version of one content."""

    version_pk: int
    content_id: str
    account_id: str | None


def _newest_versions(session: Session):
    newest = select(func.max(ContentVersionRow.pk)).group_by(ContentVersionRow.content_id).scalar_subquery()
    stmt = (select(ContentVersionRow, TextFingerprintRow)
            .outerjoin(TextFingerprintRow, TextFingerprintRow.content_version_pk == ContentVersionRow.pk)
            .where(ContentVersionRow.pk.in_(newest)).order_by(ContentVersionRow.pk))
    return session.execute(stmt).all()


def _stored_or_new(session: Session, version: ContentVersionRow, stored: TextFingerprintRow | None):
    if stored is not None and stored.scheme == SCHEME:
        try:
            return decode(stored.data)
        except ValueError:
            pass  # damaged: recompute below
    return record_fingerprint(session, version.pk, version_text(version))


def corpus_index(session: Session) -> TextIndex:
    """The near-duplicate index over the newest version of every stored content, keyed by ``IndexedVersion``."""
    index = TextIndex()
    for version, stored in _newest_versions(session):
        fp = _stored_or_new(session, version, stored)
        index.add(IndexedVersion(version.pk, version.content_id, version.account_id), fp)
    return index


def _entry(position: int, version: ContentVersionRow, stored: TextFingerprintRow | None) -> ShardEntry:
    if stored is not None and stored.scheme == SCHEME:
        return ShardEntry(position, stored.data, stored.scheme)
    return ShardEntry(position, text=version_text(version))


def near_duplicates(session: Session, fp: TextFingerprint, batch: Any | None = None) -> list[Match]:
    """The newest stored versions that are near-duplicates of ``fp``, best first, keyed by ``IndexedVersion``;
    searched in shards on the engine ``batch`` names (``None``: in this process). Fingerprints a shard had to
    make are stored, as ``corpus_index`` does."""
    rows = _newest_versions(session)
    entries = [_entry(position, version, stored) for position, (version, stored) in enumerate(rows)]
    batch = batch if batch is not None else BatchSettings(workers=1)
    found, made, undecodable = [], [], []
    with open_engine(batch) as engine:
        for result in engine.map_chunks(partial(search_shard, fp, DEFAULT_RULE), _chunks(entries, batch.chunk_size)):
            found += result.matches
            made += result.made
            undecodable += result.undecodable
    for position in undecodable:  # damaged in storage: fingerprint the text again, here
        version = rows[position][0]
        again = [ShardEntry(position, text=version_text(version))]
        result = search_shard(fp, DEFAULT_RULE, again)
        found += result.matches
        made += result.made
    for position, new in made:
        store_fingerprint(session, rows[position][0].pk, new)
    return merge(found, [IndexedVersion(v.pk, v.content_id, v.account_id) for v, _ in rows])


def _chunks(entries: list[ShardEntry], size: int):
    return (entries[i : i + size] for i in range(0, len(entries), size))


def backfill(session: Session) -> int:
    """Fingerprint every newest version without a current fingerprint; returns how many were written."""
    written = 0
    for version, stored in _newest_versions(session):
        if stored is None or stored.scheme != SCHEME:
            record_fingerprint(session, version.pk, version_text(version))
            written += 1
    return written
