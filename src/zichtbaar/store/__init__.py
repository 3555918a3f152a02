"""The operational store: organisations, users, keys, submissions, encoded rows, audit log."""

from __future__ import annotations

from zichtbaar.store.accounts import (
    ROLES,
    add_organisation,
    add_user,
    get_organisation,
    key_id_active,
    new_api_key,
    register_key_id,
    retire_key_id,
    revoke_api_key,
    verify_api_key,
    verify_password,
)
from zichtbaar.store.audit import AuditReport, append_audit
from zichtbaar.store.engine import Store, open_store
from zichtbaar.store.verify import verify_audit

__all__ = [
    "ROLES",
    "AuditReport",
    "Store",
    "add_organisation",
    "add_user",
    "append_audit",
    "get_organisation",
    "key_id_active",
    "new_api_key",
    "open_store",
    "register_key_id",
    "retire_key_id",
    "revoke_api_key",
    "verify_api_key",
    "verify_audit",
    "verify_password",
]
