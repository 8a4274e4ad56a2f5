"""Which version of a package (FastAPI, Pydantic) a project asks for, read from the requirements it declares.

FAP304 is only true before FastAPI 0.128, which stopped re-validating a
returned response model; FAP301's advice (`TypeAdapter`) exists in Pydantic
2 only. The requirement is looked up next to the file and then upwards:
``pyproject.toml`` (PEP 621 and Poetry), ``requirements*.txt``,
``setup.cfg``, or the ``METADATA`` of an installed distribution. pip
installs the newest version a requirement allows, so what matters is its
upper bound.

This reads the disk from a rule, remembered per folder and package for the
process. It stands in until the settings carry the project's requirements.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

REVALIDATION_FIXED_IN = (0, 128)
PYDANTIC_2 = (2, 0)
_CLAUSE = re.compile(r"(===|~=|==|!=|<=|>=|<|>|\^|~)\s*([0-9][0-9A-Za-z.*+!-]*)")
_MEMO: dict[tuple[Path, str, tuple[int, ...]], bool | None] = {}


def revalidates(path: str | None) -> bool | None:
    """True when the project's FastAPI re-validates returned models (< 0.128), False when not, None: unknown."""
    return newest_allowed_below(path, "fastapi", REVALIDATION_FIXED_IN)


def pydantic_v1(path: str | None) -> bool | None:
    """True when the project's Pydantic requirement allows only 1.x, False when it allows 2, None: unknown."""
    return newest_allowed_below(path, "pydantic", PYDANTIC_2)


def newest_allowed_below(path: str | None, package: str, version: tuple[int, ...]) -> bool | None:
    """Whether every version of ``package`` the project allows is older than ``version`` (None: not declared)."""
    if not path:
        return None
    folder = Path(path).resolve().parent
    trail = []
    found: bool | None = None
    for _ in range(12):
        key = (folder, package, version)
        if key in _MEMO:
            found = _MEMO[key]
            break
        trail.append(key)
        found = _declared_in(folder, package, version)
        if found is not None or folder.parent == folder:
            break
        folder = folder.parent
    if len(_MEMO) > 4096:
        _MEMO.clear()
    for seen in trail:
        _MEMO[seen] = found
    return found


def _declared_in(folder: Path, package: str, version: tuple[int, ...]) -> bool | None:
    specs = []
    try:
        candidates = [folder / "setup.cfg", *folder.glob("requirements*.txt"), *folder.glob("*.dist-info/METADATA")]
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            specs += _pyproject_specs(pyproject, package)
        for candidate in candidates:
            if candidate.is_file():
                for line in candidate.read_text(encoding="utf-8", errors="replace").splitlines():
                    line = line.removeprefix("Requires-Dist:").strip()
                    specs += _spec(line, package)
    except (OSError, ValueError):
        return None
    if not specs:
        return None
    return all(_newest_allowed_is_below(spec, version) for spec in specs)


def _pyproject_specs(path: Path, package: str) -> list[str]:
    data = tomllib.loads(path.read_text(encoding="utf-8", errors="replace"))
    project = _table(data, "project")
    lines = _list(project.get("dependencies"))
    for group in _table(project, "optional-dependencies").values():
        lines += _list(group)
    specs = [spec for line in lines if isinstance(line, str) for spec in _spec(line, package)]
    value = _table(_table(_table(data, "tool"), "poetry"), "dependencies").get(package)
    if isinstance(value, dict):
        value = value.get("version")
    if isinstance(value, str):
        specs.append(value)
    return specs


def _table(holder: dict, key: str) -> dict:
    """``holder[key]`` if it is a table: a wrong type is the configuration's error to report, not this rule's."""
    value = holder.get(key)
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return list(value) if isinstance(value, list) else []


def _spec(requirement: str, package: str) -> list[str]:
    """``fastapi[standard]>=0.100,<0.128; python_version>'3.8'`` -> ``[">=0.100,<0.128"]``.

    Another package whose name starts the same (``fastapi-users``,
    ``pydantic-settings``, ``pydantic_core``) is not this one.
    """
    match = re.match(rf"^\s*{re.escape(package)}(?:\[[^\]]*\])?\s*\(?(?P<spec>[^;#)]*)", requirement, re.IGNORECASE)
    other = re.match(rf"\s*{re.escape(package)}[\w-]", requirement, re.IGNORECASE)
    return [match.group("spec")] if match and not other else []


def _newest_allowed_is_below(spec: str, bound: tuple[int, ...]) -> bool:
    """Whether every version ``spec`` allows is older than ``bound`` (its upper bound is below it)."""
    for operator, version in _CLAUSE.findall(spec):
        parts = [int(p) for p in re.findall(r"\d+", version.split("*")[0])]
        if not parts:
            continue
        if operator in ("==", "===", "<=") and "*" not in version:
            old = tuple(parts) < bound
        elif operator == "<":
            old = tuple(parts) <= bound
        elif operator in ("~=", "~", "^", "=="):
            old = _exclusive_upper(operator, parts) <= bound
        else:
            old = False  # ``>=``, ``>``, ``!=`` set no upper bound
        if old:
            return True
    return False


def _exclusive_upper(operator: str, parts: list[int]) -> tuple[int, ...]:
    """``~=0.115.0`` and ``^0.115`` -> (0, 116); ``==0.110.*`` -> (0, 111); ``~=0.115`` -> (1,)."""
    if operator == "~=":
        keep = parts[: max(len(parts) - 1, 1)]
    elif operator == "^":
        first = next((i for i, p in enumerate(parts) if p), len(parts) - 1)
        keep = parts[: first + 1]
    else:  # poetry's ``~`` and ``==X.*`` keep all but bump the last given part
        keep = parts[:2] if operator == "~" and len(parts) > 1 else parts
    return (*keep[:-1], keep[-1] + 1)
