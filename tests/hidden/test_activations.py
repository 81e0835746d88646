"""Hidden checks for the activations exercise."""
