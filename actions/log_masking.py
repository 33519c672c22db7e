"""Mask personal data (phone numbers, emails, names) in every log line of this process.

Masking happens where log records are created (a LogRecord factory), not in a
handler filter: Rasa and rasa_sdk install their own (coloredlogs) handlers after
any logging configuration we could pass, so a handler filter would miss lines.
Masking at record creation covers every handler, structlog output included
(Rasa 3.6 routes structlog through the standard `logging` module).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, List, Pattern, Tuple

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digit runs with phone-like separators; checked further in _phone().
PHONE = re.compile(r"(?<![\w/.:-])\+?\(?\d[\d\s().-]{5,}\d(?![\w/-])")
DATE_OR_DECIMAL = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d+\.\d+$")
SUBSTITUTIONS: List[Tuple[Pattern[str], str]] = [
    # slot values as Rasa and the SDK log them: "first_name: Maria", "'first_name': 'Maria'",
    # "SlotSet(key: callback_first_name, value: Maria)"
    # (no \b before the key: in structlog's JSON a tab is the two characters "\t")
    (re.compile(r"(?i)((?:callback_)?first_name\b['\"]?(?:\s*[:=]\s*|, value: )['\"]?)"
                r"([^'\",)}\n\\]+)"), r"\1<name>"),
    (re.compile(r"(?i)\b(my name is|call me|i am called)\s+[^\s,.!?'\"]+"), r"\1 <name>"),
    # the bot addressing the visitor by name ("Thanks, {callback_first_name}.")
    (re.compile(r"\b(Thanks|Thank you|Hi|Hello), [^\s,.!?'\"]+(?=[.!,])"), r"\1, <name>"),
    # SQLAlchemy errors list the row being written
    (re.compile(r"\[parameters: .*?\]\n?", re.S), "[parameters: <hidden>]"),
    # Rasa's debug line with the visitor's whole message
    (re.compile(r"(Received user message ')(.*?)(' with intent)", re.S), r"\1<hidden>\3"),
]
_MARK = "_clinic_pii_masking"


def _phone(match: "re.Match[str]") -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or digits > 15 or DATE_OR_DECIMAL.match(text.strip()):
        return text
    return "<phone>"


def mask(text: str) -> str:
    """`text` with emails, phone numbers and names replaced by placeholders."""
    for pattern, replacement in SUBSTITUTIONS:
        text = pattern.sub(replacement, text)
    text = EMAIL.sub("<email>", text)
    return PHONE.sub(_phone, text)


def _masking_factory(original: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        try:
            record.msg, record.args = mask(record.getMessage()), None
            if record.exc_info:
                record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        except Exception:  # noqa: BLE001 - a log line must never break the caller
            pass
        return record

    setattr(factory, _MARK, True)
    return factory


def install() -> None:
    """Mask personal data in all log records of this process (idempotent)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, _MARK, False):
        logging.setLogRecordFactory(_masking_factory(current))
