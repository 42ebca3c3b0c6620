"""People, units and tokens in the admin site; e-mail addresses and authenticators only to look at.

An administrator may not give anyone's account an address (allauth's admin would add a
verified one, and a password reset to it takes the account over), nor change the address a
person logs in with: addresses come from the directory import and the person's own
e-mail page. Every change here is audited (``dissent/admin_site.py``).
"""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dissent.people import services
from dissent.people.models import ApiToken, Membership, RoleAssignment, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "eligible", "language", "is_active", "is_staff")
    list_filter = ("eligible", "is_active", "is_staff", "language", "role_assignments__role")
    search_fields = ("email", "name")
    fields = (
        "email",
        "name",
        "language",
        "time_zone",
        "eligible",
        "is_active",
        "is_staff",
        "last_login",
    )
    readonly_fields = ("last_login",)
    inlines = (MembershipInline, RoleInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """A new person's address is typed once; after that it is theirs to change, not an administrator's."""
        return ("email", "last_login") if obj is not None else ("last_login",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "head")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "head")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__email", "prefix")
    readonly_fields = ("user", "prefix", "created_at", "expires_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are shown once, so they are created by `dissent tokens create`

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = services.revoke_tokens(tokens=queryset)
        self.message_user(request, _("%d token(s) revoked.") % count, messages.SUCCESS)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(admin.ModelAdmin):
    """To look at only: no adding, verifying, changing or removing someone else's address."""

    list_display = ("email", "user", "primary", "verified")
    list_filter = ("primary", "verified")
    search_fields = ("email", "user__email")
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Removing a lost authenticator app is allowed (audited); its secrets are never shown."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
