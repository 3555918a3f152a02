"""zichtbaar.estimate: multiple systems estimation (capture-recapture with log-linear models).

Runs on a plain table of capture patterns, independent of how the lists were linked.
"""

from zichtbaar.estimate.covariates import CovariateEstimate, estimate_covariate
from zichtbaar.estimate.estimator import Estimate, estimate, estimate_strata, sensitivity
from zichtbaar.estimate.patterns import (
    PatternTable,
    make_table,
    merge_lists,
    patterns_from_histories,
    read_patterns_csv,
)

__all__ = [
    "CovariateEstimate",
    "Estimate",
    "PatternTable",
    "estimate",
    "estimate_covariate",
    "estimate_strata",
    "make_table",
    "merge_lists",
    "patterns_from_histories",
    "read_patterns_csv",
    "sensitivity",
]
