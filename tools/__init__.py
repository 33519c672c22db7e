"""Project tooling: set-up, training, running the stack, evaluation, staff commands."""
