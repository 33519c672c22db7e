"""Extensions of Rasa itself (loaded by the Rasa server through endpoints.yml)."""
