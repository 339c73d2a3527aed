"""Errors with stable codes. Every error a user can see carries a code and an actionable message.

Codes are part of the public API: never rename one, only add.
"""

from __future__ import annotations


class QinglangError(Exception):
    """Base error. ``code`` is stable; ``message`` tells a person what to do; ``status`` is the HTTP status."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class NotFound(QinglangError):
    code = "not_found"
    status = 404


class InvalidInput(QinglangError):
    code = "invalid_input"
    status = 422


class Conflict(QinglangError):
    code = "conflict"
    status = 409


class PayloadTooLarge(QinglangError):
    code = "payload_too_large"
    status = 413


class Unauthorized(QinglangError):
    code = "unauthorized"
    status = 401


class Forbidden(QinglangError):
    code = "forbidden"
    status = 403


class RateLimited(QinglangError):
    code = "rate_limited"
    status = 429


class PolicyError(QinglangError):
    """A policy file is invalid; ``details`` holds ``file`` and ``line``."""

    code = "policy_invalid"
    status = 422


class DetectorFailed(QinglangError):
    code = "detector_failed"
    status = 500


class ConfigError(QinglangError):
    code = "config_invalid"
    status = 500


class EngineUnavailable(QinglangError):
    """The configured batch engine cannot run work now (the Ray cluster is unreachable): an outage, not bad input."""

    code = "batch_engine_unavailable"
    status = 503
