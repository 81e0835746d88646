"""Public checks for the descent exercise."""
