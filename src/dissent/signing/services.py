"""Every write of co-signing: invite, sign, withdraw, set a target, freeze at submission.

Signing is the hot path (design/pitfalls.md): everything that can happen before the write
does (one read of memo, relation, unit and key; the key unwrap; the Ed25519 signature), and
the write is short: count on the memo (which locks its row), count on the unit, insert the
signature and its one audit event, all or nothing (on PostgreSQL one statement,
``sql.add_signature``). The database, not a check, makes double signing impossible.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from datetime import datetime

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.signing import SigningKey

from dissent.audit.services import new_event, record
from dissent.bounds import parse_id
from dissent.channel import selectors as channel
from dissent.channel.models import ChannelSettings, Memo, MemoVersion
from dissent.channel.status import SUBMITTED_STATES, MemoStatus
from dissent.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from dissent.notify.services import notify
from dissent.people import selectors as people
from dissent.people.models import User
from dissent.proof import bundle
from dissent.proof.canonical import canonical_json
from dissent.signing import keys, policy, sql
from dissent.signing import selectors as signing
from dissent.signing.models import Invitation, OfficeReceipt, PersonKey, Signature, SignatureGoal
from dissent.signing.tasks import make_keys
from dissent.vault import services as vault
from dissent.vault.server_key import server_signing_key

log = logging.getLogger(__name__)

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MAX_INVITE_EMAILS = 10_000
MAX_INVITE_UNITS = 200
MAX_TARGET = 1_000_000


class NotCirculating(Conflict):
    code = "not_circulating"


class SignaturesFrozen(Conflict):
    code = "signatures_frozen"


class StaleVersion(Conflict):
    code = "stale_version"


class AlreadySigned(Conflict):
    code = "already_signed"


class NotSigned(Conflict):
    code = "not_signed"


class SignerNotEligible(PermissionDenied):
    code = "not_eligible"


def not_open(memo_status: str) -> Conflict:
    """Signatures change only while a memo circulates; after submission they are frozen."""
    if memo_status in SUBMITTED_STATES:
        return SignaturesFrozen(_("The memo was submitted: its signatures were frozen at submission."))
    return NotCirculating(
        _("The memo is not open for signature (it is %(status)s).")
        % {"status": MemoStatus(memo_status).label.lower()}
    )


def invite(
    *,
    actor: User,
    memo_id: str,
    emails: Sequence[str] = (),
    unit_codes: Sequence[str] = (),
    eligible_only: bool = True,
) -> int:
    """Invite people by e-mail and everyone in the given units (and the units below them).

    Unit invitations reach only eligible staff unless ``eligible_only`` is off; people named
    by e-mail are invited as named, and told why if they may not sign. Returns how many
    people were newly invited; drafters and earlier invitees are not invited twice.
    """
    if not emails and not unit_codes:
        raise InvalidInput(_("Name at least one e-mail address or unit to invite."))
    if len(emails) > MAX_INVITE_EMAILS or len(unit_codes) > MAX_INVITE_UNITS:
        raise InvalidInput(
            _("Invite at most %(emails)d e-mail addresses and %(units)d units at once.")
            % {"emails": MAX_INVITE_EMAILS, "units": MAX_INVITE_UNITS}
        )
    _memo, access = channel.memo_for(actor, memo_id)
    if not access.is_drafter:  # before looking anyone up: the directory is not for probing
        raise PermissionDenied(_("Only the drafters may invite people to sign."))
    invited = people.people_by_email(emails) | people.people_in_units(unit_codes, eligible_only=eligible_only)
    with transaction.atomic():
        memo, access = channel.memo_for(actor, memo_id, lock=True)
        if not policy.can_invite(access, memo.status):
            raise not_open(memo.status)
        taken = set(Invitation.objects.filter(memo=memo).values_list("invitee_id", flat=True))
        taken |= set(memo.drafters.values_list("user_id", flat=True))
        new_ids = sorted(invited - taken)
        Invitation.objects.bulk_create(
            [Invitation(memo=memo, invitee_id=pk, invited_by=actor) for pk in new_ids], batch_size=500
        )
        record(
            actor=actor,
            action="memo.invited",
            target=memo,
            memo_id=memo.public_id,
            details={"person_ids": new_ids, "units": sorted(unit_codes), "eligible_only": eligible_only},
        )
        invitees = people.people_by_ids(new_ids)
        notify(users=invitees, kind="memo.invited", memo=memo)
        # Keys are made after the commit, by the worker; a queue that is down is logged, and the
        # keys are made when each invitee first signs (key_of) instead.
        transaction.on_commit(lambda: make_keys(new_ids), robust=True)
    return len(new_ids)


def sign_memo(
    *, actor: User, memo_id: str, version_sha256: str, name_visible: bool | None = None
) -> signing.SignatureReceipt:
    """Sign the exact text whose hash the signer saw; a changed text is a clear ``stale_version``.

    ``name_visible`` says whether co-signers see the signer's name; unset, a re-signature
    keeps the signer's earlier choice and a first signature hides the name.
    """
    wanted = version_sha256.strip().lower()
    if not SHA256_HEX.fullmatch(wanted):
        raise InvalidInput(_("version_sha256 must be the 64 hexadecimal digits of a version's SHA-256."))
    target = signing.signing_target(actor, memo_id)
    if target is None or not (target.is_drafter or target.is_invitee):
        # NotFound unless the actor may see the memo at all; a missing id asks too, so that it
        # costs what a hidden memo costs and the time of the 404 tells nothing.
        channel.memo_for(actor, memo_id)
        if target is None:
            raise NotFound()
        raise PermissionDenied(_("Only the drafters and invited people may sign this memo."))
    if not actor.eligible:
        raise SignerNotEligible(
            _(
                "You are not eligible to sign: the dissent channel is open only to eligible staff "
                "(for example, contractors are not eligible). Ask your administrator if this is wrong."
            )
        )
    if target.status != MemoStatus.CIRCULATING:
        raise not_open(target.status)
    if wanted != target.version_sha256:
        raise stale(target.memo_pk, wanted, target.version_number)
    key = key_of(actor, target)
    signed_at = timezone.now()
    statement = bundle.signature_statement(
        memo_id=target.memo_id,
        version_sha256=wanted,
        signer_id=str(actor.pk),
        signer_public_key=bundle.b64(bytes(key.verify_key)),
        signed_at=bundle.format_time(signed_at),
    )
    signed = key.sign(canonical_json(statement)).signature
    signature = Signature(
        memo_id=target.memo_pk,
        version_id=target.version_pk,
        signer=actor,
        unit_id=target.unit_id,
        signed_at=signed_at,
        public_key=bytes(key.verify_key),
        signature=signed,
        name_visible=name_visible if name_visible is not None else bool(target.shown_before),
    )
    event = new_event(
        actor=actor,
        action="signature.added",
        target=signature,
        memo_id=target.memo_id,
        details={"version": target.version_number, "sha256": wanted},
    )
    try:
        count = sql.add_signature(signature, event)
    except IntegrityError as exc:
        if Signature.objects.filter(
            version_id=target.version_pk, signer=actor, withdrawn_at__isnull=True
        ).exists():
            raise AlreadySigned(_("You have already signed this version.")) from exc
        raise
    if count is None:
        raise why_not_counted(target.memo_pk, wanted)
    if target.next_milestone_at is not None and count >= target.next_milestone_at:
        try:
            reach_milestones(target.memo_pk, count)
        except DatabaseError:  # the signature stands; the milestone stays open for the next one
            log.exception("could not tell the drafters of memo %s of a milestone", target.memo_id)
    return signing.SignatureReceipt(
        memo_id=target.memo_id,
        signer_id=statement["signer_id"],
        version_sha256=wanted,
        signed_at=statement["signed_at"],
        public_key=statement["signer_public_key"],
        signature=bundle.b64(signed),
    )


def key_of(actor: User, target: signing.SigningTarget) -> SigningKey:
    """The signer's key from the values read with the memo; made and stored first if there is none
    (keys are made when people are invited, so this is rare)."""
    row = (
        keys.ensure_key(actor)
        if target.key_sealed is None
        else PersonKey(user=actor, sealed_seed=target.key_sealed)
    )
    return keys.signing_key(row)


def why_not_counted(memo_pk: int, wanted: str) -> Conflict:
    """The memo changed between reading and counting: submitted or withdrawn, or a new version."""
    memo = Memo.objects.select_related("current_version").get(pk=memo_pk)
    if memo.status != MemoStatus.CIRCULATING:
        return not_open(memo.status)
    assert memo.current_version is not None
    return stale(memo_pk, wanted, memo.current_version.number)


def stale(memo_pk: int, wanted: str, current: int) -> StaleVersion:
    """Say which version the hash was and which is current, so the signer can re-read and re-sign."""
    versions = dict(MemoVersion.objects.filter(memo_id=memo_pk).values_list("sha256", "number"))
    if wanted in versions:
        return StaleVersion(
            _(
                "Version %(old)d is no longer current: the text changed and "
                "version %(new)d is open for signature."
            )
            % {"old": versions[wanted], "new": current}
        )
    return StaleVersion(
        _("That hash is not a version of this memo; the current version is %(new)d.") % {"new": current}
    )


def reach_milestones(memo_pk: int, count: int) -> None:
    """Tell the drafters once when a third and two thirds of their target have signed.

    Each claim and its notification are one transaction: on PostgreSQL the signature has
    already committed by itself, and a crash between that commit and this one leaves the
    milestone unclaimed, so the next signature reaches it again. Signing calls this only
    when its count reaches a milestone not yet claimed (``next_milestone_at``), so a
    signature that reaches none costs nothing more.
    """
    with transaction.atomic(savepoint=False):
        target = (
            SignatureGoal.objects.select_for_update()
            .filter(memo_id=memo_pk)
            .values_list("target", flat=True)
            .first()
        )
        if target is None:
            return
        for fraction, field in ((1, "third_reached_at"), (2, "two_thirds_reached_at")):
            if 3 * count < fraction * target:
                continue
            claimed = SignatureGoal.objects.filter(memo_id=memo_pk, **{f"{field}__isnull": True}).update(
                **{field: timezone.now()}
            )
            if claimed:
                kind = "signature.third_of_target" if fraction == 1 else "signature.two_thirds_of_target"
                memo = Memo.objects.get(pk=memo_pk)
                notify(users=[d.user for d in memo.drafters.select_related("user")], kind=kind, memo=memo)


def withdraw_signature(*, actor: User, memo_id: str) -> int:
    """Withdraw one's own signature until submission; the row stays, stamped, as history.

    Earlier versions' signatures are withdrawn too, so nobody keeps asking to re-sign.
    """
    with transaction.atomic():
        memo, _access = channel.memo_for(actor, memo_id, lock=True)
        active = list(Signature.objects.filter(memo=memo, signer=actor, withdrawn_at__isnull=True))
        if memo.status != MemoStatus.CIRCULATING:
            raise not_open(memo.status)
        if not active:
            raise NotSigned(_("You have no signature on this memo to withdraw."))
        Signature.objects.filter(pk__in=[s.pk for s in active]).update(withdrawn_at=timezone.now())
        current = [s for s in active if s.version_id == memo.current_version_id]
        if current:
            Memo.objects.filter(pk=memo.pk).update(signature_count=F("signature_count") - len(current))
        for s in active:
            sql.count_in_tally(version_pk=s.version_id, unit_id=s.unit_id, delta=-1)
        record(
            actor=actor,
            action="signature.withdrawn",
            target=memo,
            memo_id=memo.public_id,
            details={"signatures": [s.pk for s in active], "counted": bool(current)},
        )
    return len(active)


def set_target(*, actor: User, memo_id: str, target: int | None) -> SignatureGoal | None:
    """The drafters' target (None removes it); a new target starts its milestones afresh."""
    if target is not None and not 1 <= target <= MAX_TARGET:
        raise InvalidInput(_("The target must be between 1 and %(max)d.") % {"max": MAX_TARGET})
    with transaction.atomic():
        memo, access = channel.memo_for(actor, memo_id, lock=True)
        if not access.is_drafter:
            raise PermissionDenied(_("Only the drafters may set a target."))
        if not policy.can_set_target(access, memo.status):
            raise not_open(memo.status)
        SignatureGoal.objects.filter(memo=memo).delete()
        goal = None if target is None else SignatureGoal.objects.create(memo=memo, target=target)
        record(
            actor=actor,
            action="memo.target_set",
            target=memo,
            memo_id=memo.public_id,
            details={"target": target},
        )
        if goal is not None and memo.signature_count:
            reach_milestones(memo.pk, memo.signature_count)
    return goal


def ensure_public_key(*, person_id: str) -> bytes:
    """Anyone's public key, made on request if they have none yet.

    Making it on request means that a key's existence says nothing about whether its owner
    has ever signed anything.
    """
    pk = parse_id(person_id)
    person = None if pk is None else people.person_by_id(pk)
    if person is None:
        raise NotFound()
    return bytes(keys.ensure_key(person).public_key)


def ask_to_resign(*, memo: Memo, previous_version_id: int) -> None:
    """After an edit: the previous version's signers are asked to re-sign the new text in one click.

    Their signatures stay as history and stop counting (the caller resets the count).
    """
    active = Signature.objects.filter(version_id=previous_version_id, withdrawn_at__isnull=True)
    signers = people.people_by_ids(sorted(set(active.values_list("signer_id", flat=True))))
    if signers:
        notify(users=signers, kind="signature.resign", memo=memo)


def freeze_at_submission(*, memo: Memo, submitted_at: datetime, config: ChannelSettings) -> OfficeReceipt:
    """The frozen set: the current version's active signatures, signed by the server as received.

    Runs inside submit_memo's transaction with the memo row locked, so no signature can slip
    in or out between freezing and submission. Also decides whether the signature threshold
    adds leadership to the distribution (a channel setting, off by default).
    """
    version = memo.current_version
    assert version is not None
    rows = list(
        Signature.objects.filter(version=version, withdrawn_at__isnull=True)
        .select_related("unit")
        .only("signer_id", "public_key", "signed_at", "signature", "unit__code")
        .order_by("signed_at", "pk")
    )
    entries = [
        bundle.signature_entry(
            signer_id=str(s.signer_id),
            signer_public_key=bundle.b64(bytes(s.public_key)),
            signed_at=bundle.format_time(s.signed_at),
            signature=bundle.b64(bytes(s.signature)),
            unit=s.unit.code if s.unit else bundle.NO_UNIT,
        )
        for s in rows
    ]
    server_key = server_signing_key()
    statement = bundle.receipt_statement(
        memo_id=memo.public_id,
        version_number=version.number,
        version_sha256=version.sha256,
        submitted_at=bundle.format_time(submitted_at),
        entries=entries,
        server_public_key=bundle.b64(bytes(server_key.verify_key)),
    )
    signed_bytes = canonical_json(statement)
    return OfficeReceipt.objects.create(
        memo=memo,
        version=version,
        count=len(entries),
        signatures_sha256=statement["signatures_sha256"],
        statement=signed_bytes,
        signature=server_key.sign(signed_bytes).signature,
        entries=vault.seal(
            memo.data_key,
            json.dumps(entries, ensure_ascii=False).encode("utf-8"),
            aad=memo.aad("signatures").encode("utf-8"),
        ),
        leadership_added=policy.reaches_leadership(
            config, len(entries), lambda: people.unit_tree().agencies_of(s.unit_id for s in rows)
        ),
        created_at=submitted_at,
    )


def export_bundle(*, actor: User, memo_id: str) -> bytes:
    """The bundle, for those who see every signer's name (it lists them all); an audited export."""
    memo, access = channel.memo_for(actor, memo_id)
    if not policy.can_export_bundle(access):
        raise PermissionDenied(
            _("Only the receiving office and the distribution may export the bundle: it lists every signer.")
        )
    data = signing.bundle_of(memo)
    record(actor=actor, action="memo.bundle_exported", target=memo, memo_id=memo.public_id)
    return data


def export_bundle_for_operator(*, memo_id: str) -> bytes:
    """The operator's export (``dissent export bundle``): no actor, audited as the system."""
    memo = Memo.objects.select_related("data_key").filter(public_id=memo_id).first()
    if memo is None:
        raise NotFound(_("There is no memo %(id)s.") % {"id": memo_id})
    data = signing.bundle_of(memo)
    record(
        actor=None,
        action="memo.bundle_exported",
        target=memo,
        memo_id=memo.public_id,
        details={"via": "cli"},
    )
    return data
