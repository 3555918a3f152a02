"""zichtbaar.stats."""
