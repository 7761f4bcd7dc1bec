"""What the budget knows of each tool's result by the tool's name: where its list is, what may go.

Facts that never change from one call to the next live here; what only the call knows (the
Hotmart pages behind proxy_request's items) comes through calls.describe_list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListShape:
    """Where a tool keeps the list in its result, and what may go when even one item is too big."""

    items_key: str | None = None  # dotted path; None: the first of lists.ITEM_PATHS that is a list
    rest_hint: str | None = None  # advice when items are cut; "{returned}" becomes the number kept
    # Per-item fields the output schema lets be null, in the order to drop them.
    optional_item_fields: tuple[str, ...] = ()


TOOL_LISTS = {
    "search_actions": ListShape(
        "actions",
        "Only the first {returned} actions fit in the result budget: call again with a smaller `limit`, "
        "include_schema=false, or a more specific intent.",
        ("output_schema", "input_schema"),
    ),
    "run_action": ListShape(
        None,
        "Only the first {returned} items fit in the result budget: run the action again with "
        "max_results={returned} (or fewer, or narrower filters or dates) and follow its own page token "
        "page by page, or use proxy_request, which pages with exact resume tokens and can return only "
        "some `fields` or write everything to a file with `save_to`.",
    ),
}
# The tool whose detail is dropped, least useful first, before anything else is cut (summary.py).
SUMMARY_TOOL = "sales_summary"

SHORTENED_HINT = (
    "Long texts were shortened to fit the result budget (they end with '…'): ask for less, e.g. narrower "
    "filters, fewer items or fewer attributes."
)
FIRST_ITEM_HINT = (
    "Even one item is larger than the result budget, so only the first is shown, with its long texts "
    "shortened (they end with '…'): ask for fewer attributes (`fields`) or write the data to a file "
    "(`save_to`) with proxy_request."
)
