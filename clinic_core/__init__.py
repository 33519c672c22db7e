"""The Rasa-free core every process shares: settings, storage, parsing, text cleaning, masking.

Nothing in this package imports Rasa or rasa_sdk, and importing it changes no global state,
so the action server, the Rasa server's extensions, the web chat server, the staff commands
and the tests can all use it.
"""
