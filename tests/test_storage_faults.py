"""More storage faults that end in one clear line, never a traceback (#16).

A locked SQLite file, a read-only data folder and a PostgreSQL server that refuses the
password: each is produced for real (another connection's exclusive lock, an immutable or
unwritable folder, a server speaking the PostgreSQL wire protocol that answers 28P01).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import run_cli


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("Fehler:")]
    assert len(line) < 300
    return line


def test_a_locked_sqlite_file(tmp_path: Path) -> None:
    assert run_cli("db", "upgrade", env={"FOERDERLOTSE_DATA_DIR": str(tmp_path)}).returncode == 0
    holder = sqlite3.connect(tmp_path / "foerderlotse.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        result = run_cli("db", "status", env={"FOERDERLOTSE_DATA_DIR": str(tmp_path)})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    line = _one_clear_line(result)
    assert "gesperrt" in line


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A data folder nobody may write to: immutable for root (chattr), 0500 for others."""
    folder = tmp_path / "daten"
    folder.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        try:
            yield folder
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)


def test_a_read_only_data_folder(read_only_folder: Path, tmp_path: Path) -> None:
    result = run_cli("db", "status", cwd=tmp_path,
                     env={"FOERDERLOTSE_DATA_DIR": str(read_only_folder)})
    line = _one_clear_line(result)
    assert "schreiben" in line or "Zugriff" in line


def _refuse_password(server: socket.socket) -> None:
    """Answer one client like PostgreSQL does when the password is wrong."""
    conn, _ = server.accept()
    with conn:
        length, code = struct.unpack("!ii", conn.recv(8))
        if code == 80877103:  # SSLRequest: "no SSL here", then the real startup message
            conn.sendall(b"N")
            length = struct.unpack("!i", conn.recv(4))[0]
            conn.recv(length - 4)
        else:
            conn.recv(length - 8)
        fields = (b"SFATAL\0VFATAL\0C28P01\0"
                  b'Mpassword authentication failed for user "postgres"\0\0')
        conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)


def test_a_wrong_password(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    threads = [threading.Thread(target=_refuse_password, args=(server,), daemon=True)
               for _ in range(2)]  # psycopg may try twice (with and without SSL)
    for thread in threads:
        thread.start()
    try:
        result = run_cli("db", "status", cwd=tmp_path, env={
            "FOERDERLOTSE_DATABASE_URL": f"postgresql://postgres:falsch-geheim@127.0.0.1:{port}/test"})
    finally:
        server.close()
    line = _one_clear_line(result)
    assert "Passwort" in line
    assert "falsch-geheim" not in result.stderr + result.stdout
