"""Names that cross the boundary between the Rasa server and the action server.

The NLU components write them into parse results and the domain, the actions read them;
a name changed on one side only would silently disconnect the two, so both import them here.
tests/unit/test_contract.py checks that domain.yml declares every one of them.
"""

CRISIS_INTENT = "crisis"
CRISIS_IMMINENT_INTENT = "crisis_imminent"
CRISIS_CHECK_INTENT = "crisis_check"
CRISIS_INTENTS = (CRISIS_IMMINENT_INTENT, CRISIS_INTENT, CRISIS_CHECK_INTENT)
# Key of the parse result under which the crisis guard says which layer fired.
DETECTION_KEY = "crisis_detection"
FLAG_CRISIS_ACTION = "action_flag_crisis"
CRISIS_FLAGGED_SLOT = "crisis_flagged"
CRISIS_FOLLOWUP_RESPONSE = "utter_crisis_followup"
AFTER_CHECK_IN_ACTION = "action_after_check_in"
CRISIS_RESPONSE = "utter_crisis"
CRISIS_IMMINENT_RESPONSE = "utter_crisis_imminent"
CHECK_IN_ANSWER_SLOT = "crisis_check_answer"
FAQ_INTENT = "faq"
FAQ_CLARIFY_INTENT = "faq_clarify"  # set by clinic_rasa/nlu/faq_gate.py
CHOOSE_FAQ_INTENT = "choose_faq"  # a "Did you mean" button: /choose_faq{"faq_topic": "cost"}
FAQ_TOPIC_SLOT = "faq_topic"
# Intents the bot's quick-reply buttons send as "/<intent>" (domain.yml). A visitor-typed
# "/<anything else>" is read as text (clinic_rasa/channels/validation.py).
BUTTON_INTENTS = frozenset(
    {
        "book_consultation",
        "human_handoff",
        "affirm",
        "deny",
        "request_callback",
        "stop",
        "choose_faq",  # "Did you mean" buttons
        "something_else",
    }
)
