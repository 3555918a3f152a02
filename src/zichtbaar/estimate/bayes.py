"""The Bayesian families behind one call: ``--method lcmcr`` and ``--method dga``.

Both give a ``Posterior`` (median, credible interval, quantiles, diagnostics), so the CLI, the
strata loop and a report treat them alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.dga import model_average
from zichtbaar.estimate.lcmcr import latent_class
from zichtbaar.estimate.patterns import PatternTable
from zichtbaar.estimate.posterior import Posterior, from_grid

METHODS = ("lcmcr", "dga")
LOGLINEAR_ONLY = "interaction cannot be estimated"
SHOWN_MODELS = 20  # the most probable models listed with their posterior probabilities


def averaged(table: PatternTable) -> Posterior:
    """dga's model-averaged posterior as a ``Posterior``, with the models' probabilities."""
    ma = model_average(table)
    probs = ma.model_probabilities
    order = np.argsort(-probs, kind="stable")[:SHOWN_MODELS]
    models = []
    for i in order:
        mass = ma.weights[i] / ma.weights[i].sum()
        cdf = np.cumsum(mass)
        models.append(
            {
                "model": ma.graphs[i].names(table.lists),
                "probability": round(float(probs[i]), 5),
                "median": round(float(np.interp(0.5, cdf, ma.totals)), 1),
            }
        )
    warnings = []
    if not ma.bounded:
        warnings.append(
            "the posterior's upper tail is not bounded within 10,000 x the observed count: "
            "the overlaps do not rule out a very large hidden number"
        )
    top = float(probs.max())
    return from_grid(
        "dga",
        table,
        ma.totals,
        ma.mass,
        settings={
            "delta": ma.delta,
            "n_prior": "1/N",
            "model_prior": "uniform over decomposable graphs",
            "models": len(ma.graphs),
            "grid_points": len(ma.hidden),
        },
        diagnostics={"top_model_probability": round(top, 5), "bounded": ma.bounded},
        models=models,
        warnings=warnings,
    )


def estimate_bayes(table: PatternTable, method: str, **options: Any) -> Posterior:
    """The posterior of the total under ``lcmcr`` (options: classes, chains, burnin, draws,
    thin, seed) or ``dga`` (no options)."""
    if method == "lcmcr":
        res = latent_class(table, **options)
    elif method == "dga":
        res = averaged(table)
    else:
        raise EstimationError(f"unknown Bayesian method; use one of {', '.join(METHODS)}")
    # An empty overlap only matters to a log-linear interaction; both families handle it.
    res.warnings[:0] = [w for w in table.warnings if not w.endswith(LOGLINEAR_ONLY)]
    return res
