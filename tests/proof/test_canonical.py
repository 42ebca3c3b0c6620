"""The canonical form: the same words give the same bytes, whatever system typed them."""

from __future__ import annotations

import pytest

from dissent.proof.canonical import canonical_json


def test_keys_are_sorted_and_separators_compact() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_unicode_is_nfc_and_line_endings_are_newlines() -> None:
    decomposed = "Cafe\u0301\r\nline two\rthree"
    assert canonical_json({"t": decomposed}) == '{"t":"Café\\nline two\\nthree"}'.encode()


def test_non_ascii_stays_utf8() -> None:
    assert canonical_json(["异议"]) == '["异议"]'.encode()


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json({"x": 1.5})


def test_keys_equal_once_normalised_become_one_key_with_the_later_value() -> None:
    assert canonical_json({"Cafe\u0301": 1, "Café": 2}) == '{"Café":2}'.encode()
