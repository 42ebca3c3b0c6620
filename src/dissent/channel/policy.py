"""Who may do what with a memo: pure predicates over the actor's relations to it.

``Relations`` holds each relation as a boolean for one memo (``Access``, computed by
``visibility.accesses_for``) or as a SQL condition for every memo at once
(``visibility.relations_of``). ``is_party`` is written once over either, so the list of
memos an actor sees and the single memo they may open follow one rule. Nothing here queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Q

from dissent.channel.status import CONVERSING, EDITABLE, MemoStatus

T = TypeVar("T", bool, Q)


@dataclass(frozen=True)
class Relations(Generic[T]):
    """The actor's relations to a memo in its current state.

    Roles count only where the memo's state makes them count: until a memo is submitted
    the office, the standing distribution and leadership are nobody special to it, so
    ``is_office``, ``is_office_head`` and ``is_distribution`` hold only from submission.
    Agency heads and added readers exist only from submission anyway.
    """

    is_drafter: T
    is_lead_drafter: T
    is_signer: T  # an active (not withdrawn) signature of any version
    is_invitee: T
    is_office: T
    is_office_head: T
    is_distribution: T  # standing distribution, or leadership added by the signature threshold
    is_agency_head: T
    is_reader: T


@dataclass(frozen=True)
class Access(Relations[bool]):
    """The actor's relations to one memo, and whether the actor may use the channel at all."""

    eligible: bool = False


def is_party(r: Relations[T]) -> T:
    """The one definition of who may see a memo: drafters, signers and invitees from the start;
    the receiving parties (office, distribution, agency heads, added readers) from submission.

    ``|`` rather than ``or``: evaluated over booleans for one memo, over SQL conditions for lists.
    """
    return (
        r.is_drafter
        | r.is_signer
        | r.is_invitee
        | r.is_office
        | r.is_distribution
        | r.is_agency_head
        | r.is_reader
    )


def can_view(a: Access) -> bool:
    return is_party(a)


def is_receiving_party(a: Access) -> bool:
    """The parties a submitted memo goes to, who see every signer's name (signing.policy)."""
    return a.is_office or a.is_distribution or a.is_agency_head or a.is_reader


def can_edit(a: Access, status: str) -> bool:
    return a.is_drafter and status in EDITABLE


def can_manage_drafters(a: Access, status: str) -> bool:
    return a.is_drafter and status in EDITABLE


def can_act_as_drafter(a: Access) -> bool:
    """Circulate, submit, withdraw: the status table decides when."""
    return a.is_drafter


def can_act_as_office(a: Access) -> bool:
    """Acknowledge, extend, re-route, respond, close."""
    return a.is_office


def can_add_reader(a: Access) -> bool:
    return a.is_office_head


def can_read_thread(a: Access) -> bool:
    """The conversation is between drafters and office; signers may read it."""
    return a.is_drafter or a.is_signer or a.is_office


def can_post_message(a: Access, status: str) -> bool:
    return (a.is_drafter or a.is_office) and status in CONVERSING


def can_reply_to_response(a: Access, status: str) -> bool:
    return a.is_drafter and status == MemoStatus.RESPONDED
