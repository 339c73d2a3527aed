"""Training and certification of reviewers, as pure rules: when a reviewer's practice answers earn a category's
certificate (:func:`assess_practice`), when live calibration answers take it away (:func:`needs_recertification`),
and what each level allows (:func:`may_claim`, :func:`may_approve_severe`). No I/O here;
``qinglang.services.certification`` stores the answers and the certificates these functions decide on."""

from qinglang.domain.certification.rules import (
    CertificationRule,
    Level,
    Standing,
    assess_practice,
    may_approve_severe,
    may_claim,
    needs_recertification,
    next_level,
)

__all__ = ["CertificationRule", "Level", "Standing", "assess_practice", "may_approve_severe", "may_claim",
           "needs_recertification", "next_level"]
