"""``zichtbaar estimate``: multiple systems estimation from a pattern table (or histories)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from zichtbaar.errors import EstimationError

if TYPE_CHECKING:  # the stage is imported inside the command, so that --help is instant
    import pandas as pd

    from zichtbaar.estimate.patterns import PatternTable

MINOR_ADULT = "minor_adult"
BAYES = ("lcmcr", "dga")


def _read(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise EstimationError(f"cannot read input file: {type(exc).__name__}") from None


def _load(path: Path, lists: str | None, covariates: list[str]) -> PatternTable:
    """Read patterns or histories; ``minor_adult`` is derived from ``age_group`` when asked for."""
    from zichtbaar.estimate import patterns_from_histories, read_patterns_csv
    from zichtbaar.estimate.patterns import COUNT, make_table
    from zichtbaar.standard.codes import minor_adult

    derive = MINOR_ADULT in covariates
    if lists:
        names = [n.strip() for n in lists.split(",") if n.strip()]
        df = _read(path)
        if COUNT in df.columns:
            raise EstimationError("--lists is for person-level histories; this file has counts")
        if derive and MINOR_ADULT not in df.columns and "age_group" in df.columns:
            df[MINOR_ADULT] = df["age_group"].fillna("unknown").astype(str).map(minor_adult)
        return patterns_from_histories(df, names, covariates)
    if not derive:
        return read_patterns_csv(path)
    df = _read(path)
    if MINOR_ADULT not in df.columns:
        if "age_group" not in df.columns:
            raise EstimationError("missing column 'age_group' to derive 'minor_adult'")
        df[MINOR_ADULT] = df["age_group"].fillna("unknown").astype(str).map(minor_adult)
        df = df.drop(columns=["age_group"])
        keys = [c for c in df.columns if c != COUNT]
        df = df.groupby(keys, sort=True, dropna=False)[COUNT].sum().reset_index()
    covs = [c for c in df.columns if c != COUNT and not df[c].isin([0, 1]).all()]
    list_cols = [c for c in df.columns if c != COUNT and c not in covs]
    return make_table(
        list_cols,
        df[list_cols].to_numpy(),
        df[COUNT].to_numpy(),
        {c: df[c].to_numpy() for c in covs},
    )


def _run_table(
    histories: pd.DataFrame, covariates: list[str], conds: list[tuple[str, str]]
) -> PatternTable:
    """A run's (or a linkage draw's) capture histories as a pattern table: lists = reporter
    groups (``estimate/yearly.py``), filtered by ``--where``."""
    from zichtbaar.estimate.patterns import patterns_from_histories
    from zichtbaar.estimate.yearly import group_histories

    grouped, names = group_histories(histories)
    if len(names) < 2:
        raise EstimationError(
            "fewer than two reporter groups registered anyone: nothing to estimate"
        )
    table = patterns_from_histories(grouped, names, covariates)
    for col, val in conds:
        if col not in table.strata:
            raise EstimationError(f"no covariate column '{col}' for --where")
        match = [v for v in set(table.strata[col]) if str(v) == val]
        table = table.stratum(**{col: match[0] if match else val})
    return table


def _run_histories(run: str, runs: Path | None) -> pd.DataFrame:
    from zichtbaar.config import get_settings
    from zichtbaar.link.draws import run_histories
    from zichtbaar.link.run import latest_run

    runs_dir = runs or get_settings().runs_dir
    run_id = latest_run(runs_dir) if run == "latest" else run
    return run_histories(runs_dir / run_id)


def _calibration(name: str) -> object:
    from zichtbaar.link.calibration import IDENTITY, CalibrationMap, default_map

    if name == "identity":
        return IDENTITY
    if name == "isotonic":
        return default_map()
    return CalibrationMap.load(Path(name))


def _linkage_draws(
    run: str,
    runs: Path | None,
    m: int,
    seed: int,
    calibration: str,
    strata_cols: list[str],
    conds: list[tuple[str, str]],
    one: Callable[[PatternTable], list[Any]],
) -> tuple[object, str]:
    """Estimate every linkage draw of the run and combine them (``estimate/linkage_mi.py``)."""
    from zichtbaar.config import get_settings
    from zichtbaar.estimate.linkage_mi import combine
    from zichtbaar.link.draws import draw_histories
    from zichtbaar.link.run import latest_run

    runs_dir = runs or get_settings().runs_dir
    run_id = latest_run(runs_dir) if run == "latest" else run
    covs = list(dict.fromkeys([*strata_cols, *(c for c, _ in conds)]))
    by: dict[str, list[Any]] = {}
    cal = _calibration(calibration)
    for histories in draw_histories(runs_dir / run_id, m, seed, cal):  # type: ignore[arg-type]
        for e in one(_run_table(histories, covs, conds)):
            by.setdefault(json.dumps(e.stratum, sort_keys=True, default=str), []).append(e)
    results = [combine(v) for _, v in sorted(by.items())]
    payload = {
        "linkage_draws": m,
        "seed": seed,
        "calibration": calibration,
        "strata": strata_cols,
        "filter": dict(conds),
        "estimates": [r.to_dict() for r in results],
    }
    return payload, "\n\n".join(r.summary() for r in results)


def _one_per_draw(
    method: str, strata_cols: list[str], kwargs: dict[str, Any], opts: dict[str, int]
) -> Callable[[PatternTable], list[Any]]:
    """What is estimated on each linkage draw's table: the same as without draws."""
    from zichtbaar.estimate import estimate, estimate_strata
    from zichtbaar.estimate.bayes import estimate_bayes
    from zichtbaar.estimate.patterns import make_table
    from zichtbaar.estimate.posterior import posterior_strata

    def one(table: PatternTable) -> list[Any]:
        if method in BAYES:
            if kwargs["model"] or kwargs["bootstrap"]:
                raise EstimationError(f"--method {method}: --model and --bootstrap do not apply")
            if strata_cols:
                return posterior_strata(
                    table, strata_cols, lambda t: estimate_bayes(t, method, **opts)
                )
            pooled = table.pooled()
            return [
                estimate_bayes(
                    make_table(table.lists, pooled.patterns, pooled.counts), method, **opts
                )
            ]
        if strata_cols:
            return estimate_strata(table, strata_cols, **kwargs)
        pooled = table.pooled()
        return [estimate(make_table(table.lists, pooled.patterns, pooled.counts), **kwargs)]

    return one


def _bayes(
    table: PatternTable,
    method: str,
    strata_cols: list[str],
    conds: list[tuple[str, str]],
    opts: dict[str, int],
) -> tuple[object, str]:
    from zichtbaar.estimate.bayes import estimate_bayes
    from zichtbaar.estimate.patterns import make_table
    from zichtbaar.estimate.posterior import posterior_strata

    if strata_cols:
        results = posterior_strata(table, strata_cols, lambda t: estimate_bayes(t, method, **opts))
        payload = {
            "strata": strata_cols,
            "filter": dict(conds),
            "estimates": [r.to_dict() for r in results],
        }
        return payload, "\n\n".join(r.summary() for r in results)
    pooled = table.pooled()
    res = estimate_bayes(make_table(table.lists, pooled.patterns, pooled.counts), method, **opts)
    d = res.to_dict()
    d["filter"] = dict(conds)
    return d, res.summary()


def estimate_cmd(
    input: Path | None = typer.Option(
        None, "--input", "-i", help="Pattern CSV (0/1 list columns + count)."
    ),
    run: str | None = typer.Option(
        None,
        "--run",
        help="A linkage run's capture histories instead of --input ('latest': the newest run); "
        "lists = reporter groups. / De vangstgeschiedenissen van een koppelrun.",
    ),
    runs: Path | None = typer.Option(None, "--runs", help="Directory of the linkage runs."),
    linkage_draws: int = typer.Option(
        0,
        "--linkage-draws",
        help="With --run: estimate on this many draws of the linkage and combine them, so the "
        "interval carries the linkage's uncertainty. / Trekkingen van de koppeling.",
    ),
    calibration: str = typer.Option(
        "identity",
        "--calibration",
        help="Match probabilities for the draws: identity (splink's), isotonic (the map "
        "fitted on the demo world), or a map file.",
    ),
    model: str | None = typer.Option(
        None, "--model", help="'main', or interaction terms like 'A:B,C:D'; selected if absent."
    ),
    criterion: str = typer.Option("aic", "--criterion", help="aic or bic."),
    method: str = typer.Option(
        "auto",
        "--method",
        help="Log-linear selection: auto, exhaustive, stepwise, bhs (Bales et al.), pvalue "
        "(Chan et al.); or a Bayesian family: lcmcr (latent classes), dga (model averaging).",
    ),
    bootstrap: int = typer.Option(0, "--bootstrap", help="Bootstrap replicates (0: none)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    strata: str | None = typer.Option(None, "--strata", help="Covariate columns, e.g. year,form."),
    where: list[str] = typer.Option(
        [],
        "--where",
        help="Keep only rows with COL=VALUE (repeatable), e.g. minor_adult=minor (derived from age_group).",
    ),
    lists: str | None = typer.Option(
        None, "--lists", help="Input is person-level histories; these columns are the lists."
    ),
    covariate: str | None = typer.Option(
        None, "--covariate", help="Covariate model: list x COL terms, shared interactions."
    ),
    classes: int = typer.Option(10, "--classes", help="lcmcr: latent classes K."),
    chains: int = typer.Option(4, "--chains", help="lcmcr: chains."),
    burnin: int = typer.Option(10_000, "--burnin", help="lcmcr: burn-in iterations per chain."),
    draws: int = typer.Option(2_500, "--draws", help="lcmcr: kept draws per chain."),
    thin: int = typer.Option(10, "--thin", help="lcmcr: iterations between kept draws."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Estimate the total (observed + hidden) number of victims."""
    from zichtbaar.estimate import estimate as run_estimate
    from zichtbaar.estimate import estimate_strata
    from zichtbaar.estimate.patterns import make_table

    try:
        conds = []
        for w in where:
            if "=" not in w:
                raise EstimationError("--where needs COL=VALUE")
            col, val = w.split("=", 1)
            conds.append((col.strip(), val.strip()))
        strata_cols = [s.strip() for s in strata.split(",")] if strata else []
        covs = list(dict.fromkeys([*strata_cols, *(c for c, _ in conds)]))
        if (input is None) == (run is None):
            raise EstimationError("give either --input or --run")
        if linkage_draws and (run is None or covariate):
            raise EstimationError("--linkage-draws needs --run and no --covariate")
        kwargs = dict(
            model=model, criterion=criterion, method=method, bootstrap=bootstrap, seed=seed
        )
        opts: dict[str, int] = {}
        if method == "lcmcr":
            opts = dict(classes=classes, chains=chains, burnin=burnin, draws=draws)
            opts.update(thin=thin, seed=seed)
        if linkage_draws:
            assert run is not None
            one = _one_per_draw(method, strata_cols, kwargs, opts)
            drawn, text = _linkage_draws(
                run, runs, linkage_draws, seed, calibration, strata_cols, conds, one
            )
            typer.echo(json.dumps(drawn, ensure_ascii=False) if as_json else text)
            return
        if run is not None:
            table = _run_table(_run_histories(run, runs), covs, conds)
        else:
            assert input is not None
            table = _load(input, lists, covs)
            for col, val in conds:
                if col not in table.strata:
                    raise EstimationError(f"no covariate column '{col}' for --where")
                match = [v for v in set(table.strata[col]) if str(v) == val]
                table = table.stratum(**{col: match[0] if match else val})
        payload: object
        if method in BAYES:
            if model or covariate or bootstrap:
                raise EstimationError(
                    f"--method {method} averages over its own models and gives a credible "
                    "interval: --model, --covariate and --bootstrap do not apply"
                )
            payload, text = _bayes(table, method, strata_cols, conds, opts)
        elif covariate:
            from zichtbaar.estimate.covariates import estimate_covariate

            if covariate not in covs and run is not None:
                table = _run_table(_run_histories(run, runs), [*covs, covariate], conds)
            elif covariate not in covs:
                assert input is not None
                table = _load(input, lists, [*covs, covariate])
                for col, val in conds:
                    match = [v for v in set(table.strata[col]) if str(v) == val]
                    table = table.stratum(**{col: match[0] if match else val})
            cov = estimate_covariate(table, covariate, model or "main", bootstrap, seed)
            payload = cov.to_dict()
            text = cov.summary()
        elif strata_cols:
            results = estimate_strata(table, strata_cols, **kwargs)
            payload = {
                "strata": strata_cols,
                "filter": dict(conds),
                "estimates": [r.to_dict() for r in results],
            }
            text = "\n\n".join(r.summary() for r in results)
        else:
            if conds:
                pooled = table.pooled()
                table = make_table(table.lists, pooled.patterns, pooled.counts)
            res = run_estimate(table, **kwargs)  # type: ignore[arg-type]
            d = res.to_dict()
            d["filter"] = dict(conds)
            payload, text = d, res.summary()
    except EstimationError as exc:
        if as_json:
            typer.echo(json.dumps({"error": str(exc)}))
        else:
            typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(json.dumps(payload, ensure_ascii=False) if as_json else text)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_cmd)
