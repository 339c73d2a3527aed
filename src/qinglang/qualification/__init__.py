"""Operators, identity documents, licences and qualification: the pure core (no I/O, no clock).

- :mod:`~qinglang.qualification.numbers` and :mod:`~qinglang.qualification.filing`: resident identity number
  (GB 11643), unified social credit code (GB 32100) and ICP filing checks, each returning a
  :class:`NumberFault` or ``None``; ``require_*`` raise.
- :mod:`~qinglang.qualification.identity`: validated :class:`IdentityDocument` -> stored :class:`IdentityRecord`
  (keyed HMAC-SHA256 digest plus masked display).
- :mod:`~qinglang.qualification.operators`: :class:`OperatorKind` and the document each kind presents.
- :mod:`~qinglang.qualification.catalogue` / :mod:`~qinglang.qualification.loader`: licence kinds and account
  categories as data (``catalogue.yaml``), checked on load with file and line.
- :mod:`~qinglang.qualification.licences`: a licence's facts, checked before storage; validity in China time.
- :mod:`~qinglang.qualification.verification`: the verification state machine, ``transition(state, event)``.
- :mod:`~qinglang.qualification.requirements`: ``assess_qualification`` -> the account's qualification state.
"""

from qinglang.qualification.catalogue import AccountCategory, Catalogue, LicenceKind, Requirement, licence_number_fault
from qinglang.qualification.filing import icp_filing_fault, require_icp_filing
from qinglang.qualification.identity import (
    IdentityDocument,
    IdentityKind,
    IdentityRecord,
    identity_digest,
    keyed_record,
    mask,
    parse_identity,
    same_identity,
)
from qinglang.qualification.licences import (
    CHINA_TIME,
    LicenceFacts,
    LicenceFault,
    days_left,
    in_force,
    licence_faults,
    require_licence,
    validity_end,
)
from qinglang.qualification.loader import CatalogueIssue, default_catalogue, load_catalogue, parse_catalogue
from qinglang.qualification.numbers import (
    FaultCode,
    NumberFault,
    credit_code_fault,
    require_credit_code,
    require_resident_id,
    resident_id_fault,
)
from qinglang.qualification.operators import IDENTITY_FOR, OperatorKind, identity_kind_fault, identity_notes
from qinglang.qualification.reasons import Reason
from qinglang.qualification.requirements import (
    HeldLicence,
    QualificationAssessment,
    QualificationState,
    RequirementCheck,
    RequirementState,
    assess_qualification,
)
from qinglang.qualification.verification import (
    Actor,
    ActorKind,
    Approve,
    Event,
    Expire,
    LicenceStatus,
    Refusal,
    RefusalCode,
    Reject,
    Release,
    Resubmit,
    Revoke,
    StartReview,
    VerificationState,
    Withdraw,
    counts_as_valid,
    submit,
    transition,
)

__all__ = [
    "CHINA_TIME", "IDENTITY_FOR", "AccountCategory", "Actor", "ActorKind", "Approve", "Catalogue", "CatalogueIssue",
    "Event", "Expire", "FaultCode", "HeldLicence", "IdentityDocument", "IdentityKind", "IdentityRecord",
    "LicenceFacts", "LicenceFault", "LicenceKind", "LicenceStatus", "NumberFault", "OperatorKind",
    "QualificationAssessment", "QualificationState", "Reason", "Refusal", "RefusalCode", "Reject", "Release",
    "Requirement", "RequirementCheck", "RequirementState", "Resubmit", "Revoke", "StartReview", "VerificationState",
    "Withdraw", "assess_qualification", "counts_as_valid", "credit_code_fault", "days_left", "default_catalogue",
    "icp_filing_fault", "identity_digest", "identity_kind_fault", "identity_notes", "in_force", "keyed_record",
    "licence_faults", "licence_number_fault", "load_catalogue", "mask", "parse_catalogue", "parse_identity",
    "require_credit_code", "require_icp_filing", "require_licence", "require_resident_id", "resident_id_fault",
    "same_identity", "submit", "transition", "validity_end",
]
