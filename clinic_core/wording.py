"""The bot's words for code that runs outside Rasa's dialogue: read from domain.yml.

Rasa renders responses itself during a conversation. The input channels must still say
something when Rasa cannot (no model loaded, a failure while handling a message); those
replies are domain.yml responses too, so staff change them in one place. `render()` fills
`{placeholders}` from the clinic settings, like the slots Rasa fills at session start.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from clinic_core.settings import PROJECT_ROOT, ClinicSettingsError, load_clinic

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=2)
def _responses(path: Path, mtime: float) -> Dict[str, Any]:
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}


def response(name: str, domain_file: Path = DOMAIN_FILE) -> Optional[Dict[str, Any]]:
    """The first unconditional variation of response `name`, unrendered, or None."""
    try:
        variations = _responses(domain_file, domain_file.stat().st_mtime).get(name) or []
    except (OSError, yaml.YAMLError):
        return None
    plain = [v for v in variations if not v.get("condition")]
    return dict(plain[0]) if plain else None


def render(name: str, values: Optional[Mapping[str, Any]] = None, fallback: str = "") -> str:
    """The text of response `name` with clinic details and `values` filled in."""
    found = response(name)
    if not found or not found.get("text"):
        return fallback
    try:
        filled: Dict[str, Any] = dict(load_clinic().as_slots())
    except ClinicSettingsError:
        filled = {}
    filled.update(values or {})
    return " ".join(str(found["text"]).format_map(_KeepUnknown(filled)).split())


def render_message(
    name: str, values: Optional[Mapping[str, Any]] = None, fallback: str = ""
) -> Dict[str, Any]:
    """Response `name` as a bot message: its text and its buttons, placeholders filled."""
    message: Dict[str, Any] = {"text": render(name, values, fallback)}
    found = response(name) or {}
    try:
        filled: Dict[str, Any] = dict(load_clinic().as_slots())
    except ClinicSettingsError:
        filled = {}
    filled.update(values or {})
    buttons = [
        {
            key: str(button.get(key, "")).format_map(_KeepUnknown(filled))
            for key in ("title", "payload")
        }
        for button in found.get("buttons") or []
    ]
    if buttons:
        message["buttons"] = buttons
    return message
