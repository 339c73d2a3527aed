"""Signed checkpoints of the audit chain, written outside the database.

A checkpoint is one JSON line ``{"seq", "hash", "at", "mac"}`` appended to ``checkpoints.jsonl`` in the
checkpoint directory (``audit.checkpoint_dir``; by default in the data directory beside the SQLite file). The
MAC is an HMAC-SHA256 under ``audit.checkpoint_key``, which is never stored in the database: someone who can
rewrite the database, but not this file and that key, cannot make a rewritten chain verify.

A checkpoint is only written after the chain verified from the previous checkpoint up to the head it signs, so
the checkpoints form a chain of verified stretches and a reader can start verifying from the newest one.
Ship the directory somewhere the database's administrators cannot write (another host, WORM storage) for the
strongest guarantee; keep the key in a secret store.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from qinglang.domain.audit import ChainReport, Checkpoint, sign_checkpoint
from qinglang.storage.base import utcnow
from qinglang.storage.db import transaction

FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class CheckpointStore:
    directory: Path
    key: str

    @property
    def path(self) -> Path:
        return self.directory / FILE_NAME

    def read(self) -> list[Checkpoint]:
        """Every checkpoint, oldest first; a line that is not a checkpoint is kept as one that fails its MAC."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text("utf-8").splitlines():
            if line.strip():
                out.append(_parse(line))
        return out

    def latest(self) -> Checkpoint | None:
        found = self.read()
        return max(found, key=lambda cp: cp.seq) if found else None

    def append(self, checkpoint: Checkpoint) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(checkpoint.to_dict(), sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # several workers may checkpoint at once
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


def checkpoint_store(settings) -> CheckpointStore:
    """The store the settings name (unset paths and keys filled from the data directory)."""
    from qinglang.config import with_install_secrets

    audit = with_install_secrets(settings).audit
    return CheckpointStore(Path(audit.checkpoint_dir), audit.checkpoint_key.get_secret_value())


def _parse(line: str) -> Checkpoint:
    try:
        raw = json.loads(line)
        return Checkpoint(int(raw["seq"]), str(raw["hash"]), str(raw["at"]), str(raw["mac"]))
    except (ValueError, KeyError, TypeError):
        return Checkpoint(-1, "", line[:40], "")


def write_checkpoint(sessions: sessionmaker[Session], store: CheckpointStore) -> tuple[ChainReport, Checkpoint | None]:
    """Verify the chain from the newest checkpoint to its head and, if it holds and has grown, sign that head."""
    from qinglang.services.audit.verify import verify_recent

    with transaction(sessions) as session:
        report = verify_recent(session, store)
    if not report.ok:
        return report, None
    latest = store.latest()
    if report.verified_to.seq == 0 or (latest is not None and latest.seq >= report.verified_to.seq):
        return report, None  # nothing (new) to sign
    checkpoint = sign_checkpoint(store.key, report.verified_to, utcnow())
    store.append(checkpoint)
    return report, checkpoint
