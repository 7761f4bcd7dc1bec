"""What a list read of proxy_request returns: the head and the result of each kind of list read.

The head says how far the walk got (complete, pages, stop reason, rate-limit waits), the warnings
and, with ``where`` or ``count_only``, the items read and matched. After it come the items (cut to
the budget by the server, tools/budget), the counts alone (``count_only``), or where the items
were saved (``save_to``); the last two carry a token when pages were left unread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..hotmart.cursor import Cursor
from ..hotmart.empty_hints import empty_result_hints
from ..hotmart.export import SavedExport
from ..hotmart.filters import matches
from ..hotmart.paging import STOP_BUDGET, STOP_COMPLETE, STOP_MAX_PAGES, PagedResult
from ..hotmart.projection import project_items
from ..hotmart.pushdown import Pushed
from ..hotmart.resume import PageSpan, ResumePoint, encode_token
from .budget import describe_list
from .models import partial_notice
from .read_plan import ReadOptions, ReadPlan


@dataclass
class ReadCounts:
    """Items read and matched so far, and the ``fields`` no item had."""

    read: int = 0
    matched: int = 0
    unmatched: list[str] | None = None  # None until a page with items was seen

    def take(self, items: list[Any], options: ReadOptions) -> list[Any]:
        """The items of one page that meet ``where``, projected to ``fields``."""
        kept = [item for item in items if matches(item, options.where)] if options.where else items
        projected, unmatched = project_items(kept, options.fields)
        self.read, self.matched = self.read + len(items), self.matched + len(kept)
        if kept:  # a field is unmatched when no page had it
            self.unmatched = (
                unmatched if self.unmatched is None else [f for f in self.unmatched if f in unmatched]
            )
        return projected


def list_total(walk: PagedResult, options: ReadOptions, *, matched: int) -> int | None:
    """How many items the list has, when known; with `where` the matching ones, known only once every
    page was read."""
    if options.where:
        return matched if walk.complete else None
    return walk.known_total


def list_head(walk: PagedResult, plan: ReadPlan, options: ReadOptions, counts: ReadCounts) -> dict[str, Any]:
    """What a list read says besides its items: how far the walk got, warnings, filter counts."""
    warnings = plan.warnings + _walk_warnings(walk, counts.unmatched or [])
    if not counts.matched and walk.complete and plan.point is None:
        warnings += empty_result_hints(plan.endpoint, plan.query)
    head: dict[str, Any] = {
        "status": "ok",
        "http_status": walk.http_status,
        "body": None,
        **_walk_facts(walk, options),
    }
    if _is_partial(walk, options):
        # The first words an agent reads say that data is missing (complete: false says it too).
        head = {"partial": partial_notice(head["incomplete_reason"]), **head}
    if options.filters:
        head.update(_filter_facts(counts, plan.pushed, options))
    return {**head, "date_conversions": plan.conversions, "warnings": warnings}


def list_result(
    head: dict[str, Any],
    items: list[Any],
    plan: ReadPlan,
    origin: tuple[list[PageSpan], ResumePoint | None],
    total_items: int | None,
) -> dict[str, Any]:
    """The items as the result's body, whole; the server cuts them to the budget (a token names the cut).

    ``origin``: the spans placing each item on its Hotmart page, and where to continue after the last.
    """
    cursor = Cursor(plan.fingerprint, tuple(origin[0]), origin[1])
    array = plan.endpoint is not None and plan.endpoint.shape == "array"
    body: Any = items if array else {"items": items}
    payload = {**head, "body": body}
    # Whole here; the server cuts it to the budget with this cursor (tools/budget).
    return describe_list(payload, "body" if array else "body.items", cursor=cursor, total_items=total_items)


def count_only_result(
    head: dict[str, Any], walk: PagedResult, plan: ReadPlan, total_items: int | None
) -> dict[str, Any]:
    """count_only's result: the counts in ``head`` and no items; a token when pages were left unread."""
    after = _next_page_token(walk, plan)
    rest = None if after is None else _COUNT_REST
    return {
        **head,
        "truncated": False,
        "total_items": total_items,
        "next_page_token": after,
        "how_to_get_rest": rest,
    }


def saved_result(
    head: dict[str, Any], saved: SavedExport, walk: PagedResult, plan: ReadPlan, total_items: int | None
) -> dict[str, Any]:
    """save_to's result: where and what was written; a token when pages were left unread."""
    after = _next_page_token(walk, plan)
    return {
        **head,
        "saved": asdict(saved),
        "truncated": False,
        "total_items": total_items,
        "next_page_token": after,
        "how_to_get_rest": None if after is None else _SAVED_REST,
    }


def _next_page_token(walk: PagedResult, plan: ReadPlan) -> str | None:
    return None if walk.resume_point is None else encode_token(walk.resume_point, plan.fingerprint)


_SAVED_REST = (
    "Not every page was read (see incomplete_reason): continue with resume_token=next_page_token and "
    "another save_to file name, or call again with a higher max_pages."
)


_COUNT_REST = (
    "The counts cover only the pages read (see incomplete_reason): call again with a higher max_pages, or "
    "count the rest with resume_token=next_page_token and add the counts up."
)


def _filter_facts(counts: ReadCounts, pushed: Sequence[Pushed], options: ReadOptions) -> dict[str, Any]:
    facts: dict[str, Any] = {"read_items": counts.read, "matched_items": counts.matched}
    if pushed:
        facts["pushed_down"] = [
            {"condition": item.index, "param": item.param, "values": list(item.values)} for item in pushed
        ]
    if options.count_only:
        facts["body"] = None
    return facts


def _is_partial(walk: PagedResult, options: ReadOptions) -> bool:
    """Data is missing that the agent asked for: not a cut to the budget, not one page by choice."""
    if walk.complete or walk.stop_reason in (STOP_COMPLETE, STOP_BUDGET):
        return False
    return walk.stop_reason != STOP_MAX_PAGES or options.all_pages


def _walk_facts(walk: PagedResult, options: ReadOptions) -> dict[str, Any]:
    reason = walk.incomplete_reason
    if walk.stop_reason == STOP_MAX_PAGES and not options.all_pages:
        reason = "This is one page; more exist: continue with resume_token=next_page_token, or set all_pages."
    elif walk.stop_reason == STOP_BUDGET:
        reason = "Stopped reading pages once the result budget was full; continue with next_page_token."
    return {
        "complete": walk.complete,
        "pages_fetched": walk.pages_fetched,
        "stop_reason": walk.stop_reason.value,
        "incomplete_reason": reason,
        "rate_limit_waits": walk.rate_limit_waits,
    }


def _walk_warnings(walk: PagedResult, unmatched: list[str]) -> list[str]:
    warnings = []
    if walk.select_dropped:
        warnings.append(
            "Hotmart answered `select` with nothing (an attribute it does not know?), so pages were fetched "
            "whole and `fields` was applied here."
        )
    if unmatched:
        warnings.append(f"fields matched nothing in any item (a typo?): {', '.join(unmatched)}.")
    return warnings
