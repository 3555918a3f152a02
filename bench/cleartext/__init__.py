"""The same linkage job on clear text and on encodings, side by side (issue #3).

``world`` draws reporter records from ``zichtbaar.synth`` (synthetic people: clear text is fine
here), ``clear`` links them with splink on the clear fields, ``encoded`` encodes them with the
default schema and runs ``zichtbaar.link.run.run_linkage``, and ``child`` runs each step in its
own process so that its time, CPU and peak memory are its own.
"""
