"""zichtbaar.encode."""
