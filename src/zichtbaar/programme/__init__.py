"""zichtbaar.programme."""
