"""The safety layer: argument guards, read/write classification and write confirmation.

Pure code with no Membrane or subprocess dependency, so every rule can be tested on its own:

- ``guards``   refuse hostile arguments before anything reaches argv (``InvalidInput``).
- ``classify`` tell a lookup from a refund (``WriteInfo``).
- ``summary``  the short text a human reads before allowing a write.
- ``confirm``  request fingerprints and single-use confirmation tokens kept in memory.
- ``gate``     the decision for one write in the configured ``HOTMART_MCP_WRITES`` mode.
"""
