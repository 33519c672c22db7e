"""Message checks shared by the REST and socket.io channels (no server needed)."""

import pytest

from clinic_core.settings import load_settings
from clinic_rasa.channels.validation import EMPTY_MESSAGE_REPLY, NO_WORDS_REPLY, check_message

LIMITS = load_settings({})


@pytest.mark.parametrize("text", ["?", " ?? ", "!!!", "…", "👍🏽"])
def test_messages_without_a_letter_or_digit_get_a_reply_instead_of_reaching_rasa(text):
    checked = check_message("v", text, None, LIMITS)
    assert checked.reply == NO_WORDS_REPLY and checked.text == ""


@pytest.mark.parametrize("text", ["ok?", "7", "how much?", "¿cuánto cuesta?"])
def test_messages_with_words_or_digits_go_to_rasa(text):
    checked = check_message("v", text, None, LIMITS)
    assert checked.reply is None and checked.text == text


def test_an_invisible_message_is_still_called_empty():
    assert check_message("v", "\u200b", None, LIMITS).reply == EMPTY_MESSAGE_REPLY
