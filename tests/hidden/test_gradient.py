"""Hidden checks for the gradient exercise."""
