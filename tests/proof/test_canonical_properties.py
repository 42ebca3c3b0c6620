"""Canonical JSON for any value, checked against a second serializer written from the spec.

docs/bundle-format.md, section 1, is what verifiers in other languages are written from;
``spec_json`` below is such a verifier's serializer, built from the doc's rules alone and
not from the json module, so a change to either the code or the doc shows up here.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dissent.proof.canonical import canonical_json, normalise_text, normalised

# What the rules single out, mixed into otherwise arbitrary text so that it occurs often.
ESCAPED = ['"', "\\", "\t", "\b", "\f", "\x00", "\x01", "\x1f"]
NOT_ESCAPED = ["/", "\x7f", "\x80", "\u2028", "\u2029", "\ufeff", "\U0001f600", "异议"]
NORMALISED = ["\r\n", "\r", "\n", "e\u0301", "\u00e9", "\u212b", "A\u030a"]  # line endings; NFC
TRICKY = st.sampled_from([*ESCAPED, *NOT_ESCAPED, *NORMALISED])
TEXT = st.lists(st.characters(codec="utf-8") | TRICKY, max_size=12).map("".join)
SCALARS = st.none() | st.booleans() | st.integers() | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=30,
)
LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)

SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def spec_text(text: str) -> str:
    """Rule 1: "\\r\\n", then any other "\\r", become "\\n"; then Unicode NFC."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def spec_string(text: str) -> str:
    """Rule 5: raw characters, but for the quote, the backslash and the controls U+0000 to U+001F."""
    out = []
    for char in spec_text(text):
        if char in '"\\':
            out.append("\\" + char)
        elif char in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def spec_json(value: Any) -> str:
    """Rules 2 to 4: no floats, plain decimal integers, keys by code point, no whitespace."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return spec_string(value)
    if isinstance(value, list):
        return "[" + ",".join(spec_json(item) for item in value) + "]"
    members = {spec_text(key): item for key, item in value.items()}  # keys equal after rule 1: the later wins
    in_order = sorted(members.items(), key=lambda member: [ord(char) for char in member[0]])
    return "{" + ",".join(spec_string(key) + ":" + spec_json(item) for key, item in in_order) + "}"


@settings(max_examples=500)
@given(VALUES)
def test_canonical_json_is_what_the_spec_says(value: Any) -> None:
    assert canonical_json(value) == spec_json(value).encode("utf-8")


@given(VALUES)
def test_any_value_round_trips_to_its_normalised_form(value: Any) -> None:
    encoded = canonical_json(value)
    assert json.loads(encoded) == normalised(value)
    assert canonical_json(json.loads(encoded)) == encoded


@given(TEXT)
def test_normalising_text_twice_changes_nothing_and_leaves_no_carriage_return(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


@given(VALUES, st.floats())
def test_a_float_anywhere_is_refused(value: Any, number: float) -> None:
    with pytest.raises(TypeError, match="not float"):
        canonical_json([value, {"n": number}])


@given(TEXT, LONE_SURROGATES, TEXT, st.booleans())
def test_a_lone_surrogate_in_a_value_or_a_key_is_refused_with_a_sentence(
    before: str, surrogate: str, after: str, as_key: bool
) -> None:
    text = before + surrogate + after
    with pytest.raises(ValueError, match=f"refuses U\\+{ord(surrogate):04X}: a lone surrogate") as refused:
        canonical_json({text: 1} if as_key else [{"t": text}])
    assert not isinstance(refused.value, UnicodeError)
