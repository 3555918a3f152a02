"""Files sealed under the hub key, streamed: how snapshots and linkage runs travel in a backup.

Snapshots and runs hold the Bloom filters open (the linkage compares them bit by bit), and a
filter is deterministic given a person and the reporters' shared linkage key: in a backup, every
reporter could encode a guessed person and find that person's registrations. Sealed, a stolen
backup without the hub key holds nothing a reporter's key can test.

Format: ``ZSEAL1`` + an 8-byte random file nonce, then chunks of at most 1 MiB, each
``length (4 bytes) + AES-256-GCM(chunk)`` with nonce = file nonce + chunk number and the chunk
number and a last-chunk flag as associated data, so chunks cannot be reordered, dropped or cut
off at the end without failing authentication. The GCM key is derived from the hub key.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zichtbaar.errors import StoreError

MAGIC = b"ZSEAL1"
SUFFIX = ".sealed"
_CHUNK = 1 << 20


def _aad(index: int, last: bool) -> bytes:
    return struct.pack(">QB", index, 1 if last else 0)


def seal_file(key: bytes, source: Path, target: Path) -> None:
    """Write ``source`` sealed to ``target``."""
    aead = AESGCM(key)
    prefix = os.urandom(8)
    with source.open("rb") as src, target.open("wb") as out:
        out.write(MAGIC + prefix)
        chunk = src.read(_CHUNK)
        index = 0
        while True:
            following = src.read(_CHUNK)
            last = not following
            sealed = aead.encrypt(prefix + struct.pack(">I", index), chunk, _aad(index, last))
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                return
            chunk, index = following, index + 1


def open_file(key: bytes, source: Path, target: Path) -> None:
    """Write the contents of the sealed ``source`` to ``target``; refuse anything tampered."""
    aead = AESGCM(key)
    broken = StoreError(f"the sealed file '{source.name}' fails authentication (other hub key?)")
    with source.open("rb") as src, target.open("wb") as out:
        head = src.read(len(MAGIC) + 8)
        if head[: len(MAGIC)] != MAGIC or len(head) != len(MAGIC) + 8:
            raise broken
        prefix, index = head[len(MAGIC) :], 0
        while True:
            size = src.read(4)
            if len(size) != 4:
                raise broken  # cut off before the last chunk
            sealed = src.read(struct.unpack(">I", size)[0])
            nonce = prefix + struct.pack(">I", index)
            last = src.peek(1) == b""
            try:
                out.write(aead.decrypt(nonce, sealed, _aad(index, last)))
            except InvalidTag:
                raise broken from None
            if last:
                return
            index += 1
