"""Crisis detection on the project's own message sets (regression tests, tuned against)."""
