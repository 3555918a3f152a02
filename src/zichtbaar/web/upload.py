"""Unpacking an uploaded package (.zip of the package directory) safely into a temp directory.

Everything about a member is checked from the zip's directory before a byte is extracted: its
name (no absolute path, no ``..``, no drive or backslash, no name twice), its kind (a regular
file: no link, device or pipe), that it is not encrypted, and its declared size and compression
ratio. Extraction then streams each member with a running count, drawing on the hub's shared
temporary-disk budget, so a lying directory cannot write more than it declared either.
"""

from __future__ import annotations

import errno
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from zichtbaar.errors import PackageError
from zichtbaar.standard.package import MANIFEST_FILE
from zichtbaar.web.budget import Lease

MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_MEMBERS = 16
MAX_RATIO = 50
"""A package's data file is Parquet, compressed already: deflate gains 1.3-3x on it. A zip
bomb's member deflates 1,000x; 50 leaves room for a very regular file."""
RATIO_FROM_BYTES = 1024**2
"""Small members (manifest, encoding) may compress well; the ratio counts from 1 MiB."""
_CHUNK = 1 << 20


def _refuse_member(m: zipfile.ZipInfo, seen: set[str]) -> None:
    name = m.filename
    p = PurePosixPath(name)
    if (
        p.is_absolute()
        or ".." in p.parts
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
        or "\x00" in name
    ):
        raise PackageError("the .zip holds a path outside the package directory")
    key = "/".join(part for part in p.parts if part not in ("", ".")).casefold()
    if key in seen:
        raise PackageError("the .zip holds the same file name twice")
    seen.add(key)
    if m.flag_bits & 0x1:
        raise PackageError("the .zip holds an encrypted file: upload the package unencrypted")
    kind = stat.S_IFMT(m.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise PackageError("the .zip holds a link: only plain files belong in a package")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR) or (kind == stat.S_IFDIR) != m.is_dir():
        raise PackageError("the .zip holds something other than plain files (a device or pipe)")


def _local_flags(zf: zipfile.ZipFile, m: zipfile.ZipInfo) -> int:
    """The flags of ``m``'s local header, which zipfile itself never looks at for encryption:
    a member flagged encrypted only there was read (and accepted) as plain."""
    fp = zf.fp
    if fp is None:
        return 0
    try:
        fp.seek(m.header_offset)
        header = fp.read(30)
    except (OSError, ValueError):
        raise PackageError("the .zip cannot be unpacked (bad member offset)") from None
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise PackageError("the .zip cannot be unpacked (bad member header)")
    return int(struct.unpack_from("<H", header, 6)[0])


def check_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files to extract, after every check that the zip's directory allows."""
    seen: set[str] = set()
    entries = zf.infolist()
    if len(entries) > 4 * MAX_MEMBERS:
        raise PackageError("the .zip must hold one package: manifest, encoding and data")
    for m in entries:
        _refuse_member(m, seen)
    if any(_local_flags(zf, m) & 0x1 for m in entries):
        raise PackageError("the .zip holds an encrypted file: upload the package unencrypted")
    members = [m for m in entries if not m.is_dir()]
    if not members or len(members) > MAX_MEMBERS:
        raise PackageError("the .zip must hold one package: manifest, encoding and data")
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise PackageError("the package is larger than the intake accepts")
    for m in members:
        if m.file_size > RATIO_FROM_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise PackageError(
                "a file in the .zip is compressed far more than a package can be (refused unread)"
            )
    return members


def _extract(zf: zipfile.ZipFile, m: zipfile.ZipInfo, into: Path) -> None:
    target = into.joinpath(*PurePosixPath(m.filename).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(m) as src, target.open("xb") as out:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > m.file_size:
                raise PackageError("a file in the .zip is larger than its entry declares")
            out.write(chunk)


def unpack_package(source: Path | IO[bytes], into: Path, lease: Lease | None = None) -> Path:
    """Extract the zip ``source`` into ``into`` and return the directory holding ``manifest.json``.

    The declared sizes are taken from ``lease`` (the shared temporary-disk budget) before
    anything is written; ``TempBudgetSpentError`` means: try again later.
    """
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError("the upload is not a .zip file of a package directory") from None
    with zf:
        members = check_members(zf)
        if lease is not None:
            lease.take(sum(m.file_size for m in members))
        into.mkdir(parents=True, exist_ok=True)
        try:
            for m in members:
                _extract(zf, m, into)
        except (
            zipfile.BadZipFile,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
            zlib.error,
        ) as exc:
            # Damaged members (found by tests/fuzz): a refusal, not a crash.
            raise PackageError(f"the .zip cannot be unpacked ({type(exc).__name__})") from None
        except FileExistsError:
            raise PackageError("the .zip holds the same file name twice") from None
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # a bad offset in the zip; disk full stays an OSError
                raise
            raise PackageError("the .zip cannot be unpacked (bad member offset)") from None
    manifests = list(into.rglob(MANIFEST_FILE))
    if len(manifests) != 1:
        raise PackageError("the .zip must hold exactly one package (one manifest.json)")
    return manifests[0].parent
