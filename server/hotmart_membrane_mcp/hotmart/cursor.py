"""Where the items of a list came from, so a cut can name the exact item to resume at."""

from __future__ import annotations

from dataclasses import dataclass

from .resume import PageSpan, ResumePoint, encode_token, point_after


@dataclass(frozen=True)
class Cursor:
    """The Hotmart pages behind a list of items, and where to continue after the last of them.

    ``spans`` describe the items in order (their counts add up to the list length); ``after``
    is where to continue once all of them are read (None when Hotmart has nothing more).
    """

    fingerprint: str
    spans: tuple[PageSpan, ...]
    after: ResumePoint | None

    @classmethod
    def single_page(
        cls,
        fingerprint: str,
        page_token: str | None,
        count: int,
        next_page_token: str | None,
        *,
        skip: int = 0,
    ) -> Cursor:
        """The cursor of one Hotmart page fetched with ``page_token`` (items from ``skip`` on)."""
        after = ResumePoint(next_page_token) if next_page_token else None
        return cls(fingerprint, (PageSpan(page_token, skip, count),), after)

    @property
    def count(self) -> int:
        """How many items the spans describe."""
        return sum(span.count for span in self.spans)

    def token_at(self, index: int) -> str | None:
        """The continuation token of item ``index`` (or of "after the end" when index == total)."""
        point = point_after(self.spans, index, self.after)
        return encode_token(point, self.fingerprint) if point is not None else None
