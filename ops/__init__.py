"""Running the assistant: the single-machine stack, the scale-out set-up, start-up checks."""
