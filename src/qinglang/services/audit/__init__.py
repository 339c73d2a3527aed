"""The audit log as its readers use it: browsing and exporting events, verifying the chain against signed
checkpoints kept outside the database, and writing those checkpoints. Appending is
``qinglang.storage.sql_audit.append_audit_event``, the only way in."""

from qinglang.services.audit.checkpoints import CheckpointStore, checkpoint_store, write_checkpoint
from qinglang.services.audit.log import AuditEventView, AuditFilter, export_jsonl, export_range, kinds, list_events
from qinglang.services.audit.verify import verify_chain, verify_recent

__all__ = ["AuditEventView", "AuditFilter", "export_range", "kinds", "CheckpointStore", "checkpoint_store", "export_jsonl", "list_events", "verify_chain", "verify_recent",
           "write_checkpoint"]
