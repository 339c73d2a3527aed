"""What the qualification services need from settings, built once: the licence catalogue, the identity hashing
key and its id, the warning period."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qinglang.qualification import Catalogue, default_catalogue, load_catalogue


@dataclass(frozen=True, slots=True)
class QualificationContext:
    catalogue: Catalogue
    identity_key: bytes = b""
    warn_days: int = 30

    @property
    def key_id(self) -> str:
        """Names the identity key without revealing it (the first 12 hex digits of its SHA-256), so digests made
        under an older key can be told apart after a rotation."""
        return "k-" + hashlib.sha256(self.identity_key).hexdigest()[:12]


@lru_cache(maxsize=8)
def _catalogue(path: Path | None) -> Catalogue:
    return load_catalogue(path) if path is not None else default_catalogue()


def context_for(settings) -> QualificationContext:
    """The context of ``settings`` (whose secrets the runtime has filled in)."""
    catalogue = _catalogue(settings.qualification.catalogue_path)
    key = settings.security.identity_key
    warn = settings.qualification.warn_days
    return QualificationContext(catalogue, key.get_secret_value().encode() if key else b"",
                                catalogue.warn_days if warn is None else warn)
