"""Publishing a model in the scale-out set-up reaches every Rasa server, not just one."""

from __future__ import annotations

import shutil

import pytest

from clinic_staff.faq import deploy

pytestmark = pytest.mark.scaleout


def test_publish_loads_the_model_into_every_rasa_server(deployment, model_path, tmp_path):
    layout = deployment.layout
    settings = deployment.settings_for(layout.rasa_ports[0], layout.action_ports[0])
    fleet = deploy.server_for(settings)
    assert sorted(server.base_url for server in fleet.servers) == sorted(
        layout.rasa_url(i) for i in range(len(layout.rasa_ports))
    )
    assert fleet.loaded_model() == model_path.name

    published = tmp_path / "clinic-published.tar.gz"
    shutil.copy(model_path, published)
    try:
        fleet.switch_to(published)
        assert [server.loaded_model() for server in fleet.servers] == [published.name] * 2
        assert fleet.loaded_model() == published.name
    finally:
        fleet.switch_to(model_path)
