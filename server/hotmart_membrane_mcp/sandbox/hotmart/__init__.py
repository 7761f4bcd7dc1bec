"""The Hotmart half of the offline simulator: a synthetic seller account and its REST API.

``HotmartApi(store).handle(method, path, query, headers, body)`` answers like the Hotmart
Developer API (hotmart-api-traps.md §3–§14); ``load_dataset(store)`` returns the same data as plain
dicts for tests that need ground truth. Data is deterministic from ``HOTMART_SANDBOX_SEED``
(default 7) and ``HOTMART_SANDBOX_NOW`` (default: today 00:00 UTC); writes persist in the store.
"""

from .api import HotmartApi, HotmartResponse
from .dataset import Dataset, load_dataset
from .truth import sales_ground_truth, sales_in_window

__all__ = [
    "Dataset",
    "HotmartApi",
    "HotmartResponse",
    "load_dataset",
    "sales_ground_truth",
    "sales_in_window",
]
