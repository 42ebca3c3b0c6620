"""Reading the directory CSV files: every row checked, every problem named with its line.

Parsing is separate from writing (people/services.py) so that nothing is written
until the whole file has been judged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from dissent.people.columns import PEOPLE_COLUMNS, UNIT_COLUMNS
from dissent.people.models import LANGUAGE_CHOICES, normalize_email
from dissent.people.roles import HEAD, Role, UnitKind

TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
LANGUAGES = {code for code, _name in LANGUAGE_CHOICES}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class DirectoryFileError(Exception):
    """The file as a whole cannot be read (not UTF-8, wrong header, empty)."""


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    parent_code: str
    kind: str


@dataclass(frozen=True)
class PersonRow:
    line: int
    email: str
    name: str
    units: tuple[str, ...]
    roles: tuple[str, ...]
    head: bool
    eligible: bool
    language: str


RowT = TypeVar("RowT")


@dataclass
class Parsed(Generic[RowT]):
    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or a clear error naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DirectoryFileError(
            f"line {line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and try again"
        ) from exc


def records(text: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) after checking the header names exactly the expected columns."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DirectoryFileError("the file is empty; expected a header line: " + ",".join(columns)) from None
    missing = [c for c in columns if c not in header]
    extra = [h for h in header if h not in columns]
    if missing or extra or len(header) != len(set(header)):
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unknown " + ", ".join(extra))
        if len(header) != len(set(header)):
            parts.append("a column is named twice")
        raise DirectoryFileError(
            f"line 1: wrong header ({'; '.join(parts)}); expected exactly: {','.join(columns)}"
        )
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield line, {"__error__": f"expected {len(header)} fields, found {len(values)}"}
            continue
        yield line, {k: v.strip() for k, v in zip(header, values, strict=True)}


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_units(text: str, existing_parents: dict[str, str]) -> Parsed[UnitRow]:
    """Check unit rows; parents may come later in the file or already exist.

    ``existing_parents`` maps each unit code already stored to its parent's code ("" for none),
    so that a file cannot close a loop with the tree that is there.
    """
    result: Parsed[UnitRow] = Parsed()
    seen: dict[str, int] = {}
    for line, rec in records(text, UNIT_COLUMNS):
        if "__error__" in rec:
            result.errors.append(RowError(line, rec["__error__"]))
            continue
        problems = []
        if not rec["code"]:
            problems.append("code is empty")
        elif len(rec["code"]) > 64 or any(ch.isspace() or ch == ";" for ch in rec["code"]):
            problems.append(f"code {rec['code']!r} must be at most 64 characters, without spaces or ';'")
        elif rec["code"] in seen:
            problems.append(f"code {rec['code']!r} already appears on line {seen[rec['code']]}")
        if not rec["name"]:
            problems.append("name is empty")
        elif len(rec["name"]) > 200:
            problems.append("name is longer than 200 characters")
        if rec["kind"] not in UnitKind.values:
            problems.append(f"kind {rec['kind']!r} is not one of {', '.join(UnitKind.values)}")
        if rec["code"] and rec["code"] == rec["parent_code"]:
            problems.append("a unit cannot be its own parent")
        if problems:
            result.errors.append(RowError(line, "; ".join(problems)))
        if rec["code"] and rec["code"] not in seen:
            seen[rec["code"]] = line
        if not problems:
            result.rows.append(UnitRow(line, rec["code"], rec["name"], rec["parent_code"], rec["kind"]))
    parents = dict(existing_parents) | {row.code: row.parent_code for row in result.rows}
    looping = reaching_a_loop(parents)
    kept = []
    for row in result.rows:
        if row.parent_code and row.parent_code not in parents:
            result.errors.append(RowError(row.line, f"parent_code {row.parent_code!r} is not a known unit"))
        elif row.code in looping:
            result.errors.append(RowError(row.line, f"unit {row.code!r} would be its own ancestor"))
        else:
            kept.append(row)
    result.rows = kept
    result.errors.sort(key=lambda e: e.line)
    return result


def reaching_a_loop(parents: dict[str, str]) -> set[str]:
    """The codes whose line of ancestors runs into a loop, each code walked once: a file of
    10,000 units in one long line costs 10,000 steps, not 50 million."""
    verdict: dict[str, bool] = {}
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node and node not in verdict and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents.get(node, "")
        loops = node in on_path or verdict.get(node, False)
        verdict.update(dict.fromkeys(path, loops))
    return {code for code, loops in verdict.items() if loops}


def parse_bool(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_language(value: str) -> str | None:
    word = value.strip().lower().replace("_", "-") or "en"
    return word if word in LANGUAGES else None


def parse_people(text: str, known_units: Iterable[str]) -> Parsed[PersonRow]:
    """Check person rows against the units already imported."""
    result: Parsed[PersonRow] = Parsed()
    units = set(known_units)
    seen: dict[str, int] = {}
    role_names = set(Role.values) | {HEAD}
    for line, rec in records(text, PEOPLE_COLUMNS):
        if "__error__" in rec:
            result.errors.append(RowError(line, rec["__error__"]))
            continue
        problems = []
        email = normalize_email(rec["email"])
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"e-mail {rec['email']!r} is not a valid address")
        else:
            if email in seen:
                problems.append(f"e-mail {email} already appears on line {seen[email]}")
            else:
                seen[email] = line
        if not rec["name"]:
            problems.append("name is empty")
        elif len(rec["name"]) > 200:
            problems.append("name is longer than 200 characters")
        unit_codes = split_list(rec["units"])
        unknown_units = [u for u in unit_codes if u not in units]
        if unknown_units:
            problems.append("unknown unit " + ", ".join(repr(u) for u in unknown_units))
        if len(set(unit_codes)) != len(unit_codes):
            problems.append("a unit is listed twice")
        roles = split_list(rec["roles"].lower())
        unknown_roles = [r for r in roles if r not in role_names]
        if unknown_roles:
            problems.append(
                "unknown role "
                + ", ".join(repr(r) for r in unknown_roles)
                + f" (roles: {', '.join([*Role.values, HEAD])})"
            )
        is_head = HEAD in roles
        if is_head and not unit_codes:
            problems.append("role 'head' needs a unit to be head of (the first unit listed)")
        eligible = parse_bool(rec["eligible"])
        if eligible is None:
            problems.append(f"eligible {rec['eligible']!r} must be true or false")
        language = parse_language(rec["language"])
        if language is None:
            problems.append(f"language {rec['language']!r} is not one of {', '.join(sorted(LANGUAGES))}")
        if problems:
            result.errors.append(RowError(line, "; ".join(problems)))
            continue
        assert eligible is not None
        assert language is not None
        result.rows.append(
            PersonRow(
                line=line,
                email=email,
                name=rec["name"],
                units=tuple(unit_codes),
                roles=tuple(sorted({r for r in roles if r != HEAD})),
                head=is_head,
                eligible=eligible,
                language=language,
            )
        )
    return result
