"""zichtbaar.web."""
