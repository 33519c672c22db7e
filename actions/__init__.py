"""Custom actions of the clinic FAQ assistant, served by `rasa run actions`."""
