"""zichtbaar.encode: runs at the reporting organisation, never at the hub.

normalise -> identity -> tokens (HMAC-SHA256) + bloom (keyed, hardened name filter) -> package.
Entry points: ``package.encode_file``, ``keys.new_key`` / ``load_key`` / ``rotate``,
``bloom.dice``; see docs/encoding.md.
"""
