"""Files only the bot's own user may read: subscriptions, chat ids and Matrix keys live here.

Modes are set explicitly after creating, so a lax umask (0022 gives 0755/0644) cannot
widen them.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing and make it 0600 (its folder must exist)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    path.chmod(FILE_MODE)
    return path


def private_tree(path: Path) -> None:
    """Make ``path`` 0700 and every file directly in it 0600 (a store written by a library)."""
    private_dir(path)
    for child in path.iterdir():
        if child.is_file() and not child.is_symlink():
            child.chmod(FILE_MODE)
