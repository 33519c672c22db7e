"""Custom NLU components trained and run for real (tiny models)."""
