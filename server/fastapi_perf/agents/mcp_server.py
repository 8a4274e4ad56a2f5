"""``fastapi-perf mcp``: the Model Context Protocol face, over stdio, on the official SDK.

MCP is how coding agents are given tools: the agent lists them, reads their
JSON schemas and calls them. This server offers ``check``, ``explain`` and
``fix`` (see :mod:`.workspace`, which does the work) and each rule page as
a resource, ``fastapi-perf://rules/FAP103``. Refusals (a bad path, a path
outside the root, an unknown code) are tool errors with a message the model
reads, not protocol errors. The SDK is an optional extra, imported here only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import TextResource
from mcp.types import ToolAnnotations
from pydantic import Field

from .. import __version__
from ..report.rule_page import rule_page
from ..rules import ALL_RULES
from .workspace import Workspace, WorkspaceError

RULE_URI = "fastapi-perf://rules/{code}"

INSTRUCTIONS = """\
fastapi-perf finds performance problems in FastAPI code (blocking calls in async def, Pydantic
misuse, dependency waste, lost background tasks, caching mistakes), explains them and fixes them.
Paths are relative to the workspace root this server was started in. Typical use: `check` the
files you changed, `explain` a code you do not know, then `fix` (a diff; nothing is written
unless you pass apply: true)."""

Paths = Annotated[
    list[str] | None,
    Field(description="Files or folders relative to the workspace root; default: the whole root"),
]
Codes = Annotated[
    list[str] | None,
    Field(description="Rule codes or prefixes (FAP103, FAP1); default: the project's configured selection"),
]


def build_server(root: Path) -> MCPServer:
    workspace = Workspace(root)
    server = MCPServer("fastapi-perf", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    def check(paths: Paths = None, select: Codes = None) -> dict[str, Any]:
        """Check files for FastAPI performance problems.

        Returns the findings in the shape of Ruff's JSON output, each with its call chain
        (`related`) and, where one exists, its fix (edits, applicability and a `diff`).
        """
        return _tool(workspace.check, paths, select)

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False), structured_output=False)
    def explain(code: Annotated[str, Field(description="A rule code (FAP103) or name (blocking-sleep)")]) -> str:
        """A rule's page: what it flags, why it is slow, what to write instead, and how its fix behaves."""
        return _tool(workspace.explain, code)

    @server.tool(
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
    )
    def fix(
        path: Annotated[str, Field(description="A file or folder relative to the workspace root")],
        codes: Annotated[list[str] | None, Field(description="Fix only findings of these codes or prefixes; default: all")] = None,
        unsafe: Annotated[bool, Field(description="Also apply fixes that may change behaviour (each rule page says how)")] = False,
        apply: Annotated[bool, Field(description="Write the fixes to disk; without it only the diff is returned")] = False,
    ) -> dict[str, Any]:
        """Fix findings: returns the unified diff, and writes it only with apply: true (never outside the root)."""
        return _tool(workspace.fix, path, codes, unsafe, apply)

    for rule in ALL_RULES:
        server.add_resource(
            TextResource(
                uri=RULE_URI.format(code=rule.code),
                name=rule.code,
                title=f"{rule.code} {rule.name}",
                description=rule.summary,
                mime_type="text/markdown",
                text=rule_page(rule),
            )
        )
    return server


def _tool(method, *args):
    try:
        return method(*args)
    except WorkspaceError as error:
        raise ToolError(str(error)) from error


def run(root: Path) -> int:
    build_server(root).run("stdio")
    return 0
