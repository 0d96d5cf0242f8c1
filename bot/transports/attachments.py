"""What every transport does alike with a reply's file: a safe name and one German notice."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# Sent as a text message of its own when the reply's text is out but its file is not.
FILE_FAILED = ("Die Datei konnte ich leider nicht senden. "
               "Bitte versuchen Sie es später noch einmal.")
FALLBACK_NAME = "Datei"
MAX_NAME_CHARS = 120
# Control characters and characters Windows refuses in file names.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def safe_filename(name: str) -> str:
    r"""Reduce a file name from the core to a plain base name.

    ``../x.xlsx`` and Windows paths like ``C:\temp\x.xlsx`` become ``x.xlsx``; hidden
    names lose their leading dots, and a name with nothing left becomes ``Datei``.
    """
    base = PurePosixPath(_UNSAFE.sub("", name.replace("\\", "/"))).name.strip().lstrip(".")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        keep = MAX_NAME_CHARS - len(dot + suffix)
        base = stem[:keep] + dot + suffix if dot and keep > 0 else base[:MAX_NAME_CHARS]
    return base or FALLBACK_NAME
