"""Replaying stored content versions through a candidate, as plain data a batch engine can carry to any worker.

A rescreen (:mod:`qinglang.services.rescreen`) reads stored versions page by page and hands each page to the
batch engine (:mod:`qinglang.engine`) as one chunk; :func:`replay_chunk` runs wherever the engine puts it — this
process, a local pool worker, a Ray node on another machine. So everything it needs travels with it:

- a :class:`StoredVersion` is a version's item, its stored detector outcomes, its current automatic decision
  and the people's answer, with no database row behind it;
- a :class:`Candidate` is a policy and the detectors it changes, each a :class:`DetectorSpec` — a detector's
  name and configuration, **plus the contents of the files that configuration names** (a candidate term list,
  a model folder). A worker writes them into a temporary folder, builds and loads the detector, and deletes the
  folder; no worker needs the caller's files, and a detector is built once per process and candidate.

Replaying is pure: the same candidate and versions give the same :class:`~qinglang.domain.rescreen.Replayed`
answers on every engine.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qinglang.detectors.base import Detector
from qinglang.domain import DetectorOutcome
from qinglang.domain.model import ContentItem
from qinglang.domain.rescreen import Replayed
from qinglang.pipeline.prepare import prepare
from qinglang.pipeline.screener import run_detector
from qinglang.policy import Policy, evaluate

FOLDER_ITSELF = ""  # a DetectorSpec's entry when the configuration names the folder, not a file in it


@dataclass(frozen=True, slots=True)
class DetectorSpec:
    """A detector as data: ``name``, its configuration, and the files the configuration key ``path_key`` names,
    carried as ``(relative path, contents)`` pairs. On the worker the key is set to the folder they are written
    to, joined with ``entry`` (a file in it, or :data:`FOLDER_ITSELF`)."""

    name: str
    config: tuple[tuple[str, Any], ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()
    path_key: str | None = None
    entry: str = FOLDER_ITSELF

    @classmethod
    def with_file(cls, name: str, config: Mapping[str, Any], path_key: str, filename: str,
                  contents: bytes) -> DetectorSpec:
        """A detector whose configuration names one file, given by its contents."""
        return cls(name, tuple(sorted(config.items())), ((filename, contents),), path_key, filename)

    @classmethod
    def with_folder(cls, name: str, config: Mapping[str, Any], path_key: str, folder: Path) -> DetectorSpec:
        """A detector whose configuration names a folder: every file under it is carried (caches excluded)."""
        files = tuple((p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*"))
                      if p.is_file() and "__pycache__" not in p.parts)
        return cls(name, tuple(sorted(config.items())), files, path_key, FOLDER_ITSELF)

    def build(self) -> Detector:
        """The loaded detector (its files written to a temporary folder for the load, then removed)."""
        from qinglang.detectors.registry import create_detector

        config = dict(self.config)
        with tempfile.TemporaryDirectory(prefix="qinglang-replay-") as folder:
            for relative, contents in self.files:
                target = Path(folder, relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(contents)
            if self.path_key is not None:
                config[self.path_key] = str(Path(folder, self.entry)) if self.entry else folder
            detector = create_detector(self.name, config)
            detector.ensure_loaded()  # everything is read now: the folder can go
        return detector


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a rescreen tries: a policy, and detectors that replace the live ones (by name)."""

    policy: Policy
    detectors: tuple[DetectorSpec, ...] = ()
    describe: str = "the live policy"


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One stored content version, as a replay needs it."""

    version_pk: int
    version: str
    item: ContentItem
    outcomes: tuple[DetectorOutcome, ...]
    before_verdict: str = "pass"  # the current automatic decision ("pass"/"none" when there is none)
    before_category: str = "none"
    human: str | None = None  # "violation" | "no_violation" | None (never reviewed)


_BUILT: dict[str, tuple[Detector, ...]] = {}  # per process: a candidate's detectors, by the digest of their specs


def detectors_of(candidate: Candidate) -> tuple[Detector, ...]:
    """The candidate's detectors, built once per process (a bad file raises here, once)."""
    key = hashlib.sha256(pickle.dumps(candidate.detectors)).hexdigest()
    if key not in _BUILT:
        _BUILT[key] = tuple(spec.build() for spec in candidate.detectors)
    return _BUILT[key]


def replay(candidate: Candidate, stored: StoredVersion, detectors: Sequence[Detector] = ()) -> Replayed:
    """One stored version through the candidate: ``detectors`` (the candidate's, built) are run on its item and
    replace their stored outcomes; the others are used as stored; the candidate's policy decides."""
    outcomes = list(stored.outcomes)
    if detectors:
        prepared = prepare(stored.item)
        replaced = {d.name: run_detector(d, prepared) for d in detectors}
        outcomes = [o for o in outcomes if o.detector not in replaced] + list(replaced.values())
    after = evaluate(candidate.policy, outcomes)
    return Replayed(stored.version_pk, stored.item.id, stored.version, stored.before_verdict, stored.before_category,
                    after.verdict.value, after.category.value, tuple(after.rules), stored.human)


def replay_chunk(candidate: Candidate, chunk: Sequence[StoredVersion]) -> list[Replayed]:
    """A chunk of stored versions through the candidate, in order (the batch engine's unit of work)."""
    detectors = detectors_of(candidate)
    return [replay(candidate, stored, detectors) for stored in chunk]
