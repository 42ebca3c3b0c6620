"""Co-signing: personal keys, invitations, signatures bound to one version, and the frozen set.

Signatures are never deleted or changed, except that a withdrawal is stamped on the row:
history stays, and counts are derived from ``withdrawn_at`` and the memo's current version.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.channel.models import Memo, MemoVersion
from dissent.people.models import Unit, User


class PersonKey(models.Model):
    """A person's Ed25519 key pair, made on first need.

    The private seed is wrapped under the key-encryption key (vault.wrap_secret), not
    under anything derived from a password: a signature costs one fast symmetric unwrap,
    and recent authentication, not a KDF, gates browser signing (design/pitfalls.md).
    """

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="signing_key")
    public_key = models.BinaryField(max_length=32)
    sealed_seed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"signing key of {self.user_id}"


class Invitation(models.Model):
    """An invitation to read and sign a circulating memo; it also makes the memo visible."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["memo", "invitee"], name="invitation_once_per_memo")]
        indexes = [models.Index(fields=["invitee", "memo"])]

    def __str__(self) -> str:
        return f"{self.invitee_id} invited to {self.memo_id}"


class SignatureState(models.TextChoices):
    VALID = "valid", _("Signed this version")
    SUPERSEDED = "superseded", _("Signed an earlier version")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Signature(models.Model):
    """One person's Ed25519 signature over one version (docs/bundle-format.md).

    ``signed_at``, ``public_key`` and ``signature`` are kept exactly as signed, so the
    statement can be rebuilt and checked at any time. ``unit`` is the signer's primary unit
    when they signed: counts per unit do not move when people change units later.
    """

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(MemoVersion, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="signatures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    signed_at = models.DateTimeField()
    public_key = models.BinaryField(max_length=32)
    signature = models.BinaryField(max_length=64)
    name_visible = models.BooleanField(
        _("co-signers see my name"),
        default=False,
        help_text=_("The office and the distribution list always see every name."),
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Double signing is impossible, not merely checked: at most one active signature
            # per person and version. A withdrawn row stays as history and does not block
            # signing the same version again.
            models.UniqueConstraint(
                fields=["memo", "version", "signer"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_signature_per_version",
            ),
        ]
        indexes = [
            models.Index(fields=["memo", "signed_at"]),
            models.Index(fields=["version", "signed_at"]),
            models.Index(fields=["signer", "memo"]),
        ]
        ordering = ("signed_at", "pk")

    def __str__(self) -> str:
        return f"{self.signer_id} signed {self.memo_id} v{self.version_id}"

    def state(self, current_version_id: int | None) -> SignatureState:
        if self.withdrawn_at is not None:
            return SignatureState.WITHDRAWN
        if self.version_id != current_version_id:
            return SignatureState.SUPERSEDED
        return SignatureState.VALID


class Tally(models.Model):
    """Active signatures of one version from one unit, kept in step with every signature.

    Pages read a handful of these rows instead of counting thousands of signatures.
    """

    version = models.ForeignKey(MemoVersion, on_delete=models.CASCADE, related_name="tallies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="tally_once_per_unit"),
            models.UniqueConstraint(
                fields=["version"], condition=Q(unit__isnull=True), name="tally_once_without_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} on v{self.version_id} from {self.unit_id}"


class SignatureGoal(models.Model):
    """The drafters' target number of signatures; each milestone is claimed once by a conditional UPDATE."""

    memo = models.OneToOneField(Memo, on_delete=models.CASCADE, related_name="signature_goal")
    target = models.PositiveIntegerField()
    third_reached_at = models.DateTimeField(null=True)
    two_thirds_reached_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"target {self.target} for {self.memo_id}"


class OfficeReceipt(models.Model):
    """The frozen set at submission, signed with the server's own key.

    ``statement`` holds the exact canonical bytes that were signed; ``entries`` the frozen
    list of signatures (sealed under the memo's data key, because it says who signed), so
    the bundle is the same file whenever it is exported.
    """

    memo = models.OneToOneField(Memo, on_delete=models.PROTECT, related_name="office_receipt")
    version = models.ForeignKey(MemoVersion, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()
    signatures_sha256 = models.CharField(max_length=64)
    statement = models.BinaryField()
    signature = models.BinaryField(max_length=64)
    entries = models.BinaryField()
    leadership_added = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"receipt for {self.memo_id}: {self.count} signatures"
