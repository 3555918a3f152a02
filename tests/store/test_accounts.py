"""Organisations, users, API keys, key ids and the hub key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from zichtbaar.errors import StoreError
from zichtbaar.store import (
    Store,
    add_organisation,
    add_user,
    get_organisation,
    key_id_active,
    new_api_key,
    open_store,
    register_key_id,
    retire_key_id,
    revoke_api_key,
    verify_api_key,
    verify_password,
)
from zichtbaar.store.hubkey import load_or_create_hub_key
from zichtbaar.store.models import ApiKey, User


def test_org_and_duplicates(store: Store) -> None:
    org = get_organisation(store, "police-nl")
    assert org is not None and org.reporter_type == "police"
    with pytest.raises(StoreError, match="already exists"):
        add_organisation(store, "police-nl", "x", "police", "admin")
    with pytest.raises(StoreError, match="reporter_type"):
        add_organisation(store, "new-org", "x", "wizards", "admin")


def test_users_argon2(store: Store) -> None:
    add_user(store, "anna", "correct horse battery", "reporter", "police-nl", "admin")
    with store.engine.connect() as conn:
        stored = conn.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    user = verify_password(store, "anna", "correct horse battery")
    assert user is not None and user.role == "reporter"
    assert verify_password(store, "anna", "wrong") is None
    assert verify_password(store, "nobody", "x") is None
    with pytest.raises(StoreError, match="role"):
        add_user(store, "bob", "pw", "king", None, "admin")


def test_api_keys(store: Store) -> None:
    prefix, key = new_api_key(store, "police-nl", "admin")
    assert verify_api_key(store, key) == "police-nl"
    assert verify_api_key(store, key + "x") is None
    with store.engine.connect() as conn:
        digest = conn.execute(select(ApiKey.secret_sha256)).scalar_one()
    assert key.split(".", 1)[1] not in digest
    revoke_api_key(store, prefix, "admin")
    assert verify_api_key(store, key) is None
    with pytest.raises(StoreError):
        revoke_api_key(store, prefix, "admin")


def test_key_ids(store: Store) -> None:
    assert key_id_active(store, "k2026-test")
    register_key_id(store, "k2027", "admin")
    retire_key_id(store, "k2027", "admin")
    assert not key_id_active(store, "k2027") and not key_id_active(store, "never")


def test_hub_key_file_created_private(tmp_path: Path) -> None:
    path = tmp_path / "home" / "hub-key.json"
    cipher = load_or_create_hub_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_hub_key(path)
    assert again.key_id == cipher.key_id
    token = "ab" * 32
    assert cipher.encrypt_token("tok_bsn", token) == again.encrypt_token("tok_bsn", token)
    assert cipher.encrypt_token("tok_bsn", token) != cipher.encrypt_token("tok_dob", token)
    assert path.with_suffix(".id").read_text().strip() == cipher.key_id


def test_store_refuses_other_hub_key(store_url: str, tmp_path: Path) -> None:
    open_store(store_url, key_file=tmp_path / "k1.json").close()
    with pytest.raises(StoreError, match="different hub key"):
        open_store(store_url, key_file=tmp_path / "k2.json")


def test_bad_key_file(tmp_path: Path) -> None:
    bad = tmp_path / "k.json"
    bad.write_text("{}")
    with pytest.raises(StoreError, match="not a hub key"):
        load_or_create_hub_key(bad)


def test_one_password_policy_for_every_way_in(store: Store) -> None:
    """The CLI took ``--password a`` for an admin while the web form asked 12+ characters."""
    for weak in ("a", "x" * 11, "y" * 257):
        with pytest.raises(StoreError, match="12 to 256 characters") as err:
            add_user(store, "weak", weak, "admin", None, "admin")
        assert len(weak) < 2 or weak not in str(err.value)
    add_user(store, "ok", "twelve chars", "admin", None, "admin")


def test_a_key_is_counted_by_one_prefix_however_it_is_written() -> None:
    from zichtbaar.store import api_key_prefix

    assert {api_key_prefix(k) for k in ("zk_ab12.s", "ab12.s", " zk_ab12.s ", "AB12.s")} == {"ab12"}
