"""Co-signing in the JSON API v1 (design/api-contract.md, Memos and People)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from dissent.api.auth import actor
from dissent.channel import selectors as channel
from dissent.people.reauth import ensure_recent_authentication
from dissent.proof import bundle
from dissent.signing import selectors, services
from dissent.signing.selectors import SignatureReceipt
from dissent.vault.server_key import server_signing_key

router = Router(tags=["signatures"])


class InvitationsIn(Schema):
    emails: list[str] = Field(default_factory=list)
    units: list[str] = Field(default_factory=list)
    eligible_only: bool = True


class InvitedOut(Schema):
    invited: int


class SignIn(Schema):
    version_sha256: str
    name_visible: bool | None = None


class ReceiptOut(Schema):
    memo_id: str
    signer_id: str
    version_sha256: str
    signed_at: str
    public_key: str
    signature: str


class SignerOut(Schema):
    id: str | None
    name: str | None
    unit: str


class SignatureOut(Schema):
    signer: SignerOut
    version: int
    version_sha256: str
    signed_at: datetime
    state: str


class SignatureList(Schema):
    items: list[SignatureOut]
    count: int


class DayOut(Schema):
    day: date
    added: int
    withdrawn: int
    total: int


class SigningOut(Schema):
    version: int
    version_sha256: str
    count: int
    signatures_by_unit: dict[str, int]
    target: int | None
    progress_percent: int | None
    invited: int
    circulating: bool
    frozen_count: int | None
    my_state: str | None
    my_receipt: ReceiptOut | None
    can_sign: bool
    cannot_sign_reason: str
    reaches_leadership: bool


class TargetIn(Schema):
    target: int | None


class KeyOut(Schema):
    algorithm: str
    public_key: str


def receipt_out(receipt: SignatureReceipt) -> ReceiptOut:
    return ReceiptOut(**receipt.__dict__)


def signing_out(request: HttpRequest, memo_id: str) -> SigningOut:
    memo, access = channel.memo_for(actor(request), memo_id)
    s = selectors.signing_summary(actor(request), memo, access)
    return SigningOut(
        version=s.version_number,
        version_sha256=s.version_sha256,
        count=s.count,
        signatures_by_unit=s.by_unit,
        target=s.target,
        progress_percent=s.progress_percent,
        invited=s.invited,
        circulating=s.circulating,
        frozen_count=s.frozen_count,
        my_state=s.my_state,
        my_receipt=None if s.my_receipt is None else receipt_out(s.my_receipt),
        can_sign=s.can_sign,
        cannot_sign_reason=s.cannot_sign_reason,
        reaches_leadership=s.reaches_leadership,
    )


@router.post(
    "/memos/{memo_id}/invitations",
    response={201: InvitedOut},
    summary="Invite people, or the eligible staff of units, to read and sign (drafters)",
)
def invite(request: HttpRequest, memo_id: str, payload: InvitationsIn) -> Status[InvitedOut]:
    invited = services.invite(
        actor=actor(request),
        memo_id=memo_id,
        emails=payload.emails,
        unit_codes=payload.units,
        eligible_only=payload.eligible_only,
    )
    return Status(201, InvitedOut(invited=invited))


@router.get(
    "/memos/{memo_id}/signatures",
    response=SignatureList,
    summary="Signatures, oldest first; names only where the caller may see them",
)
def list_signatures(
    request: HttpRequest, memo_id: str, state: str | None = None, limit: int = 50, offset: int = 0
) -> SignatureList:
    memo, access = channel.memo_for(actor(request), memo_id)
    rows, total = selectors.signers_page(
        actor(request), memo, access, state=state, offset=offset, limit=limit
    )
    items = [
        SignatureOut(
            signer=SignerOut(id=r.signer_id, name=r.name, unit=r.unit),
            version=r.version_number,
            version_sha256=r.version_sha256,
            signed_at=r.signed_at,
            state=r.state,
        )
        for r in rows
    ]
    return SignatureList(items=items, count=total)


@router.post(
    "/memos/{memo_id}/signatures",
    response={201: ReceiptOut},
    summary="Sign the version whose SHA-256 you read; returns the signed receipt",
)
def sign(request: HttpRequest, memo_id: str, payload: SignIn) -> Status[ReceiptOut]:
    ensure_recent_authentication(request)  # bearer tokens are exempt; a browser login must be recent
    receipt = services.sign_memo(
        actor=actor(request),
        memo_id=memo_id,
        version_sha256=payload.version_sha256,
        name_visible=payload.name_visible,
    )
    return Status(201, receipt_out(receipt))


@router.delete(
    "/memos/{memo_id}/signatures/me",
    response={204: None},
    summary="Withdraw your signature (until submission)",
)
def withdraw(request: HttpRequest, memo_id: str) -> Status[None]:
    services.withdraw_signature(actor=actor(request), memo_id=memo_id)
    return Status(204, None)


@router.get(
    "/memos/{memo_id}/signing",
    response=SigningOut,
    summary="Counts, target and the caller's own signature and receipt",
)
def signing_summary(request: HttpRequest, memo_id: str) -> SigningOut:
    return signing_out(request, memo_id)


@router.get(
    "/memos/{memo_id}/signing/history",
    response=list[DayOut],
    summary="Signatures of the current version gained and withdrawn per day",
)
def signing_history(request: HttpRequest, memo_id: str) -> list[DayOut]:
    memo, _access = channel.memo_for(actor(request), memo_id)
    return [DayOut(**d.__dict__) for d in selectors.count_history(memo)]


@router.put("/memos/{memo_id}/target", response=SigningOut, summary="Set or clear the signature target")
def set_target(request: HttpRequest, memo_id: str, payload: TargetIn) -> SigningOut:
    services.set_target(actor=actor(request), memo_id=memo_id, target=payload.target)
    return signing_out(request, memo_id)


@router.get(
    "/memos/{memo_id}/bundle",
    response={200: dict},
    summary="The signed bundle (docs/bundle-format.md); verify it offline with `dissent verify`",
)
def get_bundle(request: HttpRequest, memo_id: str) -> HttpResponse:
    data = services.export_bundle(actor=actor(request), memo_id=memo_id)
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="memo-{memo_id}-bundle.json"'
    return response


@router.get(
    "/people/{person_id}/key", response=KeyOut, summary="A person's Ed25519 public key", tags=["people"]
)
def person_key(request: HttpRequest, person_id: str) -> KeyOut:
    key = services.ensure_public_key(person_id=person_id)
    return KeyOut(algorithm=bundle.ALGORITHM, public_key=bundle.b64(key))


@router.get("/server/key", response=KeyOut, summary="The server's Ed25519 key that signs office receipts")
def server_key(request: HttpRequest) -> KeyOut:
    return KeyOut(algorithm=bundle.ALGORITHM, public_key=bundle.b64(bytes(server_signing_key().verify_key)))
