"""Public checks for the losses exercise."""
