"""Calibration of the dedupe's match probabilities: how often a pair scored p is one person.

Splink's probabilities come from a Fellegi-Sunter model that assumes the comparisons independent
given the match status; correlated evidence (name key, date and place tokens share their parts)
makes them over-confident. The linkage draws (``draws.py``) sample links as Bernoulli(p), so p must
mean what it says: ``reliability`` measures it against a labelled sample (a synthetic world's
truth), ``fit_isotonic`` learns a monotone map from a labelled world, and ``CalibrationMap`` applies
it (docs/linkage.md, "Calibration", has the figures per seed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from zichtbaar.errors import LinkError

FloatArray = npt.NDArray[np.float64]
BINS = 10
DEFAULT_MAP = Path(__file__).with_name("calibration_map.json")


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    predicted: float
    observed: float
    pairs: int


@dataclass(frozen=True)
class Reliability:
    """Binned predicted mean against the observed share of true matches, and the expected
    calibration error (the pair-weighted mean gap between the two)."""

    bins: list[ReliabilityBin]
    ece: float
    brier: float
    pairs: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def reliability(
    probabilities: Sequence[float] | FloatArray,
    matches: Sequence[bool] | npt.NDArray[np.bool_],
    bins: int = BINS,
) -> Reliability:
    """Equal-width bins on [0, 1]; empty bins are left out."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(matches, dtype=np.float64)
    if len(p) == 0 or len(p) != len(y):
        raise LinkError("reliability needs as many labels as probabilities, and at least one")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    out: list[ReliabilityBin] = []
    ece = 0.0
    for b in range(bins):
        sel = which == b
        n = int(sel.sum())
        if n == 0:
            continue
        pred, obs = float(p[sel].mean()), float(y[sel].mean())
        ece += n / len(p) * abs(pred - obs)
        out.append(ReliabilityBin(float(edges[b]), float(edges[b + 1]), pred, obs, n))
    return Reliability(out, ece, float(np.mean((p - y) ** 2)), len(p))


@dataclass(frozen=True)
class CalibrationMap:
    """A monotone map from splink's probability to a calibrated one: linear between knots
    (``x`` increasing, ``y`` non-decreasing), constant beyond them."""

    x: list[float]
    y: list[float]
    source: str = ""
    figures: dict[str, Any] = field(default_factory=dict)

    def __call__(self, p: Sequence[float] | FloatArray) -> FloatArray:
        if not self.x:
            return np.asarray(p, dtype=np.float64)
        return np.interp(np.asarray(p, dtype=np.float64), self.x, self.y)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> CalibrationMap:
        try:
            data = json.loads(path.read_text())
            return cls([float(v) for v in data["x"]], [float(v) for v in data["y"]],
                       str(data.get("source", "")), dict(data.get("figures", {})))  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LinkError(f"cannot read the calibration map: {type(exc).__name__}") from None


IDENTITY = CalibrationMap([], [], "identity: splink's probabilities as they are")


def default_map() -> CalibrationMap:
    """The map shipped with the package (fitted on a synthetic world; ``source`` says which)."""
    return CalibrationMap.load(DEFAULT_MAP)


def fit_isotonic(
    probabilities: Sequence[float] | FloatArray,
    matches: Sequence[bool] | npt.NDArray[np.bool_],
    source: str = "",
) -> CalibrationMap:
    """Isotonic regression of the labels on the probabilities, by pool-adjacent-violators.

    Written here (twenty lines) because scikit-learn is no dependency of the package, only of a
    test tool's. The knots are the pooled blocks' mean probabilities and match shares, so the map
    is small (one knot per block) and interpolates between blocks instead of jumping.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(matches, dtype=np.float64)
    if len(p) == 0 or len(p) != len(y):
        raise LinkError("a calibration needs as many labels as probabilities, and at least one")
    order = np.argsort(p, kind="stable")
    means: list[float] = []  # per block: mean label, mean probability, weight
    xs: list[float] = []
    ws: list[float] = []
    for pi, yi in zip(p[order], y[order], strict=True):
        means.append(float(yi))
        xs.append(float(pi))
        ws.append(1.0)
        while len(means) > 1 and means[-2] >= means[-1]:
            w = ws[-2] + ws[-1]
            means[-2] = (means[-2] * ws[-2] + means[-1] * ws[-1]) / w
            xs[-2] = (xs[-2] * ws[-2] + xs[-1] * ws[-1]) / w
            ws[-2] = w
            del means[-1], xs[-1], ws[-1]
    return CalibrationMap(xs, means, source)


def labelled_pairs(
    con: duckdb.DuckDBPyConnection, truth: Mapping[str, str]
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Match probability and true label of every scored dedupe pair of the run open in ``con``
    whose two registrations the truth names (``truth`` keyed by registration id: see
    ``evaluate.keyed_by_id``)."""
    con.register("calibration_truth", pa.table({"id": list(truth), "t": list(truth.values())}))
    try:
        rows = con.execute(
            """
            SELECT p.match_probability, a.t = b.t
            FROM dedupe_predictions p
            JOIN calibration_truth a ON a.id = p.id_l
            JOIN calibration_truth b ON b.id = p.id_r
            ORDER BY p.id_l, p.id_r
            """
        ).fetchall()
    finally:
        con.unregister("calibration_truth")
    if not rows:
        raise LinkError("the truth names no scored pair of the run")
    return (
        np.array([float(r[0]) for r in rows], dtype=np.float64),
        np.array([bool(r[1]) for r in rows], dtype=np.bool_),
    )
