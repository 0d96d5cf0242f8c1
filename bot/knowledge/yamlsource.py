"""Read YAML the coordinators' way: every scalar stays text, every value keeps its line.

Treating scalars as text avoids YAML's surprises (``no`` becoming ``False``,
``2027-03-31`` becoming a date in one place and text in another); the models
parse German dates, amounts and percentages themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str | int, ...]
# libyaml's parser gives the same nodes and marks about ten times faster; the base
# resolver skips implicit typing, which we do not want anyway (every scalar is text).
_BASE_LOADER: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_TAGS = {ScalarNode: "tag:yaml.org,2002:str", SequenceNode: "tag:yaml.org,2002:seq",
         MappingNode: "tag:yaml.org,2002:map"}


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The base loader with a resolver that answers at once: every scalar is text.

    The parser asks the resolver about every node, and the base resolver's checks, in
    Python, were a tenth of a large load.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        """Return the default tag of ``kind``."""
        return _TAGS[kind]


_LOADER = _Loader
_NULLS = {"", "~", "null", "Null", "NULL"}


class SourceProblem(Exception):
    """A problem in the text itself, with a 1-based line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class SourceDocument:
    """One YAML document: plain data plus the line of every value in it."""

    data: Any
    start_line: int
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Return the line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.start_line


class _Builder:
    """Turns a composed node tree into dicts, lists and strings, recording lines."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self._seen: set[int] = set()

    def build(self, node: Node, path: Path) -> Any:
        if id(node) in self._seen:
            raise SourceProblem(node.start_mark.line + 1,
                                "Anker und Verweise (& und *) werden nicht unterstützt")
        self._seen.add(id(node))
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise SourceProblem(node.start_mark.line + 1, "unbekannter YAML-Knoten")

    @staticmethod
    def _scalar(node: ScalarNode) -> str | None:
        value = str(node.value)
        if not node.style and value in _NULLS:  # plain style: None (PyYAML) or "" (libyaml)
            return None
        return value

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                raise SourceProblem(line, "Feldnamen müssen einfacher Text sein")
            key = str(key_node.value)
            if key in result:
                raise SourceProblem(line, f"Feld „{key}“ steht doppelt")
            result[key] = self.build(value_node, (*path, key))
            self.lines[(*path, key)] = line
        return result


def _tab_problems(text: str) -> list[SourceProblem]:
    if "\t" not in text:  # the usual case, found without splitting the text into lines
        return []
    return [
        SourceProblem(number, "Tabulator gefunden – bitte nur Leerzeichen zum Einrücken verwenden")
        for number, line in enumerate(text.splitlines(), start=1)
        if "\t" in line[: len(line) - len(line.lstrip())]
    ]


def parse_documents(text: str) -> list[SourceDocument]:
    """Parse every YAML document in ``text``.

    Raises:
        SourceProblem: for the first syntax problem (YAML cannot recover from one).

    """
    tabs = _tab_problems(text)
    if tabs:
        raise tabs[0]
    documents = []
    try:
        for node in yaml.compose_all(text, Loader=_LOADER):
            if node is None:
                continue
            builder = _Builder()
            data = builder.build(node, ())
            documents.append(SourceDocument(data, node.start_mark.line + 1, builder.lines))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "flow" in str(exc.context):
            mark = exc.context_mark  # an unclosed bracket: point where it was opened
        line = mark.line + 1 if mark else 1
        raise SourceProblem(line, "YAML-Syntaxfehler: " + _german(exc)) from None
    except yaml.YAMLError as exc:
        raise SourceProblem(1, f"YAML-Fehler: {exc}") from None
    except RecursionError:
        raise SourceProblem(1, "Datei ist zu tief verschachtelt") from None
    return documents


_HINTS = (
    ("expected ',' or ']'", "Liste mit „[“ nicht geschlossen – fehlt „]“?"),
    ("expected ',' or '}'", "Klammer „{“ nicht geschlossen – fehlt „}“?"),
    ("mapping values are not allowed", "Doppelpunkt an unerwarteter Stelle – Text mit „: “ "
                                       "bitte in Anführungszeichen setzen"),
    ("cannot start any token", "dieses Zeichen darf hier nicht am Anfang stehen – "
                               "Text bitte in Anführungszeichen setzen"),
    ("could not find expected ':'", "Doppelpunkt fehlt (feld: wert)"),
    ("quoted scalar", "Anführungszeichen nicht geschlossen"),
    ("expected <block end>", "Einrückung stimmt nicht – Felder einer Ebene bitte gleich weit "
                             "einrücken"),
    ("expected key", "Einrückung stimmt nicht – Felder einer Ebene bitte gleich weit einrücken"),
)


def _german(exc: yaml.MarkedYAMLError) -> str:
    """Say the most common YAML mistakes in German; keep the parser's words otherwise."""
    problem = str(exc.problem or exc.context)
    return next((german for key, german in _HINTS if key in problem), problem)

