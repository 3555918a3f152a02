"""The Bayesian families: speed, agreement with R, and coverage by simulation.

Speed: LCMCR (default sampler: 4 chains x (10,000 burn-in + 2,500 draws x thin 10), i.e. 10,000
kept draws) on a 6-list table of about 10,000 observed people, target <= 30 s; dga on 5 lists,
target <= 10 s. R's LCMCR and dga on the same tables and settings in the same run where R has
them (R_LIBS pointing at them), as the baseline.
Agreement: every table of tests/reference/r/lcmcr.json (R, 16 chains) and dga.json.
Coverage: 200 replicates of the test's two-class population (6 lists), and 100 of a harder one
(5 lists, 40 % recorded at about 7 %): how often the 95 % interval covers N, and the mean
relative bias, for LCMCR, the default log-linear selection and the independence model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from harness import Measurement, write_results

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference"

R_LCMCR = """
suppressMessages(library(LCMCR))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1]); k <- ncol(d) - 1
df <- as.data.frame(lapply(d[, 1:k], function(x) factor(x, levels = c(0, 1)))); df$Freq <- d[[k + 1]]
t0 <- proc.time()[["elapsed"]]
for (s in 1:4) { sink(tempfile())
  o <- lcmCR(df, tabular = TRUE, in_list_label = "1", not_in_list_label = "0", K = 10,
             a_alpha = 0.25, b_alpha = 0.25, seed = s, verbose = FALSE)
  N <- lcmCR_PostSampl(o, burnin = 10000, samples = 2500, thinning = 10, output = FALSE); sink() }
cat(proc.time()[["elapsed"]] - t0, "\\n")
"""
R_DGA = """
suppressMessages(library(dga)); data(graphs5)
d <- read.csv(commandArgs(trailingOnly = TRUE)[1]); k <- ncol(d) - 1
Y <- rep(0, 2^k); idx <- as.matrix(d[, 1:k]) %*% (2^(0:(k - 1))) + 1
for (i in seq_along(idx)) Y[idx[i]] <- Y[idx[i]] + d[i, k + 1]
Y <- array(Y, dim = rep(2, k)); n <- sum(Y)
t0 <- proc.time()[["elapsed"]]
w <- bma.cr(Y, unique(round(seq(0, 10 * n, length.out = 4001))), 2^-k, graphs5)
cat(proc.time()[["elapsed"]] - t0, "\\n")
"""


def _r_seconds(script: str, csv: Path) -> float | None:
    if shutil.which("Rscript") is None:
        return None
    try:
        out = subprocess.run(["Rscript", "-e", script, str(csv)], capture_output=True,
                             text=True, timeout=1800, env=os.environ, check=True)  # fmt: skip
        return float(out.stdout.strip().split()[-1])
    except (subprocess.SubprocessError, OSError, ValueError, IndexError):
        return None


def _speed(tmp: Path) -> list[Measurement]:
    from tests.estimate.populations import two_class_patterns

    from zichtbaar.estimate import make_table
    from zichtbaar.estimate.bayes import averaged
    from zichtbaar.estimate.lcmcr import latent_class

    out = []
    for lists, n, method in ((6, 10_800, "lcmcr"), (5, 11_000, "dga")):  # ~10,000 observed
        pats, counts = two_class_patterns(np.random.default_rng(1), n, lists, 0.4, 0.6, 0.25)
        names = [f"L{j}" for j in range(lists)]
        t = make_table(names, pats, counts)
        csv = tmp / f"speed_{lists}.csv"
        df = pd.DataFrame(pats, columns=names)
        df["count"] = counts
        df.to_csv(csv, index=False)
        if method == "lcmcr":
            latent_class(t, chains=1, burnin=10, draws=10, thin=1)  # load the compiled kernel
        t0 = time.perf_counter()
        post = latent_class(t, seed=1) if method == "lcmcr" else averaged(t)
        secs = time.perf_counter() - t0
        r = _r_seconds(R_LCMCR if method == "lcmcr" else R_DGA, csv)
        m = Measurement(f"{method}, {lists} lists, {t.observed:,} observed", [secs])
        m.extra = {"r_seconds": r, "ratio_to_r": None if r is None else secs / r,
                   "estimate": post.estimate, "limit_s": 30.0 if method == "lcmcr" else 10.0}  # fmt: skip
        out.append(m)
    return out


def _agreement() -> list[dict[str, Any]]:
    from zichtbaar.estimate import read_patterns_csv
    from zichtbaar.estimate.bayes import averaged
    from zichtbaar.estimate.lcmcr import latent_class

    lc = {k: v for k, v in json.loads((REF / "r" / "lcmcr.json").read_text()).items()
          if not k.startswith("_")}  # fmt: skip
    dg = json.loads((REF / "r" / "dga.json").read_text())
    rows = []
    for name, r in lc.items():
        t = read_patterns_csv(REF / "mse" / f"{name}.csv")
        p = latent_class(t, seed=1)
        spread = max(r["chain_medians"]) / min(r["chain_medians"]) - 1
        row = {"table": name, "lists": t.k, "r_median": r["median"], "median": p.estimate,
               "median_ratio": p.estimate / r["median"], "low_ratio": p.ci_low / r["q025"],
               "high_ratio": p.ci_high / r["q975"], "rhat": p.diagnostics["rhat"],
               "r_chain_spread": spread}  # fmt: skip
        if name in dg and 3 <= t.k <= 5:
            row["dga_median_ratio"] = averaged(t).estimate / dg[name]["quantiles"]["0.5"]
        rows.append(row)
    return rows


def _coverage(reps: int, lists: int, share_low: float, p_high: float,
              p_low: float) -> dict[str, Any]:  # fmt: skip
    from tests.estimate.populations import two_class_patterns

    from zichtbaar.estimate import estimate, make_table
    from zichtbaar.estimate.lcmcr import latent_class

    n = 2000
    rng = np.random.default_rng(20261207)
    hits = {"lcmcr": 0, "loglinear": 0, "independence": 0}
    rel: dict[str, list[float]] = {k: [] for k in hits}
    for r in range(reps):
        t = make_table([f"L{j}" for j in range(lists)], *two_class_patterns(rng, n, lists, share_low,
                                                                       p_high, p_low))  # fmt: skip
        ests = {"lcmcr": latent_class(t, seed=r, chains=2, burnin=2000, draws=1000, thin=3),
                "loglinear": estimate(t), "independence": estimate(t, model="main")}  # fmt: skip
        for k, e in ests.items():
            hits[k] += e.ci_low <= n <= e.ci_high
            rel[k].append(e.estimate / n - 1)
    return {"replicates": reps, "lists": lists, "share_low": share_low, "p_high": p_high,
            "p_low": p_low, "coverage": {k: v / reps for k, v in hits.items()},
            "mean_relative_bias": {k: float(np.mean(v)) for k, v in rel.items()}}  # fmt: skip


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        ms = _speed(Path(tmp))
    rows = _agreement()
    print(f"{'table':18s} lists  R median  median  low    high   R-hat  R spread  dga")
    for r in rows:
        dga = f"{r['dga_median_ratio']:.3f}" if "dga_median_ratio" in r else "-"
        print(f"{r['table']:18s} {r['lists']:5d} {r['r_median']:9.0f} {r['median_ratio']:6.3f} "
              f"{r['low_ratio']:6.3f} {r['high_ratio']:6.3f} {r['rhat']:6.3f} "
              f"{r['r_chain_spread']:8.3f}  {dga}")  # fmt: skip
    sims = [_coverage(200, 6, 0.4, 0.6, 0.25), _coverage(100, 5, 0.4, 0.35, 0.07)]
    for s in sims:
        print(f"coverage ({s['lists']} lists, {s['share_low']:.0%} at ~{s['p_low']}): "
              + ", ".join(f"{k} {v:.2f} (bias {s['mean_relative_bias'][k]:+.3f})"
                          for k, v in s["coverage"].items()))  # fmt: skip
    write_results("estimate_bayes", ms, agreement=rows, coverage=sims,
                  load_average=os.getloadavg())  # fmt: skip


if __name__ == "__main__":
    main()
