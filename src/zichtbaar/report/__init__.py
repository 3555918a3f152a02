"""zichtbaar.report."""
