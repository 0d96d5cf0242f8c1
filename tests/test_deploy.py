"""The deploy files stay in step with the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VARIABLE = re.compile(r"FOERDERLOTSE_[A-Z0-9_]+")


def variables_in_code() -> set[str]:
    """Every FOERDERLOTSE_* name in a string literal (docstrings and f-strings too)."""
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # "FOERDERLOTSE_MATRIX_*" in prose names a group, not a variable
                found |= {n for n in VARIABLE.findall(node.value) if not n.endswith("_")}
    return found


def test_the_sample_env_file_lists_every_variable_the_code_reads() -> None:
    sample = (DEPLOY / "foerderlotse.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*(FOERDERLOTSE_[A-Z0-9_]+)=", sample, re.M))
    code = variables_in_code()
    assert {"FOERDERLOTSE_TELEGRAM_TOKEN", "FOERDERLOTSE_DATA_DIR"} <= code
    missing = sorted(code - listed)
    assert not missing, f"deploy/foerderlotse.env.example lacks {missing}"


def test_the_sample_env_file_names_nothing_the_code_does_not_read() -> None:
    sample = (DEPLOY / "foerderlotse.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*(FOERDERLOTSE_[A-Z0-9_]+)=", sample, re.M))
    # The Matrix block is written ahead of the Matrix transport.
    unknown = {n for n in listed - variables_in_code() if "_MATRIX_" not in n}
    assert not unknown, f"no code reads {sorted(unknown)}"


def test_the_systemd_unit_is_hardened() -> None:
    unit = (DEPLOY / "foerderlotse.service").read_text(encoding="utf-8")
    settings = {tuple(line.split("=", 1)) for line in unit.splitlines()
                if "=" in line and not line.startswith("#")}
    for expected in [
        ("User", "foerderlotse"),
        ("ExecStart", "/opt/foerderlotse/.venv/bin/foerderlotse run"),
        ("ExecStartPre", "/opt/foerderlotse/.venv/bin/foerderlotse db upgrade"),
        ("EnvironmentFile", "/etc/foerderlotse/foerderlotse.env"),
        ("StateDirectory", "foerderlotse"),
        ("Environment", "FOERDERLOTSE_DATA_DIR=/var/lib/foerderlotse"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "true"),
        ("PrivateTmp", "true"),
        ("NoNewPrivileges", "true"),
        ("CapabilityBoundingSet", ""),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("SystemCallFilter", "@system-service"),
        ("Restart", "on-failure"),
    ]:
        assert expected in settings, expected


def test_container_and_compose_run_the_bot_as_documented() -> None:
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in image
    assert "USER foerderlotse" in image
    assert "VOLUME /var/lib/foerderlotse" in image
    assert 'CMD ["foerderlotse", "run"]' in image
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "image: postgres:16" in compose
    assert "healthcheck:" in compose
    assert "condition: service_healthy" in compose
    assert "foerderlotse db upgrade && exec foerderlotse run" in compose
    assert "postgresql://foerderlotse:" in compose
