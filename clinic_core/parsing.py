"""Reading what visitors type into the call-back form: names, phones, emails, times.

Phone numbers and emails are validated and normalised by maintained libraries
(`phonenumbers`, `email-validator`), not hand-written patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Set, Tuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from clinic_core.settings import OpeningHours
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


# --------------------------------------------------------------------------- office hours

_DAY = 24 * 60
_DAY_NUMBERS = {name: index for index, name in enumerate(_DAYS)} | {
    alias: _DAYS.index(day) for alias, day in _DAY_ALIASES.items()
}
# Parts of the day as windows in minutes after midnight (start, end).
_PART_WINDOWS = {
    "early morning": (6 * 60, 9 * 60),
    "morning": (6 * 60, 12 * 60),
    "mornings": (6 * 60, 12 * 60),
    "lunch": (12 * 60, 14 * 60),
    "lunchtime": (12 * 60, 14 * 60),
    "midday": (11 * 60, 14 * 60),
    "afternoon": (12 * 60, 18 * 60),
    "afternoons": (12 * 60, 18 * 60),
    "late afternoon": (15 * 60, 18 * 60),
    "evening": (17 * 60, 22 * 60),
    "evenings": (17 * 60, 22 * 60),
    "tonight": (17 * 60, _DAY),
    "night": (20 * 60, _DAY),
    "nights": (20 * 60, _DAY),
    "after work": (17 * 60, _DAY),
}
_PART_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _PART_WINDOWS), key=len, reverse=True)) + r")\b"
)


def _clock_pattern(n: int) -> str:
    return (
        rf"(?:(?P<h{n}>\d{{1,2}})(?:[:.](?P<m{n}>[0-5]\d))?\s*(?P<s{n}>[ap])\.?\s?m\b\.?"
        rf"|(?P<hh{n}>\d{{1,2}})(?:[:.](?P<mm{n}>[0-5]\d))?(?![\d:])"
        rf"|(?P<named{n}>noon|midday|midnight))"
    )


_TIME_EXPRESSION = re.compile(
    r"\b(?:(?P<rel>after|past|from|since|before|until|till|til|by|at|around|about|between"
    r"|later than|earlier than|no later than|no earlier than|not before|not after)\s+)?"
    + _clock_pattern(1)
    + r"(?:\s*(?:-|–|to|and|until|till)\s*"
    + _clock_pattern(2)
    + r")?"
)
_AFTER = {"after", "past", "from", "since", "later than", "no earlier than", "not before"}
_BEFORE = {"before", "until", "till", "til", "by", "earlier than", "no later than", "not after"}
_ANY_TIME = re.compile(r"\bany ?time\b|\bwhenever\b|\bflexible\b|\bany hour\b")


def _clock(match: "re.Match[str]", n: int, suffix_hint: Optional[str] = None) -> Optional[int]:
    """Minutes after midnight of the n-th clock time of a match; None if it is no time.

    Without am/pm, 1-7 o'clock is taken as the afternoon and 8-11 as the morning, as people
    mean them when they talk about office calls; 13-24 are read on the 24-hour clock."""
    named = match.group(f"named{n}")
    if named:
        return 0 if named == "midnight" else 12 * 60
    suffix = match.group(f"s{n}")
    hour = match.group(f"h{n}") or match.group(f"hh{n}")
    if hour is None:
        return None
    minute = int(match.group(f"m{n}") or match.group(f"mm{n}") or 0)
    h = int(hour)
    suffix = suffix or suffix_hint
    if suffix:
        if not 1 <= h <= 12:
            return None
        return ((h % 12) + (12 if suffix == "p" else 0)) * 60 + minute
    if h > 24:
        return None
    if h >= 13 or h == 0:
        return h * 60 + minute
    return (h + 12 if 1 <= h <= 7 else h) * 60 + minute


def _time_windows(text: str) -> List[Tuple[int, int]]:
    windows: List[Tuple[int, int]] = []
    for match in _TIME_EXPRESSION.finditer(text):
        relation = match.group("rel")
        has_second = bool(match.group("h2") or match.group("hh2") or match.group("named2"))
        plain_number = not (match.group("s1") or match.group("m1") or match.group("mm1"))
        plain_number = plain_number and not match.group("named1")
        # A bare number ("2 or 3 days") is a time only after a word like "after" or in a range.
        if plain_number and not relation and not has_second:
            continue
        second = _clock(match, 2) if has_second else None
        first = _clock(
            match, 1, match.group("s2") if has_second and not match.group("s1") else None
        )
        if first is None:
            continue
        if second is not None:
            windows.append((first, second if second > first else max(first + 60, _DAY)))
        elif relation in _AFTER:
            windows.append((first, _DAY))
        elif relation in _BEFORE:
            windows.append((0, first))
        else:
            windows.append((first, min(first + 60, _DAY)))
    for part in _PART_PATTERN.findall(text):
        windows.append(_PART_WINDOWS[part])
    return windows


def _days(text: str) -> Set[int]:
    days: Set[int] = set()
    for word in re.findall(r"[a-z]+", text):
        if word.rstrip("s") in _DAY_NUMBERS:
            days.add(_DAY_NUMBERS[word.rstrip("s")])
        elif word in _DAY_NUMBERS:
            days.add(_DAY_NUMBERS[word])
        elif word in ("weekday", "weekdays"):
            days.update(range(5))
        elif word in ("weekend", "weekends"):
            days.update((5, 6))
    return days


def outside_opening_hours(text: str, hours: Optional[OpeningHours]) -> bool:
    """True when every time the visitor named is outside the clinic's opening hours.

    "after 5pm", "evenings" or "Saturday" for a weekday 9-to-5 office are; "Tuesday after 3pm",
    "weekday mornings", "any time" or a time that can't be read are not: only a clear miss is
    corrected, anything else is passed on to staff as typed."""
    if hours is None or not text:
        return False
    lowered = plain_text(text).lower()
    days = _days(lowered)
    if days and not days & hours.days:
        return True
    if _ANY_TIME.search(lowered):
        return False
    windows = _time_windows(lowered)
    if not windows:
        return False
    return not any(start < hours.closes and end > hours.opens for start, end in windows)


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
