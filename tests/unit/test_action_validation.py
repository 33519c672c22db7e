"""Action server replies are still checked against Rasa's schema by the cached validator."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from clinic_rasa.patches import action_validation


@pytest.fixture
def remote_action():
    action_validation.install()
    return RemoteAction("action_offer_booking", None)


def test_a_valid_reply_passes(remote_action):
    reply = {
        "events": [{"event": "slot", "name": "x", "value": 1}],
        "responses": [{"text": "hello"}],
    }
    assert remote_action._validate_action_result(reply) is True


def test_an_invalid_reply_is_refused_with_rasas_explanation(remote_action):
    with pytest.raises(ValidationError) as raised:
        remote_action._validate_action_result({"events": "not a list"})
    assert "Failed to validate Action server response" in raised.value.message


def test_install_replaces_rasas_method_once():
    action_validation.install()
    action_validation.install()
    assert RemoteAction._validate_action_result is action_validation.validate_action_result
