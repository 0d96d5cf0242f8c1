"""The ``foerderlotse`` command line: chat, ask, kb …, db …, run."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot import logs
from bot.cli import ask, chat, db, ics, kb, rechner, run
from bot.errors import ConfigError, FoerderlotseError, KnowledgeError

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foerderlotse", description="Förderlotse – Förder-Chatbot für Westfalen-Lippe")
    commands = parser.add_subparsers(dest="command", metavar="BEFEHL", required=True)
    chat.register(commands)
    ask.register(commands)
    kb.register(commands)
    ics.register(commands)
    db.register(commands)
    rechner.register(commands)
    run.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    logs.configure(logging.WARNING)
    try:
        return int(args.run(args))
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} Problem(e) – der Wissensordner wurde nicht geladen.",
              file=sys.stderr)
        return 1
    except (ConfigError, FoerderlotseError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except SQLAlchemyError as exc:
        # One clear line instead of a driver traceback; the details go to the (redacted) log.
        logger.debug("Database error", exc_info=exc)
        reason = logs.redact(str(getattr(exc, "orig", None) or exc).splitlines()[0])
        print(f"Fehler: Die Datenbank ist nicht nutzbar ({reason}). {_advice(reason)}",
              file=sys.stderr)
        return 3
    except BrokenPipeError:
        # The reader went away ("foerderlotse ask … | head -3"): nothing is wrong here. Point
        # stdout at /dev/null so that Python's own flush at exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        # A data folder that is a file, not writable, or a full disk: say where.
        logger.debug("File error", exc_info=exc)
        where = f" auf „{exc.filename}“" if exc.filename else ""
        print(f"Fehler: Kein Zugriff{where} ({exc.strerror or exc}). Bitte "
              "FOERDERLOTSE_DATA_DIR und die Rechte des Ordners prüfen.", file=sys.stderr)
        return 3
    except Exception as exc:
        # One line for the user; the traceback only at DEBUG, redacted like every log line.
        logger.debug("Unexpected error", exc_info=exc)
        print(f"Fehler: Etwas Unerwartetes ist schiefgegangen ({type(exc).__name__}). "
              "Einzelheiten zeigt FOERDERLOTSE_LOG_LEVEL=DEBUG.", file=sys.stderr)
        return 70


def _advice(reason: str) -> str:
    """Say what to do about a database error, in one sentence."""
    if "malformed" in reason or "not a database" in reason:
        return "Die Datei ist beschädigt: bitte die Sicherung zurückspielen."
    if "readonly" in reason or "read-only" in reason or "unable to open" in reason:
        return "Bitte prüfen, ob der Bot in FOERDERLOTSE_DATA_DIR schreiben darf."
    if "password authentication failed" in reason:
        return "Bitte Benutzer und Passwort in FOERDERLOTSE_DATABASE_URL prüfen."
    if "locked" in reason:
        return "Ein anderes Programm hält die Datei gesperrt; bitte später erneut versuchen."
    return "Bitte FOERDERLOTSE_DATABASE_URL prüfen und ob der Datenbankserver läuft."
