"""The project's small error hierarchy.

Only a :class:`UserError`'s message is ever shown to a user; everything else is
logged and answered with a short apology.
"""


class FoerderlotseError(Exception):
    """Base class of all errors raised on purpose by this project."""


class UserError(FoerderlotseError):
    """An error whose message is German, polite and safe to show to a user."""


class ConfigError(FoerderlotseError):
    """Settings are missing or contradictory; raised before anything starts."""


class KnowledgeError(FoerderlotseError):
    """The knowledge folder could not be loaded; carries every problem found."""

    def __init__(self, problems: list["object"]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} Problem(e) im Wissensordner")


class TransportError(FoerderlotseError):
    """A messenger rejected or failed a request."""
