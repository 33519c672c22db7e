"""The action server's start-up hook: rasa-sdk imports this package by name and calls
`init_hooks()` before it serves (rasa_sdk/plugin.py), so work that must happen once per
action server process is done here instead of as a side effect of importing `actions`.
"""

from __future__ import annotations

import pluggy
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ClinicActionServer:
    """Extensions of the action server's Sanic app."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        from clinic_core import masking

        masking.install()


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ClinicActionServer())
