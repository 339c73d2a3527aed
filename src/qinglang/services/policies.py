"""Promoting a candidate policy: checked, written where the settings say the live policy lives, audited.

``promote_policy`` runs the same check as ``qinglang policy check`` (any error refuses it with
``policy_invalid``), then

- with ``screening.policy_path`` set: writes the file there atomically (a temporary file in the same folder,
  then a rename, so a process starting at that moment reads the old policy or the new one, never half of one);
- with ``record_only`` (the live file is deployed by other means): writes nothing;
- with neither: refuses with ``policy_path_unset`` (the shipped default cannot be overwritten).

Either way a ``policy.promoted`` audit event records the live policy before (id, version, sha256 of its file)
and the promoted one after. The event is appended before the file is written and the file is put back if the
event does not commit, so the live file never changes without its event. Processes read the policy when they start: restart them to apply it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from qinglang.errors import InvalidInput, PolicyError
from qinglang.policy import check_policy_file, default_policy, load_policy
from qinglang.storage.db import transaction
from qinglang.storage.sql_audit import append_audit_event


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    id: str
    version: str
    sha256: str
    path: str  # "" for the policy shipped in the package


@dataclass(frozen=True, slots=True)
class Promotion:
    before: PolicyVersion
    after: PolicyVersion
    written: bool


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def live_version(screening: Any) -> PolicyVersion:
    """The live policy's id, version and file digest, as the settings name it."""
    path = screening.policy_path
    if path is None or not Path(path).is_file():
        policy = default_policy()
        shipped = resources.files("qinglang.policy").joinpath("default.yaml").read_bytes()
        return PolicyVersion(policy.id, policy.version, _sha256(shipped), "" if path is None else str(path))
    policy = load_policy(Path(path))
    return PolicyVersion(policy.id, policy.version, _sha256(Path(path).read_bytes()), str(path))


def check(file: Path) -> None:
    """Refuse a file ``qinglang policy check`` reports an error in (``policy_invalid`` with every error)."""
    from qinglang.detectors.registry import available_detectors

    errors = [i for i in check_policy_file(file, known_detectors=available_detectors()) if i.severity == "error"]
    if errors:
        raise PolicyError(f"{errors[0]}; run `qinglang policy check {file}` for every problem",
                          details={"file": errors[0].file, "line": errors[0].line,
                                   "errors": [str(e) for e in errors]})


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def promote_policy(sessions: sessionmaker[Session], screening: Any, file: Path, *, actor: str,
                   record_only: bool = False) -> Promotion:
    """Make ``file`` the live policy (see the module docstring); returns before, after and whether it was
    written."""
    check(file)
    if screening.policy_path is None and not record_only:
        raise InvalidInput("the live policy is the shipped default; set screening.policy_path "
                           "(QINGLANG_SCREENING__POLICY_PATH) to where it should live, or promote with "
                           "--record-only", code="policy_path_unset")
    data = Path(file).read_bytes()
    candidate = load_policy(Path(file))
    before = live_version(screening)
    target = "" if record_only else str(screening.policy_path)
    after = PolicyVersion(candidate.id, candidate.version, _sha256(data), target or str(file))
    live = None if record_only else Path(screening.policy_path)
    previous = _contents(live)
    try:
        with transaction(sessions) as session:
            append_audit_event(session, actor, "policy.promoted", "policy", candidate.id,
                               {"before": _plain(before), "after": _plain(after), "written": live is not None})
            session.flush()  # the event is in place (and the chain's lock held) before the live file changes
            if live is not None:
                _write_atomically(live, data)  # a failed write rolls the event back
    except BaseException:
        _put_back(live, previous, data)  # the event did not commit: neither does the file
        raise
    return Promotion(before, after, live is not None)


def _contents(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None and path.is_file() else None


def _put_back(live: Path | None, previous: bytes | None, written: bytes) -> None:
    """Undo this promotion's write after its audit event failed to commit: the file that was live before
    comes back (or none, if there was none). A file that no longer holds this promotion's bytes is left alone."""
    if live is None or not live.is_file() or live.read_bytes() != written:
        return
    if previous is None:
        live.unlink(missing_ok=True)
    else:
        _write_atomically(live, previous)


def _plain(v: PolicyVersion) -> dict[str, str]:
    return {"id": v.id, "version": v.version, "sha256": v.sha256, "path": v.path}
