"""MCP server giving AI agents the Hotmart platform through the Membrane CLI."""

__version__ = "0.1.0"
