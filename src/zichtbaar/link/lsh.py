"""Locality-sensitive hashing bands of Bloom filters, for blocking without clear text.

Bit sampling is the LSH family for Hamming distance: two filters agree on a random bit with
probability 1 - d/m, so on a band of k sampled bits with (1 - d/m)^k. Filters of one person
(a few dozen bits apart after hardening and a typo) share at least one of many bands with high
probability; unrelated filters (about 60 % bit agreement) almost never do. Positions are drawn
from a fixed seed: they are public and carry no secret, the filters are already keyed.

Written by hand (numpy, a dozen lines) because the hub's filters are fixed-length bit strings that
the usual MinHash libraries would first have to turn into sets, at ten times the cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa


@dataclass(frozen=True)
class LshConfig:
    """Band layout. Defaults measured on realistic encoded data (docs/linkage.md)."""

    bands: int = 64
    bits_per_band: int = 32
    seed: int = 20260101

    def positions(self, filter_bits: int) -> npt.NDArray[np.int64]:
        """(bands, bits_per_band) sampled bit positions; each band samples without repetition."""
        rng = np.random.default_rng(self.seed)
        return np.stack(
            [rng.choice(filter_bits, self.bits_per_band, replace=False) for _ in range(self.bands)]
        ).astype(np.int64)


def band_keys(filters: pa.Array, config: LshConfig, chunk: int = 8192) -> pa.Array:
    """One list of band keys per filter (empty for a missing filter), as a ``list<int64>`` array.

    A key is ``band << 32 | sampled bits``, so equal keys mean the same band agrees.
    """
    if config.bits_per_band > 32:
        raise ValueError("bits_per_band must be at most 32")

    valid = np.asarray(filters.is_valid(), dtype=np.bool_)
    present = filters.filter(pa.array(valid)) if not valid.all() else filters
    out = np.zeros((len(present), config.bands), dtype=np.int64)
    if len(present):
        width = len(present[0].as_py())
        pos = config.positions(width * 8).reshape(-1)
        byte, shift = pos >> 3, (7 - (pos & 7)).astype(np.uint8)[:, None]
        offsets = np.arange(config.bands, dtype=np.int64)[:, None] << 32
        raw = present.cast(pa.binary()).to_numpy(zero_copy_only=False)
        for start in range(0, len(present), chunk):
            block = np.frombuffer(b"".join(raw[start : start + chunk]), dtype=np.uint8)
            # Filters as columns: gathering the sampled positions' bytes is then a copy of whole
            # rows, and each band's bits are shifted into one word. (A column gather of the
            # unpacked bits and numpy's packbits over a short last axis took 43 s for 1 M
            # filters; this takes about 5 s.)
            columns = np.ascontiguousarray(block.reshape(-1, width).T)
            sampled = ((columns[byte] >> shift) & 1).reshape(config.bands, config.bits_per_band, -1)
            words = np.zeros(sampled.shape[::2], dtype=np.uint32)
            for j in range(config.bits_per_band):
                words <<= 1
                words |= sampled[:, j, :]
            out[start : start + chunk] = (words + offsets).T
    counts = np.where(valid, config.bands, 0)
    offsets_arr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets_arr), pa.array(out.reshape(-1)))
