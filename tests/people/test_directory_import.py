"""Directory import: exact contract columns, every bad row named by line, nothing half-imported."""

from __future__ import annotations

import time

import pytest

from dissent.people import services
from dissent.people.directory import parse_units
from dissent.people.models import Membership, RoleAssignment, Unit, User
from dissent.people.selectors import unit_tree
from tests.conftest import PEOPLE, UNITS, Personas

HEADER = "email,name,units,roles,eligible,language\n"


def rejected_lines(data: str, *, units: bool = False) -> list[str]:
    importer = services.import_units if units else services.import_people
    with pytest.raises(services.ImportRejected) as info:
        importer(data=data.encode())
    return [str(e) for e in info.value.errors]


def test_import_creates_people_with_units_roles_and_headships(org: Personas) -> None:
    leader = User.objects.get(email="leader@example.org")
    assert leader.unit_codes() == ["MIN"]
    assert leader.role_codes() == ["leadership", "staff"]
    assert Unit.objects.get(code="MIN").head == leader
    tree = unit_tree()
    assert tree.agency_of(Unit.objects.get(code="PPS").pk) == Unit.objects.get(code="MIN").pk
    assert User.objects.get(email="cosigner@example.org").language == "zh-hans"
    assert User.objects.get(email="outsider@example.org").eligible is False


def test_imported_people_cannot_log_in_until_they_set_a_password(db: None) -> None:
    services.import_units(data=UNITS.encode())
    services.import_people(data=PEOPLE.encode())
    assert not User.objects.get(email="drafter@example.org").has_usable_password()


def test_reimport_is_idempotent_and_applies_changes(org: Personas) -> None:
    before = (User.objects.count(), Membership.objects.count(), RoleAssignment.objects.count())
    result = services.import_people(data=PEOPLE.encode())
    assert (result.created, result.updated) == (0, 9)
    assert (
        User.objects.count(),
        Membership.objects.count(),
        RoleAssignment.objects.count(),
    ) == before

    changed = HEADER + "drafter@example.org,Dana D. Drafter,WAT;NOR,staff;auditor,false,zh-hans\n"
    services.import_people(data=changed.encode())
    drafter = User.objects.get(email="drafter@example.org")
    assert drafter.name == "Dana D. Drafter"
    assert drafter.unit_codes() == ["WAT", "NOR"]
    assert drafter.role_codes() == ["auditor", "staff"]
    assert (drafter.eligible, drafter.language) == (False, "zh-hans")
    assert User.objects.count() == before[0], "people missing from a partial file are kept"


def test_reimport_keeps_a_password_already_set(org: Personas) -> None:
    services.import_people(data=PEOPLE.encode())
    assert User.objects.get(email="drafter@example.org").check_password("correct horse battery staple")


def test_email_match_ignores_case(org: Personas) -> None:
    services.import_people(data=(HEADER + "DRAFTER@Example.ORG,Dana,NOR,staff,true,en\n").encode())
    assert User.objects.filter(email__iexact="drafter@example.org").count() == 1


def test_head_moves_when_the_file_says_so(org: Personas) -> None:
    services.import_people(data=(HEADER + "drafter@example.org,Dana,MIN,staff;head,true,en\n").encode())
    assert Unit.objects.get(code="MIN").head == User.objects.get(email="drafter@example.org")
    services.import_people(data=(HEADER + "drafter@example.org,Dana,MIN,staff,true,en\n").encode())
    assert Unit.objects.get(code="MIN").head is None


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("not-an-email,X,NOR,staff,true,en", "is not a valid address"),
        ("x@example.org,,NOR,staff,true,en", "name is empty"),
        ("x@example.org,X,NOPE,staff,true,en", "unknown unit 'NOPE'"),
        ("x@example.org,X,NOR,staff;emperor,true,en", "unknown role 'emperor'"),
        ("x@example.org,X,NOR,staff,maybe,en", "eligible 'maybe' must be true or false"),
        ("x@example.org,X,NOR,staff,true,fr", "language 'fr' is not one of"),
        ("x@example.org,X,,staff;head,true,en", "role 'head' needs a unit"),
        ("x@example.org,X,NOR;NOR,staff,true,en", "a unit is listed twice"),
        ("x@example.org,X,NOR", "expected 6 fields, found 3"),
    ],
)
def test_each_bad_row_is_named_with_its_line_and_nothing_is_imported(
    org: Personas, row: str, reason: str
) -> None:
    count = User.objects.count()
    errors = rejected_lines(HEADER + "ok@example.org,Fine,NOR,staff,true,en\n" + row + "\n")
    assert len(errors) == 1
    assert errors[0].startswith("line 3: ")
    assert reason in errors[0]
    assert User.objects.count() == count
    assert not User.objects.filter(email="ok@example.org").exists()


def test_every_invalid_row_is_reported_not_just_the_first(org: Personas) -> None:
    data = (
        HEADER
        + "a@example.org,A,NOPE,staff,true,en\nb@example.org,B,NOR,staff,true,en\nbad,C,NOR,staff,true,en\n"
    )
    errors = rejected_lines(data)
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 4"]


def test_duplicate_email_in_one_file_names_the_first_line(org: Personas) -> None:
    data = HEADER + "a@example.org,A,NOR,staff,true,en\nA@example.org,B,NOR,staff,true,en\n"
    assert rejected_lines(data) == ["line 3: e-mail a@example.org already appears on line 2"]


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(org: Personas) -> None:
    data = HEADER + "a@example.org,A,NOPE,staff,true,en\nb@example.org,B,NOR,staff,true,en\n"
    result = services.import_people(data=data.encode(), skip_invalid=True)
    assert (result.created, [str(e) for e in result.skipped]) == (
        1,
        ["line 2: unknown unit 'NOPE'"],
    )
    assert User.objects.filter(email="b@example.org").exists()
    assert not User.objects.filter(email="a@example.org").exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"email,name,units,roles,eligible\n", "wrong header (missing language)"),
        (b"email,name,units,roles,eligible,language,age\n", "unknown age"),
        (
            b"email,name,units,roles,eligible,language\nx@example.org,Ren\xe9,NOR,staff,true,en\n",
            "not UTF-8",
        ),
    ],
)
def test_unreadable_files_are_rejected_whole(org: Personas, data: bytes, reason: str) -> None:
    with pytest.raises(services.ImportRejected) as info:
        services.import_people(data=data)
    assert reason in str(info.value.errors[0])


def test_non_utf8_error_names_the_line(db: None) -> None:
    with pytest.raises(services.ImportRejected) as info:
        services.import_people(
            data=b"email,name,units,roles,eligible,language\nx@example.org,Ren\xe9,A,staff,true,en\n"
        )
    assert str(info.value.errors[0]).startswith("line 2: the file is not UTF-8")


def test_a_byte_order_mark_is_accepted(org: Personas) -> None:
    data = "\ufeff" + HEADER + "bom@example.org,Bo M,NOR,staff,true,en\n"
    services.import_people(data=data.encode())
    assert User.objects.filter(email="bom@example.org").exists()


def test_units_may_name_parents_listed_later_and_update_in_place(db: None) -> None:
    services.import_units(data=b"code,name,parent_code,kind\nB,Bureau,A,bureau\nA,Agency,,agency\n")
    assert Unit.objects.get(code="B").parent == Unit.objects.get(code="A")
    services.import_units(data=b"code,name,parent_code,kind\nB,Renamed Bureau,A,office\n")
    unit = Unit.objects.get(code="B")
    assert (unit.name, unit.kind, Unit.objects.count()) == ("Renamed Bureau", "office", 2)


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ("X,Thing,NOPE,bureau", "parent_code 'NOPE' is not a known unit"),
        ("X,Thing,,galaxy", "kind 'galaxy' is not one of"),
        ("X,Thing,X,bureau", "a unit cannot be its own parent"),
        ("X,,ORG,bureau", "name is empty"),
        ("X,Thing,Y,bureau\nY,Other,X,bureau", "would be its own ancestor"),
        (
            "ORG,Again,,organisation\nORG,Twice,,organisation",
            "code 'ORG' already appears on line 2",
        ),
    ],
)
def test_bad_unit_rows_are_rejected(org: Personas, rows: str, reason: str) -> None:
    count = Unit.objects.count()
    errors = rejected_lines("code,name,parent_code,kind\n" + rows + "\n", units=True)
    assert any(reason in e for e in errors), errors
    assert Unit.objects.count() == count


def test_a_file_cannot_close_a_loop_with_the_stored_tree(org: Personas) -> None:
    errors = rejected_lines("code,name,parent_code,kind\nORG,Org,NOR,organisation\n", units=True)
    assert errors == ["line 2: unit 'ORG' would be its own ancestor"]


def test_a_long_line_of_units_is_checked_for_loops_in_linear_time() -> None:
    """Each unit under the one before: walking up from every unit was 200 million steps."""
    size = 20_000
    rows = "".join(f"U{n},Unit {n},{f'U{n - 1}' if n else ''},bureau\n" for n in range(size))
    start = time.process_time()
    parsed = parse_units("code,name,parent_code,kind\n" + rows, {})
    assert time.process_time() - start < 1.0
    assert (len(parsed.rows), parsed.errors) == (size, [])
    closed = parse_units("code,name,parent_code,kind\nU0,Top,U9,bureau\n" + rows.split("\n", 1)[1], {})
    assert [e.line for e in closed.errors] == list(range(2, size + 2)), "the loop U0…U9 and all below it"
