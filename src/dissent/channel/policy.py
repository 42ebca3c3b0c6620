"""Who may do what with a memo: pure predicates over the actor's relation to it.

``Access`` is computed once per request by selectors.access_for() (accesses_for() for lists);
nothing here queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from dissent.channel.status import CONVERSING, EDITABLE, MemoStatus


@dataclass(frozen=True)
class Access:
    """The actor's relation to one memo."""

    is_drafter: bool = False
    is_lead_drafter: bool = False
    is_signer: bool = False
    is_invitee: bool = False
    is_office: bool = False
    is_office_head: bool = False
    is_distribution: bool = False
    is_agency_head: bool = False
    is_reader: bool = False
    eligible: bool = False


def can_view(a: Access, *, submitted: bool) -> bool:
    """Drafters, signers and invitees from the start; the receiving parties once it is submitted."""
    if a.is_drafter or a.is_signer or a.is_invitee:
        return True
    return submitted and (a.is_office or a.is_distribution or a.is_agency_head or a.is_reader)


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
