"""Co-signing through the API, as clients do, and the counter invariants every test may check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count

from dissent.channel.models import Memo
from dissent.people.models import Membership, Unit, User
from dissent.signing.models import Signature, Tally
from tests.channel.helpers import Api, new_memo


def circulating_memo(
    drafter: Api, *, invite: Sequence[str] = (), units: Sequence[str] = ()
) -> dict[str, Any]:
    memo = new_memo(drafter)
    drafter.ok("post", f"/memos/{memo['id']}/circulate")
    if invite or units:
        drafter.ok("post", f"/memos/{memo['id']}/invitations", {"emails": list(invite), "units": list(units)})
    return drafter.ok("get", f"/memos/{memo['id']}")


def sign(api: Api, memo: dict[str, Any], **extra: Any) -> tuple[int, Any]:
    return api.post(f"/memos/{memo['id']}/signatures", {"version_sha256": memo["version"]["sha256"], **extra})


def staff(count: int, unit: str, *, prefix: str = "signer", eligible: bool = True) -> list[User]:
    """Extra eligible people in one unit, created directly (the directory import is tested elsewhere)."""
    User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.org", name=f"Signer {i}", eligible=eligible) for i in range(count)]
    )
    users = list(User.objects.filter(email__startswith=prefix, email__endswith="@example.org").order_by("pk"))
    place = Unit.objects.get(code=unit)
    Membership.objects.bulk_create([Membership(user=u, unit=place) for u in users])
    return users


def assert_counts_are_exact(memo_id: str) -> None:
    """Memo.signature_count and the per-unit tallies equal what COUNT(*) says, for every version."""
    memo = Memo.objects.get(public_id=memo_id)
    active = Signature.objects.filter(memo=memo, withdrawn_at__isnull=True)
    assert memo.signature_count == active.filter(version_id=memo.current_version_id).count()
    counted = {
        (row["version_id"], row["unit_id"]): row["n"]
        for row in active.values("version_id", "unit_id").annotate(n=Count("pk"))
    }
    tallies = {
        (t.version_id, t.unit_id): t.count for t in Tally.objects.filter(version__memo=memo) if t.count
    }
    assert tallies == counted
