"""zichtbaar.link."""
