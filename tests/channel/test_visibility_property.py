"""Who may see a memo is one rule: over random worlds, a memo is listed for a person if and
only if opening it succeeds, and every listed item is exactly what opening it shows.

A world is people with any roles (and some agency heads), channel settings with any standing
distribution, and memos in every status with drafters, invitations, signatures (some
withdrawn), readers, drafters' agencies and leadership added by the signature threshold.
``disagreements`` asks the API as clients do; the last two tests change one side of the rule
alone and check that ``disagreements`` notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dissent.channel import policy, services, visibility
from dissent.channel.models import ChannelSettings, Drafter, Memo, Reader
from dissent.channel.status import OPEN_FOR_OFFICE, SUBMITTED_STATES, MemoStatus
from dissent.people.models import Membership, RoleAssignment, Unit, User
from dissent.people.roles import Role
from dissent.people.selectors import unit_tree
from dissent.signing.models import Invitation, OfficeReceipt, Signature
from dissent.vault import services as vault
from tests.channel.helpers import Api
from tests.conftest import Personas

UNITS = ("ORG", "MIN", "AID", "PPS", "NOR", "WAT")
AGENCIES = ("MIN", "AID")
PERSONAS = ("drafter", "cosigner", "outsider", "office", "office_head", "leader", "agency_head", "auditor")


@dataclass(frozen=True)
class PersonSpec:
    roles: frozenset[str]
    eligible: bool
    active: bool
    unit: str
    heads_agency: bool


@dataclass(frozen=True)
class MemoSpec:
    status: str
    submitted: bool  # only a withdrawn memo may or may not have been submitted
    drafters: frozenset[int]
    invitees: frozenset[int]
    signers: dict[int, bool]  # person -> withdrawn
    readers: frozenset[int]
    agencies: frozenset[str]
    leadership_added: bool


@dataclass(frozen=True)
class World:
    people: list[PersonSpec]
    memos: list[MemoSpec]
    distribution_roles: frozenset[str]
    distribution_people: frozenset[int]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    people = draw(
        st.lists(
            st.builds(
                PersonSpec,
                roles=st.frozensets(st.sampled_from(Role.values)),
                eligible=st.booleans(),
                active=st.booleans() | st.just(True),
                unit=st.sampled_from(UNITS),
                heads_agency=st.booleans(),
            ),
            min_size=1,
            max_size=4,
        )
    )
    someone = st.integers(0, len(people) - 1)
    memos = draw(
        st.lists(
            st.builds(
                MemoSpec,
                status=st.sampled_from(MemoStatus.values),
                submitted=st.booleans(),
                drafters=st.frozensets(someone, min_size=1, max_size=2),
                invitees=st.frozensets(someone),
                signers=st.dictionaries(someone, st.booleans()),
                readers=st.frozensets(someone),
                agencies=st.frozensets(st.sampled_from(AGENCIES)),
                leadership_added=st.booleans(),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return World(
        people=people,
        memos=memos,
        distribution_roles=draw(st.frozensets(st.sampled_from(Role.values))),
        distribution_people=draw(st.frozensets(someone)),
    )


@dataclass
class Built:
    people: list[User] = field(default_factory=list)
    memo_ids: list[str] = field(default_factory=list)


def build(world: World, author: User) -> Built:
    """Rows as the services would leave them; statuses and relations set directly, so that every
    combination is reached in one step (the services' own rules are tested elsewhere)."""
    built = Built()
    units = {u.code: u for u in Unit.objects.all()}
    tree = unit_tree()
    for n, spec in enumerate(world.people):
        person = User.objects.create(
            email=f"world{n}@example.org", name=f"World {n}", eligible=spec.eligible, is_active=spec.active
        )
        Membership.objects.create(user=person, unit=units[spec.unit])
        RoleAssignment.objects.bulk_create(RoleAssignment(user=person, role=r) for r in spec.roles)
        agency = tree.agency_of(units[spec.unit].pk)
        if spec.heads_agency and agency is not None:
            Unit.objects.filter(pk=agency).update(head=person)
        built.people.append(person)
    config = ChannelSettings.current()
    config.distribution_roles = sorted(world.distribution_roles)
    config.save()
    config.distribution_people.set([built.people[n] for n in world.distribution_people])
    now = timezone.now()
    for memo_spec in world.memos:
        memo = services.create_memo(
            actor=author, title="A memo", summary="", body="Body", recommendations=["One"]
        )
        version = memo.current_version
        assert version is not None
        Drafter.objects.filter(memo=memo).delete()
        Drafter.objects.bulk_create(
            Drafter(memo=memo, user=built.people[n], is_lead=i == 0)
            for i, n in enumerate(sorted(memo_spec.drafters))
        )
        submitted = memo_spec.status in SUBMITTED_STATES or (
            memo_spec.status == MemoStatus.WITHDRAWN and memo_spec.submitted
        )
        Memo.objects.filter(pk=memo.pk).update(
            status=memo_spec.status,
            submitted_at=now if submitted else None,
            acknowledge_due=now + timedelta(days=2) if submitted else None,
            response_due=now + timedelta(days=30) if submitted else None,
        )
        Invitation.objects.bulk_create(
            Invitation(memo=memo, invitee=built.people[n], invited_by=author) for n in memo_spec.invitees
        )
        Signature.objects.bulk_create(
            Signature(
                memo=memo,
                version=version,
                signer=built.people[n],
                signed_at=now,
                public_key=bytes(32),
                signature=bytes(64),
                withdrawn_at=now if withdrawn else None,
            )
            for n, withdrawn in memo_spec.signers.items()
        )
        if submitted:
            memo.agencies.set([units[code] for code in memo_spec.agencies])
            Reader.objects.bulk_create(
                Reader(
                    memo=memo,
                    user=built.people[n],
                    reason=vault.seal_text(
                        memo.data_key, "Needs it", aad=memo.aad(f"reader:{built.people[n].pk}")
                    ),
                    added_by=author,
                )
                for n in memo_spec.readers
            )
            OfficeReceipt.objects.create(
                memo=memo,
                version=version,
                count=0,
                signatures_sha256="0" * 64,
                statement=b"{}",
                signature=bytes(64),
                entries=b"",
                leadership_added=memo_spec.leadership_added,
            )
        built.memo_ids.append(memo.public_id)
    return built


def disagreements(actors: list[User], memo_ids: list[str]) -> list[str]:
    """Where the list and the single read of a memo disagree, for each actor, in words."""
    found = []
    for actor in actors:
        if not actor.is_active:
            continue
        api = Api(actor)
        listed = {item["id"]: item for item in api.ok("get", "/memos?limit=200")["items"]}
        opened = {}
        for memo_id in memo_ids:
            status, body = api.get(f"/memos/{memo_id}")
            if status == 200:
                opened[memo_id] = body
        for memo_id in memo_ids:
            if (memo_id in listed) != (memo_id in opened):
                found.append(f"{actor.email}: {memo_id} listed={memo_id in listed} opens={memo_id in opened}")
            elif memo_id in listed and listed[memo_id] != opened[memo_id]:
                found.append(f"{actor.email}: {memo_id} listed differs from opened")
        queue_status, queue = api.get("/office/queue")
        awaiting = {i for i in opened if opened[i]["status"] in OPEN_FOR_OFFICE}
        if queue_status == 200 and {item["id"] for item in queue["items"]} & set(memo_ids) != awaiting:
            found.append(f"{actor.email}: the office queue is not the open memos awaiting the office")
    return found


def receiving_disagreements(people: list[User], memo_ids: list[str]) -> list[str]:
    """``receiving_parties`` (who is told of a submission) against each person's Access."""
    found = []
    config = ChannelSettings.current()
    for memo_id in memo_ids:
        memo = Memo.objects.get(public_id=memo_id)
        if memo.submitted_at is None:
            continue
        told = {p.pk for p in visibility.receiving_parties(memo, config)}
        for person in people:
            if not person.is_active:
                continue
            access = visibility.access_of(
                visibility.with_access(
                    Memo.objects.filter(pk=memo.pk), person, visibility.standing_of(person)
                )[0],
                person,
            )
            receives = access.is_office or access.is_distribution or access.is_agency_head
            if receives != (person.pk in told):
                found.append(f"{person.email}: told={person.pk in told} receives={receives} ({memo_id})")
    return found


A_WORLD = World(
    people=[
        PersonSpec(frozenset({Role.STAFF}), True, True, "NOR", heads_agency=False),
        PersonSpec(frozenset({Role.STAFF, Role.LEADERSHIP}), True, True, "AID", heads_agency=True),
        PersonSpec(frozenset({Role.OFFICE}), True, True, "PPS", heads_agency=False),
        PersonSpec(frozenset({Role.STAFF}), True, True, "WAT", heads_agency=False),
    ],
    memos=[
        MemoSpec(
            "circulating",
            False,
            frozenset({0}),
            frozenset({1, 2}),
            {2: False},
            frozenset(),
            frozenset(),
            False,
        ),
        MemoSpec(
            "acknowledged", True, frozenset({0}), frozenset(), {}, frozenset({3}), frozenset({"AID"}), False
        ),
        MemoSpec("withdrawn", True, frozenset({0}), frozenset(), {1: True}, frozenset(), frozenset(), True),
    ],
    distribution_roles=frozenset(),  # so person 1, leadership, sees memo 2 only as the head of AID
    distribution_people=frozenset(),
)


def in_a_world(org: Personas, world: World) -> tuple[list[str], list[str]]:
    """Build ``world`` beside the personas, ask both questions, and leave nothing behind."""
    with transaction.atomic():
        built = build(world, org.drafter)
        personas = [getattr(org, name) for name in PERSONAS]
        found = disagreements(built.people + personas, built.memo_ids)
        receiving = receiving_disagreements(built.people + personas, built.memo_ids)
        transaction.set_rollback(True)
    return found, receiving


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@example(world=A_WORLD)
@given(world=worlds())
def test_a_memo_is_listed_if_and_only_if_it_opens_and_lists_show_what_opening_shows(
    org: Personas, world: World
) -> None:
    found, receiving = in_a_world(org, world)
    assert found == []
    assert receiving == []


def test_changing_who_may_open_a_memo_alone_is_caught(org: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """An added reader (memo 2 of A_WORLD, person 3) who may no longer open it, though lists still show it."""

    def forgets_readers(a: policy.Access) -> bool:
        return policy.is_party(a) and not a.is_reader

    monkeypatch.setattr("dissent.channel.selectors.can_view", forgets_readers)
    found, _receiving = in_a_world(org, A_WORLD)
    assert any("listed=True opens=False" in line for line in found), found


def test_changing_what_lists_show_alone_is_caught(org: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists that leave out memos seen as the head of a drafter's agency, though opening them works."""

    def without_agency_heads(memos: Any, actor: User, standing: Any = None) -> Any:
        relations = visibility.relations_of(actor, standing or visibility.standing_of(actor))
        return memos.filter(policy.is_party(replace(relations, is_agency_head=visibility.NEVER)))

    monkeypatch.setattr("dissent.channel.visibility.restrict", without_agency_heads)
    found, _receiving = in_a_world(org, A_WORLD)
    assert any("listed=False opens=True" in line for line in found), found
