"""Faces for coding agents: the MCP server (``fastapi-perf mcp``, extra ``mcp``) and what its tools do."""
