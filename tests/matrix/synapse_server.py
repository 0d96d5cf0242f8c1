"""A real Synapse for the Matrix tests: its own venv, one server per test session.

Synapse pins versions that clash with the bot's, so it lives in a separate venv
(``.synapse-venv`` in the checkout, or ``$FOERDERLOTSE_SYNAPSE_VENV``), installed here
from tests/matrix/synapse/requirements.txt on first use and reused afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).resolve().parent / "synapse"
REQUIREMENTS = FILES / "requirements.txt"
START_TIMEOUT = 120.0


def venv_dir() -> Path:
    """Return where Synapse's venv lives."""
    return Path(os.environ.get("FOERDERLOTSE_SYNAPSE_VENV") or ROOT / ".synapse-venv")


def ensure_installed(venv: Path) -> Path:
    """Create the venv and install Synapse unless it is there already; return its python."""
    python = venv / "bin" / "python"
    marker = venv / ".foerderlotse-requirements"
    wanted = REQUIREMENTS.read_text(encoding="utf-8")
    if python.exists() and marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return python
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
                   check=True, timeout=1200)
    marker.write_text(wanted, encoding="utf-8")
    return python


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 5) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return bytes(response.read())


def _post(url: str, body: dict[str, object], token: str | None = None) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        result: dict[str, object] = json.loads(response.read())
        return result


@dataclass
class Synapse:
    """A running homeserver."""

    url: str
    folder: Path
    secret: str
    process: subprocess.Popen[bytes]

    def register(self, name: str, password: str, *, admin: bool = False) -> dict[str, object]:
        """Register ``@name:localhost`` through the shared-secret admin API."""
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        nonce = json.loads(_get(endpoint))["nonce"]
        # HMAC-SHA1 over nonce, user, password and admin flag, NUL-separated.
        digest = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
        digest.update(b"\x00".join(p.encode() for p in (nonce, name, password,
                                                        "admin" if admin else "notadmin")))
        return _post(endpoint, {"nonce": nonce, "username": name, "password": password,
                                "admin": admin, "mac": digest.hexdigest()})

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of Synapse's output, for failure messages."""
        text = ""
        for name in ("stdout.log", "homeserver.log"):
            path = self.folder / name
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return text

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start(python: Path, folder: Path) -> Synapse:
    """Write a config into ``folder``, generate keys, start Synapse and wait for /health."""
    port, secret = _free_port(), secrets.token_hex(16)
    values = {"dir": str(folder), "port": str(port), "secret": secret}
    for name in ("homeserver.yaml", "log.yaml"):
        template = Template((FILES / f"{name}.in").read_text(encoding="utf-8"))
        (folder / name).write_text(template.substitute(values), encoding="utf-8")
    config = str(folder / "homeserver.yaml")
    subprocess.run([str(python), "-m", "synapse.app.homeserver", "-c", config,
                    "--generate-keys"], check=True, cwd=folder, timeout=120,
                   capture_output=True)
    with (folder / "stdout.log").open("wb") as out:
        process = subprocess.Popen([str(python), "-m", "synapse.app.homeserver", "-c", config],
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    server = Synapse(f"http://127.0.0.1:{port}", folder, secret, process)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Synapse exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if _get(f"{server.url}/health", timeout=2) == b"OK":
                return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"Synapse did not answer /health in {START_TIMEOUT:.0f} s:\n"
                       f"{server.log_tail()}")
