"""The linkage secret: created, stored, loaded and rotated at the organisations, never at the hub.

Every token type and every use inside the Bloom filter gets its own sub-key derived with HKDF
(domain separation): a token of one kind can never be replayed as another, and learning how one
part works tells nothing about the others.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zichtbaar.errors import KeyFileError
from zichtbaar.types import KeyId

SECRET_BYTES = 32
_HKDF_SALT = b"zichtbaar linkage v1"


class Secret:
    """Bytes that never print: ``repr`` and ``str`` show ``[secure]``."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        if len(value) != SECRET_BYTES:
            raise KeyFileError(f"a linkage secret must be {SECRET_BYTES} bytes")
        self._value = value

    def reveal(self) -> bytes:
        """The raw bytes, for the key-derivation function only."""
        return self._value

    def __repr__(self) -> str:
        return "[secure]"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class LinkageKey:
    """A linkage secret with its public id; only the id ever travels with a package."""

    key_id: KeyId
    secret: Secret = field(repr=True)  # Secret's own repr hides the value
    created: dt.datetime
    rotated_from: KeyId | None = None

    def subkey(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (e.g. ``token/bsn``, ``bloom/hash``), derived with HKDF."""
        return _derive(self.secret.reveal(), purpose)


def _derive(secret: bytes, purpose: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=_HKDF_SALT,
        info=f"zichtbaar/{purpose}".encode(),
    )
    return hkdf.derive(secret)


def _new_key_id(now: dt.datetime) -> KeyId:
    return KeyId(f"zk-{now:%Y%m%d}-{secrets.token_hex(6)}")


def new_key(now: dt.datetime | None = None) -> LinkageKey:
    """A fresh linkage secret from the operating system's random source."""
    now = now or dt.datetime.now(dt.UTC)
    return LinkageKey(_new_key_id(now), Secret(secrets.token_bytes(SECRET_BYTES)), now)


def rotate(old: LinkageKey, now: dt.datetime | None = None) -> LinkageKey:
    """A new secret with a new id that records which key it replaces.

    Encodings under different keys never match: after rotation every organisation must re-encode
    its open registrations with the new key (see docs/encoding.md).
    """
    fresh = new_key(now)
    return LinkageKey(fresh.key_id, fresh.secret, fresh.created, rotated_from=old.key_id)


def save_key(key: LinkageKey, path: Path) -> Path:
    """Write a key file readable by its owner only (mode 0600); never overwrites an existing file."""
    payload = {
        "key_id": key.key_id,
        "secret": base64.b64encode(key.secret.reveal()).decode("ascii"),
        "created": key.created.isoformat(),
    }
    if key.rotated_from:
        payload["rotated_from"] = key.rotated_from
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError("key file already exists; choose another path") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2)
        fh.write("\n")
    path.chmod(0o600)  # in case a umask or filesystem widened it
    return path


def load_key(path: Path) -> LinkageKey:
    """Read a key file; refuses one that others can read, or one that is malformed."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyFileError("key file not found") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError("key file is readable by others; run: chmod 600 KEYFILE")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = Secret(base64.b64decode(data["secret"], validate=True))
        key_id = KeyId(str(data["key_id"]))
        created = dt.datetime.fromisoformat(data["created"])
        rotated_from = data.get("rotated_from")
    except (ValueError, KeyError, TypeError, binascii.Error):
        # no detail: the exception text could contain part of the secret
        raise KeyFileError("key file is malformed (expected key_id, secret, created)") from None
    return LinkageKey(key_id, secret, created, KeyId(rotated_from) if rotated_from else None)
