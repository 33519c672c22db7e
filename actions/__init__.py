"""Custom actions of the clinic FAQ assistant, served by `rasa run actions`."""

from actions import log_masking

# The one piece of work done at import: rasa_sdk has no start-up hook, and importing
# this package is the first code of ours the action server runs, before any request.
# Masking must be in place before the first log line that could hold a visitor's data.
log_masking.install()
