"""The fast indented JSON writer gives exactly the standard library's text."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from funnelkit.report import jsonfast

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=40,
)


def standard(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_same_text_as_the_standard_encoder(doc: Any) -> None:
    assert jsonfast.dumps(doc) == standard(doc)


def test_a_report_shaped_document() -> None:
    doc = {
        "findings": [
            {
                "key": f"k{i}",
                "subject": {"id": str(i), "name": 'Сделка "№1"\n', "stage_id": None},
                "evidence": {"days": 1.5 * i, "deals": [], "flag": True, "nested": {"a": [1]}},
                "related": [str(j) for j in range(i)],
            }
            for i in range(4)
        ],
        "metrics": {"ratio": math.nan, "by_code": {3: "c", 1: "a"}, "list": [[1, 2], {}]},
        "empty": {},
    }
    assert jsonfast.dumps(doc) == standard(doc)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.text(max_size=5), documents, max_size=5),
    st.text(max_size=5),
    st.lists(documents, max_size=6),
)
def test_streamed_object_is_the_same_text(
    members: dict[str, Any], streamed: str, items: list[Any]
) -> None:
    members.pop(streamed, None)
    whole = standard({**members, streamed: items})
    assert "".join(jsonfast.stream_object(members, {streamed: iter(items)})) == whole


@settings(max_examples=300, deadline=None)
@given(documents)
def test_unsorted_keys_keep_the_dicts_own_order(doc: Any) -> None:
    unsorted = json.dumps(doc, ensure_ascii=False, indent=2)
    assert jsonfast.dumps(doc, sort_keys=False) == unsorted


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=5), documents, max_size=5),
    st.text(max_size=5),
    st.lists(documents, max_size=8),
)
def test_items_given_as_text_stream_in_batches_as_the_same_text(
    members: dict[str, Any], streamed: str, items: list[Any]
) -> None:
    members.pop(streamed, None)
    whole = standard({**members, streamed: items})
    texts = ("".join(jsonfast.pieces(item, 2)).lstrip() for item in items)
    assert "".join(jsonfast.stream_object(members, {}, {streamed: texts})) == whole


def test_items_given_as_text_over_several_batches() -> None:
    items = [{"id": str(i), "n": [i, i / 3]} for i in range(2 * jsonfast.BATCH + 3)]
    texts = ("".join(jsonfast.pieces(item, 2)) for item in items)
    pieces = list(jsonfast.stream_object({"a": 1}, {}, {"findings": texts}))
    assert "".join(pieces) == standard({"a": 1, "findings": items})
    assert len(pieces) < 10  # a few large pieces, not one per item
