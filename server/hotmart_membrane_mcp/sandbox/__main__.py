"""``python -m hotmart_membrane_mcp.sandbox <membrane arguments>``: the simulated CLI."""

from hotmart_membrane_mcp.sandbox.app import main

raise SystemExit(main())
