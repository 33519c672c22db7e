"""A real action server + Rasa server shared by the input tests (tests/servers.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.servers import Deployment, deploy


@pytest.fixture(scope="package")
def deployment(tmp_path_factory, model_path) -> Iterator[Deployment]:
    """Both servers, as `make run` starts them; shared by the input tests to save start-ups."""
    yield from deploy(tmp_path_factory.mktemp("hardening"), model_path)
