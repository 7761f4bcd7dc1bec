"""Offline simulator of the Membrane CLI and of the Hotmart API behind it.

``python -m hotmart_membrane_mcp.sandbox <membrane arguments>`` behaves like ``membrane`` for
Hotmart: login/status/logout, ``connection ensure|get|list``, ``connect``, ``action
list|get|run``, ``act`` and ``request`` (membrane-cli-contract.md §2–§10). ``sandbox approve <id>``,
``sandbox login-code`` and ``sandbox reset`` let tests and the demo play the human. Every
invocation is a fresh process; state lives in JSON files (``store.py``) and is safe to share
between concurrent invocations.

HTTP face: ``python -m hotmart_membrane_mcp.sandbox serve [--host 127.0.0.1] [--port 0]`` serves
the same simulation as Membrane's REST API (``http_face.py``: endpoints, status codes, every
scenario; ``bearer.py``: which tokens it accepts). It prints its URL on one stdout line; the
server's ``--sandbox`` with ``HOTMART_MCP_BACKEND=api`` starts it that way. Both faces share the
state directory, so the CLI face can play the human for the HTTP face.

Output contract (the MCP server is written against exactly this)
-----------------------------------------------------------------
The real CLI's output is undocumented (membrane-cli-contract.md §10, §9), so each plausible variant
sits behind a switch.

* Success of a ``--json`` command: exit 0; stdout is the REST API object of membrane-cli-contract.md §11
  as is (``HOTMART_SANDBOX_ENVELOPE=raw``) or ``{"data": <object>}`` (``wrapped``). Without
  ``--json`` the output is short human-readable text.
* Membrane errors (not authenticated, not found, validation, connection not ready, flaky
  failure, action failure): exit 1. ``HOTMART_SANDBOX_ERRORS=json-stdout``: stdout is
  ``{"type", "key"?, "message", "data"?}`` (membrane-cli-contract.md §13); ``text-stderr``: stdout is empty
  and stderr is ``Error: <message>``. Not logged in is ``{"type": "bad_request", "key":
  "not_authenticated", ...}``; unknown ids are ``key: "not_found"``; bad action input is
  ``bad_request`` with ``data.field``; a Hotmart error inside an action is ``{"type":
  "action_run", "data": {"status", "headers", "response"}}``, except 429 which is ``{"type":
  "connection", "key": "rate_limit_exceeded"}``; a call on a connection that is not READY is
  ``{"type": "connection", "data": {"connectionId", "state", "clientAction"?, "error"?}}``.
* Usage errors (unknown command or flag, missing argument or flag value, malformed JSON in a
  flag, bad environment switch): exit 2, ``Error: <message>`` on stderr, whatever the variant.
* ``request``: ``HOTMART_SANDBOX_REQUEST_OUTPUT=body`` prints the Hotmart body as JSON for a 2xx
  (nothing for an empty body), exit 0; any other status is exit 1 rendered as a Membrane error:
  ``{"type": "connection", "key": "rate_limit_exceeded" | "request_failed", "message": "Request
  failed with status code 404", "data": {"status", "headers", "response"}}`` (json-stdout) or
  ``Error: Request failed with status code 404: <compact body JSON>`` (text-stderr).
  ``full`` prints ``{"status", "headers", "body"}`` and exits 0 for any status.
  ``body-exit0`` prints the Hotmart body and exits 0 whatever the status (a CLI that just
  relays the answer: the status is then visible only in Hotmart's own error body).
* ``connection get --wait`` writes one ``Waiting ...`` line to stderr when it starts to block.

Environment switches (an unknown value is a usage error, exit 2; an empty value means unset)
---------------------------------------------------------------------------------------------
``HOTMART_SANDBOX_DIR``       state directory (default: a per-user folder in the temp dir)
``HOTMART_SANDBOX_SCENARIO``  ready (default) | building | connect | provide-input |
                              setup-failed | configuration-error | disconnected | logged-out |
                              rate-limited | slow | flaky
``HOTMART_SANDBOX_ENVELOPE``  raw (default) | wrapped
``HOTMART_SANDBOX_ERRORS``    json-stdout (default) | text-stderr
``HOTMART_SANDBOX_REQUEST_OUTPUT``  body (default) | full | body-exit0
``HOTMART_SANDBOX_SEED``      integer seed of the Hotmart dataset
``HOTMART_SANDBOX_NOW``       the dataset's "now": epoch ms or an ISO date/datetime
``HOTMART_SANDBOX_DELAY_S``   seconds every command sleeps in the slow scenario (default 2)
``HOTMART_SANDBOX_RATE_LIMIT_EVERY``  every Nth Hotmart call answers 429 when rate-limited (3)
``HOTMART_SANDBOX_BUILD_POLLS``  ``connection get`` polls a new connection stays BUILDING (2)

Scenarios are applied per invocation and only shape connections created in it: ``ready`` (a
fresh state dir is logged in; ensure -> READY); ``building`` (BUILDING for BUILD_POLLS gets,
then READY; a ``--wait`` keeps polling, so it returns READY); ``connect`` (CLIENT_ACTION_REQUIRED,
``clientAction`` type connect with description, uiUrl, agentInstructions; READY after ``sandbox
approve``); ``provide-input`` (clientAction type provide-input, no uiUrl); ``setup-failed`` /
``configuration-error`` (terminal, with ``error`` and ``errors``); ``disconnected`` (ensure
returns an older connection, connected false, clientAction connect without uiUrl; ``connect
--connectionId`` gives a fresh uiUrl; READY after approve); ``logged-out`` (tenant commands
fail not_authenticated until ``login complete``); ``rate-limited`` (every Nth Hotmart call is a
429 with Retry-After); ``slow`` (every command but ``sandbox ...`` sleeps DELAY_S first);
``flaky`` (every 3rd tenant command, counted in the state dir, fails with ``{"type":
"internal", "message": "Internal server error"}``, or a Hotmart 503 for ``request``).
"""
