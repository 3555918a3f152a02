"""zichtbaar.intake."""
