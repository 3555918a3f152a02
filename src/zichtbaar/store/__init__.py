"""zichtbaar.store."""
