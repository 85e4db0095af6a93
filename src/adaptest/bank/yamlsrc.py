"""Read YAML while remembering the line of every key, so errors can say FILE:LINE."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class SourceDocument:
    """A parsed YAML file: plain Python data plus the ruamel tree that knows line numbers."""

    path: Path
    data: Any
    _tree: Any

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """The 1-based line of the deepest part of ``loc`` that exists in the file."""
        node, line = self._tree, 1
        for key in loc:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        return line


def _plain(node: Any) -> Any:
    """Turn ruamel's commented containers and scalar subclasses into plain Python values."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, int | float | bool) else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def read_yaml(path: Path) -> SourceDocument:
    """Parse one YAML file; raise YamlSyntaxError (with a 1-based line) if it is not valid YAML."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(1, f"file is not UTF-8 text ({error.reason})") from None
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, f"invalid YAML: {error.problem or error.context}") from None
    except YAMLError as error:
        raise YamlSyntaxError(1, f"invalid YAML: {error}") from None
    return SourceDocument(path=path, data=_plain(tree), _tree=tree)
