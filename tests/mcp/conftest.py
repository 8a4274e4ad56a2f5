"""The CLI tests' fixtures serve here too: a private copy of the demo, a small project."""

from cli.conftest import demo, project  # noqa: F401
