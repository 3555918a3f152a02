"""The operational store: organisations, users, keys, submissions, encoded rows, audit log."""

from __future__ import annotations

from zichtbaar.store.accounts import (
    ROLES,
    add_organisation,
    add_user,
    api_key_prefix,
    check_password_policy,
    get_organisation,
    key_id_active,
    new_api_key,
    register_key_id,
    retire_key_id,
    revoke_api_key,
    verify_api_key,
    verify_password,
)
from zichtbaar.store.audit import AuditAnchor, AuditReport, append_audit
from zichtbaar.store.engine import Store, open_store
from zichtbaar.store.sessions import end_web_session, start_web_session, web_session_user
from zichtbaar.store.verify import current_audit_head, verify_audit

__all__ = [
    "ROLES",
    "AuditAnchor",
    "AuditReport",
    "Store",
    "add_organisation",
    "add_user",
    "api_key_prefix",
    "append_audit",
    "check_password_policy",
    "current_audit_head",
    "end_web_session",
    "get_organisation",
    "key_id_active",
    "new_api_key",
    "open_store",
    "register_key_id",
    "retire_key_id",
    "revoke_api_key",
    "start_web_session",
    "verify_api_key",
    "verify_audit",
    "verify_password",
    "web_session_user",
]
