"""Hostile uploads built small: a Parquet file that decodes to gigabytes, zip bombs, odd zips."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tests.intake.factory import columns as package_columns
from tests.intake.factory import write_package


def parquet_bomb(rows: int = 16_384, value_bytes: int = 512 * 1024) -> bytes:
    """Registrations whose ``record_id`` is one ``value_bytes`` text repeated ``rows`` times:
    a dictionary page and a run-length index, a few hundred bytes zstd-compressed, that decode
    to ``rows * value_bytes`` (8 GiB by default). Every other column is empty."""
    columns: dict[str, pa.Array] = {}
    for name in package_columns("registrations"):
        kind = pa.date32() if name.endswith("_date") else pa.binary() if "bloom" in name else None
        columns[name] = pa.nulls(rows, kind or pa.string())
    value = pa.array(["x" * value_bytes], pa.string())
    columns["record_id"] = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int32)), value)
    buf = io.BytesIO()
    pq.write_table(
        pa.table(columns),
        buf,
        compression="zstd",
        compression_level=19,
        dictionary_pagesize_limit=2 * value_bytes,
        store_schema=False,
    )
    return buf.getvalue()


def bomb_package(
    out: Path, rows: int = 16_384, value_bytes: int = 512 * 1024, **package: Any
) -> Path:
    return write_package(
        out,
        [],
        data_bytes=parquet_bomb(rows, value_bytes),
        manifest_over={"row_count": rows},
        **package,
    )


def zip_bomb(size: int) -> bytes:
    """A package zip whose data.parquet deflates to ``size`` zero bytes (about size/1000 sent)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p/manifest.json", "{}")
        with zf.open("p/data.parquet", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
    return buf.getvalue()


def zip_of(members: dict[str, bytes], tweak: dict[str, dict[str, int]] | None = None) -> bytes:
    """A zip of ``members``; ``tweak`` sets ZipInfo fields (``flag_bits``, ``external_attr``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            for field, value in (tweak or {}).get(name, {}).items():
                setattr(info, field, value)
            zf.writestr(info, data)
    return buf.getvalue()


def flag_encrypted(data: bytes, local: bool = True, central: bool = False) -> bytes:
    """Set the 'encrypted' bit in the local file headers and/or the central directory. With the
    local headers only, Python's zipfile reads the member as if it were not encrypted."""
    out = bytearray(data)
    for on, signature, offset in ((local, b"PK\x03\x04", 6), (central, b"PK\x01\x02", 8)):
        pos = out.find(signature) if on else -1
        while pos != -1:
            (flags,) = struct.unpack_from("<H", out, pos + offset)
            struct.pack_into("<H", out, pos + offset, flags | 0x1)
            pos = out.find(signature, pos + 4)
    return bytes(out)
