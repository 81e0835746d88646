"""Hidden checks for the losses exercise."""
