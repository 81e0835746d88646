"""Public checks for the networks exercise."""
