"""Charts as Altair specifications, rendered server-side to SVG (no JavaScript needed to read)."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
import vl_convert as vlc

from zichtbaar.standard.codes import CODE_LISTS
from zichtbaar.types import Lang


def stacked_bars(
    df: pd.DataFrame, x: str, colour: str, lang: Lang | str, x_title: str, y_title: str
) -> alt.Chart:
    """Published values per ``x`` stacked by ``colour`` (suppressed cells are left out)."""
    data = df[df["value"].notna() & (df[colour] != "_total")].copy()
    data["value"] = data["value"].astype(int)
    code_list = CODE_LISTS.get(colour)
    if code_list is not None:
        labels = {c.code: c.label(lang) for c in code_list}
        data[colour] = data[colour].map(lambda c: labels.get(c, c))
        order = [labels[c] for c in code_list.values]
    else:
        order = sorted(data[colour].unique())
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title),
            y=alt.Y("value:Q", title=y_title, stack="zero"),
            color=alt.Color(
                f"{colour}:N", title=None, sort=order, legend=alt.Legend(labelLimit=320)
            ),
            order=alt.Order("value:Q", sort="descending"),
        )
        .properties(width=420, height=240)
    )
    return chart


def to_svg(chart: alt.Chart) -> str:
    """Render to an SVG string with vl-convert (offline, no browser).

    Schema validation is skipped: the specs are built by ``stacked_bars`` (tested), and
    validating costs a quarter of a dashboard chart's time.
    """
    return str(vlc.vegalite_to_svg(chart.to_dict(validate=False)))


def empty_svg(note: str) -> str:
    """A small SVG carrying only ``note`` (a chart with nothing to draw)."""
    text = html.escape(note)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="420" height="40" viewBox="0 0 420 40" '
        f'role="img" aria-label="{text}"><text x="0" y="24" font-size="13">{text}</text></svg>'
    )
