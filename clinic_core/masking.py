"""The one personal-data masker: phone numbers, emails and names, in logs and staff reports.

`mask_personal_data()` is for visitor text shown to staff (the unanswered report, the inbox);
`mask()` adds what only log lines hold (slot dumps, SQL parameters, Rasa's debug line) and is
installed for every log line of a process by `install()`.

Masking happens where log records are created (a LogRecord factory), not in a
handler filter: Rasa and rasa_sdk install their own (coloredlogs) handlers after
any logging configuration we could pass, so a handler filter would miss lines.
Masking at record creation covers every handler, structlog output included
(Rasa 3.6 routes structlog through the standard `logging` module).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Iterable, List, Pattern, Tuple

EMAIL = re.compile(r"[^\s<>(),;:\"'\[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digit runs with phone-like separators; checked further in _phone().
PHONE = re.compile(r"(?<![\w/.:-])\+?\(?\d[\d\s().-]{5,}\d(?![\w/-])")
DATE_OR_DECIMAL = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d+\.\d+$")
# "my name is X" always introduces a name; "i'm X", "call me X", "this is X" only when X is
# capitalised ("i'm worried" and "call me on ..." are not names).
NAME_ALWAYS = re.compile(
    r"\b(my name is|my names|my name's|name:|i am called)\s+([^\s,.!?'\"]+)"
    r"(\s+[A-Z][^\s,.!?'\"]*)?",
    re.IGNORECASE,
)
NAME_IF_CAPITAL = re.compile(
    r"\b((?i:i am|i'm|i’m|im|this is|it's|call me))\s+([A-Z][a-z'’-]+)"
    r"(\s+[A-Z][a-z'’-]+)?"
)
LOG_SUBSTITUTIONS: List[Tuple[Pattern[str], str]] = [
    # slot values as Rasa and the SDK log them: "first_name: Maria", "'first_name': 'Maria'",
    # "SlotSet(key: callback_first_name, value: Maria)"
    # (no \b before the key: in structlog's JSON a tab is the two characters "\t")
    (
        re.compile(
            r"(?i)((?:callback_)?first_name\b['\"]?(?:\s*[:=]\s*|, value: )['\"]?)"
            r"([^'\",)}\n\\]+)"
        ),
        r"\1[name]",
    ),
    # the bot addressing the visitor by name ("Thanks, {callback_first_name}.")
    (re.compile(r"\b(Thanks|Thank you|Hi|Hello), [^\s,.!?'\"]+(?=[.!,])"), r"\1, [name]"),
    # SQLAlchemy errors list the row being written
    (re.compile(r"\[parameters: .*?\]\n?", re.S), "[parameters: [hidden]]"),
    # Rasa's debug line with the visitor's whole message
    (re.compile(r"(Received user message ')(.*?)(' with intent)", re.S), r"\1[hidden]\3"),
]
_MARK = "_clinic_pii_masking"


def _phone(match: "re.Match[str]") -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or digits > 15 or DATE_OR_DECIMAL.match(text.strip()):
        return text
    return "[phone]"


def mask_personal_data(text: str, names: Iterable[str] = ()) -> str:
    """`text` with emails, phone numbers and names (also the given `names`) replaced by
    [email], [phone] and [name]."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub(_phone, text)
    text = NAME_ALWAYS.sub(lambda m: f"{m.group(1)} [name]", text)
    text = NAME_IF_CAPITAL.sub(lambda m: f"{m.group(1)} [name]", text)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        for part in {name, *name.split()}:
            if len(part) >= 2:
                text = re.sub(
                    rf"(?<!\w){re.escape(part)}(?!\w)", "[name]", text, flags=re.IGNORECASE
                )
    return text


def mask(text: str) -> str:
    """A log line with personal data replaced by [email], [phone], [name] or [hidden]."""
    for pattern, replacement in LOG_SUBSTITUTIONS:
        text = pattern.sub(replacement, text)
    return mask_personal_data(text)


def _masking_factory(
    original: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
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
