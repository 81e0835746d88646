"""Hidden checks for the descent exercise."""
