"""The crisis guard component on hand-made NLU results (no trained model needed)."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinic_core.phrases import PhraseMatcher
from clinic_rasa.nlu.crisis_guard import CrisisGuard

CONFIG = {**CrisisGuard.get_default_config()}


@pytest.fixture
def guard():
    return CrisisGuard(CONFIG, PhraseMatcher(["kill myself", "want to die"], ["dying to know"]))


def nlu_result(text, ranking):
    ranking = [{"name": n, "confidence": c} for n, c in ranking]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


def test_phrase_overrides_a_confident_faq_prediction(guard):
    message = nlu_result("how fast does it work, i want to die", [("faq", 0.97), ("crisis", 0.02)])
    guard.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "crisis"
    assert message.get("crisis_detection") == {
        "grade": "risk",
        "layer": "phrase_list",
        "phrase": "want to die",
    }


def test_model_crisis_counts_even_when_the_fallback_replaced_it(guard):
    message = nlu_result(
        "everything feels pointless", [("nlu_fallback", 0.5), ("crisis", 0.45), ("faq", 0.40)]
    )
    guard.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("crisis_detection")["layer"] == "model"


def test_weak_model_crisis_votes_are_ignored(guard):
    message = nlu_result("how much does it cost", [("faq", 0.9), ("crisis", 0.05)])
    guard.process([message])
    assert message.get("intent")["name"] == "faq" and message.get("crisis_detection") is None


def test_a_crisis_runner_up_behind_another_intent_does_not_count(guard):
    message = nlu_result("give me a pasta recipe", [("out_of_scope", 0.67), ("crisis", 0.31)])
    guard.process([message])
    assert message.get("intent")["name"] == "out_of_scope"


class FixedRisk:
    """A risk model stand-in that grades every message the same way."""

    def __init__(self, grade, at_risk=0.0, uncertain=0.0, imminent=0.0):
        from clinic_core.risk import RiskAssessment, Thresholds

        self.thresholds = Thresholds(0.8, 0.5, 0.5)
        self.result = RiskAssessment(grade, at_risk, uncertain, imminent)

    def assess(self, text):
        return self.result


def guarded(risk, text, ranking=(("faq", 0.9),)):
    guard = CrisisGuard(CONFIG, PhraseMatcher(["want to die", "suicid*"]), risk)
    message = nlu_result(text, list(ranking))
    guard.process([message])
    return message


@pytest.mark.parametrize(
    "grade,intent",
    [
        ("imminent", "crisis_imminent"),
        ("risk", "crisis"),
        ("check_in", "crisis_check"),
    ],
)
def test_the_risk_model_grades_the_message(grade, intent):
    message = guarded(FixedRisk(grade, at_risk=0.9), "anything at all, in many words")
    assert message.get("intent")["name"] == intent
    assert message.get("crisis_detection")["layer"] == "risk_model"


def test_a_phrase_the_risk_model_is_sure_is_harmless_is_ignored():
    message = guarded(
        FixedRisk("none", 0.01, 0.02), "which screening tool do you use for suicide risk"
    )
    assert message.get("intent")["name"] == "faq"


def test_a_phrase_the_risk_model_would_ask_about_gets_the_crisis_response():
    message = guarded(FixedRisk("check_in", 0.3, 0.4), "i want to die, everything is too much")
    assert message.get("intent")["name"] == "crisis"
    assert message.get("crisis_detection")["layer"] == "phrase_list"


def test_a_phrase_the_risk_model_sees_no_risk_in_but_does_not_rule_out_gets_the_check_in():
    message = guarded(FixedRisk("none", 0.05, 0.2), "i want to die of boredom in this waiting room")
    assert message.get("intent")["name"] == "crisis_check"
    assert message.get("crisis_detection")["layer"] == "phrase_list"


def test_beside_the_risk_model_the_faq_models_crisis_intent_does_not_count():
    message = guarded(
        FixedRisk("none", 0.05, 0.2),
        "everything is grey these days really",
        ranking=(("crisis", 0.6), ("faq", 0.3)),
    )
    assert message.get("intent")["name"] == "faq"
    assert message.get("crisis_detection") is None


def test_without_a_risk_model_the_faq_models_crisis_intent_gives_the_crisis_response():
    message = guarded(None, "everything is grey these days really", (("crisis", 0.6), ("faq", 0.3)))
    assert message.get("intent")["name"] == "crisis"
    assert message.get("crisis_detection")["layer"] == "model"


class FailingRisk(FixedRisk):
    def assess(self, text):
        raise RuntimeError("onnxruntime failed")


def test_when_the_risk_model_fails_on_a_message_the_other_layers_decide():
    message = guarded(FailingRisk("none"), "everything is grey these days", (("crisis", 0.6),))
    assert message.get("intent")["name"] == "crisis"
    assert guarded(FailingRisk("none"), "i want to die, honestly").get("intent")["name"] == "crisis"


def test_without_a_risk_model_a_phrase_gives_the_full_crisis_response():
    message = guarded(None, "i want to die")
    assert message.get("intent")["name"] == "crisis"


def test_a_faq_model_crisis_the_guard_overrules_falls_back_to_the_next_intent():
    message = guarded(
        FixedRisk("none", 0.0, 0.01),
        "my boss will kill me if im late",
        ranking=(("crisis", 0.6), ("faq", 0.3)),
    )
    assert message.get("intent")["name"] == "faq"


def test_short_messages_are_left_to_the_phrase_list():
    short = guarded(FixedRisk("check_in", 0.0, 1.0), "Priya", ranking=(("inform", 0.6),))
    assert short.get("intent")["name"] == "inform"
    assert guarded(FixedRisk("none"), "want to die").get("intent")["name"] == "crisis"


@pytest.mark.parametrize("intent", ["human_handoff", "book_consultation", "thank", "greet"])
def test_requests_and_thanks_the_classifier_is_sure_of_are_still_read_by_the_risk_model(intent):
    message = guarded(
        FixedRisk("imminent", at_risk=0.95, imminent=0.9),
        "i need to talk to someone right now or im going to do it",
        ranking=((intent, 1.0),),
    )
    assert message.get("intent")["name"] == "crisis_imminent"


FORM_ANSWERS = ["request_callback", "inform", "affirm", "deny", "stop"]


@pytest.mark.parametrize("intent", FORM_ANSWERS)
@pytest.mark.parametrize(
    "risk",
    [FixedRisk("risk", at_risk=0.95), FixedRisk("check_in", at_risk=0.3, uncertain=0.6)],
)
def test_for_the_call_back_request_and_form_answers_only_danger_now_counts(intent, risk):
    message = guarded(risk, "no i'm not thinking about that", ranking=((intent, 1.0),))
    assert message.get("intent")["name"] == intent
    assert message.get("crisis_detection") is None


@pytest.mark.parametrize("intent", FORM_ANSWERS)
def test_a_long_message_the_classifier_takes_for_a_form_answer_is_still_read(intent):
    message = guarded(
        FixedRisk("risk", at_risk=0.95),
        "si la ketamina no funciona para diciembre, ya no sigo con nada",
        ranking=((intent, 1.0),),
    )
    assert message.get("intent")["name"] == "crisis"


@pytest.mark.parametrize("intent", FORM_ANSWERS)
def test_danger_now_in_a_form_answer_gets_the_emergency_reply(intent):
    message = guarded(
        FixedRisk("imminent", at_risk=0.97, imminent=1.0),
        "i'm not safe right now",
        ranking=((intent, 0.91),),
    )
    assert message.get("intent")["name"] == "crisis_imminent"
