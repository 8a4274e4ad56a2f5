#!/usr/bin/env python3
"""Rewrite ``fixtures/<CODE>.fixed.py`` from the current fixes; review the diff before committing."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent / "server"), str(HERE.parent)]

from helpers import fix_all  # noqa: E402

for code in sys.argv[1:]:
    source = HERE / "fixtures" / f"{code}.py"
    fixed, applied, _ = fix_all(source.read_text(encoding="utf-8"))
    (HERE / "fixtures" / f"{code}.fixed.py").write_text(fixed, encoding="utf-8")
    print(f"{code}: {applied} fixes applied")
