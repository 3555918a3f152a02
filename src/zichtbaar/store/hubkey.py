"""The hub's own at-rest key: authenticated encryption of tokens and Bloom filters (AES-SIV).

Tokens are encrypted deterministically, so equal tokens stay equal and linkage still works; keyed
by the hub alone, so a reporter who holds the linkage secret and steals the store cannot recompute
tokens from names and test them against it. The token's domain (its column name) is associated
data, so the same value in two unrelated token columns gives two different ciphertexts; columns the
linkage compares with each other share a domain (``TOKEN_DOMAIN``).

Bloom filters are *sealed* with a random nonce: the linkage secret alone is enough to encode a
guessed name into exactly the stored filter, so an open filter in a stolen store is a dictionary
lookup. Nothing joins on filters inside the store, so the seal may hide their equality too (equal
filters are what a count-signature attack counts); they are opened only when the hub exports a
snapshot for linkage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from zichtbaar.errors import StoreError

KEY_FILE_NAME = "hub-key.json"

FILTER_DOMAIN = b"zichtbaar-bloom-filter"
_NONCE = 16

TOKEN_DOMAIN = {"tok_dob_swapped": "tok_dob"}
"""Token columns encrypted under another column's domain: a swapped date must still meet the other
record's date (``l.tok_dob = r.tok_dob_swapped``). Before this, each column was its own domain and
no swapped date was ever linked through the store."""


def _domain(column: str) -> list[bytes]:
    return [TOKEN_DOMAIN.get(column, column).encode("ascii")]


class HubCipher:
    """AES-SIV (512-bit key) over 32-byte tokens; ``key_id`` names the key, never reveals it."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 64:
            raise StoreError("the hub key must be 64 bytes (AES-256-SIV)")
        self._aead = AESSIV(key)
        self.key_id = "hub-" + hashlib.sha256(b"zichtbaar-hub-key-id" + key).hexdigest()[:16]
        # A separate key for row fingerprints, so they are no guessing oracle for a reporter.
        self.fingerprint_key = hmac.new(key, b"zichtbaar-row-fingerprint", "sha256").hexdigest()[
            :16
        ]
        # And one for files sealed into backups (snapshots, runs: store.sealed_files).
        self.file_key = hmac.new(key, b"zichtbaar-sealed-file", "sha256").digest()

    def __repr__(self) -> str:
        return f"HubCipher(key_id={self.key_id})"

    def encrypt_token(self, column: str, token_hex: str) -> bytes:
        return self._aead.encrypt(bytes.fromhex(token_hex), _domain(column))

    def decrypt_token(self, column: str, blob: bytes) -> str:
        try:
            return self._aead.decrypt(blob, _domain(column)).hex()
        except InvalidTag:
            raise StoreError(f"a stored token in '{column}' fails authentication") from None

    def seal_filter(self, bloom: bytes) -> bytes:
        """Nonce and ciphertext of one filter; sealing the same filter twice gives two blobs."""
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(bloom, [FILTER_DOMAIN, nonce])

    def open_filter(self, blob: bytes) -> bytes:
        nonce, sealed = blob[:_NONCE], blob[_NONCE:]
        try:
            return self._aead.decrypt(sealed, [FILTER_DOMAIN, nonce])
        except InvalidTag:
            raise StoreError("a stored Bloom filter fails authentication") from None

    def encrypt_many(self, column: str, tokens: Iterable[str]) -> dict[str, bytes]:
        """Encrypt each distinct token once (year/month tokens repeat a lot)."""
        return {t: self.encrypt_token(column, t) for t in set(tokens)}


def load_or_create_hub_key(path: Path) -> HubCipher:
    """Read the key file at ``path``; create it (mode 0600) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = AESSIV.generate_key(512)
        payload = json.dumps({"kind": "zichtbaar-hub-key", "key": base64.b64encode(key).decode()})
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        cipher = HubCipher(key)
        path.with_suffix(".id").write_text(cipher.key_id + "\n", encoding="utf-8")
        return cipher
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") != "zichtbaar-hub-key":
            raise ValueError
        key = base64.b64decode(data["key"], validate=True)
    except (ValueError, KeyError, TypeError, OSError):
        raise StoreError(f"the hub key file {path.name} is unreadable or not a hub key") from None
    return HubCipher(key)
