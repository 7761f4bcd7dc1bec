"""The result budget: no tool result is longer than HOTMART_MCP_MAX_RESULT_CHARS, and a cut says so.

One entry, :func:`fit_result`, applied once per call by ``HotmartMcpServer.call_tool`` to every
result, success or error. Tools never fit their own results; a tool that knows where its list
came from says so with :func:`describe_list` inside the call the server opened with
:func:`tool_call`, so a cut list still resumes exactly at the first item left out.

Inside, one verb per operation: *fit* (the whole result), *cut* (drop whole items or entries,
lists.py and values.py), *shorten* (long texts, keys kept, values.py) and *drop* (the detail of
a sales summary, summary.py). Sizes are those of hotmart/sizes.py.
"""

from __future__ import annotations

from .calls import describe_list, tool_call
from .fit import fit_result

__all__ = ["describe_list", "fit_result", "tool_call"]
