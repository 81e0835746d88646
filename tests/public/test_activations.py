"""Public checks for the activations exercise."""
