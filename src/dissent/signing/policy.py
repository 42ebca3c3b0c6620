"""Who may invite, sign, and see whose names, and when signers bring in leadership: pure predicates."""

from __future__ import annotations

from collections.abc import Callable, Collection

from dissent.channel.models import ChannelSettings
from dissent.channel.policy import Access, is_receiving_party
from dissent.channel.status import EDITABLE, MemoStatus


def can_invite(a: Access, status: str) -> bool:
    return a.is_drafter and status == MemoStatus.CIRCULATING


def can_sign(a: Access) -> bool:
    """Drafters and invitees; eligibility and the memo's status are checked with a reason each."""
    return a.is_drafter or a.is_invitee


def can_set_target(a: Access, status: str) -> bool:
    return a.is_drafter and status in EDITABLE


def sees_every_signer(a: Access) -> bool:
    """The parties a submitted memo went to (office, distribution, agency heads, added readers)
    see every name. Before submission nobody does, whatever their roles: ``Access`` holds the
    office and the distribution only from submission."""
    return is_receiving_party(a)


def sees_named_signers(a: Access) -> bool:
    """Co-signers (and the drafters) see the names of signers who chose to show them."""
    return sees_every_signer(a) or a.is_drafter or a.is_signer


def can_export_bundle(a: Access) -> bool:
    """The bundle lists every signer's id and key, so it goes only to those who see every name."""
    return sees_every_signer(a)


def reaches_leadership(config: ChannelSettings, count: int, agencies: Callable[[], Collection[int]]) -> bool:
    """The channel setting (off unless set): enough signers, or signers from enough agencies,
    add leadership to the memo's distribution at submission.

    ``agencies`` is asked only when the agencies threshold decides: counting them reads the
    unit tree, and the memo page asks this on every view."""
    by_count = config.leadership_signers_threshold
    by_agencies = config.leadership_agencies_threshold
    if by_count and count >= by_count:
        return True
    return bool(by_agencies) and len(agencies()) >= by_agencies  # type: ignore[operator]
