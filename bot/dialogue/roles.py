"""Who may change a group's data: the same rule on every transport.

In a group or room everyone may ask questions and read the group's abos, but only
its administrators may change what the bot stores about, and sends to, the whole
group. The transport says who is speaking (:attr:`IncomingMessage.is_admin`); the
rule itself lives here, so Telegram and Matrix cannot drift apart.
"""

from __future__ import annotations

from bot.dialogue.messages import IncomingMessage
from bot.errors import UserError

ADMINS_ONLY = ("In Gruppen dürfen das nur Administratorinnen und Administratoren. "
               "Fragen stellen dürfen alle.")
# Commands that change the chat's abos, reminders or stored data. The "Fristen
# abonnieren" button runs "abo" and is covered with it.
CHANGES_CHAT = frozenset({"abo", "abbestellen", "daten-loeschen", "erinnerung"})


def changes_chat(command_name: str) -> bool:
    """Return True when the command of this (canonical) name changes the chat's data."""
    return command_name in CHANGES_CHAT


async def require_admin(message: IncomingMessage, command_name: str) -> None:
    """Let the command run, or refuse it for a group member who is no administrator.

    Private chats are never asked; in a group the transport's check is awaited only
    for commands that change the chat's data.

    Raises:
        UserError: in a group, a non-administrator (or someone nobody can vouch for)
            tried a command that changes the group's data.

    """
    if not message.is_group or not changes_chat(command_name):
        return
    if message.is_admin is not None and await message.is_admin():
        return
    raise UserError(ADMINS_ONLY)


async def everyone() -> bool:
    """Let every member through: the admin check of a transport whose rule is off."""
    return True
