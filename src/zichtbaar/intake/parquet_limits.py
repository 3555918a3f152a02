"""Reading data.parquet within a memory bound known before the first data page is decoded.

A valid Parquet file of 300 bytes can declare a column that decodes to 8 GiB (a run-length
encoded dictionary index repeated a billion times), and the hub's RSS followed it before the
column check refused the file. So, from the file's metadata alone, before decoding:

* the schema: flat columns of plain types only, no duplicate names, exactly the columns of the
  package's kind (which ``load_package`` checks with the names read here);
* the row count: the same in every place the file states it, equal to the manifest's, at most
  ``MAX_ROWS``;
* the encodings: none that lets a few bytes stand for a long value (``DELTA_BYTE_ARRAY``);
* the decoded size: fixed-width columns take rows x width; variable-length ones at most their
  declared uncompressed size, except where a dictionary stands for the values: those are read
  as dictionaries (indices + the dictionary, both bounded) and their decoded size is summed
  from the dictionary's value lengths before they are expanded.

The total may not exceed ``max_decoded_bytes``; a file over it is refused without decoding.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zichtbaar.errors import PackageError

DEFAULT_MAX_DECODED_BYTES = 2 * 1024**3
"""2 GiB of decoded columns per upload: a 1 M-row package decodes to about 1.04 GB
(measured from 20,000 rows with every token and both filters: 20.7 MB)."""
MAX_ROWS = 10_000_000
ROW_OVERHEAD = 64
"""Bytes the intake spends per row whatever the columns hold (masks, row numbers, offsets)."""
UNSAFE_ENCODINGS = frozenset({"DELTA_BYTE_ARRAY"})
_DICTIONARY_ENCODINGS = frozenset({"PLAIN_DICTIONARY", "RLE_DICTIONARY"})


def _flat(t: pa.DataType) -> bool:
    return not (pa.types.is_nested(t) or (pa.types.is_dictionary(t) and _nested_dict(t)))


def _nested_dict(t: pa.DataType) -> bool:
    return bool(pa.types.is_nested(t.value_type))


def _variable(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_binary(t)
        or pa.types.is_large_binary(t)
        or pa.types.is_string_view(t)
        or pa.types.is_binary_view(t)
    )


def _width(t: pa.DataType) -> int:
    """Decoded bytes per value of a fixed-width type (at least one: validity and nulls)."""
    try:
        return max(1, int(t.bit_width) // 8)
    except ValueError:
        return 8  # null type and the like: count an offset's worth


def inspect_parquet(path: Path, row_count: int) -> tuple[pq.ParquetFile, list[str]]:
    """The file opened (its footer only) and its column names, after the metadata checks."""
    try:
        pf = pq.ParquetFile(path)
        md = pf.metadata
        schema = pf.schema_arrow
    except Exception:
        raise PackageError("data.parquet is not a readable Parquet file") from None
    names = list(schema.names)
    if len(set(names)) != len(names):
        raise PackageError("data.parquet has duplicate column names")
    if any(not _flat(f.type) for f in schema) or md.num_columns != len(names):
        raise PackageError("data.parquet has nested columns; the standard's columns are flat")
    rows = md.num_rows
    if sum(md.row_group(i).num_rows for i in range(md.num_row_groups)) != rows:
        raise PackageError("data.parquet states two different row counts")
    if rows != row_count:
        raise PackageError(f"data.parquet has {rows:,} rows, the manifest says {row_count:,}")
    if rows > MAX_ROWS:
        raise PackageError(f"data.parquet has more rows than the intake accepts ({MAX_ROWS:,})")
    return pf, names


def read_bounded(path: Path, pf: pq.ParquetFile, limit: int) -> pa.Table:
    """The table, decoded only when its declared (then its expanded) size is within ``limit``."""
    md = pf.metadata
    schema = pf.schema_arrow
    rows = md.num_rows
    declared = rows * ROW_OVERHEAD
    as_dictionary: list[str] = []
    for j, f in enumerate(schema):
        chunks = [md.row_group(i).column(j) for i in range(md.num_row_groups)]
        encodings = {e for c in chunks for e in c.encodings}
        if encodings & UNSAFE_ENCODINGS:
            raise PackageError(
                f"column '{f.name}' of data.parquet uses an encoding the intake does not read"
                " (DELTA_BYTE_ARRAY)"
            )
        if not _variable(f.type):
            declared += rows * _width(f.type)
            continue
        # offsets + values; a dictionary column holds indices + a dictionary no larger than this
        declared += rows * 8 + sum(c.total_uncompressed_size for c in chunks)
        if encodings & _DICTIONARY_ENCODINGS or pa.types.is_dictionary(f.type):
            as_dictionary.append(f.name)
    if declared > limit:
        raise _too_large(declared, limit)
    try:
        table = pq.ParquetFile(path, read_dictionary=as_dictionary or None).read()
    except Exception:
        raise PackageError("data.parquet is not a readable Parquet file") from None
    return _expand(table, as_dictionary, declared, limit)


def _too_large(size: int, limit: int) -> PackageError:
    return PackageError(
        f"data.parquet decodes to about {size:,} bytes, more than the intake accepts"
        f" ({limit:,}); refused before decoding"
    )


def _expand(table: pa.Table, names: list[str], declared: int, limit: int) -> pa.Table:
    """Dictionary columns back to plain values, once their expanded size is known to fit."""
    total = declared  # the dictionaries stay until the last column is expanded
    for name in names:
        for chunk in table.column(name).chunks:
            lengths = pc.binary_length(chunk.dictionary)
            total += len(chunk) * 8 + int(pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0)
    if total > limit:
        raise _too_large(total, limit)
    for name in names:
        i = table.schema.get_field_index(name)
        col = table.column(i)
        plain = pa.chunked_array(
            [c.dictionary_decode() for c in col.chunks], type=col.type.value_type
        )
        table = table.set_column(i, name, plain)
    return table
