"""Attacks on zichtbaar's own encodings (issue 8, part 2): what a key-less hub could learn.

``data`` builds the target (the hub's encodings of a synthetic world) and the attacker's
plain-text population; ``frequency``, ``pattern_mining`` and ``token_alignment`` are the
attacks; ``linkage`` measures what hardening costs the linkage. See docs/attacks.md.
"""
