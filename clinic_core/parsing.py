"""Reading what visitors type into the call-back form: names, phones, emails, times.

Phone numbers and emails are validated and normalised by maintained libraries
(`phonenumbers`, `email-validator`), not hand-written patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from clinic_core.text import has_markup, plain_text

DEFAULT_REGION = "US"
MAX_NAME_LENGTH = 50
MAX_TIMES_LENGTH = 200
MAX_INPUT_LENGTH = 1000  # longer answers are refused before any parsing

_NAME_PREFIX = re.compile(
    r"^\s*(?:hi|hello|hey)?[\s,!]*(?:my name is|my name's|i am|i'm|im|it's|its|this is|call me|name:?)\s+",
    re.IGNORECASE,
)
_EMAIL_CANDIDATE = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")


def parse_first_name(text: str) -> Optional[str]:
    """A plausible first name from an answer like "I'm Maria", or None."""
    if not text or len(text) > MAX_INPUT_LENGTH or has_markup(text):
        return None
    name = _NAME_PREFIX.sub("", plain_text(text)).strip(" .!,")
    if not name or len(name) > MAX_NAME_LENGTH:
        return None
    allowed = all(ch.isalpha() or ch in " -'’." for ch in name)
    if not allowed or not any(ch.isalpha() for ch in name) or len(name.split()) > 3:
        return None
    return " ".join(part[:1].upper() + part[1:] for part in name.split())


@dataclass(frozen=True)
class Contact:
    method: str  # "phone" or "email"
    value: str  # E.164 phone number or normalised email address


def parse_phone(text: str, region: str = DEFAULT_REGION) -> Optional[str]:
    """The first valid phone number in `text`, in E.164 form (+12125550100)."""
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def parse_email(text: str) -> Optional[str]:
    """The first valid email address in `text`, normalised, or None."""
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    for candidate in _EMAIL_CANDIDATE.findall(text):
        try:
            return validate_email(candidate.strip("."), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


def parse_contact(text: str, region: str = DEFAULT_REGION) -> Optional[Contact]:
    """An email address or phone number from the visitor's answer."""
    email = parse_email(text)
    if email:
        return Contact("email", email)
    phone = parse_phone(text, region)
    return Contact("phone", phone) if phone else None


def format_phone_for_display(e164: str) -> str:
    number = phonenumbers.parse(e164, None)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAY_ALIASES = {d[:3]: d for d in _DAYS} | {
    "tues": "tuesday",
    "thur": "thursday",
    "thurs": "thursday",
    "weds": "wednesday",
}
_PARTS = {
    "morning": "morning",
    "mornings": "morning",
    "am": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "lunch": "midday",
    "lunchtime": "midday",
    "noon": "midday",
    "evening": "evening",
    "evenings": "evening",
    "pm": "afternoon",
}


def parse_times_hint(text: str) -> Optional[str]:
    """A short structured reading of preferred times ("Tuesday, Thursday; morning"), or None."""
    words = re.findall(r"[a-z]+", text.lower())
    days, parts = [], []
    for word in words:
        day = word.rstrip("s") if word.rstrip("s") in _DAYS else _DAY_ALIASES.get(word)
        if day and day.capitalize() not in days:
            days.append(day.capitalize())
        part = _PARTS.get(word)
        if part and part not in parts:
            parts.append(part)
    if "weekday" in text.lower() or "weekdays" in words:
        days = days or ["Weekdays"]
    if "weekend" in text.lower():
        days.append("Weekend")
    anytime = bool(re.search(r"\bany ?time\b|\bwhenever\b|\bflexible\b", text.lower()))
    if not days and not parts:
        return "any time" if anytime else None
    return "; ".join(filter(None, [", ".join(days), ", ".join(parts)]))


def parse_preferred_times(text: str) -> Optional[str]:
    """The visitor's preferred times, kept as given (cleaned), or None if unusable."""
    cleaned = plain_text(text or "")
    if not cleaned or len(cleaned) > MAX_TIMES_LENGTH:
        return None
    if not any(ch.isalnum() for ch in cleaned):
        return None
    return cleaned


_YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "sure",
    "ok",
    "okay",
    "agree",
    "consent",
    "absolutely",
    "si",
    "sí",
}
_NO = {"no", "n", "nope", "nah", "don't", "dont", "not"}


def parse_yes_no(text: str, intent: Optional[str] = None) -> Optional[bool]:
    """True/False for a yes/no answer (by intent or by its words), None if unclear."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    words = set(re.findall(r"[a-zí']+", (text or "").lower()))
    if words & _NO:
        return False
    if words & _YES:
        return True
    return None
