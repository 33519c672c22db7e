"""The web chat: the widget visitors use (src/, built into dist/) and the server that serves it."""
