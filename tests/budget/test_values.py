"""Any JSON value can be shortened to a limit and stays valid JSON that starts like the original."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotmart_membrane_mcp.hotmart.sizes import json_size, to_json
from hotmart_membrane_mcp.tools.budget.values import MIN_BUDGET_CHARS, cut_payload, cut_value, shorten_texts

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=8) | st.dictionaries(texts, children, max_size=8),
    max_leaves=60,
)


def is_clipped_from(clipped: Any, original: Any) -> bool:
    """True when ``clipped`` keeps a prefix of ``original`` at every level."""
    if clipped == original:
        return True
    if isinstance(original, str):
        return isinstance(clipped, str) and clipped.endswith("…") and original.startswith(clipped[:-1])
    if isinstance(original, list) and isinstance(clipped, list):
        head = clipped[:-1] if clipped else []
        if head != original[: len(head)]:
            return False
        return not clipped or is_clipped_from(clipped[-1], original[len(clipped) - 1])
    if isinstance(original, dict) and isinstance(clipped, dict):
        keys = list(clipped)
        if keys != list(original)[: len(keys)]:
            return False
        return all(clipped[key] == original[key] for key in keys[:-1]) and (
            not keys or is_clipped_from(clipped[keys[-1]], original[keys[-1]])
        )
    return False


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, max_chars=st.integers(4, 3_000))
def test_cut_value_returns_valid_json_under_the_limit_keeping_a_prefix(value: Any, max_chars: int) -> None:
    clipped, info = cut_value(value, max_chars)

    assert json_size(clipped) <= max_chars
    assert json.loads(to_json(clipped)) == clipped
    assert info["truncated"] is (json_size(value) > max_chars)
    assert info["returned_chars"] == json_size(clipped)
    if info["truncated"]:
        assert clipped is None or is_clipped_from(clipped, value)
    else:
        assert clipped == value


def test_cut_value_cuts_a_long_string_with_an_ellipsis() -> None:
    clipped, info = cut_value("abcdefghij" * 100, 50)

    assert clipped.endswith("…") and "abcdefghij".startswith(clipped[:10])
    assert json_size(clipped) <= 50
    assert info == {"truncated": True, "original_chars": 1002, "returned_chars": json_size(clipped)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(output=json_values, extra=texts, max_chars=st.integers(MIN_BUDGET_CHARS, 4_000))
def test_cut_payload_keeps_the_whole_result_under_the_budget(output: Any, extra: str, max_chars: int) -> None:
    payload = {"status": "ok", "action_id": extra, "output": output}

    result, metadata = cut_payload(payload, max_chars, key="output")

    assert json_size(result) <= max_chars
    if metadata["truncated"]:
        assert result["truncated"] is True and "save_to" in result["how_to_get_rest"]
    else:
        assert result == payload


def test_cut_payload_shortens_only_the_named_field_when_that_is_enough() -> None:
    payload = {"status": "ok", "action_id": "a1", "output": {"rows": ["r" * 100] * 200}}

    result, metadata = cut_payload(payload, 5_000, key="output")

    assert result["status"] == "ok" and result["action_id"] == "a1"
    assert result["truncated"] is True and metadata["original_chars"] == json_size(payload["output"])
    assert 0 < len(result["output"]["rows"]) < 200
    assert json_size(result) <= 5_000


def same_shape_with_shortened_strings(shrunk: Any, original: Any) -> bool:
    """True when ``shrunk`` has the keys, lengths and non-string values of ``original``."""
    if isinstance(original, str):
        return shrunk == original or (
            isinstance(shrunk, str) and shrunk.endswith("…") and original.startswith(shrunk[:-1])
        )
    if isinstance(original, list):
        return (
            isinstance(shrunk, list)
            and len(shrunk) == len(original)
            and all(same_shape_with_shortened_strings(a, b) for a, b in zip(shrunk, original, strict=True))
        )
    if isinstance(original, dict):
        return (
            isinstance(shrunk, dict)
            and list(shrunk) == list(original)
            and all(same_shape_with_shortened_strings(shrunk[key], original[key]) for key in original)
        )
    return shrunk == original


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, max_chars=st.integers(0, 3_000))
def test_shorten_texts_fits_by_shortening_strings_only(value: Any, max_chars: int) -> None:
    shrunk, fits = shorten_texts(value, max_chars)

    if not fits:
        assert shrunk == value and json_size(value) > max_chars
    else:
        assert json_size(shrunk) <= max_chars
        assert same_shape_with_shortened_strings(shrunk, value)
        assert json.loads(to_json(shrunk)) == shrunk


def test_shorten_texts_cuts_the_longest_strings_first_and_keeps_short_ones() -> None:
    value = {"id": "HP1", "status": "APPROVED", "notes": ["n" * 5_000, "m" * 3_000], "price": 10.5}

    shrunk, fits = shorten_texts(value, 500)

    assert fits and shrunk["id"] == "HP1" and shrunk["status"] == "APPROVED" and shrunk["price"] == 10.5
    assert all(note.endswith("…") for note in shrunk["notes"])
    assert 400 < json_size(shrunk) <= 500


def test_shorten_texts_gives_up_when_the_structure_alone_is_too_big() -> None:
    numbers = {"numbers": list(range(1_000))}
    assert shorten_texts(numbers, 1_000) == (numbers, False)
    assert shorten_texts({"small": "x"}, 1_000) == ({"small": "x"}, True)
    assert shorten_texts(None, 4) == (None, True)
