"""Row fingerprints: how the intake tells an unchanged resubmitted row from a corrected one.

Keyed (SipHash under a key derived from the hub key), so a fingerprint in the store tells
nobody without that key anything about the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zichtbaar.standard.models import ADDED_IN_VERSION


def _fingerprint_part(arr: pa.Array) -> pd.Series:
    """A column in a form pandas hashes fast (dates as ints, fixed-size bytes as uint64 words)."""
    if pa.types.is_date(arr.type):
        return pd.Series(arr.cast(pa.int32()).to_numpy(zero_copy_only=False))
    if pa.types.is_binary(arr.type):
        lengths = pc.binary_length(arr)
        width = pc.max(lengths).as_py()
        if arr.null_count == 0 and width and width % 8 == 0 and pc.min(lengths).as_py() == width:
            words = (
                np.frombuffer(arr.buffers()[2], dtype=np.uint8)[
                    arr.offset * width : (arr.offset + len(arr)) * width
                ]
                .view(np.uint64)
                .reshape(len(arr), width // 8)
            )
            return pd.Series(_combine(words))
        return pd.Series([None if b is None else b.hex() for b in arr.to_pylist()], dtype=object)
    return pd.Series(arr.to_pandas())


def _combine(words: np.ndarray) -> np.ndarray:
    # Position-aware mix of the 64-bit words of each row (collisions only matter as "unchanged").
    frame = pd.DataFrame(words)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def content_hashes(key: str, columns: dict[str, pa.Array]) -> list[str]:
    """Keyed 64-bit fingerprint per row (SipHash keyed by the hub), to spot unchanged rows.

    A field a minor version of the standard added enters only the rows that give it: a row
    stored before the field existed keeps its fingerprint, so sending it again unchanged (in an
    old or a new package) is "unchanged", not a new version of every record.
    """
    base = {n: _fingerprint_part(a) for n, a in columns.items() if n not in ADDED_IN_VERSION}
    digest = pd.util.hash_pandas_object(pd.DataFrame(base), index=False, hash_key=key).to_numpy()
    for name in ADDED_IN_VERSION:
        arr = columns.get(name)
        if arr is None or arr.null_count == len(arr):
            continue
        extra = pd.DataFrame({"row": digest, name: _fingerprint_part(arr)})
        mixed = pd.util.hash_pandas_object(extra, index=False, hash_key=key).to_numpy()
        digest = np.where(pc.is_valid(arr).to_numpy(zero_copy_only=False), mixed, digest)
    return [f"{h:016x}" for h in digest]
