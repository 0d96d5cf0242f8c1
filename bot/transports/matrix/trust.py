"""End-to-end encryption trust: decide, per device, whether it gets our room keys.

nio only encrypts for devices that are verified (or explicitly ignored); interactive
verification does not fit a bot, so the policy verifies devices on first use (TOFU).
Devices that the policy does not trust are blacklisted: they see the room but cannot
read what the bot writes. A device whose keys change under a known id is refused by
nio itself, which is the part of TOFU that protects against a swapped device.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.transports.matrix.config import MatrixConfig, TrustPolicy

logger = logging.getLogger(__name__)


def trusts(config: MatrixConfig, user_id: str) -> bool:
    """Return True when ``user_id``'s new devices may read the bot's messages."""
    return config.trust is TrustPolicy.TOFU or config.is_allowed(user_id)


def apply_trust(client: Any, room: Any, config: MatrixConfig) -> int:
    """Verify or blacklist every device in ``room`` not decided on yet; return how many."""
    decided = 0
    for user_id in list(room.users):
        for device in client.device_store.active_user_devices(user_id):
            if user_id == client.user_id and device.device_id == client.device_id:
                continue
            if device.verified or device.blacklisted or device.ignored:
                continue
            if trusts(config, user_id):
                client.verify_device(device)
                logger.info("Trusting new device %s of %s on first use",
                            device.device_id, user_id)
            else:
                client.blacklist_device(device)
                logger.info("Not encrypting for device %s of %s (not on the allow list)",
                            device.device_id, user_id)
            decided += 1
    return decided
