"""zichtbaar.disclosure."""
