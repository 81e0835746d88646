"""Hidden checks for the networks exercise."""
