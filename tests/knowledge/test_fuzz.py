"""Property: whatever bytes a coordinator saves, ``kb check`` reports and never crashes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.loader import load_directory
from tests.conftest import DATA, TODAY

VALID = [p.read_text(encoding="utf-8") for p in sorted((DATA / "mini").glob("*.yaml"))]
YAMLISH = st.sampled_from([*list(":-[]{}#&*!|>'\"%@`\t\n ,.0123456789äöüß€"), "---", "  "])


def _check(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files.items():
            (root / name).write_bytes(content)
        result = load_directory(root, TODAY)
    for problem in result.problems:
        assert problem.line >= 1
        assert problem.message
    assert result.ok == (not result.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _check({"random.yaml": data})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=len(VALID) - 1),
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=2000), st.integers(0, 5), YAMLISH),
                   min_size=1, max_size=6),
)
def test_mutated_valid_files(which: int, edits: list[tuple[int, int, str]]) -> None:
    text = VALID[which]
    for position, delete, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + delete :]
    files = {f"{i}.yaml": v.encode() for i, v in enumerate(VALID)}
    files[f"{which}.yaml"] = text.encode()
    _check(files)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_random_text(text: str) -> None:
    _check({"text.yaml": text.encode("utf-8", "surrogatepass")})
