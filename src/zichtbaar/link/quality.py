"""Quality of a run, stored beside it: parameters, distributions, splink charts.

Nothing here holds an identifier or an encoding: only model parameters, counts and histograms,
so the quality report can be shown to anyone who may see the run's statistics.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd
from splink import Linker

from zichtbaar.link.calibration import Reliability
from zichtbaar.link.model import LinkModel

log = logging.getLogger(__name__)


def write_quality(
    con: duckdb.DuckDBPyConnection, linker: Linker, model: LinkModel, run_dir: Path
) -> None:
    """Create tables ``link_parameters``, ``link_weight_histogram``, ``link_dice_histogram`` and
    ``link_quality``; save the splink model, its charts and the chart of the event dates'
    weights (``event_gap_weights``, from table ``event_gap_parameters``) in ``run_dir``."""
    rows = []
    for comparison in linker._settings_obj.comparisons:  # splink has no public accessor
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            rows.append(
                (
                    comparison.output_column_name,
                    level.label_for_charts,
                    level.m_probability,
                    level.u_probability,
                )
            )
    con.execute(
        "CREATE TABLE link_parameters (comparison VARCHAR, level VARCHAR, m DOUBLE, u DOUBLE)"
    )
    con.executemany("INSERT INTO link_parameters VALUES (?, ?, ?, ?)", rows)
    con.execute(
        """
        CREATE TABLE link_weight_histogram AS
        SELECT floor(match_weight)::INTEGER AS weight_bin, count(*)::INTEGER AS pairs
        FROM dedupe_predictions GROUP BY ALL ORDER BY weight_bin
        """
    )
    con.execute(
        """
        CREATE TABLE link_dice_histogram AS
        SELECT m.rp_same AS same_person, floor(m.dice * 20) / 20 AS dice_bin,
               count(*)::INTEGER AS pairs
        FROM (
            SELECT (a.person_id = b.person_id) AS rp_same,
                   2.0 * bit_count(l.bloom_bits & r.bloom_bits)
                       / nullif(l.bloom_n + r.bloom_n, 0) AS dice
            FROM dedupe_predictions p
            JOIN link_records l ON l.id = p.id_l
            JOIN link_records r ON r.id = p.id_r
            JOIN registration_person a ON a.registration_id = p.id_l
            JOIN registration_person b ON b.registration_id = p.id_r
        ) m
        WHERE m.dice IS NOT NULL
        GROUP BY ALL ORDER BY same_person, dice_bin
        """
    )
    prior = linker._settings_obj._probability_two_random_records_match
    con.execute("CREATE TABLE link_quality (key VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO link_quality VALUES (?, ?)",
        [
            ("engine", "duckdb"),
            ("threshold", str(model.threshold)),
            ("register_threshold", str(model.register_threshold)),
            ("probability_two_random_records_match", str(prior)),
            ("model", json.dumps(model.to_dict())),
        ],
    )
    linker.misc.save_model_to_json(str(run_dir / "splink_model.json"), overwrite=True)
    charts = run_dir / "charts"
    charts.mkdir(exist_ok=True)
    makers: dict[str, Callable[[], Any]] = {
        "match_weights": linker.visualisations.match_weights_chart,
        "m_u_parameters": linker.visualisations.m_u_parameters_chart,
        "event_gap_weights": lambda: event_gap_chart(con),
    }
    for name, make in makers.items():
        save_chart(make, charts, name)


def save_chart(make: Callable[[], alt.Chart | None], directory: Path, name: str) -> None:
    """``name.html`` and ``name.json`` of the chart ``make`` builds (nothing when it builds
    none). A chart is a convenience: a failure is logged, never raised."""
    try:
        with warnings.catch_warnings():
            # splink's chart specs re-read by altair 6 warn about a selection they share;
            # the chart is right and the warning means nothing to a user
            warnings.filterwarnings(
                "ignore", "Automatically deduplicated selection", category=UserWarning
            )
            chart = make()
            if chart is None:
                return
            chart.save(str(directory / f"{name}.html"))
            chart.save(str(directory / f"{name}.json"))
    except Exception as exc:
        log.warning("could not save chart %s: %s", name, type(exc).__name__)


def event_gap_chart(con: duckdb.DuckDBPyConnection) -> alt.Chart | None:
    """Bars of the weight each register gives an event's date, by bucket of the gap (event date
    minus registration date): what ``event_dates.py`` learnt, for the analyst to check against
    what they know of each register's lags. None for a run without register events."""
    frame = con.execute(
        "SELECT register_org, bucket, label, m, u, weight FROM event_gap_parameters ORDER BY 1, 2"
    ).df()
    if frame.empty:
        return None
    order = list(dict.fromkeys(frame.sort_values("bucket")["label"]))
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=order, title="event date minus registration date"),
            y=alt.Y("weight:Q", title="weight (bits)"),
            color=alt.condition("datum.weight > 0", alt.value("#1b7837"), alt.value("#b2182b")),
            row=alt.Row("register_org:N", title=None),
            tooltip=["register_org", "label", "m", "u", "weight"],
        )
        .properties(title="Register events: weight of the event's date", height=90, width=420)
    )
    return chart


def reliability_chart(rel: Reliability) -> alt.Chart:
    """Reliability diagram: per bin of predicted match probability, the share of pairs that are
    one person, against the diagonal. Points under the diagonal are over-confident links, which
    the linkage draws would keep too often; the title gives the expected calibration error."""
    frame = pd.DataFrame([asdict(b) for b in rel.bins])
    points = (
        alt.Chart(frame)
        .mark_circle(size=70, color="#2166ac")
        .encode(
            x=alt.X("predicted:Q", scale=alt.Scale(domain=[0, 1]), title="predicted probability"),
            y=alt.Y("observed:Q", scale=alt.Scale(domain=[0, 1]), title="share truly one person"),
            tooltip=["low", "high", "predicted", "observed", "pairs"],
        )
    )
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(color="#999999", strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    title = f"Calibration of the match probabilities (ECE {rel.ece:.3f}, {rel.pairs:,} pairs)"
    chart: alt.Chart = (diagonal + points).properties(title=title, width=320, height=320)
    return chart


def write_reliability(rel: Reliability, out_dir: Path) -> None:
    """Save a run's measured calibration in ``out_dir``: ``reliability.{html,json}`` (the chart)
    and ``reliability_figures.json``. Only where a labelled sample exists (a synthetic world, a
    clerical review): without one there is nothing to measure against. Not inside the run
    directory, which is immutable once written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "reliability_figures.json").write_text(json.dumps(rel.to_dict(), indent=2))
    save_chart(lambda: reliability_chart(rel), out_dir, "reliability")
