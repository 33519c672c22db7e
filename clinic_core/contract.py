"""Names that cross the boundary between the Rasa server and the action server.

The NLU components write them into parse results and the domain, the actions read them;
a name changed on one side only would silently disconnect the two, so both import them here.
tests/unit/test_contract.py checks that domain.yml declares every one of them.
"""

CRISIS_INTENT = "crisis"
# Key of the parse result under which the crisis guard says which layer fired.
DETECTION_KEY = "crisis_detection"
FLAG_CRISIS_ACTION = "action_flag_crisis"
CRISIS_FLAGGED_SLOT = "crisis_flagged"
CRISIS_FOLLOWUP_RESPONSE = "utter_crisis_followup"
# Intents the bot's quick-reply buttons send as "/<intent>" (domain.yml). A visitor-typed
# "/<anything else>" is read as text (clinic_rasa/channels/validation.py).
BUTTON_INTENTS = frozenset(
    {"book_consultation", "human_handoff", "affirm", "deny", "request_callback", "stop"}
)
