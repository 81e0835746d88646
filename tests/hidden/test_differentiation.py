"""Hidden checks for the differentiation exercise."""
