"""`json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)`, byte for byte, faster.

With `indent` the standard library falls back to its pure-Python encoder: for a
report of 700,000 findings that is most of the audit's wall time. Here every
container whose members are all plain values (most of a report: a finding's subject,
its evidence, its related ids) goes through the C encoder in one call, its item
separator carrying the newline and indentation; only the few levels above are
walked in Python. Anything unusual (non-string keys, subclasses) is handed to the
standard encoder, re-indented for its depth.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterator
from functools import cache
from json.encoder import encode_basestring
from typing import Any

_PLAIN = frozenset({str, int, float, bool, type(None)})
_FIXED = {True: "true", False: "false", None: "null"}
#: Items of an already encoded list handed on in one piece (a few hundred KB of text).
BATCH = 512


def _plain(value: Any) -> bool:
    kind = type(value)
    return kind in _PLAIN or ((kind is list or kind is dict) and not value)


def _refuse(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def flat_encoder(
    item_separator: str, *, sort_keys: bool = True, allow_nan: bool = True
) -> Callable[[Any], str]:
    """The C encoder for one container of plain values, built once.

    `JSONEncoder.encode` builds a new C encoder on every call, which costs more than encoding
    a small container; this one is built once (the standard encoder where there is no C one).
    Without indentation, `item_separator` carries the newline and the indentation.
    """
    standard = json.JSONEncoder(
        ensure_ascii=False,
        sort_keys=sort_keys,
        allow_nan=allow_nan,
        separators=(item_separator, ": "),
    )
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return standard.encode
    try:
        # what `JSONEncoder.iterencode` passes it: (markers, default, encoder, indent,
        # key_separator, item_separator, sort_keys, skipkeys, allow_nan)
        args = (None, _refuse, encode_basestring, None, ": ", item_separator, sort_keys)
        encode = make(*args, False, allow_nan)
    except TypeError:  # no C encoder, or one that is called differently
        return standard.encode
    return lambda value: "".join(encode(value, 0))


@cache
def _flat(depth: int, sort_keys: bool = True) -> Callable[[Any], str]:
    """The C encoder for a container of plain values at this depth."""
    return flat_encoder(",\n" + "  " * (depth + 1), sort_keys=sort_keys)


def _standard(value: Any, pad: str, sort_keys: bool = True) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys)
    return text.replace("\n", "\n" + pad) if pad else text


def _scalar(value: Any, pad: str, sort_keys: bool = True) -> str:
    kind = type(value)
    if kind is str:
        return str(encode_basestring(value))
    if kind is int:
        return int.__repr__(value)
    if kind is bool or value is None:
        return _FIXED[value]
    return _standard(value, pad, sort_keys)  # floats (NaN, Infinity) and the unusual


def _write(value: Any, depth: int, out: list[str], sort_keys: bool = True) -> None:
    kind = type(value)
    pad = "  " * depth
    inner = pad + "  "
    if kind is dict:
        if not value:
            out.append("{}")
        elif not all(type(k) is str for k in value):
            out.append(_standard(value, pad, sort_keys))
        elif all(map(_plain, value.values())):
            flat = _flat(depth, sort_keys)(value)
            out.append("{\n" + inner + flat[1:-1] + "\n" + pad + "}")
        else:
            sep = "{\n" + inner
            for key, item in sorted(value.items()) if sort_keys else value.items():
                out.append(sep + encode_basestring(key) + ": ")
                if type(item) in _PLAIN:
                    out.append(_scalar(item, inner, sort_keys))
                else:
                    _write(item, depth + 1, out, sort_keys)
                sep = ",\n" + inner
            out.append("\n" + pad + "}")
    elif kind is list:
        if not value:
            out.append("[]")
        elif all(map(_plain, value)):
            flat = _flat(depth, sort_keys)(value)
            out.append("[\n" + inner + flat[1:-1] + "\n" + pad + "]")
        else:
            sep = "[\n" + inner
            for item in value:
                out.append(sep)
                if type(item) in _PLAIN:
                    out.append(_scalar(item, inner, sort_keys))
                else:
                    _write(item, depth + 1, out, sort_keys)
                sep = ",\n" + inner
            out.append("\n" + pad + "]")
    else:
        out.append(_scalar(value, pad, sort_keys))


def dumps(doc: Any, *, sort_keys: bool = True) -> str:
    """The same text as the standard encoder with indent=2, unicode kept, keys sorted unless
    `sort_keys` is False (then in the dicts' own order, as SARIF writes them)."""
    out: list[str] = []
    _write(doc, 0, out, sort_keys)
    return "".join(out)


def pieces(value: Any, depth: int, *, sort_keys: bool = True) -> list[str]:
    """The text of one value nested `depth` levels deep, as the parts `dumps` would join."""
    out: list[str] = []
    _write(value, depth, out, sort_keys)
    return out


def stream_object(
    members: dict[str, Any],
    lists: dict[str, Iterator[Any]],
    encoded: dict[str, Iterator[str]] | None = None,
) -> Iterator[str]:
    """`dumps` of one top-level object, in pieces, without holding it whole.

    `members` are its plain members; each of `lists` is a member whose items come one at a
    time (a report's findings): every item is encoded and handed on before the next is
    made, so a million findings never exist as one list of dicts or one string. Items of
    `encoded` come already as their JSON text at that depth (without the indentation before
    them); they are handed on in batches, so a writer sees a few large pieces rather than a
    million small ones. The text is byte for byte what `dumps` gives for the same object
    with the lists filled in.
    """
    texts = encoded or {}
    keys = sorted([*members, *lists, *texts])
    if not keys:
        yield "{}"
        return
    sep = "{\n  "
    for key in keys:
        yield sep + encode_basestring(key) + ": "
        sep = ",\n  "
        if key in texts:
            yield from _batched(texts[key])
            continue
        if key not in lists:
            item = members[key]
            yield _scalar(item, "  ") if type(item) in _PLAIN else "".join(pieces(item, 1))
            continue
        opened = False
        for item in lists[key]:
            yield ("[\n    " if not opened else ",\n    ") + (
                _scalar(item, "    ") if type(item) in _PLAIN else "".join(pieces(item, 2))
            )
            opened = True
        yield "\n  ]" if opened else "[]"
    yield "\n}"


def _batched(texts: Iterator[str]) -> Iterator[str]:
    """A top-level list member from its items' texts, `BATCH` items to a piece."""
    opened = False
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == BATCH:
            yield ("," if opened else "[") + "\n    " + ",\n    ".join(batch)
            opened, batch = True, []
    if batch:
        yield ("," if opened else "[") + "\n    " + ",\n    ".join(batch)
        opened = True
    yield "\n  ]" if opened else "[]"
