"""zichtbaar.estimate."""
