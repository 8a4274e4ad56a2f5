"""``setup.py`` and ``setup.cfg``: the requirements setuptools would read, found without running anything.

``setup.py`` is parsed with ``ast``, never executed: the workspace's code
must not run inside the tool.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Iterator
from pathlib import Path

from .requirements import is_fastapi


def setup_cfg_declares(path: Path) -> bool:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return False
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    return any(is_fastapi(re.sub(r"\s#.*$", "", line)) for value in values for line in value.splitlines())


_SETUP_KEYWORDS = ("install_requires", "extras_require")
_SETUP_FALLBACK = re.compile(r"(?:install_requires|extras_require)\s*=\s*[\[{(](.*?)[\]})]", re.DOTALL)
_QUOTED = re.compile(r"""(['"])(.*?)\1""")


def setup_py_declares(path: Path) -> bool:
    """``install_requires`` or ``extras_require`` of a ``setup.py`` names FastAPI (parsed with ``ast``, never run).

    A list held in a module-level name (``install_requires=REQUIRES``) is
    followed; a mention in a comment, a docstring or ``keywords`` is not a
    requirement. A ``setup.py`` Python 3 cannot parse is searched by a regex.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        tree = ast.parse(text)
    except OSError:
        return False
    except (SyntaxError, ValueError):
        return any(is_fastapi(q[1]) for group in _SETUP_FALLBACK.findall(text) for q in _QUOTED.findall(group))
    names = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            values = [k.value for k in node.keywords if k.arg in _SETUP_KEYWORDS]
        elif isinstance(node, ast.Dict):
            values = [v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value in _SETUP_KEYWORDS]
        else:
            continue
        if any(is_fastapi(s) for value in values for s in _strings(value, names, set())):
            return True
    return False


def _strings(node: ast.AST, names: dict[str, ast.AST], seen: set[str]) -> Iterator[str]:
    """The string constants of an expression, through module-level names (each followed once)."""
    if isinstance(node, ast.Name):
        if node.id in names and node.id not in seen:
            seen.add(node.id)
            yield from _strings(names[node.id], names, seen)
        return
    if isinstance(node, ast.Dict):
        children: list[ast.AST] = [v for v in node.values if v is not None]
    else:
        children = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    for child in children:
        yield from _strings(child, names, seen)
