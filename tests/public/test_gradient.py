"""Public checks for the gradient exercise."""
