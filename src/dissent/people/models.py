"""People, the unit tree they belong to, their roles and their API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.people.roles import Role, UnitKind

LANGUAGE_CHOICES = [("en", "English"), ("zh-hans", "简体中文")]


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, name: str = "", password: str | None = None, **extra: Any) -> User:
        user = self.model(email=normalize_email(email), name=name or email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, name: str = "", password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        user = self.create_user(email, name, password, **extra)
        RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN)
        return user


def normalize_email(email: str) -> str:
    """E-mail addresses identify people; compare them case-insensitively by storing them lower-case."""
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the organisation. Logs in with e-mail; nothing here says what they wrote."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("display name"), max_length=200)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the organisation's time zone."),
    )
    eligible = models.BooleanField(
        _("eligible to use the dissent channel"),
        default=False,
        help_text=_("For example citizen staff; contractors are usually not eligible."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    units: models.ManyToManyField[Unit, Membership] = models.ManyToManyField(
        "Unit", through="Membership", related_name="members", blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def role_codes(self) -> list[str]:
        """Role codes in a stable order (uses a prefetched ``role_assignments`` when present)."""
        return sorted(a.role for a in self.role_assignments.all())

    def has_role(self, role: Role) -> bool:
        return role in self.role_codes()

    def unit_codes(self) -> list[str]:
        """Unit codes, primary unit first (uses prefetched ``memberships`` when present)."""
        members = sorted(self.memberships.all(), key=lambda m: m.position)
        return [m.unit.code for m in members]


class Unit(models.Model):
    """A node of the organisation tree: organisation → agency → bureau/office → post."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    head = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_units",
        verbose_name=_("head"),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Membership(models.Model):
    """A person's place in a unit; ``position`` 0 is the primary unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_once_per_unit")]
        ordering = ("user", "position")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.unit_id}"


class RoleAssignment(models.Model):
    """One role held by one person: roles are data, so an admin can grant them without a deploy."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_person")]
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role}"


class ApiToken(models.Model):
    """A personal bearer token. Only SHA-256 of the token is stored (design/pitfalls.md):

    a 256-bit random token needs no slow password hash, and a leaked table reveals no token.
    A token skips the second factor, so it ends: ``expires_at``, at most a year after it is made.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("first characters"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
