"""The Matrix transport (matrix-nio, end-to-end encryption included).

Switched on by ``FOERDERLOTSE_MATRIX_HOMESERVER``; see :mod:`.config` for the other
variables. Rooms become chats ``matrix``/``!room:server``; commands may start with
``!`` (the Matrix habit) or ``/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.transports.matrix.config import MatrixConfig, TrustPolicy
from bot.transports.matrix.transport import MatrixTransport

if TYPE_CHECKING:
    from bot.app import Storage
    from bot.dialogue.core import Dialogue
    from bot.settings import Settings


def create(settings: Settings, dialogue: Dialogue, storage: Storage) -> MatrixTransport:
    """Build the Matrix transport from the settings.

    Raises:
        ConfigError: a Matrix variable is missing or malformed.

    """
    config = MatrixConfig.from_env(settings.environ, settings.data_dir)
    return MatrixTransport(config, dialogue, storage.subscriptions)


__all__ = ["MatrixConfig", "MatrixTransport", "TrustPolicy", "create"]
