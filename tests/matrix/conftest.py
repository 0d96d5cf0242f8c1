"""Fixtures for the Matrix tests: one real Synapse per session, fresh users per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.matrix import synapse_server
from tests.matrix.helpers import Account, MatrixUser


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[synapse_server.Synapse]:
    """A Synapse installed into its own venv on first use, running for the whole session."""
    try:
        python = synapse_server.ensure_installed(synapse_server.venv_dir())
        server = synapse_server.start(python, tmp_path_factory.mktemp("synapse"))
    except Exception as error:
        reason = f"Synapse could not be installed or started: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def register(synapse: synapse_server.Synapse) -> Iterator[object]:
    """Register users with unique names: ``register("alice")`` → an :class:`Account`."""

    def make(prefix: str) -> Account:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        password = uuid.uuid4().hex
        registered = synapse.register(name, password)
        return Account(synapse.url, str(registered["user_id"]), password)

    return make


@pytest.fixture
async def alice(register: object, tmp_path: Path) -> AsyncIterator[MatrixUser]:
    """An allowed user with her own nio client and key store."""
    user = MatrixUser(register("alice"), tmp_path / "alice")  # type: ignore[operator]
    await user.login()
    try:
        yield user
    finally:
        await user.close()
