"""The `adaptest` command."""
