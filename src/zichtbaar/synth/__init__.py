"""zichtbaar.synth."""
