"""Command parsing and the registry of German commands with their aliases."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from bot.dialogue.messages import IncomingMessage, Reply

# "/frist heimat-scheck", "!frist …" (Matrix habit), "/frist@FoerderlotseBot …" (Telegram groups)
_COMMAND = re.compile(r"^\s*[/!]([A-Za-zÄÖÜäöüß][\wÄÖÜäöüß-]*)(?:@\w+)?(?:\s+(.*))?$", re.S)

Handler = Callable[[IncomingMessage, str], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    """A command: its name, aliases, a usage example and one line of help."""

    name: str
    usage: str
    help: str
    handler: Handler
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parsed:
    """A command name (lower-case, as typed) and its argument text."""

    name: str
    args: str


def parse(text: str) -> Parsed | None:
    """Return the command in ``text``, or None when it is a question."""
    match = _COMMAND.match(text)
    if not match:
        return None
    return Parsed(match[1].casefold(), " ".join((match[2] or "").split()))


class Registry:
    """Finds a command by name or alias."""

    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: list[Command] = []
        self._by_name: dict[str, Command] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        """Register ``command`` under its name and aliases."""
        self._commands.append(command)
        for name in (command.name, *command.aliases):
            self._by_name[name.casefold()] = command

    def get(self, name: str) -> Command | None:
        """Return the command called ``name``."""
        return self._by_name.get(name.casefold())

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands)

    def names(self) -> list[str]:
        """Return every name and alias, for "did you mean" hints."""
        return list(self._by_name)
