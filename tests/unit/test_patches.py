"""The Rasa patches refuse to install on a Rasa they were not written for."""

from __future__ import annotations

import pytest
from rasa.core.actions.action import RemoteAction

from clinic_rasa import patches


def test_the_installed_rasa_is_the_supported_one():
    import rasa
    from rasa.core.processor import MessageProcessor

    patches.check_rasa(
        rasa.__version__, {"RemoteAction": RemoteAction, "MessageProcessor": MessageProcessor}
    )


@pytest.mark.parametrize("version", ["3.6.20", "3.7.0", "3.6.21rc1"])
def test_a_different_rasa_version_is_refused_with_what_to_do(version):
    with pytest.raises(patches.RasaPatchError, match=r"written for Rasa 3\.6\.21"):
        patches.check_rasa(version, {"RemoteAction": RemoteAction})


def test_a_changed_signature_is_refused():
    class ChangedRemoteAction:
        async def run(self, output_channel, nlg, tracker, domain, metadata=None):
            """Rasa added a parameter."""

        def _validate_action_result(self, result):
            """Unchanged."""

    with pytest.raises(patches.RasaPatchError, match="RemoteAction.run now takes"):
        patches.check_rasa(patches.SUPPORTED_RASA_VERSION, {"RemoteAction": ChangedRemoteAction})


def test_a_removed_method_is_refused():
    class NoValidator:
        async def run(self, output_channel, nlg, tracker, domain):
            """Unchanged."""

    with pytest.raises(patches.RasaPatchError, match="no longer exists"):
        patches.check_rasa(patches.SUPPORTED_RASA_VERSION, {"RemoteAction": NoValidator})


def test_install_all_installs_every_patch_once():
    import logging

    previous_factory = logging.getLogRecordFactory()
    try:
        from rasa.core.processor import MessageProcessor

        patches.install_all()
        run, validate = RemoteAction.run, RemoteAction._validate_action_result
        handle = MessageProcessor.handle_message
        patches.install_all()
        assert RemoteAction.run is run and RemoteAction._validate_action_result is validate
        assert MessageProcessor.handle_message is handle
        assert getattr(handle, "_clinic_resent_messages", False)
        assert getattr(run, "_clinic_action_fallback", False)
        assert getattr(validate, "_clinic_cached_validator", False)
        assert getattr(logging.getLogRecordFactory(), "_clinic_pii_masking", False)
    finally:
        logging.setLogRecordFactory(previous_factory)
