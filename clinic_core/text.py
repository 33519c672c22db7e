"""Cleaning text typed by visitors, the same way in every process.

`clean_message()` is what the input channels apply before Rasa sees a message;
`plain_text()` additionally drops HTML tags, for values stored from a form answer.
"""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH_JOINER = "\u200d"  # kept: it glues emoji sequences together
_TAG = re.compile(r"<[^>]*>")


def clean_message(text: str) -> str:
    """NFC-normalise; turn control characters into spaces; drop invisible format characters.

    Format characters (zero-width spaces, right-to-left overrides, BOM...) can hide
    text from staff reading a conversation, so they go; the zero-width joiner stays.
    """
    cleaned = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            cleaned.append(" ")
        elif category == "Cf" and char != ZERO_WIDTH_JOINER:
            continue
        elif category == "Cs":  # lone surrogate: not text
            continue
        else:
            cleaned.append(char)
    return " ".join("".join(cleaned).split())


def has_markup(text: str) -> bool:
    return bool(_TAG.search(text))


def plain_text(text: str) -> str:
    """`clean_message()` without HTML tags."""
    return clean_message(_TAG.sub(" ", text))
