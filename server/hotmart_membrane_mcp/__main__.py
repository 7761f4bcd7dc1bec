"""``python -m hotmart_membrane_mcp``: the same as the ``hotmart-membrane-mcp`` command."""

from .app import main

if __name__ == "__main__":
    main()
