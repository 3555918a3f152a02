"""Unpacking an uploaded package (.zip of the package directory) safely into a temp directory."""

from __future__ import annotations

import errno
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from zichtbaar.errors import PackageError
from zichtbaar.standard.package import MANIFEST_FILE

MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_MEMBERS = 16


def unpack_package(zip_path: Path, into: Path) -> Path:
    """Extract ``zip_path`` into ``into`` and return the directory holding ``manifest.json``.

    Refuses absolute paths, ``..``, links, too many files and zip bombs (declared sizes), because
    the upload comes from outside. The package's own checks (checksums, schema) run at intake.
    """
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError):
        raise PackageError("the upload is not a .zip file of a package directory") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if not members or len(members) > MAX_MEMBERS:
            raise PackageError("the .zip must hold one package: manifest, encoding and data")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise PackageError("the package is larger than the intake accepts")
        for m in members:
            p = PurePosixPath(m.filename)
            if p.is_absolute() or ".." in p.parts or (m.external_attr >> 16) & 0o170000 == 0o120000:
                raise PackageError("the .zip holds a path outside the package directory")
        try:
            zf.extractall(into)
        except (
            zipfile.BadZipFile,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
            zlib.error,
        ) as exc:
            # Damaged or encrypted members (found by tests/fuzz): a refusal, not a crash.
            raise PackageError(f"the .zip cannot be unpacked ({type(exc).__name__})") from None
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # a bad offset in the zip; disk full stays an OSError
                raise
            raise PackageError("the .zip cannot be unpacked (bad member offset)") from None
    manifests = list(into.rglob(MANIFEST_FILE))
    if len(manifests) != 1:
        raise PackageError("the .zip must hold exactly one package (one manifest.json)")
    return manifests[0].parent
