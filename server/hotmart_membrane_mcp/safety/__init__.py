"""The safety layer: read/write classification and write confirmation.

No backend or subprocess in here, so every rule can be tested on its own. The argument guards are
membrane/request_guards.py; which endpoint writes comes from the catalogue (hotmart/catalogue.py),
and what a refund or a coupon must satisfy is hotmart/ (refunds.py, write_checks.py).

- ``classify`` tell a lookup from a write, and an irreversible one (``WriteInfo``).
- ``resolve``  fill a write's path placeholders, whole segments only.
- ``resolved`` one write as it will be sent: its summary and fingerprint come from it.
- ``summary``  the short text a human reads before allowing a write.
- ``confirm``  write fingerprints and single-use confirmation tokens kept in memory.
- ``gate``     the decision for one write in the configured ``HOTMART_MCP_WRITES`` mode.
"""
