"""FAP201's fix turns an `async def` into a `def`: never where some code awaits the function itself."""

from __future__ import annotations

from rules.test_workspaces import WORKSPACES, analyse_workspace


def test_the_fix_is_offered_only_where_no_code_awaits_the_function() -> None:
    results = analyse_workspace(WORKSPACES / "convert_to_def_callers")
    deps = next(findings for path, findings in results.items() if path.name == "deps.py")
    fixes = {f.message.split("`")[1]: f.fix is not None for f in deps if f.code == "FAP201"}
    assert fixes == {"async def get_account": False, "async def get_flags": True, "async def get_limits": False}
