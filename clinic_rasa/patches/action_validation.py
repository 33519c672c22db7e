"""Check action server replies against Rasa's schema with a validator built once.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate()` for
every custom action reply. That function first validates the *schema* against its
meta-schema and builds a new validator each time; under load py-spy put 55 % of the
Rasa server's time there (docs/reports/benchmarks.md). The reply is still checked against the
same schema with the same error message; only the per-call set-up is done once.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_INSTALLED_MARK = "_clinic_cached_validator"


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError

    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    """Replace RemoteAction._validate_action_result (idempotent)."""
    if getattr(RemoteAction._validate_action_result, _INSTALLED_MARK, False):
        return
    setattr(validate_action_result, _INSTALLED_MARK, True)
    RemoteAction._validate_action_result = validate_action_result
