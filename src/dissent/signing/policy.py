"""Who may invite, sign, and see whose names: pure predicates over channel.policy.Access."""

from __future__ import annotations

from dissent.channel.policy import Access
from dissent.channel.status import EDITABLE, MemoStatus


def can_invite(a: Access, status: str) -> bool:
    return a.is_drafter and status == MemoStatus.CIRCULATING


def can_sign(a: Access) -> bool:
    """Drafters and invitees; eligibility and the memo's status are checked with a reason each."""
    return a.is_drafter or a.is_invitee


def can_set_target(a: Access, status: str) -> bool:
    return a.is_drafter and status in EDITABLE


def sees_every_signer(a: Access) -> bool:
    """The office and the distribution (standing list, agency heads, added readers) see all names."""
    return a.is_office or a.is_distribution or a.is_agency_head or a.is_reader


def sees_named_signers(a: Access) -> bool:
    """Co-signers (and the drafters) see the names of signers who chose to show them."""
    return sees_every_signer(a) or a.is_drafter or a.is_signer


def can_export_bundle(a: Access) -> bool:
    """The bundle lists every signer's id and key, so it goes only to those who see every name."""
    return sees_every_signer(a)
