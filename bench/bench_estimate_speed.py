"""Speed of the estimate stage: exhaustive search (5 and 6 lists), a 1,000-replicate bootstrap with
stepwise selection (6 lists), and the fast IRLS against statsmodels (the in-run baseline)."""

from __future__ import annotations

from pathlib import Path

from harness import measure, write_results
from zichtbaar.estimate import read_patterns_csv
from zichtbaar.estimate.fit import Fitter
from zichtbaar.estimate.glm import irls, statsmodels_fit
from zichtbaar.estimate.intervals import bootstrap
from zichtbaar.estimate.select import exhaustive, select

REF = Path(__file__).resolve().parents[1] / "tests" / "reference" / "mse"


def main() -> None:
    uk5 = Fitter(5, read_patterns_csv(REF / "UKdat_5.csv").full_counts())
    uk6 = Fitter(6, read_patterns_csv(REF / "UKdat.csv").full_counts())
    terms = ((0, 1), (0, 2), (1, 3))
    xm = uk6.design_for(terms)
    ms = [
        measure(
            "statsmodels GLM fit x100 (baseline)",
            lambda: [statsmodels_fit(xm, uk6.y) for _ in range(100)],
            items=100,
        ),
        measure("fast IRLS fit x100", lambda: [irls(xm, uk6.y) for _ in range(100)], items=100),
        measure("exhaustive 5 lists (1,024 models)", lambda: exhaustive(uk5), items=1024),
        measure(
            "exhaustive 6 lists (32,768 models)", lambda: exhaustive(uk6), repeats=1, items=32768
        ),
    ]
    chan, _ = select(uk6, "pvalue", "aic")
    bhs, _ = select(uk6, "bhs", "aic")
    ms.append(
        measure(
            "bootstrap 1000, Chan et al. stepwise, 6 lists",
            lambda: bootstrap(uk6, chan, 1000, "pvalue", "aic", seed=1),
            repeats=1,
            items=1000,
        )
    )
    ms.append(
        measure(
            "bootstrap 1000, Bales et al. stepwise, 6 lists",
            lambda: bootstrap(uk6, bhs, 1000, "bhs", "aic", seed=1),
            repeats=1,
            items=1000,
        )
    )
    ratio = ms[0].median / ms[1].median
    write_results("estimate_speed", ms, fast_vs_statsmodels_speedup=ratio)


if __name__ == "__main__":
    main()
