"""The ML pipeline: building the spaCy pipeline, training, and measuring the NLU model."""
