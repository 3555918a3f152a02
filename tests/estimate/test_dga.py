"""Model averaging over decomposable graphs against R's dga (``tests/reference/r/dga.R``)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from zichtbaar.errors import EstimationError
from zichtbaar.estimate import make_table, read_patterns_csv
from zichtbaar.estimate.dga import grid, grid_quantiles, model_average
from zichtbaar.estimate.graphs import decomposable_graphs

REF = Path(__file__).resolve().parents[1] / "reference"
DGA = json.loads((REF / "r" / "dga.json").read_text())
TABLES = sorted(k for k in DGA if not k.startswith("_"))
PROBS = np.array([0.025, 0.1, 0.5, 0.9, 0.975])


@pytest.mark.parametrize(("k", "count"), [(3, 8), (4, 61), (5, 822)])
def test_decomposable_graphs_are_all_chordal_graphs(k: int, count: int) -> None:
    graphs = decomposable_graphs(k)
    assert len(graphs) == count  # OEIS A058862: labelled chordal graphs
    for g in graphs:
        nxg = nx.Graph(g.edges)
        nxg.add_nodes_from(range(k))
        components = nx.number_connected_components(nxg)
        # a junction forest has one separator fewer than cliques per component
        assert len(g.cliques) - len(g.separators) == components
        assert np.bitwise_or.reduce(np.array(g.cliques)) == 2**k - 1


@pytest.mark.parametrize("name", TABLES)
def test_posterior_equals_r_dga(name: str) -> None:
    ref = DGA[name]
    t = read_patterns_csv(REF / "mse" / f"{name}.csv")
    m = model_average(t)
    # the same default grid (its widening rule is mirrored in the R script) ...
    assert m.hidden[-1] == pytest.approx(ref["grid_upper"])
    assert len(m.hidden) == ref["grid_points"]
    assert m.bounded == ref["bounded"]
    # ... and the same posterior on it: quantiles of N (acceptance: median within 2 %)
    q = grid_quantiles(m.totals, m.mass, PROBS)
    np.testing.assert_allclose(q, list(ref["quantiles"].values()), rtol=1e-6)
    probs = m.model_probabilities
    top = int(np.argmax(probs))
    assert probs[top] == pytest.approx(ref["top_model_probability"][0], abs=1e-7)
    cliques = {
        frozenset(t.lists[i] for i in range(t.k) if c >> i & 1) for c in m.graphs[top].cliques
    }
    assert cliques == {frozenset(c) for c in ref["top_model_cliques"]}


def test_grid_is_a_riemann_sum_of_the_integer_posterior() -> None:
    # NewOrl_5's default grid is sparse above 2,000; on every integer the quantiles agree.
    t = read_patterns_csv(REF / "mse" / "NewOrl_5.csv")
    default = model_average(t)
    assert len(default.hidden) < default.hidden[-1]
    exact = model_average(t, hidden=np.arange(0.0, default.hidden[-1] + 1))
    np.testing.assert_allclose(
        grid_quantiles(default.totals, default.mass, PROBS),
        grid_quantiles(exact.totals, exact.mass, PROBS),
        rtol=2e-3,
    )


def test_grid_shape() -> None:
    h, w = grid(50_000)
    np.testing.assert_array_equal(h[:2001], np.arange(2001))
    assert h[-1] == 50_000 and np.all(np.diff(h) > 0)
    assert np.max(np.diff(h[2000:]) / h[2000:-1]) < 0.005  # 0.4 % apart at most
    np.testing.assert_allclose(w[:-1], np.diff(h))


def test_list_counts_outside_three_to_five_are_refused(ref: Path) -> None:
    two = make_table(("A", "B"), np.array([[1, 0], [0, 1], [1, 1]]), np.array([30.0, 20.0, 5.0]))
    six = read_patterns_csv(ref / "mse" / "UKdat.csv")
    for t in (two, six):
        with pytest.raises(EstimationError, match="3 to 5 lists"):
            model_average(t)
